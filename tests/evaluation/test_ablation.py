"""Ablated planners drop the behaviours of chosen channels and keep the rest."""

from __future__ import annotations

import pytest

from motiondirector.errors import EvaluationError
from motiondirector.evaluation import AblatedPlanner
from motiondirector.planners import get_planner
from motiondirector.realize import plan_scene
from motiondirector.scene import read_script

from ..conftest import EXAMPLE_SCENE


def _channels(direction: object) -> set[str]:
    utterances = getattr(direction, "utterances", ())
    actions = getattr(direction, "actions", ())
    return {b.channel for part in (*utterances, *actions) for b in part.behaviours}


def test_gestures_are_dropped_and_everything_else_kept() -> None:
    scene = read_script(EXAMPLE_SCENE)
    rules = get_planner("rules")
    full = rules.plan(scene)
    ablated = AblatedPlanner(rules, ["gesture"])
    assert ablated.name == "rules-no-gesture"
    without = ablated.plan(scene)
    assert "gesture" in _channels(full) and "gesture" not in _channels(without)
    assert _channels(without) == _channels(full) - {"gesture"}
    assert [u.emotion for u in without.utterances] == [u.emotion for u in full.utterances]
    plan = plan_scene(scene, planner=ablated)
    assert len(plan.utterances) == len(scene.utterances)
    (batched,) = ablated.plan_many([scene])
    assert batched == without


def test_unknown_or_no_channels_are_refused() -> None:
    with pytest.raises(EvaluationError, match="drop_channels"):
        AblatedPlanner(get_planner("rules"), ["hands"])
    with pytest.raises(EvaluationError, match="drop_channels"):
        AblatedPlanner(get_planner("rules"), [])
