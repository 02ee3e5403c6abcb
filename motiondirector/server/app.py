"""The FastAPI app: planning, live sessions, frame streams and scene jobs over HTTP, SSE and
WebSocket, behind keys, rate and size limits.

A thin shell: it builds the shared context, opens the jobs database and warms the models in
its lifespan, mounts the routers (`routes_plan`, `routes_sessions`, `routes_scenes`) and
installs the middleware and problem-details error handlers. It must not plan anything itself.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations at runtime.
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse

from motiondirector import __version__
from motiondirector.planners import get_planner
from motiondirector.planners.boundaries import shipped_model as boundary_model
from motiondirector.planners.emotion_words import load_emotion_words
from motiondirector.realize import plan_text
from motiondirector.retrieval.query import prime_lexical
from motiondirector.server.body_cost import body_cost
from motiondirector.server.body_limit import BodyLimitMiddleware
from motiondirector.server.context import ServerContext
from motiondirector.server.errors import (
    UnexpectedErrorMiddleware,
    install_error_handlers,
    problem_response,
)
from motiondirector.server.guard import API_KEY_HEADER, Guard
from motiondirector.server.job_processes import JobProcesses, WorkerConfig
from motiondirector.server.job_store import JobStore
from motiondirector.server.jobs import JobRunner
from motiondirector.server.logs import install_log_redaction, server_log_config
from motiondirector.server.request_ids import REQUEST_ID_HEADER, RequestIdMiddleware
from motiondirector.server.routes_plan import PROBLEM, plan_router
from motiondirector.server.routes_scenes import scene_router
from motiondirector.server.routes_sessions import LAST_EVENT_ID, session_router
from motiondirector.server.sessions import SessionStore
from motiondirector.server.settings import ServerSettings
from motiondirector.server.streams import StreamWorkers
from motiondirector.speech.track import prepare_reading

_WARM_UP_SCRIPT = "ANA: Hello, Ben.\nBEN: Hi."
JOB_TTL_S = 7 * 24 * 3600.0
"""Finished scene jobs older than this are deleted at startup."""
GZIP_MIN_BYTES = 1024
"""Answers from this size on are gzipped for clients that accept it."""


def warm_up(ctx: ServerContext) -> None:
    """Load the planner's models and the clip library, plan and stream a tiny scene, and load
    the emotion words of every language and the readers of the `warm_languages`, so the first
    request is fast."""
    plan = plan_text(_WARM_UP_SCRIPT, planner=get_planner("rules"), format="text")
    load_emotion_words()  # read on the first line in another language than English: 45 ms
    boundary_model()  # read on the first line without punctuation
    frames = ctx.frames(plan)
    next(frames.batches(frames.frame_count))
    for language in ctx.settings.warm_languages:
        prepare_reading(language)
    # Stemming a clip's descriptions on its first search cost a stream tens of milliseconds.
    prime_lexical(ctx.library().records)
    # The models, the library and the vocabularies live as long as the server: keeping them
    # out of the collector's view makes each full collection scan only per-request objects.
    gc.collect()
    gc.freeze()


WS_MESSAGE_HEADROOM = 2
"""uvicorn closes a WebSocket (1009) on a message over this many times `max_body_bytes` before
reading it whole; the app answers one up to that size with a 413 problem first."""


def uvicorn_options(settings: ServerSettings) -> dict[str, Any]:
    """What `motiondirector serve` gives uvicorn besides the app, host and port: the current
    WebSocket protocol, a message bound near `max_body_bytes`, so that uvicorn does not
    buffer up to 16 MiB (its default) of a message the app will refuse, the log format with
    times and request ids (`server_log_config`), and how long a stop waits for open answers
    (`shutdown_grace_s`)."""
    import importlib.util

    import uvicorn

    # uvicorn's sans-I/O protocol is the current one (its older one uses an API websockets
    # deprecated); both need the `websockets` package.
    sansio = "websockets-sansio" in uvicorn.config.WS_PROTOCOLS
    ws = "websockets-sansio" if sansio and importlib.util.find_spec("websockets") else "auto"
    return {
        "ws": ws,
        "ws_max_size": WS_MESSAGE_HEADROOM * settings.max_body_bytes,
        "log_config": server_log_config(),
        # Without a bound, a stop waits for every open stream, however slowly it is read.
        "timeout_graceful_shutdown": settings.shutdown_grace_s,
    }


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The HTTP API. Refuses (MotionDirectorError) to build without keys unless
    `allow_anonymous` is set, so a server is never open by accident."""
    settings = settings or ServerSettings.from_env()
    faces = None
    if settings.face_library is not None:
        from motiondirector.realize.faces import open_face_library

        # A library that cannot realize faces stops the server now, not every request later.
        faces = open_face_library(
            settings.face_library,
            casting=settings.face_casting,
            cast=settings.face_cast_pins(),
        )
    # Keys may come in a query string, which uvicorn logs: redact them wherever it serves.
    install_log_redaction()
    sessions = SessionStore(
        settings.session_ttl_s,
        settings.max_sessions,
        settings.clock,
        max_per_owner=settings.max_sessions_per_key,
    )
    ctx = ServerContext(settings=settings, guard=Guard(settings), sessions=sessions, faces=faces)
    # Every stream's work, by priority: new streams' first frames before open ones' later frames.
    stream_workers = StreamWorkers()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await run_in_threadpool(JobStore, settings.jobs_db_path())
        # Scene jobs run in worker processes under a memory and time budget, so a job that
        # exhausts them fails alone.
        processes = JobProcesses(WorkerConfig.from_settings(settings), size=settings.job_workers)
        runner = JobRunner(
            store,
            processes.run,
            workers=settings.job_workers,
            max_pending=settings.max_pending_jobs,
            ttl=JOB_TTL_S,
            max_jobs_per_owner=settings.max_jobs_per_key,
            max_bytes_per_owner=settings.max_storage_bytes_per_key,
        )
        if settings.warm_up:
            processes.prestart()
            await run_in_threadpool(warm_up, ctx)
        await run_in_threadpool(runner.start)
        ctx.runner = runner
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            ctx.runner = None
            await run_in_threadpool(runner.shutdown)
            await run_in_threadpool(processes.close)
            await run_in_threadpool(stream_workers.close)
            store.close()

    app = FastAPI(
        title="motiondirector",
        summary="Word-timed nonverbal behaviour plans and frame streams for digital humans.",
        version=__version__,
        lifespan=lifespan,
        # Operation ids are the route functions' names ("plan", "create_session"): stable,
        # readable method names for generated clients.
        generate_unique_id_function=lambda route: route.name,
    )
    # The event streams describe each event with `itemSchema`, an OpenAPI 3.2 keyword.
    app.openapi_version = "3.2.0"
    app.state.ready = False
    app.state.settings = settings
    app.state.context = ctx
    # Planning routes take rate-limit tokens by their body's size (see `server.guard`).
    app.include_router(
        plan_router(ctx, stream_workers),
        dependencies=[Depends(body_cost(ctx.guard, ctx.caller))],
    )
    app.include_router(session_router(ctx, stream_workers))
    app.include_router(scene_router(ctx))

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        responses={503: {"description": "Still warming up", **PROBLEM}},
    )
    async def readyz(request: Request) -> JSONResponse:
        """Ready once the planner and the clip library have loaded and the jobs database is
        open."""
        if not request.app.state.ready:
            return problem_response(503, "not-ready", "the planner is still loading")
        return JSONResponse({"status": "ready"})

    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Plans, exports and BVH artifacts (megabytes of numbers) shrink several times for clients
    # that accept gzip; frame streams (event streams, WebSockets) and videos are left as they are.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=5)
    app.add_middleware(UnexpectedErrorMiddleware)
    if settings.cors_origins:
        # Added last so it is outermost: error answers carry CORS headers too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            # Last-Event-ID: what an SSE client library sends when it retries a lost stream;
            # refused in the preflight, the page would see a network error, not the answer.
            allow_headers=[API_KEY_HEADER, "Content-Type", REQUEST_ID_HEADER, LAST_EVENT_ID],
            # Content-Disposition: a web page saving an artifact names the file from it.
            expose_headers=[
                "Retry-After",
                "Location",
                "WWW-Authenticate",
                "Content-Disposition",
                REQUEST_ID_HEADER,
            ],
        )
    # Outermost: the access log line and every handler and error answer see the request's id.
    app.add_middleware(RequestIdMiddleware)
    return app
