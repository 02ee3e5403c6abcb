"""Emoji against the emotion classifier: which rule reads the feeling of a line with emoji.

Every GoEmotions line (Ekman labels, train and dev, one label only) with an emoji, scored four
ways: the packaged classifier alone (each line read as a one-line scene, as the rules planner
reads it), the emoji table alone (on the lines where its emoji vote), emoji overriding the
classifier whenever they vote, and emoji only where the classifier says neutral. GoEmotions
has no contempt: a contempt vote (🙄, 😒) counts as wrong. Macro-F1 is over GoEmotions' seven
labels. Writes the `emoji-emotions` section of docs/benchmarks.md.

    .venv/bin/python benchmarks/emoji_emotions.py [--data /work/shared/data/emotion/goemotions_ekman]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

from report import write_section  # benchmarks/report.py

from motiondirector.planners.emoji import load_emoji_emotions
from motiondirector.planners.emotion import get_emotion_classifier

# Chat replies are short: the classifier has least to read there.
SHORT_WORDS = 4
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u203c\u2049]")


def read_lines(folder: Path) -> list[tuple[str, str]]:
    """(text, Ekman label) of every one-label line with an emoji."""
    labels = folder.joinpath("labels.txt").read_text(encoding="utf-8").split()
    lines = []
    for name in ("train.tsv", "dev.tsv"):
        for row in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            text, ids, _ = row.split("\t")
            if "," not in ids and _EMOJI.search(text):
                lines.append((text, labels[int(ids)]))
    return lines


def scores(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> tuple[float, float]:
    """Accuracy and macro-F1 over `labels`."""
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    f1s = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return accuracy, sum(f1s) / len(f1s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=Path("/work/shared/data/emotion/goemotions_ekman")
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not touch the docs")
    args = parser.parse_args()
    lines = read_lines(args.data)
    labels = sorted({label for _, label in lines})
    table = load_emoji_emotions()
    votes = [table.vote(text) for text, _ in lines]
    # Distinct beats: each line is read alone, as a one-line scene is.
    read = get_emotion_classifier().predict_dialogue(
        [("A", text, beat) for beat, (text, _) in enumerate(lines)]
    )
    classifier = [p.label for p in read]
    gold = [label for _, label in lines]
    overrides = [v.emotion if v else c for v, c in zip(votes, classifier, strict=True)]
    when_neutral = [
        v.emotion if v and c == "neutral" else c for v, c in zip(votes, classifier, strict=True)
    ]
    voted = [i for i, v in enumerate(votes) if v is not None]
    rows = [
        ("classifier alone", gold, classifier),
        (
            "emoji alone (lines where they vote)",
            [gold[i] for i in voted],
            [votes[i].emotion for i in voted],
        ),  # type: ignore[union-attr]
        ("classifier on those lines", [gold[i] for i in voted], [classifier[i] for i in voted]),
        ("emoji override the classifier", gold, overrides),
        ("emoji only where the classifier says neutral", gold, when_neutral),
    ]
    short = [i for i, (text, _) in enumerate(lines) if len(text.split()) <= SHORT_WORDS]
    rows += [
        (
            f"{name}, lines of {SHORT_WORDS} words or fewer",
            [g[i] for i in short],
            [p[i] for i in short],
        )
        for name, g, p in (rows[0], rows[3], rows[4])
    ]
    out = [
        "## Emoji and the emotion classifier (`benchmarks/emoji_emotions.py`)",
        "",
        f"GoEmotions lines with one Ekman label and an emoji (train + dev): {len(lines)}; the "
        f"emoji table votes on {len(voted)}. Macro-F1 over GoEmotions' {len(labels)} labels; a "
        "contempt vote counts as wrong (GoEmotions has no contempt). The rules planner takes "
        "the emoji's emotion only where the classifier says neutral or cannot read the line "
        "(docs/rules-planner.md). Reproduce: `.venv/bin/python benchmarks/emoji_emotions.py`.",
        "",
        "| rule | lines | accuracy | macro-F1 |",
        "|---|---|---|---|",
    ]
    for name, g, p in rows:
        accuracy, macro = scores(g, p, labels)
        out.append(f"| {name} | {len(g)} | {accuracy:.3f} | {macro:.3f} |")
    markdown = "\n".join(out)
    print(markdown)
    if not args.no_write:
        write_section("emoji-emotions", markdown)


if __name__ == "__main__":
    main()
