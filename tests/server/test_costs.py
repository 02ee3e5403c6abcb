"""The rate limit counts cost: a request takes one token plus one per `cost_bytes_per_token`
bytes of its body (a WebSocket turn: of its message), at most `burst`, all or nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi.testclient import TestClient

from motiondirector.server import create_app
from motiondirector.server.guard import Guard
from tests.server.conftest import AUTH, KEY, FakeClock, SettingsFactory, assert_problem

SCRIPT = {"script": "ANA: Hi, Ben.\nBEN: Hello, Ana.", "format": "text"}


def padded(body: dict[str, Any], size: int) -> str:
    """The body as JSON, padded with whitespace to `size` bytes: the same request, bigger."""
    text = json.dumps(body)
    return text + " " * (size - len(text))


def post(client: TestClient, path: str, body: str) -> httpx.Response:
    headers = {**AUTH, "Content-Type": "application/json"}
    return client.post(path, content=body.encode(), headers=headers)


def test_a_request_costs_one_token_plus_one_per_step_of_its_body(
    make_settings: SettingsFactory,
) -> None:
    guard = Guard(make_settings(burst=20, cost_bytes_per_token=1_000))
    assert [guard.cost(n) for n in (0, 999, 1_000, 3_500, 19_999)] == [1, 1, 2, 4, 20]
    assert guard.cost(10**9) == 20  # never more than a full bucket


def test_large_planning_requests_empty_the_bucket_sooner(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    settings = make_settings(
        rate_per_second=1.0, burst=10, cost_bytes_per_token=1_000, clock=clock, warm_up=False
    )
    with TestClient(create_app(settings)) as c:
        large = padded(SCRIPT, 3_500)  # 4 tokens
        assert post(c, "/v1/plan", large).status_code == 200
        assert post(c, "/v1/plan", large).status_code == 200  # 8 taken
        # The third takes its first token, then lacks the other three: 429, told to wait 2 s.
        refused = post(c, "/v1/plan", large)
        assert_problem(refused, 429)
        assert refused.headers["Retry-After"] == "2"
        assert post(c, "/v1/plan", json.dumps(SCRIPT)).status_code == 200  # the last token
        assert_problem(post(c, "/v1/plan", json.dumps(SCRIPT)), 429)
        clock.now += 4.0
        assert post(c, "/v1/plan/stream", large).status_code == 200
        assert_problem(post(c, "/v1/plan/stream", large), 429)


def test_scene_jobs_and_session_turns_cost_by_their_body(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    settings = make_settings(
        rate_per_second=1.0, burst=10, cost_bytes_per_token=1_000, clock=clock, warm_up=False
    )
    with TestClient(create_app(settings)) as c:
        job = {**SCRIPT, "exports": ["vtt"], "body": False}
        assert post(c, "/v1/scenes", padded(job, 8_500)).status_code == 202  # 9 tokens
        assert_problem(post(c, "/v1/scenes", padded(job, 1_500)), 429)
        clock.now += 10.0
        session = post(c, "/v1/sessions", "{}").json()["id"]  # 1 token
        turn = padded({"speaker": "ANA", "text": "Hi."}, 4_500)  # 5 tokens
        assert post(c, f"/v1/sessions/{session}/turns", turn).status_code == 200
        assert_problem(post(c, f"/v1/sessions/{session}/turns/stream", turn), 429)


def test_websocket_turns_cost_by_their_message(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    settings = make_settings(
        rate_per_second=1.0, burst=10, cost_bytes_per_token=1_000, clock=clock, warm_up=False
    )
    with TestClient(create_app(settings)) as c:
        session = post(c, "/v1/sessions", "{}").json()["id"]  # token 1
        with c.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:  # 2
            assert socket.receive_json()["event"] == "ready"
            large = padded({"speaker": "ANA", "text": "Hi."}, 3_500)  # 4 tokens
            for _ in range(2):  # 10 taken
                socket.send_text(large)
                events = [socket.receive_json()]
                while events[-1]["event"] not in ("done", "error"):
                    events.append(socket.receive_json())
                assert events[-1]["event"] == "done"
            clock.now += 3.0  # 3 tokens back: not enough for the large turn
            socket.send_text(large)
            refused = socket.receive_json()
            assert refused["event"] == "error" and refused["data"]["status"] == 429
            assert refused["data"]["retry_after"] == 1
            # Nothing was taken by the refused turn: a small one still passes.
            socket.send_json({"speaker": "ANA", "text": "Hi."})
            assert socket.receive_json()["event"] == "header"
