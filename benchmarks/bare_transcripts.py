"""Live turns from a speech recogniser that returns bare words: what the planner makes of them
with the marks it infers ([docs/boundaries.md](../docs/boundaries.md)), against the same bare
turns read as written (inference switched off, the baseline in the same run) and against the
turns as MELD writes them. Every MELD dev dialogue is taken turn by turn with `Conversation`,
as a session of the HTTP API takes it; a bare turn is the written one with the punctuation
stripped from its words. Measures the emotion against MELD's labels (each turn read after the
turns before it), the speaker's cue behaviours and intent against those of the written turn,
and the planning time per turn; then the labelled cue cases, stripped the same way. Writes the
`bare-transcripts` section of docs/benchmarks.md.

    .venv/bin/python benchmarks/bare_transcripts.py [--dialogues N] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from report import write_section  # benchmarks/report.py
from sklearn.metrics import f1_score

from motiondirector.planners import cues
from motiondirector.planners.cue_eval import CueCase, CueReport, evaluate_cases, load_cue_cases
from motiondirector.planners.rules import RulesPlanner
from motiondirector.realize import Conversation, TurnInput

MELD = Path(__file__).resolve().parents[2] / "shared" / "data" / "emotion" / "meld"
CUE_CASES = (
    Path(__file__).resolve().parents[1]
    / "motiondirector"
    / "evaluation"
    / "cases"
    / "cue_cases.yaml"
)
_MARKS = ".,!?;:\u2026\u2014-"

Turn = tuple[str, str, str]  # speaker, text, MELD emotion label
Behaviour = tuple[str, str]  # rule, what (lexeme or AU)


def dialogues(count: int | None) -> list[list[Turn]]:
    """MELD dev dialogues in file order, as (speaker, text, emotion) turns."""
    by_id: dict[str, list[Turn]] = defaultdict(list)
    with (MELD / "dev_sent_emo.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            text = row["Utterance"].replace("\u2019", "'").strip()
            if text:
                by_id[row["Dialogue_ID"]].append((row["Speaker"].upper(), text, row["Emotion"]))
    return list(by_id.values())[:count]


def bare(text: str) -> str:
    """The text as a recogniser without punctuation gives it: each word's marks stripped."""
    words = (word.strip(_MARKS) for word in text.split())
    return " ".join(word for word in words if word)


@contextmanager
def inference_off() -> Iterator[None]:
    """Bare lines read as written, as before inference: the baseline."""
    infer = cues.inferred_marks
    cues.inferred_marks = lambda words: None
    try:
        yield
    finally:
        cues.inferred_marks = infer


def run(conversations: list[list[Turn]], strip: bool) -> dict[str, list]:
    """Per turn: the emotion label, intent, the speaker's cue behaviours, seconds to plan."""
    found: dict[str, list] = defaultdict(list)
    for turns in conversations:
        talk = Conversation(characters=sorted({speaker for speaker, _, _ in turns}))
        for speaker, text, _ in turns:
            started = time.perf_counter()
            plan = talk.take_turn(TurnInput(speaker, bare(text) if strip else text)).plan
            found["seconds"].append(time.perf_counter() - started)
            utterance = plan.utterances[0]
            found["emotion"].append(utterance.emotion.label)
            found["intent"].append(utterance.intent)
            found["cues"].append(
                Counter(
                    (e.source.rule, str(getattr(e, "lexeme", None) or getattr(e, "au", "")))
                    for track in plan.characters
                    if track.name == speaker
                    for e in track.events
                    if e.source.rule.startswith("rules.")
                    and not e.source.rule.startswith(("rules.emotion", "rules.gaze"))
                )
            )
    return found


