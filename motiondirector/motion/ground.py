"""The floor under a body: no joint of the canonical skeleton goes below the height the feet
have standing in the neutral pose; a frame that would put one lower is lifted whole.

Sitting, kneeling and falling clips bent the legs past where the floor is (a seated body's feet
7 cm under it, a fallen one 15 cm), and joins between clips could sink a foot; lifting the root
by what the lowest joint lacks keeps the pose and puts it on the floor.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from motiondirector.motion.clip import Motion
from motiondirector.motion.skeleton import REST_OFFSETS


@cache
def floor_height() -> float:
    """The height of the lowest joint of the neutral standing pose (the feet), in metres."""
    # Imported here: the built-in library keeps its own clips on this floor.
    from motiondirector.motion.library.synthesis import neutral_rotations

    standing = Motion(neutral_rotations()[None], REST_OFFSETS[0][None].astype(float), 30.0)
    return float(standing.joint_positions()[0, :, 1].min())


def keep_above_floor(motion: Motion) -> Motion:
    """`motion` with every frame whose lowest joint is below `floor_height` lifted onto it
    (the same motion, not a copy, when none is)."""
    if motion.frames == 0:
        return motion
    lowest = motion.joint_positions()[..., 1].min(axis=1)
    lift = np.maximum(floor_height() - lowest, 0.0)
    if not lift.any():
        return motion
    root = motion.root_positions.copy()
    root[:, 1] += lift
    return Motion(motion.rotations, root, motion.fps)
