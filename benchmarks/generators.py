"""Video generator backends: frames per second, the cost of the backend around its pipeline,
chunked generation, peak memory, and how fast the pose conditioning renders.

With a CUDA GPU and `--model`, one real backend is timed on its weights (e.g.
`--backend wan-vace --model Wan-AI/Wan2.1-VACE-1.3B-diffusers`). Otherwise every backend is
timed over its tiny random pipeline (on the GPU if there is one, else the CPU): those numbers
measure our wrapper, chunking and conditioning, not the models. The section says which ran.

Ratios are against a baseline in the same run: the bare diffusers pipeline call on the same
chunk (backend overhead), and one chunk's time per frame (chunked generation).

With `--random-weights SIZE` (wan-1.3b, wan-14b, cogvideox-5b, animatediff-sd15) the released
architecture of that model is built with random weights from its published configuration
(`random_weights.py`; the text encoder is cut to one layer of the same width), saved, loaded
back through the backend like real weights, and one chunk at the model's size is timed plain
and with each speed option (`--variants`), each against the plain run in the same process:
seconds of GPU per second of video, peak memory, speed-up. See docs/benchmarks.md for the
command of a GPU session. `--profile VARIANT` then runs one more chunk of that variant under
`torch.profiler` and prints the operators that took the most self device (else CPU) time;
`--trace PATH` also writes its Chrome trace there (nowhere by default).

`--vae-tolerance` decodes the same latents (the VAE's own encoding of a pose video) with the
VAE in float32 and in bfloat16 and prints the largest and mean absolute pixel difference
(0..255): the Wan VAE of `--random-weights` (at `--size`/`--frames`), else the tiny one.
`--prepare` times one chunk's conditioning the way the pipelines received it before (PIL
frames through the pipeline's video processor) and as tensors (`backends/frames.py`), at the
backend's size.

    .venv/bin/python benchmarks/generators.py [--backend NAME] [--model PATH] [--steps N]
    .venv/bin/python benchmarks/generators.py --random-weights wan-1.3b [--variants a,b,...]
        [--profile VARIANT] [--trace PATH] [--vae-tolerance]
    .venv/bin/python benchmarks/generators.py --prepare [--backend NAME]
"""

from __future__ import annotations

import argparse
import copy
import gc
import importlib
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import torch
from report import write_section

from motiondirector.errors import MotionDirectorError
from motiondirector.generators.backends import (
    BACKEND_NAMES,
    BACKENDS,
    DiffusersBackend,
    WanAnimateBackend,
)
from motiondirector.generators.backends.common import reference_pil, to_pil_frames
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.base import (
    PRESETS,
    BackendOptions,
    GenerationRequest,
    cuda_status,
    torch_dtype,
)
from motiondirector.generators.chunking import plan_chunks
from motiondirector.motion.library import get_clip

CLIP = "wave.right.large.fast.happy"
TINY_SIZE = 64
TINY_CHUNK = {"wan-animate": 9, "wan-vace": 9, "cogvideox-fun": 9, "animatediff": 8}
OVERLAP = {"wan-animate": 1, "wan-vace": 2, "cogvideox-fun": 2, "animatediff": 2}
REPEATS = 5


def best_seconds(run: Callable[[], Any], repeats: int) -> float:
    """The fastest of `repeats` runs: other load on the machine only ever adds time."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return min(times)


def poses(backend: type[DiffusersBackend], frames: int, size: tuple[int, int]) -> np.ndarray:
    rendered = backend.render_pose(get_clip(CLIP).motion(), size=size, fps=backend.native_fps)
    return rendered[np.arange(frames) % len(rendered)]


def request(
    backend: DiffusersBackend, frames: int, size: tuple[int, int], steps: int, chunk: int
) -> GenerationRequest:
    fields: dict[str, Any] = {
        "pose_frames": poses(type(backend), frames, size),
        "num_inference_steps": steps,
        "chunk_frames": chunk,
        "overlap_frames": OVERLAP[backend.name],
        "fps": float(backend.native_fps),
    }
    if backend.text_cleaner is not None and not _has(backend.text_cleaner):
        # Wan cleans prompt text with ftfy; without it, give the text encoder's output shape.
        width = backend.pipeline.transformer.config.text_dim
        fields["prompt_embeds"] = np.random.default_rng(0).standard_normal((1, 16, width))
        fields["negative_prompt_embeds"] = np.zeros((1, 16, width))
    else:
        fields["prompt"] = "a woman waves her right hand, full body, plain background"
    if backend.name == "wan-animate":
        fields["reference_image"] = np.full((size[1], size[0], 3), 128, dtype=np.uint8)
    return GenerationRequest(**fields)


def _has(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def bare_call(backend: DiffusersBackend, asked: GenerationRequest) -> Callable[[], Any]:
    """The diffusers pipeline called directly on the request's single chunk (the baseline)."""
    settings = backend.settings(asked)
    chunk = plan_chunks(settings.frames, settings.chunk_frames, settings.overlap_frames)[0]
    kwargs = backend.prompt_inputs(asked, settings) | {
        "height": settings.height,
        "width": settings.width,
        "num_inference_steps": settings.steps,
        "guidance_scale": settings.guidance_scale,
        "output_type": "np",
    }
    if isinstance(backend, WanAnimateBackend):
        size = (settings.width, settings.height)
        kwargs |= {
            "image": reference_pil(asked.reference_image),
            "pose_video": to_pil_frames(asked.pose_frames, size),
            "face_video": backend.face_video(None, settings.frames),
            "segment_frame_length": settings.chunk_frames,
            "prev_segment_conditioning_frames": settings.overlap_frames,
        }
    else:
        kwargs |= backend.chunk_inputs(asked, settings, chunk, None)

    def run() -> Any:
        kwargs["generator"] = torch.Generator("cpu").manual_seed(0)
        return backend.pipeline(**kwargs)

    return run


