from __future__ import annotations

import json
from pathlib import Path

import pytest

from motiondirector.errors import PlanValidationError
from motiondirector.plan.direction import ActionDirection, Direction
from motiondirector.plan.motion_plan import GazeEvent, GestureEvent, MotionPlan
from motiondirector.plan.realizer import realize
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import Timeline
from motiondirector.plan.validate import (
    NotAPlanError,
    check_plan,
    load_plan_json,
    validate_direction,
    validate_plan,
)

from .conftest import b


def _replace_events(plan: MotionPlan, name: str, fn: object) -> MotionPlan:
    tracks = tuple(
        t.model_copy(update={"events": tuple(fn(e) for e in t.events)}) if t.name == name else t  # type: ignore[operator]
        for t in plan.characters
    )
    return plan.model_copy(update={"characters": tracks})


def test_every_violation_is_reported(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    duration = plan.scene.duration

    def break_event(event: object) -> object:
        if isinstance(event, GazeEvent):
            return event.model_copy(update={"target": "NOBODY"})
        if isinstance(event, GestureEvent) and event.lexeme == "point":
            sync = event.sync.model_copy(
                update={"stroke": event.sync.start, "ready": event.sync.relax}
            )
            return event.model_copy(update={"sync": sync, "end": duration + 5})
        return event

    broken = _replace_events(plan, "ANA", break_event)
    problems = validate_plan(broken)
    text = "\n".join(problems)
    assert "target 'NOBODY'" in text
    assert "sync points not ordered" in text
    assert "outside the scene" in text
    # every gaze event of ANA is reported, not just the first
    n_gaze = sum(isinstance(e, GazeEvent) for e in plan.character("ANA").events)
    assert sum("NOBODY" in p for p in problems) == n_gaze
    with pytest.raises(PlanValidationError) as raised:
        check_plan(broken)
    assert raised.value.violations == problems


def test_two_gestures_on_one_hand_at_once_is_a_violation(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)

    def to_right(event: object) -> object:
        if isinstance(event, GestureEvent):
            return event.model_copy(update={"hand": "right"})
        return event

    problems = validate_plan(_replace_events(plan, "ANA", to_right))
    assert any("use the right hand at once" in p for p in problems)


def test_load_plan_json_reports_schema_errors_with_paths(
    two_person_scene: Scene, direction: Direction
) -> None:
    data = json.loads(realize(two_person_scene, direction).to_json())
    data["characters"][0]["events"][0]["lexeme"] = "moonwalk"
    data["utterances"][0]["emotion"]["intensity"] = 3
    with pytest.raises(PlanValidationError) as raised:
        load_plan_json(json.dumps(data))
    text = "\n".join(raised.value.violations)
    assert "characters.0.events.0" in text and "utterances.0.emotion.intensity" in text
    with pytest.raises(PlanValidationError, match="not JSON"):
        load_plan_json("{nope")


def test_valid_plan_round_trips(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    assert load_plan_json(plan.to_json()) == plan


def test_direction_validation(two_person_scene: Scene, direction: Direction) -> None:
    assert validate_direction(direction, two_person_scene) == []
    first = direction.utterances[0]
    bad = first.model_copy(
        update={
            "behaviours": (
                b("ANA", "gesture", lexeme="moonwalk", word=0),
                b("ZED", "head", lexeme="nod", word=0),
                b("ANA", "face", au=99, word=0),
                b("ANA", "gaze", target="NOBODY", word=0),
                b("ANA", "head", lexeme="nod", word=40),
            )
        }
    )
    problems = validate_direction(
        direction.model_copy(update={"utterances": (bad, *direction.utterances[1:])}),
        two_person_scene,
    )
    assert len(problems) == 5, problems
    # An action's words are its text's ("Ana crosses her arms." has four).
    action = ActionDirection(
        action_id="a1",
        behaviours=(
            b("ANA", "gesture", lexeme="cross_arms", word=1, origin="action"),
            b("ANA", "head", lexeme="nod", word=4, origin="action"),
        ),
    )
    problems = validate_direction(
        direction.model_copy(update={"actions": (action,)}), two_person_scene
    )
    assert problems == ["action a1 behaviour 1: word 4 is past the last word (3)"]


def _other_documents(scene: Scene, direction: Direction) -> dict[str, object]:
    return {
        "timeline": Timeline(duration=scene.duration, characters=()).model_dump(mode="json"),
        "direction": direction.model_dump(mode="json"),
        "scene": scene.model_dump(mode="json"),
        "revision": {"note": "Ana angrier", "parser": "rules", "constraints": [], "diff": {}},
        "search": [{"rank": 1, "id": "builtin/wave", "score": 0.5, "reason": "meaning"}],
        "otio": {"OTIO_SCHEMA": "Timeline.1", "tracks": {}},
        "export": {"format": "motiondirector-arkit-52", "version": "1.0"},
        "schema": {"$defs": {}, "title": "MotionPlan"},
        "dialogue": {"turns": [{"speaker": "ANA", "text": "Hi."}]},
    }


def test_other_documents_are_named_instead_of_listed_as_violations(
    two_person_scene: Scene, direction: Direction
) -> None:
    for name, data in _other_documents(two_person_scene, direction).items():
        with pytest.raises(NotAPlanError) as caught:
            load_plan_json(json.dumps(data))
        error = caught.value
        assert (error.document, error.instead) == (name, None)
        assert str(error).startswith("the file is ") and "not a motion plan" in str(error)
        assert "Field required" not in str(error)
        assert isinstance(error, PlanValidationError) and error.violations == [str(error)]


def test_the_plan_beside_another_document_is_named(
    tmp_path: Path, two_person_scene: Scene, direction: Direction
) -> None:
    timeline = tmp_path / "timeline.json"
    timeline.write_text(json.dumps(_other_documents(two_person_scene, direction)["timeline"]))
    with pytest.raises(NotAPlanError, match=r"give the plan\.json that `motiondirector direct"):
        load_plan_json(timeline.read_text(), source=timeline)
    plan = realize(two_person_scene, direction)
    (tmp_path / "plan.json").write_text(plan.model_dump_json())
    with pytest.raises(NotAPlanError) as caught:
        load_plan_json(timeline.read_text(), source=timeline)
    assert caught.value.instead == tmp_path / "plan.json"
    assert str(caught.value) == (
        f"{timeline} is a timeline (timeline.json: the clips chosen for a plan), not a motion "
        f"plan; give {tmp_path / 'plan.json'} instead"
    )
    assert load_plan_json((tmp_path / "plan.json").read_text(), source=tmp_path / "plan.json")


def test_a_script_given_as_a_plan_is_named_a_script(tmp_path: Path) -> None:
    script = tmp_path / "scene.fountain"
    script.write_text("INT. KITCHEN - DAY\n\nANA\nHello.\n")
    with pytest.raises(NotAPlanError) as caught:
        load_plan_json(script.read_text(), source=script)
    assert caught.value.document == "text"
    assert str(caught.value).startswith(f"{script} is not JSON, so not a motion plan")
    assert "motiondirector direct SCRIPT --out FOLDER" in str(caught.value)
    # Broken JSON is still told where it broke.
    with pytest.raises(PlanValidationError, match=r"not JSON: .* at line 1") as broken:
        load_plan_json('{"scene": ')
    assert not isinstance(broken.value, NotAPlanError)


def test_a_broken_plan_still_lists_its_violations(
    two_person_scene: Scene, direction: Direction
) -> None:
    data = json.loads(realize(two_person_scene, direction).model_dump_json())
    del data["beats"]
    data["characters"][0]["bogus"] = 1
    with pytest.raises(PlanValidationError) as caught:
        load_plan_json(json.dumps(data))
    assert not isinstance(caught.value, NotAPlanError)
    assert len(caught.value.violations) == 2
