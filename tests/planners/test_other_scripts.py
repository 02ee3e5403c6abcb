"""The rules planner on lines in other scripts: punctuation read as its ASCII kin, beats on
Han characters, and the English-only emotion classifier leaving unread lines neutral."""

from __future__ import annotations

from motiondirector import plan_text
from motiondirector.plan.scene import Word
from motiondirector.planners.cues import tokenize
from motiondirector.planners.emotion import get_emotion_classifier, unread_script

CHINESE = "李明：我们今天去公园散步好吗？\n美咲：好。\n"


def _words(*texts: str) -> list[Word]:
    return [Word(text=t, start=i * 0.3, end=i * 0.3 + 0.25) for i, t in enumerate(texts)]


def test_cjk_and_arabic_marks_end_sentences_and_clauses() -> None:
    tokens = tokenize(_words("好", "吗？", "我", "找了", "午，", "累了。", "كيف", "حالك؟"))
    assert [t.end_mark for t in tokens] == ["", "?", "", "", "", ".", "", "?"]
    assert tokens[4].clause_end and not tokens[4].sentence_end
    assert tokens[2].sentence_start and tokens[6].sentence_start


def test_a_caseless_word_is_not_read_as_shouted_in_capitals() -> None:
    # "안녕".upper() == "안녕": among lower-case English it looked like "HELLO" in capitals.
    tokens = tokenize(_words("I", "said", "안녕", "to", "her"))
    assert not any(t.emphasis for t in tokens)
    assert tokenize(_words("I", "said", "HELLO", "to", "her"))[2].emphasis


def test_a_chinese_question_raises_the_brows_and_gets_beats() -> None:
    plan = plan_text(CHINESE, format="text")
    events = [e for track in plan.characters if track.name == "李明" for e in track.events]
    rules = {e.source.rule for e in events}
    assert "rules.question" in rules
    assert "rules.beat" in rules  # a Han character is a word a beat can land on


def test_the_classifier_leaves_lines_it_cannot_read_neutral() -> None:
    assert unread_script("我们今天去公园散步好吗？") == "CJK"
    assert unread_script("مرحبا، كيف حالك؟") == "ARABIC"
    assert unread_script("¿Dónde está la estación? Busqué toda la mañana.") is None
    assert unread_script("I said 안녕 to her") is None
    assert get_emotion_classifier().unread_script("Привет") == "CYRILLIC"
    plan = plan_text(CHINESE, format="text")
    # Before, every line of Chinese read as "surprise" at 0.7 or more: a wide-eyed face on
    # the speaker and raised brows on the listener, for any words.
    assert not any(e.source.rule == "rules.emotion" for t in plan.characters for e in t.events)
    assert not any(
        e.source.rule == "rules.listener.brows" for t in plan.characters for e in t.events
    )


def test_a_word_keeps_the_vowel_signs_it_ends_in() -> None:
    from motiondirector.planners.cues import normalise_word

    # Thai "no" and "no-with-a-tone-mark" are different words; Hindi "hello" ends in a sign.
    tokens = tokenize(_words("ไม่", "ไม", "नमस्ते।", "হ্যাঁ,"))
    assert [t.norm for t in tokens] == ["ไม่", "ไม", "नमस्ते", "হ্যাঁ"]
    assert tokens[2].sentence_end and tokens[3].clause_end
    # Punctuation, markup and an emoji's variation selector are still edges.
    assert [normalise_word(w) for w in ('"Hello!"', "*really*", "much❤️", "(ok)")] == [
        "hello",
        "really",
        "much",
        "ok",
    ]
