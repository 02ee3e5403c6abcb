"""Phonemes of Vietnamese, whose spelling says each syllable: initial, vowel and final.

Vietnamese is written in Latin letters, one syllable a word, so its words went to the English
letter-to-sound rules (accents folded off): `cảm ơn` read as English "cam on". A line that
writes a letter only Vietnamese has (đ ơ ư ă, or a vowel with a hook above or a dot below, the
block U+1EA0–U+1EF9) is read as Vietnamese, every Latin word of it: the initial (ng, nh, ch, tr,
th, kh, gh, gi, ph, qu, d and gi as z, đ as d, x as s, r as z), the vowel (â ơ as AH, ê as EY,
ô as OW, ư as IH, a centring diphthong ia iê ua uô ưa ươ as its first part, o u before another
vowel a w glide, i y o u after it a y or w glide) and the final (c ch k, m n ng nh p t), so each
word is one syllable and the lips close on b, m, p and round on o, ô, u. Tones (the grave,
acute, tilde, hook and dot marks) move no part of the face and are dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

STRESS = "1"
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ONLY_VIETNAMESE = frozenset("đơưăĐƠƯĂ")

_INITIALS = (
    ("ngh", "NG"), ("ng", "NG"), ("nh", "N"), ("ch", "CH"), ("tr", "CH"), ("th", "T"),
    ("kh", "K"), ("gh", "G"), ("gi", "Z"), ("ph", "F"), ("qu", "K W"), ("c", "K"), ("k", "K"),
    ("g", "G"), ("d", "Z"), ("đ", "D"), ("b", "B"), ("m", "M"), ("n", "N"), ("l", "L"),
    ("h", "HH"), ("p", "P"), ("r", "Z"), ("s", "S"), ("x", "S"), ("t", "T"), ("v", "V"),
)  # fmt: skip
_FINALS = (("ng", "NG"), ("nh", "N"), ("ch", "K"), ("c", "K"), ("m", "M"), ("n", "N"),
           ("p", "P"), ("t", "T"))  # fmt: skip
_VOWELS = {
    "a": "AA", "ă": "AA", "â": "AH", "e": "EH", "ê": "EY", "i": "IY", "y": "IY", "o": "AO",
    "ô": "OW", "ơ": "AH", "u": "UW", "ư": "IH",
}  # fmt: skip
_CENTRING = frozenset({"ia", "iê", "yê", "ua", "uô", "ưa", "ươ"})
_OFFGLIDES = {"i": "Y", "y": "Y", "o": "W", "u": "W"}


def _without_tones(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))


def is_vietnamese(text: str) -> bool:
    """Whether `text` writes a letter only Vietnamese has."""
    return any(char in _ONLY_VIETNAMESE or 0x1EA0 <= ord(char) <= 0x1EF9 for char in text)


def vietnamese_phonemes(word: str) -> tuple[str, ...] | None:
    """The phonemes of one Vietnamese syllable (a word; the vowel with a stress digit), or None
    for a word that is not one (no vowel, or letters outside the Vietnamese alphabet)."""
    letters = "".join(char for char in _without_tones(word) if char.isalpha())
    if not letters or not all(char in _VOWELS or char.isascii() or char == "đ" for char in letters):
        return None
    said: list[str] = []
    rest = letters
    if rest.startswith("gi") and (len(rest) == 2 or rest[2] not in _VOWELS):
        said.append("Z")  # gì, gìn: the i is the vowel
        rest = rest[1:]
    else:
        for spelling, sound in _INITIALS:
            if rest.startswith(spelling) and len(rest) > len(spelling):
                said += sound.split()
                rest = rest[len(spelling) :]
                break
    final: list[str] = []
    for spelling, sound in _FINALS:
        if rest.endswith(spelling) and len(rest) > len(spelling):
            final = sound.split()
            rest = rest[: -len(spelling)]
            break
    if not rest or not all(char in _VOWELS for char in rest):
        return None
    if len(rest) > 1 and rest[0] in "ou" and rest[1] not in "iou" and rest[:2] not in _CENTRING:
        said.append("W")  # oa, oe, uy, uâ: a w glide into the vowel (Nguyễn ngwiên)
        rest = rest[1:]
    glide = ""
    if len(rest) > 1 and rest[-1] in _OFFGLIDES and rest[-2:] not in _CENTRING:
        glide = _OFFGLIDES[rest[-1]]
        rest = rest[:-1]
    said.append(_VOWELS[rest[0]] + STRESS)  # a centring diphthong said as its first part
    return tuple([*said, *([glide] if glide else []), *final])


def vietnamese_readings(words: Sequence[str], *, vietnamese: bool = False) -> list[str | None]:
    """For each word of one line, the word itself where the line is Vietnamese (it writes a
    letter only Vietnamese has, or its language is stated: `vietnamese`, so that a line typed
    without its accents is read as Vietnamese too) and the word a Vietnamese syllable; None for
    the others, and for every word of a line that is not."""
    if not vietnamese and not is_vietnamese("".join(words)):
        return [None] * len(words)
    return [word if vietnamese_phonemes(word) is not None else None for word in words]
