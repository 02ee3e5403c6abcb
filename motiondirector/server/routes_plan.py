"""Stateless planning routes: `POST /v1/plan`, its SSE stream `POST /v1/plan/stream`, and the
contracts (`/v1/vocabulary`, `/v1/schema`). Planning runs in a worker thread."""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations at runtime.
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent

from motiondirector.export import export_plan
from motiondirector.plan.motion_plan import MotionPlan, motion_plan_json_schema
from motiondirector.plan.vocabulary import load_vocabulary
from motiondirector.planners import Planner, strict_planner
from motiondirector.realize import plan_text
from motiondirector.scene import SceneLimits
from motiondirector.server.context import ServerContext
from motiondirector.server.errors import PROBLEM_CONTENT, ProblemError
from motiondirector.server.models import PlanRequest, PlanWithExport, Problem, ScriptSource
from motiondirector.server.scene_artifacts import lines_of
from motiondirector.server.stream_events import (
    StreamDone,
    StreamFrames,
    StreamHeader,
    sse_responses,
)
from motiondirector.server.stream_quota import StreamSlot
from motiondirector.server.streams import (
    OPENING,
    OpenedStream,
    StreamWorkers,
    check_stream_size,
    compact,
    open_stream,
    server_sent_events,
    stream_events,
)
from motiondirector.speech import attach_visemes

PROBLEM: dict[str, Any] = PROBLEM_CONTENT
GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or wrong API key", **PROBLEM},
    429: {"description": "Rate limit reached; see Retry-After", **PROBLEM},
}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body cannot be read as JSON text (e.g. not UTF-8)", **PROBLEM},
    413: {"description": "Body too large", **PROBLEM},
    422: {"description": "Invalid request; `errors` names each bad field", **PROBLEM},
}
SCRIPT_ERRORS: dict[int | str, dict[str, Any]] = {
    **GUARDED,
    **BODY_ERRORS,
    413: {"description": "Body or script too large", **PROBLEM},
    422: {"description": "Invalid request or script", **PROBLEM},
}
STREAM_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "Rate limit reached, or the key holds its quota of open streams "
        "(`stream-quota`); see Retry-After",
        **PROBLEM,
    },
    503: {
        "description": "The server's open streams hold all the frames it allows "
        "(`too-many-streams`); see Retry-After",
        **PROBLEM,
    },
}
SSE_RESPONSE = sse_responses(
    [MotionPlan, PlanWithExport],
    "Server-Sent Events: header, plan, frames..., done (or error); a `: ping` comment "
    "when no event has gone out for 15 s",
)
PlanStreamEvent = StreamHeader | MotionPlan | PlanWithExport | StreamFrames | StreamDone | Problem
"""What the events' data may be, for the OpenAPI document (each event's is in SSE_RESPONSE)."""
_PLAN_INSTEAD = (
    "plan it without frames (POST /v1/plan) or as a scene job (POST /v1/scenes), or in parts"
)
_PLAN_SLOWER = ", or at 30 fps"


