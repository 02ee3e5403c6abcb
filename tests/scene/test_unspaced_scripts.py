"""Scripts in other languages: Chinese and Japanese (written without spaces) have a word per
character, their punctuation and that of Arabic sets pauses, names are one spelling whatever
the Unicode form, and names are found in unspaced action lines."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from motiondirector.errors import ScriptError
from motiondirector.scene import parse_script


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


def test_chinese_and_japanese_lines_have_a_word_per_character() -> None:
    scene = parse_script(
        "李明: 你好，我很高兴见到你。\n美咲: 「ちょっと待って」と言った。\n", format="text"
    )
    chinese, japanese = scene.utterances
    assert [w.text for w in chinese.words] == [
        "你",
        "好，",
        "我",
        "很",
        "高",
        "兴",
        "见",
        "到",
        "你。",
    ]
    assert chinese.text == "你好，我很高兴见到你。"  # no spaces put between the characters
    # Small kana and the long-vowel mark stay with their syllable; brackets with their word.
    assert [w.text for w in japanese.words] == [
        "「ちょっ",
        "と",
        "待っ",
        "て」",
        "と",
        "言っ",
        "た。",
    ]
    assert japanese.text == "「ちょっと待って」と言った。"
    assert all(a.end <= b.start for a, b in zip(chinese.words, chinese.words[1:], strict=False))


def test_latin_words_and_korean_keep_their_words_inside_unspaced_text() -> None:
    scene = parse_script("A: 我用iPhone拍照\nB: 안녕하세요! 오랜만이에요.\n", format="text")
    mixed, korean = scene.utterances
    assert [w.text for w in mixed.words] == ["我", "用", "iPhone", "拍", "照"]
    assert mixed.text == "我用iPhone拍照"
    # Korean is written with spaces: its words are its words.
    assert [w.text for w in korean.words] == ["안녕하세요!", "오랜만이에요."]


def test_punctuation_of_other_scripts_sets_the_pauses() -> None:
    scene = parse_script("A: 你好，我很好。你呢？\nB: مرحبا، كيف حالك؟ جيد\n", format="text")
    chinese, arabic = scene.utterances

    def gap(words: Any, index: int) -> float:
        return round(words[index + 1].start - words[index].end, 3)

    assert gap(chinese.words, 1) == 0.15  # after "好，"
    assert gap(chinese.words, 4) == 0.35  # after "好。"
    assert gap(chinese.words, 0) == 0.0
    assert gap(arabic.words, 0) == 0.15  # after "مرحبا،"
    assert gap(arabic.words, 2) == 0.35  # after "حالك؟"


def test_parentheticals_land_between_characters_fullwidth_brackets_too() -> None:
    scene = parse_script("A: 你好，(挥手) 我很高兴（笑）见到你。\n", format="text")
    (line,) = scene.utterances
    assert line.text == "你好，我很高兴见到你。"
    assert [(p.text, p.before_word) for p in line.parentheticals] == [("挥手", 2), ("笑", 6)]
    # A numbered list item stays text: "（一）" is read.
    (listed,) = parse_script("A: （一）我很高兴\n", format="text").utterances
    assert listed.parentheticals == () and listed.text.startswith("（一）")


def test_timed_words_may_group_the_characters_of_the_text() -> None:
    words = [
        {"text": "你好", "start": 0.0, "end": 0.4},
        {"text": "，", "start": 0.4, "end": 0.5},
        {"text": "我", "start": 0.5, "end": 0.6},
        {"text": "很", "start": 0.6, "end": 0.7},
        {"text": "高兴", "start": 0.7, "end": 1.0},
    ]
    turn = {"speaker": "李明", "text": "你好，我很（笑）高兴", "words": words}
    (line,) = parse_script(as_json({"turns": [turn]})).utterances
    assert [(w.text, w.start) for w in line.words] == [
        ("你好，", 0.0),
        ("我", 0.5),
        ("很", 0.6),
        ("高兴", 0.7),
    ]
    assert line.text == "你好，我很高兴"
    assert [(p.text, p.before_word) for p in line.parentheticals] == [("笑", 3)]
    # Without a text, the timed words make it, without spaces between characters.
    (untexted,) = parse_script(as_json({"turns": [{"speaker": "A", "words": words}]})).utterances
    assert untexted.text == "你好，我很高兴"
    words[4]["text"] = "高达"
    with pytest.raises(ScriptError, match="spoken word 5 is '达' in 'words' but '兴'"):
        parse_script(as_json({"turns": [turn]}))


def test_a_timed_turn_of_punctuation_alone_is_a_silent_beat() -> None:
    timed = [{"text": "...", "start": 0.7, "end": 1.5}]
    turns = [
        {"speaker": "ANA", "text": "Hello.", "words": [{"text": "Hello.", "start": 0, "end": 0.4}]},
        {"speaker": "BEN", "words": timed},
        {"speaker": "BEN", "text": "...", "words": [{**timed[0], "start": 1.7, "end": 2.5}]},
    ]
    _, silent, texted = parse_script(as_json({"turns": turns})).utterances
    assert [(w.text, w.start, w.end) for w in silent.words] == [("...", 0.7, 1.5)]
    assert silent.text == "..." and (texted.start, texted.end) == (1.7, 2.5)
    # A silent text does not take a spoken word, nor a spoken word a silent text.
    for text, word in (("...", "Hi"), ("Hi", "...")):
        turn = {"speaker": "A", "text": text, "words": [{"text": word, "start": 0, "end": 1}]}
        with pytest.raises(ScriptError, match="do not spell"):
            parse_script(as_json({"turns": [turn]}))


def test_a_name_is_one_character_composed_or_decomposed() -> None:
    composed = "ZOË"
    decomposed = unicodedata.normalize("NFD", composed)
    fountain = f"INT. CAFÉ - DAY\n\n{composed}\nBonjour.\n\nANA\nSalut.\n\n{decomposed}\nÇa va?\n"
    scene = parse_script(fountain, format="fountain")
    assert scene.characters == (composed, "ANA")
    # In JSON, an escaped combining mark too.
    text = '[{"speaker": "ZOE\\u0308", "text": "Hi"}, {"speaker": "ZO\\u00cb", "text": "Yo"}]'
    assert parse_script(text).characters == (composed,)


def test_known_names_are_found_in_unspaced_action_lines() -> None:
    script = (
        "李明\n你好。\n\n王芳\n你好。\n\n张伟\n你们好。\n\n"
        "INT. 咖啡馆 - NIGHT\n\n李明和王芳坐在窗边。\n\n张伟\n明天见！\n"
    )
    beats = parse_script(script, format="fountain").beats
    assert beats[1].characters == ("李明", "王芳", "张伟")


def test_a_chinese_action_line_takes_reading_time_per_character() -> None:
    action = "李明走进咖啡馆，坐在窗边，慢慢地喝了一口咖啡，然后看着外面的雨。"
    scene = parse_script(f"INT. 咖啡馆 - NIGHT\n\n{action}\n\n李明\n好。\n", format="fountain")
    (line,) = scene.actions
    assert line.end - line.start == 7.0  # 28 characters at 0.25 s, not one word


def test_plain_text_with_fullwidth_colons_is_dialogue() -> None:
    scene = parse_script("李明：你好，美咲。\n美咲（V.O.）：こんにちは。\n")  # format found
    assert [(u.speaker, u.extension, u.text) for u in scene.utterances] == [
        ("李明", None, "你好，美咲。"),
        ("美咲", "V.O.", "こんにちは。"),
    ]


def test_invisible_marks_around_a_name_do_not_make_another_character() -> None:
    fountain = "INT. ROOM - DAY\n\n\u200fأحمد\nمرحبا.\n\nأحمد\nكيف حالك؟\n"
    assert parse_script(fountain, format="fountain").characters == ("أحمد",)
    turns = [
        {"speaker": "\u200fأحمد", "text": "مرحبا", "addressees": ["\u2067שרה\u2069"]},
        {"speaker": "أحمد", "text": "كيف"},
    ]
    scene = parse_script(as_json({"characters": ["שרה\u200e"], "turns": turns}))
    assert scene.characters == ("שרה", "أحمد")
    assert scene.utterances[0].addressees == ("שרה",)
    with pytest.raises(ScriptError, match=r"turns\[0\]\.speaker: no visible character"):
        parse_script(as_json({"turns": [{"speaker": "\u200f", "text": "hi"}]}))
