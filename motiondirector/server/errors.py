"""Every error answer as RFC 9457 problem details (application/problem+json).

Library errors map to statuses by kind; anything unexpected becomes a generic 500 whose body
says nothing of the code. Tracebacks go to the server log, never to the caller. The OpenAPI
document describes every error answer with the `Problem` model (`PROBLEM_CONTENT`), so generated
clients get typed errors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motiondirector.errors import (
    BackendUnavailableError,
    ExportError,
    InputTooLargeError,
    MotionDirectorError,
    PlanValidationError,
    SceneLimitError,
    ScriptError,
    TurnError,
)
from motiondirector.server import request_ids
from motiondirector.server.models import Problem

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://motiondirector.dev/problems/"
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_CONTENT: dict[str, Any] = {"content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}}
"""The body of an error response in a route's `responses=`: `{"description": ..., **it}`."""
log = logging.getLogger("motiondirector.server")


def problem_schemas() -> dict[str, Any]:
    """The OpenAPI component schemas of `Problem` and the models it holds."""
    schema = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    return {**schema.pop("$defs", {}), "Problem": schema}


class ProblemError(Exception):
    """Raised inside the app to answer with a problem: status, type slug, detail, extras."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra


def problem_response(
    status: int,
    kind: str | None,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem-details response. `kind` None means the plain HTTP meaning ("about:blank")."""
    body = problem_body(status, kind, detail, instance=instance, **extra)
    log_problem(body)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


LOGGED_DETAIL_CHARS = 500
"""A problem's detail is logged up to this length (a turn's detail may quote its text)."""


def log_problem(body: Mapping[str, Any]) -> None:
    """One log line for a problem answered or sent as an event: status, type, where, detail,
    with the request's id (see `server.logs`), so a failed request's cause is in the log
    once. Client errors at INFO, the server's at WARNING; an `internal` problem is not logged
    here, as its traceback is logged where it was caught."""
    status = int(body.get("status", 500))
    kind = str(body.get("type", "about:blank")).removeprefix(PROBLEM_BASE)
    if kind == "internal":
        return
    detail = str(body.get("detail", ""))
    if len(detail) > LOGGED_DETAIL_CHARS:
        detail = detail[:LOGGED_DETAIL_CHARS] + "…"
    log.log(
        logging.INFO if status < 500 else logging.WARNING,
        "%s %s at %s: %s",
        status,
        kind,
        body.get("instance") or "-",
        detail,
    )


def problem_body(
    status: int, kind: str | None, detail: str, *, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A problem-details document, for answers, stream `error` events and failed jobs."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    # Inside a request (not in a scene job's worker), the id its answer's X-Request-ID holds.
    if (request_id := request_ids.current()) is not None:
        body["request_id"] = request_id
    return body


def field_name(loc: Sequence[str | int]) -> str:
    """`("body", "fps")` -> "fps"; `("body", "words", 0, "start")` -> "words[0].start", the
    way the library's own errors name a place (`turns[0].words[0].end`); `("query", "q")` ->
    "query.q"; the whole body -> "body"."""
    parts = list(loc)
    if parts and parts[0] == "body" and len(parts) > 1 and not isinstance(parts[1], int):
        parts = parts[1:]
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def install_error_handlers(app: FastAPI) -> None:
    """Answer every handled error as problem details, and put the `Problem` schema that the
    routes' error responses refer to in the OpenAPI document."""
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build_openapi()
            document.setdefault("components", {}).setdefault("schemas", {}).update(
                problem_schemas()
            )
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        return problem_response(
            error.status,
            error.kind,
            error.detail,
            instance=request.url.path,
            headers=error.headers,
            **error.extra,
        )

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = error.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            # The body was read before validation; it is cached on the request.
            errors = [_json_error(e, await request.body()) for e in errors]
        if any(_missing_body(e) for e in errors):
            given = "null" if (await request.body()).strip() == b"null" else "an empty body"
            errors = [
                {"loc": ("body",), "msg": f"the body must be a JSON object, got {given}"}
                if _missing_body(e)
                else e
                for e in errors
            ]
        content_type = request.headers.get("content-type")
        errors = [_not_an_object(e, content_type) for e in errors]
        body = validation_problem_body(errors, request.url.path)
        log_problem(body)
        return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        detail = str(error.detail)
        if error.status_code == 400 and error.__cause__ is not None:
            # FastAPI's "There was an error parsing the body" does not say what is wrong.
            detail = _unreadable_body(error.__cause__)
        return problem_response(
            error.status_code,
            None,
            detail,
            instance=request.url.path,
            headers=error.headers,
        )

    async def on_library(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, MotionDirectorError)
        return library_problem(error, request.url.path)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(MotionDirectorError, on_library)


def library_problem(error: MotionDirectorError, instance: str | None = None) -> JSONResponse:
    """The problem answer for an error the library raised on purpose."""
    body = library_problem_body(error, instance)
    log_problem(body)
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_JSON)


def library_problem_body(error: MotionDirectorError, instance: str | None = None) -> dict[str, Any]:
    """The problem document for an error the library raised on purpose."""
    if isinstance(error, InputTooLargeError):
        return problem_body(413, "input-too-large", error.message, instance=instance)
    if isinstance(error, SceneLimitError):
        body = invalid_request_body([(error.field, error.reason)], instance)
        return {**body, "limit": error.limit, "line": error.line}
    if isinstance(error, ScriptError):
        return problem_body(422, "script-error", error.message, instance=instance, line=error.line)
    if isinstance(error, PlanValidationError):
        return problem_body(
            422,
            "plan-invalid",
            f"{len(error.violations)} violation(s) in the plan",
            instance=instance,
            violations=error.violations,
        )
    if isinstance(error, ExportError):
        return problem_body(422, "export-error", str(error), instance=instance)
    if isinstance(error, TurnError):
        return invalid_request_body([(error.field, error.message)], instance)
    if isinstance(error, BackendUnavailableError):
        return problem_body(503, "backend-unavailable", str(error), instance=instance)
    return problem_body(422, "request-error", str(error), instance=instance)


