"""Japanese kana read off their letters (`speech.kana`): the lips close on ま ば ぱ, round on
う お, small kana and ー change the kana before them, kanji keep neutral syllables, and a
planned Japanese line closes the lips of its ARKit curves on its ま."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.speech import ARPABET, pronounce, syllable_count
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("ありがとう", "AA1 R IY1 G AA1 T OW1 UW1"),
        ("ございます", "G OW1 Z AA1 IY1 M AA1 S UW1"),
        ("マリオ", "M AA1 R IY1 OW1"),  # katakana read as hiragana
        ("しゃしん", "SH AA1 SH IY1 N"),  # the glide is in sh; ん is N, no vowel
        ("きゃ", "K Y AA1"),  # a small ya glides the kana before it
        ("ちょっと", "CH OW1 T OW1"),  # the small tsu holds the consonant after it
        ("コーヒー", "K OW1 OW1 HH IY1 IY1"),  # ー holds the vowel for a second mora
        ("ファイル", "F AA1 IY1 R UW1"),  # a small vowel replaces the kana's own
        ("ウィスキー", "W IY1 S UW1 K IY1 IY1"),  # after a bare u it is w
        ("ヴァイオリン", "V AA1 IY1 OW1 R IY1 N"),
        ("ﾊﾟﾝ", "P AA1 N"),  # half-width, voicing mark apart
        ("か\u3099", "G AA1"),  # a combining voicing mark
    ],
)
def test_kana_say_what_they_spell(word: str, said: str) -> None:
    assert " ".join(pronounce(word)) == said


def test_kanji_keep_their_neutral_syllables_beside_kana() -> None:
    alone = pronounce("東京")
    assert len(alone) == 4 and syllable_count(alone) == 2
    assert not {"M", "B", "P"} & set(alone)
    # A kanji in a word of kana is read as it is alone, the kana around it as they spell.
    assert pronounce("東まで") == pronounce("東") + pronounce("まで")


_KANA = st.sampled_from(
    [chr(c) for c in range(0x3041, 0x3097)]
    + [chr(c) for c in range(0x30A1, 0x30FB)]
    + [chr(c) for c in range(0xFF66, 0xFF9E)]
    + list("ー\u3099\u309a゛゜東京私、。！？「」 ")
)


@settings(max_examples=500, deadline=None)
@given(st.text(_KANA, min_size=1, max_size=12))
def test_any_kana_text_says_known_phonemes(text: str) -> None:
    phonemes = pronounce(text)
    assert all(p.rstrip("012") in ARPABET for p in phonemes)
    vowels = [p for p in phonemes if p[-1].isdigit()]
    assert syllable_count(phonemes) == len(vowels)


def test_a_japanese_line_closes_the_lips_on_its_ma() -> None:
    # Neutral syllables never closed the lips of a Japanese line.
    ((key, closed),) = labial_closures("ユキ: ありがとうございます。", "ユキ")
    assert key.phoneme == "M" and closed > 0.5
