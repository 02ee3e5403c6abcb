"""Server configuration: keys, limits and CORS, from code or the environment.

Plain keys are hashed as soon as they are read and never kept. Environment variables
(all optional):

    MOTIONDIRECTOR_API_KEYS          comma-separated plain keys
    MOTIONDIRECTOR_API_KEYS_FILE     file with one sha256 hex digest (or "sha256:<hex>") a line
    MOTIONDIRECTOR_ALLOW_ANONYMOUS   "1"/"true" to serve without keys
    MOTIONDIRECTOR_RATE              requests per second per key (float)
    MOTIONDIRECTOR_BURST             bucket size per key (int)
    MOTIONDIRECTOR_MAX_BODY_BYTES    request body limit in bytes
    MOTIONDIRECTOR_MAX_SCRIPT_CHARS  script length limit in characters
    MOTIONDIRECTOR_CORS_ORIGINS      comma-separated allowed origins
    MOTIONDIRECTOR_JOBS_DB           SQLite file of scene jobs (default: the user cache dir)
    MOTIONDIRECTOR_JOB_WORKERS       scene jobs run at once
    MOTIONDIRECTOR_MAX_PENDING_JOBS  scene jobs queued or running before new ones get 503
    MOTIONDIRECTOR_SESSION_TTL       seconds an idle session is kept
    MOTIONDIRECTOR_MAX_SESSIONS      live sessions kept at once
    MOTIONDIRECTOR_MAX_TURN_CHARS    length limit of one turn's text
    MOTIONDIRECTOR_WARM_UP           "0"/"false" to skip loading models before /readyz
    MOTIONDIRECTOR_LLM_MODEL         model of the `llm` and `hybrid` planners (unset: rules only)
    MOTIONDIRECTOR_LLM_BASE_URL      its OpenAI-compatible server (unset: OpenAI)
    MOTIONDIRECTOR_LLM_MODE          json_schema | structured_outputs | json_object
    MOTIONDIRECTOR_LLM_API_KEY_ENV   the variable holding its key (default OPENAI_API_KEY)
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import TypeVar

from motiondirector.errors import MotionDirectorError
from motiondirector.planners.llm_client import LLMConfig
from motiondirector.server.security import Clock, hash_key

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")
T = TypeVar("T", int, float)


@dataclass(frozen=True)
class ServerSettings:
    """What the server accepts and from whom.

    api_keys: plain keys, hashed on construction (only `key_hashes` is kept).
    key_hashes: sha256 hex digests of the accepted keys.
    allow_anonymous: serve without keys; required to start when no key is configured.
    rate_per_second, burst: the token bucket per key (per client address when anonymous).
    max_body_bytes: request bodies larger than this get 413.
    max_script_chars: `script` (or the serialized `dialogue`) longer than this gets 422.
    cors_origins: origins allowed by CORS; empty means no CORS headers at all.
    warm_up: load the planner and the clip library and plan a tiny scene at startup before
        /readyz says ready.
    jobs_db: the SQLite file scene jobs and their artifacts live in; None: `jobs.sqlite3` in
        the user cache dir (`motiondirector.cache.user_cache_dir()`).
    job_workers: scene jobs run at once (a bounded thread pool).
    max_pending_jobs: scene jobs queued or running at once; more get 503 with Retry-After.
    session_ttl_s: a session unused this long is forgotten.
    max_sessions: live sessions at once; a new one beyond gets 503 with Retry-After.
    max_session_turns: turns one session takes; more get 422 naming `turns`.
    max_session_characters: characters one session holds.
    max_turn_chars, max_turn_words: limits of one turn's `text` and `words` (422 beyond).
    clip_cache_dir: where the built-in clip library's index is cached (None: the user cache).
    llm: the LLM behind the `llm` and `hybrid` planners; None: requests for them get 422.
    clock: the limiter's monotonic clock (tests inject a fake one).
    """

    api_keys: InitVar[Iterable[str]] = ()
    key_hashes: frozenset[str] = frozenset()
    allow_anonymous: bool = False
    rate_per_second: float = 10.0
    burst: int = 20
    max_body_bytes: int = 1_000_000
    max_script_chars: int = 100_000
    cors_origins: tuple[str, ...] = ()
    warm_up: bool = True
    jobs_db: Path | None = None
    job_workers: int = 2
    max_pending_jobs: int = 100
    session_ttl_s: float = 1800.0
    max_sessions: int = 1000
    max_session_turns: int = 10_000
    max_session_characters: int = 20
    max_turn_chars: int = 5_000
    max_turn_words: int = 1_000
    clip_cache_dir: Path | None = None
    llm: LLMConfig | None = None
    clock: Clock = field(default=time.monotonic, repr=False, compare=False)

    def __post_init__(self, api_keys: Iterable[str]) -> None:
        if isinstance(api_keys, str):
            raise MotionDirectorError("api_keys must be a list of keys, not one string")
        digests = {_normal_digest(d) for d in self.key_hashes}
        digests |= {hash_key(k) for k in api_keys if k}
        object.__setattr__(self, "key_hashes", frozenset(digests))
        object.__setattr__(self, "cors_origins", tuple(self.cors_origins))
        if self.rate_per_second <= 0:
            raise MotionDirectorError(f"rate_per_second must be > 0, got {self.rate_per_second}")
        if self.burst < 1:
            raise MotionDirectorError(f"burst must be >= 1, got {self.burst}")
        if self.max_body_bytes < 1 or self.max_script_chars < 1:
            raise MotionDirectorError("max_body_bytes and max_script_chars must be >= 1")
        counts = {
            "job_workers": self.job_workers,
            "max_pending_jobs": self.max_pending_jobs,
            "max_sessions": self.max_sessions,
            "max_session_turns": self.max_session_turns,
            "max_session_characters": self.max_session_characters,
            "max_turn_chars": self.max_turn_chars,
            "max_turn_words": self.max_turn_words,
        }
        for name, value in counts.items():
            if value < 1:
                raise MotionDirectorError(f"{name} must be >= 1, got {value}")
        if self.session_ttl_s <= 0:
            raise MotionDirectorError(f"session_ttl_s must be > 0, got {self.session_ttl_s}")

    def jobs_db_path(self) -> Path:
        """The jobs database file: `jobs_db`, or `jobs.sqlite3` in the user cache dir."""
        if self.jobs_db is not None:
            return Path(self.jobs_db)
        from motiondirector.cache import user_cache_dir

        return user_cache_dir() / "jobs.sqlite3"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """Settings from MOTIONDIRECTOR_* variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        keys = [k.strip() for k in env.get("MOTIONDIRECTOR_API_KEYS", "").split(",")]
        digests: set[str] = set()
        keys_file = env.get("MOTIONDIRECTOR_API_KEYS_FILE", "").strip()
        if keys_file:
            digests |= read_keys_file(keys_file)
        defaults = cls()
        jobs_db = env.get("MOTIONDIRECTOR_JOBS_DB", "").strip()
        return cls(
            api_keys=[k for k in keys if k],
            key_hashes=frozenset(digests),
            allow_anonymous=_flag(env, "MOTIONDIRECTOR_ALLOW_ANONYMOUS"),
            rate_per_second=_number(env, "MOTIONDIRECTOR_RATE", float, defaults.rate_per_second),
            burst=_number(env, "MOTIONDIRECTOR_BURST", int, defaults.burst),
            max_body_bytes=_number(
                env, "MOTIONDIRECTOR_MAX_BODY_BYTES", int, defaults.max_body_bytes
            ),
            max_script_chars=_number(
                env, "MOTIONDIRECTOR_MAX_SCRIPT_CHARS", int, defaults.max_script_chars
            ),
            cors_origins=tuple(
                o.strip()
                for o in env.get("MOTIONDIRECTOR_CORS_ORIGINS", "").split(",")
                if o.strip()
            ),
            warm_up=_flag(env, "MOTIONDIRECTOR_WARM_UP", default=True),
            jobs_db=Path(jobs_db) if jobs_db else None,
            job_workers=_number(env, "MOTIONDIRECTOR_JOB_WORKERS", int, defaults.job_workers),
            max_pending_jobs=_number(
                env, "MOTIONDIRECTOR_MAX_PENDING_JOBS", int, defaults.max_pending_jobs
            ),
            session_ttl_s=_number(env, "MOTIONDIRECTOR_SESSION_TTL", float, defaults.session_ttl_s),
            max_sessions=_number(env, "MOTIONDIRECTOR_MAX_SESSIONS", int, defaults.max_sessions),
            max_turn_chars=_number(
                env, "MOTIONDIRECTOR_MAX_TURN_CHARS", int, defaults.max_turn_chars
            ),
            llm=_llm(env),
        )


