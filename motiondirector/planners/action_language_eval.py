"""Scores the action lines of scenes written in several languages (tests/data/languages/).

Each case is one scene, the same in every language, with the behaviours each action line should
direct ("ANA sit", "BEN gaze:ANA", "BEN hug:ANA"). A case is planned by the rules planner's
action reader, read in its language or, for the baseline, as English; the report gives what was
expected, what was found and the misses and extras in words, so a benchmark can print it and a
test can gate on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from motiondirector.errors import ScriptError
from motiondirector.plan.direction import ActionDirection, Behaviour
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from motiondirector.yaml_data import load_yaml


@dataclass(frozen=True, slots=True)
class LanguageCase:
    scene: str  # the file name before the language: "kitchen" of kitchen-es.yaml
    language: str
    script: str
    expected: tuple[frozenset[str], ...]  # per action line


@dataclass(frozen=True, slots=True)
class LanguageReport:
    """Behaviours expected and found (as "line:CHARACTER what"), and which were right."""

    expected: int
    found: int
    right: int
    misses: tuple[str, ...]
    extras: tuple[str, ...]


def load_language_cases(folder: Path) -> list[LanguageCase]:
    """Every `*.yaml` case in `folder`, by file name."""
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ScriptError(f"not a YAML language case: {error}", file=str(path)) from None
        if not isinstance(raw, dict) or not isinstance(raw.get("expected"), list):
            raise ScriptError(
                "a language case has 'language', 'script' and 'expected'", file=str(path)
            )
        cases.append(
            LanguageCase(
                scene=path.stem.rsplit("-", 1)[0],
                language=str(raw["language"]),
                script=str(raw["script"]),
                expected=tuple(frozenset(map(str, line)) for line in raw["expected"]),
            )
        )
    return cases


def described(behaviour: Behaviour) -> str:
    """A behaviour as the cases write it: "ANA sit", "BEN gaze:ANA", "BEN hug:ANA"."""
    if behaviour.channel == "gaze":
        return f"{behaviour.character} gaze:{behaviour.target}"
    if behaviour.target is not None and behaviour.lexeme is not None:
        return f"{behaviour.character} {behaviour.lexeme}:{behaviour.target}"
    return f"{behaviour.character} {behaviour.lexeme or f'AU{behaviour.au}'}"


def score_case(
    case: LanguageCase, planner: RulesPlanner, *, as_english: bool = False
) -> LanguageReport:
    """The case's action lines planned in its language, or read as English (`as_english`)."""
    scene = parse_script(case.script, format="fountain", language="en" if as_english else None)
    directions: tuple[ActionDirection, ...] = planner.plan_actions(scene)
    if len(directions) != len(case.expected):
        raise ScriptError(
            f"{case.language}: {len(directions)} action lines, {len(case.expected)} expected"
        )
    found = [{described(b) for b in direction.behaviours} for direction in directions]
    misses = [
        f"{n + 1}:{w}" for n, want in enumerate(case.expected) for w in sorted(want - found[n])
    ]
    extras = [f"{n + 1}:{w}" for n, got in enumerate(found) for w in sorted(got - case.expected[n])]
    expected = sum(len(want) for want in case.expected)
    total = sum(len(got) for got in found)
    return LanguageReport(expected, total, expected - len(misses), tuple(misses), tuple(extras))
