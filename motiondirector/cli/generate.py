"""`generate`: a video per character of a scene folder with a diffusers backend, in this process
or on the workers of a Ray cluster. The backends are imported only when the command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from motiondirector.cli.arg_types import Subcommands, non_negative_int, parse_size, positive_int
from motiondirector.cli.direct import has_real_faces
from motiondirector.cli.generator_options import (
    add_ray_options,
    add_speed_options,
    backend_options,
    check_ray_workers,
    speed_fields,
)
from motiondirector.errors import MotionDirectorError
from motiondirector.plan.options import BACKEND_NAMES
from motiondirector.summary import count_noun, name_column, padded


def add_generate(sub: Subcommands) -> None:
    """`generate`: a video per character with a diffusers backend."""
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
        "--steps", type=positive_int, help="denoising steps (default: the preset's, else 30)"
    )
    generate.add_argument(
        "--seed", type=non_negative_int, default=0, help="seed of the initial noise"
    )
    generate.add_argument("--guidance", type=float, help="guidance scale (default: backend's)")
    generate.add_argument("--prompt", help="what the video shows (default: a generic person)")
    generate.add_argument("--negative-prompt", help="what the video should not show")
    generate.add_argument("--size", help="WIDTHxHEIGHT (default: the backend's)")
    generate.add_argument("--fps", type=positive_int, help="frame rate (default: the backend's)")
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
    add_speed_options(generate)
    add_ray_options(generate, "generate the characters side by side")
    generate.add_argument("--out", type=Path, required=True, help="output folder")
    generate.set_defaults(run=_generate)


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
    size = parse_size(args.size) if args.size else None
    options = backend_options(
        BackendOptions,
        model=args.model,
        device=args.device,
        dtype=args.dtype,
        components=components,
        cpu_offload=args.cpu_offload,
        **speed_fields(args),
    )
    # Everything that can be refused is refused before the (slow) model loads.
    chosen = backend_class(args.backend)
    check_ray_workers(args)
    if args.ray is None:
        chosen.preflight(options, text_prompt=True)
    else:
        from motiondirector.generators.distributed import check_ray

        check_ray(args.ray)  # the rest is checked against the cluster once connected
    reference = read_reference_image(args.reference) if args.reference else None
    check_reference(chosen, reference)
    face_video = _real_face_video(args) if args.face_library else None
    if face_video is None and chosen.takes_face_frames and has_real_faces(args.direction):
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
