"""Phonemes of Chinese characters, read as Mandarin through their pinyin (pypinyin's
dictionary, each character in the context of its whole line so that 银行 is yin-hang and 行走
xing-zou).

A Chinese character is one syllable, as the neutral syllables counted before, and now says
its pinyin: the lips close on b p m (我们 W AO M AH N, 不 B UW), round on u o ü, and the jaw
opens on every vowel. A line with kana is Japanese (`speech.japanese`), one of written
Cantonese is Cantonese (`speech.cantonese`), and a line's stated language decides over its
writing (`speech.track.said_as`). The pinyin's initial and final map to
ARPAbet: j q x zh ch sh as JH CH SH, z c as Z and T S, ü as a rounded UW, the apical i of zi
and zhi as IH; tones move no part of the face and are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import cast

from motiondirector.speech.kana import is_kana

STRESS = "1"  # tones are not stress: every vowel primary

_INITIALS = {
    "zh": "JH", "ch": "CH", "sh": "SH", "b": "B", "p": "P", "m": "M", "f": "F", "d": "D",
    "t": "T", "n": "N", "l": "L", "g": "G", "k": "K", "h": "HH", "j": "JH", "q": "CH",
    "x": "SH", "r": "R", "z": "Z", "c": "T S", "s": "S",
}  # fmt: skip
_FINALS = {
    "a": "AA", "o": "AO", "e": "AH", "ai": "AY", "ei": "EY", "ao": "AW", "ou": "OW",
    "an": "AA N", "en": "AH N", "ang": "AA NG", "eng": "AH NG", "ong": "UH NG", "er": "ER",
    "i": "IY", "ia": "Y AA", "ie": "Y EH", "iao": "Y AW", "iu": "Y OW", "iou": "Y OW",
    "ian": "Y EH N", "in": "IY N", "iang": "Y AA NG", "ing": "IY NG", "iong": "Y UH NG",
    "io": "Y AO", "u": "UW", "ua": "W AA", "uo": "W AO", "uai": "W AY", "ui": "W EY",
    "uei": "W EY", "uan": "W AA N", "un": "W AH N", "uen": "W AH N", "uang": "W AA NG",
    "ueng": "W AH NG", "v": "UW", "ve": "W EH", "van": "W EH N", "vn": "UW N", "ê": "EH",
}  # fmt: skip
_VOWELS = frozenset({"AA", "AO", "AH", "AY", "EY", "AW", "OW", "ER", "IY", "EH", "UH", "UW", "IH"})
# After j q x and y a written u is ü.
_U_AS_V = {"u": "v", "ue": "ve", "uan": "van", "un": "vn"}
# After z c s and zh ch sh r, i is the apical vowel of zi and zhi.
_APICAL = frozenset({"z", "c", "s", "zh", "ch", "sh", "r"})


_HAN_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF),
    (0x2F800, 0x2FA1F), (0x30000, 0x323AF),
)  # fmt: skip


def is_han(char: str) -> bool:
    """Whether `char` is a Chinese character (a CJK unified or compatibility ideograph)."""
    code = ord(char)
    return code >= 0x3400 and any(low <= code <= high for low, high in _HAN_RANGES)


def _final_of(initial: str, rest: str) -> str:
    if initial == "y":
        if rest.startswith("u"):
            return _U_AS_V.get(rest, rest)
        return rest if rest.startswith("i") else "i" + rest
    if initial == "w":
        return "u" if rest == "u" else {"ei": "uei", "en": "uen"}.get(rest, "u" + rest)
    if initial in ("j", "q", "x"):
        return _U_AS_V.get(rest, rest)
    return rest.replace("ü", "v")


@cache
def pinyin_phonemes(syllable: str) -> tuple[str, ...]:
    """The phonemes of one pinyin syllable without tone ("hang", "nv", "lü"): its initial's
    consonants and its final's, with exactly one vowel (AH where the final has none, as in
    the interjections m, n, hng)."""
    syllable = syllable.lower().replace("ü", "v")
    initial = next(
        (
            i
            for i in (*sorted(_INITIALS, key=len, reverse=True), "y", "w")
            if syllable.startswith(i)
        ),
        "",
    )
    rest = syllable[len(initial) :]
    if rest == "i" and initial in _APICAL:
        final = "IH"
    else:
        final = _FINALS.get(_final_of(initial, rest), "")
    consonants = _INITIALS.get(initial, "").split()
    sounds = final.split()
    if not any(sound in _VOWELS for sound in sounds):
        sounds = ["AH", *sounds] if not rest else [*_INITIALS.get(rest, "").split(), "AH"]
    return tuple(
        [*consonants, *(sound + STRESS if sound in _VOWELS else sound for sound in sounds)]
    )


def mandarin_readings(words: Sequence[str]) -> list[str | None]:
    """For each word of one line (in order), the pinyin of its Chinese characters, read in the
    context of the whole line and joined by spaces; None for a word without one, and for
    every word of a line with kana (Japanese)."""
    text = "".join(words)
    if text.isascii() or not any(is_han(char) for char in text) or any(map(is_kana, text)):
        return [None] * len(words)
    return characters_said(words, _line_pinyin(text))


def characters_said(words: Sequence[str], syllables: Sequence[str]) -> list[str | None]:
    """For each word, the syllables of its Chinese characters joined by spaces (None for a word
    with none), from `syllables`, one per character of the words' line ("" for none)."""
    readings: list[str | None] = []
    at = 0
    for word in words:
        said = [
            syllable
            for char, syllable in zip(word, syllables[at : at + len(word)], strict=True)
            if is_han(char) and syllable
        ]
        readings.append(" ".join(said) or None)
        at += len(word)
    return readings


def _line_pinyin(text: str) -> list[str]:
    """The toneless pinyin of each character of `text` ("" for one that is not Chinese)."""
    from pypinyin import Style, lazy_pinyin

    def one_per_character(chunk: str) -> list[str]:
        return [""] * len(chunk)

    # pypinyin takes a list per chunk without pinyin (one item per character, so the result
    # stays aligned with the text), though its annotations name only a string.
    unread = cast("Callable[[str], str]", one_per_character)

    syllables: list[str] = lazy_pinyin(text, style=Style.NORMAL, errors=unread)
    if len(syllables) == len(text):
        return syllables
    # Should pypinyin ever join or split characters, each is read alone instead.
    return [
        (lazy_pinyin(char, style=Style.NORMAL, errors=unread) or [""])[0] if is_han(char) else ""
        for char in text
    ]
