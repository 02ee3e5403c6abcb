"""Emotion words: lines in languages the classifier cannot read get the emotion their words say,
through the rules planner, with the origin `words`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from motiondirector.plan.direction import Direction
from motiondirector.planners.emotion import EmotionClassifier
from motiondirector.planners.emotion_language_eval import (
    load_emotion_lines,
    plan_emotions,
    score_emotions,
)
from motiondirector.planners.emotion_words import (
    LanguageWords,
    language_of_script,
    load_emotion_words,
    parse_emotion_words,
)
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script

LINES = Path(__file__).resolve().parents[1] / "data" / "emotion_languages" / "goemotions.tsv"


@pytest.fixture(scope="module")
def planner() -> RulesPlanner:
    """The planner with its packaged classifier, which reads English only."""
    return RulesPlanner()


def language(code: str) -> LanguageWords:
    return load_emotion_words().languages[code]


@pytest.mark.parametrize(
    ("code", "text", "emotion"),
    [
        ("es", "¡Te odio! ¡Sal de mi casa!", "anger"),
        ("es", "Qué asco, quítamelo de encima.", "disgust"),
        ("es", "Por favor, no me hagas daño. Tengo miedo.", "fear"),
        ("es", "¡Estoy tan feliz por ti!", "joy"),
        ("es", "Está muerto y estoy tan triste.", "sadness"),
        ("es", "¿En serio? No me lo puedo creer.", "surprise"),
        ("fr", "Je te déteste !", "anger"),
        ("fr", "C'est dégoûtant.", "disgust"),
        ("fr", "J'ai peur.", "fear"),
        ("de", "Ich freue mich so für dich!", "joy"),
        ("de", "Das ist so traurig.", "sadness"),
        ("it", "Non ci credo!", "surprise"),
        ("pt", "Que nojo!!", "disgust"),
        ("ru", "Я так рад тебя видеть!", "joy"),
        ("ja", "本当に怖かった。", "fear"),
        ("zh", "我好难过。", "sadness"),
        ("zh", "我好難過。", "sadness"),  # traditional characters
        ("zh", "不过很开心。", "joy"),  # 不过 is "but", an ignored phrase: it negates nothing
        ("uk", "Я так радий!", "joy"),
        ("ko", "너무 무서워요", "fear"),
        ("hi", "मुझे बहुत गुस्सा आया", "anger"),  # vowel signs are part of the word
        ("ar", "بيخوفني كتير", "fear"),  # a phrase inside a word with its clitics
        ("tr", "KIZGINIM!", "anger"),  # capitals: dotless ı
        ("id", "Aku sedih banget", "sadness"),
        ("vi", "Tôi buồn quá", "sadness"),
        ("th", "ฉันดีใจมาก", "joy"),
        ("yue", "我好嬲呀！", "anger"),
        ("en", "The cellar creeps me out.", "fear"),
        ("en", "EWWW, that's disgusting!", "disgust"),
        ("en", "I'm worried it won't arrive in time.", "fear"),
        ("en", "i cant believe it", "surprise"),
        ("en", "That's unacceptable.", "anger"),
        ("en", "This is ridiculous. Total nonsense.", "anger"),
        ("en", "What a disappointing end.", "sadness"),
    ],
)
def test_a_line_gets_the_emotion_its_words_say(code: str, text: str, emotion: str) -> None:
    reading = language(code).read(text)
    assert reading is not None and reading.emotion == emotion


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("es", "No estoy feliz."),  # negated
        ("es", "No tengo miedo."),
        ("fr", "Je n'ai pas peur."),
        ("de", "Ich freue mich nicht."),  # German negation after the verb
        ("de", "Ich war schon da."),  # "schon" is not "schön"
        ("it", "Ne vale la pena."),  # an ignored phrase keeps "pena" unread
        ("pt", "Não estou triste."),
        ("ru", "Ничего страшного."),  # "no matter", not fear
        ("ja", "心配ないよ。"),  # negation after the word
        ("zh", "别担心。"),  # negation before it
        ("zh", "恐怕不行。"),  # "perhaps", not "afraid"
        ("vi", "Tôi buôn bán."),  # tones count: buôn (trade) is not buồn (sad)
        ("hi", "मैं खुश नहीं हूँ"),  # Hindi negation after the word
        ("ko", "걱정 없어"),
        ("ko", "재미없어"),
        ("tr", "Mutlu değilim."),
        ("th", "ไม่กลัว"),
        ("es", "El tren sale a las nueve."),
        ("en", "I'm not scared of you."),
        ("en", "Don't be afraid."),  # the "t" of a contraction negates
        ("en", "dont be scared"),  # and so does a contraction written without its apostrophe
        ("en", "I'm afraid we're closed."),  # politeness, not fear
        ("en", "That's great, thanks."),  # weak words are left to the classifier
    ],
)
def test_negated_ignored_and_plain_lines_say_nothing(code: str, text: str) -> None:
    assert language(code).read(text) is None


def test_a_negation_in_another_clause_does_not_count() -> None:
    reading = language("es").read("No, te odio.")
    assert reading is not None and reading.emotion == "anger"


def test_a_negation_reaches_as_far_as_its_language_says() -> None:
    # Korean 안 negates the word right after it, not one three words on.
    reading = language("ko").read("아니 안 웃겨 그냥 슬퍼")
    assert reading is not None and reading.emotion == "sadness"


def test_the_longest_phrase_is_read_first_and_its_words_not_again() -> None:
    reading = language("es").read("No me gusta nada.")
    assert reading is not None
    assert (reading.emotion, reading.phrases) == ("anger", ("no me gusta",))
    cjk = language("zh").read("我不开心。")
    assert cjk is not None and (cjk.emotion, cjk.phrases) == ("sadness", ("不开心",))


def test_accents_case_and_drawn_out_letters_do_not_count() -> None:
    for text in ("QUE ASCOOO", "qué asco", "Qué Asco"):
        reading = language("es").read(text)
        assert reading is not None and reading.phrases == ("qué asco",), text


def test_a_word_ending_in_a_star_takes_any_ending() -> None:
    for text in ("Estaba asustada.", "Nos asustamos."):
        reading = language("es").read(text)
        assert reading is not None and reading.emotion == "fear", text


def test_more_phrases_and_an_exclamation_raise_the_intensity() -> None:
    one = language("es").read("Estoy triste.")
    two = language("es").read("Estoy triste, lloro todo el día.")
    shouted = language("es").read("¡Estoy triste!")
    assert one is not None and two is not None and shouted is not None
    assert two.intensity > one.intensity and shouted.intensity > one.intensity
    assert len(two.phrases) == 2


def test_the_heavier_emotion_wins_and_a_tie_goes_to_the_last_written() -> None:
    tie = language("es").read("Tengo miedo. Estoy feliz.")
    assert tie is not None and tie.emotion == "joy"
    heavier = language("es").read("Te odio, estoy triste.")
    assert heavier is not None and heavier.emotion == "anger"


def test_a_question_and_exclamation_mark_alone_say_surprise() -> None:
    reading = language("fr").read("Quoi ?!")
    assert reading is not None and (reading.emotion, reading.phrases) == ("surprise", ())


def document(languages: dict[str, object]) -> dict[str, object]:
    return {"version": "1.0", "languages": languages}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"emotions": {"glee": [{"phrases": ["x"]}]}}, "'glee' is not an emotion"),
        ({"emotions": {"neutral": [{"phrases": ["x"]}]}}, "'neutral' is not an emotion"),
        ({"emotions": {"joy": [{"phrases": ["feliz", "Feliz"]}]}}, "'Feliz' is listed twice"),
        (
            {"emotions": {"joy": [{"phrases": ["fin"]}], "sadness": [{"phrases": ["fín"]}]}},
            "'fín' is listed twice (joy and sadness)",
        ),
        ({"emotions": {"joy": [{"intensity": 2, "phrases": ["x"]}]}}, "within 0..1"),
        ({"emotions": {"joy": [{"intensity": True, "phrases": ["x"]}]}}, "must be a number"),
        ({"emotions": {"joy": [{"phrases": ["!!"]}]}}, "has no letters"),
        ({"stating": ["'"], "emotions": {}}, 'xx.stating: "\'" has no letters'),
        ({"negations": [False], "emotions": {}}, "quoted words"),
        ({"spaced": "yes", "emotions": {}}, "spaced must be true or false"),
        ({"keeps_accents": 1, "emotions": {}}, "keeps_accents must be true or false"),
        ({"negation_window": 0, "emotions": {}}, "negation_window must be a whole number"),
        ({"spellings": {"ae": "a"}, "emotions": {}}, "spellings must map a letter"),
        (
            {"spaced": False, "emotions": {"joy": [{"phrases": ["嬉*"]}]}},
            "no `*` where phrases are characters",
        ),
        ({"name": "x"}, "expected name, negations and emotions"),
        ({"not_felt": {"fear": ["x"]}, "emotions": {}}, "expected a list of {emotions, phrases}"),
        (
            {"not_felt": [{"emotions": ["dread"], "phrases": ["x"]}], "emotions": {}},
            "emotions must name emotions of the vocabulary, not ['dread']",
        ),
        (
            {"not_felt": [{"emotions": [], "phrases": ["x"]}], "emotions": {}},
            "emotions must name emotions of the vocabulary, not none",
        ),
    ],
)
def test_the_loader_names_the_first_bad_entry(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=r"emotion_words\.yaml") as error:
        parse_emotion_words(document({"xx": entry}))
    assert message in str(error.value)


def test_an_unquoted_no_is_refused_not_read_as_false() -> None:
    data = yaml.safe_load("languages: {es: {negations: [no], emotions: {}}}")
    with pytest.raises(ValueError, match="quoted words"):
        parse_emotion_words(data)


def directed(script: dict[str, object], planner: RulesPlanner) -> Direction:
    return planner.plan(parse_script(json.dumps(script), format="json"))


def test_the_planner_reads_a_spanish_line_by_its_words(planner: RulesPlanner) -> None:
    script = {
        "language": "es",
        "turns": [
            {"speaker": "ANA", "text": "¡Te odio! ¡Sal de mi casa!"},
            {"speaker": "BEN", "text": "El tren sale a las nueve."},
        ],
    }
    angry, plain = directed(script, planner).utterances
    assert (angry.emotion, angry.emotion_origin) == ("anger", "words")
    assert angry.emotion_reason == 'words: "te odio"'
    assert any(b.channel == "face" and b.origin == "emotion" for b in angry.behaviours)
    assert (plain.emotion, plain.emotion_origin) == ("neutral", "words")
    assert plain.emotion_reason == "words: no emotion word of Spanish"


def test_english_lines_are_still_read_by_the_classifier(planner: RulesPlanner) -> None:
    script = {"language": "en", "turns": [{"speaker": "ANA", "text": "Get out of my house!"}]}
    (line,) = directed(script, planner).utterances
    assert line.emotion_origin == "classifier"


class _Hears:
    """A model that hears the same emotion in every line."""

    def __init__(self, label: str) -> None:
        self.label = label

    def predict(self, texts: Sequence[str]) -> list[object]:
        return [type("P", (), {"label": self.label, "confidence": 0.6})() for _ in texts]


def test_strong_english_words_speak_where_the_classifier_hears_no_emotion() -> None:
    script = {"turns": [{"speaker": "ANA", "text": "The cellar creeps me out."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=_Hears("neutral"))).utterances
    assert (line.emotion, line.emotion_origin) == ("fear", "words")
    assert line.emotion_reason == 'words: "creeps me out" (classifier: neutral 0.60)'
    assert line.intensity == pytest.approx(0.7)


def test_an_emotion_the_classifier_hears_stands_over_the_words() -> None:
    script = {"turns": [{"speaker": "ANA", "text": "The cellar creeps me out."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=_Hears("joy"))).utterances
    assert (line.emotion, line.emotion_origin) == ("joy", "classifier")


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("I'm really frustrated with this.", "anger"),
        ("I am so angry right now.", "anger"),
        ("Honestly, that's kind of terrifying!", "fear"),
        ("It makes me so happy", "joy"),
        ("im getting scared", "fear"),
        ("I hate Mondays.", "anger"),
        ("I really love it", "joy"),
        ("He was so angry.", None),  # someone else's feeling: the classifier's to read
        ("I'm not angry.", None),
        ("You're disgusting.", None),  # the listener, not the speaker's feeling
        ("I'm afraid I can't.", None),
    ],
)
def test_a_stated_feeling_is_read_only_after_words_that_state_it(
    text: str, emotion: str | None
) -> None:
    reading = language("en").read(text, stated=True)
    assert (reading.emotion if reading else None) == emotion


def test_a_feeling_the_line_states_stands_over_the_emotion_the_classifier_hears() -> None:
    script = {"turns": [{"speaker": "ANA", "text": "I am so angry right now."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=_Hears("sadness"))).utterances
    assert (line.emotion, line.emotion_origin) == ("anger", "words")
    assert line.emotion_reason == 'words: "angry" stated (classifier: sadness 0.60)'
    (same,) = directed(script, RulesPlanner(emotion_model=_Hears("anger"))).utterances
    assert (same.emotion, same.emotion_origin) == ("anger", "classifier")
    hate = {"turns": [{"speaker": "ANA", "text": "I hate you!"}]}
    (begun,) = directed(hate, RulesPlanner(emotion_model=_Hears("disgust"))).utterances
    assert begun.emotion_reason == 'words: "i hate you" stated (classifier: disgust 0.60)'
    unstated = {"turns": [{"speaker": "ANA", "text": "He was so angry."}]}
    (heard,) = directed(unstated, RulesPlanner(emotion_model=_Hears("sadness"))).utterances
    assert (heard.emotion, heard.emotion_origin) == ("sadness", "classifier")
    french = {"language": "fr", "turns": [{"speaker": "ANA", "text": "I'm so angry."}]}
    (other,) = directed(french, RulesPlanner(emotion_model=_Hears("sadness"))).utterances
    assert other.emotion != "anger"


@pytest.mark.parametrize(
    ("text", "emotion", "felt_for"),
    [
        ("That must be so scary.", "sadness", True),
        ("I totally get how frustrating that must be.", "sadness", True),
        ("That sounds really frustrating!", "sadness", True),
        ("You seem worried.", "sadness", True),
        ("Are you scared?", "sadness", True),
        ("You're so annoying!", "anger", False),  # causing it, not feeling it
        ("This is frustrating!", "anger", False),
        ("That sounds amazing!", "joy", False),  # only a painful feeling is felt for
    ],
)
def test_someone_elses_painful_feeling_is_felt_for_as_concern(
    text: str, emotion: str, felt_for: bool
) -> None:
    reading = language("en").read(text)
    assert reading is not None
    assert (reading.emotion, reading.felt_for) == (emotion, felt_for)
    if felt_for:
        assert reading.intensity == pytest.approx(0.4)


def test_a_hardship_is_read_only_as_felt_for_another() -> None:
    for text in (
        "That sounds really difficult.",
        "That must be awful.",
        "Sounds like a nightmare.",
    ):
        reading = language("en").read(text)
        assert reading is not None and reading.felt_for, text
        assert (reading.emotion, reading.intensity) == ("sadness", pytest.approx(0.4))
    for text in ("That's a difficult question.", "This is hard.", "The test was tough."):
        assert language("en").read(text) is None, text
        assert language("en").read(text, stated=True) is None, text
    # Over the disgust the classifier hears in "awful", concern.
    script = {"turns": [{"speaker": "AVA", "text": "That sounds awful."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=_Hears("disgust"))).utterances
    assert (line.emotion, line.emotion_origin) == ("sadness", "words")


def test_concern_stands_over_the_fear_the_classifier_hears_in_it() -> None:
    script = {"turns": [{"speaker": "AVA", "text": "You look worried."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=_Hears("fear"))).utterances
    assert (line.emotion, line.emotion_origin) == ("sadness", "words")
    assert line.emotion_reason == 'words: "worried" felt for another (classifier: fear 0.60)'
    (sad,) = directed(script, RulesPlanner(emotion_model=_Hears("sadness"))).utterances
    assert (sad.emotion, sad.emotion_origin) == ("sadness", "classifier")
    own = {"turns": [{"speaker": "AVA", "text": "I'm worried."}]}
    (mine,) = directed(own, RulesPlanner(emotion_model=_Hears("fear"))).utterances
    assert (mine.emotion, mine.emotion_origin) == ("fear", "classifier")


@pytest.mark.parametrize(
    ("text", "emotion", "phrase"),
    [
        ("I'm afraid not.", "fear", "afraid not"),
        ("I am afraid we're closed today.", "fear", "afraid we re"),
        ("Don't give up, you've got this!", "anger", "don t give up"),
        ("Don't worry. You'll be fine!", "fear", "don t worry"),
        ("I'm afraid of the dark.", "fear", None),
        ("I'm afraid I might die.", "fear", None),
        ("I'm afraid not.", "anger", None),  # sounds like fear only
    ],
)
def test_a_phrase_that_only_sounds_like_an_emotion_is_found(
    text: str, emotion: str, phrase: str | None
) -> None:
    found = language("en").unfelt(text, emotion)
    assert (found[0] if found else None) == phrase


class _Probable:
    """A model that hears `label` first and `other` second in every line."""

    def __init__(self, label: str, other: str) -> None:
        self.probabilities = {label: 0.5, other: 0.3, "neutral": 0.2}
        self.label = label

    def predict(self, texts: Sequence[str]) -> list[object]:
        attributes = {"label": self.label, "confidence": 0.5, "probabilities": self.probabilities}
        return [type("P", (), attributes)() for _ in texts]


def test_the_emotion_a_phrase_only_sounds_like_gives_way_to_the_next() -> None:
    polite = {"turns": [{"speaker": "AVA", "text": "I'm afraid I can't help you with that."}]}
    (line,) = directed(polite, RulesPlanner(emotion_model=_Probable("fear", "sadness"))).utterances
    assert (line.emotion, line.emotion_origin) == ("sadness", "classifier")
    assert line.emotion_reason == (
        'classifier: fear 0.50, but "afraid i can t" is not fear; next sadness 0.30'
    )
    cheer = {"turns": [{"speaker": "AVA", "text": "Don't give up, you've got this!"}]}
    (line,) = directed(cheer, RulesPlanner(emotion_model=_Probable("anger", "joy"))).utterances
    assert line.emotion == "joy"
    # Nor is it another emotion the phrase only sounds like.
    (line,) = directed(cheer, RulesPlanner(emotion_model=_Probable("anger", "fear"))).utterances
    assert line.emotion == "neutral"
    # Another word of the emotion keeps it; so does a line in another language.
    scared = {"turns": [{"speaker": "AVA", "text": "I'm afraid not. I'm terrified."}]}
    (line,) = directed(scared, RulesPlanner(emotion_model=_Probable("fear", "joy"))).utterances
    assert line.emotion == "fear"
    french = {"language": "fr", "turns": [{"speaker": "AVA", "text": "I'm afraid not."}]}
    (line,) = directed(french, RulesPlanner(emotion_model=_Probable("fear", "joy"))).utterances
    assert line.emotion == "fear"
    # A model that gives no probabilities leaves the line neutral.
    (line,) = directed(polite, RulesPlanner(emotion_model=_Hears("fear"))).utterances
    assert (line.emotion, line.intensity) == ("neutral", pytest.approx(0.3))


@pytest.mark.parametrize(
    ("text", "not_read"),
    [
        ("I'm afraid not.", "fear"),
        ("I'm afraid I can't help you.", "fear"),
        ("Don't give up, you've got this!", "anger"),
        ("Don't worry, you'll be fine!", "fear"),
    ],
)
def test_the_packaged_classifier_no_longer_reads_manners_and_cheer_as_fear_and_anger(
    planner: RulesPlanner, text: str, not_read: str
) -> None:
    (line,) = directed({"turns": [{"speaker": "AVA", "text": text}]}, planner).utterances
    assert line.emotion != not_read


def test_a_line_that_only_calls_a_name_has_no_emotion_of_its_own() -> None:
    script = {
        "turns": [
            {"speaker": "OKORO", "text": "Ensign Park!"},
            {"speaker": "PARK", "text": "Captain!"},
            {"speaker": "OKORO", "text": "Hi Park!"},
        ]
    }
    called, titled, greeted = directed(script, RulesPlanner(emotion_model=_Hears("joy"))).utterances
    assert (called.emotion, titled.emotion) == ("neutral", "neutral")
    assert called.emotion_reason == "classifier: joy 0.60; the line only calls a name"
    assert greeted.emotion == "joy"


def test_english_words_do_not_read_a_line_said_in_another_language() -> None:
    script = {"language": "fr", "turns": [{"speaker": "ANA", "text": "Love, love, love."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=_Hears("neutral"))).utterances
    assert (line.emotion, line.emotion_origin) == ("neutral", "classifier")


def test_a_language_without_words_is_not_read(planner: RulesPlanner) -> None:
    script = {"language": "nl", "turns": [{"speaker": "ANA", "text": "Ik haat je!"}]}
    (line,) = directed(script, planner).utterances
    assert (line.emotion, line.emotion_origin) == ("neutral", "classifier")
    assert line.emotion_reason == "classifier: not read, the line is in nl (it reads English)"


@pytest.mark.parametrize(
    ("text", "language", "emotion"),
    [
        ("너무 무서워요", "ko", "fear"),
        ("我好难过。", "zh", "sadness"),
        ("怖かったよ、本当に。", "ja", "fear"),  # kana: Japanese, though 怖 is Han
        ("佢好嬲呀！", "yue", "anger"),  # 佢 is written Cantonese only
        ("Я дуже радий, дякую тобі!", "uk", "joy"),  # і: Ukrainian
        ("Я так рад!", "ru", "joy"),
        ("मुझे बहुत गुस्सा आया", "hi", "anger"),
    ],
)
def test_a_line_of_no_stated_language_is_read_in_its_scripts_language(
    planner: RulesPlanner, text: str, language: str, emotion: str
) -> None:
    assert language_of_script(str(EmotionClassifier.from_package().unread_script(text)), text) == (
        language
    )
    script = {"turns": [{"speaker": "ANA", "text": text}]}
    (line,) = directed(script, planner).utterances
    assert (line.emotion, line.emotion_origin) == (emotion, "words")


def test_a_script_without_a_language_of_its_own_is_not_read(planner: RulesPlanner) -> None:
    script = {"turns": [{"speaker": "ANA", "text": "אני שונא אותך"}]}
    (line,) = directed(script, planner).utterances
    assert (line.emotion, line.emotion_origin) == ("neutral", "classifier")
    assert (
        line.emotion_reason
        == "classifier: not read, the line is in HEBREW script (it reads English)"
    )


def test_emoji_speak_where_the_words_say_nothing(planner: RulesPlanner) -> None:
    script = {"language": "es", "turns": [{"speaker": "ANA", "text": "El tren sale 😡"}]}
    (line,) = directed(script, planner).utterances
    assert (line.emotion, line.emotion_origin) == ("anger", "emoji")


def test_a_parenthetical_still_beats_the_words(planner: RulesPlanner) -> None:
    script = {"language": "es", "turns": [{"speaker": "ANA", "text": "(sonriendo) Te odio."}]}
    (line,) = directed(script, planner).utterances
    assert line.emotion_origin == "parenthetical"


class _ReadsEverything:
    """A caller's own model, which says nothing of the languages it reads."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def predict(self, texts: Sequence[str]) -> list[object]:
        self.texts += texts
        return [type("P", (), {"label": "joy", "confidence": 0.9})() for _ in texts]


