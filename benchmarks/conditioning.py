"""Conditioning renderers: OpenPose-18 and face-track frames per second on one core, against
real time at the backends' frame rates.

The OpenPose baseline is the whole-frame renderer (every limb's ellipse rasterized and blended
over the full frame), kept below as it was; the current renderer draws only inside the
figure's box and gives the same pixels (checked here on every timed frame). The face track is
timed on random ARKit weights (every frame differs, so none is reused) and on a planned scene
(frames whose weights repeat are drawn once).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/conditioning.py
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from report import write_section

from motiondirector import plan_script
from motiondirector.generators.backends.common import fit_camera
from motiondirector.generators.face_track import draw_face, iter_face_frames
from motiondirector.generators.openpose import (
    Camera,
    conditioning_keypoints,
    openpose_frames,
    project,
    render_openpose,
)
from motiondirector.motion.clip import Motion
from motiondirector.motion.library import get_clip

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The renderer as it was before drawing was bounded by the figure: the test's pixel reference.
from tests.generators.test_openpose import reference_render

CLIP = "wave.right.large.fast.happy"
SIZES = ((1280, 720), (832, 480), (512, 512))
REAL_TIME_FPS = 16
"""Wan's frame rate: the renderers must draw at least this many frames per second."""
REPEATS = 7
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "examples/the_key.fountain"
"""Below `ROOT` (found from this file, so the script runs from any folder)."""


def best_rates(runs: list[Callable[[], Any]], frames: int) -> list[float]:
    """Frames per second of the fastest of `REPEATS` runs of each of `runs`, taken in turn so
    that they share the machine's load (other load only ever adds time)."""
    best = [float("inf")] * len(runs)
    for _ in range(REPEATS):
        for index, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - start)
    return [frames / seconds for seconds in best]


def best_rate(run: Callable[[], Any], frames: int) -> float:
    return best_rates([run], frames)[0]


def draw_all(render: Callable[..., Any], pixels: list[np.ndarray], width: int, height: int) -> None:
    for points in pixels:
        render(points, width, height)


def render_motion(motion: Motion, camera: Camera) -> None:
    for _ in openpose_frames(motion, camera):
        pass


def draw_all_faces(faces: list[tuple[np.ndarray, tuple[int, int]]]) -> None:
    for weights, size in faces:
        draw_face(weights, size)


def openpose_rows() -> list[str]:
    motion = get_clip(CLIP).motion().resample(REAL_TIME_FPS)
    rows = []
    for width, height in SIZES:
        camera = fit_camera(motion, (width, height))
        pixels = [project(frame, camera) for frame in conditioning_keypoints(motion)]
        for points in pixels:  # the same pixels, or the figures are not comparable
            if not np.array_equal(
                render_openpose(points, width, height), reference_render(points, width, height)
            ):
                raise SystemExit(f"the renderers differ at {width}x{height}")
        before, after, whole = best_rates(
            [
                partial(draw_all, reference_render, pixels, width, height),
                partial(draw_all, render_openpose, pixels, width, height),
                partial(render_motion, motion, camera),
            ],
            len(pixels),
        )
        rows.append(
            f"| OpenPose-18 | {width}x{height} | {before:.0f} | {after:.0f} | {after / before:.1f}x "
            f"| {whole:.0f} ({whole / REAL_TIME_FPS:.1f}x) |"
        )
        print(rows[-1])
    return rows


def face_rows() -> list[str]:
    weights = np.random.default_rng(0).random((48, 52))
    rows = []
    for width, height in SIZES:
        faces = [(w, (width, height)) for w in weights]
        rate = best_rate(partial(draw_all_faces, faces), len(weights))
        rows.append(
            f"| face sketch, random weights | {width}x{height} | - | {rate:.0f} | - "
            f"| {rate:.0f} ({rate / REAL_TIME_FPS:.1f}x) |"
        )
        print(rows[-1])
    plan = plan_script(ROOT / SCRIPT)
    character = plan.characters[0].name
    frames = sum(1 for _ in iter_face_frames(plan, character, 30, (512, 512)))
    rate = best_rate(lambda: list(iter_face_frames(plan, character, 30, (512, 512))), frames)
    rows.append(
        f"| face track of {character} in `{SCRIPT}` ({frames} frames at 30 fps) | 512x512 | - "
        f"| {rate:.0f} | - | {rate:.0f} ({rate / 30:.1f}x) |"
    )
    print(rows[-1])
    return rows


def main() -> None:
    rows = openpose_rows() + face_rows()
    markdown = "\n".join(
        [
            "### Conditioning renderers (`benchmarks/conditioning.py`)",
            "",
            f"One core ({platform.machine()}, `OMP_NUM_THREADS=1`), best of {REPEATS} runs "
            "(the renderers of a row taken in turn), "
            f"clip `{CLIP}` at {REAL_TIME_FPS} fps. *before*: the whole-frame OpenPose "
            "renderer (every limb rasterized over the full frame); *after*: the renderer that "
            "draws inside the figure's box, pixel-identical to it (checked on every frame "
            "timed, and by `tests/generators/test_openpose.py`). *end to end*: keypoints, One "
            "Euro smoothing, projection and drawing (`openpose_frames`), or the face track "
            "with its ARKit curves (`iter_face_frames`), and that over real time (16 fps; 30 "
            "fps for the face track of a scene). The face renderer was already well above "
            "real time and is unchanged.",
            "",
            "| renderer | size | before (frames/s) | after (frames/s) | speed-up | end to end "
            "(frames/s, x real time) |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    write_section("conditioning", markdown)


if __name__ == "__main__":
    main()
