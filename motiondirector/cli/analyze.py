"""`analyze`: the face of one video tracked into ARKit curves, head and eye rotation and
behaviour events."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from motiondirector.cli.arg_types import Subcommands
from motiondirector.cli.output import wrote_summary
from motiondirector.summary import count_noun


def add_analyze(sub: Subcommands) -> None:
    """`analyze`: track the face of a video."""
    analyze = sub.add_parser(
        "analyze",
        help="track the face of a video: ARKit curves, head and eye rotation, behaviour events",
    )
    analyze.add_argument("video", type=Path, help="a video file with a face in it")
    analyze.add_argument(
        "--out",
        type=Path,
        help="folder for arkit.csv, arkit.json, head.csv, events.json, summary.json and "
        "track.npz (without it the summary is printed as JSON)",
    )
    analyze.add_argument(
        "--face-model",
        type=Path,
        help="MediaPipe face_landmarker.task (default: $MOTIONDIRECTOR_FACE_MODEL, see "
        "docs/faces.md)",
    )
    analyze.set_defaults(run=_analyze)


def _analyze(args: argparse.Namespace) -> int:
    from motiondirector.faces.analyze import analyze_video
    from motiondirector.faces.model import find_face_model

    model = find_face_model(args.face_model)
    result = analyze_video(args.video, args.out, model=model, progress=sys.stderr.isatty())
    summary = result.summary
    if args.out is None:
        print(json.dumps(summary, indent=2))
        return 0
    face = f"a face in {summary['face_share']:.0%} of {count_noun(summary['frames'], 'frame')}"
    print(f"{args.video}: {face}; {summary['description']}")
    print(wrote_summary(result.files, args.out))
    return 0
