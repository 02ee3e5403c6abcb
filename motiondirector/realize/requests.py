"""What the realize layer asks of a generator: one segment to make, and what came back.

A `SegmentGenerator` is anything with `generate_segment(request)`; a video backend with the
`motiondirector.generators.base.Generator` shape becomes one through
`realize.video.as_segment_generator`. A `BatchSegmentGenerator` also takes every segment of a
timeline at once (`generate_segments`), so it can make them side by side (on a Ray cluster:
`realize.distributed.RaySegmentGenerator`).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from motiondirector.motion.clip import Motion
from motiondirector.plan.motion_plan import GestureEvent, HeadEvent, PostureEvent

BodyEvent = GestureEvent | HeadEvent | PostureEvent


@dataclass(frozen=True)
class SegmentRequest:
    """One segment to generate: who, which plan event, where it lands on the scene's time
    axis, the motion to follow (built-in synthesized motion of the lexeme, `fps` frames per
    second), a text prompt, a seed, and the video file to write."""

    character: str
    event: BodyEvent
    target_in: float
    target_out: float
    motion: Motion
    prompt: str
    seed: int
    out: Path


@dataclass(frozen=True)
class GeneratedMaterial:
    """What a generator made for a segment: the file (`source`), its length in seconds, the
    backend that made it and the options it ran with (JSON values, as the backend applied
    them)."""

    source: str
    duration: float
    backend: str
    options: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class SegmentGenerator(Protocol):
    """Makes the material of a segment that no library clip fits well enough."""

    name: str

    def generate_segment(self, request: SegmentRequest) -> GeneratedMaterial: ...


@runtime_checkable
class BatchSegmentGenerator(SegmentGenerator, Protocol):
    """A segment generator that also makes many segments in one call, the materials in the
    order of the requests."""

    def generate_segments(
        self, requests: Sequence[SegmentRequest]
    ) -> Sequence[GeneratedMaterial]: ...


def event_seed(seed: int, character: str, event_id: str) -> int:
    """A generation seed per event, stable across runs and independent of other events."""
    return zlib.crc32(f"{seed}:{character}:{event_id}".encode())
