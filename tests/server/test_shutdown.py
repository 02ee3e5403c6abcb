"""Stopping `motiondirector serve` with SIGTERM while clients hold frame streams open: the
server waits `shutdown_grace_s` for them, then cuts them and exits."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from motiondirector.server import ServerSettings
from motiondirector.server.app import uvicorn_options
from tests.conftest import free_port
from tests.server.conftest import AUTH, KEY, wait_ready

EXIT_WAIT_S = 120
"""Far more than the grace below: only a stop that waits for the stalled client misses it."""


def test_the_grace_is_given_to_uvicorn() -> None:
    settings = ServerSettings(api_keys=[KEY], shutdown_grace_s=7)
    assert uvicorn_options(settings)["timeout_graceful_shutdown"] == 7
    env = {"MOTIONDIRECTOR_API_KEYS": KEY, "MOTIONDIRECTOR_SHUTDOWN_GRACE": "12"}
    assert ServerSettings.from_env(env).shutdown_grace_s == 12


def test_sigterm_ends_a_stream_that_is_never_read(tmp_path: Path, clip_cache: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_WARM_UP": "0",
        "MOTIONDIRECTOR_SHUTDOWN_GRACE": "1",
        "MOTIONDIRECTOR_CLIP_CACHE_DIR": str(clip_cache),
    }
    command = [sys.executable, "-m", "motiondirector.cli", "serve", "--port", str(port)]
    command += ["--jobs-db", str(tmp_path / "jobs.sqlite3"), "--job-workers", "1"]
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, lambda: process.poll() is None)
            session = httpx.post(f"{base}/v1/sessions", json={}, headers=AUTH, timeout=30)
            # Minutes of frames: far more than the socket buffers hold.
            text = ("Where were you all night, and why did you not call me back? " * 60)[:4000]
            body = json.dumps({"speaker": "ANA", "text": text}).encode()
            with socket.create_connection(("127.0.0.1", port), timeout=60) as stalled:
                stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                path = f"/v1/sessions/{session.json()['id']}/turns/stream"
                head = (
                    f"POST {path} HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEY}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                stalled.sendall(head.encode() + body)
                assert stalled.recv(64).startswith(b"HTTP/1.1 200")
                process.send_signal(signal.SIGTERM)
                # uvicorn stops cleanly, then raises the signal it caught again
                assert process.wait(timeout=EXIT_WAIT_S) in (0, -signal.SIGTERM)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
    logged = log.read_text(errors="replace")
    assert "timeout graceful shutdown exceeded" in logged
    assert "Application shutdown complete" in logged
