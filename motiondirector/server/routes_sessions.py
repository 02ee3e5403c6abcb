"""Conversation sessions over HTTP, SSE and WebSocket.

    POST   /v1/sessions                        start one (201)
    GET    /v1/sessions                        the caller's live sessions
    GET    /v1/sessions/{id}                   its state
    DELETE /v1/sessions/{id}                   end it (204)
    POST   /v1/sessions/{id}/turns             take a turn: the plan and what the session added
    POST   /v1/sessions/{id}/turns/stream      the same as SSE: header, plan, frames..., done
    WS     /v1/sessions/{id}/ws                turns as messages, each answered by its stream

The conversation logic is `realize.conversation`; this module checks limits, serialises turns
per session and speaks the protocols. Requests with a body, and every WebSocket turn, take
rate-limit tokens by their size (`Guard.cost`).
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations at runtime.
import itertools
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import ValidationError

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.planners import get_planner
from motiondirector.realize.conversation import Conversation, Mood, TurnInput, TurnOutcome
from motiondirector.server import request_ids
from motiondirector.server.body_cost import body_cost
from motiondirector.server.context import ServerContext
from motiondirector.server.errors import (
    ProblemError,
    invalid_request_body,
    library_problem_body,
    log_problem,
    problem_body,
    too_long,
    validation_problem_body,
)
from motiondirector.server.guard import API_KEY_HEADER, API_KEY_QUERY
from motiondirector.server.models import (
    CharacterState,
    EmotionState,
    Problem,
    SessionCreate,
    SessionList,
    SessionState,
    TurnContext,
    TurnRequest,
    TurnResult,
)
from motiondirector.server.origins import origin_refusal, websocket_origin_allowed
from motiondirector.server.routes_plan import (
    BODY_ERRORS,
    GUARDED,
    PROBLEM,
    STREAM_LIMITED,
)
from motiondirector.server.sessions import Session
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
    events_of,
    open_stream,
    server_sent_events,
    stream_events,
    ws_message,
)
from motiondirector.streaming import PlanFrames

log = logging.getLogger("motiondirector.server")
LAST_EVENT_ID = "Last-Event-ID"
"""The header an SSE client sends when it reconnects to a stream it lost."""

TURN_SSE_RESPONSE = sse_responses(
    [TurnResult],
    "Server-Sent Events: header, plan (the turn result), frames..., done (or error); a "
    "`: ping` comment when no event has gone out for 15 s",
)
TurnStreamEvent = StreamHeader | TurnResult | StreamFrames | StreamDone | Problem
"""What the events' data may be, for the OpenAPI document (each event's is in
TURN_SSE_RESPONSE)."""

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such session (or it expired)", **PROBLEM},
    422: {"description": "Invalid request", **PROBLEM},
}
TURN_ERRORS: dict[int | str, dict[str, Any]] = {
    **GUARDED,
    **NOT_FOUND,
    **BODY_ERRORS,
    422: {"description": "Invalid turn; `errors` names the field", **PROBLEM},
}
_TURN_INSTEAD = (
    "take the turn without frames (POST /v1/sessions/{id}/turns), in shorter turns, or with "
    "fewer characters present"
)
_TURN_SLOWER = ", or in a session at 30 fps"
# WebSocket close codes (RFC 6455 and the IANA registry).
WS_POLICY_VIOLATION = 1008
WS_TOO_BIG = 1009
WS_INTERNAL_ERROR = 1011
WS_TRY_AGAIN_LATER = 1013


def session_router(ctx: ServerContext, workers: StreamWorkers) -> APIRouter:
    router = APIRouter(tags=["sessions"])
    Caller = Annotated[str, Depends(ctx.caller)]
    charge_body = Depends(body_cost(ctx.guard, ctx.caller))
    settings = ctx.settings
    cors_origins = tuple(settings.cors_origins)

    def state(session: Session) -> SessionState:
        talk = session.conversation
        return SessionState(
            id=session.id,
            title=talk.title,
            fps=talk.fps,
            language=talk.language,
            turns=talk.turns,
            characters={
                name: CharacterState(emotion=_emotion(talk.moods.get(name)))
                for name in talk.characters
            },
            last_speaker=talk.last_speaker,
            last_addressee=talk.last_addressee,
            expires_in=ctx.sessions.expires_in(session),
        )

    def check_turn(turn: TurnRequest) -> None:
        if turn.text is not None and len(turn.text) > settings.max_turn_chars:
            raise too_long("text", settings.max_turn_chars, len(turn.text), "max_turn_chars")
        if turn.words is not None and len(turn.words) > settings.max_turn_words:
            raise too_long(
                "words", settings.max_turn_words, len(turn.words), "max_turn_words", "words"
            )

    def take_turn(
        session: Session, turn: TurnRequest, accept: Callable[[MotionPlan], None] | None = None
    ) -> TurnResult:
        """Runs in a worker thread; one turn of a session at a time. `accept` may refuse the
        plan before the turn counts (see `Conversation.take_turn`). A turn taken without
        frames leaves none for the next to start from (`Session.frames_end`)."""
        with session.lock:
            talk = session.conversation
            if talk.turns >= settings.max_session_turns:
                raise ProblemError(
                    422,
                    "invalid-request",
                    f"turns: the session has taken its limit of {settings.max_session_turns}"
                    " turns; start a new session",
                    errors=[{"field": "turns", "message": "the session's turn limit is reached"}],
                )
            words = [(w.text, w.start, w.end) for w in turn.words] if turn.words else None
            phonemes = {
                index: [(p.phoneme, p.start, p.end) for p in word.phonemes]
                for index, word in enumerate(turn.words or ())
                if word.phonemes is not None
            }
            given = TurnInput(
                turn.speaker,
                turn.text,
                words,
                turn.addressee,
                turn.direction,
                phonemes or None,
                turn.language,
            )
            outcome = talk.take_turn(given, get_planner("rules"), accept=accept)
            if accept is None:
                session.frames_end = None
            return _result(session, outcome, state(session))

    def open_turn(
        session: Session, turn: TurnRequest, instance: str, slot: StreamSlot
    ) -> OpenedStream:
        """Runs on a stream worker: the turn, and its stream up to the first frames. A turn
        whose stream would be over `max_stream_frames`, or whose frames do not fit in the
        server's `max_open_stream_frames`, is refused and not taken."""

        made: list[PlanFrames] = []

        def fits(plan: MotionPlan) -> None:
            # Under the session's lock: the turn's frames start where the last turn's ended,
            # or where this one cut it off.
            ended = session.frames_end
            if ended is not None and turn.interrupts_at is not None:
                ended = ended.cut(turn.interrupts_at)
            frames = ctx.frames(plan, cast=session.face_cast, after=ended)
            check_stream_size(frames, settings.max_stream_frames, _TURN_INSTEAD, _TURN_SLOWER)
            slot.hold(frames.size)
            made.append(frames)
            session.frames_end = frames.end

        result = take_turn(session, turn, fits)
        return open_stream(stream_events(result.model_dump_json(), made[0], instance=instance))

    async def opened_turn_stream(
        session_id: str,
        body: TurnRequest,
        request: Request,
        caller: Caller,
        slot: Annotated[StreamSlot, Depends(ctx.stream_slot)],
    ) -> AsyncIterator[OpenedStream]:
        """The turn taken and its stream opened up to the first frames, before the answer
        starts, so a bad turn is a problem answer, not a broken stream; closed once the
        answer has ended."""
        if request.headers.get(LAST_EVENT_ID) is not None:
            # An SSE client retrying a dropped stream (fetch-event-source does, with the same
            # body) would otherwise take the turn a second time.
            raise ProblemError(
                409,
                "stream-not-resumable",
                f"a turn's stream cannot be resumed (this request sends {LAST_EVENT_ID}): asking"
                " again would take the turn again; GET the session to see whether it was taken"
                " (`turns`), and send the next turn without that header",
            )
        check_turn(body)
        session = ctx.sessions.get(caller, session_id)
        opened = await workers.run(OPENING, open_turn, session, body, request.url.path, slot)
        with opened as stream:
            yield stream

    @router.post(
        "/v1/sessions",
        status_code=201,
        response_model=SessionState,
        dependencies=[charge_body],
        responses={
            **GUARDED,
            **BODY_ERRORS,
            429: {
                "description": "Rate limited, or the key holds its quota of sessions;"
                " see Retry-After",
                **PROBLEM,
            },
            503: {"description": "Too many sessions; see Retry-After", **PROBLEM},
        },
    )
    async def create_session(
        caller: Caller, body: Annotated[SessionCreate | None, Body()] = None
    ) -> SessionState:
        """Start a conversation. It lives in memory until unused for the session TTL. Every
        field has a default, so the body may be left out (or be `{}`)."""
        if body is None:
            body = SessionCreate()
        talk = Conversation(
            characters=body.characters,
            title=body.title,
            fps=body.fps,
            seed=body.seed,
            max_characters=settings.max_session_characters,
            language=body.language,
            limits=settings.scene_limits(),
        )
        return state(ctx.sessions.create(caller, talk))

    @router.get("/v1/sessions", response_model=SessionList, responses=GUARDED)
    async def list_sessions(caller: Caller) -> SessionList:
        """The caller's live sessions (at most `max_sessions_per_key`), the most recently used
        first, each as `GET /v1/sessions/{id}` answers it; listing does not renew them."""
        return SessionList(sessions=[state(s) for s in ctx.sessions.owned_by(caller)])

    @router.get(
        "/v1/sessions/{session_id}",
        response_model=SessionState,
        responses={**GUARDED, **NOT_FOUND},
    )
    async def get_session(session_id: str, caller: Caller) -> SessionState:
        """The session's state: present characters, their carried emotions, who spoke last."""
        return state(ctx.sessions.get(caller, session_id))

    @router.delete("/v1/sessions/{session_id}", status_code=204, responses={**GUARDED, **NOT_FOUND})
    async def delete_session(session_id: str, caller: Caller) -> Response:
        """End the session now."""
        ctx.sessions.delete(caller, session_id)
        return Response(status_code=204)

    @router.post(
        "/v1/sessions/{session_id}/turns",
        response_model=TurnResult,
        responses=TURN_ERRORS,
        dependencies=[charge_body],
    )
    async def turn(session_id: str, body: TurnRequest, caller: Caller) -> Response:
        """Take a turn: the plan of the line for every present character, and what the
        session's context added (addressee, carried emotion, answer)."""
        check_turn(body)
        session = ctx.sessions.get(caller, session_id)
        result = await run_in_threadpool(take_turn, session, body)
        return Response(result.model_dump_json(), media_type="application/json")

    @router.post(
        "/v1/sessions/{session_id}/turns/stream",
        response_class=EventSourceResponse,
        responses={
            **TURN_SSE_RESPONSE,
            **TURN_ERRORS,
            **STREAM_LIMITED,
            409: {
                "description": "A retry of a lost stream (`Last-Event-ID`): a turn's stream"
                " is not resumed, and the turn is not taken again",
                **PROBLEM,
            },
        },
        tags=["streaming"],
        dependencies=[charge_body],
    )
    async def turn_stream(
        stream: Annotated[OpenedStream, Depends(opened_turn_stream)],
    ) -> AsyncIterator[TurnStreamEvent]:
        """Take a turn and stream it as SSE: `header`, `plan` (the turn result), `frames`,
        `done`."""
        event: ServerSentEvent
        async for event in server_sent_events(stream, workers):
            yield event  # type: ignore[misc]

    @router.websocket("/v1/sessions/{session_id}/ws")
    async def session_socket(websocket: WebSocket, session_id: str) -> None:
        """Turns as JSON messages; each is answered by its stream's events as messages."""
        await websocket.accept()
        path = websocket.url.path
        origin = websocket.headers.get("origin")
        if not websocket_origin_allowed(origin, websocket.headers.get("host"), cors_origins):
            refusal = problem_body(
                403, "origin-not-allowed", origin_refusal(str(origin)), instance=path
            )
            await _send_problem(websocket, refusal)
            await websocket.close(code=WS_POLICY_VIOLATION)
            return
        key = websocket.headers.get(API_KEY_HEADER) or websocket.query_params.get(API_KEY_QUERY)
        host = websocket.client.host if websocket.client else None
        try:
            caller = ctx.guard.admit(
                key,
                host,
                where=f"the {API_KEY_HEADER} header or the {API_KEY_QUERY} query parameter",
            )
            session = ctx.sessions.get(caller, session_id)
        except ProblemError as error:
            code = WS_TRY_AGAIN_LATER if error.status == 429 else WS_POLICY_VIOLATION
            await _send_problem(websocket, _problem(error, path))
            await websocket.close(code=code)
            return
        connection = request_ids.current() or request_ids.new_request_id()
        # A page cannot read the handshake's X-Request-ID: `ready` tells it the connection's
        # id, so that it can quote `<id>.<n>` for its n-th message.
        await websocket.send_text(
            ws_message("ready", state(session).model_dump_json(), request_id=connection)
        )
        try:
            for number in itertools.count(1):
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                # Each message its own id, so a failed turn's log lines are its alone.
                request_ids.serve_as(f"{connection}.{number}")
                text = message.get("text")
                data = text.encode("utf-8") if text is not None else message.get("bytes") or b""
                size = len(data)
                if size > settings.max_body_bytes:
                    limit = settings.max_body_bytes
                    await _send_problem(
                        websocket,
                        problem_body(
                            413,
                            "body-too-large",
                            f"the message is over the limit of {limit} bytes",
                            instance=path,
                            limit=limit,
                        ),
                    )
                    await websocket.close(code=WS_TOO_BIG)
                    return
                # The turn's stream slot is held until its last event has gone out.
                with ExitStack() as slot:
                    try:
                        turn = _parse_message(text if text is not None else _utf8(data))
                        if turn is None:
                            # A ping keeps the session alive; it costs no rate-limit token,
                            # so a client at its limit can still keep the connection open.
                            ctx.sessions.get(caller, session_id)
                            await websocket.send_text(ws_message("pong", "{}"))
                            continue
                        check_turn(turn)
                        ctx.guard.throttle(caller, ctx.guard.cost(size))
                        session = ctx.sessions.get(caller, session_id)
                        held = slot.enter_context(ctx.open_streams.slot(caller))
                        events = slot.enter_context(
                            await workers.run(OPENING, open_turn, session, turn, path, held)
                        )
                    except ProblemError as error:
                        await _send_problem(websocket, _problem(error, path))
                        if error.status == 404:
                            await websocket.close(code=WS_POLICY_VIOLATION)
                            return
                        continue
                    except _InvalidMessage as error:
                        await _send_problem(websocket, error.body(path))
                        continue
                    except RequestValidationError as error:
                        # A field over a limit of the server's settings (`check_turn`).
                        await _send_problem(
                            websocket, validation_problem_body(error.errors(), path)
                        )
                        continue
                    except MotionDirectorError as error:
                        await _send_problem(websocket, library_problem_body(error, path))
                        continue
                    async for name, data in events_of(events, workers):
                        await websocket.send_text(ws_message(name, data))
        except WebSocketDisconnect:
            return
        except Exception:
            log.exception("WebSocket session %s failed", session_id)
            await _send_problem(
                websocket, problem_body(500, "internal", "the session failed", instance=path)
            )
            await websocket.close(code=WS_INTERNAL_ERROR)

    return router


