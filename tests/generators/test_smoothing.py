"""The One Euro filter and the jitter metric: hand-computed values, known signals with seeded
noise, lag on a step and a ramp, missing keypoints, and the OpenPose conditioning wiring."""

from __future__ import annotations

import math

import numpy as np
import pytest

from motiondirector.generators.openpose import (
    Camera,
    coco18_keypoints,
    conditioning_keypoints,
    openpose_frames,
)
from motiondirector.generators.smoothing import (
    OneEuroFilter,
    frame_clock,
    jitter,
    smooth_keypoints,
)
from motiondirector.motion.clip import Motion

# A cutoff of 1 / (2 pi) Hz has time constant 1 s: over dt = 1 s the smoothing factor is 1/2.
UNIT = 1.0 / (2.0 * math.pi)
FPS = 30.0


def test_hand_computed_values_without_speed_adaptation() -> None:
    # alpha = 1/2 throughout: x_hat = 0, 0 + (1 - 0)/2, 0.5 + (1 - 0.5)/2.
    out = OneEuroFilter(min_cutoff=UNIT, beta=0.0, d_cutoff=UNIT)([0.0, 1.0, 1.0], [0, 1, 2])
    np.testing.assert_allclose(out, [0.0, 0.5, 0.75], rtol=0, atol=1e-15)


def test_hand_computed_values_with_speed_adaptation() -> None:
    # beta = 1/(2 pi): cutoff (1 + s)/(2 pi), so alpha = (1 + s)/(2 + s) for speed estimate s.
    # Frame 1: dx = 1, s = 0.5 dx = 0.5, alpha = 0.6, x_hat = 0.6.
    # Frame 2: dx = 1 - 0.6 = 0.4, s = 0.5 + 0.5 (0.4 - 0.5) = 0.45, alpha = 1.45 / 2.45.
    out = OneEuroFilter(min_cutoff=UNIT, beta=UNIT, d_cutoff=UNIT)([0.0, 1.0, 1.0], [0, 1, 2])
    np.testing.assert_allclose(out, [0.0, 0.6, 0.6 + 0.4 * 1.45 / 2.45], rtol=1e-14)


def test_speed_of_a_point_is_its_velocity_length() -> None:
    # One 2D point jumping by (3, 4): speed estimate |(1.5, 2)| = 2.5, alpha = 3.5 / 4.5.
    points = np.array([[[0.0, 0.0]], [[3.0, 4.0]]])
    out = OneEuroFilter(min_cutoff=UNIT, beta=UNIT, d_cutoff=UNIT)(points, [0.0, 1.0])
    np.testing.assert_allclose(out[1, 0], np.array([3.0, 4.0]) * 3.5 / 4.5, rtol=1e-14)


def test_uneven_timestamps_set_the_smoothing_factor() -> None:
    # dt = 2 s with a 1 s time constant: alpha = 1 / (1 + 1/2) = 2/3.
    out = OneEuroFilter(min_cutoff=UNIT, beta=0.0, d_cutoff=UNIT)([0.0, 3.0], [5.0, 7.0])
    np.testing.assert_allclose(out, [0.0, 2.0], rtol=1e-14)


@pytest.mark.parametrize("shape", [(40,), (40, 5), (40, 18, 3)])
def test_constant_input_stays_exactly_constant(shape: tuple[int, ...]) -> None:
    pose = np.linspace(-2.0, 3.7, int(np.prod(shape[1:]))).reshape(shape[1:]) + 0.1234567
    values = np.ascontiguousarray(np.broadcast_to(pose, shape))
    out = OneEuroFilter(min_cutoff=0.3, beta=7.0)(values, frame_clock(shape[0], FPS))
    assert np.array_equal(out, values)


