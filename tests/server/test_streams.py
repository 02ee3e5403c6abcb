"""Frame streams over a real uvicorn server on loopback: SSE with httpx streaming, the
WebSocket with the `websockets` client; and the SSE error cases through ASGI."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from motiondirector.motion.skeleton import JOINTS
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.server import create_app
from tests.server.conftest import (
    AUTH,
    KEY,
    OTHER_AUTH,
    FakeClock,
    LiveServer,
    SettingsFactory,
    assert_problem,
)

SCRIPT = "ANA: No, no. I am not going tonight!\nBEN: Why not? Everyone will be there."
Event = tuple[str, dict[str, Any]]


def read_sse(lines: Iterator[str]) -> list[Event]:
    """Parse an SSE body: `event:` and `data:` lines, a blank line ends an event."""
    events: list[Event] = []
    name, data = None, []
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data.append(line[len("data: ") :])
        elif line == "" and name is not None:
            events.append((name, json.loads("\n".join(data))))
            name, data = None, []
    return events


def check_stream(events: list[Event], fps: int, characters: list[str]) -> dict[str, Any]:
    """The documented shape: header, plan, frames..., done; frames continuous and increasing.
    Returns the plan event's data."""
    names = [name for name, _ in events]
    assert names[:2] == ["header", "plan"] and names[-1] == "done", names
    assert set(names[2:-1]) == {"frames"}
    header = events[0][1]
    assert header["fps"] == fps and header["characters"] == characters
    assert header["channels"]["blendshapes"] == list(load_arkit_map().blendshapes)
    assert header["channels"]["joints"] == list(JOINTS)
    frames = [f for name, data in events if name == "frames" for f in data["frames"]]
    assert [f["i"] for f in frames] == list(range(header["frame_count"]))
    times = [f["t"] for f in frames]
    assert all(b > a for a, b in itertools.pairwise(times))
    assert times[1] == pytest.approx(1 / fps, abs=1e-6)
    first = frames[0]["characters"][characters[0]]
    assert len(first["blendshapes"]) == 52 and len(first["joints"]) == 22
    assert events[-1][1]["frames"] == len(frames)
    # The first batch is short so it goes out fast.
    assert events[2][1]["count"] < events[3][1]["count"]
    return dict(events[1][1])


def test_plan_stream_over_sse(live_server: LiveServer) -> None:
    body = {"script": SCRIPT, "format": "text", "fps": 60}
    with httpx.stream(
        "POST", f"{live_server.base}/v1/plan/stream", json=body, headers=AUTH, timeout=60
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_sse(response.iter_lines())
    plan = MotionPlan.model_validate(check_stream(events, 60, ["ANA", "BEN"]))
    assert plan.scene.fps == 60 and plan.utterances[0].speaker == "ANA"


def test_session_turn_stream_over_sse(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base, headers=AUTH, timeout=60) as http:
        session = http.post("/v1/sessions", json={"characters": ["ANA", "BEN"]}).json()["id"]
        line = {"speaker": "BEN", "text": "Thank you, that is wonderful!"}
        with http.stream("POST", f"/v1/sessions/{session}/turns/stream", json=line) as response:
            assert response.status_code == 200
            events = read_sse(response.iter_lines())
    result = check_stream(events, 30, ["ANA", "BEN"])
    assert result["turn"] == 1 and result["plan"]["utterances"][0]["speaker"] == "BEN"


def test_a_retried_turn_stream_is_refused_and_the_turn_not_taken_again(
    client: TestClient,
) -> None:
    session = client.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH).json()["id"]
    line = {"speaker": "ANA", "text": "Did you hear that?"}
    url = f"/v1/sessions/{session}/turns/stream"
    first = read_sse(client.post(url, json=line, headers=AUTH).iter_lines())
    assert first[-1][0] == "done"
    # What an SSE client library sends when it retries the stream it lost after event 3.
    retry = client.post(url, json=line, headers={**AUTH, "Last-Event-ID": "3"})
    problem = assert_problem(retry, 409)
    assert problem["type"].endswith("/stream-not-resumable")
    assert client.get(f"/v1/sessions/{session}", headers=AUTH).json()["turns"] == 1


def open_socket(
    live_server: LiveServer, session: str, query: str = "", **kwargs: Any
) -> ClientConnection:
    url = f"{live_server.ws_base}/v1/sessions/{session}/ws{query}"
    return connect(url, open_timeout=30, **kwargs)


def receive(socket: ClientConnection) -> Event:
    message = json.loads(socket.recv(timeout=60))
    return message["event"], message["data"]


def receive_stream(socket: ClientConnection) -> list[Event]:
    events = [receive(socket)]
    while events[-1][0] not in ("done", "error"):
        events.append(receive(socket))
    return events


