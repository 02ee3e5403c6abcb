"""Frames from a MotionPlan: per frame and character, ARKit-52 blendshape weights, head and eye
rotations, and the body's joint rotations on the canonical skeleton, made lazily in batches.

    frames = PlanFrames(plan, library=library) # cheap: nothing is computed yet
    header = frames.header()                   # fps, characters, channel names, frame count
    for batch in frames.batches(15):           # each batch computed when it is asked for
        send(batch.to_json_bytes())

Sources: blendshapes from `motiondirector.export.arkit.arkit_curves` (AU envelopes, speech,
gaze; whole-scene curves per character, made on the character's first frame: the export
computes them on its own frame grid), head and eyes from the head and gaze events
(`export.head_eyes`, sampled per batch); with a face library, blendshapes, head and eyes of
the character's realized face instead (`realize.faces`: real faces where they score, decided
and sampled whole-scene on the character's first frame), the body from the plan's timeline
decided as `realize.realize_plan` decides it and assembled per window (`streaming.body`: the
first batch assembles only the segments it reaches). Frame i is at i / fps; the frame grid is
the ARKit export's, so a stream and an `arkit-csv` export of one plan agree frame for frame.

A stream may start where another ended (`after`: the turn before in a conversation): each
character's channels are blended from that stream's last frame into this one's over the first
moments (line of sight 0.12 s, head 0.35 s, face 0.25 s, body 0.5 s, smoothstep; the eyes hold
the line of sight while the head comes round), so an avatar does not jump from turn to turn;
past those windows the frames are the plan's own.

This module knows nothing of HTTP; it must not plan, and must not mutate the plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import orjson

from motiondirector.errors import MotionDirectorError
from motiondirector.export.arkit import arkit_curves, frame_times
from motiondirector.export.face_curves import FaceCurves
from motiondirector.export.head_eyes import (
    EYE_AXES,
    EYE_PITCH_LIMIT,
    EYE_YAW_LIMIT,
    HEAD_AXES,
    HeadEyes,
    HeadEyesCurves,
)
from motiondirector.motion.skeleton import JOINTS
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize import BodyPose, Realization, decide_timeline
from motiondirector.realize.body import check_library
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.streaming.body import WindowedBody

if TYPE_CHECKING:
    from motiondirector.realize.faces import FaceLibrary

FloatArray = npt.NDArray[np.float64]
BodyRealizer = Callable[[MotionPlan], Realization]

CARRY_SECONDS = {"eyes": 0.12, "head": 0.35, "blendshapes": 0.25, "joints": 0.5, "root": 0.5}
"""How long a stream started `after` another takes to leave that one's last frame, per channel:
the line of sight (`eyes`) as fast as a gaze shift's saccade, the head as its turn, the body as
a clip blend."""

FRAME_FORMAT = "motiondirector-frames"
FRAME_FORMAT_VERSION = "1.0"
# Decimal places in JSON: blendshapes and quaternions to 1e-4, angles to 0.01 degree,
# root positions to 0.1 mm, time codes to the microsecond.
WEIGHT_DECIMALS = 4
ANGLE_DECIMALS = 2
POSITION_DECIMALS = 4
TIME_DECIMALS = 6


def channel_names() -> dict[str, Any]:
    """The channels every character's frame carries, in order."""
    return {
        "blendshapes": list(load_arkit_map().blendshapes),
        "head": list(HEAD_AXES),
        "eyes": list(EYE_AXES),
        "joints": list(JOINTS),
        "root": ["x", "y", "z"],
    }


def channel_units() -> dict[str, str]:
    """What the numbers of each channel mean."""
    return {
        "blendshapes": "ARKit weight 0..1",
        "head": "degrees relative to the body: pitch + down, yaw + to the character's left, "
        "roll + toward the right shoulder",
        "eyes": "degrees, same axes as the head, relative to the head",
        "joints": "local rotation per joint as a quaternion [x, y, z, w] on the canonical "
        "skeleton (Y up, Z forward, X to the character's left)",
        "root": "pelvis position in metres",
    }