def _noisy_gestures(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Six 3D keypoints that hold, move up to ~30 cm in 0.5 s (minimum jerk), hold, move half
    way back, and hold: 4 s at 30 fps, plus 5 mm of seeded Gaussian noise."""
    times = frame_clock(120, FPS)

    def minimum_jerk(start: float, duration: float) -> np.ndarray:
        s = np.clip((times - start) / duration, 0.0, 1.0)
        return (10 * s**3 - 15 * s**4 + 6 * s**5)[:, None]

    directions = np.random.default_rng(100).normal(0.0, 0.15, (6, 3))
    clean = np.zeros((120, 6, 3))
    for k, direction in enumerate(directions):
        clean[:, k] = (minimum_jerk(1.0 + 0.1 * k, 0.5) - 0.5 * minimum_jerk(2.6, 0.6)) * direction
    noisy = clean + np.random.default_rng(seed).normal(0.0, 0.005, clean.shape)
    return times, clean, noisy


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_filter_lowers_jitter_while_lag_stays_bounded(seed: int) -> None:
    times, clean, noisy = _noisy_gestures(seed)
    out = OneEuroFilter()(noisy, times)
    before, after = jitter(noisy), jitter(out)
    assert before.shape == after.shape == (6,)
    # Measured with the defaults: 5.0-5.1x less jitter on average, at least 4.3x per keypoint.
    assert (before / after).mean() > 4.5 and (before / after).min() > 3.5
    # While the points hold still the output is closer to the truth (measured: 0.40-0.43 of the
    # input's error).
    holding = np.linalg.norm(np.gradient(clean, axis=0), axis=2).max(axis=1) < 1e-6
    assert holding.sum() > 40
    error_in = np.sqrt(((noisy - clean)[holding] ** 2).sum(-1).mean())
    error_out = np.sqrt(((out - clean)[holding] ** 2).sum(-1).mean())
    assert error_out < 0.6 * error_in
    # In the moves the speed-raised cutoff bounds the lag: measured at most 4.4 cm; the fixed
    # 1 Hz low-pass (beta = 0) trails by up to 15.7 cm.
    worst = np.linalg.norm(out - clean, axis=2).max()
    worst_plain = np.linalg.norm(OneEuroFilter(beta=0.0)(noisy, times) - clean, axis=2).max()
    assert worst < 0.05 and worst < 0.4 * worst_plain


def test_step_response_is_monotone_and_settles_within_a_bounded_lag() -> None:
    times = frame_clock(90, FPS)
    step = (times >= 1.0).astype(np.float64)  # frame 30 jumps from 0 to 1 (metres)
    adaptive = OneEuroFilter()(step, times)
    plain = OneEuroFilter(beta=0.0)(step, times)
    assert np.array_equal(adaptive[:30], np.zeros(30))
    after = adaptive[30:]
    assert (np.diff(after) >= 0).all() and (after <= 1.0).all()  # no overshoot
    frames_to_90 = int(np.argmax(after >= 0.9))
    # Measured: 90 % one frame after the step; the fixed 1 Hz low-pass alone needs 12.
    assert 0 < frames_to_90 <= 3
    assert frames_to_90 < int(np.argmax(plain[30:] >= 0.9))


def test_lag_on_a_ramp_matches_theory_and_speed_adaptation_shrinks_it() -> None:
    times = frame_clock(150, FPS)
    ramp = 0.5 * times  # 0.5 m/s
    plain = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    dt = 1.0 / FPS
    alpha = 2 * math.pi * dt / (1 + 2 * math.pi * dt)
    # A first-order filter trails a ramp of slope v by v dt (1 - alpha) / alpha at steady state.
    expected_lag = 0.5 * dt * (1 - alpha) / alpha
    lag_plain = ramp[-1] - plain(ramp, times)[-1]
    assert lag_plain == pytest.approx(expected_lag, rel=1e-6)
    lag_adaptive = ramp[-1] - OneEuroFilter(min_cutoff=1.0, beta=4.0)(ramp, times)[-1]
    # Measured: 1.6 cm behind at 0.5 m/s against 8.0 cm without speed adaptation.
    assert 0 < lag_adaptive < 0.3 * lag_plain
    assert lag_adaptive < 0.025


def test_keypoints_are_filtered_independently() -> None:
    times, _, noisy = _noisy_gestures(3)
    together = OneEuroFilter()(noisy, times)
    for k in range(noisy.shape[1]):
        alone = OneEuroFilter()(noisy[:, k : k + 1], times)
        np.testing.assert_allclose(together[:, k : k + 1], alone, rtol=0, atol=1e-15)


def test_missing_keypoint_stays_missing_and_restarts_where_it_reappears() -> None:
    values = np.zeros((6, 2, 2))
    values[:, 0] = np.arange(6)[:, None] * 0.1
    values[:, 1] = 5.0
    values[2:4, 1] = np.nan
    values[4:, 1] = 9.0
    out = OneEuroFilter()(values, frame_clock(6, FPS))
    assert np.isnan(out[2:4, 1]).all()
    np.testing.assert_array_equal(out[4, 1], [9.0, 9.0])  # fresh start: the raw value
    assert np.isfinite(out[:, 0]).all()
    np.testing.assert_allclose(out[:, 0], OneEuroFilter()(values[:, :1], frame_clock(6, FPS))[:, 0])


def test_jitter_of_known_signals() -> None:
    times = frame_clock(30, FPS)
    parabola = (times**2)[:, None]
    # Second difference of t^2 is 2 dt^2 per frame squared; the acceleration is 2 m/s^2.
    np.testing.assert_allclose(jitter(parabola), [2.0 / FPS**2], rtol=1e-9)
    np.testing.assert_allclose(jitter(parabola, times), [2.0], rtol=1e-9)
    uneven = np.array([0.0, 0.1, 0.3, 0.35, 0.8])
    np.testing.assert_allclose(jitter(uneven**2, uneven), 2.0, rtol=1e-9)
    # A 3D point: the vector length, 3-4-5.
    points = np.zeros((3, 1, 3))
    points[1, 0] = [-1.5, -2.0, 0.0]
    np.testing.assert_allclose(jitter(points), [5.0])
    assert jitter(np.full((10, 4), 3.0)).tolist() == [0.0] * 4
    assert np.isnan(jitter(np.zeros((2, 1)))).all()


def test_jitter_skips_missing_frames() -> None:
    values = np.arange(8, dtype=np.float64)[:, None] ** 2
    values[5, 0] = np.nan
    # Second differences touching frame 5 are left out; the others are all 2.
    assert jitter(values).tolist() == [2.0]


def test_bad_settings_and_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="min_cutoff"):
        OneEuroFilter(min_cutoff=0.0)
    with pytest.raises(ValueError, match="beta"):
        OneEuroFilter(beta=-1.0)
    with pytest.raises(ValueError, match="increasing"):
        OneEuroFilter()([1.0, 2.0, 3.0], [0.0, 0.1, 0.1])
    with pytest.raises(ValueError, match="one timestamp per frame"):
        OneEuroFilter()([1.0, 2.0], [0.0])
    with pytest.raises(ValueError, match="keypoints"):
        smooth_keypoints(np.zeros((4, 3)), FPS)


def _noisy_motion() -> Motion:
    rest = Motion.rest(60)
    root = rest.root_positions + np.random.default_rng(7).normal(0.0, 0.01, (60, 3))
    return Motion(rest.rotations, root, rest.fps)


def test_conditioning_keypoints_are_smoothed_by_default() -> None:
    motion = _noisy_motion()
    raw = coco18_keypoints(motion)
    smoothed = conditioning_keypoints(motion)
    assert np.array_equal(conditioning_keypoints(motion, smooth=False), raw)
    np.testing.assert_allclose(smoothed, smooth_keypoints(raw, motion.fps))
    assert jitter(smoothed).mean() < jitter(raw).mean() / 4


def test_openpose_frames_draw_the_smoothed_keypoints_unless_told_not_to() -> None:
    motion = _noisy_motion()
    camera = Camera(128, 128, 150.0, (0.0, 1.0, 3.5), (0.0, 1.0, 0.0))
    smooth = np.stack(list(openpose_frames(motion, camera)))
    raw = np.stack(list(openpose_frames(motion, camera, smooth=False)))
    assert smooth.shape == raw.shape == (60, 128, 128, 3)
    assert np.array_equal(smooth[0], raw[0])  # the filter starts at the first pose
    # Frame-to-frame pixel change is the jitter the viewer sees.
    change_smooth = np.abs(np.diff(smooth.astype(np.int16), axis=0)).mean()
    change_raw = np.abs(np.diff(raw.astype(np.int16), axis=0)).mean()
    assert change_smooth < 0.6 * change_raw
