"""The canonical skeleton every motion source is retargeted to and every renderer reads.

The 22-joint SMPL / HumanML3D body topology, Y up, metres, 30 fps, the character facing +Z,
its left on +X. Rest pose: a T-pose (arms along +-X).
"""

from __future__ import annotations

import numpy as np

CANONICAL_FPS = 30

JOINTS: tuple[str, ...] = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar",
    "right_collar", "head", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
)  # fmt: skip

PARENTS: tuple[int, ...] = (
    -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19,
)  # fmt: skip

# Offsets from the parent joint in the rest pose (metres); the pelvis offset is its rest height.
REST_OFFSETS = np.array(
    [
        [0.0, 0.93, 0.0],  # pelvis
        [0.06, -0.09, 0.0],  # left_hip
        [-0.06, -0.09, 0.0],  # right_hip
        [0.0, 0.11, -0.02],  # spine1
        [0.0, -0.38, 0.0],  # left_knee
        [0.0, -0.38, 0.0],  # right_knee
        [0.0, 0.135, 0.0],  # spine2
        [0.0, -0.40, -0.02],  # left_ankle
        [0.0, -0.40, -0.02],  # right_ankle
        [0.0, 0.055, 0.02],  # spine3
        [0.0, -0.05, 0.12],  # left_foot
        [0.0, -0.05, 0.12],  # right_foot
        [0.0, 0.21, -0.02],  # neck
        [0.07, 0.12, -0.01],  # left_collar
        [-0.07, 0.12, -0.01],  # right_collar
        [0.0, 0.09, 0.04],  # head
        [0.11, 0.03, 0.0],  # left_shoulder
        [-0.11, 0.03, 0.0],  # right_shoulder
        [0.26, 0.0, 0.0],  # left_elbow
        [-0.26, 0.0, 0.0],  # right_elbow
        [0.25, 0.0, 0.0],  # left_wrist
        [-0.25, 0.0, 0.0],  # right_wrist
    ],
    dtype=np.float64,
)
REST_OFFSETS.setflags(write=False)

JOINT_INDEX: dict[str, int] = {name: index for index, name in enumerate(JOINTS)}
