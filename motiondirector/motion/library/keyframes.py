"""Typed loader for the gesture library's keyframes (package data in `library/data/*.yaml`).

It reads and checks the YAML once and turns it into immutable specs; it knows nothing about
variants or synthesis. Every problem in the data raises `GestureLibraryError` naming the file
and the lexeme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from types import MappingProxyType
from typing import Any

import numpy as np
import yaml

from motiondirector.errors import GestureLibraryError
from motiondirector.motion.skeleton import JOINT_INDEX, JOINTS
from motiondirector.yaml_data import load_yaml

PHASES: tuple[str, ...] = ("start", "ready", "stroke", "relax", "end")
CHANNEL_FILES: tuple[tuple[str, str], ...] = (
    ("gesture", "gestures.yaml"),
    ("head", "head.yaml"),
    ("posture", "postures.yaml"),
)
_HANDS = ("right", "both", None)
ROOT = "root"
"""The name that, among a lexeme's `fixed` joints, keeps its root offsets at every amplitude."""


@dataclass(frozen=True)
class Key:
    """One keyframe: a time (seconds at normal tempo, or a fraction of the period inside a
    cycle), an optional BML phase mark, absolute Euler angles (degrees, x y z) for the joints
    it names (every other joint is at the neutral pose) and the root offset (metres) from
    the rest root position."""

    t: float
    phase: str | None
    pose: Mapping[str, tuple[float, float, float]]
    root: tuple[float, float, float]


@dataclass(frozen=True)
class Cycle:
    """A looped stretch: begins at `start` seconds at `origin` (root offset), repeats `keys`
    (times as fractions of `period`) for about `loop_for` seconds, and moves the root by
    `advance` metres per cycle."""

    start: float
    period: float
    loop_for: float
    keys: tuple[Key, ...]
    origin: tuple[float, float, float]
    advance: tuple[float, float, float]


@dataclass(frozen=True)
class LexemeSpec:
    """The base keyframes of one lexeme, authored for `hand` (right, both, or None).

    `keys` are the whole gesture, or, with a `cycle`, what comes before it; `exit` keys follow
    the loop (times in seconds after it ends). `persistent` postures end in the new posture
    instead of back at neutral. `fixed` joints are placed by contact (a hand on the hip) and
    keep their rotations at every amplitude; `ROOT` among them keeps the root offsets too (a
    body lying on the floor)."""

    lexeme: str
    channel: str
    hand: str | None
    verb: str
    noun: str
    persistent: bool
    fixed: tuple[str, ...]
    keys: tuple[Key, ...]
    cycle: Cycle | None
    exit: tuple[Key, ...]


@dataclass(frozen=True)
class Style:
    """An emotional style: its vocabulary emotion, the amplitude and tempo it implies, an
    additive pose overlay (Euler degrees) and the words that describe it."""

    name: str
    emotion: str
    amplitude: str
    tempo: str
    overlay: Mapping[str, tuple[float, float, float]]
    adverb: str
    adjective: str


@dataclass(frozen=True)
class LibraryData:
    """Everything the YAML holds: conventions, neutral pose, variant factors and lexemes."""

    euler_order: str
    neutral: np.ndarray  # (22, 3) Euler degrees, x y z
    amplitudes: Mapping[str, float]
    amplitude_words: Mapping[str, str]
    tempos: Mapping[str, float]
    tempo_words: Mapping[str, str]
    styles: Mapping[str, Style]
    lexemes: Mapping[str, LexemeSpec]


