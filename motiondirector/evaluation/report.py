"""Writes evaluation results as a Markdown report with PNG plots and CSV tables, and reads
them back.

write_report(results, "reports/rules") -> reports/rules/report.md, plus
- `<suite>_summary.csv`, `<suite>_items.csv`, `<suite>_<table>.csv` for every table
  (Parquet copies too when pyarrow or fastparquet is importable),
- `suites.csv`: per suite the planner, run time, data source, licence, data folder, limit and
  motiondirector version,
- `emotion_confusion_<dataset>.png`, `behaviours_lexemes.png`, `screenplays_timing.png`,
  `screenplays_latency.png` (per-utterance latency with p50/p90/p99), `screenplays_tokens.png`
  (when the planner reports tokens), `retrieval_recall.png` when those suites ran,
- `comparison.csv` when `compare_to` names an earlier report folder.
Plots are `motiondirector.evaluation.plots` figures. `load_report(folder)` returns the tables
by file stem for notebooks; `compare_reports(a, b)` compares two report folders and
`report_summaries(tables)` stacks their summaries.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from motiondirector import __version__
from motiondirector.errors import EvaluationError
from motiondirector.evaluation.compare import COLUMNS, _f1_interval, _f1_items, metric_deltas
from motiondirector.evaluation.emotion_data import EmotionData, load_emotion_data
from motiondirector.evaluation.latency import percentiles
from motiondirector.evaluation.plots import (
    confusion_figure,
    histogram_figure,
    latency_figure,
    lexeme_figure,
    realism_figure,
    recall_figure,
    tokens_figure,
)
from motiondirector.evaluation.suites import (
    TIMED_SUITES,
    SuiteResult,
    _cue_cases,
    check_data,
    check_own_data,
    resolve_planner,
    resolve_suites,
    run_suite,
)

if TYPE_CHECKING:
    from motiondirector.planners import Planner

PARQUET = any(importlib.util.find_spec(n) is not None for n in ("pyarrow", "fastparquet"))


def _number(value: float, digits: int = 4, sign: str = "") -> str:
    """`digits` significant digits; whole numbers from 10^digits up in full (17535, not
    1.754e+04: latencies of a model in milliseconds), NaN as nan."""
    if np.isfinite(value) and 10**digits <= abs(value) < 1e15:
        return f"{value:{sign}.0f}"
    return f"{value:{sign}.{digits}g}"


def _markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which is not a dependency)."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    lines = [header, "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        cells = [_number(v, digits) if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _write_table(frame: pd.DataFrame, out: Path, stem: str, *, index: bool = False) -> None:
    frame.to_csv(out / f"{stem}.csv", index=index)
    if PARQUET:
        frame.to_parquet(out / f"{stem}.parquet", index=index)


def _save(figure: Figure, path: Path) -> None:
    figure.savefig(path, dpi=100)


def _plots(result: SuiteResult, out: Path) -> list[str]:
    names: list[str] = []
    if result.name == "emotion":
        for key, table in result.tables.items():
            if key.startswith("confusion_"):
                name = f"emotion_{key}.png"
                dataset = key.removeprefix("confusion_")
                # The bundled sets are dev splits; the caller's are named as they are.
                title = f"{dataset} dev" if dataset in ("meld", "goemotions") else dataset
                _save(confusion_figure(table, title), out / name)
                names.append(name)
    elif result.name == "behaviours" and len(result.tables["lexemes"]):
        _save(lexeme_figure(result.tables["lexemes"]), out / "behaviours_lexemes.png")
        names.append("behaviours_lexemes.png")
    elif result.name == "screenplays":
        timing = result.tables["timing"]
        if len(timing):
            figure = histogram_figure(
                timing["offset_s"], "stroke offset from the nearest word onset", "seconds"
            )
            _save(figure, out / "screenplays_timing.png")
            names.append("screenplays_timing.png")
        latency = result.tables.get("latency")
        if latency is not None and len(latency):
            _save(latency_figure(latency), out / "screenplays_latency.png")
            names.append("screenplays_latency.png")
            if {"prompt_tokens", "completion_tokens"} & set(latency.columns):
                _save(tokens_figure(latency), out / "screenplays_tokens.png")
                names.append("screenplays_tokens.png")
    elif result.name == "retrieval" and len(result.items):
        _save(recall_figure(result.items), out / "retrieval_recall.png")
        names.append("retrieval_recall.png")
    elif result.name == "realism" and len(result.tables["quantiles"]):
        _save(
            realism_figure(result.tables["quantiles"], result.tables.get("spectrum")),
            out / "realism_distributions.png",
        )
        names.append("realism_distributions.png")
    return names


def _latency_lines(result: SuiteResult) -> list[str]:
    """The per-utterance latency (and token) figures of the screenplays suite, in words."""
    latency = result.tables.get("latency")
    if latency is None or not len(latency):
        return []
    plan = percentiles(latency["plan_ms"])
    turn = percentiles(latency["turn_ms"])
    lines = [
        f"Per-utterance latency over {len(latency)} lines, each planned as a turn of its own: "
        f"planner p50 {plan['p50']:.1f} ms, p90 {plan['p90']:.1f} ms, p99 {plan['p99']:.1f} ms; "
        f"plan + realize + validate p50 {turn['p50']:.1f} ms, p90 {turn['p90']:.1f} ms, "
        f"p99 {turn['p99']:.1f} ms.",
    ]
    tokens = [c for c in ("prompt_tokens", "completion_tokens") if c in latency.columns]
    if tokens:
        means = ", ".join(f"{c.replace('_', ' ')} {latency[c].mean():.1f}" for c in tokens)
        lines.append(f"Model tokens per utterance (mean): {means}.")
    else:
        lines.append("The planner reports no token usage.")
    return [*lines, ""]


def _interleaved_lines(result: SuiteResult) -> list[str]:
    """The latency comparison with a baseline planner timed in turn with this run's."""
    table = result.tables.get("interleaved")
    if table is None or not result.baseline:
        return []
    beyond = table[(table["ci_low"] > 0) | (table["ci_high"] < 0)]
    return [
        f"Timed in turn with baseline planner {result.baseline!r} (each line planned by both, "
        "back to back, the order swapped from line to line; delta = this planner - baseline, "
        "95 % paired bootstrap CI): both ran under the same load, so these deltas, unlike "
        "those between two runs, measure the planners.",
        "",
        _markdown(table),
        "",
        f"Beyond the 95 % interval: {_listed(beyond)}."
        if len(beyond)
        else "No latency delta beyond its 95 % interval.",
        "",
    ]


