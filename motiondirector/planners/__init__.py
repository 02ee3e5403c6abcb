"""Planners turn a Scene into a Direction: what each character does, anchored to words.

All planners emit the same Direction, so everything after them is shared. `rules` is the
offline default. The model planners (`llm`, `hybrid`) let the rules direct a line the model
could not, and say so in the line's `fallback`; made strict, they raise `LLMError` instead.
The names in `__all__` are this package's promise; its modules are internal.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from motiondirector._lazy import lazy_attributes
from motiondirector.errors import MotionDirectorError
from motiondirector.plan.direction import Direction
from motiondirector.plan.options import PLANNER_NAMES
from motiondirector.plan.scene import Scene

if TYPE_CHECKING:
    from motiondirector.planners.hybrid import HybridPlanner
    from motiondirector.planners.llm import LLMPlanner
    from motiondirector.planners.llm_client import LLMConfig, StructuredOutputMode
    from motiondirector.planners.rules import RulesPlanner
    from motiondirector.planners.vllm_batch import VLLMBatchPlanner

_LAZY = {
    "HybridPlanner": "motiondirector.planners.hybrid",
    "LLMConfig": "motiondirector.planners.llm_client",
    "LLMPlanner": "motiondirector.planners.llm",
    "RulesPlanner": "motiondirector.planners.rules",
    "StructuredOutputMode": "motiondirector.planners.llm_client",
    "VLLMBatchPlanner": "motiondirector.planners.vllm_batch",
}

__all__ = [
    "HybridPlanner",
    "LLMConfig",
    "LLMPlanner",
    "Planner",
    "RulesPlanner",
    "StructuredOutputMode",
    "VLLMBatchPlanner",
    "get_planner",
    "strict_planner",
]

__getattr__ = lazy_attributes(__name__, _LAZY)


class Planner(Protocol):
    name: str

    def plan(self, scene: Scene) -> Direction: ...


_cache: dict[tuple[str, str], Planner] = {}
# Threads asking at once must share one planner (its model, answer cache and counters).
_cache_lock = threading.Lock()


def get_planner(name: str, llm: LLMConfig | None = None, *, strict: bool = False) -> Planner:
    """A planner by name, created once per process and configuration (models stay loaded).

    `llm` and `hybrid` need `llm`, the server and model to ask. `strict`: where the model cannot
    direct a line (server down, invalid answers, a refusal), raise `LLMError` rather than let
    the rules stand in; the rules planner has no model and ignores it.
    """
    if name not in PLANNER_NAMES:
        known = ", ".join(PLANNER_NAMES)
        raise MotionDirectorError(f"unknown planner {name!r}; choose one of {known}")
    if name != "rules" and llm is None:
        raise MotionDirectorError(
            f"the {name} planner needs an LLM: give a model (--llm-model) and, for a local "
            "server, its address (--llm-base-url)"
        )
    key = (name, llm.model_dump_json() if llm is not None and name != "rules" else "")
    with _cache_lock:
        planner = _cache.get(key)
        if planner is None:
            planner = _cache[key] = _new_planner(name, llm)
    return strict_planner(planner) if strict else planner


def _new_planner(name: str, llm: LLMConfig | None) -> Planner:
    """The planner `name`, its rules shared with every other planner. Called under the lock."""
    from motiondirector.planners.rules import RulesPlanner

    rules = _cache.get(("rules", ""))
    if rules is None:
        rules = _cache[("rules", "")] = RulesPlanner()
    if name == "rules":
        return rules
    from motiondirector.planners.hybrid import HybridPlanner
    from motiondirector.planners.llm import LLMPlanner

    assert llm is not None
    assert isinstance(rules, RulesPlanner)
    planner = LLMPlanner(llm, fallback=rules)
    return planner if name == "llm" else HybridPlanner(planner, rules)


def strict_planner(planner: Planner) -> Planner:
    """`planner` made strict (a line its model cannot direct is an `LLMError`), sharing its
    model settings and counters; a planner without a model is returned as it is."""
    from motiondirector.planners.hybrid import HybridPlanner
    from motiondirector.planners.llm import LLMPlanner

    if isinstance(planner, LLMPlanner | HybridPlanner):
        return planner.strict_twin()
    return planner