@dataclass(frozen=True)
class CharacterFrames:
    """One character's channels over a batch of n frames."""

    blendshapes: FloatArray  # (n, 52)
    head: FloatArray  # (n, 3)
    eyes: FloatArray  # (n, 4)
    joints: FloatArray  # (n, 22, 4)
    root: FloatArray  # (n, 3)


@dataclass(frozen=True)
class FrameBatch:
    """Frames `first` .. `first + len(times) - 1` of a stream, every character's channels."""

    first: int
    times: FloatArray
    characters: Mapping[str, CharacterFrames]

    def __len__(self) -> int:
        return int(self.times.size)

    def to_json(self) -> dict[str, Any]:
        """`{"first", "count", "frames": [{"i", "t", "characters": {name: channels}}]}`,
        numbers rounded (see the module's *_DECIMALS)."""
        columns: dict[str, dict[str, list[Any]]] = {}
        for name, channels in self.characters.items():
            columns[name] = {
                "blendshapes": np.round(channels.blendshapes, WEIGHT_DECIMALS).tolist(),
                "head": np.round(channels.head, ANGLE_DECIMALS).tolist(),
                "eyes": np.round(channels.eyes, ANGLE_DECIMALS).tolist(),
                "joints": np.round(channels.joints, WEIGHT_DECIMALS).tolist(),
                "root": np.round(channels.root, POSITION_DECIMALS).tolist(),
            }
        times = np.round(self.times, TIME_DECIMALS).tolist()
        frames = [
            {
                "i": self.first + k,
                "t": time,
                "characters": {
                    name: {channel: values[k] for channel, values in channels.items()}
                    for name, channels in columns.items()
                },
            }
            for k, time in enumerate(times)
        ]
        return {"first": self.first, "count": len(frames), "frames": frames}

    def to_json_bytes(self) -> bytes:
        """`to_json()` as one line of JSON, byte for byte what `orjson.dumps(to_json())`
        gives, in about 60 % of its time: the rounded arrays go to orjson as they are."""
        columns = {
            name: (
                np.round(channels.blendshapes, WEIGHT_DECIMALS),
                np.round(channels.head, ANGLE_DECIMALS),
                np.round(channels.eyes, ANGLE_DECIMALS),
                np.round(channels.joints, WEIGHT_DECIMALS),
                np.round(channels.root, POSITION_DECIMALS),
            )
            for name, channels in self.characters.items()
        }
        times = np.round(self.times, TIME_DECIMALS).tolist()
        frames = [
            {
                "i": self.first + k,
                "t": time,
                "characters": {
                    name: {
                        "blendshapes": blendshapes[k],
                        "head": head[k],
                        "eyes": eyes[k],
                        "joints": joints[k],
                        "root": root[k],
                    }
                    for name, (blendshapes, head, eyes, joints, root) in columns.items()
                },
            }
            for k, time in enumerate(times)
        ]
        document = {"first": self.first, "count": len(frames), "frames": frames}
        return orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY)