def write_report(
    results: Sequence[SuiteResult],
    out_dir: str | os.PathLike[str],
    *,
    compare_to: str | os.PathLike[str] | None = None,
) -> Path:
    """Write report.md, PNG plots and CSV tables for `results` into `out_dir`; return report.md.

    With `compare_to` (an earlier report folder, from any planner), each suite also gets a
    comparison table against the earlier run (a = earlier, b = this run), written to
    `comparison.csv`.
    """
    out = check_report_folder(out_dir)
    earlier = load_report(compare_to) if compare_to is not None else None
    # Read before the folder is cleared: `compare_to` may be `out_dir` itself.
    for stale in _report_files(out):
        stale.unlink()
    out.mkdir(parents=True, exist_ok=True)
    planners = sorted({r.planner for r in results if r.planner})
    lines = ["# Evaluation report", "", f"motiondirector {__version__}.", ""]
    if planners:
        lines += [f"Planner: {', '.join(planners)}.", ""]
    lines.append(
        "Tables are written as CSV"
        + (
            " and Parquet."
            if PARQUET
            else " (Parquet skipped: neither pyarrow nor fastparquet is installed)."
        )
    )
    lines.append("")
    comparisons = []
    for result in results:
        lines += [f"## {result.name}", ""]
        lines += [f"- Data source: {result.source}", f"- Licence: {result.licence}"]
        if result.data_dir:
            lines.append(f"- Data folder: {result.data_dir}")
        if result.limit is not None:
            lines.append(f"- Limit: the first {result.limit} items of each data set")
        lines += [
            f"- Run time: {result.seconds:.1f} s{_load_words(result.load_average, result.cpus)}",
            "",
        ]
        lines += [_markdown(result.summary), ""]
        if result.name == "screenplays":
            lines += _latency_lines(result)
            lines += _interleaved_lines(result)
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
            table = suite_comparison(
                earlier,
                result.name,
                result.summary,
                result.values if len(result.values) else None,
                items=result.items,
            )
            lines += [
                f"Compared with {compare_to} (delta = this run - earlier, 95 % bootstrap CI):",
                "",
                *_limit_note(earlier, result),
                *_data_note(earlier, result),
                *_load_note(earlier, result),
                *_timing_note(result),
                _markdown(table),
                "",
                *_changes(table),
            ]
            comparisons.append(table.assign(suite=result.name))
        elif earlier is not None:
            lines += [f"Not compared: {compare_to} holds no {result.name} run.", ""]
    _write_table(_run_table(results), out, "suites")
    if comparisons:
        _write_table(pd.concat(comparisons, ignore_index=True), out, "comparison")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _limit_note(earlier: Mapping[str, pd.DataFrame], result: SuiteResult) -> list[str]:
    """A warning line when the earlier run of this suite kept a different number of items."""
    runs = earlier.get("suites")
    if runs is None or "limit" not in runs.columns:
        return []
    rows = runs[runs["suite"] == result.name]
    if rows.empty:
        return []
    before = rows["limit"].iloc[0]
    before_limit = None if pd.isna(before) else int(before)
    if before_limit == result.limit:
        return []

    def words(limit: int | None) -> str:
        return "every item" if limit is None else f"the first {limit} items"

    return [
        f"The runs scored different items (earlier: {words(before_limit)} of each data set; "
        f"this run: {words(result.limit)}): the deltas mix a change of data with the change "
        "being measured.",
        "",
    ]