def plan_router(ctx: ServerContext, workers: StreamWorkers) -> APIRouter:
    router = APIRouter()
    Caller = Annotated[str, Depends(ctx.caller)]

    async def opened_plan_stream(
        body: PlanRequest,
        request: Request,
        _: Caller,
        slot: Annotated[StreamSlot, Depends(ctx.stream_slot)],
    ) -> AsyncIterator[OpenedStream]:
        """The stream planned and opened up to its first frames, before the answer starts,
        so a bad script is a problem answer, not a broken stream; closed once the answer has
        ended."""
        text, format = ctx.script_text(body)
        planner = ctx.planner(body.planner)
        limits = ctx.settings.scene_limits()

        def start() -> OpenedStream:
            planned, payload = _plan_for_stream(body, planner, text, format, limits)
            _check_size(payload, ctx.settings.max_response_bytes)
            frames = ctx.frames(planned, fps=body.fps)
            check_stream_size(frames, ctx.settings.max_stream_frames, _PLAN_INSTEAD, _PLAN_SLOWER)
            slot.hold(frames.size)
            return open_stream(stream_events(payload, frames, instance=request.url.path))

        with await workers.run(OPENING, start) as stream:
            yield stream

    @router.post(
        "/v1/plan",
        response_model=MotionPlan | PlanWithExport,
        responses=SCRIPT_ERRORS,
        tags=["plan"],
    )
    async def plan(body: PlanRequest, _: Caller) -> Response:
        """Plan a script: the MotionPlan, or `{plan, export}` when an export is asked for."""
        text, format = ctx.script_text(body)
        planner = ctx.planner(body.planner)
        limits = ctx.settings.scene_limits()
        result = await run_in_threadpool(_plan_and_export, body, planner, text, format, limits)
        _check_size(result, ctx.settings.max_response_bytes)
        return Response(result, media_type="application/json")

    @router.post(
        "/v1/plan/stream",
        response_class=EventSourceResponse,
        responses={**SSE_RESPONSE, **SCRIPT_ERRORS, **STREAM_LIMITED},
        tags=["plan", "streaming"],
    )
    async def plan_stream(
        stream: Annotated[OpenedStream, Depends(opened_plan_stream)],
    ) -> AsyncIterator[PlanStreamEvent]:
        """Plan a script and stream it as Server-Sent Events: `header`, `plan` (what
        `/v1/plan` answers for the same body), `frames` (ARKit-52 weights, head and eye
        rotations, body joints per character), `done`."""
        event: ServerSentEvent
        async for event in server_sent_events(stream, workers):
            yield event  # type: ignore[misc]

    @router.get("/v1/vocabulary", responses=GUARDED, tags=["contracts"])
    async def vocabulary(_: Caller) -> dict[str, Any]:
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

    @router.get("/v1/schema", responses=GUARDED, tags=["contracts"])
    async def schema(_: Caller) -> dict[str, object]:
        """The JSON Schema of the MotionPlan."""
        return motion_plan_json_schema()

    return router


def _check_size(answer: str, limit: int) -> None:
    """422 `response-too-large` for a plan (and export) over the server's response limit."""
    size = len(answer.encode())
    if size > limit:
        raise ProblemError(
            422,
            "response-too-large",
            f"the plan is {size / 1e6:.1f} MB, over this server's limit of {limit / 1e6:.1f} MB "
            "(MOTIONDIRECTOR_MAX_RESPONSE_BYTES): plan the scene in parts, or with fewer "
            "characters on stage",
            limit=limit,
        )


def _plan(
    body: ScriptSource, planner: Planner, text: str, format: Any, limits: SceneLimits
) -> MotionPlan:
    chosen = strict_planner(planner) if body.strict else planner
    with lines_of(body):
        return plan_text(
            text,
            planner=chosen,
            format=format,
            fps=body.fps,
            seed=body.seed,
            limits=limits,
            language=body.language,
        )


def _with_export(body: PlanRequest, plan: MotionPlan) -> dict[str, Any] | None:
    if body.export is None:
        return None
    content = export_plan(plan, body.export, fps=body.fps, character=body.character)
    return {
        "plan": plan.model_dump(mode="json"),
        "export": {"format": body.export, "content": content},
    }


def _requested_plan(
    body: PlanRequest, planner: Planner, text: str, format: Any, limits: SceneLimits
) -> MotionPlan:
    """The plan, with the speech track on every utterance when the request asks for it."""
    plan = _plan(body, planner, text, format, limits)
    return attach_visemes(plan) if body.visemes else plan


def _plan_and_export(
    body: PlanRequest, planner: Planner, text: str, format: Any, limits: SceneLimits
) -> str:
    plan = _requested_plan(body, planner, text, format, limits)
    document = _with_export(body, plan)
    return plan.to_json() if document is None else json.dumps(document, indent=2)


def _plan_for_stream(
    body: PlanRequest, planner: Planner, text: str, format: Any, limits: SceneLimits
) -> tuple[MotionPlan, str]:
    """The plan, and the `plan` event's data (one line): what `/v1/plan` answers."""
    plan = _requested_plan(body, planner, text, format, limits)
    document = _with_export(body, plan)
    return plan, plan.model_dump_json() if document is None else compact(document)