def peak_memory_mb(device: str) -> float | None:
    """Peak GPU memory since the last reset; None on the CPU, where only the process-wide
    peak is known (reported once, below the table)."""
    if device == "cuda":
        return torch.cuda.max_memory_allocated() / 2**20
    return None


def process_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(
    backend: DiffusersBackend, size: tuple[int, int], steps: int, chunk: int, repeats: int
) -> dict[str, Any]:
    single = request(backend, chunk, size, steps, chunk)
    backend(single)  # warm up: first calls compile kernels and fill caches
    if backend.device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    bare = best_seconds(bare_call(backend, single), repeats)
    one = best_seconds(lambda: backend(single), repeats)
    total = chunk + 2 * (chunk - OVERLAP[backend.name])
    long = request(backend, total, size, steps, chunk)
    chunked = best_seconds(lambda: backend(long), repeats)
    motion = get_clip(CLIP).motion()
    start = time.perf_counter()
    rendered = type(backend).render_pose(motion, size=backend.default_size)
    render = time.perf_counter() - start
    return {
        "bare": bare,
        "one": one,
        "chunked": chunked,
        "frames": total,
        "chunk": chunk,
        "peak": peak_memory_mb(backend.device),
        "render_fps": len(rendered) / render,
    }


def row(name: str, m: dict[str, Any], native_fps: int, size: tuple[int, int]) -> str:
    per_frame_one = m["one"] / m["chunk"]
    per_frame_long = m["chunked"] / m["frames"]
    ideal = 3 * m["chunk"] / m["frames"]  # frames generated over frames kept
    return (
        f"| {name} | {m['chunk']:.0f} | {m['chunk'] / m['one']:.1f} | {m['one'] / m['bare']:.2f}x "
        f"| {m['frames']:.0f} (3 chunks) | {m['frames'] / m['chunked']:.1f} "
        f"| {per_frame_long / per_frame_one:.2f}x (ideal {ideal:.2f}x) "
        f"| {'n/a' if m['peak'] is None else format(m['peak'], '.0f')} "
        f"| {m['render_fps']:.0f} at {size[0]}x{size[1]} ({m['render_fps'] / native_fps:.1f}x) |"
    )


VARIANTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "cfg-distilled": {"preset": "cfg-distilled"},
    "distilled-4": {"preset": "distilled-4"},
    "first-block": {"cache": "first-block"},
    "taylorseer": {"cache": "taylorseer"},
    "compile": {"compile": True},
    "distilled-4+compile": {"preset": "distilled-4", "compile": True},
    "vae-tiling": {"vae_tiling": True},
    "group-offload": {"group_offload": True},
    "bf16-vae": {"vae_dtype": "bfloat16"},
    "distilled-4+bf16-vae": {"preset": "distilled-4", "vae_dtype": "bfloat16"},
    "distilled-4+bf16-vae+compile": {
        "preset": "distilled-4",
        "vae_dtype": "bfloat16",
        "compile": True,
    },
    "distilled-4+bf16-vae+group-offload": {
        "preset": "distilled-4",
        "vae_dtype": "bfloat16",
        "group_offload": True,
    },
}
"""Speed options timed against `plain` (BackendOptions fields)."""
DEFAULT_VARIANTS = (
    "plain,cfg-distilled,distilled-4,first-block,taylorseer,compile,distilled-4+compile,"
    "group-offload"
)


