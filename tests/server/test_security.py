"""The server's edge against hostile callers, through the real app: 401 challenges, the limit
on failed authentications (HTTP and WebSocket), and scripts that are not Unicode text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from motiondirector.errors import MotionDirectorError
from motiondirector.server import ServerSettings, create_app
from motiondirector.server.errors import ProblemError
from motiondirector.server.guard import AUTH_CHALLENGE, Guard
from motiondirector.server.security import RateLimiter
from tests.server.conftest import AUTH, KEY, FakeClock, assert_problem

WRONG = {"X-API-Key": "wrong-key"}


def settings(**overrides: object) -> ServerSettings:
    """Settings with one key, a generous request rate and no warm-up: nothing here plans."""
    base: dict[str, object] = {
        "api_keys": [KEY],
        "rate_per_second": 1000.0,
        "burst": 1000,
        "jobs_db": Path(":memory:"),
        "warm_up": False,
        "clock": FakeClock(1000.0),
    }
    base.update(overrides)
    return ServerSettings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings())) as c:
        yield c


# 401 challenges


@pytest.mark.parametrize("headers", [{}, WRONG])
def test_401_names_the_scheme_and_the_header(client: TestClient, headers: dict[str, str]) -> None:
    for response in (
        client.get("/v1/schema", headers=headers),
        client.post("/v1/plan", json={"script": "ANA: Hi."}, headers=headers),
    ):
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == AUTH_CHALLENGE
        assert AUTH_CHALLENGE == 'ApiKey header="X-API-Key"'
        assert "wrong-key" not in response.text


def test_cors_lets_browsers_read_the_challenge() -> None:
    app = create_app(settings(cors_origins=("https://app.example",)))
    with TestClient(app) as c:
        response = c.get("/v1/schema", headers={"Origin": "https://app.example"})
    assert response.status_code == 401
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "WWW-Authenticate" in exposed
    assert "Content-Disposition" in exposed  # an artifact's file name, for a page saving it
    assert "X-Request-ID" in exposed  # what a page quotes when it reports a failed request


# Failed authentications


def test_wrong_keys_from_one_address_are_limited_by_default() -> None:
    burst = ServerSettings(api_keys=[KEY]).failed_auth_burst
    with TestClient(create_app(settings())) as c:
        statuses = [c.get("/v1/schema", headers=WRONG).status_code for _ in range(burst + 5)]
    assert statuses == [401] * burst + [429] * 5


def test_failed_authentications_empty_a_bucket_of_their_own() -> None:
    clock = FakeClock(1000.0)
    app = create_app(settings(failed_auth_rate_per_second=0.5, failed_auth_burst=3, clock=clock))
    with TestClient(app) as c:
        for headers in (WRONG, {}, WRONG):  # a missing key is a failure too
            assert_problem(c.get("/v1/schema", headers=headers), 401)
        limited = c.get("/v1/schema", headers=WRONG)
        assert assert_problem(limited, 429)["retry_after"] == 2
        assert limited.headers["Retry-After"] == "2"
        # While the address is refused, the right key is refused too: guessing cannot go on
        # by telling a 429 from a 200.
        assert_problem(c.get("/v1/schema", headers=AUTH), 429)
        assert_problem(c.post("/v1/plan", json={"script": "A: b"}, headers=AUTH), 429)
        clock.now += 2.0
        assert c.get("/v1/schema", headers=AUTH).status_code == 200
        assert c.get("/v1/schema", headers=AUTH).status_code == 200  # a success costs nothing
        assert_problem(c.get("/v1/schema", headers=WRONG), 401)
        assert_problem(c.get("/v1/schema", headers=WRONG), 429)


def test_failed_authentications_are_counted_per_address() -> None:
    guard = Guard(settings(failed_auth_rate_per_second=0.1, failed_auth_burst=1))
    where = "the X-API-Key header"
    with pytest.raises(ProblemError) as first:
        guard.identify("wrong", "192.0.2.1", where=where)
    assert first.value.status == 401
    assert first.value.headers["WWW-Authenticate"] == AUTH_CHALLENGE
    with pytest.raises(ProblemError) as second:
        guard.identify(KEY, "192.0.2.1", where=where)
    assert second.value.status == 429 and second.value.headers["Retry-After"] == "10"
    assert guard.identify(KEY, "192.0.2.2", where=where) != "anonymous:192.0.2.2"


def test_anonymous_callers_without_a_key_are_not_failures() -> None:
    app = create_app(
        settings(api_keys=[], allow_anonymous=True, failed_auth_burst=1, clock=FakeClock(1000.0))
    )
    with TestClient(app) as c:
        assert_problem(c.get("/v1/schema", headers=WRONG), 401)  # a key sent must be valid
        assert_problem(c.get("/v1/schema", headers=WRONG), 429)
        assert all(c.get("/v1/schema").status_code == 200 for _ in range(3))


def test_websocket_wrong_keys_in_the_query_are_limited() -> None:
    app = create_app(settings(failed_auth_rate_per_second=0.5, failed_auth_burst=2))
    with TestClient(app) as c:
        closes = []
        for _ in range(3):
            with c.websocket_connect("/v1/sessions/nope/ws?api_key=wrong-key") as socket:
                message = socket.receive_json()
                assert message["event"] == "error"
                assert "wrong-key" not in json.dumps(message)
                with pytest.raises(WebSocketDisconnect) as closed:
                    socket.receive_json()
            closes.append((message["data"]["status"], closed.value.code))
    assert closes == [(401, 1008), (401, 1008), (429, 1013)]


def _socket_answer(app_settings: ServerSettings, origin: str | None) -> tuple[str, object]:
    """The first event of a WebSocket opened with `origin` (no header when None), and its
    status or the session's id."""
    headers = {**AUTH, **({"Origin": origin} if origin else {})}
    with TestClient(create_app(app_settings)) as c:
        session = c.post("/v1/sessions", json={}, headers=AUTH).json()["id"]
        with c.websocket_connect(f"/v1/sessions/{session}/ws", headers=headers) as socket:
            message = socket.receive_json()
            if message["event"] != "error":
                return message["event"], message["data"]["id"] == session
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive_json()
            assert closed.value.code == 1008
            return message["event"], (message["data"]["status"], message["data"]["type"])


