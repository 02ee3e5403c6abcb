"""Hostile requests against the HTTP API, on loopback: what each answers, how long it takes,
and the server's memory before, during and after.

A `motiondirector serve` subprocess (uvicorn, rules planner, warmed up, one job worker, a
256 MiB memory and 6 s time budget per scene job) gets, from one hostile key, phase by phase:
words timed a day or 10^12 s late; a turn of 800 timed words; 51 characters and 50
characters; 2 MB bodies; 100 kB bodies in a burst (the cost-counted rate limit); poison scene
jobs (over the memory budget, and the largest scene the limits allow, which once ran past the
time budget and now plans within it) while a second key keeps planning; 120
sessions; 55 scene jobs; and large jobs deleted again (the database file's size). Every
request goes to 127.0.0.1; counts and times are bounded (about 500 requests, a few minutes).

    .venv/bin/python benchmarks/hostile.py
    .venv/bin/python benchmarks/hostile.py --no-write

Results go to docs/benchmarks.md between the `hostile` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HOSTILE = {"X-API-Key": "hostile-benchmark-key"}
BYSTANDER = {"X-API-Key": "bystander-benchmark-key"}
SHORT = {"script": "ANA: Hi, Ben.\nBEN: Hello, Ana.", "format": "text"}
JOB_MEMORY_BYTES = 256 * 1024 * 1024
JOB_TIME_S = 6
PACE_S = 0.025
"""Between requests of the quota phases: slower than the rate limit, so the quota answers."""
SERVER_ENV = {
    "MOTIONDIRECTOR_API_KEYS": f"{HOSTILE['X-API-Key']},{BYSTANDER['X-API-Key']}",
    "MOTIONDIRECTOR_RATE": "50",
    "MOTIONDIRECTOR_BURST": "100",
    "MOTIONDIRECTOR_JOB_WORKERS": "1",
    "MOTIONDIRECTOR_JOB_MEMORY_BYTES": str(JOB_MEMORY_BYTES),
    "MOTIONDIRECTOR_JOB_TIME": str(JOB_TIME_S),
}
"""The server's settings beyond the defaults (cost 1 token per 10 kB, 100 sessions and 50 jobs
per key, 1 GB of artifacts per key)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def workers_of(pid: int) -> list[int]:
    """The job worker processes of the server `pid` (multiprocessing's spawn entry point)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


class Sampler:
    """Samples the server's RSS and its workers' (summed) every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            workers = sum(rss_mb(w) for w in workers_of(self.pid))
            self.samples.append((time.monotonic(), rss_mb(self.pid), workers))
            self._stop.wait(0.2)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> tuple[float, float]:
        """Max server and worker RSS sampled between two times."""
        inside = [(s, w) for t, s, w in self.samples if start <= t <= end] or [(0.0, 0.0)]
        return max(s for s, _ in inside), max(w for _, w in inside)


@dataclass
class Phase:
    name: str
    sent: str
    answers: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rss_before: float = 0.0
    rss_max: float = 0.0
    rss_after: float = 0.0
    workers_max: float = 0.0

    def record(self, response: httpx.Response, started: float) -> httpx.Response:
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        kind = ""
        if response.headers.get("content-type", "").startswith("application/problem+json"):
            kind = " " + response.json()["type"].rsplit("/", 1)[-1]
        self.answers[f"{response.status_code}{kind}"] += 1
        return response


