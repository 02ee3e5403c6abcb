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


def test_a_nod_is_measured_by_the_head_turn() -> None:
    """A nod turns the head about the neck and hardly moves the head joint: the head's speed
    in m/s could not tell a nod from stillness, its turning in degrees per second can."""
    nod = get_clip("nod.normal.normal.neutral").motion()
    rows = {r.group: r for r in compare_bodies([_gliding(0.0)], [nod])}
    assert rows["head"].speed_max < 0.5
    assert rows["head_turn"].speed_max > 30.0
    assert rows["head_turn"].real_speed_max == 0.0
    assert "| head turn (°/s, °/s²) |" in body_table(list(rows.values()))


def test_a_steady_turn_is_its_angular_speed() -> None:
    frames, degrees_per_second = 31, 90.0
    angles = np.radians(degrees_per_second) * np.arange(frames) / 30.0
    rotations = np.zeros((frames, 22, 4))
    rotations[..., 3] = 1.0
    rotations[:, 0] = np.stack(
        [np.zeros(frames), np.sin(angles / 2), np.zeros(frames), np.cos(angles / 2)], axis=-1
    )
    turning = Motion(rotations, np.tile(REST_OFFSETS[0], (frames, 1)), 30.0)
    kinematics = body_kinematics([turning])
    assert np.allclose(kinematics.speeds["head_turn"], degrees_per_second)
    assert np.allclose(kinematics.accelerations["head_turn"], 0.0, atol=1e-6)


def test_nothing_to_compare_is_refused() -> None:
    with pytest.raises(EvaluationError):
        compare_bodies([], [_gliding(1.0)])


def test_bandai_kind_reads_the_file_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert bandai_kind(tmp_path / "dataset-1_walk-back_happy_001.bvh") == "walk-back"
    assert bandai_kind(tmp_path / "take.bvh") is None
