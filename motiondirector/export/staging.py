"""Where the characters of a scene stand when their body files are opened together: in a row
across the stage, in cast order, centred, facing the camera (+Z), as the preview lines them up.

The realized motions start at the origin; a character's BVH file is moved along X to its mark
(`staged`), so that an animation tool opening the scene's BVH files sees the characters side by
side instead of inside each other; reading a file back takes the mark off again (`unstaged`),
so the motion in memory is the same either way.
"""

from __future__ import annotations

from motiondirector.motion.clip import Motion

STAGE_SPACING_M = 1.9
"""Metres between the marks of neighbouring characters (the preview's slot width)."""


def stage_mark(index: int, count: int) -> float:
    """X of the mark of the `index`-th of `count` characters (left of the camera first)."""
    return (index - (count - 1) / 2) * STAGE_SPACING_M


def staged(motion: Motion, index: int, count: int) -> Motion:
    """`motion` moved along X to the mark of the `index`-th of `count` characters."""
    return _moved(motion, stage_mark(index, count))


def unstaged(motion: Motion, index: int, count: int) -> Motion:
    """`staged` undone."""
    return _moved(motion, -stage_mark(index, count))


def _moved(motion: Motion, dx: float) -> Motion:
    if dx == 0.0:
        return motion
    root = motion.root_positions.copy()
    root[:, 0] += dx
    return Motion(motion.rotations, root, motion.fps)
