"""Action lines in other languages, and telling a script's language from its words.

Scores the scenes of `tests/data/languages/` (each the same scene in English, Spanish, French,
German, Italian, Portuguese, Russian, Chinese, Japanese and Korean, with the behaviours each
action line should direct) with the
rules planner: each language read in its language, against the baseline in the same run of the
same lines read as English. Counts the windows of English dialogue (MELD train and dev,
GoEmotions train; 2 to 30 lines each) that `scene.language.latin_language` wrongly tells another
language, and times reading the action of each case. Writes docs/benchmarks.md between the
`action-languages` markers.

    .venv/bin/python benchmarks/action_languages.py [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections import Counter
from pathlib import Path

from report import write_section  # benchmarks/report.py

from motiondirector.planners.action_language_eval import (
    LanguageCase,
    load_language_cases,
    score_case,
)
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from motiondirector.scene.language import latin_language

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "languages"
EMOTION = ROOT.parent / "shared" / "data" / "emotion"
WINDOWS = (2, 3, 5, 10, 30)


def english_lines() -> list[str]:
    lines = []
    for split in ("train", "dev"):
        with (EMOTION / "meld" / f"{split}_sent_emo.csv").open(encoding="utf-8") as rows:
            lines.extend(row["Utterance"] for row in csv.DictReader(rows))
    with (EMOTION / "goemotions_ekman" / "train.tsv").open(encoding="utf-8") as rows:
        lines.extend(row.split("\t", 1)[0] for row in rows)
    return lines


def told_wrongly(lines: list[str]) -> tuple[int, Counter[str]]:
    windows, told = 0, Counter[str]()
    for size in WINDOWS:
        for start in range(0, len(lines) - size, size):
            windows += 1
            language = latin_language(lines[start : start + size])
            if language is not None:
                told[language] += 1
    return windows, told


def action_ms(planner: RulesPlanner, case: LanguageCase, repeats: int = 20) -> float:
    """Median milliseconds to read the case's action lines (the script parsed once)."""
    scene = parse_script(case.script, format="fountain")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        planner.plan_actions(scene)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000 / len(scene.actions)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--no-write", action="store_true", help="print only")
    args = options.parse_args()
    planner = RulesPlanner()
    cases = load_language_cases(CASES)
    rows = []
    for language in ("en", "es", "fr", "de", "it", "pt", "ru", "zh", "ja", "ko"):
        mine = [c for c in cases if c.language == language]
        reports = [score_case(c, planner) for c in mine]
        baseline = [score_case(c, planner, as_english=True) for c in mine]
        expected = sum(r.expected for r in reports)
        right, found = sum(r.right for r in reports), sum(r.found for r in reports)
        base_right = sum(r.right for r in baseline)
        told = {parse_script(c.script, format="fountain").utterances[0].language for c in mine}
        ms = statistics.mean(action_ms(planner, c) for c in mine)
        rows.append(
            f"| {language} | {len(mine)} | {expected} | {right / expected:.0%} | "
            f"{right / max(found, 1):.0%} | {base_right / expected:.0%} | "
            f"{', '.join(sorted(str(t) for t in told))} | {ms:.2f} |"
        )
    lines = english_lines()
    start = time.perf_counter()
    windows, told = told_wrongly(lines)
    seconds = time.perf_counter() - start
    words = sum(len(line.split()) for line in lines) * len(WINDOWS)
    markdown = "\n".join(
        [
            "## Action lines in other languages",
            "",
            "`benchmarks/action_languages.py`: the scenes of `tests/data/languages/`, each written"
            " in ten languages with the behaviours every action line should direct"
            " ([rules-planner.md](rules-planner.md#other-languages)), planned by the rules"
            " planner. Recall and precision of the action lines' behaviours in each language;"
            " baseline in the same run: the same lines read as English, as before the"
            " glossaries. *Told* is the language the script's words tell (no `Language:` line;"
            " Cyrillic action is read as Russian, Chinese characters as Chinese and Hangul as"
            " Korean by their letters, the lines stay unmarked; a script that writes kana is"
            " told Japanese);"
            " *ms per line* the time to read one action line.",
            "",
            "| language | scenes | behaviours | recall | precision | read as English |"
            " told | ms per line |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"English dialogue told another language: {sum(told.values())} of {windows:,}"
            f" windows of {', '.join(map(str, WINDOWS))} lines (MELD train and dev, GoEmotions"
            f" train){': ' + ', '.join(f'{k} {v}' for k, v in told.items()) if told else ''};"
            f" {words / seconds / 1e6:.1f} M words/s.",
        ]
    )
    print(markdown)
    if not args.no_write:
        write_section("action-languages", markdown)


if __name__ == "__main__":
    main()
