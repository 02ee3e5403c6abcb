"""The `motiondirector` command line: a thin shell over the pipeline and the exporters.

Errors the user can fix are printed as one line starting with `error:`, never as a traceback.
The exit code says which kind of failure it was (`EXIT_CODES`, also shown by `--help`):

    0    success
    1    the input or the run failed: a missing, unreadable or invalid file, an invalid plan,
         a backend or server that cannot start (the message says why)
    2    usage: an unknown command or option, or an option value of the wrong form
    130  interrupted (Ctrl-C)

This module parses options and prints; it must not plan, realize or export by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motiondirector.errors import (
    ExportError,
    InputTooLargeError,
    MotionDirectorError,
    PlanValidationError,
)
from motiondirector.plan.options import (
    BACKEND_NAMES,
    BASELINE_NAMES,
    EXPORT_FORMATS,
    FPS_CHOICES,
    PLANNER_NAMES,
    SCRIPT_FORMATS,
    SUITE_NAMES,
)
from motiondirector.summary import count_noun, name_column, padded

if TYPE_CHECKING:
    from motiondirector.agent.director import Director
    from motiondirector.export.scene_folder import DirectResult
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.plan.timeline import Timeline
    from motiondirector.planners import Planner
    from motiondirector.planners.llm_client import LLMConfig
    from motiondirector.realize.faces import FaceLibrary
    from motiondirector.retrieval import ClipLibrary, ClipRecord
    from motiondirector.retrieval.records import IngestResult
    from motiondirector.retrieval.sources import KnownSources


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # what argparse exits with
EXIT_INTERRUPTED = 130
EXIT_CODES = """\
exit codes:
  0    success
  1    the input or the run failed: a missing, unreadable or invalid file, an invalid plan,
       a backend or server that cannot start (the message says why)
  2    usage: an unknown command or option, or an option value of the wrong form
  130  interrupted (Ctrl-C)
"""

BUILTIN_LIBRARY = "builtin"
"""The name that stands for the built-in gesture library wherever a clip library is asked for
(a folder of that name is `./builtin`)."""
LIBRARY_HELP = f'clip library folder, or "{BUILTIN_LIBRARY}" for the built-in gesture library'
NO_SPEECH_HELP = (
    "leave speech out of the ARKit and Live Link Face curves (the mouth is driven from audio "
    "elsewhere); face expressions, head and eyes stay"
)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the description and epilog as written and shows each option's default, except
    where there is none (None, off, empty) or the help already says it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if default is None or default is False or default == [] or "default" in text:
            return text
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every subcommand parser formats help with `_HelpFormatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _non_negative_int(text: str) -> int:
    """An argparse type: 0 or more (a bad value is a usage error, not a traceback)."""
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_int(text: str) -> int:
    """An argparse type: 1 or more."""
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    value = _whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, got {value}")
    return value


def _positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def _character_video(text: str) -> tuple[str, str]:
    """An argparse type: `NAME=PERFORMER`, a character and a performer of the face library."""
    name, equals, video = text.partition("=")
    if not equals or not name.strip() or not video.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=PERFORMER, got {text!r}")
    return name.strip(), video.strip()


def _output_file(text: str) -> Path:
    """An argparse type: a file name that is not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a file name, got an empty one")
    return Path(text)


def _add_planning_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", type=Path, help="Fountain, dialogue JSON or NAME: line text")
    parser.add_argument(
        "--input-format",
        default="auto",
        choices=SCRIPT_FORMATS,
        help="how to read the script; auto: .fountain and .spmd are Fountain, .json is "
        "dialogue JSON, anything else is detected from the content",
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
        "--seed", type=_non_negative_int, default=0, help="seed for blinks and idle motion"
    )
    parser.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=None,
        help="script size limit in bytes (default: the library's limit)",
    )
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
        "--llm-concurrency", type=_positive_int, default=4, help="requests in flight at once"
    )
    group.add_argument(
        "--llm-timeout",
        type=_positive_seconds,
        default=60,
        metavar="SECONDS",
        help="how long one request may take (a model on a CPU may need minutes per chunk)",
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
        timeout_s=args.llm_timeout,
        cache_dir=None if args.llm_no_cache else user_cache_dir() / "llm",
    )


