"""Statistics of a face over time: the numbers that say how real faces move.

Blink rate and blink length, the distributions of smile, brow and jaw activity, head rotation
speed and its spectrum, and the share of time the gaze is averted, over a whole clip and split
into speaking and silent time. `face_statistics` works on plain arrays (times, ARKit-52
blendshapes, head angles), so the curves of a tracked video and the curves sampled from a
motion plan are measured by the same code; `track_statistics` feeds it a `FaceTrack` and its
behaviour. This module measures; comparing distributions is left to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import welch

from motiondirector.faces.events import FaceBehaviour, speaking_mask
from motiondirector.faces.tracker import FaceTrack
from motiondirector.plan.motion_plan import FaceEvent, GazeEvent
from motiondirector.plan.vocabulary import load_arkit_map

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SPECTRUM_SEGMENT_S = 2.0
"""Welch segments of head speed are this long (0.5 Hz resolution)."""


@dataclass(frozen=True)
class FaceStatistics:
    """What a face did over `seconds` of face time. Per-frame values are kept whole so that
    distributions can be compared; NaN-free."""

    seconds: float
    blinks_per_min: float
    blink_durations: FloatArray
    smile: FloatArray
    brow_raise: FloatArray
    brow_lower: FloatArray
    jaw: FloatArray
    head_speed: FloatArray
    """Angular speed of the head, degrees per second, between consecutive kept frames."""
    spectrum_hz: FloatArray
    spectrum_power: FloatArray
    """Welch power spectrum of head speed (empty when the kept time is too short)."""
    gaze_aversion: float
    """Share of the time the gaze is down, up or away."""


def _column(blendshapes: FloatArray, *names: str) -> FloatArray:
    order = load_arkit_map().blendshapes
    return np.asarray(blendshapes[:, [order.index(n) for n in names]].mean(axis=1))


def _within(times: FloatArray, spans: list[tuple[float, float]]) -> BoolArray:
    mask = np.zeros(times.shape[0], dtype=bool)
    for start, end in spans:
        mask |= (times >= start - 1e-9) & (times < end - 1e-9)
    return mask


def face_statistics(
    times: npt.ArrayLike,
    blendshapes: npt.ArrayLike,
    head: npt.ArrayLike,
    *,
    keep: npt.ArrayLike | None = None,
    blinks: list[tuple[float, float]] | None = None,
    averted: list[tuple[float, float]] | None = None,
) -> FaceStatistics:
    """Statistics of the frames where `keep` is true (default: every frame with finite values).

    `times` (n,) seconds, `blendshapes` (n, 52) in the order of `plan/data/arkit.yaml`, `head`
    (n, 3) yaw, pitch, roll in degrees; `blinks` and `averted` are (start, end) spans of blinks
    and of an averted gaze. A blink counts where it starts in kept time; head speed is taken
    only between consecutive frames that are both kept.
    """
    stamps = np.asarray(times, dtype=np.float64)
    shapes = np.asarray(blendshapes, dtype=np.float64)
    angles = np.asarray(head, dtype=np.float64)
    finite = np.isfinite(shapes).all(axis=1) & np.isfinite(angles).all(axis=1)
    wanted = np.ones(stamps.shape[0], dtype=bool) if keep is None else np.asarray(keep, bool)
    kept: BoolArray = np.asarray(finite & wanted, dtype=bool)
    step = float(np.median(np.diff(stamps))) if stamps.size > 1 else 1.0 / 30
    seconds = float(kept.sum()) * step
    counted: list[tuple[float, float]] = []
    for begin, finish in blinks or []:
        index = int(np.searchsorted(stamps, begin - 1e-9))
        if index < stamps.size and bool(kept[index]):
            counted.append((begin, finish))
    pairs = kept[1:] & kept[:-1]
    speed = np.linalg.norm(np.diff(angles, axis=0), axis=1) / np.maximum(np.diff(stamps), 1e-9)
    head_speed = np.asarray(speed[pairs], dtype=np.float64)
    frequencies, power = _spectrum(speed, pairs, step)
    averted_frames = _within(stamps, averted or []) & kept
    averted_share = float(averted_frames.sum()) / float(kept.sum()) if kept.any() else 0.0
    return FaceStatistics(
        seconds=seconds,
        blinks_per_min=60.0 * len(counted) / seconds if seconds > 0 else 0.0,
        blink_durations=np.array([b - a for a, b in counted], dtype=np.float64),
        smile=_column(shapes[kept], "mouthSmileLeft", "mouthSmileRight"),
        brow_raise=_column(shapes[kept], "browInnerUp", "browOuterUpLeft", "browOuterUpRight"),
        brow_lower=_column(shapes[kept], "browDownLeft", "browDownRight"),
        jaw=_column(shapes[kept], "jawOpen"),
        head_speed=head_speed,
        spectrum_hz=frequencies,
        spectrum_power=power,
        gaze_aversion=averted_share,
    )


def _spectrum(speed: FloatArray, pairs: BoolArray, step: float) -> tuple[FloatArray, FloatArray]:
    """Welch spectrum of head speed averaged over the runs of kept frame pairs long enough for
    one segment; empty arrays when none is."""
    length = max(4, round(SPECTRUM_SEGMENT_S / step))
    padded = np.concatenate([[False], pairs, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    spectra = []
    weights = []
    frequencies = np.zeros(0)
    for start, stop in runs:
        if stop - start < length:
            continue
        frequencies, power = welch(speed[start:stop], fs=1.0 / step, nperseg=length)
        spectra.append(power)
        weights.append(stop - start)
    if not spectra:
        return np.zeros(0), np.zeros(0)
    return (
        np.asarray(frequencies, dtype=np.float64),
        np.asarray(np.average(spectra, axis=0, weights=weights), dtype=np.float64),
    )


def track_statistics(track: FaceTrack, behaviour: FaceBehaviour) -> dict[str, FaceStatistics]:
    """Statistics of a tracked face over all its face time, and split into speaking and
    silent time (keys `all`, `speaking`, `silent`)."""
    blinks = [(e.start, e.end) for e in behaviour.events if isinstance(e, FaceEvent) and e.au == 45]
    averted = [(e.start, e.end) for e in behaviour.events if isinstance(e, GazeEvent)]
    speaking = speaking_mask(track)
    parts = {"all": track.present, "speaking": speaking, "silent": track.present & ~speaking}
    return {
        name: face_statistics(
            track.times,
            track.blendshapes,
            track.head,
            keep=mask,
            blinks=blinks,
            averted=averted,
        )
        for name, mask in parts.items()
    }
