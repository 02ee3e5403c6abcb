"""`plan` and `demo`: plan a script (or take a plan as it is) and write the plan, one export
or every export with a summary."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.cli.arg_types import Subcommands, output_file
from motiondirector.cli.options import add_planning_options, planner_from_options
from motiondirector.cli.output import report_fallbacks, write_output, wrote_summary
from motiondirector.plan.options import EXPORT_FORMATS
from motiondirector.summary import count_noun

if TYPE_CHECKING:
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.planners import Planner

NO_SPEECH_HELP = (
    "leave speech out of the ARKit and Live Link Face curves (the mouth is driven from audio "
    "elsewhere); face expressions, head and eyes stay"
)


def add_plan(sub: Subcommands) -> None:
    """`plan`: plan a script and write the plan or one export."""
    plan = sub.add_parser("plan", help="plan a script and write the plan or an export")
    add_planning_options(plan)
    plan.add_argument(
        "-o",
        "--output",
        type=output_file,
        help="output file, replaced in one step (default: stdout)",
    )
    plan.add_argument("--format", default="json", choices=EXPORT_FORMATS, help="what to write")
    plan.add_argument(
        "--character",
        help="the character of the per-character formats (arkit-csv, arkit-json, "
        "live-link-face, visemes; default: the plan's first); with bml, vtt and srt: only this "
        "character's blocks or lines",
    )
    plan.add_argument("--no-speech", action="store_true", help=NO_SPEECH_HELP)
    plan.add_argument(
        "--visemes",
        action="store_true",
        help="attach each utterance's speech track (phonemes, visemes, times, weights) to the "
        "plan, for products that read visemes from the plan itself",
    )
    plan.set_defaults(run=_plan)


def add_demo(sub: Subcommands) -> None:
    """`demo`: plan a script and write every export."""
    demo = sub.add_parser("demo", help="plan a script, write every export and print a summary")
    add_planning_options(demo)
    demo.add_argument("--out", type=Path, default=Path("out"), help="output directory")
    demo.add_argument("--no-speech", action="store_true", help=NO_SPEECH_HELP)
    demo.set_defaults(run=_demo)


def _plan(args: argparse.Namespace) -> int:
    from motiondirector.export import export_plan
    from motiondirector.export.formats import PER_CHARACTER_FORMATS, character_names

    plan = _make_plan(args)
    if args.visemes:
        from motiondirector.speech import attach_visemes

        plan = attach_visemes(plan)
    character = args.character
    if character is None and args.format in PER_CHARACTER_FORMATS:
        character = next(iter(character_names(plan)), None)
    text = export_plan(
        plan, args.format, fps=args.fps, character=character, speech=not args.no_speech
    )
    write_output(text, args.output)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from motiondirector.export import write_exports
    from motiondirector.summary import summarize_plan

    plan = _make_plan(args)
    paths = write_exports(
        plan,
        args.out,
        EXPORT_FORMATS,
        fps=args.fps,
        speech=not args.no_speech,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    print(summarize_plan(plan))
    print(wrote_summary(paths, args.out))
    return 0


def _make_plan(args: argparse.Namespace) -> MotionPlan:
    from motiondirector.realize import plan_script
    from motiondirector.scene import DEFAULT_MAX_BYTES

    given = _given_plan(args.script)
    if given is not None:
        if not args.quiet:
            print(f"note: {args.script} is a plan: exported as it is, not planned", file=sys.stderr)
        return given
    planner = planner_from_options(args)
    progress = not args.quiet and sys.stderr.isatty()
    plan = plan_script(
        args.script,
        planner=_with_llm_progress(planner) if progress else planner,
        format=args.input_format,
        fps=args.fps,
        seed=args.seed,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        progress=progress,
        language=args.language,
    )
    report_fallbacks(planner, plan)
    if not args.quiet:
        _report_llm_cost(planner)
    return plan


def _given_plan(path: Path) -> MotionPlan | None:
    """The plan itself where `plan` and `demo` take a script: a plan.json, or a folder that
    `direct` or `revise` wrote (its plan.json); None for anything else, which is read as a
    script."""
    from motiondirector.plan.validate import PLAN_FILE, document_kind
    from motiondirector.tools.rendering import read_plan_file

    if path.is_dir() and (path / PLAN_FILE).is_file():
        return read_plan_file(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # the script reader says what is wrong with it
    kind = document_kind(data)
    return read_plan_file(path) if kind is not None and kind[0] == "plan" else None


def _with_llm_progress(planner: Planner) -> Planner:
    """The planner showing a bar over the LLM's chunks while it waits on the server (minutes
    on a CPU); it shares the planner's counters, and the plan is the same."""
    from motiondirector.planners.hybrid import HybridPlanner
    from motiondirector.planners.llm import LLMPlanner

    if isinstance(planner, LLMPlanner | HybridPlanner):
        return planner.progress_twin()
    return planner


def _report_llm_cost(planner: object) -> None:
    """One line on stderr of what planning with an LLM took: answers from the server and from
    the disk cache, seconds waiting on the server, tokens (`LLMStats`); nothing for the rules
    planner."""
    from motiondirector.planners.llm_client import LLMStats

    stats = getattr(planner, "stats", None)
    if not isinstance(stats, LLMStats):
        return
    print(
        f"llm: {count_noun(stats.calls, 'answer')} from the server and {stats.cache_hits} from "
        f"the cache, {stats.seconds_waiting:.1f} s waiting on the server, "
        f"{stats.prompt_tokens} prompt and {stats.completion_tokens} completion tokens",
        file=sys.stderr,
    )
