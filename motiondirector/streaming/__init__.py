"""Frame streams: a MotionPlan turned into per-frame ARKit-52 weights, head and eye rotations
and canonical-skeleton body poses, made lazily in batches. Independent of HTTP; the server's
SSE and WebSocket streams send what this package makes. See docs/api.md.

    from motiondirector.streaming import PlanFrames
    frames = PlanFrames(plan, fps=60)
"""

from motiondirector.export.head_eyes import HeadEyesCurves
from motiondirector.streaming.frames import FrameBatch, PlanFrames, channel_names

__all__ = [
    "FrameBatch",
    "HeadEyesCurves",
    "PlanFrames",
    "channel_names",
]
