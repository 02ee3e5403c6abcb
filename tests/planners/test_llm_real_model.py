"""The LLM planner end to end against a real model: SmolLM2-135M served by llama.cpp on loopback.

The model is weak at directing; this proves the real path (grammar-constrained JSON through the
server's `json_object` dialect, parsing, validation, realizing), not the quality of its choices.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from motiondirector.planners.llm import LLMPlanner
from motiondirector.planners.llm_client import LLMConfig, StructuredOutputMode
from motiondirector.planners.rules import RulesPlanner
from motiondirector.realize import plan_scene
from motiondirector.scene import parse_script
from tests.llama_server import llama_server
from tests.planners.conftest import KeywordEmotionModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with llama_server(tmp_path_factory.mktemp("llama") / "server.log") as base_url:
        yield base_url


def test_a_real_model_plans_a_line_through_the_json_object_dialect(llama: str) -> None:
    scene = parse_script("ANA: (angrily) I told you no, Ben.")
    config = LLMConfig(
        model="smollm2",
        base_url=llama,
        mode=StructuredOutputMode.JSON_OBJECT,
        timeout_s=600,
        max_attempts=2,
    )
    planner = LLMPlanner(config, fallback=RulesPlanner(KeywordEmotionModel()))
    plan = plan_scene(scene, planner=planner)  # validated against the contract on the way

    assert planner.stats.calls >= 1
    assert planner.stats.prompt_tokens > 500 and planner.stats.completion_tokens > 0
    assert planner.stats.fallback_utterances == 0, "the model's answer was not usable"
    from_model = [e for c in plan.characters for e in c.events if e.source.rule.startswith("llm.")]
    assert from_model, "no event of the plan came from the model"
    assert all(e.utterance_id == "u1" for e in from_model)