REFUSED = ("error", (403, "https://motiondirector.dev/problems/origin-not-allowed"))


@pytest.mark.parametrize(
    ("cors_origins", "origin", "answer"),
    [
        (("https://app.example",), "https://app.example", ("ready", True)),
        (("https://app.example",), "https://evil.example", REFUSED),
        (("https://app.example",), None, ("ready", True)),  # no browser
        ((), "http://testserver", ("ready", True)),  # the server's own page
        ((), "https://evil.example", REFUSED),
        (("*",), "https://evil.example", ("ready", True)),
    ],
)
def test_websockets_admit_the_pages_cors_admits(
    cors_origins: tuple[str, ...], origin: str | None, answer: tuple[str, object]
) -> None:
    """CORS does not cover WebSockets: a page on any origin could open one with a key it
    was given."""
    assert _socket_answer(settings(cors_origins=cors_origins), origin) == answer


def test_the_failed_authentication_limit_is_configured_from_the_environment() -> None:
    env = {
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_FAILED_AUTH_RATE": "0.05",
        "MOTIONDIRECTOR_FAILED_AUTH_BURST": "4",
    }
    loaded = ServerSettings.from_env(env)
    assert (loaded.failed_auth_rate_per_second, loaded.failed_auth_burst) == (0.05, 4)


@pytest.mark.parametrize(
    "overrides", [{"failed_auth_rate_per_second": 0.0}, {"failed_auth_burst": 0}]
)
def test_a_failed_authentication_limit_that_cannot_work_is_refused(
    overrides: dict[str, object],
) -> None:
    with pytest.raises(MotionDirectorError, match="failed_auth"):
        create_app(settings(**overrides))


