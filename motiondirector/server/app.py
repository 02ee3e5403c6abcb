"""The FastAPI app: stateless planning over HTTP, behind keys, rate and size limits.

A thin shell over `motiondirector.agent.pipeline`: it parses requests, checks who is calling and
how much they send, runs the CPU-bound planning in a worker thread and answers errors as
problem details. It must not plan anything itself.
"""

# No `from __future__ import annotations`: FastAPI resolves the dependencies declared in
# create_app's local functions from their live annotations.
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, Self

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motiondirector.agent.pipeline import plan_text
from motiondirector.errors import MotionDirectorError
from motiondirector.export import export_plan
from motiondirector.plan.motion_plan import MotionPlan, motion_plan_json_schema
from motiondirector.plan.vocabulary import load_vocabulary
from motiondirector.planners import get_planner
from motiondirector.server.errors import (
    ProblemError,
    UnexpectedErrorMiddleware,
    install_error_handlers,
    problem_response,
)
from motiondirector.server.security import KeyChecker, RateLimiter, retry_after_seconds
from motiondirector.server.settings import ServerSettings

API_KEY_HEADER = "X-API-Key"
ExportFormat = Literal["json", "bml", "arkit-csv", "arkit-json", "vtt", "srt"]
_WARM_UP_SCRIPT = "ANA: Hello, Ben.\nBEN: Hi."
_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


