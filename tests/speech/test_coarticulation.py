"""Coarticulation: dominance-blended mouth shapes, closure on bilabials, rounding ahead of
rounded vowels, rest in silence."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.plan.scene import Word
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.speech import speech_curves
from motiondirector.speech.coarticulation import REST_S
from motiondirector.speech.track import derive_keys
from motiondirector.speech.visemes import Key

NAMES = load_arkit_map().blendshapes
COL = {name: i for i, name in enumerate(NAMES)}


def _closure(weights: np.ndarray) -> np.ndarray:
    return np.maximum(weights[:, COL["mouthClose"]], weights[:, COL["mouthPressLeft"]])


def _keys(*words: tuple[str, float, float]) -> list[Key]:
    return derive_keys(Word(text=t, start=s, end=e) for t, s, e in words)


def test_bilabials_close_at_their_centre_and_open_vowels_do_not() -> None:
    keys = _keys(("mom", 0.0, 0.3), ("pop", 0.3, 0.55), ("bob", 0.55, 0.8))
    centres = np.array([(k.start + k.end) / 2 for k in keys])
    weights, _ = speech_curves(keys, centres, NAMES)
    closure = _closure(weights)
    for key, value in zip(keys, closure, strict=True):
        if key.viseme == "PP":
            assert value > 0.5, key
        else:
            assert value < 0.2, key
            assert weights[keys.index(key), COL["jawOpen"]] > 0.25


def test_labiodentals_tuck_the_lower_lip() -> None:
    keys = _keys(("five", 0.0, 0.4))
    f = keys[0]
    weights, _ = speech_curves(keys, np.array([(f.start + f.end) / 2]), NAMES)
    assert f.viseme == "FF"
    assert weights[0, COL["mouthRollLower"]] > 0.3
    assert _closure(weights)[0] < 0.3


def test_rounding_is_anticipated_through_the_consonants_before_it() -> None:
    # "strew": S T R before UW; "stree(t)" has the same consonants before a spread vowel.
    rounded = _keys(("strew", 0.0, 0.4))
    spread = _keys(("stree", 0.0, 0.4))
    s_time = np.array([(rounded[0].start + rounded[0].end) / 2])
    pucker = speech_curves(rounded, s_time, NAMES)[0][0, COL["mouthPucker"]]
    flat = speech_curves(spread, s_time, NAMES)[0][0, COL["mouthPucker"]]
    assert pucker > 0.05 and pucker > 4 * flat


def test_the_mouth_never_snaps() -> None:
    keys = _keys(("maybe", 0.0, 0.35), ("we", 0.35, 0.5), ("should", 0.5, 0.75))
    times = np.arange(0, 1.0, 1 / 240)
    weights, _ = speech_curves(keys, times, NAMES)
    steps = np.abs(np.diff(weights, axis=0))
    assert steps.max() < 0.1  # at 240 Hz: the curves are smooth, not stepped


@pytest.mark.parametrize("gap", [0.4, 1.0, 3.0])
def test_silence_returns_the_mouth_to_rest_within_150_ms(gap: float) -> None:
    keys = _keys(("I", 0.0, 0.2), ("am", 0.2, 0.5), ("back", 0.5 + gap, 0.8 + gap))
    times = np.arange(0, 1.2 + gap, 1 / 60)
    weights, activity = speech_curves(keys, times, NAMES)
    silent = (times >= 0.5 + REST_S) & (times <= 0.5 + gap - REST_S)
    assert REST_S <= 0.15
    assert silent.any() and np.all(weights[silent] == 0.0) and np.all(activity[silent] == 0.0)
    assert np.all(weights[times >= 0.8 + gap + REST_S] == 0.0)
    assert weights[(times > 0.0) & (times < 0.5)].max() > 0.2


def test_a_short_pause_inside_a_line_relaxes_the_mouth_without_resting_it() -> None:
    keys = _keys(("Wait,", 0.0, 0.3), ("what?", 0.5, 0.8))
    assert [k.viseme for k in keys if k.phoneme == "sil"] == ["sil"]
    times = np.array([0.15, 0.4, 0.65])
    weights, activity = speech_curves(keys, times, NAMES)
    assert activity.tolist() == [1.0, 1.0, 1.0]
    assert weights[1, COL["jawOpen"]] < 0.5 * max(
        weights[0, COL["jawOpen"]], weights[2, COL["jawOpen"]]
    )


def test_no_keys_no_movement() -> None:
    weights, activity = speech_curves([], np.linspace(0, 1, 31), NAMES)
    assert not weights.any() and not activity.any()


def test_a_word_given_no_time_moves_nothing() -> None:
    assert _keys(("instant", 1.0, 1.0)) == []