def _read(name: str) -> dict[str, Any]:
    path = resources.files("motiondirector.motion.library").joinpath("data", name)
    try:
        data = load_yaml(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise GestureLibraryError(f"library/data/{name}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise GestureLibraryError(f"library/data/{name}: expected a mapping at the top")
    return data


def _triple(value: Any, where: str) -> tuple[float, float, float]:
    if not (isinstance(value, list | tuple) and len(value) == 3):
        raise GestureLibraryError(f"{where}: expected [x, y, z], got {value!r}")
    try:
        x, y, z = (float(v) for v in value)
    except (TypeError, ValueError):
        raise GestureLibraryError(f"{where}: expected numbers, got {value!r}") from None
    return (x, y, z)


def _pose(value: Any, where: str) -> Mapping[str, tuple[float, float, float]]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        raise GestureLibraryError(f"{where}: pose must map joint names to [x, y, z]")
    unknown = sorted(set(value) - set(JOINTS))
    if unknown:
        raise GestureLibraryError(f"{where}: unknown joints {unknown}")
    return MappingProxyType({j: _triple(v, f"{where}.{j}") for j, v in value.items()})


def _key(entry: Any, where: str) -> Key:
    if not isinstance(entry, dict) or "t" not in entry:
        raise GestureLibraryError(f"{where}: a key needs a time `t`")
    unknown = sorted(set(entry) - {"t", "phase", "pose", "root"})
    if unknown:
        raise GestureLibraryError(f"{where}: unknown key fields {unknown}")
    phase = entry.get("phase")
    if phase is not None and phase not in PHASES:
        raise GestureLibraryError(f"{where}: phase must be one of {PHASES}, got {phase!r}")
    root = _triple(entry.get("root", [0, 0, 0]), f"{where}.root")
    return Key(float(entry["t"]), phase, _pose(entry.get("pose"), where), root)


def _keys(entries: Any, where: str) -> tuple[Key, ...]:
    if not isinstance(entries, list):
        raise GestureLibraryError(f"{where}: expected a list of keys")
    keys = tuple(_key(entry, f"{where}[{i}]") for i, entry in enumerate(entries))
    times = [key.t for key in keys]
    if any(b <= a for a, b in pairwise(times)):
        raise GestureLibraryError(f"{where}: key times must increase, got {times}")
    return keys


def _cycle(entry: Any, where: str) -> Cycle:
    if not isinstance(entry, dict):
        raise GestureLibraryError(f"{where}: expected a mapping")
    try:
        start, period, loop_for = (float(entry[k]) for k in ("start", "period", "loop_for"))
    except (KeyError, TypeError, ValueError):
        raise GestureLibraryError(f"{where}: needs start, period and loop_for") from None
    keys = _keys(entry.get("keys"), f"{where}.keys")
    if not keys or keys[0].t != 0.0 or keys[-1].t >= 1.0 or period <= 0:
        raise GestureLibraryError(f"{where}: cycle key times are fractions in [0, 1) from 0")
    return Cycle(
        start,
        period,
        loop_for,
        keys,
        _triple(entry.get("origin", [0, 0, 0]), f"{where}.origin"),
        _triple(entry.get("advance", [0, 0, 0]), f"{where}.advance"),
    )


def _lexeme(name: str, channel: str, entry: Any, where: str) -> LexemeSpec:
    if not isinstance(entry, dict):
        raise GestureLibraryError(f"{where}: expected a mapping")
    hand = entry.get("hand")
    if hand not in _HANDS:
        raise GestureLibraryError(f"{where}: hand must be right, both or null, got {hand!r}")
    keys = _keys(entry.get("keys"), f"{where}.keys")
    fixed = tuple(str(joint) for joint in entry.get("fixed", []))
    if set(fixed) - {*JOINTS, ROOT}:
        raise GestureLibraryError(
            f"{where}: unknown fixed joints {sorted(set(fixed) - {*JOINTS, ROOT})}"
        )
    cycle = _cycle(entry["cycle"], f"{where}.cycle") if "cycle" in entry else None
    exit_keys = _keys(entry.get("exit", []), f"{where}.exit")
    if not keys or keys[0].t != 0.0:
        raise GestureLibraryError(f"{where}: the first key must be at t: 0")
    if cycle is not None and cycle.start <= keys[-1].t:
        raise GestureLibraryError(f"{where}: the cycle must start after the last key")
    if cycle is not None and (not exit_keys or exit_keys[0].t <= 0):
        raise GestureLibraryError(f"{where}: a cycle needs exit keys at t > 0")
    if cycle is None and exit_keys:
        raise GestureLibraryError(f"{where}: exit keys need a cycle")
    return LexemeSpec(
        lexeme=name,
        channel=channel,
        hand=hand,
        verb=str(entry["verb"]),
        noun=str(entry["noun"]),
        persistent=bool(entry.get("persistent", False)),
        fixed=fixed,
        keys=keys,
        cycle=cycle,
        exit=exit_keys,
    )


def _words(table: Any, where: str) -> tuple[dict[str, float], dict[str, str]]:
    if not isinstance(table, dict):
        raise GestureLibraryError(f"{where}: expected a mapping")
    factors = {str(k): float(v["factor"]) for k, v in table.items()}
    words = {str(k): str(v["words"]) for k, v in table.items()}
    return factors, words


@cache
def load_library_data() -> LibraryData:
    """Read and check every keyframe file once; the result is shared and immutable."""
    base = _read("base.yaml")
    order = str(base["euler_order"])
    neutral = np.zeros((len(JOINTS), 3))
    for joint, angles in _pose(base["neutral"], "base.yaml neutral").items():
        neutral[JOINT_INDEX[joint]] = angles
    neutral.setflags(write=False)
    amplitudes, amplitude_words = _words(base["amplitudes"], "base.yaml amplitudes")
    tempos, tempo_words = _words(base["tempos"], "base.yaml tempos")
    styles: dict[str, Style] = {}
    for name, entry in base["styles"].items():
        where = f"base.yaml styles.{name}"
        style = Style(
            name=str(name),
            emotion=str(entry["emotion"]),
            amplitude=str(entry["amplitude"]),
            tempo=str(entry["tempo"]),
            overlay=_pose(entry.get("overlay"), where),
            adverb=str(entry["adverb"]),
            adjective=str(entry["adjective"]),
        )
        if style.amplitude not in amplitudes or style.tempo not in tempos:
            raise GestureLibraryError(f"{where}: unknown amplitude or tempo")
        styles[style.name] = style
    lexemes: dict[str, LexemeSpec] = {}
    for channel, file in CHANNEL_FILES:
        for name, entry in _read(file)["lexemes"].items():
            if name in lexemes:
                raise GestureLibraryError(f"{file}: lexeme {name!r} is defined twice")
            lexemes[name] = _lexeme(name, channel, entry, f"{file} {name}")
    return LibraryData(
        euler_order=order,
        neutral=neutral,
        amplitudes=MappingProxyType(amplitudes),
        amplitude_words=MappingProxyType(amplitude_words),
        tempos=MappingProxyType(tempos),
        tempo_words=MappingProxyType(tempo_words),
        styles=MappingProxyType(styles),
        lexemes=MappingProxyType(lexemes),
    )
