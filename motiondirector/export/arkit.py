"""ARKit-52 blendshape curves for one character of a MotionPlan, and their CSV and JSON exports.

`arkit_curves` samples three layers on a regular frame grid and combines them, clipped to [0, 1]:

- face events: each AU follows its onset/apex/offset envelope (smoothstep ramps) and is mapped
  through `load_arkit_map().au_to_blendshapes`; overlapping events of one AU take the max;
- speech: the character's speech tracks (`motiondirector.speech`: phonemes, visemes and
  coarticulation) drive the jaw, lip closure, rounding, spreading and tongue shapes;
- gaze: `down`, `up` and `away` targets turn the eyes, with short transitions.

`mouthClose` is held at or below `jawOpen` (it closes the lips of an open jaw; above it, ARKit
rigs push the lips through each other).

Under the face events lies the idle layer (`export.idle`): each character's resting brow and
a slow drift of brows and smile, and of the jaw outside the character's lines, so a face is
never frozen between events. `idle=False` leaves it out.

The expression is layered over speech: while the character speaks, speech owns the
articulation shapes it moves (the face events' values for those come back as speech fades),
and everything else the face does (smiles, frowns, brows, cheeks, eyes) adds on top. A smile
yields only to lip rounding, so "oo" can pucker a smiling mouth. `speech=False` leaves the mouth
to the face events, for products that drive it from audio elsewhere.

It also feeds the live frame stream, so it must stay vectorised: the Python loops here run
over events, words and AUs, never over frames. It must not read files or mutate the plan.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np
import numpy.typing as npt

from motiondirector.errors import ExportError
from motiondirector.export.idle import idle_face
from motiondirector.plan.motion_plan import FaceEvent, GazeEvent, MotionPlan
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.speech import character_keys, speech_curves
from motiondirector.speech.coarticulation import speech_shape_columns

FloatArray = npt.NDArray[np.float64]

ARKIT_JSON_FORMAT = "motiondirector-arkit-52"
ARKIT_JSON_VERSION = "1.0"

GAZE_TRANSITION_S = 0.12
"""Eyes take this long to turn to a gaze target and back (saccade plus settle)."""
SMILE_YIELD = 0.6
"""How much of a smile gives way to full lip rounding while speaking."""
_SMILE_SHAPES = ("mouthSmileLeft", "mouthSmileRight")
_ROUNDING_SHAPES = ("mouthPucker", "mouthFunnel")

_GAZE_SHAPES: dict[str, dict[str, float]] = {
    "down": {"eyeLookDownLeft": 0.5, "eyeLookDownRight": 0.5},
    "up": {"eyeLookUpLeft": 0.4, "eyeLookUpRight": 0.4},
    # Both eyes to the character's left: the left eye looks out, the right eye looks in.
    "away": {"eyeLookOutLeft": 0.5, "eyeLookInRight": 0.5},
}

_EPS = 1e-9


def frame_times(duration: float, fps: int) -> FloatArray:
    """Frame i is at i / fps; the last frame is the first one at or after `duration`."""
    count = math.ceil(duration * fps - 1e-6) + 1
    return np.arange(max(count, 1), dtype=np.float64) / fps


def arkit_curves(
    plan: MotionPlan, character: str, fps: int = 30, *, speech: bool = True, idle: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Sample `character`'s ARKit-52 weights at `fps` over the whole scene.

    Returns (times shape (n,), weights shape (n, 52)) with columns in the order of
    `load_arkit_map().blendshapes` and n = ceil(duration * fps) + 1. `speech=False` leaves
    out the speech layer (the mouth follows the face events only); `idle=False` the resting
    expression and its drift.
    """
    check_frame_rate(fps)
    names = load_arkit_map().blendshapes
    column = {name: i for i, name in enumerate(names)}
    times = frame_times(plan.scene.duration, fps)
    # The last frame may fall just past the end: it shows the end, not what follows it.
    at = np.minimum(times, plan.scene.duration)
    events = _character_events(plan, character)

    weights = _face_layer(at, [e for e in events if isinstance(e, FaceEvent)])
    if idle:
        lines = [(u.start, u.end) for u in plan.utterances if u.mouthed_by(character)]
        weights += idle_face(at, character, names, lines)
    if speech:
        _layer_speech(weights, at, plan, character, names)
    weights += _gaze_layer(at, [e for e in events if isinstance(e, GazeEvent)], column)
    _finish(weights, column)
    return times, weights


