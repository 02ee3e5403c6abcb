"""Faces realized from real video: each utterance slot of a character's face and head comes
from the best-matching segment of a face library when it scores at or above the threshold,
else from the plan's procedural curves, with the reason recorded per slot.

    faces = open_face_library("lib/talks")       # checked before any work
    realization = realize_faces(realize_plan(plan), faces, threshold=0.6)
    realization.timeline.character("ANA").face_segments   # real or procedural, with reasons
    realization.faces["ANA"]                              # FaceCurves: ARKit, head, eyes

A face library is a clip library built from videos (`motiondirector index build VIDEO_FOLDER`):
face segments with a behaviour profile, and the face tracks stored beside them
(`retrieval/video.py`). The rules:

- **Slots.** Every utterance is a slot for every character: the speaker's face while speaking,
  each listener's while listening. Its query is the character's face, head and gaze events
  over the slot (their descriptions are the text; AUs, head lexemes, gaze, blinks the
  behaviour), the utterance's emotion (for the speaker; a neutral face for a listener the plan
  gives no expression) and whether the character speaks
  (`ClipQuery.from_face_events`), asking for the slot's length. A character's slots never
  overlap: where utterances do, its own lines win the shared time (`face_slots`).
- **Decision.** The library's face segments are scored as `search` scores them (text and
  behaviour profile); the best one whose video holds a usable window (the face seen in at least
  `MIN_FACE_SHARE` of it) is taken when its score reaches the threshold
  (`DEFAULT_FACE_THRESHOLD`), else the slot keeps the plan's curves. The reason, the parts of
  the score, the slot's best score and the threshold go into the segment's provenance.
- **Time warp.** The source window is the segment itself, lengthened or shortened around its
  middle (within its video) so that it plays at most `MAX_WARP` times faster or slower; its
  blendshape and head tracks are resampled onto the slot's frames (frames without a face are
  interpolated from their neighbours).
- **Layers.** The real face replaces the face events' layer: speech still drives the mouth
  (`export.arkit.layer_over_face`: the speech articulation shapes are the plan's while the
  character speaks; a listener's are the plan's throughout, so a face recorded while talking
  does not mouth words in a listening slot), and the eyes follow the plan's gaze (the real
  eyeLook shapes are left out, so characters keep looking at whom the plan says). The real
  head's movement about its median pose replaces the plan's head events, on top of the head's
  share of the plan's gaze turns.
- **Joins.** Each real slot fades in and out over `FACE_BLEND_S` centred on its edges
  (smoothstep weights that sum to one), into the procedural curves or into the next real slot.
  Beyond half a fade from every real slot the curves are the plan's exactly.

This module decides and samples; the scene folder writes the curves (`export/face_curves.py`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from motiondirector.errors import ExportError
from motiondirector.export.arkit import arkit_curves, layer_over_face, ramp_envelope
from motiondirector.export.face_curves import FaceCurves
from motiondirector.export.formats import resolve_character
from motiondirector.export.head_eyes import HeadEyesCurves
from motiondirector.faces.errors import FaceModelError
from motiondirector.faces.model import find_face_model
from motiondirector.faces.tracker import FaceTrack, unpack_tracks
from motiondirector.generators.face_track import source_times
from motiondirector.plan.motion_plan import FaceEvent, GazeEvent, HeadEvent, MotionPlan
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.plan.timeline import FACE_TIMELINE_SCHEMA_VERSION, FaceSegment, Provenance
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize.body import Realization
from motiondirector.retrieval.query import Candidate, ClipQuery, search_clips
from motiondirector.retrieval.records import ClipRecord, LibraryError
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.retrieval.video import FACE_TRACKS
from motiondirector.speech.coarticulation import speech_shape_columns

FloatArray = npt.NDArray[np.float64]
SlotEvent = FaceEvent | HeadEvent | GazeEvent

DEFAULT_FACE_THRESHOLD = 0.6
"""The score (search's, 0..1) a slot's best real face needs to be used."""
FACE_BLEND_S = 0.2
"""Crossfade at each edge of a real slot, centred on the edge."""
MAX_WARP = 1.5
"""A real segment plays at most this many times faster or slower than it was recorded."""
MIN_FACE_SHARE = 0.9
"""Share of a source window's frames that must show the face."""
FACE_CANDIDATES = 10


class FaceLibraryError(LibraryError):
    """A library cannot realize faces: no face segments, no tracks, or another face model."""


@dataclass(frozen=True)
class FaceLibrary:
    """A clip library checked for face realization, with its face tracks by video, and how
    its performers are cast: `casting` gives each character one performer for the whole
    scene, `cast` pins a character to one (name as the script writes it, or as typed: case and
    accents ignored -> the performer). A performer is a person of the library: the subfolder
    of its videos where they are kept in one folder per person (`talks/maria/*.mp4`), else
    one video (see `performer_of`)."""

    library: ClipLibrary
    tracks: Mapping[str, FaceTrack]
    casting: bool = True
    cast: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.library.path)

    @property
    def performers(self) -> tuple[str, ...]:
        """Every performer of the library (paths of folders or videos), sorted."""
        return tuple(sorted(set(self.performer_of.values())))

    @cached_property
    def performer_of(self) -> Mapping[str, str]:
        """Each video of the face segments -> its performer (`performers_of`)."""
        return performers_of(r.source.file for r in self.library.records if r.profile is not None)

    def videos_of(self, performer: str) -> frozenset[str]:
        """The videos of one performer."""
        return frozenset(v for v, p in self.performer_of.items() if p == performer)


