"""Cut a tracked face into behaviour segments, and describe and profile each one.

A video becomes its whole-clip segment plus behaviour segments: the speaking and silent spans,
each split into equal pieces of at most `MAX_SEGMENT_S` (and none shorter than
`MIN_SEGMENT_S`, which joins its neighbour). Each segment carries the plan events that fall
mostly inside it, a `BehaviourProfile`, a one-line summary in plain words ("smiles broadly and
nods while speaking; blinks twice") and the events' own descriptions, which are embedded for
search. This module neither decodes video nor writes a library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motiondirector.faces.events import (
    EVENT_AUS,
    FaceBehaviour,
    StateSpan,
    estimate_emotion,
    speaking_mask,
)
from motiondirector.faces.profile import (
    OFTEN_BLINKS_PER_MIN,
    WIDE_MOUTH,
    BehaviourProfile,
    head_counts,
)
from motiondirector.faces.tracker import FaceTrack
from motiondirector.plan.motion_plan import FaceEvent, GazeEvent, HeadEvent
from motiondirector.plan.vocabulary import load_arkit_map

MAX_SEGMENT_S = 3.0
MIN_SEGMENT_S = 1.0
MIN_FACE_SHARE = 0.5
"""A segment where a face shows in less than this share of the frames is not indexed."""
MAX_EVENT_DESCRIPTIONS = 6

Event = FaceEvent | HeadEvent | GazeEvent


@dataclass(frozen=True)
class FaceSegment:
    """One stretch of a video with what the face did in it."""

    start: float
    end: float
    whole: bool
    events: tuple[Event, ...]
    profile: BehaviourProfile
    summary: str
    descriptions: tuple[str, ...]
    head_lexemes: tuple[str, ...]
    free_tags: tuple[str, ...]


def profile_of(
    track: FaceTrack, behaviour: FaceBehaviour, start: float, end: float
) -> BehaviourProfile:
    """The profile of the frames in [start, end) and the events inside it."""
    keep = (track.times >= start - 1e-9) & (track.times < end - 1e-9)
    present = keep & track.present
    seconds = max(end - start, 1e-6)
    events = _inside(behaviour.events, start, end)
    names = load_arkit_map().blendshapes
    if present.any():
        blend = track.blendshapes[present].mean(axis=0)
        activity = behaviour.au_curves[present]
        aus = np.percentile(activity, 90, axis=0)
        jaw = float(np.percentile(track.blendshapes[present, names.index("jawOpen")], 90))
        speaking = float(speaking_mask(track)[present].mean())
        emotion, intensity = estimate_emotion(EVENT_AUS, activity)
    else:
        blend = np.zeros(len(names))
        aus = np.zeros(len(EVENT_AUS))
        jaw = speaking = 0.0
        emotion, intensity = "neutral", 0.0
    energy = (0.0, 0.0, 0.0)
    window = np.flatnonzero(keep)
    if window.size > 1:
        head = track.head[window]
        speed = np.abs(np.diff(head, axis=0)) / np.diff(track.times[window])[:, None]
        valid = np.isfinite(speed).all(axis=1)
        if valid.any():
            means = speed[valid].mean(axis=0)
            energy = (_round(means[0]), _round(means[1]), _round(means[2]))
    blinks = sum(1 for e in events if isinstance(e, FaceEvent) and e.au == 45)
    gaze: dict[str, float] = {}
    for event in events:
        if isinstance(event, GazeEvent):
            seen = min(event.end, end) - max(event.start, start)
            gaze[event.target] = gaze.get(event.target, 0.0) + seen
    return BehaviourProfile(
        face_model=track.model_id,
        face_share=_round(float(present.sum()) / max(1, int(keep.sum()))),
        blendshapes=tuple(_round(v) for v in blend),
        aus={code: _round(v) for code, v in zip(EVENT_AUS, aus, strict=True)},
        head_energy=energy,
        head=head_counts(events),
        gaze={k: _round(min(1.0, v / seconds)) for k, v in sorted(gaze.items())},
        blinks_per_min=_round(blinks * 60.0 / seconds),
        speaking=_round(speaking),
        mouth_open=_round(min(1.0, max(0.0, jaw))),
        emotion=emotion,
        emotion_intensity=_round(intensity),
    )


def _round(value: float) -> float:
    return round(float(value), 4) if math.isfinite(value) else 0.0


def _inside(events: tuple[Event, ...], start: float, end: float) -> tuple[Event, ...]:
    """Events with at least half of their length inside [start, end)."""
    chosen = []
    for event in events:
        overlap = min(event.end, end) - max(event.start, start)
        if overlap > 0 and overlap >= 0.5 * (event.end - event.start) - 1e-9:
            chosen.append(event)
    return tuple(chosen)


_AU_PHRASES = {
    1: "raises the inner brows",
    2: "raises the eyebrows",
    4: "frowns",
    5: "widens the eyes",
    6: "raises the cheeks",
    7: "narrows the eyes",
    9: "wrinkles the nose",
    10: "raises the upper lip",
    12: "smiles",
    14: "dimples the mouth corners",
    15: "pulls the mouth corners down",
    17: "pushes the chin up",
    20: "stretches the lips",
    23: "tightens the lips",
    24: "presses the lips together",
    26: "opens the mouth wide",
    28: "sucks the lips in",
}
_HEAD_PHRASES = {
    "nod": "nods",
    "shake": "shakes the head",
    "tilt": "tilts the head",
    "toss": "tosses the head",
    "lower": "lowers the head",
    "turn_away": "turns the head",
}
_GAZE_PHRASES = {"down": "looks down", "up": "looks up", "away": "looks away"}
_EMOTION_PHRASES = {
    "joy": "looks happy",
    "sadness": "looks sad",
    "anger": "looks angry",
    "fear": "looks afraid",
    "surprise": "looks surprised",
    "disgust": "looks disgusted",
    "contempt": "looks contemptuous",
}
_TIMES = {1: "once", 2: "twice"}
SMILE_AU = 12
_OPPOSED_ACTIONS: dict[str, frozenset[int]] = {
    "joy": frozenset({15}),
    "sadness": frozenset({SMILE_AU}),
    "anger": frozenset({SMILE_AU}),
    "fear": frozenset({SMILE_AU}),
    "disgust": frozenset({SMILE_AU}),
}
"""Actions that show the opposite of an emotion: a line that names one does not also say the
face looks that way (contempt's half-smile and surprise sit with a smile)."""


def summarize(profile: BehaviourProfile, seconds: float) -> str:
    """One line in plain words: the face's main actions, head, speech, blinks and gaze.

    The actions are what the face did at its strongest (each AU's 90th percentile), the
    emotion is the EMFACS match of its mean: a segment can smile broadly for a moment and
    match anger on average. The line then names the smile and leaves the opposed emotion out
    (the profile keeps it), and a brow lowered beside a named smile is not called a frown."""
    # During speech the jaw drops with every syllable; only a wide opening is worth naming.
    shown = tuple(c for c in profile.shown_aus() if c != 26 or profile.aus[c] >= WIDE_MOUTH)
    if 1 in shown and 2 in shown:
        shown = tuple(code for code in shown if code != 1)
    named = [c for c in sorted(shown, key=lambda c: -profile.aus[c]) if c in _AU_PHRASES][:3]
    actions: list[str] = []
    for code in named:
        phrase = _AU_PHRASES[code]
        if code == SMILE_AU and profile.aus[code] >= 0.6:
            phrase = "smiles broadly"
        elif code == 4 and SMILE_AU in named:
            phrase = "lowers the brows"
        actions.append(phrase)
    for lexeme, count in profile.head.items():
        phrase = _HEAD_PHRASES[lexeme]
        if lexeme in ("nod", "shake") and count > 1:
            phrase += f" {_TIMES.get(count, f'{count} times')}"
        actions.append(phrase)
    if not actions:
        busy = max(profile.head_energy)
        actions.append("keeps the face still" if busy < 8 else "moves the head")
    line = " and ".join([", ".join(actions[:-1]), actions[-1]] if len(actions) > 1 else actions)
    if profile.speaking >= 0.5:
        wide = " with wide mouth movements" if profile.mouth_open >= WIDE_MOUTH else ""
        line += f" while speaking{wide}"
    else:
        line += " while silent"
    extras: list[str] = []
    blinks = round(profile.blinks_per_min * seconds / 60.0)
    if blinks:
        often = (
            " (blinks often)"
            if blinks > 1 and profile.blinks_per_min >= OFTEN_BLINKS_PER_MIN
            else ""
        )
        extras.append(f"blinks {_TIMES.get(blinks, f'{blinks} times')}{often}")
    extras += [_GAZE_PHRASES[t] for t, share in profile.gaze.items() if share >= 0.2]
    opposed = _OPPOSED_ACTIONS.get(profile.emotion, frozenset())
    if profile.emotion in _EMOTION_PHRASES and not opposed & set(named):
        extras.append(_EMOTION_PHRASES[profile.emotion])
    return "; ".join([line, *extras])


def _segment(
    track: FaceTrack, behaviour: FaceBehaviour, start: float, end: float, whole: bool
) -> FaceSegment:
    profile = profile_of(track, behaviour, start, end)
    events = _inside(behaviour.events, start, end)
    summary = summarize(profile, end - start)
    seen: list[str] = []
    for event in sorted(events, key=lambda e: (-_strength(e), e.start)):
        if event.description not in seen:
            seen.append(event.description)
    free = ["face", "speaking" if profile.speaking >= 0.5 else "silent"]
    if profile.blinks_per_min >= OFTEN_BLINKS_PER_MIN:
        free.append("blinks")
    if profile.mouth_open >= WIDE_MOUTH:
        free.append("wide_mouth")
    free += [f"gaze_{t}" for t, share in profile.gaze.items() if share >= 0.2]
    return FaceSegment(
        start=round(start, 3),
        end=round(end, 3),
        whole=whole,
        events=events,
        profile=profile,
        summary=summary,
        descriptions=(summary, *seen[:MAX_EVENT_DESCRIPTIONS]),
        head_lexemes=tuple(profile.head),
        free_tags=tuple(free),
    )


def _strength(event: Event) -> float:
    if isinstance(event, FaceEvent):
        return event.intensity
    if isinstance(event, HeadEvent):
        return event.amplitude
    return 0.3


def _pieces(start: float, end: float) -> list[tuple[float, float]]:
    count = max(1, math.ceil((end - start) / MAX_SEGMENT_S - 1e-9))
    step = (end - start) / count
    return [(start + i * step, start + (i + 1) * step) for i in range(count)]


def _spans(states: tuple[StateSpan, ...], duration: float) -> list[tuple[float, float]]:
    """Speaking and silent spans in order, short ones joined to the one before."""
    spans: list[list[float]] = []
    for state in sorted((s for s in states if s.kind != "emotion"), key=lambda s: s.start):
        if spans and (
            state.end - state.start < MIN_SEGMENT_S or spans[-1][1] - spans[-1][0] < MIN_SEGMENT_S
        ):
            spans[-1][1] = max(spans[-1][1], state.end)
        else:
            spans.append([state.start, state.end])
    if not spans:
        return [(0.0, duration)]
    return [(a, b) for a, b in spans]


def cut_segments(track: FaceTrack, behaviour: FaceBehaviour) -> list[FaceSegment]:
    """The whole clip and its behaviour segments, skipping those where the face is mostly
    missing (a segment that spans the whole clip is the whole clip alone); empty when the
    video has no face."""
    if not track.present.any():
        return []
    duration = track.duration
    start0 = float(track.times[0])
    segments = [_segment(track, behaviour, start0, start0 + duration, True)]
    for a, b in _spans(behaviour.states, duration):
        for piece_start, piece_end in _pieces(a, b):
            segment = _segment(track, behaviour, piece_start, piece_end, False)
            if segment.profile.face_share >= MIN_FACE_SHARE:
                segments.append(segment)
    kept = [s for s in segments if s.profile.face_share >= MIN_FACE_SHARE]
    # A short take is one piece: the same span as the whole clip, which a library would hold
    # twice and a search show twice.
    if len(kept) == 2 and kept[0].whole and _same_span(kept[0], kept[1]):
        return kept[:1]
    return kept


def _same_span(first: FaceSegment, second: FaceSegment) -> bool:
    return abs(first.start - second.start) < 1e-6 and abs(first.end - second.end) < 1e-6
