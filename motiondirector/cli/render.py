"""`render` and `conditioning`: the animatic preview of a scene folder or a plan, and the pose
or face conditioning videos of a scene folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motiondirector.cli.arg_types import Subcommands, parse_size, positive_int
from motiondirector.cli.clip_libraries import BUILTIN_LIBRARY, LIBRARY_HELP, open_clip_library
from motiondirector.cli.output import note_missing_glyphs
from motiondirector.summary import count_noun


def add_render(sub: Subcommands) -> None:
    """`render`: the animatic preview."""
    render = sub.add_parser(
        "render",
        help="render the animatic preview of a `direct --out` folder (its own motion and faces) "
        "or a plan JSON (body motion realized as `direct` does)",
    )
    render.add_argument(
        "plan", type=Path, help="a `direct --out` folder, its plan.json, or any plan JSON"
    )
    render.add_argument(
        "--out",
        type=Path,
        help="MP4 file to write (default: preview.mp4 in a `direct --out` folder, else the "
        "plan JSON's name with .mp4 beside it)",
    )
    render.add_argument("--size", default="640x360", help="WIDTHxHEIGHT, both even")
    render.add_argument("--fps", type=int, default=30, help="frames per second")
    render.add_argument(
        "--contact-sheet",
        type=Path,
        help="also write a PNG, one still per line and per action line",
    )
    render.add_argument(
        "--library",
        help=f"{LIBRARY_HELP} to realize a plan without BVH files beside it "
        f"(default: {BUILTIN_LIBRARY})",
    )
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    render.set_defaults(run=_render)


def add_conditioning(sub: Subcommands) -> None:
    """`conditioning`: per-character conditioning videos."""
    conditioning = sub.add_parser(
        "conditioning",
        help="write per-character pose or face conditioning videos from a `direct --out` folder",
    )
    conditioning.add_argument("direction", type=Path, help="folder written by `direct --out`")
    conditioning.add_argument(
        "--format",
        default="openpose",
        choices=("openpose", "face"),
        help="openpose: OpenPose-18 body-pose stick figures; face: a face landmark sketch "
        "driven by the planned expressions",
    )
    conditioning.add_argument("--out", type=Path, required=True, help="output folder")
    conditioning.add_argument("--size", default="512x512", help="WIDTHxHEIGHT, both even")
    conditioning.add_argument("--character", help="only this character (default: every one)")
    conditioning.add_argument(
        "--fps",
        type=positive_int,
        default=30,
        help="frame rate of the videos; a video model's own for its workflows (16 for Wan 2.1, "
        "8 for CogVideoX-Fun and AnimateDiff)",
    )
    conditioning.add_argument(
        "--no-smooth", action="store_true", help="draw body keypoints without One Euro smoothing"
    )
    conditioning.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    conditioning.set_defaults(run=_conditioning)


def _default_preview(plan: Path) -> Path:
    """Where a preview goes without `--out`: into a `direct --out` folder, or beside a plan."""
    return plan / "preview.mp4" if plan.is_dir() else plan.with_suffix(".mp4")


def _render(args: argparse.Namespace) -> int:
    from motiondirector.tools.rendering import render_plan_preview

    size = parse_size(args.size)
    library = open_clip_library(args.library) if args.library else None
    result = render_plan_preview(
        args.plan,
        args.out or _default_preview(args.plan),
        size=size,
        fps=args.fps,
        contact_sheet=args.contact_sheet,
        library=library,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    print(
        f"wrote {result.video} ({count_noun(result.frames, 'frame')}, {result.duration:.2f} s, "
        f"{result.width}x{result.height} at {result.fps} fps)"
    )
    if result.contact_sheet is not None:
        print(f"wrote {result.contact_sheet}")
    note_missing_glyphs(result.missing_glyphs)
    if result.motion_from == "folder":
        motion = "the folder's BVH files"
        if args.library:
            print(
                f"note: --library is not used: {args.plan} has its own body motion",
                file=sys.stderr,
            )
    else:
        motion = f"realized from the plan with {args.library or 'the built-in library'}"
    faces = "the folder's realized faces" if result.faces_from == "folder" else "the plan's"
    print(f"body motion: {motion}; faces: {faces}")
    return 0


def _conditioning(args: argparse.Namespace) -> int:
    from motiondirector.tools.rendering import render_conditioning

    result = render_conditioning(
        args.direction,
        args.out,
        format=args.format,
        size=parse_size(args.size),
        character=args.character,
        smooth=not args.no_smooth,
        fps=args.fps,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    for video in result.videos:
        print(f"wrote {video.path} ({count_noun(video.frames, 'frame')}, {video.duration:.2f} s)")
    return 0