class PlanFrames:
    """The frame stream of one plan. Construction is cheap; the body is decided on the first
    batch and assembled per window (or realized whole, when `body` is given), ARKit curves and
    head/eye curves per character on first use."""

    def __init__(
        self,
        plan: MotionPlan,
        *,
        fps: int | None = None,
        body: Realization | BodyRealizer | None = None,
        library: ClipLibrary | None = None,
        faces: FaceLibrary | None = None,
        face_threshold: float | None = None,
        after: PlanFrames | StreamEnd | None = None,
    ) -> None:
        """`fps`: 30 or 60 (default: the plan's). `body`: a realization of the plan or a
        function that makes one (then the whole body is realized before the first batch); or
        None: the plan's timeline decided from `library` (None: the built-in gesture library)
        as `realize.realize_plan` decides it, its motion assembled per window. `faces`: a face
        library the faces are realized from, real where a face scores `face_threshold`
        (default: `realize.faces.DEFAULT_FACE_THRESHOLD`). `after`: the stream this one
        follows (the turn before), or its `end`: each character it shares starts from that
        stream's last frame (`end.state()`) and blends into this plan over `CARRY_SECONDS`."""
        if not isinstance(plan, MotionPlan):
            raise MotionDirectorError(
                f"PlanFrames takes a MotionPlan, got {type(plan).__name__}; "
                "plan the script first (plan_text, plan_script)"
            )
        check_library(library)
        if isinstance(body, Realization) and _lines(body.plan) != _lines(plan):
            raise MotionDirectorError(
                "body is the realization of another plan (its scene or lines differ); "
                "realize this plan, or leave body out to have it realized"
            )
        self.plan = plan
        self.fps = plan.scene.fps if fps is None else fps
        if self.fps not in FPS_CHOICES:
            raise MotionDirectorError(f"frames run at 30 or 60 fps, got {self.fps}")
        if after is not None and after.fps != self.fps:
            raise MotionDirectorError(
                f"a stream at {self.fps} fps cannot follow one at {after.fps} fps"
            )
        self.characters: tuple[str, ...] = tuple(
            dict.fromkeys([t.name for t in plan.characters] + [u.speaker for u in plan.utterances])
        )
        self.times = frame_times(plan.scene.duration, self.fps)
        self._body = body
        self._library = library
        self._windowed: WindowedBody | None = None
        self._arkit: dict[str, FloatArray] = {}
        self._head_eyes: dict[str, HeadEyesCurves] = {}
        self._faces = faces
        self._face_threshold = face_threshold
        self._realized_faces: dict[str, FaceCurves] = {}
        self._after: StreamEnd | None = after.end if isinstance(after, PlanFrames) else after
        self._start: Mapping[str, CharacterFrames] | None = None
        self.end: StreamEnd = StreamEnd(self.plan, self.fps, body, library, faces, face_threshold)
        """Where this stream ends, for one that follows it: hold this rather than the stream
        to keep only the plan and the last frame."""

    @property
    def frame_count(self) -> int:
        return int(self.times.size)

    @property
    def size(self) -> int:
        """Frames times characters: what the stream's memory and its first batch's work grow
        with (ARKit curves and body motion are made over the whole scene per character)."""
        return self.frame_count * len(self.characters)

    def header(self) -> dict[str, Any]:
        """What a client needs before the frames: fps, characters, channel names and units."""
        return {
            "format": FRAME_FORMAT,
            "version": FRAME_FORMAT_VERSION,
            "fps": self.fps,
            "duration": self.plan.scene.duration,
            "frame_count": self.frame_count,
            "characters": list(self.characters),
            "channels": channel_names(),
            "units": channel_units(),
        }

    @cached_property
    def body(self) -> Realization:
        """The realized body motion of the whole scene (made on first use)."""
        if isinstance(self._body, Realization):
            return self._body
        if self._body is not None:
            return self._body(self.plan)
        return self._windowed_body().whole

    def batch(self, first: int, count: int) -> FrameBatch:
        """Frames first .. first + count - 1 (clipped to the stream)."""
        if not (_is_int(first) and _is_int(count) and first >= 0 and count >= 1):
            raise MotionDirectorError(
                f"a batch needs integers first >= 0 and count >= 1, got first={first!r}, "
                f"count={count!r}"
            )
        stop = min(self.frame_count, first + count)
        times = self.times[first:stop]
        if self._after is not None:
            # Read once, then let go: a chain of turns must not keep every turn before alive.
            self._start, self._after = self._after.state(), None
        characters = {name: self._character(name, first, stop, times) for name in self.characters}
        if stop == self.frame_count:
            self.end.last = {name: _last(frames) for name, frames in characters.items()}
        return FrameBatch(first=first, times=times, characters=characters)

    def batches(self, size: int, *, first_size: int | None = None) -> Iterator[FrameBatch]:
        """Every frame in batches of `size` (the first of `first_size`, default `size`),
        computed one batch at a time as the iterator is advanced."""
        if not (_is_int(size) and size >= 1):
            raise MotionDirectorError(f"batch size must be an integer >= 1, got {size!r}")
        if first_size is not None and not (_is_int(first_size) and first_size >= 1):
            raise MotionDirectorError(
                f"first batch size must be an integer >= 1, got {first_size!r}"
            )
        first, count = 0, size if first_size is None else first_size
        while first < self.frame_count:
            yield self.batch(first, count)
            first += count
            count = size

    def _character(self, name: str, first: int, stop: int, times: FloatArray) -> CharacterFrames:
        pose: BodyPose = (
            self.body.sample(name, times)
            if self._body is not None
            else self._windowed_body().sample(name, times)
        )
        face = self._realized_face(name)
        if face is not None:
            blendshapes = face.weights[first:stop]
            head_eyes = HeadEyes(head=face.head[first:stop], eyes=face.eyes[first:stop])
        else:
            blendshapes = self._blendshapes(name)[first:stop]
            head_eyes = self._curves(name).sample(times)
        frames = CharacterFrames(
            blendshapes=blendshapes,
            head=head_eyes.head,
            eyes=head_eyes.eyes,
            joints=pose.rotations,
            root=pose.root,
        )
        start = None if self._start is None else self._start.get(name)
        return frames if start is None else _carried(start, frames, times)

    def _windowed_body(self) -> WindowedBody:
        if self._windowed is None:
            library = self._library
            if library is None:
                from motiondirector.retrieval.builtin import builtin_clip_library

                library = builtin_clip_library()
            self._windowed = WindowedBody(decide_timeline(self.plan, library))
        return self._windowed

    def _blendshapes(self, name: str) -> FloatArray:
        found = self._arkit.get(name)
        if found is None:
            # Vectorised over the whole scene: cheap next to the body, and the export's
            # frame grid is the stream's.
            _, found = arkit_curves(self.plan, name, self.fps)
            self._arkit[name] = found
        return found

    def _realized_face(self, name: str) -> FaceCurves | None:
        if self._faces is None:
            return None
        found = self._realized_faces.get(name)
        if found is None:
            # Imported here: the face layer reads video tracks, which plain streams never need.
            from motiondirector.realize.faces import (
                DEFAULT_FACE_THRESHOLD,
                decide_faces,
                face_curves,
            )

            threshold = self._face_threshold
            if threshold is None:
                threshold = DEFAULT_FACE_THRESHOLD
            segments = decide_faces(self.plan, self._faces, [name], threshold=threshold)
            found = face_curves(self.plan, name, segments[name], self._faces.tracks, self.fps)
            self._realized_faces[name] = found
        return found

    def _curves(self, name: str) -> HeadEyesCurves:
        found = self._head_eyes.get(name)
        if found is None:
            found = self._head_eyes[name] = HeadEyesCurves(self.plan, name)
        return found


