"""Load on the HTTP API, on loopback: sustained planning requests at a fixed rate, the time to
the first `frames` event of a stream, and the server's memory over the run.

The server runs in a subprocess (`motiondirector serve`, uvicorn, rules planner, warmed up);
the load comes from this process with httpx async clients at a fixed rate (open loop: a request
is sent on schedule whether or not earlier ones have answered, and its latency counts from its
scheduled time, so a stalled server cannot hide its backlog). Every request is a different
two-line dialogue. Baseline in the same run: planning the same dialogues in this process,
without HTTP, one at a time.

    .venv/bin/python benchmarks/load.py                       # 100 req/s for 60 s
    .venv/bin/python benchmarks/load.py --duration 10 --rate 50

Targets: p99 <= 100 ms at 100 req/s with 0 errors; first `frames` event <= 50 ms; server RSS
stable. Results go to docs/benchmarks.md between the `load` markers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

KEY = "load-benchmark-key"
IDLE_WARM_UP = 5
NAMES = ("ANA", "BEN", "CAL", "DORA")
LINES = (
    "Hi, how are you today?",
    "I told you already, I am not going.",
    "Thank you so much, that is wonderful!",
    "Where were you last night?",
    "No, no, that is not what I meant.",
    "Could you pass me the salt, please?",
    "I can't believe you did that again!",
    "We should leave before it gets dark.",
    "Honestly, I don't know what to say.",
    "That is the best news I've heard all week!",
    "Wait, what do you mean by that?",
    "I'm so sorry, I didn't mean to hurt you.",
    "Look over there, behind the old tree.",
    "Fine. Have it your way then.",
    "Are you sure this is a good idea?",
    "Yes, absolutely, count me in.",
    "Please don't tell anyone about this.",
    "I brought the key, just like you asked.",
    "Get out of my office right now!",
    "Maybe tomorrow, if the weather is nice.",
)


def dialogue(rng: random.Random) -> str:
    first, second = rng.sample(NAMES, 2)
    return f"{first}: {rng.choice(LINES)}\n{second}: {rng.choice(LINES)}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    first_frames_ms: list[float] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)
    sent: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def one_plan(
    client: httpx.AsyncClient, body: dict[str, str], due: float, out: Results
) -> None:
    try:
        response = await client.post("/v1/plan", json=body)
        if response.status_code != 200:
            out.error(f"HTTP {response.status_code}")
            return
        response.json()
    except httpx.HTTPError as error:
        out.error(type(error).__name__)
        return
    out.latencies_ms.append((time.perf_counter() - due) * 1000)


async def first_frames(client: httpx.AsyncClient, body: dict[str, str], out: Results) -> None:
    """Milliseconds from sending a stream request to its first `frames` event."""
    start = time.perf_counter()
    try:
        async with client.stream("POST", "/v1/plan/stream", json=body) as response:
            if response.status_code != 200:
                out.error(f"stream HTTP {response.status_code}")
                return
            seen = False
            # Read the whole stream, as a client would; time the first `frames` event.
            async for line in response.aiter_lines():
                if not seen and line == "event: frames":
                    out.first_frames_ms.append((time.perf_counter() - start) * 1000)
                    seen = True
    except httpx.HTTPError as error:
        out.error(f"stream {type(error).__name__}")


async def sample_rss(pid: int, stop: asyncio.Event, out: Results) -> None:
    start = time.perf_counter()
    while not stop.is_set():
        out.rss.append((time.perf_counter() - start, rss_mb(pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def drive(base: str, pid: int, rate: float, duration: float, streams: float) -> Results:
    out = Results()
    rng = random.Random(0)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    headers = {"X-API-Key": KEY}
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client,
        httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as stream_client,
    ):
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_rss(pid, stop, out))
        tasks: list[asyncio.Task[None]] = []
        count = int(rate * duration)
        every_stream = max(1, round(rate / streams)) if streams > 0 else 0
        start = time.perf_counter() + 0.2
        for index in range(count):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = {"script": dialogue(rng), "format": "text"}
            tasks.append(asyncio.create_task(one_plan(client, body, due, out)))
            if every_stream and index % every_stream == 0:
                tasks.append(asyncio.create_task(first_frames(stream_client, body, out)))
            out.sent += 1
        await asyncio.gather(*tasks)
        stop.set()
        await sampler
    return out


async def idle_first_frames(base: str, count: int) -> list[float]:
    out = Results()
    rng = random.Random(1)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": KEY}, timeout=30) as client:
        for _ in range(count + IDLE_WARM_UP):
            await first_frames(client, {"script": dialogue(rng), "format": "text"}, out)
    # The first few streams fill the server's query-embedding cache; a live server has it full.
    return out.first_frames_ms[IDLE_WARM_UP:]


def in_process_baseline(count: int) -> list[float]:
    """Planning the same kind of dialogues in this process, without HTTP (ms each)."""
    from motiondirector.planners import get_planner
    from motiondirector.realize import plan_text

    planner = get_planner("rules")
    rng = random.Random(0)
    for _ in range(5):
        plan_text(dialogue(rng), planner=planner, format="text")
    times = []
    for _ in range(count):
        text = dialogue(rng)
        t0 = time.perf_counter()
        plan_text(text, planner=planner, format="text").to_json()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def start_server(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_RATE": "100000",
        "MOTIONDIRECTOR_BURST": "100000",
        "MOTIONDIRECTOR_JOBS_DB": str(workdir / "jobs.sqlite3"),
    }
    command = [sys.executable, "-m", "motiondirector.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"the server exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    server.kill()
    raise SystemExit("the server was not ready within 300 s")


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"p50 {statistics.median(values):.1f} ms, p99 {percentile(values, 99):.1f} ms, max {max(values):.1f} ms"


def phase_rows(rate: float, loaded: Results, baseline: list[float]) -> str:
    answered = len(loaded.latencies_ms)
    errors = sum(loaded.errors.values())
    ratio = (
        statistics.median(loaded.latencies_ms) / statistics.median(baseline)
        if answered
        else float("nan")
    )
    rss = [mb for _, mb in loaded.rss]
    # Growth over the second half of the phase: after warm-up allocations have settled.
    half = rss[len(rss) // 2 :] or rss
    growth = (half[-1] - half[0]) if half else float("nan")
    kinds = dict(sorted(loaded.errors.items())) or ""
    return f"""| **{rate:g} req/s**: sent / answered / errors | {loaded.sent} / {answered} / {errors} {kinds} | 0 errors |
