"""The vLLM batch planner: batching rounds and repair with an in-process engine stand-in.

vLLM needs a CUDA GPU, so the engine here is a small fake with `LLM.chat`'s shape; where vllm
is importable the real sampling parameters are built and checked too.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass, field
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from motiondirector.errors import BackendUnavailableError, LLMError
from motiondirector.planners.rules import RulesPlanner
from motiondirector.planners.vllm_batch import VLLMBatchPlanner, vllm_sampling
from motiondirector.scene import parse_script
from tests.openai_server import valid_answer
from tests.planners.conftest import KeywordEmotionModel


@dataclass
class FakeEngine:
    """Answers every conversation validly, except the first answer to ids in `spoil`."""

    spoil: set[str] = field(default_factory=set)
    batches: list[list[list[str]]] = field(default_factory=list)

    def chat(self, messages: Any, sampling_params: Any = None, use_tqdm: bool = False) -> Any:
        assert len(messages) == len(sampling_params)
        self.batches.append(
            [schema["properties"]["lines"]["required"] for schema in sampling_params]
        )
        outputs = []
        for conversation, schema in zip(messages, sampling_params, strict=True):
            answer = valid_answer(
                {
                    "messages": conversation,
                    "response_format": {"type": "json_object", "schema": schema},
                }
            )
            for uid in sorted(self.spoil & set(answer["lines"])):
                answer["lines"][uid]["behaviours"][0]["word"] = 50
                self.spoil.discard(uid)
            completion = SimpleNamespace(text=json.dumps(answer), token_ids=[0] * 30)
            outputs.append(SimpleNamespace(outputs=[completion], prompt_token_ids=[0] * 900))
        return outputs


def test_all_chunks_of_all_scenes_go_in_one_batch_and_only_wrong_ones_again() -> None:
    first = parse_script("ANA: Hello Ben.\nBEN: Hi Ana.\nANA: How are you?")
    second = parse_script("CLEO: It is late.\nDAN: I know, I know.")
    engine = FakeEngine(spoil={"u2"})
    planner = VLLMBatchPlanner(
        "fake-model",
        engine=engine,
        sampling=lambda schema: schema,
        chunk_utterances=2,
        fallback=RulesPlanner(KeywordEmotionModel()),
    )
    directions = planner.plan_many([first, second])
    assert [len(d.utterances) for d in directions] == [3, 2]
    # Round 1: both chunks of the first scene and the one of the second; round 2: the chunk
    # whose u2 was wrong, in both scenes (each has a u2).
    assert engine.batches == [[["u1", "u2"], ["u3"], ["u1", "u2"]], [["u1", "u2"]]]
    assert all(b.rule == "llm.head" for d in directions for u in d.utterances for b in u.behaviours)
    assert planner.stats.calls == 4 and planner.stats.prompt_tokens == 3600


def test_vllm_is_optional_and_says_how_to_install() -> None:
    scene = parse_script("ANA: Hello.")
    if importlib.util.find_spec("vllm") is None:
        with pytest.raises(BackendUnavailableError, match=r"motiondirector\[gpu\]"):
            VLLMBatchPlanner("Qwen/Qwen3-8B").plan(scene)
        with pytest.raises(BackendUnavailableError, match="vllm"):
            vllm_sampling(0.0, 0, 100)
    else:
        make = vllm_sampling(0.0, 0, 100)
        params = make({"type": "object"})
        assert params.structured_outputs.json == {"type": "object"}


def test_lines_never_answered_well_fall_back_or_fail_when_strict() -> None:
    scene = parse_script("ANA: Hello Ben.\nBEN: Hi Ana.")
    options: dict[str, Any] = {
        "sampling": lambda schema: schema,
        "max_attempts": 2,
        "fallback": RulesPlanner(KeywordEmotionModel()),
    }
    lenient_engine = FakeEngine()
    lenient_engine.spoil = _Always({"u2"})
    lenient = VLLMBatchPlanner("fake-model", engine=lenient_engine, **options)
    direction = lenient.plan(scene)
    u1, u2 = direction.utterances
    assert u1.fallback is None and direction.planned_by(u1) == "llm"
    assert u2.fallback is not None and u2.fallback.kind == "invalid_output"
    assert direction.planned_by(u2) == "rules"
    strict_engine = FakeEngine()
    strict_engine.spoil = _Always({"u2"})
    strict = VLLMBatchPlanner("fake-model", engine=strict_engine, strict=True, **options)
    with pytest.raises(LLMError, match=r"could not direct 1 of 2 lines; planning is strict"):
        strict.plan(scene)


class _Always(set[str]):
    """A spoil set that never empties: the same lines are wrong in every round."""

    def discard(self, element: str) -> None:
        pass


def test_a_vllm_too_old_for_structured_outputs_is_named_before_the_model_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No vllm without StructuredOutputsParams can be installed here: a module of its shape.
    loaded: list[str] = []
    old = ModuleType("vllm")
    old.__version__ = "0.10.1"  # type: ignore[attr-defined]
    old.LLM = lambda model, **options: loaded.append(model)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vllm", old)
    monkeypatch.setitem(sys.modules, "vllm.sampling_params", ModuleType("vllm.sampling_params"))
    with pytest.raises(BackendUnavailableError) as raised:
        VLLMBatchPlanner("Qwen/Qwen3-8B").plan(parse_script("ANA: Hello."))
    assert str(raised.value).startswith(
        "the vLLM batch planner needs vllm >= 0.10.2 (StructuredOutputsParams), found 0.10.1: "
        "pip install 'motiondirector[gpu]'"
    )
    assert loaded == []
