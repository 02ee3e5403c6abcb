"""The language of each line: stated by the script (a Fountain title page, dialogue JSON, the
`language` option) or told by its writing (a script with kana is Japanese), kept on the
utterance and the plan, and deciding how a line of kanji alone is said and timed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from motiondirector import plan_text
from motiondirector.errors import MotionDirectorError, ScriptError
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import TimingOptions, parse_script
from motiondirector.scene.language import latin_language
from motiondirector.scene.timing import language_pace
from tests.planners.conftest import KeywordEmotionModel
from tests.speech.lips import labial_closures

JAPANESE_SCRIPT = "ユキ: ありがとう。\nケン: 無理!\nユキ: OK."


def _languages(text: str, **options: str) -> list[str | None]:
    return [u.language for u in parse_script(text, **options).utterances]  # type: ignore[arg-type]


def test_a_script_that_writes_kana_is_japanese_in_its_japanese_lines() -> None:
    # 無理 alone says nothing of its language; the kana of the line before it do.
    assert _languages(JAPANESE_SCRIPT) == ["ja", "ja", None]
    assert _languages("ケン: 無理!") == [None]  # Chinese characters alone: read by writing
    assert _languages("ANA: Hello.\nBEN: 你好。") == [None, None]


def test_a_script_that_writes_cantonese_is_cantonese_in_its_chinese_lines() -> None:
    # 多謝你 is Chinese any Chinese writes; 佢 in the line before says this script is Cantonese.
    script = "阿明: 佢去咗邊?\n阿芳: 多謝你。\n阿明: OK."
    assert _languages(script) == ["yue", "yue", None]
    assert _languages("阿芳: 多謝你。") == [None]
    # Kana tell Japanese first: a script with both is Japanese.
    assert _languages("ユキ: ありがとう。\n阿明: 佢去咗邊?") == ["ja", "ja"]


def test_a_line_of_kanji_alone_is_said_and_timed_as_japanese_in_a_japanese_script() -> None:
    # 無理 is mu-ri in Japanese (the lips close on its m), wu-li in Mandarin (they never do).
    japanese = labial_closures(JAPANESE_SCRIPT, "ケン")
    assert [key.phoneme for key, _ in japanese] == ["M"]
    assert japanese[0][1] > 0.3
    assert labial_closures("ケン: 無理!", "ケン") == []
    # 大丈夫 takes the time of its five Japanese morae (da-i-jo-u-bu), not of three Mandarin
    # syllables (da-zhang-fu), each as long as its language's.
    syllable = TimingOptions().syllable_seconds
    alone = parse_script("ケン: 大丈夫!").utterances[0]
    said = parse_script("ケン: 大丈夫!", language="ja").utterances[0]
    assert alone.end - alone.start == pytest.approx(3 * syllable * language_pace("zh"), abs=0.003)
    assert said.end - said.start == pytest.approx(5 * syllable * language_pace("ja"), abs=0.003)


def test_a_fountain_title_page_states_the_language() -> None:
    script = "Title: 雨\nLanguage: ja\n\nINT. 駅 - 夜\n\nケン\n無理!\n\nユキ\nOK.\n"
    assert _languages(script, format="fountain") == ["ja", "ja"]
    assert parse_script(script, format="fountain").title == "雨"


@pytest.mark.parametrize(
    ("title_page", "line", "message"),
    [
        ("Title: Rain\nLanguage: Japanese!", 2, "'Japanese!' is not a BCP 47 language tag"),
        ("Title: Rain\nLanguage: ja\nLanguage: zh", 3, "more than one language"),
    ],
)
def test_a_bad_language_on_the_title_page_names_its_line(
    title_page: str, line: int, message: str
) -> None:
    with pytest.raises(ScriptError, match=message) as error:
        parse_script(f"{title_page}\n\nANA\nHello.\n", format="fountain", file="rain.fountain")
    assert error.value.line == line
    assert str(error.value).startswith(f"rain.fountain:{line}: ")


def test_dialogue_json_states_it_for_the_document_and_for_each_turn() -> None:
    document = {
        "language": "zh-Hans",
        "turns": [
            {"speaker": "LI", "text": "无理!"},
            {"speaker": "KEN", "text": "無理!", "language": "ja"},
        ],
    }
    assert _languages(json.dumps(document), format="json") == ["zh-Hans", "ja"]
    # The option stands over the document's statement, never over a turn's own.
    assert _languages(json.dumps(document), format="json", language="ko") == ["ko", "ja"]


def test_a_bad_language_in_dialogue_json_names_the_field_and_line() -> None:
    text = '{"turns": [\n  {"speaker": "KEN", "text": "Hi.",\n   "language": "japanese_1"}\n]}'
    with pytest.raises(ScriptError) as error:
        parse_script(text, format="json", file="talk.json")
    assert error.value.line == 3  # where the value is
    assert "turns[0].language: language 'japanese_1' is not a BCP 47 language tag" in str(
        error.value
    )


def test_a_bad_language_option_is_refused_before_reading() -> None:
    with pytest.raises(MotionDirectorError, match="'english please' is not a BCP 47"):
        parse_script("ANA: Hi.", language="english please")


def test_the_plan_keeps_the_language_and_leaves_it_out_when_unknown() -> None:
    plan = plan_text(JAPANESE_SCRIPT, format="text")
    document = json.loads(plan.to_json())
    assert [u.get("language") for u in document["utterances"]] == ["ja", "ja", None]
    assert "language" not in document["utterances"][2]
    assert MotionPlan.model_validate(document) == plan
    bad = {**document, "utterances": [{**document["utterances"][0], "language": "?"}]}
    with pytest.raises(ValueError, match="language"):
        MotionPlan.model_validate(bad)


# Short scenes as a screenwriter writes them, one per language the action lines are read in.
LATIN_SCRIPTS = {
    "es": "ANA entra y se sienta. BEN la mira desde la puerta.\n\nANA\n¿Vas a quedarte ahí "
    "toda la noche?\n\nBEN\nNo sé qué decir. Lo siento, de verdad, pero ahora tengo que irme.\n\n"
    "Ana cruza los brazos.\n\nANA\nEstá bien. Siempre es tarde contigo.\n",
    "fr": "ANA entre et s'assoit. BEN la regarde depuis la porte.\n\nANA\nTu vas rester là "
    "toute la nuit ?\n\nBEN\nJe ne sais pas quoi dire. C'est vrai, je suis désolé.\n\n"
    "Ana croise les bras.\n\nANA\nIl est trop tard pour ça. Merci quand même.\n",
    "de": "ANA kommt herein und setzt sich. BEN sieht sie von der Tür aus an.\n\nANA\nBleibst "
    "du die ganze Nacht da stehen?\n\nBEN\nIch weiß nicht, was ich sagen soll. Es tut mir "
    "leid.\n\nAna verschränkt die Arme.\n\nANA\nDafür ist es jetzt zu spät. Danke trotzdem.\n",
    "it": "ANA entra e si siede. BEN la guarda dalla porta.\n\nANA\nResti lì tutta la "
    "notte?\n\nBEN\nNon so cosa dire. Mi dispiace, davvero, ma adesso devo andare.\n\n"
    "Ana incrocia le braccia.\n\nANA\nÈ troppo tardi per questo. Grazie lo stesso.\n",
    "pt": "ANA entra e senta-se. BEN olha para ela da porta.\n\nANA\nVocê vai ficar aí a "
    "noite toda?\n\nBEN\nNão sei o que dizer. Desculpa, de verdade, mas agora tenho que ir.\n\n"
    "Ana cruza os braços.\n\nANA\nEstá bem. É sempre tarde demais com você.\n",
}


@pytest.mark.parametrize("language", sorted(LATIN_SCRIPTS))
def test_a_script_in_a_latin_language_is_told_by_its_words(language: str) -> None:
    scene = parse_script(LATIN_SCRIPTS[language], format="fountain")
    assert {u.language for u in scene.utterances} == {language}
    assert {a.language for a in scene.actions} == {language}
    # Its action lines are read in it: the first one seats ANA.
    direction = RulesPlanner(KeywordEmotionModel()).plan(scene)
    seated = [b.character for a in direction.actions for b in a.behaviours if b.lexeme == "sit"]
    assert "ANA" in seated


def test_english_is_never_told_another_language(shared_data: Path) -> None:
    for path in sorted((shared_data / "screenplays").glob("*.fountain")):
        scene = parse_script(path.read_text(encoding="utf-8"), format="fountain")
        assert {u.language for u in scene.utterances} == {None}, path.name
        assert {a.language for a in scene.actions} <= {None}, path.name
    with (shared_data / "emotion/meld/dev_sent_emo.csv").open(encoding="utf-8") as rows:
        lines = [row["Utterance"] for row in csv.DictReader(rows)]
    assert len(lines) > 1000
    for size in (3, 10):
        windows = [lines[i : i + size] for i in range(0, len(lines) - size, size)]
        assert [w for w in windows if latin_language(w) is not None] == []


def test_too_few_words_or_a_mixed_script_tell_no_language() -> None:
    assert latin_language(["Hola, ¿qué tal? Muy bien, gracias."]) is None  # under 20 words
    mixed = LATIN_SCRIPTS["es"] + LATIN_SCRIPTS["fr"]
    assert latin_language([mixed]) is None
    assert latin_language([LATIN_SCRIPTS["es"] * 2]) == "es"


def test_a_stated_language_wins_over_the_words() -> None:
    scene = parse_script("Title: T\nLanguage: pt\n\n" + LATIN_SCRIPTS["es"], format="fountain")
    assert {a.language for a in scene.actions} == {"pt"}
    assert {u.language for u in scene.utterances} == {"pt"}
    english = parse_script(LATIN_SCRIPTS["es"], format="fountain", language="en")
    assert {a.language for a in english.actions} == {"en"}


def test_a_scene_of_action_alone_finds_its_cast_in_its_language() -> None:
    script = (
        "INT. COCINA - NOCHE\n\nANA entra y se sienta a la mesa. BEN la mira desde la puerta y "
        "se acerca despacio.\n\nAna cruza los brazos. Ben se sienta frente a ella y suspira.\n\n"
        "Los dos se miran en silencio. Después Ana se levanta y sale.\n"
    )
    scene = parse_script(script, format="fountain")
    assert scene.characters == ("ANA", "BEN")
    assert {a.language for a in scene.actions} == {"es"}
    with pytest.raises(ScriptError, match="no dialogue and no character"):
        parse_script(script, format="fountain", language="en")  # read as English: nobody acts
