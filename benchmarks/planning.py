"""Planning speed and memory, measured against the issue's targets.

Runs on this machine with one thread (as the latency paths do) and writes the results into
docs/benchmarks.md between the `planning` markers. Baselines in the same run: the MiniLM
embedding of the same text (the floor any planner that reads meaning pays) for latency, and
the script's own speaking time (real time) for the long screenplay.

    .venv/bin/python benchmarks/planning.py            # all
    .venv/bin/python benchmarks/planning.py --quick    # fewer repetitions
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SCREENPLAYS = ROOT.parent / "shared" / "data" / "screenplays"
UTTERANCE = (
    "I told you twice already, Ben, we cannot open the old studio tonight "
    "because somebody took the only spare key."
)
NIGHTS = ("tonight", "today", "again", "anymore", "now", "yet", "here", "alone")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def latency(repeats: int) -> dict[str, float]:
    from motiondirector.embedding import get_embedder
    from motiondirector.planners import get_planner
    from motiondirector.realize import plan_scene
    from motiondirector.scene import parse_script

    # One turn of a live conversation: ANA speaks, BEN listens. Each repeat says a line the
    # planner has not read before (the classifier reuses a session's recent lines).
    def turn(n: int) -> str:
        text = UTTERANCE.replace("tonight", NIGHTS[n % len(NIGHTS)]) + f" Take {n}."
        return json.dumps(
            {"characters": ["ANA", "BEN"], "turns": [{"speaker": "ANA", "text": text}]}
        )

    planner = get_planner("rules")
    embedder = get_embedder()
    for n in range(5):  # warm up: models loaded
        plan_scene(parse_script(turn(-1 - n), format="json"), planner=planner)
        embedder.embed([UTTERANCE])
    plan_ms, parse_plan_ms, embed_ms = [], [], []
    for n in range(repeats):
        scene = parse_script(turn(2 * n), format="json")
        t0 = time.perf_counter()
        embedder.embed([f"{UTTERANCE} {n}"])
        t1 = time.perf_counter()
        plan_scene(scene, planner=planner)
        t2 = time.perf_counter()
        plan_scene(parse_script(turn(2 * n + 1), format="json"), planner=planner)
        t3 = time.perf_counter()
        embed_ms.append((t1 - t0) * 1000)
        plan_ms.append((t2 - t1) * 1000)
        parse_plan_ms.append((t3 - t2) * 1000)
    return {
        "words": len(json.loads(turn(0))["turns"][0]["text"].split()),
        "plan_p50": percentile(plan_ms, 50),
        "plan_p99": percentile(plan_ms, 99),
        "parse_plan_p50": percentile(parse_plan_ms, 50),
        "parse_plan_p99": percentile(parse_plan_ms, 99),
        "embed_p50": percentile(embed_ms, 50),
    }


def build_long_screenplay(target_utterances: int, out: Path) -> int:
    """Concatenate the shared screenplays (minus title pages) until the target is reached."""
    from motiondirector.scene import read_script

    bodies = []
    counts = []
    for path in sorted(SCREENPLAYS.glob("*.fountain")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        body = re.split(r"\n\n", text, maxsplit=1)[1] if text.startswith("Title:") else text
        bodies.append(body)
        counts.append(len(read_script(path).utterances))
    parts: list[str] = []
    total = 0
    while total < target_utterances:
        for body, count in zip(bodies, counts, strict=True):
            parts.append(body)
            total += count
    out.write_text("\n\n".join(parts), encoding="utf-8")
    return total


_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from motiondirector import plan_script
plan = plan_script(sys.argv[1])
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "utterances": len(plan.utterances),
                  "events": sum(len(t.events) for t in plan.characters),
                  "duration": plan.scene.duration}))
"""


