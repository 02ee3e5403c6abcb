"""Writes evaluation results as a Markdown report with PNG plots and CSV tables, and reads
them back.

write_report(results, "reports/rules") -> reports/rules/report.md, plus
- `<suite>_summary.csv`, `<suite>_items.csv`, `<suite>_<table>.csv` for every table
  (Parquet copies too when pyarrow or fastparquet is importable),
- `emotion_confusion_<dataset>.png`, `behaviours_lexemes.png`, `screenplays_timing.png`,
  `screenplays_latency.png` when those suites ran,
- `comparison.csv` when `compare_to` names an earlier report folder.
Plots use matplotlib `Figure` objects directly (Agg canvas), so the pyplot backend of a
notebook is left alone. `load_report(folder)` returns the tables by file stem for notebooks
and comparisons.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from motiondirector.errors import EvaluationError
from motiondirector.evaluation.compare import compare
from motiondirector.evaluation.suites import SuiteResult

PARQUET = any(importlib.util.find_spec(n) is not None for n in ("pyarrow", "fastparquet"))


def _markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which is not a dependency)."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    lines = [header, "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _write_table(frame: pd.DataFrame, out: Path, stem: str, *, index: bool = False) -> None:
    frame.to_csv(out / f"{stem}.csv", index=index)
    if PARQUET:
        frame.to_parquet(out / f"{stem}.parquet", index=index)


def _confusion_png(table: pd.DataFrame, path: Path, title: str) -> None:
    figure = Figure(figsize=(6, 5))
    axes = figure.subplots()
    image = axes.imshow(table.to_numpy(), cmap="Blues")
    axes.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=45)
    axes.set_yticks(range(len(table.index)), [str(i) for i in table.index])
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    for (row, column), count in np.ndenumerate(table.to_numpy()):
        axes.text(column, row, str(count), ha="center", va="center", fontsize=7)
    figure.colorbar(image, ax=axes)
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def _lexeme_png(lexemes: pd.DataFrame, path: Path) -> None:
    shown = lexemes[lexemes["expected"] > 0]
    figure = Figure(figsize=(max(6, 0.35 * len(shown)), 4))
    axes = figure.subplots()
    positions = range(len(shown))
    axes.bar([p - 0.2 for p in positions], shown["recall"], width=0.4, label="recall")
    axes.bar([p + 0.2 for p in positions], shown["precision"], width=0.4, label="precision")
    axes.set_xticks(list(positions), list(shown["key"]), rotation=90)
    axes.set_ylim(0, 1.05)
    axes.legend()
    axes.set_title("per-lexeme recall and precision (cue cases)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def _histogram_png(values: pd.Series, path: Path, title: str, xlabel: str) -> None:
    figure = Figure(figsize=(6, 4))
    axes = figure.subplots()
    axes.hist(values.to_numpy(float), bins=30)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("count")
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def _plots(result: SuiteResult, out: Path) -> list[str]:
    names: list[str] = []
    if result.name == "emotion":
        for key, table in result.tables.items():
            if key.startswith("confusion_"):
                name = f"emotion_{key}.png"
                _confusion_png(table, out / name, f"{key.removeprefix('confusion_')} dev")
                names.append(name)
    elif result.name == "behaviours" and len(result.tables["lexemes"]):
        _lexeme_png(result.tables["lexemes"], out / "behaviours_lexemes.png")
        names.append("behaviours_lexemes.png")
    elif result.name == "screenplays":
        timing = result.tables["timing"]
        if len(timing):
            _histogram_png(
                timing["offset_s"],
                out / "screenplays_timing.png",
                "stroke offset from the nearest word onset",
                "seconds",
            )
            names.append("screenplays_timing.png")
        _histogram_png(
            result.items["latency_per_utterance_s"] * 1000,
            out / "screenplays_latency.png",
            "planning latency per utterance (one value per script)",
            "milliseconds",
        )
        names.append("screenplays_latency.png")
    return names


def write_report(
    results: Sequence[SuiteResult],
    out_dir: str | os.PathLike[str],
    *,
    compare_to: str | os.PathLike[str] | None = None,
) -> Path:
    """Write report.md, PNG plots and CSV tables for `results` into `out_dir`; return report.md.

    With `compare_to` (an earlier report folder), each suite also gets a comparison table
    against the earlier run (a = earlier, b = this run), written to `comparison.csv`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    earlier = load_report(compare_to) if compare_to is not None else None
    lines = ["# Evaluation report", ""]
    lines.append(
        "Tables are written as CSV"
        + (
            " and Parquet."
            if PARQUET
            else " (Parquet skipped: neither pyarrow nor fastparquet is installed)."
        )
    )
    comparisons = []
    for result in results:
        lines += [f"## {result.name}", ""]
        lines += [f"- Data source: {result.source}", f"- Licence: {result.licence}"]
        lines += [f"- Run time: {result.seconds:.1f} s", ""]
        lines += [_markdown(result.summary), ""]
        _write_table(result.summary, out, f"{result.name}_summary")
        _write_table(result.items, out, f"{result.name}_items")
        _write_table(result.values, out, f"{result.name}_values")
        for key, table in result.tables.items():
            confusion = key.startswith("confusion_")
            _write_table(table, out, f"{result.name}_{key}", index=confusion)
            if key == "lexemes":
                lines += [
                    "Per lexeme (precision is a lower bound: cases are not labelled exhaustively):",
                    "",
                    _markdown(table),
                    "",
                ]
        for name in _plots(result, out):
            lines += [f"![{name}]({name})", ""]
        if earlier is not None and f"{result.name}_summary" in earlier:
            previous = earlier.get(f"{result.name}_values")
            before = (
                previous
                if previous is not None and len(previous)
                else earlier[f"{result.name}_summary"]
            )
            after = result.values if len(result.values) else result.summary
            table = _merge_summary(
                compare(before, after), earlier[f"{result.name}_summary"], result.summary
            )
            lines += [
                f"Compared with {compare_to} (delta = this run - earlier, 95 % bootstrap CI):",
                "",
                _markdown(table),
                "",
            ]
            comparisons.append(table.assign(suite=result.name))
    if comparisons:
        _write_table(pd.concat(comparisons, ignore_index=True), out, "comparison")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _merge_summary(table: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Adds the summary-only metrics (F1, medians) that have no per-item values."""
    known = set(table["metric"])
    rows = []
    after_values = dict(zip(after["metric"], after["value"], strict=True))
    for metric, value in zip(before["metric"], before["value"], strict=True):
        if metric in known or metric not in after_values:
            continue
        b = float(after_values[metric])
        rows.append([metric, float(value), b, b - float(value), float("nan"), float("nan")])
    extra = pd.DataFrame(rows, columns=table.columns)
    return pd.concat([table, extra], ignore_index=True) if rows else table


def load_report(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Every CSV table of a report folder by file stem (`emotion_summary`, `screenplays_items`)."""
    folder = Path(out_dir)
    if not (folder / "report.md").is_file():
        raise EvaluationError(f"{folder} is not an evaluation report folder (no report.md)")
    tables: dict[str, pd.DataFrame] = {}
    for path in sorted(folder.glob("*.csv")):
        index_col = 0 if "_confusion_" in path.stem else None
        tables[path.stem] = pd.read_csv(path, index_col=index_col)
    return tables
