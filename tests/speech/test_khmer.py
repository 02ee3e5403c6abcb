"""Khmer written syllables said as they are spelled (`speech.khmer`): one syllable each, as
their neutral syllables counted, now with initial, cluster, vowel and final, so a planned Khmer
line closes the lips of its ARKit curves on ភ and ម."""

from __future__ import annotations

import pytest

from motiondirector.speech import pronounce
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


def test_a_khmer_line_closes_the_lips_on_its_ph_and_m() -> None:
    # Neutral syllables never closed the lips of a Khmer line.
    closures = labial_closures("សុខា: ភ្នំពេញ", "សុខា")
    assert [key.phoneme for key, _ in closures] == ["P", "M", "P"]
    assert all(closed > 0.5 for _, closed in closures), closures
