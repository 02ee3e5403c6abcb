"""Sequencing speed: a 1,500-utterance scene from plan to Timeline, retrieval queries included.

Builds the long screenplay as `benchmarks/planning.py` does (the shared scripts concatenated),
plans it once, opens the built-in clip library, then times `sequence_plan` with the query
embedding cache emptied before each run (cold: every distinct query text is embedded) and
once warm. Baseline in the same run: embedding the same distinct query texts one by one, the
cost a sequencer without the bulk path would pay before any search. Assembly of the body motion
is timed too, for reference. Writes docs/benchmarks.md between the `sequencing` markers.

    .venv/bin/python benchmarks/sequencing.py            # 3 runs
    .venv/bin/python benchmarks/sequencing.py --quick    # 1 run
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def _planning_module() -> object:
    spec = importlib.util.spec_from_file_location(
        "planning_bench", ROOT / "benchmarks" / "planning.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    from motiondirector.motion.assemble import MotionSourceCache, assemble_character
    from motiondirector.realize import plan_script
    from motiondirector.retrieval import QUERY_CACHE
    from motiondirector.retrieval.builtin import builtin_clip_library
    from motiondirector.retrieval.sequence import body_slots, sequence_plan, slot_query

    planning = _planning_module()
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "long.fountain"
        planning.build_long_screenplay(1500, script)  # type: ignore[attr-defined]
        plan = plan_script(script)
    library = builtin_clip_library()
    emotions = {u.id: u.emotion.label for u in plan.utterances}
    queries = [
        slot_query(slot, emotions.get(slot.event.utterance_id or ""))
        for track in plan.characters
        for slot in body_slots(plan, track.name)
    ]
    texts = sorted({q.text for q in queries})

    runs = 1 if args.quick else 3
    cold: list[float] = []
    timeline = None
    for _ in range(runs):
        QUERY_CACHE.clear()
        t0 = time.perf_counter()
        timeline = sequence_plan(plan, library, k=10)
        cold.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    sequence_plan(plan, library, k=10)
    warm = time.perf_counter() - t0
    assert timeline is not None

    embedder = library.embedder
    t0 = time.perf_counter()
    for text in texts:
        embedder.embed([text])
    one_by_one = time.perf_counter() - t0

    # One character at a time: the whole cast's motion at once would take gigabytes.
    loader = MotionSourceCache()
    frames = 0
    t0 = time.perf_counter()
    for track in timeline.characters:
        frames += assemble_character(
            track, timeline.duration, fps=timeline.fps, loader=loader
        ).frames
    assembly = time.perf_counter() - t0

    segments = sum(len(track.segments) for track in timeline.characters)
    clips = sum(1 for t in timeline.characters for s in t.segments if s.kind == "clip")
    median = statistics.median(cold)
    cpu = os.uname().machine
    markdown = f"""## Sequencing (issue: motion library and FAISS retrieval)

Measured by `benchmarks/sequencing.py` on this machine ({os.cpu_count()} cores, {cpu}), one
thread (`OMP_NUM_THREADS=1`), built-in clip library ({len(library)} clips), k = 10. The scene is
the shared screenplays concatenated to {len(plan.utterances)} utterances
({plan.scene.duration / 60:.0f} min, {len(plan.characters)} characters), planned once before timing.

| measure | result | target | baseline in the same run |
|---|---|---|---|
| `sequence_plan`, query cache empty (median of {runs}) | {median:.2f} s | ≤ 5 s | embedding the {len(texts)} distinct query texts one by one: {one_by_one:.2f} s |
| same, query cache warm | {warm:.2f} s | | |
| body slots / distinct queries / distinct texts | {len(queries)} / {len(set(queries))} / {len(texts)} | | |
| segments (clips) | {segments} ({clips}) | | |
| assembling the body motion, all characters ({frames:,} frames, one at a time) | {assembly:.2f} s ({frames / assembly:,.0f} frames/s) | reported | |

The cold run embeds every distinct query text in one bulk call, then searches each distinct
query once (events repeat: {len(queries)} slots ask {len(set(queries))} different questions).
"""
    write_section("sequencing", markdown)
    print(markdown)


if __name__ == "__main__":
    sys.exit(main())
