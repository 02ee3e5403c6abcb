"""Typed provenance: origins decide precedence, lines say who directed them and why the model
did not, and documents written before these fields still load."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from motiondirector.plan.direction import (
    Behaviour,
    Direction,
    ModelFallback,
    Origin,
    Priority,
    UtteranceDirection,
    describe_fallbacks,
    priority,
)
from motiondirector.plan.motion_plan import HeadEvent, MotionPlan
from motiondirector.plan.realizer import realize
from motiondirector.plan.scene import Scene
from motiondirector.plan.validate import load_plan_json, validate_plan

from .conftest import b


def line(
    uid: str, *behaviours: Behaviour, fallback: ModelFallback | None = None
) -> UtteranceDirection:
    return UtteranceDirection(
        utterance_id=uid,
        intent="inform",
        emotion="neutral",
        intensity=0.2,
        emotion_origin="classifier",
        emotion_reason="test",
        behaviours=behaviours,
        fallback=fallback,
    )


REFUSED = ModelFallback(
    kind="unreachable", reason="cannot reach http://127.0.0.1:9/v1 (1 try): connection refused"
)


def test_every_origin_has_a_priority_in_the_documented_order() -> None:
    ranks = {o: priority(b("ANA", "head", lexeme="nod", origin=o)) for o in get_args(Origin)}
    assert ranks["parenthetical"] is ranks["action"] is ranks["opening"] is Priority.EXPLICIT
    assert ranks["beat"] is Priority.BACKGROUND
    others = set(get_args(Origin)) - {"parenthetical", "action", "opening", "beat"}
    assert {ranks[o] for o in others} == {Priority.CUE}
    assert Priority.EXPLICIT < Priority.CUE < Priority.BACKGROUND


def test_the_realizer_ranks_by_origin_never_by_rule_name(two_person_scene: Scene) -> None:
    """Two head movements on the same word: the one of explicit origin plays, although the
    other's rule reads like explicit direction."""
    lookalike = b("ANA", "head", lexeme="nod", word=0, origin="cue", rule="rules.parenthetical")
    explicit = b("ANA", "head", lexeme="shake", word=0, origin="parenthetical", rule="x.y")
    direction = Direction(
        planner="test",
        utterances=(line("u1", lookalike, explicit), line("u2"), line("u3")),
    )
    heads = [
        e
        for e in realize(two_person_scene, direction).character("ANA").events
        if isinstance(e, HeadEvent) and e.utterance_id == "u1"
    ]
    assert [e.lexeme for e in heads] == ["shake"]


def test_each_line_says_who_directed_it_and_why_the_model_did_not(
    two_person_scene: Scene,
) -> None:
    nod = b("ANA", "head", lexeme="nod", word=0, origin="llm")
    stood_in = b("BEN", "head", lexeme="shake", word=0, origin="cue")
    direction = Direction(
        planner="llm",
        utterances=(line("u1", nod), line("u2", stood_in, fallback=REFUSED), line("u3")),
    )
    plan = realize(two_person_scene, direction)
    assert [(u.planned_by, u.fallback) for u in plan.utterances] == [
        ("llm", None),
        ("rules", REFUSED),
        ("llm", None),
    ]
    sources = {
        e.utterance_id: e.source.planner
        for c in plan.characters
        for e in c.events
        if isinstance(e, HeadEvent)
    }
    assert sources == {"u1": "llm", "u2": "rules"}
    assert plan.scene.planner == "llm"
    assert plan.fallback_summary() == direction.fallback_summary()
    assert plan.fallback_summary() == (
        "the LLM could not direct 1 of 3 lines; the rules planner did: cannot reach "
        "http://127.0.0.1:9/v1 (1 try): connection refused (u2)"
    )
    assert realize(two_person_scene, direction).to_json() == plan.to_json()


def test_the_summary_groups_lines_by_reason_and_keeps_long_lists_short() -> None:
    invalid = ModelFallback(kind="invalid_output", reason="no valid answer in 3 attempts")
    lines = [(f"u{i}", REFUSED) for i in range(1, 8)] + [("u8", invalid), ("u9", None)]
    assert describe_fallbacks(lines) == (
        "the LLM could not direct 8 of 9 lines; the rules planner did: cannot reach "
        "http://127.0.0.1:9/v1 (1 try): connection refused (u1, u2, u3 and 4 more); "
        "no valid answer in 3 attempts (u8)"
    )
    assert describe_fallbacks([("u1", None)]) is None


