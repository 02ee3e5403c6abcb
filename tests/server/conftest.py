"""Fixtures for the server tests: settings, the app through ASGI, and real uvicorn servers on
loopback (in a thread, or in a subprocess for restart tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from motiondirector.server import ServerSettings, create_app
from motiondirector.server.app import uvicorn_options
from tests.conftest import free_port

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

KEY = "test-key-0123"
OTHER_KEY = "other-key-4567"
AUTH = {"X-API-Key": KEY}
OTHER_AUTH = {"X-API-Key": OTHER_KEY}
PROBLEM = "application/problem+json"
READY_TIMEOUT_S = 120.0


@pytest.fixture(scope="session")
def clip_cache(builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache dir the suite's built-in clip library was built in (built once per run)."""
    return tmp_path_factory.getbasetemp() / "clip-cache"


class FakeClock:
    """A monotonic clock that moves only when a test sets `now`."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


SettingsFactory = Callable[..., ServerSettings]


@pytest.fixture(scope="session")
def make_settings(clip_cache: Path) -> SettingsFactory:
    """Settings with two keys, a generous rate, an in-memory jobs database and the suite's clip
    cache; keyword arguments override."""

    def make(**overrides: Any) -> ServerSettings:
        base: dict[str, Any] = {
            "api_keys": [KEY, OTHER_KEY],
            "rate_per_second": 1000.0,
            "burst": 1000,
            "jobs_db": Path(":memory:"),
            "clip_cache_dir": clip_cache,
        }
        base.update(overrides)
        return ServerSettings(**base)

    return make


@pytest.fixture(scope="module")
def client(make_settings: SettingsFactory) -> Iterator[TestClient]:
    """The app through ASGI, started (warmed up, jobs database open)."""
    with TestClient(create_app(make_settings())) as c:
        yield c


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return dict(body)


def wait_ready(base: str, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if not alive():
            pytest.fail(f"the server at {base} stopped before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server at {base} was not ready within {READY_TIMEOUT_S:.0f} s")


@dataclass(frozen=True)
class LiveServer:
    base: str
    port: int

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def live_server(make_settings: SettingsFactory) -> Iterator[LiveServer]:
    with serve_in_thread(make_settings(max_body_bytes=100_000)) as server:
        yield server


@contextmanager
def serve_in_thread(settings: ServerSettings) -> Iterator[LiveServer]:
    """The app of `settings` served by a real uvicorn server, as `motiondirector serve` runs
    it, on a free loopback port, in a thread of this process, until the block ends."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        **uvicorn_options(settings),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, thread.is_alive)
        yield LiveServer(base, port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def start_subprocess_server(
    port: int, env: dict[str, str], *options: str
) -> subprocess.Popen[bytes]:
    """`motiondirector serve` in a subprocess on `port`; the caller stops it."""
    command = [sys.executable, "-m", "motiondirector.cli", "serve", "--port", str(port), *options]
    return subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop_subprocess_server(process: subprocess.Popen[bytes]) -> str:
    """Stop it (SIGTERM, then kill) and return what it wrote to stderr."""
    process.terminate()
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate(timeout=30)
    return err.decode("utf-8", errors="replace")
