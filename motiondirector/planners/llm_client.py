"""Structured JSON answers from any OpenAI-compatible server, in the dialect it speaks.

One job: send chat messages with a JSON Schema and get back a parsed JSON object. The schema is
passed the way the server understands it (`StructuredOutputMode`); a request is asked again with
backoff after a dropped connection, 408/409/429 or a 5xx (`max_retries`, `retry_delay`), never
after a timeout; answers are cached on disk by (model, messages, schema, mode, sampling). It
does not know what the JSON means: checking it against the scene is the planner's job. A call
that gets no answer to read says why with a typed `CallFailure` (`try_complete_text`), or
raises `LLMError` (`complete_text`).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import json
import os
import socket
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from motiondirector.errors import LLMError, MotionDirectorError
from motiondirector.plan.direction import FallbackKind

LOCAL_API_KEY = "not-needed"  # local servers (vLLM, llama.cpp) accept any key


class StructuredOutputMode(StrEnum):
    """How the JSON Schema is sent, by server."""

    JSON_SCHEMA = "json_schema"
    """OpenAI: `response_format={"type": "json_schema", "json_schema": {..., "strict": true}}`."""
    STRUCTURED_OUTPUTS = "structured_outputs"
    """vLLM >= 0.12: `structured_outputs={"json": schema}` in the request body."""
    JSON_OBJECT = "json_object"
    """llama-cpp-python's server: `response_format={"type": "json_object", "schema": schema}`."""


