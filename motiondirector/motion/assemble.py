"""Assembling a Timeline into one body Motion per character on the canonical skeleton.

Each segment's material is loaded (a built-in clip by its `builtin:<clip id>` source, a BVH file
read and retargeted once per file, with the segment's rig map when it names one), sampled
between its source in/out and laid at its target in/out; when the two lengths differ the
source is time-warped linearly to fit (the sequencer bounds the rate). Every segment is turned
to face +Z at its first frame and its root travel is continued from where the previous segment
left the character, so clips recorded anywhere on a stage join in place; the root height is
kept as recorded, but for frames lifted so that no joint is below the floor (`motion/ground.py`).

A segment fades in over its `blend_in` seconds from the previous segment, which meanwhile
keeps playing (or holds its last frame): slerp of joint rotations and lerp of the root height,
with a smoothstep weight; the ground travel mixes the two segments' velocities with that weight
and the rest of the segment continues from where it leads.

Procedural segments loop the built-in idle clip. When their lexeme names a posture other than
`idle` (a persistent posture in force, e.g. `sit`), they hold the pose the previous segment
ended in and add the idle clip's breathing to it, so motion is never frozen.

A persistent posture (its clips end in a pose that lasts: sitting, leaning, kneeling, lying,
turned away) stays in force through the gestures and head movements played while it is held:
such a segment is layered onto the posture's pose, its arms (for a gesture) and neck and head
moving as recorded relative to the chest, its spine bending from the posture as it bends from
its own first frame, while the pelvis, legs and stage position keep the posture's. So a seated
character points without standing up, and the hold after the gesture returns to the posture,
not to wherever the gesture left the arms. A lean from a seat or from the knees is layered
the same way (its spine bending, the seat kept): "sits, then leans forward" leans in the
chair, and does not stand up into a standing lean.

This module must not choose clips; it renders the choices of `retrieval/sequence.py`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motiondirector.errors import AssemblyError, ScriptError
from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.ground import keep_above_floor
from motiondirector.motion.library import GestureLibraryError, get_clip, persistent_lexemes
from motiondirector.motion.quaternion import quat_apply, quat_conjugate, quat_multiply
from motiondirector.motion.retargeting import load_rig_map, retarget
from motiondirector.motion.skeleton import CANONICAL_FPS, JOINT_INDEX, JOINTS, REST_OFFSETS
from motiondirector.plan.timeline import CharacterTimeline, Segment, Timeline
from motiondirector.plan.vocabulary import HEAD_LEXEMES, LEAN_POSTURES, POSTURE_LEXEMES

BUILTIN_PREFIX = "builtin:"
IDLE_SOURCE = "builtin:idle.normal.normal.neutral"
_BVH_CACHE_SIZE = 64


_ARMS = tuple(
    JOINT_INDEX[f"{side}_{part}"]
    for side in ("left", "right")
    for part in ("collar", "shoulder", "elbow", "wrist")
)
_NECK_AND_HEAD = (JOINT_INDEX["neck"], JOINT_INDEX["head"])
_SPINE = (JOINT_INDEX["spine1"], JOINT_INDEX["spine2"], JOINT_INDEX["spine3"])

Pose = tuple[np.ndarray, np.ndarray]
"""One frame: joint rotations (22, 4) and the root position (3,)."""

MotionLoader = Callable[[str, str | None], Motion]
"""Loads a segment's source as motion, given the source and its rig map (None: detected)."""


class MotionSourceCache:
    """Loads segment sources as canonical Motion, keeping the last few BVH files retargeted."""

    def __init__(self, size: int = _BVH_CACHE_SIZE) -> None:
        self._size = size
        self._files: OrderedDict[tuple[str, str | None], Motion] = OrderedDict()

    def __call__(self, source: str, rig: str | None = None) -> Motion:
        if source.startswith(BUILTIN_PREFIX):
            try:
                return get_clip(source[len(BUILTIN_PREFIX) :]).motion()
            except GestureLibraryError as error:
                raise AssemblyError(f"segment source {source!r}: {error}") from error
        key = (source, rig)
        found = self._files.get(key)
        if found is not None:
            self._files.move_to_end(key)
            return found
        path = Path(source)
        if not path.is_file():
            raise AssemblyError(f"segment source {source!r}: no such BVH file")
        try:
            rig_map = load_rig_map(rig) if rig is not None else None
            motion = retarget(read_bvh(path), rig_map).motion
        except ScriptError as error:
            raise AssemblyError(f"segment source {source!r}: {error}") from error
        if motion.frames < 2:
            raise AssemblyError(f"segment source {source!r}: fewer than two frames")
        self._files[key] = motion
        if len(self._files) > self._size:
            self._files.popitem(last=False)
        return motion


