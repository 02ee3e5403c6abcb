"""Vietnamese lines said as Vietnamese (`speech.vietnamese`): a line writing a letter only
Vietnamese has is read word by word, each word one syllable with its initial, vowel and final,
so a planned line is timed a syllable a word and closes the lips on its b and m."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector import plan_text
from motiondirector.speech import ARPABET
from motiondirector.speech.track import line_readings
from motiondirector.speech.vietnamese import vietnamese_phonemes
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("chào", "CH AA1 W"),  # an offglide; the tone is dropped
        ("cảm", "K AA1 M"),
        ("người", "NG IH1 Y"),  # ươ said as its first part
        ("Nguyễn", "NG W IY1 N"),  # uy: a w glide
        ("quá", "K W AA1"),
        ("gì", "Z IY1"),  # gi before no other vowel
        ("đẹp", "D EH1 P"),
        ("trường", "CH IH1 NG"),
        ("Không", "K OW1 NG"),
    ],
)
def test_a_word_is_one_syllable_said_as_spelled(word: str, said: str) -> None:
    assert " ".join(vietnamese_phonemes(word) or ()) == said


def test_only_a_line_with_vietnamese_letters_is_read_as_vietnamese() -> None:
    assert line_readings(["Xin", "chào,", "bạn!"]) == ["vi:Xin", "vi:chào,", "vi:bạn!"]
    assert line_readings(["Café", "à", "Paris."]) == [None, None, None]  # French
    assert line_readings(["Xin", "chào"]) == [None, None]  # nothing says Vietnamese


def test_a_line_stated_vietnamese_is_read_so_even_typed_without_accents() -> None:
    assert line_readings(["Xin", "chao", "ban!"], "vi") == ["vi:Xin", "vi:chao", "vi:ban!"]
    assert line_readings(["Xin", "chao"], "vi-VN") == ["vi:Xin", "vi:chao"]
    assert line_readings(["Xin", "chao"], "en") == [None, None]
    plan = plan_text(
        '{"language": "vi", "turns": [{"speaker": "LAN", "text": "Cam on ban nhieu."}]}'
    )
    spans = {round(word.end - word.start, 3) for word in plan.utterances[0].words}
    assert len(spans) == 1  # a syllable a word: the English rules give nhieu two


def test_a_vietnamese_line_is_timed_a_syllable_a_word() -> None:
    (utterance,) = plan_text("LAN: Cảm ơn bạn nhiều lắm, người Việt Nam.", format="text").utterances
    spans = {round(word.end - word.start, 3) for word in utterance.words}
    assert len(spans) == 1  # the English rules gave nhiều two syllables, người three


def test_a_vietnamese_line_closes_the_lips_on_its_b_and_m() -> None:
    closures = labial_closures("LAN: Cảm ơn bạn, mẹ.", "LAN")
    assert [key.phoneme for key, _ in closures] == ["M", "B", "M"]
    assert all(closed > 0.5 for _, closed in closures), closures


_LETTERS = st.sampled_from([*"aăâeêioôơuưybcdđghklmnpqrstvx", "ạ", "ở", "ữ", "ỳ", "ế"])


@settings(max_examples=400, deadline=None)
@given(st.text(_LETTERS, min_size=1, max_size=7))
def test_any_word_is_one_syllable_or_left_to_the_other_rules(word: str) -> None:
    said = vietnamese_phonemes(word)
    if said is not None:
        assert all(p.rstrip("012") in ARPABET for p in said)
        assert sum(p[-1].isdigit() for p in said) == 1