def _planner(args: argparse.Namespace) -> Planner:
    from motiondirector.planners import get_planner

    return get_planner(args.planner, _llm_config(args), strict=getattr(args, "strict", False))


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="motiondirector",
        description="Direct digital humans: plan word-timed face, head, gaze, gesture and\n"
        "posture for every character in a script.",
        epilog=EXIT_CODES,
    )
    from motiondirector import __version__

    parser.add_argument("--version", action="version", version=f"motiondirector {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="plan a script and write the plan or an export")
    _add_planning_options(plan)
    plan.add_argument(
        "-o",
        "--output",
        type=_output_file,
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

    demo = sub.add_parser("demo", help="plan a script, write every export and print a summary")
    _add_planning_options(demo)
    demo.add_argument("--out", type=Path, default=Path("out"), help="output directory")
    demo.add_argument("--no-speech", action="store_true", help=NO_SPEECH_HELP)

    direct = sub.add_parser(
        "direct",
        help="plan a script and realize it: timeline, body motion (BVH) per character",
        conflict_handler="resolve",  # the LLM options may also come with the planning options
    )
    _add_planning_options(direct)
    direct.add_argument("--out", type=Path, required=True, help="output directory")
    direct.add_argument("--library", help=f"{LIBRARY_HELP} (default: {BUILTIN_LIBRARY})")
    direct.add_argument("-k", type=_positive_int, default=10, help="candidates per slot")
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
        type=_positive_int,
        default=1024,
        metavar="N",
        help="tokens the llm agent's model may write per turn (a weak model otherwise writes "
        "until its context is full)",
    )
    _add_face_library_options(direct)
    _add_segment_generator_options(direct)
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
    revise.add_argument("--library", help=f"{LIBRARY_HELP} (default: {BUILTIN_LIBRARY})")
    revise.add_argument("-k", type=_positive_int, default=10, help="candidates per slot")
    revise.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_face_library_options(revise)
    _add_director_options(revise)
    _add_llm_options(revise)

    render = sub.add_parser(
        "render",
        help="render the animatic preview of a `direct --out` folder (its own motion and faces) "
        "or a plan JSON (body motion realized as `direct` does)",
    )
    render.add_argument(
        "plan", type=Path, help="a `direct --out` folder, its plan.json, or any plan JSON"
    )
    render.add_argument("--out", type=Path, required=True, help="MP4 file to write")
    render.add_argument("--size", default="640x360", help="WIDTHxHEIGHT, both even")
    render.add_argument("--fps", type=int, default=30, help="frames per second")
    render.add_argument("--contact-sheet", type=Path, help="also write a PNG, one still per line")
    render.add_argument(
        "--library",
        help=f"{LIBRARY_HELP} to realize a plan without BVH files beside it "
        f"(default: {BUILTIN_LIBRARY})",
    )
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

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
        "--fps", type=int, default=30, choices=FPS_CHOICES, help="frame rate of the videos"
    )
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
        "--face-library",
        metavar="LIB",
        help="the face library the folder was directed with (`direct --face-library`): its "
        "real faces, cropped from their videos, fill the face video in their slots",
    )
    generate.add_argument(
        "--backend",
        required=True,
        choices=BACKEND_NAMES,
        help="the diffusers pipeline that makes the video",
    )
    generate.add_argument("--model", help="model folder or hub id (default: the backend's)")
    generate.add_argument("--reference", type=Path, help="image of the character's look")
    generate.add_argument("--character", help="only this character (default: every one)")
    generate.add_argument(
        "--device",
        default="auto",
        choices=("auto", "cuda", "cpu"),
        help="where the model runs (auto: cuda when a GPU is visible)",
    )
    generate.add_argument(
        "--dtype",
        default="auto",
        choices=("auto", "bf16", "fp16", "fp32"),
        help="weights dtype (auto: bf16 on cuda, fp32 on cpu)",
    )
    generate.add_argument(
        "--steps", type=_positive_int, help="denoising steps (default: the preset's, else 30)"
    )
    generate.add_argument(
        "--seed", type=_non_negative_int, default=0, help="seed of the initial noise"
    )
    generate.add_argument("--guidance", type=float, help="guidance scale (default: backend's)")
    generate.add_argument("--prompt", help="what the video shows (default: a generic person)")
    generate.add_argument("--negative-prompt", help="what the video should not show")
    generate.add_argument("--size", help="WIDTHxHEIGHT (default: the backend's)")
    generate.add_argument("--fps", type=_positive_int, help="frame rate (default: the backend's)")
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
    _add_speed_options(generate)
    _add_ray_options(generate, "generate the characters side by side")
    generate.add_argument("--out", type=Path, required=True, help="output folder")

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

    validate = sub.add_parser("validate", help="check a plan JSON against the contract")
    validate.add_argument(
        "plan", type=Path, help="plan JSON file, e.g. out/scene/plan.json, or the folder holding it"
    )

    index = sub.add_parser("index", help="build or inspect a clip library (FAISS index)")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="ingest clips and build a library")
    build.add_argument(
        "sources",
        nargs="+",
        help='"builtin", folders of BVH files, or folders of videos (analysed for faces; a '
        "captions.jsonl beside them is merged in)",
    )
    build.add_argument("--out", type=Path, required=True, help="library directory")
    build.add_argument(
        "--add", action="store_true", help="add to the library at --out instead of creating one"
    )
    build.add_argument("--kind", choices=("flat", "hnsw", "ivf"), help="FAISS index kind")
    build.add_argument(
        "--rig",
        metavar="NAME|PATH",
        help="the joint-name map of the BVH folders: bandai, canonical, cmu, mixamo, or a YAML "
        "map file (default: found from each file's joint names)",
    )
    build.add_argument("--overwrite", action="store_true", help="replace an existing library")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    info = index_sub.add_parser("info", help="describe a library")
    info.add_argument("library", help=LIBRARY_HELP)

    clips = sub.add_parser("library", help="list or export clips of the built-in gesture library")
    clips_sub = clips.add_subparsers(dest="library_command", required=True)
    listing = clips_sub.add_parser("list", help="list clip ids and descriptions")
    listing.add_argument("--lexeme", help="only clips of this lexeme, e.g. wave")
    export_clip = clips_sub.add_parser("export", help="write one clip as BVH")
    export_clip.add_argument("clip_id", help="e.g. wave.right.large.fast.happy")
    export_clip.add_argument("-o", "--output", type=_output_file, required=True, help="BVH file")

    search = sub.add_parser("search", help="find clips in a library by description")
    search.add_argument("library", help=LIBRARY_HELP)
    search.add_argument("text", help='what the clip shows, e.g. "waves goodbye sadly"')
    search.add_argument("-k", type=_positive_int, default=5, help="number of results")
    search.add_argument("--lexeme", help="vocabulary lexeme to prefer, e.g. wave")
    search.add_argument("--emotion", help="emotion to prefer, e.g. sadness")
    search.add_argument("--hand", choices=("left", "right", "both"), help="hand to prefer")
    search.add_argument("--duration", type=float, help="wanted length in seconds")
    search.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default) or json: one object per hit with rank, id, file, in, out, "
        "score, description, tags and reason",
    )

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
        type=_non_negative_int,
        default=0,
        help="seed of the random baseline planner (default 0)",
    )
    _add_llm_options(evaluate)
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
        type=_positive_int,
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

    serve = sub.add_parser("serve", help="run the HTTP API (keys from MOTIONDIRECTOR_API_KEYS)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)"
    )
    serve.add_argument("--port", type=_port, default=8080, help="TCP port to listen on")
    serve.add_argument(
        "--jobs-db", type=Path, help="SQLite file of scene jobs (default: in the user cache dir)"
    )
    serve.add_argument(
        "--job-workers",
        type=_positive_int,
        help="scene jobs run at once (default: $MOTIONDIRECTOR_JOB_WORKERS, else 2)",
    )
    serve.add_argument(
        "--session-ttl",
        type=_positive_seconds,
        help="seconds an idle session is kept (default: $MOTIONDIRECTOR_SESSION_TTL, else 1800)",
    )

    sub.add_parser("schema", help="print the MotionPlan JSON Schema")
    sub.add_parser("vocabulary", help="print the controlled vocabulary as JSON")
    return parser


