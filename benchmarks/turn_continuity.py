"""Turn to turn in a live conversation: how far an avatar jumps where one turn's frames end
and the next turn's begin, with each turn's stream started `after` the one before
(`PlanFrames(plan, after=previous)`, what a server session does) and without (each turn on its
own, as before). Takes the MELD dev dialogues of ten turns or more as conversations, one
`Conversation.take_turn` per line, and measures at every boundary, per character on stage, the
largest change of the head and eye angles, blendshape weights and joint rotations from the last
frame of a turn to the first of the next, against the largest change between two neighbouring
frames inside the turns (the motion's own speed). Writes the `turn-continuity` section of
docs/benchmarks.md.

    .venv/bin/python benchmarks/turn_continuity.py [--dialogues N] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from report import write_section  # benchmarks/report.py

from motiondirector.realize import Conversation, TurnInput
from motiondirector.streaming import PlanFrames
from motiondirector.streaming.frames import CARRY_SECONDS, CharacterFrames

MELD = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "emotion"
    / "meld"
    / "dev_sent_emo.csv"
)


def dialogues(count: int) -> list[list[tuple[str, str]]]:
    """The first `count` MELD dev dialogues of at least ten lines, as (speaker, text)."""
    by_id: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with MELD.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            text = row["Utterance"].replace("\u2019", "'").strip()
            if text:
                by_id[row["Dialogue_ID"]].append((row["Speaker"].upper(), text))
    long = [lines for lines in by_id.values() if len(lines) >= 10]
    return long[:count]


def angle(a: np.ndarray, b: np.ndarray) -> float:
    """The largest joint rotation between two poses (22, 4), degrees."""
    dot = np.clip(np.abs(np.sum(a * b, axis=-1)), 0.0, 1.0)
    return float(np.degrees(2.0 * np.arccos(dot)).max())


def step(a: CharacterFrames, i: int, b: CharacterFrames, j: int) -> dict[str, float]:
    return {
        "head": float(np.abs(a.head[i] - b.head[j]).max()),
        "eyes": float(np.abs(a.eyes[i] - b.eyes[j]).max()),
        "blendshapes": float(np.abs(a.blendshapes[i] - b.blendshapes[j]).max()),
        "joints": angle(a.joints[i], b.joints[j]),
    }


def sight_errors(
    last: CharacterFrames, carried: CharacterFrames, own: CharacterFrames, times: np.ndarray
) -> tuple[float, float]:
    """How far the line of sight (head and eye angles summed) strays from the plan's own while
    the head comes round, from the line of sight's window to the head's: as streamed, and with
    the eyes blended on their own from the last frame as the head is (how it was done)."""
    turning = (times > CARRY_SECONDS["eyes"]) & (times <= CARRY_SECONDS["head"])
    x = np.clip(times / CARRY_SECONDS["eyes"], 0.0, 1.0)[:, None]
    alone = last.eyes[-1] + (own.eyes - last.eyes[-1]) * (x * x * (3.0 - 2.0 * x))
    target = own.eyes + own.head[:, [0, 1, 0, 1]]
    streamed = carried.eyes + carried.head[:, [0, 1, 0, 1]]
    blended = alone + carried.head[:, [0, 1, 0, 1]]
    return (
        float(np.abs(streamed - target)[turning].max(initial=0.0)),
        float(np.abs(blended - target)[turning].max(initial=0.0)),
    )


def measure(conversations: list[list[tuple[str, str]]], carry: bool) -> dict[str, list[float]]:
    """Per channel: the jump at each boundary (`channel`), the largest step between
    neighbouring frames over the boundary and the next turn's first half second (`first
    channel`; the same without the boundary, `own first channel`), and every step between neighbouring frames inside the turns (`inside channel`)."""
    opening = int(0.5 * 30)
    found: dict[str, list[float]] = defaultdict(list)
    for lines in conversations:
        talk = Conversation(characters=sorted({s for s, _ in lines}))
        previous: PlanFrames | None = None
        ended: dict[str, CharacterFrames] = {}
        for speaker, text in lines:
            plan = talk.take_turn(TurnInput(speaker, text)).plan
            frames = PlanFrames(plan, after=previous if carry else None)
            whole = frames.batch(0, frames.frame_count).characters
            if carry:
                own = PlanFrames(plan).batch(0, frames.frame_count).characters
                for name in set(whole) & set(ended):
                    coordinated, independent = sight_errors(
                        ended[name], whole[name], own[name], frames.times
                    )
                    found["sight"].append(coordinated)
                    found["sight, each blended alone"].append(independent)
            for name, now in whole.items():
                steps = [step(now, k, now, k + 1) for k in range(len(frames.times) - 1)]
                for values in steps:
                    for channel, value in values.items():
                        found["inside " + channel].append(value)
                if name in ended:
                    jump = step(ended[name], -1, now, 0)
                    for channel, value in jump.items():
                        found[channel].append(value)
                        early = [v[channel] for v in steps[:opening]]
                        found["first " + channel].append(max([value, *early]))
                        found["own first " + channel].append(max(early, default=0.0))
            previous, ended = frames, dict(whole)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    conversations = dialogues(args.dialogues)
    turns = sum(len(lines) for lines in conversations)
    measure(conversations[:1], carry=False)  # loads the models and the clip library
    started = time.perf_counter()
    alone = measure(conversations, carry=False)
    middle = time.perf_counter()
    carried = measure(conversations, carry=True)
    done = time.perf_counter()
    rows = [
        ("head", "degrees"),
        ("eyes", "degrees"),
        ("blendshapes", "weight"),
        ("joints", "degrees"),
    ]
    boundaries = len(alone["head"])
    lines = [
        "## Turn continuity",
        "",
        "`benchmarks/turn_continuity.py`: "
        f"{len(conversations)} MELD dev dialogues of ten lines or more ({turns} turns, "
        f"{boundaries} boundaries of a character between two turns) taken turn by turn with "
        "`Conversation`, each turn's frames streamed on their own (as before) and `after` the "
        "turn before (what a server session does). *Jump*: the largest change of a channel "
        "from a turn's last frame to the next turn's first. *Largest step*: the largest change "
        "between two neighbouring frames from a turn's last frame through the next turn's "
        "first half second; *the turn's own*: the same without the boundary, each turn alone "
        "(what its plan moves in that time). *Inside*: every step between neighbouring frames "
        "within the turns, the motion's own speed. 30 fps; p50 / p95 / max.",
        "",
        "| channel | unit | jump, each turn alone | largest step, after the turn before | "
        "the turn's own | inside the turns |",
        "|---|---|---|---|---|---|",
    ]
    for channel, unit in rows:
        cells = [
            " / ".join(f"{np.percentile(v, q):.3g}" for q in (50, 95, 100))
            for v in (
                alone[channel],
                carried["first " + channel],
                alone["own first " + channel],
                carried["inside " + channel],
            )
        ]
        lines.append(f"| {channel} | {unit} | {' | '.join(cells)} |")
    sight = " / ".join(f"{np.percentile(carried['sight'], q):.2f}" for q in (50, 95, 100))
    alone_sight = " / ".join(
        f"{np.percentile(carried['sight, each blended alone'], q):.2f}" for q in (50, 95, 100)
    )
    lines += [
        "",
        "Line of sight (head and eye angles summed) off the plan's own while the head comes "
        f"round after a boundary ({CARRY_SECONDS['eyes']}–{CARRY_SECONDS['head']} s), degrees, "
        f"p50 / p95 / max: {sight} (the eyes hold it); with the eyes blended on their own from "
        f"the last frame, as the head is: {alone_sight} (the gaze drifts with the head).",
        "",
        f"Planning and every frame of every turn: {middle - started:.1f} s alone, "
        f"{done - middle:.1f} s after the turn before (a turn's last frame is kept from its "
        "last batch, so starting from it costs nothing more).",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.no_write:
        write_section("turn-continuity", markdown)


if __name__ == "__main__":
    main()
