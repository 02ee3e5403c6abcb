"""The event sequence of a frame stream, and the threads that make it.

A stream is `header`, `plan`, one or more `frames`, then `done`; or, when something fails
after the stream has begun, `error` (a problem document) in place of the rest. Each event's
data is one line of JSON (`server.stream_events` describes each for OpenAPI). The first
`frames` event holds `FIRST_BATCH_S` of frames and the rest `BATCH_S` each; each batch's
frames are made when the consumer asks for them, so a client that leaves stops the work.

The CPU work of every stream runs on `StreamWorkers`: a few threads that take the opening of a
stream (the plan and everything up to its first `frames`) before any stream's later batches,
which only one of them takes. Under load a new stream's first frames then wait for at most the
batch already running, not for every open stream's remaining frames, and open streams do not
crowd out new ones and other requests in the contention for the interpreter. The SSE routes
encode the events with FastAPI's `EventSourceResponse` (keep-alive pings included); the
WebSocket sends them as `{"event": name, "data": ...}`.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

import orjson
from fastapi.sse import ServerSentEvent

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.server.errors import (
    ProblemError,
    library_problem_body,
    log_problem,
    problem_body,
)
from motiondirector.streaming import PlanFrames

log = logging.getLogger("motiondirector.server")

FIRST_BATCH_S = 0.1
BATCH_S = 0.5
STREAM_THREADS = 2
"""Threads making stream events: openings on both (planning's model calls run outside the
interpreter lock, so two openings overlap), later batches on the first only."""
OPENING = 0
CONTINUING = 1
Event = tuple[str, str]
"""(event name, data as one line of JSON)."""
T = TypeVar("T")


def compact(data: Any) -> str:
    """One line of JSON, with orjson: the standard library's encoder took a quarter of a
    stream's CPU time (the frames themselves go through `FrameBatch.to_json_bytes`)."""
    return orjson.dumps(data).decode()


def check_stream_size(frames: PlanFrames, limit: int, instead: str, slower: str) -> None:
    """422 `stream-too-large` for a stream over `max_stream_frames`, before any frame is made:
    a stream holds its whole scene's curves and body per character, so its memory and the
    time to its first frames grow with frames times characters. `instead` says what to ask
    for instead; `slower` (", or at 30 fps") is added when a lower frame rate exists."""
    if frames.size <= limit:
        return
    if frames.fps > min(FPS_CHOICES):
        instead += slower
    count = len(frames.characters)
    raise ProblemError(
        422,
        "stream-too-large",
        f"the stream would hold {frames.frame_count:,} frames at {frames.fps} fps for each of "
        f"{count} character{'s' if count != 1 else ''} ({frames.size:,} in all), over this "
        f"server's limit of {limit:,} (max_stream_frames, MOTIONDIRECTOR_MAX_STREAM_FRAMES): "
        f"{instead}",
        limit="max_stream_frames",
        limit_value=limit,
        frames=frames.size,
    )


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
            yield "frames", batch.to_json_bytes().decode()
    except MotionDirectorError as error:
        problem = library_problem_body(error, instance)
        log_problem(problem)
        yield "error", compact(problem)
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


