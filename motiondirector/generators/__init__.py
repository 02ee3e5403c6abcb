"""Renderers that turn planned motion into images (OpenPose-18 conditioning frames, face
sketches, the animatic preview video) and the diffusers video backends.

The names below are this package's promise; its modules are internal. Nothing here imports
torch or diffusers until a backend is used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes

if TYPE_CHECKING:
    from motiondirector.generators.backends import BACKEND_NAMES, BACKENDS, get_generator
    from motiondirector.generators.backends.tiny import tiny_pipeline
    from motiondirector.generators.base import (
        PRESETS,
        BackendOptions,
        GenerationOutput,
        GenerationRequest,
        Generator,
        LoraWeights,
    )
    from motiondirector.generators.chunking import Chunk, plan_chunks
    from motiondirector.generators.face_track import draw_face, face_frames
    from motiondirector.generators.openpose import (
        coco18_keypoints,
        conditioning_keypoints,
        openpose_frames,
    )
    from motiondirector.generators.preview import PreviewResult, contact_sheet, render_preview
    from motiondirector.generators.smoothing import (
        OneEuroFilter,
        frame_clock,
        jitter,
        smooth_keypoints,
    )

_LAZY = {
    "BACKENDS": "motiondirector.generators.backends",
    "BACKEND_NAMES": "motiondirector.generators.backends",
    "BackendOptions": "motiondirector.generators.base",
    "Chunk": "motiondirector.generators.chunking",
    "GenerationOutput": "motiondirector.generators.base",
    "GenerationRequest": "motiondirector.generators.base",
    "Generator": "motiondirector.generators.base",
    "LoraWeights": "motiondirector.generators.base",
    "OneEuroFilter": "motiondirector.generators.smoothing",
    "PRESETS": "motiondirector.generators.base",
    "PreviewResult": "motiondirector.generators.preview",
    "coco18_keypoints": "motiondirector.generators.openpose",
    "conditioning_keypoints": "motiondirector.generators.openpose",
    "contact_sheet": "motiondirector.generators.preview",
    "draw_face": "motiondirector.generators.face_track",
    "face_frames": "motiondirector.generators.face_track",
    "frame_clock": "motiondirector.generators.smoothing",
    "get_generator": "motiondirector.generators.backends",
    "jitter": "motiondirector.generators.smoothing",
    "openpose_frames": "motiondirector.generators.openpose",
    "plan_chunks": "motiondirector.generators.chunking",
    "render_preview": "motiondirector.generators.preview",
    "smooth_keypoints": "motiondirector.generators.smoothing",
    "tiny_pipeline": "motiondirector.generators.backends.tiny",
}

__all__ = [
    "BACKENDS",
    "BACKEND_NAMES",
    "PRESETS",
    "BackendOptions",
    "Chunk",
    "GenerationOutput",
    "GenerationRequest",
    "Generator",
    "LoraWeights",
    "OneEuroFilter",
    "PreviewResult",
    "coco18_keypoints",
    "conditioning_keypoints",
    "contact_sheet",
    "draw_face",
    "face_frames",
    "frame_clock",
    "get_generator",
    "jitter",
    "openpose_frames",
    "plan_chunks",
    "render_preview",
    "smooth_keypoints",
    "tiny_pipeline",
]

__getattr__ = lazy_attributes(__name__, _LAZY)
