"""Shared helpers for the motion tests: the real Bandai clips and small synthetic motions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.motion.clip import Motion
from motiondirector.motion.skeleton import JOINT_INDEX, JOINTS, REST_OFFSETS


@pytest.fixture(scope="session")
def bandai_dir(shared_data: Path) -> Path:
    folder = shared_data / "mocap" / "bandai-namco-1" / "data"
    if not folder.is_dir():
        pytest.fail(f"the Bandai mocap folder is missing: {folder}")
    return folder


def posed(
    frames: int, poses: dict[str, Rotation], *, fps: float = 30.0, when: slice | None = None
) -> Motion:
    """The rest pose with `poses` (joint -> local rotation) applied on frames `when` (all)."""
    rotations = np.zeros((frames, len(JOINTS), 4))
    rotations[..., 3] = 1.0
    for joint, rotation in poses.items():
        rotations[when or slice(None), JOINT_INDEX[joint]] = rotation.as_quat()
    root = np.tile(REST_OFFSETS[0], (frames, 1))
    return Motion(rotations, root, fps)


def random_motion(frames: int = 40, seed: int = 0) -> Motion:
    rng = np.random.default_rng(seed)
    rotations = Rotation.from_rotvec(rng.normal(scale=0.6, size=(frames * len(JOINTS), 3)))
    root = np.cumsum(rng.normal(scale=0.02, size=(frames, 3)), axis=0) + REST_OFFSETS[0]
    return Motion(rotations.as_quat().reshape(frames, len(JOINTS), 4), root, 30.0)