def long_screenplay(path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


LONG_LINE_WORDS = (10_000, 20_000, 40_000)


def long_line() -> dict[int, float]:
    """Seconds to plan one line of n words (and a one-word reply): linear in n is the target."""
    from motiondirector.realize import plan_text
    from motiondirector.scene import SceneLimits

    # 40k words are spoken for over four hours, past the default scene limit.
    limits = SceneLimits(max_duration_s=24 * 3600.0)
    words = ["word", "and", "then", "more,", "yes.", "no", "maybe", "never!", "look"]
    plan_text("ANA: A short line to load the models first.", format="text")
    seconds = {}
    for n in LONG_LINE_WORDS:
        text = "ANA: " + " ".join(words[i % len(words)] for i in range(n)) + "\nBEN: Ok."
        t0 = time.perf_counter()
        plan_text(text, format="text", limits=limits)
        seconds[n] = time.perf_counter() - t0
    return seconds


def cold_start(repeats: int) -> dict[str, float]:
    cli = Path(sys.executable).parent / "motiondirector"
    script = ROOT / "examples" / "the_key.fountain"
    plan_s, schema_s = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(
            [cli, "plan", script, "-q", "-o", os.devnull], check=True, capture_output=True
        )
        t1 = time.perf_counter()
        subprocess.run([cli, "schema"], check=True, capture_output=True)
        t2 = time.perf_counter()
        plan_s.append(t1 - t0)
        schema_s.append(t2 - t1)
    return {"plan_s": statistics.median(plan_s), "schema_s": statistics.median(schema_s)}


def cue_accuracy() -> dict[str, float]:
    from motiondirector.evaluation.suites import CUE_CASES
    from motiondirector.planners.cue_eval import evaluate_cue_cases
    from motiondirector.planners.rules import RulesPlanner

    report = evaluate_cue_cases(CUE_CASES, RulesPlanner())
    return {
        "explicit": report.explicit_honoured,
        "implicit": report.implicit_recall,
        "cases": float(report.cases),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    lat = latency(50 if args.quick else 300)
    long_path = ROOT / "out" / "bench_1500.fountain"
    long_path.parent.mkdir(exist_ok=True)
    built = build_long_screenplay(1500, long_path)
    big = long_screenplay(long_path)
    line = long_line()
    cold = cold_start(2 if args.quick else 5)
    cues = cue_accuracy()
    cpu = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
    markdown = f"""## Planning (issue: core)

Measured by `benchmarks/planning.py` on this machine ({os.cpu_count()} cores, {cpu}),
one thread (`OMP_NUM_THREADS=1`), rules planner, models loaded unless said otherwise.

| measure | result | target | baseline in the same run |
|---|---|---|---|
| one {lat["words"]:.0f}-word utterance, plan (scene parsed) p50 | {lat["plan_p50"]:.1f} ms | ≤ 15 ms | MiniLM embed of the same text p50 {lat["embed_p50"]:.1f} ms (×{lat["plan_p50"] / lat["embed_p50"]:.1f}) |
| same, plan p99 | {lat["plan_p99"]:.1f} ms | ≤ 40 ms | |
| same, parse + plan p50 / p99 | {lat["parse_plan_p50"]:.1f} / {lat["parse_plan_p99"]:.1f} ms | | |
| {big["utterances"]:.0f}-utterance screenplay (shared scripts concatenated, {built} lines), end to end incl. model load | {big["seconds"]:.2f} s | ≤ 10 s | speaking time of the scene {big["duration"] / 60:.0f} min (×{big["duration"] / big["seconds"]:.0f} real time) |
| same, peak RSS | {big["rss_mb"]:.0f} MB | ≤ 1,500 MB | |
| same, events planned | {big["events"]:.0f} | | |
| one line of {" / ".join(f"{n // 1000}k" for n in line)} words, plan | {" / ".join(f"{t:.1f}" for t in line.values())} s | linear in words | per 1k words: {" / ".join(f"{t / n * 1000:.2f}" for n, t in line.items())} s (×{(line[40_000] / 40) / (line[10_000] / 10):.1f} from 10k to 40k) |
| CLI cold start, `plan examples/the_key.fountain` | {cold["plan_s"]:.2f} s | reported | `motiondirector schema` (no models) {cold["schema_s"]:.2f} s |
| explicit cues honoured ({cues["cases"]:.0f} labelled cases) | {cues["explicit"]:.1%} | ≥ 95 % | |
| implicit-cue recall (same set) | {cues["implicit"]:.1%} | reported | |
"""
    write_section("planning", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