def _llm(env: Mapping[str, str]) -> LLMConfig | None:
    model = env.get("MOTIONDIRECTOR_LLM_MODEL", "").strip()
    if not model:
        return None
    try:
        return LLMConfig(
            model=model,
            base_url=env.get("MOTIONDIRECTOR_LLM_BASE_URL", "").strip() or None,
            mode=env.get("MOTIONDIRECTOR_LLM_MODE", "").strip() or "json_schema",
            api_key_env=env.get("MOTIONDIRECTOR_LLM_API_KEY_ENV", "").strip() or "OPENAI_API_KEY",
        )
    except ValueError as error:
        raise MotionDirectorError(f"MOTIONDIRECTOR_LLM_*: {error}") from None


def read_keys_file(path: str | os.PathLike[str]) -> set[str]:
    """Key digests from a file: one sha256 hex (or "sha256:<hex>") a line; # starts a comment."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MotionDirectorError(f"cannot read the keys file {path}: {error}") from None
    digests = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            digests.add(_normal_digest(line))
        except MotionDirectorError:
            raise MotionDirectorError(
                f"{path}:{number}: expected a sha256 hex digest or 'sha256:<hex>'"
            ) from None
    return digests


def _normal_digest(text: str) -> str:
    digest = text.strip().lower().removeprefix("sha256:")
    if not _DIGEST.match(digest):
        raise MotionDirectorError("a key hash must be 64 hex digits, optionally 'sha256:'-prefixed")
    return digest


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise MotionDirectorError(f"{name} must be true or false, got {value!r}")


def _number(env: Mapping[str, str], name: str, kind: type[T], default: T) -> T:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise MotionDirectorError(f"{name} must be a {kind.__name__}, got {value!r}") from None