class LLMConfig(BaseModel):
    """Where the LLM is and how to call it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="Model name as the server knows it, e.g. Qwen/Qwen3-8B.")
    base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1."
    )
    api_key_env: str = Field(
        default="OPENAI_API_KEY", description="Environment variable holding the API key."
    )
    mode: StructuredOutputMode = StructuredOutputMode.JSON_SCHEMA
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int | None = Field(default=0, description="Sampling seed, for servers that honour it.")
    timeout_s: float = Field(default=60.0, gt=0, description="Per HTTP request.")
    max_retries: int = Field(
        default=3,
        ge=0,
        description="HTTP retries with backoff on dropped connections, 408, 409, 429 and 5xx "
        "(never after a timeout: the server is still working on the request).",
    )
    max_attempts: int = Field(
        default=3, ge=1, description="Answers asked for per chunk, invalid ones fed back."
    )
    max_concurrency: int = Field(default=4, ge=1, description="Requests in flight at once.")
    chunk_utterances: int = Field(default=8, ge=1, description="Utterances per request.")
    max_tokens_per_utterance: int = Field(default=400, ge=32)
    cache_dir: Path | None = Field(
        default=None, description="Where answers are cached; None: no disk cache."
    )

    def api_key(self) -> str:
        key = os.environ.get(self.api_key_env)
        if key:
            return key
        if self.base_url is None:
            raise MotionDirectorError(
                f"no API key: set {self.api_key_env} (or give --llm-base-url for a local server)"
            )
        return LOCAL_API_KEY


@dataclass
class LLMStats:
    """Counters over a planner's life, read by benchmarks and evaluation reports.
    `seconds_waiting` is the time during which at least one request was with the server:
    requests sent together count once, so it is never more than the run took."""

    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds_waiting: float = 0.0
    invalid_answers: int = 0
    fallback_utterances: int = 0
    attempts_by_chunk: list[int] = field(default_factory=list)
    _in_flight: int = field(default=0, repr=False, compare=False)
    _busy_since: float = field(default=0.0, repr=False, compare=False)

    def request_sent(self) -> None:
        if self._in_flight == 0:
            self._busy_since = time.perf_counter()
        self._in_flight += 1

    def request_done(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self.seconds_waiting += time.perf_counter() - self._busy_since


@dataclass(frozen=True)
class CallFailure:
    """Why a call gave no answer to read: the kind, and one line saying what happened."""

    kind: FallbackKind
    message: str
    details: tuple[str, ...] = ()

    def error(self) -> LLMError:
        return LLMError(self.message, self.details)


def request_options(
    mode: StructuredOutputMode, schema: Mapping[str, Any], name: str
) -> dict[str, Any]:
    """The keyword arguments that carry `schema` to a server of this kind."""
    if mode is StructuredOutputMode.JSON_SCHEMA:
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": dict(schema), "strict": True},
            }
        }
    if mode is StructuredOutputMode.STRUCTURED_OUTPUTS:
        return {"extra_body": {"structured_outputs": {"json": dict(schema)}}}
    return {"response_format": {"type": "json_object", "schema": dict(schema)}}


def _cache_key(config: LLMConfig, payload: Mapping[str, Any]) -> str:
    material = {
        "model": config.model,
        "base_url": config.base_url,
        "temperature": config.temperature,
        "seed": config.seed,
        **payload,
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


class AnswerCache:
    """Answers on disk, one small JSON file per key; written atomically."""

    def __init__(self, root: Path | None) -> None:
        self._root = root
        self._memory: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        if key in self._memory:
            return self._memory[key]
        if self._root is None:
            return None
        path = self._root / f"{key}.json"
        try:
            content = json.loads(path.read_text("utf-8"))["content"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(content, str):
            return None
        self._memory[key] = content
        return content

    def put(self, key: str, content: str) -> None:
        self._memory[key] = content
        if self._root is None:
            return
        self._root.mkdir(parents=True, exist_ok=True)
        path = self._root / f"{key}.json"
        # A scratch file of its own per write: named by the process alone, two threads writing
        # the same answer (two requests planning one scene) moved each other's file away.
        handle, partial = tempfile.mkstemp(dir=self._root, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(json.dumps({"content": content}))
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise


def parse_json_object(content: str) -> dict[str, Any]:
    """The JSON object in an answer; tolerates a fenced code block around it."""
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`")
        text = text[text.find("\n") + 1 :] if "\n" in text else text
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"the answer is not valid JSON ({error.msg} at char {error.pos})"
        ) from None
    if not isinstance(value, dict):
        raise ValueError(f"the answer is JSON but not an object (got {type(value).__name__})")
    return value


class StructuredClient:
    """Chat completions that return a JSON object, against one configured server.

    Create it inside the event loop that uses it (the underlying HTTP client binds to it), or
    call `complete_json_sync` from plain code.
    """

    def __init__(self, config: LLMConfig, stats: LLMStats | None = None) -> None:
        self.config = config
        self.stats = stats if stats is not None else LLMStats()
        self._cache = AnswerCache(config.cache_dir)
        self._semaphore = asyncio.Semaphore(config.max_concurrency)

    async def complete_json(
        self,
        messages: Sequence[Mapping[str, str]],
        schema: Mapping[str, Any],
        name: str,
        *,
        max_tokens: int | None = None,
    ) -> dict[str, Any]:
        """The parsed JSON answer; raises LLMError when the server or the answer fails."""
        content = await self.complete_text(messages, schema, name, max_tokens=max_tokens)
        return self._parsed(content)

    def _parsed(self, content: str) -> dict[str, Any]:
        try:
            return parse_json_object(content)
        except ValueError as error:
            raise LLMError(f"{self.config.model} gave an unusable answer", [str(error)]) from None

    async def complete_text(
        self,
        messages: Sequence[Mapping[str, str]],
        schema: Mapping[str, Any],
        name: str,
        *,
        max_tokens: int | None = None,
    ) -> str:
        """The raw answer text (cached when it parses as a JSON object); raises LLMError when
        the server fails or the model refuses."""
        answer = await self.try_complete_text(messages, schema, name, max_tokens=max_tokens)
        if isinstance(answer, CallFailure):
            raise answer.error()
        return answer

    async def try_complete_text(
        self,
        messages: Sequence[Mapping[str, str]],
        schema: Mapping[str, Any],
        name: str,
        *,
        max_tokens: int | None = None,
    ) -> str | CallFailure:
        """The raw answer text, or why there is none (the server failed, the model refused)."""
        import openai

        config = self.config
        options = request_options(config.mode, schema, name)
        key = _cache_key(
            config,
            {"messages": list(messages), "options": options, "max_tokens": max_tokens},
        )
        cached = self._cache.get(key)
        if cached is not None:
            self.stats.cache_hits += 1
            return cached
        check_base_url(config.base_url)
        async with self._semaphore:
            self.stats.request_sent()
            try:
                async with openai.AsyncOpenAI(
                    api_key=config.api_key(),
                    base_url=config.base_url,
                    timeout=config.timeout_s,
                    max_retries=0,  # retried here, by `retry_delay`'s policy
                ) as client:
                    response = await with_retries_async(
                        lambda: client.chat.completions.create(
                            model=config.model,
                            messages=list(messages),  # type: ignore[arg-type]
                            temperature=config.temperature,
                            seed=config.seed,
                            max_tokens=max_tokens,
                            **options,
                        ),
                        config.max_retries,
                    )
            except (openai.APIError, json.JSONDecodeError) as error:
                failure = call_failure(error, config)
                if failure is None:
                    raise
                return failure
            finally:
                self.stats.request_done()
        self.stats.calls += 1
        usage = getattr(response, "usage", None)
        self.stats.prompt_tokens += _count(getattr(usage, "prompt_tokens", 0))
        self.stats.completion_tokens += _count(getattr(usage, "completion_tokens", 0))
        read = _first_choice(response)
        if isinstance(read, str):
            return CallFailure("http_error", not_a_completion(server_of(config), read))
        if not read:
            return CallFailure("invalid_output", f"{config.model} returned no choices")
        content, refusal = read
        if refusal:
            return CallFailure("refusal", f"{config.model} refused: {_short(refusal)}")
        try:
            parse_json_object(content)
        except ValueError:
            return content
        self._cache.put(key, content)
        return content

    def complete_text_sync(
        self,
        messages: Sequence[Mapping[str, str]],
        schema: Mapping[str, Any],
        name: str,
        *,
        max_tokens: int | None = None,
    ) -> str:
        """`complete_text` from synchronous code: the raw answer, to read and feed back."""

        async def call() -> str:
            # A fresh client and semaphore bound to this loop.
            client = StructuredClient(self.config, self.stats)
            client._cache = self._cache
            return await client.complete_text(messages, schema, name, max_tokens=max_tokens)

        answer: str = run_sync(call())
        return answer

    def complete_json_sync(
        self,
        messages: Sequence[Mapping[str, str]],
        schema: Mapping[str, Any],
        name: str,
        *,
        max_tokens: int | None = None,
    ) -> dict[str, Any]:
        """`complete_json` from synchronous code."""
        return self._parsed(self.complete_text_sync(messages, schema, name, max_tokens=max_tokens))


def run_sync(coroutine: Any) -> Any:
    """Run a coroutine to completion from sync code, even when a loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # Inside a running loop (a notebook, an async server): run on a private loop in a thread.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def connection_problem(error: BaseException) -> str:
    """What went wrong under a failed connection, in a few words: the operating system's
    `connection refused` rather than the client's `Connection error.`."""
    seen: set[int] = set()
    cause: BaseException | None = error
    deepest = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
        if isinstance(cause, socket.gaierror):
            return f"unknown host ({cause.strerror or cause})"
        deepest = cause
        cause = cause.__cause__ or cause.__context__
    return _short(str(deepest) or str(error))


