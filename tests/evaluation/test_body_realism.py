"""Body realism: speeds, accelerations and pops of realized motion against real mocap."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.errors import EvaluationError
from motiondirector.evaluation.body_realism import (
    bandai_kind,
    body_kinematics,
    body_table,
    compare_bodies,
)
from motiondirector.motion.clip import Motion
from motiondirector.motion.library import get_clip
from motiondirector.motion.skeleton import REST_OFFSETS


def _gliding(speed: float, frames: int = 31) -> Motion:
    rotations = np.zeros((frames, 22, 4))
    rotations[..., 3] = 1.0
    root = REST_OFFSETS[0] + np.outer(np.arange(frames) / 30.0, [0.0, 0.0, speed])
    return Motion(rotations, root, 30.0)


def test_speeds_are_metres_per_second_for_every_group() -> None:
    kinematics = body_kinematics([_gliding(1.5)])
    for group in ("wrists", "elbows", "head", "pelvis"):
        assert np.allclose(kinematics.speeds[group], 1.5)
        assert np.allclose(kinematics.accelerations[group], 0.0, atol=1e-9)


def test_a_faster_body_pops_against_a_slower_real_one() -> None:
    rows = compare_bodies([_gliding(1.0), _gliding(1.2)], [_gliding(3.0)])
    pelvis = next(r for r in rows if r.group == "pelvis")
    assert pelvis.pop_threshold == pytest.approx(1.2, abs=1e-6)
    assert pelvis.pop_share == 1.0
    assert pelvis.speed_max == pytest.approx(3.0)
    assert "| pelvis |" in body_table(rows)


def test_a_builtin_wave_is_measured_by_the_wrist() -> None:
    rows = compare_bodies([_gliding(0.0)], [get_clip("wave.right.normal.normal.neutral").motion()])
    wrists = next(r for r in rows if r.group == "wrists")
    assert 0.5 < wrists.speed_max < 5.5


def test_nothing_to_compare_is_refused() -> None:
    with pytest.raises(EvaluationError):
        compare_bodies([], [_gliding(1.0)])


def test_bandai_kind_reads_the_file_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert bandai_kind(tmp_path / "dataset-1_walk-back_happy_001.bvh") == "walk-back"
    assert bandai_kind(tmp_path / "take.bvh") is None