| {rate:g} req/s: `/v1/plan` latency | {summary(loaded.latencies_ms)} | p99 ≤ 100 ms |
| {rate:g} req/s: ratio of medians, server / in-process baseline | {ratio:.2f} | |
| {rate:g} req/s: first `frames` event ({len(loaded.first_frames_ms)} streams) | {summary(loaded.first_frames_ms)} | ≤ 50 ms |
| {rate:g} req/s: server RSS max, change over the second half | {max(rss, default=float("nan")):.0f} MB, {growth:+.1f} MB | stable |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds per rate (default 60)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        nargs="+",
        default=[100.0],
        help="/v1/plan requests a second; several rates run one after another",
    )
    parser.add_argument(
        "--streams", type=float, default=1.0, help="streams a second during the load"
    )
    parser.add_argument(
        "--idle-streams", type=int, default=30, help="streams measured before the load"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs")
    args = parser.parse_args()

    baseline = in_process_baseline(100)
    phases: list[tuple[float, Results]] = []
    with tempfile.TemporaryDirectory(prefix="motiondirector-load-") as tmp:
        port = free_port()
        server = start_server(port, Path(tmp))
        base = f"http://127.0.0.1:{port}"
        try:
            idle = asyncio.run(idle_first_frames(base, args.idle_streams))
            rss_start = rss_mb(server.pid)
            for rate in args.rate:
                phases.append(
                    (rate, asyncio.run(drive(base, server.pid, rate, args.duration, args.streams)))
                )
            rss_end = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)

    cores = os.cpu_count()
    capacity = 1000 / statistics.median(baseline)
    rates = ", ".join(f"{r:g}" for r in args.rate)
    verdicts = []
    for rate, loaded in phases:
        met = (
            loaded.latencies_ms and not loaded.errors and percentile(loaded.latencies_ms, 99) <= 100
        )
        verdicts.append(f"{rate:g} req/s: p99 target {'met' if met else 'not met'}")
    idle_met = idle and percentile(idle, 99) <= 50
    md = f"""## HTTP load (`benchmarks/load.py`)

Server: `motiondirector serve` (uvicorn, one process, rules planner, warmed up) on loopback;
load from one httpx async client at a fixed rate (open loop: latency counts from the scheduled
send time, so a backlog shows); each request a different two-line dialogue, plus
{args.streams:g} `/v1/plan/stream` a second. Machine: {cores} cores, shared by the server, the
load generator{" and other work" if (cores or 0) <= 2 else ""}. Rates {rates} req/s,
{args.duration:g} s each.

| measure | result | target |
|---|---|---|
| baseline: planning in-process, no HTTP, one at a time | {summary(baseline)} | |
| one core's planning capacity at that median | {capacity:.0f} plans/s | |
| first `frames` event, idle server ({len(idle)} streams) | {summary(idle)} | ≤ 50 ms |
{"".join(phase_rows(rate, loaded, baseline) for rate, loaded in phases)}| server RSS at start / end | {rss_start:.0f} / {rss_end:.0f} MB | stable |

{"; ".join(verdicts)}; first frames on an idle server: {"met" if idle_met else "not met"}.
"""
    print(md)
    if not args.no_write:
        write_section("load", md)


if __name__ == "__main__":
    main()