class StreamEnd:
    """Where a stream ends: kept by its last batch, or made from its plan when asked before
    that. Small: it holds the plan and what the stream was made with, not the stream's curves
    and motion, so a conversation may keep the last turn's for as long as it lasts. A stream
    played only so far (the listener spoke over it) ends where it was cut (`cut`)."""

    def __init__(
        self,
        plan: MotionPlan,
        fps: int,
        body: Realization | BodyRealizer | None,
        library: ClipLibrary | None,
        faces: FaceLibrary | None,
        face_threshold: float | None,
    ) -> None:
        self.fps = fps
        self._made_with = (plan, fps, body, library, faces, face_threshold)
        self._frame: int | None = None  # None: the last frame
        self.last: dict[str, CharacterFrames] | None = None

    def cut(self, seconds: float) -> StreamEnd:
        """The end of the same stream played only `seconds` into it: its frame then (the last
        one where that is past the end)."""
        if not (math.isfinite(seconds) and seconds >= 0.0):
            raise MotionDirectorError(
                f"a stream is cut at a time >= 0 seconds into it, got {seconds!r}"
            )
        cut = StreamEnd(*self._made_with)
        cut._frame = round(seconds * self.fps)
        return cut

    def state(self) -> dict[str, CharacterFrames]:
        """Each character's frame at the end (or the cut). Where the stream has not made it
        yet, a stream of its own of the same plan makes it, so that a stream still being read
        on another thread is not touched (that one starts on the plan's own first frame, which
        differs only for a turn shorter than `CARRY_SECONDS` that followed another)."""
        if self.last is None:
            plan, fps, body, library, faces, threshold = self._made_with
            twin = PlanFrames(
                plan, fps=fps, body=body, library=library, faces=faces, face_threshold=threshold
            )
            last = twin.frame_count - 1
            index = last if self._frame is None else min(self._frame, last)
            batch = twin.batch(index, 1)
            self.last = {name: _last(frames) for name, frames in batch.characters.items()}
        return self.last


