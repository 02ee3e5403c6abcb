"""Korean Hangul read off its syllable blocks (`speech.hangul`): a syllable per block as
before, now with its consonants and vowel, so the lips close on ㅁ ㅂ and round on ㅗ ㅜ, and a
planned Korean line closes the lips of its ARKit curves inside 감사합니다."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.speech import ARPABET, pronounce, syllable_count
from tests.speech.lips import labial_closures
from tests.speech.test_alphabets import LABELLED


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("안녕하세요", "AA1 N N Y AH1 NG HH AA1 S EH1 Y OW1"),  # ㅇ opening a block is silent
        ("감사합니다", "G AA1 M S AA1 HH AA1 M N IY1 D AA1"),  # ㅂ before ㄴ is m
        ("밥", "B AA1 P"),
        ("좋아요", "JH OW1 AA1 Y OW1"),  # a final ㅎ is not said
        ("괜찮아", "G W EH1 N CH AA1 N AA1"),  # a final cluster says one consonant
        ("서울", "S AH1 UW1 L"),
    ],
)
def test_blocks_say_what_they_spell(word: str, said: str) -> None:
    assert " ".join(pronounce(word)) == said


def test_every_block_is_still_one_syllable() -> None:
    for word, blocks in LABELLED["hangul"].items():
        assert syllable_count(pronounce(word)) == blocks, word
    assert {"M", "B", "P"} & set(pronounce("엄마")) and "UW1" in pronounce("우유")


_HANGUL = st.sampled_from(
    [chr(c) for c in range(0xAC00, 0xD7A4, 7)] + list("ㄱㅏㅎ ,.!?") + ["\u1100", "\u1161"]
)


@settings(max_examples=400, deadline=None)
@given(st.text(_HANGUL, min_size=1, max_size=12))
def test_any_hangul_text_says_known_phonemes(text: str) -> None:
    phonemes = pronounce(text)
    assert all(p.rstrip("012") in ARPABET for p in phonemes)
    blocks = sum(0xAC00 <= ord(c) <= 0xD7A3 for c in text)
    assert syllable_count(phonemes) >= blocks


def test_a_korean_line_closes_the_lips_inside_gamsahamnida() -> None:
    # Neutral syllables never closed the lips of a Korean line.
    closures = labial_closures("민수: 감사합니다.", "민수")
    assert [key.phoneme for key, _ in closures] == ["M", "M"]
    assert all(closed > 0.5 for _, closed in closures), closures
