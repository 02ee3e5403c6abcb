"""Load on the HTTP API, on loopback: planning requests at a fixed rate while concurrent frame
streams run, the time to each stream's first `frames` event, and the server's memory.

The server runs in a subprocess (`motiondirector serve`, uvicorn, one process, rules planner,
warmed up); the load comes from this process with httpx async clients. `/v1/plan` runs open
loop at `--rate` (a request is sent on schedule whether or not earlier ones have answered, and
its latency counts from its scheduled time, so a stalled server cannot hide its backlog).
Alongside, `--concurrent-streams` clients (avatars in conversation) each take a turn as a
`/v1/plan/stream` every `--turn-interval` seconds, staggered, and read it to its end (a client
whose stream is still running starts its next one when it ends); a turn interval of 0 runs
them back to back, so that many streams are open at every moment: a stress test that
saturates one process. Every rate runs with every turn interval. Every request is a different
two-line dialogue.
Baseline in the same run: planning the same dialogues in this process, without HTTP.

    .venv/bin/python benchmarks/load.py    # 50 req/s + 20 clients: a turn/s each, back to back
    .venv/bin/python benchmarks/load.py --duration 20 --rate 50 100 --turn-interval 1 --no-write

Targets: `/v1/plan` p99 <= 100 ms with 0 errors; first `frames` event p99 <= 200 ms under the
load (<= 50 ms on an idle server); server RSS stable. The machine's load average is recorded
before and after, because other work may share the cores. Results go to docs/benchmarks.md
between the `load` markers.
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
FRAMES_EVENT = b"event: frames\n"
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


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    first_frames_ms: list[float] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)
    sent: int = 0
    streams: int = 0
    load_before: str = ""
    load_after: str = ""

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
    """Milliseconds from sending a stream request to its first `frames` event; the stream is
    read to its end, as a client would. The bytes are scanned, not parsed, so the load
    generator spends little of the shared CPU."""
    start = time.perf_counter()
    try:
        async with client.stream("POST", "/v1/plan/stream", json=body) as response:
            if response.status_code != 200:
                out.error(f"stream HTTP {response.status_code}")
                return
            seen, tail = False, b""
            async for chunk in response.aiter_raw():
                if not seen:
                    window = tail + chunk
                    if FRAMES_EVENT in window:
                        out.first_frames_ms.append((time.perf_counter() - start) * 1000)
                        seen = True
                    tail = window[-len(FRAMES_EVENT) :]
            if not seen:
                out.error("stream without frames")
                return
    except httpx.HTTPError as error:
        out.error(f"stream {type(error).__name__}")
        return
    out.streams += 1


async def stream_client(
    client: httpx.AsyncClient,
    seed: int,
    first: float,
    interval: float,
    stop_at: float,
    out: Results,
) -> None:
    """One client: a stream at `first`, then one every `interval` seconds until `stop_at`."""
    rng = random.Random(seed)
    due = first
    while due < stop_at and time.perf_counter() < stop_at:
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await first_frames(client, {"script": dialogue(rng), "format": "text"}, out)
        due += interval


async def sample_rss(pid: int, stop: asyncio.Event, out: Results) -> None:
    start = time.perf_counter()
    while not stop.is_set():
        out.rss.append((time.perf_counter() - start, rss_mb(pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def drive(
    base: str, pid: int, rate: float, duration: float, streams: int, interval: float
) -> Results:
    out = Results(load_before=load_average())
    rng = random.Random(0)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    stream_limits = httpx.Limits(max_connections=streams + 1, max_keepalive_connections=streams)
    headers = {"X-API-Key": KEY}
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client,
        httpx.AsyncClient(
            base_url=base, headers=headers, limits=stream_limits, timeout=30
        ) as stream_http,
    ):
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_rss(pid, stop, out))
        start = time.perf_counter() + 0.2
        stop_at = start + duration
        tasks: list[asyncio.Task[None]] = [
            asyncio.create_task(
                stream_client(
                    stream_http, 1000 + k, start + k * interval / streams, interval, stop_at, out
                )
            )
            for k in range(streams)
        ]
        for index in range(int(rate * duration)):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = {"script": dialogue(rng), "format": "text"}
            tasks.append(asyncio.create_task(one_plan(client, body, due, out)))
            out.sent += 1
        await asyncio.gather(*tasks)
        stop.set()
        await sampler
    out.load_after = load_average()
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


def opening_cpu(lines: int, count: int = 20) -> tuple[float, float]:
    """Median CPU ms (this process, no HTTP) from a planned scene of `lines` lines to its
    first `frames` event: the body realized whole first (the baseline), and assembled per
    window as the server does it."""
    from motiondirector.planners import get_planner
    from motiondirector.realize import plan_text, realize_plan
    from motiondirector.retrieval.builtin import builtin_clip_library
    from motiondirector.server.streams import open_stream, stream_events
    from motiondirector.streaming import PlanFrames

    library = builtin_clip_library()
    planner = get_planner("rules")
    rng = random.Random(lines)
    plans = [
        plan_text(
            "\n".join(f"{rng.choice(NAMES)}: {rng.choice(LINES)}" for _ in range(lines)),
            planner=planner,
            format="text",
        )
        for _ in range(count)
    ]
    whole: list[float] = []
    windowed: list[float] = []
    for _ in range(2):  # the first round warms the caches
        whole.clear()
        windowed.clear()
        for plan in plans:
            for out, frames in (
                (whole, PlanFrames(plan, body=lambda p: realize_plan(p, library, tokens=False))),
                (windowed, PlanFrames(plan, library=library)),
            ):
                t0 = time.process_time()
                open_stream(stream_events(plan.model_dump_json(), frames, instance="/"))
                out.append((time.process_time() - t0) * 1000)
    return statistics.median(whole), statistics.median(windowed)


def start_server(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_RATE": "100000",
        "MOTIONDIRECTOR_BURST": "100000",
        "MOTIONDIRECTOR_JOBS_DB": str(workdir / "jobs.sqlite3"),
    }
    command = [sys.executable, "-m", "motiondirector.cli", "serve", "--port", str(port)]
    # The server's log goes to a file: a pipe nobody reads fills up and then blocks the
    # server's event loop on its next log line.
    log = workdir / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')}")
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


def pace(streams: int, interval: float) -> str:
    if interval <= 0:
        return f"{streams} stream clients back to back"
    return f"{streams} stream clients, a turn each every {interval:g} s"


def phase_rows(
    rate: float, streams: int, interval: float, loaded: Results, baseline: list[float]
) -> str:
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
    at = f"{rate:g} req/s + {pace(streams, interval)}"
    return f"""| **{at}**: plans sent / answered, streams read, errors | {loaded.sent} / {answered}, {loaded.streams}, {errors} {kinds} | 0 errors |
