"""Lip closure on the real screenplays of the shared data, planned with the rules planner:
the lips close on /p/, /b/ and /m/ and stay open on open vowels, at the phoneme's centre and
on the 30 fps frames of the ARKit export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motiondirector.export.arkit import arkit_curves
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize.pipeline import plan_script
from motiondirector.speech import character_keys, speech_curves

NAMES = load_arkit_map().blendshapes
COL = {name: i for i, name in enumerate(NAMES)}
CLOSING = [COL["mouthClose"], COL["mouthPressLeft"], COL["mouthPressRight"]]
BILABIALS = {"P", "B", "M"}
OPEN_VOWELS = {"AA", "AE", "AH", "AO", "AW", "AY"}


@pytest.fixture(scope="module")
def plans(shared_data: Path) -> list[MotionPlan]:
    scripts = sorted((shared_data / "screenplays").glob("*.fountain"))
    assert len(scripts) >= 3
    return [plan_script(script) for script in scripts]


def _closure_at(plan: MotionPlan, character: str, times: np.ndarray) -> np.ndarray:
    weights, _ = speech_curves(character_keys(plan, character), times, NAMES)
    return weights[:, CLOSING].max(axis=1)


def test_lips_close_on_bilabials_and_stay_open_on_open_vowels(plans: list[MotionPlan]) -> None:
    closed = total = open_closed = open_total = 0
    for plan in plans:
        for character in sorted({u.speaker for u in plan.utterances}):
            keys = character_keys(plan, character)
            bilabials = [k for k in keys if k.phoneme in BILABIALS]
            opens = [k for k in keys if k.viseme == "aa" and k.phoneme[:2] in OPEN_VOWELS]
            at = np.array([(k.start + k.end) / 2 for k in bilabials])
            closed += int((_closure_at(plan, character, at) > 0.5).sum())
            total += len(bilabials)
            at = np.array([(k.start + k.end) / 2 for k in opens])
            open_closed += int((_closure_at(plan, character, at) > 0.5).sum())
            open_total += len(opens)
    assert total >= 100 and open_total >= 100
    assert closed / total >= 0.95, (closed, total)
    assert open_closed == 0


def test_the_exported_frames_close_the_lips_within_each_bilabial(plans: list[MotionPlan]) -> None:
    checked = closed = 0
    for plan in plans:
        for character in sorted({u.speaker for u in plan.utterances}):
            times, weights = arkit_curves(plan, character, 30)
            closure = weights[:, CLOSING].max(axis=1)
            for key in character_keys(plan, character):
                inside = (times >= key.start) & (times <= key.end)
                if key.phoneme in BILABIALS and inside.any():
                    checked += 1
                    closed += int(closure[inside].max() > 0.5)
    assert checked >= 100
    assert closed / checked >= 0.95, (closed, checked)
