"""The memory of ended streams goes back to the system: a real trim of this process's C heap,
requests that arrive together sharing one, and a real stream asking for it when it ends."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from motiondirector.server import create_app
from motiondirector.server.memory import MemoryReleaser, malloc_trim
from tests.server.conftest import AUTH, SettingsFactory

needs_glibc = pytest.mark.skipif(malloc_trim() is None, reason="the C library is not glibc")


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def _wait_for_trims(releaser: MemoryReleaser, count: int) -> None:
    deadline = time.monotonic() + 30
    while releaser.trims < count and time.monotonic() < deadline:
        time.sleep(0.02)


@needs_glibc
def test_a_trim_gives_freed_heap_memory_back() -> None:
    # Medium blocks come from malloc's heap; one kept after them stops the heap from
    # shrinking by itself when they are freed, as a long-lived server's objects do.
    blocks = [bytearray(2000) for _ in range(50_000)]
    kept = bytearray(2000)
    del blocks
    freed = _rss_mb()
    releaser = MemoryReleaser(delay_s=0.0)
    releaser.request()
    _wait_for_trims(releaser, 1)
    assert releaser.trims == 1
    assert freed - _rss_mb() > 50  # about 100 MB were freed
    assert len(kept) == 2000


@needs_glibc
def test_requests_that_arrive_together_share_one_trim() -> None:
    releaser = MemoryReleaser(delay_s=0.3)
    for _ in range(20):
        releaser.request()
    _wait_for_trims(releaser, 1)
    time.sleep(0.5)
    assert releaser.trims == 1
    releaser.request()  # a later request gets a trim of its own
    _wait_for_trims(releaser, 2)
    assert releaser.trims == 2


@needs_glibc
def test_a_stream_that_ends_asks_for_a_trim(make_settings: SettingsFactory) -> None:
    with TestClient(create_app(make_settings(warm_up=False))) as client:
        memory = client.app.state.context.memory  # type: ignore[attr-defined]
        memory.delay_s = 0.0
        before = memory.trims
        turn = {"speaker": "ANA", "text": "Hello there."}
        session = client.post("/v1/sessions", json={}, headers=AUTH).json()["id"]
        response = client.post(f"/v1/sessions/{session}/turns/stream", json=turn, headers=AUTH)
        assert response.status_code == 200 and "event: done" in response.text
        _wait_for_trims(memory, before + 1)
        assert memory.trims == before + 1
