"""The realize layer: the one way from a script to a plan and from a plan to motion.

    plan = plan_text("ANA: Hi, Ben.\\nBEN: Hello.", format="text")
    realization = realize_plan(plan)          # timeline, body motion, plan with tokens

Everything above it (the agent, the tools, streams, the server and the CLI) calls these;
nothing here imports them. See docs/architecture.md. Names load on first use, so planning a
script does not import the clip library, FAISS or the motion assembler.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from motiondirector.realize.body import (
        BodyPose,
        Realization,
        assemble_realization,
        realize_plan,
    )
    from motiondirector.realize.decide import DEFAULT_RETRIEVE_THRESHOLD, SegmentDecider
    from motiondirector.realize.direct import direct_scene, from_realization
    from motiondirector.realize.pipeline import plan_scene, plan_script, plan_text
    from motiondirector.realize.requests import (
        GeneratedMaterial,
        SegmentGenerator,
        SegmentRequest,
    )
    from motiondirector.realize.video import as_segment_generator

_LAZY = {
    "BodyPose": "body",
    "DEFAULT_RETRIEVE_THRESHOLD": "decide",
    "GeneratedMaterial": "requests",
    "Realization": "body",
    "SegmentDecider": "decide",
    "SegmentGenerator": "requests",
    "SegmentRequest": "requests",
    "as_segment_generator": "video",
    "assemble_realization": "body",
    "direct_scene": "direct",
    "from_realization": "direct",
    "plan_scene": "pipeline",
    "plan_script": "pipeline",
    "plan_text": "pipeline",
    "realize_plan": "body",
}

__all__ = [
    "DEFAULT_RETRIEVE_THRESHOLD",
    "BodyPose",
    "GeneratedMaterial",
    "Realization",
    "SegmentDecider",
    "SegmentGenerator",
    "SegmentRequest",
    "as_segment_generator",
    "assemble_realization",
    "direct_scene",
    "from_realization",
    "plan_scene",
    "plan_script",
    "plan_text",
    "realize_plan",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"motiondirector.realize.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'motiondirector.realize' has no attribute {name!r}")