def random_weights_main(args: argparse.Namespace) -> None:
    """Time a real-size random-weights pipeline plain and with each variant (module doc)."""
    from random_weights import SIZES, build_pipeline, parameter_count

    name = SIZES.get(args.random_weights)
    if name is None:
        raise SystemExit(f"--random-weights is one of {', '.join(SIZES)}")
    variants = args.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or variants[0] != "plain":
        raise SystemExit(f"--variants start with plain and name some of {', '.join(VARIANTS)}")
    if args.profile is not None and args.profile not in variants:
        raise SystemExit(f"--profile names one of --variants ({args.variants})")
    gpu = torch.cuda.is_available()
    device = "cuda" if gpu else "cpu"
    dtype = args.dtype if args.dtype != "auto" else ("bf16" if gpu else "fp32")
    chosen = BACKENDS[name]
    width, height = _size(args.size) if args.size else chosen.default_size
    frames = args.frames or chosen.default_chunk_frames
    steps = args.steps or 8
    folder = Path(args.save or tempfile.mkdtemp(prefix="random-weights-"))
    started = time.perf_counter()
    pipeline = build_pipeline(args.random_weights, layers=args.layers, device=device)
    counts = parameter_count(pipeline)
    tolerance = None
    if args.vae_tolerance:
        tolerance = vae_tolerance(pipeline.vae, chosen, frames, (width, height))
    if dtype != "fp32":  # saved as the backend will load it, half the bytes to write and read
        pipeline.to(torch_dtype(dtype, device))
    pipeline.save_pretrained(folder)
    del pipeline
    _free()
    built = time.perf_counter() - started
    print(f"built and saved {args.random_weights} in {built:.0f} s: {counts}")
    seconds_of_video = frames / chosen.native_fps
    rows, plain = [], None
    try:
        for variant in variants:
            options = BackendOptions(
                model=str(folder), device=device, dtype=dtype, **VARIANTS[variant]
            )
            try:
                chosen.preflight(options)
            except MotionDirectorError as error:
                rows.append(f"| {variant} | n/a: {error} | | | | |")
                print(rows[-1])
                continue
            if gpu:
                torch.cuda.reset_peak_memory_stats()
            backend = chosen.from_pretrained(options)
            # The presets that come with their own steps take them; the others take --steps.
            explicit = None if PRESETS[options.preset].steps is not None else steps
            asked = request(backend, frames, (width, height), 1, frames)
            start = time.perf_counter()
            backend(asked)  # warm-up at the same shapes: kernels, compilation
            first = time.perf_counter() - start
            timed = asked.model_copy(update={"num_inference_steps": explicit})
            seconds = best_seconds(lambda b=backend, t=timed: b(t), 1)
            peak = (
                f"{torch.cuda.max_memory_allocated() / 2**30:.1f} GiB"
                if gpu
                else f"{process_peak_rss_mb() / 1024:.1f} GiB RSS (process)"
            )
            plain = plain or seconds
            settings = backend.settings(timed)
            rows.append(
                f"| {variant} | {settings.steps} steps, guidance {settings.guidance_scale:g} "
                f"| {seconds:.2f} | {seconds / seconds_of_video:.2f} | {peak} "
                f"| {plain / seconds:.2f}x (first call {first:.1f} s) |"
            )
            print(rows[-1])
            if variant == args.profile:
                profile_call(lambda b=backend, t=timed: b(t), gpu, args.trace)
            del backend
            _free()
    finally:
        if not args.save:
            shutil.rmtree(folder, ignore_errors=True)
    what = (
        f"`--random-weights {args.random_weights}` ({name} backend, "
        f"{sum(counts.values()) / 1e9:.2f} B parameters, text encoder cut to one layer) on "
        f"{cuda_status() if gpu else f'the CPU ({os.cpu_count()} cores)'}, {dtype}, one chunk "
        f"of {frames} frames at {width}x{height} ({seconds_of_video:.2f} s of video at "
        f"{chosen.native_fps} fps)"
    )
    markdown = "\n".join(
        [
            "### Video generators at real size, random weights",
            "",
            f"Ran: {what}. Each variant is loaded from the saved folder through the backend, "
            "warmed up with one step at the same shapes (compilation happens there: *first "
            "call*), then timed once. *GPU s per video s*: seconds of the chunk over seconds of "
            "video it makes; *speed-up*: the plain run's time over the variant's.",
            "",
            "| variant | settings | seconds | GPU s per video s | peak memory | speed-up |",
            "|---|---|---|---|---|---|",
            *rows,
            *([] if tolerance is None else ["", tolerance]),
        ]
    )
    if args.layers or args.size or args.frames:
        print("(a cut-down check: docs/benchmarks.md is left as it is)")
    else:
        write_section(f"generators-random-{args.random_weights}", markdown)


