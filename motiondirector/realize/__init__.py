"""The realize layer: the one way from a script to a plan and from a plan to motion.

    plan = plan_text("ANA: Hi, Ben.\\nBEN: Hello.", format="text")
    realization = realize_plan(plan)          # timeline, body motion, plan with tokens

Everything above it (the agent, the tools, streams, the server and the CLI) calls these;
nothing here imports them. See docs/architecture.md. Names load on first use, so planning a
script does not import the clip library, FAISS or the motion assembler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes

if TYPE_CHECKING:
    from motiondirector.realize.body import (
        BodyPose,
        DecidedTimeline,
        Realization,
        assemble_realization,
        decide_timeline,
        realize_plan,
    )
    from motiondirector.realize.conversation import Conversation, TurnInput, TurnOutcome
    from motiondirector.realize.decide import DEFAULT_RETRIEVE_THRESHOLD, SegmentDecider
    from motiondirector.realize.direct import direct_scene, from_realization
    from motiondirector.realize.distributed import RaySegmentGenerator
    from motiondirector.realize.faces import (
        DEFAULT_FACE_THRESHOLD,
        FaceLibrary,
        FaceLibraryError,
        cast_performers,
        keep_casting,
        open_face_library,
        realize_faces,
    )
    from motiondirector.realize.pipeline import plan_scene, plan_script, plan_text
    from motiondirector.realize.requests import (
        GeneratedMaterial,
        SegmentGenerator,
        SegmentRequest,
    )
    from motiondirector.realize.video import (
        VideoSegmentGenerator,
        as_segment_generator,
        generator_from_registry,
    )

_LAZY = {
    "BodyPose": "motiondirector.realize.body",
    "Conversation": "motiondirector.realize.conversation",
    "DEFAULT_FACE_THRESHOLD": "motiondirector.realize.faces",
    "DEFAULT_RETRIEVE_THRESHOLD": "motiondirector.realize.decide",
    "FaceLibrary": "motiondirector.realize.faces",
    "FaceLibraryError": "motiondirector.realize.faces",
    "DecidedTimeline": "motiondirector.realize.body",
    "GeneratedMaterial": "motiondirector.realize.requests",
    "RaySegmentGenerator": "motiondirector.realize.distributed",
    "Realization": "motiondirector.realize.body",
    "SegmentDecider": "motiondirector.realize.decide",
    "SegmentGenerator": "motiondirector.realize.requests",
    "SegmentRequest": "motiondirector.realize.requests",
    "TurnInput": "motiondirector.realize.conversation",
    "TurnOutcome": "motiondirector.realize.conversation",
    "VideoSegmentGenerator": "motiondirector.realize.video",
    "as_segment_generator": "motiondirector.realize.video",
    "assemble_realization": "motiondirector.realize.body",
    "cast_performers": "motiondirector.realize.faces",
    "decide_timeline": "motiondirector.realize.body",
    "direct_scene": "motiondirector.realize.direct",
    "from_realization": "motiondirector.realize.direct",
    "open_face_library": "motiondirector.realize.faces",
    "generator_from_registry": "motiondirector.realize.video",
    "keep_casting": "motiondirector.realize.faces",
    "plan_scene": "motiondirector.realize.pipeline",
    "plan_script": "motiondirector.realize.pipeline",
    "plan_text": "motiondirector.realize.pipeline",
    "realize_faces": "motiondirector.realize.faces",
    "realize_plan": "motiondirector.realize.body",
}

__all__ = [
    "DEFAULT_FACE_THRESHOLD",
    "DEFAULT_RETRIEVE_THRESHOLD",
    "BodyPose",
    "Conversation",
    "DecidedTimeline",
    "FaceLibrary",
    "FaceLibraryError",
    "GeneratedMaterial",
    "RaySegmentGenerator",
    "Realization",
    "SegmentDecider",
    "SegmentGenerator",
    "SegmentRequest",
    "TurnInput",
    "TurnOutcome",
    "VideoSegmentGenerator",
    "as_segment_generator",
    "assemble_realization",
    "cast_performers",
    "decide_timeline",
    "direct_scene",
    "from_realization",
    "generator_from_registry",
    "keep_casting",
    "open_face_library",
    "plan_scene",
    "plan_script",
    "plan_text",
    "realize_faces",
    "realize_plan",
]


__getattr__ = lazy_attributes(__name__, _LAZY)
