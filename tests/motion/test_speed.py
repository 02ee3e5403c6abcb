"""Built-in clips and realized scenes stay under the joint speeds real people reach."""

from __future__ import annotations

import pytest

from motiondirector.motion.library import (
    builtin_library,
    clip_peak_accelerations,
    clip_peak_speeds,
)
from motiondirector.motion.library.catalog import (
    ACTION_ACCELERATION_LIMITS,
    ATHLETIC_LEXEMES,
    ATHLETIC_SPEED_LIMITS,
)
from motiondirector.motion.speed import (
    HEAD_TURN,
    HUMAN_ACCELERATION_LIMITS,
    HUMAN_SPEED_LIMITS,
    acceleration_headroom,
)
from motiondirector.retrieval.sequence import MAX_RATE, builtin_max_rate


def test_no_builtin_clip_moves_faster_than_people() -> None:
    too_fast = []
    for clip in builtin_library():
        limits = ATHLETIC_SPEED_LIMITS if clip.lexeme in ATHLETIC_LEXEMES else HUMAN_SPEED_LIMITS
        peaks = clip_peak_speeds(clip.id)
        too_fast += [(clip.id, g, peaks[g]) for g in limits if peaks[g] > limits[g] + 1e-6]
    assert too_fast == []


def test_no_builtin_clip_speeds_up_harder_than_people() -> None:
    """Head tosses turned at up to 14,500 °/s² and jumps moved the head at 55 m/s², where
    people anywhere in the Bandai clips reach 9,642 (a spinning kick) and 37."""
    too_hard = []
    for clip in builtin_library():
        peaks = clip_peak_accelerations(clip.id)
        limits = ACTION_ACCELERATION_LIMITS
        too_hard += [(clip.id, g, peaks[g]) for g in limits if peaks[g] > limits[g] + 1e-6]
    assert too_hard == []


def test_a_fast_head_toss_keeps_most_of_its_turn() -> None:
    fast = clip_peak_speeds("toss.normal.fast.neutral")
    plain = clip_peak_speeds("toss.normal.normal.neutral")
    assert fast[HEAD_TURN] > 0.8 * plain[HEAD_TURN]


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


def test_a_nod_turns_the_head_without_moving_it_much() -> None:
    peaks = clip_peak_speeds("nod.normal.fast.neutral")
    assert peaks["head"] < 0.5 and peaks[HEAD_TURN] > 100.0


def test_a_fast_nod_is_sped_up_only_as_far_as_peoples_head_accelerations() -> None:
    """Nods were sped up twice over, as nothing bounded their turning: 315 °/s at 14,350
    °/s², where people's heads in the Bandai clips turn at most at 6,200 °/s²."""
    nod = "nod.normal.fast.neutral"
    rate = builtin_max_rate(nod)
    turning = clip_peak_accelerations(nod)[HEAD_TURN]
    assert 1.0 <= rate < MAX_RATE
    assert turning * rate**2 <= HUMAN_ACCELERATION_LIMITS[HEAD_TURN] + 1e-6


def test_acceleration_headroom_is_the_square_root_of_the_ratio() -> None:
    assert acceleration_headroom({"head": 4.0}, {"head": 16.0}) == pytest.approx(2.0)
    assert acceleration_headroom({"head": 0.0}, {"head": 16.0}) == float("inf")
