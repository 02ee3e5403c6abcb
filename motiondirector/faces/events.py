"""Behaviour events read from a `FaceTrack`, in the plan's own vocabulary.

The inverse of the plan's face realization: where the realizer turns Action Units into ARKit
blendshapes (`plan/data/arkit.yaml`), this reads AU intensities back out of the blendshapes
(each AU's least-squares fit to the blendshapes it drives), and turns them, the head rotation
and the eyes into the same event types a plan holds, described by the same code
(`plan/realizer/describe.py`):

- `FaceEvent`: an AU active above `AU_ON` with its onset/apex/offset envelope; blinks (AU45,
  up to `BLINK_MAX_S`) and eyes held closed (AU43);
- `HeadEvent`: nods and shakes (oscillations of pitch and yaw, with their repetitions), tilts
  (roll held away from the clip's usual roll), turns (`turn_away`) and a lowered head;
- `GazeEvent`: looking `down`, `up` or `away`, relative to the clip's usual gaze (MediaPipe's
  eyeLook scores carry a per-person offset, and a talking-face clip looks at the lens most of
  the time);
- `StateSpan`s that the plan keeps elsewhere: `speaking` and `silent` (mouth activity), and an
  emotion estimate per window from the EMFACS prototypes (`plan/data/emfacs.yaml`).

Every AU reading is taken against the clip's resting face (a low percentile of each AU over
the clip), since the model gives some faces a standing brow or squint score. Frames without a
face never make an event. This module only reads curves; it does not decode video.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.signal import find_peaks

from motiondirector.faces.tracker import FaceTrack
from motiondirector.plan.motion_plan import (
    Envelope,
    FaceEvent,
    GazeEvent,
    HeadEvent,
    Source,
    SyncPoints,
)
from motiondirector.plan.realizer.describe import describe_face, describe_gaze, describe_head
from motiondirector.plan.vocabulary import load_arkit_map, shown_emotion

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SOURCE_PLANNER = "video"
"""`Source.planner` of every event read from video."""

# AUs whose events are read; 25 (lips part) and 26 (jaw drop) move with every syllable, so
# speech spans stand for them, and a jaw drop counts only when it is wide.
EVENT_AUS: tuple[int, ...] = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 24, 26, 28)
AU_ON = 0.30
"""An AU event starts where its reading above the resting face reaches this..."""
AU_OFF = 0.15
"""...and ends where it falls below this (hysteresis keeps flicker from splitting events)."""
AU_ON_OVERRIDES = {26: 0.5}
MIN_EVENT_S = 0.2
MERGE_GAP_S = 0.15
RESTING_PERCENTILE = 5.0
RESTING_CAP = 0.5
"""A resting reading above this is taken as an expression held all clip, not as the face's
rest, so a person who smiles throughout still smiles."""

BLINK_RISE = 0.2
"""A blink: both eyelids close by this much over their resting score..."""
BLINK_MAX_S = 0.5
"""...for at most this long; longer is eyes closed (AU43)."""

NOD_MIN_DEG = 4.0
"""Peak-to-peak pitch of a nod; a shake needs `SHAKE_MIN_DEG` of yaw."""
SHAKE_MIN_DEG = 6.0
CYCLE_MAX_S = 1.2
TILT_DEG = 6.0
TURN_DEG = 12.0
LOWER_DEG = 8.0
HOLD_MIN_S = 0.4

GAZE_DOWN_DEG = 8.0
GAZE_UP_DEG = 6.0
GAZE_AWAY_DEG = 8.0
GAZE_MIN_S = 0.3

SPEECH_WINDOW_S = 0.6
SPEECH_STD = 0.04
"""Speaking: the jaw's standard deviation over `SPEECH_WINDOW_S` reaches this."""
SPEECH_MIN_S = 0.5
SPEECH_GAP_S = 0.4

EMOTION_WINDOW_S = 1.0


