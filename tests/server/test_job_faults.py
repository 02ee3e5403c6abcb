"""Faults of a real server process (`motiondirector serve`) running scene jobs: killed with
SIGKILL mid-job, finished work is kept byte for byte, the interrupted job fails and queued jobs
run at the next start; a job over its memory budget fails alone and the server keeps serving,
and it is not run again after a restart."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port
from tests.server.conftest import (
    AUTH,
    KEY,
    start_subprocess_server,
    stop_subprocess_server,
    wait_ready,
)
from tests.server.test_job_processes import EXAMPLE, long_talk, spawned_children
from tests.server.test_scenes import SHORT, submit, wait_done

GONE_S = 10.0


@contextmanager
def serving(
    db: Path, clip_cache: Path, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
    """A `motiondirector serve` subprocess on the jobs database `db`, one job at a time."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_CACHE_DIR": str(clip_cache),
        "MOTIONDIRECTOR_WARM_UP": "0",
        **env,
    }
    server = start_subprocess_server(port, environment, "--jobs-db", str(db), "--job-workers", "1")
    try:
        wait_ready(base, lambda: server.poll() is None)
        with httpx.Client(base_url=base, timeout=60) as http:
            yield server, http
    finally:
        if server.poll() is None:
            stop_subprocess_server(server)
        else:
            server.communicate(timeout=30)  # killed: read and close its stderr


def artifacts_of(http: httpx.Client, job: dict[str, Any]) -> dict[str, bytes]:
    return {a["name"]: http.get(a["url"], headers=AUTH).content for a in job["artifacts"]}


def wait_until_gone(pid: int) -> None:
    deadline = time.monotonic() + GONE_S
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state == "Z":
            return  # exited; only its parent's reaping is left
        time.sleep(0.1)
    pytest.fail(f"process {pid} still runs {GONE_S:.0f} s after its server was killed")


def test_a_server_killed_mid_job_keeps_finished_work_and_runs_queued_jobs_again(
    tmp_path: Path, clip_cache: Path
) -> None:
    db = tmp_path / "jobs.sqlite3"
    with serving(db, clip_cache) as (server, http):
        done = wait_done(http, submit(http, {**SHORT, "exports": ["srt", "vtt"]})["id"])
        assert done["status"] == "succeeded"
        before = artifacts_of(http, done)
        running = submit(http, long_talk(600))
        queued = submit(http, {**SHORT, "exports": ["bml"], "body": False})
        deadline = time.monotonic() + 120
        while http.get(f"/v1/scenes/{running['id']}", headers=AUTH).json()["progress"] == 0:
            assert time.monotonic() < deadline, "the long job never started"
            time.sleep(0.1)
        [worker] = spawned_children(server.pid)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    wait_until_gone(worker)  # a worker does not outlive its server

    with serving(db, clip_cache) as (_, http):
        again = http.get(f"/v1/scenes/{done['id']}", headers=AUTH).json()
        assert again["status"] == "succeeded"
        assert artifacts_of(http, again) == before  # byte for byte
        cut = http.get(f"/v1/scenes/{running['id']}", headers=AUTH).json()
        assert cut["status"] == "failed" and cut["error"]["type"].endswith("/interrupted")
        rerun = wait_done(http, queued["id"])
        assert rerun["status"] == "succeeded", rerun
        assert [a["name"] for a in rerun["artifacts"]] == ["plan.json", "plan.bml.xml"]


def test_a_job_over_its_memory_budget_fails_alone_and_is_not_run_again(
    tmp_path: Path, clip_cache: Path
) -> None:
    db = tmp_path / "jobs.sqlite3"
    budget = {"MOTIONDIRECTOR_JOB_MEMORY_BYTES": str(16 * 1024 * 1024)}
    # Within every scene limit, but its body motion needs more than 16 MiB.
    poison = {"script": EXAMPLE.read_text(encoding="utf-8"), "body": True}
    with serving(db, clip_cache, **budget) as (server, http):
        failed = wait_done(http, submit(http, poison)["id"])
        assert failed["status"] == "failed" and failed["artifacts"] == []
        error = failed["error"]
        assert error["type"].endswith("/job-resources-exceeded")
        assert error["limit"] == "job_memory_bytes" and "16 MiB" in error["detail"]
        # The server process is untouched and keeps serving.
        assert server.poll() is None
        plan = http.post("/v1/plan", json={k: SHORT[k] for k in ("script", "format")}, headers=AUTH)
        assert plan.status_code == 200 and plan.json()["utterances"]
    with serving(db, clip_cache, **budget) as (_, http):
        again = http.get(f"/v1/scenes/{failed['id']}", headers=AUTH).json()
        assert again["status"] == "failed" and again["updated"] == failed["updated"]
