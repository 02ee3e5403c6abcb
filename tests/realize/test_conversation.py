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