class PlanRequest(BaseModel):
    """A script to plan, with options. Give exactly one of `script` and `dialogue`."""

    model_config = ConfigDict(extra="forbid")

    script: str | None = Field(
        default=None,
        description="Fountain, dialogue JSON (as a string) or `NAME: line` text.",
    )
    dialogue: dict[str, Any] | list[Any] | None = Field(
        default=None, description="A dialogue JSON document given directly as an object."
    )
    format: Literal["auto", "fountain", "json", "text"] = Field(
        default="auto", description="The script's format; `auto` detects it."
    )
    planner: Literal["rules"] = "rules"
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    fps: Literal[30, 60] = 30
    export: ExportFormat | None = Field(
        default=None, description="Also return the plan in this export format."
    )
    character: str | None = Field(
        default=None,
        max_length=200,
        description="The character of an ARKit export, or whose lines a bml/vtt/srt keeps.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.script is None) == (self.dialogue is None):
            raise ValueError("give exactly one of 'script' and 'dialogue'")
        if self.dialogue is not None and self.format not in ("auto", "json"):
            raise ValueError("'dialogue' is dialogue JSON; leave 'format' as auto or json")
        if self.character is not None and self.export is None:
            raise ValueError("'character' only applies with 'export'")
        return self


class ExportResult(BaseModel):
    format: ExportFormat
    content: str


class PlanWithExport(BaseModel):
    plan: MotionPlan
    export: ExportResult


class BodyLimitMiddleware:
    """Answers 413 to bodies over the limit, by Content-Length or by counting what arrives.

    The body is read here (it is at most the limit) and replayed to the app, so nothing
    downstream ever sees more than the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client left; let the app see the disconnect.
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            "body-too-large",
            f"the request body is over the limit of {self.max_bytes} bytes",
            instance=scope["path"],
            limit=self.max_bytes,
        )
        await response(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replaying_receive() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replaying_receive


def warm_up() -> None:
    """Load the planner's models and plan a tiny scene, so the first request is fast."""
    plan_text(_WARM_UP_SCRIPT, planner=get_planner("rules"), format="text")


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The HTTP API. Refuses (MotionDirectorError) to build without keys unless
    `allow_anonymous` is set, so a server is never open by accident."""
    settings = settings or ServerSettings.from_env()
    keys = KeyChecker(settings.key_hashes)
    if not keys and not settings.allow_anonymous:
        raise MotionDirectorError(
            "no API keys configured: set MOTIONDIRECTOR_API_KEYS or MOTIONDIRECTOR_API_KEYS_FILE,"
            " or allow anonymous access explicitly (MOTIONDIRECTOR_ALLOW_ANONYMOUS=1)"
        )
    limiter = RateLimiter(settings.rate_per_second, settings.burst, settings.clock)
    api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            await run_in_threadpool(warm_up)
        app.state.ready = True
        yield

    app = FastAPI(
        title="motiondirector",
        summary="Word-timed nonverbal behaviour plans for digital humans.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.ready = False
    app.state.settings = settings

    def caller(request: Request, key: Annotated[str | None, Depends(api_key)]) -> str:
        """Who is calling (a key digest, or the client address when anonymous), rate-limited."""
        who = keys.identify(key)
        if who is None:
            if key or not settings.allow_anonymous:
                raise ProblemError(
                    401,
                    "unauthorized",
                    f"a valid API key is required in the {API_KEY_HEADER} header",
                )
            who = "anonymous:" + (request.client.host if request.client else "unknown")
        wait = limiter.acquire(who)
        if wait > 0:
            seconds = retry_after_seconds(wait)
            raise ProblemError(
                429,
                "rate-limited",
                f"too many requests; retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )
        return who

    guarded: dict[int | str, dict[str, Any]] = {
        401: {"description": "Missing or wrong API key", **_PROBLEM},
        429: {"description": "Rate limit reached; see Retry-After", **_PROBLEM},
    }

    @app.post(
        "/v1/plan",
        response_model=MotionPlan | PlanWithExport,
        responses={
            **guarded,
            413: {"description": "Body or script too large", **_PROBLEM},
            422: {"description": "Invalid request or script", **_PROBLEM},
        },
        tags=["plan"],
    )
    async def plan(body: PlanRequest, _: Annotated[str, Depends(caller)]) -> Response:
        """Plan a script: the MotionPlan, or `{plan, export}` when an export is asked for."""
        if body.dialogue is not None:
            text, field, format = json.dumps(body.dialogue, indent=2), "dialogue", "json"
        else:
            assert body.script is not None
            text, field, format = body.script, "script", body.format
        if len(text) > settings.max_script_chars:
            raise RequestValidationError(
                [
                    {
                        "type": "string_too_long",
                        "loc": ("body", field),
                        "msg": f"at most {settings.max_script_chars} characters, got {len(text)}",
                    }
                ]
            )
        result = await run_in_threadpool(_plan_and_export, body, text, format)
        return Response(result, media_type="application/json")

    @app.get("/v1/vocabulary", responses=guarded, tags=["contracts"])
    async def vocabulary(_: Annotated[str, Depends(caller)]) -> dict[str, Any]:
        """The controlled vocabulary every plan draws from, with one-line meanings."""
        v = load_vocabulary()
        return {
            "version": v.version,
            "emotions": dict(v.emotions),
            "action_units": {
                str(code): {"name": au.name, "meaning": au.meaning}
                for code, au in v.action_units.items()
            },
            "facs_letters": dict(v.facs_letters),
            "head": dict(v.head),
            "gaze_targets": dict(v.gaze_targets),
            "gestures": dict(v.gestures),
            "postures": dict(v.postures),
        }

    @app.get("/v1/schema", responses=guarded, tags=["contracts"])
    async def schema(_: Annotated[str, Depends(caller)]) -> dict[str, object]:
        """The JSON Schema of the MotionPlan."""
        return motion_plan_json_schema()

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        responses={503: {"description": "Still warming up", **_PROBLEM}},
    )
    async def readyz(request: Request) -> JSONResponse:
        """Ready once the planner has loaded and planned a first scene."""
        if not request.app.state.ready:
            return problem_response(503, "not-ready", "the planner is still loading")
        return JSONResponse({"status": "ready"})

    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(UnexpectedErrorMiddleware)
    if settings.cors_origins:
        # Added last so it is outermost: error answers carry CORS headers too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=[API_KEY_HEADER, "Content-Type"],
            expose_headers=["Retry-After"],
        )
    return app


def _plan_and_export(body: PlanRequest, text: str, format: Any) -> str:
    plan = plan_text(
        text, planner=get_planner(body.planner), format=format, fps=body.fps, seed=body.seed
    )
    if body.export is None:
        return plan.to_json()
    content = export_plan(plan, body.export, fps=body.fps, character=body.character)
    return json.dumps(
        {
            "plan": plan.model_dump(mode="json"),
            "export": {"format": body.export, "content": content},
        },
        indent=2,
    )
