"""`direct` and `revise`: plan and realize a script into a scene folder, or revise a folder with
a director's note, both through the Director; the options they share (the clip and face
libraries, the retrieval threshold) and what they print of the result."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.cli.arg_types import Subcommands, character_video, parse_size, positive_int
from motiondirector.cli.clip_libraries import BUILTIN_LIBRARY, LIBRARY_HELP, open_clip_library
from motiondirector.cli.generator_options import add_segment_generator_options, segment_generator
from motiondirector.cli.options import (
    add_llm_options,
    add_planning_options,
    llm_config,
    planner_from_options,
)
from motiondirector.cli.output import note_missing_glyphs, report_fallbacks, wrote_summary
from motiondirector.errors import MotionDirectorError
from motiondirector.summary import count_noun, name_column, padded

if TYPE_CHECKING:
    from motiondirector.agent.director import Director
    from motiondirector.export.scene_folder import DirectResult
    from motiondirector.plan.timeline import Timeline
    from motiondirector.realize.faces import FaceLibrary


def add_direct(sub: Subcommands) -> None:
    """`direct`: plan a script and realize it into a scene folder."""
    direct = sub.add_parser(
        "direct",
        help="plan a script and realize it: timeline, body motion (BVH) per character",
        conflict_handler="resolve",  # the LLM options may also come with the planning options
    )
    add_planning_options(direct)
    direct.add_argument("--out", type=Path, required=True, help="output directory")
    direct.add_argument("--library", help=f"{LIBRARY_HELP} (default: {BUILTIN_LIBRARY})")
    direct.add_argument("-k", type=positive_int, default=10, help="candidates per slot")
    direct.add_argument(
        "--preview", action="store_true", help="also write preview.mp4 and contact.png"
    )
    direct.add_argument("--size", default="640x360", help="preview size WIDTHxHEIGHT")
    direct.add_argument(
        "--agent",
        default="deterministic",
        choices=("deterministic", "llm"),
        help="who chooses the steps: the deterministic pipeline (default) or an LLM agent",
    )
    direct.add_argument(
        "--instructions", help="what the llm agent is asked, in plain words (needs --agent llm)"
    )
    direct.add_argument(
        "--agent-max-tokens",
        type=positive_int,
        default=1024,
        metavar="N",
        help="tokens the llm agent's model may write per turn (a weak model otherwise writes "
        "until its context is full)",
    )
    _add_face_library_options(direct)
    add_segment_generator_options(direct)
    _add_director_options(direct)
    direct.set_defaults(run=_direct)


def add_revise(sub: Subcommands) -> None:
    """`revise`: apply a director's note to a scene folder."""
    revise = sub.add_parser(
        "revise",
        help="apply a director's note to a `direct --out` folder and write a revised one",
        conflict_handler="resolve",
    )
    revise.add_argument("direction", type=Path, help="folder written by `direct --out`")
    revise.add_argument("note", help='e.g. "Ana angrier in the second half; Ben stays still"')
    revise.add_argument("--out", type=Path, required=True, help="output directory")
    revise.add_argument(
        "--parser",
        default="auto",
        choices=("auto", "rules", "llm"),
        help="how the note is read (auto: the LLM when --llm-model is given, else rules)",
    )
    revise.add_argument("--library", help=f"{LIBRARY_HELP} (default: {BUILTIN_LIBRARY})")
    revise.add_argument("-k", type=positive_int, default=10, help="candidates per slot")
    revise.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_face_library_options(revise)
    _add_director_options(revise)
    add_llm_options(revise)
    revise.set_defaults(run=_revise)


def _add_director_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--retrieve-threshold",
        type=float,
        help="score a slot's best library clip needs to be used (default 0.60); below it the "
        "slot is generated or procedural",
    )


def _director(args: argparse.Namespace, generator: object | None = None) -> Director:
    from motiondirector.agent.director import Director
    from motiondirector.realize import DEFAULT_RETRIEVE_THRESHOLD

    llm = llm_config(args)
    threshold = args.retrieve_threshold
    strict = getattr(args, "strict", False)  # a strict planner object; else the name
    return Director(
        planner=planner_from_options(args) if strict else getattr(args, "planner", "rules"),
        library=None
        if args.library in (None, BUILTIN_LIBRARY)
        else open_clip_library(args.library),
        retrieve_threshold=DEFAULT_RETRIEVE_THRESHOLD if threshold is None else threshold,
        k=args.k,
        fps=getattr(args, "fps", 30),
        seed=getattr(args, "seed", 0),
        llm=llm,
        progress=not getattr(args, "quiet", True) and sys.stderr.isatty(),
        face_library=_face_library(args),
        face_threshold=getattr(args, "face_threshold", None),
        generator=generator,
    )


_SEGMENT_KIND_PLURALS = {"clip": "clips", "generated": "generated", "procedural": "procedural"}


def _print_segments(timeline: Timeline) -> None:
    from collections import Counter

    width = name_column(track.name for track in timeline.characters)
    for track in timeline.characters:
        kinds = Counter(segment.kind for segment in track.segments)
        parts = ", ".join(
            count_noun(count, kind, _SEGMENT_KIND_PLURALS.get(kind))
            for kind, count in sorted(kinds.items())
        )
        print(f"{padded(track.name, width)} {count_noun(len(track.segments), 'segment')} ({parts})")


