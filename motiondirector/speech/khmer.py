"""Phonemes of a Khmer written syllable (`speech.syllables` cuts a run into them): its initial
consonant and the consonants written under it, its vowel and its final, read off the spelling.

A written syllable stays one syllable, as its neutral syllable counted before, and now says its
sounds: the lips close on ប ព ផ ភ ម, round on ុ ូ ួ ោ ៅ, and the jaw opens on every vowel.
`អរគុណ` is AO R K UH N.

The reading, kept small enough to explain: Khmer consonants belong to two series, and a vowel
sign reads one way after the first and another after the second; here a sign has one reading
(its first-series one, which moves the face alike), but for ា, which after the second series is
ie, and ំ, which is am after the first and um after the second (or ុ). A consonant without a
sign says the inherent ɑ/ɔ as AO. A consonant under the initial (after the coeng ្) forms a
cluster with it, whose series is the second consonant's when a sonorant opens it (ម្ដាយ); a
consonant after the vowel is the final, said as Khmer closes a syllable (k, ng, t, n, p, m, y,
w; រ and ហ silent). Registers and tones are not read.
"""

from __future__ import annotations

STRESS = "1"

# Consonants: (initial, final, second series).
_CONSONANTS: dict[str, tuple[str, str, bool]] = {
    "ក": ("K", "K", False), "ខ": ("K", "K", False), "គ": ("K", "K", True),
    "ឃ": ("K", "K", True), "ង": ("NG", "NG", True), "ច": ("CH", "T", False),
    "ឆ": ("CH", "T", False), "ជ": ("CH", "T", True), "ឈ": ("CH", "T", True),
    "ញ": ("N", "N", True), "ដ": ("D", "T", False), "ឋ": ("T", "T", False),
    "ឌ": ("D", "T", True), "ឍ": ("T", "T", True), "ណ": ("N", "N", False),
    "ត": ("T", "T", False), "ថ": ("T", "T", False), "ទ": ("T", "T", True),
    "ធ": ("T", "T", True), "ន": ("N", "N", True), "ប": ("B", "P", False),
    "ផ": ("P", "P", False), "ព": ("P", "P", True), "ភ": ("P", "P", True),
    "ម": ("M", "M", True), "យ": ("Y", "Y", True), "រ": ("R", "", True), "ល": ("L", "L", True),
    "វ": ("W", "W", True), "ស": ("S", "HH", False), "ហ": ("HH", "", False),
    "ឡ": ("L", "L", False), "អ": ("", "", False),
}  # fmt: skip
_INDEPENDENT_VOWELS = {
    "ឥ": "IH", "ឦ": "IY", "ឧ": "UH", "ឩ": "UW", "ឪ": "AW", "ឫ": "R IH", "ឬ": "R IY",
    "ឭ": "L IH", "ឮ": "L IY", "ឯ": "EY", "ឰ": "AY", "ឱ": "AW", "ឲ": "AW", "ឳ": "AW",
}  # fmt: skip
_SIGNS = {
    "\u17b6": "AA", "\u17b7": "IH", "\u17b8": "IY", "\u17b9": "IH", "\u17ba": "IH",
    "\u17bb": "UH", "\u17bc": "UW", "\u17bd": "UW", "\u17be": "AH", "\u17bf": "IH",
    "\u17c0": "IY", "\u17c1": "EY", "\u17c2": "AE", "\u17c3": "AY", "\u17c4": "AW",
    "\u17c5": "AW",
}  # fmt: skip
_AA = "\u17b6"
_COENG, _NIKAHIT = "\u17d2", "\u17c6"
_SONORANTS = frozenset("ងញនមយរលវ")  # a cluster they open takes its series from the second


def is_khmer(char: str) -> bool:
    return 0x1780 <= ord(char) <= 0x17FF


def khmer_sounds(syllable: str) -> tuple[str, ...] | None:
    """The phonemes of one written Khmer syllable (the vowel with a stress digit), or None
    where it is no syllable these rules read."""
    if not syllable:
        return None
    first = syllable[0]
    if first in _INDEPENDENT_VOWELS:
        *consonants, own = _INDEPENDENT_VOWELS[first].split()
        return (*consonants, own + STRESS)
    if first not in _CONSONANTS:
        return None
    initial, _, second_series = _CONSONANTS[first]
    said = [initial] if initial else []
    vowel: str | None = None
    final = ""
    index = 1
    while index < len(syllable):
        char = syllable[index]
        if char == _COENG and index + 1 < len(syllable):
            under = syllable[index + 1]
            if under in _CONSONANTS and vowel is None and not final:
                said.append(_CONSONANTS[under][0])  # a cluster: ក្រ kr
                if first in _SONORANTS:
                    second_series = _CONSONANTS[under][2]  # ម្ដាយ reads as ដ does
            elif under in _CONSONANTS and not final:
                final = _CONSONANTS[under][1]
            index += 2
            continue
        if char in _SIGNS and vowel is None:
            vowel = "IY" if char == _AA and second_series else _SIGNS[char]
        elif char == _NIKAHIT:
            vowel = "UH" if vowel == "UH" or (vowel is None and second_series) else vowel or "AA"
            final = "M"  # ំ am, um after the second series or ុ
        elif char in _CONSONANTS and not final:
            final = _CONSONANTS[char][1]
        index += 1
    said.append((vowel or "AO") + STRESS)
    if final:
        said.append(final)
    return tuple(sound for sound in said if sound)
