"""Server configuration: keys, limits and CORS, from code or the environment.

Plain keys are hashed as soon as they are read and never kept. Environment variables
(all optional):

    MOTIONDIRECTOR_API_KEYS          comma-separated plain keys
    MOTIONDIRECTOR_API_KEYS_FILE     file with one sha256 hex digest (or "sha256:<hex>") a line
    MOTIONDIRECTOR_ALLOW_ANONYMOUS   "1"/"true" to serve without keys
    MOTIONDIRECTOR_RATE              requests per second per key (float)
    MOTIONDIRECTOR_BURST             bucket size per key (int)
    MOTIONDIRECTOR_FAILED_AUTH_RATE  failed authentications per second per address (float)
    MOTIONDIRECTOR_FAILED_AUTH_BURST failed authentications an address may make at once (int)
    MOTIONDIRECTOR_MAX_BODY_BYTES    request body limit in bytes
    MOTIONDIRECTOR_MAX_SCRIPT_CHARS  script length limit in characters
    MOTIONDIRECTOR_CORS_ORIGINS      comma-separated allowed origins
    MOTIONDIRECTOR_JOBS_DB           SQLite file of scene jobs (default: the user cache dir)
    MOTIONDIRECTOR_JOB_WORKERS       scene jobs run at once
    MOTIONDIRECTOR_MAX_PENDING_JOBS  scene jobs queued or running before new ones get 503
    MOTIONDIRECTOR_JOB_MEMORY_BYTES  address space one scene job may add to its worker process
    MOTIONDIRECTOR_JOB_TIME          seconds one scene job may run
    MOTIONDIRECTOR_MAX_JOBS_PER_KEY  scene jobs one key holds at once (any status)
    MOTIONDIRECTOR_MAX_STORAGE_BYTES_PER_KEY  bytes of artifacts one key's jobs keep
    MOTIONDIRECTOR_SESSION_TTL       seconds an idle session is kept
    MOTIONDIRECTOR_MAX_SESSIONS      live sessions kept at once
    MOTIONDIRECTOR_MAX_SESSIONS_PER_KEY  live sessions one key holds at once
    MOTIONDIRECTOR_COST_BYTES_PER_TOKEN  request body bytes that cost one more rate-limit token
    MOTIONDIRECTOR_MAX_TURN_CHARS    length limit of one turn's text
    MOTIONDIRECTOR_MAX_SCENE_SECONDS longest scene a request may plan, in seconds
    MOTIONDIRECTOR_MAX_GAP_SECONDS   longest silence before a timed word, in seconds
    MOTIONDIRECTOR_MAX_WORD_SECONDS  longest timed word, in seconds
    MOTIONDIRECTOR_MAX_CHARACTERS    characters one scene may hold
    MOTIONDIRECTOR_MAX_UTTERANCES    spoken lines one scene may hold
    MOTIONDIRECTOR_MAX_CHARACTER_SECONDS  characters × scene seconds one scene may hold
    MOTIONDIRECTOR_CLIP_LIBRARY      clip library bodies are realized from (default: built-in)
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
from motiondirector.scene.limits import SceneLimits
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
    cost_bytes_per_token: a request takes one token, plus one for every this many bytes of its
        body (a WebSocket turn: of its message), at most `burst` in all.
    failed_auth_rate_per_second, failed_auth_burst: the token bucket of failed
        authentications per client address; once empty, the address gets 429.
    max_body_bytes: request bodies larger than this get 413.
    max_script_chars: `script` (or the serialized `dialogue`) longer than this gets 422.
    cors_origins: origins allowed by CORS; empty means no CORS headers at all.
    warm_up: load the planner and the clip library and plan a tiny scene at startup before
        /readyz says ready.
    jobs_db: the SQLite file scene jobs and their artifacts live in; None: `jobs.sqlite3` in
        the user cache dir (`motiondirector.cache.user_cache_dir()`).
    job_workers: scene jobs run at once (a bounded thread pool; each job runs in a worker
        process, kept warm between jobs).
    max_pending_jobs: scene jobs queued or running at once; more get 503 with Retry-After.
    job_memory_bytes: address space (RLIMIT_AS) one scene job may add to its warm worker
        process; a job over it fails with `job-resources-exceeded`.
    job_time_s: wall time one scene job may run; a job past it is stopped and fails with
        `job-resources-exceeded`.
    max_jobs_per_key: scene jobs one key holds at once, queued, running or finished and kept;
        more get 429 `job-quota`.
    max_storage_bytes_per_key: bytes of artifacts one key's jobs keep; a new job once they
        are full gets 507 `storage-quota`, and a job whose artifacts would go over fails so.
    session_ttl_s: a session unused this long is forgotten.
    max_sessions: live sessions at once; a new one beyond gets 503 with Retry-After.
    max_sessions_per_key: live sessions one key holds at once; a new one beyond gets 429
        `session-quota` with Retry-After.
    max_session_turns: turns one session takes; more get 422 naming `turns`.
    max_session_characters: characters one session holds.
    max_turn_chars, max_turn_words: limits of one turn's `text` and `words` (422 beyond).
    max_scene_seconds, max_gap_seconds, max_word_seconds, max_characters, max_utterances,
    max_character_seconds: what one planned scene (a request, a job, a turn) may ask for;
        422 naming the field beyond (see `scene.limits.SceneLimits`). They bound the memory
        and time a request costs.
    clip_library: the clip library (`index build` folder) streams and scene jobs realize body
        motion from; None: the built-in gesture library.
    clip_cache_dir: where the built-in clip library's index is cached (None: the user cache).
    llm: the LLM behind the `llm` and `hybrid` planners; None: requests for them get 422.
    clock: the limiter's monotonic clock (tests inject a fake one).
    """

    api_keys: InitVar[Iterable[str]] = ()
    key_hashes: frozenset[str] = frozenset()
    allow_anonymous: bool = False
    rate_per_second: float = 10.0
    burst: int = 20
    failed_auth_rate_per_second: float = 0.2
    failed_auth_burst: int = 20
    max_body_bytes: int = 1_000_000
    max_script_chars: int = 100_000
    cors_origins: tuple[str, ...] = ()
    warm_up: bool = True
    jobs_db: Path | None = None
    job_workers: int = 2
    max_pending_jobs: int = 100
    job_memory_bytes: int = 2 * 1024**3
    job_time_s: float = 600.0
    max_jobs_per_key: int = 50
    max_storage_bytes_per_key: int = 1_000_000_000
    session_ttl_s: float = 1800.0
    max_sessions: int = 1000
    max_sessions_per_key: int = 100
    cost_bytes_per_token: int = 10_000
    max_session_turns: int = 10_000
    max_session_characters: int = 20
    max_turn_chars: int = 5_000
    max_turn_words: int = 1_000
    max_scene_seconds: float = 2 * 3600.0
    max_gap_seconds: float = 60.0
    max_word_seconds: float = 30.0
    max_characters: int = 50
    max_utterances: int = 5_000
    max_character_seconds: float = 6 * 3600.0
    clip_library: Path | None = None
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
            "max_sessions_per_key": self.max_sessions_per_key,
            "job_memory_bytes": self.job_memory_bytes,
            "max_jobs_per_key": self.max_jobs_per_key,
            "max_storage_bytes_per_key": self.max_storage_bytes_per_key,
            "cost_bytes_per_token": self.cost_bytes_per_token,
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
        if not self.job_time_s > 0:
            raise MotionDirectorError(f"job_time_s must be > 0, got {self.job_time_s}")
        self.scene_limits()  # raises on a bound that is not a positive number

    def scene_limits(self) -> SceneLimits:
        """The limits every scene this server plans is checked against."""
        return SceneLimits(
            max_duration_s=self.max_scene_seconds,
            max_gap_s=self.max_gap_seconds,
            max_word_s=self.max_word_seconds,
            max_characters=self.max_characters,
            max_utterances=self.max_utterances,
            max_character_seconds=self.max_character_seconds,
        )

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
        clip_library = env.get("MOTIONDIRECTOR_CLIP_LIBRARY", "").strip()
        return cls(
            api_keys=[k for k in keys if k],
            key_hashes=frozenset(digests),
            allow_anonymous=_flag(env, "MOTIONDIRECTOR_ALLOW_ANONYMOUS"),
            rate_per_second=_number(env, "MOTIONDIRECTOR_RATE", float, defaults.rate_per_second),
            burst=_number(env, "MOTIONDIRECTOR_BURST", int, defaults.burst),
            failed_auth_rate_per_second=_number(
                env,
                "MOTIONDIRECTOR_FAILED_AUTH_RATE",
                float,
                defaults.failed_auth_rate_per_second,
            ),
            failed_auth_burst=_number(
                env, "MOTIONDIRECTOR_FAILED_AUTH_BURST", int, defaults.failed_auth_burst
            ),
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
            clip_library=Path(clip_library) if clip_library else None,
            job_workers=_number(env, "MOTIONDIRECTOR_JOB_WORKERS", int, defaults.job_workers),
            max_pending_jobs=_number(
                env, "MOTIONDIRECTOR_MAX_PENDING_JOBS", int, defaults.max_pending_jobs
            ),
            session_ttl_s=_number(env, "MOTIONDIRECTOR_SESSION_TTL", float, defaults.session_ttl_s),
            max_sessions=_number(env, "MOTIONDIRECTOR_MAX_SESSIONS", int, defaults.max_sessions),
            max_sessions_per_key=_number(
                env, "MOTIONDIRECTOR_MAX_SESSIONS_PER_KEY", int, defaults.max_sessions_per_key
            ),
            job_memory_bytes=_number(
                env, "MOTIONDIRECTOR_JOB_MEMORY_BYTES", int, defaults.job_memory_bytes
            ),
            job_time_s=_number(env, "MOTIONDIRECTOR_JOB_TIME", float, defaults.job_time_s),
            max_jobs_per_key=_number(
                env, "MOTIONDIRECTOR_MAX_JOBS_PER_KEY", int, defaults.max_jobs_per_key
            ),
            max_storage_bytes_per_key=_number(
                env,
                "MOTIONDIRECTOR_MAX_STORAGE_BYTES_PER_KEY",
                int,
                defaults.max_storage_bytes_per_key,
            ),
            cost_bytes_per_token=_number(
                env, "MOTIONDIRECTOR_COST_BYTES_PER_TOKEN", int, defaults.cost_bytes_per_token
            ),
            max_turn_chars=_number(
                env, "MOTIONDIRECTOR_MAX_TURN_CHARS", int, defaults.max_turn_chars
            ),
            max_scene_seconds=_number(
                env, "MOTIONDIRECTOR_MAX_SCENE_SECONDS", float, defaults.max_scene_seconds
            ),
            max_gap_seconds=_number(
                env, "MOTIONDIRECTOR_MAX_GAP_SECONDS", float, defaults.max_gap_seconds
            ),
            max_word_seconds=_number(
                env, "MOTIONDIRECTOR_MAX_WORD_SECONDS", float, defaults.max_word_seconds
            ),
            max_characters=_number(
                env, "MOTIONDIRECTOR_MAX_CHARACTERS", int, defaults.max_characters
            ),
            max_utterances=_number(
                env, "MOTIONDIRECTOR_MAX_UTTERANCES", int, defaults.max_utterances
            ),
            max_character_seconds=_number(
                env,
                "MOTIONDIRECTOR_MAX_CHARACTER_SECONDS",
                float,
                defaults.max_character_seconds,
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
