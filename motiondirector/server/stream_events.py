"""The typed events of the frame streams, for the OpenAPI document.

A stream sends `header`, `plan`, one or more `frames`, then `done`; or `error` (a `Problem`,
as every error answer carries) in place of the rest when something fails after it has begun.
These models describe each event's data; the stream itself is encoded without validating
through them (a turn's frames are about 250 kB of JSON), and `tests/server/test_sse_events.py`
checks that what is sent matches them. `sse_responses` builds the OpenAPI answer of an SSE
route: one item schema per event name, with its data schema.

This module must not make events; `server.streams` does.
"""

# No `from __future__ import annotations`: pydantic and FastAPI read the annotations.
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from motiondirector.server.models import Problem

EVENT_NAMES = ("header", "plan", "frames", "done", "error")
SSE_MEDIA_TYPE = "text/event-stream"


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StreamChannels(_Event):
    """The channels every character's frame carries, in order."""

    blendshapes: list[str] = Field(description="the 52 ARKit blendshape names")
    head: list[str] = Field(description="head angles: pitch, yaw, roll")
    eyes: list[str] = Field(description="eye angles: leftPitch, leftYaw, rightPitch, rightYaw")
    joints: list[str] = Field(description="the 22 joints of the canonical skeleton")
    root: list[str] = Field(description="pelvis position axes: x, y, z")


class StreamHeader(_Event):
    """The `header` event: what a client needs before the frames."""

    format: str = Field(description="always motiondirector-frames")
    version: str
    fps: int
    duration: float = Field(description="the scene's length in seconds")
    frame_count: int = Field(description="frames the stream will send, 0 .. frame_count - 1")
    characters: list[str] = Field(description="every character's name, in the frames' order")
    channels: StreamChannels
    units: dict[str, str] = Field(description="what the numbers of each channel mean")


class StreamCharacterFrame(_Event):
    """One character's channels at one frame (numbers rounded, see docs/api.md)."""

    blendshapes: list[float] = Field(description="52 ARKit weights 0..1, header order")
    head: list[float] = Field(description="pitch, yaw, roll in degrees")
    eyes: list[float] = Field(description="left pitch, left yaw, right pitch, right yaw")
    joints: list[list[float]] = Field(description="22 local rotations as [x, y, z, w]")
    root: list[float] = Field(description="pelvis position in metres")


class StreamFrame(_Event):
    i: int = Field(description="frame number; its time is i / fps")
    t: float = Field(description="seconds from the start of the scene")
    characters: dict[str, StreamCharacterFrame]


class StreamFrames(_Event):
    """A `frames` event: frames `first` .. `first + count - 1`."""

    first: int
    count: int
    frames: list[StreamFrame]


class StreamDone(_Event):
    """The `done` event: the stream is complete."""

    frames: int = Field(description="frames sent")
    batches: int = Field(description="`frames` events sent")
    duration: float = Field(description="the scene's length in seconds")


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def sse_responses(plan: list[type[BaseModel]], description: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of an SSE route whose `plan` event carries one of `plan`. The models are
    referenced by name, so the route's return annotation must name them (FastAPI then puts
    them in the document's components)."""
    data: dict[str, dict[str, Any]] = {
        "header": _ref(StreamHeader),
        "plan": _ref(plan[0]) if len(plan) == 1 else {"anyOf": [_ref(m) for m in plan]},
        "frames": _ref(StreamFrames),
        "done": _ref(StreamDone),
        "error": _ref(Problem),
    }
    variants = [
        {
            "title": f"{name} event",
            "type": "object",
            "required": ["event", "data"],
            "properties": {
                "event": {"const": name},
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": schema,
                },
            },
        }
        for name, schema in data.items()
    ]
    return {
        200: {
            "description": description,
            "content": {SSE_MEDIA_TYPE: {"itemSchema": {"oneOf": variants}}},
        }
    }
