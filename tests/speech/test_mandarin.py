"""Chinese characters said as Mandarin through their pinyin (`speech.mandarin`): one syllable
each, as before, now with its consonants and vowel read in the context of the line, so a
planned Chinese line closes the lips of its ARKit curves on 们 不 明; a Japanese line's kanji
keep their neutral syllables."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.plan.scene import Word
from motiondirector.speech import ARPABET, syllable_count
from motiondirector.speech.mandarin import is_han, mandarin_readings, pinyin_phonemes
from motiondirector.speech.track import derive_keys
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("syllable", "said"),
    [
        ("wo", "W AO1"), ("men", "M AH1 N"), ("bu", "B UW1"), ("hao", "HH AW1"),
        ("nv", "N UW1"), ("lü", "L UW1"),  # ü, however it is written, is a rounded u
        ("xue", "SH W EH1"), ("yuan", "W EH1 N"), ("qu", "CH UW1"),  # u after j q x y is ü
        ("zhi", "JH IH1"), ("si", "S IH1"),  # the apical i
        ("you", "Y OW1"), ("wei", "W EY1"), ("er", "ER1"), ("xiong", "SH Y UH1 NG"),
        ("m", "M AH1"),  # an interjection without a vowel still says one syllable
    ],
)  # fmt: skip
def test_pinyin_says_its_initial_and_final(syllable: str, said: str) -> None:
    assert " ".join(pinyin_phonemes(syllable)) == said


def test_every_characters_reading_is_one_syllable_of_known_phonemes() -> None:
    from pypinyin import Style, lazy_pinyin

    readings = {
        syllable
        for code in range(0x4E00, 0xA000)
        for syllable in lazy_pinyin(chr(code), style=Style.NORMAL)
    }
    assert len(readings) > 380
    for syllable in readings:
        phonemes = pinyin_phonemes(syllable)
        assert syllable_count(phonemes) == 1, syllable
        assert all(p.rstrip("012") in ARPABET for p in phonemes), syllable


def test_a_line_reads_each_character_in_its_context() -> None:
    assert mandarin_readings(["我", "去", "银", "行。"]) == ["wo", "qu", "yin", "hang"]
    assert mandarin_readings(["行", "走", "OK", "!"]) == ["xing", "zou", None, None]
    # A line with kana is Japanese: its kanji are not read as Mandarin.
    assert mandarin_readings(["東", "京", "へ", "行", "く"]) == [None] * 5
    assert mandarin_readings(["Hello", "there"]) == [None, None]


_LINE = st.lists(
    st.sampled_from([*"我们不明白你好吗行银。，！？東京へくabc 123", "\U00020000", "〇"]),
    min_size=1,
    max_size=16,
)


@settings(max_examples=300, deadline=None)
@given(_LINE)
def test_any_line_gets_one_vowel_per_chinese_character(texts: list[str]) -> None:
    words = [Word(text=text, start=i * 0.3, end=i * 0.3 + 0.25) for i, text in enumerate(texts)]
    keys = derive_keys(words)
    assert all(key.phoneme.rstrip("012") in ARPABET or key.phoneme == "sil" for key in keys)
    if not any(unicodedata.name(c, "").startswith("HIRAGANA") for c in "".join(texts)):
        vowels = [key for key in keys if key.phoneme[-1].isdigit()]
        assert len(vowels) >= sum(is_han(c) for c in "".join(texts))


def test_a_chinese_line_closes_the_lips_on_its_b_and_m() -> None:
    # 们 不 明 白: neutral syllables never closed the lips of a Chinese line.
    closures = labial_closures("李明: 我们不明白。", "李明")
    assert [key.phoneme for key, _ in closures] == ["M", "B", "M", "B"]
    assert all(closed > 0.5 for _, closed in closures), closures
