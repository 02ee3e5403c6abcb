"""Joint speeds and accelerations of motion, and the ones real people stay under, per group.

`peak_speeds(motion)` is each group's fastest frame-to-frame world speed: in m/s for the joint
groups (forward kinematics, finite differences at the motion's rate), in °/s for `head_turn`,
the head's turning (a nod or a shake hardly moves the head joint, it turns it).
`peak_accelerations(motion)` is the same for the change of those velocities, in m/s² and °/s².
`HUMAN_SPEED_LIMITS` and `HUMAN_ACCELERATION_LIMITS` are the fastest frames of those groups in
the Bandai Namco mocap of people gesturing, greeting, bowing and walking
(`benchmarks/body_realism.py` measures them; rounded down): the built-in library keeps its
clips under the speeds, and the sequencer speeds a clip up only as far as both allow (playing
a clip r times faster multiplies its speeds by r and its accelerations by r²).

This module only measures; it must not change motion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from motiondirector.motion.clip import Motion
from motiondirector.motion.quaternion import quat_conjugate, quat_multiply
from motiondirector.motion.skeleton import JOINT_INDEX, PARENTS

JOINT_GROUPS: Mapping[str, tuple[str, ...]] = {
    "wrists": ("left_wrist", "right_wrist"),
    "elbows": ("left_elbow", "right_elbow"),
    "head": ("head",),
    "pelvis": ("pelvis",),
}
HEAD_TURN = "head_turn"
GROUPS: tuple[str, ...] = (*JOINT_GROUPS, HEAD_TURN)
# m/s (°/s for the head turn); the maxima over the Bandai bow, bye, byebye, call, guide, respond
# and walk clips (their 99.9th percentiles, the pop thresholds of the benchmark, are 5.53, 3.56,
# 2.13, 2.18 and 295).
HUMAN_SPEED_LIMITS: Mapping[str, float] = {
    "wrists": 6.3,
    "elbows": 4.1,
    "head": 2.3,
    "pelvis": 2.4,
    HEAD_TURN: 460.0,
}
# m/s² (°/s² for the head turn), the maxima over the same clips.
HUMAN_ACCELERATION_LIMITS: Mapping[str, float] = {
    "wrists": 109.0,
    "elbows": 58.0,
    "head": 34.0,
    "pelvis": 35.0,
    HEAD_TURN: 6200.0,
}


def head_angular_velocity(motion: Motion) -> np.ndarray:
    """The head's world angular velocity between consecutive frames, (frames - 1, 3) in °/s."""
    chain = []
    joint = JOINT_INDEX["head"]
    while joint >= 0:
        chain.append(joint)
        joint = PARENTS[joint]
    world = motion.rotations[:, chain[-1]]
    for joint in reversed(chain[:-1]):
        world = quat_multiply(world, motion.rotations[:, joint])
    step = quat_multiply(world[1:], quat_conjugate(world[:-1]))
    step = np.where(step[:, 3:4] < 0, -step, step)  # the short way round
    sine = np.linalg.norm(step[:, :3], axis=-1, keepdims=True)
    angle = 2 * np.arctan2(sine, step[:, 3:4])
    axis = step[:, :3] / np.where(sine > 1e-12, sine, 1.0)
    velocity: np.ndarray = np.degrees(axis * angle) * motion.fps
    return velocity


def group_velocities(motion: Motion) -> dict[str, np.ndarray]:
    """Per group, velocities between consecutive frames, (frames - 1, joints, 3): m/s for the
    joint groups, °/s for the head turn (one 'joint')."""
    velocity = np.diff(motion.joint_positions(), axis=0) * motion.fps
    out = {
        group: velocity[:, [JOINT_INDEX[j] for j in joints]]
        for group, joints in JOINT_GROUPS.items()
    }
    out[HEAD_TURN] = head_angular_velocity(motion)[:, None]
    return out


def peaks(motion: Motion) -> tuple[dict[str, float], dict[str, float]]:
    """(each group's highest speed, its highest acceleration) over the motion: m/s and m/s²,
    °/s and °/s² for the head turn; 0 where the motion is too short to say."""
    if motion.frames < 2:
        return dict.fromkeys(GROUPS, 0.0), dict.fromkeys(GROUPS, 0.0)
    velocities = group_velocities(motion)
    speeds = {g: float(np.linalg.norm(v, axis=-1).max()) for g, v in velocities.items()}
    if motion.frames < 3:
        return speeds, dict.fromkeys(GROUPS, 0.0)
    accelerations = {
        g: float(np.linalg.norm(np.diff(v, axis=0), axis=-1).max() * motion.fps)
        for g, v in velocities.items()
    }
    return speeds, accelerations


def peak_speeds(motion: Motion) -> dict[str, float]:
    """Each group's highest speed over the motion (`peaks`)."""
    return peaks(motion)[0]


def peak_accelerations(motion: Motion) -> dict[str, float]:
    """Each group's highest acceleration over the motion (`peaks`)."""
    return peaks(motion)[1]


def speed_headroom(peaks: Mapping[str, float], limits: Mapping[str, float]) -> float:
    """How many times faster the motion could play before a group passes its speed limit
    (infinite when nothing moves)."""
    ratios = [limits[g] / peaks[g] for g in limits if peaks.get(g, 0.0) > 1e-9]
    return min(ratios, default=float("inf"))


def acceleration_headroom(peaks: Mapping[str, float], limits: Mapping[str, float]) -> float:
    """How many times faster the motion could play before a group passes its acceleration
    limit: accelerations grow with the square of the rate (infinite when nothing moves)."""
    return math.sqrt(speed_headroom(peaks, limits))