def _plan(args: argparse.Namespace) -> MotionPlan:
    from motiondirector.realize import plan_script
    from motiondirector.scene import DEFAULT_MAX_BYTES

    given = _given_plan(args.script)
    if given is not None:
        if not args.quiet:
            print(f"note: {args.script} is a plan: exported as it is, not planned", file=sys.stderr)
        return given
    planner = _planner(args)
    progress = not args.quiet and sys.stderr.isatty()
    plan = plan_script(
        args.script,
        planner=_with_llm_progress(planner) if progress else planner,
        format=args.input_format,
        fps=args.fps,
        seed=args.seed,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        progress=progress,
    )
    _report_fallbacks(planner, plan)
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


def _report_fallbacks(planner: object, plan: MotionPlan | None = None) -> None:
    """Say on stderr when the rules had to stand in for the LLM (the plan still completes):
    for one plan, which lines and why (`MotionPlan.fallback_summary`); else how many."""
    if plan is not None:
        summary = plan.fallback_summary()
        if summary is not None:
            print(f"note: {summary}", file=sys.stderr)
        return
    stats = getattr(planner, "stats", None)
    count = getattr(stats, "fallback_utterances", 0)
    if count:
        print(
            f"note: the LLM could not direct {count_noun(count, 'line')}; the rules planner did "
            "(each event's source.reason says why)",
            file=sys.stderr,
        )


