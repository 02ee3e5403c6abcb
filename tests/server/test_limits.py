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
