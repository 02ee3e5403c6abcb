"""The HTTP API through the real app (FastAPI TestClient over ASGI), with the real planner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.validate import validate_plan
from motiondirector.planners import get_planner
from motiondirector.server import ServerSettings, create_app
from motiondirector.server.security import hash_key
from motiondirector.server.settings import read_keys_file
from tests.server.conftest import FakeClock

KEY = "test-key-0123"
AUTH = {"X-API-Key": KEY}
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "the_key.fountain"
FOUNTAIN = EXAMPLE.read_text(encoding="utf-8")
DIALOGUE = {
    "characters": ["ANA", "BEN"],
    "turns": [
        {"speaker": "ANA", "text": "Hi, Ben. I brought the key.", "addressees": ["BEN"]},
        {"speaker": "BEN", "text": "Thank you, that is wonderful!"},
    ],
}
PROBLEM = "application/problem+json"


def settings(**overrides: object) -> ServerSettings:
    base: dict[str, object] = {
        "api_keys": [KEY],
        "rate_per_second": 1000.0,
        "burst": 1000,
        "jobs_db": Path(":memory:"),
    }
    base.update(overrides)
    return ServerSettings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(clip_cache: Path) -> Iterator[TestClient]:
    app = create_app(
        settings(max_body_bytes=200_000, max_script_chars=50_000, clip_cache_dir=clip_cache)
    )
    with TestClient(app) as c:
        yield c


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return dict(body)


def test_plan_fountain_returns_a_valid_plan(client: TestClient) -> None:
    response = client.post("/v1/plan", json={"script": FOUNTAIN}, headers=AUTH)
    assert response.status_code == 200, response.text
    plan = MotionPlan.model_validate_json(response.text)
    assert validate_plan(plan) == []
    assert {c.name for c in plan.characters} >= {"ANA", "BEN"}
    # Deterministic: the same request gives the same bytes.
    again = client.post("/v1/plan", json={"script": FOUNTAIN}, headers=AUTH)
    assert again.content == response.content


def test_plan_dialogue_object_and_fps(client: TestClient) -> None:
    response = client.post("/v1/plan", json={"dialogue": DIALOGUE, "fps": 60}, headers=AUTH)
    assert response.status_code == 200, response.text
    plan = MotionPlan.model_validate_json(response.text)
    assert validate_plan(plan) == []
    assert plan.scene.fps == 60
    assert [u.speaker for u in plan.utterances] == ["ANA", "BEN"]


@pytest.mark.parametrize(("format", "marker"), [("bml", "<bml"), ("vtt", "WEBVTT")])
def test_plan_with_export(client: TestClient, format: str, marker: str) -> None:
    body = {"script": "ANA: Hi, Ben.\nBEN: Hello, Ana.", "format": "text", "export": format}
    response = client.post("/v1/plan", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    data = response.json()
    assert validate_plan(MotionPlan.model_validate(data["plan"])) == []
    assert data["export"]["format"] == format
    assert marker in data["export"]["content"]


def test_export_of_unknown_character_is_a_problem(client: TestClient) -> None:
    body = {"script": "ANA: Hi.", "format": "text", "export": "arkit-csv", "character": "ZED"}
    problem = assert_problem(client.post("/v1/plan", json=body, headers=AUTH), 422)
    assert "ZED" in str(problem["detail"])


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}])
def test_missing_or_wrong_key_is_401(client: TestClient, headers: dict[str, str]) -> None:
    for path in ("/v1/vocabulary", "/v1/schema"):
        assert_problem(client.get(path, headers=headers), 401)
    assert_problem(client.post("/v1/plan", json={"script": "A: b"}, headers=headers), 401)


def test_rate_limit_gives_429_with_retry_after() -> None:
    clock = FakeClock(100.0)
    app = create_app(settings(rate_per_second=0.5, burst=2, clock=clock, warm_up=False))
    with TestClient(app) as c:
        assert c.get("/v1/vocabulary", headers=AUTH).status_code == 200
        assert c.get("/v1/vocabulary", headers=AUTH).status_code == 200
        limited = c.get("/v1/vocabulary", headers=AUTH)
        assert_problem(limited, 429)
        assert limited.headers["Retry-After"] == "2"
        clock.now += 2.0
        assert c.get("/v1/vocabulary", headers=AUTH).status_code == 200
        assert c.get("/v1/vocabulary", headers=AUTH).status_code == 429


def test_rate_limit_is_per_key() -> None:
    app = create_app(
        settings(api_keys=[KEY, "other"], burst=1, rate_per_second=0.1, clock=FakeClock(100.0))
    )
    c = TestClient(app)
    assert c.get("/v1/schema", headers=AUTH).status_code == 200
    assert c.get("/v1/schema", headers=AUTH).status_code == 429
    assert c.get("/v1/schema", headers={"X-API-Key": "other"}).status_code == 200


def test_oversized_body_is_413(client: TestClient) -> None:
    big = json.dumps({"script": "ANA: " + "la " * 100_000})
    response = client.post(
        "/v1/plan", content=big, headers={**AUTH, "Content-Type": "application/json"}
    )
    problem = assert_problem(response, 413)
    assert problem["limit"] == 200_000


def test_streamed_oversized_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"script": "'
        for _ in range(30):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post(
        "/v1/plan", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
    )
    assert_problem(response, 413)


def test_too_long_script_names_the_field(client: TestClient) -> None:
    response = client.post("/v1/plan", json={"script": "ANA: " + "a" * 60_000}, headers=AUTH)
    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {
            "field": "script",
            "message": "at most 50000 characters (the server's max_script_chars), got 60005",
        }
    ]


def test_bad_fps_names_the_field(client: TestClient) -> None:
    response = client.post("/v1/plan", json={"script": "ANA: Hi.", "fps": 24}, headers=AUTH)
    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["fps"]
    assert "fps" in str(problem["detail"])


def test_malformed_dialogue_json_gives_the_line(client: TestClient) -> None:
    script = '{\n  "turns": [\n    {"speaker": "ANA", "text": "Hi"},,\n  ]\n}'
    response = client.post("/v1/plan", json={"script": script, "format": "json"}, headers=AUTH)
    problem = assert_problem(response, 422)
    assert problem["line"] == 3
    assert str(problem["type"]).endswith("/script-error")


def test_errors_in_a_dialogue_object_name_the_path_and_no_line(client: TestClient) -> None:
    # Lines would count lines of the server's own serialization, which the caller never saw.
    turns = [{"speaker": "ANA", "text": "Hi."}, {"text": "Yo."}]
    as_object = client.post("/v1/plan", json={"dialogue": {"turns": turns}}, headers=AUTH)
    problem = assert_problem(as_object, 422)
    assert "turns[1].speaker" in problem["detail"] and problem["line"] is None
    text = '{"turns": [\n  {"speaker": "ANA", "text": "Hi."},\n  {"text": "Yo."}\n]}'
    as_text = client.post("/v1/plan", json={"script": text, "format": "json"}, headers=AUTH)
    assert assert_problem(as_text, 422)["line"] == 3
    late = [{"speaker": "ANA", "words": [{"text": "late", "start": 86_400.0, "end": 86_400.5}]}]
    for route in ("/v1/plan", "/v1/plan/stream"):
        limit = client.post(route, json={"dialogue": {"turns": late}}, headers=AUTH)
        problem = assert_problem(limit, 422)
        assert problem["errors"][0]["field"] == "turns[0].words[0].end"
        assert problem["line"] is None


def test_script_and_dialogue_together_are_rejected(client: TestClient) -> None:
    body = {"script": "ANA: Hi.", "dialogue": DIALOGUE}
    problem = assert_problem(client.post("/v1/plan", json=body, headers=AUTH), 422)
    assert "exactly one" in str(problem["detail"])


def test_vocabulary_and_schema(client: TestClient) -> None:
    vocabulary = client.get("/v1/vocabulary", headers=AUTH).json()
    assert "nod" in vocabulary["head"] and "wave" in vocabulary["gestures"]
    assert vocabulary["action_units"]["12"]["name"]
    schema = client.get("/v1/schema", headers=AUTH).json()
    assert schema["title"] == "MotionPlan" and "properties" in schema


def test_health_and_readiness(clip_cache: Path) -> None:
    app = create_app(settings(clip_cache_dir=clip_cache))
    cold = TestClient(app)
    assert cold.get("/healthz").json() == {"status": "ok"}
    assert_problem(cold.get("/readyz"), 503)
    with TestClient(app) as warm:
        assert warm.get("/readyz").json() == {"status": "ready"}


def test_unexpected_error_is_a_generic_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: object, scene: object) -> object:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(type(get_planner("rules")), "plan", explode)
    response = client.post("/v1/plan", json={"script": "ANA: Hi."}, headers=AUTH)
    problem = assert_problem(response, 500)
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert problem["detail"] == "the server could not complete the request"


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get("/nope"), 404)


def test_cors_preflight_only_for_configured_origin() -> None:
    app = create_app(settings(cors_origins=("https://app.example",), warm_up=False))
    c = TestClient(app)
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key",
    }
    ok = c.options("/v1/plan", headers={"Origin": "https://app.example", **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://app.example"
    denied = c.options("/v1/plan", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in denied.headers


def test_a_page_retrying_a_turn_stream_reads_the_409() -> None:
    """An SSE client library retrying a lost stream sends Last-Event-ID: the preflight lets it
    through, so the page reads the documented 409, not a network error."""
    origin = {"Origin": "https://app.example"}
    app = create_app(settings(cors_origins=("https://app.example",), warm_up=False))
    with TestClient(app) as c:
        session = c.post("/v1/sessions", json={"characters": ["ANA", "BEN"]}, headers=AUTH)
        path = f"/v1/sessions/{session.json()['id']}/turns/stream"
        preflight = c.options(
            path,
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,last-event-id,x-api-key",
            },
        )
        assert preflight.status_code == 200, preflight.text
        assert "last-event-id" in preflight.headers["access-control-allow-headers"].lower()
        retry_headers = {**AUTH, **origin, "Last-Event-ID": "3"}
        retry = c.post(path, json={"speaker": "ANA", "text": "Hi."}, headers=retry_headers)
    assert assert_problem(retry, 409)["type"].endswith("/stream-not-resumable")
    assert retry.headers["access-control-allow-origin"] == "https://app.example"


def test_a_page_reads_refusals_from_any_origin_with_a_star() -> None:
    """With `*`, 413 and 429 answers carry CORS headers too: a page reads the problem and
    Retry-After instead of a network error."""
    app = create_app(
        settings(cors_origins=("*",), max_body_bytes=100, rate_per_second=0.001, burst=1)
    )
    origin = {"Origin": "http://localhost:3000"}
    with TestClient(app) as c:
        too_large = c.post(
            "/v1/plan", json={"script": "ANA: " + "hi " * 100}, headers={**AUTH, **origin}
        )
        c.get("/v1/vocabulary", headers={**AUTH, **origin})
        limited = c.get("/v1/vocabulary", headers={**AUTH, **origin})
    assert_problem(too_large, 413)
    assert_problem(limited, 429)
    for response in (too_large, limited):
        assert response.headers["access-control-allow-origin"] == "*"
    assert "Retry-After" in limited.headers["access-control-expose-headers"]


def test_refuses_to_start_without_keys_unless_anonymous_is_allowed() -> None:
    with pytest.raises(MotionDirectorError, match="no API keys"):
        create_app(ServerSettings())
    app = create_app(ServerSettings(allow_anonymous=True, warm_up=False))
    assert TestClient(app).get("/v1/vocabulary").status_code == 200


def test_keys_are_stored_hashed_and_read_from_env(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"# team keys\nsha256:{hash_key('from-file')}\n", encoding="utf-8")
    loaded = ServerSettings.from_env(
        {
            "MOTIONDIRECTOR_API_KEYS": "a-key, b-key",
            "MOTIONDIRECTOR_API_KEYS_FILE": str(keys_file),
            "MOTIONDIRECTOR_RATE": "2.5",
            "MOTIONDIRECTOR_CORS_ORIGINS": "https://a.example,https://b.example",
        }
    )
    assert loaded.key_hashes == {hash_key("a-key"), hash_key("b-key"), hash_key("from-file")}
    assert "a-key" not in repr(loaded)
    assert loaded.rate_per_second == 2.5
    assert loaded.cors_origins == ("https://a.example", "https://b.example")
    c = TestClient(create_app(ServerSettings(key_hashes=loaded.key_hashes, warm_up=False)))
    assert c.get("/v1/schema", headers={"X-API-Key": "from-file"}).status_code == 200


def test_bad_keys_file_and_env_values_are_errors(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text("not-a-digest\n", encoding="utf-8")
    with pytest.raises(MotionDirectorError, match=":1:"):
        read_keys_file(keys_file)
    with pytest.raises(MotionDirectorError, match="MOTIONDIRECTOR_BURST"):
        ServerSettings.from_env({"MOTIONDIRECTOR_BURST": "many"})


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/plan",
        "/v1/plan/stream",
        "/v1/sessions",
        "/v1/sessions/{session_id}/turns",
        "/v1/sessions/{session_id}/turns/stream",
        "/v1/scenes",
        "/v1/scenes/{job_id}",
        "/v1/scenes/{job_id}/artifacts/{name}",
        "/v1/scenes/{job_id}/cancel",
        "/v1/vocabulary",
        "/v1/schema",
        "/healthz",
        "/readyz",
    } <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_operation_ids_are_stable_method_names(client: TestClient) -> None:
    import motiondirector

    spec = client.get("/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert spec["paths"]["/v1/plan"]["post"]["operationId"] == "plan"
    assert spec["paths"]["/v1/sessions"]["post"]["operationId"] == "create_session"
    assert spec["paths"]["/v1/scenes/{job_id}/cancel"]["post"]["operationId"] == "cancel_scene"
    assert spec["info"]["version"] == motiondirector.__version__


@pytest.mark.parametrize(
    ("script", "character", "labials"),
    [
        ("ユキ: 毎晩です。", "ユキ", ["M", "B"]),  # the kanji 毎晩, read mai-ban
        ("李明: 我们不明白。", "李明", ["M", "B", "M", "B"]),  # 们 不 明 白 as Mandarin
    ],
)
def test_a_japanese_or_chinese_line_is_mouthed_as_read(
    client: TestClient, script: str, character: str, labials: list[str]
) -> None:
    body = {"script": script, "format": "text", "export": "visemes", "character": character}
    response = client.post("/v1/plan", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    (utterance,) = json.loads(response.json()["export"]["content"])["utterances"]
    closed = [key["phoneme"] for key in utterance["keys"] if key["viseme"] == "PP"]
    assert closed == labials
