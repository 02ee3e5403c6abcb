"""What the routes of one app share: settings, the guard, live sessions, the scene-job runner,
and the helpers every route uses (script length checks, body realization for streams)."""

# No `from __future__ import annotations`: FastAPI reads the dependency's annotations, which
# name a local (`api_key`), at runtime.
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.planners import Planner, get_planner
from motiondirector.retrieval.builtin import builtin_clip_library, open_library
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.scene.source import check_text
from motiondirector.server.errors import ProblemError, too_long
from motiondirector.server.guard import API_KEY_HEADER, Guard
from motiondirector.server.jobs import JobRunner
from motiondirector.server.memory import MemoryReleaser
from motiondirector.server.models import ScriptSource
from motiondirector.server.scene_artifacts import script_of
from motiondirector.server.sessions import SessionStore
from motiondirector.server.settings import ServerSettings
from motiondirector.server.stream_quota import StreamQuota, StreamSlot

if TYPE_CHECKING:
    from motiondirector.realize.faces import FaceLibrary
from motiondirector.streaming import PlanFrames
from motiondirector.streaming.frames import StreamEnd


@dataclass
class ServerContext:
    settings: ServerSettings
    guard: Guard
    sessions: SessionStore
    runner: JobRunner | None = None
    faces: "FaceLibrary | None" = None
    """The face library streams realize faces from (`settings.face_library`, opened once)."""
    caller: Callable[..., str] = field(init=False, repr=False)
    open_streams: StreamQuota = field(init=False, repr=False)
    """The frame streams each key holds open (`settings.max_streams_per_key`)."""
    memory: MemoryReleaser = field(init=False, repr=False)
    """Gives the memory of ended streams back to the system."""

    stream_slot: Callable[..., AsyncIterator[StreamSlot]] = field(init=False, repr=False)
    """A FastAPI dependency: one of the caller's open streams, held until the answer ends."""

    def __post_init__(self) -> None:
        self.caller = caller_dependency(self.guard)
        self.memory = MemoryReleaser()
        self.open_streams = StreamQuota(
            self.settings.max_streams_per_key,
            self.memory.request,
            max_frames=self.settings.max_open_stream_frames,
            max_frames_per_caller=self.settings.max_stream_frames_per_key,
        )
        self.stream_slot = stream_slot_dependency(self.open_streams, self.caller)

    def jobs(self) -> JobRunner:
        """The job runner; 503 until the app has started (its lifespan opens the database)."""
        if self.runner is None:
            raise ProblemError(503, "not-ready", "scene jobs are not available yet")
        return self.runner

    def frames(
        self,
        plan: MotionPlan,
        fps: int | None = None,
        *,
        cast: dict[str, str] | None = None,
        after: StreamEnd | None = None,
    ) -> PlanFrames:
        """The frame stream of `plan`: bodies from the clip library, faces from the face
        library when the server has one; a session's turns pass its `cast` so far, which keeps
        each character one person from turn to turn, and where the last turn's frames ended
        (`after`), where this turn's start."""
        faces = self.faces
        threshold = self.settings.face_threshold
        if faces is not None and cast is not None and faces.casting:
            from motiondirector.realize.faces import keep_casting

            faces = keep_casting(plan, faces, cast, threshold=threshold)
        return PlanFrames(
            plan,
            fps=fps,
            library=self.library(),
            faces=faces,
            face_threshold=threshold,
            after=after,
        )

    def library(self) -> ClipLibrary:
        """The clip library bodies are realized from: `settings.clip_library`, else the
        built-in gesture library (each opened once)."""
        if self.settings.clip_library is not None:
            return open_library(self.settings.clip_library)
        return builtin_clip_library(self.settings.clip_cache_dir)

    def planner(self, name: str) -> Planner:
        """The planner a request names; 422 naming `planner` when this server has no LLM."""
        if name != "rules" and self.settings.llm is None:
            raise RequestValidationError(
                [
                    {
                        "type": "unavailable",
                        "loc": ("body", "planner"),
                        "msg": f"this server has no LLM configured for the {name} planner "
                        "(MOTIONDIRECTOR_LLM_MODEL); use rules",
                    }
                ]
            )
        return get_planner(name, self.settings.llm)

    def script_text(self, body: ScriptSource) -> tuple[str, str]:
        """(text, format) of a request's script; 422 naming the field when it is too long, and
        the script errors of text that is not a script at all (NUL, lone surrogates), before
        anything is stored or planned."""
        text, format = script_of(body)
        name = "script" if body.script is not None else "dialogue"
        if len(text) > self.settings.max_script_chars:
            raise too_long(name, self.settings.max_script_chars, len(text), "max_script_chars")
        check_text(text, None)
        return text, format


def caller_dependency(guard: Guard) -> Callable[..., str]:
    """A FastAPI dependency: the calling key's identity, rate-limited (401, 429)."""
    api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)

    def caller(request: Request, key: Annotated[str | None, Depends(api_key)]) -> str:
        host = request.client.host if request.client else None
        return guard.admit(key, host, where=f"the {API_KEY_HEADER} header")

    return caller


def stream_slot_dependency(
    quota: StreamQuota, caller: Callable[..., str]
) -> Callable[..., AsyncIterator[StreamSlot]]:
    """A FastAPI dependency holding one of the caller's stream slots (429 `stream-quota` when
    none is free) until the answer has been sent or the client has left: the code after a
    dependency's `yield` runs once the response is done. The route holds the stream's frames
    on it once its plan is known."""

    async def stream_slot(who: Annotated[str, Depends(caller)]) -> AsyncIterator[StreamSlot]:
        with quota.slot(who) as slot:
            yield slot

    return stream_slot
