"""Per-utterance planning latency: every line of a script planned as a dialogue turn of its own.

`plan_turns(scene, planner)` returns one row per utterance: `plan_ms` (the planner's own
`plan` call), `turn_ms` (plan, realize and validate: what a turn costs end to end) and, when the
planner reports them (see `usage`), the model calls and tokens that turn used. It works for any
object with a `name` and a `plan(scene)` method. `percentiles` gives p50/p90/p99.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from motiondirector.evaluation.scenes import turn_scene
from motiondirector.evaluation.usage import usage_counters, usage_delta
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene

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
    from motiondirector.realize import plan_scene

    timed = TimedPlanner(planner)
    rows: list[dict[str, Any]] = []
    for utterance in scene.utterances:
        turn = turn_scene(scene, utterance)
        before = usage_counters(planner)
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
        row.update(usage_delta(before, usage_counters(planner)))
        rows.append(row)
    return rows