def _print_face_segments(timeline: Timeline) -> None:
    width = name_column(track.name for track in timeline.characters)
    for track in timeline.characters:
        if track.face_segments:
            real = sum(segment.kind == "clip" for segment in track.face_segments)
            procedural = len(track.face_segments) - real
            print(f"{padded(track.name, width)} faces: {real} real, {procedural} procedural")


def _direct_scene(args: argparse.Namespace, director: Director) -> DirectResult:
    from motiondirector.scene import DEFAULT_MAX_BYTES

    max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    if args.agent == "llm":
        from motiondirector.agent.llm_agent import LLMDirector

        agent = LLMDirector(director, llm=director.llm, max_tokens_per_turn=args.agent_max_tokens)
        return agent.direct(
            args.script,
            args.out,
            format=args.input_format,
            max_bytes=max_bytes,
            instructions=args.instructions,
            language=args.language,
        )
    return director.direct(
        args.script,
        args.out,
        format=args.input_format,
        max_bytes=max_bytes,
        language=args.language,
    )


def _direct(args: argparse.Namespace) -> int:
    size = parse_size(args.size)  # refuse a bad size before any work
    if args.instructions is not None and args.agent != "llm":
        # The deterministic pipeline has no reader for them: silently ignoring them would
        # hand back a scene that looks directed as asked.
        raise MotionDirectorError(
            "--instructions are read by the llm agent only: add --agent llm (with "
            '--llm-model), or direct, then revise the result with a note (revise OUT "...")'
        )
    with contextlib.ExitStack() as stack:
        generator = segment_generator(args)
        if hasattr(generator, "close"):
            stack.callback(generator.close)  # Ray workers stop, and the cluster it started
        result = _direct_scene(args, _director(args, generator))
    report_fallbacks(None, result.plan)
    _print_segments(result.timeline)
    _print_face_segments(result.timeline)
    paths = list(result.paths.values())
    if args.preview:
        from motiondirector.export.scene_folder import SceneFolder
        from motiondirector.tools.rendering import write_preview_files

        folder = SceneFolder(args.out)
        preview = write_preview_files(
            result.plan,
            result.motions,
            folder.path(SceneFolder.PREVIEW),
            size=size,
            contact_sheet=folder.path(SceneFolder.CONTACT_SHEET),
            progress=not args.quiet and sys.stderr.isatty(),
            faces=result.faces,
        )
        folder.save_preview_track(result, preview.duration)
        paths += [preview.video, folder.path(SceneFolder.CONTACT_SHEET)]
        note_missing_glyphs(preview.missing_glyphs)
    print(wrote_summary(paths, args.out))
    return 0


def _add_face_library_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--face-library",
        metavar="LIB",
        help="a library built from videos (`index build VIDEO_FOLDER`): realize each "
        "utterance's face and head from the best-matching real face, writing ARKit and Live "
        "Link Face files per character (docs/faces.md)",
    )
    parser.add_argument(
        "--face-threshold",
        type=float,
        metavar="X",
        help="score a real face needs to be used (default 0.6; above 1: always procedural)",
    )
    parser.add_argument(
        "--face-cast",
        action="append",
        type=character_video,
        default=[],
        metavar="NAME=PERFORMER",
        help="give a character the faces of one performer of the face library: a video, or a "
        "folder of one person's videos (path, name or stem); repeatable. The others are cast "
        "automatically",
    )
    parser.add_argument(
        "--no-face-casting",
        action="store_true",
        help="take each slot's best face from any video, so a character may be several "
        "people from line to line (default: one video per character)",
    )


def _face_library(args: argparse.Namespace) -> FaceLibrary | None:
    """The face library of `--face-library`, opened with its casting options; None without."""
    if getattr(args, "face_library", None) is None:
        return None
    from motiondirector.realize import open_face_library

    return open_face_library(
        args.face_library,
        casting=not getattr(args, "no_face_casting", False),
        cast=dict(getattr(args, "face_cast", [])),
    )


def _revise(args: argparse.Namespace) -> int:
    if args.face_library is None and has_real_faces(args.direction):
        print(
            f"note: {args.direction} was directed with real faces; without --face-library the "
            "revision keeps the plan's faces",
            file=sys.stderr,
        )
    from motiondirector.agent.revise import realization_notes

    director = _director(args)
    for why in realization_notes(args.direction, director):
        print(
            f"note: {why}; the characters the note leaves alone may move otherwise",
            file=sys.stderr,
        )
    revised = director.revise(args.direction, args.note, args.out, parser=args.parser)
    from motiondirector.agent.notes import describe_constraint

    width = name_column(constraint.character for constraint in revised.constraints)
    for constraint in revised.constraints:
        who = padded(constraint.character, width)
        print(f"{constraint.kind:<10} {who} {describe_constraint(constraint)}")
    print(revised.diff.summary())
    _print_segments(revised.result.timeline)
    files = count_noun(len(revised.result.paths), "file")
    print(f"Wrote {files} to {args.out}/ (revision.json: the diff)")
    return 0


def has_real_faces(folder: Path) -> bool:
    from motiondirector.export.scene_folder import SceneFolder

    try:
        timeline = SceneFolder(folder).read_timeline()
    except MotionDirectorError:
        return False  # the revision itself says what is wrong with the folder
    return any(s.kind == "clip" for track in timeline.characters for s in track.face_segments)