@dataclass(frozen=True)
class StateSpan:
    """A span the plan keeps outside its events: `speaking`/`silent`, or an `emotion`
    (`label` one of the plan's emotions, `intensity` its EMFACS match)."""

    kind: Literal["speaking", "silent", "emotion"]
    start: float
    end: float
    label: str
    intensity: float
    description: str


@dataclass(frozen=True)
class FaceBehaviour:
    """What a face did: plan events (face, head, gaze) and state spans, in time order."""

    events: tuple[FaceEvent | HeadEvent | GazeEvent, ...]
    states: tuple[StateSpan, ...]
    au_curves: FloatArray
    """(frames, len(EVENT_AUS)) readings above the resting face, 0..1 (NaN without a face)."""

    def within(self, start: float, end: float) -> tuple[FaceEvent | HeadEvent | GazeEvent, ...]:
        """The events that overlap [start, end)."""
        return tuple(e for e in self.events if e.start < end and e.end > start)


# -- AUs from blendshapes ------------------------------------------------------------------


@cache
def au_projection() -> tuple[tuple[int, ...], FloatArray]:
    """(AU codes, (52, AUs) matrix): blendshapes @ matrix = each AU's least-squares reading,
    w / |w|^2 over the blendshapes the AU drives in the AU -> ARKit map."""
    arkit = load_arkit_map()
    codes = tuple(sorted(arkit.au_to_blendshapes))
    matrix = np.zeros((len(arkit.blendshapes), len(codes)))
    for column, code in enumerate(codes):
        weights = arkit.au_to_blendshapes[code]
        norm = sum(w * w for w in weights.values())
        for name, weight in weights.items():
            matrix[arkit.blendshapes.index(name), column] = weight / norm
    return codes, matrix


def au_readings(blendshapes: FloatArray) -> tuple[tuple[int, ...], FloatArray]:
    """Raw AU intensities (frames, AUs), clipped to 0..1, NaN where a frame has no face."""
    codes, matrix = au_projection()
    return codes, np.clip(blendshapes @ matrix, 0.0, 1.0)


def resting(values: FloatArray, present: BoolArray) -> FloatArray:
    """Per column, the clip's resting reading: a low percentile, capped at `RESTING_CAP`."""
    if not present.any():
        return np.zeros(values.shape[1])
    rest = np.percentile(values[present], RESTING_PERCENTILE, axis=0)
    return np.asarray(np.minimum(rest, RESTING_CAP), dtype=np.float64)


def au_activity(track: FaceTrack) -> tuple[tuple[int, ...], FloatArray]:
    """(codes of `EVENT_AUS`, (frames, AUs)) readings above the resting face, 0..1."""
    codes, raw = au_readings(track.blendshapes)
    columns = [codes.index(code) for code in EVENT_AUS]
    chosen = raw[:, columns]
    rest = resting(chosen, track.present)
    return EVENT_AUS, np.clip(chosen - rest, 0.0, 1.0)


# -- spans ---------------------------------------------------------------------------------


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """[first, last] frame index pairs of each run of True."""
    if mask.size == 0:
        return []
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _hysteresis(values: FloatArray, on: float, off: float) -> BoolArray:
    """True from where `values` reaches `on` until it falls below `off` (NaN ends a run)."""
    active = np.zeros(values.shape[0], dtype=bool)
    state = False
    for i, value in enumerate(values):
        if not math.isfinite(value):
            state = False
        elif state:
            state = value >= off
        else:
            state = value >= on
        active[i] = state
    return active


def _merge(runs: list[tuple[int, int]], times: FloatArray, gap: float) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in runs:
        if merged and times[first] - times[merged[-1][1]] <= gap + 1e-9:
            merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _end(times: FloatArray, last: int, fps: float) -> float:
    return float(times[last] + 1.0 / fps)


def _source(rule: str, reason: str) -> Source:
    return Source(planner=SOURCE_PLANNER, rule=f"faces.{rule}", reason=reason)


def _seconds(value: float) -> float:
    return round(float(value), 3)


# -- face events ---------------------------------------------------------------------------


