"""The `motiondirector` command line: a thin shell over the pipeline and the exporters.

Errors the user can fix are printed as one clear message (exit 2; 1 for an invalid plan),
never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.errors import MotionDirectorError, PlanValidationError

if TYPE_CHECKING:
    from motiondirector.plan.motion_plan import MotionPlan

EXPORT_CHOICES = ("json", "bml", "arkit-csv", "arkit-json", "vtt", "srt")


def _add_planning_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", type=Path, help="Fountain, dialogue JSON or NAME: line text")
    parser.add_argument(
        "--input-format", default="auto", choices=("auto", "fountain", "json", "text")
    )
    parser.add_argument("--planner", default="rules", help="planner name (default: rules)")
    parser.add_argument("--fps", type=int, default=30, choices=(30, 60))
    parser.add_argument("--seed", type=int, default=0, help="seed for blinks and idle motion")
    parser.add_argument("--max-bytes", type=int, default=None, help="script size limit in bytes")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motiondirector",
        description="Direct digital humans: plan word-timed face, head, gaze, gesture and "
        "posture for every character in a script.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="plan a script and write the plan or an export")
    _add_planning_options(plan)
    plan.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    plan.add_argument("--format", default="json", choices=EXPORT_CHOICES)
    plan.add_argument("--character", help="character for the ARKit formats (default: first)")

    demo = sub.add_parser("demo", help="plan a script, write every export and print a summary")
    _add_planning_options(demo)
    demo.add_argument("--out", type=Path, default=Path("out"), help="output directory")

    direct = sub.add_parser(
        "direct", help="plan a script and realize it: timeline, body motion (BVH) per character"
    )
    _add_planning_options(direct)
    direct.add_argument("--out", type=Path, required=True, help="output directory")
    direct.add_argument(
        "--library", type=Path, help="clip library (default: the built-in gesture library)"
    )
    direct.add_argument("-k", type=int, default=10, help="candidates per slot")
    direct.add_argument(
        "--preview", action="store_true", help="also write preview.mp4 and contact.png"
    )
    direct.add_argument("--size", default="640x360", help="preview size WIDTHxHEIGHT")

    validate = sub.add_parser("validate", help="check a plan JSON against the contract")
    validate.add_argument("plan", type=Path)

    index = sub.add_parser("index", help="build or inspect a clip library (FAISS index)")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="ingest clips and build a library")
    build.add_argument(
        "sources",
        nargs="+",
        help='"builtin", folders of BVH files, or video folders with a captions.jsonl',
    )
    build.add_argument("--out", type=Path, required=True, help="library directory")
    build.add_argument("--kind", choices=("flat", "hnsw", "ivf"), help="FAISS index kind")
    build.add_argument("--overwrite", action="store_true", help="replace an existing library")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    info = index_sub.add_parser("info", help="describe a library")
    info.add_argument("library", type=Path)

    clips = sub.add_parser("library", help="list or export clips of the built-in gesture library")
    clips_sub = clips.add_subparsers(dest="library_command", required=True)
    listing = clips_sub.add_parser("list", help="list clip ids and descriptions")
    listing.add_argument("--lexeme", help="only clips of this lexeme, e.g. wave")
    export_clip = clips_sub.add_parser("export", help="write one clip as BVH")
    export_clip.add_argument("clip_id", help="e.g. wave.right.large.fast.happy")
    export_clip.add_argument("-o", "--output", type=Path, required=True, help="BVH file")

    search = sub.add_parser("search", help="find clips in a library by description")
    search.add_argument("library", type=Path)
    search.add_argument("text", help='what the clip shows, e.g. "waves goodbye sadly"')
    search.add_argument("-k", type=int, default=5, help="number of results")
    search.add_argument("--lexeme", help="vocabulary lexeme to prefer, e.g. wave")
    search.add_argument("--emotion", help="emotion to prefer, e.g. sadness")
    search.add_argument("--hand", choices=("left", "right", "both"))
    search.add_argument("--duration", type=float, help="wanted length in seconds")

    evaluate = sub.add_parser("eval", help="score a planner on the evaluation suites")
    evaluate.add_argument(
        "--suite",
        action="append",
        default=None,
        help="emotion, behaviours, screenplays, retrieval or all (repeatable; default all)",
    )
    evaluate.add_argument("--planner", default="rules")
    evaluate.add_argument("--out", type=Path, required=True, help="report directory")
    evaluate.add_argument("--compare", type=Path, help="an earlier report directory")
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    serve = sub.add_parser("serve", help="run the HTTP API (keys from MOTIONDIRECTOR_API_KEYS)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)

    sub.add_parser("schema", help="print the MotionPlan JSON Schema")
    sub.add_parser("vocabulary", help="print the controlled vocabulary as JSON")
    return parser


def _plan(args: argparse.Namespace) -> MotionPlan:
    from motiondirector.agent.pipeline import plan_script
    from motiondirector.scene import DEFAULT_MAX_BYTES

    return plan_script(
        args.script,
        planner=args.planner,
        format=args.input_format,
        fps=args.fps,
        seed=args.seed,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        progress=not args.quiet and sys.stderr.isatty(),
    )


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    if args.command == "schema":
        from motiondirector.plan.motion_plan import motion_plan_json_schema

        _write(json.dumps(motion_plan_json_schema(), indent=2) + "\n", None)
        return 0
    if args.command == "vocabulary":
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
        _write(json.dumps(data, indent=2) + "\n", None)
        return 0
    if args.command == "validate":
        from motiondirector.plan.validate import load_plan_json

        try:
            text = args.plan.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise MotionDirectorError(f"cannot read {args.plan}: {error}") from None
        plan = load_plan_json(text)
        events = sum(len(t.events) for t in plan.characters)
        print(f"{args.plan}: valid ({len(plan.characters)} characters, {events} events)")
        return 0
    if args.command == "plan":
        from motiondirector.export import export_plan

        plan = _plan(args)
        _write(export_plan(plan, args.format, fps=args.fps, character=args.character), args.output)
        return 0
    if args.command == "demo":
        from motiondirector.export import write_exports
        from motiondirector.summary import summarize_plan

        plan = _plan(args)
        paths = write_exports(plan, args.out, EXPORT_CHOICES, fps=args.fps)
        print(summarize_plan(plan))
        print(f"Wrote {len(paths)} files to {args.out}/: " + ", ".join(p.name for p in paths))
        return 0
    if args.command == "direct":
        return _direct(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "eval":
        from motiondirector.evaluation import run_eval

        report = run_eval(
            args.suite or ["all"],
            args.planner,
            args.out,
            compare_to=args.compare,
            progress=not args.quiet and sys.stderr.isatty(),
        )
        print(f"wrote {report}")
        return 0
    if args.command == "index":
        return _index(args)
    if args.command == "library":
        return _library(args)
    if args.command == "search":
        return _search(args)
    raise AssertionError(args.command)


def _direct(args: argparse.Namespace) -> int:
    from collections import Counter

    from motiondirector.agent.direct import direct_scene
    from motiondirector.retrieval import ClipLibrary

    size = _size(args.size)  # refuse a bad size before any work
    library = ClipLibrary.open(args.library) if args.library else None
    result = direct_scene(_plan(args), library=library, out_dir=args.out, k=args.k)
    for track in result.timeline.characters:
        kinds = Counter(segment.kind for segment in track.segments)
        parts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        print(f"{track.name:<16} {len(track.segments)} segments ({parts})")
    paths = list(result.paths.values())
    if args.preview:
        from motiondirector.generators.preview import contact_sheet, render_preview

        progress = not args.quiet and sys.stderr.isatty()
        video = render_preview(
            result.plan, result.motions, args.out / "preview.mp4", size=size, progress=progress
        )
        paths += [video.path, contact_sheet(result.plan, result.motions, args.out / "contact.png")]
    print(f"Wrote {len(paths)} files to {args.out}/: " + ", ".join(p.name for p in paths))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from motiondirector.server import create_app

    app = create_app()  # refuses to start without keys unless anonymous access is set
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise MotionDirectorError(f"--size must look like 640x360, got {text!r}") from None
    return width, height


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
    print(f"wrote {args.output} ({clip.duration:.2f} s, {clip.motion().frames} frames)")
    return 0


def _index(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipLibrary

    if args.index_command == "info":
        info = ClipLibrary.open(args.library).info()
        print(f"{info.path}: {info.records} clips, {info.vectors} vectors")
        print(f"  index {info.kind} {info.index_params}, version {info.version}")
        print(f"  model {info.model_id} ({info.dimension}-d), {info.bytes_on_disk / 1e6:.1f} MB")
        return 0
    from motiondirector.retrieval.ingest import ingest

    result = ingest(args.sources, progress=not args.quiet and sys.stderr.isatty())
    for skipped in result.skipped:
        print(f"skipped {skipped}", file=sys.stderr)
    if not result.records:
        raise MotionDirectorError("nothing to index: every source was empty or unreadable")
    library = ClipLibrary.create(args.out, result.records, kind=args.kind, overwrite=args.overwrite)
    info = library.info()
    print(
        f"indexed {info.records} clips ({info.vectors} descriptions, {info.kind}) into "
        f"{args.out}; skipped {len(result.skipped)}"
    )
    return 0


def _search(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipLibrary, ClipQuery, search_clips

    try:
        query = ClipQuery(
            text=args.text,
            lexeme=args.lexeme,
            emotion=args.emotion,
            hand=args.hand,
            duration=args.duration,
        )
    except ValueError as error:
        raise MotionDirectorError(str(error)) from None
    library = ClipLibrary.open(args.library)
    for candidate in search_clips(library, query, k=args.k):
        record = candidate.record
        print(
            f"{candidate.rank:>3}  {candidate.score:.3f}  {record.id}  "
            f"({record.duration:.1f} s)  {record.descriptions[0]}"
        )
        print(f"     {candidate.reason}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        return _run(args)
    except PlanValidationError as error:
        print(f"error: invalid plan: {error}", file=sys.stderr)
        return 1
    except MotionDirectorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