def check_frame_rate(fps: int) -> None:
    """Raise `ExportError` unless `fps` is a positive whole number: curves, previews and
    conditioning videos sample at any such rate (a 16-fps video model's own, say)."""
    if not isinstance(fps, int) or isinstance(fps, bool) or fps <= 0:
        raise ExportError(f"frame rate must be a positive whole number, got {fps!r}")


def check_fps(fps: int) -> None:
    """Raise `ExportError` unless `fps` is a rate the ARKit files are written at."""
    if fps not in FPS_CHOICES:
        rates = ", ".join(str(r) for r in FPS_CHOICES)
        raise ExportError(f"ARKit exports run at {rates} fps, got {fps!r}")


def arkit_csv(
    plan: MotionPlan, character: str, fps: int = 30, *, speech: bool = True, idle: bool = True
) -> str:
    """CSV: header `time,<52 blendshapes>`, one row per frame, 4-decimal floats, LF endings."""
    times, weights = arkit_curves(plan, character, fps, speech=speech, idle=idle)
    return curves_csv(times, weights)


def curves_csv(times: FloatArray, weights: FloatArray) -> str:
    """The ARKit CSV of sampled curves (`arkit_csv`'s layout), e.g. a realized face's."""
    buffer = io.StringIO()
    buffer.write(",".join(("time", *load_arkit_map().blendshapes)) + "\n")
    np.savetxt(buffer, np.column_stack((times, weights)), fmt="%.4f", delimiter=",")
    return buffer.getvalue()


def arkit_json(
    plan: MotionPlan, character: str, fps: int = 30, *, speech: bool = True, idle: bool = True
) -> str:
    """JSON with one frame per line: [time, 52 weights], rounded to 4 decimals."""
    times, weights = arkit_curves(plan, character, fps, speech=speech, idle=idle)
    return curves_json(times, weights, character, fps, plan.scene.duration)


def curves_json(
    times: FloatArray, weights: FloatArray, character: str, fps: int, duration: float
) -> str:
    """The ARKit JSON of sampled curves (`arkit_json`'s layout), e.g. a realized face's."""
    rows = np.round(np.column_stack((times, weights)), 4).tolist()
    head = {
        "format": ARKIT_JSON_FORMAT,
        "version": ARKIT_JSON_VERSION,
        "character": character,
        "fps": fps,
        "duration": duration,
        "blendshapes": list(load_arkit_map().blendshapes),
    }
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    frames = ",\n".join("    " + json.dumps(row, separators=(",", ":")) for row in rows)
    return "{\n" + "\n".join(lines) + '\n  "frames": [\n' + frames + "\n  ]\n}\n"


def layer_over_face(
    plan: MotionPlan, character: str, times: FloatArray, face: FloatArray, *, speech: bool = True
) -> FloatArray:
    """ARKit weights at `times` with `face` (n, 52) in place of the face events' layer: the
    plan's speech layered over it and its gaze added, as `arkit_curves` combines its own
    layers, clipped to [0, 1]. Real faces (`realize/faces.py`) bring their expression here."""
    names = load_arkit_map().blendshapes
    column = {name: i for i, name in enumerate(names)}
    events = _character_events(plan, character)
    weights = np.array(face, dtype=np.float64)
    if speech:
        _layer_speech(weights, times, plan, character, names)
    weights += _gaze_layer(times, [e for e in events if isinstance(e, GazeEvent)], column)
    _finish(weights, column)
    return weights


def _finish(weights: FloatArray, column: Mapping[str, int]) -> None:
    """Clip the combined layers to [0, 1] in place and keep mouthClose at or below jawOpen."""
    np.clip(weights, 0.0, 1.0, out=weights)
    # ARKit's mouthClose closes the lips of an open jaw: above jawOpen it pushes the lips
    # through each other on ARKit rigs, and real faces never go there.
    close, jaw = column["mouthClose"], column["jawOpen"]
    np.minimum(weights[:, close], weights[:, jaw], out=weights[:, close])
    weights += 0.0  # turns -0.0 into 0.0 so formatted output never shows "-0.0000"


