"""The emotions of lines said in other languages: emotion words against the English classifier.

Plans the lines of `tests/data/emotion_languages/goemotions.tsv` (GoEmotions dev lines with
their human labels, 30 per emotion, each translated into the languages of
`planners/data/emotion_words.yaml`) with the rules planner, each line its own beat, in each
language: read by its emotion words (the planner today), and, as the baseline in the same run,
the same lines stated as English, which the classifier then reads as it did before. The English
originals read by the classifier are the ceiling the translations are compared with. Scores the
`test` split (the words were tuned on `dev`, whose scores are printed beside them) and times
reading a line. Writes docs/benchmarks.md between the `emotion-languages` markers.

    .venv/bin/python benchmarks/emotion_languages.py [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from report import write_section  # benchmarks/report.py

from motiondirector.planners.emotion_language_eval import (
    EmotionLine,
    EmotionScore,
    load_emotion_lines,
    plan_emotions,
    score_emotions,
)
from motiondirector.planners.emotion_words import load_emotion_words
from motiondirector.planners.rules import RulesPlanner

ROOT = Path(__file__).resolve().parents[1]
LINES = ROOT / "tests" / "data" / "emotion_languages" / "goemotions.tsv"


def read_ms(planner: RulesPlanner, texts: list[str], language: str, repeats: int = 5) -> float:
    """Median milliseconds to plan the lines, per line (the classifier loaded beforehand)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        plan_emotions(texts, language, planner)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000 / len(texts)


def scored(
    lines: list[EmotionLine], language: str, planner: RulesPlanner, english: list[str]
) -> tuple[EmotionScore, EmotionScore]:
    """The lines in `language` read by their words, and stated as English (the baseline)."""
    gold = [line.label for line in lines]
    texts = [line.texts[language] for line in lines]
    words = score_emotions(gold, plan_emotions(texts, language, planner), english)
    as_english = score_emotions(gold, plan_emotions(texts, "en", planner), english)
    return words, as_english


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--no-write", action="store_true", help="print only")
    args = options.parse_args()
    planner = RulesPlanner()
    test, dev = load_emotion_lines(LINES, "test"), load_emotion_lines(LINES, "dev")
    english_test = plan_emotions([line.texts["en"] for line in test], "en", planner)
    english_dev = plan_emotions([line.texts["en"] for line in dev], "en", planner)
    ceiling = score_emotions([line.label for line in test], english_test)
    ceiling_dev = score_emotions([line.label for line in dev], english_dev)
    rows = [
        f"| en (original) | classifier | {ceiling.accuracy:.2f} | {ceiling.macro_f1:.2f} | "
        f"{ceiling.opposite:.0%} | | {ceiling_dev.macro_f1:.2f} | "
        f"{read_ms(planner, [line.texts['en'] for line in test], 'en'):.2f} |"
    ]
    tables = load_emotion_words().languages
    for language in (code for code in test[0].texts if code != "en"):
        table = tables[language.split("-")[0]]
        words, as_english = scored(test, language, planner, english_test)
        words_dev, _ = scored(dev, language, planner, english_dev)
        ms = read_ms(planner, [line.texts[language] for line in test], language)
        for name, score, dev_f1, per_line in (
            ("words", words, f"{words_dev.macro_f1:.2f}", f"{ms:.2f}"),
            ("as English (before)", as_english, "", ""),
        ):
            rows.append(
                f"| {language} ({table.name}) | {name} | {score.accuracy:.2f} | "
                f"{score.macro_f1:.2f} | {score.opposite:.0%} | {score.agreement:.0%} | "
                f"{dev_f1} | {per_line} |"
            )
    markdown = "\n".join(
        [
            "## Emotion in other languages",
            "",
            "`benchmarks/emotion_languages.py`: 105 GoEmotions dev lines (15 per emotion, human"
            " labels) of `tests/data/emotion_languages/goemotions.tsv`, `test` split, each"
            " translated into seventeen languages (and the Chinese converted to traditional"
            " characters, zh-Hant), planned by the rules planner one line per beat"
            " ([emotion-classifier.md](emotion-classifier.md#other-languages)). *words*: read by"
            " the language's emotion words (`planners/data/emotion_words.yaml`); *as English*,"
            " the baseline in the same run: the same translation stated as English, read by the"
            " classifier as every Latin-letter line was before (lines in other scripts were"
            " left neutral). *opposite*: joy read as anger, disgust, fear or sadness or the"
            " other way round, of the lines labelled with one of them; *agrees*: the same"
            " emotion as the classifier gives the English original. *dev macro F1*: the other"
            " 105 lines, which the words were tuned on. *ms per line*: planning time per line.",
            "",
            "| language | read by | accuracy | macro F1 | opposite | agrees | dev macro F1 |"
            " ms per line |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(markdown)
    if not args.no_write:
        write_section("emotion-languages", markdown)


if __name__ == "__main__":
    main()
