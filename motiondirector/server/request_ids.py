"""One id per request, in its answer and in every log line written while serving it.

A client debugging a failed turn reads the id from the `X-Request-ID` response header (and
from the problem document's `request_id`), and finds the request's lines in the server's log by
it. An id that a proxy in front or the client sends in `X-Request-ID` is kept when it is a
short token, so one id follows the request across hops; otherwise the server makes one.

`RequestIdMiddleware` sets the id for the request's task (HTTP and WebSocket), `current()`
reads it anywhere below, and `RequestIdFilter` puts it on log records as `request_id`. Work
handed to other threads keeps it when the thread runs in a copy of the request's context
(`contextvars.copy_context`). This module must not log, and never changes what is logged
beyond adding the attribute.
"""

from __future__ import annotations

import logging
import re
import secrets
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
"""What log lines written outside any request show in place of an id."""
_GIVEN = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")
"""An id accepted from the client: short, and nothing that could forge a log line."""
_request_id: ContextVar[str | None] = ContextVar("motiondirector_request_id", default=None)


def current() -> str | None:
    """The id of the request being served, or None outside one."""
    return _request_id.get()


def serve_as(request_id: str) -> None:
    """Make `request_id` the current one for the rest of this task (each message of a
    WebSocket connection gets its own)."""
    _request_id.set(request_id)


def new_request_id() -> str:
    return secrets.token_hex(8)


def accepted_request_id(given: str | None) -> str:
    """`given` when it is a short token, else a new id."""
    if given is not None and _GIVEN.fullmatch(given):
        return given
    return new_request_id()


class RequestIdMiddleware:
    """Gives each HTTP request and WebSocket connection its id, and sends it back in the
    `X-Request-ID` header of every HTTP answer (errors included) and of the WebSocket
    handshake's. Added outermost, so the access log line and every handler see the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = None
        for name, value in scope.get("headers", ()):
            if name.lower() == b"x-request-id":
                given = value.decode("latin-1")
                break
        request_id = accepted_request_id(given)
        # Left set after the call: uvicorn logs an escaped exception in this same task.
        _request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            elif message["type"] == "websocket.accept":
                # The handshake's answer: the connection's id before its first message.
                headers = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record as `request_id` (`-` outside a request),
    for a format with `%(request_id)s`; keeps every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current() or NO_REQUEST
        return True
