"""`library list` and `library export`: the clips of the built-in gesture library."""

from __future__ import annotations

import argparse

from motiondirector.cli.arg_types import Subcommands, output_file
from motiondirector.errors import MotionDirectorError
from motiondirector.summary import count_noun


def add_library(sub: Subcommands) -> None:
    """`library list` and `library export`."""
    clips = sub.add_parser("library", help="list or export clips of the built-in gesture library")
    clips_sub = clips.add_subparsers(dest="library_command", required=True)
    listing = clips_sub.add_parser("list", help="list clip ids and descriptions")
    listing.add_argument("--lexeme", help="only clips of this lexeme, e.g. wave")
    export_clip = clips_sub.add_parser("export", help="write one clip as BVH")
    export_clip.add_argument("clip_id", help="e.g. wave.right.large.fast.happy")
    export_clip.add_argument("-o", "--output", type=output_file, required=True, help="BVH file")
    clips.set_defaults(run=_library)


def _library(args: argparse.Namespace) -> int:
    from motiondirector.motion.library import builtin_library, clips_for, get_clip

    if args.library_command == "list":
        chosen = clips_for(args.lexeme) if args.lexeme else builtin_library()
        if not chosen:
            raise MotionDirectorError(f"no built-in clips for lexeme {args.lexeme!r}")
        for clip in chosen:
            print(f"{clip.id:<40} {clip.duration:5.2f} s  {clip.descriptions[0]}")
        return 0
    from motiondirector.motion.bvh import write_bvh

    clip = get_clip(args.clip_id.removeprefix("builtin/"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_bvh(clip.motion(), args.output)
    print(
        f"wrote {args.output} ({clip.duration:.2f} s, {count_noun(clip.motion().frames, 'frame')})"
    )
    return 0
