"""Typed loaders for the controlled vocabulary, the EMFACS prototypes and the AU -> ARKit map.

The tables live in `plan/data/*.yaml` (package data). They are loaded once and cached; the
returned objects are immutable so callers cannot change them for each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

from motiondirector.yaml_data import load_yaml

Emotion = Literal["neutral", "joy", "sadness", "anger", "fear", "surprise", "disgust", "contempt"]
HeadLexeme = Literal["nod", "shake", "tilt", "toss", "lower", "turn_away"]
GestureLexeme = Literal[
    "beat", "point", "self_point", "open_palms", "shrug", "wave", "bow", "breathe", "thumbs_up",
    "clap", "facepalm", "cross_arms", "hands_on_hips", "head_scratch", "chin_stroke", "count",
    "stop", "raise_hand", "beckon", "fist_pump", "fist_shake", "punch", "cover_mouth",
    "cover_face", "hand_on_heart", "shush", "rub_hands", "salute", "handshake", "hug", "dismiss",
    "take", "give", "put_down", "drink", "read", "write", "open",
]  # fmt: skip
PostureLexeme = Literal[
    "stand", "sit", "walk", "run", "turn", "lean_forward", "lean_back", "kneel", "jump", "fall",
    "lie", "kick", "dance", "idle",
]  # fmt: skip
GazeKeyword = Literal["addressee", "speaker", "away", "down", "up", "camera"]
Channel = Literal["face", "head", "gaze", "gesture", "posture"]
Hand = Literal["left", "right", "both"]

HandlingLexeme = Literal["take", "give", "put_down", "drink", "read", "write", "open"]
"""The gestures of handling a thing (a glass, a page, a door): an event of one names the thing in
its description."""

EMOTIONS: tuple[str, ...] = get_args(Emotion)
HEAD_LEXEMES: tuple[str, ...] = get_args(HeadLexeme)
GESTURE_LEXEMES: tuple[str, ...] = get_args(GestureLexeme)
POSTURE_LEXEMES: tuple[str, ...] = get_args(PostureLexeme)
HANDLING_LEXEMES: tuple[str, ...] = get_args(HandlingLexeme)
GAZE_KEYWORDS: tuple[str, ...] = get_args(GazeKeyword)
CHANNELS: tuple[str, ...] = get_args(Channel)
LEAN_POSTURES = frozenset({"lean_forward", "lean_back"})
"""Postures that lean the body; done from a seat or the knees, the lean is done there."""


@dataclass(frozen=True)
class ActionUnit:
    code: int
    name: str
    meaning: str


@dataclass(frozen=True)
class Vocabulary:
    """The controlled vocabulary with one-line meanings for every entry."""

    version: str
    emotions: Mapping[str, str]
    action_units: Mapping[int, ActionUnit]
    facs_letters: Mapping[str, float]
    head: Mapping[str, str]
    gaze_targets: Mapping[str, str]
    gestures: Mapping[str, str]
    postures: Mapping[str, str]

    def lexemes(self, channel: str) -> tuple[str, ...]:
        """The lexemes allowed on a channel that has lexemes (head, gesture, posture)."""
        table = {"head": self.head, "gesture": self.gestures, "posture": self.postures}
        if channel not in table:
            raise KeyError(f"channel {channel!r} has no lexemes")
        return tuple(table[channel])


@dataclass(frozen=True)
class ArkitMap:
    """The 52 ARKit blendshape names and, per AU, the blendshapes it drives with weights."""

    version: str
    blendshapes: tuple[str, ...]
    au_to_blendshapes: Mapping[int, Mapping[str, float]]


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("motiondirector.plan").joinpath("data", name).read_text("utf-8")
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError(f"package data {name} is not a mapping")
    return data


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


@cache
def load_vocabulary() -> Vocabulary:
    data = _load_yaml("vocabulary.yaml")
    aus = {
        int(code): ActionUnit(int(code), str(entry["name"]), str(entry["meaning"]))
        for code, entry in data["action_units"].items()
    }
    vocabulary = Vocabulary(
        version=str(data["version"]),
        emotions=_frozen(data["emotions"]),
        action_units=_frozen(aus),
        facs_letters=_frozen({k: float(v) for k, v in data["facs_letters"].items()}),
        head=_frozen(data["head"]),
        gaze_targets=_frozen(data["gaze_targets"]),
        gestures=_frozen(data["gestures"]),
        postures=_frozen(data["postures"]),
    )
    # The Literal types above and the YAML must say the same thing; fail loudly if they drift.
    for channel, literal in (
        ("emotions", EMOTIONS),
        ("head", HEAD_LEXEMES),
        ("gestures", GESTURE_LEXEMES),
        ("postures", POSTURE_LEXEMES),
    ):
        if tuple(getattr(vocabulary, channel)) != literal:
            raise ValueError(f"vocabulary.yaml {channel} differ from the typed vocabulary")
    if not set(HANDLING_LEXEMES) <= set(GESTURE_LEXEMES):
        raise ValueError("the handling lexemes must be gesture lexemes")
    return vocabulary


@cache
def load_emfacs() -> Mapping[str, Mapping[int, float]]:
    """Emotion -> {AU code: weight at full intensity} (EMFACS prototypes)."""
    data = _load_yaml("emfacs.yaml")
    return _frozen(
        {
            emotion: _frozen({int(au): float(w) for au, w in (aus or {}).items()})
            for emotion, aus in data["prototypes"].items()
        }
    )


EMOTION_SHOWN = 0.2
"""A face whose best EMFACS match (`emfacs_scores`) is below this shows no emotion."""


def emfacs_scores(levels: Mapping[int, float]) -> dict[str, float]:
    """Each emotion's EMFACS match to a face's AU levels (0..1): the weighted share of its
    prototype AUs shown, an AU at half its range or more counting fully."""
    scores: dict[str, float] = {}
    for emotion, prototype in load_emfacs().items():
        if prototype:
            got = sum(w * min(1.0, levels[au] / 0.5) for au, w in prototype.items() if au in levels)
            scores[emotion] = got / sum(prototype.values())
    return scores


def shown_emotion(levels: Mapping[int, float]) -> tuple[str, float]:
    """The emotion a face's AU levels show best and its match, or ("neutral", 1 - best match)
    where none reaches `EMOTION_SHOWN`."""
    scores = emfacs_scores(levels)
    if not scores:
        return "neutral", 1.0
    label, score = max(sorted(scores.items()), key=lambda item: item[1])
    if score < EMOTION_SHOWN:
        return "neutral", round(1.0 - score, 2)
    return label, round(score, 2)


@cache
def load_arkit_map() -> ArkitMap:
    data = _load_yaml("arkit.yaml")
    names = tuple(str(n) for n in data["blendshapes"])
    if len(names) != 52 or len(set(names)) != 52:
        raise ValueError("arkit.yaml must list 52 distinct blendshapes")
    mapping = {
        int(au): _frozen({str(b): float(w) for b, w in shapes.items()})
        for au, shapes in data["au_to_blendshapes"].items()
    }
    for shapes in mapping.values():
        unknown = set(shapes) - set(names)
        if unknown:
            raise ValueError(f"arkit.yaml maps onto unknown blendshapes {sorted(unknown)}")
    return ArkitMap(str(data["version"]), names, _frozen(mapping))


def au_intensity_from_letter(letter: str) -> float:
    """FACS intensity letter (A-E) -> 0-1 intensity."""
    try:
        return load_vocabulary().facs_letters[letter.upper()]
    except KeyError:
        raise ValueError(f"FACS intensity letter must be A-E, got {letter!r}") from None