def _data_note(earlier: Mapping[str, pd.DataFrame], result: SuiteResult) -> list[str]:
    """A warning line when the earlier run of this suite read another data folder."""
    runs = earlier.get("suites")
    if runs is None or "data_dir" not in runs.columns or not result.data_dir:
        return []
    rows = runs[runs["suite"] == result.name]
    if rows.empty or pd.isna(rows["data_dir"].iloc[0]):
        return []
    before = str(rows["data_dir"].iloc[0])
    if before == result.data_dir:
        return []
    return [
        f"The runs read different data folders (earlier: {before}; this run: "
        f"{result.data_dir}): unless they hold the same files, the deltas mix a change of data "
        "with the change being measured.",
        "",
    ]


LOAD_RATIO = 1.5
"""Load per CPU this many times another run's (and half a CPU apart) makes their timings
incomparable enough to say so."""


def _load_text(load: float, cpus: int | None) -> str:
    return f"load average {load:g}" + (f" on {cpus} CPUs" if cpus else "")


def _load_words(load: float | None, cpus: int | None) -> str:
    return "" if load is None else f" ({_load_text(load, cpus)})"


TIMING = re.compile(r"latency|seconds|_ms$")
"""Metric names that are wall times."""


def _listed(rows: pd.DataFrame) -> str:
    """`metric (+delta)` for every row, comma separated."""
    return ", ".join(
        f"{m} ({_number(d, sign='+')})" for m, d in zip(rows["metric"], rows["delta"], strict=True)
    )


