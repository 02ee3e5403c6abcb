"""Khmer written syllables said as they are spelled (`speech.khmer`): one syllable each, as
their neutral syllables counted, now with initial, cluster, vowel and final, so a planned Khmer
line closes the lips of its ARKit curves on ភ and ម."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.speech import ARPABET, pronounce, syllable_count
from motiondirector.speech.syllables import syllable_units
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("អរគុណ", "AO1 K UH1 N"),  # អ carries the vowel; a final រ is silent
        ("សួស្តី", "S UW1 S T IY1"),  # a cluster under the coeng
        ("ជំរាបសួរ", "CH UH1 M R IY1 P S UW1"),  # ំ um and ា ie after the second series
        ("ភ្នំពេញ", "P N UH1 M P EY1 N"),
        ("ម្ដាយ", "M D AA1 Y"),  # a sonorant's cluster reads as its second consonant
        ("ខ្ញុំ", "K N UH1 M"),
        ("ឪពុក", "AW1 P UH1 K"),  # an independent vowel
    ],
)
def test_written_syllables_say_what_they_spell(word: str, said: str) -> None:
    assert " ".join(pronounce(word)) == said


def _written(text: str) -> int:
    normal = unicodedata.normalize("NFKC", text)
    return sum(unit[0].isalpha() for unit in syllable_units(normal))


_KHMER = st.sampled_from([chr(c) for c in range(0x1780, 0x17D4)] + [" "])


@settings(max_examples=500, deadline=None)
@given(st.text(_KHMER, min_size=1, max_size=12))
def test_any_khmer_text_keeps_a_syllable_per_written_syllable(text: str) -> None:
    for word in text.split():
        phonemes = pronounce(word)
        assert all(p.rstrip("012") in ARPABET for p in phonemes)
        assert syllable_count(phonemes) == _written(word), word


def test_a_khmer_line_closes_the_lips_on_its_ph_and_m() -> None:
    # Neutral syllables never closed the lips of a Khmer line.
    closures = labial_closures("សុខា: ភ្នំពេញ", "សុខា")
    assert [key.phoneme for key, _ in closures] == ["P", "M", "P"]
    assert all(closed > 0.5 for _, closed in closures), closures