def _write(text: str, output: Path | None) -> None:
    """Write to stdout, or replace `output` in one step: a failed write (a full disk) leaves an
    existing file as it was. A file the user may not write is refused, as an editor would."""
    if output is None:
        sys.stdout.write(text)
        return
    from motiondirector.export.files import write_text_atomic

    if output.is_dir():
        raise MotionDirectorError(f"cannot write {output}: it is a folder; name a file")
    if output.exists() and not output.is_file():
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO): write into it. Replacing it by a
        # rename, as a file is replaced, would put a plain file where the device was.
        try:
            with output.open("w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise MotionDirectorError(f"cannot write {output}: {error.strerror or error}") from None
        return
    # The mode bits, not access(): the file is replaced by a rename, which its own permissions
    # would not stop, and root's access() says yes to every file.
    if output.exists() and not output.stat().st_mode & 0o222:
        raise MotionDirectorError(f"cannot write {output}: the file is read-only")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise MotionDirectorError(f"cannot create the folder {output.parent}: {reason}") from None
    if not os.access(output.parent, os.W_OK):
        raise MotionDirectorError(f"cannot write {output}: the folder is read-only")
    try:
        write_text_atomic(output, text)
    except ExportError as error:
        # The reason alone ("No space left on device"), not the temporary file's name.
        cause = error.__cause__
        why = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(error)
        raise MotionDirectorError(f"cannot write {output}: {why}") from None
    print(f"wrote {output}", file=sys.stderr)


def _wrote(paths: Sequence[Path], folder: Path) -> str:
    names = ", ".join(
        path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
        for path in paths
    )
    return f"Wrote {count_noun(len(paths), 'file')} to {folder}/: {names}"


def _open_library(location: str) -> ClipLibrary:
    """The clip library at `location`; `BUILTIN_LIBRARY` names the built-in gesture library,
    opened or built the way `direct` does without `--library`."""
    if location == BUILTIN_LIBRARY:
        from motiondirector.retrieval.builtin import builtin_clip_library

        return builtin_clip_library()
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.retrieval.sources import missing_sources

    library = ClipLibrary.open(Path(location))
    gone = missing_sources(library.records)
    if gone:
        named = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
        print(
            f"note: {count_noun(len(gone), 'source file')} of {location} "
            f"{'is' if len(gone) == 1 else 'are'} gone ({named}): "
            "their clips are passed over; `index build FOLDER --out LIBRARY --add` drops the "
            "clips of files gone from FOLDER, reading only what is new",
            file=sys.stderr,
        )
    bodies, bounded = _speed_bounds(library)
    if bounded < bodies:
        print(
            f"note: {count_noun(bodies - bounded, 'body clip')} of {location} "
            f"{'was' if bodies - bounded == 1 else 'were'} indexed before peak speeds were "
            "measured and may play up to 2x faster than recorded, past people's speeds; "
            "`index build SOURCES --out LIBRARY --overwrite` bounds them",
            file=sys.stderr,
        )
    return library


def _speed_bounds(library: ClipLibrary) -> tuple[int, int]:
    """(body clips of `library`, those that record the peak speeds bounding their speed-up)."""
    bodies = [r.features for r in library.records if r.features is not None]
    return len(bodies), sum(features.peak_speeds is not None for features in bodies)


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
        from motiondirector.plan.validate import PLAN_FILE
        from motiondirector.tools.rendering import read_plan_file

        plan = read_plan_file(args.plan)
        checked = args.plan / PLAN_FILE if args.plan.is_dir() else args.plan
        events = sum(len(t.events) for t in plan.characters)
        counts = f"{count_noun(len(plan.characters), 'character')}, {count_noun(events, 'event')}"
        print(f"{checked}: valid ({counts})")
        return 0
    if args.command == "plan":
        from motiondirector.export import export_plan
        from motiondirector.export.formats import PER_CHARACTER_FORMATS, character_names

        plan = _plan(args)
        if args.visemes:
            from motiondirector.speech import attach_visemes

            plan = attach_visemes(plan)
        character = args.character
        if character is None and args.format in PER_CHARACTER_FORMATS:
            character = next(iter(character_names(plan)), None)
        text = export_plan(
            plan, args.format, fps=args.fps, character=character, speech=not args.no_speech
        )
        _write(text, args.output)
        return 0
    if args.command == "demo":
        from motiondirector.export import write_exports
        from motiondirector.summary import summarize_plan

        plan = _plan(args)
        paths = write_exports(
            plan,
            args.out,
            EXPORT_FORMATS,
            fps=args.fps,
            speech=not args.no_speech,
            progress=not args.quiet and sys.stderr.isatty(),
        )
        print(summarize_plan(plan))
        print(_wrote(paths, args.out))
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
            planner = _planner(args)
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
            baseline=None
            if args.baseline is None
            else get_planner(args.baseline, _llm_config(args)),
            emotion_data=emotion_data,
            cue_cases=args.cue_cases,
        )
        _report_fallbacks(planner)
        print(f"wrote {report}")
        return 0
    if args.command == "analyze":
        return _analyze(args)
    if args.command == "index":
        return _index(args)
    if args.command == "library":
        return _library(args)
    if args.command == "search":
        return _search(args)
    raise AssertionError(args.command)


def _stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


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

    llm = _llm_config(args)
    threshold = args.retrieve_threshold
    strict = getattr(args, "strict", False)  # a strict planner object; else the name
    return Director(
        planner=_planner(args) if strict else getattr(args, "planner", "rules"),
        library=None if args.library in (None, BUILTIN_LIBRARY) else _open_library(args.library),
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
        )
    return director.direct(args.script, args.out, format=args.input_format, max_bytes=max_bytes)


def _direct(args: argparse.Namespace) -> int:
    size = _size(args.size)  # refuse a bad size before any work
    if args.instructions is not None and args.agent != "llm":
        # The deterministic pipeline has no reader for them: silently ignoring them would
        # hand back a scene that looks directed as asked.
        raise MotionDirectorError(
            "--instructions are read by the llm agent only: add --agent llm (with "
            '--llm-model), or direct, then revise the result with a note (revise OUT "...")'
        )
    with contextlib.ExitStack() as stack:
        generator = _segment_generator(args)
        if hasattr(generator, "close"):
            stack.callback(generator.close)  # Ray workers stop, and the cluster it started
        result = _direct_scene(args, _director(args, generator))
    _report_fallbacks(None, result.plan)
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
        paths += [preview.video, folder.path(SceneFolder.CONTACT_SHEET)]
        _note_missing_glyphs(preview.missing_glyphs)
    print(_wrote(paths, args.out))
    return 0


def _note_missing_glyphs(missing: list[str]) -> None:
    if missing:
        shown = " ".join(missing[:12]) + (" ..." if len(missing) > 12 else "")
        print(
            f"note: the preview draws {count_noun(len(missing), 'character')} as boxes "
            f"({shown}): no font here has them; install one that does (Debian: fonts-noto-cjk "
            "for Chinese, Japanese and Korean) and render again",
            file=sys.stderr,
        )


def _add_segment_generator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--generator",
        choices=BACKEND_NAMES,
        help="generate the slots no library clip fits with this diffusers video backend "
        "(its pose conditioning rendered from the slot's motion) instead of procedural motion",
    )
    parser.add_argument("--generator-model", metavar="MODEL", help="its model folder or hub id")
    parser.add_argument(
        "--generator-device",
        default="auto",
        choices=("auto", "cuda", "cpu"),
        help="where it runs (auto: cuda when a GPU is visible)",
    )
    parser.add_argument("--generator-size", metavar="WxH", help="video size (default: backend's)")
    parser.add_argument(
        "--generator-steps", type=_positive_int, metavar="N", help="denoising steps"
    )
    _add_speed_options(parser)
    _add_ray_options(parser, "with --generator: make the generated segments all at once")