def _changes(table: pd.DataFrame) -> list[str]:
    """The metrics a comparison flags: an interval that excludes 0, and deltas with none.
    Timings are listed apart: between two runs their intervals do not cover the load."""

    timing = table["metric"].astype(str).map(lambda m: TIMING.search(m) is not None)
    beyond = (table["ci_low"] > 0) | (table["ci_high"] < 0)
    unsure = table["ci_low"].isna() & table["delta"].notna() & (table["delta"] != 0)
    flagged = table[beyond & ~timing]
    lines = [
        f"Changed beyond the 95 % interval: {_listed(flagged)}."
        if len(flagged)
        else "No metric changed beyond its 95 % interval."
    ]
    if (unsure & ~timing).any():
        lines.append(f"Changed, with no interval to judge by: {_listed(table[unsure & ~timing])}.")
    undefined = table[table["a"].isna() != table["b"].isna()]
    if len(undefined):
        cells = ", ".join(
            f"{m} ({_number(a)} -> {_number(b)})"
            for m, a, b in zip(undefined["metric"], undefined["a"], undefined["b"], strict=True)
        )
        lines.append(f"Defined in one run only: {cells}.")
    if ((beyond | unsure) & timing).any():
        lines.append(
            "Timings that moved (beyond their interval or without one; two runs, two loads: "
            f"see above): {_listed(table[(beyond | unsure) & timing])}."
        )
    return [*lines, ""]


def _timed(result: SuiteResult) -> bool:
    """Whether the suite's summary holds timings (wall seconds, latencies)."""
    return any(TIMING.search(str(metric)) for metric in result.summary["metric"])


def _timing_note(result: SuiteResult) -> list[str]:
    """What a timing delta between two runs can and cannot say, for suites that time."""
    if not _timed(result):
        return []
    where = (
        "the interleaved table above times both planners under one load"
        if result.baseline
        else "to compare two planners under one load, time them in turn in one run "
        "(`baseline=`, `--baseline`)"
    )
    return [
        "Timing rows compare runs made at different times: their intervals cover the spread "
        "between lines, not a change of the machine's load between the runs, which can move "
        f"them as much as a change of code; {where}.",
        "",
    ]


def _load_note(earlier: Mapping[str, pd.DataFrame], result: SuiteResult) -> list[str]:
    """A warning line when the two runs of a suite that times its work ran under loads far
    apart: its timing deltas then measure the machine as much as the change."""
    runs = earlier.get("suites")
    if runs is None or "load_average" not in runs.columns or not _timed(result):
        return []
    rows = runs[runs["suite"] == result.name]
    if rows.empty or result.load_average is None or pd.isna(rows["load_average"].iloc[0]):
        return []
    before, cpus_before = float(rows["load_average"].iloc[0]), rows["cpus"].iloc[0]
    per_cpu = [
        before / (1 if pd.isna(cpus_before) else max(1, int(cpus_before))),
        result.load_average / max(1, result.cpus or 1),
    ]
    low, high = sorted(per_cpu)
    if high - low < 0.5 or high < LOAD_RATIO * low:
        return []
    earlier_cpus = None if pd.isna(cpus_before) else int(cpus_before)
    return [
        f"The runs ran under different load (earlier: {_load_text(before, earlier_cpus)}; "
        f"this run: {_load_text(result.load_average, result.cpus)}): the timing deltas and "
        "their intervals measure the machine's load as well as the change.",
        "",
    ]


def _run_table(results: Sequence[SuiteResult]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "suite": r.name,
                "planner": r.planner,
                "seconds": r.seconds,
                "source": r.source,
                "licence": r.licence,
                "data_dir": r.data_dir,
                "limit": r.limit,
                "version": __version__,
                "load_average": r.load_average,
                "cpus": r.cpus,
                "baseline": r.baseline,
            }
            for r in results
        ],
        columns=[
            "suite",
            "planner",
            "seconds",
            "source",
            "licence",
            "data_dir",
            "limit",
            "version",
            "load_average",
            "cpus",
            "baseline",
        ],
    )


