"""The idle layer: closed-form, seeded drift of the face and head between events, at the
amounts measured on real talking faces, that the face reader never takes for speech or an
expression."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.evaluation.realism import plan_face_track
from motiondirector.export.idle import (
    IDLE_BROW_LOWER,
    IDLE_BROW_RAISE,
    IDLE_FACE_BAND_HZ,
    IDLE_FACE_CAP,
    IDLE_JAW,
    IDLE_SMILE,
    RESTING_BROW,
    band_noise,
    band_noise_rate,
    idle_face,
    resting_factor,
)
from motiondirector.faces.events import read_behaviour, speaking_mask
from motiondirector.plan.motion_plan import CharacterTrack, MotionPlan, SceneInfo
from motiondirector.plan.vocabulary import load_arkit_map

NAMES = load_arkit_map().blendshapes
COL = {name: i for i, name in enumerate(NAMES)}
HOUR = np.arange(0, 3600 * 30) / 30
MOVING = {
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "browDownLeft",
    "browDownRight",
    "mouthSmileLeft",
    "mouthSmileRight",
    "jawOpen",
}


def test_band_noise_has_unit_variance_its_rate_and_no_memory() -> None:
    noise = band_noise(HOUR, 7, (0.1, 2.0), exponent=1.0)
    assert abs(noise.mean()) < 0.1
    assert noise.std() == pytest.approx(1.0, rel=0.15)
    rate = np.diff(noise) * 30
    assert rate.std() == pytest.approx(band_noise_rate(7, (0.1, 2.0), exponent=1.0), rel=0.05)
    # A closed form of time: any window samples exactly what the whole hour does.
    window = HOUR[1234:1300]
    assert np.array_equal(band_noise(window, 7, (0.1, 2.0), exponent=1.0), noise[1234:1300])
    assert not np.allclose(band_noise(window, 8, (0.1, 2.0)), noise[1234:1300])


def test_the_face_drifts_at_the_measured_amounts_and_nothing_else_moves() -> None:
    layer = idle_face(HOUR, "ANA", NAMES)
    still = [COL[n] for n in NAMES if n not in MOVING]
    assert not layer[:, still].any()  # eyes, blinks, cheeks: untouched
    rest = RESTING_BROW * resting_factor("ANA")
    assert 0.5 * RESTING_BROW <= rest <= 1.5 * RESTING_BROW
    brow_up = layer[:, COL["browInnerUp"]]
    assert brow_up.min() == pytest.approx(rest)
    assert np.array_equal(brow_up, layer[:, COL["browOuterUpLeft"]])
    down = layer[:, COL["browDownLeft"]]
    assert not ((brow_up > rest) & (down > 0)).any()  # the brows never raise and lower at once
    for shape, mean in (
        ("mouthSmileLeft", IDLE_SMILE),
        ("browDownLeft", IDLE_BROW_LOWER),
        ("jawOpen", IDLE_JAW),
    ):
        assert layer[:, COL[shape]].mean() == pytest.approx(mean, rel=0.3), shape
    assert (brow_up - rest).mean() == pytest.approx(IDLE_BROW_RAISE, rel=0.3)
    assert layer.max() <= rest + IDLE_FACE_CAP
    # Slow: no swing faster than the band allows.
    assert np.abs(np.diff(layer, axis=0)).max() * 30 < 2 * np.pi * IDLE_FACE_BAND_HZ[1]
    # Each character's own, the same every time.
    assert np.array_equal(layer, idle_face(HOUR, "ANA", NAMES))
    assert not np.allclose(layer, idle_face(HOUR, "BEN", NAMES))


def test_the_face_reader_sees_neither_speech_nor_expressions_in_the_drift() -> None:
    scene = SceneInfo(title=None, source=None, duration=600.0, planner="test", seed=0)
    tracks = tuple(CharacterTrack(name=n, events=()) for n in ("ANA", "BEN", "MARGARET"))
    plan = MotionPlan(scene=scene, beats=(), utterances=(), characters=tracks)
    for track in tracks:
        face = plan_face_track(plan, track.name)
        assert np.ptp(face.blendshapes[:, COL["jawOpen"]]) > 0.1  # the jaw does stir
        assert not speaking_mask(face).any(), track.name
        assert read_behaviour(face).events == (), track.name
