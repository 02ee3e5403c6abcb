"""Behaviour profiles: the numbers a face segment is searched by, and what a query asks of them.

A `BehaviourProfile` is stored beside each face record of a clip library: the mean ARKit-52
blendshapes over the segment, how strongly each Action Unit showed (the 90th percentile of its
reading above the resting face), head-motion energy (mean absolute angular speed about each
axis, degrees per second) and the head movements seen, blink rate, the share of the time spent
speaking, how wide the mouth opened, where the eyes went, and the EMFACS emotion estimate.

A `BehaviourTarget` is what a query asks for in the same terms: AUs with intensities, head
lexemes, a gaze target, speaking or silence, blinking, a wide mouth, an emotion. It comes from
words (`target_from_text`: "smiles broadly while nodding") or from a plan's face, head and gaze
events for one slot (`target_from_events`). `behaviour_match` scores a profile against a target
from 0 to 1. This module holds no video and no index.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from motiondirector.plan.motion_plan import FaceEvent, GazeEvent, HeadEvent
from motiondirector.plan.vocabulary import EMOTIONS, Emotion

ACTIVE_AU = 0.3
"""An AU counts as shown in a segment when its 90th-percentile reading reaches this."""
OFTEN_BLINKS_PER_MIN = 25.0
WIDE_MOUTH = 0.5
"""jawOpen (90th percentile) of a wide-open mouth."""


class BehaviourProfile(BaseModel):
    """The numeric profile of one face segment (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    face_model: str = Field(description="Id of the face model that made the track.")
    face_share: float = Field(ge=0.0, le=1.0)
    blendshapes: tuple[float, ...] = Field(description="Mean ARKit-52 weights, arkit.yaml order.")
    aus: dict[int, float] = Field(description="AU code -> 90th percentile reading above rest.")
    head_energy: tuple[float, float, float] = Field(
        description="Mean absolute yaw, pitch and roll speed, degrees per second."
    )
    head: dict[str, int] = Field(description="Head lexeme -> times seen.")
    gaze: dict[str, float] = Field(description="Gaze target (down, up, away) -> share of time.")
    blinks_per_min: float = Field(ge=0.0)
    speaking: float = Field(ge=0.0, le=1.0, description="Share of the face time spent speaking.")
    mouth_open: float = Field(ge=0.0, le=1.0, description="90th percentile of jawOpen.")
    emotion: Emotion
    emotion_intensity: float = Field(ge=0.0, le=1.0)

    def shown_aus(self) -> tuple[int, ...]:
        return tuple(sorted(code for code, value in self.aus.items() if value >= ACTIVE_AU))


@dataclass(frozen=True)
class BehaviourTarget:
    """What a query asks of a face: each field None (or empty) when not asked."""

    aus: tuple[tuple[int, float], ...] = ()
    head: tuple[str, ...] = ()
    gaze: str | None = None
    speaking: bool | None = None
    blinks: bool = False
    wide_mouth: bool = False
    emotion: str | None = None
    parts: tuple[str, ...] = field(default=(), compare=False)
    """What was understood, in words, for the search's explanation."""

    def __bool__(self) -> bool:
        return bool(
            self.aus
            or self.head
            or self.gaze
            or self.speaking is not None
            or self.blinks
            or self.wide_mouth
            or self.emotion
        )


# -- words -> target -----------------------------------------------------------------------

_STRONG = r"(?:broad(?:ly)?|big|wide(?:ly)?|strong(?:ly)?|lot|much|hard|beaming)"
# (pattern, AUs with intensity, what it means); the first group of words that matches counts.
_AU_WORDS: tuple[tuple[str, dict[int, float], str], ...] = (
    (r"\blaugh", {12: 0.7, 6: 0.4, 26: 0.4}, "laughs"),
    (r"\b(smil|grin|beam)", {12: 0.5}, "smiles"),
    (r"\b(frown|scowl|glower|furrow)", {4: 0.4}, "frowns"),
    (r"\b(rais\w*|lift\w*)\s+(the\s+|his\s+|her\s+|their\s+)?(eye)?brows?\b|\bbrows?\s+(up|rais)",
     {1: 0.4, 2: 0.4}, "raises the brows"),
    (r"\b(surpris|astonish|amaz)", {1: 0.4, 2: 0.4, 5: 0.3}, "surprised"),
    (r"\b(wide[- ]eyed|eyes\s+widen|widens?\s+(the\s+)?eyes)", {5: 0.4}, "widens the eyes"),
    (r"\b(squint|narrow\w*\s+(the\s+)?eyes)", {7: 0.4}, "narrows the eyes"),
    (r"\b(press\w*|purs\w*)\s+(the\s+|his\s+|her\s+)?lips", {24: 0.4}, "presses the lips"),
    (r"\b(sneer|disgust)", {9: 0.3, 10: 0.3}, "sneers"),
    (r"\b(pout|chin\s+up)", {17: 0.4}, "pouts"),
)  # fmt: skip
_HEAD_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bnod", "nod"),
    (r"\bshak\w*\s+(the\s+|his\s+|her\s+|their\s+)?head|\bhead\s*shake", "shake"),
    (r"\btilt", "tilt"),
    (r"\btoss", "toss"),
    (r"\b(turn\w*|mov\w*)\s+(the\s+|his\s+|her\s+|their\s+)?head|\bturns?\s+away|\blooks?\s+around",
     "turn_away"),
    (r"\blower\w*\s+(the\s+|his\s+|her\s+|their\s+)?head|\bhead\s+down|\bbows?\s+the\s+head",
     "lower"),
)  # fmt: skip
_GAZE_WORDS = (
    (r"\blooks?\s+down|\bdownward\s+gaze|\beyes\s+down", "down"),
    (r"\blooks?\s+up\b|\beyes\s+up", "up"),
    (r"\blooks?\s+away|\bglanc|\baverts?", "away"),
)
_EMOTION_WORDS = {
    "joy": r"\b(happy|happily|joy|cheerful|delight)",
    "sadness": r"\b(sad|sadly|unhappy|gloomy|sorrow)",
    "anger": r"\b(angry|angrily|anger|furious|annoyed|irritat)",
    "fear": r"\b(afraid|fear|scared|anxious|nervous)",
    "surprise": r"\b(surpris|astonish|amaz|shock)",
    "disgust": r"\b(disgust|revuls)",
    "contempt": r"\b(contempt|scorn|disdain|smirk)",
    "neutral": r"\b(neutral|expressionless|blank\s+face|calm(ly)?)\b",
}
_SPEAKING = r"\b(talk|speak|speech|says?\b|saying|chat|explain|tell|narrat|lip[- ]?sync)"
_SILENT = r"\b(listen|silent|silence|quiet|not\s+talking|without\s+speaking|mute)"
_BLINKS = r"\bblink"
_WIDE_MOUTH = (
    r"\b(wide\s+mouth|mouth\s+(wide\s+)?open|opens?\s+(the\s+|his\s+|her\s+)?mouth|yawn|shout"
    r"|scream|gasp|big\s+mouth)"
)