def suite_comparison(
    earlier: Mapping[str, pd.DataFrame],
    suite: str,
    summary: pd.DataFrame,
    values: pd.DataFrame | None,
    *,
    items: pd.DataFrame | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """One suite of an earlier report (tables by stem) against a later run's summary/values
    (and items).

    Item-mean metrics get a bootstrap interval from the per-item values, F1 scores one from
    the items' gold and predicted labels; the others (percentiles, medians) their delta alone."""
    before_summary = earlier[f"{suite}_summary"]
    previous = earlier.get(f"{suite}_values")
    before = previous if previous is not None and len(previous) else before_summary
    after = values if values is not None and len(values) else summary
    items_a = earlier.get(f"{suite}_items")
    table = metric_deltas(before, after, n_boot=n_boot, seed=seed, items_a=items_a, items_b=items)
    f1_items = _f1_items(before_summary, items_a), _f1_items(summary, items)
    return _merge_summary(table, before_summary, summary, f1_items, n_boot=n_boot, seed=seed)


def compare_reports(
    a: str | os.PathLike[str] | Mapping[str, pd.DataFrame],
    b: str | os.PathLike[str] | Mapping[str, pd.DataFrame],
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Every suite both reports hold: `suite, metric, a, b, delta, ci_low, ci_high`.

    `a` and `b` are report folders (or `load_report` tables); `delta = b - a`. Two planners
    evaluated on the same data give paired intervals (see `compare`)."""
    tables_a = a if isinstance(a, Mapping) else load_report(a)
    tables_b = b if isinstance(b, Mapping) else load_report(b)
    frames = []
    for stem in tables_b:
        suite = stem.removesuffix("_summary")
        if not stem.endswith("_summary") or stem not in tables_a:
            continue
        values = tables_b.get(f"{suite}_values")
        table = suite_comparison(
            tables_a,
            suite,
            tables_b[stem],
            values,
            items=tables_b.get(f"{suite}_items"),
            n_boot=n_boot,
            seed=seed,
        )
        frames.append(table.assign(suite=suite))
    if not frames:
        raise EvaluationError("the two reports have no suite in common")
    return pd.concat(frames, ignore_index=True)[["suite", *COLUMNS]]


def report_summaries(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The summaries of every suite in a report as one table: `suite, metric, value, n`."""
    frames = [
        frame.assign(suite=stem.removesuffix("_summary"))
        for stem, frame in tables.items()
        if stem.endswith("_summary")
    ]
    if not frames:
        raise EvaluationError("the report holds no suite summaries")
    return pd.concat(frames, ignore_index=True)[["suite", "metric", "value", "n"]]


def _merge_summary(
    table: pd.DataFrame,
    before: pd.DataFrame,
    after: pd.DataFrame,
    f1_items: tuple[pd.DataFrame | None, pd.DataFrame | None],
    *,
    n_boot: int,
    seed: int,
) -> pd.DataFrame:
    """Adds the summary-only metrics (F1, medians) that have no per-item values; F1 scores get
    their paired interval when both runs' items hold gold and predicted labels."""
    known = set(table["metric"])
    rows = []
    after_values = dict(zip(after["metric"], after["value"], strict=True))
    rng = np.random.default_rng(seed)
    items_a, items_b = f1_items
    for metric, value in zip(before["metric"], before["value"], strict=True):
        if metric in known or metric not in after_values:
            continue
        b = float(after_values[metric])
        interval = None
        if items_a is not None and items_b is not None:
            interval = _f1_interval(metric, items_a, items_b, n_boot, rng)
        low, high = interval or (float("nan"), float("nan"))
        rows.append([metric, float(value), b, b - float(value), low, high])
    extra = pd.DataFrame(rows, columns=table.columns)
    return pd.concat([table, extra], ignore_index=True) if rows else table


REPORT_FILES = ("report.md", "*.csv", "*.png", "*.parquet")
"""What a report writes into its folder, and what a new report there replaces."""


def _report_files(folder: Path) -> list[Path]:
    if not (folder / "report.md").is_file():
        return []
    return sorted({path for pattern in REPORT_FILES for path in folder.glob(pattern)})


def check_report_folder(out_dir: str | os.PathLike[str]) -> Path:
    """`out_dir` as a folder a report may be written to: new, empty, or an earlier report
    (whose files the new one replaces, so no table of an earlier run is left to be read as
    this one's). A folder holding other files is refused rather than written into."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise EvaluationError(f"{out} is a file; a report needs a folder")
    if out.is_dir() and not (out / "report.md").is_file() and any(out.iterdir()):
        raise EvaluationError(
            f"{out} holds files and no report.md: write the report to a new or empty folder "
            "(or to an earlier report folder, which it replaces)"
        )
    return out


def load_report(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Every CSV table of a report folder by file stem (`emotion_summary`, `screenplays_items`,
    `screenplays_latency`, `suites`, `comparison`): of the suites its `suites.csv` lists, where
    it has one."""
    folder = Path(out_dir)
    if not (folder / "report.md").is_file():
        raise EvaluationError(f"{folder} is not an evaluation report folder (no report.md)")
    tables: dict[str, pd.DataFrame] = {}
    for path in sorted(folder.glob("*.csv")):
        index_col = 0 if "_confusion_" in path.stem else None
        tables[path.stem] = pd.read_csv(path, index_col=index_col)
    runs = tables.get("suites")
    if runs is not None and "suite" in runs.columns:
        # A folder written over by an earlier version may still hold other runs' tables.
        ran = tuple(f"{suite}_" for suite in runs["suite"].astype(str))
        tables = {
            stem: table
            for stem, table in tables.items()
            if stem in ("suites", "comparison") or stem.startswith(ran)
        }
    return tables


def run_eval(
    suites: Iterable[str],
    planner: str | Planner,
    out_dir: str | os.PathLike[str],
    compare_to: str | os.PathLike[str] | None = None,
    progress: bool = False,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    limit: int | None = None,
    log: Callable[[str], None] | None = None,
    baseline: str | Planner | None = None,
    emotion_data: Sequence[EmotionData] | None = None,
    cue_cases: str | os.PathLike[str] | None = None,
) -> Path:
    """Run the suites (`all` for every one) with `planner` (a name or a planner object), write
    the report to `out_dir`, return report.md. With `compare_to` (an earlier report folder)
    the report compares this run with it, whatever planners the two runs used. `baseline` (a
    name or a planner object): the screenplays suite times it line by line in turn with
    `planner`, so the latency deltas between the two are not a change of load between runs.
    `progress` shows a bar over the suites; `log`, where there is no bar to see (output to a
    file), is called with a line as each suite ends. `emotion_data` and `cue_cases`: the
    caller's own data for the emotion and behaviours suites (see `run_suite`), read and
    checked before any suite runs."""
    from tqdm import tqdm

    names = resolve_suites(suites)
    # Resolved once, before any suite runs: a bad name fails at once, not after a long suite,
    # and every suite shares one planner (and its counters).
    chosen = resolve_planner(planner)
    check_report_folder(out_dir)
    base = resolve_planner(baseline) if baseline is not None else None
    if base is not None and not set(names) & set(TIMED_SUITES):
        raise EvaluationError(
            f"a baseline planner is timed in the {', '.join(TIMED_SUITES)} suite; "
            f"choose it (the suites chosen: {', '.join(names)})"
        )
    own = [
        name
        for name, given in (("emotion", emotion_data), ("behaviours", cue_cases))
        if given is not None
    ]
    left_out = [name for name in own if name not in names]
    if left_out:
        raise EvaluationError(
            f"data was given for the {', '.join(left_out)} suite, which is not chosen "
            f"(the suites chosen: {', '.join(names)})"
        )
    check_data(names, data_dir, own)
    check_own_data("emotion", emotion_data, None)
    for spec in emotion_data or ():
        load_emotion_data(spec)  # a bad row fails now, not after the suites before it
    if cue_cases is not None:
        check_own_data("behaviours", None, cue_cases)
        _cue_cases(Path(cue_cases))
    if compare_to is not None:
        load_report(compare_to)  # a wrong folder fails now, not after the suites have run
    results = []
    for number, name in enumerate(tqdm(names, disable=not progress, unit="suite"), start=1):
        started = time.perf_counter()
        timed_with = base if name in TIMED_SUITES else None
        results.append(
            run_suite(
                name,
                planner=chosen,
                data_dir=data_dir,
                limit=limit,
                baseline=timed_with,
                emotion_data=emotion_data if name == "emotion" else None,
                cue_cases=cue_cases if name == "behaviours" else None,
            )
        )
        if log is not None:
            log(f"suite {number}/{len(names)} {name}: {time.perf_counter() - started:.1f} s")
    return write_report(results, out_dir, compare_to=compare_to)
