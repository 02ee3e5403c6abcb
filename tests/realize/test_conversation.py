"""A live conversation planned in-process, turn by turn, through the public API: the context
the server's sessions give (addressee, carried emotion, a seed per turn) without the server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from motiondirector import Conversation, TurnError, TurnInput


def test_turns_carry_their_context() -> None:
    talk = Conversation(characters=["Ana", "ben"])
    first = talk.take_turn(TurnInput(speaker="ana", text="Did you take my key? I am furious!"))
    second = talk.take_turn(TurnInput(speaker="BEN", text="I did."))
    third = talk.take_turn(TurnInput(speaker="ANA", text="Then give it back."))
    assert talk.characters == ["ANA", "BEN"] and talk.turns == 3
    assert (second.addressee, second.addressee_from) == ("ANA", "last_speaker")
    assert second.answers_question
    assert first.plan.utterances[0].emotion.label == "anger"
    # The next line of hers reads neutral alone: it keeps her anger, faded.
    assert third.carried is not None and third.carried.label == "anger"
    assert third.plan.utterances[0].emotion.label == "anger"
    # Each turn has a seed of its own; replayed, the conversation gives the same plans.
    again = Conversation(characters=["ANA", "BEN"])
    replayed = [
        again.take_turn(TurnInput(speaker=speaker, text=text)).plan.to_json()
        for speaker, text in (
            ("ANA", "Did you take my key? I am furious!"),
            ("BEN", "I did."),
            ("ANA", "Then give it back."),
        )
    ]
    assert replayed == [o.plan.to_json() for o in (first, second, third)]


def test_a_spanish_conversation_reads_and_carries_emotion_by_its_words() -> None:
    talk = Conversation(characters=["ANA", "BEN"], language="es")
    first = talk.take_turn(TurnInput(speaker="ANA", text="¡Te odio! ¡Sal de mi casa!"))
    talk.take_turn(TurnInput(speaker="BEN", text="Lo hice."))
    third = talk.take_turn(TurnInput(speaker="ANA", text="Pues devuélvemela."))
    assert first.plan.utterances[0].emotion.label == "anger"
    # Her next line has no emotion word: it keeps her anger, faded, as an English one would.
    assert third.carried is not None and third.carried.label == "anger"
    assert third.plan.utterances[0].emotion.label == "anger"


def test_a_conversation_tells_its_latin_letter_language_by_its_words() -> None:
    talk = Conversation(characters=["ANA", "BEN"])
    first = talk.take_turn(
        TurnInput(speaker="ANA", text="Hola, ¿qué tal estás hoy? Yo estoy bien, gracias, y tú.")
    )
    # Twelve words tell nothing yet: the line is read as before, by the English classifier.
    assert first.plan.utterances[0].language is None
    assert talk.written_language is None
    second = talk.take_turn(
        TurnInput(
            speaker="BEN", text="¿Dónde estabas anoche? Te esperé en la cocina toda la noche."
        )
    )
    assert second.plan.utterances[0].language == "es" and talk.written_language == "es"
    third = talk.take_turn(TurnInput(speaker="ANA", text="¡Te odio!"))
    assert third.plan.utterances[0].language == "es"
    assert third.plan.utterances[0].emotion.label == "anger"
    english = Conversation(characters=["ANA", "BEN"])
    for text in ("Hi, how are you today? I am fine, thanks.", "Where were you last night?") * 3:
        outcome = english.take_turn(TurnInput(speaker="ANA", text=text))
        assert outcome.plan.utterances[0].language is None


def test_a_turn_that_cannot_be_taken_changes_nothing() -> None:
    talk = Conversation(characters=["ANA"])
    with pytest.raises(TurnError, match="speaker"):
        talk.take_turn(TurnInput(speaker="  ", text="Hello."))
    assert talk.turns == 0 and talk.last_speaker is None


def test_a_conversation_does_not_import_the_server() -> None:
    code = (
        "import sys\n"
        "from motiondirector import Conversation, TurnInput\n"
        "Conversation(characters=['ANA']).take_turn(TurnInput(speaker='ANA', text='Hi.'))\n"
        "print(sorted(m for m in ('fastapi', 'motiondirector.server') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("turn", "field"),
    [
        (TurnInput(speaker="BEN\x00", text="Hi."), "speaker"),
        (TurnInput(speaker="BEN", text="Hi.", direction="x\x00"), "direction"),
        (TurnInput(speaker="BEN", text="Hi.", addressee="ANA\x00"), "addressee"),
        (TurnInput(speaker="BEN", text="Hi.", words=[("Hi\x00.", 0.0, 0.4)]), "words[0].text"),
        (TurnInput(speaker="BEN", text="Hi \ud800."), "text"),
    ],
)
def test_text_that_is_not_unicode_is_refused_naming_its_field(turn: TurnInput, field: str) -> None:
    talk = Conversation(characters=["ANA", "BEN"])
    with pytest.raises(TurnError) as refused:
        talk.take_turn(turn)
    assert refused.value.field == field
    assert talk.turns == 0


@pytest.mark.parametrize(
    ("characters", "title", "field"),
    [(["ANA", "BEN\x00"], None, "characters[1]"), (["ANA"], "Night\x00", "title")],
)
def test_a_conversation_whose_names_are_not_text_is_refused_at_once(
    characters: list[str], title: str | None, field: str
) -> None:
    # Taken, it would have failed every turn after, each blamed on the turn's text.
    with pytest.raises(TurnError) as refused:
        Conversation(characters=characters, title=title)
    assert refused.value.field == field and "NUL" in refused.value.message
