"""Runs `motiondirector eval --suite all` for the rules planner, times it, and writes the
headline figures into docs/benchmarks.md (target: the whole run in <= 5 minutes here), with the
per-utterance planning latency against the ~200 ms gap between two speakers' turns, the
baseline planners' scores on the emotion and behaviours suites, and the noise floor of a
latency comparison: the rules planner timed in turn with itself.

    .venv/bin/python benchmarks/evaluation.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
from report import write_section

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
TURN_GAP_MS = 200.0  # typical gap between turns in conversation: planning must fit inside it


def main() -> None:
    from motiondirector.evaluation import load_report, percentiles, run_eval

    out = ROOT / "out" / "eval-rules"
    started = time.perf_counter()
    run_eval(["all"], "rules", out)
    seconds = time.perf_counter() - started
    load = os.getloadavg()[0]
    tables = load_report(out)
    latency: pd.DataFrame = tables["screenplays_latency"]
    plan = percentiles(latency["plan_ms"])
    turn = percentiles(latency["turn_ms"])
    rows = []
    for suite in ("emotion", "behaviours", "screenplays", "retrieval"):
        summary: pd.DataFrame = tables[f"{suite}_summary"]
        for metric, value, n in summary[["metric", "value", "n"]].itertuples(index=False):
            rows.append(f"| {suite} | {metric} | {value:.4g} | {n} |")
    markdown = "\n".join(
        [
            "## Evaluation (`motiondirector eval --suite all --planner rules`)",
            "",
            f"Whole run: {seconds:.0f} s on this machine ({os.cpu_count()} cores, load average "
            f"{load:.1f} at the end: other work shares the cores); target ≤ 300 s.",
            "Report, plots and per-item CSVs: `out/eval-rules/` after running",
            "`.venv/bin/python benchmarks/evaluation.py`.",
            "",
            f"Per-utterance latency, {len(latency)} screenplay lines each planned as a turn of "
            f"its own: planner p50 / p90 / p99 {plan['p50']:.1f} / {plan['p90']:.1f} / "
            f"{plan['p99']:.1f} ms; plan + realize + validate {turn['p50']:.1f} / "
            f"{turn['p90']:.1f} / {turn['p99']:.1f} ms. p99 of a whole turn is "
            f"{turn['p99'] / TURN_GAP_MS:.2f}x the {TURN_GAP_MS:.0f} ms gap between turns.",
            "",
            "| suite | metric | value | n |",
            "|---|---|---|---|",
            *rows,
        ]
    )
    markdown += "\n\n" + baselines() + "\n\n" + noise_floor()
    write_section("evaluation", markdown)
    print(markdown)


def baselines() -> str:
    """The rules planner against the neutral and random baselines on the suites that rank
    planners (docs/evaluation.md, Baselines)."""
    from motiondirector.evaluation import NeutralPlanner, RandomPlanner, run_suite

    metrics = {
        "emotion": ("meld.weighted_f1", "meld.accuracy", "goemotions.weighted_f1"),
        "behaviours": ("explicit_honoured", "implicit_honoured", "macro_recall"),
    }
    planners = {"rules": "rules", "neutral": NeutralPlanner(), "random-0": RandomPlanner(0)}
    scores: dict[str, dict[str, float]] = {}
    for suite, names in metrics.items():
        for label, planner in planners.items():
            summary = run_suite(suite, planner=planner).summary.set_index("metric")["value"]
            for name in names:
                scores.setdefault(f"{suite} | {name}", {})[label] = float(summary[name])
    rows = [
        f"| {key} | " + " | ".join(f"{values[p]:.3f}" for p in planners) + " |"
        for key, values in scores.items()
    ]
    return "\n".join(
        [
            "Baselines (`NeutralPlanner`, `RandomPlanner(0)`; whole data sets):",
            "",
            "| suite | metric | " + " | ".join(planners) + " |",
            "|---|---|" + "---|" * len(planners),
            *rows,
        ]
    )


def noise_floor() -> str:
    """The rules planner timed line by line in turn with itself: what a latency delta of
    nothing looks like on this machine."""
    from motiondirector.evaluation import run_suite

    table = run_suite("screenplays", baseline="rules").tables["interleaved"].set_index("metric")
    cells = [
        f"{metric} {row['delta']:+.2f} ms [{row['ci_low']:+.2f}, {row['ci_high']:+.2f}]"
        for metric, row in table.loc[["turn_latency_mean_ms", "turn_latency_p50_ms"]].iterrows()
    ]
    return (
        'Noise floor of a latency comparison (`run_suite("screenplays", baseline="rules")`: '
        f"the rules planner timed in turn with itself, load average {os.getloadavg()[0]:.1f}): "
        + "; ".join(cells)
        + " (delta, 95 % paired interval)."
    )


if __name__ == "__main__":
    main()
