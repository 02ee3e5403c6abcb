"""Per-utterance latency: percentiles and every line planned as a turn, with counters."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from motiondirector.evaluation import percentiles, plan_turns
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene
from motiondirector.planners import get_planner
from motiondirector.scene import read_script

from ..conftest import EXAMPLE_SCENE


def test_percentiles_interpolate_like_numpy() -> None:
    values = list(range(1, 101))
    assert percentiles(values) == pytest.approx({"p50": 50.5, "p90": 90.1, "p99": 99.01})
    assert percentiles([3.0]) == {"p50": 3.0, "p90": 3.0, "p99": 3.0}
    assert all(math.isnan(v) for v in percentiles([]).values())
    assert percentiles([1, 2], points=(25,)) == {"p25": pytest.approx(np.percentile([1, 2], 25))}


@dataclass
class Counters:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class CountingPlanner:
    """Rules directions, with counters an LLM planner would keep: 10 prompt tokens per word."""

    name = "counting"

    def __init__(self) -> None:
        self.rules = get_planner("rules")
        self.stats = Counters()

    def plan(self, scene: Scene) -> Direction:
        direction = self.rules.plan(scene)
        self.stats.calls += 1
        self.stats.prompt_tokens += 10 * sum(len(u.words) for u in scene.utterances)
        self.stats.completion_tokens += sum(len(u.behaviours) for u in direction.utterances)
        return direction


def test_every_line_is_planned_alone_and_its_counters_kept() -> None:
    scene = read_script(EXAMPLE_SCENE)
    planner = CountingPlanner()
    rows = plan_turns(scene, planner, script="the_key")
    assert [r["utterance"] for r in rows] == [u.id for u in scene.utterances]
    assert rows[0]["item"] == f"the_key:{scene.utterances[0].id}"
    for row, utterance in zip(rows, scene.utterances, strict=True):
        assert row["words"] == len(utterance.words)
        assert row["calls"] == 1 and row["prompt_tokens"] == 10 * len(utterance.words)
        assert 0 < row["plan_ms"] <= row["turn_ms"]
    assert planner.stats.calls == len(scene.utterances)
    assert sum(r["completion_tokens"] for r in rows) == planner.stats.completion_tokens


def test_a_planner_without_counters_gives_rows_without_token_columns() -> None:
    rows = plan_turns(read_script(EXAMPLE_SCENE), get_planner("rules"))
    assert set(rows[0]) == {
        "item",
        "script",
        "utterance",
        "speaker",
        "words",
        "plan_ms",
        "turn_ms",
    }