def profile_call(run: Callable[[], Any], gpu: bool, trace: str | None) -> None:
    """Run `run` once under torch.profiler; print the operators with the most self device
    (else CPU) time, and write a Chrome trace to `trace` when given."""
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if gpu else [])
    with profile(activities=activities, record_shapes=False) as profiler:
        run()
        if gpu:
            torch.cuda.synchronize()
    # torch reads "cuda" in a sort key as the device's time, in old and new versions.
    key = "self_cuda_time_total" if gpu else "self_cpu_time_total"
    print(profiler.key_averages().table(sort_by=key, row_limit=20, max_name_column_width=60))
    if trace:
        profiler.export_chrome_trace(trace)
        print(f"Chrome trace written to {trace}")


def vae_tolerance(
    vae: Any, backend: type[DiffusersBackend], frames: int, size: tuple[int, int]
) -> str:
    """The decoded pixels of the same latents with `vae` in float32 and a bfloat16 copy: the
    largest and mean absolute difference in 0..255, as a line for the section."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    full = vae.to(device=device, dtype=torch.float32)
    half = copy.deepcopy(full).to(dtype=torch.bfloat16)
    pose = torch.from_numpy(poses(backend, frames, size)).to(device)
    video = (pose.permute(3, 0, 1, 2)[None].float() / 255.0) * 2 - 1  # (1, 3, f, h, w)
    with torch.no_grad():
        latents = full.encode(video).latent_dist.mode()
        start = time.perf_counter()
        exact = full.decode(latents).sample.float()
        exact_seconds = time.perf_counter() - start
        start = time.perf_counter()
        approx = half.decode(latents.to(torch.bfloat16)).sample.float()
        half_seconds = time.perf_counter() - start
    pixels = [((x / 2 + 0.5).clamp(0, 1) * 255).round() for x in (exact, approx)]
    difference = (pixels[0] - pixels[1]).abs()
    line = (
        f"VAE bfloat16 against float32 on the same latents ({frames} frames at "
        f"{size[0]}x{size[1]}, {device}): max {difference.max().item():.0f}, mean "
        f"{difference.mean().item():.2f} (pixel values 0..255); decode {exact_seconds:.2f} s "
        f"float32, {half_seconds:.2f} s bfloat16."
    )
    print(line)
    del half
    return line


def prepare_main(names: list[str]) -> None:
    """Time one chunk's conditioning, PIL path against tensors, at each backend's size."""
    from motiondirector.generators.backends.frames import FrameTensors

    device = "cuda" if torch.cuda.is_available() else "cpu"
    for name in names:
        chosen = BACKENDS[name]
        if chosen is WanAnimateBackend:
            continue  # the pipeline segments the video itself and reads PIL frames
        backend = chosen.from_components(tiny_pipeline(name), device=device)
        processor = getattr(
            backend.pipeline, "control_video_processor", backend.pipeline.video_processor
        )
        width, height = chosen.default_size
        frames = poses(chosen, chosen.default_chunk_frames, (width, height))

        def through_pil(pose: np.ndarray, size: tuple[int, int], processor: Any) -> Any:
            images = to_pil_frames(pose, size)
            return processor.preprocess_video(images, size[1], size[0]).to(device)

        def as_tensors(pose: np.ndarray, size: tuple[int, int], processor: Any) -> Any:
            tensor = FrameTensors(pose, size, device)(0, len(pose))
            return processor.preprocess_video(tensor[None], size[1], size[0])

        arguments = (frames, (width, height), processor)
        before = best_seconds(lambda: through_pil(*arguments), REPEATS)  # noqa: B023
        after = best_seconds(lambda: as_tensors(*arguments), REPEATS)  # noqa: B023
        print(
            f"| {name} | {len(frames)} at {width}x{height} | {before:.3f} | {after:.3f} "
            f"| {before / after:.1f}x |"
        )


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def _free() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=BACKEND_NAMES, action="append")
    parser.add_argument("--model", help="real weights (folder or hub id); needs a CUDA GPU")
    parser.add_argument("--steps", type=int, help="denoising steps (default 2 tiny, 30 real)")
    parser.add_argument("--dtype", default="auto", choices=("auto", "bf16", "fp16", "fp32"))
    parser.add_argument(
        "--random-weights",
        metavar="SIZE",
        help="time a real-size architecture with random weights: wan-1.3b, wan-14b, "
        "cogvideox-5b, animatediff-sd15 (steps default 8)",
    )
    parser.add_argument(
        "--variants", default=DEFAULT_VARIANTS, help="with --random-weights: what to time"
    )
    parser.add_argument("--size", help="with --random-weights: WIDTHxHEIGHT (a cut-down check)")
    parser.add_argument("--frames", type=int, help="with --random-weights: frames per chunk")
    parser.add_argument(
        "--layers", type=int, help="with --random-weights: cut the denoiser's depth (a check)"
    )
    parser.add_argument("--save", help="with --random-weights: keep the weights in this folder")
    parser.add_argument(
        "--profile", metavar="VARIANT", help="with --random-weights: profile one more chunk"
    )
    parser.add_argument("--trace", help="with --profile: write the Chrome trace to this file")
    parser.add_argument(
        "--vae-tolerance",
        action="store_true",
        help="bfloat16 against float32 VAE decoding of the same latents",
    )
    parser.add_argument(
        "--prepare", action="store_true", help="time one chunk's conditioning, PIL vs tensors"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.prepare:
        print("| backend | frames | PIL path (s) | tensors (s) | speed-up |")
        prepare_main(args.backend or list(BACKEND_NAMES))
        return
    if args.profile and not args.random_weights:
        parser.error("--profile VARIANT times a variant of --random-weights SIZE")
    if args.vae_tolerance and not args.random_weights:
        size = _size(args.size) if args.size else (TINY_SIZE, TINY_SIZE)
        tiny = tiny_pipeline("wan-vace")
        vae_tolerance(tiny.vae, BACKENDS["wan-vace"], args.frames or 9, size)
        return
    if args.random_weights:
        random_weights_main(args)
        return
    gpu = torch.cuda.is_available()
    names = args.backend or list(BACKEND_NAMES)
    rows = []
    if args.model and gpu:
        if len(names) != 1:
            parser.error("--model times one backend: pass --backend NAME once")
        name = names[0]
        backend = BACKENDS[name].from_pretrained(
            BackendOptions(model=args.model, device="cuda", dtype=args.dtype)
        )
        steps = args.steps or 30
        chunk = 17 if name != "animatediff" else 16
        size = BACKENDS[name].default_size
        what = (
            f"real weights `{args.model}` on {cuda_status()}, {steps} steps, "
            f"{size[0]}x{size[1]}, chunks of {chunk} frames"
        )
        m = measure(backend, size, steps, chunk, 1)
        rows.append(row(name, m, backend.native_fps, backend.default_size))
        print(rows[-1])
    else:
        if args.model:
            print(f"--model needs a CUDA GPU ({cuda_status()}); timing tiny pipelines instead")
        device = "cuda" if gpu else "cpu"
        steps = args.steps or 2
        size = (TINY_SIZE, TINY_SIZE)
        what = (
            f"tiny random pipelines (built in code, about 1 MB of weights) on the {device}"
            f" ({cuda_status() if gpu else f'{os.cpu_count()} cores, {platform.machine()}'}), "
            f"{steps} steps, {TINY_SIZE}x{TINY_SIZE}: these measure the backend code, "
            "chunking and conditioning, not the models"
        )
        for name in names:
            backend = BACKENDS[name].from_components(tiny_pipeline(name), device=device)
            m = measure(backend, size, steps, TINY_CHUNK[name], REPEATS)
            rows.append(row(name, m, backend.native_fps, backend.default_size))
            print(rows[-1])
    memory = "peak GPU memory (MiB)"
    markdown = "\n".join(
        [
            "## Video generator backends",
            "",
            f"Ran: {what}. Times are the best of {1 if args.model and gpu else REPEATS} runs "
            "after a warm-up.",
            "",
            "- *overhead*: the backend's time for one chunk over the bare diffusers pipeline "
            "call on the same inputs (conditioning, checks, stitching, uint8 conversion);",
            "- *chunked cost*: time per frame of a three-chunk request over that of one chunk; "
            "ideally frames generated over frames kept, as shared frames are generated twice;",
            "- *pose render*: OpenPose-18 conditioning frames per second at the model's default "
            "size, and that over the model's frame rate (x real time).",
            "",
            f"| backend | chunk | frames/s (one chunk) | overhead | long request "
            f"| frames/s (long) | chunked cost | {memory} | pose render frames/s |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Peak resident memory of the whole benchmark process: {process_peak_rss_mb():.0f} MiB.",
        ]
    )
    write_section("generators", markdown)


if __name__ == "__main__":
    main()
