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
    from motiondirector.agent.director import Director
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.plan.timeline import Timeline
    from motiondirector.planners import Planner
    from motiondirector.planners.llm_client import LLMConfig

EXPORT_CHOICES = ("json", "bml", "arkit-csv", "arkit-json", "vtt", "srt")


def _add_planning_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", type=Path, help="Fountain, dialogue JSON or NAME: line text")
    parser.add_argument(
        "--input-format", default="auto", choices=("auto", "fountain", "json", "text")
    )
    parser.add_argument(
        "--planner",
        default="rules",
        choices=("rules", "llm", "hybrid"),
        help="rules (offline default), llm or hybrid (these need --llm-model)",
    )
    parser.add_argument("--fps", type=int, default=30, choices=(30, 60))
    parser.add_argument("--seed", type=int, default=0, help="seed for blinks and idle motion")
    parser.add_argument("--max-bytes", type=int, default=None, help="script size limit in bytes")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_llm_options(parser)


def _add_llm_options(parser: argparse.ArgumentParser) -> None:
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
        "--llm-concurrency", type=int, default=4, help="requests in flight at once (default 4)"
    )
    group.add_argument(
        "--llm-no-cache", action="store_true", help="do not reuse answers cached on disk"
    )


def _llm_config(args: argparse.Namespace) -> LLMConfig | None:
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
        cache_dir=None if args.llm_no_cache else user_cache_dir() / "llm",
    )


