"""What the LLM planner says when the model cannot direct a line, and strict planning, against
a scripted OpenAI-compatible server on loopback and a port nothing listens on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motiondirector.errors import LLMError
from motiondirector.plan.scene import Scene
from motiondirector.planners import get_planner, strict_planner
from motiondirector.planners.hybrid import HybridPlanner
from motiondirector.planners.llm import LLMPlanner
from motiondirector.planners.llm_client import LLMConfig
from motiondirector.planners.llm_prompt import answer_schema, chunk_messages, chunk_scene
from motiondirector.planners.rules import RulesPlanner
from motiondirector.realize import plan_scene
from motiondirector.scene import parse_script
from tests.conftest import free_port
from tests.openai_server import Reply, ScriptedServer, valid_answer
from tests.planners.conftest import KeywordEmotionModel


def planner_for(base_url: str, *, strict: bool = False, **options: Any) -> LLMPlanner:
    config = LLMConfig(model="scripted", base_url=base_url, **({"max_retries": 0} | options))
    return LLMPlanner(config, fallback=RulesPlanner(KeywordEmotionModel()), strict=strict)


def nowhere() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


def test_an_unreachable_server_is_named_with_the_refused_connection(scene: Scene) -> None:
    url = nowhere()
    plan = plan_scene(scene, planner=planner_for(url))
    assert {u.planned_by for u in plan.utterances} == {"rules"}
    fallback = plan.utterances[0].fallback
    assert fallback is not None and fallback.kind == "unreachable"
    assert fallback.reason == f"cannot reach {url} (1 try): connection refused"
    assert plan.fallback_summary() == (
        f"the LLM could not direct 3 of 3 lines; the rules planner did: cannot reach {url} "
        "(1 try): connection refused (u1, u2, u3)"
    )
    events = [e for c in plan.characters for e in c.events if e.source.planner != "realizer"]
    assert events and {e.source.planner for e in events} == {"rules"}


def test_a_refusal_is_not_asked_again_and_says_what_the_model_said(
    server: ScriptedServer, scene: Scene
) -> None:
    server.push(Reply.assistant({"content": None, "refusal": "I cannot help with that."}))
    direction = planner_for(server.base_url).plan(scene)
    assert len(server.requests) == 1
    fallback = direction.utterances[2].fallback
    assert fallback is not None and fallback.kind == "refusal"
    assert fallback.reason == "scripted refused: I cannot help with that."
    assert "rules stood in for the LLM: scripted refused" in direction.utterances[2].emotion_reason


def test_invalid_answers_fall_back_saying_how_many_attempts(
    server: ScriptedServer, scene: Scene
) -> None:
    server.answer_for = lambda body: {"lines": {}}
    direction = planner_for(server.base_url, max_attempts=2).plan(scene)
    assert len(server.requests) == 2
    fallback = direction.utterances[0].fallback
    assert fallback is not None and fallback.kind == "invalid_output"
    assert fallback.reason.startswith("no valid answer in 2 attempts (line u1 is missing")


def test_strict_planning_raises_instead_of_falling_back(scene: Scene) -> None:
    url = nowhere()
    with pytest.raises(LLMError) as raised:
        planner_for(url, strict=True).plan(scene)
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        "the LLM could not direct 3 of 3 lines; planning is strict, so the rules did not stand "
        f"in: cannot reach {url} (1 try): connection refused (u1, u2, u3)"
    )


def test_strict_planning_only_fails_the_lines_the_model_could_not_direct(
    server: ScriptedServer, scene: Scene
) -> None:
    def without_u3(body: dict[str, Any]) -> dict[str, Any]:
        answer = valid_answer(body)
        answer["lines"].pop("u3", None)
        return answer

    strict = planner_for(server.base_url, strict=True)
    assert strict.plan(scene) == planner_for(server.base_url).plan(scene)  # the model answered
    server.answer_for = without_u3
    with pytest.raises(LLMError, match=r"could not direct 1 of 3 lines; .* \(u3\)$"):
        strict.plan(scene)


def test_strict_twins_share_the_model_and_counters_and_rules_stay_rules(
    server: ScriptedServer,
) -> None:
    config = LLMConfig(model="twins", base_url=server.base_url)
    llm = get_planner("llm", config)
    assert isinstance(llm, LLMPlanner) and not llm.strict
    strict = strict_planner(llm)
    assert isinstance(strict, LLMPlanner) and strict.strict
    assert strict.config == config and strict.stats is llm.stats
    assert strict_planner(strict) is strict
    hybrid = get_planner("hybrid", config, strict=True)
    assert isinstance(hybrid, HybridPlanner) and hybrid.strict and hybrid.llm.strict
    rules = get_planner("rules")
    assert strict_planner(rules) is rules and get_planner("rules", strict=True) is rules


def test_the_hybrid_planner_tells_fallen_back_lines_from_merged_ones(scene: Scene) -> None:
    llm = planner_for(nowhere())
    hybrid = HybridPlanner(llm, RulesPlanner(KeywordEmotionModel()))
    plan = plan_scene(scene, planner=hybrid)
    assert plan.scene.planner == "hybrid"
    assert {u.planned_by for u in plan.utterances} == {"rules"}
    assert all(u.fallback is not None for u in plan.utterances)
    with pytest.raises(LLMError, match="planning is strict"):
        hybrid.strict_twin().plan(scene)


def test_the_model_is_never_asked_for_the_typed_provenance(scene: Scene) -> None:
    chunk = chunk_scene(scene, 8)[0]
    schema = json.dumps(answer_schema(scene, chunk))
    prompt = json.dumps(chunk_messages(scene, chunk))
    for name in ("origin", "emotion_origin", "fallback", "planned_by"):
        assert f'"{name}"' not in schema
        assert name not in prompt


def test_what_the_model_says_of_provenance_is_ignored(server: ScriptedServer, scene: Scene) -> None:
    def claims_to_be_explicit(body: dict[str, Any]) -> dict[str, Any]:
        answer = valid_answer(body)
        for entry in answer["lines"].values():
            entry["emotion_origin"] = "parenthetical"
            for behaviour in entry["behaviours"]:
                behaviour["origin"] = "parenthetical"
        return answer

    server.answer_for = claims_to_be_explicit
    direction = planner_for(server.base_url).plan(scene)
    assert {u.emotion_origin for u in direction.utterances} == {"llm"}
    assert {b.origin for u in direction.utterances for b in u.behaviours} == {"llm"}


def test_the_model_is_told_who_comes_and_goes() -> None:
    script = (
        "INT. HALL - DAY\n\nANA\nHello?\n\nA DOCTOR enters.\n\nDOCTOR\nShe's awake.\n\n"
        "He leaves.\n\nANA\nThank you.\n"
    )
    scene = parse_script(script, format="fountain")
    prompt = chunk_messages(scene, chunk_scene(scene, 8)[0])[-1]["content"]
    lines = prompt.splitlines()
    enters, said, leaves = (
        lines.index("[DOCTOR enters]"),
        next(i for i, line in enumerate(lines) if line.startswith("u2 DOCTOR")),
        lines.index("[DOCTOR exits]"),
    )
    assert lines.index("[action a1] A DOCTOR enters.") < enters < said < leaves
    assert lines[-1] == "u3 ANA to DOCTOR: 0:Thank 1:you."  # alone, calling after him
    assert "(listeners: DOCTOR)" not in lines[1 + lines.index("Lines to direct:")]  # u1
