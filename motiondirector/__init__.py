"""motiondirector: directs digital humans, from a screenplay or a live dialogue to a
word-timed motion plan for every character on stage.

    from motiondirector import plan_script
    plan = plan_script("scene.fountain")

The names below are the public surface; everything else is reachable but not promised.
Heavy parts load on first use, so `import motiondirector` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes
from motiondirector.errors import (
    BackendUnavailableError,
    InputTooLargeError,
    MotionDirectorError,
    PlanValidationError,
    SceneLimitError,
    ScriptError,
    TurnError,
)

if TYPE_CHECKING:
    from motiondirector.agent.director import Director
    from motiondirector.agent.llm_agent import LLMDirector
    from motiondirector.export.scene_folder import DirectResult, SceneFolder
    from motiondirector.plan.direction import Direction
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.plan.scene import Scene
    from motiondirector.planners.llm_client import LLMConfig
    from motiondirector.realize import (
        Conversation,
        Realization,
        TurnInput,
        direct_scene,
        plan_scene,
        plan_script,
        plan_text,
        realize_plan,
    )
    from motiondirector.retrieval.store import ClipLibrary
    from motiondirector.scene import SceneLimits, TimingOptions, parse_script, read_script
    from motiondirector.streaming import PlanFrames

__version__ = "0.1.0"

_LAZY = {
    "ClipLibrary": "motiondirector.retrieval.store",
    "Conversation": "motiondirector.realize",
    "DirectResult": "motiondirector.export.scene_folder",
    "Director": "motiondirector.agent.director",
    "LLMConfig": "motiondirector.planners.llm_client",
    "LLMDirector": "motiondirector.agent.llm_agent",
    "PlanFrames": "motiondirector.streaming",
    "Realization": "motiondirector.realize",
    "SceneFolder": "motiondirector.export.scene_folder",
    "SceneLimits": "motiondirector.scene",
    "TimingOptions": "motiondirector.scene",
    "TurnInput": "motiondirector.realize",
    "direct_scene": "motiondirector.realize",
    "realize_plan": "motiondirector.realize",
    "Direction": "motiondirector.plan.direction",
    "MotionPlan": "motiondirector.plan.motion_plan",
    "Scene": "motiondirector.plan.scene",
    "parse_script": "motiondirector.scene",
    "plan_scene": "motiondirector.realize.pipeline",
    "plan_script": "motiondirector.realize.pipeline",
    "plan_text": "motiondirector.realize.pipeline",
    "read_script": "motiondirector.scene",
}

__all__ = [
    "BackendUnavailableError",
    "ClipLibrary",
    "Conversation",
    "DirectResult",
    "Direction",
    "Director",
    "InputTooLargeError",
    "LLMConfig",
    "LLMDirector",
    "MotionDirectorError",
    "MotionPlan",
    "PlanFrames",
    "PlanValidationError",
    "Realization",
    "Scene",
    "SceneFolder",
    "SceneLimitError",
    "SceneLimits",
    "ScriptError",
    "TimingOptions",
    "TurnError",
    "TurnInput",
    "__version__",
    "direct_scene",
    "parse_script",
    "plan_scene",
    "plan_script",
    "plan_text",
    "read_script",
    "realize_plan",
]


__getattr__ = lazy_attributes(__name__, _LAZY)