def _face_events(track: FaceTrack, codes: tuple[int, ...], activity: FloatArray) -> list[FaceEvent]:
    events: list[FaceEvent] = []
    times, fps = track.times, track.fps
    for column, code in enumerate(codes):
        curve = activity[:, column]
        on = AU_ON_OVERRIDES.get(code, AU_ON)
        runs = _merge(_runs(_hysteresis(curve, on, AU_OFF)), times, MERGE_GAP_S)
        for first, last in runs:
            start, end = float(times[first]), _end(times, last, fps)
            if end - start < MIN_EVENT_S:
                continue
            segment = np.nan_to_num(curve[first : last + 1])
            peak = float(segment.max())
            apex = np.flatnonzero(segment >= 0.9 * peak)
            apex_start = float(times[first + apex[0]])
            apex_end = max(apex_start, float(times[first + apex[-1]]))
            intensity = round(min(1.0, peak), 2)
            events.append(
                FaceEvent(
                    id="",
                    start=_seconds(start),
                    end=_seconds(end),
                    source=_source("au", f"AU{code} above the resting face, peak {peak:.2f}"),
                    description=describe_face(code, intensity, "seen in the video"),
                    au=code,
                    intensity=intensity,
                    envelope=Envelope(
                        apex_start=_seconds(apex_start), apex_end=_seconds(min(apex_end, end))
                    ),
                )
            )
    return events


def _lid_rise(track: FaceTrack) -> tuple[FloatArray, FloatArray]:
    """(closure, closure above its resting level) of both eyelids per frame."""
    names = load_arkit_map().blendshapes
    both = track.blendshapes[:, [names.index("eyeBlinkLeft"), names.index("eyeBlinkRight")]]
    closure = np.asarray(both.mean(axis=1), dtype=np.float64)
    rest = float(np.percentile(closure[track.present], 20.0)) if track.present.any() else 0.0
    return closure, closure - rest


def _closing(track: FaceTrack) -> BoolArray:
    """Frames where the lids are half-way into a blink or more."""
    return np.asarray(np.nan_to_num(_lid_rise(track)[1]) >= BLINK_RISE / 2, dtype=bool)


def _blink_events(track: FaceTrack) -> list[FaceEvent]:
    if not track.present.any():
        return []
    closure, rise = _lid_rise(track)
    runs = _runs(_hysteresis(rise, BLINK_RISE, BLINK_RISE / 2))
    events: list[FaceEvent] = []
    for first, last in runs:
        start, end = float(track.times[first]), _end(track.times, last, track.fps)
        segment = np.nan_to_num(rise[first : last + 1])
        peak = float(segment.max())
        apex_at = float(track.times[first + int(segment.argmax())])
        code = 45 if end - start <= BLINK_MAX_S else 43
        intensity = round(min(1.0, float(np.nan_to_num(closure[first : last + 1]).max())), 2)
        events.append(
            FaceEvent(
                id="",
                start=_seconds(start),
                end=_seconds(end),
                source=_source(
                    "blink" if code == 45 else "eyes_closed",
                    f"eyelids closed {peak:.2f} over rest for {end - start:.2f} s",
                ),
                description=describe_face(code, intensity, "seen in the video"),
                au=code,
                intensity=intensity,
                envelope=Envelope(apex_start=_seconds(apex_at), apex_end=_seconds(apex_at)),
            )
        )
    return events


# -- head events ---------------------------------------------------------------------------


def _window_sums(values: FloatArray, half: int) -> FloatArray:
    """Per frame, the sum of `values` over the frames within `half` of it (clipped at the
    ends), for any length of `values`."""
    total = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(values.shape[0])
    low = np.maximum(index - half, 0)
    high = np.minimum(index + half + 1, values.shape[0])
    return np.asarray(total[high] - total[low], dtype=np.float64)


