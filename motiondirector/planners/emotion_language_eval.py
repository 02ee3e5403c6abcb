"""Scoring the emotions the rules planner gives lines said in other languages.

`tests/data/emotion_languages/goemotions.tsv` holds GoEmotions dev lines (Reddit comments with
human Ekman labels, Apache-2.0), 30 per emotion, each with its translation into the languages
of `planners/data/emotion_words.yaml`. Half are the `dev` split, which the emotion words were
tuned on; the `test` split was scored once, after. `plan_emotions` plans a list of lines as a
scene in a language, each line its own beat (so no line is read in another's context), and
`score_emotions` compares the planner's labels with the human ones.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from motiondirector.errors import ScriptError
from motiondirector.plan.vocabulary import EMOTIONS
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script

NEGATIVE = frozenset({"anger", "disgust", "fear", "sadness"})
"""Emotions whose face is the opposite of joy's: reading one as joy (or joy as one) is the
error a viewer notices."""


@dataclass(frozen=True, slots=True)
class EmotionLine:
    """A labelled line and its translations, by language subtag ("en" is the original)."""

    id: str
    split: str
    label: str
    texts: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class EmotionScore:
    lines: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    opposite: float
    """The share of joy and negative lines given the other side's emotion."""
    agreement: float | None
    """The share of lines given the same emotion as a reference reading, where one is given."""


def load_emotion_lines(path: Path, split: str | None = None) -> list[EmotionLine]:
    """The lines of a translations TSV (id, split, label, en, then one column per language)."""
    with path.open(encoding="utf-8", newline="") as rows:
        reader = csv.DictReader(rows, delimiter="\t")
        fields = reader.fieldnames or []
        if fields[:4] != ["id", "split", "label", "en"]:
            raise ScriptError(f"{path}: expected the columns id, split, label, en, ...")
        lines = []
        for number, row in enumerate(reader, start=2):
            if row["label"] not in EMOTIONS or any(row[f] in (None, "") for f in fields):
                raise ScriptError(f"{path}:{number}: a label of the vocabulary and every text")
            texts = {field: row[field] for field in fields[3:]}
            lines.append(EmotionLine(row["id"], row["split"], row["label"], texts))
    return [line for line in lines if split is None or line.split == split]


def plan_emotions(texts: Sequence[str], language: str, planner: RulesPlanner) -> list[str]:
    """The emotion the planner gives each text, said in `language`, each in a beat of its own."""
    turns: list[dict[str, str]] = []
    for number, text in enumerate(texts):
        turns += [{"heading": f"INT. ROOM {number} - DAY"}, {"speaker": "ANA", "text": text}]
    document = json.dumps({"language": language, "characters": ["ANA", "BEN"], "turns": turns})
    scene = parse_script(document, format="json")
    if len(scene.utterances) != len(texts):
        raise ScriptError(f"{len(texts)} lines made {len(scene.utterances)} utterances")
    return [u.emotion for u in planner.plan(scene).utterances]


def score_emotions(
    gold: Sequence[str], predicted: Sequence[str], reference: Sequence[str] | None = None
) -> EmotionScore:
    """Accuracy, macro and weighted F1 over the gold labels, the opposite-valence share, and
    the agreement with `reference`."""
    labels = sorted(set(gold))
    f1 = {label: _f1(gold, predicted, label) for label in labels}
    support = {label: sum(g == label for g in gold) for label in labels}
    valenced = [(g, p) for g, p in zip(gold, predicted, strict=True) if g in NEGATIVE or g == "joy"]
    opposite = sum(
        (g == "joy" and p in NEGATIVE) or (g in NEGATIVE and p == "joy") for g, p in valenced
    )
    agreement = None
    if reference is not None:
        agreement = sum(r == p for r, p in zip(reference, predicted, strict=True)) / len(gold)
    return EmotionScore(
        lines=len(gold),
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        macro_f1=sum(f1.values()) / len(labels),
        weighted_f1=sum(f1[label] * support[label] for label in labels) / len(gold),
        opposite=opposite / len(valenced) if valenced else 0.0,
        agreement=agreement,
    )


def _f1(gold: Sequence[str], predicted: Sequence[str], label: str) -> float:
    hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
    said = sum(p == label for p in predicted)
    real = sum(g == label for g in gold)
    return 2 * hits / (said + real) if said + real else 0.0
