"""Burmese written syllables said as they are spelled (`speech.burmese`): one syllable each, as
their neutral syllables counted, now with initial, medials, vowel and final, so a planned
Burmese line closes the lips of its ARKit curves on မ and ပ."""

from __future__ import annotations

import pytest

from motiondirector.speech import pronounce
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("မင်္ဂလာပါ", "M IH1 NG G L AA1 P AA1"),  # a stacked ဂ said after the final
        ("ကျေးဇူးတင်ပါတယ်", "K Y EY1 Z UW1 T IH1 NG P AA1 T EH1"),  # a medial; -င် in
        ("မြန်မာ", "M Y AA1 N M AA1"),
        ("ကျွန်တော်", "K Y W UH1 N T AO1"),  # -ွန် un; ော aw
        ("နေကောင်းလား", "N EY1 K AW1 NG L AA1"),  # -ောင် aung
        ("ထိုင်", "T AY1 NG"),  # -ိုင် aing
        ("မုန့်", "M OW1 N"),  # ့ written before ်
        ("အမေ", "AA1 M EY1"),  # အ only carries the vowel
        ("သူ", "TH UW1"),
    ],
)
def test_written_syllables_say_what_they_spell(word: str, said: str) -> None:
    assert " ".join(pronounce(word)) == said


def test_a_burmese_line_closes_the_lips_on_its_m_and_p() -> None:
    # Neutral syllables never closed the lips of a Burmese line.
    closures = labial_closures("မောင်မောင်: မင်္ဂလာပါ", "မောင်မောင်")
    assert [key.phoneme for key, _ in closures] == ["M", "P"]
    assert all(closed > 0.5 for _, closed in closures), closures