def _moving_mean(values: FloatArray, times: FloatArray, window_s: float) -> FloatArray:
    """The mean of `values` over `window_s` around each frame, NaN frames left out."""
    finite = np.isfinite(values)
    step = float(np.median(np.diff(times))) if times.size > 1 else 1.0 / 30
    half = max(1, round(window_s / step / 2))
    total = _window_sums(np.where(finite, values, 0.0), half)
    count = _window_sums(finite.astype(np.float64), half)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / count, dtype=np.float64)


def _detrended(values: FloatArray, times: FloatArray, window_s: float) -> FloatArray:
    """`values` less their moving mean over `window_s` (NaN frames ignored)."""
    return np.asarray(values - _moving_mean(values, times, window_s), dtype=np.float64)


def _oscillations(
    track: FaceTrack, axis: int, minimum: float, lexeme: Literal["nod", "shake"], reversals: int
) -> list[HeadEvent]:
    """Runs of back-and-forth swings on one axis: extremes alternating with at least
    `minimum` degrees between neighbours and at most `CYCLE_MAX_S` apart."""
    times = track.times
    signal = _detrended(track.head[:, axis], times, 2 * CYCLE_MAX_S)
    if not np.isfinite(signal).any():
        return []
    clean = np.nan_to_num(signal)
    step = float(np.median(np.diff(times))) if times.size > 1 else 1.0 / 30
    spacing = max(1, round(0.12 / step))
    highs, _ = find_peaks(clean, prominence=minimum / 2, distance=spacing)
    lows, _ = find_peaks(-clean, prominence=minimum / 2, distance=spacing)
    extremes = sorted([(int(i), 1) for i in highs] + [(int(i), -1) for i in lows])
    # Keep alternating extremes, the stronger of two of a kind in a row.
    alternating: list[tuple[int, int]] = []
    for index, kind in extremes:
        if alternating and alternating[-1][1] == kind:
            previous = alternating[-1][0]
            if kind * clean[index] > kind * clean[previous]:
                alternating[-1] = (index, kind)
            continue
        alternating.append((index, kind))
    groups: list[list[int]] = []
    for (a, _), (b, _) in pairwise(alternating):
        swing = abs(clean[b] - clean[a])
        if (
            swing >= minimum
            and times[b] - times[a] <= CYCLE_MAX_S / 2 + 1e-9
            and track.present[a : b + 1].all()
        ):
            if groups and groups[-1][-1] == a:
                groups[-1].append(b)
            else:
                groups.append([a, b])
    events: list[HeadEvent] = []
    for group in groups:
        swings = len(group) - 1
        if swings < reversals:
            continue
        first, last = group[0], group[-1]
        start, end = float(times[first]), _end(times, last, track.fps)
        stroke_index = max(group, key=lambda i: abs(clean[i]))
        span = float(np.ptp(clean[first : last + 1]))
        repetitions = max(1, swings // 2)
        events.append(
            _head_event(
                lexeme,
                start,
                end,
                float(times[group[1]]),
                float(times[stroke_index]),
                float(times[group[-2]]),
                repetitions,
                span,
                f"{swings} swings of {span:.1f} degrees",
            )
        )
    return events


def _head_event(
    lexeme: Literal["nod", "shake", "tilt", "toss", "lower", "turn_away"],
    start: float,
    end: float,
    ready: float,
    stroke: float,
    relax: float,
    repetitions: int,
    degrees: float,
    reason: str,
) -> HeadEvent:
    ready = min(max(ready, start), end)
    stroke = min(max(stroke, ready), end)
    relax = min(max(relax, stroke), end)
    return HeadEvent(
        id="",
        start=_seconds(start),
        end=_seconds(end),
        source=_source(f"head.{lexeme}", reason),
        description=describe_head(lexeme, repetitions, None),
        lexeme=lexeme,
        sync=SyncPoints(
            start=_seconds(start),
            ready=_seconds(ready),
            stroke=_seconds(stroke),
            relax=_seconds(relax),
            end=_seconds(end),
        ),
        repetitions=repetitions,
        amplitude=round(min(1.0, degrees / 20.0), 2),
    )


def _held(
    track: FaceTrack,
    values: FloatArray,
    lexeme: Literal["tilt", "turn_away", "lower"],
    threshold: float,
) -> list[HeadEvent]:
    """Spans where `values` (degrees from the clip's usual pose) stay past `threshold`."""
    times = track.times
    runs = _merge(_runs(np.nan_to_num(values) >= threshold), times, MERGE_GAP_S)
    events = []
    for first, last in runs:
        start, end = float(times[first]), _end(times, last, track.fps)
        if end - start < HOLD_MIN_S:
            continue
        segment = np.nan_to_num(values[first : last + 1])
        peak_at = float(times[first + int(segment.argmax())])
        events.append(
            _head_event(
                lexeme,
                start,
                end,
                start,
                peak_at,
                peak_at,
                1,
                float(segment.max()),
                f"held {float(segment.max()):.1f} degrees from the usual pose for "
                f"{end - start:.1f} s",
            )
        )
    return events


def _head_events(track: FaceTrack) -> list[HeadEvent]:
    if not track.present.any():
        return []
    usual = np.median(track.head[track.present], axis=0)
    offset = track.head - usual
    events = _oscillations(track, 1, NOD_MIN_DEG, "nod", 2)
    events += _oscillations(track, 0, SHAKE_MIN_DEG, "shake", 3)
    events += _held(track, np.abs(offset[:, 2]), "tilt", TILT_DEG)
    events += _held(track, np.abs(offset[:, 0]), "turn_away", TURN_DEG)
    events += _held(track, -offset[:, 1], "lower", LOWER_DEG)
    return events


# -- gaze ----------------------------------------------------------------------------------


def _gaze_events(track: FaceTrack) -> list[GazeEvent]:
    if not track.present.any():
        return []
    yaw = track.eyes[:, [0, 2]].mean(axis=1)
    pitch = track.eyes[:, [1, 3]].mean(axis=1)
    yaw = yaw - np.median(yaw[track.present])
    pitch = pitch - np.median(pitch[track.present])
    # Closing lids read as a downward look to the model: a blink is not a glance down.
    open_eyes = ~_closing(track)
    targets = {
        "down": (np.nan_to_num(-pitch) >= GAZE_DOWN_DEG) & open_eyes,
        "up": (np.nan_to_num(pitch) >= GAZE_UP_DEG) & open_eyes,
        "away": (np.nan_to_num(np.abs(yaw)) >= GAZE_AWAY_DEG) & open_eyes,
    }
    events = []
    for target, mask in targets.items():
        for first, last in _merge(_runs(mask), track.times, MERGE_GAP_S):
            start, end = float(track.times[first]), _end(track.times, last, track.fps)
            if end - start < GAZE_MIN_S:
                continue
            events.append(
                GazeEvent(
                    id="",
                    start=_seconds(start),
                    end=_seconds(end),
                    source=_source(f"gaze.{target}", "eyes turned from the clip's usual gaze"),
                    description=describe_gaze(target),
                    target=target,
                )
            )
    return events


# -- speech and emotion --------------------------------------------------------------------


def mouth_activity(track: FaceTrack) -> FloatArray:
    """Per frame, the jaw's standard deviation over `SPEECH_WINDOW_S` around it."""
    jaw = track.blendshapes[:, load_arkit_map().blendshapes.index("jawOpen")]
    mean = _moving_mean(jaw, track.times, SPEECH_WINDOW_S)
    square = _moving_mean(jaw * jaw, track.times, SPEECH_WINDOW_S)
    std = np.sqrt(np.maximum(np.nan_to_num(square - mean * mean), 0.0))
    return np.asarray(np.where(track.present, std, np.nan), dtype=np.float64)


def speaking_mask(track: FaceTrack) -> BoolArray:
    """Frames where the mouth moves like speech (gaps under `SPEECH_GAP_S` bridged, runs
    under `SPEECH_MIN_S` dropped)."""
    active = np.nan_to_num(mouth_activity(track)) >= SPEECH_STD
    mask = np.zeros_like(active)
    for first, last in _merge(_runs(active), track.times, SPEECH_GAP_S):
        if _end(track.times, last, track.fps) - track.times[first] >= SPEECH_MIN_S:
            mask[first : last + 1] = True
    return mask & track.present


def _speech_states(track: FaceTrack) -> list[StateSpan]:
    speaking = speaking_mask(track)
    states = []
    for flag in (True, False):
        mask = speaking if flag else (~speaking & track.present)
        for first, last in _runs(mask):
            start, end = float(track.times[first]), _end(track.times, last, track.fps)
            if end - start < 0.2:
                continue
            kind: Literal["speaking", "silent"] = "speaking" if flag else "silent"
            states.append(
                StateSpan(
                    kind=kind,
                    start=_seconds(start),
                    end=_seconds(end),
                    label=kind,
                    intensity=1.0,
                    description=f"{'speaks' if flag else 'stays silent'} for {end - start:.1f} s",
                )
            )
    return states


def estimate_emotion(codes: tuple[int, ...], activity: FloatArray) -> tuple[str, float]:
    """The EMFACS emotion that mean AU activity (frames, AUs) shows best and its match, or
    ("neutral", 1 - best match): `shown_emotion` of the mean."""
    if not activity.size or not np.isfinite(activity).any():
        return "neutral", 1.0
    mean = np.nanmean(activity, axis=0)
    return shown_emotion({au: float(level) for au, level in zip(codes, mean, strict=True)})


def _emotion_states(
    track: FaceTrack, codes: tuple[int, ...], activity: FloatArray
) -> list[StateSpan]:
    if not track.present.any():
        return []
    labels: list[tuple[float, float, str, float]] = []
    start = float(track.times[0])
    stop = float(track.times[-1]) + 1.0 / track.fps
    while start < stop - 1e-9:
        end = min(stop, start + EMOTION_WINDOW_S)
        keep = (track.times >= start) & (track.times < end) & track.present
        if keep.any():
            label, intensity = estimate_emotion(codes, activity[keep])
            if labels and labels[-1][2] == label and abs(labels[-1][1] - start) < 1e-6:
                first = labels[-1]
                labels[-1] = (first[0], end, label, max(first[3], intensity))
            else:
                labels.append((start, end, label, intensity))
        start = end
    return [
        StateSpan(
            kind="emotion",
            start=_seconds(a),
            end=_seconds(b),
            label=label,
            intensity=intensity,
            description=f"looks {_EMOTION_WORDS[label]} (EMFACS {label} {intensity:.2f})",
        )
        for a, b, label, intensity in labels
    ]


_EMOTION_WORDS = {
    "neutral": "neutral",
    "joy": "happy",
    "sadness": "sad",
    "anger": "angry",
    "fear": "afraid",
    "surprise": "surprised",
    "disgust": "disgusted",
    "contempt": "contemptuous",
}


# -- all together --------------------------------------------------------------------------


def _numbered(
    events: Iterable[FaceEvent | HeadEvent | GazeEvent],
) -> tuple[FaceEvent | HeadEvent | GazeEvent, ...]:
    ordered = sorted(events, key=lambda e: (e.start, e.channel, e.end, e.description))
    return tuple(
        event.model_copy(update={"id": f"{event.channel}{n:03d}"})
        for n, event in enumerate(ordered, 1)
    )


def read_behaviour(track: FaceTrack) -> FaceBehaviour:
    """Every event and state span of `track`, events numbered in time order."""
    codes, activity = au_activity(track)
    events: list[FaceEvent | HeadEvent | GazeEvent] = []
    events += _face_events(track, codes, activity)
    events += _blink_events(track)
    events += _head_events(track)
    events += _gaze_events(track)
    states = _speech_states(track) + _emotion_states(track, codes, activity)
    states.sort(key=lambda s: (s.start, s.kind))
    return FaceBehaviour(_numbered(events), tuple(states), activity)
