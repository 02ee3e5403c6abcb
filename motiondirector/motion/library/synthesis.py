"""Turn a lexeme's keyframes and a variant into a `Motion` on the canonical skeleton.

Every key rotation is held as its offset from the neutral pose, a rotation vector per joint
(`log(neutral^-1 * key)`): free of Euler gimbal lock, and a variant is simple arithmetic on
it. Mirror: swap left and right joints and negate the vectors' Y and Z (and the root's X);
amplitude: scale the vectors (and root offsets); tempo: scale key times (a cycle keeps its
looping time, so a faster tempo loops more often); style: a local rotation overlay multiplied
onto every frame. The offsets are interpolated per channel with a monotone cubic (PCHIP: it
eases in and out of every extreme, passes through in-between keys without stopping, and never
overshoots a key) whose slopes at the first and last keys are zero, so a clip starts and ends
at rest, and sampled at 30 fps. Pure functions of their inputs: the same variant
always gives identical arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.interpolate import CubicHermiteSpline, PchipInterpolator
from scipy.spatial.transform import Rotation

from motiondirector.errors import GestureLibraryError
from motiondirector.motion.clip import Motion
from motiondirector.motion.library.keyframes import (
    PHASES,
    ROOT,
    Key,
    LexemeSpec,
    load_library_data,
)
from motiondirector.motion.skeleton import CANONICAL_FPS, JOINT_INDEX, JOINTS, REST_OFFSETS

# Joint index permutation that swaps every left_* joint with its right_* twin.
MIRRORED_JOINTS = np.array(
    [
        JOINT_INDEX[
            name.replace("left_", "right_")
            if name.startswith("left_")
            else name.replace("right_", "left_")
        ]
        for name in JOINTS
    ]
)


@dataclass(frozen=True, eq=False)
class Track:
    """Keys laid out on a time line: `times` (K,) seconds, `offsets` (K, 22, 3) rotation
    vectors from the neutral pose (radians), `root` (K, 3) metres from the rest root position,
    and the BML phase times (seconds)."""

    times: np.ndarray
    offsets: np.ndarray
    root: np.ndarray
    phases: dict[str, float]

    @property
    def duration(self) -> float:
        return round(float(self.times[-1]) * CANONICAL_FPS) / CANONICAL_FPS


def euler_to_rotations(euler: np.ndarray) -> Rotation:
    """Rotations from Euler angles (..., 3) in degrees written x y z, in the library's order."""
    order = load_library_data().euler_order
    columns = ["XYZ".index(axis) for axis in order.upper()]
    flat = np.asarray(euler, dtype=np.float64).reshape(-1, 3)
    return Rotation.from_euler(order, flat[:, columns], degrees=True)


@cache
def _neutral() -> Rotation:
    return euler_to_rotations(load_library_data().neutral)


def _offsets(key: Key) -> np.ndarray:
    euler = np.array(load_library_data().neutral)
    for joint, angles in key.pose.items():
        euler[JOINT_INDEX[joint]] = angles
    offsets: np.ndarray = (_neutral().inv() * euler_to_rotations(euler)).as_rotvec()
    return offsets


def _lay_out(spec: LexemeSpec, tempo: float) -> Track:
    times: list[float] = []
    offsets: list[np.ndarray] = []
    roots: list[np.ndarray] = []
    marks: dict[str, float] = {}

    def add(key: Key, time: float, root_base: np.ndarray, mark: bool = True) -> None:
        times.append(time)
        offsets.append(_offsets(key))
        roots.append(root_base + np.array(key.root))
        if mark and key.phase is not None:
            marks.setdefault(key.phase, time)

    zero = np.zeros(3)
    for key in spec.keys:
        add(key, key.t * tempo, zero)
    cycle = spec.cycle
    if cycle is not None:
        start, period = cycle.start * tempo, cycle.period * tempo
        count = max(1, round(cycle.loop_for / period))
        origin, advance = np.array(cycle.origin), np.array(cycle.advance)
        marks.setdefault("ready", start)
        for index in range(count):
            for key in cycle.keys:
                progress = index + key.t
                add(key, start + progress * period, origin + advance * progress, index == 0)
        loop_end = start + count * period
        add(cycle.keys[0], loop_end, origin + advance * count, mark=False)
        marks.setdefault("relax", loop_end)
        for key in spec.exit:
            add(key, loop_end + key.t * tempo, origin + advance * count)
    marks.setdefault("start", times[0])
    marks.setdefault("end", times[-1])
    missing = [phase for phase in PHASES if phase not in marks]
    if missing:
        raise GestureLibraryError(f"lexeme {spec.lexeme!r} has no key marked {missing}")
    # Keys and phases sit on the frame grid: the first and last frames are exactly the first
    # and last keys, and `end` equals the clip's duration.
    grid = np.round(np.array(times) * CANONICAL_FPS) / CANONICAL_FPS
    if np.any(np.diff(grid) <= 0):
        raise GestureLibraryError(f"lexeme {spec.lexeme!r}: two keys fall on one frame")
    phases = {phase: round(marks[phase] * CANONICAL_FPS) / CANONICAL_FPS for phase in PHASES}
    if [phases[p] for p in PHASES] != sorted(phases.values()):
        raise GestureLibraryError(f"lexeme {spec.lexeme!r}: phases out of order: {phases}")
    return Track(grid, np.stack(offsets), np.stack(roots), phases)


