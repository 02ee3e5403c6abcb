"""motiondirector: directs digital humans, from a screenplay or a live dialogue to a
word-timed motion plan for every character on stage.

    from motiondirector import plan_script
    plan = plan_script("scene.fountain")

The names below are the public surface; everything else is reachable but not promised.
Heavy parts load on first use, so `import motiondirector` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from motiondirector.errors import (
    BackendUnavailableError,
    InputTooLargeError,
    MotionDirectorError,
    PlanValidationError,
    ScriptError,
)

if TYPE_CHECKING:
    from motiondirector.agent.director import Director
    from motiondirector.agent.pipeline import plan_scene, plan_script, plan_text
    from motiondirector.plan.direction import Direction
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.plan.scene import Scene
    from motiondirector.scene import parse_script, read_script

__version__ = "0.1.0"

_LAZY = {
    "Director": "motiondirector.agent.director",
    "Direction": "motiondirector.plan.direction",
    "MotionPlan": "motiondirector.plan.motion_plan",
    "Scene": "motiondirector.plan.scene",
    "parse_script": "motiondirector.scene",
    "plan_scene": "motiondirector.agent.pipeline",
    "plan_script": "motiondirector.agent.pipeline",
    "plan_text": "motiondirector.agent.pipeline",
    "read_script": "motiondirector.scene",
}

__all__ = [
    "BackendUnavailableError",
    "Direction",
    "Director",
    "InputTooLargeError",
    "MotionDirectorError",
    "MotionPlan",
    "PlanValidationError",
    "Scene",
    "ScriptError",
    "__version__",
    "parse_script",
    "plan_scene",
    "plan_script",
    "plan_text",
    "read_script",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'motiondirector' has no attribute {name!r}")