def test_waiting_on_a_bucket_takes_no_token() -> None:
    clock = FakeClock(1000.0)
    limiter = RateLimiter(rate=1.0, burst=1, clock=clock)
    assert limiter.wait("a") == 0.0
    assert limiter.wait("a") == 0.0
    assert limiter.acquire("a") == 0.0
    assert limiter.wait("a") == pytest.approx(1.0)
    clock.now += 0.25
    assert limiter.wait("a") == pytest.approx(0.75)
    clock.now += 0.75
    assert limiter.wait("a") == 0.0 and limiter.acquire("a") == 0.0


# Scripts that are not Unicode text


SURROGATE_SCRIPT = b'{"script": "ANA: Hi, Ben.\\nBEN: Hi \\ud800 there.", "format": "text"}'
SURROGATE_DIALOGUE = b'{"dialogue": {"turns": [{"speaker": "ANA", "text": "Hi \\udc00"}]}}'


@pytest.mark.parametrize("path", ["/v1/plan", "/v1/plan/stream", "/v1/scenes"])
def test_a_lone_surrogate_in_the_script_is_a_422_naming_the_line(
    client: TestClient, path: str
) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post(path, content=SURROGATE_SCRIPT, headers=headers)
    problem = assert_problem(response, 422)
    assert problem["type"].endswith("/script-error") and problem["line"] == 2
    assert "surrogate" in problem["detail"] and "line 2" in problem["detail"]


@pytest.mark.parametrize("path", ["/v1/plan", "/v1/plan/stream", "/v1/scenes"])
def test_a_lone_surrogate_in_a_dialogue_document_is_a_422(client: TestClient, path: str) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post(path, content=SURROGATE_DIALOGUE, headers=headers)
    problem = assert_problem(response, 422)
    assert problem["type"].endswith("/script-error") and problem["line"] is not None
    assert "surrogate" in problem["detail"]


def test_a_lone_surrogate_in_a_session_turn_is_a_422(client: TestClient) -> None:
    session = client.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH)
    turn = b'{"speaker": "ANA", "text": "Hi \\ud800 there."}'
    headers = {**AUTH, "Content-Type": "application/json"}
    for suffix in ("turns", "turns/stream"):
        path = f"/v1/sessions/{session.json()['id']}/{suffix}"
        assert_problem(client.post(path, content=turn, headers=headers), 422)


# A NUL, which JSON carries as the escape \u0000


NUL_DIALOGUE = b'{"dialogue": {"turns": [{"speaker": "ANA", "text": "Hi \\u0000 there"}]}}'
NUL_SCRIPT = json.dumps(
    {"script": json.dumps({"turns": [{"speaker": "ANA", "text": "Hi \u0000"}]}), "format": "json"}
).encode()


@pytest.mark.parametrize("body", [NUL_DIALOGUE, NUL_SCRIPT])
@pytest.mark.parametrize("path", ["/v1/plan", "/v1/plan/stream", "/v1/scenes"])
def test_a_nul_in_a_dialogue_document_is_a_script_error(
    client: TestClient, path: str, body: bytes
) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    problem = assert_problem(client.post(path, content=body, headers=headers), 422)
    assert problem["type"].endswith("/script-error") and problem["line"] is not None
    assert "NUL" in problem["detail"]


def test_a_nul_in_a_session_turn_is_a_422_naming_the_text(client: TestClient) -> None:
    session = client.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH)
    turn = b'{"speaker": "ANA", "text": "Hi \\u0000 there."}'
    headers = {**AUTH, "Content-Type": "application/json"}
    for suffix in ("turns", "turns/stream"):
        path = f"/v1/sessions/{session.json()['id']}/{suffix}"
        problem = assert_problem(client.post(path, content=turn, headers=headers), 422)
        assert problem["type"].endswith("/invalid-request"), problem
        assert [e["field"] for e in problem["errors"]] == ["text"]
        assert "NUL" in problem["errors"][0]["message"]