def _last(frames: CharacterFrames) -> CharacterFrames:
    # Copies: a view would keep the whole batch's arrays alive for as long as the end is kept.
    return CharacterFrames(
        blendshapes=frames.blendshapes[-1:].copy(),
        head=frames.head[-1:].copy(),
        eyes=frames.eyes[-1:].copy(),
        joints=frames.joints[-1:].copy(),
        root=frames.root[-1:].copy(),
    )


def _carried(start: CharacterFrames, frames: CharacterFrames, times: FloatArray) -> CharacterFrames:
    """`frames` blended from `start` (one frame) over each channel's `CARRY_SECONDS`."""
    if times.size == 0 or times[0] >= max(CARRY_SECONDS.values()):
        return frames

    def share(channel: str, dims: int) -> FloatArray:
        x = np.clip(times / CARRY_SECONDS[channel], 0.0, 1.0)
        return (x * x * (3.0 - 2.0 * x)).reshape((-1,) + (1,) * dims)

    def mix(channel: str) -> FloatArray:
        old: FloatArray = getattr(start, channel)
        new: FloatArray = getattr(frames, channel)
        return old + (new - old) * share(channel, new.ndim - 1)

    # Joints: normalised lerp on the same hemisphere, as close to slerp as these small
    # turn-to-turn differences need.
    old = np.broadcast_to(start.joints, frames.joints.shape)
    new = frames.joints * np.where(np.sum(old * frames.joints, axis=-1) < 0.0, -1.0, 1.0)[..., None]
    joints = old + (new - old) * share("joints", 2)
    joints /= np.linalg.norm(joints, axis=-1, keepdims=True)
    head = mix("head")
    # The line of sight (head and eyes) moves as fast as the eyes; the eyes then hold it while
    # the head comes round (as the plan's own gaze shifts do, `export.head_eyes`), rather than
    # each blending on its own and the gaze drifting with the head's slower turn. Written as
    # changes from the last frame, so the first frame is that frame to the bit.
    sight = (_sight(frames.head, frames.eyes) - _sight(start.head, start.eyes)) * share("eyes", 1)
    turned = (head - start.head)[:, [0, 1, 0, 1]]
    limits = np.array([EYE_PITCH_LIMIT, EYE_YAW_LIMIT, EYE_PITCH_LIMIT, EYE_YAW_LIMIT])
    eyes = np.clip(start.eyes + sight - turned, -limits, limits)
    settled = (times >= max(CARRY_SECONDS["eyes"], CARRY_SECONDS["head"]))[:, None]
    return CharacterFrames(
        blendshapes=mix("blendshapes"),
        head=head,
        eyes=np.where(settled, frames.eyes, eyes),
        joints=joints,
        root=mix("root"),
    )


def _sight(head: FloatArray, eyes: FloatArray) -> FloatArray:
    """(n, 4) where each eye looks, head and eye angles summed: the eyes' pitch and yaw axes
    (`EYE_AXES`) with the head's pitch and yaw added."""
    return eyes + head[:, [0, 1, 0, 1]]


def _is_int(value: object) -> bool:
    """An integer index (a bool is not one, numpy's integers are)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _lines(plan: MotionPlan) -> tuple[object, ...]:
    """What tells one plan's realization from another's: the scene and its lines (not their
    speech tracks, which move no body)."""
    return (plan.scene, tuple((u.id, u.speaker, u.text, u.start, u.end) for u in plan.utterances))
