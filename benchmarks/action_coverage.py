"""How many action lines that name a character's movement give that character no event.

Scans every action line of the shared screenplays for a character (by name, pronoun or group)
who is the subject of a verb of movement or of handling a thing: every verb of the action
lexicon and the verbs of moving and of handling things below (not speaking or singing), each
read with the parser the planner uses, in the planner's reading order (speakers count as
mentions, so "he" means whom the planner means), but with no object conditions, so the scan is
the same whatever the lexicon knows. A (line, character) pair is covered when the plan gives
that character an event from the action line (`rules.action`) whose stroke (or start) lies in
the line's time. A pair without one is "in effect" when the realizer kept the directed
behaviour inside an event already running (a character already looking at the one the line
says they look at, or already at rest, in any posture held, when the line says they stop): it
shows, but is no new event. The baseline in the same run is the same planner with the
lexicon's handling-gesture entries (take, give, put_down, drink, read, write, open) taken out.
Writes docs/benchmarks.md between the `action-coverage` markers.

    .venv/bin/python benchmarks/action_coverage.py [--no-write]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from report import write_section  # benchmarks/report.py

from motiondirector.plan.direction import Behaviour, Direction
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.realizer import realize
from motiondirector.plan.realizer.timing import TRANSIENT_SECONDS, anchor_time
from motiondirector.plan.scene import Scene
from motiondirector.planners.cues import (
    ActionEntry,
    BehaviourTemplate,
    CueLexicon,
    load_cue_lexicon,
    verb_forms,
)
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script

ROOT = Path(__file__).resolve().parents[1]
SCREENPLAYS = ROOT.parent / "shared" / "data" / "screenplays"
# Verbs of moving and of handling a thing, with their irregular forms: read as movements by the
# scan whether or not the lexicon gives them a behaviour.
MORE_VERBS: dict[str, tuple[str, ...]] = {
    "wag": (), "eat": ("ate", "eaten"), "dance": (), "kiss": (), "climb": (), "crawl": (),
    "fidget": (), "blink": (), "yawn": (), "twirl": (), "groove": (), "slide": ("slid",),
    "take": ("took", "taken"), "grab": (), "snatch": (), "seize": (), "pick": (), "reach": (),
    "give": ("gave", "given"), "hand": (), "pass": (), "put": (), "set": (), "place": (),
    "pour": (), "drink": ("drank",), "sip": (), "gulp": (), "swig": (), "chug": (), "read": (),
    "write": ("wrote", "written"), "scribble": (), "jot": (), "sign": (), "type": (),
    "open": (), "close": (), "shut": (), "hold": ("held",), "carry": (), "lift": (),
    "throw": ("threw", "thrown"), "smoke": (), "light": ("lit",), "study": (),
}  # fmt: skip
HANDLING_LEXEMES = ("take", "give", "put_down", "drink", "read", "write", "open")
# Uses of a verb of the scan that are singing or becoming, not moving: "takes up a new
# beatbox/sung part", "Yor joins, with a quiet, low beatbox", "join with their afore song",
# "they all go silent".
NOT_MOVING: dict[str, tuple[str, ...]] = {
    "take": ("beatbox", "part", "song", "tune", "melody", "rhythm", "harmony", "chorus", "verse"),
    "join": (",", "in", "with", "song", "singing", "beatbox", "harmony", "chorus"),
    "go": ("silent", "quiet", "still", "pale", "white", "red", "numb", "limp", "blank", "dark"),
}
_MARK = BehaviourTemplate(channel="posture", lexeme="idle")
# Marks a use of NOT_MOVING: a behaviour, so that its object may follow a comma ("Yor joins,
# with a quiet, low beatbox"), which a use with none may not.
_SINGING = BehaviourTemplate(channel="posture", lexeme="stand")


def scan_planner(lexicon: CueLexicon) -> RulesPlanner:
    """A planner whose action reader reads every verb of the scan as a movement of its
    subject, and nothing else."""
    verbs: dict[str, set[str]] = {}
    for entry in lexicon.actions:
        if entry.objects and all(o[-1] in lexicon.light_nouns for o in entry.objects):
            continue  # a light verb's use ("manages a smile"): "manage to" moves no one
        verbs.setdefault(entry.verb, set()).update(entry.forms)
    for verb, irregular in MORE_VERBS.items():
        verbs.setdefault(verb, set()).update(verb_forms(verb, irregular))
    entries: list[ActionEntry] = []
    for verb, forms in sorted(verbs.items()):
        if verb in NOT_MOVING:
            objects = tuple((word,) for word in NOT_MOVING[verb])
            entries.append(ActionEntry(verb, frozenset(forms), objects, 4, (_SINGING,)))
        entries.append(ActionEntry(verb, frozenset(forms), (), 4, (_MARK,)))
    return RulesPlanner(lexicon=dataclasses.replace(lexicon, actions=tuple(entries)))


def movements(scene: Scene, scanner: RulesPlanner) -> list[tuple[str, str, str]]:
    """(action id, character, verb words) for every character the action lines say moves."""
    found: dict[tuple[str, str], str] = {}
    for direction in scanner.plan_actions(scene):
        for behaviour in direction.behaviours:
            if behaviour.lexeme == _SINGING.lexeme:
                continue
            trigger = behaviour.reason.removeprefix('action "').removesuffix('"')
            found.setdefault((direction.action_id, behaviour.character), trigger)
    return [(action_id, name, trigger) for (action_id, name), trigger in found.items()]


def covered(
    plan: MotionPlan, scene: Scene, direction: Direction, action_id: str, character: str
) -> str | None:
    """`"event"` when the line gives the character an event, `"in effect"` when the realizer kept
    a behaviour the planner directed for it inside an event already running, else None."""
    action = next(a for a in scene.actions if a.id == action_id)
    track = next((t for t in plan.characters if t.name == character), None)
    if track is None:
        return None
    for event in track.events:
        if event.source.rule != "rules.action":
            continue
        sync = getattr(event, "sync", None)
        moment = sync.stroke if sync is not None else event.start
        if action.start <= moment <= action.end:
            return "event"
    directed = [
        b
        for d in direction.actions
        if d.action_id == action_id
        for b in d.behaviours
        if b.character == character
    ]
    for behaviour in directed:
        moment = anchor_time(behaviour, None, action)
        if any(e.start <= moment < e.end and _same(e, behaviour) for e in track.events):
            return "in effect"
    return None


def _same(event: object, behaviour: Behaviour) -> bool:
    if getattr(event, "channel", None) != behaviour.channel:
        return False
    if behaviour.channel == "posture" and behaviour.lexeme == "idle":
        # Told to be at rest, a character keeps the posture in force (seated stays seated).
        return getattr(event, "lexeme", None) not in TRANSIENT_SECONDS
    wanted = behaviour.target if behaviour.channel == "gaze" else behaviour.lexeme
    got: object = getattr(event, "target" if behaviour.channel == "gaze" else "lexeme", None)
    return wanted is not None and got == wanted


def without_handling(lexicon: CueLexicon) -> CueLexicon:
    kept = tuple(
        entry
        for entry in lexicon.actions
        if not any(t.lexeme in HANDLING_LEXEMES for t in entry.behaviours)
    )
    return dataclasses.replace(lexicon, actions=kept)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    args = options.parse_args()
    lexicon = load_cue_lexicon()
    scanner = scan_planner(lexicon)
    planners = {
        "without the handling lexemes": RulesPlanner(lexicon=without_handling(lexicon)),
        "with them": RulesPlanner(lexicon=lexicon),
    }
    rows: list[str] = []
    columns = [*(f"no event, {label}" for label in planners), "of which in effect", "not shown"]
    totals = dict.fromkeys(columns, 0)
    pairs = 0
    held: list[str] = []
    residual: list[str] = []
    for path in sorted(SCREENPLAYS.glob("*.fountain")):
        scene = parse_script(path.read_text(encoding="utf-8"), format="fountain", file=path.name)
        moved = movements(scene, scanner)
        pairs += len(moved)
        lines = {a.id: a.line for a in scene.actions}
        counts: dict[str, int] = {}
        for label, planner in planners.items():
            direction = planner.plan(scene)
            plan = realize(scene, direction)
            status = {m: covered(plan, scene, direction, m[0], m[1]) for m in moved}
            counts[f"no event, {label}"] = sum(1 for v in status.values() if v != "event")
            if label == "with them":
                kept = [m for m, v in status.items() if v == "in effect"]
                gaps = [m for m, v in status.items() if v is None]
                counts["of which in effect"] = len(kept)
                counts["not shown"] = len(gaps)
                held += [f"{path.name}:{lines[a]} {c} “{t}”" for a, c, t in kept]
                residual += [f"{path.name}:{lines[a]} {c} “{t}”" for a, c, t in gaps]
        for column in columns:
            totals[column] += counts[column]
        row = " | ".join(str(counts[column]) for column in columns)
        rows.append(f"| {path.name} | {len(moved)} | {row} |")
    header = " | ".join(columns)
    total = " | ".join(f"**{totals[column]}**" for column in columns)
    table = "\n".join(
        [
            "## Action lines",
            "",
            "Action lines of the shared screenplays: every (line, character) whose character the "
            "line says moves or handles a thing (name, pronoun or group as the subject of a verb "
            "of the action lexicon, of moving or of handling a thing, read in the planner's order "
            'so that a pronoun means whom the planner means; singing such as "takes up a new '
            'beatbox part" is no movement), and how many get no event from that line '
            "(`benchmarks/action_coverage.py`, rules planner). The baseline is the same planner "
            "with the lexicon's entries for the gestures of handling things (take, give, "
            "put_down, drink, read, write, open) taken out, which plans as the package did before "
            "it had them. Of the pairs without an event, *in effect* are those where the realizer "
            "kept the directed behaviour inside an event already running (already looking at the "
            "one the line says they look at, already at rest, in whatever posture they hold, "
            "when the line says they stop), so it shows without a new event; *not shown* are "
            "the rest.",
            "",
            f"| screenplay | movements | {header} |",
            "|---|---|" + "---|" * len(columns),
            *rows,
            f"| **all** | **{pairs}** | {total} |",
            "",
            "In effect (the realizer kept the directed behaviour in an event already running): "
            + ("; ".join(held) if held else "none")
            + ".",
            "",
            "Not shown at all: " + ("; ".join(residual) if residual else "none") + ".",
        ]
    )
    print(table)
    if not args.no_write:
        write_section("action-coverage", table)


if __name__ == "__main__":
    main()
