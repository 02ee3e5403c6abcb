"""The LLM planner: a Scene in, a Direction out, chosen by a model through structured output.

The scene goes out in chunks (by beat, a few lines each, the lines before as context), all
chunks at once up to the configured concurrency. Each answer is checked line by line; lines with
problems are asked for again with the problems fed back, a bounded number of times. A line the
model still cannot direct — bad answers, a dead server, a timeout, a refusal — is directed by
the rules planner, and the line says so: its `fallback` names the kind and the reason, and its
events say `source.planner: rules`. A strict planner raises `LLMError` instead. Action lines are
stage directions: the rules planner's action parser directs them for every planner. With
`progress`, a bar on stderr counts the chunks done and the requests sent while the model works
(it only shows; the plan is the same).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Protocol

from tqdm import tqdm

from motiondirector.errors import LLMError
from motiondirector.plan.direction import (
    ActionDirection,
    Behaviour,
    Direction,
    ModelFallback,
    UtteranceDirection,
    describe_fallbacks,
)
from motiondirector.plan.scene import Scene
from motiondirector.planners.llm_client import (
    CallFailure,
    LLMConfig,
    LLMStats,
    StructuredClient,
    parse_json_object,
    run_sync,
)
from motiondirector.planners.llm_prompt import (
    SCHEMA_NAME,
    Chunk,
    answer_schema,
    chunk_messages,
    chunk_scene,
    feedback_messages,
    read_answer,
)

FALLBACK_RULE_PREFIX = "fallback"  # rules of stand-in behaviours read fallback.rules.<rule>
LLM_RULE = "llm"  # behaviours the model chose carry rules llm.<channel>
STRICT_OUTCOME = "planning is strict, so the rules did not stand in"


class ChunkTurns:
    """The conversation about one chunk: ask, read the answer, feed problems back, bounded.

    Shared by every way of calling a model (HTTP servers, vLLM in process), so retries and
    repair behave the same everywhere.
    """

    def __init__(self, scene: Scene, chunk: Chunk, max_attempts: int, stats: LLMStats) -> None:
        self.scene = scene
        self.chunk = chunk
        self.schema = answer_schema(scene, chunk)
        self.messages = chunk_messages(scene, chunk)
        self.accepted: dict[str, UtteranceDirection] = {}
        self.pending = set(chunk.ids)
        self.attempts = 0
        self._max_attempts = max_attempts
        self._stats = stats
        self._history: list[str] = []
        self._failure: CallFailure | None = None

    @property
    def done(self) -> bool:
        return not self.pending or self._failure is not None or self.attempts >= self._max_attempts

    def take(self, content: str) -> None:
        """Read one answer: keep the valid lines, prepare feedback for the rest."""
        self.attempts += 1
        try:
            answer = parse_json_object(content)
        except ValueError as error:
            problems: list[str] = [str(error)]
        else:
            read = read_answer(answer, self.scene, self.chunk, LLM_RULE)
            for uid in sorted(self.pending):
                if uid in read.directions:
                    self.accepted[uid] = read.directions[uid]
                    self.pending.discard(uid)
            problems = [
                p
                for uid in sorted(read.problems)
                if uid not in self.accepted
                for p in read.problems[uid]
            ]
        if self.pending:
            self._stats.invalid_answers += 1
            self._history.append("; ".join(problems[:3]) or "no usable lines")
            self.messages = self.messages + feedback_messages(content, problems[:20])

    def fail(self, failure: CallFailure) -> None:
        """The model gave no answer to read (the server failed, the model refused): no more
        attempts."""
        self.attempts += 1
        self._failure = failure

    def failures(self) -> dict[str, ModelFallback]:
        """Why each line still pending was not taken from the model."""
        if self._failure is not None:
            why = ModelFallback(kind=self._failure.kind, reason=self._failure.message)
        else:
            last = f" ({self._history[-1]})" if self._history else ""
            why = ModelFallback(
                kind="invalid_output",
                reason=f"no valid answer in {_attempts(self.attempts)}{last}",
            )
        return {uid: why for uid in sorted(self.pending)}


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"


def assemble_direction(
    scene: Scene,
    turns: Sequence[ChunkTurns],
    rules: _RulesLike,
    stats: LLMStats,
    planner: str = "llm",
    *,
    strict: bool = False,
) -> Direction:
    """The scene's Direction from its chunks; rules stand in where the model could not, or,
    when `strict`, LLMError says which lines the model could not direct and why."""
    directions: dict[str, UtteranceDirection] = {}
    failures: dict[str, ModelFallback] = {}
    for turn in turns:
        directions.update(turn.accepted)
        failures.update(turn.failures())
        stats.attempts_by_chunk.append(turn.attempts)
    if failures and strict:
        lines = ((u.id, failures.get(u.id)) for u in scene.utterances)
        raise LLMError(describe_fallbacks(lines, outcome=STRICT_OUTCOME) or "")
    if failures:
        ruled = rules.plan(scene)
        actions = ruled.actions
        stats.fallback_utterances += len(failures)
        by_id = {u.utterance_id: u for u in ruled.utterances}
        for uid, why in failures.items():
            directions[uid] = fallback_line(by_id[uid], why)
    else:
        actions = rules.plan_actions(scene)
    return Direction(
        planner=planner,
        utterances=tuple(directions[u.id] for u in scene.utterances),
        actions=tuple(a.model_copy(update={"planner": rules.name}) for a in actions),
    )


class LLMPlanner:
    """Plans with any OpenAI-compatible server; the rules planner covers what the model cannot,
    unless `strict`: then a line the model cannot direct is an LLMError. `progress`: a bar on
    stderr over the chunks while the model works."""

    name = "llm"

    def __init__(
        self,
        config: LLMConfig,
        fallback: _RulesLike | None = None,
        *,
        strict: bool = False,
        progress: bool = False,
    ) -> None:
        self.config = config
        self.strict = strict
        self.progress = progress
        self.stats = LLMStats()
        self._fallback = fallback

    def strict_twin(self) -> LLMPlanner:
        """This planner, strict: same model, fallback planner and counters."""
        return self if self.strict else self._twin(strict=True, progress=self.progress)

    def progress_twin(self) -> LLMPlanner:
        """This planner with a progress bar: same model, fallback planner and counters."""
        return self if self.progress else self._twin(strict=self.strict, progress=True)

    def _twin(self, *, strict: bool, progress: bool) -> LLMPlanner:
        twin = LLMPlanner(self.config, self._fallback, strict=strict, progress=progress)
        twin.stats = self.stats
        return twin

    def plan(self, scene: Scene) -> Direction:
        """The Direction for `scene` (blocking)."""
        result: Direction = run_sync(self.aplan(scene))
        return result

    def plan_many(self, scenes: Sequence[Scene]) -> list[Direction]:
        """Several scenes at once, sharing the concurrency bound (blocking)."""
        results: list[Direction] = run_sync(self.aplan_many(scenes))
        return results

    async def aplan_many(self, scenes: Sequence[Scene]) -> list[Direction]:
        client = StructuredClient(self.config, self.stats)
        return list(await asyncio.gather(*(self._plan(scene, client) for scene in scenes)))

    async def aplan(self, scene: Scene) -> Direction:
        return await self._plan(scene, StructuredClient(self.config, self.stats))

    async def _plan(self, scene: Scene, client: StructuredClient) -> Direction:
        chunks = chunk_scene(scene, self.config.chunk_utterances)
        turns = [ChunkTurns(scene, c, self.config.max_attempts, self.stats) for c in chunks]
        progress = _ChunkProgress(len(turns), self.config.model, enabled=self.progress)
        async with progress:
            await asyncio.gather(*(self._converse(turn, client, progress) for turn in turns))
        return assemble_direction(
            scene, turns, self._rules(), self.stats, self.name, strict=self.strict
        )

    async def _converse(
        self, turn: ChunkTurns, client: StructuredClient, progress: _ChunkProgress
    ) -> None:
        max_tokens = self.config.max_tokens_per_utterance * len(turn.chunk.utterances)
        while not turn.done:
            progress.request_sent()
            answer = await client.try_complete_text(
                turn.messages, turn.schema, SCHEMA_NAME, max_tokens=max_tokens
            )
            if isinstance(answer, CallFailure):
                # The server failed after any retries, or the model refused: feedback
                # would not help.
                turn.fail(answer)
            else:
                turn.take(answer)
        progress.chunk_done()

    def _rules(self) -> _RulesLike:
        if self._fallback is None:
            from motiondirector.planners.rules import RulesPlanner

            self._fallback = RulesPlanner()
        return self._fallback


class _ChunkProgress:
    """A bar on stderr over one scene's chunks: chunks done, requests sent, and a clock that
    keeps running while a slow server works (a chunk may take minutes on a CPU)."""

    def __init__(self, chunks: int, model: str, *, enabled: bool) -> None:
        # Every change is shown: they come seconds or minutes apart.
        self._bar = tqdm(
            total=chunks,
            desc=f"llm {model}",
            unit="chunk",
            disable=not enabled,
            leave=False,
            mininterval=0,
            miniters=1,
        )
        self._enabled = enabled
        self._sent = 0
        self._clock: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _ChunkProgress:
        if self._enabled:
            self._clock = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
        self._bar.close()

    def request_sent(self) -> None:
        self._sent += 1
        self._bar.set_postfix_str(f"{self._sent} sent", refresh=True)

    def chunk_done(self) -> None:
        self._bar.update()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self._bar.refresh()


class _RulesLike(Protocol):
    name: str

    def plan(self, scene: Scene) -> Direction: ...

    def plan_actions(self, scene: Scene) -> tuple[ActionDirection, ...]: ...


def fallback_line(line: UtteranceDirection, why: ModelFallback) -> UtteranceDirection:
    """A rules-planner line marked as standing in for the model: `fallback` says why, and the
    rules and reasons say so to people."""
    note = f"rules stood in for the LLM: {why.reason}"
    return line.model_copy(
        update={
            "emotion_reason": f"{line.emotion_reason}; {note}",
            "behaviours": tuple(_fallback_behaviour(b, note) for b in line.behaviours),
            "fallback": why,
        }
    )


def _fallback_behaviour(behaviour: Behaviour, note: str) -> Behaviour:
    return behaviour.model_copy(
        update={
            "rule": f"{FALLBACK_RULE_PREFIX}.{behaviour.rule}",
            "reason": f"{behaviour.reason}; {note}",
        }
    )