def _add_ray_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--ray",
        metavar="auto|ADDRESS",
        help=f"{what} on a Ray cluster, one pipeline per GPU ('auto': this machine's cluster, "
        "started if none runs; or HOST:PORT of a running one); needs pip install "
        "'motiondirector[scale]'",
    )
    parser.add_argument(
        "--ray-workers",
        type=_positive_int,
        metavar="N",
        help="Ray workers, one pipeline each (default: one per GPU of the cluster)",
    )


def _check_ray_workers(args: argparse.Namespace) -> None:
    if args.ray is None and args.ray_workers is not None:
        raise MotionDirectorError("--ray-workers needs --ray auto|ADDRESS")


def _segment_generator(args: argparse.Namespace) -> Any:
    """`direct --generator`: the backend as the realize layer's segment generator, in this
    process or on a Ray cluster; everything that can be refused is refused before a model
    loads."""
    if args.generator is None:
        if args.ray is not None or args.ray_workers is not None:
            raise MotionDirectorError("--ray and --ray-workers need --generator BACKEND")
        return None
    # Only here: the backends import diffusers' dependencies (most of a second).
    from motiondirector.generators.backends import backend_class
    from motiondirector.generators.base import BackendOptions, quiet_library_logs

    _check_ray_workers(args)
    options = _backend_options(
        BackendOptions,
        model=args.generator_model,
        device=args.generator_device,
        **_speed_fields(args),
    )
    size = _size(args.generator_size) if args.generator_size else None
    if args.ray is not None:
        from motiondirector.realize import RaySegmentGenerator

        return RaySegmentGenerator(
            args.generator,
            options,
            address=args.ray,
            workers=args.ray_workers,
            size=size,
            steps=args.generator_steps,
            progress=not args.quiet and sys.stderr.isatty(),
        )
    from motiondirector.realize.video import generator_from_registry

    backend_class(args.generator).preflight(options)
    quiet_library_logs(loading_bars=not args.quiet and sys.stderr.isatty())
    return generator_from_registry(
        args.generator,
        options,
        size=size,
        steps=args.generator_steps,
        progress=not args.quiet and sys.stderr.isatty(),
    )


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
        type=_character_video,
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
    if args.face_library is None and _has_real_faces(args.direction):
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


def _has_real_faces(folder: Path) -> bool:
    from motiondirector.export.scene_folder import SceneFolder

    try:
        timeline = SceneFolder(folder).read_timeline()
    except MotionDirectorError:
        return False  # the revision itself says what is wrong with the folder
    return any(s.kind == "clip" for track in timeline.characters for s in track.face_segments)


def _render(args: argparse.Namespace) -> int:
    from motiondirector.tools.rendering import render_plan_preview

    size = _size(args.size)
    library = _open_library(args.library) if args.library else None
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
        f"wrote {result.video} ({count_noun(result.frames, 'frame')}, {result.duration:.2f} s, "
        f"{result.width}x{result.height} at {result.fps} fps)"
    )
    if result.contact_sheet is not None:
        print(f"wrote {result.contact_sheet}")
    _note_missing_glyphs(result.missing_glyphs)
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
        size=_size(args.size),
        character=args.character,
        smooth=not args.no_smooth,
        fps=args.fps,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    for video in result.videos:
        print(f"wrote {video.path} ({count_noun(video.frames, 'frame')}, {video.duration:.2f} s)")
    return 0


def _backend_options(options_class: Any, **fields: Any) -> Any:
    """`options_class(**fields)`, a refused value as one error naming its option."""
    import pydantic

    from motiondirector.errors import GenerationInputError

    try:
        return options_class(**fields)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        name = "--" + str(first["loc"][0]).replace("_", "-")
        raise GenerationInputError(name, f"{first['msg']}, got {first['input']!r}") from None


