"""Statistics of faces over time, from plain arrays and from a real tracked face."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.faces.events import FaceBehaviour
from motiondirector.faces.stats import face_statistics, track_statistics
from motiondirector.faces.tracker import FaceTrack
from motiondirector.plan.vocabulary import load_arkit_map

FPS = 30.0


def test_statistics_of_known_curves() -> None:
    times = np.arange(300) / FPS  # 10 s
    names = load_arkit_map().blendshapes
    shapes = np.zeros((300, 52))
    shapes[:, names.index("mouthSmileLeft")] = shapes[:, names.index("mouthSmileRight")] = 0.4
    shapes[:, names.index("jawOpen")] = np.linspace(0, 1, 300)
    head = np.zeros((300, 3))
    head[:, 1] = 5.0 * np.sin(2 * np.pi * 2.0 * times)  # a 2 Hz nodding
    blinks = [(1.0, 1.2), (4.0, 4.15), (8.0, 8.3)]
    stats = face_statistics(times, shapes, head, blinks=blinks, averted=[(2.0, 4.0)])
    assert stats.seconds == pytest.approx(10.0)
    assert stats.blinks_per_min == pytest.approx(18.0)
    assert np.allclose(stats.blink_durations, [0.2, 0.15, 0.3])
    assert np.allclose(stats.smile, 0.4) and stats.jaw.max() == pytest.approx(1.0)
    assert stats.gaze_aversion == pytest.approx(0.2, abs=0.01)
    # Speed of a 2 Hz, 5 degree swing peaks near 2 pi 2 5 = 63 deg/s; |speed| repeats at 4 Hz.
    assert 55 < stats.head_speed.max() < 65
    assert stats.spectrum_hz[1 + int(np.argmax(stats.spectrum_power[1:]))] == pytest.approx(4.0)


def test_only_kept_frames_count() -> None:
    times = np.arange(60) / FPS
    shapes = np.zeros((60, 52))
    head = np.zeros((60, 3))
    head[30:, 0] = np.nan  # no face in the second half
    stats = face_statistics(times, shapes, head, blinks=[(0.5, 0.6), (1.5, 1.6)])
    assert stats.seconds == pytest.approx(1.0) and stats.blinks_per_min == pytest.approx(60.0)
    assert stats.head_speed.shape == (29,) and stats.smile.shape == (30,)
    assert stats.spectrum_hz.size == 0  # one second is shorter than a Welch segment


def test_a_real_face_speaks_with_more_jaw_than_it_rests(
    talking_track: FaceTrack, talking_behaviour: FaceBehaviour
) -> None:
    split = track_statistics(talking_track, talking_behaviour)
    assert set(split) == {"all", "speaking", "silent"}
    assert split["all"].seconds == pytest.approx(4.0)
    assert split["speaking"].seconds + split["silent"].seconds == pytest.approx(4.0)
    assert split["speaking"].jaw.mean() > split["silent"].jaw.mean()
    assert split["all"].blinks_per_min > 0 and split["all"].head_speed.mean() > 1.0
