"""Generation of a scene in one process against the same scene on a local Ray cluster.

The example scene's two characters (a built-in clip each) are generated with the tiny saved
Wan-VACE pipeline on the CPU, in chunks that carry frames: once in this process (load, then
every character in turn) and once through `generate_on_ray`'s pool of `--workers` Ray actors
(each loads the pipeline once, then takes the next character). Both make the same frames
(checked here). Reported: the cluster's start, the pool's first run (actors starting and
loading their pipelines included), a second run on the warm pool, and each against the
in-process run in the same process. The tiny pipeline's compute is small next to a worker's
start (a Python process importing torch and diffusers), so these figures show the fixed cost
of spreading, not the speed-up of a real model, where each segment takes minutes of GPU.

    .venv/bin/python benchmarks/distributed.py [--workers 2] [--steps 4] [--size 64] [--repeats 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import ray
from report import write_section

from motiondirector.generators.backends import WanVACEBackend, get_generator
from motiondirector.generators.backends.scene import DirectedScene, build_requests
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.base import BackendOptions, GenerationOutput
from motiondirector.generators.distributed import (
    PipelinePool,
    WorkerShape,
    generate_request,
)
from motiondirector.motion.library import get_clip
from motiondirector.realize import plan_script

ROOT = Path(__file__).resolve().parents[1]
SCENE = ROOT / "examples" / "the_key.fountain"
CLIPS = {"ANA": "wave.right.large.fast.happy", "BEN": "bow.large.normal.neutral"}
CHUNK, OVERLAP = 9, 2
REPEATS = 3


def scene() -> DirectedScene:
    plan = plan_script(SCENE)
    motions = {name: get_clip(clip).motion() for name, clip in CLIPS.items()}
    return DirectedScene(folder=ROOT, plan=plan, motions=motions, stems={n: n for n in CLIPS})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="md-bench-ray-") as folder:
        section = measure(args, Path(folder))
    print(section)
    write_section("generators-ray", section)


def measure(args: argparse.Namespace, work: Path) -> str:
    """The section's markdown: the scene in this process, then on the cluster."""
    model = work / "wan-vace"
    tiny_pipeline("wan-vace").save_pretrained(model)
    options = BackendOptions(model=str(model), device="cpu")
    requests = [
        item.request
        for item in build_requests(
            scene(),
            WanVACEBackend,
            size=(args.size, args.size),
            steps=args.steps,
            seed=3,
            prompt="a person waves",
            chunk_frames=CHUNK,
            overlap_frames=OVERLAP,
        )
    ]
    frames = sum(len(request.pose_frames) for request in requests)

    started = time.perf_counter()
    backend = get_generator("wan-vace", options)
    loaded = time.perf_counter()
    load_s = loaded - started
    alone: list[GenerationOutput] = []
    alone_s = float("inf")
    for _ in range(args.repeats):  # the fastest run: other load on the machine only adds time
        started = time.perf_counter()
        alone = [backend(request) for request in requests]
        alone_s = min(alone_s, time.perf_counter() - started)

    started = time.perf_counter()
    ray.init(
        num_cpus=args.workers,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.WARNING,
        _temp_dir=str(work / "ray"),
    )
    cluster_s = time.perf_counter() - started
    shape = WorkerShape(count=args.workers, gpus=0.0, cpus=1.0)
    started = time.perf_counter()
    with PipelinePool("wan-vace", options, shape=shape) as pool:
        first = pool.map(generate_request, requests)
        first_s = time.perf_counter() - started
        warm, warm_s = first, float("inf")
        for _ in range(args.repeats):
            started = time.perf_counter()
            warm = pool.map(generate_request, requests)
            warm_s = min(warm_s, time.perf_counter() - started)
    ray.shutdown()
    for made in (first, warm):
        for output, expected in zip(made, alone, strict=True):
            if not np.array_equal(output.frames, expected.frames):
                raise SystemExit("the Ray workers made other frames than this process")

    chunks = sum(int(output.metadata["chunks"]) for output in alone)
    rows = [
        ("in one process: load the pipeline", load_s, ""),
        ("in one process: generate", alone_s, "1.00x (baseline)"),
        ("in one process: load and generate", load_s + alone_s, ""),
        ("Ray: start a local cluster", cluster_s, ""),
        (
            f"Ray, {args.workers} workers: first run (workers start and load)",
            first_s,
            f"{first_s / (load_s + alone_s):.2f}x of load and generate",
        ),
        (f"Ray, {args.workers} workers: warm pool", warm_s, f"{warm_s / alone_s:.2f}x"),
    ]
    table = "\n".join(f"| {what} | {seconds:.2f} | {ratio} |" for what, seconds, ratio in rows)
    section = (
        "## Generation on a Ray cluster (`benchmarks/distributed.py`)\n\n"
        f"The example scene's two characters ({frames} frames in {chunks} chunks of {CHUNK} "
        f"frames, {OVERLAP} carried), {args.size}x{args.size}, {args.steps} steps, through the "
        f"tiny saved Wan-VACE pipeline on the CPU ({os.cpu_count()} cores, {platform.machine()}, "
        "`OMP_NUM_THREADS=1`): first in this process, then on a local Ray cluster of "
        f"{args.workers} CPU workers, one character per unit. The workers' frames equal this "
        "process's (checked). The first run on the cluster includes each worker's start (a "
        "process importing torch and diffusers, then loading the pipeline), which this process "
        "had already paid for; the warm pool is what spreading gains once every worker holds "
        "its pipeline. The tiny model's compute is small next to those fixed costs; a real "
        f"model's segment takes minutes of GPU. Generation times are the best of {args.repeats} "
        f"runs; load average at the end {os.getloadavg()[0]:.1f}.\n\n"
        "| step | seconds | against one process |\n|---|---|---|\n" + table
    )
    return section


if __name__ == "__main__":
    main()