def cue_cases() -> dict[str, CueReport]:
    """The labelled cue cases as written, stripped and read as given, stripped with the marks
    inferred: the share of their expectations each honours."""
    cases = load_cue_cases(CUE_CASES)
    stripped = []
    for case in cases:
        lines = []
        for line in case.scene.utterances:
            words = tuple(w.model_copy(update={"text": bare(w.text) or w.text}) for w in line.words)
            lines.append(line.model_copy(update={"words": words, "text": bare(line.text)}))
        scene = case.scene.model_copy(update={"utterances": tuple(lines)})
        stripped.append(CueCase(case.id, case.kind, scene, case.expectations))
    planner = RulesPlanner()
    reports = {"as written": evaluate_cases(cases, planner)}
    with inference_off():
        reports["bare, read as given (baseline)"] = evaluate_cases(stripped, planner)
    reports["bare, with inferred marks"] = evaluate_cases(stripped, planner)
    return reports


def agreement(
    found: list[Counter[Behaviour]], written: list[Counter[Behaviour]]
) -> dict[str, float]:
    hit = sum((a & b).total() for a, b in zip(found, written, strict=True))
    got = sum(a.total() for a in found)
    want = sum(b.total() for b in written)
    precision, recall = hit / max(got, 1), hit / max(want, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
        "same": sum(a == b for a, b in zip(found, written, strict=True)) / len(found),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=int, default=None, help="default: all of MELD dev")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    conversations = dialogues(args.dialogues)
    gold = [label for turns in conversations for _, _, label in turns]
    run(conversations[:1], strip=True)  # loads the models
    written = run(conversations, strip=False)
    with inference_off():
        as_given = run(conversations, strip=True)
    inferred = run(conversations, strip=True)
    cases = cue_cases()
    rows = []
    for name, found in (
        ("as written (MELD's punctuation)", written),
        ("bare, read as given (baseline)", as_given),
        ("bare, with inferred marks", inferred),
    ):
        cue = agreement(found["cues"], written["cues"])
        same_intent = sum(
            a == b for a, b in zip(found["intent"], written["intent"], strict=True)
        ) / len(gold)
        neutral = Counter(found["emotion"])["neutral"] / len(gold)
        ms = 1000 * sum(found["seconds"]) / len(gold)
        rows.append(
            f"| {name} | {f1_score(gold, found['emotion'], average='macro'):.3f} | "
            f"{f1_score(gold, found['emotion'], average='weighted'):.3f} | "
            f"{100 * neutral:.1f} % | {cue['f1']:.3f} | {100 * cue['same']:.1f} % | "
            f"{100 * same_intent:.1f} % | {ms:.1f} |"
        )
    markdown = "\n".join(
        [
            "## Bare transcripts",
            "",
            "`benchmarks/bare_transcripts.py`: "
            f"{len(conversations)} MELD dev dialogues ({len(gold)} turns) taken turn by turn "
            "with `Conversation`, as an HTTP session takes them: as MELD writes them, and bare "
            "(every word's marks stripped, as a recogniser without punctuation returns it), "
            "read as given (inference switched off: the baseline in the same run) and with the "
            "marks the planner infers ([boundaries.md](boundaries.md)). *Emotion*: each turn "
            "read after the turns before it, against MELD's labels. *Cues*: the speaker's "
            "behaviours of the rules (rule and lexeme or AU, as many as there are; not the "
            "emotion's face or the gaze), F1 against those of the written turn, and the share of "
            "turns with exactly the same; *intent*: the same intent as the written turn. *ms*: planning a turn.",
            "",
            "| turns read | emotion macro F1 | weighted F1 | neutral | cue F1 | same cues | "
            "same intent | ms per turn |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"The {cases['as written'].cases} labelled cue cases "
            "(`motiondirector/evaluation/cases/cue_cases.yaml`) with their lines stripped the "
            "same way:",
            "",
            "| cue cases | explicit honoured | implicit recalled |",
            "|---|---:|---:|",
            *(
                f"| {name} | {100 * report.explicit_honoured:.1f} % of {report.explicit_total} | "
                f"{100 * report.implicit_recall:.1f} % of {report.implicit_total} |"
                for name, report in cases.items()
            ),
        ]
    )
    print(markdown)
    if not args.no_write:
        write_section("bare-transcripts", markdown)


if __name__ == "__main__":
    main()