def _character_events(plan: MotionPlan, character: str) -> tuple[object, ...]:
    for track in plan.characters:
        if track.name == character:
            return track.events
    if any(u.speaker == character for u in plan.utterances):
        return ()
    known = ", ".join(repr(t.name) for t in plan.characters) or "none"
    raise ExportError(f"no character {character!r} in the plan; characters: {known}")


def _smoothstep(x: FloatArray) -> FloatArray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def ramp_envelope(
    t: FloatArray, start: float, full: float, release: float, end: float
) -> FloatArray:
    """0 outside [start, end]; a smooth rise from `start` to 1 at `full`, held to `release`, a
    smooth fall to 0 at `end`. Face AUs (onset/apex/offset), gaze shifts and the head and eye
    curves of the frame streams all ramp with it. A rise or fall of no length (a movement the
    scene's start or end cut, its sync points clamped together) is no step: the movement is
    held through `start` and `end` instead of dropping to 0 on them."""
    rise = _smoothstep((t - start) / (full - start)) if full - start > _EPS else 1.0
    fall = _smoothstep((end - t) / (end - release)) if end - release > _EPS else 1.0
    inside = (t >= start) & (t <= end)
    return np.where(inside, np.minimum(rise, fall), 0.0)


def _frames_within(times: FloatArray, start: float, end: float) -> slice:
    first = int(np.searchsorted(times, start, side="left"))
    last = int(np.searchsorted(times, end, side="right"))
    return slice(first, max(first, last))


@cache
def _au_matrix() -> tuple[Mapping[int, int], FloatArray]:
    """AU code -> row, and rows of blendshape weights per AU (the AU -> ARKit table)."""
    table = load_arkit_map()
    column = {name: i for i, name in enumerate(table.blendshapes)}
    codes = sorted(table.au_to_blendshapes)
    matrix = np.zeros((len(codes), len(table.blendshapes)), dtype=np.float64)
    for row, code in enumerate(codes):
        for name, weight in table.au_to_blendshapes[code].items():
            matrix[row, column[name]] = weight
    matrix.setflags(write=False)
    return {code: row for row, code in enumerate(codes)}, matrix


def _face_layer(times: FloatArray, events: Iterable[FaceEvent]) -> FloatArray:
    rows, matrix = _au_matrix()
    intensities = np.zeros((times.size, matrix.shape[0]), dtype=np.float64)
    for event in events:
        row = rows.get(event.au)
        if row is None:  # an AU with no ARKit counterpart moves nothing here
            continue
        frames = _frames_within(times, event.start, event.end)
        envelope = ramp_envelope(
            times[frames],
            event.start,
            event.envelope.apex_start,
            event.envelope.apex_end,
            event.end,
        )
        target = intensities[frames, row]  # a view: max in place
        np.maximum(target, event.intensity * envelope, out=target)
    return intensities @ matrix


def _layer_speech(
    weights: FloatArray,
    times: FloatArray,
    plan: MotionPlan,
    character: str,
    names: tuple[str, ...],
) -> None:
    """Add the speech layer to the face layer `weights` in place (see the module docstring)."""
    mouth, activity = speech_curves(character_keys(plan, character), times, names)
    if not activity.any():
        return
    column = {name: i for i, name in enumerate(names)}
    articulation = speech_shape_columns(names)
    weights[:, articulation] *= 1.0 - activity[:, None]
    rounding = np.max(mouth[:, [column[n] for n in _ROUNDING_SHAPES]], axis=1)
    smile = [column[n] for n in _SMILE_SHAPES]
    weights[:, smile] *= 1.0 - SMILE_YIELD * np.clip(rounding, 0.0, 1.0)[:, None]
    weights += mouth


def _gaze_layer(
    times: FloatArray, events: Iterable[GazeEvent], column: Mapping[str, int]
) -> FloatArray:
    layer = np.zeros((times.size, len(column)), dtype=np.float64)
    for event in events:
        shape = _GAZE_SHAPES.get(event.target)
        if shape is None:  # a character or the camera: the eyes stay centred
            continue
        frames = _frames_within(times, event.start, event.end)
        ramp = min(GAZE_TRANSITION_S, (event.end - event.start) / 2.0)
        envelope = ramp_envelope(
            times[frames], event.start, event.start + ramp, event.end - ramp, event.end
        )
        for name, amount in shape.items():
            target = layer[frames, column[name]]  # a view: max in place
            np.maximum(target, amount * envelope, out=target)
    return layer
