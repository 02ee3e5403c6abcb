"""Runs `motiondirector eval --suite all` for the rules planner, times it, and writes the
headline figures into docs/benchmarks.md (target: the whole run in <= 5 minutes here), with the
per-utterance planning latency against the ~200 ms gap between two speakers' turns.

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
    write_section("evaluation", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
