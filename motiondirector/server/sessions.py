"""Live conversation sessions in memory: created, found by id, forgotten after a TTL.

A session belongs to the caller that made it (a key digest): another caller, an unknown id and
an expired one all get the same 404, so ids cannot be probed. At most `max_per_owner` live at
once per caller (429 `session-quota` beyond), so one key cannot take every place, and at most
`max_sessions` in all (503 `too-many-sessions`); expired ones are swept before a new one is
refused, and Retry-After says when the oldest that counts expires. Sessions do not survive a
restart: they are conversational state, cheap to start again.

Turns of one session run one at a time (each session has its own lock); different sessions
run in parallel.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from motiondirector.realize.conversation import Conversation
from motiondirector.server.errors import ProblemError
from motiondirector.server.security import Clock
from motiondirector.streaming.frames import StreamEnd

_ID_BYTES = 18
_SHOWN_ID_CHARS = 64
"""A 404 shows at most this much of the id it was given (real ids have 24)."""


@dataclass
class Session:
    id: str
    owner: str
    conversation: Conversation
    last_used: float
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    face_cast: dict[str, str] = field(default_factory=dict)
    """The face library's performer of each character so far (`realize.faces.keep_casting`):
    a character stays one person from turn to turn."""
    frames_end: StreamEnd | None = field(default=None, repr=False)
    """Where the last turn's frames ended, and the next turn's start (`PlanFrames.after`);
    None after a turn taken without frames."""


class SessionStore:
    """The live sessions of one server process."""

    def __init__(
        self, ttl: float, max_sessions: int, clock: Clock, *, max_per_owner: int | None = None
    ) -> None:
        self.ttl = ttl
        self.max_sessions = max_sessions
        self.max_per_owner = max_sessions if max_per_owner is None else max_per_owner
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, owner: str, conversation: Conversation) -> Session:
        with self._lock:
            now = self._clock()
            self._sweep(now)
            owned = [s.last_used for s in self._sessions.values() if s.owner == owner]
            if len(owned) >= self.max_per_owner:
                wait = self._wait(min(owned), now)
                raise ProblemError(
                    429,
                    "session-quota",
                    f"this key holds its quota of {self.max_per_owner} sessions"
                    " (max_sessions_per_key); delete finished ones or retry later",
                    headers={"Retry-After": str(wait)},
                    retry_after=wait,
                    quota="max_sessions_per_key",
                    limit=self.max_per_owner,
                )
            if len(self._sessions) >= self.max_sessions:
                oldest = min(s.last_used for s in self._sessions.values())
                wait = self._wait(oldest, now)
                raise ProblemError(
                    503,
                    "too-many-sessions",
                    f"the server holds its limit of {self.max_sessions} sessions; "
                    "delete finished ones or retry later",
                    headers={"Retry-After": str(wait)},
                    retry_after=wait,
                )
            session = Session(secrets.token_urlsafe(_ID_BYTES), owner, conversation, now)
            self._sessions[session.id] = session
            return session

    def get(self, owner: str, session_id: str) -> Session:
        """The caller's live session, its TTL restarted; 404 otherwise."""
        with self._lock:
            now = self._clock()
            session = self._sessions.get(session_id)
            if session is not None and now - session.last_used > self.ttl:
                del self._sessions[session_id]
                session = None
            if session is None or not secrets.compare_digest(session.owner, owner):
                raise ProblemError(404, "session-not-found", self._not_found(session_id))
            session.last_used = now
            return session

    def owned_by(self, owner: str) -> list[Session]:
        """The caller's live sessions, the most recently used first; listing them does not
        restart their TTLs. Their number is bounded by `max_per_owner`."""
        with self._lock:
            self._sweep(self._clock())
            owned = [s for s in self._sessions.values() if s.owner == owner]
        return sorted(owned, key=lambda s: s.last_used, reverse=True)

    def delete(self, owner: str, session_id: str) -> None:
        session = self.get(owner, session_id)
        with self._lock:
            self._sessions.pop(session.id, None)

    def _not_found(self, session_id: str) -> str:
        """What a 404 says: the same whatever the reason, so ids cannot be probed."""
        shown = (
            session_id if len(session_id) <= _SHOWN_ID_CHARS else session_id[:_SHOWN_ID_CHARS] + "…"
        )
        return (
            f"no session {shown!r} for this key: it never existed, was deleted, expired "
            f"after {self.ttl:g} s unused, or was lost when the server restarted (sessions "
            "live in its memory); start a new one with POST /v1/sessions"
        )

    def expires_in(self, session: Session) -> float:
        return round(max(0.0, session.last_used + self.ttl - self._clock()), 3)

    def _wait(self, last_used: float, now: float) -> int:
        """Whole seconds until a session last used at `last_used` expires (at least 1)."""
        return max(1, int(last_used + self.ttl - now) + 1)

    def _sweep(self, now: float) -> None:
        expired = [k for k, s in self._sessions.items() if now - s.last_used > self.ttl]
        for key in expired:
            del self._sessions[key]
