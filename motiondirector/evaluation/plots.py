"""Figures of evaluation results, as matplotlib `Figure` objects.

The report writer saves them as PNG; notebooks show them. They are built on `Figure` directly
(no pyplot), so they neither need nor change a pyplot backend and never open a window.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from motiondirector.evaluation.latency import percentiles


def confusion_figure(table: pd.DataFrame, title: str) -> Figure:
    """Counts of a confusion table (gold rows, predicted columns) as a heat map."""
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
    return figure


def lexeme_figure(lexemes: pd.DataFrame) -> Figure:
    """Recall and precision per lexeme key (the behaviours suite's `lexemes` table)."""
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
    return figure


def histogram_figure(values: pd.Series, title: str, xlabel: str) -> Figure:
    figure = Figure(figsize=(6, 4))
    axes = figure.subplots()
    axes.hist(values.to_numpy(float), bins=30)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("count")
    axes.set_title(title)
    figure.tight_layout()
    return figure


def latency_figure(latency: pd.DataFrame, column: str = "plan_ms") -> Figure:
    """Distribution of per-utterance latency (ms) with p50, p90 and p99 marked."""
    values = latency[column].to_numpy(float)
    figure = Figure(figsize=(6, 4))
    axes = figure.subplots()
    axes.hist(values, bins=min(40, max(len(values), 1)), color="tab:blue", alpha=0.8)
    styles = {"p50": "-", "p90": "--", "p99": ":"}
    for name, value in percentiles(values).items():
        if np.isfinite(value):
            axes.axvline(value, color="black", linestyle=styles[name], label=f"{name} {value:.1f}")
    axes.set_xlabel("milliseconds per utterance")
    axes.set_ylabel("utterances")
    what = "planner" if column == "plan_ms" else "plan + realize + validate"
    axes.set_title(f"per-utterance latency ({what}), {len(values)} turns")
    if len(values):
        axes.legend()
    figure.tight_layout()
    return figure


def tokens_figure(latency: pd.DataFrame) -> Figure:
    """Prompt and completion tokens per utterance, from a latency table with token columns."""
    figure = Figure(figsize=(6, 4))
    axes = figure.subplots()
    for column in ("prompt_tokens", "completion_tokens"):
        if column in latency.columns:
            axes.hist(latency[column].to_numpy(float), bins=30, alpha=0.6, label=column)
    axes.set_xlabel("tokens per utterance")
    axes.set_ylabel("utterances")
    axes.set_title("model tokens per utterance")
    axes.legend()
    figure.tight_layout()
    return figure


def comparison_figure(
    table: pd.DataFrame, metrics: Sequence[str] | None = None, title: str | None = None
) -> Figure:
    """`delta = b - a` per metric with its 95 % bootstrap interval, from `compare`'s table.

    `metrics` picks rows (they share one axis, so pick metrics on one scale); by default every
    row that has an interval. Rows without one are drawn as a point.
    """
    rows = table if metrics is None else table[table["metric"].isin(list(metrics))]
    if metrics is None:
        rows = rows[rows["ci_low"].notna()]
    figure = Figure(figsize=(7, max(2.5, 0.35 * len(rows) + 1)))
    axes = figure.subplots()
    positions = np.arange(len(rows))
    delta = rows["delta"].to_numpy(float)
    low = np.nan_to_num(delta - rows["ci_low"].to_numpy(float))
    high = np.nan_to_num(rows["ci_high"].to_numpy(float) - delta)
    colours = ["tab:red" if d < 0 else "tab:green" if d > 0 else "tab:gray" for d in delta]
    axes.errorbar(delta, positions, xerr=[low, high], fmt="none", ecolor="black", capsize=3)
    axes.scatter(delta, positions, color=colours, zorder=3)
    axes.axvline(0.0, color="gray", linewidth=0.8)
    labels = rows["metric"].astype(str)
    if "suite" in rows.columns:
        labels = rows["suite"].astype(str) + ": " + labels
    axes.set_yticks(positions, list(labels))
    axes.invert_yaxis()
    axes.set_xlabel("delta (b - a) with 95 % bootstrap CI")
    axes.set_title(title or "comparison")
    figure.tight_layout()
    return figure


def recall_at_k(items: pd.DataFrame, ks: Sequence[int] = (1, 2, 3, 5, 10, 20)) -> pd.DataFrame:
    """Share of queries whose first full answer (`rank`) is within k, per k."""
    ranks = items["rank"].to_numpy(float)
    return pd.DataFrame(
        {
            "k": list(ks),
            "recall": [float(np.mean(np.nan_to_num(ranks, nan=np.inf) <= k)) for k in ks],
        }
    )


def recall_figure(items: pd.DataFrame, ks: Sequence[int] = (1, 2, 3, 5, 10, 20)) -> Figure:
    """Recall@k curve of the retrieval suite's per-query table."""
    curve = recall_at_k(items, ks)
    figure = Figure(figsize=(6, 4))
    axes = figure.subplots()
    axes.plot(curve["k"], curve["recall"], marker="o")
    axes.set_xscale("log")
    axes.set_xticks(list(ks), [str(k) for k in ks])
    axes.set_ylim(0, 1.05)
    axes.set_xlabel("k")
    axes.set_ylabel("share of queries answered within the top k")
    axes.set_title(f"retrieval recall@k ({len(items)} queries)")
    figure.tight_layout()
    return figure


def realism_figure(quantiles: pd.DataFrame, spectrum: pd.DataFrame | None = None) -> Figure:
    """Real against planned faces: the CDF of every distribution feature (the realism suite's
    `quantiles` table; the area between the two curves is their Wasserstein distance) and,
    given the `spectrum` table, both head-speed spectra."""
    from motiondirector.evaluation.realism import FEATURES

    units = {feature.key: feature.unit for feature in FEATURES}
    features = list(dict.fromkeys(quantiles["feature"]))
    panels = len(features) + (1 if spectrum is not None and len(spectrum) else 0)
    columns = min(4, max(panels, 1))
    rows = max(1, -(-panels // columns))
    figure = Figure(figsize=(3.2 * columns, 2.6 * rows))
    grid = figure.subplots(rows, columns, squeeze=False)
    styles = {"real": ("tab:blue", "-"), "planned": ("tab:orange", "--")}
    for index, feature in enumerate(features):
        axes = grid[index // columns][index % columns]
        for side, (colour, line) in styles.items():
            part = quantiles[(quantiles["feature"] == feature) & (quantiles["side"] == side)]
            if len(part):
                axes.plot(part["value"], part["q"], color=colour, linestyle=line, label=side)
        axes.set_title(feature, fontsize=9)
        axes.set_xlabel(units.get(feature, ""), fontsize=8)
        if index % columns == 0:
            axes.set_ylabel("share at or below", fontsize=8)
        axes.set_ylim(0, 1.02)
        axes.tick_params(labelsize=7)
    if panels > len(features) and spectrum is not None:
        axes = grid[len(features) // columns][len(features) % columns]
        for side, (colour, line) in styles.items():
            part = spectrum[spectrum["side"] == side]
            axes.plot(part["hz"], part["power"], color=colour, linestyle=line, label=side)
        axes.set_title("head speed spectrum (share of power)", fontsize=9)
        axes.set_xlabel("Hz", fontsize=8)
        axes.tick_params(labelsize=7)
    for index in range(panels, rows * columns):
        grid[index // columns][index % columns].set_visible(False)
    if panels:
        grid[0][0].legend(fontsize=7)
    figure.suptitle("real (video) against planned faces: cumulative distributions")
    figure.tight_layout()
    return figure
