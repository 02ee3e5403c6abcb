"""The evaluation is planner-agnostic: any planner object, compared with any other run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from motiondirector.cli import main
from motiondirector.errors import EvaluationError, MotionDirectorError
from motiondirector.evaluation import (
    compare_reports,
    load_report,
    report_summaries,
    resolve_planner,
    run_eval,
)
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene
from motiondirector.planners.rules import RulesPlanner

from ..conftest import SHARED_DATA

SUITES = ["behaviours", "screenplays"]
SCRIPT = "brick_and_steel.fountain"


@dataclass
class Stats:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0


class GesturelessPlanner:
    """A second planner: the rules planner's choices without gestures, keeping the counters an
    LLM planner keeps (12 prompt tokens per word, one completion token per behaviour)."""

    name = "gestureless"

    def __init__(self) -> None:
        self.rules = RulesPlanner()
        self.stats = Stats()

    def plan(self, scene: Scene) -> Direction:
        direction = self.rules.plan(scene)
        utterances = tuple(
            u.model_copy(
                update={"behaviours": tuple(b for b in u.behaviours if b.channel != "gesture")}
            )
            for u in direction.utterances
        )
        actions = tuple(
            a.model_copy(
                update={"behaviours": tuple(b for b in a.behaviours if b.channel != "gesture")}
            )
            for a in direction.actions
        )
        self.stats.calls += 1
        self.stats.prompt_tokens += 12 * sum(len(u.words) for u in scene.utterances)
        self.stats.completion_tokens += sum(len(u.behaviours) for u in utterances)
        return direction.model_copy(
            update={"planner": self.name, "utterances": utterances, "actions": actions}
        )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("planners")
    # One screenplay (linked, not copied) keeps the two runs short.
    data = folder / "data"
    (data / "screenplays").mkdir(parents=True)
    (data / "screenplays" / SCRIPT).symlink_to(SHARED_DATA / "screenplays" / SCRIPT)
    run_eval(SUITES, "rules", folder / "rules", data_dir=data)
    run_eval(
        SUITES,
        GesturelessPlanner(),
        folder / "gestureless",
        compare_to=folder / "rules",
        data_dir=data,
    )
    return folder / "rules", folder / "gestureless"


def test_a_planner_object_is_evaluated_under_its_own_name(reports: tuple[Path, Path]) -> None:
    _, gestureless = reports
    runs = load_report(gestureless)["suites"].set_index("suite")
    assert list(runs["planner"]) == ["gestureless", "gestureless"]
    assert "Planner: gestureless." in (gestureless / "report.md").read_text("utf-8")
    produced = load_report(gestureless)["behaviours_items"]
    keys = produced[produced["role"] == "produced"]["key"]
    assert not keys.str.startswith("gesture:").any()


def test_comparison_with_another_planner_has_deltas_and_intervals(
    reports: tuple[Path, Path],
) -> None:
    rules, gestureless = reports
    table = load_report(gestureless)["comparison"].set_index(["suite", "metric"])
    # Dropping gestures loses the explicit gesture cues: a drop whose paired interval is
    # below zero (the same cases were scored by both planners).
    row = table.loc[("behaviours", "explicit_honoured")]
    assert row["delta"] < 0 and row["ci_low"] <= row["delta"] <= row["ci_high"] < 0
    coverage = table.loc[("screenplays", "coverage.gesture")]
    assert coverage["b"] < coverage["a"] and coverage["delta"] < 0
    # Summary-only rows (percentiles) carry a delta without an interval.
    p90 = table.loc[("screenplays", "turn_plan_latency_p90_ms")]
    assert pd.isna(p90["ci_low"]) and p90["delta"] == pytest.approx(p90["b"] - p90["a"])
    again = compare_reports(rules, gestureless).set_index(["suite", "metric"])
    assert again.loc[("behaviours", "explicit_honoured"), "delta"] == pytest.approx(row["delta"])
    assert again.loc[("behaviours", "explicit_honoured"), "ci_high"] == pytest.approx(
        row["ci_high"]
    )


def test_token_counters_are_recorded_per_utterance(reports: tuple[Path, Path]) -> None:
    rules, gestureless = reports
    tables = load_report(gestureless)
    latency = tables["screenplays_latency"]
    assert (latency["prompt_tokens"] == 12 * latency["words"]).all()
    assert (latency["calls"] == 1).all() and (latency["cache_hits"] == 0).all()
    summary = tables["screenplays_summary"].set_index("metric")["value"]
    assert summary["prompt_tokens_per_utterance"] == pytest.approx(12 * latency["words"].mean())
    assert summary["completion_tokens_per_utterance"] == pytest.approx(
        latency["completion_tokens"].mean()
    )
    assert (gestureless / "screenplays_tokens.png").read_bytes().startswith(b"\x89PNG")
    text = (gestureless / "report.md").read_text("utf-8")
    assert "Model tokens per utterance (mean): prompt tokens" in text
    assert "reports no token usage" in (rules / "report.md").read_text("utf-8")
    assert "prompt_tokens" not in load_report(rules)["screenplays_latency"].columns


def test_latency_is_reported_per_utterance(reports: tuple[Path, Path]) -> None:
    rules, _ = reports
    tables = load_report(rules)
    latency = tables["screenplays_latency"]
    scripts = tables["screenplays_items"]
    assert len(latency) == scripts["utterances"].sum() and (latency["plan_ms"] > 0).all()
    summary = report_summaries(tables).set_index(["suite", "metric"])["value"]
    assert summary[("screenplays", "turn_plan_latency_p50_ms")] == pytest.approx(
        latency["plan_ms"].median()
    )
    p = [summary[("screenplays", f"turn_plan_latency_p{k}_ms")] for k in (50, 90, 99)]
    assert p == sorted(p)
    assert "Per-utterance latency over" in (rules / "report.md").read_text("utf-8")
    assert (rules / "screenplays_latency.png").read_bytes().startswith(b"\x89PNG")


def test_planners_are_resolved_by_name_or_refused() -> None:
    assert resolve_planner("rules").name == "rules"
    planner = GesturelessPlanner()
    assert resolve_planner(planner) is planner
    with pytest.raises(EvaluationError, match="planner must be"):
        resolve_planner(object())  # type: ignore[arg-type]
    with pytest.raises(MotionDirectorError, match="unknown planner"):
        run_eval(["behaviours"], "no-such-planner", Path("unused"))
    with pytest.raises(EvaluationError, match="limit must be at least 1"):
        run_eval(["behaviours"], "rules", Path("unused"), limit=0)


def test_cli_eval_takes_a_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    argv = ["eval", "--suite", "behaviours", "--suite", "screenplays", "--limit", "3", "--out"]
    assert main([*argv, str(out), "-q"]) == 0
    items = load_report(out)["behaviours_items"]
    assert items["case"].nunique() == 3
    assert capsys.readouterr().err == ""
    # Without a terminal to draw a bar on, each suite says when it ends.
    assert main([*argv, str(tmp_path / "again")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "suite 1/2 behaviours",
        "suite 2/2 screenplays",
    ]
    assert all(line.endswith(" s") for line in lines)


def test_cli_eval_times_a_baseline_in_turn(tmp_path: Path) -> None:
    out = tmp_path / "report"
    argv = ["eval", "--suite", "screenplays", "--limit", "1", "--baseline", "rules", "-q"]
    assert main([*argv, "--out", str(out)]) == 0
    tables = load_report(out)
    assert list(tables["screenplays_baseline_latency"]["item"]) == list(
        tables["screenplays_latency"]["item"]
    )
    assert "turn_latency_p50_ms" in set(tables["screenplays_interleaved"]["metric"])
