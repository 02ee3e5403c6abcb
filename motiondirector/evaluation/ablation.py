"""Ablated planners: a planner with some of its choices removed, to measure what they add.

    from motiondirector.evaluation import AblatedPlanner
    from motiondirector.planners import get_planner
    no_gestures = AblatedPlanner(get_planner("rules"), drop_channels=("gesture",))
    run_eval(["behaviours"], no_gestures, "reports/rules-no-gesture", compare_to="reports/rules")

The wrapped planner plans as usual; the behaviours on the dropped channels are then removed from
the Direction (utterances and action lines alike). Everything the realizer adds on its own
(blinks, idle motion, listening) stays. Counters the wrapped planner reports (`stats`, `usage`)
are passed through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from motiondirector.errors import EvaluationError
from motiondirector.plan.direction import Behaviour, Direction
from motiondirector.plan.scene import Scene
from motiondirector.plan.vocabulary import CHANNELS

if TYPE_CHECKING:
    from motiondirector.planners import Planner


class AblatedPlanner:
    """`planner` without the behaviours of `drop_channels` (face, head, gaze, gesture, posture)."""

    def __init__(self, planner: Planner, drop_channels: Iterable[str]) -> None:
        dropped = tuple(dict.fromkeys(drop_channels))
        unknown = [c for c in dropped if c not in CHANNELS]
        if unknown or not dropped:
            raise EvaluationError(
                f"drop_channels must name channels from {', '.join(CHANNELS)}; got {dropped!r}"
            )
        self.planner = planner
        self.drop_channels = dropped
        self.name = f"{planner.name}-no-{'-'.join(dropped)}"

    @property
    def stats(self) -> Any:
        return getattr(self.planner, "stats", None)

    @property
    def usage(self) -> Any:
        return getattr(self.planner, "usage", None)

    def plan(self, scene: Scene) -> Direction:
        return self._ablated(self.planner.plan(scene))

    def plan_many(self, scenes: Sequence[Scene]) -> list[Direction]:
        """Through the wrapped planner's `plan_many` when it has one (an LLM planner's batch)."""
        plan_many = getattr(self.planner, "plan_many", None)
        if callable(plan_many):
            return [self._ablated(d) for d in plan_many(scenes)]
        return [self.plan(scene) for scene in scenes]

    def _ablated(self, direction: Direction) -> Direction:
        return direction.model_copy(
            update={
                "utterances": tuple(
                    u.model_copy(update={"behaviours": self._kept(u.behaviours)})
                    for u in direction.utterances
                ),
                "actions": tuple(
                    a.model_copy(update={"behaviours": self._kept(a.behaviours)})
                    for a in direction.actions
                ),
            }
        )

    def _kept(self, behaviours: tuple[Behaviour, ...]) -> tuple[Behaviour, ...]:
        return tuple(b for b in behaviours if b.channel not in self.drop_channels)
