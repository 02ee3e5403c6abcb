"""Built-in clips and realized scenes stay under the joint speeds real people reach."""

from __future__ import annotations

import pytest

from motiondirector.motion.library import builtin_library, clip_peak_speeds
from motiondirector.motion.library.catalog import ATHLETIC_LEXEMES, ATHLETIC_SPEED_LIMITS
from motiondirector.motion.speed import HUMAN_SPEED_LIMITS


def test_no_builtin_clip_moves_faster_than_people() -> None:
    too_fast = []
    for clip in builtin_library():
        limits = ATHLETIC_SPEED_LIMITS if clip.lexeme in ATHLETIC_LEXEMES else HUMAN_SPEED_LIMITS
        peaks = clip_peak_speeds(clip.id)
        too_fast += [(clip.id, g, peaks[g]) for g in limits if peaks[g] > limits[g] + 1e-6]
    assert too_fast == []


def test_a_large_fast_fist_pump_keeps_its_timing_and_most_of_its_reach() -> None:
    fast = clip_peak_speeds("fist_pump.right.large.fast.happy")
    plain = clip_peak_speeds("fist_pump.right.normal.normal.neutral")
    assert fast["wrists"] <= HUMAN_SPEED_LIMITS["wrists"] + 1e-6
    assert fast["wrists"] > plain["wrists"]


@pytest.mark.parametrize(
    "clip_id", ["walk.small.normal.neutral", "wave.right.normal.normal.neutral"]
)
def test_peak_speeds_cover_every_group(clip_id: str) -> None:
    assert set(clip_peak_speeds(clip_id)) == set(HUMAN_SPEED_LIMITS)