def test_a_schema_1_0_plan_still_loads(two_person_scene: Scene, direction: Direction) -> None:
    document = json.loads(realize(two_person_scene, direction).to_json())
    document["schema_version"] = "1.0"
    for utterance in document["utterances"]:
        del utterance["planned_by"], utterance["fallback"]
    plan = load_plan_json(json.dumps(document))
    assert plan.schema_version == "1.6"  # upgraded on reading: 1.1 to 1.6 only add
    assert all(u.planned_by is None and u.fallback is None for u in plan.utterances)
    assert MotionPlan.model_validate(document).characters == plan.characters


def test_a_direction_1_0_reads_its_origins_from_the_old_rule_names() -> None:
    """Scene folders written before 1.1 keep revising the same way."""

    def old(rule: str) -> dict[str, object]:
        return {"character": "ANA", "channel": "head", "lexeme": "nod", "rule": rule, "reason": "r"}

    document = {
        "schema_version": "1.0",
        "planner": "llm",
        "utterances": [
            {
                "utterance_id": "u1",
                "intent": "inform",
                "emotion": "anger",
                "intensity": 0.7,
                "emotion_reason": 'parenthetical "(angrily)"',
                "behaviours": [
                    old(rule)
                    for rule in (
                        "rules.parenthetical",
                        "rules.negation",
                        "rules.beat",
                        "rules.emotion",
                        "rules.listener.backchannel",
                        "rules.gaze.addressee",
                        "llm.head",
                        "revision.gestures.beat",
                        "session.carried_emotion",
                    )
                ],
            },
            {
                "utterance_id": "u2",
                "intent": "inform",
                "emotion": "joy",
                "intensity": 0.5,
                "emotion_reason": "classifier: joy 0.80; rules stood in for the LLM: "
                "cannot reach http://x/v1 (4 tries): Connection error.",
                "behaviours": [old("fallback.rules.action")],
            },
        ],
        "actions": [{"action_id": "a1", "behaviours": [old("rules.action")]}],
    }
    direction = Direction.model_validate_json(json.dumps(document))
    first, second = direction.utterances
    assert direction.schema_version == "1.5"
    assert [x.origin for x in first.behaviours] == [
        "parenthetical",
        "cue",
        "beat",
        "emotion",
        "listener",
        "addressee",
        "llm",
        "beat",
        "emotion",
    ]
    assert (first.emotion_origin, first.fallback) == ("parenthetical", None)
    assert second.emotion_origin == "classifier"
    assert second.fallback == ModelFallback(
        kind="unreachable", reason="cannot reach http://x/v1 (4 tries): Connection error."
    )
    assert second.behaviours[0].origin == "action"
    assert direction.actions[0].behaviours[0].origin == "action"
    assert direction.planned_by(second) == "rules"


@pytest.mark.parametrize("older", ["1.1", "1.2", "1.3", "1.4"])
def test_a_direction_1_1_to_1_4_loads_as_1_5(direction: Direction, older: str) -> None:
    # 1.2 added the emotion origin "emoji", 1.3 "words", 1.4 "action", 1.5 the behaviour origin
    # "opening"; older documents are read as they stand.
    data = json.loads(direction.model_dump_json())
    assert data["schema_version"] == "1.5"
    data["schema_version"] = older
    assert Direction.model_validate(data) == direction
    for origin in ("emoji", "words", "action"):
        newer = json.loads(direction.model_dump_json())
        newer["utterances"][0]["emotion_origin"] = origin
        assert Direction.model_validate(newer).utterances[0].emotion_origin == origin


def test_a_plan_cannot_claim_a_model_directed_a_line_the_rules_stood_in_for(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    first = plan.utterances[0].model_copy(update={"planned_by": "llm", "fallback": REFUSED})
    claimed = plan.model_copy(update={"utterances": (first, *plan.utterances[1:])})
    assert validate_plan(claimed) == [
        "utterance u1: the rules stood in for the model (fallback) but planned_by says 'llm'"
    ]
    honest = first.model_copy(update={"planned_by": "rules"})
    assert (
        validate_plan(plan.model_copy(update={"utterances": (honest, *plan.utterances[1:])})) == []
    )
