"""Request ids: which ids a client may give, and an error after an answer has started is
logged once, with the request's id, by a real uvicorn server."""

from __future__ import annotations

import logging
import threading

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from motiondirector.server.errors import UnexpectedErrorMiddleware
from motiondirector.server.request_ids import (
    RequestIdFilter,
    RequestIdMiddleware,
    accepted_request_id,
)
from tests.conftest import free_port
from tests.server.conftest import AUTH, KEY, wait_ready


@pytest.mark.parametrize("given", ["turn-42", "0f3c9a1e-5b7d-4c2e-9a8b-1d2e3f4a5b6c", "a/b:c=d"])
def test_a_short_token_from_the_client_is_kept(given: str) -> None:
    assert accepted_request_id(given) == given


@pytest.mark.parametrize("given", [None, "", "x" * 129, "a b", "a\nb", "ünï", "x]\n[y"])
def test_anything_else_is_replaced_by_a_new_id(given: str | None) -> None:
    made = accepted_request_id(given)
    assert made != given and len(made) == 16
    assert accepted_request_id(given) != made  # a new one each time


class FailsMidAnswer:
    """An app that answers 200, sends part of the body and then fails."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["path"] == "/readyz":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
        raise RuntimeError("the frames could not be made")


def test_an_error_after_the_answer_started_is_logged_once_with_its_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())
    app = RequestIdMiddleware(UnexpectedErrorMiddleware(FailsMidAnswer()))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, thread.is_alive)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{base}/stream", headers={"X-Request-ID": "cut-7"}, timeout=30)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    tracebacks = [r for r in caplog.records if r.exc_info is not None]
    assert len(tracebacks) == 1, [r.getMessage() for r in tracebacks]
    assert getattr(tracebacks[0], "request_id", None) == "cut-7"


async def accepts_websockets(scope: Scope, receive: Receive, send: Send) -> None:
    """Accepts a WebSocket and waits for the client to leave."""
    assert scope["type"] == "websocket"
    await receive()  # websocket.connect
    await send({"type": "websocket.accept", "headers": [(b"x-served-by", b"test")]})
    while (await receive())["type"] != "websocket.disconnect":
        pass


@pytest.mark.parametrize(("given", "kept"), [("ws-7", True), ("a b", False)])
def test_the_websocket_handshake_answers_with_the_connections_id(given: str, kept: bool) -> None:
    from starlette.testclient import TestClient

    client = TestClient(RequestIdMiddleware(accepts_websockets))
    with client.websocket_connect("/ws", headers={"X-Request-ID": given}) as socket:
        headers = dict(socket.extra_headers or ())
    assert headers[b"x-served-by"] == b"test"  # the app's own headers stay
    sent = headers[b"x-request-id"].decode()
    assert (sent == given) == kept and len(sent) >= 4


def test_each_websocket_message_has_its_own_id(client: TestClient) -> None:
    session = client.post("/v1/sessions", json={}, headers=AUTH).json()["id"]
    bad = {"speaker": "ANA", "text": "Hi.", "words": [{"text": "Hi.", "start": 1, "end": 0.5}]}
    path = f"/v1/sessions/{session}/ws?api_key={KEY}"
    with client.websocket_connect(path, headers={"X-Request-ID": "ws-7"}) as socket:
        ready = socket.receive_json()
        # A page cannot read the handshake's header: `ready` says the connection's id.
        assert ready["event"] == "ready" and ready["request_id"] == "ws-7"
        assert ready["data"]["id"] == session
        ids = []
        for _ in range(2):
            socket.send_json(bad)
            event = socket.receive_json()
            assert event["event"] == "error"
            ids.append(event["data"]["request_id"])
    # One id for the whole connection made its log lines one heap: each turn is found alone.
    assert ids == ["ws-7.1", "ws-7.2"]
