"""Head and eye rotations of one character, sampled at any times, from a plan's head and gaze
events.

Angles are in degrees about the canonical skeleton's axes (X to the character's left, Y up,
Z forward): pitch about X (positive looks down), yaw about Y (positive turns to the
character's left), roll about Z (positive tilts toward the right shoulder). The head angles are
the head's pose relative to the body, as face-tracking apps send it; apply them on top of the
body's `head` joint.

Gaze: every gaze target is a direction (yaw, pitch). The camera is straight ahead; `up`,
`down` and `away` (to the character's left, as the ARKit export's eyeLook shapes) are fixed
offsets; another character is looked at by the stage layout: the characters stand in a row in
plan order, from the left of the screen to the right, facing the camera, so a character further
right on screen is to one's left. The eyes reach a new target within `EYE_SETTLE_S`, the head
follows more slowly and takes `HEAD_SHARE` of a turn to a character or the camera and
`AVERSION_HEAD_SHARE` of a glance up, down or away, and the eyes counter-rotate by the
head's part, so the line of sight stays on the target. The eyes stay within
`EYE_YAW_LIMIT` and `EYE_PITCH_LIMIT` of straight ahead in the head: in a shift too wide for
them they wait at the limit until the head brings the target in.

Head events (nod, shake, tilt, toss, lower, turn_away) add their movement to the head, timed
by their BML sync points and scaled by their amplitude.

Under them the head sways a little all the time (`idle=True`, the default): per axis a sum of
sinusoids seeded by the character's name (`export.idle.band_noise`), faster while the
character speaks than while it listens, and the eyes counter-rotate by the sway so the line of
sight stays on its target. The sway is a closed-form function of time, so a window sampled on
its own equals the same frames sampled with the whole scene.

Everything is vectorised over the sample times: the loops run over events, never frames. This
module must not read files or mutate the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from motiondirector.export.arkit import ramp_envelope
from motiondirector.export.idle import (
    band_noise,
    band_noise_rate,
    character_seed,
    speaking_level,
)
from motiondirector.plan.motion_plan import GazeEvent, HeadEvent, MotionPlan

FloatArray = npt.NDArray[np.float64]

HEAD_AXES: tuple[str, ...] = ("pitch", "yaw", "roll")
EYE_AXES: tuple[str, ...] = ("leftPitch", "leftYaw", "rightPitch", "rightYaw")

EYE_SETTLE_S = 0.12
"""Eyes take this long to reach a new gaze target (a saccade and its settling)."""
HEAD_SETTLE_S = 0.35
"""The head follows a gaze shift over this long."""
HEAD_SHARE = 0.5
"""The part of a gaze shift the head takes; the eyes take the rest."""
AVERSION_HEAD_SHARE = 0.2
"""The part of a glance up, down or away the head takes: in the realism suite's clips the head
turned 0.21 of the angle over 12 gaze aversions (pooled; median 0.12), the eyes the rest."""

# Gaze directions as (yaw, pitch) degrees.
GAZE_DIRECTIONS: dict[str, tuple[float, float]] = {
    "camera": (0.0, 0.0),
    "up": (0.0, -15.0),
    "down": (0.0, 20.0),
    "away": (25.0, 5.0),
}
AVERTED = frozenset({"up", "down", "away"})
EYE_YAW_LIMIT = 45.0
"""The eyes turn at most this far left or right in the head (people's oculomotor range is
about 45 to 55 degrees; the talking heads of the realism clips use under 30). In a gaze shift
wider than the eyes can take before the head arrives, they wait at the limit for the head."""
EYE_PITCH_LIMIT = 35.0
"""The eyes turn at most this far up or down in the head."""
NEIGHBOUR_YAW = 30.0
"""Yaw to look at the next character in the row; each further place adds `FURTHER_YAW`."""
FURTHER_YAW = 10.0
MAX_CHARACTER_YAW = 60.0

# Peak angles (degrees) of head movements at amplitude 1.
HEAD_PEAK_DEGREES: dict[str, float] = {
    "nod": 15.0,
    "shake": 20.0,
    "tilt": 15.0,
    "toss": 15.0,
    "lower": 20.0,
    "turn_away": 40.0,
}

# Idle sway, as the standard deviation of the head's angular velocity per axis (pitch, yaw,
# roll; deg/s). The clips, between the head movements the event reader sees, turn at a median
# 6.7 deg/s while speaking and 3.1 deg/s in silence, yaw and pitch alike and roll at 0.7 of
# them (velocity standard deviations 5.6, 5.7 and 4.0 deg/s in silence). These give the sway
# alone the same medians.
IDLE_HEAD_VELOCITY: dict[str, tuple[float, float, float]] = {
    "speaking": (4.6, 4.6, 3.2),
    "silent": (2.1, 2.1, 1.5),
}
IDLE_HEAD_BAND_HZ = (0.2, 8.0)
"""Sway frequencies, amplitudes falling as 1/f (every sinusoid adds alike to the speed). The
clips' calm stretches (4 s without a head speed over 20 deg/s) have a head-speed spectrum
centred at 2.7 Hz; the sway alone, planned for the shared screenplays, at 2.7 Hz too."""
IDLE_SPEAKING_RAMP_S = 0.4
"""The sway speeds up and calms down over this long around each of the character's lines."""

