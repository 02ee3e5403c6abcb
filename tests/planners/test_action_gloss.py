"""Action lines in Spanish, French, German, Italian, Portuguese, Russian, Chinese, Japanese and
Korean (`planners/action_gloss.py`):
each moves the characters it names as its English kin does, says so in its own words, keeps
negation, and no foreign word is ever read as an English verb."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from motiondirector.planners.action_gloss import (
    ActionGloss,
    action_glosses,
    gloss_for,
    parse_action_glosses,
)
from motiondirector.planners.action_language_eval import (
    LanguageCase,
    load_language_cases,
    score_case,
)
from motiondirector.planners.actions import ActionParser, NameIndex, ReferenceTracker
from motiondirector.planners.actions import parser as actions_module
from motiondirector.planners.cues import load_cue_lexicon
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel

CAST = ["ANA", "BEN"]


@pytest.fixture(scope="module")
def parser() -> ActionParser:
    return ActionParser(load_cue_lexicon())


def read(
    parser: ActionParser, language: str | None, text: str, cast: Sequence[str] = CAST
) -> set[tuple[str, str, str]]:
    """(character, what, target) of every cue the text gives."""
    cues = parser.parse(
        text, NameIndex(cast), ReferenceTracker(), cast, language=language, emotions=True
    )
    return {
        (
            cue.character,
            str(cue.template.lexeme or cue.template.au or cue.template.channel),
            str(cue.target),
        )
        for cue in cues
    }


# One line per language and behaviour, with what its English kin gives.
CASES = [
    ("es", "Ana se sienta y mira a Ben.", {("ANA", "sit", "None"), ("ANA", "gaze", "BEN")}),
    ("fr", "Ana s'assoit et regarde Ben.", {("ANA", "sit", "None"), ("ANA", "gaze", "BEN")}),
    ("de", "Ana setzt sich und sieht Ben an.", {("ANA", "sit", "None"), ("ANA", "gaze", "BEN")}),
    ("it", "Ana si siede e guarda Ben.", {("ANA", "sit", "None"), ("ANA", "gaze", "BEN")}),
    ("pt", "Ana senta-se e olha para Ben.", {("ANA", "sit", "None"), ("ANA", "gaze", "BEN")}),
    ("pt-BR", "Ana se senta e olha para Ben.", {("ANA", "sit", "None"), ("ANA", "gaze", "BEN")}),
    ("es", "Ben se encoge de hombros.", {("BEN", "shrug", "None")}),
    ("fr", "Ben hausse les épaules.", {("BEN", "shrug", "None")}),
    ("de", "Ben zuckt mit den Schultern.", {("BEN", "shrug", "None")}),
    ("it", "Ben alza le spalle.", {("BEN", "shrug", "None")}),
    ("pt", "Ben dá de ombros.", {("BEN", "shrug", "None")}),
    ("es", "Ana cruza los brazos.", {("ANA", "cross_arms", "None")}),
    ("fr", "Ana croise les bras.", {("ANA", "cross_arms", "None")}),
    ("de", "Ana verschränkt die Arme.", {("ANA", "cross_arms", "None")}),
    ("it", "Ana incrocia le braccia.", {("ANA", "cross_arms", "None")}),
    ("pt", "Ana cruza os braços.", {("ANA", "cross_arms", "None")}),
    ("es", "Ben niega con la cabeza.", {("BEN", "shake", "None")}),
    ("fr", "Ben secoue la tête.", {("BEN", "shake", "None")}),
    ("de", "Ben schüttelt den Kopf.", {("BEN", "shake", "None")}),
    ("it", "Ben scuote la testa.", {("BEN", "shake", "None")}),
    ("pt", "Ben balança a cabeça.", {("BEN", "shake", "None")}),
    ("es", "Ana se levanta y sale.", {("ANA", "stand", "None"), ("ANA", "walk", "None")}),
    ("fr", "Ana se lève et sort.", {("ANA", "stand", "None"), ("ANA", "walk", "None")}),
    ("de", "Ana steht auf und geht hinaus.", {("ANA", "stand", "None"), ("ANA", "walk", "None")}),
    ("it", "Ana si alza ed esce.", {("ANA", "stand", "None"), ("ANA", "walk", "None")}),
    ("pt", "Ana levanta-se e sai.", {("ANA", "stand", "None"), ("ANA", "walk", "None")}),
    ("es", "Ana y Ben se miran.", {("ANA", "gaze", "BEN"), ("BEN", "gaze", "ANA")}),
    ("fr", "Ana et Ben se regardent.", {("ANA", "gaze", "BEN"), ("BEN", "gaze", "ANA")}),
    ("it", "Ana e Ben si guardano.", {("ANA", "gaze", "BEN"), ("BEN", "gaze", "ANA")}),
    ("es", "Ana mira al suelo.", {("ANA", "gaze", "down")}),
    ("de", "Ben nickt.", {("BEN", "nod", "None")}),
    ("es", "Ana abraza a Ben.", {("ANA", "hug", "BEN"), ("BEN", "hug", "None")}),
    # Offering, showing, throwing to and giving back are handing over; a pronoun before the
    # verb that doubles the name after it ("le ... a Ben") is that name.
    ("es", "Ana le ofrece un café a Ben.", {("ANA", "give", "BEN")}),
    ("es", "Ben le devuelve el libro a Ana.", {("BEN", "give", "ANA")}),
    ("fr", "Ana lance les clés à Ben.", {("ANA", "give", "BEN")}),
    ("de", "Ana wirft Ben die Schlüssel zu.", {("ANA", "give", "BEN")}),
    ("it", "Ana mostra la foto a Ben.", {("ANA", "give", "BEN")}),
    ("pt", "Ben devolve o livro para Ana.", {("BEN", "give", "ANA")}),
    # Stage business: a lip bitten, eyes closed, a hand through the hair, a door slammed.
    (
        "es",
        "Ana se muerde el labio y cierra los ojos.",
        {("ANA", "28", "None"), ("ANA", "43", "None")},
    ),
    ("fr", "Ben se passe la main dans les cheveux.", {("BEN", "head_scratch", "None")}),
    ("de", "Ana knallt die Tür zu.", {("ANA", "open", "None")}),
    ("it", "Ana bacia Ben.", {("ANA", "lean_forward", "None"), ("ANA", "gaze", "BEN")}),
    ("pt", "Ben hesita e pigarreia.", {("BEN", "gaze", "away"), ("BEN", "cover_mouth", "None")}),
    # A knock on the door is a beat of the hand; a person knocked is struck.
    ("es", "Ben llama a la puerta.", {("BEN", "beat", "None")}),
    ("fr", "Ana frappe Ben.", {("ANA", "punch", "BEN"), ("ANA", "4", "None")}),
    ("de", "Ben klopft an die Tür.", {("BEN", "beat", "None")}),
    ("it", "Ana bussa.", {("ANA", "beat", "None")}),
    ("pt", "Ben bate à porta.", {("BEN", "beat", "None")}),
    # Done to someone named after the verb (Spanish with its personal "a", or a clitic).
    ("es", "Ana empuja a Ben.", {("ANA", "stop", "BEN")}),
    ("es", "Ben entra. Ana lo empuja.", {("ANA", "stop", "BEN")}),
    ("es", "Ben sigue a Ana.", {("BEN", "walk", "None"), ("BEN", "gaze", "ANA")}),
    ("fr", "Ana console Ben.", {("ANA", "hug", "BEN")}),
    ("fr", "Ana remercie Ben.", {("ANA", "nod", "None"), ("ANA", "gaze", "BEN")}),
    ("de", "Ana unterbricht Ben.", {("ANA", "stop", "BEN")}),
    ("de", "Ben folgt Ana.", {("BEN", "walk", "None"), ("BEN", "gaze", "ANA")}),
    ("it", "Ana colpisce Ben.", {("ANA", "punch", "BEN")}),
    ("it", "Ana consola Ben.", {("ANA", "hug", "BEN")}),
    ("pt", "Ana empurra Ben.", {("ANA", "stop", "BEN")}),
    ("pt", "Ana interrompe Ben.", {("ANA", "stop", "BEN")}),
    # Sleep, a cough, a raised or lowered voice, a blush.
    ("es", "Ana se duerme.", {("ANA", "43", "None"), ("ANA", "lower", "None")}),
    ("fr", "Ana chuchote à Ben.", {("ANA", "lean_forward", "None"), ("ANA", "gaze", "BEN")}),
    ("de", "Ana schläft ein.", {("ANA", "43", "None"), ("ANA", "lower", "None")}),
    ("it", "Ben tossisce.", {("BEN", "cover_mouth", "None")}),
    ("pt", "Ana cora.", {("ANA", "gaze", "down"), ("ANA", "12", "None"), ("ANA", "lower", "None")}),
    ("es", "Ana grita a Ben.", {("ANA", "4", "None"), ("ANA", "gaze", "BEN")}),
    # Kicks, punches, lying down.
    ("es", "Ben patea la puerta.", {("BEN", "kick", "None")}),
    ("es", "Ana se acuesta en la cama.", {("ANA", "lie", "None")}),
    (
        "fr",
        "Ana donne un coup de poing à Ben.",
        {
            ("ANA", "punch", "BEN"),
            ("ANA", "4", "None"),
            ("BEN", "turn_away", "None"),
            ("BEN", "4", "None"),
            ("BEN", "7", "None"),
        },
    ),
    ("fr", "Ben s'allonge sur le canapé.", {("BEN", "lie", "None")}),
    ("de", "Ben tritt gegen die Tür.", {("BEN", "kick", "None")}),
    ("de", "Ana legt sich auf das Bett.", {("ANA", "lie", "None")}),
    (
        "it",
        "Ana dà un calcio a Ben.",
        {
            ("ANA", "kick", "None"),
            ("ANA", "gaze", "BEN"),
            ("ANA", "4", "None"),
            ("BEN", "turn_away", "None"),
            ("BEN", "4", "None"),
            ("BEN", "7", "None"),
        },
    ),
    ("it", "Ben si sdraia sul divano.", {("BEN", "lie", "None")}),
    (
        "pt",
        "Ben dá um soco em Ana.",
        {
            ("BEN", "punch", "ANA"),
            ("BEN", "4", "None"),
            ("ANA", "turn_away", "None"),
            ("ANA", "4", "None"),
            ("ANA", "7", "None"),
        },
    ),
    ("pt", "Ana se deita no chão.", {("ANA", "lie", "None")}),
    # Done to the subject: the passive's subject takes it.
    (
        "es",
        "Ben es golpeado.",
        {("BEN", "turn_away", "None"), ("BEN", "4", "None"), ("BEN", "7", "None")},
    ),
    (
        "fr",
        "Ana reçoit une gifle.",
        {("ANA", "turn_away", "None"), ("ANA", "4", "None"), ("ANA", "7", "None")},
    ),
    ("de", "Ben wird niedergeschlagen.", {("BEN", "fall", "None"), ("BEN", "4", "None")}),
    (
        "it",
        "Ben riceve un pugno.",
        {("BEN", "turn_away", "None"), ("BEN", "4", "None"), ("BEN", "7", "None")},
    ),
    (
        "pt",
        "Ana é empurrada.",
        {("ANA", "walk", "None"), ("ANA", "4", "None")},
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_an_action_line_moves_whom_it_names(
    parser: ActionParser, language: str, text: str, expected: set[tuple[str, str, str]]
) -> None:
    found = read(parser, language, text)
    assert {(c, w, t) for c, w, t in found if w in {e[1] for e in expected}} == expected


@pytest.mark.parametrize(
    ("language", "text", "subject"),
    [
        ("es", "Ana entra. Después se sienta.", "ANA"),  # no subject: the sentence before's
        ("fr", "Ben entre. Il s'assoit.", "BEN"),
        ("de", "Ben kommt herein. Er setzt sich.", "BEN"),
        ("it", "Ben entra. Lui si siede.", "BEN"),
        ("pt", "Ben entra. Ele senta-se.", "BEN"),
    ],
)
def test_a_pronoun_or_a_dropped_subject_is_the_one_just_named(
    parser: ActionParser, language: str, text: str, subject: str
) -> None:
    assert (subject, "sit", "None") in read(parser, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Ana no se sienta."),
        ("fr", "Ana ne s'assoit pas."),
        ("de", "Ana setzt sich nicht."),
        ("it", "Ana non si siede."),
        ("pt", "Ana não se senta."),
    ],
)
def test_a_negated_action_moves_nobody(parser: ActionParser, language: str, text: str) -> None:
    assert read(parser, language, text) == set()


@pytest.mark.parametrize(
    ("language", "text", "found"),
    [
        # German puts the verb second: after an adverb, the subject follows it.
        ("de", "Ben kommt herein. Dann setzt sich Ana.", {("BEN", "walk"), ("ANA", "sit")}),
        (
            "de",
            "Ben sitzt. Danach umarmt Ana ihn.",
            {("BEN", "sit"), ("ANA", "hug"), ("BEN", "hug")},
        ),
        # A particle at the clause's end belongs to its verb: "steht ... auf" stands up.
        ("de", "Ben sitzt. Plötzlich steht Ana auf.", {("BEN", "sit"), ("ANA", "stand")}),
        ("de", "Ana steht langsam auf.", {("ANA", "stand")}),
        # ... also where "und" ends the clause, and after an inverted subject.
        (
            "de",
            "Ben sitzt. Ana dreht sich langsam um und geht hinaus.",
            {("BEN", "sit"), ("ANA", "turn"), ("ANA", "walk")},
        ),
        ("de", "Dann dreht sich Ana um und nickt.", {("ANA", "turn"), ("ANA", "nod")}),
        # Coming and going: the subject after the verb, also two names joined by "and".
        ("es", "Ben está sentado. Entra ANA.", {("BEN", "sit"), ("ANA", "walk")}),
        ("es", "Entran Ana y Ben.", {("ANA", "walk"), ("BEN", "walk")}),
        ("it", "Ben si siede. Entra Ana.", {("BEN", "sit"), ("ANA", "walk")}),
        # Only verbs of coming and going: "Mira a Ben" is still the last subject looking at Ben.
        ("es", "Ana entra. Mira a Ben.", {("ANA", "walk"), ("ANA", "gaze")}),
    ],
)
def test_a_subject_after_its_verb_is_its_subject(
    parser: ActionParser, language: str, text: str, found: set[tuple[str, str]]
) -> None:
    assert {(who, what) for who, what, _ in read(parser, language, text)} == found


def test_german_nicht_negates_the_verb_before_it_only(parser: ActionParser) -> None:
    found = read(parser, "de", "Ana setzt sich nicht. Ben nickt.")
    assert found == {("BEN", "nod", "None")}


def test_the_trigger_is_the_line_own_words(parser: ActionParser) -> None:
    cues = parser.parse(
        "Ana s'assoit et regarde l'homme. Ben, furieux, croise les bras.",
        NameIndex(CAST),
        ReferenceTracker(),
        CAST,
        language="fr",
        emotions=True,
    )
    triggers = {cue.trigger for cue in cues}
    assert {"s'assoit", "regarde l'homme", "croise les bras", "furieux"} <= triggers


def test_an_emotion_word_of_the_line_gives_its_face(parser: ActionParser) -> None:
    found = read(parser, "es", "José entra, furioso, y golpea la mesa.")
    assert found == set()  # José is not in the cast: nothing is guessed
    found = read(parser, "es", "Ben entra, furioso.")
    assert ("BEN", "4", "None") in found  # the brow lowerer of anger


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Ana come una manzana."),  # "come": eats, not the English verb
        ("it", "Ana ride di gusto e legge."),  # ride is glossed: laughs, not the English ride
        ("pt", "Ana pace o cão."),  # Portuguese nonsense spelled like "paces"
        ("de", "Ana hat einen Plan."),
    ],
)
def test_no_foreign_word_is_read_as_an_english_verb(
    parser: ActionParser, language: str, text: str
) -> None:
    found = read(parser, language, text)
    assert not {w for _, w, _ in found} & {"walk", "run"}
    if language == "it":
        assert ("ANA", "read", "None") in found and ("ANA", "12", "None") in found


def test_the_same_line_read_as_english_does_not_move(parser: ActionParser) -> None:
    assert read(parser, None, "Ana se sienta y mira a Ben.") == set()
    assert read(parser, "en", "Ana se sienta y mira a Ben.") == set()
    assert gloss_for("en") is None and gloss_for("es-MX") is action_glosses()["es"]


def test_a_name_that_is_a_word_of_the_language_is_still_a_name(parser: ActionParser) -> None:
    cast = ["SOL", "LUNA"]
    cues = parser.parse(
        "Sol se sienta junto a Luna.", NameIndex(cast), ReferenceTracker(), cast, language="es"
    )
    assert [(c.character, c.template.lexeme) for c in cues] == [("SOL", "sit")]


def test_every_language_glosses_the_core_behaviours() -> None:
    glosses = action_glosses()
    assert set(glosses) == {"es", "fr", "de", "it", "pt", "ru", "zh", "ja", "ko"}
    for gloss in glosses.values():
        english = {word for words in gloss.phrases.values() for word in words}
        for verb in ("sits", "stands", "walks", "looks", "nods", "shrugs", "hugs", "smiles"):
            assert verb in english, (gloss.language, verb)


def test_a_malformed_glossary_is_refused_with_its_phrase() -> None:
    with pytest.raises(ValueError, match=r"ru: spellings map a letter"):
        parse_action_glosses(
            {"languages": {"ru": {"words": {}, "verbs": {}, "spellings": {"ёё": "е"}}}}
        )
    with pytest.raises(ValueError, match=r"ja: particles map a particle"):
        parse_action_glosses({"languages": {"ja": {"words": {}, "verbs": {}, "particles": ["は"]}}})
    with pytest.raises(ValueError, match=r"zh: spaced must be true or false"):
        parse_action_glosses({"languages": {"zh": {"words": {}, "verbs": {}, "spaced": "no"}}})
    with pytest.raises(ValueError, match=r"ru: name_endings must be a list of text"):
        parse_action_glosses({"languages": {"ru": {"words": {}, "verbs": {}, "name_endings": 1}}})
    with pytest.raises(ValueError, match=r"es: True"):
        parse_action_glosses({"languages": {"es": {"words": {True: "not"}, "verbs": {}}}})
    with pytest.raises(ValueError, match=r"'se sienta' is glossed twice"):
        parse_action_glosses(
            {"languages": {"es": {"words": {"se  sienta": "sits"}, "verbs": {"se sienta": "sits"}}}}
        )
    with pytest.raises(ValueError, match=r"expected `name`, `words` and `verbs`"):
        parse_action_glosses({"languages": {"es": {"gloss": {"se sienta": "sits"}}}})


@pytest.mark.parametrize(
    ("words", "verbs", "refused"),
    [
        ({}, {("se", "sienta"): ("sitz",)}, "se sienta -> sitz"),  # a word it does not read
        ({}, {("la", "mesa"): ("the", "table")}, "la mesa -> the table"),  # a verb without one
    ],
)
def test_a_gloss_the_parser_cannot_read_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    words: dict[tuple[str, ...], tuple[str, ...]],
    verbs: dict[tuple[str, ...], tuple[str, ...]],
    refused: str,
) -> None:
    phrases = {**words, **verbs}
    bad = ActionGloss("es", "Spanish", phrases, frozenset(verbs), frozenset(), frozenset())
    monkeypatch.setattr(actions_module, "action_glosses", lambda: {"es": bad})
    with pytest.raises(ValueError, match=f"es: .*{refused}"):
        ActionParser(load_cue_lexicon())


def test_the_rules_planner_reads_a_spanish_script() -> None:
    script = (
        "Title: La llave\nLanguage: es\n\nINT. COCINA - NOCHE\n\n"
        "ANA entra y se sienta. BEN la mira desde la puerta.\n\n"
        "ANA\n(se levanta)\n¿Vas a quedarte ahí?\n\n"
        "BEN\nNo sé.\n\n"
        "Ben cruza los brazos.\n"
    )
    scene = parse_script(script, format="fountain")
    assert {action.language for action in scene.actions} == {"es"}
    direction = RulesPlanner(KeywordEmotionModel()).plan(scene)
    by_action = {
        (b.character, b.lexeme, b.reason)
        for action in direction.actions
        for b in action.behaviours
        if b.lexeme
    }
    assert ("ANA", "sit", 'action "se sienta"') in by_action
    assert ("BEN", "cross_arms", 'action "cruza los brazos"') in by_action
    stood = [b for b in direction.utterances[0].behaviours if b.rule == "rules.parenthetical"]
    assert [(b.character, b.lexeme) for b in stood] == [("ANA", "stand")]


CASES_FOLDER = Path(__file__).resolve().parents[1] / "data" / "languages"
LANGUAGE_CASES = load_language_cases(CASES_FOLDER)


@pytest.mark.parametrize(
    "case", LANGUAGE_CASES, ids=[f"{c.scene}-{c.language}" for c in LANGUAGE_CASES]
)
def test_each_scene_directs_in_every_language_as_in_english(case: LanguageCase) -> None:
    planner = RulesPlanner(KeywordEmotionModel())
    report = score_case(case, planner)
    assert (report.misses, report.extras) == ((), ())
    if case.language != "en":  # read as English, the same lines move nobody but a cognate's
        shared = ENGLISH_COGNATES.get((case.scene, case.language), 0)
        assert score_case(case, planner, as_english=True).found == shared


# Words of a scene that English reads the same: French "MARCO arrive avec deux tasses" walks.
ENGLISH_COGNATES = {("garden", "fr"): 1}


def test_the_scenes_are_the_same_scene_in_every_language() -> None:
    by_scene: dict[str, dict[str, LanguageCase]] = {}
    for case in LANGUAGE_CASES:
        by_scene.setdefault(case.scene, {})[case.language] = case
    assert len(by_scene) >= 4
    for scene, cases in by_scene.items():
        assert set(cases) == {"en", "es", "fr", "de", "it", "pt", "ru", "zh", "ja", "ko"}, scene
        english = cases["en"].expected
        for case in cases.values():  # same behaviours, names spelled the language's way
            assert len(case.expected) == len(english)
            for want, reference in zip(case.expected, english, strict=True):
                assert {_latin(w) for w in want} == reference, (scene, case.language)


_LATIN_NAMES = {
    "АНА": "ANA", "БЕН": "BEN", "СОФИЯ": "SOFIA", "МАРКО": "MARCO", "КЛАРА": "CLARA",
    "ТОМАС": "TOMAS", "ЛУИС": "LUIS", "МАРТА": "MARTA", "王芳": "ANA", "李明": "BEN",
    "苏菲": "SOFIA", "马可": "MARCO", "陈静": "CLARA", "张伟": "TOMAS", "刘洋": "LUIS",
    "马丽": "MARTA", "アヤ": "ANA", "ケン": "BEN", "ソフィア": "SOFIA", "マルコ": "MARCO",
    "クララ": "CLARA", "トマス": "TOMAS", "ルイス": "LUIS", "マルタ": "MARTA", "지은": "ANA",
    "민수": "BEN", "소피아": "SOFIA", "마르코": "MARCO", "클라라": "CLARA", "토마스": "TOMAS",
    "루이스": "LUIS", "마르타": "MARTA",
}  # fmt: skip


def _latin(behaviour: str) -> str:
    """A behaviour with its names as the English scene spells them."""
    for cyrillic, latin in _LATIN_NAMES.items():
        behaviour = behaviour.replace(cyrillic, latin)
    return behaviour.replace("Á", "A")


RUSSIAN_CAST = ["АНА", "БЕН", "СОФИЯ"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ана садится и смотрит на Бена.", {("АНА", "sit", "None"), ("АНА", "gaze", "БЕН")}),
        # Names take their case endings.
        ("Бен обнимает Ану.", {("БЕН", "hug", "АНА"), ("АНА", "hug", "None")}),
        ("Ана смотрит на Софию.", {("АНА", "gaze", "СОФИЯ")}),
        ("БЕН кивает БЕНУ.", {("БЕН", "nod", "None")}),
        ("Бен встает и уходит.", {("БЕН", "stand", "None"), ("БЕН", "walk", "None")}),  # е for ё
        ("Входит Ана.", {("АНА", "walk", "None")}),  # the subject after a verb of coming
        ("Ана входит. Садится.", {("АНА", "walk", "None"), ("АНА", "sit", "None")}),  # dropped
        (
            "Ана и Бен молча смотрят друг на друга.",
            {("АНА", "gaze", "БЕН"), ("БЕН", "gaze", "АНА")},
        ),
        ("Ана не улыбается.", set()),
        ("Ана кусает губу и закрывает глаза.", {("АНА", "28", "None"), ("АНА", "43", "None")}),
        ("Бен проводит рукой по волосам.", {("БЕН", "head_scratch", "None")}),
        ("Ана целует Бена.", {("АНА", "lean_forward", "None"), ("АНА", "gaze", "БЕН")}),
        (
            "Ана дает пощёчину Бену.",
            {
                ("АНА", "beat", "БЕН"),
                ("АНА", "4", "None"),
                ("БЕН", "turn_away", "None"),
                ("БЕН", "4", "None"),
                ("БЕН", "7", "None"),
            },
        ),
        (
            "Ана толкает Бена.",
            {
                ("АНА", "stop", "БЕН"),
                ("АНА", "4", "None"),
                ("БЕН", "walk", "None"),
                ("БЕН", "4", "None"),
            },
        ),
        ("Бен идёт за Аной.", {("БЕН", "walk", "None"), ("БЕН", "gaze", "АНА")}),
        ("Ана утешает Бена.", {("АНА", "hug", "БЕН")}),
        ("Бен пинает дверь.", {("БЕН", "kick", "None")}),
        ("Ана ложится.", {("АНА", "lie", "None")}),
    ],
)
def test_a_russian_action_line_moves_whom_it_names(
    parser: ActionParser, text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert read(parser, "ru", text, RUSSIAN_CAST) == expected


CHINESE_CAST = ["王芳", "李明"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Names and phrases are found without spaces, the longest first.
        ("王芳走进来，坐下。", {("王芳", "walk", "None"), ("王芳", "sit", "None")}),
        # A phrase of place before the verb goes after it: 看着她 still aims at her.
        ("王芳坐下。李明在门口看着她。", {("王芳", "sit", "None"), ("李明", "gaze", "王芳")}),
        # 把 puts the object before the verb: handed to 李明 all the same.
        ("王芳把杯子递给李明。", {("王芳", "give", "李明")}),
        ("王芳咬着嘴唇，闭上了眼睛。", {("王芳", "28", "None"), ("王芳", "43", "None")}),
        ("李明挂了电话。", {("李明", "put_down", "None")}),
        (
            "李明站起来，拥抱王芳。",
            {("李明", "stand", "None"), ("李明", "hug", "王芳"), ("王芳", "hug", "None")},
        ),
        ("王芳點點頭。", {("王芳", "nod", "None")}),  # traditional characters
        ("王芳没有笑。", set()),
        (
            "王芳推了李明一把。",
            {
                ("王芳", "stop", "李明"),
                ("王芳", "4", "None"),
                ("李明", "walk", "None"),
                ("李明", "4", "None"),
            },
        ),
        (
            "李明打了王芳。",
            {
                ("李明", "punch", "王芳"),
                ("李明", "4", "None"),
                ("王芳", "turn_away", "None"),
                ("王芳", "4", "None"),
                ("王芳", "7", "None"),
            },
        ),
        ("李明打了个电话。", set()),  # made a call: no blow
        ("王芳安慰李明。", {("王芳", "hug", "李明")}),
        ("李明踢了门一脚。", {("李明", "kick", "None")}),
        ("王芳躺在床上。", {("王芳", "lie", "None")}),
        # 被 and 挨: done to the subject, who takes it.
        (
            "李明被打了。",
            {("李明", "turn_away", "None"), ("李明", "4", "None"), ("李明", "7", "None")},
        ),
        ("王芳被推倒了。", {("王芳", "fall", "None"), ("王芳", "4", "None")}),
        (
            "李明挨了一拳。",
            {("李明", "turn_away", "None"), ("李明", "4", "None"), ("李明", "7", "None")},
        ),
        ("李明被王芳打了。", set()),  # the agent between 被 and the verb: not read (no blow given)
        ("王芳和李明互相看着。", {("王芳", "gaze", "李明"), ("李明", "gaze", "王芳")}),
    ],
)
def test_a_chinese_action_line_moves_whom_it_names(
    parser: ActionParser, text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert read(parser, "zh", text, CHINESE_CAST) == expected


def test_a_chinese_trigger_is_written_without_spaces(parser: ActionParser) -> None:
    cues = parser.parse(
        "李明在门口看着王芳。", NameIndex(CHINESE_CAST), ReferenceTracker(), CHINESE_CAST
    )
    assert [(c.character, c.target, c.trigger) for c in cues] == [
        ("李明", "王芳", "看着王芳在门口")
    ]


def test_chinese_characters_of_no_stated_language_are_read_as_chinese() -> None:
    assert gloss_for(None, "王芳坐下。") is action_glosses()["zh"]
    assert gloss_for(None, "王芳は座った。") is action_glosses()["ja"]  # kana: Japanese
    assert gloss_for(None, "佢坐低。") is None  # written Cantonese


JAPANESE_CAST = ["アヤ", "ケン"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The verb comes last: each clause is put in English order, subject, verb, the rest.
        ("アヤは座って、ケンを見る。", {("アヤ", "sit", "None"), ("アヤ", "gaze", "ケン")}),
        ("ケンはドアのところからアヤを見ている。", {("ケン", "gaze", "アヤ")}),
        # The object first, then the other phrases with their particles as prepositions.
        ("アヤはケンにカップを渡す。", {("アヤ", "give", "ケン")}),
        ("アヤは唇を噛んで目を閉じる。", {("アヤ", "28", "None"), ("アヤ", "43", "None")}),
        ("アヤはケンにキスする。", {("アヤ", "lean_forward", "None"), ("アヤ", "gaze", "ケン")}),
        ("アヤはケンの手を取る。", {("アヤ", "handshake", "ケン")}),
        # A name and a comma open the line, as scripts write it; a te-form chains two verbs.
        ("アヤ、入ってきてテーブルにつく。", {("アヤ", "walk", "None"), ("アヤ", "sit", "None")}),
        ("二人は一緒に座る。", {("アヤ", "sit", "None"), ("ケン", "sit", "None")}),
        ("アヤはひざまずかない。", set()),  # a negative form is no form of the verb
        (
            "アヤはケンを押す。",
            {
                ("アヤ", "stop", "ケン"),
                ("アヤ", "4", "None"),
                ("ケン", "walk", "None"),
                ("ケン", "4", "None"),
            },
        ),
        ("ケンはアヤについて行く。", {("ケン", "walk", "None"), ("ケン", "gaze", "アヤ")}),
        ("アヤはケンを慰める。", {("アヤ", "hug", "ケン")}),
        ("ケンはドアを蹴る。", {("ケン", "kick", "None")}),
        ("アヤはベッドに横になる。", {("アヤ", "lie", "None")}),
        (
            "ケンはアヤを殴る。",
            {
                ("ケン", "punch", "アヤ"),
                ("ケン", "4", "None"),
                ("アヤ", "turn_away", "None"),
                ("アヤ", "4", "None"),
                ("アヤ", "7", "None"),
            },
        ),
    ],
)
def test_a_japanese_action_line_moves_whom_it_names(
    parser: ActionParser, text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert read(parser, None, text, JAPANESE_CAST) == expected


KOREAN_CAST = ["지은", "민수"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A particle is cut from its word, and the clause put in English order.
        ("지은이 들어와서 식탁에 앉는다.", {("지은", "walk", "None"), ("지은", "sit", "None")}),
        ("민수는 문가에서 지은을 본다.", {("민수", "gaze", "지은")}),
        ("지은은 민수에게 컵을 건넨다.", {("지은", "give", "민수")}),
        (
            "지은은 문을 쾅 닫는다.",
            {("지은", "open", "None"), ("지은", "4", "None"), ("지은", "23", "None")},
        ),
        ("민수는 헛기침을 한다.", {("민수", "cover_mouth", "None")}),
        # A verb phrase of several words moves as one, its object particle kept whole.
        ("지은은 고개를 젓는다.", {("지은", "shake", "None")}),
        ("두 사람은 말없이 서로를 바라본다.", {("지은", "gaze", "민수"), ("민수", "gaze", "지은")}),
        (
            "민수는 일어나서 지은을 안아 주고 나간다.",
            {
                ("민수", "stand", "None"),
                ("민수", "hug", "지은"),
                ("지은", "hug", "None"),
                ("민수", "walk", "None"),
            },
        ),
        (
            "지은은 민수를 밀친다.",
            {
                ("지은", "stop", "민수"),
                ("지은", "4", "None"),
                ("민수", "walk", "None"),
                ("민수", "4", "None"),
            },
        ),
        ("민수는 지은을 따라간다.", {("민수", "walk", "None"), ("민수", "gaze", "지은")}),
        ("지은은 민수를 위로한다.", {("지은", "hug", "민수")}),
        ("민수는 문을 걷어찬다.", {("민수", "kick", "None")}),
        ("지은은 침대에 눕는다.", {("지은", "lie", "None")}),
        # A negation before the verb stays before it; a negative form is no form of the verb.
        ("지은은 안 웃는다.", set()),
        ("지은은 무릎을 꿇지 않는다.", set()),
    ],
)
def test_a_korean_action_line_moves_whom_it_names(
    parser: ActionParser, text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert read(parser, None, text, KOREAN_CAST) == expected


def test_hangul_of_no_stated_language_is_read_as_korean() -> None:
    assert gloss_for(None, "지은이 앉는다.") is action_glosses()["ko"]


def test_a_japanese_bracket_after_a_name_introduces_them(parser: ActionParser) -> None:
    cast = ["ソフィア", "マルコ"]
    tracker = ReferenceTracker()
    parser.parse("ソフィア（若い女性）がベンチに座っている。", NameIndex(cast), tracker, cast)
    assert tracker.gender("ソフィア") == "f"
    cues = parser.parse("マルコは彼女にカップを渡す。", NameIndex(cast), tracker, cast)
    assert [(c.character, c.target) for c in cues] == [("マルコ", "ソフィア")]


def test_only_a_capitalised_word_is_a_name_in_another_case(parser: ActionParser) -> None:
    assert ("АНА", "gaze", "БЕН") not in read(parser, "ru", "Ана смотрит на бена.", RUSSIAN_CAST)


def test_cyrillic_action_of_no_stated_language_is_read_as_russian(parser: ActionParser) -> None:
    assert read(parser, None, "Ана садится.", RUSSIAN_CAST) == {("АНА", "sit", "None")}
    assert gloss_for(None, "Ана садится.") is action_glosses()["ru"]
    # Ukrainian writes і ї є ґ and has no glossary; English stated is English.
    assert gloss_for(None, "Ана сідає і дивиться.") is None
    assert read(parser, "en", "Ана садится.", RUSSIAN_CAST) == set()


def test_a_left_out_subject_before_an_object_pronoun_is_the_last_sentence_s(
    parser: ActionParser,
) -> None:
    found = read(parser, "es", "Ana entra. Ben se sienta. La mira.")
    assert ("BEN", "gaze", "ANA") in found
    assert not any(w == "gaze" for _, w, _ in read(parser, "es", "Ben se sienta. No la mira."))
    # A new paragraph: the one mentioned last ("Tomás no contesta. Mira al suelo.")
    tracker = ReferenceTracker()
    parser.parse("Ben entra.", NameIndex(CAST), tracker, CAST, language="es")
    cues = parser.parse("Mira al suelo.", NameIndex(CAST), tracker, CAST, language="es")
    assert [(c.character, c.target) for c in cues] == [("BEN", "down")]


@pytest.mark.parametrize(
    ("language", "said", "denied", "cast"),
    [
        ("fr", "Ana est furieuse.", "Ana n'est pas furieuse.", CAST),
        ("de", "Ana ist wütend.", "Ana ist nicht wütend.", CAST),
        ("es", "Ana está furiosa.", "Ana no está furiosa.", CAST),
        ("ja", "マルコは笑った。", "マルコは笑わなかった。", ["マルコ"]),
        ("ja", "マルコは笑う。", "マルコは笑いません。", ["マルコ"]),
        ("ja", "マルコは座る。", "マルコは座らない。", ["マルコ"]),
    ],
)
def test_a_negated_feeling_or_verb_gives_nothing(
    parser: ActionParser, language: str, said: str, denied: str, cast: list[str]
) -> None:
    assert read(parser, language, said, cast)
    assert read(parser, language, denied, cast) == set()
