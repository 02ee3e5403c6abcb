"""Motion on the canonical skeleton: the skeleton, forward kinematics, BVH I/O, retargeting,
pose descriptions, the motion codebook and the built-in procedural gesture library.

The names below are this package's promise; its modules are internal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes

if TYPE_CHECKING:
    from motiondirector.motion.bvh import BvhMotion, read_bvh, write_bvh
    from motiondirector.motion.clip import Motion
    from motiondirector.motion.codebook import Codebook, default_codebook, tokens_for
    from motiondirector.motion.describe import PoseSpan, describe_motion, summarize_motion
    from motiondirector.motion.library import builtin_library, clips_for, get_clip
    from motiondirector.motion.retargeting import RigMap, load_rig_map, retarget

_LAZY = {
    "BvhMotion": "motiondirector.motion.bvh",
    "Codebook": "motiondirector.motion.codebook",
    "Motion": "motiondirector.motion.clip",
    "PoseSpan": "motiondirector.motion.describe",
    "RigMap": "motiondirector.motion.retargeting",
    "builtin_library": "motiondirector.motion.library",
    "clips_for": "motiondirector.motion.library",
    "default_codebook": "motiondirector.motion.codebook",
    "describe_motion": "motiondirector.motion.describe",
    "get_clip": "motiondirector.motion.library",
    "load_rig_map": "motiondirector.motion.retargeting",
    "read_bvh": "motiondirector.motion.bvh",
    "retarget": "motiondirector.motion.retargeting",
    "summarize_motion": "motiondirector.motion.describe",
    "tokens_for": "motiondirector.motion.codebook",
    "write_bvh": "motiondirector.motion.bvh",
}

__all__ = [
    "BvhMotion",
    "Codebook",
    "Motion",
    "PoseSpan",
    "RigMap",
    "builtin_library",
    "clips_for",
    "default_codebook",
    "describe_motion",
    "get_clip",
    "load_rig_map",
    "read_bvh",
    "retarget",
    "summarize_motion",
    "tokens_for",
    "write_bvh",
]

__getattr__ = lazy_attributes(__name__, _LAZY)