@pytest.fixture
def session(live_server: LiveServer) -> str:
    response = httpx.post(
        f"{live_server.base}/v1/sessions", json={"characters": ["ANA", "BEN"]}, headers=AUTH
    )
    return str(response.json()["id"])


def test_websocket_turns_with_the_key_in_the_query(live_server: LiveServer, session: str) -> None:
    with open_socket(live_server, session, f"?api_key={KEY}") as socket:
        name, state = receive(socket)
        assert name == "ready" and state["id"] == session
        socket.send(json.dumps({"type": "turn", "speaker": "ANA", "text": "Hello, Ben!"}))
        first = check_stream(receive_stream(socket), 30, ["ANA", "BEN"])
        assert first["turn"] == 1
        socket.send(json.dumps({"type": "ping"}))
        assert receive(socket) == ("pong", {})
        socket.send(json.dumps({"speaker": "BEN", "text": "Hi, Ana."}))  # type is optional
        second = check_stream(receive_stream(socket), 30, ["ANA", "BEN"])
        assert second["turn"] == 2 and second["context"]["addressee"] == "ANA"


def test_websocket_key_in_a_header(live_server: LiveServer, session: str) -> None:
    with open_socket(live_server, session, additional_headers=AUTH) as socket:
        assert receive(socket)[0] == "ready"


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, OTHER_AUTH])
def test_websocket_refuses_wrong_callers(
    live_server: LiveServer, session: str, headers: dict[str, str]
) -> None:
    with open_socket(live_server, session, additional_headers=headers) as socket:
        name, problem = receive(socket)
        assert name == "error" and problem["status"] in (401, 404)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_websocket_bad_messages_are_problems_and_the_socket_stays(
    live_server: LiveServer, session: str
) -> None:
    with open_socket(live_server, session, additional_headers=AUTH) as socket:
        receive(socket)
        socket.send("not json")
        name, problem = receive(socket)
        assert name == "error" and problem["errors"][0]["field"] == "message"
        socket.send(json.dumps({"speaker": "ANA"}))
        name, problem = receive(socket)
        assert name == "error" and problem["status"] == 422
        socket.send(json.dumps({"speaker": "ANA", "text": "Hi.", "addressee": "ZED"}))
        name, problem = receive(socket)
        assert [e["field"] for e in problem["errors"]] == ["addressee"]
        socket.send(json.dumps({"type": "dance"}))
        assert receive(socket)[1]["errors"][0]["field"] == "type"
        # JSON that Python will not read: an integer of 5,000 digits, nesting 40,000 deep
        for unreadable, says in (
            ('{"speaker": "ANA", "text": "Hi.", "x": ' + "1" * 5000 + "}", "4300 digits"),
            ("[" * 40_000 + "]" * 40_000, "nested too deeply"),
            ('{"speaker": "ANA",', "line 1, column 19"),
        ):
            socket.send(unreadable)
            name, problem = receive(socket)
            assert name == "error" and problem["status"] == 422, problem
            assert problem["errors"][0]["field"] == "message"
            assert says in problem["errors"][0]["message"]
        socket.send(json.dumps({"speaker": "ANA", "text": "Still here."}))
        assert receive_stream(socket)[-1][0] == "done"


def test_websocket_binary_messages_must_be_utf8(client: TestClient) -> None:
    session = client.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH).json()["id"]
    with client.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
        assert socket.receive_json()["event"] == "ready"
        socket.send_bytes('{"speaker": "ANA", "text": "Café?"}'.encode("latin-1"))
        refused = socket.receive_json()
        assert refused["event"] == "error" and refused["data"]["errors"] == [
            {"field": "message", "message": "not UTF-8 text: byte 0xe9 at offset 31"}
        ]
        socket.send_bytes('{"speaker": "ANA", "text": "Café?"}'.encode())
        events = [socket.receive_json()]
        while events[-1]["event"] not in ("done", "error"):
            events.append(socket.receive_json())
        assert events[1]["data"]["plan"]["utterances"][0]["text"] == "Café?"


def test_websocket_turns_over_the_length_limits_are_problems_and_the_socket_stays(
    client: TestClient,
) -> None:
    session = client.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH).json()["id"]
    with client.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
        assert socket.receive_json()["event"] == "ready"
        socket.send_text(json.dumps({"speaker": "ANA", "text": "x" * 5001}))
        refused = socket.receive_json()
        assert refused["event"] == "error" and refused["data"]["status"] == 422
        assert refused["data"]["errors"] == [
            {
                "field": "text",
                "message": "at most 5000 characters (the server's max_turn_chars), got 5001",
            }
        ]
        words = [{"text": "la", "start": i, "end": i + 0.5} for i in range(1001)]
        socket.send_text(json.dumps({"speaker": "ANA", "words": words}))
        assert socket.receive_json()["data"]["errors"][0]["field"] == "words"
        socket.send_text(json.dumps({"speaker": "ANA", "text": "Still here."}))
        events = [socket.receive_json()]
        while events[-1]["event"] not in ("done", "error"):
            events.append(socket.receive_json())
        assert events[-1]["event"] == "done" and events[1]["data"]["turn"] == 1


