"""Thai, Lao, Burmese and Khmer read as spelled (`speech.thai`, `speech.burmese`,
`speech.khmer`) keep one syllable per written syllable (`speech.syllables`), as the neutral
syllables they had: whatever the text, the timing of these scripts is what it was."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.speech import ARPABET, pronounce, syllable_count
from motiondirector.speech.syllables import syllable_units

SCRIPTS = {
    "thai and lao": [chr(c) for c in (*range(0x0E01, 0x0E4F), *range(0x0E81, 0x0ECF))] + ["ๆ"],
    "burmese": [chr(c) for c in range(0x1000, 0x103F)],
    "khmer": [chr(c) for c in range(0x1780, 0x17D4)],
}


def _written(text: str) -> int:
    # Words are read in normal form KC, where Thai ำ is a mark and a vowel letter.
    normal = unicodedata.normalize("NFKC", text)
    return sum(unit[0].isalpha() for unit in syllable_units(normal))


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_any_text_keeps_a_syllable_per_written_syllable(script: str, data: st.DataObject) -> None:
    text = data.draw(st.text(st.sampled_from([*SCRIPTS[script], " "]), min_size=1, max_size=12))
    for word in text.split():
        phonemes = pronounce(word)
        assert all(p.rstrip("012") in ARPABET for p in phonemes)
        assert syllable_count(phonemes) == _written(word), word
