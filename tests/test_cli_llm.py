"""The LLM options of the CLI against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from motiondirector.cli import main
from tests.conftest import EXAMPLE_SCENE
from tests.openai_server import Reply, ScriptedServer, serve


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from serve()


@pytest.mark.parametrize("planner", ["llm", "hybrid"])
def test_plan_with_an_llm_planner(server: ScriptedServer, tmp_path: Path, planner: str) -> None:
    out = tmp_path / "plan.json"
    code = main(
        [
            "plan", str(EXAMPLE_SCENE), "--planner", planner, "-q", "-o", str(out),
            "--llm-base-url", server.base_url, "--llm-model", f"cli-{planner}",
            "--llm-mode", "structured_outputs", "--llm-no-cache",
        ]
    )  # fmt: skip
    assert code == 0
    plan = json.loads(out.read_text())
    rules = {e["source"]["rule"] for c in plan["characters"] for e in c["events"]}
    assert "llm.head" in rules
    assert all("structured_outputs" in body for body in server.requests)


def test_a_dead_llm_still_gives_a_plan_and_says_the_rules_stood_in(
    server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.push(*[Reply.status_code(500)] * 20)
    out = tmp_path / "plan.json"
    code = main(
        [
            "plan", str(EXAMPLE_SCENE), "--planner", "llm", "-q", "-o", str(out),
            "--llm-base-url", server.base_url, "--llm-model", "cli-dead", "--llm-no-cache",
        ]
    )  # fmt: skip
    assert code == 0
    assert "the rules planner did" in capsys.readouterr().err
    plan = json.loads(out.read_text())
    reasons = [e["source"]["reason"] for c in plan["characters"] for e in c["events"]]
    assert any("HTTP 500" in reason for reason in reasons)


def test_llm_planner_without_a_model_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLE_SCENE), "--planner", "llm", "-q"]) == 1
    assert "needs an LLM" in capsys.readouterr().err


def test_plan_says_what_the_llm_took_unless_quiet(
    server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "two.txt"
    script.write_text("ANA: I told you no.\nBEN: Fine, I will go.\n")
    argv = [
        "plan", str(script), "--planner", "hybrid", "-o", str(tmp_path / "plan.json"),
        "--llm-base-url", server.base_url, "--llm-model", "cli-cost", "--llm-no-cache",
    ]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert re.search(
        r"^llm: 1 answer from the server and 0 from the cache, \d+\.\d s waiting on the server, "
        r"100 prompt and 20 completion tokens$",
        err,
        flags=re.MULTILINE,
    ), err
    assert main([*argv, "-q"]) == 0
    assert "llm:" not in capsys.readouterr().err


def test_instructions_without_the_llm_agent_are_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scene"
    argv = ["direct", str(EXAMPLE_SCENE), "--out", str(out), "-q", "--instructions", "Ben nervous"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: --instructions are read by the llm agent only: add --agent llm (with "
        '--llm-model), or direct, then revise the result with a note (revise OUT "...")'
    ]
    assert not out.exists()


def test_the_llm_note_parser_without_a_model_names_the_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = tmp_path / "scene"
    script = tmp_path / "two.txt"
    script.write_text("ANA: Hello.\nBEN: Hi.\n")
    assert main(["direct", str(script), "--out", str(scene), "-q"]) == 0
    argv = ["revise", str(scene), "Ana angrier", "--out", str(tmp_path / "v2"), "--parser", "llm"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "the llm note parser needs an LLM" in err and "(--llm-model, --llm-base-url)" in err


def test_eval_scores_an_llm_planner_and_records_its_tokens(
    server: ScriptedServer, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    code = main(
        [
            "eval", "--suite", "behaviours", "--planner", "llm", "--limit", "6", "-q",
            "--out", str(out), "--llm-base-url", server.base_url, "--llm-model", "cli-eval",
            "--llm-no-cache",
        ]
    )  # fmt: skip
    assert code == 0
    assert server.requests, "the planner never asked the server"
    report = (out / "report.md").read_text()
    assert "llm" in report
    assert "prompt_tokens" in report or "prompt tokens" in report
