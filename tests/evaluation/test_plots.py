"""Figures of evaluation results: what they draw, checked on the artists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motiondirector.evaluation.plots import (
    comparison_figure,
    latency_figure,
    recall_at_k,
    recall_figure,
    tokens_figure,
)


def test_latency_figure_marks_the_percentiles() -> None:
    latency = pd.DataFrame({"plan_ms": np.arange(1.0, 101.0)})
    figure = latency_figure(latency)
    axes = figure.axes[0]
    lines = [line.get_xdata()[0] for line in axes.get_lines()]
    assert lines == pytest.approx([50.5, 90.1, 99.01])
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "p50 50.5",
        "p90 90.1",
        "p99 99.0",
    ]
    assert "100 turns" in axes.get_title()


def test_tokens_figure_draws_prompt_and_completion() -> None:
    latency = pd.DataFrame({"prompt_tokens": [100, 120], "completion_tokens": [20, 30]})
    labels = [t.get_text() for t in tokens_figure(latency).axes[0].get_legend().get_texts()]
    assert labels == ["prompt_tokens", "completion_tokens"]


def test_comparison_figure_shows_rows_with_intervals_by_default() -> None:
    table = pd.DataFrame(
        {
            "suite": ["behaviours", "behaviours", "emotion"],
            "metric": ["explicit_honoured", "implicit_honoured", "meld.macro_f1"],
            "a": [1.0, 0.9, 0.4],
            "b": [0.8, 0.9, 0.5],
            "delta": [-0.2, 0.0, 0.1],
            "ci_low": [-0.3, 0.0, np.nan],
            "ci_high": [-0.1, 0.0, np.nan],
        }
    )
    axes = comparison_figure(table).axes[0]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == ["behaviours: explicit_honoured", "behaviours: implicit_honoured"]
    picked = comparison_figure(table, metrics=["meld.macro_f1"]).axes[0]
    assert [t.get_text() for t in picked.get_yticklabels()] == ["emotion: meld.macro_f1"]


def test_recall_at_k_counts_unanswered_queries_as_misses() -> None:
    items = pd.DataFrame({"rank": [1, 2, 6, None]})
    curve = recall_at_k(items, ks=(1, 5, 10))
    assert list(curve["recall"]) == [0.25, 0.5, 0.75]
    line = recall_figure(items, ks=(1, 5, 10)).axes[0].get_lines()[0]
    assert list(line.get_ydata()) == [0.25, 0.5, 0.75]
