"""Plain `NAME: line` text and format detection."""

from __future__ import annotations

import json

import pytest

from motiondirector.scene import parse_script
from motiondirector.scene.source import detect_format


def test_name_lines_parentheticals_actions_and_blank_lines() -> None:
    scene = parse_script(
        "Ana: Hi, Ben.\n\nBen sits down.\nBEN: (quietly) Hi.\nDr. Who (V.O.): Hello?\n",
        format="text",
    )
    ana, ben, who = scene.utterances
    assert (ana.speaker, ana.text, ana.line) == ("ANA", "Hi, Ben.", 1)
    assert (ben.speaker, ben.text, ben.line) == ("BEN", "Hi.", 4)
    assert [(p.text, p.before_word) for p in ben.parentheticals] == [("quietly", 0)]
    assert (who.speaker, who.extension) == ("DR. WHO", "V.O.")
    assert [(a.text, a.line) for a in scene.actions] == [("Ben sits down.", 3)]
    assert ana.end < scene.actions[0].start < scene.actions[0].end < ben.start


def test_lines_that_only_look_like_names_are_action() -> None:
    scene = parse_script(
        "Steel, on the phone: listen.\nlater that day: rain.\nANA: Hi.\n", format="text"
    )
    assert [u.speaker for u in scene.utterances] == ["ANA"]
    assert len(scene.actions) == 2


def test_headings_start_beats_in_plain_text() -> None:
    scene = parse_script("INT. ROOM - DAY\nANA: Hi.\nEXT. YARD\nBEN: Yo.\n", format="text")
    assert [b.heading for b in scene.beats] == ["INT. ROOM - DAY", "EXT. YARD"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ANA: Hi.\nBEN: Hello.\nThey sit.\n", "text"),
        ("ANA\nHi.\n\nBEN\nHello.\n", "fountain"),
        ("Title: T\nAuthor: Me\n\nANA\nHi.\n", "fountain"),
        (json.dumps({"turns": [{"speaker": "A", "text": "x"}]}), "json"),
        (json.dumps([{"speaker": "A", "text": "x"}]), "json"),
        ("{not json", "json"),
        ("[[A note]]\n\nANA\nHi.\n", "fountain"),
        ("[1, 2]\n\nANA\nHi.\n", "fountain"),
        ("One line with a colon: here.\nAnd two.\nAnd three.\nANA: Hi.\n", "fountain"),
    ],
)
def test_format_detection(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_auto_detects_plain_text_end_to_end() -> None:
    scene = parse_script("Ana: Ben, listen.\nBen: What?\n")
    assert [u.speaker for u in scene.utterances] == ["ANA", "BEN"]


def test_bidirectional_marks_and_zero_width_spaces_do_not_hide_the_speaker() -> None:
    from motiondirector.scene.source import detect_format

    rtl = "\u200fسارا: سلام بن\n\u200fبن: سلام\n"
    assert detect_format(rtl) == "text"
    scene = parse_script(rtl)
    assert [(u.speaker, u.text) for u in scene.utterances] == [("سارا", "سلام بن"), ("بن", "سلام")]
    hidden = "ANA\u200b: Hello there.\nBEN: Hi\u200b Ana.\n"
    assert detect_format(hidden) == "text"
    scene = parse_script(hidden)
    assert scene.characters == ("ANA", "BEN")
    assert [w.text for w in scene.utterances[1].words] == ["Hi", "Ana."]


@pytest.mark.parametrize(
    ("script", "speakers"),
    [
        # Devanagari, Burmese and Khmer names carry vowel signs (combining marks).
        ("राम: नमस्ते।\nसीता: आप कैसे हैं?\n", ["राम", "सीता"]),
        ("မောင်မောင်: မင်္ဂလာပါ။\nသီတာ: ကျေးဇူးပါ။\n", ["မောင်မောင်", "သီတာ"]),
        ("សុខា: សួស្តី។\nដារ៉ា: អរគុណ។\n", ["សុខា", "ដារ៉ា"]),
        ("श्री राम (V.O.): नमस्ते।\nJOSÉ: ¡Hola!\n", ["श्री राम", "JOSÉ"]),
    ],
)
def test_names_written_with_vowel_signs_are_speakers(script: str, speakers: list[str]) -> None:
    from motiondirector.scene.source import detect_format

    assert detect_format(script) == "text"
    scene = parse_script(script)
    assert [u.speaker for u in scene.utterances] == speakers
    assert all(u.text and ":" not in u.text for u in scene.utterances)


def test_brackets_without_a_direction_are_spoken() -> None:
    scene = parse_script("ANA: I have (1) question.\nBEN: (quietly) Ok (2).\n", format="text")
    first, second = scene.utterances
    assert [w.text for w in first.words] == ["I", "have", "(1)", "question."]
    assert first.parentheticals == ()
    assert [w.text for w in second.words] == ["Ok", "(2)."]
    assert [p.text for p in second.parentheticals] == ["quietly"]
