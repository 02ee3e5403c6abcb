"""Offline batch planning with vLLM in process, for evaluating planners over whole corpora.

Every chunk of every scene goes to the engine in one `LLM.chat` batch, each with its own JSON
Schema through `StructuredOutputsParams`; answers are read exactly as the HTTP planner reads
them (`ChunkTurns`), and the chunks still wrong go back in the next batch with their problems,
a bounded number of rounds. vLLM needs a GPU and is an optional extra, imported only here, when
the engine is first needed: `pip install 'motiondirector[gpu]'`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from motiondirector.errors import BackendUnavailableError
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene
from motiondirector.planners.llm import ChunkTurns, assemble_direction
from motiondirector.planners.llm_client import LLMStats
from motiondirector.planners.llm_prompt import chunk_scene
from motiondirector.planners.rules import RulesPlanner

MIN_VLLM = "0.10.2"  # the first with StructuredOutputsParams; pyproject's gpu extra says so
INSTALL_HINT = "pip install 'motiondirector[gpu]' (vLLM needs a CUDA GPU)"


class ChatEngine(Protocol):
    """What we use of `vllm.LLM`: a batched chat call, one sampling setting per conversation."""

    def chat(self, messages: Any, sampling_params: Any = ..., use_tqdm: bool = ...) -> Any: ...


def import_vllm() -> Any:
    try:
        import vllm
    except ImportError as error:
        raise BackendUnavailableError(
            f"the vLLM batch planner needs vllm, which is not installed: {INSTALL_HINT}"
        ) from error
    return vllm


def vllm_sampling(
    temperature: float, seed: int, max_tokens: int
) -> Callable[[dict[str, Any]], Any]:
    """Sampling settings per schema, in vLLM's structured-outputs form (vLLM >= 0.10.2)."""
    vllm = import_vllm()
    try:
        from vllm.sampling_params import StructuredOutputsParams
    except ImportError:
        version = getattr(vllm, "__version__", "unknown")
        raise BackendUnavailableError(
            f"the vLLM batch planner needs vllm >= {MIN_VLLM} (StructuredOutputsParams), "
            f"found {version}: {INSTALL_HINT}"
        ) from None

    def make(schema: dict[str, Any]) -> Any:
        return vllm.SamplingParams(
            temperature=temperature,
            seed=seed,
            max_tokens=max_tokens,
            structured_outputs=StructuredOutputsParams(json=schema),
        )

    return make


class VLLMBatchPlanner:
    """Plans many scenes in batched rounds on one vLLM engine; `strict`: a line the model
    cannot direct is an LLMError instead of a rules line."""

    name = "llm"

    def __init__(
        self,
        model: str,
        *,
        engine: ChatEngine | None = None,
        sampling: Callable[[dict[str, Any]], Any] | None = None,
        engine_options: dict[str, Any] | None = None,
        temperature: float = 0.0,
        seed: int = 0,
        max_attempts: int = 3,
        chunk_utterances: int = 8,
        max_tokens: int = 3200,
        fallback: RulesPlanner | None = None,
        strict: bool = False,
    ) -> None:
        self.model = model
        self.stats = LLMStats()
        self._engine = engine
        self._sampling = sampling
        self._engine_options = engine_options or {}
        self._temperature = temperature
        self._seed = seed
        self._max_attempts = max_attempts
        self._chunk_utterances = chunk_utterances
        self._max_tokens = max_tokens
        self._fallback = fallback
        self.strict = strict

    def plan(self, scene: Scene) -> Direction:
        return self.plan_many([scene])[0]

    def plan_many(self, scenes: Sequence[Scene]) -> list[Direction]:
        engine, sampling = self._ready()
        turns = [
            [ChunkTurns(scene, c, self._max_attempts, self.stats) for c in chunk_scene(scene, n)]
            for scene in scenes
            for n in (self._chunk_utterances,)
        ]
        while waiting := [t for scene_turns in turns for t in scene_turns if not t.done]:
            outputs = engine.chat(
                [t.messages for t in waiting],
                sampling_params=[sampling(t.schema) for t in waiting],
                use_tqdm=False,
            )
            self.stats.calls += len(waiting)
            for turn, output in zip(waiting, outputs, strict=True):
                completion = output.outputs[0]
                self.stats.prompt_tokens += len(output.prompt_token_ids or ())
                self.stats.completion_tokens += len(completion.token_ids or ())
                turn.take(completion.text)
        rules = self._fallback or RulesPlanner()
        return [
            assemble_direction(scene, scene_turns, rules, self.stats, self.name, strict=self.strict)
            for scene, scene_turns in zip(scenes, turns, strict=True)
        ]

    def _ready(self) -> tuple[ChatEngine, Callable[[dict[str, Any]], Any]]:
        # Sampling first: a vllm too old for it fails before the model is loaded onto the GPU.
        if self._sampling is None:
            self._sampling = vllm_sampling(self._temperature, self._seed, self._max_tokens)
        if self._engine is None:
            vllm = import_vllm()
            self._engine = vllm.LLM(model=self.model, seed=self._seed, **self._engine_options)
        return self._engine, self._sampling