# -- sampling ------------------------------------------------------------------------------


def _normalize(q: np.ndarray) -> np.ndarray:
    out: np.ndarray = q / np.linalg.norm(q, axis=-1, keepdims=True)
    return out


def sample_motion(
    motion: Motion, times: np.ndarray, *, loop: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Rotations (n, 22, 4) and root positions (n, 3) at `times` seconds: clamped to the clip,
    or wrapped when `loop`. Between frames: normalised lerp of rotations (at 30 fps it is
    within a hair of slerp), linear root."""
    last = motion.frames - 1
    position = np.asarray(times, dtype=float) * motion.fps
    if loop and last > 0:
        position = np.mod(position, last)
    position = np.clip(position, 0.0, float(last))
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, last)
    frac = (position - low)[:, None]
    qa, qb = motion.rotations[low], motion.rotations[high]
    sign = np.where((qa * qb).sum(-1, keepdims=True) < 0, -1.0, 1.0)
    rotations = _normalize(qa * (1 - frac[..., None]) + qb * sign * frac[..., None])
    root = motion.root_positions[low] * (1 - frac) + motion.root_positions[high] * frac
    return rotations, root


def slerp(a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Spherical interpolation of quaternion arrays (..., 4) with weights broadcast to (...)."""
    dot = (a * b).sum(-1, keepdims=True)
    b = np.where(dot < 0, -b, b)
    dot = np.abs(dot).clip(0.0, 1.0)
    w = np.asarray(weight, dtype=float)[..., None]
    theta = np.arccos(dot)
    sin = np.sin(theta)
    small = sin < 1e-6
    safe = np.where(small, 1.0, sin)
    wa = np.where(small, 1 - w, np.sin((1 - w) * theta) / safe)
    wb = np.where(small, w, np.sin(w * theta) / safe)
    return _normalize(wa * a + wb * b)


def _yaw_quaternion(angle: float) -> np.ndarray:
    return np.array([0.0, np.sin(angle / 2), 0.0, np.cos(angle / 2)])


def _heading(root_rotation: np.ndarray) -> float:
    forward = quat_apply(root_rotation, np.array([0.0, 0.0, 1.0]))
    if abs(forward[0]) < 1e-9 and abs(forward[2]) < 1e-9:
        return 0.0
    return float(np.arctan2(forward[0], forward[2]))


# -- placing segments ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """A segment with its material and the transform that places it on the stage."""

    segment: Segment
    motion: Motion
    loop: bool
    turn: np.ndarray  # yaw quaternion applied to the root
    origin: np.ndarray  # clip root at source_in
    anchor: np.ndarray  # stage xz where the segment starts (x, 0, z)
    held: Pose | None  # base pose for a held posture
    posture: Pose | None = None  # the posture this movement is layered onto

    def source_times(self, times: np.ndarray) -> np.ndarray:
        seg = self.segment
        span = seg.target_out - seg.target_in
        rate = (seg.source_out - seg.source_in) / span if span > 0 else 1.0
        return seg.source_in + (times - seg.target_in) * rate

    def sample(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rotations, root = sample_motion(self.motion, self.source_times(times), loop=self.loop)
        if self.posture is not None:
            return self._layered(rotations, self.posture)
        if self.held is not None:
            base_rot, base_root = self.held
            first_rot, first_root = sample_motion(self.motion, np.zeros(1), loop=True)
            delta = quat_multiply(quat_conjugate(first_rot), rotations)
            rotations = _normalize(quat_multiply(base_rot[None], delta))
            return rotations, base_root[None] + (root - first_root)
        rotations = rotations.copy()
        rotations[:, 0] = quat_multiply(self.turn[None], rotations[:, 0])
        travel = quat_apply(self.turn[None], root - self.origin * np.array([1.0, 0.0, 1.0]))
        placed = travel + self.anchor
        return rotations, placed

    def _layered(self, rotations: np.ndarray, posture: Pose) -> tuple[np.ndarray, np.ndarray]:
        base_rot, base_root = posture
        count = len(rotations)
        out = np.repeat(base_rot[None], count, axis=0)
        moving = _NECK_AND_HEAD if self.segment.lexeme in HEAD_LEXEMES else _ARMS + _NECK_AND_HEAD
        out[:, moving] = rotations[:, moving]
        first, _ = sample_motion(self.motion, np.array([self.segment.source_in]), loop=self.loop)
        bend = quat_multiply(quat_conjugate(first[:, _SPINE]), rotations[:, _SPINE])
        out[:, _SPINE] = _normalize(quat_multiply(base_rot[None, _SPINE], bend))
        return out, np.repeat(base_root[None], count, axis=0)


def _place(
    segment: Segment,
    motion: Motion,
    anchor: np.ndarray,
    previous: Pose | None,
    posture: Pose | None,
) -> _Placed:
    """`segment` placed after the pose `previous` (None at the start), layered onto
    `posture` when one is given. Only the idle fill loops and holds; a procedural stand-in (a
    built-in clip played where no library clip was good enough) plays as the clip it is: looped
    and held, a sit ended on its first, standing frame and the hold after it kept that."""
    loop = _is_fill(segment)
    held = None
    if loop and segment.lexeme not in (None, "idle") and previous is not None:
        held = previous
    first_rot, first_root = sample_motion(motion, np.array([segment.source_in]), loop=loop)
    turn = _yaw_quaternion(-_heading(first_rot[0, 0]))
    return _Placed(segment, motion, loop, turn, first_root[0], anchor, held, posture)


def _is_fill(segment: Segment) -> bool:
    """Whether `segment` is procedural fill (the idle clip, looped), not a clip or stand-in."""
    return segment.kind == "procedural" and segment.source == IDLE_SOURCE


# Postures a lean is done from without getting up.
_SEATS = frozenset({"sit", "kneel"})


class _PostureInForce:
    """The persistent posture a character holds, and its pose: set when a posture segment
    ends or the first hold of a posture begins, cleared by any other posture or an idle
    fill. A lean from a seat or from the knees is layered onto that pose (`seat`): it leans
    where the character sits, and the seat stays under any lean after it."""

    def __init__(self) -> None:
        self.lexeme: str | None = None
        self.pose: Pose | None = None
        self.seat: Pose | None = None

    def before(self, segment: Segment, previous: Pose | None) -> tuple[Pose | None, Pose | None]:
        """(pose a hold holds, posture a movement is layered onto) for `segment`, which
        starts after the pose `previous`."""
        lexeme = segment.lexeme
        if _is_fill(segment):
            if lexeme in persistent_lexemes():
                if lexeme != self.lexeme or self.pose is None:
                    self.lexeme, self.pose = lexeme, previous
                return self.pose, None
            self.lexeme, self.pose = None, None
            return previous, None
        if lexeme in LEAN_POSTURES:
            if self.lexeme in _SEATS:
                self.seat = self.pose
            elif self.lexeme not in LEAN_POSTURES:
                self.seat = None
            if self.seat is not None:
                return previous, self.seat
        if lexeme is None or lexeme in POSTURE_LEXEMES:
            self.lexeme, self.pose, self.seat = None, None, None
            return previous, None
        return previous, self.pose

    def after(self, segment: Segment, last: Pose) -> None:
        """A persistent posture's segment that ended in the pose `last` is in force."""
        if segment.lexeme in persistent_lexemes() and segment.source != IDLE_SOURCE:
            self.lexeme, self.pose = segment.lexeme, last


def _blend_travel(
    seg_root: np.ndarray,
    placed: _Placed,
    previous: _Placed,
    begin: float,
    weight: np.ndarray,
    start: np.ndarray,
    fps: int,
) -> None:
    """Ground travel (x, z) through a blend of `len(weight)` frames, in place: the two
    segments' velocities are mixed and integrated from `start`, and the rest of the segment is
    shifted to continue from there. Mixing positions instead made a held pose catch up with a
    walk that set off from it (a seated character rising into a walk moved at 3 m/s)."""
    fade = len(weight)
    steps = begin + np.arange(-1, fade) / fps
    _, prev_root = previous.sample(steps)
    _, new_root = placed.sample(steps)
    velocity = (
        np.diff(prev_root, axis=0) * (1 - weight[:, None])
        + np.diff(new_root, axis=0) * weight[:, None]
    )
    travel = start[[0, 2]] + np.cumsum(velocity[:, [0, 2]], axis=0)
    shift = travel[-1] - seg_root[fade - 1, [0, 2]]
    seg_root[:fade, 0], seg_root[:fade, 2] = travel[:, 0], travel[:, 1]
    seg_root[fade:, 0] += shift[0]
    seg_root[fade:, 2] += shift[1]


def assemble_character(
    track: CharacterTimeline,
    duration: float,
    *,
    fps: int = CANONICAL_FPS,
    loader: MotionLoader | None = None,
) -> Motion:
    """The body motion of one character's timeline: ceil(duration * fps) + 1 frames, the last
    the first at or after `duration`, as the face exports have them."""
    load = loader or MotionSourceCache()
    count = math.ceil(duration * fps - 1e-6) + 1
    rotations = np.zeros((count, len(JOINTS), 4))
    rotations[..., 3] = 1.0
    root = np.tile(REST_OFFSETS[0], (count, 1)).astype(float)
    filled = np.zeros(count, dtype=bool)
    previous: _Placed | None = None
    anchor = np.zeros(3)
    posture = _PostureInForce()
    segments = track.segments
    for index, segment in enumerate(segments):
        if not segment.source:
            raise AssemblyError(f"{track.name}: a {segment.kind} segment has no source to play")
        first = min(count - 1, round(segment.target_in * fps))
        last_segment = index == len(segments) - 1
        # The last segment also owns the closing frame at its target out, and, ending with the
        # scene, the frame after the end where the end falls between two frames.
        stop = min(count, round(segment.target_out * fps) + int(last_segment))
        if last_segment and segment.target_out >= duration - 0.5 / fps:
            stop = count
        if stop <= first:
            continue
        held = None
        if first > 0 and filled[first - 1]:
            held = (rotations[first - 1].copy(), root[first - 1].copy())
            anchor = root[first - 1] * np.array([1.0, 0.0, 1.0])
        held, layered_on = posture.before(segment, held)
        placed = _place(segment, load(segment.source, segment.rig), anchor, held, layered_on)
        times = np.arange(first, stop) / fps
        seg_rot, seg_root = placed.sample(times)
        fade = min(stop - first, round(segment.blend_in * fps))
        if previous is not None and fade > 0:
            prev_rot, prev_root = previous.sample(times[:fade])
            x = (np.arange(fade) + 1) / (fade + 1)
            weight = x * x * (3 - 2 * x)
            seg_rot[:fade] = slerp(prev_rot, seg_rot[:fade], weight[:, None])
            if first > 0 and filled[first - 1]:
                _blend_travel(seg_root, placed, previous, times[0], weight, root[first - 1], fps)
            seg_root[:fade, 1] = prev_root[:, 1] * (1 - weight) + seg_root[:fade, 1] * weight
        rotations[first:stop] = seg_rot
        root[first:stop] = seg_root
        filled[first:stop] = True
        posture.after(segment, (rotations[stop - 1].copy(), root[stop - 1].copy()))
        previous = placed
    if not filled.all():
        missing = int(np.argmin(filled))
        raise AssemblyError(
            f"{track.name}: the timeline leaves frame {missing} ({missing / fps:.2f} s) empty"
        )
    # Joins of clips recorded on other floors, or blends between them, may sink a foot.
    return keep_above_floor(Motion(rotations, root, float(fps)))


def assemble_timeline(
    timeline: Timeline, *, loader: MotionLoader | None = None
) -> dict[str, Motion]:
    """Character name -> assembled body motion, for every character of the timeline."""
    load = loader or MotionSourceCache()
    return {
        track.name: assemble_character(track, timeline.duration, fps=timeline.fps, loader=load)
        for track in timeline.characters
    }
