"""Phonemes of Chinese characters read as Cantonese through their Jyutping (ToJyutping's
dictionary, each character in the context of its whole line, so that 銀行 is ngan-hong and 行走
hang-zau).

Cantonese reads the same characters with other sounds than Mandarin, and closes many syllables
on an unreleased p, t or k: 十 is sap (the lips close at its end) where Mandarin says shi. A
line is Cantonese where its language says so (`yue`, or Chinese of Hong Kong or Macau:
`zh-HK`, `zh-Hant-HK`, `zh-MO`) or where it writes a character only written Cantonese uses (佢
嘅 咗 喺 ...: `writes_cantonese`). The Jyutping's initial, vowel and coda map to ARPAbet: z c
as Z and T S, j as Y, the rounded front vowels oe eo yu as AO UH UW, i and u before ng and k
as IH and UH; the syllabic m and ng (唔 m, 五 ng) carry a neutral AH, as Mandarin's m does;
tones move no part of the face and are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from motiondirector.speech.mandarin import STRESS, characters_said

CANTONESE_ONLY = frozenset("佢嘅咗喺冇啲嘢嚟噉㗎嗰哋嘥攰搵睇瞓啱諗冚")
"""Characters of written Cantonese that Mandarin text does not use (its pronoun 佢, its
possessive 嘅, its aspect marker 咗, ...): a line with one is Cantonese."""

_INITIALS = {
    "gw": "G W", "kw": "K W", "ng": "NG", "b": "B", "p": "P", "m": "M", "f": "F", "d": "D",
    "t": "T", "n": "N", "l": "L", "g": "G", "k": "K", "h": "HH", "w": "W", "z": "Z",
    "c": "T S", "s": "S", "j": "Y",
}  # fmt: skip
_BY_LENGTH = sorted(_INITIALS, key=len, reverse=True)
_VOWELS = {
    "aa": "AA", "a": "AH", "e": "EH", "i": "IY", "o": "AO", "u": "UW", "oe": "AO", "eo": "UH",
    "yu": "UW",
}  # fmt: skip
_GLIDED = {
    "aai": "AY", "ai": "AY", "aau": "AW", "au": "AW", "ei": "EY", "eu": "EH W", "iu": "IY W",
    "oi": "OY", "ou": "OW", "ui": "UW Y", "eoi": "UH Y",
}  # fmt: skip
_CODAS = {"m": "M", "n": "N", "ng": "NG", "p": "P", "t": "T", "k": "K"}
_LAX_BEFORE_VELAR = {"IY": "IH", "UW": "UH"}  # ing ik, ung uk
_NUCLEI = sorted(_VOWELS, key=len, reverse=True)


def writes_cantonese(text: str) -> bool:
    """Whether `text` writes a character only written Cantonese uses."""
    return not text.isascii() and any(char in CANTONESE_ONLY for char in text)


@cache
def jyutping_phonemes(syllable: str) -> tuple[str, ...]:
    """The phonemes of one Jyutping syllable, its tone digit optional ("sap6", "ngan"): its
    initial's consonants, then its vowel (exactly one) and coda; () for one that is not
    Jyutping."""
    syllable = syllable.lower().rstrip("0123456789")
    if syllable in ("m", "ng"):
        return (_INITIALS[syllable], "AH" + STRESS)  # the syllabic nasals 唔 and 五
    initial = next((i for i in _BY_LENGTH if syllable.startswith(i) and len(syllable) > len(i)), "")
    rest = syllable[len(initial) :]
    consonants = _INITIALS[initial].split() if initial else []
    if rest in ("m", "ng"):
        return (*consonants, _INITIALS[rest], "AH" + STRESS)  # hm, hng
    if rest in _GLIDED:
        vowel, *glide = _GLIDED[rest].split()
        return (*consonants, vowel + STRESS, *glide)
    nucleus = next((n for n in _NUCLEI if rest.startswith(n)), None)
    if nucleus is None or rest[len(nucleus) :] not in (*_CODAS, ""):
        return ()
    coda = rest[len(nucleus) :]
    vowel = _VOWELS[nucleus]
    if coda in ("ng", "k"):
        vowel = _LAX_BEFORE_VELAR.get(vowel, vowel)
    return (*consonants, vowel + STRESS, *([_CODAS[coda]] if coda else []))


def cantonese_readings(words: Sequence[str]) -> list[str | None]:
    """For each word of one Cantonese line (in order), the Jyutping of its Chinese characters,
    read in the context of the whole line, toneless and joined by spaces; None for a word
    without one."""
    return characters_said(words, _line_jyutping("".join(words)))


def _line_jyutping(text: str) -> list[str]:
    """The toneless Jyutping of each character of `text` ("" for one that has none)."""
    import ToJyutping

    pairs = ToJyutping.get_jyutping_list(text)
    if "".join(char for char, _ in pairs) == text and len(pairs) == len(text):
        return [_toneless(said) for _, said in pairs]
    # Should the dictionary ever join characters into one entry, each is read alone instead.
    return [_toneless(ToJyutping.get_jyutping_list(char)[0][1]) for char in text]


def _toneless(said: str | None) -> str:
    """The first reading of a Jyutping answer without its tone ("" for none)."""
    if not said:
        return ""
    first = said.split()[0]
    return first.rstrip("0123456789") if jyutping_phonemes(first) else ""
