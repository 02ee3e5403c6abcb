"""Phoneme timing inside a word: durations by class, scaled to the word's span."""

from __future__ import annotations

import itertools

import pytest

from motiondirector.speech.timing import base_duration, time_phonemes


def test_durations_follow_class_and_stress() -> None:
    assert base_duration("P") < base_duration("S") < base_duration("AA1")
    assert base_duration("AA0") < base_duration("AA2") < base_duration("AA1")
    assert base_duration("AY1") > base_duration("AA1")  # diphthongs glide longer


@pytest.mark.parametrize(("start", "end"), [(1.0, 1.4), (2.0, 2.12), (0.0, 1.5)])
def test_phonemes_fill_the_word_exactly_in_order(start: float, end: float) -> None:
    timed = time_phonemes(("B", "AE1", "T", "AH0", "L"), start, end)
    assert timed[0].start == start and timed[-1].end == end
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(timed))
    by_phoneme = {t.phoneme: t.end - t.start for t in timed}
    assert by_phoneme["B"] < by_phoneme["AH0"] < by_phoneme["AE1"]
    # The same word spoken twice as slowly keeps its proportions.
    slow = time_phonemes(("B", "AE1", "T", "AH0", "L"), start, start + 2 * (end - start))
    assert [2 * (t.end - t.start) for t in timed] == pytest.approx([t.end - t.start for t in slow])


def test_nothing_to_time_gives_nothing() -> None:
    assert time_phonemes((), 0.0, 1.0) == []
    assert time_phonemes(("AA1",), 1.0, 1.0) == []
