"""One character of a feature-length screenplay, for the benchmarks that time work on a long
motion: the example scene's ANA realized with the built-in library, repeated to 97 minutes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motiondirector.motion.clip import Motion

ROOT = Path(__file__).resolve().parents[1]
FEATURE_MINUTES = 97


def feature_length_character(minutes: float = FEATURE_MINUTES) -> Motion:
    """ANA's realized motion repeated to about `minutes`."""
    from motiondirector.realize import plan_script, realize_plan

    realized = realize_plan(plan_script(ROOT / "examples" / "the_key.fountain"), tokens=False)
    one = realized.motions["ANA"]
    times = round(minutes * 60 * one.fps / one.frames)
    return Motion(
        np.tile(one.rotations, (times, 1, 1)), np.tile(one.root_positions, (times, 1)), one.fps
    )