def target_from_text(text: str) -> BehaviourTarget:
    """The behaviour a description asks for, read from its words (English). Words it does not
    know are left to the text embedding."""
    lower = text.lower()
    aus: dict[int, float] = {}
    parts: list[str] = []
    for pattern, wanted, meaning in _AU_WORDS:
        match = re.search(pattern, lower)
        if match is None:
            continue
        strong = re.search(_STRONG, lower[max(0, match.start() - 12) : match.end() + 12])
        for code, intensity in wanted.items():
            level = min(1.0, intensity + 0.3) if strong else intensity
            aus[code] = max(aus.get(code, 0.0), level)
        parts.append(f"{meaning} (AU{'+'.join(str(c) for c in wanted)})")
    head = tuple(lexeme for pattern, lexeme in _HEAD_WORDS if re.search(pattern, lower))
    parts += [f"head {lexeme}" for lexeme in head]
    gaze = next((target for pattern, target in _GAZE_WORDS if re.search(pattern, lower)), None)
    if gaze:
        parts.append(f"gaze {gaze}")
    emotion = next((e for e, pattern in _EMOTION_WORDS.items() if re.search(pattern, lower)), None)
    if emotion:
        parts.append(f"emotion {emotion}")
    speaking: bool | None = None
    if re.search(_SILENT, lower):
        speaking = False
    elif re.search(_SPEAKING, lower):
        speaking = True
    if speaking is not None:
        parts.append("speaking" if speaking else "silent")
    blinks = re.search(_BLINKS, lower) is not None
    if blinks:
        parts.append("blinks")
    wide = re.search(_WIDE_MOUTH, lower) is not None or (
        speaking is True and re.search(r"\bwide\b|\bbig\b|exaggerat", lower) is not None
    )
    if wide:
        parts.append("wide mouth")
    return BehaviourTarget(
        aus=tuple(sorted(aus.items())),
        head=head,
        gaze=gaze,
        speaking=speaking,
        blinks=blinks,
        wide_mouth=wide,
        emotion=emotion,
        parts=tuple(parts),
    )


