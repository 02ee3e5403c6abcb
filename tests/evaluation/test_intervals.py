"""One run's bootstrap intervals: around item means and F1 scores, none for other metrics."""

from __future__ import annotations

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