def check_base_url(base_url: str | None) -> None:
    """Refuse a server address the HTTP client cannot use, before any request is retried."""
    if base_url is None:
        return
    scheme = base_url.split("://", 1)[0].lower() if "://" in base_url else ""
    if scheme not in ("http", "https"):
        raise MotionDirectorError(
            f"the LLM base URL {base_url!r} is not an http:// or https:// address "
            "(e.g. http://localhost:8000/v1)"
        )


def server_of(config: LLMConfig) -> str:
    """The server a config talks to, for messages."""
    return config.base_url or "api.openai.com"


# Statuses that say "busy or broken for a moment" (and every 5xx); others are final at once.
_RETRIED_STATUSES = frozenset({408, 409, 429})
_FIRST_RETRY_DELAY_S = 0.5
_MAX_RETRY_DELAY_S = 8.0
_MAX_RETRY_AFTER_S = 60.0  # a server asking for a longer wait is treated as failed

_Answer = TypeVar("_Answer")


def retry_delay(error: BaseException, retries_taken: int) -> float | None:
    """Seconds to wait before sending a failed request again, or None: do not send it again.

    Sent again: a dropped or refused connection, 408, 409, 429 and 5xx (after the wait the
    server asks for in `retry-after-ms`/`retry-after`, else backoff from 0.5 s doubling up to
    8 s), unless the server says `x-should-retry: false`. Never after a timeout: the server is
    most likely still working on the abandoned request (llama.cpp's server works on one at a
    time and does not stop when the client leaves), so a copy would queue behind it and time
    out in turn, and every copy costs the server a whole generation."""
    import openai

    if isinstance(error, openai.APITimeoutError):
        return None
    backoff = min(_FIRST_RETRY_DELAY_S * 2.0**retries_taken, _MAX_RETRY_DELAY_S)
    if isinstance(error, openai.APIStatusError):
        headers = error.response.headers
        should = headers.get("x-should-retry", "").lower()
        status = error.status_code
        if should == "false" or (
            should != "true" and status not in _RETRIED_STATUSES and status < 500
        ):
            return None
        asked = _retry_after_s(headers)
        return asked if asked is not None else backoff
    if isinstance(error, openai.APIConnectionError):
        return backoff
    return None


