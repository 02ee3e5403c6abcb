"""The canonical skeleton, forward kinematics and resampling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.motion.clip import Motion, forward_kinematics
from motiondirector.motion.skeleton import JOINT_INDEX, JOINTS, PARENTS, REST_OFFSETS
from tests.motion.conftest import posed, random_motion


def test_skeleton_tables_agree() -> None:
    assert len(JOINTS) == len(PARENTS) == len(REST_OFFSETS) == 22
    assert PARENTS[0] == -1
    assert all(0 <= parent < joint for joint, parent in enumerate(PARENTS) if joint)
    assert JOINT_INDEX["right_wrist"] == 21


def test_rest_pose_positions_are_summed_offsets() -> None:
    positions = Motion.rest(3).joint_positions()
    expected = np.zeros((len(JOINTS), 3))
    for joint, parent in enumerate(PARENTS):
        expected[joint] = REST_OFFSETS[joint] + (expected[parent] if parent >= 0 else 0.0)
    np.testing.assert_allclose(positions, np.broadcast_to(expected, positions.shape), atol=1e-12)
    # T-pose, Y up: the left wrist is on +X at shoulder height, the head on top.
    assert positions[0, JOINT_INDEX["left_wrist"], 0] > 0.6
    assert positions[0, JOINT_INDEX["head"], 1] == positions[0].max(axis=0)[1]


def test_forward_kinematics_keeps_bone_lengths_and_rotates_children() -> None:
    motion = random_motion(20)
    positions = motion.joint_positions()
    for joint, parent in enumerate(PARENTS[1:], start=1):
        lengths = np.linalg.norm(positions[:, joint] - positions[:, parent], axis=1)
        np.testing.assert_allclose(lengths, np.linalg.norm(REST_OFFSETS[joint]), atol=1e-9)
    arm_down = posed(1, {"left_shoulder": Rotation.from_euler("z", -90, degrees=True)})
    points = forward_kinematics(arm_down.rotations, arm_down.root_positions)[0]
    shoulder, elbow = points[JOINT_INDEX["left_shoulder"]], points[JOINT_INDEX["left_elbow"]]
    np.testing.assert_allclose(elbow - shoulder, [0.0, -0.26, 0.0], atol=1e-12)


def test_forward_kinematics_agrees_with_scipy_and_reads_rotations_as_unit() -> None:
    motion = random_motion(30, seed=3)
    expected = np.zeros((motion.frames, len(JOINTS), 3))
    rotations: list[Rotation] = []
    for joint, parent in enumerate(PARENTS):
        local = Rotation.from_quat(motion.rotations[:, joint])
        if parent < 0:
            rotations.append(local)
            expected[:, joint] = motion.root_positions
            continue
        rotations.append(rotations[parent] * local)
        offset = rotations[parent].apply(np.array(REST_OFFSETS[joint]))
        expected[:, joint] = expected[:, parent] + offset
    np.testing.assert_allclose(motion.joint_positions(), expected, atol=1e-12)
    # A quaternion off unit length (four rounded numbers) is the rotation it stands for.
    scaled = forward_kinematics(motion.rotations * 1.01, motion.root_positions)
    np.testing.assert_allclose(scaled, expected, atol=1e-12)


def test_resample_halves_the_frame_count_and_keeps_the_ends() -> None:
    frames = 61
    angles = np.linspace(0.0, 90.0, frames)
    rotations = np.zeros((frames, len(JOINTS), 4))
    rotations[..., 3] = 1.0
    rotations[:, JOINT_INDEX["left_elbow"]] = Rotation.from_euler(
        "y", angles[:, None], degrees=True
    ).as_quat()
    root = np.stack([np.linspace(0, 1, frames), np.full(frames, 0.93), np.zeros(frames)], axis=1)
    motion = Motion(rotations, root, fps=60.0).resample(30.0)
    assert motion.frames == 31 and motion.fps == 30.0
    np.testing.assert_allclose(motion.root_positions[[0, -1], 0], [0.0, 1.0])
    middle = Rotation.from_quat(motion.rotations[15, JOINT_INDEX["left_elbow"]])
    assert middle.magnitude() == pytest.approx(np.radians(45.0), abs=1e-9)


def test_motion_rejects_bad_arrays() -> None:
    rotations = np.zeros((2, len(JOINTS), 4))
    rotations[..., 3] = 1.0
    with pytest.raises(ValueError, match="NaN"):
        Motion(rotations, np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="rotations must be"):
        Motion(np.zeros((2, 5, 4)), np.zeros((2, 3)))
