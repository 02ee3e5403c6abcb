"""The event sequence of a frame stream, and its Server-Sent Events encoding.

A stream is `header`, `plan`, one or more `frames`, then `done`; or, when something fails
after the stream has begun, `error` (a problem document) in place of the rest. Each event's
data is one line of JSON. The first `frames` event holds `FIRST_BATCH_S` of frames, so it goes
out as soon as the body is realized; the rest hold `BATCH_S` each. Events are made one at a
time as the consumer asks for them, so a client that leaves stops the work.

The WebSocket sends the same events as `{"event": name, "data": ...}` messages.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from typing import Any

import orjson

from motiondirector.errors import MotionDirectorError
from motiondirector.server.errors import library_problem_body, problem_body
from motiondirector.streaming import PlanFrames

log = logging.getLogger("motiondirector.server")

FIRST_BATCH_S = 0.1
BATCH_S = 0.5
SSE_MEDIA_TYPE = "text/event-stream"
Event = tuple[str, str]
"""(event name, data as one line of JSON)."""


def compact(data: Any) -> str:
    """One line of JSON. orjson, because a stream's frames are ~250 kB of JSON per turn and
    the standard library's encoder took a quarter of the stream's CPU time."""
    return orjson.dumps(data).decode()


def stream_events(plan_json: str, frames: PlanFrames, *, instance: str) -> Iterator[Event]:
    """header, plan (`plan_json`, already one line), frames..., done | error."""
    yield "header", compact(frames.header())
    yield "plan", plan_json
    sent = batches = 0
    try:
        first = max(1, round(FIRST_BATCH_S * frames.fps))
        size = max(1, round(BATCH_S * frames.fps))
        for batch in frames.batches(size, first_size=first):
            batches += 1
            sent += len(batch)
            yield "frames", compact(batch.to_json())
    except MotionDirectorError as error:
        yield "error", compact(library_problem_body(error, instance))
        return
    except Exception:
        log.exception("frame stream failed after %d frames", sent)
        yield (
            "error",
            compact(
                problem_body(
                    500, "internal", "the stream could not be completed", instance=instance
                )
            ),
        )
        return
    yield (
        "done",
        compact({"frames": sent, "batches": batches, "duration": frames.plan.scene.duration}),
    )


def open_stream(events: Iterator[Event]) -> Iterator[Event]:
    """`events`, with everything up to the first `frames` (or `error`) made now.

    Call it in the worker thread that planned: under load each trip through the thread pool
    waits its turn, and the first frames should not wait three times.
    """
    head: list[Event] = []
    for event in events:
        head.append(event)
        if event[0] != "header" and event[0] != "plan":
            break
    return itertools.chain(head, events)


def sse(events: Iterator[Event]) -> Iterator[bytes]:
    """Server-Sent Events: `event:`, `id:` (a running number) and one `data:` line each."""
    for number, (name, data) in enumerate(events):
        yield f"event: {name}\nid: {number}\ndata: {data}\n\n".encode()


def ws_message(name: str, data: str) -> str:
    """A WebSocket text message: `{"event": name, "data": ...}`."""
    return f'{{"event":{json.dumps(name)},"data":{data}}}'