_EPS = 1e-9


@dataclass(frozen=True)
class HeadEyes:
    """Head (n, 3): pitch, yaw, roll; eyes (n, 4): left pitch, left yaw, right pitch, right yaw."""

    head: FloatArray
    eyes: FloatArray


def character_yaw(looker: str, target: str, row: Sequence[str]) -> float:
    """Yaw (degrees) for `looker` to look at `target` when the characters stand in `row`."""
    if looker not in row or target not in row or looker == target:
        return 0.0
    places = row.index(target) - row.index(looker)
    yaw = min(MAX_CHARACTER_YAW, NEIGHBOUR_YAW + FURTHER_YAW * (abs(places) - 1))
    return yaw if places > 0 else -yaw


def gaze_direction(looker: str, target: str, row: Sequence[str]) -> tuple[float, float]:
    """(yaw, pitch) degrees of a gaze target; an unknown target is straight ahead."""
    if target in GAZE_DIRECTIONS:
        return GAZE_DIRECTIONS[target]
    return character_yaw(looker, target, row), 0.0


def head_share(target: str) -> float:
    """The part of the turn to `target` the head takes; the eyes take the rest."""
    return AVERSION_HEAD_SHARE if target in AVERTED else HEAD_SHARE


class HeadEyesCurves:
    """Head and eye angles of one character of a plan, at any sample times."""

    def __init__(self, plan: MotionPlan, character: str, *, idle: bool = True) -> None:
        row = [track.name for track in plan.characters]
        events = next((t.events for t in plan.characters if t.name == character), ())
        gaze = sorted(
            (e for e in events if isinstance(e, GazeEvent)), key=lambda e: (e.start, e.end)
        )
        self._heads = [e for e in events if isinstance(e, HeadEvent)]
        directions = [(e.start, e.end, gaze_direction(character, e.target, row)) for e in gaze]
        self._gaze = _StepSignal.from_events(directions)
        self._head_gaze = _StepSignal.from_events(
            [
                (start, end, (yaw * head_share(event.target), pitch * head_share(event.target)))
                for (start, end, (yaw, pitch)), event in zip(directions, gaze, strict=True)
            ]
        )
        self._idle = idle
        self._sway_seeds = [character_seed(character, f"head.{axis}") for axis in HEAD_AXES]
        self._lines = [(u.start, u.end) for u in plan.utterances if u.mouthed_by(character)]
        self._duration = plan.scene.duration

    def sample(self, times: FloatArray) -> HeadEyes:
        """Angles at `times` (seconds): head (n, 3) and eyes (n, 4), degrees. A time past the
        scene's end (its last frame, the first at or after the end) is the end."""
        times = np.minimum(np.asarray(times, dtype=np.float64), self._duration)
        eye_gaze = self._gaze.smoothed(times, EYE_SETTLE_S)
        head_gaze = self._head_gaze.smoothed(times, HEAD_SETTLE_S)
        head = np.zeros((times.size, 3))
        head[:, 0] = head_gaze[:, 1]
        head[:, 1] = head_gaze[:, 0]
        for event in self._heads:
            _add_head_event(head, times, event)
        eyes_yaw = eye_gaze[:, 0] - head_gaze[:, 0]
        eyes_pitch = eye_gaze[:, 1] - head_gaze[:, 1]
        if self._idle:
            sway = self.sway(times)
            head += sway
            eyes_pitch = eyes_pitch - sway[:, 0]
            eyes_yaw = eyes_yaw - sway[:, 1]
        eyes_yaw = np.clip(eyes_yaw, -EYE_YAW_LIMIT, EYE_YAW_LIMIT)
        eyes_pitch = np.clip(eyes_pitch, -EYE_PITCH_LIMIT, EYE_PITCH_LIMIT)
        eyes = np.column_stack((eyes_pitch, eyes_yaw, eyes_pitch, eyes_yaw))
        return HeadEyes(head=head + 0.0, eyes=eyes + 0.0)

    def sway(self, times: FloatArray) -> FloatArray:
        """(n, 3) idle head sway (pitch, yaw, roll), degrees, at `times`."""
        times = np.asarray(times, dtype=np.float64)
        talking = speaking_level(times, self._lines, IDLE_SPEAKING_RAMP_S)
        sway = np.zeros((times.size, 3))
        for axis, seed in enumerate(self._sway_seeds):
            # exponent 1: amplitude ~ 1/f, so each sinusoid adds the same to the speed.
            unit = band_noise(times, seed, IDLE_HEAD_BAND_HZ, exponent=1.0)
            unit /= band_noise_rate(seed, IDLE_HEAD_BAND_HZ, exponent=1.0)
            quiet, busy = IDLE_HEAD_VELOCITY["silent"][axis], IDLE_HEAD_VELOCITY["speaking"][axis]
            sway[:, axis] = unit * (quiet + (busy - quiet) * talking)
        return sway


