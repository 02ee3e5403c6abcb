"""`get_planner`: one planner per process and configuration, whoever asks first."""

from __future__ import annotations

import pytest

import motiondirector.planners as planners
from motiondirector.errors import MotionDirectorError
from motiondirector.planners import RulesPlanner, get_planner
from tests.conftest import together


def test_threads_asking_together_share_one_planner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planners, "_cache", {})  # a process that has not planned yet
    found = together(8, lambda: get_planner("rules"))
    assert len(found) == 8
    assert isinstance(found[0], RulesPlanner)
    assert len({id(planner) for planner in found}) == 1
    assert get_planner("rules") is found[0]


def test_an_unknown_planner_is_named() -> None:
    with pytest.raises(MotionDirectorError, match="unknown planner 'rulez'"):
        get_planner("rulez")
