"""The One Euro filter for keypoint sequences, and a jitter metric to check what it does.

The One Euro filter (Casiez, Roussel and Vogel, CHI 2012) is a first-order low-pass filter whose
cutoff rises with speed: at rest a low cutoff removes jitter, in fast movement a high cutoff
keeps lag small. Per frame i, with dt = t[i] - t[i-1] and alpha(fc) = 1 / (1 + 1 / (2 pi fc dt)):

    dx[i]  = (x[i] - x_hat[i-1]) / dt                        speed of the raw signal
    dx_hat = dx_hat[i-1] + alpha(d_cutoff) (dx[i] - dx_hat[i-1])  smoothed speed
    fc     = min_cutoff + beta |dx_hat|
    x_hat  = x_hat[i-1] + alpha(fc) (x[i] - x_hat[i-1])

starting from x_hat[0] = x[0] and dx_hat[0] = 0; the speed is taken against the previous
*filtered* value, as in the paper's pseudocode. For points (frames, keypoints, dims) the speed
|dx_hat| is the length of each keypoint's velocity vector, so all of a keypoint's coordinates
share one cutoff and the filter does not depend on the axes. The loop runs over frames (the
filter is recursive); every step is vectorised over keypoints.

This module only filters and measures arrays; it knows nothing of skeletons or images.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class OneEuroFilter:
    """One Euro filter settings: `min_cutoff` (Hz) is the cutoff at rest, `beta` (per unit of
    speed) how fast the cutoff rises with speed, `d_cutoff` (Hz) the cutoff of the speed
    estimate. The defaults suit joint positions in metres at 30 to 60 fps: a 1 Hz cutoff at
    rest, 5 Hz at a hand speed of 1 m/s (docs/conditioning.md has the measurements)."""

    min_cutoff: float = 1.0
    beta: float = 4.0
    d_cutoff: float = 1.0

    def __post_init__(self) -> None:
        for name in ("min_cutoff", "d_cutoff"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of hertz, got {value!r}")
        if not (math.isfinite(self.beta) and self.beta >= 0):
            raise ValueError(f"beta must be zero or positive, got {self.beta!r}")

    def __call__(self, values: npt.ArrayLike, times: npt.ArrayLike) -> FloatArray:
        """The filtered copy of `values` sampled at `times` (seconds, strictly increasing).

        `values` is (frames,), (frames, channels) of independent scalar signals, or (frames,
        keypoints, dims) of points. A keypoint with a NaN coordinate is missing in that frame:
        it stays NaN and its filter starts afresh where it reappears.
        """
        data = np.asarray(values, dtype=np.float64)
        stamps = _check_times(times, data.shape[0] if data.ndim else 0)
        if data.ndim == 0 or data.ndim > 3:
            raise ValueError(
                "values must be (frames,), (frames, channels) or (frames, keypoints, dims), "
                f"got shape {data.shape}"
            )
        points = data.reshape(data.shape[0], -1, 1) if data.ndim < 3 else data
        return self._filter_points(points, stamps).reshape(data.shape)

    def _filter_points(self, points: FloatArray, times: FloatArray) -> FloatArray:
        out = np.full_like(points, np.nan)
        if points.shape[0] == 0:
            return out
        present = np.asarray(np.isfinite(points).all(axis=2), dtype=bool)
        x_hat = np.where(present[0, :, None], points[0], np.nan)
        dx_hat = np.zeros_like(x_hat)
        out[0] = x_hat
        alive = present[0].copy()
        for i in range(1, points.shape[0]):
            dt = times[i] - times[i - 1]
            x = points[i]
            now = present[i]
            continuing = now & alive
            fresh = now & ~alive
            safe_x = np.where(now[:, None], x, 0.0)
            safe_prev = np.where(continuing[:, None], x_hat, safe_x)
            speed_now = (safe_x - safe_prev) / dt
            dx_hat = np.where(
                continuing[:, None],
                dx_hat + _alpha(self.d_cutoff, dt) * (speed_now - dx_hat),
                0.0,
            )
            cutoff = self.min_cutoff + self.beta * np.linalg.norm(dx_hat, axis=1)
            step = _alpha(cutoff, dt)[:, None] * (safe_x - safe_prev)
            # The incremental form keeps a constant input exactly constant.
            filtered = safe_prev + step
            x_hat = np.where(now[:, None], np.where(fresh[:, None], safe_x, filtered), np.nan)
            out[i] = x_hat
            alive = now
        return out


def _alpha(cutoff: FloatArray | float, dt: float) -> FloatArray:
    """Smoothing factor of a first-order low-pass filter with `cutoff` Hz over `dt` seconds."""
    rate = 2.0 * np.pi * np.asarray(cutoff, dtype=np.float64) * dt
    return np.asarray(rate / (1.0 + rate), dtype=np.float64)


def _check_times(times: npt.ArrayLike, frames: int) -> FloatArray:
    stamps = np.asarray(times, dtype=np.float64)
    if stamps.shape != (frames,):
        raise ValueError(f"times must be one timestamp per frame ({frames}), got {stamps.shape}")
    if not np.isfinite(stamps).all():
        raise ValueError("times must be finite")
    if frames > 1 and not (np.diff(stamps) > 0).all():
        raise ValueError("times must be strictly increasing")
    return stamps


def frame_clock(frames: int, fps: float) -> FloatArray:
    """Timestamps (seconds) of `frames` frames sampled at `fps`."""
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps!r}")
    return np.arange(frames, dtype=np.float64) / fps


def smooth_keypoints(
    keypoints: npt.ArrayLike, fps: float, settings: OneEuroFilter | None = None
) -> FloatArray:
    """`keypoints` (frames, keypoints, 2 or 3) sampled at `fps`, One Euro filtered with
    `settings` (default: `OneEuroFilter()`, tuned for metres)."""
    data = np.asarray(keypoints, dtype=np.float64)
    if data.ndim != 3 or data.shape[2] not in (2, 3):
        raise ValueError(f"keypoints must be (frames, keypoints, 2 or 3), got {data.shape}")
    chosen = settings if settings is not None else OneEuroFilter()
    return chosen(data, frame_clock(data.shape[0], fps))


def jitter(values: npt.ArrayLike, times: npt.ArrayLike | None = None) -> FloatArray:
    """Mean magnitude of the acceleration of each keypoint: the jitter a filter should remove.

    `values` is (frames, keypoints, dims) (the magnitude is the vector length) or (frames,
    channels) / (frames,) of scalar signals. Without `times` the acceleration is the second
    difference x[i+1] - 2 x[i] + x[i-1] in units per frame squared; with `times` (seconds) it is
    the second derivative in units per second squared (exact for unevenly spaced frames on a
    parabola). Frames where a keypoint is missing (NaN) are left out of its mean; a keypoint
    with fewer than three valid frames in a row scores NaN.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.ndim == 0 or data.ndim > 3:
        raise ValueError(f"values must have 1 to 3 dimensions, got shape {data.shape}")
    points = data.reshape(data.shape[0], -1, 1) if data.ndim < 3 else data
    if times is None:
        acceleration = points[2:] - 2.0 * points[1:-1] + points[:-2]
    else:
        stamps = _check_times(times, points.shape[0])
        before = np.diff(stamps)[:-1, None, None]
        after = np.diff(stamps)[1:, None, None]
        slope_in = (points[1:-1] - points[:-2]) / before
        slope_out = (points[2:] - points[1:-1]) / after
        acceleration = 2.0 * (slope_out - slope_in) / (before + after)
    magnitude = np.linalg.norm(acceleration, axis=2)
    valid = np.isfinite(magnitude)
    counts = valid.sum(axis=0)
    totals = np.where(valid, magnitude, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
    shape = data.shape[1:-1] if data.ndim == 3 else data.shape[1:]
    return result.reshape(shape)