def _planner(args: argparse.Namespace) -> Planner:
    from motiondirector.planners import get_planner

    return get_planner(args.planner, _llm_config(args))


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
        "direct",
        help="plan a script and realize it: timeline, body motion (BVH) per character",
        conflict_handler="resolve",  # the LLM options may also come with the planning options
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
    direct.add_argument(
        "--agent",
        default="deterministic",
        choices=("deterministic", "llm"),
        help="who chooses the steps: the deterministic pipeline (default) or an LLM agent",
    )
    direct.add_argument("--instructions", help="what the llm agent is asked, in plain words")
    _add_director_options(direct)

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
    revise.add_argument(
        "--library", type=Path, help="clip library (default: the built-in gesture library)"
    )
    revise.add_argument("-k", type=int, default=10, help="candidates per slot")
    _add_director_options(revise)
    _add_llm_options(revise)

    render = sub.add_parser(
        "render", help="render the animatic preview of a plan JSON (body motion as `direct`)"
    )
    render.add_argument("plan", type=Path, help="plan JSON, e.g. out/scene/plan.json")
    render.add_argument("--out", type=Path, required=True, help="MP4 file to write")
    render.add_argument("--size", default="640x360", help="WIDTHxHEIGHT, both even")
    render.add_argument("--fps", type=int, default=30, help="frames per second (default: 30)")
    render.add_argument("--contact-sheet", type=Path, help="also write a PNG, one still per line")
    render.add_argument(
        "--library", type=Path, help="clip library (default: the built-in gesture library)"
    )
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    conditioning = sub.add_parser(
        "conditioning",
        help="write per-character pose or face conditioning videos from a `direct --out` folder",
    )
    conditioning.add_argument("direction", type=Path, help="folder written by `direct --out`")
    conditioning.add_argument("--format", default="openpose", choices=("openpose", "face"))
    conditioning.add_argument("--out", type=Path, required=True, help="output folder")
    conditioning.add_argument("--size", default="512x512", help="WIDTHxHEIGHT, both even")
    conditioning.add_argument("--character", help="only this character (default: every one)")
    conditioning.add_argument("--fps", type=int, default=30, choices=(30, 60))
    conditioning.add_argument(
        "--no-smooth", action="store_true", help="draw body keypoints without One Euro smoothing"
    )
    conditioning.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    generate = sub.add_parser(
        "generate",
        help="generate a video per character with a diffusers backend from a `direct --out` "
        "folder (real weights want a CUDA GPU)",
    )
    generate.add_argument("direction", type=Path, help="folder written by `direct --out`")
    generate.add_argument(
        "--backend",
        required=True,
        choices=("wan-animate", "wan-vace", "cogvideox-fun", "animatediff"),
    )
    generate.add_argument("--model", help="model folder or hub id (default: the backend's)")
    generate.add_argument("--reference", type=Path, help="image of the character's look")
    generate.add_argument("--character", help="only this character (default: every one)")
    generate.add_argument("--device", default="auto", choices=("auto", "cuda", "cpu"))
    generate.add_argument("--dtype", default="auto", choices=("auto", "bf16", "fp16", "fp32"))
    generate.add_argument("--steps", type=int, default=30, help="denoising steps")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--guidance", type=float, help="guidance scale (default: backend's)")
    generate.add_argument("--prompt", help="what the video shows (default: a generic person)")
    generate.add_argument("--negative-prompt")
    generate.add_argument("--size", help="WIDTHxHEIGHT (default: the backend's)")
    generate.add_argument("--fps", type=int, help="frame rate (default: the backend's)")
    generate.add_argument("--start", type=float, help="first second of the scene to generate")
    generate.add_argument("--end", type=float, help="last second of the scene to generate")
    generate.add_argument("--chunk-frames", type=int, help="frames per generated chunk")
    generate.add_argument("--overlap-frames", type=int, help="frames shared by chunks")
    generate.add_argument(
        "--component",
        action="append",
        default=[],
        metavar="NAME=MODEL",
        help="extra component, e.g. controlnet=lllyasviel/sd-controlnet-openpose (repeatable)",
    )
    generate.add_argument("--cpu-offload", action="store_true", help="offload idle models")
    generate.add_argument("--out", type=Path, required=True, help="output folder")

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
    evaluate.add_argument(
        "--planner",
        default="rules",
        choices=("rules", "llm", "hybrid"),
        help="rules (default), llm or hybrid (these need --llm-model)",
    )
    _add_llm_options(evaluate)
    evaluate.add_argument("--out", type=Path, required=True, help="report directory")
    evaluate.add_argument("--compare", type=Path, help="an earlier report directory")
    evaluate.add_argument(
        "--limit", type=int, help="score only the first N items of each data set (quick checks)"
    )
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    serve = sub.add_parser("serve", help="run the HTTP API (keys from MOTIONDIRECTOR_API_KEYS)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--jobs-db", type=Path, help="SQLite file of scene jobs (default: in the user cache dir)"
    )
    serve.add_argument("--job-workers", type=int, help="scene jobs run at once (default 2)")
    serve.add_argument("--session-ttl", type=float, help="seconds an idle session is kept")

    sub.add_parser("schema", help="print the MotionPlan JSON Schema")
    sub.add_parser("vocabulary", help="print the controlled vocabulary as JSON")
    return parser


def _plan(args: argparse.Namespace) -> MotionPlan:
    from motiondirector.agent.pipeline import plan_script
    from motiondirector.scene import DEFAULT_MAX_BYTES

    planner = _planner(args)
    plan = plan_script(
        args.script,
        planner=planner,
        format=args.input_format,
        fps=args.fps,
        seed=args.seed,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    _report_fallbacks(planner)
    return plan


def _report_fallbacks(planner: object) -> None:
    """Say on stderr when the rules had to stand in for the LLM (the plan still completes)."""
    stats = getattr(planner, "stats", None)
    count = getattr(stats, "fallback_utterances", 0)
    if count:
        print(
            f"note: the LLM could not direct {count} line(s); the rules planner did "
            "(each event's source.reason says why)",
            file=sys.stderr,
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
    if args.command == "revise":
        return _revise(args)
    if args.command == "render":
        return _render(args)
    if args.command == "conditioning":
        return _conditioning(args)
    if args.command == "generate":
        return _generate(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "eval":
        from motiondirector.evaluation import run_eval

        planner = _planner(args)
        report = run_eval(
            args.suite or ["all"],
            planner,
            args.out,
            compare_to=args.compare,
            progress=not args.quiet and sys.stderr.isatty(),
            limit=args.limit,
        )
        _report_fallbacks(planner)
        print(f"wrote {report}")
        return 0
    if args.command == "index":
        return _index(args)
    if args.command == "library":
        return _library(args)
    if args.command == "search":
        return _search(args)
    raise AssertionError(args.command)


def _add_director_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--retrieve-threshold",
        type=float,
        help="score a slot's best library clip needs to be used (default 0.60); below it the "
        "slot is generated or procedural",
    )


def _director(args: argparse.Namespace) -> Director:
    from motiondirector.agent.director import DEFAULT_RETRIEVE_THRESHOLD, Director

    llm = _llm_config(args)
    threshold = args.retrieve_threshold
    return Director(
        planner=getattr(args, "planner", "rules"),
        library=args.library,
        retrieve_threshold=DEFAULT_RETRIEVE_THRESHOLD if threshold is None else threshold,
        k=args.k,
        fps=getattr(args, "fps", 30),
        seed=getattr(args, "seed", 0),
        agent=getattr(args, "agent", "deterministic"),
        llm=llm,
        progress=not getattr(args, "quiet", True) and sys.stderr.isatty(),
    )


def _print_segments(timeline: Timeline) -> None:
    from collections import Counter

    for track in timeline.characters:
        kinds = Counter(segment.kind for segment in track.segments)
        parts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        print(f"{track.name:<16} {len(track.segments)} segments ({parts})")


def _direct(args: argparse.Namespace) -> int:
    from motiondirector.scene import DEFAULT_MAX_BYTES

    size = _size(args.size)  # refuse a bad size before any work
    result = _director(args).direct(
        args.script,
        args.out,
        format=args.input_format,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        instructions=args.instructions,
    )
    _print_segments(result.timeline)
    paths = list(result.paths.values())
    if args.preview:
        from motiondirector.tools.rendering import write_preview_files

        preview = write_preview_files(
            result.plan,
            result.motions,
            args.out / "preview.mp4",
            size=size,
            contact_sheet=args.out / "contact.png",
            progress=not args.quiet and sys.stderr.isatty(),
        )
        paths += [preview.video, args.out / "contact.png"]
    print(f"Wrote {len(paths)} files to {args.out}/: " + ", ".join(p.name for p in paths))
    return 0


def _revise(args: argparse.Namespace) -> int:
    revised = _director(args).revise(args.direction, args.note, args.out, parser=args.parser)
    for constraint in revised.constraints:
        print(f"{constraint.kind:<10} {constraint.character:<16} {constraint.span.describe()}")
    print(revised.diff.summary())
    _print_segments(revised.result.timeline)
    print(f"Wrote {len(revised.result.paths)} files to {args.out}/ (revision.json: the diff)")
    return 0


def _render(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.tools.rendering import render_plan_preview

    size = _size(args.size)
    library = ClipLibrary.open(args.library) if args.library else None
    result = render_plan_preview(
        args.plan,
        args.out,
        size=size,
        fps=args.fps,
        contact_sheet=args.contact_sheet,
        library=library,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    print(
        f"wrote {result.video} ({result.frames} frames, {result.duration:.2f} s, "
        f"{result.width}x{result.height} at {result.fps} fps)"
    )
    if result.contact_sheet is not None:
        print(f"wrote {result.contact_sheet}")
    return 0


def _conditioning(args: argparse.Namespace) -> int:
    from motiondirector.tools.rendering import render_conditioning

    result = render_conditioning(
        args.direction,
        args.out,
        format=args.format,
        size=_size(args.size),
        character=args.character,
        smooth=not args.no_smooth,
        fps=args.fps,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    for video in result.videos:
        print(f"wrote {video.path} ({video.frames} frames, {video.duration:.2f} s)")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from motiondirector.generators.backends import backend_class, get_generator
    from motiondirector.generators.backends.scene import (
        build_requests,
        generate_requests,
        read_direction,
        read_reference_image,
    )
    from motiondirector.generators.base import BackendOptions

    components: dict[str, str] = {}
    for item in args.component:
        name, _, model = item.partition("=")
        if not name or not model:
            raise MotionDirectorError(f"--component must look like NAME=MODEL, got {item!r}")
        components[name] = model
    size = _size(args.size) if args.size else None
    options = BackendOptions(
        model=args.model,
        device=args.device,
        dtype=args.dtype,
        components=components,
        cpu_offload=args.cpu_offload,
    )
    # Everything that can be refused is refused before the (slow) model loads.
    chosen = backend_class(args.backend)
    chosen.preflight(options, text_prompt=True)
    direction = read_direction(args.direction, [args.character] if args.character else None)
    requests = build_requests(
        direction,
        chosen,
        reference=read_reference_image(args.reference) if args.reference else None,
        prompt=args.prompt,
        negative_prompt=args.negative_prompt,
        size=size,
        fps=args.fps,
        start=args.start,
        end=args.end,
        steps=args.steps,
        seed=args.seed,
        guidance_scale=args.guidance,
        chunk_frames=args.chunk_frames,
        overlap_frames=args.overlap_frames,
    )
    backend = get_generator(args.backend, options)
    backend.show_progress(sys.stderr.isatty())
    for video in generate_requests(direction, backend, requests, args.out):
        meta = video.output.metadata
        print(
            f"{video.character:<16} {meta['frames']} frames {meta['width']}x{meta['height']} "
            f"at {video.output.fps:g} fps, {meta['chunks']} chunk(s) -> {video.path}"
        )
    return 0


def _serve(args: argparse.Namespace) -> int:
    import importlib.util
    from dataclasses import replace

    import uvicorn

    from motiondirector.server import ServerSettings, create_app

    settings = ServerSettings.from_env()
    options = {
        "jobs_db": args.jobs_db,
        "job_workers": args.job_workers,
        "session_ttl_s": args.session_ttl,
    }
    settings = replace(settings, **{k: v for k, v in options.items() if v is not None})
    app = create_app(settings)  # refuses to start without keys unless anonymous access is set
    # WebSockets need the `websockets` package; uvicorn's sans-I/O protocol for it is the
    # current one (its older one uses an API websockets deprecated).
    sansio = "websockets-sansio" in uvicorn.config.WS_PROTOCOLS
    ws = "websockets-sansio" if sansio and importlib.util.find_spec("websockets") else "auto"
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", ws=ws)
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
