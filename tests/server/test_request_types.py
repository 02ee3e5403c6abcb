"""Request bodies take each field's JSON type and nothing else, the same on every route and
over the WebSocket, and a bad field is named the way the library's own errors name places."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import AUTH, KEY, assert_problem

SCRIPT = {"script": "ANA: Hi, Ben.\nBEN: Hello.", "format": "text"}
WORD = {"text": "Hi.", "start": 0.1, "end": 0.5}


def start(client: TestClient) -> str:
    response = client.post("/v1/sessions", json={"characters": ["ANA", "BEN"]}, headers=AUTH)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seed": "3"}, "seed"),
        ({"seed": 3.0}, "seed"),
        ({"seed": True}, "seed"),
        ({"fps": "60"}, "fps"),
        ({"fps": 60.0}, "fps"),
        ({"fps": True}, "fps"),
        ({"title": 5}, "title"),
        ({"characters": ["ANA", 7]}, "characters[1]"),
    ],
)
def test_a_session_takes_json_types_only(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(client.post("/v1/sessions", json=body, headers=AUTH), 422)
    assert [e["field"] for e in problem["errors"]] == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seed": "3"}, "seed"),
        ({"fps": "60"}, "fps"),
        ({"strict": "true"}, "strict"),
        ({"visemes": 1}, "visemes"),
        ({"format": 1}, "format"),
    ],
)
def test_a_plan_takes_json_types_only(client: TestClient, body: dict[str, Any], field: str) -> None:
    for path in ("/v1/plan", "/v1/plan/stream", "/v1/scenes"):
        response = client.post(path, json={**SCRIPT, **body}, headers=AUTH)
        assert [e["field"] for e in assert_problem(response, 422)["errors"]] == [field], path


def test_a_scene_job_names_the_bad_item_of_a_list(client: TestClient) -> None:
    body = {**SCRIPT, "exports": ["vtt", "nope"], "body": "false"}
    problem = assert_problem(client.post("/v1/scenes", json=body, headers=AUTH), 422)
    assert [e["field"] for e in problem["errors"]] == ["exports[1]", "body"]


def test_numbers_are_taken_as_numbers(client: TestClient) -> None:
    session = client.post("/v1/sessions", json={"fps": 60, "seed": 3}, headers=AUTH)
    assert session.status_code == 201, session.text
    assert session.json()["fps"] == 60
    # a whole number is a number of seconds too
    words = [{"text": "Hi.", "start": 0, "end": 1}]
    taken = client.post(
        f"/v1/sessions/{session.json()['id']}/turns",
        json={"speaker": "ANA", "text": "Hi.", "words": words},
        headers=AUTH,
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["plan"]["utterances"][0]["words"][0]["end"] == 1.0
    plan = client.post("/v1/plan", json={**SCRIPT, "seed": 7, "fps": 60}, headers=AUTH)
    assert plan.status_code == 200 and plan.json()["scene"]["seed"] == 7


BAD_TURNS = [
    ({"speaker": "ANA", "text": "Hi.", "words": [{**WORD, "start": "0.1"}]}, "words[0].start"),
    ({"speaker": "ANA", "text": "Hi.", "words": [{**WORD, "start": -1}]}, "words[0].start"),
    (
        {
            "speaker": "ANA",
            "text": "Hi.",
            "words": [{**WORD, "phonemes": [{"phoneme": "HH", "start": 0.1, "end": "0.3"}]}],
        },
        "words[0].phonemes[0].end",
    ),
    ({"speaker": 5, "text": "Hi."}, "speaker"),
    ({"speaker": "ANA", "text": ["Hi."]}, "text"),
]


@pytest.mark.parametrize(("body", "field"), BAD_TURNS)
def test_a_turn_takes_json_types_only_over_http_and_websocket(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    session = start(client)
    for path in (f"/v1/sessions/{session}/turns", f"/v1/sessions/{session}/turns/stream"):
        problem = assert_problem(client.post(path, json=body, headers=AUTH), 422)
        assert [e["field"] for e in problem["errors"]] == [field], path
    with client.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
        assert socket.receive_json()["event"] == "ready"
        socket.send_json(body)
        message = socket.receive_json()
    assert message["event"] == "error"
    assert [e["field"] for e in message["data"]["errors"]] == [field]
    state = client.get(f"/v1/sessions/{session}", headers=AUTH).json()
    assert state["turns"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [({"characters": ["ANA", "BEN\u0000"]}, "characters[1]"), ({"title": "Night\u0000"}, "title")],
)
def test_a_session_whose_names_hold_a_nul_is_refused_at_once(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(client.post("/v1/sessions", json=body, headers=AUTH), 422)
    assert [e["field"] for e in problem["errors"]] == [field]


@pytest.mark.parametrize(
    ("turn", "field"),
    [
        ({"speaker": "BEN\u0000", "text": "Hi."}, "speaker"),
        ({"speaker": "BEN", "text": "Hi.", "direction": "x\u0000"}, "direction"),
        (
            {"speaker": "BEN", "text": "Hi.", "words": [{**WORD, "text": "Hi\u0000."}]},
            "words[0].text",
        ),
    ],
)
def test_a_nul_in_a_turn_is_named_where_it_is(
    client: TestClient, turn: dict[str, Any], field: str
) -> None:
    session = start(client)
    response = client.post(f"/v1/sessions/{session}/turns", json=turn, headers=AUTH)
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == [field]


@pytest.mark.parametrize(("content", "given"), [(b"null", "null"), (b"", "an empty body")])
def test_a_turn_without_a_body_says_what_came(
    client: TestClient, content: bytes, given: str
) -> None:
    session = start(client)
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post(f"/v1/sessions/{session}/turns", content=content, headers=headers)
    assert assert_problem(response, 422)["errors"] == [
        {"field": "body", "message": f"the body must be a JSON object, got {given}"}
    ]
