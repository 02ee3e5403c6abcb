"""What the structured client says when a server answers wrongly or is misconfigured, against
a scripted OpenAI-compatible server on loopback: never a traceback, always the server and why."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.scene import Scene
from motiondirector.planners.llm import LLMPlanner
from motiondirector.planners.llm_client import (
    AnswerCache,
    LLMConfig,
    LLMStats,
    StructuredClient,
    run_sync,
)
from motiondirector.planners.rules import RulesPlanner
from tests.openai_server import Reply, ScriptedServer
from tests.planners.conftest import KeywordEmotionModel


def planner_for(base_url: str, **options: Any) -> LLMPlanner:
    config = LLMConfig(model="scripted", base_url=base_url, **({"max_retries": 0} | options))
    return LLMPlanner(config, fallback=RulesPlanner(KeywordEmotionModel()))


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (
            Reply.raw("<html><body>web ui</body></html>", "text/html"),
            "got text: '<html><body>web ui</body></html>'",
        ),
        (Reply.raw('{"choices": "none"}'), "it has no list of choices"),
        (Reply.raw('{"lines": '), "its body is not JSON: Expecting value"),
        (
            Reply.raw('{"choices": [{"index": 0, "message": {"content": 7}}]}'),
            "its first choice has no message with text content",
        ),
    ],
)
def test_a_server_that_answers_without_a_chat_completion_is_named(
    server: ScriptedServer, scene: Scene, reply: Reply, problem: str
) -> None:
    server.push(reply)
    planner = planner_for(server.base_url)
    direction = planner.plan(scene)
    fallback = direction.utterances[0].fallback
    assert fallback is not None and fallback.kind == "http_error"
    assert fallback.reason.startswith(
        f"{server.base_url} did not answer with an OpenAI chat completion ({problem}"
    )
    assert fallback.reason.endswith("is it an OpenAI-compatible endpoint?")
    assert len(server.requests) == 1  # not fed back: the model never saw it
    assert planner.stats.fallback_utterances == 3


def test_a_completion_without_token_counts_is_read(server: ScriptedServer) -> None:
    completion = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": '{"lines": {}}'},
            }
        ],
        "usage": {"total_tokens": 5},
    }
    body = json.dumps(completion)
    server.push(Reply.raw(body))
    stats = LLMStats()
    client = StructuredClient(LLMConfig(model="m", base_url=server.base_url), stats)
    assert client.complete_json_sync([{"role": "user", "content": "hi"}], {}, "x") == {"lines": {}}
    assert (stats.calls, stats.prompt_tokens, stats.completion_tokens) == (1, 0, 0)


def test_time_waiting_counts_requests_sent_together_once(server: ScriptedServer) -> None:
    import asyncio
    import time

    server.push(*(Reply.answer({"lines": {}}, delay=0.5) for _ in range(3)))
    stats = LLMStats()
    config = LLMConfig(model="m", base_url=server.base_url, max_concurrency=3, cache_dir=None)
    client = StructuredClient(config, stats)

    async def three() -> None:
        asks = [[{"role": "user", "content": f"line {n}"}] for n in range(3)]
        await asyncio.gather(*(client.complete_json(ask, {}, "x") for ask in asks))

    began = time.perf_counter()
    run_sync(three())
    elapsed = time.perf_counter() - began
    # Three answers of 0.5 s each, together: the wait is the time they took, not the sum of
    # their times (1.5 s), and never more than the run.
    assert stats.calls == 3 and 0.5 <= stats.seconds_waiting <= elapsed


def test_a_status_that_is_not_retried_says_what_the_server_said(
    server: ScriptedServer, scene: Scene
) -> None:
    server.push(Reply.status_code(404))
    direction = planner_for(server.base_url, max_retries=3).plan(scene)
    assert len(server.requests) == 1  # a 404 is not sent again
    fallback = direction.utterances[0].fallback
    assert fallback is not None and fallback.kind == "http_error"
    assert fallback.reason == (
        f"scripted at {server.base_url} answered HTTP 404: scripted 404 "
        "(check the base URL, usually ending in /v1, and the model name)"
    )


def test_a_retried_status_counts_the_tries_and_says_what_the_server_said(
    server: ScriptedServer, scene: Scene
) -> None:
    server.push(*[Reply.status_code(503)] * 2)
    direction = planner_for(server.base_url, max_retries=1).plan(scene)
    assert len(server.requests) == 2
    fallback = direction.utterances[0].fallback
    assert fallback is not None
    assert (
        fallback.reason
        == f"scripted at {server.base_url} answered HTTP 503 after 2 tries: scripted 503"
    )


def test_an_unauthorized_answer_names_the_key_variable(
    server: ScriptedServer, scene: Scene
) -> None:
    server.push(Reply.status_code(401))
    config = {"api_key_env": "MY_LLM_KEY"}
    fallback = planner_for(server.base_url, **config).plan(scene).utterances[0].fallback
    assert fallback is not None and fallback.reason.endswith("(check the API key in $MY_LLM_KEY)")


@pytest.mark.parametrize("base_url", ["localhost:8000/v1", "127.0.0.1:8000", "ftp://host/v1"])
def test_a_base_url_without_an_http_scheme_is_refused_before_any_request(
    scene: Scene, base_url: str
) -> None:
    with pytest.raises(MotionDirectorError, match=r"is not an http:// or https:// address"):
        planner_for(base_url).plan(scene)
    client = StructuredClient(LLMConfig(model="m", base_url=base_url))
    with pytest.raises(MotionDirectorError, match=repr(base_url).replace(".", r"\.")):
        run_sync(client.try_complete_text([{"role": "user", "content": "hi"}], {}, "x"))


def test_a_timeout_is_not_sent_again_while_the_server_still_works_on_it(
    server: ScriptedServer, scene: Scene
) -> None:
    # A single-slot server (llama.cpp) keeps generating the abandoned answer: a copy of the
    # request would wait behind it and time out in turn.
    server.push(Reply.auto(delay=1.0))
    direction = planner_for(server.base_url, max_retries=3, timeout_s=0.2).plan(scene)
    assert server.received(1) == 1
    fallback = direction.utterances[0].fallback
    assert fallback is not None and fallback.kind == "timeout"
    assert fallback.reason == (
        "scripted did not answer within 0.2 s (not sent again: the server may still be "
        "working on it)"
    )


def test_busy_statuses_and_dropped_connections_are_still_sent_again(
    server: ScriptedServer, scene: Scene
) -> None:
    server.push(Reply.status_code(429), Reply.drop(), Reply.status_code(502))
    direction = planner_for(server.base_url, max_retries=3).plan(scene)
    assert len(server.requests) == 4
    assert all(line.fallback is None for line in direction.utterances)


def test_a_server_that_says_not_to_retry_is_believed(server: ScriptedServer, scene: Scene) -> None:
    server.push(Reply("status", status=503, headers=(("x-should-retry", "false"),)))
    direction = planner_for(server.base_url, max_retries=3).plan(scene)
    assert len(server.requests) == 1
    fallback = direction.utterances[0].fallback
    assert fallback is not None and "answered HTTP 503: scripted 503" in fallback.reason


def test_threads_writing_the_same_answer_do_not_trip_over_each_other(tmp_path: Path) -> None:
    """Two requests planning one scene write the same key: with a scratch file named by the
    process alone, 7 of 8 threads failed with FileNotFoundError."""
    cache = AnswerCache(tmp_path)
    errors: list[BaseException] = []

    def write(thread: int) -> None:
        try:
            for round_ in range(50):
                cache.put("same-key", f"answer {thread}.{round_}")
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (AnswerCache(tmp_path).get("same-key") or "").startswith("answer ")
    assert [p.name for p in tmp_path.iterdir()] == ["same-key.json"]
