"""The stream workers: openings before later batches, later batches on one thread only,
cancelled work never runs, errors reach the caller, and the threads stop and start again."""

from __future__ import annotations

import asyncio
import threading

import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.server.streams import CONTINUING, OPENING, StreamWorkers


def blocked(workers: StreamWorkers) -> tuple[threading.Event, threading.Event]:
    """Occupy a one-thread pool until the returned `release` is set."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(timeout=30)

    workers.submit(OPENING, hold)
    assert started.wait(timeout=30)
    return started, release


def test_openings_run_before_waiting_batches() -> None:
    workers = StreamWorkers(threads=1)
    ran: list[str] = []
    _, release = blocked(workers)
    later = [workers.submit(CONTINUING, ran.append, name) for name in ("batch 1", "batch 2")]
    opening = workers.submit(OPENING, ran.append, "opening")
    release.set()
    for future in (*later, opening):
        future.result(timeout=30)
    assert ran == ["opening", "batch 1", "batch 2"]
    workers.close()


def test_later_batches_take_one_thread_and_openings_the_other() -> None:
    workers = StreamWorkers(threads=2)
    ran: list[str] = []
    started, release = threading.Event(), threading.Event()

    def long_batch() -> None:
        started.set()
        release.wait(timeout=30)
        ran.append("batch 1")

    first = workers.submit(CONTINUING, long_batch)
    assert started.wait(timeout=30)
    second = workers.submit(CONTINUING, ran.append, "batch 2")
    # The free thread takes the opening submitted after batch 2, never batch 2 itself.
    workers.submit(OPENING, ran.append, "opening").result(timeout=30)
    assert ran == ["opening"]
    release.set()
    first.result(timeout=30)
    second.result(timeout=30)
    assert ran == ["opening", "batch 1", "batch 2"]
    workers.close()


def test_cancelled_work_never_runs_and_errors_reach_the_caller() -> None:
    workers = StreamWorkers(threads=1)
    ran: list[str] = []
    _, release = blocked(workers)
    dropped = workers.submit(CONTINUING, ran.append, "dropped")
    assert dropped.cancel()
    failing = workers.submit(CONTINUING, int, "not a number")
    release.set()
    with pytest.raises(ValueError):
        failing.result(timeout=30)
    assert ran == []
    workers.close()


def test_run_awaits_the_result_and_workers_restart_after_close() -> None:
    workers = StreamWorkers(threads=2)
    assert asyncio.run(workers.run(OPENING, sum, [1, 2, 3])) == 6
    workers.close()
    workers.close()  # twice is harmless
    assert asyncio.run(workers.run(CONTINUING, max, [4, 9])) == 9  # started again
    workers.close()


def test_at_least_one_thread() -> None:
    with pytest.raises(MotionDirectorError, match="at least one thread"):
        StreamWorkers(threads=0)


def test_work_submitted_while_closing_runs_and_later_work_still_finds_threads() -> None:
    """A request that submits while the app shuts down (or an in-process app restarts) gets
    its work done, and so does every request after the close has finished."""
    workers = StreamWorkers(threads=1)
    _, release = blocked(workers)
    closer = threading.Thread(target=workers.close)
    closer.start()
    while closer.is_alive() and workers._threads:  # the close has begun
        closer.join(0.01)
    during = workers.submit(OPENING, lambda: "during")
    assert during.result(timeout=10) == "during"
    release.set()
    closer.join(timeout=30)
    after = workers.submit(OPENING, lambda: "after")
    assert after.result(timeout=10) == "after"
    workers.close()