def _retry_after_s(headers: Mapping[str, str]) -> float | None:
    """The wait a server asks for (`retry-after-ms`, `retry-after` in seconds or as a date)."""
    seconds: float | None = None
    try:
        if "retry-after-ms" in headers:
            seconds = float(headers["retry-after-ms"]) / 1000
        elif "retry-after" in headers:
            seconds = float(headers["retry-after"])
    except ValueError:
        when = email.utils.parsedate_tz(headers.get("retry-after", ""))
        if when is not None:
            seconds = email.utils.mktime_tz(when) - time.time()
    if seconds is None or not 0 <= seconds <= _MAX_RETRY_AFTER_S:
        return None
    return seconds


async def with_retries_async(
    request: Callable[[], Awaitable[_Answer]], max_retries: int
) -> _Answer:
    """`request()`, sent again up to `max_retries` times where `retry_delay` allows."""
    import openai

    taken = 0
    while True:
        try:
            return await request()
        except openai.APIError as error:
            delay = retry_delay(error, taken) if taken < max_retries else None
            if delay is None:
                raise
        await asyncio.sleep(delay)
        taken += 1


def with_retries(request: Callable[[], _Answer], max_retries: int) -> _Answer:
    """`request()` from synchronous code, sent again as `with_retries_async` does."""
    import openai

    taken = 0
    while True:
        try:
            return request()
        except openai.APIError as error:
            delay = retry_delay(error, taken) if taken < max_retries else None
            if delay is None:
                raise
        time.sleep(delay)
        taken += 1


def call_failure(error: BaseException, config: LLMConfig) -> CallFailure | None:
    """Why a chat completion call raised, as a CallFailure; None for errors of another kind.

    Covers the SDK's status, timeout and connection errors and a 200 whose JSON body is
    broken (the SDK's parser raises `JSONDecodeError`: a truncated body)."""
    import openai

    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        retried = retry_delay(error, 0) is not None
        tries = f" after {_tries(config.max_retries)}" if retried else ""
        said = _server_says(error.body) or _short(error.message, 160)
        return CallFailure(
            "http_error",
            f"{config.model} at {server_of(config)} answered HTTP {status}{tries}: {said}"
            f"{_STATUS_HINTS.get(status, '').format(key=config.api_key_env)}",
        )
    if isinstance(error, openai.APITimeoutError):
        return CallFailure(
            "timeout",
            f"{config.model} did not answer within {config.timeout_s:g} s (not sent again: "
            "the server may still be working on it)",
        )
    if isinstance(error, openai.APIConnectionError):
        return CallFailure(
            "unreachable",
            f"cannot reach {server_of(config)} ({_tries(config.max_retries)}): "
            f"{connection_problem(error)}",
        )
    if isinstance(error, json.JSONDecodeError):
        return CallFailure(
            "http_error", not_a_completion(server_of(config), f"its body is not JSON: {error}")
        )
    return None


_STATUS_HINTS = {
    401: " (check the API key in ${key})",
    403: " (check the API key in ${key})",
    404: " (check the base URL, usually ending in /v1, and the model name)",
}


def not_a_completion(server: str, problem: str) -> str:
    """The message for a server that answered, but not with a chat completion."""
    return (
        f"{server} did not answer with an OpenAI chat completion "
        f"({_short(problem, 120)}); is it an OpenAI-compatible endpoint?"
    )


def _server_says(body: object) -> str:
    """The message in an error response's body (OpenAI's `message`, FastAPI's `detail`)."""
    if isinstance(body, Mapping):
        for key in ("message", "detail", "error"):
            said = _server_says(body.get(key))
            if said:
                return said
        return ""
    return _short(body, 160) if isinstance(body, str) else ""


def _first_choice(response: object) -> tuple[str, str | None] | tuple[()] | str:
    """(content, refusal) of a completion's first choice, () when it has none, or what is
    wrong when the response is not a chat completion (a server may answer 200 with anything)."""
    if isinstance(response, str):
        return f"got text: {response!r}"
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list):
        return "it has no list of choices"
    if not choices:
        return ()
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    refusal = getattr(message, "refusal", None)
    if (
        message is None
        or not isinstance(content, str | None)
        or not isinstance(refusal, str | None)
    ):
        return "its first choice has no message with text content"
    return content or "", refusal


def _count(value: object) -> int:
    """A token count from a usage block, 0 where a server leaves it out."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _tries(retries: int) -> str:
    return "1 try" if retries == 0 else f"{retries + 1} tries"


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
