"""The cast rule on the labelled set, and what finding the cast costs a parse.

Scores `tests/data/cast/*.yaml` (planned cast = true cast, as sets) against a baseline in the
same run: the cues as written, each a character (no short forms, no characters of the action
alone). Times parsing the three shared screenplays, concatenated ten times, with and without
the cast rule. Writes docs/benchmarks.md between the `cast` markers.

    .venv/bin/python benchmarks/cast.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from report import write_section  # benchmarks/report.py

from motiondirector.scene import parse_script
from motiondirector.scene.assemble import assemble_scene
from motiondirector.scene.cast import resolve_cast
from motiondirector.scene.cast_eval import CastCase, evaluate_cast, load_cast_cases
from motiondirector.scene.elements import RawTurn
from motiondirector.scene.fountain import parse_fountain
from motiondirector.scene.plain_text import parse_plain_text
from motiondirector.scene.timing import TimingOptions

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CASES = ROOT / "tests" / "data" / "cast"


def cues_as_written(case: CastCase) -> list[str]:
    parsed = parse_plain_text(case.text) if case.format == "text" else parse_fountain(case.text)
    return list(dict.fromkeys(e.speaker for e in parsed.elements if isinstance(e, RawTurn)))


def parse_seconds(text: str, *, cast: bool, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        parsed = parse_fountain(text)
        if cast:
            parsed = resolve_cast(parsed)
        assemble_scene(parsed, timing=TimingOptions())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    cases = load_cast_cases(CASES, DATA)
    shared = [c for c in cases if c.id.startswith("shared-")]
    own = [c for c in cases if not c.id.startswith("shared-")]
    rows = []
    for label, subset in (("all", cases), ("shared screenplays", shared), ("written", own)):
        rule = evaluate_cast(subset)
        baseline = evaluate_cast(subset, cues_as_written)
        rows.append(f"| {label} | {len(subset)} | {rule.exact:.1%} | {baseline.exact:.1%} |")
    misses = evaluate_cast(cases).misses
    screenplays = sorted((DATA / "screenplays").glob("*.fountain"))
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in screenplays) * 10
    parse_script(text)  # warm up: the action lexicon is loaded once per process
    with_cast = parse_seconds(text, cast=True)
    without = parse_seconds(text, cast=False)
    markdown = "\n".join(
        [
            "## Cast",
            "",
            "`benchmarks/cast.py`: the cast rule of [input-formats.md](input-formats.md#characters)"
            " on the labelled set `tests/data/cast/` (scripts and excerpts of the shared"
            " screenplays, each with its true cast). A case counts when the planned cast equals"
            " the true cast as a set. Baseline in the same run: the cues as written, each a"
            " character. Target: at least 95 %.",
            "",
            "| cases | n | cast rule | cues as written |",
            "|---|---|---|---|",
            *rows,
            "",
            "Misses: " + ("; ".join(misses) if misses else "none") + ".",
            "",
            f"Finding the cast costs a parse of the three screenplays ×10 ({len(text):,} "
            f"characters) {with_cast:.2f} s against {without:.2f} s without it "
            f"({with_cast / without:.1f}×, median of 5); dialogue JSON does not pay it.",
        ]
    )
    print(markdown)
    write_section("cast", markdown)


if __name__ == "__main__":
    main()
