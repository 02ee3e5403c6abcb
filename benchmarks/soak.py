"""A long conversation soak on the HTTP API, on loopback: sessions taking turn after turn over
every transport, then clients that stop reading their streams, with the server's memory, open
file descriptors and threads sampled throughout.

A `motiondirector serve` subprocess (uvicorn, one process, rules planner, warmed up, default
limits but for the rate) gets, from one key:

1. `--sessions` sessions (default 20) in parallel, each taking `--turns` turns (default 100;
   2,000 in all) in turn over `POST .../turns`, `POST .../turns/stream` (SSE) and one
   WebSocket per session, with a random pause of 0…0.2 s between turns. Every answer is
   checked: the plan's words spell the turn's text with increasing times and the utterance
   ends where the scene does; a stream is `header`, `plan`, `frames`…, `done` with ids
   0, 1, …, frames 0 … frame_count − 1 at i / fps, the last at or just after the plan's
   duration, and `done` counting them. Then every session is deleted.
2. A turn whose stream would be over `max_stream_frames` (80 words timed up to two hours,
   three characters, 60 fps): refused before it starts.
3. `--stalled` streams of a 50 s turn (three characters, 60 fps) opened from one key on raw
   sockets that read nothing, held, then closed; then one more stream read to its end.

Server RSS should level off in phase 1 (its change over the second half is reported), file
descriptors and threads return to where they were, and phase 3 holds at most
`max_streams_per_key` streams and `max_stream_frames_per_key` frames (the rest 429
`stream-quota`).

    .venv/bin/python benchmarks/soak.py
    .venv/bin/python benchmarks/soak.py --sessions 5 --turns 20 --no-write

Results go to docs/benchmarks.md between the `soak` markers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from load import KEY, free_port, load_average, percentile, rss_mb, start_server
from report import write_section  # benchmarks/report.py

HEADERS = {"X-API-Key": KEY}
LINES = (
    "Hi, how are you today?",
    "I told you already, I am not going.",
    "Thank you so much, that is wonderful!",
    "Where were you last night?",
    "No, no, that is not what I meant.",
    "Could you pass me the salt, please?",
    "I can't believe you did that again!",
    "Well... I suppose that's true, in a way.",
    "Wait, what do you mean by that?",
    "I'm so sorry, I didn't mean to hurt you.",
    "Fine. Have it your way then.",
    "Are you sure this is a good idea?",
    "Get out of my office right now!",
    "Maybe tomorrow, if the weather is nice.",
)
STALLED_TURN = {"speaker": "ANA", "text": " ".join(["We waited for you all night long."] * 30)}
TRANSPORTS = ("json", "sse", "ws")
Event = tuple[str, Any, str]


@dataclass
class Soak:
    turn_ms: list[float] = field(default_factory=list)
    first_ms: dict[str, list[float]] = field(default_factory=lambda: {"sse": [], "ws": []})
    total_ms: dict[str, list[float]] = field(default_factory=lambda: {"sse": [], "ws": []})
    errors: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@dataclass
class Sample:
    t: float
    rss_mb: float
    fds: int
    threads: int


def process_sample(pid: int, start: float) -> Sample:
    threads = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return Sample(time.monotonic() - start, rss_mb(pid), fds, threads)


def check_plan(result: dict[str, Any], text: str, soak: Soak) -> None:
    plan = result["plan"]
    utterance = plan["utterances"][0]
    words = utterance["words"]
    if [w["text"] for w in words] != text.split():
        soak.problems.append(f"words {[w['text'] for w in words]} do not spell {text!r}")
    ends = [0.0] + [w["end"] for w in words]
    if any(
        w["start"] < before - 1e-9 or w["end"] < w["start"]
        for w, before in zip(words, ends, strict=False)
    ):
        soak.problems.append(f"word times out of order in {text!r}")
    if abs(utterance["end"] - plan["scene"]["duration"]) > 1e-6:
        soak.problems.append(f"utterance ends at {utterance['end']}, the scene at the duration")


def check_stream(events: list[Event], soak: Soak) -> None:
    names = [name for name, _, _ in events]
    if names[:2] != ["header", "plan"] or names[-1] != "done":
        soak.problems.append(f"stream events {names[:2]} … {names[-1:]}")
        return
    if [number for _, _, number in events] != [str(i) for i in range(len(events))]:
        soak.problems.append("event ids are not 0, 1, …")
    header, duration = events[0][1], events[1][1]["plan"]["scene"]["duration"]
    fps = header["fps"]
    frames = [f for name, data, _ in events if name == "frames" for f in data["frames"]]
    if [f["i"] for f in frames] != list(range(header["frame_count"])):
        soak.problems.append("frames are not 0 … frame_count - 1")
    elif any(abs(f["t"] - f["i"] / fps) > 1e-6 for f in frames):
        soak.problems.append("a frame's time is not i / fps")
    elif not 0 <= frames[-1]["t"] - duration < 1 / fps + 1e-6:
        soak.problems.append(f"last frame at {frames[-1]['t']} for a {duration} s plan")
    if events[-1][1]["frames"] != len(frames):
        soak.problems.append("done does not count the frames")


async def sse_turn(client: httpx.AsyncClient, url: str, body: dict[str, Any], soak: Soak) -> None:
    start = time.perf_counter()
    first: float | None = None
    events: list[Event] = []
    async with client.stream("POST", url, json=body) as response:
        if response.status_code != 200:
            await response.aread()
            soak.errors[f"sse {response.status_code}"] += 1
            return
        name = data = number = None
        async for line in response.aiter_lines():
            if line.startswith(":"):
                continue
            if line == "":
                if name is not None:
                    events.append((name, json.loads(data or "null"), number or ""))
                    if name == "frames" and first is None:
                        first = time.perf_counter() - start
                name = data = number = None
                continue
            key, _, value = line.partition(": ")
            if key == "event":
                name = value
            elif key == "data":
                data = value
            elif key == "id":
                number = value
    soak.total_ms["sse"].append((time.perf_counter() - start) * 1000)
    if first is not None:
        soak.first_ms["sse"].append(first * 1000)
    check_stream(events, soak)
    check_plan(events[1][1], body["text"], soak)


async def ws_turn(socket_: Any, body: dict[str, Any], soak: Soak) -> None:
    start = time.perf_counter()
    first: float | None = None
    events: list[Event] = []
    await socket_.send(json.dumps(body))
    while not events or events[-1][0] not in ("done", "error"):
        message = json.loads(await socket_.recv())
        events.append((message["event"], message["data"], str(len(events))))
        if message["event"] == "frames" and first is None:
            first = time.perf_counter() - start
    if events[-1][0] == "error":
        soak.errors[f"ws {events[-1][1].get('status')}"] += 1
        return
    soak.total_ms["ws"].append((time.perf_counter() - start) * 1000)
    if first is not None:
        soak.first_ms["ws"].append(first * 1000)
    check_stream(events, soak)
    check_plan(events[1][1], body["text"], soak)


async def conversation(
    number: int, client: httpx.AsyncClient, ws_base: str, turns: int, soak: Soak
) -> str:
    rng = random.Random(number)
    body = {"characters": ["ANA", "BEN"], "fps": rng.choice([30, 60])}
    session = (await client.post("/v1/sessions", json=body)).json()["id"]
    url = f"/v1/sessions/{session}/turns"
    async with websockets.connect(f"{ws_base}/v1/sessions/{session}/ws?api_key={KEY}") as ws:
        await ws.recv()  # ready
        for n in range(turns):
            turn = {"speaker": ("ANA", "BEN")[n % 2], "text": rng.choice(LINES)}
            transport = TRANSPORTS[(n + number) % 3]
            try:
                if transport == "json":
                    start = time.perf_counter()
                    response = await client.post(url, json=turn)
                    soak.turn_ms.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200:
                        soak.errors[f"json {response.status_code}"] += 1
                    else:
                        check_plan(response.json(), turn["text"], soak)
                elif transport == "sse":
                    await sse_turn(client, f"{url}/stream", turn, soak)
                else:
                    await ws_turn(ws, turn, soak)
            except (httpx.HTTPError, websockets.WebSocketException, OSError) as error:
                soak.errors[f"{transport} {type(error).__name__}"] += 1
            await asyncio.sleep(rng.uniform(0.0, 0.2))
    state = (await client.get(f"/v1/sessions/{session}")).json()
    if state["turns"] != turns:
        soak.problems.append(f"a session counted {state['turns']} turns of {turns}")
    return str(session)


async def run_soak(
    base: str, ws_base: str, pid: int, sessions: int, turns: int
) -> tuple[Soak, list[Sample], float]:
    soak = Soak()
    samples: list[Sample] = []
    start = time.monotonic()
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            samples.append(process_sample(pid, start))
            await asyncio.sleep(1.0)

    sampler = asyncio.create_task(sample())
    limits = httpx.Limits(max_connections=sessions * 2)
    async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=120, limits=limits) as c:
        ids = await asyncio.gather(
            *(conversation(k, c, ws_base, turns, soak) for k in range(sessions))
        )
        wall = time.monotonic() - start
        for session in ids:
            if (await c.delete(f"/v1/sessions/{session}")).status_code != 204:
                soak.problems.append("a session could not be deleted")
    await asyncio.sleep(3)  # idle worker threads time out
    stop.set()
    await sampler
    samples.append(process_sample(pid, start))
    return soak, samples, wall


def oversized_stream(base: str) -> tuple[int, str, float]:
    words, t = [], 0.0
    while t < 7100:
        words.append({"text": "word", "start": round(t, 3), "end": round(t + 30, 3)})
        t += 89.9
    with httpx.Client(base_url=base, headers=HEADERS, timeout=120) as client:
        body = {"characters": ["ANA", "BEN", "CAL"], "fps": 60}
        session = client.post("/v1/sessions", json=body).json()["id"]
        start = time.perf_counter()
        turn = {"speaker": "ANA", "words": words}
        answer = client.post(f"/v1/sessions/{session}/turns/stream", json=turn)
        elapsed = (time.perf_counter() - start) * 1000
        client.delete(f"/v1/sessions/{session}")
    kind = answer.json().get("type", "").rsplit("/", 1)[-1] if answer.status_code != 200 else ""
    return answer.status_code, kind, elapsed


def stalled_streams(base: str, port: int, pid: int, count: int) -> dict[str, Any]:
    """`count` turn streams whose clients read nothing but the status line."""
    with httpx.Client(base_url=base, headers=HEADERS, timeout=120) as client:
        body = {"characters": ["ANA", "BEN", "CAL"], "fps": 60}
        session = client.post("/v1/sessions", json=body).json()["id"]
        payload = json.dumps(STALLED_TURN).encode()
        before = process_sample(pid, 0.0)
        sockets, statuses = [], Counter[str]()
        for _ in range(count):
            raw = socket.socket()
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            raw.connect(("127.0.0.1", port))
            raw.sendall(
                f"POST /v1/sessions/{session}/turns/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"X-API-Key: {KEY}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            head = raw.recv(4096)
            status = head.split(b" ", 2)[1].decode()
            if status != "200":
                while not head.endswith(b"}"):  # the problem document, to its end
                    head += raw.recv(4096)
                problem = json.loads(head.split(b"\r\n\r\n", 1)[1])
                status = f"{status} {problem['type'].rsplit('/', 1)[-1]}"
            statuses[status] += 1
            sockets.append(raw)
        time.sleep(5)
        held = process_sample(pid, 0.0)
        for raw in sockets:
            raw.close()
        time.sleep(3)
        after = process_sample(pid, 0.0)
        done = client.post(
            f"/v1/sessions/{session}/turns/stream", json={"speaker": "BEN", "text": "Ok."}
        )
        client.delete(f"/v1/sessions/{session}")
    return {
        "statuses": statuses,
        "rss": (before.rss_mb, held.rss_mb, after.rss_mb),
        "fds": (before.fds, held.fds, after.fds),
        "next": done.status_code,
    }


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {statistics.median(values):.1f} ms, p99 {percentile(values, 99):.1f} ms, "
        f"max {max(values):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--turns", type=int, default=100, help="turns per session")
    parser.add_argument("--stalled", type=int, default=40, help="streams that are not read")
    parser.add_argument("--no-write", action="store_true", help="do not update benchmarks.md")
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        server = start_server(port, Path(workdir))
        try:
            base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
            idle = process_sample(server.pid, 0.0)
            load_before = load_average()
            soak, samples, wall = asyncio.run(
                run_soak(base, ws_base, server.pid, args.sessions, args.turns)
            )
            load_after = load_average()
            oversized = oversized_stream(base)
            stalled = stalled_streams(base, port, server.pid, args.stalled)
            alive = server.poll() is None
        finally:
            server.terminate()
            server.wait(timeout=30)

    rss = [s.rss_mb for s in samples]
    half = samples[len(samples) // 2]
    during = samples[:-1] or samples
    turns = args.sessions * args.turns
    errors = ", ".join(f"{k} ×{v}" for k, v in soak.errors.items()) or "none"
    problems = "; ".join(sorted(set(soak.problems))[:5]) or "none"
    statuses = ", ".join(f"{k} ×{v}" for k, v in sorted(stalled["statuses"].items()))
    md = f"""## Conversation soak (`benchmarks/soak.py`)