@cache
def lexeme_track(lexeme: str, tempo: str) -> Track:
    """The base (unmirrored, normal amplitude, neutral style) keys of `lexeme` at `tempo`."""
    data = load_library_data()
    if lexeme not in data.lexemes:
        raise GestureLibraryError(f"the gesture library has no lexeme {lexeme!r}")
    if tempo not in data.tempos:
        raise GestureLibraryError(f"unknown tempo {tempo!r}; known: {sorted(data.tempos)}")
    return _lay_out(data.lexemes[lexeme], data.tempos[tempo])


def mirror_offsets(offsets: np.ndarray) -> np.ndarray:
    """Left-right mirror of rotation offsets (..., 22, 3): swap sides, negate Y and Z."""
    mirrored = offsets[..., MIRRORED_JOINTS, :].copy()
    mirrored[..., 1:] *= -1.0
    return mirrored


def variant_track(lexeme: str, mirror: bool, amplitude: str, tempo: str) -> Track:
    """The keys of one variant: mirrored if asked, scaled by the amplitude and timed."""
    data = load_library_data()
    if amplitude not in data.amplitudes:
        raise GestureLibraryError(f"unknown amplitude {amplitude!r}")
    base = lexeme_track(lexeme, tempo)
    offsets, root = base.offsets, base.root
    if mirror:
        offsets = mirror_offsets(offsets)
        root = root * np.array([-1.0, 1.0, 1.0])
    factor = np.full(len(JOINTS), data.amplitudes[amplitude])
    # Joints placed by contact (a hand on the hip, a body on the floor) keep their pose at
    # every amplitude.
    spec = data.lexemes[lexeme]
    fixed = [JOINT_INDEX[joint] for joint in spec.fixed if joint != ROOT]
    factor[MIRRORED_JOINTS[fixed] if mirror else fixed] = 1.0
    root_factor = 1.0 if ROOT in spec.fixed else data.amplitudes[amplitude]
    return Track(base.times, offsets * factor[:, None], root_factor * root, base.phases)


def scaled_track(track: Track, factor: float) -> Track:
    """`track` with every rotation offset and root offset scaled by `factor`, same timing."""
    return Track(track.times, track.offsets * factor, track.root * factor, track.phases)


def _overlay(style: str) -> Rotation:
    data = load_library_data()
    if style not in data.styles:
        raise GestureLibraryError(f"unknown style {style!r}; known: {sorted(data.styles)}")
    euler = np.zeros((len(JOINTS), 3))
    for joint, angles in data.styles[style].overlay.items():
        euler[JOINT_INDEX[joint]] = angles
    return euler_to_rotations(euler)


def _eased(times: np.ndarray, values: np.ndarray) -> CubicHermiteSpline:
    """PCHIP through `values` (keys x channels) at `times`, still at both ends: PCHIP's own
    end slopes are extrapolated from the first and last two intervals, which started a fist
    pump at 8.6 m/s at the wrist."""
    slopes = PchipInterpolator(times, values, axis=0).derivative()(times)
    slopes[[0, -1]] = 0.0
    return CubicHermiteSpline(times, values, slopes, axis=0)


def synthesize(track: Track, style: str = "neutral", fps: float = CANONICAL_FPS) -> Motion:
    """Sample a track at `fps` into a Motion (frames = duration * fps + 1), in `style`."""
    overlay = _overlay(style)
    frames = round(track.duration * fps) + 1
    times = np.minimum(np.arange(frames) / fps, track.times[-1])
    keys = len(track.times)
    values = np.concatenate([track.offsets.reshape(keys, -1), track.root], axis=1)
    sampled = np.repeat(values, frames, axis=0) if keys == 1 else _eased(track.times, values)(times)
    offsets = Rotation.from_rotvec(sampled[:, : len(JOINTS) * 3].reshape(-1, 3))
    count = len(JOINTS)
    neutral = Rotation.from_quat(np.tile(_neutral().as_quat(), (frames, 1)))
    styled = Rotation.from_quat(np.tile(overlay.as_quat(), (frames, 1)))
    quats = (neutral * offsets * styled).as_quat().reshape(frames, count, 4)
    # Keep each joint's quaternion on one hemisphere over time so later blending is smooth.
    flips = np.sum(quats[1:] * quats[:-1], axis=-1) < 0
    signs = np.concatenate([np.ones((1, count)), np.where(flips, -1.0, 1.0)])
    quats = quats * np.cumprod(signs, axis=0)[..., None]
    root = REST_OFFSETS[0] + sampled[:, count * 3 :]
    return Motion(quats, root, fps)


def neutral_rotations(style: str = "neutral") -> np.ndarray:
    """The (22, 4) xyzw local rotations of the neutral standing pose in `style`."""
    rotations: np.ndarray = (_neutral() * _overlay(style)).as_quat()
    return rotations
