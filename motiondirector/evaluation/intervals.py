"""Bootstrap intervals of one run's metrics, and the helpers `compare` shares.

`summary_intervals(summary, values, items, quantiles)` gives each summary row the 95 % interval
of the metric over the run's items: BCa for a mean of per-item values, percentile for an F1
score over labelled items and for a quantile of per-item values (a median, a p90); NaN for a
metric with none of these. Seeded, so a rerun gives the same interval.
Imports nothing of the suites, which call it for every summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

F1_AVERAGES = ("weighted_f1", "macro_f1")


def bca_interval(
    data: tuple[np.ndarray, ...],
    statistic: Callable[..., Any],
    n_boot: int,
    rng: np.random.Generator,
    **options: bool,
) -> tuple[float, float]:
    """The 95 % BCa bootstrap interval of `statistic` over `data`."""
    return _interval(data, statistic, n_boot, rng, "BCa", **options)


def _interval(
    data: tuple[np.ndarray, ...],
    statistic: Callable[..., Any],
    n_boot: int,
    rng: np.random.Generator,
    method: str,
    **options: bool,
) -> tuple[float, float]:
    result = stats.bootstrap(
        data,
        statistic,
        n_resamples=n_boot,
        confidence_level=0.95,
        method=method,
        rng=rng,
        **options,
    )
    interval = result.confidence_interval
    return float(interval.low), float(interval.high)


def f1_score(gold: np.ndarray, pred: np.ndarray, labels: int, average: str) -> float:
    """Weighted or macro F1 of integer labels in [0, labels), over the labels present in
    `gold` (as `sklearn.metrics.f1_score` with those labels and zero_division=0)."""
    confusion = np.bincount(gold * labels + pred, minlength=labels * labels).reshape(labels, -1)
    true_positive = np.diag(confusion).astype(float)
    support = confusion.sum(axis=1).astype(float)
    denominator = support + confusion.sum(axis=0)
    f1 = np.divide(2 * true_positive, denominator, out=np.zeros(labels), where=denominator > 0)
    present = support > 0
    if average == "macro":
        return float(f1[present].mean()) if present.any() else 0.0
    return float((f1 * support).sum() / support.sum()) if support.sum() else 0.0


def summary_intervals(
    summary: pd.DataFrame,
    values: pd.DataFrame,
    items: pd.DataFrame | None = None,
    quantiles: Mapping[str, tuple[str, float]] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """`summary` with `ci_low` and `ci_high`: the 95 % bootstrap interval of each metric
    that is a mean of per-item values (`values`; BCa), an F1 score over labelled items
    (`items` with dataset, gold and pred; percentile) or a quantile of per-item values
    (`quantiles`: metric -> (the metric of `values` holding the items, q in [0, 1]);
    percentile), resampling the items; NaN for the others (realism's distances, which carry
    their own intervals). Seeded, so a rerun gives the same interval; with fewer than two items
    or nothing that varies the interval is the value itself."""
    rng = np.random.default_rng(seed)
    if items is not None and not {"dataset", "gold", "pred"} <= set(items.columns):
        items = None
    lows, highs = [], []
    for metric in summary["metric"]:
        per_item = values.loc[values["metric"] == metric, "value"].to_numpy(float)
        low = high = float("nan")
        if metric in (quantiles or {}):
            source, q = (quantiles or {})[metric]
            of = values.loc[values["metric"] == source, "value"].to_numpy(float)
            if len(of) and not np.isnan(of).any():
                low, high = _quantile_interval(of, q, n_boot, rng)
        elif len(per_item) and not np.isnan(per_item).any():
            low, high = _mean_interval(per_item, n_boot, rng)
        elif items is not None:
            low, high = _f1_alone(metric, items, n_boot, rng) or (low, high)
        lows.append(low)
        highs.append(high)
    return summary.assign(ci_low=lows, ci_high=highs)


def _mean_interval(
    values: np.ndarray, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    mean = float(values.mean())
    if len(values) < 2 or np.ptp(values) == 0:
        return mean, mean

    def statistic(x: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(x.mean(axis=axis))

    return bca_interval((values,), statistic, n_boot, rng, vectorized=True)


def _quantile_interval(
    values: np.ndarray, q: float, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    exact = float(np.quantile(values, q))
    if len(values) < 2 or np.ptp(values) == 0:
        return exact, exact

    def statistic(x: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(np.quantile(x, q, axis=axis))

    # Percentile, not BCa: a quantile's jackknife values tie, which BCa cannot take.
    return _interval((values,), statistic, n_boot, rng, "percentile", vectorized=True)


def _f1_alone(
    metric: str, items: pd.DataFrame, n_boot: int, rng: np.random.Generator
) -> tuple[float, float] | None:
    """The bootstrap interval of one run's F1 metric (`dataset.weighted_f1`)."""
    dataset, _, average = metric.rpartition(".")
    if average not in F1_AVERAGES:
        return None
    part = items[items["dataset"] == dataset]
    if part.empty:
        return None
    names = sorted({*part["gold"], *part["pred"]})
    code = {name: i for i, name in enumerate(names)}
    gold = np.array([code[v] for v in part["gold"]])
    pred = np.array([code[v] for v in part["pred"]])
    kind = average.removesuffix("_f1")
    exact = f1_score(gold, pred, len(names), kind)
    if len(gold) < 2:
        return exact, exact

    def statistic(chosen: np.ndarray) -> float:
        rows = chosen.astype(int)
        return f1_score(gold[rows], pred[rows], len(names), kind)

    # Percentile, not BCa: BCa's jackknife would recompute the score once per item.
    items_drawn = (np.arange(len(gold)),)
    return _interval(items_drawn, statistic, n_boot, rng, "percentile", vectorized=False)
