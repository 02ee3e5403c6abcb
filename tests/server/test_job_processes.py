"""Scene jobs in real worker processes: artifacts as the job function makes them, a warm worker
kept between jobs, and a job over its memory or time budget, killed by a signal or cancelled
failing (or ending) alone while the next job runs."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from motiondirector.retrieval.builtin import builtin_clip_library
from motiondirector.server.job_processes import STARTING_STAGE, JobProcesses, WorkerConfig
from motiondirector.server.job_store import JobRecord, JobStore
from motiondirector.server.jobs import JobRunner
from motiondirector.server.models import SceneJobRequest
from motiondirector.server.scene_artifacts import make_scene_artifacts
from tests.server.conftest import SettingsFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "the_key.fountain"
SHORT = {"script": "ANA: Hi, Ben.\nBEN: Hello, Ana.", "format": "text", "exports": ["vtt"]}
WAIT_S = 180.0
MEBIBYTE = 1024 * 1024


def long_talk(lines: int) -> dict[str, Any]:
    """A scene that takes many seconds to realize (well within the default scene limits)."""
    text = "\n".join(
        f"{'ANA' if i % 2 else 'BEN'}: This is line {i} of a long talk about the key."
        for i in range(lines)
    )
    return {"script": text, "format": "text"}


def spawned_children(parent: int | None = None) -> list[int]:
    """Live worker processes `parent` (default: this process) spawned (multiprocessing's spawn
    entry point)."""
    parent = os.getpid() if parent is None else parent
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent and fields[0] != "Z" and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def wait_for(store: JobStore, job_id: str, *statuses: str) -> JobRecord:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        record = store.get(job_id)
        assert record is not None
        if record.status in statuses:
            return record
        time.sleep(0.05)
    pytest.fail(f"job {job_id} never reached {statuses}")


def wait_for_its_worker(store: JobStore, job_id: str) -> int:
    """The pid of the worker running the job, once the job has reported from there."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        record = store.get(job_id)
        assert record is not None and not record.finished
        if record.progress > 0:  # "planning" comes from the worker
            [worker] = spawned_children()
            return worker
        time.sleep(0.05)
    pytest.fail(f"job {job_id} never started in a worker")


Runner = Callable[..., tuple[JobRunner, JobStore]]


@pytest.fixture
def runner(make_settings: SettingsFactory, tmp_path: Path) -> Iterator[Runner]:
    """A runner whose jobs run in worker processes, with settings overridden per test."""
    opened: list[tuple[JobRunner, JobProcesses, JobStore]] = []

    def make(**overrides: Any) -> tuple[JobRunner, JobStore]:
        settings = make_settings(**overrides)
        store = JobStore(tmp_path / f"jobs{len(opened)}.sqlite3")
        processes = JobProcesses(WorkerConfig.from_settings(settings), size=1)
        made = JobRunner(store, processes.run, workers=1, max_pending=10)
        opened.append((made, processes, store))
        return made, store

    yield make
    for made, processes, store in opened:
        made.shutdown()
        processes.close()
        store.close()
    assert spawned_children() == []  # every worker stopped with its runner


def test_artifacts_are_the_job_functions_and_the_worker_stays_warm(
    runner: Runner, clip_cache: Path
) -> None:
    jobs, store = runner()
    body = {"script": EXAMPLE.read_text(encoding="utf-8"), "exports": ["bml", "arkit-csv"]}
    first = wait_for(store, jobs.submit("owner", json.dumps(body)).id, "succeeded", "failed")
    assert first.status == "succeeded", first.error
    expected = make_scene_artifacts(
        SceneJobRequest.model_validate(body),
        check=lambda: None,
        progress=lambda fraction, stage: None,
        library=builtin_clip_library(clip_cache),
    )
    stored = [store.artifact(first.id, a.name) for a in store.artifacts(first.id)]
    assert stored == expected  # names, media types and bytes
    [worker] = spawned_children()
    second = wait_for(store, jobs.submit("owner", json.dumps(SHORT)).id, "succeeded", "failed")
    assert second.status == "succeeded", second.error
    assert spawned_children() == [worker]  # the same warm process ran both


