"""Body motion against real mocap: joint speeds, accelerations and pops per joint group.

    real = bandai_motions(shared_data_dir() / "mocap" / "bandai-namco-1", GESTURE_KINDS)
    rows = compare_bodies([m for ms in real.values() for m in ms], realized_motions)
    print(body_table(rows))

Speeds are the frame-to-frame displacement of world joint positions (forward kinematics on the
canonical skeleton) times the frame rate, in m/s; accelerations the second difference times
fps², in m/s². A nod or a head shake hardly moves the head joint, so the head's turning is a
group of its own (`head_turn`): the angle between the head's world orientations in consecutive
frames times fps, in °/s, and the change of that angular velocity times fps, in °/s². Per
joint group (wrists, elbows, head, pelvis, head turn) the pooled frames of every
motion give the 50th and 99th percentiles and the maximum, and the share of frames whose speed
is above the real data's 99.9th percentile for that group ("pops"). Real people exceed that
threshold on 0.1 % of their frames by definition, so a realized share well above 0.1 % is
motion faster than people move.

This module only measures; it must not realize plans or change motion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from motiondirector.errors import EvaluationError
from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.retargeting import retarget
from motiondirector.motion.speed import GROUPS, HEAD_TURN, group_velocities

FloatArray = npt.NDArray[np.float64]

POP_PERCENTILE = 99.9
# Bandai clip kinds of people gesturing and greeting in place (no locomotion, no fighting).
GESTURE_KINDS = ("bow", "bye", "byebye", "call", "guide", "respond")
_KIND = re.compile(r"dataset-\d+_([a-z-]+)_")


@dataclass(frozen=True)
class BodyKinematics:
    """Per joint group, the pooled frame speeds (m/s) and accelerations (m/s²); the head
    turn's in °/s and °/s²."""

    speeds: Mapping[str, FloatArray]
    accelerations: Mapping[str, FloatArray]


@dataclass(frozen=True)
class GroupComparison:
    """One joint group, real against realized. Speeds in m/s, accelerations in m/s²;
    `pop_share` is the realized frames' share (0..1) above `pop_threshold`, the real data's
    99.9th percentile of speed; `real_pop_share` the same share in the real data. The head
    turn's speeds are °/s and its accelerations °/s²."""

    group: str
    real_frames: int
    frames: int
    real_speed_p50: float
    real_speed_p99: float
    real_speed_max: float
    speed_p50: float
    speed_p99: float
    speed_max: float
    real_accel_p99: float
    real_accel_max: float
    accel_p99: float
    accel_max: float
    pop_threshold: float
    real_pop_share: float
    pop_share: float


def body_kinematics(motions: Iterable[Motion]) -> BodyKinematics:
    """Speeds and accelerations of every joint group over `motions`, frames pooled."""
    speeds: dict[str, list[FloatArray]] = {group: [] for group in GROUPS}
    accels: dict[str, list[FloatArray]] = {group: [] for group in GROUPS}
    for motion in motions:
        if motion.frames < 3:
            continue
        for group, velocity in group_velocities(motion).items():
            acceleration = np.diff(velocity, axis=0) * motion.fps
            speeds[group].append(np.linalg.norm(velocity, axis=-1).ravel())
            accels[group].append(np.linalg.norm(acceleration, axis=-1).ravel())
    if not speeds["pelvis"]:
        raise EvaluationError("no motion of at least three frames to measure")
    return BodyKinematics(
        {g: np.concatenate(v) for g, v in speeds.items()},
        {g: np.concatenate(v) for g, v in accels.items()},
    )


def pop_thresholds(real: BodyKinematics) -> dict[str, float]:
    """Per joint group, the real data's 99.9th percentile of speed (m/s)."""
    return {g: float(np.percentile(v, POP_PERCENTILE)) for g, v in real.speeds.items()}


def compare_bodies(real: Sequence[Motion], realized: Sequence[Motion]) -> list[GroupComparison]:
    """Per joint group, `realized` motion against `real` motion (see the module docstring)."""
    if not real or not realized:
        raise EvaluationError("compare_bodies needs real and realized motion")
    ours, theirs = body_kinematics(realized), body_kinematics(real)
    thresholds = pop_thresholds(theirs)
    rows = []
    for group in GROUPS:
        rs, ra = theirs.speeds[group], theirs.accelerations[group]
        s, a = ours.speeds[group], ours.accelerations[group]
        limit = thresholds[group]
        rows.append(
            GroupComparison(
                group=group,
                real_frames=int(rs.size),
                frames=int(s.size),
                real_speed_p50=float(np.percentile(rs, 50)),
                real_speed_p99=float(np.percentile(rs, 99)),
                real_speed_max=float(rs.max()),
                speed_p50=float(np.percentile(s, 50)),
                speed_p99=float(np.percentile(s, 99)),
                speed_max=float(s.max()),
                real_accel_p99=float(np.percentile(ra, 99)),
                real_accel_max=float(ra.max()),
                accel_p99=float(np.percentile(a, 99)),
                accel_max=float(a.max()),
                pop_threshold=limit,
                real_pop_share=float(np.mean(rs > limit)),
                pop_share=float(np.mean(s > limit)),
            )
        )
    return rows


def body_table(rows: Sequence[GroupComparison]) -> str:
    """A Markdown table of `rows`: real → realized for each figure (the head turn's in °/s
    and °/s²)."""
    lines = [
        "| joints | speed p50 (m/s) | speed p99 (m/s) | speed max (m/s) | accel p99 (m/s²) "
        "| accel max (m/s²) | pop threshold (m/s) | pops (real → realized) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        name = "head turn (°/s, °/s²)" if r.group == HEAD_TURN else r.group
        lines.append(
            f"| {name} | {r.real_speed_p50:.2f} → {r.speed_p50:.2f} "
            f"| {r.real_speed_p99:.2f} → {r.speed_p99:.2f} "
            f"| {r.real_speed_max:.2f} → {r.speed_max:.2f} "
            f"| {r.real_accel_p99:.0f} → {r.accel_p99:.0f} "
            f"| {r.real_accel_max:.0f} → {r.accel_max:.0f} "
            f"| {r.pop_threshold:.2f} "
            f"| {100 * r.real_pop_share:.2f} % → {100 * r.pop_share:.3f} % "
            f"({round(r.pop_share * r.frames)} joint frames) |"
        )
    return "\n".join(lines)


def bandai_kind(path: Path) -> str | None:
    """The clip kind of a Bandai file name (`dataset-1_bow_angry_001.bvh` → `bow`)."""
    match = _KIND.match(path.name)
    return match.group(1) if match else None


def bandai_motions(folder: Path, kinds: Iterable[str] | None = None) -> dict[str, list[Motion]]:
    """Kind → retargeted canonical motions of the Bandai BVH files under `folder` (all kinds
    when `kinds` is None)."""
    wanted = None if kinds is None else set(kinds)
    found: dict[str, list[Motion]] = {}
    for path in sorted(Path(folder).rglob("*.bvh")):
        kind = bandai_kind(path)
        if kind is None or (wanted is not None and kind not in wanted):
            continue
        found.setdefault(kind, []).append(retarget(read_bvh(path)).motion)
    if not found:
        raise EvaluationError(f"no Bandai BVH clips of kinds {sorted(wanted or [])} in {folder}")
    return found
