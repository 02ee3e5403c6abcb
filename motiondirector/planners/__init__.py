"""Planners turn a Scene into a Direction: what each character does, anchored to words.

All planners emit the same Direction, so everything after them is shared. `rules` is the
offline default.
"""

from __future__ import annotations

from typing import Protocol

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene

PLANNERS = ("rules",)


class Planner(Protocol):
    name: str

    def plan(self, scene: Scene) -> Direction: ...


_cache: dict[str, Planner] = {}


def get_planner(name: str) -> Planner:
    """A planner by name, created once per process (models stay loaded between calls)."""
    if name not in PLANNERS:
        raise MotionDirectorError(f"unknown planner {name!r}; choose one of {', '.join(PLANNERS)}")
    if name not in _cache:
        from motiondirector.planners.rules import RulesPlanner

        _cache[name] = RulesPlanner()
    return _cache[name]
