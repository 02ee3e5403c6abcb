"""The llm and hybrid planners over HTTP: available when the operator configures an LLM."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from motiondirector.planners.llm_client import LLMConfig
from motiondirector.server import ServerSettings, create_app
from tests.conftest import free_port
from tests.openai_server import ScriptedServer, serve
from tests.server.conftest import AUTH, SettingsFactory, assert_problem

SCRIPT = {"script": "ANA: I told you no, Ben.\nBEN: Fine.", "format": "text"}


@pytest.fixture
def llm_server() -> Iterator[ScriptedServer]:
    yield from serve()


def test_a_server_with_an_llm_plans_with_it(
    make_settings: SettingsFactory, llm_server: ScriptedServer
) -> None:
    settings = make_settings(
        llm=LLMConfig(model="server-llm", base_url=llm_server.base_url), warm_up=False
    )
    with TestClient(create_app(settings)) as client:
        for planner in ("llm", "hybrid"):
            response = client.post("/v1/plan", json=SCRIPT | {"planner": planner}, headers=AUTH)
            assert response.status_code == 200, response.text
            rules = {
                e["source"]["rule"] for c in response.json()["characters"] for e in c["events"]
            }
            assert "llm.head" in rules
    assert llm_server.requests and llm_server.requests[0]["model"] == "server-llm"


def test_without_an_llm_the_llm_planners_are_refused_naming_the_field(
    client: TestClient,
) -> None:
    for path in ("/v1/plan", "/v1/plan/stream", "/v1/scenes"):
        problem = assert_problem(
            client.post(path, json=SCRIPT | {"planner": "llm"}, headers=AUTH), 422
        )
        assert problem["errors"][0]["field"] == "planner"
        assert "MOTIONDIRECTOR_LLM_MODEL" in problem["errors"][0]["message"]


def test_the_llm_is_configured_from_the_environment() -> None:
    settings = ServerSettings.from_env(
        {
            "MOTIONDIRECTOR_API_KEYS": "k",
            "MOTIONDIRECTOR_LLM_MODEL": "Qwen/Qwen3-8B",
            "MOTIONDIRECTOR_LLM_BASE_URL": "http://localhost:8000/v1",
            "MOTIONDIRECTOR_LLM_MODE": "structured_outputs",
        }
    )
    assert settings.llm is not None
    assert (settings.llm.model, settings.llm.mode) == ("Qwen/Qwen3-8B", "structured_outputs")
    assert ServerSettings.from_env({"MOTIONDIRECTOR_API_KEYS": "k"}).llm is None


def wait_done(client: TestClient, job_id: str, timeout_s: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/v1/scenes/{job_id}", headers=AUTH).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish in {timeout_s:.0f} s")


def unreachable_llm() -> LLMConfig:
    """An LLM on a loopback port nothing listens on: every call is refused at once."""
    return LLMConfig(model="gone", base_url=f"http://127.0.0.1:{free_port()}/v1", max_retries=0)


def test_a_dead_llm_gives_a_plan_that_says_the_rules_directed_each_line(
    make_settings: SettingsFactory,
) -> None:
    llm = unreachable_llm()
    with TestClient(create_app(make_settings(llm=llm, warm_up=False))) as client:
        response = client.post("/v1/plan", json=SCRIPT | {"planner": "llm"}, headers=AUTH)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["scene"]["planner"] == "llm"  # what was asked for
    for line in plan["utterances"]:
        assert line["planned_by"] == "rules"
        assert line["fallback"]["kind"] == "unreachable"
        assert f"cannot reach {llm.base_url}" in line["fallback"]["reason"]
        assert "connection refused" in line["fallback"]["reason"]
    directed = [
        e["source"]
        for c in plan["characters"]
        for e in c["events"]
        if e["source"]["planner"] != "realizer"
    ]
    assert directed and all(s["planner"] == "rules" for s in directed)
    assert all("connection refused" in s["reason"] for s in directed)


def test_strict_planning_with_a_dead_llm_is_a_problem_not_a_fallback(
    make_settings: SettingsFactory,
) -> None:
    llm = unreachable_llm()
    with TestClient(create_app(make_settings(llm=llm, warm_up=False))) as client:
        for planner in ("llm", "hybrid"):
            for path in ("/v1/plan", "/v1/plan/stream"):
                body = SCRIPT | {"planner": planner, "strict": True}
                problem = assert_problem(client.post(path, json=body, headers=AUTH), 422)
                assert "could not direct 2 of 2 lines" in problem["detail"]
                assert "connection refused" in problem["detail"]
                assert "strict" in problem["detail"]
        job = client.post(
            "/v1/scenes", json=SCRIPT | {"planner": "llm", "strict": True, "body": False},
            headers=AUTH,
        )  # fmt: skip
        assert job.status_code == 202, job.text
        failed = wait_done(client, job.json()["id"])
        assert failed["status"] == "failed" and failed["artifacts"] == []
        assert failed["error"]["status"] == 422
        assert "connection refused" in failed["error"]["detail"]
        # Strict changes nothing while the model answers: rules plans are never strict.
        rules = client.post("/v1/plan", json=SCRIPT | {"strict": True}, headers=AUTH)
        assert rules.status_code == 200 and rules.json()["utterances"][0]["planned_by"] == "rules"