def test_a_job_waiting_for_a_cold_worker_says_so(runner: Runner) -> None:
    jobs, store = runner()
    job = jobs.submit("owner", json.dumps({**SHORT, "body": False}))
    stages = []
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        record = store.get(job.id)
        assert record is not None
        if not stages or stages[-1] != record.stage:
            stages.append(record.stage)
        if record.finished:
            break
        time.sleep(0.02)
    # The worker's imports take seconds: long enough to be seen, with nothing else to report.
    assert STARTING_STAGE in stages and stages[-1] == "done", stages


def test_a_job_over_its_memory_budget_fails_naming_it_and_the_next_job_runs(
    runner: Runner,
) -> None:
    jobs, store = runner(job_memory_bytes=16 * MEBIBYTE)
    # Within every scene limit, but its body motion needs more than 16 MiB.
    poison = {"script": EXAMPLE.read_text(encoding="utf-8"), "body": True}
    failed = wait_for(store, jobs.submit("owner", json.dumps(poison)).id, "failed", "succeeded")
    assert failed.status == "failed" and store.artifacts(failed.id) == []
    assert failed.error is not None
    assert failed.error["type"].endswith("/job-resources-exceeded")
    assert failed.error["limit"] == "job_memory_bytes"
    assert "16 MiB" in failed.error["detail"] and "job_memory_bytes" in failed.error["detail"]
    fine = wait_for(store, jobs.submit("owner", json.dumps(SHORT)).id, "succeeded", "failed")
    assert fine.status == "succeeded", fine.error
    failed_again = store.get(failed.id)
    assert failed_again is not None and failed_again.status == "failed"  # never run again


def test_a_job_past_its_time_is_stopped_and_fails_naming_the_limit(runner: Runner) -> None:
    jobs, store = runner(job_time_s=1.0)
    slow = wait_for(store, jobs.submit("owner", json.dumps(long_talk(600))).id, "failed")
    assert slow.error is not None
    assert slow.error["type"].endswith("/job-resources-exceeded")
    assert slow.error["limit"] == "job_time_s" and "1 s" in slow.error["detail"]
    assert spawned_children() == []  # its worker was stopped
    fine = wait_for(store, jobs.submit("owner", json.dumps(SHORT)).id, "succeeded", "failed")
    assert fine.status == "succeeded", fine.error


def test_a_worker_killed_by_a_signal_fails_only_its_job(runner: Runner) -> None:
    jobs, store = runner()
    doomed = jobs.submit("owner", json.dumps(long_talk(600)))
    worker = wait_for_its_worker(store, doomed.id)
    os.kill(worker, signal.SIGKILL)
    failed = wait_for(store, doomed.id, "failed")
    assert failed.error is not None and failed.error["exit_code"] == -signal.SIGKILL
    assert "SIGKILL" in failed.error["detail"] and failed.error["limit"] == "job_memory_bytes"
    fine = wait_for(store, jobs.submit("owner", json.dumps(SHORT)).id, "succeeded", "failed")
    assert fine.status == "succeeded", fine.error


def test_cancelling_a_running_job_stops_its_worker_at_once(runner: Runner) -> None:
    jobs, store = runner()
    long = jobs.submit("owner", json.dumps(long_talk(600)))
    worker = wait_for_its_worker(store, long.id)
    jobs.cancel(long.id)
    cancelled = wait_for(store, long.id, "cancelled", "failed", "succeeded")
    assert cancelled.status == "cancelled" and store.artifacts(long.id) == []
    assert worker not in spawned_children()
    fine = wait_for(store, jobs.submit("owner", json.dumps(SHORT)).id, "succeeded", "failed")
    assert fine.status == "succeeded", fine.error
