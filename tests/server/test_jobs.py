"""The job store (real SQLite files) and the worker pool, with a work function the test
controls, so queueing, cancelling and recovery are exact."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from motiondirector.errors import MotionDirectorError, ScriptError
from motiondirector.server.errors import ProblemError
from motiondirector.server.job_store import Artifact, JobRecord, JobStore
from motiondirector.server.jobs import JobControl, JobRunner

WAIT_S = 30


class GatedWork:
    """A job that reports progress, then waits at a gate the test opens."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.fail_with: Exception | None = None

    def __call__(self, record: JobRecord, control: JobControl) -> Sequence[Artifact]:
        control.progress(0.5, "halfway")
        self.started.set()
        assert self.gate.wait(WAIT_S)
        control.check()
        if self.fail_with is not None:
            raise self.fail_with
        return [Artifact("plan.json", "application/json", record.request.encode())]


def wait_for(store: JobStore, job_id: str, *statuses: str) -> JobRecord:
    done = threading.Event()
    for _ in range(WAIT_S * 20):
        record = store.get(job_id)
        assert record is not None
        if record.status in statuses:
            return record
        done.wait(0.05)
    pytest.fail(f"job {job_id} never reached {statuses}")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    opened = JobStore(tmp_path / "jobs.sqlite3")
    yield opened
    opened.close()


def test_a_job_runs_and_keeps_its_artifacts(store: JobStore) -> None:
    work = GatedWork()
    runner = JobRunner(store, work, workers=1, max_pending=4)
    record = runner.submit("owner", '{"script": "A: b"}')
    assert record.status == "queued"
    assert work.started.wait(WAIT_S)
    running = wait_for(store, record.id, "running")
    assert running.progress == 0.5 and running.stage == "halfway"
    work.gate.set()
    done = wait_for(store, record.id, "succeeded")
    assert done.progress == 1.0
    assert store.artifact(record.id, "plan.json") == Artifact(
        "plan.json", "application/json", b'{"script": "A: b"}'
    )
    assert [a.name for a in store.artifacts(record.id)] == ["plan.json"]
    assert store.get(record.id, owner="someone else") is None
    runner.shutdown()


def test_cancelling_queued_and_running_jobs(store: JobStore) -> None:
    work = GatedWork()
    runner = JobRunner(store, work, workers=1, max_pending=4)
    running = runner.submit("owner", "{}")
    queued = runner.submit("owner", "{}")
    assert work.started.wait(WAIT_S)
    runner.cancel(queued.id)
    assert wait_for(store, queued.id, "cancelled").stage == "cancelled"
    runner.cancel(running.id)
    work.gate.set()
    assert wait_for(store, running.id, "cancelled").status == "cancelled"
    assert store.artifacts(running.id) == []  # nothing kept from a cancelled job
    runner.shutdown()


def test_a_full_queue_refuses_new_jobs(store: JobStore) -> None:
    work = GatedWork()
    runner = JobRunner(store, work, workers=1, max_pending=2)
    runner.submit("owner", "{}")
    runner.submit("owner", "{}")
    with pytest.raises(ProblemError) as refused:
        runner.submit("owner", "{}")
    assert refused.value.status == 503 and refused.value.headers["Retry-After"]
    work.gate.set()
    runner.shutdown()


def test_failures_are_kept_as_problems(store: JobStore) -> None:
    work = GatedWork()
    work.gate.set()
    work.fail_with = ScriptError("invalid JSON: Expecting value", line=3)
    runner = JobRunner(store, work, workers=1, max_pending=2)
    failed = wait_for(store, runner.submit("owner", "{}").id, "failed")
    assert failed.error is not None
    assert failed.error["type"].endswith("/script-error") and failed.error["line"] == 3
    work.fail_with = RuntimeError("secret internal detail")
    crashed = wait_for(store, runner.submit("owner", "{}").id, "failed")
    assert crashed.error is not None and crashed.error["status"] == 500
    assert "secret" not in str(crashed.error)
    runner.shutdown()


def test_restart_fails_interrupted_jobs_and_runs_queued_ones(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    before = JobStore(path)
    interrupted = before.add("owner", "{}")
    before.update(interrupted.id, status="running", stage="planning")
    waiting = before.add("owner", '{"x": 1}')
    finished = before.add("owner", "{}")
    before.update(finished.id, status="running")
    assert before.succeed(finished.id, [Artifact("plan.json", "application/json", b"{}")])
    before.close()  # the server stops here

    after = JobStore(path)
    work = GatedWork()
    work.gate.set()
    runner = JobRunner(after, work, workers=1, max_pending=4)
    assert runner.start() == 1
    failed = after.get(interrupted.id)
    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and failed.error["type"].endswith("/interrupted")
    assert wait_for(after, waiting.id, "succeeded")
    assert after.artifact(finished.id, "plan.json") is not None  # finished work survives
    runner.shutdown()
    after.close()


def test_deleting_a_job_deletes_its_artifacts(store: JobStore) -> None:
    record = store.add("owner", "{}")
    store.update(record.id, status="running")
    store.succeed(record.id, [Artifact("a.json", "application/json", b"1")])
    store.delete(record.id)
    assert store.get(record.id) is None and store.artifact(record.id, "a.json") is None


def test_an_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(MotionDirectorError, match="cannot open the jobs database"):
        JobStore(blocker / "jobs.sqlite3")