def performers_of(videos: Iterable[str]) -> dict[str, str]:
    """Each video -> its performer: with the videos in subfolders of one folder, the first
    subfolder under it (a studio keeps its footage by person); else the video itself."""
    listed = sorted(set(videos))
    root = Path(os.path.commonpath(listed)) if len(listed) > 1 else None
    found = {}
    for video in listed:
        parts = Path(video).relative_to(root).parts if root is not None else ()
        found[video] = str(root / parts[0]) if root is not None and len(parts) > 1 else video
    return found


def open_face_library(
    library: ClipLibrary | str | os.PathLike[str],
    *,
    face_model: str | None = None,
    casting: bool = True,
    cast: Mapping[str, str] | None = None,
) -> FaceLibrary:
    """`library` (opened when a path) checked for face realization: it must hold face segments
    and their tracks, made by `face_model` (default: the configured model's id, when one is
    found). `casting` and `cast` (character -> a performer of the library, by its path, name
    or stem, or one of its videos) as `FaceLibrary` says. Raises `FaceLibraryError` naming the
    library otherwise, or the performer a pin does not find."""
    opened = library if isinstance(library, ClipLibrary) else ClipLibrary.open(Path(library))
    where = opened.path
    faces = [record for record in opened.records if record.profile is not None]
    if not faces:
        raise FaceLibraryError(
            f"{where}: no face segments in this library; build one from a folder of videos "
            "with `motiondirector index build VIDEO_FOLDER --out LIB`"
        )
    data = opened.attachment(FACE_TRACKS)
    if data is None:
        raise FaceLibraryError(
            f"{where}: its face tracks ({FACE_TRACKS}) are missing; build the library again "
            "from its videos"
        )
    tracks = unpack_tracks(data)
    missing = sorted({record.source.file for record in faces} - set(tracks))
    if missing:
        raise FaceLibraryError(
            f"{where}: no face track for {len(missing)} of its videos ({missing[0]}); build "
            "the library again from its videos"
        )
    expected = face_model
    if expected is None:
        try:
            expected = find_face_model().model_id
        except FaceModelError:
            expected = None  # realizing reads stored tracks only; nothing to compare with
    models = {opened.face_model, *(track.model_id for track in tracks.values())} - {None}
    if expected is not None and models - {expected}:
        found = ", ".join(sorted(str(m) for m in models))
        raise FaceLibraryError(
            f"{where}: built with face model {found}, not the configured {expected}; build it "
            "again with this model (`motiondirector index build VIDEO_FOLDER --out LIB "
            "--overwrite`)"
        )
    checked = FaceLibrary(opened, tracks, casting=casting)
    pins = {name: _find_performer(checked, video) for name, video in (cast or {}).items()}
    return replace(checked, cast=pins)


