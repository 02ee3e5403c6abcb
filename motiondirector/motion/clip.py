"""`Motion`: a sequence of poses on the canonical skeleton, and forward kinematics.

Rotations are local (relative to the parent, applied to the rest pose) unit quaternions in
scipy's scalar-last order (x, y, z, w); the root moves by `root_positions` (metres, Y up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation, Slerp

from motiondirector.motion.quaternion import quat_apply, quat_multiply
from motiondirector.motion.skeleton import CANONICAL_FPS, JOINTS, PARENTS, REST_OFFSETS


@dataclass(frozen=True)
class Motion:
    """Poses over time: `rotations` (frames, 22, 4) quaternions xyzw, `root_positions`
    (frames, 3) metres, at `fps` frames per second."""

    rotations: np.ndarray
    root_positions: np.ndarray
    fps: float = CANONICAL_FPS

    def __post_init__(self) -> None:
        frames = self.rotations.shape[0]
        if self.rotations.shape != (frames, len(JOINTS), 4):
            raise ValueError(
                f"rotations must be (frames, {len(JOINTS)}, 4), got {self.rotations.shape}"
            )
        if self.root_positions.shape != (frames, 3):
            raise ValueError(
                f"root_positions must be ({frames}, 3), got {self.root_positions.shape}"
            )
        if self.fps <= 0:
            raise ValueError(f"fps must be positive, got {self.fps}")
        if not (np.isfinite(self.rotations).all() and np.isfinite(self.root_positions).all()):
            raise ValueError("motion contains NaN or infinite values")

    @property
    def frames(self) -> int:
        return int(self.rotations.shape[0])

    @property
    def duration(self) -> float:
        return max(self.frames - 1, 0) / self.fps

    @classmethod
    def rest(cls, frames: int = 1, fps: float = CANONICAL_FPS) -> Motion:
        """The rest pose held for `frames` frames."""
        rotations = np.zeros((frames, len(JOINTS), 4))
        rotations[..., 3] = 1.0
        root = np.tile(REST_OFFSETS[0], (frames, 1))
        return cls(rotations, root, fps)

    def joint_positions(self) -> np.ndarray:
        """World positions of every joint, (frames, 22, 3) metres."""
        return forward_kinematics(self.rotations, self.root_positions)

    def resample(self, fps: float = CANONICAL_FPS) -> Motion:
        """The same motion at another frame rate (slerp for rotations, linear for the root)."""
        if self.frames < 2 or abs(fps - self.fps) < 1e-9:
            return Motion(self.rotations, self.root_positions, fps if self.frames < 2 else self.fps)
        source_times = np.arange(self.frames) / self.fps
        count = int(np.floor(self.duration * fps + 1e-9)) + 1
        times = np.arange(count) / fps
        rotations = np.empty((count, len(JOINTS), 4))
        for joint in range(len(JOINTS)):
            slerp = Slerp(source_times, Rotation.from_quat(self.rotations[:, joint]))
            rotations[:, joint] = slerp(times).as_quat()
        root = np.stack(
            [np.interp(times, source_times, self.root_positions[:, axis]) for axis in range(3)],
            axis=1,
        )
        return Motion(rotations, root, fps)


def forward_kinematics(rotations: np.ndarray, root_positions: np.ndarray) -> np.ndarray:
    """Joint world positions (frames, 22, 3) from local rotations (normalized here, as any
    rotation stored as four numbers may be off unit length by a hair) and root positions."""
    frames = rotations.shape[0]
    unit = rotations / np.linalg.norm(rotations, axis=-1, keepdims=True)
    positions = np.zeros((frames, len(JOINTS), 3))
    global_rotations = np.empty((frames, len(JOINTS), 4))
    for joint, parent in enumerate(PARENTS):
        if parent < 0:
            global_rotations[:, joint] = unit[:, joint]
            positions[:, joint] = root_positions
            continue
        parent_rotation = global_rotations[:, parent]
        global_rotations[:, joint] = quat_multiply(parent_rotation, unit[:, joint])
        positions[:, joint] = positions[:, parent] + quat_apply(
            parent_rotation, REST_OFFSETS[joint][None]
        )
    return positions
