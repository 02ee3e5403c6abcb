"""Phonemes of a Burmese written syllable (`speech.syllables` cuts a run into them): its initial
consonant and medials, its vowel and its final, read off the spelling.

A written syllable stays one syllable, as its neutral syllable counted before, and now says its
sounds: the lips close on မ ပ ဖ ဗ ဘ, round on ု ူ ော ွ, and the jaw opens on every vowel.
`မင်္ဂလာပါ` is M IH NG G L AA P AA.

The reading, kept small enough to explain: the initial's consonant (ရ is y, သ th, အ only
carries the vowel), then its medials (ျ ြ y, ွ w; ှ, breath, moves no part of the face); the
vowel signs make the vowel (ာ a, ိ i, ီ i, ု u, ူ u, ေ e, ဲ e, ော aw, ို o), and a final
consonant killed by ် changes the vowel written with it as Burmese does (-က် e, -င် i, -တ်
a, -ိုက် ai, -ုန် o, -ောင် au, ...); a final stop is a glottal stop, which moves nothing, a
final nasal (and ံ) is n; a consonant stacked under the final (္) is said after it. Tones are
dropped.
"""

from __future__ import annotations

STRESS = "1"

_CONSONANTS: dict[str, str] = {
    "က": "K", "ခ": "K", "ဂ": "G", "ဃ": "G", "င": "NG", "စ": "S", "ဆ": "S", "ဇ": "Z", "ဈ": "Z",
    "ဉ": "N", "ည": "N", "ဋ": "T", "ဌ": "T", "ဍ": "D", "ဎ": "D", "ဏ": "N", "တ": "T", "ထ": "T",
    "ဒ": "D", "ဓ": "D", "န": "N", "ပ": "P", "ဖ": "P", "ဗ": "B", "ဘ": "B", "မ": "M", "ယ": "Y",
    "ရ": "Y", "လ": "L", "ဝ": "W", "သ": "TH", "ဟ": "HH", "ဠ": "L", "အ": "",
}  # fmt: skip
_INDEPENDENT_VOWELS = {"ဣ": "IH", "ဤ": "IY", "ဥ": "UH", "ဦ": "UW", "ဧ": "EY", "ဩ": "AO", "ဪ": "AO"}
_MEDIALS = {"\u103b": "Y", "\u103c": "Y", "\u103d": "W", "\u103e": ""}
_ASAT, _VIRAMA, _ANUSVARA, _DOT_BELOW = "\u103a", "\u1039", "\u1036", "\u1037"
_NASALS = frozenset("ငညဉနမဏ")
# The vowel of a syllable closed by a final, by what is written with it and the final's kind.
_CLOSED = {
    ("", "stop"): "EH", ("", "ng"): "IH", ("", "n"): "AA",
    ("i", "stop"): "EY", ("i", "n"): "EY", ("i", "ng"): "EY",
    ("u", "stop"): "OW", ("u", "n"): "OW", ("u", "ng"): "OW",
    ("o", "stop"): "AY", ("o", "n"): "AY", ("o", "ng"): "AY",
    ("aw", "stop"): "AW", ("aw", "n"): "AW", ("aw", "ng"): "AW",
}  # fmt: skip
# Finals whose vowel differs from their kind's: -စ် and -ည် i, -တ် -ပ် a, -ယ် e.
_FINAL_VOWELS = {"စ": "IH", "ည": "IY", "တ": "AA", "ပ": "AA", "ယ": "EH"}


def is_burmese(char: str) -> bool:
    return 0x1000 <= ord(char) <= 0x109F


def _written_vowel(signs: str) -> str:
    """The vowel the signs write, as a key of `_CLOSED` or an open vowel: "", "i", "u", "o",
    "aw", or the open ones "a", "ii", "uu", "e", "ai"."""
    if "\u1031" in signs and ("\u102c" in signs or "\u102b" in signs):
        return "aw"
    if "\u102d" in signs and "\u102f" in signs:
        return "o"
    for sign, vowel in (
        ("\u1031", "e"), ("\u102b", "a"), ("\u102c", "a"), ("\u102e", "ii"), ("\u102d", "i"),
        ("\u1030", "uu"), ("\u102f", "u"), ("\u1032", "ai"),
    ):  # fmt: skip
        if sign in signs:
            return vowel
    return ""


_OPEN = {
    "": "AA", "a": "AA", "i": "IH", "ii": "IY", "u": "UH", "uu": "UW", "e": "EY", "ai": "EH",
    "o": "OW", "aw": "AO",
}  # fmt: skip


def burmese_sounds(syllable: str) -> tuple[str, ...] | None:
    """The phonemes of one written Burmese syllable (the vowel with a stress digit), or None
    where it is no syllable these rules read."""
    if not syllable or not (syllable[0] in _CONSONANTS or syllable[0] in _INDEPENDENT_VOWELS):
        return None
    first = syllable[0]
    said: list[str] = []
    if first in _INDEPENDENT_VOWELS:
        return (_INDEPENDENT_VOWELS[first] + STRESS,)
    if _CONSONANTS[first]:
        said.append(_CONSONANTS[first])
    signs = ""
    final: str | None = None
    stacked: list[str] = []
    index = 1
    while index < len(syllable):
        char = syllable[index]
        after = syllable[index + 1 :].lstrip(_DOT_BELOW)[:1]  # ့ may stand before ်
        if char in _MEDIALS and final is None:
            if _MEDIALS[char] and _MEDIALS[char] not in said:
                said.append(_MEDIALS[char])
        elif char in _CONSONANTS and after in (_ASAT, _VIRAMA) and final is None:
            final = char
        elif char in _CONSONANTS and final is not None:
            stacked.append(_CONSONANTS[char])  # under the final, after ္: the next onset
        else:
            signs += char
        index += 1
    written = _written_vowel(signs)
    if final is None and _ANUSVARA in signs:
        final = "န"
    if final is None:
        said.append(_OPEN[written] + STRESS)
    else:
        kind = "ng" if final == "င" else "n" if final in _NASALS else "stop"
        vowel = _CLOSED.get((written, kind)) or _OPEN.get(written, "AA")
        if written == "" and final in _FINAL_VOWELS:
            vowel = _FINAL_VOWELS[final]
        if written == "" and "W" in said[1:]:
            vowel = "UH"  # -ွန် un, -ွတ် ut
        said.append(vowel + STRESS)
        if kind != "stop":
            said.append("NG" if kind == "ng" else "N")
    said += [sound for sound in stacked if sound]
    return tuple(sound for part in said for sound in part.split())
