"""Scores a planner against the labelled cue cases (motiondirector/evaluation/cases/cue_cases.yaml).

Each case is a small Fountain script with the behaviours it must produce, and those it must not
(`absent: true`: "(not smiling)" is no smile).
`explicit` expectations come from direction written in the script (parentheticals, action
lines); `implicit` ones from what the words imply. The report gives the share of each that the
planner honoured and lists every miss, so a benchmark can print it and a test can gate on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from motiondirector.errors import ScriptError
from motiondirector.plan.direction import Behaviour, Direction
from motiondirector.plan.scene import Scene
from motiondirector.planners.cues import normalise_word
from motiondirector.scene import parse_script
from motiondirector.yaml_data import load_yaml

KINDS = ("explicit", "implicit")
_MATCH_FIELDS = ("channel", "lexeme", "au", "target", "hand")


class ScenePlanner(Protocol):
    def plan(self, scene: Scene) -> Direction: ...


@dataclass(frozen=True, slots=True)
class Expectation:
    case: str
    kind: str
    character: str
    fields: Mapping[str, Any]  # channel/lexeme/au/target/hand, or emotion, or intent
    word: str | None
    absent: bool = False  # honoured when the plan does NOT do this

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.fields.items()]
        if self.word is not None:
            parts.append(f'word="{self.word}"')
        if self.absent:
            parts.append("absent")
        return f"{self.case} [{self.kind}] {self.character} " + " ".join(parts)


@dataclass(frozen=True, slots=True)
class CueCase:
    id: str
    kind: str
    scene: Scene
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True, slots=True)
class CueReport:
    """Share of explicit expectations honoured, share of implicit ones recalled, the misses."""

    explicit_honoured: float
    implicit_recall: float
    misses: tuple[str, ...]
    explicit_total: int = 0
    implicit_total: int = 0
    cases: int = 0


def _case_script(raw: Mapping[str, Any]) -> str:
    if "script" in raw:
        return str(raw["script"])
    lines: list[str] = []
    if raw.get("action"):
        lines += [str(raw["action"]), ""]
    if raw.get("speaker"):
        lines.append(str(raw["speaker"]).upper())
        if raw.get("parenthetical"):
            lines.append(f"({raw['parenthetical']})")
        lines += [str(raw["text"]), ""]
    if raw.get("after"):
        lines += [str(raw["after"]), ""]
    return "\n".join(lines)


def load_cue_cases(path: str | Path) -> list[CueCase]:
    """The cases of a cue-case file, each with its Scene parsed from its script."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
        data = load_yaml(text)
    except (OSError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScriptError(f"cannot read cue cases: {error}", file=str(path), line=line) from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ScriptError("a cue-case file needs a top-level `cases` list", file=str(path))
    cases: list[CueCase] = []
    positions = _case_lines(text)
    for index, raw in enumerate(data["cases"]):
        # Aliases and merge keys can hide a node's own line: then the case's, or none.
        line, expect_lines = positions[index] if index < len(positions) else (None, [])
        if not isinstance(raw, dict):
            raise ScriptError("a case is a mapping (id, script, expect)", file=str(path), line=line)
        case_id = str(raw.get("id", f"case{len(cases) + 1}"))
        kind = str(raw.get("kind", "implicit"))
        if kind not in KINDS:
            raise ScriptError(
                f"case {case_id}: kind must be explicit or implicit", file=str(path), line=line
            )
        expect = raw.get("expect") or []
        if not isinstance(expect, list):
            raise ScriptError(f"case {case_id}: `expect` is a list", file=str(path), line=line)
        for number, item in enumerate(expect):
            if not isinstance(item, dict) or "character" not in item:
                raise ScriptError(
                    f"case {case_id}: expectation {number + 1} is a mapping with a `character`",
                    file=str(path),
                    line=expect_lines[number] if number < len(expect_lines) else line,
                )
        scene = parse_script(
            _case_script(raw),
            format="fountain",
            file=f"{path}#{case_id}",
            characters=tuple(raw.get("on_stage", ())),
        )
        expectations = []
        for item in expect:
            item = dict(item)
            character = str(item.pop("character")).upper()
            word = item.pop("word", None)
            item_kind = str(item.pop("kind", kind))
            absent = item.pop("absent", False)
            if not isinstance(absent, bool):
                raise ScriptError(
                    f"case {case_id}: `absent` is true or false", file=str(path), line=line
                )
            expectations.append(
                Expectation(
                    case_id,
                    item_kind,
                    character,
                    item,
                    None if word is None else str(word),
                    absent,
                )
            )
        cases.append(CueCase(case_id, kind, scene, tuple(expectations)))
    return cases


def _case_lines(text: str) -> list[tuple[int | None, list[int]]]:
    """Per case of a cue-case file, the 1-based line it starts on and those of its
    expectations, for errors that point into the file."""
    root = yaml.compose(text)
    lines: list[tuple[int | None, list[int]]] = []
    for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key.value != "cases" or not isinstance(value, yaml.SequenceNode):
            continue
        for case in value.value:
            expect: list[int] = []
            for field, items in case.value if isinstance(case, yaml.MappingNode) else ():
                if field.value == "expect" and isinstance(items, yaml.SequenceNode):
                    expect = [item.start_mark.line + 1 for item in items.value]
            lines.append((case.start_mark.line + 1, expect))
    return lines


def _behaviour_matches(
    behaviour: Behaviour, expectation: Expectation, words: Sequence[str] | None
) -> bool:
    if behaviour.character != expectation.character:
        return False
    for name in _MATCH_FIELDS:
        if name in expectation.fields and getattr(behaviour, name) != expectation.fields[name]:
            return False
    if expectation.word is None:
        return True
    if words is None or behaviour.word is None:
        return False
    last = behaviour.until_word if behaviour.until_word is not None else behaviour.word
    wanted = normalise_word(expectation.word)
    return any(words[i] == wanted for i in range(behaviour.word, min(last, len(words) - 1) + 1))


def honoured(expectation: Expectation, scene: Scene, direction: Direction) -> bool:
    """Whether `direction` does what `expectation` asks: what it describes, or for an `absent`
    one, not that."""
    return _does(expectation, scene, direction) != expectation.absent


def _does(expectation: Expectation, scene: Scene, direction: Direction) -> bool:
    """Whether `direction` does what `expectation` describes."""
    speakers = {u.id: u for u in scene.utterances}
    for item in direction.utterances:
        utterance = speakers[item.utterance_id]
        if "emotion" in expectation.fields or "intent" in expectation.fields:
            if utterance.speaker != expectation.character:
                continue
            if expectation.fields.get("emotion", item.emotion) == item.emotion and (
                expectation.fields.get("intent", item.intent) == item.intent
            ):
                return True
            continue
        words = [normalise_word(w.text) for w in utterance.words]
        if any(_behaviour_matches(b, expectation, words) for b in item.behaviours):
            return True
    if "emotion" in expectation.fields or "intent" in expectation.fields:
        return False
    return any(
        _behaviour_matches(b, expectation, None) for a in direction.actions for b in a.behaviours
    )


def evaluate_cases(cases: Iterable[CueCase], planner: ScenePlanner) -> CueReport:
    """Plan every case and score the expectations."""
    totals = {kind: 0 for kind in KINDS}
    hits = {kind: 0 for kind in KINDS}
    misses: list[str] = []
    count = 0
    for case in cases:
        count += 1
        direction = planner.plan(case.scene)
        for expectation in case.expectations:
            totals[expectation.kind] += 1
            if honoured(expectation, case.scene, direction):
                hits[expectation.kind] += 1
            else:
                misses.append(expectation.describe())
    return CueReport(
        explicit_honoured=hits["explicit"] / totals["explicit"] if totals["explicit"] else 1.0,
        implicit_recall=hits["implicit"] / totals["implicit"] if totals["implicit"] else 1.0,
        misses=tuple(misses),
        explicit_total=totals["explicit"],
        implicit_total=totals["implicit"],
        cases=count,
    )


def evaluate_cue_cases(path: str | Path, planner: ScenePlanner) -> CueReport:
    """Load the cue cases at `path`, plan each with `planner`, and score them."""
    return evaluate_cases(load_cue_cases(path), planner)