Server: `motiondirector serve` (uvicorn, one process, rules planner, warmed up, default
limits but for the rate) on loopback; the client in the same machine ({os.cpu_count()} cores,
shared; load average {load_before} before, {load_after} after). {args.sessions} sessions in
parallel, {args.turns} turns each ({turns} in all), in turn over `POST …/turns`, SSE
`…/turns/stream` and one WebSocket per session, 30 or 60 fps, 0…0.2 s between turns; every
plan's words and every stream's frames checked (see the script). Then one key's oversized
stream, and {args.stalled} of its streams of a 50 s turn (3 characters, 60 fps) that read
nothing.

| measure | result |
|---|---|
| turns answered in {wall:.0f} s; errors; inconsistencies found | {turns - sum(soak.errors.values())} of {turns}; {errors}; {problems} |
| `POST …/turns` latency ({len(soak.turn_ms)}) | {summary(soak.turn_ms)} |
| SSE: first `frames` event / whole stream ({len(soak.first_ms["sse"])}) | {summary(soak.first_ms["sse"])} / {summary(soak.total_ms["sse"])} |
| WebSocket: first `frames` event / whole stream ({len(soak.first_ms["ws"])}) | {summary(soak.first_ms["ws"])} / {summary(soak.total_ms["ws"])} |
| server RSS idle / max / after the sessions were deleted; change over the second half | {idle.rss_mb:.0f} / {max(rss):.0f} / {rss[-1]:.0f} MB; {rss[-1] - half.rss_mb:+.1f} MB |
| open file descriptors idle / max / after | {idle.fds} / {max(s.fds for s in during)} / {samples[-1].fds} |
| threads idle / max / after | {idle.threads} / {max(s.threads for s in during)} / {samples[-1].threads} |
| a turn streamed at 60 fps with 3 characters and words timed up to 7,042 s | {oversized[0]} {oversized[1]} in {oversized[2]:.0f} ms |
| {args.stalled} streams opened and not read | {statuses} |
| server RSS before / while held / after they closed; file descriptors | {stalled["rss"][0]:.0f} / {stalled["rss"][1]:.0f} / {stalled["rss"][2]:.0f} MB; {stalled["fds"][0]} / {stalled["fds"][1]} / {stalled["fds"][2]} |
| the next stream of that key, after they closed | {stalled["next"]} |

Server still serving at the end: {alive}.
"""
    print(md)
    if soak.problems or soak.errors:
        print(f"{len(soak.problems)} problems: {soak.problems[:20]}", file=sys.stderr)
    if not args.no_write:
        write_section("soak", md)


if __name__ == "__main__":
    main()