def _speed_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The BackendOptions fields of the `_add_speed_options` flags."""
    from motiondirector.generators.base import LoraWeights

    return {
        "preset": args.preset,
        "shift": args.shift,
        "lora": tuple(LoraWeights.parse(text) for text in args.lora),
        "cache": args.cache,
        "cache_threshold": args.cache_threshold,
        "cache_interval": args.cache_interval,
        "compile": args.compile,
        "compile_backend": args.compile_backend,
        "attention": args.attention,
        "vae_tiling": args.vae_tiling,
        "vae_slicing": args.vae_slicing,
        "vae_dtype": args.vae_dtype,
        "group_offload": args.group_offload,
        "quantize": args.quantize,
    }


def _add_speed_options(generate: argparse.ArgumentParser) -> None:
    """The flags of the backends' speed and memory options (BackendOptions), for `generate`
    and `direct --generator`."""
    from motiondirector.generators.speed_options import (
        CACHE_NAMES,
        PRESET_NAMES,
        QUANTIZE_NAMES,
        VAE_DTYPE_NAMES,
    )

    speed = generate.add_argument_group("speed and memory (checked before the model loads)")
    speed.add_argument(
        "--preset",
        default="standard",
        choices=PRESET_NAMES,
        help="steps, guidance and shift for the weights: cfg-distilled is guidance 1 (no "
        "unconditional pass); distilled-4/8 are 4/8 steps, guidance 1, shift 5 for step-"
        "distilled weights or LoRAs; --steps and --guidance win over it",
    )
    speed.add_argument("--shift", type=float, help="flow-matching scheduler shift (Wan)")
    speed.add_argument(
        "--lora",
        action="append",
        default=[],
        metavar="PATH[:SCALE]",
        help="LoRA adapter (.safetensors) loaded into the denoiser at SCALE (default 1) "
        "(repeatable)",
    )
    speed.add_argument(
        "--cache",
        default="none",
        choices=CACHE_NAMES,
        help="diffusers cache hooks: first-block (skip blocks while the first block's "
        "residual changes little) or taylorseer (predict between full passes)",
    )
    speed.add_argument("--cache-threshold", type=float, help="first-block threshold (0.05)")
    speed.add_argument("--cache-interval", type=int, help="TaylorSeer steps per full pass (2)")
    speed.add_argument(
        "--compile", action="store_true", help="torch.compile the repeated transformer blocks"
    )
    speed.add_argument("--compile-backend", default="inductor", help="torch.compile backend")
    speed.add_argument("--attention", help="diffusers attention backend: native, flash, sage...")
    speed.add_argument("--vae-tiling", action="store_true", help="decode the VAE in tiles")
    speed.add_argument("--vae-slicing", action="store_true", help="decode the VAE in slices")
    speed.add_argument(
        "--vae-dtype",
        choices=VAE_DTYPE_NAMES,
        help="dtype of the VAE (default: as loaded, float32 for Wan's); bfloat16 decodes faster",
    )
    speed.add_argument(
        "--group-offload", action="store_true", help="stream weights to the GPU block by block"
    )
    speed.add_argument(
        "--quantize",
        default="none",
        choices=QUANTIZE_NAMES,
        help="quantize the denoiser's weights as they load (bitsandbytes nf4; torchao int8, fp8)",
    )


def _generate(args: argparse.Namespace) -> int:
    from motiondirector.generators.backends import backend_class, get_generator
    from motiondirector.generators.backends.scene import (
        build_requests,
        check_reference,
        generate_requests,
        read_direction,
        read_reference_image,
    )
    from motiondirector.generators.base import BackendOptions, quiet_library_logs

    components: dict[str, str] = {}
    for item in args.component:
        name, _, model = item.partition("=")
        if not name or not model:
            raise MotionDirectorError(f"--component must look like NAME=MODEL, got {item!r}")
        components[name] = model
    size = _size(args.size) if args.size else None
    options = _backend_options(
        BackendOptions,
        model=args.model,
        device=args.device,
        dtype=args.dtype,
        components=components,
        cpu_offload=args.cpu_offload,
        **_speed_fields(args),
    )
    # Everything that can be refused is refused before the (slow) model loads.
    chosen = backend_class(args.backend)
    _check_ray_workers(args)
    if args.ray is None:
        chosen.preflight(options, text_prompt=True)
    else:
        from motiondirector.generators.distributed import check_ray

        check_ray(args.ray)  # the rest is checked against the cluster once connected
    reference = read_reference_image(args.reference) if args.reference else None
    check_reference(chosen, reference)
    face_video = _real_face_video(args) if args.face_library else None
    if face_video is None and chosen.takes_face_frames and _has_real_faces(args.direction):
        print(
            f"note: {args.direction} was directed with real faces; without --face-library the "
            "face video is the plan's sketch",
            file=sys.stderr,
        )
    direction = read_direction(args.direction, [args.character] if args.character else None)
    requests = build_requests(
        direction,
        chosen,
        reference=reference,
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
        face_video=face_video,
    )
    if args.ray is not None:
        videos = _generate_on_ray(args, chosen, options, direction, requests)
    else:
        quiet_library_logs(loading_bars=sys.stderr.isatty())
        backend = get_generator(args.backend, options)
        backend.show_progress(sys.stderr.isatty())
        videos = generate_requests(direction, backend, requests, args.out)
    width = name_column(video.character for video in videos)
    for video in videos:
        meta = video.output.metadata
        print(
            f"{padded(video.character, width)} {count_noun(meta['frames'], 'frame')} "
            f"{meta['width']}x{meta['height']} at {video.output.fps:g} fps, "
            f"{count_noun(meta['chunks'], 'chunk')} -> {video.path}"
        )
    return 0


def _real_face_video(args: argparse.Namespace) -> Any:
    """`generate --face-library`: the face video maker of a folder directed with real faces."""
    from motiondirector.export.scene_folder import SceneFolder
    from motiondirector.generators.face_track import RealFaceVideo
    from motiondirector.realize import open_face_library

    faces = open_face_library(args.face_library)
    timeline = SceneFolder(args.direction).read_timeline()
    segments = {track.name: track.face_segments for track in timeline.characters}
    if not any(segments.values()):
        raise MotionDirectorError(
            f"{args.direction} was directed without a face library; direct it with "
            "`--face-library` first"
        )
    return RealFaceVideo(segments, faces.tracks)


def _generate_on_ray(
    args: argparse.Namespace, chosen: Any, options: Any, direction: Any, requests: list[Any]
) -> list[Any]:
    """`generate --ray`: the requests generated by workers of the Ray cluster, one pipeline
    each, checked against the cluster before any model loads (generators/distributed.py)."""
    from motiondirector.generators.distributed import cluster_device, generate_on_ray, ray_cluster

    with ray_cluster(args.ray):
        cluster_device(chosen, options, text_prompt=True)
        return generate_on_ray(
            direction,
            args.backend,
            options,
            requests,
            args.out,
            workers=args.ray_workers,
            progress=sys.stderr.isatty(),
        )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from motiondirector.server import ServerSettings, create_app
    from motiondirector.server.app import uvicorn_options
    from motiondirector.server.job_store import JobStore

    options = {
        "jobs_db": args.jobs_db,
        "job_workers": args.job_workers,
        "session_ttl_s": args.session_ttl,
    }
    # Options given on the command line win over the environment and `.env`.
    settings = ServerSettings(**{k: v for k, v in options.items() if v is not None})
    app = create_app(settings)  # refuses to start without keys unless anonymous access is set
    # One line and exit 1 for a jobs file another server holds, or one that cannot be opened,
    # rather than uvicorn's traceback of a failed startup.
    JobStore(settings.jobs_db_path()).close()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **uvicorn_options(settings))
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
    print(
        f"wrote {args.output} ({clip.duration:.2f} s, {count_noun(clip.motion().frames, 'frame')})"
    )
    return 0


def _print_performers(library: ClipLibrary) -> None:
    """A face library's performers, by the names `--face-cast` takes."""
    from motiondirector.realize.faces import performers_of

    videos = [r.source.file for r in library.records if r.profile is not None]
    if not videos:
        return
    names = sorted({Path(p).name for p in performers_of(videos).values()})
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    print(f"  performers ({len(names)}, for --face-cast NAME=PERFORMER): {shown}")


