"""What the routes of one app share: settings, the guard, live sessions, the scene-job runner,
and the helpers every route uses (script length checks, body realization for streams)."""

# No `from __future__ import annotations`: FastAPI reads the dependency's annotations, which
# name a local (`api_key`), at runtime.
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.planners import Planner, get_planner
from motiondirector.server.errors import ProblemError, too_long
from motiondirector.server.guard import API_KEY_HEADER, Guard
from motiondirector.server.jobs import JobRunner
from motiondirector.server.models import ScriptSource
from motiondirector.server.sessions import SessionStore
from motiondirector.server.settings import ServerSettings
from motiondirector.streaming.body import RealizedBody, realize_body


@dataclass
class ServerContext:
    settings: ServerSettings
    guard: Guard
    sessions: SessionStore
    runner: JobRunner | None = None
    caller: Callable[..., str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.caller = caller_dependency(self.guard)

    def jobs(self) -> JobRunner:
        """The job runner; 503 until the app has started (its lifespan opens the database)."""
        if self.runner is None:
            raise ProblemError(503, "not-ready", "scene jobs are not available yet")
        return self.runner

    def realize_body(self, plan: MotionPlan) -> RealizedBody:
        return realize_body(plan, cache_dir=self.settings.clip_cache_dir)

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
        """(text, format) of a request's script; 422 naming the field when it is too long."""
        if body.dialogue is not None:
            text, name, format = json.dumps(body.dialogue, indent=2), "dialogue", "json"
        else:
            assert body.script is not None
            text, name, format = body.script, "script", body.format
        if len(text) > self.settings.max_script_chars:
            raise too_long(name, self.settings.max_script_chars, len(text))
        return text, format


def caller_dependency(guard: Guard) -> Callable[..., str]:
    """A FastAPI dependency: the calling key's identity, rate-limited (401, 429)."""
    api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)

    def caller(request: Request, key: Annotated[str | None, Depends(api_key)]) -> str:
        host = request.client.host if request.client else None
        return guard.admit(key, host, where=f"the {API_KEY_HEADER} header")

    return caller