def _emotion(mood: Mood | None) -> EmotionState | None:
    if mood is None:
        return None
    return EmotionState(label=mood.label, intensity=mood.intensity, since_turn=mood.turn)


def _result(session: Session, outcome: TurnOutcome, state: SessionState) -> TurnResult:
    return TurnResult(
        session=session.id,
        turn=outcome.turn,
        plan=outcome.plan,
        context=TurnContext(
            addressee=outcome.addressee,
            addressee_from=outcome.addressee_from,
            carried_emotion=_emotion(outcome.carried),
            answers_question=outcome.answers_question,
        ),
        state=state,
    )


class _InvalidMessage(Exception):
    def __init__(self, errors: list[tuple[str, str]] | None = None, raw: Any = None) -> None:
        super().__init__("invalid message")
        self.errors = errors
        self.raw = raw

    def body(self, instance: str) -> dict[str, Any]:
        if self.raw is not None:
            return validation_problem_body(self.raw, instance)
        return invalid_request_body(self.errors or [], instance)


def _utf8(data: bytes) -> str:
    """A binary message's text; 422 naming `message` when it is not UTF-8 (as an HTTP body
    that is not is refused, rather than read with replacement characters)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _InvalidMessage(
            [("message", f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}")]
        ) from None


def _parse_message(raw: str) -> TurnRequest | None:
    """A turn, or None for a ping. Messages are `{"type": "turn", ...turn fields}` (the type
    may be left out) or `{"type": "ping"}`."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise _InvalidMessage([("message", f"not valid JSON at {where}: {error.msg}")]) from None
    except RecursionError:
        raise _InvalidMessage([("message", "the JSON is nested too deeply to be read")]) from None
    except ValueError as error:
        # e.g. an integer of more digits than Python converts; its advice on raising that
        # limit is for the server's code, not for the client.
        reason = str(error).partition("; use sys.")[0]
        raise _InvalidMessage([("message", f"cannot be read as JSON: {reason}")]) from None
    if not isinstance(data, dict):
        raise _InvalidMessage([("message", "not a JSON object")])
    kind = data.pop("type", "turn")
    if kind == "ping":
        return None
    if kind != "turn":
        raise _InvalidMessage([("type", f"unknown message type {kind!r}; use turn or ping")])
    try:
        return TurnRequest.model_validate(data)
    except ValidationError as error:
        raw_errors = [
            {"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()
        ]
        raise _InvalidMessage(raw=raw_errors) from None


def _problem(error: ProblemError, instance: str) -> dict[str, Any]:
    return problem_body(error.status, error.kind, error.detail, instance=instance, **error.extra)


async def _send_problem(websocket: WebSocket, body: dict[str, Any]) -> None:
    log_problem(body)
    await websocket.send_text(ws_message("error", json.dumps(body)))
