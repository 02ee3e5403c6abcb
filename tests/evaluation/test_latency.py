"""Per-utterance latency: percentiles, every line planned as a turn with counters, and two
planners timed in turn."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motiondirector.evaluation import (
    EvaluationError,
    load_report,
    percentiles,
    plan_turns,
    run_eval,
    run_suite,
    write_report,
)
from motiondirector.evaluation.latency import compare_turns, interleaved_turns
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene
from motiondirector.planners import get_planner
from motiondirector.scene import read_script

from ..conftest import EXAMPLE_SCENE


def test_percentiles_interpolate_like_numpy() -> None:
    values = list(range(1, 101))
    assert percentiles(values) == pytest.approx({"p50": 50.5, "p90": 90.1, "p99": 99.01})
    assert percentiles([3.0]) == {"p50": 3.0, "p90": 3.0, "p99": 3.0}
    assert all(math.isnan(v) for v in percentiles([]).values())
    assert percentiles([1, 2], points=(25,)) == {"p25": pytest.approx(np.percentile([1, 2], 25))}


@dataclass
class Counters:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class CountingPlanner:
    """Rules directions, with counters an LLM planner would keep: 10 prompt tokens per word."""

    name = "counting"

    def __init__(self) -> None:
        self.rules = get_planner("rules")
        self.stats = Counters()

    def plan(self, scene: Scene) -> Direction:
        direction = self.rules.plan(scene)
        self.stats.calls += 1
        self.stats.prompt_tokens += 10 * sum(len(u.words) for u in scene.utterances)
        self.stats.completion_tokens += sum(len(u.behaviours) for u in direction.utterances)
        return direction


def test_every_line_is_planned_alone_and_its_counters_kept() -> None:
    scene = read_script(EXAMPLE_SCENE)
    planner = CountingPlanner()
    rows = plan_turns(scene, planner, script="the_key")
    assert [r["utterance"] for r in rows] == [u.id for u in scene.utterances]
    assert rows[0]["item"] == f"the_key:{scene.utterances[0].id}"
    for row, utterance in zip(rows, scene.utterances, strict=True):
        assert row["words"] == len(utterance.words)
        assert row["calls"] == 1 and row["prompt_tokens"] == 10 * len(utterance.words)
        assert 0 < row["plan_ms"] <= row["turn_ms"]
    assert planner.stats.calls == len(scene.utterances)
    assert sum(r["completion_tokens"] for r in rows) == planner.stats.completion_tokens


def test_a_planner_without_counters_gives_rows_without_token_columns() -> None:
    rows = plan_turns(read_script(EXAMPLE_SCENE), get_planner("rules"))
    assert set(rows[0]) == {
        "item",
        "script",
        "utterance",
        "speaker",
        "words",
        "plan_ms",
        "turn_ms",
    }


class RecordingPlanner:
    """Rules directions; every call is written to a shared log under this planner's name."""

    def __init__(self, name: str, log: list[tuple[str, str]]) -> None:
        self.name = name
        self.rules = get_planner("rules")
        self.log = log
        self.stats = Counters()

    def plan(self, scene: Scene) -> Direction:
        self.log.append((self.name, scene.utterances[0].text))
        self.stats.calls += 1
        return self.rules.plan(scene)


def test_interleaved_turns_plan_each_line_with_both_planners_in_alternating_order() -> None:
    scene = read_script(EXAMPLE_SCENE)
    log: list[tuple[str, str]] = []
    first, second = RecordingPlanner("first", log), RecordingPlanner("second", log)
    ours, theirs = interleaved_turns(scene, [first, second], script="the_key")
    lines = [u.text for u in scene.utterances]
    assert [text for _, text in log] == [text for text in lines for _ in range(2)]
    # Back to back on each line, the order swapped from one line to the next.
    order = [name for name, _ in log]
    assert order[0::2] == [("first", "second")[i % 2] for i in range(len(lines))]
    assert order[1::2] == [("second", "first")[i % 2] for i in range(len(lines))]
    assert [r["item"] for r in ours] == [r["item"] for r in theirs]
    assert [r["calls"] for r in ours] == [1] * len(lines) == [r["calls"] for r in theirs]
    assert first.stats.calls == second.stats.calls == len(lines)


