"""Options several commands share: the planning options (`plan`, `demo`, `direct`), the LLM
options (those and `revise`, `eval`), and what they describe: the LLM configuration and the
planner. Reading them must not plan by itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.cli.arg_types import (
    language_tag,
    non_negative_int,
    positive_int,
    positive_seconds,
)
from motiondirector.plan.options import FPS_CHOICES, PLANNER_NAMES, SCRIPT_FORMATS

if TYPE_CHECKING:
    from motiondirector.planners import Planner
    from motiondirector.planners.llm_client import LLMConfig


def add_planning_options(parser: argparse.ArgumentParser) -> None:
    """The script and how it is planned, with the LLM options (`plan`, `demo`, `direct`)."""
    parser.add_argument("script", type=Path, help="Fountain, dialogue JSON or NAME: line text")
    parser.add_argument(
        "--input-format",
        default="auto",
        choices=SCRIPT_FORMATS,
        help="how to read the script; auto: .fountain and .spmd are Fountain, .json is "
        "dialogue JSON, anything else is detected from the content",
    )
    parser.add_argument(
        "--language",
        type=language_tag,
        default=None,
        metavar="TAG",
        help="the language the lines are said in (a BCP 47 tag: ja, zh-Hans, vi), over the one "
        "the script states; default: as the script states, else as its writing tells",
    )
    parser.add_argument(
        "--planner",
        default="rules",
        choices=PLANNER_NAMES,
        help="rules (offline default), llm or hybrid (these need --llm-model)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="llm and hybrid: fail (exit 1) when the model cannot direct a line, instead of "
        "letting the rules planner direct it",
    )
    parser.add_argument(
        "--fps",
        type=int,
        default=30,
        choices=FPS_CHOICES,
        help="frame rate of the plan's frame-timed exports (ARKit) and body motion",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=0, help="seed for blinks and idle motion"
    )
    parser.add_argument(
        "--max-bytes",
        type=positive_int,
        default=None,
        help="script size limit in bytes (default: the library's limit)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_llm_options(parser)


def add_llm_options(parser: argparse.ArgumentParser) -> None:
    """The OpenAI-compatible server and model of the llm and hybrid planners and the agent."""
    group = parser.add_argument_group("LLM (planners llm and hybrid, the llm agent)")
    group.add_argument(
        "--llm-base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1"
    )
    group.add_argument("--llm-model", help="model name on that server, e.g. Qwen/Qwen3-8B")
    group.add_argument(
        "--llm-api-key-env",
        default="OPENAI_API_KEY",
        help="environment variable holding the key (local servers need none)",
    )
    group.add_argument(
        "--llm-mode",
        default="json_schema",
        choices=("json_schema", "structured_outputs", "json_object"),
        help="how the server takes a JSON Schema: json_schema (OpenAI), structured_outputs "
        "(vLLM), json_object (llama.cpp server)",
    )
    group.add_argument(
        "--llm-concurrency", type=positive_int, default=4, help="requests in flight at once"
    )
    group.add_argument(
        "--llm-timeout",
        type=positive_seconds,
        default=60,
        metavar="SECONDS",
        help="how long one request may take (a model on a CPU may need minutes per chunk)",
    )
    group.add_argument(
        "--llm-no-cache", action="store_true", help="do not reuse answers cached on disk"
    )


def llm_config(args: argparse.Namespace) -> LLMConfig | None:
    """The LLM configuration the options describe; None when no model is given."""
    if not getattr(args, "llm_model", None):
        return None
    from motiondirector.cache import user_cache_dir
    from motiondirector.planners.llm_client import LLMConfig

    return LLMConfig(
        model=args.llm_model,
        base_url=args.llm_base_url,
        api_key_env=args.llm_api_key_env,
        mode=args.llm_mode,
        max_concurrency=args.llm_concurrency,
        timeout_s=args.llm_timeout,
        cache_dir=None if args.llm_no_cache else user_cache_dir() / "llm",
    )


def planner_from_options(args: argparse.Namespace) -> Planner:
    from motiondirector.planners import get_planner

    return get_planner(args.planner, llm_config(args), strict=getattr(args, "strict", False))