def test_a_model_that_does_not_say_what_it_reads_is_given_every_language() -> None:
    model = _ReadsEverything()
    script = {"language": "es", "turns": [{"speaker": "ANA", "text": "Te odio."}]}
    (line,) = directed(script, RulesPlanner(emotion_model=model)).utterances
    assert model.texts == ["Te odio."]
    assert (line.emotion, line.emotion_origin) == ("joy", "classifier")


def test_the_packaged_classifier_reads_english_only() -> None:
    classifier = EmotionClassifier.from_package()
    assert classifier.reads_language("en")
    assert not classifier.reads_language("es")


def test_on_the_dev_lines_every_language_beats_the_english_reading(
    planner: RulesPlanner,
) -> None:
    """The words the table was tuned on: a regression guard, not a measure of quality (that is
    the test split, benchmarks/emotion_languages.py)."""
    lines = load_emotion_lines(LINES, "dev")
    gold = [line.label for line in lines]
    assert set(lines[0].texts) == {"en", "zh-Hant", *load_emotion_words().languages}
    for code in (code for code in lines[0].texts if code != "en"):
        texts = [line.texts[code] for line in lines]
        words = score_emotions(gold, plan_emotions(texts, code, planner))
        as_english = score_emotions(gold, plan_emotions(texts, "en", planner))
        assert words.macro_f1 >= 0.45, code
        assert words.macro_f1 > as_english.macro_f1 + 0.25, code
        assert words.opposite <= 0.05, code


def test_the_translations_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "lines.tsv"
    bad.write_text("id\tsplit\tlabel\ten\tes\nx\tdev\tglee\tHi\tHola\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"lines.tsv:2: a label of the vocabulary"):
        load_emotion_lines(bad)
