"""Typed loader for the speech tables in `speech/data/speech.yaml`: phoneme timing classes and
visemes, and each viseme's ARKit mouth shape and coarticulation dominance.

Loaded once and cached; the returned objects are immutable. The ARKit shape names are checked
against the 52 names of `plan/data/arkit.yaml` so a typo fails on load, not in a curve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

from motiondirector.cache import load_once
from motiondirector.plan.motion_plan import VISEMES
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.yaml_data import load_yaml

TimingClass = Literal[
    "stop", "affricate", "fricative", "aspirate", "nasal", "liquid", "glide", "vowel", "diphthong"
]
TIMING_CLASSES: tuple[str, ...] = get_args(TimingClass)
VOWEL_CLASSES = frozenset({"vowel", "diphthong"})


@dataclass(frozen=True)
class PhonemeInfo:
    """One ARPAbet phoneme (without stress digit): its timing class and viseme(s); a diphthong
    has two, the shape it starts in and the one it glides to."""

    timing: str
    visemes: tuple[str, ...]

    @property
    def is_vowel(self) -> bool:
        return self.timing in VOWEL_CLASSES


@dataclass(frozen=True)
class ShapeGroup:
    name: str
    spread: float
    shapes: tuple[str, ...]


@dataclass(frozen=True)
class VisemeShape:
    name: str
    shapes: Mapping[str, float]
    dominance: Mapping[str, float]


@dataclass(frozen=True)
class SpeechTables:
    version: str
    durations: Mapping[str, float]
    stress_scale: Mapping[str, float]
    phonemes: Mapping[str, PhonemeInfo]
    groups: tuple[ShapeGroup, ...]
    visemes: Mapping[str, VisemeShape]

    @property
    def speech_shapes(self) -> tuple[str, ...]:
        """Every ARKit shape speech moves, group by group."""
        return tuple(shape for group in self.groups for shape in group.shapes)


@load_once
def load_speech_tables() -> SpeechTables:
    text = resources.files("motiondirector.speech").joinpath("data", "speech.yaml")
    data: dict[str, Any] = load_yaml(text.read_text("utf-8"))
    known_shapes = set(load_arkit_map().blendshapes)
    durations = {str(k): float(v) for k, v in data["durations"].items()}
    if set(durations) != set(TIMING_CLASSES):
        raise ValueError(f"speech.yaml durations must cover {TIMING_CLASSES}")
    phonemes: dict[str, PhonemeInfo] = {}
    for phoneme, (timing, *shapes_of) in data["phonemes"].items():
        if timing not in TIMING_CLASSES or not set(shapes_of) <= set(VISEMES):
            raise ValueError(f"speech.yaml: bad entry for phoneme {phoneme}")
        phonemes[str(phoneme)] = PhonemeInfo(timing=timing, visemes=tuple(shapes_of))
    groups = tuple(
        ShapeGroup(name=str(name), spread=float(g["spread"]), shapes=tuple(g["shapes"]))
        for name, g in data["groups"].items()
    )
    grouped = [shape for group in groups for shape in group.shapes]
    if len(set(grouped)) != len(grouped) or not set(grouped) <= known_shapes:
        raise ValueError("speech.yaml: group shapes must be distinct ARKit blendshapes")
    visemes: dict[str, VisemeShape] = {}
    for name, entry in data["visemes"].items():
        shapes = {str(k): float(v) for k, v in (entry["shapes"] or {}).items()}
        dominance = {str(k): float(v) for k, v in entry["dominance"].items()}
        if not set(shapes) <= set(grouped) or set(dominance) != {g.name for g in groups}:
            raise ValueError(f"speech.yaml: viseme {name} has shapes outside the groups")
        visemes[str(name)] = VisemeShape(
            name=str(name),
            shapes=MappingProxyType(shapes),
            dominance=MappingProxyType(dominance),
        )
    if tuple(visemes) != VISEMES:
        raise ValueError(f"speech.yaml: visemes must be {VISEMES} in that order")
    return SpeechTables(
        version=str(data["version"]),
        durations=MappingProxyType(durations),
        stress_scale=MappingProxyType({str(k): float(v) for k, v in data["stress_scale"].items()}),
        phonemes=MappingProxyType(phonemes),
        groups=groups,
        visemes=MappingProxyType(visemes),
    )
