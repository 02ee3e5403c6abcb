"""Resource limits over HTTP: a request just over each scene limit is refused with 422 naming
the field and the limit, before the work that the limit bounds; the server keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from motiondirector.server import create_app
from tests.server.conftest import AUTH, SettingsFactory, assert_problem
from tests.server.test_scenes import submit, wait_done


@pytest.fixture(scope="module")
def tight(make_settings: SettingsFactory) -> Iterator[TestClient]:
    settings = make_settings(
        max_scene_seconds=60.0,
        max_gap_seconds=5.0,
        max_characters=8,
        max_character_seconds=120.0,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _one_word(start: float, end: float) -> dict[str, Any]:
    return {"turns": [{"speaker": "ANA", "words": [{"text": "late", "start": start, "end": end}]}]}


def _refused(response: Any, field: str, limit: str) -> dict[str, Any]:
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == field, body
    assert body["limit"] == limit, body
    return body


@pytest.mark.parametrize("route", ["/v1/plan", "/v1/plan/stream"])
@pytest.mark.parametrize(
    ("start", "end", "field", "limit"),
    [
        (86_400.0, 86_400.5, "turns[0].words[0].end", "max_duration_s"),
        (0.0, 1e12, "turns[0].words[0].end", "max_duration_s"),
        (1e308, 1e308, "turns[0].words[0].end", "max_duration_s"),
        (30.0, 30.5, "turns[0].words[0].start", "max_gap_s"),
    ],
)
def test_a_far_word_time_is_refused_on_every_planning_route(
    tight: TestClient, route: str, start: float, end: float, field: str, limit: str
) -> None:
    response = tight.post(route, json={"dialogue": _one_word(start, end)}, headers=AUTH)
    _refused(response, field, limit)
    ok = tight.post(route, json={"dialogue": _one_word(0.5, 1.0)}, headers=AUTH)
    assert ok.status_code == 200


def test_too_many_characters_and_too_long_a_scene(tight: TestClient) -> None:
    crowd = "\n".join(f"C{i}: Hi." for i in range(9))
    response = tight.post("/v1/plan", json={"script": crowd, "format": "text"}, headers=AUTH)
    _refused(response, "characters", "max_characters")
    pair = "\n".join(
        f"{'ANA' if i % 2 else 'BEN'}: This is line {i} of a long talk." for i in range(40)
    )
    response = tight.post("/v1/plan", json={"script": pair, "format": "text"}, headers=AUTH)
    _refused(response, "duration", "max_duration_s")
    four = "\n".join(f"C{i}: This is a somewhat longer line number {i}." for i in range(8))
    response = tight.post("/v1/plan", json={"script": four, "format": "text"}, headers=AUTH)
    _refused(response, "characters", "max_character_seconds")


def test_a_session_turn_timed_a_day_late_is_refused(tight: TestClient) -> None:
    session = tight.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH).json()["id"]
    turn = {"speaker": "ANA", "words": [{"text": "late", "start": 86_399.5, "end": 86_400.0}]}
    response = tight.post(f"/v1/sessions/{session}/turns", json=turn, headers=AUTH)
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "words[0].end", body
    ok = {"speaker": "ANA", "words": [{"text": "now", "start": 0.1, "end": 0.4}]}
    assert tight.post(f"/v1/sessions/{session}/turns", json=ok, headers=AUTH).status_code == 200


def test_a_poison_scene_job_fails_with_the_limit_and_the_next_job_runs(tight: TestClient) -> None:
    job = submit(tight, {"dialogue": _one_word(86_400.0, 86_400.5), "body": True})
    failed = wait_done(tight, job["id"])
    assert failed["status"] == "failed" and failed["artifacts"] == []
    assert failed["error"]["limit"] == "max_duration_s"
    assert failed["error"]["errors"][0]["field"] == "turns[0].words[0].end"
    assert failed["error"]["line"] is None  # a dialogue object has no lines of its own
    fine = submit(tight, {"script": "ANA: Hi.", "format": "text", "exports": ["vtt"]})
    assert wait_done(tight, fine["id"])["status"] == "succeeded"


def test_scene_limits_come_from_the_environment() -> None:
    from motiondirector.server import ServerSettings

    settings = ServerSettings.from_env(
        {
            "MOTIONDIRECTOR_ALLOW_ANONYMOUS": "1",
            "MOTIONDIRECTOR_MAX_SCENE_SECONDS": "90",
            "MOTIONDIRECTOR_MAX_GAP_SECONDS": "2.5",
            "MOTIONDIRECTOR_MAX_CHARACTERS": "4",
        }
    )
    limits = settings.scene_limits()
    assert (limits.max_duration_s, limits.max_gap_s, limits.max_characters) == (90.0, 2.5, 4)


def test_a_malformed_json_body_names_the_line_and_column(tight: TestClient) -> None:
    body = '{"script": "ANA: Hé, Ben.",\n "format": }'.encode()
    headers = {**AUTH, "Content-Type": "application/json"}
    problem = assert_problem(tight.post("/v1/plan", content=body, headers=headers), 422)
    assert problem["errors"] == [
        {"field": "body", "message": "invalid JSON at line 2, column 12: Expecting value"}
    ]


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        # A browser's fetch sends a string body as text/plain unless told otherwise.
        (b'{"script": "ANA: Hi."}', "text/plain;charset=UTF-8", "got Content-Type text/plain"),
        (b"script=ANA", "application/x-www-form-urlencoded", "got Content-Type application/x-www"),
        (b'{"script": "ANA: Hi."}', None, "got no Content-Type"),
        (b'["ANA: Hi."]', "application/json", "the body must be a JSON object, got an array"),
        (b"null", "application/json", "the body must be a JSON object, got null"),
    ],
)
def test_a_body_that_is_not_a_json_object_says_what_to_send(
    tight: TestClient, content: bytes, content_type: str | None, message: str
) -> None:
    headers = dict(AUTH) if content_type is None else {**AUTH, "Content-Type": content_type}
    problem = assert_problem(tight.post("/v1/plan", content=content, headers=headers), 422)
    assert [e["field"] for e in problem["errors"]] == ["body"]
    assert message in problem["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ('{"script": "ANA: Olá"}'.encode("latin-1"), "not UTF-8 text: byte 0xe1 at offset 19"),
        (b'{"seed": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b'{"seed": 1' + b"0" * 5000 + b"}", "Exceeds the limit (4300 digits)"),
    ],
)
def test_a_body_that_cannot_be_read_says_why(
    tight: TestClient, content: bytes, detail: str
) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    problem = assert_problem(tight.post("/v1/plan", content=content, headers=headers), 400)
    assert detail in problem["detail"] and "sys." not in problem["detail"]


@pytest.mark.parametrize("route", ["/v1/plan", "/v1/plan/stream"])
def test_a_plan_over_the_response_limit_is_not_sent(
    make_settings: SettingsFactory, route: str
) -> None:
    script = {"script": "ANA: Hello, Ben. How was the trip?\nBEN: Long.", "format": "text"}
    with TestClient(create_app(make_settings(max_response_bytes=20_000))) as client:
        small = client.post("/v1/plan", json=script, headers=AUTH)
        assert small.status_code == 200 and len(small.content) <= 20_000
        long_talk = "\n".join(f"ANA: Line {i} of a long talk, with many words." for i in range(40))
        body = assert_problem(
            client.post(route, json={"script": long_talk, "format": "text"}, headers=AUTH), 422
        )
        assert body["type"].endswith("/response-too-large") and body["limit"] == 20_000
        assert "MOTIONDIRECTOR_MAX_RESPONSE_BYTES" in body["detail"]
        assert client.post(route, json=script, headers=AUTH).status_code == 200


LONG_LINE = " ".join(["word"] * 40)
"""About 11 s of speech: 326 frames at 30 fps, 652 with two characters present."""


def _too_large(body: dict[str, Any], limit: int) -> None:
    assert body["type"].endswith("/stream-too-large"), body
    assert body["limit"] == "max_stream_frames" and body["limit_value"] == limit
    assert body["frames"] > limit and "MOTIONDIRECTOR_MAX_STREAM_FRAMES" in body["detail"]


def test_a_stream_over_the_frame_limit_is_refused_before_it_starts(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings(max_stream_frames=200, warm_up=False)
    with TestClient(create_app(settings)) as client:
        script = {"script": f"ANA: {LONG_LINE}", "format": "text"}
        at_30 = assert_problem(client.post("/v1/plan/stream", json=script, headers=AUTH), 422)
        _too_large(at_30, 200)
        # Lowering the frame rate is advice only for a stream that is not at the lowest one.
        assert "30 fps" in at_30["detail"] and not at_30["detail"].endswith("or at 30 fps")
        at_60 = client.post("/v1/plan/stream", json={**script, "fps": 60}, headers=AUTH)
        assert assert_problem(at_60, 422)["detail"].endswith(", or at 30 fps")
        assert client.post("/v1/plan", json=script, headers=AUTH).status_code == 200
        short = {"script": "ANA: Hi, Ben.", "format": "text"}
        assert client.post("/v1/plan/stream", json=short, headers=AUTH).status_code == 200

        session = client.post("/v1/sessions", json={"characters": ["ANA", "BEN"]}, headers=AUTH)
        turns = f"/v1/sessions/{session.json()['id']}"
        line = {"speaker": "ANA", "text": LONG_LINE}
        _too_large(
            assert_problem(client.post(f"{turns}/turns/stream", json=line, headers=AUTH), 422), 200
        )
        # The refused turn was not taken: the conversation is as it was.
        state = client.get(turns, headers=AUTH).json()
        assert state["turns"] == 0 and state["last_speaker"] is None
        # A copy: the test client adds its handshake headers to the dict it is given.
        with client.websocket_connect(f"{turns}/ws", headers={**AUTH}) as socket:
            assert socket.receive_json()["event"] == "ready"
            socket.send_json(line)
            refused = socket.receive_json()
            assert refused["event"] == "error"
            _too_large(refused["data"], 200)
            socket.send_json({"speaker": "ANA", "text": "Hi."})  # the socket stays open
            events = [socket.receive_json()]
            while events[-1]["event"] not in ("done", "error"):
                events.append(socket.receive_json())
            assert events[-1]["event"] == "done" and events[1]["data"]["turn"] == 1
        # Without frames, the same turn is taken.
        taken = client.post(f"{turns}/turns", json=line, headers=AUTH)
        assert taken.status_code == 200 and taken.json()["turn"] == 2
