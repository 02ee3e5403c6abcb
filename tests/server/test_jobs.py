"""The job store (real SQLite files) and the worker pool, with a work function the test
controls, so queueing, cancelling, recovery, quotas and the space given back are exact."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from motiondirector.errors import MotionDirectorError, ScriptError
from motiondirector.server import ServerSettings, jobs
from motiondirector.server.errors import ProblemError
from motiondirector.server.job_store import SCHEMA, Artifact, JobRecord, JobStore
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


def test_a_stop_that_waits_for_running_jobs_says_so(
    store: JobStore, caplog: pytest.LogCaptureFixture
) -> None:
    work = GatedWork()
    runner = JobRunner(store, work, workers=1, max_pending=4)
    running = runner.submit("owner", "{}")
    queued = runner.submit("owner", "{}")
    assert work.started.wait(WAIT_S)
    stopping = threading.Thread(target=runner.shutdown)
    with caplog.at_level("WARNING", logger="motiondirector.server"):
        stopping.start()
        said = threading.Event()
        for _ in range(WAIT_S * 20):
            if caplog.records or said.wait(0.05):
                break
        work.gate.set()  # only once the stop has said what it waits for
        stopping.join(WAIT_S)
    assert [r.getMessage() for r in caplog.records] == [
        "waiting for 1 running scene job(s) to finish before stopping; queued jobs stay"
        " queued for the next start"
    ]
    assert wait_for(store, running.id, "succeeded").status == "succeeded"
    assert wait_for(store, queued.id, "queued").status == "queued"


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


def test_a_second_server_on_the_same_database_is_refused(tmp_path: Path) -> None:
    """A second server's start would take the first one's running jobs for interrupted ones
    and fail them (the first server's finished work was then thrown away)."""
    path = tmp_path / "jobs.sqlite3"
    first = JobStore(path)
    running = first.add("owner", "{}")
    first.update(running.id, status="running", stage="planning")
    with pytest.raises(MotionDirectorError, match="in use by another running server"):
        JobStore(path)
    still = first.get(running.id)
    assert still is not None and still.status == "running"
    first.close()  # the first server stops: the file is free again
    second = JobStore(path)
    assert second.get(running.id) is not None
    second.close()


def test_an_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(MotionDirectorError, match="cannot open the jobs database"):
        JobStore(blocker / "jobs.sqlite3")


MEBIBYTE = 1024 * 1024


def on_disk(path: Path) -> int:
    """Bytes of the database file and its WAL, as the file system sees them."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def finished_job(store: JobStore, owner: str = "owner", size: int = MEBIBYTE) -> JobRecord:
    record = store.add(owner, "{}")
    store.update(record.id, status="running")
    content = os.urandom(size)
    assert store.succeed(record.id, [Artifact("plan.json", "application/json", content)])
    return record


def test_deleting_jobs_gives_their_space_back(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)
    empty = on_disk(path)
    records = [finished_job(store) for _ in range(12)]
    assert on_disk(path) > 12 * MEBIBYTE
    for record in records:
        store.delete(record.id)
    # The file is back near its empty size and the WAL truncated, while the store is open.
    assert on_disk(path) < empty + 256 * 1024
    assert not path.with_name("jobs.sqlite3-wal").exists() or (
        path.with_name("jobs.sqlite3-wal").stat().st_size == 0
    )
    kept = finished_job(store, size=1000)
    assert store.artifact(kept.id, "plan.json") is not None
    store.close()


def test_expired_jobs_give_their_space_back(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)
    for _ in range(8):
        finished_job(store)
    waiting = store.add("owner", "{}")
    assert on_disk(path) > 8 * MEBIBYTE
    assert store.forget_finished_before(float("inf")) == 8
    assert on_disk(path) < MEBIBYTE
    assert store.get(waiting.id) is not None  # unfinished jobs do not expire
    store.close()


def test_a_database_made_without_auto_vacuum_is_converted_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA journal_mode=WAL")
    old.executescript(SCHEMA)
    old.execute("INSERT INTO jobs VALUES ('a', 'o', 'succeeded', 1, 'done', '{}', NULL, 0, 0)")
    old.execute("INSERT INTO artifacts VALUES ('a', 'x', 't', ?)", (os.urandom(4 * MEBIBYTE),))
    old.execute("DELETE FROM artifacts")
    old.execute("DELETE FROM jobs")
    old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old.close()
    assert path.stat().st_size > 4 * MEBIBYTE  # the old file kept the space of what it deleted
    store = JobStore(path)
    assert on_disk(path) < MEBIBYTE
    store.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental from now on
    check.close()


def test_a_key_holds_at_most_its_quota_of_jobs(store: JobStore) -> None:
    work = GatedWork()
    work.gate.set()
    runner = JobRunner(store, work, workers=1, max_pending=10, max_jobs_per_owner=2)
    first = runner.submit("owner", "{}")
    runner.submit("owner", "{}")
    with pytest.raises(ProblemError) as refused:
        runner.submit("owner", "{}")
    problem = refused.value
    assert (problem.status, problem.kind) == (429, "job-quota")
    assert problem.extra["quota"] == "max_jobs_per_key" and problem.extra["limit"] == 2
    assert "max_jobs_per_key" in problem.detail
    runner.submit("someone else", "{}")  # a quota is per key
    wait_for(store, first.id, "succeeded")
    store.delete(first.id)  # finished jobs count until they are deleted
    runner.submit("owner", "{}")
    runner.shutdown()


def test_a_key_keeps_at_most_its_quota_of_artifact_bytes(store: JobStore) -> None:
    work = GatedWork()
    work.gate.set()
    runner = JobRunner(store, work, workers=1, max_pending=10, max_bytes_per_owner=1_000)
    # GatedWork's one artifact is the request itself.
    fits = wait_for(store, runner.submit("owner", json.dumps("x" * 600)).id, "succeeded")
    over = wait_for(store, runner.submit("owner", json.dumps("y" * 600)).id, "failed")
    assert over.error is not None and store.artifacts(over.id) == []
    assert over.error["status"] == 507 and over.error["type"].endswith("/storage-quota")
    assert over.error["quota"] == "max_storage_bytes_per_key" and over.error["limit"] == 1_000
    wait_for(store, runner.submit("owner", json.dumps("z" * 396)).id, "succeeded")  # 1,000
    with pytest.raises(ProblemError) as refused:
        runner.submit("owner", "{}")
    assert (refused.value.status, refused.value.kind) == (507, "storage-quota")
    assert store.usage("owner").artifact_bytes == 1_000
    runner.submit("someone else", "{}")
    store.delete(fits.id)
    runner.submit("owner", "{}")
    runner.shutdown()


def test_finished_jobs_expire_while_the_server_runs(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = GatedWork()
    work.gate.set()
    runner = JobRunner(store, work, workers=1, max_pending=10, ttl=0.0)
    old = wait_for(store, runner.submit("owner", "{}").id, "succeeded")
    monkeypatch.setattr(jobs, "EXPIRY_INTERVAL_S", 0.0)
    runner.submit("owner", "{}")
    assert store.get(old.id) is None
    runner.shutdown()


def test_budgets_and_quotas_come_from_the_environment() -> None:
    settings = ServerSettings.from_env(
        {
            "MOTIONDIRECTOR_ALLOW_ANONYMOUS": "1",
            "MOTIONDIRECTOR_JOB_MEMORY_BYTES": "1073741824",
            "MOTIONDIRECTOR_JOB_TIME": "30",
            "MOTIONDIRECTOR_MAX_JOBS_PER_KEY": "7",
            "MOTIONDIRECTOR_MAX_STORAGE_BYTES_PER_KEY": "5000000",
            "MOTIONDIRECTOR_MAX_SESSIONS_PER_KEY": "3",
            "MOTIONDIRECTOR_COST_BYTES_PER_TOKEN": "2000",
        }
    )
    assert (settings.job_memory_bytes, settings.job_time_s) == (1 << 30, 30.0)
    assert (settings.max_jobs_per_key, settings.max_storage_bytes_per_key) == (7, 5_000_000)
    assert (settings.max_sessions_per_key, settings.cost_bytes_per_token) == (3, 2000)
    defaults = ServerSettings(allow_anonymous=True)
    assert (defaults.job_memory_bytes, defaults.job_time_s) == (2 << 30, 600.0)
    assert defaults.max_sessions_per_key < defaults.max_sessions
    with pytest.raises(MotionDirectorError, match="job_time_s"):
        ServerSettings(allow_anonymous=True, job_time_s=0)
    with pytest.raises(MotionDirectorError, match="max_jobs_per_key"):
        ServerSettings(allow_anonymous=True, max_jobs_per_key=0)
