"""Per-utterance planning latency: every line of a script planned as a dialogue turn of its own.

`plan_turns(scene, planner)` returns one row per utterance: `plan_ms` (the planner's own
`plan` call), `turn_ms` (plan, realize and validate: what a turn costs end to end) and, when the
planner reports them (see `usage`), the model calls and tokens that turn used. It works for any
object with a `name` and a `plan(scene)` method. `interleaved_turns(scene, [a, b])` times two
planners line by line in turn, so their deltas are not a change of load between runs, and
`compare_turns` gives those deltas with paired intervals. `percentiles` gives p50/p90/p99.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from motiondirector.errors import EvaluationError
from motiondirector.evaluation.scenes import turn_scene
from motiondirector.evaluation.usage import usage_counters, usage_delta
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene, Utterance

if TYPE_CHECKING:
    from motiondirector.planners import Planner

PERCENTILES = (50, 90, 99)


class TimedPlanner:
    """Wraps a planner and keeps the wall time of its last `plan` call in `last_seconds`."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.name = planner.name
        self.last_seconds = 0.0

    def plan(self, scene: Scene) -> Direction:
        began = time.perf_counter()
        direction = self.planner.plan(scene)
        self.last_seconds = time.perf_counter() - began
        return direction


def percentiles(values: Iterable[float], points: Sequence[int] = PERCENTILES) -> dict[str, float]:
    """`{"p50": ..., "p90": ..., "p99": ...}` with linear interpolation; NaN when empty."""
    array = np.asarray(list(values), dtype=float)
    if array.size == 0:
        return {f"p{p}": float("nan") for p in points}
    return {f"p{p}": float(v) for p, v in zip(points, np.percentile(array, points), strict=True)}


def plan_turns(
    scene: Scene, planner: Planner, *, script: str = "", fps: int = 30, seed: int = 0
) -> list[dict[str, Any]]:
    """Plan each utterance of `scene` as its own turn and time it; one row per utterance."""
    timed = TimedPlanner(planner)
    return [
        _timed_turn(scene, utterance, timed, script=script, fps=fps, seed=seed)
        for utterance in scene.utterances
    ]


def interleaved_turns(
    scene: Scene,
    planners: Sequence[Planner],
    *,
    script: str = "",
    fps: int = 30,
    seed: int = 0,
) -> list[list[dict[str, Any]]]:
    """`plan_turns` for several planners at once, one table each (same items, same order).

    Each line is planned by every planner back to back, and the order turns by one place from
    line to line, so every planner runs under the load of the same moments and goes first as
    often as the others: timing deltas between the tables measure the planners, not a change
    of the machine's load between two runs. First every line is planned once, untimed, by the
    rules planner (which keeps no answers), so the realizer's per-word caches are warm for all:
    else the planner that meets a word first pays for it and the next one does not. Before each
    timed call the emotion classifier forgets the lines it read, so no planner is answered
    from what the one before it read.
    """
    from motiondirector.planners import get_planner
    from motiondirector.planners.emotion import forget_recent_lines
    from motiondirector.realize import plan_scene

    warm = get_planner("rules")
    for utterance in scene.utterances:
        plan_scene(turn_scene(scene, utterance), planner=warm, fps=fps, seed=seed)
    timed = [TimedPlanner(planner) for planner in planners]
    tables: list[list[dict[str, Any]]] = [[] for _ in planners]
    for number, utterance in enumerate(scene.utterances):
        for step in range(len(timed)):
            which = (number + step) % len(timed)
            forget_recent_lines()
            tables[which].append(
                _timed_turn(scene, utterance, timed[which], script=script, fps=fps, seed=seed)
            )
    return tables


def _timed_turn(
    scene: Scene, utterance: Utterance, timed: TimedPlanner, *, script: str, fps: int, seed: int
) -> dict[str, Any]:
    """One line of `scene` planned as a turn of its own, timed: one row of `plan_turns`."""
    from motiondirector.realize import plan_scene

    turn = turn_scene(scene, utterance)
    before = usage_counters(timed.planner)
    began = time.perf_counter()
    plan_scene(turn, planner=timed, fps=fps, seed=seed)
    total = time.perf_counter() - began
    row: dict[str, Any] = {
        "item": f"{script}:{utterance.id}" if script else utterance.id,
        "script": script,
        "utterance": utterance.id,
        "speaker": utterance.speaker,
        "words": len(utterance.words),
        "plan_ms": timed.last_seconds * 1000,
        "turn_ms": total * 1000,
    }
    row.update(usage_delta(before, usage_counters(timed.planner)))
    return row


TURN_METRICS = {"plan_ms": "turn_plan_latency", "turn_ms": "turn_latency"}
"""Latency columns of a turn table and the prefix of their summary metrics."""


def compare_turns(
    baseline: pd.DataFrame, latency: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Two turn tables timed together (`interleaved_turns`), line by line: `metric, a, b,
    delta, ci_low, ci_high` with a = `baseline`, b = `latency`, for the mean and p50/p90/p99
    of `plan_ms` and `turn_ms`.

    The lines pair up, so every interval is a paired bootstrap over lines (95 %; BCa for the
    mean, percentile for the quantiles): a stall that hit one line hits one pair. The mean
    follows such stalls; the p50 does not.
    """
    from scipy import stats

    items = list(baseline["item"])
    if list(latency["item"]) != items:
        raise EvaluationError("the two turn tables must hold the same lines in the same order")
    rng = np.random.default_rng(seed)
    rows = []
    for column, prefix in TURN_METRICS.items():
        a = baseline[column].to_numpy(float)
        b = latency[column].to_numpy(float)
        statistics: dict[str, Callable[[np.ndarray], Any]] = {"mean": np.mean}
        statistics |= {f"p{q}": functools.partial(np.percentile, q=q) for q in PERCENTILES}
        for name, statistic in statistics.items():

            def delta(x: np.ndarray, y: np.ndarray, axis: int = -1, f: Any = statistic) -> Any:
                return f(y, axis=axis) - f(x, axis=axis)

            if not len(a):  # a script set without a line: nothing was timed
                rows.append([f"{prefix}_{name}_ms", *[float("nan")] * 5])
                continue
            exact = float(delta(a, b))
            low = high = exact
            if len(a) >= 2 and np.ptp(b - a) > 0:
                interval = stats.bootstrap(
                    (a, b),
                    delta,
                    paired=True,
                    vectorized=True,
                    n_resamples=n_boot,
                    confidence_level=0.95,
                    method="BCa" if name == "mean" else "percentile",
                    rng=rng,
                ).confidence_interval
                low, high = float(interval.low), float(interval.high)
            rows.append(
                [f"{prefix}_{name}_ms", float(statistic(a)), float(statistic(b)), exact, low, high]
            )
    return pd.DataFrame(rows, columns=["metric", "a", "b", "delta", "ci_low", "ci_high"])
