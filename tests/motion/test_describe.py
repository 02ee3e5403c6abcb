"""Pose descriptions on synthetic motions with known answers, and on real clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.describe import PoseSpan, describe_motion, summarize_motion
from motiondirector.motion.retargeting import retarget
from motiondirector.motion.skeleton import REST_OFFSETS
from tests.motion.conftest import posed

UP = Rotation.from_euler("z", -90, degrees=True)  # the right arm points along -X at rest


def _codes(spans: list[PoseSpan]) -> set[str]:
    return {span.code for span in spans}


def test_rest_pose_says_nothing() -> None:
    motion = Motion.rest(60)
    assert describe_motion(motion) == []
    assert summarize_motion(motion) == "Standing still."


def test_raised_right_hand_gets_a_span_at_the_right_times() -> None:
    motion = posed(90, {"right_shoulder": UP}, when=slice(30, 61))  # frames 30..60: 1 s to 2 s
    spans = [s for s in describe_motion(motion) if s.code == "right_hand_above_head"]
    assert len(spans) == 1
    assert spans[0].text == "right hand raised above the head"
    assert spans[0].start == pytest.approx(1.0) and spans[0].end == pytest.approx(2.0)
    assert "left_hand_above_head" not in _codes(describe_motion(motion))


def test_hand_above_shoulder_but_not_head() -> None:
    halfway = Rotation.from_euler("z", -20, degrees=True)
    spans = describe_motion(posed(30, {"right_shoulder": halfway}))
    assert "right_hand_above_shoulder" in _codes(spans)
    assert "right_hand_above_head" not in _codes(spans)


def test_short_poses_are_dropped_and_hysteresis_stops_flicker() -> None:
    blink = posed(60, {"right_shoulder": UP}, when=slice(20, 24))  # 0.1 s
    assert "right_hand_above_head" not in _codes(describe_motion(blink))
    # Hovering around the "on" line: once on, small dips do not switch it off.
    frames = 90
    angles = -80.0 + 6.0 * np.sin(np.arange(frames))  # wrist a few cm either side of the line
    rotations = np.zeros((frames, 22, 4))
    rotations[..., 3] = 1.0
    rotations[:, 17] = Rotation.from_euler("z", angles[:, None], degrees=True).as_quat()
    motion = Motion(rotations, np.tile(REST_OFFSETS[0], (frames, 1)))
    spans = [s for s in describe_motion(motion) if s.code == "right_hand_above_head"]
    assert len(spans) == 1 and spans[0].end - spans[0].start > 2.5


def test_leaning_forward_and_back() -> None:
    forward = posed(30, {"spine1": Rotation.from_euler("x", 30, degrees=True)})
    back = posed(30, {"spine1": Rotation.from_euler("x", -20, degrees=True)})
    assert [s.text for s in describe_motion(forward)] == ["leaning forward"]
    assert [s.text for s in describe_motion(back)] == ["leaning back"]


def test_head_tilt_turn_and_nod() -> None:
    cases = {
        "head_tilt_left": Rotation.from_euler("z", -25, degrees=True),  # top of head to +X
        "head_turn_left": Rotation.from_euler("y", 40, degrees=True),  # face to +X
        "head_down": Rotation.from_euler("x", 30, degrees=True),
        "head_up": Rotation.from_euler("x", -30, degrees=True),
    }
    for code, rotation in cases.items():
        assert _codes(describe_motion(posed(30, {"neck": rotation}))) == {code}, code


def test_walking_running_and_direction() -> None:
    def moving(speed: float, heading: tuple[float, float, float]) -> Motion:
        frames = 90
        t = np.arange(frames) / 30.0
        root = REST_OFFSETS[0] + np.outer(t * speed, heading)
        rotations = np.zeros((frames, 22, 4))
        rotations[..., 3] = 1.0
        return Motion(rotations, root)

    walk = describe_motion(moving(1.3, (0.0, 0.0, 1.0)))
    assert [s.text for s in walk] == ["walking forward"]
    assert walk[0].start == 0.0 and walk[0].end == pytest.approx(89 / 30, abs=1e-3)
    assert [s.text for s in describe_motion(moving(1.0, (0.0, 0.0, -1.0)))] == ["walking backward"]
    assert [s.text for s in describe_motion(moving(1.0, (1.0, 0.0, 0.0)))] == [
        "walking to the left"
    ]
    assert [s.code for s in describe_motion(moving(3.5, (0.0, 0.0, 1.0)))] == ["run"]
    assert describe_motion(moving(0.1, (0.0, 0.0, 1.0))) == []


def test_turning_and_crouching() -> None:
    frames = 60
    yaw = np.radians(np.linspace(0, 120, frames))  # 60 degrees a second, to the left
    rotations = np.zeros((frames, 22, 4))
    rotations[..., 3] = 1.0
    rotations[:, 0] = Rotation.from_rotvec(np.outer(yaw, [0, 1, 0])).as_quat()
    turning = Motion(rotations, np.tile(REST_OFFSETS[0], (frames, 1)))
    assert "turn_left" in _codes(describe_motion(turning))
    low = Motion.rest(30)
    low = Motion(low.rotations, low.root_positions - [0.0, 0.3, 0.0])
    assert "crouch" in _codes(describe_motion(low))


def _lowered(motion: Motion, pelvis_height: float) -> Motion:
    root = motion.root_positions.copy()
    root[:, 1] = pelvis_height
    return Motion(motion.rotations, root, motion.fps)


def test_lying_on_the_back_or_face_down_and_not_leaning() -> None:
    on_back = _lowered(posed(30, {"pelvis": Rotation.from_euler("x", -90, degrees=True)}), 0.12)
    face_down = _lowered(posed(30, {"pelvis": Rotation.from_euler("x", 90, degrees=True)}), 0.12)
    assert [s.text for s in describe_motion(on_back)] == ["lying on the back"]
    assert [s.text for s in describe_motion(face_down)] == ["lying face down"]
    assert summarize_motion(on_back) == "Lying on the back."
    # Leaning far back standing up is leaning, not lying.
    reclined = posed(30, {"spine1": Rotation.from_euler("x", -60, degrees=True)})
    assert _codes(describe_motion(reclined)) == {"lean_back"}


def test_a_foot_kicked_up_in_front_counts_even_briefly() -> None:
    thigh_up = Rotation.from_euler("x", -95, degrees=True)  # right thigh level, shin out
    kick = posed(60, {"right_hip": thigh_up}, when=slice(27, 31))  # 0.13 s
    spans = [s for s in describe_motion(kick) if s.code == "right_leg_raised"]
    assert len(spans) == 1 and spans[0].text == "right leg raised in front"
    assert "left_leg_raised" not in _codes(describe_motion(kick))
    # The same leg on a body sitting on the floor is no kick.
    seated = _lowered(posed(30, {"right_hip": thigh_up, "left_hip": thigh_up}), 0.2)
    assert not {"right_leg_raised", "left_leg_raised"} & _codes(describe_motion(seated))


def test_summary_is_deterministic_and_names_the_main_statements() -> None:
    motion = posed(90, {"right_shoulder": UP, "spine1": Rotation.from_euler("x", 30, degrees=True)})
    first = summarize_motion(motion)
    assert first == summarize_motion(motion)
    assert first == "Right hand raised above the head and leaning forward." or first == (
        "Leaning forward and right hand raised above the head."
    )


def test_real_clips_read_as_what_they_are(bandai_dir: Path) -> None:
    walk = retarget(read_bvh(bandai_dir / "dataset-1_walk_normal_001.bvh")).motion
    spans = describe_motion(walk)
    walking = [s for s in spans if s.code == "walk"]
    assert walking and walking[0].text == "walking forward"
    assert walking[0].end - walking[0].start > 0.9 * walk.duration
    assert "walking forward" in summarize_motion(walk).lower()
    bow = retarget(read_bvh(bandai_dir / "dataset-1_bow_normal_001.bvh")).motion
    leaning = [s for s in describe_motion(bow) if s.code == "lean_forward"]
    assert leaning and 0.5 < leaning[0].start < 2.5
    back = retarget(read_bvh(bandai_dir / "dataset-1_walk-back_normal_001.bvh")).motion
    assert "walking backward" in {s.text for s in describe_motion(back)}
    kick = retarget(read_bvh(bandai_dir / "dataset-1_kick_normal_001.bvh")).motion
    kicks = [s for s in describe_motion(kick) if s.code.endswith("_leg_raised")]
    assert kicks and all(s.end - s.start < 1.0 for s in kicks)