def target_from_events(
    events: Iterable[FaceEvent | HeadEvent | GazeEvent],
    *,
    emotion: str | None = None,
    speaking: bool | None = None,
) -> BehaviourTarget:
    """The target for one slot of a plan: its face events' AUs (the strongest intensity of
    each; blinks ask for blinking), head lexemes, the first gaze target that is a place (down,
    up, away), the utterance's emotion and whether the character speaks."""
    aus: dict[int, float] = {}
    head: list[str] = []
    gaze: str | None = None
    blinks = False
    for event in events:
        if isinstance(event, FaceEvent):
            if event.au in (43, 45, 46):
                blinks = True
            elif event.au in (25,):
                continue
            else:
                aus[event.au] = max(aus.get(event.au, 0.0), event.intensity)
        elif isinstance(event, HeadEvent):
            if event.lexeme not in head:
                head.append(event.lexeme)
        elif gaze is None and event.target in ("down", "up", "away"):
            gaze = event.target
    if emotion is not None and emotion not in EMOTIONS:
        raise ValueError(f"emotion must be one of {EMOTIONS}, got {emotion!r}")
    parts = [f"AU{code} {value:.2f}" for code, value in sorted(aus.items())]
    parts += [f"head {lexeme}" for lexeme in head]
    parts += [f"gaze {gaze}"] if gaze else []
    parts += [f"emotion {emotion}"] if emotion else []
    # Every asked part is named, so a listener's slot that asks only for silence does not
    # read "behaviour 1.00 ()".
    parts += [] if speaking is None else ["speaking" if speaking else "silent"]
    parts += ["blinks"] if blinks else []
    return BehaviourTarget(
        aus=tuple(sorted(aus.items())),
        head=tuple(head),
        gaze=gaze,
        speaking=speaking,
        blinks=blinks,
        emotion=emotion,
        parts=tuple(parts),
    )


# -- profile vs target ---------------------------------------------------------------------

_HEAD_AXIS = {"nod": 1, "shake": 0, "tilt": 2, "toss": 1, "lower": 1, "turn_away": 0}
# Mean angular speed (deg/s) of a segment full of that movement; some speed without the
# counted movement earns part of the credit.
_HEAD_BUSY = 25.0


def behaviour_match(profile: BehaviourProfile | None, target: BehaviourTarget) -> float:
    """How well `profile` shows what `target` asks, 0..1: the mean over the asked parts of the
    share of each that the segment shows. A record without a profile scores 0."""
    if profile is None or not target:
        return 0.0
    parts: list[float] = []
    for code, wanted in target.aus:
        got = profile.aus.get(code, 0.0)
        parts.append(min(got, wanted) / wanted if wanted > 0 else 1.0)
    for lexeme in target.head:
        if profile.head.get(lexeme, 0) > 0:
            parts.append(1.0)
        else:
            speed = profile.head_energy[_HEAD_AXIS.get(lexeme, 0)]
            parts.append(0.5 * min(1.0, speed / _HEAD_BUSY))
    if target.gaze is not None:
        parts.append(min(1.0, profile.gaze.get(target.gaze, 0.0) / 0.2))
    if target.speaking is not None:
        parts.append(profile.speaking if target.speaking else 1.0 - profile.speaking)
    if target.blinks:
        parts.append(min(1.0, profile.blinks_per_min / OFTEN_BLINKS_PER_MIN))
    if target.wide_mouth:
        parts.append(min(1.0, profile.mouth_open / WIDE_MOUTH))
    if target.emotion is not None:
        if profile.emotion == target.emotion:
            parts.append(max(0.5, profile.emotion_intensity))
        elif target.emotion == "neutral":
            # A faint expression is nearly neutral: as neutral as it is faint.
            parts.append(1.0 - profile.emotion_intensity)
        else:
            parts.append(0.0)
    return float(np.mean(parts)) if parts else 0.0


def _finite(value: float) -> float:
    return round(float(value), 4) if math.isfinite(value) else 0.0


def head_counts(events: Iterable[HeadEvent | FaceEvent | GazeEvent]) -> dict[str, int]:
    counts = Counter(e.lexeme for e in events if isinstance(e, HeadEvent))
    return dict(sorted(counts.items()))
