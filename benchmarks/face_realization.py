"""Faces realized from real video: how many slots of the example scene get a real face, and
what it costs.

Writes docs/benchmarks.md between the `face-realization` markers. Builds a face library of the
shared clips (../shared/data/video) with the shared face model, plans examples/the_key.fountain
with the rules planner, realizes its body once, then measures `realize_faces` (the first call
embeds the slots' queries; a second call answers from the search cache) and counts real and
procedural slots per character at a few thresholds (0.6 is the default), each character cast
one video and, for comparison, with free choice per slot (`casting=False`). Last, what a face
library adds to a live turn: the first frame batch of one-turn streams (new lines each time, as
session turns are) with the library and without it, in the same run.

    MOTIONDIRECTOR_FACE_MODEL=../shared/data/models/face_landmarker.task \\
        .venv/bin/python benchmarks/face_realization.py      # about half a minute on 2 cores
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
VIDEOS = SHARED / "video"
SCENE = ROOT / "examples" / "the_key.fountain"
os.environ.setdefault("MOTIONDIRECTOR_FACE_MODEL", str(SHARED / "models" / "face_landmarker.task"))
THRESHOLDS = (0.5, 0.6, 0.7)
TURN_LINES = (
    "I can't believe you did that, honestly.",
    "Well, somebody had to say it out loud.",
    "Are you coming with us tonight or not?",
    "Maybe. Let me think about it first.",
    "We found the key under the old mat!",
    "That is the best news I heard all week.",
    "Why would anyone hide it there?",
    "Because nobody ever looks under a mat.",
)
TURN_ROUNDS = 3


def first_batches(faces: object | None, tag: str) -> list[float]:
    """Milliseconds to the first batch (6 frames) of a one-turn stream, a new line each time
    (`tag` makes the lines of each call new to the planner's caches)."""
    from motiondirector.realize import plan_text
    from motiondirector.retrieval.builtin import builtin_clip_library
    from motiondirector.streaming import PlanFrames

    clips = builtin_clip_library()
    times = []
    for round_ in range(TURN_ROUNDS):
        for line in TURN_LINES:
            plan = plan_text(f"ANA: {line} Take {round_}, {tag}.\nBEN: Okay.", format="text")
            started = time.perf_counter()
            frames = PlanFrames(plan, library=clips, faces=faces)  # type: ignore[arg-type]
            next(frames.batches(15, first_size=6))
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    from motiondirector.faces.tracker import pack_tracks
    from motiondirector.realize import (
        DEFAULT_FACE_THRESHOLD,
        open_face_library,
        plan_script,
        realize_faces,
        realize_plan,
    )
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.retrieval.video import FACE_TRACKS, ingest_face_folder

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        ingested = ingest_face_folder(VIDEOS)
        library = ClipLibrary.create(
            Path(scratch) / "faces",
            ingested.records,
            attachments={FACE_TRACKS: pack_tracks(dict(ingested.tracks))},
        )
        built = time.perf_counter() - started
        plan = plan_script(SCENE)
        realization = realize_plan(plan)
        started = time.perf_counter()
        faces = open_face_library(library)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        done = realize_faces(realization, faces)
        first = time.perf_counter() - started
        started = time.perf_counter()
        realize_faces(realization, faces)
        again = time.perf_counter() - started
        free = replace(faces, casting=False)
        counts, free_real = {}, {}
        for threshold in THRESHOLDS:
            result = realize_faces(realization, faces, threshold=threshold)
            counts[threshold] = {
                track.name: Counter(s.kind for s in track.face_segments)
                for track in result.timeline.characters
            }
            loose = realize_faces(realization, free, threshold=threshold)
            free_real[threshold] = sum(
                s.kind == "clip" for t in loose.timeline.characters for s in t.face_segments
            )
        segments = [s for t in done.timeline.characters for s in t.face_segments]
        people = {
            "cast": _videos(done),
            "free choice": _videos(realize_faces(realization, free)),
        }
        warps = [s.provenance.scores["warp"] for s in segments if s.kind == "clip"]
        first_batches(faces, "warm")  # models loaded, as on a running server
        plain_turns = first_batches(None, "plain")
        face_turns = first_batches(faces, "faces")

    slots = len(segments)
    rows = [
        "| threshold | "
        + " | ".join(f"{name} real / procedural" for name in counts[THRESHOLDS[0]])
        + " | all real | all real, free choice (`--no-face-casting`) |",
        "|---|" + "---|" * (len(counts[THRESHOLDS[0]]) + 2),
    ]
    for threshold, per in counts.items():
        real = sum(c["clip"] for c in per.values())
        mark = " (default)" if threshold == DEFAULT_FACE_THRESHOLD else ""
        cells = " | ".join(f"{c['clip']} / {c['procedural']}" for c in per.values())
        rows.append(
            f"| {threshold:.2f}{mark} | {cells} | {real} of {slots} "
            f"| {free_real[threshold]} of {slots} |"
        )
    markdown = "\n".join(
        [
            "## Faces realized from real video (issue 14: `direct --face-library`)",
            "",
            f"Measured by `benchmarks/face_realization.py` ({platform.machine()}, Python "
            f"{platform.python_version()}, 2 CPUs shared with other work): a face library of "
            f"the shared clips ({len(ingested.tracks)} videos with a face, "
            f"{len(ingested.records)} records; built in {built:.1f} s), "
            f"`examples/the_key.fountain` planned by the rules planner ({slots} face slots: "
            "every utterance for every character).",
            "",
            "| measure | figure |",
            "|---|---|",
            f"| open and check the library (tracks unpacked) | {opened * 1000:.0f} ms |",
            f"| `realize_faces`, first call (slot queries embedded) | {first * 1000:.0f} ms |",
            f"| `realize_faces` again (search answers cached) | {again * 1000:.0f} ms |",
            f"| time warp of the real slots (source / slot length) | "
            f"{min(warps):.2f} to {max(warps):.2f} |",
            "",
            *rows,
            "",
            "Who plays whom at the default threshold (real slots per video): "
            + "; ".join(
                f"{how}: "
                + ", ".join(
                    f"{name} {' + '.join(f'{v} ({n})' for v, n in sorted(videos.items()))}"
                    for name, videos in per.items()
                )
                for how, per in people.items()
            )
            + ". Cast, each character is one person; free, each line takes any video.",
            "",
            f"A live turn with a face library (`PlanFrames(plan, faces=...)`, as the server "
            f"streams with `MOTIONDIRECTOR_FACE_LIBRARY`): the first batch of "
            f"{len(plain_turns)} one-turn streams, each a line not seen before, in ms.",
            "",
            "| stream | p50 | p90 | max |",
            "|---|---|---|---|",
            _turn_row("the plan's faces", plain_turns),
            _turn_row("faces from the library", face_turns),
        ]
    )
    write_section("face-realization", markdown)
    print(markdown)


def _videos(realization: object) -> dict[str, Counter[str]]:
    """Real slots per video, per character."""
    return {
        track.name: Counter(Path(s.source).name for s in track.face_segments if s.source)
        for track in realization.timeline.characters  # type: ignore[attr-defined]
    }


def _turn_row(name: str, times: list[float]) -> str:
    p50, p90 = statistics.median(times), statistics.quantiles(times, n=10)[-1]
    return f"| {name} | {p50:.1f} | {p90:.1f} | {max(times):.1f} |"


if __name__ == "__main__":
    main()