class OpenedStream(Iterator[Event]):
    """A stream's events, the first few already made (`ready`), the rest made on demand; as a
    context manager, closed when the block ends."""

    def __init__(self, ready: list[Event], rest: Iterator[Event]) -> None:
        self._ready = deque(ready)
        self._rest = rest

    def __enter__(self) -> OpenedStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the events still to come and of what they hold (the plan, its curves and
        frames). The task of a client that left can stay alive, in a reference cycle of the
        web framework's, until the garbage collector finds it, which took minutes under load;
        the stream's memory need not wait for it. An event a worker is making still comes;
        then the stream ends."""
        self._ready.clear()
        self._rest = iter(())

    def __next__(self) -> Event:
        if self._ready:
            return self._ready.popleft()
        return next(self._rest)

    def take_ready(self) -> list[Event]:
        """The events made already (each handed out once)."""
        ready = list(self._ready)
        self._ready.clear()
        return ready


def open_stream(events: Iterator[Event]) -> OpenedStream:
    """`events`, with everything up to the first `frames` (or `error`) made now.

    Call it on the stream workers, in the task that planned: the first frames then leave
    without another trip through a thread.
    """
    head: list[Event] = []
    for event in events:
        head.append(event)
        if event[0] != "header" and event[0] != "plan":
            break
    return OpenedStream(head, events)


class StreamWorkers:
    """Daemon threads running stream work: `OPENING` work (a stream's plan and first batch)
    on any of them, first come first served, ahead of all `CONTINUING` work (later batches),
    which only one thread takes, so open streams' frames never hold more than one thread's
    share of the interpreter while new streams and other requests wait. Started on first use;
    `close` lets them finish what is queued and stop (a later `submit` starts them again, as
    an app restarted in-process needs)."""

    def __init__(self, threads: int = STREAM_THREADS) -> None:
        if threads < 1:
            raise MotionDirectorError(f"stream workers need at least one thread, got {threads}")
        self._size = threads
        self._queues: dict[int, deque[Callable[[], None]]] = {OPENING: deque(), CONTINUING: deque()}
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []
        """The running threads; one that `close` took out of this list stops once no work it
        may take is queued. Work submitted during a close starts new threads, which stay."""

    def submit(self, priority: int, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run `fn(*args)` on a worker, in a copy of the caller's context (its request id
        goes on the lines it logs); a future cancelled before it starts never runs."""
        future: Future[T] = Future()
        context = contextvars.copy_context()

        def task() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = context.run(fn, *args)
            except BaseException as error:  # handed to the awaiting request, not lost
                future.set_exception(error)
            else:
                future.set_result(result)

        with self._ready:
            self._start()
            self._queues[priority].append(task)
            self._ready.notify_all()
        return future

    async def run(self, priority: int, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a worker, awaited; cancelling the caller cancels it if not begun."""
        return await asyncio.wrap_future(self.submit(priority, fn, *args))

    def close(self) -> None:
        with self._ready:
            threads, self._threads = self._threads, []
            self._ready.notify_all()
        for thread in threads:
            thread.join()

    def _start(self) -> None:
        """Start the threads if they are not running (called holding `_ready`)."""
        if self._threads:
            return
        for number in range(self._size):
            thread = threading.Thread(
                target=self._work,
                args=(number == 0,),
                name=f"motiondirector-stream-{number}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def _next_task(self, continuing: bool) -> Callable[[], None] | None:
        """The next task this thread may take, waiting for one; None when closing and none
        is left."""
        kinds = (OPENING, CONTINUING) if continuing else (OPENING,)
        me = threading.current_thread()
        with self._ready:
            while True:
                for kind in kinds:
                    if self._queues[kind]:
                        return self._queues[kind].popleft()
                # Not a shared stop flag: threads started by a submit during a close would
                # read it, stop, and leave the pool holding dead threads that take no work.
                if me not in self._threads:
                    return None
                self._ready.wait()

    def _work(self, continuing: bool) -> None:
        while (task := self._next_task(continuing)) is not None:
            task()


async def events_of(opened: OpenedStream, workers: StreamWorkers) -> AsyncIterator[Event]:
    """The stream's events: those made already at once, each later one made on a worker."""
    for event in opened.take_ready():
        yield event
    while (event := await workers.run(CONTINUING, next, opened, None)) is not None:
        yield event


async def server_sent_events(
    opened: OpenedStream, workers: StreamWorkers
) -> AsyncIterator[ServerSentEvent]:
    """The events for FastAPI's `EventSourceResponse`: `event:`, `id:` (a running number) and
    the one line of JSON as the `data:` field."""
    number = 0
    async for name, data in events_of(opened, workers):
        yield ServerSentEvent(event=name, raw_data=data, id=str(number))
        number += 1


def ws_message(name: str, data: str, *, request_id: str | None = None) -> str:
    """A WebSocket text message: `{"event": name, "data": ...}`, with `"request_id"` when
    one is given."""
    tail = "" if request_id is None else f',"request_id":{json.dumps(request_id)}'
    return f'{{"event":{json.dumps(name)},"data":{data}{tail}}}'
