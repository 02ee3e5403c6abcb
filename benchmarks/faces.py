"""Faces of real video: analysis speed, index build time, search latency and retrieval quality.

Writes docs/benchmarks.md between the `faces` markers. Measures, on the shared clips
(../shared/data/video) with the shared face model (../shared/data/models):

- analysis frames per second on one core (the process pinned to one CPU) on the 512x512 clip,
  against decoding alone (decode + RGB conversion) in the same run: the ratio is what tracking
  costs on top of reading the video (MediaPipe imported beforehand; the model's loading is
  counted);
- `index build` of the ten shared clips (ingest with face analysis, embedding, FAISS, writing);
- the ingest of `index build --add` of the same folder to that library: with one clip new to it
  (lp_d18; the clips without a face were stamped by the first build and are passed over) and
  with nothing new, against the first ingest;
- search p50 and p95 over the labelled queries below (query embedding cached, answers not);
- retrieval by behaviour with no captions: a query set written from looking at the clips,
  top-1 (the first hit is from a right clip and, where a span is given, overlaps it) and
  recall@3 (the share of the right clips, at most three, among the first three hits' clips),
  with the words' behaviour target and with the text alone.

    MOTIONDIRECTOR_FACE_MODEL=../shared/data/models/face_landmarker.task \\
        .venv/bin/python benchmarks/faces.py          # about a minute on 2 cores
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
VIDEOS = SHARED / "video"
os.environ.setdefault("MOTIONDIRECTOR_FACE_MODEL", str(SHARED / "models" / "face_landmarker.task"))

# query -> right clips, each with the span (seconds) where it shows, or None for anywhere.
# Written from contact sheets of the clips, not from the analysis.
QUERIES: dict[str, dict[str, tuple[float, float] | None]] = {
    "smiles broadly": {"lp_d19": (6.5, 8.4), "lp_d13": (6.0, 7.5), "lp_d12": (0.5, 2.5)},
    "frowns": {"lp_d18": (5.5, 7.2)},
    "talks with wide mouth movements": {"lp_d10": None, "lp_d12": None, "lp_d18": (2.0, 5.5)},
    "turns the head": {"lp_d12": None},
    "raises the eyebrows in surprise": {"lp_d10": None, "lp_d12": (4.5, 6.0)},
    "listens silently without talking": {"lp_s18": None, "lp_d19": None},
    "opens the mouth wide": {"lp_d18": (2.5, 5.5), "lp_d12": (4.5, 7.4), "lp_d10": None},
    "pouts": {"lp_d13": (7.8, 9.2), "lp_d18": (5.5, 7.2)},
}


def _clip(file: str) -> str:
    return Path(file).stem


def _right(record: object, wanted: dict[str, tuple[float, float] | None]) -> bool:
    source = record.source  # type: ignore[attr-defined]
    clip = _clip(source.file)
    if clip not in wanted:
        return False
    span = wanted[clip]
    return span is None or (source.start < span[1] and source.end > span[0])


def _cpu() -> float:
    """CPU seconds of this process and its finished children (every thread counted)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure_fps(video: Path) -> dict[str, float]:
    """Decode-only and analysis frames per second on the calling process's CPUs, per second of
    wall time and per CPU second (the second is what one idle core would give; this machine's
    cores are shared)."""
    # MediaPipe's import (it loads matplotlib and OpenCV, about a second) is paid once per
    # process, not per frame.
    import mediapipe.tasks.python.vision  # noqa: F401

    from motiondirector.faces.model import find_face_model
    from motiondirector.faces.tracker import decode_frames, track_face

    wall, cpu = time.perf_counter(), _cpu()
    frames = sum(1 for _ in decode_frames(video))
    decode_wall, decode_cpu = time.perf_counter() - wall, _cpu() - cpu
    model = find_face_model()
    wall, cpu = time.perf_counter(), _cpu()
    track = track_face(video, model=model)
    analysis_wall, analysis_cpu = time.perf_counter() - wall, _cpu() - cpu
    return {
        "frames": float(track.frames),
        "decode_wall": frames / decode_wall,
        "decode_cpu": frames / decode_cpu,
        "analysis_wall": track.frames / analysis_wall,
        "analysis_cpu": track.frames / analysis_cpu,
    }


def measure_adds(records: tuple[Any, ...], empty: tuple[str, ...]) -> dict[str, float]:
    """Seconds of the ingest `index build --add` runs on the shared folder: for a library that
    holds every clip but lp_d18's, and for one that holds them all (both with the stamps of
    the videos in which no face was found, `empty`)."""
    from motiondirector.retrieval.ingest import ingest
    from motiondirector.retrieval.sources import KnownSources, pack_stamps

    seconds = {}
    for name, held in (
        ("one_new", [r for r in records if _clip(r.source.file) != "lp_d18"]),
        ("none_new", list(records)),
    ):
        known = KnownSources.of(held, pack_stamps(held, also=empty))
        began = time.perf_counter()
        ingest([str(VIDEOS)], known=known)
        seconds[name] = time.perf_counter() - began
    return seconds


