"""Scores the cast rule against labelled scripts (tests/data/cast/*.yaml).

Each case is a small script, or an excerpt (a range of lines) of a screenplay in a data folder,
with its true cast. A case counts when the cast found equals the true cast as a set. The report
gives the share of such cases and lists every miss, so a benchmark can print it and a test can
gate on it. It reads and parses; it never plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from motiondirector.errors import ScriptError
from motiondirector.plan.options import ScriptFormat
from motiondirector.plan.scene import Scene
from motiondirector.scene import parse_script
from motiondirector.yaml_data import load_yaml


@dataclass(frozen=True, slots=True)
class CastCase:
    id: str
    about: str
    text: str
    format: ScriptFormat
    cast: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CastReport:
    """How many cases, the share whose cast was found exactly, and each miss in words."""

    cases: int
    exact: float
    misses: tuple[str, ...]


def load_cast_cases(folder: Path, data: Path | None = None) -> list[CastCase]:
    """Every `*.yaml` case in `folder`, by file name. `data` is the folder excerpts name their
    files under (the shared data); a case with an excerpt needs it."""
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise ScriptError(f"not a YAML cast case: {error}", file=str(path), line=line) from None
        if not isinstance(raw, dict) or not isinstance(raw.get("cast"), list):
            raise ScriptError("a cast case is a mapping with a 'cast' list", file=str(path))
        cases.append(
            CastCase(
                id=path.stem,
                about=str(raw.get("about", "")),
                text=_text(raw, path, data),
                format=raw.get("format", "auto"),
                cast=tuple(str(name) for name in raw["cast"]),
            )
        )
    return cases


def _text(raw: dict[str, Any], path: Path, data: Path | None) -> str:
    if "script" in raw:
        return str(raw["script"])
    excerpt = raw.get("excerpt")
    if not isinstance(excerpt, dict):
        raise ScriptError("a cast case needs a 'script' or an 'excerpt'", file=str(path))
    if data is None:
        raise ScriptError("an excerpt needs the data folder", file=str(path))
    try:
        first, last = (int(n) for n in excerpt["lines"])
        source = data / str(excerpt["file"])
    except (KeyError, TypeError, ValueError):
        raise ScriptError(
            "an excerpt is a mapping with a 'file' and 'lines: [first, last]'", file=str(path)
        ) from None
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ScriptError(
            f"the excerpt's file cannot be read: {error.strerror} ({source})", file=str(path)
        ) from None
    return "\n".join(lines[first - 1 : last]) + "\n"


def scene_cast(case: CastCase) -> Scene:
    return parse_script(case.text, format=case.format, file=f"{case.id}.yaml")


def evaluate_cast(
    cases: Sequence[CastCase], cast_of: Callable[[CastCase], Sequence[str]] | None = None
) -> CastReport:
    """Share of cases whose cast (by default the parsed Scene's characters) is the true one."""
    reader = cast_of or (lambda case: scene_cast(case).characters)
    misses = []
    for case in cases:
        try:
            found = tuple(reader(case))
        except ScriptError as error:
            misses.append(f"{case.id}: refused ({error})")
            continue
        if set(found) != set(case.cast):
            extra = sorted(set(found) - set(case.cast))
            missing = sorted(set(case.cast) - set(found))
            misses.append(f"{case.id}: extra {extra}, missing {missing}")
    exact = (len(cases) - len(misses)) / len(cases) if cases else 0.0
    return CastReport(cases=len(cases), exact=exact, misses=tuple(misses))