def _index(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipLibrary

    if args.index_command == "info":
        opened = _open_library(args.library)
        info = opened.info()
        print(
            f"{info.path}: {count_noun(info.records, 'clip')}, {count_noun(info.vectors, 'vector')}"
        )
        print(f"  index {info.kind} {info.index_params}, version {info.version}")
        print(f"  model {info.model_id} ({info.dimension}-d), {info.bytes_on_disk / 1e6:.1f} MB")
        # The face model's id (name@sha256 prefix) as the manifest stores it: face profiles
        # from another model version are refused, so users need to see which one this is.
        print(f"  face model {opened.face_model or 'none (no face profiles)'}")
        _print_performers(opened)
        bodies, bounded = _speed_bounds(opened)
        if bodies:
            print(f"  peak speeds recorded by {bounded} of {count_noun(bodies, 'body clip')}")
        return 0
    from motiondirector.faces.tracker import pack_tracks
    from motiondirector.retrieval.ingest import ingest
    from motiondirector.retrieval.sources import SOURCE_STAMPS, KnownSources, pack_stamps
    from motiondirector.retrieval.video import FACE_TRACKS

    existing = ClipLibrary.open(args.out) if args.add else None
    if existing is None and not args.overwrite and ClipLibrary.exists(args.out):
        # Say so before the ingest, which can take minutes for a folder of videos.
        raise MotionDirectorError(
            f"there is already a clip library at {args.out}: add to it with --add, "
            "or replace it with --overwrite"
        )
    # `--add` passes over the files the library holds before reading or analysing them, so a
    # folder that grew can be added again at the cost of its new files only.
    known = (
        KnownSources.of(existing.records, existing.attachment(SOURCE_STAMPS))
        if existing is not None
        else None
    )
    progress = not args.quiet and sys.stderr.isatty()
    result = ingest(args.sources, progress=progress, rig=args.rig, known=known)
    for skipped in result.skipped:
        print(f"skipped {skipped}", file=sys.stderr)
    if not result.records and not result.kept:
        raise MotionDirectorError("nothing to index: every source was empty or unreadable")
    if existing is not None:
        added = _add_to_library(existing, result, args, progress)
        if added is None:
            print(f"nothing new to add to {args.out}; skipped {len(result.skipped)}")
            return 0
        library = added
    else:
        attachments = {FACE_TRACKS: pack_tracks(dict(result.tracks))} if result.tracks else {}
        attachments[SOURCE_STAMPS] = pack_stamps(result.records, None, also=result.empty)
        library = ClipLibrary.create(
            args.out,
            result.records,
            kind=args.kind,
            overwrite=args.overwrite,
            attachments=attachments,
            progress=progress,
        )
    info = library.info()
    print(
        f"indexed {count_noun(info.records, 'clip')} ({count_noun(info.vectors, 'description')}, "
        f"{info.kind}) into {args.out}; skipped {len(result.skipped)}"
    )
    return 0


_ADD_ATTEMPTS = 3


def _add_to_library(
    library: ClipLibrary, result: IngestResult, args: argparse.Namespace, progress: bool
) -> ClipLibrary | None:
    """`index build --add`: what `result` brings put into `library` in a new version (None when
    there is nothing to change). When another writer made a version while this one ingested,
    it is worked out again against the newest one: the ingest, minutes for videos, is kept."""
    from motiondirector.faces.tracker import pack_tracks, unpack_tracks
    from motiondirector.retrieval import ClipLibrary, LibraryConflictError
    from motiondirector.retrieval.sources import (
        SOURCE_STAMPS,
        KnownSources,
        pack_stamps,
        source_key,
    )
    from motiondirector.retrieval.video import FACE_TRACKS

    for attempt in range(_ADD_ATTEMPTS):
        known = KnownSources.of(library.records, library.attachment(SOURCE_STAMPS))
        records, replaced, gone = _added_to(library, result, known, args)
        if not records and not replaced and not result.empty:
            return None
        stored = library.attachment(FACE_TRACKS)
        # A video read again leaves its old track; one without a face now leaves no track.
        read_now = {
            source_key(file) for file in (*(r.source.file for r in records), *result.empty, *gone)
        }
        tracks = {
            **{
                video: track
                for video, track in (unpack_tracks(stored) if stored else {}).items()
                if source_key(video) not in read_now
            },
            **{
                video: track
                for video, track in result.tracks.items()
                if source_key(video) in read_now
            },
        }
        attachments = {FACE_TRACKS: pack_tracks(tracks)} if tracks else {}
        previous = library.attachment(SOURCE_STAMPS)
        attachments[SOURCE_STAMPS] = pack_stamps(
            records, previous, also=result.empty, dropping=gone
        )
        try:
            library.add(records, removing=replaced, attachments=attachments, progress=progress)
            return library
        except LibraryConflictError:
            if attempt == _ADD_ATTEMPTS - 1:
                raise
            print(
                f"{args.out} changed while its files were read: adding to its newest version",
                file=sys.stderr,
            )
            library = ClipLibrary.open(args.out)
    return None


def _added_to(
    library: ClipLibrary, result: IngestResult, known: KnownSources, args: argparse.Namespace
) -> tuple[tuple[ClipRecord, ...], tuple[str, ...], tuple[str, ...]]:
    """What `index build --add` puts into `library` from `result`: the records it does not
    hold, the ids of the clips it drops because their source file changed and was read again
    (its clips are replaced by what it gives now) or is gone from a folder read again, and
    those gone files. Says on stderr what it keeps and drops."""
    from motiondirector.retrieval.sources import gone_from, source_key

    out: Path = args.out
    gone = tuple(gone_from(library.records, [s for s in args.sources if s != "builtin"]))
    if gone:
        shown = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
        dropped = sum(record.source.file in gone for record in library.records)
        print(
            f"dropped {count_noun(dropped, 'clip')} of {count_noun(len(gone), 'file')} "
            f"gone from the folders read ({shown})",
            file=sys.stderr,
        )
    passed = {source_key(file) for file in result.kept}
    # Caption lines come for every video of a folder, read again or not.
    reread = {
        source_key(file)
        for file in (*(record.source.file for record in result.records), *result.empty)
        if known.holds(file) and source_key(file) not in passed
    }
    replaced = tuple(
        record.id
        for record in library.records
        if source_key(record.source.file) in reread or record.source.file in gone
    )
    held = {record.id for record in library.records} - set(replaced)
    # Clips whose ids the library holds (a file known by another path) are kept too.
    records = tuple(record for record in result.records if record.id not in held)
    kept = len(result.records) - len(records)
    kept += sum(source_key(record.source.file) in passed for record in library.records)
    if kept:
        print(
            f"kept {count_noun(kept, 'clip')} already in {out} as they are "
            "(`--overwrite` re-reads every file)",
            file=sys.stderr,
        )
    if reread:
        print(
            f"read {count_noun(len(reread), 'changed file')} again: "
            f"{count_noun(len(replaced), 'clip')} from before replaced",
            file=sys.stderr,
        )
    unread = sorted(
        {s.file for s in result.skipped if known.holds(s.file) and source_key(s.file) not in reread}
    )
    if unread:
        print(
            f"kept the clips read before from {count_noun(len(unread), 'changed file')} "
            "that could not be read again (see above)",
            file=sys.stderr,
        )
    return records, replaced, gone


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
    print(_wrote(result.files, args.out))
    return 0


def _search(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipQuery, search_clips
    from motiondirector.retrieval.query import explain_score

    library = _open_library(args.library)
    try:
        # Words that name face behaviour are scored against the profiles of a video library.
        query = ClipQuery.from_text(
            args.text,
            behaviour=library.face_model is not None,
            lexeme=args.lexeme,
            emotion=args.emotion,
            hand=args.hand,
            duration=args.duration,
        )
    except ValueError as error:
        raise MotionDirectorError(str(error)) from None
    candidates = search_clips(library, query, k=args.k)
    if args.format == "json":
        hits = [
            {
                "rank": c.rank,
                "id": c.record.id,
                "file": c.record.source.file,
                "in": c.record.source.start,
                "out": c.record.source.end,
                "score": round(c.score, 4),
                "description": c.record.descriptions[0],
                "tags": c.record.tags.model_dump(mode="json", exclude_defaults=True),
                "reason": c.reason,
                "explained": explain_score(c, query),
            }
            for c in candidates
        ]
        print(json.dumps(hits, indent=2, ensure_ascii=False))
        return 0
    for candidate in candidates:
        record = candidate.record
        print(
            f"{candidate.rank:>3}  {candidate.score:.3f}  {record.id}  "
            f"({record.duration:.1f} s)  {record.descriptions[0]}"
        )
        print(f"     {candidate.reason}")
        print(f"     score {explain_score(candidate, query)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (`EXIT_CODES`). A usage error exits from
    argparse with `EXIT_USAGE` after printing the usage."""
    args = _build_parser().parse_args(argv)
    try:
        return _run(args)
    except PlanValidationError as error:
        print(f"error: invalid plan: {error}", file=sys.stderr)
        return EXIT_FAILED
    except InputTooLargeError as error:
        print(f"error: {error}; --max-bytes N raises the limit", file=sys.stderr)
        return EXIT_FAILED
    except MotionDirectorError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (`| head`) has what it wanted. Point stdout at /dev/null so that the
        # interpreter's last flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED

