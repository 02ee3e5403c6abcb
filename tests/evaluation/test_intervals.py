"""One run's bootstrap intervals: around item means and F1 scores, none for other metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from motiondirector.evaluation.intervals import summary_intervals


def test_means_and_f1_get_an_interval_around_their_value_and_others_none() -> None:
    hits = [1.0, 0.0] * 10
    summary = pd.DataFrame(
        [("share", 0.5, 20), ("d.weighted_f1", 0.5, 20), ("median_rank", 3.0, 20)],
        columns=["metric", "value", "n"],
    )
    values = pd.DataFrame({"metric": "share", "item": range(20), "value": hits})
    gold = ["joy", "anger"] * 10
    items = pd.DataFrame({"dataset": "d", "gold": gold, "pred": ["joy"] * 20})
    table = summary_intervals(summary, values, items).set_index("metric")
    for metric in ("share", "d.weighted_f1"):
        assert (
            table.loc[metric, "ci_low"] < table.loc[metric, "value"] < table.loc[metric, "ci_high"]
        )
    assert table["ci_low"].isna().tolist() == [False, False, True]
    again = summary_intervals(summary, values, items).set_index("metric")
    pd.testing.assert_frame_equal(table, again)


def test_a_quantile_of_item_values_gets_an_interval_around_it() -> None:
    """Medians and p90s of per-turn latency had no interval: a p90 over 30 turns is the
    noisiest figure of a latency table."""
    times = np.random.default_rng(1).lognormal(3.0, 0.5, 40)
    summary = pd.DataFrame(
        [
            ("latency_mean_ms", times.mean(), 40),
            ("latency_p50_ms", float(np.quantile(times, 0.5)), 40),
            ("latency_p90_ms", float(np.quantile(times, 0.9)), 40),
        ],
        columns=["metric", "value", "n"],
    )
    values = pd.DataFrame({"metric": "latency_mean_ms", "item": range(40), "value": times})
    quantiles = {f"latency_p{p}_ms": ("latency_mean_ms", p / 100) for p in (50, 90)}
    table = summary_intervals(summary, values, None, quantiles).set_index("metric")
    for metric in ("latency_p50_ms", "latency_p90_ms"):
        low, value, high = table.loc[metric, ["ci_low", "value", "ci_high"]]
        assert low < value < high
    p50, p90 = table.loc["latency_p50_ms"], table.loc["latency_p90_ms"]
    assert p90["ci_high"] - p90["ci_low"] > p50["ci_high"] - p50["ci_low"]
    assert summary_intervals(summary, values).set_index("metric")["ci_low"].isna().sum() == 2