def test_compare_turns_pairs_the_lines() -> None:
    rng = np.random.default_rng(1)
    base = pd.DataFrame({"item": [f"s:{i}" for i in range(60)]})
    base["plan_ms"] = rng.gamma(2.0, 1.5, size=60)
    base["turn_ms"] = base["plan_ms"] + 1.0
    # The same lines, each 0.5 ms slower give or take 0.05 ms: far below the spread between
    # lines (about 2 ms), so only a paired interval can find it.
    slower = base.assign(plan_ms=base["plan_ms"] + 0.5 + rng.normal(0, 0.05, size=60))
    slower["turn_ms"] = slower["plan_ms"] + 1.0
    table = compare_turns(base, slower).set_index("metric")
    assert list(table.index) == [
        f"{prefix}_{stat}_ms"
        for prefix in ("turn_plan_latency", "turn_latency")
        for stat in ("mean", "p50", "p90", "p99")
    ]
    mean = table.loc["turn_plan_latency_mean_ms"]
    assert mean["delta"] == pytest.approx(slower["plan_ms"].mean() - base["plan_ms"].mean())
    assert 0.3 < mean["ci_low"] < 0.5 < mean["ci_high"] < 0.7
    p50 = table.loc["turn_plan_latency_p50_ms"]
    assert p50["a"] == pytest.approx(np.percentile(base["plan_ms"], 50))
    assert 0 < p50["ci_low"] <= p50["ci_high"]
    same = compare_turns(base, base.copy())
    assert (same[["delta", "ci_low", "ci_high"]].to_numpy() == 0).all()
    with pytest.raises(EvaluationError, match="same lines in the same order"):
        compare_turns(base, slower.iloc[::-1])


def test_a_baseline_is_timed_in_turn_and_reported(tmp_path: Path) -> None:
    run = run_suite("screenplays", limit=1, baseline="rules")
    assert run.baseline == "rules"
    summary = run.summary.set_index("metric")
    for metric in ("turn_latency_p50_ms", "turn_latency_p90_ms", "turn_plan_latency_p99_ms"):
        low, value, high = summary.loc[metric, ["ci_low", "value", "ci_high"]]
        assert low <= value <= high  # the percentile's own interval, over the turns
    ours, theirs = run.tables["latency"], run.tables["baseline_latency"]
    assert list(ours["item"]) == list(theirs["item"]) and len(ours) > 2
    interleaved = run.tables["interleaved"].set_index("metric")
    assert interleaved.loc["turn_latency_mean_ms", "a"] == pytest.approx(theirs["turn_ms"].mean())
    assert interleaved.loc["turn_latency_mean_ms", "b"] == pytest.approx(ours["turn_ms"].mean())
    report = write_report(
        [run], tmp_path / "timed", compare_to=write_report([run], tmp_path / "a").parent
    )
    text = report.read_text("utf-8")
    assert "Timed in turn with baseline planner 'rules'" in text
    assert "the interleaved table above times both planners under one load" in text
    assert "No latency delta beyond its 95 % interval." in text or (
        "Beyond the 95 % interval: turn_" in text
    )
    assert load_report(report.parent)["screenplays_interleaved"].shape == (8, 6)
    with pytest.raises(EvaluationError, match="baseline is timed beside the planner"):
        run_suite("behaviours", baseline="rules")
    with pytest.raises(EvaluationError, match="choose it"):
        run_eval(["behaviours"], "rules", tmp_path / "never", baseline="rules")
    assert not (tmp_path / "never").exists()


def test_a_comparison_of_timings_between_runs_says_what_it_cannot_tell(tmp_path: Path) -> None:
    run = run_suite("screenplays", limit=1)
    first = write_report([run], tmp_path / "first")
    later = write_report([run], tmp_path / "later", compare_to=first.parent)
    assert "time them in turn in one run (`baseline=`, `--baseline`)" in later.read_text("utf-8")
    behaviours = run_suite("behaviours", limit=2)
    b1 = write_report([behaviours], tmp_path / "b1")
    b2 = write_report([behaviours], tmp_path / "b2", compare_to=b1.parent)
    assert "Timing rows" not in b2.read_text("utf-8")


def test_a_screenplay_without_a_line_times_nothing_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "screenplays"
    folder.mkdir(parents=True)
    (folder / "silent.fountain").write_text(
        "INT. ROOM - DAY\n\nMARY enters and sits down.\n", encoding="utf-8"
    )
    run = run_suite("screenplays", data_dir=folder.parent, baseline="rules")
    summary = run.summary.set_index("metric")["value"]
    # No line was timed: no latency, rather than a mean of 0 ms.
    assert math.isnan(summary["turn_latency_mean_ms"]) and math.isnan(
        summary["turn_latency_p50_ms"]
    )
    assert run.tables["interleaved"][["a", "b", "delta"]].isna().all().all()
