"""Preview rendering speed: frames rendered and encoded per second over the scene's frame rate
(x real time), for examples/the_key.fountain directed with the built-in library."""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from report import write_section

from motiondirector import plan_script
from motiondirector.generators.preview import contact_sheet, render_preview
from motiondirector.realize import direct_scene
from motiondirector.retrieval.builtin import builtin_clip_library

SCENE = Path(__file__).resolve().parents[1] / "examples" / "the_key.fountain"
SIZES = ((640, 360), (1280, 720))
FPS = 30


def main() -> None:
    result = direct_scene(plan_script(SCENE), library=builtin_clip_library())
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in SIZES:
            start = time.perf_counter()
            preview = render_preview(
                result.plan, result.motions, Path(scratch) / "p.mp4", size=size, fps=FPS
            )
            seconds = time.perf_counter() - start
            rate = preview.frames / seconds
            rows.append(
                f"| {size[0]}x{size[1]} | {preview.frames} | {seconds:.2f} | {rate:.0f} "
                f"| {rate / FPS:.1f}x |"
            )
            print(rows[-1])
        start = time.perf_counter()
        contact_sheet(result.plan, result.motions, Path(scratch) / "sheet.png")
        sheet = time.perf_counter() - start
    markdown = "\n".join(
        [
            "## Preview rendering",
            "",
            f"`{SCENE.name}` ({result.plan.scene.duration:.1f} s, "
            f"{len(result.plan.utterances)} lines), {FPS} fps, H.264 CRF 23 (libx264 veryfast), "
            f"on {os.cpu_count()} cores ({platform.machine()}). Wall time includes encoding; "
            "planning and motion assembly are not counted.",
            "",
            "| size | frames | seconds | frames/s | x real time |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Contact sheet ({len(result.plan.utterances)} tiles of 320x180): {sheet:.2f} s.",
        ]
    )
    write_section("preview", markdown)


if __name__ == "__main__":
    main()
