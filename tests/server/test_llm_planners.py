"""The llm and hybrid planners over HTTP: available when the operator configures an LLM."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from motiondirector.planners.llm_client import LLMConfig
from motiondirector.server import ServerSettings, create_app
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
