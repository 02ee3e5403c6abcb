"""Phoneme timing inside a word: each phoneme gets a base duration by its class (stops short,
fricatives and nasals longer, vowels longest, stressed vowels longer still) and the durations
are scaled to fill the word's span exactly, whether the span was estimated or came from the
caller's TTS word timings. Phonemes the caller timed are used as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from motiondirector.speech.tables import load_speech_tables


@dataclass(frozen=True)
class TimedPhoneme:
    phoneme: str  # ARPAbet; vowels carry their stress digit
    start: float
    end: float


@lru_cache(maxsize=256)
def base_duration(phoneme: str) -> float:
    """Seconds a phoneme takes at an average rate, before scaling to its word."""
    tables = load_speech_tables()
    base = phoneme.rstrip("012")
    info = tables.phonemes.get(base)
    if info is None:
        return tables.durations["vowel"]
    duration = tables.durations[info.timing]
    if info.is_vowel:
        duration *= tables.stress_scale.get(phoneme[len(base) :] or "1", 1.0)
    return duration


def time_phonemes(phonemes: Sequence[str], start: float, end: float) -> list[TimedPhoneme]:
    """Spread `phonemes` over [start, end] in proportion to their base durations."""
    if not phonemes or end <= start:
        return []
    durations = [base_duration(p) for p in phonemes]
    scale = (end - start) / sum(durations)
    timed: list[TimedPhoneme] = []
    at = start
    for phoneme, duration in zip(phonemes, durations, strict=True):
        stop = at + duration * scale
        timed.append(TimedPhoneme(phoneme, at, stop))
        at = stop
    # Rounding must not let the last phoneme spill past the word.
    last = timed[-1]
    timed[-1] = TimedPhoneme(last.phoneme, last.start, end)
    return timed
