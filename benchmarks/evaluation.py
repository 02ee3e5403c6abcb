"""Runs `motiondirector eval --suite all` for the rules planner, times it, and writes the
headline figures into docs/benchmarks.md (target: the whole run in <= 5 minutes here).

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


def main() -> None:
    from motiondirector.evaluation import load_report, run_eval

    out = ROOT / "out" / "eval-rules"
    started = time.perf_counter()
    run_eval(["all"], "rules", out)
    seconds = time.perf_counter() - started
    tables = load_report(out)
    rows = []
    for suite in ("emotion", "behaviours", "screenplays", "retrieval"):
        summary: pd.DataFrame = tables[f"{suite}_summary"]
        for metric, value, n in summary[["metric", "value", "n"]].itertuples(index=False):
            rows.append(f"| {suite} | {metric} | {value:.4g} | {n} |")
    markdown = "\n".join(
        [
            "## Evaluation (`motiondirector eval --suite all --planner rules`)",
            "",
            f"Whole run: {seconds:.0f} s on this machine ({os.cpu_count()} cores); target ≤ 300 s.",
            "Report, plots and per-item CSVs: `out/eval-rules/` after running",
            "`.venv/bin/python benchmarks/evaluation.py`.",
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