def _find_performer(faces: FaceLibrary, video: str) -> str:
    """The library's performer that `video` names: its path, else its file or folder name,
    else its stem; a video of a performer's folder names that performer."""
    performers = faces.performers
    if video in performers:
        return video
    if video in faces.performer_of:
        return faces.performer_of[video]
    for part in ("name", "stem"):
        found = [p for p in performers if getattr(Path(p), part) == getattr(Path(video), part)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise FaceLibraryError(
                f"{faces.name}: {video!r} names {len(found)} of its videos "
                f"({', '.join(found[:3])}); give the video's path"
            )
    shown = ", ".join(Path(p).name for p in performers[:8])
    more = f" and {len(performers) - 8} more" if len(performers) > 8 else ""
    raise FaceLibraryError(
        f"{faces.name}: no video or folder {video!r} among its performers ({shown}{more})"
    )


# -- slots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaceSlot:
    """One utterance of the scene as a character's face sees it."""

    character: str
    utterance_id: str
    start: float
    end: float
    speaking: bool
    emotion: str | None
    events: tuple[SlotEvent, ...]


def face_slots(plan: MotionPlan, character: str) -> list[FaceSlot]:
    """The slots of `character`: one per utterance, in time order, with the character's face,
    head and gaze events that overlap it; the emotion is the utterance's for its speaker, who
    is not `speaking` (their face does not talk) in a voice-over, and neutral for a listener
    the plan gives no expression there.

    A face does one thing at a time, so slots never overlap: where utterances do (dual
    dialogue, interruptions), the character's own lines hold their time first, then the others
    in time order, each keeping the longest part of its utterance that no slot holds yet (a
    part shorter than a fade is dropped)."""
    events: tuple[SlotEvent, ...] = next(
        (
            tuple(e for e in track.events if isinstance(e, FaceEvent | HeadEvent | GazeEvent))
            for track in plan.characters
            if track.name == character
        ),
        (),
    )
    utterances = [
        u for u in sorted(plan.utterances, key=lambda u: (u.start, u.end, u.id)) if u.end > u.start
    ]
    held: list[tuple[float, float]] = []
    slots = []
    for own_lines in (True, False):
        for utterance in utterances:
            own = utterance.speaker == character
            if own != own_lines:
                continue
            span = _free_span(utterance.start, utterance.end, held)
            if span is None:
                continue
            start, end = span
            held.append(span)
            slot_events = tuple(e for e in events if e.start < end and e.end > start)
            slots.append(
                FaceSlot(
                    character=character,
                    utterance_id=utterance.id,
                    start=start,
                    end=end,
                    speaking=utterance.mouthed_by(character),
                    emotion=utterance.emotion.label if own else _listening_emotion(slot_events),
                    events=slot_events,
                )
            )
    return sorted(slots, key=lambda slot: (slot.start, slot.end, slot.utterance_id))


# Blinks and parted lips say nothing of what a face feels.
_UNEXPRESSIVE_AUS = frozenset({25, 43, 45, 46})


def _listening_emotion(events: Sequence[SlotEvent]) -> str | None:
    """What a listener's slot asks of a face's emotion: nothing when the plan gives the
    listener an expression there (its AUs ask for it), else a neutral face. Asking only for
    silence, any silent segment scored 1.00, and a listener took an angry face during a
    neutral line."""
    expressive = any(isinstance(e, FaceEvent) and e.au not in _UNEXPRESSIVE_AUS for e in events)
    return None if expressive else "neutral"


def _free_span(
    start: float, end: float, held: Sequence[tuple[float, float]]
) -> tuple[float, float] | None:
    """The longest part of [start, end] outside every `held` span; the whole span when nothing
    holds any of it, else a part of at least `FACE_BLEND_S` or None."""
    free = [(start, end)]
    for lo, hi in held:
        free = [
            part
            for a, b in free
            for part in ((a, min(b, lo)), (max(a, hi), b))
            if part[1] > part[0]
        ]
    if free == [(start, end)]:
        return start, end
    longest = max(free, key=lambda part: part[1] - part[0], default=None)
    if longest is None or longest[1] - longest[0] < FACE_BLEND_S:
        return None
    return longest


# -- deciding ------------------------------------------------------------------------------


def source_window(
    record: ClipRecord, track: FaceTrack, length: float
) -> tuple[float, float] | None:
    """The seconds of `track` that play over a slot of `length` seconds: the record's span,
    lengthened or shortened about its middle to within `MAX_WARP` of `length` and kept inside
    the video; None when the video is too short or the face is missing from too much of it."""
    if track.frames == 0:
        return None
    have = record.source.end - record.source.start
    # Whole milliseconds, as the timeline writes them, kept inside the bounds so that rounding
    # never takes a short slot's warp past `MAX_WARP` (0.407 s over 0.271 s is 1.502).
    want = min(
        max(round(have, 3), math.ceil(length / MAX_WARP * 1000 - 1e-6) / 1000),
        math.floor(length * MAX_WARP * 1000 + 1e-6) / 1000,
    )
    first = float(track.times[0])
    last = float(track.times[-1]) + 1.0 / track.fps
    if want > last - first + 1e-9:
        return None
    middle = (record.source.start + record.source.end) / 2.0
    latest = math.floor((last - want) * 1000 + 1e-6) / 1000  # so the window ends in the video
    start = round(min(max(middle - want / 2.0, first), latest), 3)
    end = round(start + want, 3)
    inside = (track.times >= start) & (track.times < end)
    if not inside.any() or float(track.present[inside].mean()) < MIN_FACE_SHARE:
        return None
    return start, end


def _scores(candidate: Candidate, best: float, threshold: float) -> dict[str, float]:
    parts = {
        "semantic": candidate.semantic,
        "lexical": candidate.lexical,
        "tag": candidate.tag,
        "duration_fit": candidate.duration_fit,
        "behaviour": candidate.behaviour,
        "best": best,
        "threshold": threshold,
    }
    return {key: round(float(value), 4) for key, value in parts.items()}


def _candidates(
    slot: FaceSlot, faces: FaceLibrary, k: int, performer: str | None
) -> list[Candidate]:
    query = replace(
        ClipQuery.from_face_events(slot.events, emotion=slot.emotion, speaking=slot.speaking),
        duration=slot.end - slot.start,
    )
    sources = faces.videos_of(performer) if performer is not None else None
    return [
        c
        for c in search_clips(faces.library, query, k, sources=sources)
        if c.record.profile is not None and c.record.source.file in faces.tracks
    ]


def _usable(
    candidates: Iterable[Candidate], faces: FaceLibrary, length: float
) -> Iterable[tuple[Candidate, tuple[float, float]]]:
    """The candidates whose video holds a window for a slot of `length`, with it."""
    for c in candidates:
        window = source_window(c.record, faces.tracks[c.record.source.file], length)
        if window is not None:
            yield c, window


def decide_face(
    slot: FaceSlot,
    faces: FaceLibrary,
    threshold: float,
    *,
    k: int = FACE_CANDIDATES,
    performer: str | None = None,
) -> FaceSegment:
    """The face segment of one slot: the best usable real face (of `performer`'s video only,
    when the character is cast) when it scores at least `threshold`, else the plan's curves;
    the reason says which and why."""
    length = slot.end - slot.start
    candidates = _candidates(slot, faces, k, performer)
    cast = f"; {slot.character} is cast as {Path(performer).name}" if performer else ""
    common = {
        "target_in": slot.start,
        "target_out": slot.end,
        "blend_in": FACE_BLEND_S,
        "utterance_id": slot.utterance_id,
        "event_ids": tuple(e.id for e in slot.events),
    }
    procedural = {"kind": "procedural", "source_in": slot.start, "source_out": slot.end}
    usable = next(iter(_usable(candidates, faces, length)), None)
    if usable is None:
        return FaceSegment(
            **procedural,
            **common,
            provenance=Provenance(
                reason=f"procedural: no face segment of {faces.name} fits the slot{cast}; "
                "the plan's curves",
                scores={"threshold": round(threshold, 4)},
                candidates=len(candidates),
            ),
        )
    candidate, (start, end) = usable
    best = candidates[0].score
    scores = _scores(candidate, best, threshold)
    scores["warp"] = round((end - start) / length, 4)
    if candidate.score >= threshold:
        return FaceSegment(
            kind="clip",
            clip_id=candidate.record.id,
            source=candidate.record.source.file,
            source_in=start,
            source_out=end,
            **common,
            provenance=Provenance(
                reason=f"real face: {candidate.record.id} scored {candidate.score:.2f} >= "
                f"threshold {threshold:.2f}{cast}; {candidate.reason}",
                score=round(candidate.score, 4),
                rank=candidate.rank,
                scores=scores,
                candidates=len(candidates),
            ),
        )
    return FaceSegment(
        **procedural,
        **common,
        provenance=Provenance(
            reason=f"procedural: best real face {candidate.record.id} scored "
            f"{candidate.score:.2f} < threshold {threshold:.2f}{cast}; the plan's curves",
            score=round(candidate.score, 4),
            rank=candidate.rank,
            scores=scores,
            candidates=len(candidates),
        ),
    )


# -- casting -------------------------------------------------------------------------------


def cast_performers(
    plan: MotionPlan,
    faces: FaceLibrary,
    *,
    threshold: float = DEFAULT_FACE_THRESHOLD,
    k: int = FACE_CANDIDATES,
) -> dict[str, str | None]:
    """Each character's performer (`FaceLibrary.performers`; None where no face would be
    used): the pinned one (`faces.cast`, for the characters this plan has), else, with
    `faces.casting`, the performer whose faces win most of the character's slots (each slot's
    `k` best usable faces at or above `threshold`; ties by their summed scores). Characters
    with most such slots are cast first, each with the best performer no other character has
    while one is left, so two characters are two people where the library has them."""
    names = [track.name for track in plan.characters]
    cast: dict[str, str | None] = {}
    for typed, video in faces.cast.items():
        found = _plan_character(plan, typed)
        if found is not None:
            cast[found] = video
    if not faces.casting:
        return cast
    votes: dict[str, dict[str, tuple[int, float]]] = {}
    for name in names:
        if name in cast:
            continue
        tally: dict[str, tuple[int, float]] = {}
        for slot in face_slots(plan, name):
            best: dict[str, float] = {}
            usable = _usable(_candidates(slot, faces, k, None), faces, slot.end - slot.start)
            for candidate, _ in usable:
                if candidate.score >= threshold:
                    who = faces.performer_of[candidate.record.source.file]
                    best[who] = max(best.get(who, 0.0), candidate.score)
            for who, score in best.items():
                count, total = tally.get(who, (0, 0.0))
                tally[who] = (count + 1, total + score)
        votes[name] = tally
    taken = {who for who in cast.values() if who is not None}
    most = {name: max((count for count, _ in t.values()), default=0) for name, t in votes.items()}
    for name in sorted(votes, key=lambda n: (-most[n], n)):
        tally = votes[name]
        ranked = sorted(tally, key=lambda who: (-tally[who][0], -tally[who][1], who))
        free = [who for who in ranked if who not in taken]
        choice = next(iter(free or ranked), None)
        cast[name] = choice
        if choice is not None:
            taken.add(choice)
    return cast


def keep_casting(
    plan: MotionPlan,
    faces: FaceLibrary,
    cast_so_far: MutableMapping[str, str],
    *,
    threshold: float = DEFAULT_FACE_THRESHOLD,
    k: int = FACE_CANDIDATES,
) -> FaceLibrary:
    """`faces` casting `plan`'s characters as a conversation cast them before: the characters
    in `cast_so_far` keep their performer, new ones are cast (`cast_performers`, avoiding the
    performers already taken) and added to it. Turn after turn, a character stays one person;
    pins of `faces.cast` win over both."""
    remembered = replace(faces, cast={**cast_so_far, **faces.cast})
    performers = cast_performers(plan, remembered, threshold=threshold, k=k)
    for name, who in performers.items():
        if who is not None:
            cast_so_far.setdefault(name, who)
    return replace(faces, cast={**cast_so_far, **faces.cast})


def _plan_character(plan: MotionPlan, typed: str) -> str | None:
    try:
        return resolve_character(plan, typed)
    except ExportError:
        return None


def check_face_cast(plan: MotionPlan, faces: FaceLibrary) -> None:
    """Every pinned character is in the plan; `FaceLibraryError` listing its characters
    otherwise (a scene's pins, unlike a live session's, name the scene's own people)."""
    for typed in faces.cast:
        try:
            resolve_character(plan, typed)
        except ExportError as error:
            raise FaceLibraryError(f"face cast {typed}: {error}") from None


# -- sampling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackSample:
    """A real track resampled: ARKit weights (n, 52) and head (n, 3: pitch, yaw, roll, degrees
    in `export.head_eyes` conventions, about the source window's median pose)."""

    weights: FloatArray
    head: FloatArray


def _interp_present(track: FaceTrack, values: FloatArray, at: FloatArray) -> FloatArray:
    seen = track.present
    times = track.times[seen]
    rows = values[seen]
    return np.column_stack([np.interp(at, times, rows[:, c]) for c in range(rows.shape[1])])


def _as_plan_head(head: FloatArray) -> FloatArray:
    # The tracker: yaw to the person's left, pitch chin up, roll to the left shoulder; the
    # plan's head: pitch looking down, yaw to the left, roll to the right shoulder.
    return np.column_stack((-head[:, 1], head[:, 0], -head[:, 2]))


def sample_segment(segment: FaceSegment, track: FaceTrack, times: FloatArray) -> TrackSample:
    """The real face of a clip `segment` at target `times` (`source_times`, clamped to the
    video)."""
    at = np.clip(source_times(segment, times), float(track.times[0]), float(track.times[-1]))
    weights = np.clip(_interp_present(track, track.blendshapes, at), 0.0, 1.0)
    window = np.linspace(segment.source_in, segment.source_out, 32)
    rest = np.median(_as_plan_head(_interp_present(track, track.head, window)), axis=0)
    head = _as_plan_head(_interp_present(track, track.head, at)) - rest
    return TrackSample(weights=weights, head=head)


def _eye_look_columns() -> list[int]:
    names = load_arkit_map().blendshapes
    return [i for i, name in enumerate(names) if name.startswith("eyeLook")]


def _without_head_events(plan: MotionPlan, character: str) -> MotionPlan:
    tracks = tuple(
        track.model_copy(
            update={"events": tuple(e for e in track.events if not isinstance(e, HeadEvent))}
        )
        if track.name == character
        else track
        for track in plan.characters
    )
    return plan.model_copy(update={"characters": tracks})


def face_curves(
    plan: MotionPlan,
    character: str,
    segments: Sequence[FaceSegment],
    tracks: Mapping[str, FaceTrack],
    fps: int = 30,
) -> FaceCurves:
    """`character`'s realized face at `fps`: the plan's curves (`arkit_curves`, the frame
    streams' head and eyes), with the real segments layered in (see the module docstring)."""
    times, planned = arkit_curves(plan, character, fps)
    angles = HeadEyesCurves(plan, character).sample(times)
    real = [s for s in segments if s.kind == "clip" and s.source is not None]
    if not real:
        return FaceCurves(times, planned, angles.head, angles.eyes, fps, plan.scene.duration)
    face = np.zeros_like(planned)
    head = np.zeros_like(angles.head)
    mass = np.zeros(times.size)
    eye_look = _eye_look_columns()
    articulation = speech_shape_columns(load_arkit_map().blendshapes)
    speakers = {utterance.id: utterance.speaker for utterance in plan.utterances}
    for segment in real:
        half = segment.blend_in / 2.0
        lo, hi = segment.target_in - half, segment.target_out + half
        frames = slice(
            int(np.searchsorted(times, lo, side="left")),
            int(np.searchsorted(times, hi, side="right")),
        )
        t = times[frames]
        weight = ramp_envelope(t, lo, segment.target_in + half, segment.target_out - half, hi)
        sample = sample_segment(segment, tracks[str(segment.source)], t)
        sample.weights[:, eye_look] = 0.0
        if speakers.get(segment.utterance_id or "") != character:
            # A listener recorded while talking must not mouth the words: its mouth is the
            # plan's (which leaves it at rest but for the face events).
            sample.weights[:, articulation] = planned[frames][:, articulation]
        face[frames] += weight[:, None] * sample.weights
        head[frames] += weight[:, None] * sample.head
        mass[frames] += weight
    inside = mass > 0.0
    share = np.minimum(mass[inside], 1.0)[:, None]
    real_face = face[inside] / mass[inside, None]
    layered = layer_over_face(plan, character, times[inside], real_face)
    weights = planned.copy()
    weights[inside] = (1.0 - share) * planned[inside] + share * layered
    gaze_head = HeadEyesCurves(_without_head_events(plan, character), character).sample(
        times[inside]
    )
    real_head = gaze_head.head + head[inside] / mass[inside, None]
    heads = angles.head.copy()
    heads[inside] = (1.0 - share) * angles.head[inside] + share * real_head
    return FaceCurves(times, weights + 0.0, heads + 0.0, angles.eyes, fps, plan.scene.duration)


# -- the whole scene -----------------------------------------------------------------------


def decide_faces(
    plan: MotionPlan,
    faces: FaceLibrary,
    characters: Iterable[str],
    *,
    threshold: float = DEFAULT_FACE_THRESHOLD,
    k: int = FACE_CANDIDATES,
    performers: Mapping[str, str | None] | None = None,
) -> dict[str, tuple[FaceSegment, ...]]:
    """Each character's face segments, one per utterance slot, from its performer
    (`cast_performers`, worked out here unless given)."""
    check_face_threshold(threshold)
    if performers is None:
        performers = cast_performers(plan, faces, threshold=threshold, k=k)
    return {
        name: tuple(
            decide_face(slot, faces, threshold, k=k, performer=performers.get(name))
            for slot in face_slots(plan, name)
        )
        for name in characters
    }


def check_face_threshold(threshold: float) -> None:
    if not (math.isfinite(threshold) and threshold >= 0.0):
        raise FaceLibraryError(f"the face threshold must be a number >= 0, got {threshold}")


def realize_faces(
    realization: Realization,
    faces: FaceLibrary | ClipLibrary | str | os.PathLike[str],
    *,
    threshold: float = DEFAULT_FACE_THRESHOLD,
    k: int = FACE_CANDIDATES,
    fps: int | None = None,
    progress: bool = False,
) -> Realization:
    """`realization` with every character's face and head realized from `faces` (a checked
    `FaceLibrary`, or a library or its path, checked here): the timeline gains face segments
    (schema 1.1) and `faces` the curves, at `fps` (default: the timeline's, 30 when the ARKit
    exports do not run at it); `progress` shows a bar over the characters."""
    check_face_threshold(threshold)
    library = faces if isinstance(faces, FaceLibrary) else open_face_library(faces)
    timeline = realization.timeline
    rate = fps if fps is not None else timeline.fps if timeline.fps in FPS_CHOICES else 30
    names = [track.name for track in timeline.characters]
    plan = realization.plan
    performers = cast_performers(plan, library, threshold=threshold, k=k)
    decided: dict[str, tuple[FaceSegment, ...]] = {}
    curves: dict[str, FaceCurves] = {}
    for name in tqdm(names, desc="faces", unit="character", disable=not progress, leave=False):
        decided |= decide_faces(
            plan, library, [name], threshold=threshold, k=k, performers=performers
        )
        curves[name] = face_curves(plan, name, decided[name], library.tracks, rate)
    tracks = tuple(
        track.model_copy(update={"face_segments": decided[track.name]})
        for track in timeline.characters
    )
    realized = timeline.model_copy(
        update={"characters": tracks, "schema_version": FACE_TIMELINE_SCHEMA_VERSION}
    )
    return replace(realization, timeline=realized, faces=curves)
