"""Preview rendering speed: frames rendered and encoded per second over the scene's frame rate
(x real time), for examples/the_key.fountain (two characters) and a shared screenplay with
seven, directed with the built-in library; against the renderer as it was, in the same run
(each label's text laid out on every frame, frames drawn and encoded one after the other).
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from report import write_section

from motiondirector import plan_script
from motiondirector.generators import preview
from motiondirector.generators.preview import LABEL, SPEAKER, contact_sheet, render_preview
from motiondirector.realize import direct_scene
from motiondirector.retrieval.builtin import builtin_clip_library

ROOT = Path(__file__).resolve().parents[1]
SCENES = (
    ROOT / "examples" / "the_key.fountain",
    ROOT.parent / "shared" / "data" / "screenplays" / "THE_LIBRARY_FREAK-OUT.fountain",
)
SIZES = ((640, 360), (1280, 720))
FPS = 30


def _label_drawn_every_frame(
    self: Any, image: Any, figure: Any, index: int, speaking: bool
) -> None:
    """The label as it was drawn: its text laid out again on every frame."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    x, y = figure.label_at[index]
    y += self.stroke * 3
    label = self._label(figure.name)
    box = self.small.multiline_textbbox(draw, (x, y), label, anchor="ma", align="center")
    if speaking:
        pad = self.stroke * 2
        draw.rectangle(
            (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad),
            outline=SPEAKER,
            width=self.stroke,
        )
    self.small.multiline_text(
        draw, (x, y), label, fill=SPEAKER if speaking else LABEL, anchor="ma", align="center"
    )


@contextmanager
def as_before() -> Iterator[None]:
    saved = preview._Renderer._draw_label, preview._drawn_ahead
    preview._Renderer._draw_label = _label_drawn_every_frame  # type: ignore[method-assign]
    preview._drawn_ahead = lambda images, depth=16: images
    try:
        yield
    finally:
        preview._Renderer._draw_label, preview._drawn_ahead = saved  # type: ignore[method-assign]


def _timed(result: Any, size: tuple[int, int], out: Path) -> tuple[int, float]:
    start = time.perf_counter()
    video = render_preview(result.plan, result.motions, out, size=size, fps=FPS)
    return video.frames, time.perf_counter() - start


def main() -> None:
    library = builtin_clip_library()
    rows = []
    sheet = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        for scene in SCENES:
            result = direct_scene(plan_script(scene), library=library)
            cast = len(result.plan.characters)
            for size in SIZES:
                with as_before():
                    _, before = _timed(result, size, Path(scratch) / "before.mp4")
                frames, seconds = _timed(result, size, Path(scratch) / "now.mp4")
                same = (Path(scratch) / "before.mp4").read_bytes() == (
                    Path(scratch) / "now.mp4"
                ).read_bytes()
                rate = frames / seconds
                rows.append(
                    f"| {scene.name} ({cast} characters) | {size[0]}x{size[1]} | {frames} "
                    f"| {before:.2f} | {seconds:.2f} (x{before / seconds:.2f}) | {rate:.0f} "
                    f"| {rate / FPS:.1f}x | {'yes' if same else 'no'} |"
                )
                print(rows[-1])
            if scene == SCENES[0]:
                start = time.perf_counter()
                contact_sheet(result.plan, result.motions, Path(scratch) / "sheet.png")
                sheet = time.perf_counter() - start
    load = os.getloadavg()[0]
    markdown = "\n".join(
        [
            "## Preview rendering",
            "",
            f"{FPS} fps, H.264 CRF 23 (libx264 veryfast), on {os.cpu_count()} cores "
            f"({platform.machine()}; load average {load:.1f} as the run ended). Wall time "
            "includes encoding; planning and motion assembly are not counted. Before: the "
            "renderer as it was, in the same run (each name label's text laid out again on "
            "every frame, frames drawn and then encoded one after the other); now: labels "
            "drawn once and pasted, frames drawn on a thread of their own up to 16 ahead of "
            "the encoder.",
            "",
            "| scene | size | frames | before (s) | now (s) | frames/s | x real time | same file |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Contact sheet of `{SCENES[0].name}` (a tile of 320x180 per line): {sheet:.2f} s.",
            "",
            "Reproduce: `.venv/bin/python benchmarks/preview.py`.",
        ]
    )
    write_section("preview", markdown)


if __name__ == "__main__":
    main()
