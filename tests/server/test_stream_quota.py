"""The quotas on open frame streams, per key and on the frames all of them hold: the counts
themselves, and a real uvicorn server whose clients hold streams open by not reading them."""

from __future__ import annotations

import gc
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from motiondirector.server.errors import ProblemError
from motiondirector.server.stream_quota import StreamQuota
from motiondirector.streaming import PlanFrames
from tests.server.conftest import (
    AUTH,
    KEY,
    OTHER_AUTH,
    LiveServer,
    SettingsFactory,
    assert_problem,
    serve_in_thread,
)

LONG_TURN = {"speaker": "ANA", "text": " ".join(["We waited for you all night long."] * 30)}
"""About 50 s of speech: with three characters at 60 fps, megabytes of frames, far more than
the sockets buffer, so a client that stops reading holds its stream open."""


def test_a_caller_holds_at_most_its_quota_and_gets_slots_back() -> None:
    quota = StreamQuota(2)
    with quota.slot("a"), quota.slot("a"):
        with pytest.raises(ProblemError) as refused:
            quota.take("a")
        assert refused.value.status == 429 and refused.value.kind == "stream-quota"
        assert refused.value.extra["quota"] == "max_streams_per_key"
        assert refused.value.headers["Retry-After"] == "1"
        with quota.slot("b"):  # another caller has its own quota
            assert quota.open("b") == 1
    assert quota.open("a") == 0
    with pytest.raises(RuntimeError), quota.slot("a"):
        raise RuntimeError("a stream that fails gives its slot back too")
    assert quota.open("a") == 0 and not quota._open  # callers with nothing open are forgotten


def test_every_stream_that_ends_says_so_however_it_ends() -> None:
    ended: list[None] = []
    quota = StreamQuota(1, stream_ended=lambda: ended.append(None))
    with quota.slot("a"):
        assert not ended
    with pytest.raises(RuntimeError), quota.slot("a"):
        raise RuntimeError("a stream that fails")
    with pytest.raises(ProblemError), quota.slot("a"), quota.slot("a"):
        pass  # refused: the second never held a slot, so it does not end one
    assert len(ended) == 3


def test_open_streams_hold_at_most_the_servers_frames_and_give_them_back() -> None:
    quota = StreamQuota(10, max_frames=1000)
    with quota.slot("a") as first, quota.slot("b") as second:
        first.hold(600)
        with pytest.raises(ProblemError) as refused:
            second.hold(500)  # another key's stream: the budget is the server's
        assert refused.value.status == 503 and refused.value.kind == "too-many-streams"
        assert refused.value.extra["limit"] == "max_open_stream_frames"
        assert refused.value.extra["limit_value"] == 1000
        assert refused.value.headers["Retry-After"] == "1"
        second.hold(400)
        assert quota.held_frames() == 1000
    assert quota.held_frames() == 0
    with pytest.raises(RuntimeError), quota.slot("a") as failing:
        failing.hold(1000)
        raise RuntimeError("a stream that fails gives its frames back too")
    assert quota.held_frames() == 0


def test_one_key_holds_at_most_its_share_of_the_frames() -> None:
    quota = StreamQuota(10, max_frames=1000, max_frames_per_caller=500)
    with quota.slot("a") as first, quota.slot("a") as second, quota.slot("b") as other:
        first.hold(400)
        with pytest.raises(ProblemError) as refused:
            second.hold(200)
        assert refused.value.status == 429 and refused.value.kind == "stream-quota"
        assert refused.value.extra["quota"] == "max_stream_frames_per_key"
        assert refused.value.extra["used"] == 400 and refused.value.extra["limit"] == 500
        other.hold(500)  # the others' share is theirs
        second.hold(100)
    with quota.slot("a") as again:
        again.hold(500)  # given back when the streams ended
    assert quota.held_frames() == 0 and not quota._frames_of


@pytest.fixture(scope="module")
def one_stream_each(make_settings: SettingsFactory) -> Iterator[LiveServer]:
    with serve_in_thread(make_settings(max_streams_per_key=1, warm_up=False)) as server:
        yield server