def main() -> None:
    from motiondirector.retrieval import ClipLibrary, ClipQuery, search_clips
    from motiondirector.retrieval.ingest import ingest
    from motiondirector.retrieval.query import _ANSWERS
    from motiondirector.retrieval.video import FACE_TRACKS

    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    fps = measure_fps(VIDEOS / "lp_d10.mp4")
    os.sched_setaffinity(0, cpus)

    with tempfile.TemporaryDirectory() as scratch:
        began, cpu = time.perf_counter(), _cpu()
        result = ingest([str(VIDEOS)])
        from motiondirector.faces.tracker import pack_tracks

        library = ClipLibrary.create(
            Path(scratch) / "faces",
            result.records,
            attachments={FACE_TRACKS: pack_tracks(dict(result.tracks))},
        )
        build, build_cpu = time.perf_counter() - began, _cpu() - cpu
        info = library.info()
        adds = measure_adds(result.records, result.empty)

        rows = []
        latencies: list[float] = []
        totals = {True: [0, 0.0], False: [0, 0.0]}
        for text, wanted in QUERIES.items():
            row = [text]
            for behaviour in (True, False):
                query = ClipQuery.from_text(text, behaviour=behaviour)
                hits = search_clips(library, query, k=3)
                for _ in range(20):
                    _ANSWERS.clear()
                    began = time.perf_counter()
                    search_clips(library, query, k=3)
                    latencies.append(time.perf_counter() - began)
                top1 = bool(hits) and _right(hits[0].record, wanted)
                found = {_clip(h.record.source.file) for h in hits if _right(h.record, wanted)}
                recall = len(found) / min(3, len(wanted))
                totals[behaviour][0] += int(top1)
                totals[behaviour][1] += recall
                if behaviour:
                    row.append(", ".join(f"{h.record.id.split('/')[-1]}" for h in hits))
                row.append(f"{'yes' if top1 else 'no'} / {recall:.2f}")
            rows.append(row)

    from importlib.metadata import version

    mediapipe_version = version("mediapipe")
    latencies.sort()
    p50 = 1000 * statistics.median(latencies)
    p95 = 1000 * latencies[int(0.95 * (len(latencies) - 1))]
    n = len(QUERIES)
    skipped = "; ".join(f"{Path(s.file).name}: {s.reason}" for s in result.skipped)
    lines = [
        "## Faces of real video (issue: real faces)",
        "",
        f"Measured by `benchmarks/faces.py` ({platform.machine()}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs shared with other work: load average "
        f"{os.getloadavg()[0]:.1f} at the end), MediaPipe {mediapipe_version} Face Landmarker "
        "(`../shared/data/models/face_landmarker.task`) on the ten shared clips. Per CPU second "
        "is frames over the CPU time the process used: what an idle core gives.",
        "",
        "| measure | figure | target |",
        "|---|---|---|",
        f"| decoding alone, one core, lp_d10 512×512 ({fps['frames']:.0f} frames) | "
        f"{fps['decode_wall']:.0f} fps ({fps['decode_cpu']:.0f} per CPU second) | |",
        f"| analysis (decode, track, smooth), one core, same clip | {fps['analysis_wall']:.0f} "
        f"fps ({fps['analysis_cpu']:.0f} per CPU second); ratio to decoding "
        f"{fps['analysis_wall'] / fps['decode_wall']:.3f} | ≥ 60 fps |",
        f"| `index build` of the ten clips ({info.records} records, {info.vectors} "
        f"descriptions; {len(os.sched_getaffinity(0))} worker processes) | {build:.1f} s "
        f"({build_cpu:.1f} CPU s) | < 30 s |",
        f"| ingest of `index build --add` of the same folder: one clip new (lp_d18; the "
        f"clips without a face are passed over) / nothing new | {adds['one_new']:.1f} s / "
        f"{adds['none_new']:.2f} s | less than the first build |",
        f"| search p50 / p95 ({len(latencies)} searches, query embedding cached) | "
        f"{p50:.2f} / {p95:.2f} ms | p50 < 5 ms |",
        "",
        f"Skipped by ingest: {skipped or 'none'}.",
        "",
        "Retrieval by behaviour with no captions: the queries below were written from contact "
        "sheets of the clips (right clips and, where it matters, the span). Top-1: the first "
        "hit is from a right clip and overlaps its span; recall@3: the share of the right clips "
        "(at most three) among the first three hits.",
        "",
        "| query | first three hits (text + behaviour) | top-1 / recall@3, text + behaviour "
        "| text only |",
        "|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in rows],
        f"| **all {n}** | | **{totals[True][0]}/{n} / {totals[True][1] / n:.2f}** | "
        f"{totals[False][0]}/{n} / {totals[False][1] / n:.2f} |",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("faces", markdown)


if __name__ == "__main__":
    main()