class _StepSignal:
    """A piecewise-constant 2-vector over time (0 where nothing is set), with its running
    integral, so a moving average over any window is two interpolations."""

    def __init__(self, knots: FloatArray, integral: FloatArray, last: FloatArray) -> None:
        self._knots = knots  # (m,) times where the value changes
        self._integral = integral  # (m, 2) integral from 0 up to each knot
        self._last = last  # (2,) value after the last knot

    @classmethod
    def from_events(cls, spans: Sequence[tuple[float, float, tuple[float, float]]]) -> _StepSignal:
        # A later event overrides an earlier one from its start on.
        knots = sorted({0.0, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
        times = np.asarray(knots, dtype=np.float64)
        values = np.zeros((len(knots), 2))
        for start, end, direction in spans:
            first = int(np.searchsorted(times, start, side="left"))
            stop = int(np.searchsorted(times, end, side="left"))
            values[first:stop] = direction
        widths = np.diff(times)
        integral = np.zeros((len(knots), 2))
        integral[1:] = np.cumsum(values[:-1] * widths[:, None], axis=0)
        return cls(times, integral, values[-1])

    def integral(self, times: FloatArray) -> FloatArray:
        clipped = np.maximum(times, 0.0)
        out = np.column_stack(
            [np.interp(clipped, self._knots, self._integral[:, k]) for k in range(2)]
        )
        beyond = clipped > self._knots[-1]
        out[beyond] += (clipped[beyond] - self._knots[-1])[:, None] * self._last
        return out

    def smoothed(self, times: FloatArray, window: float) -> FloatArray:
        """The mean over the `window` seconds up to each time: a step becomes a ramp."""
        ahead = self.integral(times)
        behind = self.integral(times - window)
        # Before the scene starts nothing is looked at: count that time as zero.
        return (ahead - behind) / window


def _add_head_event(head: FloatArray, times: FloatArray, event: HeadEvent) -> None:
    """Add one head movement to `head` (n, 3) in place."""
    sync = event.sync
    inside = (times >= sync.start) & (times <= sync.end)
    if not inside.any():
        return
    t = times[inside]
    peak = HEAD_PEAK_DEGREES.get(event.lexeme, 10.0) * event.amplitude
    reps = max(1, event.repetitions)
    if event.lexeme in ("nod", "shake"):
        # Repeated movements: one cycle per repetition from the stroke on, the first
        # extreme on the stroke, fading out after the last one.
        period = max(sync.relax - sync.stroke, _EPS) / reps
        last_peak = sync.stroke + (reps - 1) * period
        envelope = ramp_envelope(t, sync.start, sync.stroke, last_peak, sync.end)
        phase = 2.0 * np.pi * (t - sync.stroke) / period
        if event.lexeme == "nod":
            head[inside, 0] += peak * envelope * (0.5 + 0.5 * np.cos(phase))
        else:
            head[inside, 1] += peak * envelope * np.cos(phase)
        return
    if event.lexeme == "toss":
        # Up on the stroke and straight back.
        head[inside, 0] -= peak * ramp_envelope(t, sync.start, sync.stroke, sync.stroke, sync.end)
        return
    held = ramp_envelope(t, sync.start, sync.ready, sync.relax, sync.end)
    if event.lexeme == "tilt":
        head[inside, 2] += peak * held
    elif event.lexeme == "lower":
        head[inside, 0] += peak * held
    elif event.lexeme == "turn_away":
        head[inside, 1] += peak * held