def test_websocket_oversized_message_closes_with_1009(
    live_server: LiveServer, session: str
) -> None:
    with open_socket(live_server, session, additional_headers=AUTH) as socket:
        receive(socket)
        socket.send(json.dumps({"speaker": "ANA", "text": "la " * 50_000}))
        name, problem = receive(socket)
        assert name == "error" and problem["status"] == 413
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_a_websocket_message_far_over_the_limit_is_not_buffered(
    live_server: LiveServer, session: str
) -> None:
    # uvicorn refuses it while reading (its bound is twice max_body_bytes, not 16 MiB), so it
    # never reaches the app and no problem document comes first.
    with open_socket(live_server, session, additional_headers=AUTH) as socket:
        receive(socket)
        socket.send(json.dumps({"speaker": "ANA", "text": "la " * 70_000}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_sse_errors_before_the_stream_are_problems(client: TestClient) -> None:
    assert_problem(client.post("/v1/plan/stream", json={"script": "ANA: Hi."}), 401)
    bad = client.post("/v1/plan/stream", json={"script": "A: b", "fps": 24}, headers=AUTH)
    assert [e["field"] for e in assert_problem(bad, 422)["errors"]] == ["fps"]
    script = '{\n  "turns": [\n    {"speaker": "ANA", "text": "Hi"},,\n  ]\n}'
    broken = client.post("/v1/plan/stream", json={"script": script, "format": "json"}, headers=AUTH)
    assert assert_problem(broken, 422)["line"] == 3
    assert_problem(
        client.post(
            "/v1/sessions/nope/turns/stream", json={"speaker": "A", "text": "b"}, headers=AUTH
        ),
        404,
    )


def test_sse_through_asgi_matches_the_live_server(client: TestClient) -> None:
    body = {"script": SCRIPT, "format": "text"}
    with client.stream("POST", "/v1/plan/stream", json=body, headers=AUTH) as response:
        assert response.status_code == 200
        events = read_sse(response.iter_lines())
    check_stream(events, 30, ["ANA", "BEN"])


def test_stream_plan_event_is_what_plan_answers(client: TestClient) -> None:
    body = {"script": SCRIPT, "format": "text", "export": "vtt", "seed": 3}
    with client.stream("POST", "/v1/plan/stream", json=body, headers=AUTH) as response:
        events = read_sse(response.iter_lines())
    streamed = check_stream(events, 30, ["ANA", "BEN"])
    answered = client.post("/v1/plan", json=body, headers=AUTH).json()
    assert streamed == answered
    assert streamed["export"]["content"].startswith("WEBVTT")


def test_websocket_turns_are_rate_limited(make_settings: SettingsFactory) -> None:
    clock = FakeClock(500.0)
    app = create_app(make_settings(rate_per_second=0.5, burst=3, clock=clock, warm_up=False))
    with TestClient(app) as c:
        session = c.post("/v1/sessions", json={}, headers=AUTH).json()["id"]  # token 1
        with c.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:  # 2
            assert socket.receive_json()["event"] == "ready"
            socket.send_json({"speaker": "ANA", "text": "Hi."})  # token 3
            events = [socket.receive_json()]
            while events[-1]["event"] not in ("done", "error"):
                events.append(socket.receive_json())
            assert events[-1]["event"] == "done"
            socket.send_json({"speaker": "ANA", "text": "Again."})
            limited = socket.receive_json()
            assert limited["event"] == "error" and limited["data"]["status"] == 429
            assert limited["data"]["retry_after"] == 2
            socket.send_json({"type": "ping"})  # still open
            assert socket.receive_json()["event"] == "pong"
        # A new connection while the bucket is empty is refused with 1013.
        with c.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
            refused = socket.receive_json()
            assert refused["data"]["status"] == 429
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive_json()
        assert closed.value.code == 1013


def test_opening_a_stream_makes_events_up_to_the_first_frames_now() -> None:
    from motiondirector.server.streams import open_stream

    made: list[str] = []

    def events() -> Iterator[tuple[str, str]]:
        for name in ("header", "plan", "frames", "frames", "done"):
            made.append(name)
            yield name, "{}"

    opened = open_stream(events())
    assert made == ["header", "plan", "frames"]  # made in the caller's (worker) thread
    assert [name for name, _ in opened] == ["header", "plan", "frames", "frames", "done"]

    made.clear()
    failing = open_stream(iter([("header", "{}"), ("error", "{}"), ("never", "{}")]))
    assert next(failing) == ("header", "{}")
    assert next(failing) == ("error", "{}")