def _session(server: LiveServer, headers: dict[str, str]) -> str:
    body = {"characters": ["ANA", "BEN", "CAL"], "fps": 60}
    response = httpx.post(f"{server.base}/v1/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _stalled_stream(server: LiveServer, session: str) -> socket.socket:
    """A turn stream whose client reads nothing: its frames back up into the socket."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect(("127.0.0.1", server.port))
    body = json.dumps(LONG_TURN).encode()
    head = (
        f"POST /v1/sessions/{session}/turns/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-API-Key: {KEY}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    client.sendall(head.encode() + body)
    assert client.recv(64).startswith(b"HTTP/1.1 200")
    return client


def test_a_key_holding_its_streams_open_gets_429_until_it_lets_go(
    one_stream_each: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="motiondirector.server")
    server = one_stream_each
    session = _session(server, AUTH)
    turns = f"{server.base}/v1/sessions/{session}/turns"
    # Streams read to their end give their slot back: one after another is fine.
    for _ in range(2):
        done = httpx.post(f"{turns}/stream", json={"speaker": "BEN", "text": "Hi."}, headers=AUTH)
        assert done.status_code == 200 and "event: done" in done.text

    stalled = _stalled_stream(server, session)
    try:
        refused = httpx.post(
            f"{turns}/stream", json={"speaker": "BEN", "text": "Hi."}, headers=AUTH
        )
        problem = assert_problem(refused, 429)
        assert problem["type"].endswith("/stream-quota") and problem["limit"] == 1
        assert refused.headers["Retry-After"] == "1"
        plan = {"script": "ANA: Hi.", "format": "text"}
        assert_problem(httpx.post(f"{server.base}/v1/plan/stream", json=plan, headers=AUTH), 429)
        ws = f"{server.ws_base}/v1/sessions/{session}/ws?api_key={KEY}"
        with connect(ws, open_timeout=30) as socket_:
            assert json.loads(socket_.recv(timeout=60))["event"] == "ready"
            socket_.send(json.dumps({"speaker": "BEN", "text": "Hi."}))
            message = json.loads(socket_.recv(timeout=60))
            assert message["event"] == "error" and message["data"]["status"] == 429
        # Other keys and frameless turns are not held up.
        other = _session(server, OTHER_AUTH)
        other_stream = httpx.post(
            f"{server.base}/v1/sessions/{other}/turns/stream",
            json={"speaker": "ANA", "text": "Hi."},
            headers=OTHER_AUTH,
        )
        assert other_stream.status_code == 200
        assert httpx.post(turns, json={"speaker": "BEN", "text": "Hi."}, headers=AUTH).is_success
    finally:
        stalled.close()
    # The server notices the client left and gives the slot back.
    for _ in range(600):
        again = httpx.post(f"{turns}/stream", json={"speaker": "BEN", "text": "Ok."}, headers=AUTH)
        if again.status_code == 200:
            break
        assert_problem(again, 429)
        threading.Event().wait(0.05)
    assert again.status_code == 200 and "event: done" in again.text
    # A client leaving mid-stream is no error of the server's: nothing is logged as one.
    assert httpx.get(f"{server.base}/healthz").status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def _live_frames() -> int:
    return sum(isinstance(o, PlanFrames) for o in gc.get_objects())


def test_a_client_that_leaves_lets_go_of_its_streams_frames(one_stream_each: LiveServer) -> None:
    # With the collector off only references free the frames: the task of a client that
    # left can stay alive in a reference cycle long after its stream has ended.
    gc.collect()
    gc.disable()
    try:
        before = _live_frames()
        stalled = _stalled_stream(one_stream_each, _session(one_stream_each, AUTH))
        assert _live_frames() > before
        stalled.close()
        deadline = time.monotonic() + 60
        while _live_frames() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _live_frames() == before
    finally:
        gc.enable()


def test_streams_of_many_keys_cannot_fill_the_servers_memory(
    make_settings: SettingsFactory,
) -> None:
    # Room for one long turn's frames (three characters at 60 fps) at a time, whoever holds it.
    settings = make_settings(
        max_stream_frames=20_000,
        max_stream_frames_per_key=20_000,
        max_open_stream_frames=20_000,
        warm_up=False,
    )
    with serve_in_thread(settings) as server:
        stalled = _stalled_stream(server, _session(server, AUTH))
        try:
            other = _session(server, OTHER_AUTH)
            turns = f"{server.base}/v1/sessions/{other}/turns"
            refused = httpx.post(f"{turns}/stream", json=LONG_TURN, headers=OTHER_AUTH)
            problem = assert_problem(refused, 503)
            assert problem["type"].endswith("/too-many-streams")
            assert problem["limit"] == "max_open_stream_frames"
            assert refused.headers["Retry-After"] == "1"
            state = httpx.get(f"{server.base}/v1/sessions/{other}", headers=OTHER_AUTH)
            assert state.json()["turns"] == 0  # the refused turn was not taken
            # a short stream still fits beside the held one
            short = {"speaker": "BEN", "text": "Hi."}
            assert httpx.post(f"{turns}/stream", json=short, headers=OTHER_AUTH).is_success
        finally:
            stalled.close()
        for _ in range(600):
            again = httpx.post(f"{turns}/stream", json=LONG_TURN, headers=OTHER_AUTH)
            if again.status_code == 200:
                break
            assert_problem(again, 503)
            threading.Event().wait(0.05)
        assert again.status_code == 200 and "event: done" in again.text


def test_one_key_cannot_take_the_servers_stream_memory_from_the_others(
    make_settings: SettingsFactory,
) -> None:
    # One long turn's frames per key, two of them on the server.
    settings = make_settings(
        max_stream_frames=20_000,
        max_stream_frames_per_key=20_000,
        max_open_stream_frames=40_000,
        warm_up=False,
    )
    with serve_in_thread(settings) as server:
        session = _session(server, AUTH)
        stalled = _stalled_stream(server, session)
        try:
            turns = f"{server.base}/v1/sessions/{session}/turns/stream"
            refused = httpx.post(turns, json=LONG_TURN, headers=AUTH)
            problem = assert_problem(refused, 429)
            assert problem["quota"] == "max_stream_frames_per_key"
            assert problem["used"] > 0 and refused.headers["Retry-After"] == "1"
            other = _session(server, OTHER_AUTH)
            served = httpx.post(
                f"{server.base}/v1/sessions/{other}/turns/stream",
                json=LONG_TURN,
                headers=OTHER_AUTH,
            )
            assert served.status_code == 200 and "event: done" in served.text
        finally:
            stalled.close()