def _json_error(error: Mapping[str, Any], body: bytes) -> Mapping[str, Any]:
    """A body that is not JSON, reported at its line and column rather than its offset."""
    if error.get("type") != "json_invalid":
        return error
    loc = error.get("loc", ())
    offset = loc[-1] if loc and isinstance(loc[-1], int) else 0
    # The offset counts characters of the decoded text, as `json.loads` reports it.
    before = body.decode("utf-8", errors="replace")[:offset]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    reason = (error.get("ctx") or {}).get("error") or "not valid JSON"
    return {
        "loc": ("body",),
        "msg": f"invalid JSON at line {line}, column {column}: {reason}",
    }


def _missing_body(error: Mapping[str, Any]) -> bool:
    """A required body sent empty or as `null` (FastAPI reports either as a missing field)."""
    return error.get("type") == "missing" and tuple(error.get("loc", ())) == ("body",)


_OBJECT_ERRORS = frozenset({"model_attributes_type", "dict_type", "model_type"})


def _not_an_object(error: Mapping[str, Any], content_type: str | None) -> Mapping[str, Any]:
    """A body that is not a JSON object, said plainly: sent as another media type (a browser's
    `fetch` sends a string body as text/plain unless told), or JSON of another kind."""
    if tuple(error.get("loc", ())) != ("body",) or error.get("type") not in _OBJECT_ERRORS:
        return error
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        message = f"the body must be a JSON object, got {_json_kind(error.get('input'))}"
    else:
        given = f"Content-Type {media_type}" if media_type else "no Content-Type"
        message = (
            f"the body must be a JSON object sent with Content-Type: application/json, got {given}"
        )
    return {"loc": ("body",), "msg": message}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "a value of another kind"


def _unreadable_body(cause: BaseException) -> str:
    """What is wrong with a body that could not be read as JSON text at all (400)."""
    if isinstance(cause, UnicodeDecodeError):
        return (
            f"the body is not UTF-8 text: byte 0x{cause.object[cause.start]:02x} at offset "
            f"{cause.start} cannot be decoded; send JSON encoded as UTF-8"
        )
    if isinstance(cause, RecursionError):
        return "the body's JSON is nested too deeply to be read"
    if isinstance(cause, ValueError):
        # e.g. an integer of more digits than Python converts (sys.get_int_max_str_digits);
        # its advice on raising that limit is for the server's code, not for the client.
        reason = str(cause).partition("; use sys.")[0]
        return f"the body cannot be read as JSON: {reason}"
    return "the body cannot be read as JSON text"


def validation_problem_body(
    errors: Sequence[Mapping[str, Any]], instance: str | None = None
) -> dict[str, Any]:
    """The 422 document for pydantic/FastAPI validation errors, one entry per bad field."""
    # The rejected input is left out on purpose: it may be a megabyte of script.
    return invalid_request_body(
        [(field_name(e.get("loc", ())), _message(e)) for e in errors], instance
    )


def _message(error: Mapping[str, Any]) -> str:
    """A validation error's message, without the "Value error, " pydantic puts before the
    message of a model's own check (it names an exception class, not what is wrong)."""
    message = str(error.get("msg", "invalid"))
    if error.get("type") == "value_error":
        message = message.removeprefix("Value error, ")
    return message


def invalid_request_body(
    errors: Sequence[tuple[str, str]], instance: str | None = None
) -> dict[str, Any]:
    """The 422 `invalid-request` document naming each bad field."""
    listed = [{"field": name, "message": message} for name, message in errors]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in listed) or "invalid request"
    return problem_body(422, "invalid-request", detail, instance=instance, errors=listed)


def too_long(
    field: str, limit: int, length: int, setting: str, unit: str = "characters"
) -> RequestValidationError:
    """The validation error of a field over a limit that depends on the server's settings,
    naming the setting, so that a client knows what its operator can raise."""
    return RequestValidationError(
        [
            {
                "type": "too_long",
                "loc": ("body", *field.split(".")),
                "msg": f"at most {limit} {unit} (the server's {setting}), got {length}",
            }
        ]
    )


class UnexpectedErrorMiddleware:
    """Turns any exception that escapes the app into a generic 500 problem.

    Starlette's own last-resort handler re-raises after answering; catching here keeps the
    answer a problem document and logs the traceback once. An error after the answer has
    started goes on to the server, which logs it once and cuts the connection. A client
    leaving a stream is not an error: it is logged at debug level only.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started and _client_left(error):
                log.debug("the client left %s %s mid-stream", scope.get("method"), scope["path"])
                return
            if started:
                # Too late for an answer: the server logs it (with its traceback, once) and
                # closes the connection, so the client sees the response cut short.
                raise
            log.exception("unexpected error serving %s %s", scope.get("method"), scope["path"])
            response = problem_response(
                500, "internal", "the server could not complete the request", instance=scope["path"]
            )
            await response(scope, receive, send)


def _client_left(error: BaseException) -> bool:
    """Whether `error` only says that a client left a stream it was being sent: FastAPI's SSE
    keep-alive task then fails with anyio's BrokenResourceError (fastapi discussion #15725),
    which would otherwise be logged as an error, with its traceback, on every such departure.
    Nothing is wrong, and nothing more can be sent."""
    if isinstance(error, BaseExceptionGroup):
        return all(_client_left(inner) for inner in error.exceptions)
    return isinstance(error, anyio.BrokenResourceError | anyio.ClosedResourceError)
