"""Phonemes to visemes: each timed phoneme becomes one key of the 15-viseme set (a diphthong
two, the shape it starts in and the one it glides to), with a weight saying how far the mouth
goes to that shape: full for consonants and stressed vowels, less for unstressed ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from motiondirector.speech.tables import load_speech_tables
from motiondirector.speech.timing import TimedPhoneme

STRESS_WEIGHT = {"1": 1.0, "2": 0.85, "0": 0.7}
"""How far a vowel goes to its shape by stress; an unstressed vowel is a reduced one."""
DIPHTHONG_SPLIT = 0.55
"""The part of a diphthong spent on its first shape."""
SILENCE = "sil"


class Key(NamedTuple):
    """One key of a speech track; times in seconds (to the millisecond in a track)."""

    phoneme: str
    viseme: str
    start: float
    end: float
    weight: float


def phoneme_keys(timed: Iterable[TimedPhoneme], *, rounding: int | None = 3) -> list[Key]:
    """Keys of timed phonemes, times rounded to `rounding` decimals (None: not rounded);
    unknown phonemes are skipped."""
    keys: list[Key] = []
    for item in timed:
        found = _key_shape(item.phoneme)
        if found is None:
            continue
        phoneme, visemes, weight = found
        start, end = _round(item.start, rounding), _round(item.end, rounding)
        if len(visemes) == 2:
            middle = _round(item.start + DIPHTHONG_SPLIT * (item.end - item.start), rounding)
            keys.append(Key(phoneme, visemes[0], start, middle, weight))
            keys.append(Key(phoneme, visemes[1], middle, end, weight))
        else:
            keys.append(Key(phoneme, visemes[0], start, end, weight))
    return keys


@lru_cache(maxsize=256)
def _key_shape(phoneme: str) -> tuple[str, tuple[str, ...], float] | None:
    """(phoneme in upper case, its visemes, its weight), or None for an unknown phoneme."""
    phoneme = phoneme.upper()
    base = phoneme.rstrip("012")
    info = load_speech_tables().phonemes.get(base)
    if info is None:
        return None
    weight = STRESS_WEIGHT.get(phoneme[len(base) :] or "1", 1.0) if info.is_vowel else 1.0
    return phoneme, info.visemes, weight


def _round(value: float, digits: int | None) -> float:
    return value if digits is None else round(value, digits)
