"""Side-by-side comparison of two evaluation runs with per-metric deltas and bootstrap CIs.

Method: for every metric in both summaries, `delta = b - a`. Where both runs hold per-item
values for the metric (the `values` table of a SuiteResult, or a long frame with `metric`,
`item`, `value`), the metric is the mean of those values and `scipy.stats.bootstrap` gives a
95 % BCa interval for the delta of the means (`n_boot` resamples). When both runs scored the
same items (two planners on one data set) the resampling is paired: the same item ids are drawn
for both runs; otherwise each run's items are drawn independently. F1 scores are not means,
so for them the items themselves are resampled: where both runs hold the gold and predicted
label of the same items (the `emotion` suite), the interval is for the delta of the F1 scores
recomputed on each resample, paired by item. Other metrics without per-item values (medians)
get no interval. With fewer than two items, or no variation to resample, the interval is the
delta itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motiondirector.errors import EvaluationError
from motiondirector.evaluation.intervals import F1_AVERAGES, bca_interval, f1_score
from motiondirector.evaluation.suites import SuiteResult

COLUMNS = ["metric", "a", "b", "delta", "ci_low", "ci_high"]


def _parts(run: SuiteResult | pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary with metric/value, per-item values with metric/item/value)."""
    if isinstance(run, SuiteResult):
        return run.summary, run.values
    if not {"metric", "value"} <= set(run.columns):
        raise EvaluationError("compare needs frames with `metric` and `value` columns")
    if "item" in run.columns:
        values = run[["metric", "item", "value"]]
        summary = values.groupby("metric", sort=False)["value"].mean().reset_index()
        return summary, values
    return run, pd.DataFrame(columns=["metric", "item", "value"])


def _bootstrap(
    a: pd.Series, b: pd.Series, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    av, bv = a.to_numpy(float), b.to_numpy(float)
    paired = a.index.is_unique and b.index.is_unique and set(a.index) == set(b.index)
    if paired:
        bv = b.reindex(a.index).to_numpy(float)
    exact = float(bv.mean() - av.mean())
    spread = np.ptp(bv - av) if paired else max(np.ptp(av), np.ptp(bv))
    if min(len(av), len(bv)) < 2 or spread == 0:
        return exact, exact

    def delta(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(y.mean(axis=axis) - x.mean(axis=axis))

    return bca_interval((av, bv), delta, n_boot, rng, paired=paired, vectorized=True)


def _f1_items(
    run: SuiteResult | pd.DataFrame, items: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    if items is None and isinstance(run, SuiteResult):
        items = run.items
    if items is not None and {"dataset", "item", "gold", "pred"} <= set(items):
        return items.set_index("item")
    return None


def _f1_interval(
    metric: str, items_a: pd.DataFrame, items_b: pd.DataFrame, n_boot: int, rng: np.random.Generator
) -> tuple[float, float] | None:
    """The paired bootstrap interval of the delta of an F1 metric (`dataset.weighted_f1`)."""
    dataset, _, average = metric.rpartition(".")
    if average not in F1_AVERAGES:
        return None
    a = items_a[items_a["dataset"] == dataset]
    b = items_b[items_b["dataset"] == dataset]
    # Only the same items on both sides: an interval over a subset would not be the delta's.
    if a.empty or set(a.index) != set(b.index):
        return None
    b = b.reindex(a.index)
    if not a["gold"].equals(b["gold"]):
        return None
    names = sorted({*a["gold"], *a["pred"], *b["pred"]})
    code = {name: i for i, name in enumerate(names)}
    gold, pred_a, pred_b = (
        np.array([code[v] for v in col]) for col in (a["gold"], a["pred"], b["pred"])
    )
    kind = average.removesuffix("_f1")
    exact = f1_score(gold, pred_b, len(names), kind) - f1_score(gold, pred_a, len(names), kind)
    if len(gold) < 2 or np.array_equal(pred_a, pred_b):
        return exact, exact

    def delta(chosen: np.ndarray) -> float:
        rows = chosen.astype(int)
        return f1_score(gold[rows], pred_b[rows], len(names), kind) - f1_score(
            gold[rows], pred_a[rows], len(names), kind
        )

    return bca_interval((np.arange(len(gold)),), delta, n_boot, rng, vectorized=False)


def compare(
    a: SuiteResult | pd.DataFrame,
    b: SuiteResult | pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    items_a: pd.DataFrame | None = None,
    items_b: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-metric values of both runs, `delta = b - a`, and a 95 % bootstrap CI of the delta.

    `items_a`/`items_b`: the runs' items tables (dataset, item, gold, pred), for F1 intervals
    when `a`/`b` are DataFrames read from a report (a SuiteResult brings its own). Two runs
    with no metric in common (two different suites) raise EvaluationError."""
    table = metric_deltas(a, b, n_boot=n_boot, seed=seed, items_a=items_a, items_b=items_b)
    if table.empty:
        raise EvaluationError(
            f"nothing to compare: the runs share no metric ({_names(a)} against {_names(b)})"
        )
    return table


def _names(run: SuiteResult | pd.DataFrame) -> str:
    if isinstance(run, SuiteResult):
        return f"suite {run.name!r}"
    metrics = list(dict.fromkeys(run["metric"])) if "metric" in run.columns else []
    if not metrics:
        return "no metrics"
    shown = ", ".join(str(m) for m in metrics[:3])
    return shown + (f" and {len(metrics) - 3} more" if len(metrics) > 3 else "")


def metric_deltas(
    a: SuiteResult | pd.DataFrame,
    b: SuiteResult | pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    items_a: pd.DataFrame | None = None,
    items_b: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`compare`'s table, empty when the runs share no metric (a report's summary-only
    metrics are added to it afterwards)."""
    summary_a, values_a = _parts(a)
    summary_b, values_b = _parts(b)
    b_values = dict(zip(summary_b["metric"], summary_b["value"], strict=True))
    f1_a, f1_b = _f1_items(a, items_a), _f1_items(b, items_b)
    rng = np.random.default_rng(seed)
    rows = []
    for metric, value_a in zip(summary_a["metric"], summary_a["value"], strict=True):
        if metric not in b_values:
            continue
        value_b = float(b_values[metric])
        low = high = float("nan")
        per_item_a = values_a[values_a["metric"] == metric].set_index("item")["value"]
        per_item_b = values_b[values_b["metric"] == metric].set_index("item")["value"]
        if len(per_item_a) and len(per_item_b):
            low, high = _bootstrap(per_item_a, per_item_b, n_boot, rng)
        elif f1_a is not None and f1_b is not None:
            low, high = _f1_interval(metric, f1_a, f1_b, n_boot, rng) or (low, high)
        rows.append([metric, float(value_a), value_b, value_b - float(value_a), low, high])
    return pd.DataFrame(rows, columns=COLUMNS)
