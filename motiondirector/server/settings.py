"""Server configuration: keys, limits and CORS, from code, the environment or a `.env` file.

`ServerSettings` is a pydantic-settings model. Each field is read from arguments given in code,
else from the variable `MOTIONDIRECTOR_<FIELD>` (`MOTIONDIRECTOR_MAX_BODY_BYTES`), else from
that variable in `.env` in the working directory, else its default. Five variables are named
otherwise (the `validation_alias` of their field): `MOTIONDIRECTOR_RATE`,
`MOTIONDIRECTOR_FAILED_AUTH_RATE`, `MOTIONDIRECTOR_JOB_TIME`, `MOTIONDIRECTOR_SESSION_TTL` and
`MOTIONDIRECTOR_SHUTDOWN_GRACE`.
Lists (`api_keys`, `key_hashes`, `cors_origins`) are comma-separated; an empty variable counts
as unset. A bad value raises MotionDirectorError naming the field and its variable. Plain keys
are hashed as soon as they are read and never kept.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from contextlib import suppress
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.scene import language_problem
from motiondirector.planners.llm_client import LLMConfig, StructuredOutputMode
from motiondirector.scene.limits import SceneLimits
from motiondirector.server.security import Clock, hash_key

PREFIX = "MOTIONDIRECTOR_"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
# The variables `from_env(environ)` reads instead of the process environment and `.env`.
_GIVEN_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("environ", default=None)


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)]
Digests = Annotated[frozenset[str], NoDecode, BeforeValidator(_comma_list)]
Count = Annotated[int, Field(ge=1)]
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]


_AT_LEAST = {
    "max_stream_frames_per_key": "max_stream_frames",
    "max_open_stream_frames": "max_stream_frames_per_key",
}
"""Stream frame limits that must be at least another, so that one stream can always run."""


class ServerSettings(BaseSettings):
    """What the server accepts and from whom (docs/api.md#configuration has the table).

    api_keys: plain keys, hashed as they are read: the field holds their sha256 digests, which
        join `key_hashes`.
    api_keys_file: a file of key digests, one sha256 hex (or "sha256:<hex>") a line.
    allow_anonymous: serve without keys; required to start when no key is configured.
    rate_per_second, burst: the token bucket per key (per client address when anonymous).
    cost_bytes_per_token: a request takes one token, plus one for every this many bytes of its
        body (a WebSocket turn: of its message), at most `burst` in all.
    failed_auth_rate_per_second, failed_auth_burst: the bucket of failed authentications per
        client address; once empty, the address gets 429.
    max_body_bytes: request bodies larger than this get 413.
    max_script_chars: `script` (or the serialized `dialogue`) longer than this gets 422.
    max_response_bytes: a plan (with its export) larger than this is not sent: 422
        `response-too-large` naming the limit, on `/v1/plan` and before a stream starts.
    max_stream_frames: frames times characters one frame stream may hold (a stream's memory
        and the time to its first frames grow with it); a plan or turn beyond gets 422
        `stream-too-large` before the stream starts (a turn is then not taken).
    max_streams_per_key: frame streams (SSE streams and WebSocket turns) one key holds open
        at once; more get 429 `stream-quota`.
    max_stream_frames_per_key: frames times characters one key's open streams hold
        together; a stream that does not fit gets 429 `stream-quota` before it starts (a turn
        is then not taken). At least `max_stream_frames`.
    max_open_stream_frames: frames times characters all open streams of every key hold
        together (their memory); a stream that does not fit gets 503 `too-many-streams`
        before it starts (a turn is then not taken). At least `max_stream_frames_per_key`.
    cors_origins: origins allowed by CORS; empty means no CORS headers at all.
    warm_up: load the planner and the clip library and plan a tiny scene at startup before
        /readyz says ready.
    warm_languages: languages (BCP 47 tags: ja, zh, yue) whose readers the warm-up loads too
        (Janome's, pypinyin's, ToJyutping's dictionaries), so that the first line in each is
        as quick as the rest; without them the first such line loads its dictionary.
    jobs_db: the SQLite file of scene jobs; None: `jobs.sqlite3` in the user cache dir.
    job_workers: scene jobs run at once, each in a warm worker process.
    max_pending_jobs: scene jobs queued or running at once; more get 503 with Retry-After.
    job_memory_bytes, job_time_s: address space one scene job may add to its worker, and wall
        time it may run; beyond either it fails with `job-resources-exceeded`.
    max_jobs_per_key: scene jobs one key holds at once (any status); more get 429 `job-quota`.
    max_storage_bytes_per_key: bytes of artifacts one key's jobs keep (507 `storage-quota`).
    session_ttl_s: a session unused this long is forgotten.
    shutdown_grace_s: on SIGTERM, `serve` stops accepting connections and waits this long
        for open answers (frame streams read slowly, or not at all) to end, then cuts them.
    max_sessions, max_sessions_per_key: live sessions at once (503), and per key (429
        `session-quota`).
    max_session_turns, max_session_characters: turns one session takes (422 naming `turns`)
        and characters it holds.
    max_turn_chars, max_turn_words: limits of one turn's `text` and `words` (422 beyond).
    max_scene_seconds ... max_character_seconds: what one planned scene may ask for; 422
        naming the field beyond (see `scene.limits.SceneLimits`).
    clip_library: the clip library (`index build` folder) streams and scene jobs realize body
        motion from; None: the built-in gesture library.
    clip_cache_dir: where the built-in clip library's index is cached (None: the user cache).
    face_library: a library built from videos (`index build VIDEO_FOLDER`): scene jobs with
        `body` realize every character's face and head from its real faces, as `direct
        --face-library` does; None: the plan's faces. Checked when the app is created.
    face_threshold: the score a real face needs to be used (as `direct --face-threshold`).
    face_cast: `NAME=PERFORMER` entries pinning a character's performer (as `direct --face-cast`);
        a name no scene or turn has is passed over. Checked when the app is created.
    face_casting: cast every other character one video of the face library (as `direct`);
        False: every slot takes its best face from any video (`--no-face-casting`).
    llm: the LLM behind the `llm` and `hybrid` planners, or built from `llm_model`,
        `llm_base_url`, `llm_mode` and `llm_api_key_env`; None: requests for them get 422.
    clock: the limiter's monotonic clock (tests inject a fake one).
    """

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=".env",
        env_ignore_empty=True,
        # A `.env` may hold other programs' variables; unknown arguments are refused in
        # `__init__` instead.
        extra="ignore",
        frozen=True,
        validate_by_name=True,
    )

    api_keys: CommaList = Field(default=(), repr=False, exclude=True)
    api_keys_file: Path | None = None
    key_hashes: Digests = Field(default=frozenset(), validate_default=True)
    allow_anonymous: bool = False
    rate_per_second: float = Field(default=10.0, gt=0, validation_alias=PREFIX + "RATE")
    burst: Count = 20
    failed_auth_rate_per_second: float = Field(
        default=0.2, gt=0, validation_alias=PREFIX + "FAILED_AUTH_RATE"
    )
    failed_auth_burst: Count = 20
    max_body_bytes: Count = 1_000_000
    max_script_chars: Count = 100_000
    max_response_bytes: Count = 50_000_000
    max_stream_frames: Count = 100_000
    max_streams_per_key: Count = 32
    max_stream_frames_per_key: Count = 250_000
    max_open_stream_frames: Count = 1_000_000
    cors_origins: CommaList = ()
    warm_up: bool = True
    warm_languages: CommaList = ()
    jobs_db: Path | None = None
    job_workers: Count = 2
    max_pending_jobs: Count = 100
    job_memory_bytes: Count = 2 * 1024**3
    job_time_s: Seconds = Field(default=600.0, validation_alias=PREFIX + "JOB_TIME")
    max_jobs_per_key: Count = 50
    max_storage_bytes_per_key: Count = 1_000_000_000
    session_ttl_s: Seconds = Field(default=1800.0, validation_alias=PREFIX + "SESSION_TTL")
    shutdown_grace_s: Seconds = Field(default=30.0, validation_alias=PREFIX + "SHUTDOWN_GRACE")
    max_sessions: Count = 1000
    max_sessions_per_key: Count = 100
    cost_bytes_per_token: Count = 10_000
    max_session_turns: Count = 10_000
    max_session_characters: Count = 20
    max_turn_chars: Count = 5_000
    max_turn_words: Count = 1_000
    max_scene_seconds: Seconds = 2 * 3600.0
    max_gap_seconds: Seconds = 60.0
    max_word_seconds: Seconds = 30.0
    max_characters: Count = 50
    max_utterances: Count = 5_000
    max_character_seconds: Seconds = 6 * 3600.0
    clip_library: Path | None = None
    clip_cache_dir: Path | None = None
    face_library: Path | None = None
    face_threshold: float = Field(default=0.6, ge=0.0, allow_inf_nan=False)
    face_cast: CommaList = ()
    face_casting: bool = True
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_mode: StructuredOutputMode | None = None
    llm_api_key_env: str | None = None
    llm: LLMConfig | None = Field(default=None, validate_default=True)
    clock: Clock = Field(default=time.monotonic, repr=False, exclude=True)

    def __init__(self, **values: Any) -> None:
        unknown = [name for name in values if not name.startswith("_") and name not in _NAMES]
        if unknown:
            raise MotionDirectorError(f"unknown server setting(s): {', '.join(sorted(unknown))}")
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise MotionDirectorError(_describe(error)) from None

    @field_validator("api_keys", mode="after")
    @classmethod
    def _hash_keys(cls, keys: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({hash_key(key) for key in keys if key}))

    @field_validator("key_hashes", mode="after")
    @classmethod
    def _all_digests(cls, digests: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        found = {_normal_digest(d) for d in digests} | set(info.data.get("api_keys", ()))
        keys_file = info.data.get("api_keys_file")
        if keys_file is not None:
            found |= read_keys_file(keys_file)
        return frozenset(found)

    @field_validator("face_cast", mode="after")
    @classmethod
    def _name_equals_video(cls, entries: tuple[str, ...]) -> tuple[str, ...]:
        for entry in entries:
            name, equals, video = entry.partition("=")
            if not (equals and name.strip() and video.strip()):
                raise ValueError(f"{entry!r} is not NAME=PERFORMER")
        return entries

    def face_cast_pins(self) -> dict[str, str]:
        """`face_cast` as character -> video."""
        pairs = (entry.partition("=") for entry in self.face_cast)
        return {name.strip(): video.strip() for name, _, video in pairs}

    @field_validator("warm_languages", mode="after")
    @classmethod
    def _language_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        for tag in tags:
            if (problem := language_problem(tag)) is not None:
                raise ValueError(problem)
        return tags

    @field_validator("cors_origins", mode="after")
    @classmethod
    def _browser_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            expected = _origin_as_sent(origin)
            if origin != expected:
                # CORS compares the Origin header byte for byte: an entry written otherwise
                # never matches, and the page sees only a network error.
                raise ValueError(
                    f"{origin!r} is not an origin as a browser sends it: write "
                    f"scheme://host[:port] with no path, e.g. {expected!r}, or '*' for any"
                )
        return origins

    @field_validator(*_AT_LEAST, mode="after")
    @classmethod
    def _room_for_the_smaller_limit(cls, frames: int, info: ValidationInfo) -> int:
        smaller = _AT_LEAST[str(info.field_name)]
        limit = info.data.get(smaller)
        if limit is not None and frames < limit:
            # A stream within the smaller limit would be refused however idle the server.
            raise ValueError(f"must be at least {smaller} ({limit})")
        return frames

    @field_validator("llm", mode="after")
    @classmethod
    def _llm_from_parts(cls, llm: LLMConfig | None, info: ValidationInfo) -> LLMConfig | None:
        if llm is not None or not info.data.get("llm_model"):
            return llm
        parts = {
            "model": info.data["llm_model"],
            "base_url": info.data.get("llm_base_url"),
            "mode": info.data.get("llm_mode"),
            "api_key_env": info.data.get("llm_api_key_env"),
        }
        return LLMConfig(**{name: value for name, value in parts.items() if value is not None})

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _GIVEN_ENVIRON.get()
        if environ is None:
            return init_settings, env_settings, dotenv_settings
        return init_settings, _MappingSource(settings_cls, environ)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """Settings from the process environment and `.env`, or from `environ` alone."""
        token = _GIVEN_ENVIRON.set(environ)
        try:
            return cls()
        finally:
            _GIVEN_ENVIRON.reset(token)

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


class _MappingSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items() if value}


def variable(field: str) -> str:
    """The environment variable a field of ServerSettings is read from."""
    alias = ServerSettings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else PREFIX + field.upper()


_NAMES = set(ServerSettings.model_fields) | {variable(f) for f in ServerSettings.model_fields}
_FIELDS = {variable(field): field for field in ServerSettings.model_fields}


def _describe(error: ValidationError) -> str:
    """One line per bad value, naming the field and its variable (never echoing a key)."""
    lines = []
    for item in error.errors(include_url=False):
        name = str(item["loc"][0]) if item["loc"] else ""
        field = _FIELDS.get(name.upper(), name)
        given = "" if field == "api_keys" else f", got {item['input']!r}"
        with suppress(KeyError):
            field = f"{field} ({variable(field)})"
        # A field's own check says what is wrong; pydantic's prefix names an exception class.
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{field}: {message}{given}")
    return "; ".join(lines)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_as_sent(origin: str) -> str:
    """`origin` as a browser's Origin header writes it (lower-case scheme and host, no
    default port, no path); "*" stays "*"."""
    if origin == "*":
        return origin
    parts = urlsplit(origin.strip())
    if not parts.scheme or not parts.hostname:
        return "https://" + origin.strip().strip("/")
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return f"{parts.scheme.lower()}://{host}"


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
