"""Keys never reach the server's log: the redaction itself, the filter on uvicorn's records,
and the access log of a real `motiondirector serve` on loopback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from uvicorn.logging import AccessFormatter
from websockets.sync.client import connect

from motiondirector.server.logs import (
    SERVER_LOGGERS,
    RedactSecretsFilter,
    install_log_redaction,
    is_secret_name,
    redact_query,
)
from tests.conftest import free_port
from tests.server.conftest import AUTH, KEY, wait_ready

SECRET = "s3cr3t-value"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("/v1/sessions/x/ws?api_key=s3cr3t-value", "/v1/sessions/x/ws?api_key=***"),
        ("/v1/schema?a=1&API_KEY=s3cr3t-value&b=2", "/v1/schema?a=1&API_KEY=***&b=2"),
        ("/p?apiKey=s3cr3t-value", "/p?apiKey=***"),
        ("/p?key=s3cr3t-value;token=s3cr3t-value", "/p?key=***;token=***"),
        ("/p?access_token=s3cr3t-value#top", "/p?access_token=***#top"),
        ("/p?x-api-key=s3cr3t-value", "/p?x-api-key=***"),
        (
            "/p?client_secret=s3cr3t-value&password=s3cr3t-value",
            "/p?client_secret=***&password=***",
        ),
        ("/p?api%5Fkey=s3cr3t-value", "/p?api%5Fkey=***"),  # percent-encoded name
        ('GET /p?token=s3cr3t-value HTTP/1.1" 200', 'GET /p?token=*** HTTP/1.1" 200'),
        ("/p?api_key=", "/p?api_key=***"),
    ],
)
def test_key_like_query_parameters_are_redacted(text: str, redacted: str) -> None:
    assert redact_query(text) == redacted
    assert SECRET not in redact_query(text)


@pytest.mark.parametrize(
    "text",
    ["/v1/plan", "/v1/plan?format=json&fps=30", "/v1/scenes?status=done", "a=b", "x == y"],
)
def test_other_text_is_left_alone(text: str) -> None:
    assert redact_query(text) == text


def test_secret_names() -> None:
    assert all(map(is_secret_name, ["api_key", "APIKEY", "token", "Access_Token", "sig"]))
    assert not any(map(is_secret_name, ["format", "fps", "session", "q", "status"]))


def uvicorn_record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_the_filter_keeps_the_shape_uvicorns_access_formatter_needs() -> None:
    record = uvicorn_record(
        "uvicorn.access",
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/v1/sessions/abc/ws?api_key={SECRET}",
        "1.1",
        101,
    )
    assert RedactSecretsFilter().filter(record) is True
    line = AccessFormatter("%(client_addr)s %(request_line)s %(status_code)s").format(record)
    assert SECRET not in line
    assert "/v1/sessions/abc/ws?api_key=*** HTTP/1.1" in line and "101" in line


def test_the_filter_rewrites_the_websocket_lines_of_uvicorn_error() -> None:
    client = ("127.0.0.1", 5000)  # uvicorn passes the client as a tuple: left as it is
    path = f"/v1/sessions/abc/ws?api_key={SECRET}"
    record = uvicorn_record("uvicorn.error", '%s - "WebSocket %s" [accepted]', client, path)
    RedactSecretsFilter().filter(record)
    assert record.args == (client, "/v1/sessions/abc/ws?api_key=***")
    mapped = uvicorn_record("uvicorn.error", "%(path)s", {"path": path})
    RedactSecretsFilter().filter(mapped)
    assert mapped.getMessage() == "/v1/sessions/abc/ws?api_key=***"


def test_installing_twice_adds_one_filter() -> None:
    install_log_redaction()
    install_log_redaction()
    for name in SERVER_LOGGERS:
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, RedactSecretsFilter) for f in filters) == 1


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, Path, Path]]:
    """`motiondirector serve` on loopback, its stdout (the access log) and stderr in files."""
    port = free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    env = {
        **os.environ,
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_WARM_UP": "0",
        "MOTIONDIRECTOR_CACHE_DIR": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "motiondirector.cli", "serve", "--port", str(port)]
    command += ["--jobs-db", str(tmp_path / "jobs.sqlite3")]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, lambda: process.poll() is None)
            yield base, port, out, err
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def test_keys_in_query_strings_never_reach_the_live_servers_log(
    served: tuple[str, int, Path, Path],
) -> None:
    base, port, out, err = served
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.get("/v1/schema", params={"api_key": KEY}, headers=AUTH).status_code == 200
        assert http.get("/v1/schema", params={"token": SECRET}).status_code == 401
        session = http.post("/v1/sessions", json={"characters": ["ANA"]}, headers=AUTH)
        session_id = session.json()["id"]
    url = f"ws://127.0.0.1:{port}/v1/sessions/{session_id}/ws?api_key={KEY}"
    with connect(url, open_timeout=30) as socket:
        assert '"ready"' in str(socket.recv(timeout=30))
    with connect(f"ws://127.0.0.1:{port}/v1/sessions/x/ws?api_key={SECRET}") as socket:
        assert '"error"' in str(socket.recv(timeout=30))
    # The server writes each line as it logs it; the last WebSocket line follows its close.
    assert wait_for(lambda: "/v1/sessions/x/ws?api_key=***" in read(out) + read(err))
    logged = read(out) + read(err)
    assert KEY not in logged and SECRET not in logged
    access = read(out)
    assert "/v1/schema?api_key=*** HTTP/1.1" in access and "/v1/schema?token=*** " in access
    assert f"/v1/sessions/{session_id}/ws?api_key=***" in logged


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def wait_for(condition: Callable[[], bool], attempts: int = 100) -> bool:
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_failed_turn_is_found_in_the_log_by_its_request_id(
    served: tuple[str, int, Path, Path],
) -> None:
    base, _, out, err = served
    with httpx.Client(base_url=base, timeout=30) as http:
        session = http.post("/v1/sessions", json={}, headers=AUTH).json()["id"]
        bad = {"speaker": "ANA", "text": "Hi.", "words": [{"text": "Hi.", "start": 1, "end": 0.5}]}
        given = {**AUTH, "X-Request-ID": "turn-42"}
        failed = http.post(f"/v1/sessions/{session}/turns", json=bad, headers=given)
        made = http.post(f"/v1/sessions/{session}/turns", json=bad, headers=AUTH)
        forged = {**AUTH, "X-Request-ID": "x] 127.0.0.1 - forged line"}
        replaced = http.get(f"/v1/sessions/{session}", headers=forged)
    assert failed.status_code == 422
    assert failed.headers["X-Request-ID"] == failed.json()["request_id"] == "turn-42"
    own = made.headers["X-Request-ID"]
    assert len(own) >= 16 and made.json()["request_id"] == own
    assert replaced.headers["X-Request-ID"] not in forged["X-Request-ID"]
    assert wait_for(lambda: f"[{own}]" in read(err))
    access, lines = read(out), read(err)
    assert "[turn-42] 127.0.0.1:" in access and f"/v1/sessions/{session}/turns HTTP/1.1" in access
    # the cause is logged once, with the id the client saw
    cause = [line for line in lines.splitlines() if "[turn-42]" in line]
    assert len(cause) == 1, lines
    assert "422 invalid-request" in cause[0] and "words[0]" in cause[0]
    assert "forged" not in access
