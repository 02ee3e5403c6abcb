"""`validate`, `schema` and `vocabulary`: the plan contract, checked against a plan file or
printed as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from motiondirector.cli.arg_types import Subcommands
from motiondirector.cli.output import write_output
from motiondirector.summary import count_noun


def add_validate(sub: Subcommands) -> None:
    """`validate`: check a plan JSON against the contract."""
    validate = sub.add_parser("validate", help="check a plan JSON against the contract")
    validate.add_argument(
        "plan", type=Path, help="plan JSON file, e.g. out/scene/plan.json, or the folder holding it"
    )
    validate.set_defaults(run=_validate)


def add_schema(sub: Subcommands) -> None:
    """`schema`: print the MotionPlan JSON Schema."""
    schema = sub.add_parser("schema", help="print the MotionPlan JSON Schema")
    schema.set_defaults(run=_schema)


def add_vocabulary(sub: Subcommands) -> None:
    """`vocabulary`: print the controlled vocabulary."""
    vocabulary = sub.add_parser("vocabulary", help="print the controlled vocabulary as JSON")
    vocabulary.set_defaults(run=_vocabulary)


def _validate(args: argparse.Namespace) -> int:
    from motiondirector.plan.validate import PLAN_FILE
    from motiondirector.tools.rendering import read_plan_file

    plan = read_plan_file(args.plan)
    checked = args.plan / PLAN_FILE if args.plan.is_dir() else args.plan
    events = sum(len(t.events) for t in plan.characters)
    counts = f"{count_noun(len(plan.characters), 'character')}, {count_noun(events, 'event')}"
    print(f"{checked}: valid ({counts})")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from motiondirector.plan.motion_plan import motion_plan_json_schema

    write_output(json.dumps(motion_plan_json_schema(), indent=2) + "\n", None)
    return 0


def _vocabulary(args: argparse.Namespace) -> int:
    from motiondirector.plan.vocabulary import load_vocabulary

    v = load_vocabulary()
    data = {
        "version": v.version,
        "emotions": dict(v.emotions),
        "action_units": {str(k): au.name for k, au in v.action_units.items()},
        "head": dict(v.head),
        "gaze_targets": dict(v.gaze_targets),
        "gestures": dict(v.gestures),
        "postures": dict(v.postures),
    }
    write_output(json.dumps(data, indent=2) + "\n", None)
    return 0
