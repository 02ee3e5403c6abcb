"""The whole pipeline on real scripts: valid, deterministic, and the promises the plan makes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from motiondirector import MotionPlan, plan_script, plan_text
from motiondirector.errors import MotionDirectorError, PlanValidationError, ScriptError
from motiondirector.plan.motion_plan import GazeEvent
from motiondirector.plan.scene import stage_spans
from motiondirector.plan.validate import validate_plan

from ..conftest import EXAMPLE_SCENE, SHARED_DATA

SCRIPTS = sorted((SHARED_DATA / "screenplays").glob("*.fountain"))


@pytest.fixture(scope="module", params=[EXAMPLE_SCENE, *SCRIPTS], ids=lambda p: p.stem)
def planned(request: pytest.FixtureRequest) -> tuple[Path, MotionPlan]:
    path: Path = request.param
    return path, plan_script(path)


def test_every_script_gives_a_valid_plan(planned: tuple[Path, MotionPlan]) -> None:
    _, plan = planned
    assert validate_plan(plan) == []
    assert plan.utterances and plan.scene.duration > 0


def test_same_input_same_bytes(planned: tuple[Path, MotionPlan]) -> None:
    path, plan = planned
    assert plan_script(path).to_json() == plan.to_json()


def test_every_utterance_has_an_emotion_and_speaker_behaviour(
    planned: tuple[Path, MotionPlan],
) -> None:
    _, plan = planned
    for utterance in plan.utterances:
        assert utterance.emotion.label
        events = [
            e
            for e in plan.character(utterance.speaker).events
            if e.start < utterance.end and e.end > utterance.start
        ]
        channels = {e.channel for e in events}
        assert "face" in channels, utterance.id
        assert channels & {"head", "gaze"}, utterance.id


def test_on_stage_characters_always_have_a_gaze_target(planned: tuple[Path, MotionPlan]) -> None:
    _, plan = planned
    for beat in plan.beats:
        for name in beat.characters:
            for start, end in stage_spans(beat, name):  # between entrances and exits
                gaze = sorted(
                    (
                        e
                        for e in plan.character(name).events
                        if isinstance(e, GazeEvent) and start <= e.start < end
                    ),
                    key=lambda e: e.start,
                )
                assert gaze, (beat.index, name)
                assert gaze[0].start == start and gaze[-1].end == end
                for before, after in itertools.pairwise(gaze):
                    assert before.end == after.start


def test_listeners_listen(planned: tuple[Path, MotionPlan]) -> None:
    _, plan = planned
    checked = looked = 0
    # Listeners react ~0.3 s into a turn, so a "Yep." is over before anyone turns to look.
    for utterance in (u for u in plan.utterances if u.end - u.start >= 1.0):
        beat = next(b for b in plan.beats if b.start <= utterance.start < b.end)
        for listener in (c for c in beat.characters if c != utterance.speaker):
            late = utterance.start + 0.75 * (utterance.end - utterance.start)
            target = [
                e.target
                for e in plan.character(listener).events
                if isinstance(e, GazeEvent) and e.start <= late < e.end
            ]
            checked += 1
            looked += target == [utterance.speaker]
    if checked:
        assert looked / checked >= 0.8, (looked, checked)


def test_plan_text_and_fps() -> None:
    plan = plan_text("ANA: Hello, Ben! How are you?\nBEN: Fine, thanks.", format="text", fps=60)
    assert plan.scene.fps == 60
    assert [u.speaker for u in plan.utterances] == ["ANA", "BEN"]
    with pytest.raises(PlanValidationError, match="fps"):
        plan_text("ANA: Hi.", format="text", fps=24)


@pytest.mark.parametrize("seed", [-1, 1.5, "7"])
def test_a_seed_that_is_not_a_natural_number_is_a_plan_error(seed: object) -> None:
    """A negative seed failed inside numpy's random generator with a bare ValueError."""
    with pytest.raises(PlanValidationError, match="seed must be an integer >= 0"):
        plan_text("ANA: Hi.", format="text", seed=seed)  # type: ignore[arg-type]


def test_a_numpy_integer_seed_is_a_seed() -> None:
    import numpy as np

    same = plan_text("ANA: Hi.", format="text", seed=np.int64(7))  # type: ignore[arg-type]
    assert same.to_json() == plan_text("ANA: Hi.", format="text", seed=7).to_json()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"limits": {"max_duration_s": 5}}, "limits must be a SceneLimits or None, got dict"),
        ({"timing": {"words_per_minute": 90}}, "timing must be a TimingOptions or None, got dict"),
        ({"planner": 42}, "planner must be a planner name .* got int"),
    ],
)
def test_options_of_the_wrong_type_are_refused_by_name(
    options: dict[str, object], message: str
) -> None:
    """A dict of limits or timings failed deep inside the reader with a bare AttributeError."""
    with pytest.raises(MotionDirectorError, match=message):
        plan_text("ANA: Hi.", format="text", **options)  # type: ignore[arg-type]


def test_missing_file_is_a_script_error(tmp_path: Path) -> None:
    with pytest.raises(ScriptError):
        plan_script(tmp_path / "nope.fountain")
