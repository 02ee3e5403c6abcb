"""A feature-length screenplay through the scriptwriter's path: plan, direct, preview, exports.

Builds one valid Fountain file of about 95 minutes from the shared screenplays (each round of
the three has its own scene headings, and rounds alternate between two casts with renamed
characters, so the feature has 36 characters and about 800 lines), then times every step on it
and on THE_LIBRARY_FREAK-OUT alone (5.7 minutes), and reports how each step grows from one to
the other (time per minute of scene stays flat when a step is linear). The preview renderer's
peak memory is measured both ways in the same run: before, every character's joint pixels and
52 face weights held for every frame of the scene; now, computed a window of frames at a time
and kept for the frames on stage.

    .venv/bin/python benchmarks/feature_length.py            # figures on stdout
    .venv/bin/python benchmarks/feature_length.py --script-only OUT.fountain
    .venv/bin/python benchmarks/feature_length.py --rounds 3  # a shorter long script
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
SCREENPLAYS = ROOT.parent / "shared" / "data" / "screenplays"
SOURCES = ("THE_LIBRARY_FREAK-OUT", "brick_and_steel", "pulpit__fire")

# The second cast: every name word of the shared screenplays' characters, renamed.
SECOND_CAST = {
    "CHALF": "BRALF",
    "NAR": "TAV",
    "YOR": "ZOM",
    "THRAIN": "ELWYN",
    "CHARYA": "MIRELLE",
    "PATRON": "READER",
    "PATRONS": "READERS",
    "DRAGON": "GRIFFIN",
    "BRICK": "SLATE",
    "STEEL": "IRONS",
    "DAN": "WALT",
    "JACK": "HANK",
    "COGNITO": "INCOGNITO",
    "HANDSOME": "RUGGED",
    "MINION": "HENCHMAN",
    "NOB": "ABBOT",
}
HEADING = re.compile(r"^(?:(?:INT|EXT|EST|INT\./EXT|I/E)[. ]|\.(?=[A-Z]))", re.IGNORECASE)


def _body(text: str) -> str:
    """The screenplay without its title page (the feature has one title page of its own)."""
    if re.match(r"^\s*Title\s*:", text, flags=re.IGNORECASE):
        text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return text.strip("\n")


def _rename(text: str, names: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = names[word.upper()]
        if word.isupper():
            return new
        return new.capitalize() if word[:1].isupper() else new.lower()

    pattern = r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b"
    return re.sub(pattern, swap, text, flags=re.IGNORECASE)


def _reel(text: str, number: int) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if HEADING.match(line) and line.strip() == line and line.upper() == line:
            lines[i] = f"{line} - REEL {number}"
    return "\n".join(lines)


def feature_script(rounds: int = 10) -> str:
    """One Fountain screenplay: `rounds` rounds of the shared screenplays, reels numbered."""
    bodies = [
        _body((SCREENPLAYS / f"{name}.fountain").read_text(encoding="utf-8")) for name in SOURCES
    ]
    parts = ["Title: THE LONG CUT\nCredit: assembled from the shared screenplays\n"]
    for number in range(1, rounds + 1):
        for body in bodies:
            text = _rename(body, SECOND_CAST) if number % 2 == 0 else body
            parts.append(_reel(text, number))
    return "\n\n".join(parts) + "\n"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(step: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = step()
    return value, time.perf_counter() - start


def _whole_scene_faces(renderer: Any, plan: Any) -> list[Any]:
    """Every character's 52 ARKit weights at every output frame, as the renderer held them
    before (its own copy now keeps the drawn shapes on stage only)."""
    from motiondirector.export.arkit import arkit_curves
    from motiondirector.generators.preview import MOUTH_SHAPES, _columns, _sample_weights

    held = []
    mouth = [_columns()[shape] for shape in MOUTH_SHAPES]
    for figure in renderer.figures:
        _, weights = arkit_curves(plan, figure.name, 30)
        _, still = arkit_curves(plan, figure.name, 30, idle=False)
        weights[:, mouth] = still[:, mouth]
        held.append(_sample_weights(weights, 30, renderer.times))
    return held


def preview_memory(plan: Any, motions: Any, *, frames: int, before: bool) -> dict[str, float]:
    """Peak memory (tracemalloc, numpy's arrays included) of setting up the preview renderer
    and drawing `frames` frames from the first line on, and milliseconds per frame drawn. `before`: every frame's
    pixels and faces computed for the whole scene up front, as the renderer did."""
    from motiondirector.generators.preview import _Renderer

    tracemalloc.start()
    start = time.perf_counter()
    renderer = _Renderer(plan, motions, (640, 360), 30)
    kept: list[Any] = []
    if before:
        for figure in renderer.figures:
            whole = figure.window()
            figure._window = whole  # held for the whole render, as the old arrays were
        kept = _whole_scene_faces(renderer, plan)
    set_up = time.perf_counter() - start
    # A run of frames from the first line on: the opening seconds often show an empty stage.
    first = min(int(plan.utterances[0].start * 30), len(renderer.times) - frames)
    start = time.perf_counter()
    for index in range(max(first, 0), max(first, 0) + frames):
        renderer.frame(index)
    drawn = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del kept, renderer
    return {"setup_s": set_up, "per_frame_ms": 1000 * drawn / frames, "peak_mb": peak / 2**20}


def measure(script: Path, out: Path, *, preview_frames: int, full_preview: bool) -> dict[str, Any]:
    """Seconds, sizes and memory of each step of the path for one script."""
    from motiondirector import plan_script
    from motiondirector.generators.preview import render_preview
    from motiondirector.realize import direct_scene

    figures: dict[str, Any] = {}
    plan, figures["plan_s"] = _timed(lambda: plan_script(script))
    figures["minutes"] = plan.scene.duration / 60
    figures["characters"] = len(plan.characters)
    figures["utterances"] = len(plan.utterances)
    figures["beats"] = len(plan.beats)
    figures["plan_mb"] = len(plan.to_json()) / 2**20
    result, figures["direct_s"] = _timed(lambda: direct_scene(plan, out_dir=out / "scene"))
    files = [p for p in (out / "scene").rglob("*") if p.is_file()]
    figures["folder_mb"] = sum(p.stat().st_size for p in files) / 2**20
    figures["rss_after_direct_mb"] = _peak_rss_mb()
    for label, before in (("before", True), ("now", False)):
        memory = preview_memory(result.plan, result.motions, frames=preview_frames, before=before)
        for key, value in memory.items():
            figures[f"preview_{key}_{label}"] = value
    if full_preview:
        video, figures["preview_s"] = _timed(
            lambda: render_preview(result.plan, result.motions, out / "preview.mp4")
        )
        figures["preview_frames"] = video.frames
    return figures


COLUMNS = (
    ("scene", lambda f: f"{f['minutes']:.1f} min, {f['characters']} characters, "
     f"{f['utterances']} lines, {f['beats']} beats"),
    ("plan (s)", lambda f: f"{f['plan_s']:.2f}"),
    ("plan JSON (MB)", lambda f: f"{f['plan_mb']:.1f}"),
    ("direct (s)", lambda f: f"{f['direct_s']:.1f}"),
    ("folder (MB)", lambda f: f"{f['folder_mb']:.0f}"),
    ("preview set-up + frames drawn, peak (MB) before → now",
     lambda f: f"{f['preview_peak_mb_before']:.0f} → {f['preview_peak_mb_now']:.0f}"),
    ("preview ms per frame drawn, before → now",
     lambda f: f"{f['preview_per_frame_ms_before']:.2f} → {f['preview_per_frame_ms_now']:.2f}"),
)  # fmt: skip


def report(rows: dict[str, dict[str, Any]]) -> str:
    """A markdown table of both scripts, with the long one's ratios to the short one."""
    header = "| | " + " | ".join(name for name, _ in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 1)]
    for label, figures in rows.items():
        lines.append(f"| {label} | " + " | ".join(cell(figures) for _, cell in COLUMNS) + " |")
    short, long = rows["short"], rows["long"]
    ratios = {
        "duration": long["minutes"] / short["minutes"],
        "characters x duration": long["characters"]
        * long["minutes"]
        / (short["characters"] * short["minutes"]),
        "plan": long["plan_s"] / short["plan_s"],
        "direct": long["direct_s"] / short["direct_s"],
        "folder": long["folder_mb"] / short["folder_mb"],
        "preview peak before": long["preview_peak_mb_before"] / short["preview_peak_mb_before"],
        "preview peak now": long["preview_peak_mb_now"] / short["preview_peak_mb_now"],
    }
    lines.append("")
    lines.append("Long / short: " + ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items()) + ".")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds of the three screenplays")
    parser.add_argument("--script-only", type=Path, help="write the long script here and stop")
    parser.add_argument("--frames", type=int, default=300, help="preview frames drawn per mode")
    parser.add_argument(
        "--full-preview", action="store_true", help="also render each script's whole preview"
    )
    args = parser.parse_args(argv)
    text = feature_script(args.rounds)
    if args.script_only:
        args.script_only.write_text(text, encoding="utf-8")
        return 0
    from motiondirector import plan_script

    plan_script(SCREENPLAYS / f"{SOURCES[2]}.fountain")  # models loaded before any timing
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="feature-length-") as folder:
        work = Path(folder)
        long = work / "the_long_cut.fountain"
        long.write_text(text, encoding="utf-8")
        for label, script in (("short", SCREENPLAYS / f"{SOURCES[0]}.fountain"), ("long", long)):
            rows[label] = measure(
                script, work / label, preview_frames=args.frames, full_preview=args.full_preview
            )
            print(
                label,
                {k: round(v, 3) if isinstance(v, float) else v for k, v in rows[label].items()},
                flush=True,
            )
    print(report(rows))
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, peak RSS {_peak_rss_mb():.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