| {at}: `/v1/plan` latency | {summary(loaded.latencies_ms)} | p99 ≤ 100 ms |
| {at}: ratio of medians, server / in-process baseline | {ratio:.2f} | |
| {at}: first `frames` event ({len(loaded.first_frames_ms)} streams) | {summary(loaded.first_frames_ms)} | p99 ≤ 200 ms |
| {at}: server RSS max, change over the second half | {max(rss, default=float("nan")):.0f} MB, {growth:+.1f} MB | stable |
| {at}: machine load average (1 / 5 / 15 min) before, after | {loaded.load_before}; {loaded.load_after} | |
"""


def met(loaded: Results) -> bool:
    return bool(
        loaded.latencies_ms
        and loaded.first_frames_ms
        and not loaded.errors
        and percentile(loaded.latencies_ms, 99) <= 100
        and percentile(loaded.first_frames_ms, 99) <= 200
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds per rate (default 60)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        nargs="+",
        default=[50.0],
        help="/v1/plan requests a second; several rates run one after another (default 50)",
    )
    parser.add_argument(
        "--concurrent-streams",
        type=int,
        default=20,
        help="stream clients during the load (default 20)",
    )
    parser.add_argument(
        "--turn-interval",
        type=float,
        nargs="+",
        default=[1.0, 0.0],
        help="seconds between one client's streams, 0: back to back; several run one after "
        "another (default 1 0)",
    )
    parser.add_argument(
        "--idle-streams", type=int, default=30, help="streams measured before the load"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs")
    args = parser.parse_args()

    baseline = in_process_baseline(100)
    openings = {lines: opening_cpu(lines) for lines in (2, 20)}
    phases: list[tuple[float, float, Results]] = []
    with tempfile.TemporaryDirectory(prefix="motiondirector-load-") as tmp:
        port = free_port()
        server = start_server(port, Path(tmp))
        base = f"http://127.0.0.1:{port}"
        try:
            idle_load = load_average()
            idle = asyncio.run(idle_first_frames(base, args.idle_streams))
            rss_start = rss_mb(server.pid)
            for rate in args.rate:
                for interval in args.turn_interval:
                    loaded = asyncio.run(
                        drive(
                            base,
                            server.pid,
                            rate,
                            args.duration,
                            args.concurrent_streams,
                            interval,
                        )
                    )
                    phases.append((rate, interval, loaded))
            rss_end = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)

    cores = os.cpu_count()
    streams = args.concurrent_streams
    capacity = 1000 / statistics.median(baseline)
    rates = ", ".join(f"{r:g}" for r in args.rate)
    intervals = ", ".join(f"{i:g} s" for i in args.turn_interval)
    verdicts = [
        f"{rate:g} req/s + {pace(streams, interval)}: targets "
        + ("met" if met(loaded) else "not met")
        for rate, interval, loaded in phases
    ]
    idle_met = idle and percentile(idle, 99) <= 50
    md = f"""## HTTP load (`benchmarks/load.py`)

Server: `motiondirector serve` (uvicorn, one process, rules planner, warmed up) on loopback;
`/v1/plan` from one httpx async client at a fixed rate (open loop: latency counts from the
scheduled send time, so a backlog shows), and {streams} clients each taking a turn as a
`/v1/plan/stream` every turn interval ({intervals}; 0: back to back, so {streams} streams are
open at every moment), staggered, each stream read to its end; each request a different
two-line dialogue. Machine: {cores} cores, shared by the server, the load
generator{" and other work" if (cores or 0) <= 2 else ""} (load averages below). Rates {rates}
req/s, {args.duration:g} s per rate and turn interval.

| measure | result | target |
|---|---|---|
| baseline: planning in-process, no HTTP, one at a time | {summary(baseline)} | |
| one core's planning capacity at that median | {capacity:.0f} plans/s | |
{"".join(f"| opening a stream in-process, {n}-line scene planned: CPU to the first `frames`, whole-scene body (baseline) / per-window body | {a:.1f} / {b:.1f} ms ({b / a:.2f}x) | |{chr(10)}" for n, (a, b) in openings.items())}| first `frames` event, idle server ({len(idle)} streams one at a time; load average {idle_load}) | {summary(idle)} | ≤ 50 ms |
{"".join(phase_rows(rate, streams, i, loaded, baseline) for rate, i, loaded in phases)}| server RSS before / after the load | {rss_start:.0f} / {rss_end:.0f} MB | stable |

{"; ".join(verdicts)}; first frames on an idle server: {"met" if idle_met else "not met"}.
"""
    print(md)
    if not args.no_write:
        write_section("load", md)


if __name__ == "__main__":
    main()
