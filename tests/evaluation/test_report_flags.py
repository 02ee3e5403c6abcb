"""A comparison in report.md names the metrics that changed beyond their interval, keeps
timings (which the load between two runs moves) apart, and flags nothing between two runs of
one planner."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from motiondirector.evaluation import AblatedPlanner, NeutralPlanner, run_suite, write_report
from motiondirector.evaluation.report import _changes
from motiondirector.planners import get_planner


def _flags(report: Path) -> list[str]:
    lines = report.read_text("utf-8").splitlines()
    prefixes = ("Changed", "No metric", "Timings that moved", "Defined in one run only")
    return [line for line in lines if line.startswith(prefixes)]


def test_a_rerun_of_one_planner_flags_no_metric(tmp_path: Path) -> None:
    first = write_report([run_suite("behaviours")], tmp_path / "first")
    again = write_report([run_suite("behaviours")], tmp_path / "again", compare_to=first.parent)
    assert _flags(again) == ["No metric changed beyond its 95 % interval."]


def test_removing_gestures_is_flagged_where_it_shows(tmp_path: Path) -> None:
    rules = write_report([run_suite("behaviours")], tmp_path / "rules")
    ablated = AblatedPlanner(get_planner("rules"), ["gesture"])
    later = write_report(
        [run_suite("behaviours", planner=ablated)], tmp_path / "ablated", compare_to=rules.parent
    )
    flags = _flags(later)
    assert flags[0].startswith("Changed beyond the 95 % interval: explicit_honoured (-")
    # Macro recall is no item mean: it has a delta and no interval.
    assert flags[1].startswith("Changed, with no interval to judge by: macro_recall (-")


def test_timings_are_listed_apart_from_the_metrics() -> None:
    table = pd.DataFrame(
        {
            "metric": ["coverage.face", "turn_latency_mean_ms", "turn_latency_p50_ms", "mrr"],
            "a": [0.5, 3.0, 2.9, 0.9],
            "b": [0.5, 4.0, 3.5, 0.8],
            "delta": [0.0, 1.0, 0.6, -0.1],
            "ci_low": [0.0, 0.2, float("nan"), -0.15],
            "ci_high": [0.0, 1.8, float("nan"), -0.05],
        }
    )
    assert _changes(table) == [
        "Changed beyond the 95 % interval: mrr (-0.1).",
        "Timings that moved (beyond their interval or without one; two runs, two loads: see "
        "above): turn_latency_mean_ms (+1), turn_latency_p50_ms (+0.6).",
        "",
    ]


def test_a_metric_undefined_in_one_run_is_named(tmp_path: Path) -> None:
    rules = write_report([run_suite("behaviours")], tmp_path / "rules")
    neutral = write_report(
        [run_suite("behaviours", planner=NeutralPlanner())],
        tmp_path / "neutral",
        compare_to=rules.parent,
    )
    # The neutral planner produces nothing, so its precision is undefined.
    named = [f for f in _flags(neutral) if f.startswith("Defined in one run only: ")]
    assert len(named) == 1 and re.fullmatch(
        r"Defined in one run only: micro_precision \(0\.\d+ -> nan\)\.", named[0]
    )


def test_large_figures_are_written_in_full() -> None:
    from motiondirector.evaluation.report import _markdown

    frame = pd.DataFrame({"metric": ["turn_latency_p50_ms", "mrr"], "value": [17535.4, 0.93571]})
    assert _markdown(frame).splitlines()[2:] == [
        "| turn_latency_p50_ms | 17535 |",
        "| mrr | 0.9357 |",
    ]
    table = pd.DataFrame(
        {
            "metric": ["turn_latency_mean_ms"],
            "a": [7.8],
            "b": [17540.2],
            "delta": [17532.4],
            "ci_low": [9048.0],
            "ci_high": [40470.0],
        }
    )
    assert "turn_latency_mean_ms (+17532)" in _changes(table)[1]
