"""The CLI with an LLM planner whose server is down: a truthful note by default, an error with
`--strict` (a loopback port nothing listens on refuses every connection)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motiondirector.cli import EXIT_FAILED, main
from tests.conftest import EXAMPLE_SCENE, free_port
from tests.openai_server import Reply, serve


def llm_options(url: str) -> list[str]:
    return ["--llm-base-url", url, "--llm-model", "gone", "--llm-no-cache", "-q"]


def test_a_dead_llm_plan_says_per_line_that_the_rules_directed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    out = tmp_path / "plan.json"
    code = main(["plan", str(EXAMPLE_SCENE), "--planner", "llm", "-o", str(out), *llm_options(url)])
    assert code == 0
    plan = json.loads(out.read_text())
    lines = len(plan["utterances"])
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == (
        f"note: the LLM could not direct {lines} of {lines} lines; the rules planner did: "
        f"cannot reach {url} (4 tries): connection refused (u1, u2, u3 and {lines - 3} more)"
    )
    assert {u["planned_by"] for u in plan["utterances"]} == {"rules"}
    assert {u["fallback"]["kind"] for u in plan["utterances"]} == {"unreachable"}
    spoken = [e for c in plan["characters"] for e in c["events"] if e["utterance_id"]]
    assert {e["source"]["planner"] for e in spoken} == {"rules", "realizer"}


@pytest.mark.parametrize("command", ["plan", "demo", "direct"])
def test_strict_makes_a_dead_llm_an_error_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    out = tmp_path / "out"
    where = ["-o", str(out / "plan.json")] if command == "plan" else ["--out", str(out)]
    arguments = [command, str(EXAMPLE_SCENE), "--planner", "hybrid", "--strict", *where]
    assert main([*arguments, *llm_options(url)]) == EXIT_FAILED == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: the LLM could not direct ")
    assert "planning is strict, so the rules did not stand in" in err[0]
    assert f"cannot reach {url}" in err[0] and "connection refused" in err[0]
    assert not (out / "plan.json").exists()


def test_llm_timeout_sets_how_long_a_request_may_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for server in serve():
        server.push(Reply.auto(delay=1.0))  # a timeout is not retried
        out = tmp_path / "plan.json"
        options = [*llm_options(server.base_url), "--llm-timeout", "0.2"]
        script = tmp_path / "two.txt"
        script.write_text("ANA: I told you no.\nBEN: Fine, I will go.\n")
        code = main(["plan", str(script), "--planner", "llm", "-o", str(out), *options])
        assert code == 0
        err = capsys.readouterr().err
        assert "gone did not answer within 0.2 s (not sent again" in err
        # A usage error, before any work: the limit must be a number above 0.
        with pytest.raises(SystemExit) as usage:
            main(["plan", str(script), "--planner", "llm", *options[:-1], "0"])
        assert usage.value.code == 2
