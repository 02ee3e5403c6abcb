"""Joint speeds of motion and the speeds real people stay under, per joint group.

`peak_speeds(motion)` is each group's fastest frame-to-frame world speed in m/s (forward
kinematics, finite differences at the motion's rate). `HUMAN_SPEED_LIMITS` are the fastest
frames of those groups in the Bandai Namco mocap of people gesturing, greeting, bowing and
walking (`benchmarks/body_realism.py` measures them; rounded down): the built-in library keeps
its clips under them and the sequencer speeds a clip up only as far as they allow.

This module only measures; it must not change motion.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from motiondirector.motion.clip import Motion
from motiondirector.motion.skeleton import JOINT_INDEX

JOINT_GROUPS: Mapping[str, tuple[str, ...]] = {
    "wrists": ("left_wrist", "right_wrist"),
    "elbows": ("left_elbow", "right_elbow"),
    "head": ("head",),
    "pelvis": ("pelvis",),
}
# m/s; the maxima over the Bandai bow, bye, byebye, call, guide, respond and walk clips (their
# 99.9th percentiles, the pop thresholds of the benchmark, are 5.53, 3.56, 2.13 and 2.18).
HUMAN_SPEED_LIMITS: Mapping[str, float] = {
    "wrists": 6.3,
    "elbows": 4.1,
    "head": 2.3,
    "pelvis": 2.4,
}


def peak_speeds(motion: Motion) -> dict[str, float]:
    """Each joint group's highest world speed over the motion, m/s (0 for a single frame)."""
    if motion.frames < 2:
        return dict.fromkeys(JOINT_GROUPS, 0.0)
    speed = np.linalg.norm(np.diff(motion.joint_positions(), axis=0), axis=-1) * motion.fps
    return {
        group: float(speed[:, [JOINT_INDEX[j] for j in joints]].max())
        for group, joints in JOINT_GROUPS.items()
    }


def speed_headroom(peaks: Mapping[str, float], limits: Mapping[str, float]) -> float:
    """How many times faster the motion could play before a group passes its limit
    (infinite when nothing moves)."""
    ratios = [limits[g] / peaks[g] for g in limits if peaks.get(g, 0.0) > 1e-9]
    return min(ratios, default=float("inf"))