def send(
    phase: Phase, client: httpx.Client, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    started = time.perf_counter()
    return phase.record(client.request(method, path, **kwargs), started)


def dialogue_word(start: float, end: float) -> dict[str, Any]:
    return {"turns": [{"speaker": "ANA", "words": [{"text": "late", "start": start, "end": end}]}]}


def talk(lines: int, characters: int) -> str:
    names = (
        [f"C{i}" for i in range(characters)] if characters > 4 else ["ANA", "BEN", "CAL", "DORA"]
    )
    return "\n".join(
        f"{names[i % characters]}: This is line {i} of a rather long conversation about keys."
        for i in range(lines)
    )


def wait_job(client: httpx.Client, job_id: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/scenes/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise SystemExit(f"job {job_id} did not finish in 120 s")


def far_word_times(phase: Phase, http: httpx.Client) -> None:
    for start, end in [(86_400.0, 86_400.5), (0.0, 1e12), (1e308, 1e308)] * 10:
        body = {"dialogue": dialogue_word(start, end)}
        send(phase, http, "POST", "/v1/plan", json=body, headers=HOSTILE)
    session = http.post("/v1/sessions", json={"characters": ["ANA"]}, headers=HOSTILE).json()
    turn = {"speaker": "ANA", "words": [{"text": "late", "start": 86_399.5, "end": 86_400.0}]}
    for _ in range(10):
        send(phase, http, "POST", f"/v1/sessions/{session['id']}/turns", json=turn, headers=HOSTILE)
    http.delete(f"/v1/sessions/{session['id']}", headers=HOSTILE)


def many_words(phase: Phase, http: httpx.Client) -> None:
    words = [
        {"text": "la", "start": round(i * 0.2, 3), "end": round(i * 0.2 + 0.15, 3)}
        for i in range(1_001)
    ]
    turns = [{"speaker": "ANA", "words": words[:800], "addressees": ["BEN"]}]
    for _ in range(3):
        send(phase, http, "POST", "/v1/plan", json={"dialogue": {"turns": turns}}, headers=HOSTILE)
        time.sleep(0.2)  # 5 tokens each: let the bucket refill
    session = http.post("/v1/sessions", json={}, headers=HOSTILE).json()
    turn = {"speaker": "ANA", "words": words}
    send(phase, http, "POST", f"/v1/sessions/{session['id']}/turns", json=turn, headers=HOSTILE)
    http.delete(f"/v1/sessions/{session['id']}", headers=HOSTILE)


def many_characters(phase: Phase, http: httpx.Client) -> None:
    for _ in range(10):
        body = {"script": talk(51, 51), "format": "text"}
        send(phase, http, "POST", "/v1/plan", json=body, headers=HOSTILE)
    for _ in range(3):
        body = {"script": talk(50, 50), "format": "text"}
        send(phase, http, "POST", "/v1/plan", json=body, headers=HOSTILE)


def huge_bodies(phase: Phase, http: httpx.Client) -> None:
    body = json.dumps({"script": "ANA: " + "la " * 700_000, "format": "text"}).encode()
    for _ in range(3):
        headers = {**HOSTILE, "Content-Type": "application/json"}
        send(phase, http, "POST", "/v1/plan", content=body, headers=headers)


def costly_burst(phase: Phase, http: httpx.Client) -> None:
    padded = json.dumps(SHORT) + " " * 99_000  # 99 kB: 10 tokens
    headers = {**HOSTILE, "Content-Type": "application/json"}
    for _ in range(30):
        send(phase, http, "POST", "/v1/plan", content=padded.encode(), headers=headers)
    small = Counter(
        http.post("/v1/plan", json=SHORT, headers=BYSTANDER).status_code for _ in range(10)
    )
    phase.notes.append(f"the other key meanwhile: {dict(small)}")


def poison_jobs(phase: Phase, http: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    memory = {"script": talk(120, 2), "format": "text", "body": True}
    # 4,900 short lines: about 7,000 s of scene, near the 2-hour and 5,000-line limits (numbers
    # past 99 are spoken long enough to pass the first), seconds of work: the largest job.
    short_lines = "\n".join(f"{'ANA' if i % 2 else 'BEN'}: Yes, {i % 100}." for i in range(4_900))
    slow = {"script": short_lines, "format": "text", "body": False, "exports": ["json"]}
    jobs = []
    for body in (memory, slow, memory):
        jobs.append(send(phase, http, "POST", "/v1/scenes", json=body, headers=HOSTILE).json())
    bystander: list[float] = []
    statuses: Counter[int] = Counter()
    pending = {job["id"] for job in jobs}
    finished: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 120
    while pending and time.monotonic() < deadline:
        started = time.perf_counter()
        statuses[http.post("/v1/plan", json=SHORT, headers=BYSTANDER).status_code] += 1
        bystander.append((time.perf_counter() - started) * 1000)
        for job_id in list(pending):
            job = http.get(f"/v1/scenes/{job_id}", headers=HOSTILE).json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                finished[job_id] = job
                pending.discard(job_id)
        time.sleep(0.5)
    for job in jobs:
        done = finished.get(job["id"], {"status": "unfinished", "error": None})
        error = done.get("error") or {}
        took = done.get("updated", 0) - job["created"]
        why = (
            f": {error.get('type', '').rsplit('/', 1)[-1]}, limit `{error.get('limit')}`"
            if error
            else ""
        )
        phase.notes.append(
            f"job {done['status']}{why}, finished {took:.1f} s after it was submitted"
        )
    phase.notes.append(
        f"the other key's /v1/plan meanwhile: {dict(statuses)}, {summary(bystander)}"
    )
    phase.notes.append(f"server process alive afterwards: {server.poll() is None}")
    for job in jobs:
        http.delete(f"/v1/scenes/{job['id']}", headers=HOSTILE)


def many_sessions(phase: Phase, http: httpx.Client) -> None:
    made = []
    for _ in range(120):
        time.sleep(PACE_S)
        response = send(phase, http, "POST", "/v1/sessions", json={}, headers=HOSTILE)
        if response.status_code == 201:
            made.append(response.json()["id"])
    other = http.post("/v1/sessions", json={}, headers=BYSTANDER)
    phase.notes.append(f"the other key's new session: {other.status_code}")
    for session in made:
        http.delete(f"/v1/sessions/{session}", headers=HOSTILE)
    http.delete(f"/v1/sessions/{other.json()['id']}", headers=BYSTANDER)


def many_jobs(phase: Phase, http: httpx.Client) -> None:
    made = []
    tiny = {**SHORT, "body": False, "exports": ["json"]}
    for _ in range(55):
        time.sleep(PACE_S)
        response = send(phase, http, "POST", "/v1/scenes", json=tiny, headers=HOSTILE)
        if response.status_code == 202:
            made.append(response.json()["id"])
    other = http.post("/v1/scenes", json=tiny, headers=BYSTANDER)
    phase.notes.append(f"the other key's new job: {other.status_code}")
    for job_id in made:
        wait_job(http, job_id, HOSTILE)
        http.delete(f"/v1/scenes/{job_id}", headers=HOSTILE)


def storage(phase: Phase, http: httpx.Client, db: Path) -> None:
    def size() -> float:
        files = (db, db.with_name(db.name + "-wal"))
        return sum(p.stat().st_size for p in files if p.exists()) / 1e6

    before = size()
    big = {"script": talk(40, 2), "format": "text", "body": True}
    made = [
        send(phase, http, "POST", "/v1/scenes", json=big, headers=HOSTILE).json() for _ in range(3)
    ]
    kept = sum(
        sum(a["bytes"] for a in wait_job(http, job["id"], HOSTILE)["artifacts"]) for job in made
    )
    full = size()
    for job in made:
        send(phase, http, "DELETE", f"/v1/scenes/{job['id']}", headers=HOSTILE)
    phase.notes.append(
        f"database + WAL: {before:.1f} MB before, {full:.1f} MB with {kept / 1e6:.1f} MB of"
        f" artifacts, {size():.1f} MB after deleting them"
    )


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"p50 {statistics.median(values):.0f} ms, max {max(values):.0f} ms"


@contextmanager
def running_server(workdir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "MOTIONDIRECTOR_JOBS_DB": str(workdir / "jobs.sqlite3")}
    command = [sys.executable, "-m", "motiondirector.cli", "serve", "--port", str(port)]
    # To a file: a pipe nobody reads fills up and then blocks the server on its next log line.
    with (workdir / "server.log").open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        yield server, base
    finally:
        server.terminate()
        server.communicate(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs")
    args = parser.parse_args()
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="motiondirector-hostile-") as tmp:
        db = Path(tmp) / "jobs.sqlite3"
        with running_server(Path(tmp)) as (server, base):
            time.sleep(5)  # the prestarted job worker warms up
            idle_rss = rss_mb(server.pid)
            with httpx.Client(base_url=base, timeout=120) as http, Sampler(server.pid) as rss:
                steps: list[tuple[str, str, Callable[[Phase], None]]] = [
                    (
                        "far word times",
                        "30 /v1/plan with a word at 86,400 s, 0…10^12 s, 10^308 s; 10 turns at 86,400 s",
                        lambda p: far_word_times(p, http),
                    ),
                    (
                        "many words",
                        "3 /v1/plan of one turn of 800 timed words; a turn of 1,001 words",
                        lambda p: many_words(p, http),
                    ),
                    (
                        "many characters",
                        "10 scripts of 51 characters; 3 of 50 characters, a line each",
                        lambda p: many_characters(p, http),
                    ),
                    ("huge bodies", "3 bodies of 2.1 MB", lambda p: huge_bodies(p, http)),
                    (
                        "costly burst",
                        "30 /v1/plan of 99 kB (a two-line script padded with spaces), back to back",
                        lambda p: costly_burst(p, http),
                    ),
                    (
                        "poison jobs",
                        "2 jobs over the memory budget (120 lines with body), 1 as large as the limits"
                        " allow (4,900 short lines); the other key plans every 0.5 s",
                        lambda p: poison_jobs(p, http, server),
                    ),
                    (
                        "many sessions",
                        "120 POST /v1/sessions from one key",
                        lambda p: many_sessions(p, http),
                    ),
                    ("many jobs", "55 tiny scene jobs from one key", lambda p: many_jobs(p, http)),
                    (
                        "storage",
                        "3 jobs of 40 lines with body, then DELETE",
                        lambda p: storage(p, http, db),
                    ),
                ]
                for name, sent, step in steps:
                    phase = Phase(name, sent)
                    phase.rss_before = rss_mb(server.pid)
                    start = time.monotonic()
                    step(phase)
                    time.sleep(2.0)  # let the bucket refill between phases
                    phase.rss_after = rss_mb(server.pid)
                    phase.rss_max, phase.workers_max = rss.between(start, time.monotonic())
                    phases.append(phase)
                    print(name, dict(phase.answers), phase.notes, flush=True)
            end_rss = rss_mb(server.pid)
            alive = server.poll() is None

    rows = "\n".join(
        f"| {p.name} | {p.sent} | {', '.join(f'{k} ×{v}' for k, v in sorted(p.answers.items()))}"
        f" | {summary(p.latencies_ms)} | {p.rss_before:.0f} / {p.rss_max:.0f} / {p.rss_after:.0f}"
        f" | {p.workers_max:.0f} |"
        for p in phases
    )
    notes = "\n".join(f"- {p.name}: {note}" for p in phases for note in p.notes)
    budget = f"{JOB_MEMORY_BYTES >> 20} MiB memory and a {JOB_TIME_S} s time budget"
    md = f"""## Hostile requests (`benchmarks/hostile.py`)

Server: `motiondirector serve` on loopback, warmed up, rate 50 tokens/s (burst 100, one more
token per 10 kB of body), one job worker with a {budget} per job,
other settings at their defaults; one hostile key, and a second key that must keep being
served. Machine: {os.cpu_count()} cores, shared with the client. RSS in MB: the server process (before / max
during / after the phase) and its job workers (max, summed; 0 while none is running).

| phase | sent | answers | latency | server RSS | workers RSS |
|---|---|---|---|---|---|
{rows}

{notes}

Server RSS idle after warm-up {idle_rss:.0f} MB, at the end {end_rss:.0f} MB; the server process
{"was still serving" if alive else "had died"} at the end.
"""
    print(md)
    if not args.no_write:
        write_section("hostile", md)


if __name__ == "__main__":
    main()
