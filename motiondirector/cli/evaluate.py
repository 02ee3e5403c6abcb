"""`eval`: score a planner (or a baseline) on the evaluation suites and write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.cli.arg_types import Subcommands, non_negative_int, positive_int
from motiondirector.cli.options import add_llm_options, llm_config, planner_from_options
from motiondirector.cli.output import report_fallbacks
from motiondirector.errors import MotionDirectorError
from motiondirector.plan.options import BASELINE_NAMES, PLANNER_NAMES, SUITE_NAMES

if TYPE_CHECKING:
    from motiondirector.planners import Planner


def add_eval(sub: Subcommands) -> None:
    """`eval`: score a planner on the evaluation suites."""
    evaluate = sub.add_parser("eval", help="score a planner on the evaluation suites")
    evaluate.add_argument(
        "--suite",
        action="append",
        default=None,
        choices=("all", *SUITE_NAMES),
        help="a suite, or all (repeatable; default all)",
    )
    evaluate.add_argument(
        "--planner",
        default="rules",
        choices=(*PLANNER_NAMES, *BASELINE_NAMES),
        help="rules (default), llm or hybrid (these need --llm-model), or a baseline: neutral "
        "(no behaviour) or random (chance level, seeded by --seed)",
    )
    evaluate.add_argument(
        "--seed",
        type=non_negative_int,
        default=0,
        help="seed of the random baseline planner (default 0)",
    )
    add_llm_options(evaluate)
    evaluate.add_argument("--out", type=Path, required=True, help="report directory")
    evaluate.add_argument("--compare", type=Path, help="an earlier report directory")
    evaluate.add_argument(
        "--baseline",
        choices=PLANNER_NAMES,
        help="a planner timed line by line in turn with --planner in the screenplays suite: "
        "latency deltas under the same load (the LLM options apply to both)",
    )
    evaluate.add_argument(
        "--limit",
        type=positive_int,
        help="score only the first N items of each data set (quick checks)",
    )
    evaluate.add_argument(
        "--data-dir",
        type=Path,
        help="folder of the evaluation data (default: ../shared/data next to the repository)",
    )
    evaluate.add_argument(
        "--emotion-data",
        action="append",
        type=Path,
        metavar="FILE",
        help="the emotion suite scores this labelled CSV, TSV or JSONL file instead of MELD "
        "and GoEmotions (repeatable)",
    )
    evaluate.add_argument(
        "--emotion-column",
        action="append",
        default=[],
        metavar="ROLE=NAME",
        help="the column of --emotion-data holding text, label, speaker, dialogue or order "
        "(default: text and label; repeatable)",
    )
    evaluate.add_argument(
        "--emotion-label",
        action="append",
        default=[],
        metavar="THEIRS=EMOTION",
        help="map a label of --emotion-data to a planner emotion; THEIRS= leaves its rows out "
        "(repeatable)",
    )
    evaluate.add_argument(
        "--cue-cases",
        type=Path,
        metavar="FILE",
        help="the behaviours suite scores this cue-case YAML file instead of the package's",
    )
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    evaluate.set_defaults(run=_eval)


def _eval(args: argparse.Namespace) -> int:
    from motiondirector.evaluation import run_eval
    from motiondirector.evaluation.baselines import baseline_planner
    from motiondirector.evaluation.emotion_data import emotion_data_from_options
    from motiondirector.planners import get_planner

    if (args.emotion_column or args.emotion_label) and not args.emotion_data:
        raise MotionDirectorError("--emotion-column and --emotion-label need --emotion-data")
    emotion_data = (
        emotion_data_from_options(args.emotion_data, args.emotion_column, args.emotion_label)
        if args.emotion_data
        else None
    )
    if args.planner in BASELINE_NAMES:
        planner: Planner = baseline_planner(args.planner, args.seed)
    else:
        planner = planner_from_options(args)
    bar = not args.quiet and sys.stderr.isatty()
    report = run_eval(
        args.suite or ["all"],
        planner,
        args.out,
        compare_to=args.compare,
        progress=bar,
        data_dir=args.data_dir,
        limit=args.limit,
        # Written to a file or a pipe, a run of a minute or more still says where it is.
        log=None if args.quiet or bar else _stderr_line,
        baseline=None if args.baseline is None else get_planner(args.baseline, llm_config(args)),
        emotion_data=emotion_data,
        cue_cases=args.cue_cases,
    )
    report_fallbacks(planner)
    print(f"wrote {report}")
    return 0


def _stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
