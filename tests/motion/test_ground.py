"""Bodies stay on the floor: built-in clips and assembled scenes put no joint below the feet
of the standing pose."""

from __future__ import annotations

import numpy as np

from motiondirector.motion.clip import Motion
from motiondirector.motion.ground import floor_height, keep_above_floor
from motiondirector.motion.library import builtin_library, get_clip
from motiondirector.realize import plan_script, realize_plan

from ..conftest import EXAMPLE_SCENE


def _lowest(motion: Motion) -> float:
    return float(motion.joint_positions()[..., 1].min())


def test_the_floor_is_where_the_standing_feet_are() -> None:
    assert 0.0 <= floor_height() <= 0.05


def test_no_builtin_clip_goes_through_the_floor() -> None:
    """Seated feet were 7 cm under the floor, a fall's lowest joint 15 cm, walks 2 cm."""
    under = {
        clip.id: round(lowest, 3)
        for clip in builtin_library()
        if (lowest := _lowest(clip.motion())) < floor_height() - 1e-9
    }
    assert under == {}


def test_a_seated_body_rests_its_feet_on_the_floor() -> None:
    sit = get_clip("sit.small.normal.neutral").motion()
    feet = sit.joint_positions()[-1, [10, 11], 1]  # left_foot, right_foot, seated
    assert np.allclose(feet.min(), floor_height(), atol=1e-9)


def test_lifting_keeps_the_pose_and_leaves_good_frames_alone() -> None:
    motion = get_clip("wave.right.normal.normal.neutral").motion()
    sunk = Motion(motion.rotations, motion.root_positions - [0.0, 0.1, 0.0], motion.fps)
    lifted = keep_above_floor(sunk)
    assert np.allclose(lifted.root_positions, motion.root_positions)
    assert np.array_equal(lifted.rotations, motion.rotations)
    assert keep_above_floor(motion) is motion


def test_an_assembled_scene_stays_on_the_floor() -> None:
    realization = realize_plan(plan_script(EXAMPLE_SCENE), tokens=False)
    for motion in realization.motions.values():
        assert _lowest(motion) >= floor_height() - 1e-9
