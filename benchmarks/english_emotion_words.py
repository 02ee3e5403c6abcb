"""English emotion words beside the classifier: what they change on dialogue and on comments.

The rules planner lets an English line's strong emotion words ("disgusting", "terrified",
`en` in `planners/data/emotion_words.yaml`) speak where the classifier hears no emotion, and a
feeling the line states ("I'm really frustrated") over another emotion it hears. This
plans, with the rules planner as it ships, MELD dev (each dialogue one scene, lines read in
context) and the one-label GoEmotions dev lines (one line per beat), and scores the labels
against the same labels with the words' lines given back what they had before (their emoji's
emotion, else neutral): the baseline in the same run. The `en` phrases were kept on GoEmotions
train and the even-numbered MELD dev dialogues; the odd-numbered ones and GoEmotions dev are
held out. Writes the `english-emotion-words` section of docs/benchmarks.md.

    .venv/bin/python benchmarks/english_emotion_words.py [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from report import write_section  # benchmarks/report.py

from motiondirector.planners.emoji import load_emoji_emotions
from motiondirector.planners.emotion_language_eval import score_emotions
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "emotion"


@dataclass(frozen=True)
class Read:
    gold: str
    label: str
    origin: str
    text: str
    reason: str

    @property
    def stated(self) -> bool:
        """Relabelled by a feeling the line states, over another emotion the classifier heard."""
        return self.origin == "words" and " stated (classifier: " in self.reason

    @property
    def classifier(self) -> str:
        """What the classifier heard in a relabelled line."""
        found = re.search(r"classifier: (\w+)", self.reason)
        return found.group(1) if found else "neutral"


def planned(
    planner: RulesPlanner, lines: Sequence[tuple[str, str, str]], *, beats: bool
) -> list[Read]:
    """`lines` (speaker, text, gold) planned as one scene, or each in a beat of its own."""
    turns: list[dict[str, str]] = []
    for number, (speaker, text, _) in enumerate(lines):
        if beats:
            turns.append({"heading": f"INT. ROOM {number} - DAY"})
        turns.append({"speaker": speaker, "text": text})
    document = {"language": "en", "characters": sorted({s for s, _, _ in lines}), "turns": turns}
    direction = planner.plan(parse_script(json.dumps(document), format="json"))
    return [
        Read(gold, u.emotion, u.emotion_origin, text, u.emotion_reason)
        for (_, text, gold), u in zip(lines, direction.utterances, strict=True)
    ]


def meld(planner: RulesPlanner, parity: int) -> list[Read]:
    """The MELD dev dialogues whose number has `parity`, each planned as one scene."""
    dialogues: dict[int, list[tuple[int, tuple[str, str, str]]]] = {}
    with (DATA / "meld" / "dev_sent_emo.csv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            line = (" ".join(row["Speaker"].split()).upper(), row["Utterance"], row["Emotion"])
            number = int(row["Dialogue_ID"])
            dialogues.setdefault(number, []).append((int(row["Utterance_ID"]), line))
    reads = []
    for number, lines in sorted(dialogues.items()):
        if number % 2 == parity:
            reads += planned(planner, [line for _, line in sorted(lines)], beats=False)
    return reads


def goemotions(planner: RulesPlanner) -> list[Read]:
    """The one-label GoEmotions dev lines that are speech, each in a beat of its own, 200 to a scene."""
    folder = DATA / "goemotions_ekman"
    names = folder.joinpath("labels.txt").read_text(encoding="utf-8").split()
    lines = []
    for row in folder.joinpath("dev.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = row.split("\t")
        # A line wholly in parentheses is a stage direction to the planner, not speech.
        if "," not in ids and not (text.startswith("(") and text.endswith(")")):
            lines.append(("ANA", text, names[int(ids)]))
    reads = []
    for start in range(0, len(lines), 200):
        reads += planned(planner, lines[start : start + 200], beats=True)
    return reads


def before(reads: Sequence[Read]) -> list[str]:
    """The labels without the English words: a stated feeling's line gets back the emotion the
    classifier heard, any other of their lines its emoji's emotion, else the classifier's
    neutral (there the words speak only where it heard none)."""
    emoji = load_emoji_emotions()
    labels = []
    for read in reads:
        if read.origin != "words":
            labels.append(read.label)
        elif read.stated:
            labels.append(read.classifier)
        else:
            vote = emoji.vote(read.text)
            labels.append(vote.emotion if vote else "neutral")
    return labels


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--no-write", action="store_true", help="print only")
    args = options.parse_args()
    planner = RulesPlanner()
    sets = [
        ("MELD dev, even dialogues (kept on)", meld(planner, 0)),
        ("MELD dev, odd dialogues (held out)", meld(planner, 1)),
        ("GoEmotions dev, one label (held out)", goemotions(planner)),
    ]
    rows = []
    for name, reads in sets:
        gold = [r.gold for r in reads]
        old = score_emotions(gold, before(reads))
        new = score_emotions(gold, [r.label for r in reads])
        relabelled = [r for r in reads if r.origin == "words"]
        right = sum(r.gold == r.label for r in relabelled)
        stated = [r for r in relabelled if r.stated]
        rows.append(
            f"| {name} | {len(reads)} | {old.macro_f1:.3f} | {new.macro_f1:.3f} | "
            f"{old.weighted_f1:.3f} | {new.weighted_f1:.3f} | {len(relabelled)} | {right} | "
            f"{len(stated)} | {sum(r.gold == r.label for r in stated)} | "
            f"{sum(r.gold == r.classifier for r in stated)} |"
        )
    markdown = "\n".join(
        [
            "## English emotion words",
            "",
            "`benchmarks/english_emotion_words.py`: the rules planner as it ships, whose English"
            " emotion words speak where the classifier hears no emotion"
            " ([emotion-classifier.md](emotion-classifier.md#english-words)), against the same"
            " run with those lines given back the classifier's neutral (or their emoji's"
            " emotion). MELD dev dialogues are planned as scenes, GoEmotions dev lines one per"
            " beat. *relabelled*: lines the words gave an emotion; *right*: of those, the ones"
            " whose human label it is. *stated*: of those, the lines whose words state a feeling"
            ' ("I\'m really frustrated", "that\'s terrifying") where the classifier heard'
            " another emotion, which the statement overrules; *right* / *classifier right*: the"
            " ones whose human label is the stated feeling, and the classifier's.",
            "",
            "| lines | n | macro F1 before | macro F1 | weighted F1 before | weighted F1 |"
            " relabelled | right | stated | right | classifier right |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(markdown)
    if not args.no_write:
        write_section("english-emotion-words", markdown)


if __name__ == "__main__":
    main()
