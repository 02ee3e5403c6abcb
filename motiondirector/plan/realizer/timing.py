"""Phase durations and time helpers shared by the realizer's channel modules.

The numbers are the realizer's defaults for gesture and head-movement phases (seconds), chosen
from the ranges reported for conversational gestures (preparation ~0.3-0.6 s, strokes
~0.2-1 s, retraction ~0.3-0.5 s; McNeill 1992, Kita et al. 1998) and kept in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from motiondirector.plan.direction import Behaviour
from motiondirector.plan.motion_plan import SyncPoints
from motiondirector.plan.scene import ActionLine, Utterance


@dataclass(frozen=True)
class Phases:
    """Preparation, stroke (stroke -> relax) and retraction durations of one movement."""

    prep: float
    stroke: float
    retract: float


GESTURE_PHASES: dict[str, Phases] = {
    "beat": Phases(0.25, 0.2, 0.3),
    "point": Phases(0.35, 0.6, 0.4),
    "self_point": Phases(0.35, 0.5, 0.4),
    "open_palms": Phases(0.35, 0.7, 0.4),
    "shrug": Phases(0.3, 0.6, 0.35),
    "wave": Phases(0.35, 1.2, 0.4),
    "bow": Phases(0.4, 0.8, 0.5),
    # A deep breath: in over about a second, held a moment, let out more slowly.
    "breathe": Phases(1.0, 0.5, 1.3),
    "thumbs_up": Phases(0.35, 0.8, 0.4),
    "clap": Phases(0.3, 1.0, 0.3),
    "facepalm": Phases(0.35, 1.2, 0.5),
    "cross_arms": Phases(0.6, 2.5, 0.6),
    "hands_on_hips": Phases(0.6, 2.5, 0.6),
    "head_scratch": Phases(0.4, 1.2, 0.4),
    "chin_stroke": Phases(0.4, 1.5, 0.4),
    "count": Phases(0.3, 1.2, 0.4),
    "stop": Phases(0.25, 0.7, 0.4),
    # The arm comes up over the head, stays raised to be seen, and comes down.
    "raise_hand": Phases(0.6, 1.2, 0.4),
    "beckon": Phases(0.3, 1.0, 0.35),
    "fist_pump": Phases(0.25, 0.5, 0.35),
    "fist_shake": Phases(0.3, 0.9, 0.4),
    "punch": Phases(0.3, 0.3, 0.4),
    "cover_mouth": Phases(0.3, 1.0, 0.4),
    "cover_face": Phases(0.4, 1.8, 0.5),
    "hand_on_heart": Phases(0.4, 1.2, 0.5),
    "shush": Phases(0.3, 0.8, 0.35),
    "rub_hands": Phases(0.35, 1.2, 0.4),
    "salute": Phases(0.35, 0.8, 0.4),
    "handshake": Phases(0.5, 1.2, 0.5),
    "hug": Phases(0.6, 2.0, 0.6),
    "dismiss": Phases(0.25, 0.4, 0.3),
    # Handling things: the preparation is the reach, the stroke the grasp, turn, sip or line
    # written, the retraction the hand coming back with or without the thing.
    "take": Phases(0.45, 0.6, 0.45),
    "give": Phases(0.45, 0.8, 0.45),
    "put_down": Phases(0.4, 0.6, 0.45),
    "drink": Phases(0.5, 1.2, 0.5),
    "read": Phases(0.5, 2.5, 0.5),
    "write": Phases(0.4, 2.0, 0.4),
    "open": Phases(0.45, 0.8, 0.45),
}

# Two-handed by nature; every other gesture defaults to the right hand.
TWO_HANDED = frozenset(
    {
        "shrug", "open_palms", "clap", "cross_arms", "hands_on_hips", "cover_face",
        "rub_hands", "hug", "count", "bow", "handshake", "read", "breathe",
    }
)  # fmt: skip
# handshake is one hand, but the other hand rests clasped: allocating both keeps it tidy; a
# breath or a bow moves the whole upper body, which no other gesture shares.
BODY_GESTURES = frozenset({"bow", "breathe"})
"""Gestures of the body, not the hands: their descriptions name no hand."""

# Head movements: stroke duration is per repetition for nods and shakes.
HEAD_PHASES: dict[str, Phases] = {
    "nod": Phases(0.1, 0.3, 0.15),
    "shake": Phases(0.12, 0.35, 0.15),
    "tilt": Phases(0.3, 1.0, 0.4),
    "toss": Phases(0.1, 0.25, 0.2),
    "lower": Phases(0.3, 1.2, 0.4),
    "turn_away": Phases(0.35, 1.2, 0.45),
}
REPEATED_HEAD = frozenset({"nod", "shake"})

# Movements that end by themselves; every other posture is got into and then held.
TRANSIENT_SECONDS = {
    "walk": 1.5, "run": 1.5, "turn": 1.0, "jump": 0.8, "kick": 0.8, "dance": 3.0,
}  # fmt: skip
POSTURE_TRANSITION = 2.0
"""Seconds the body takes to get into a posture it holds (sits down, kneels, stands up)."""
STROKE_SEEN = 1.0  # of a gesture's stroke, what is seen before a line goes on over the rest

PRE_STROKE_HOLD = 0.08  # ready -> stroke: the hand waits for the stressed syllable
HOLD_GAP = 0.6  # gestures closer than this hold instead of retracting (co-articulation)
ACTION_LEAD = 0.4  # behaviours from an action line stroke this long after it starts
# An action line's behaviours come in the order it tells them, spread over this share of the
# line after the lead ("looks up and studies him": the look up, then the look at him).
ACTION_SPREAD = 0.8
LISTENER_LATENCY = 0.3  # listeners react this long after the word that triggers them


def performed_seconds(behaviours: Iterable[tuple[str, str, str | None]]) -> float:
    """How long an action line's (character, channel, lexeme) behaviours take to act out (0
    for none of the body): `ACTION_LEAD`, then each character's postures (`TRANSIENT_SECONDS`,
    else `POSTURE_TRANSITION`) and gestures (preparation and up to `STROKE_SEEN` of the
    stroke) one after another; characters act at once. Face, head and gaze go with the body."""
    seconds: dict[str, float] = {}
    for character, channel, lexeme in behaviours:
        if channel == "posture" and lexeme is not None and lexeme != "idle":
            took = TRANSIENT_SECONDS.get(lexeme, POSTURE_TRANSITION)
        elif channel == "gesture" and lexeme in GESTURE_PHASES:
            phases = GESTURE_PHASES[lexeme]
            took = phases.prep + min(phases.stroke, STROKE_SEEN)
        else:
            continue
        seconds[character] = seconds.get(character, 0.0) + took
    return ACTION_LEAD + max(seconds.values()) if seconds else 0.0


def ms(value: float) -> float:
    """Round to milliseconds: plans are compared byte for byte."""
    return round(value + 0.0, 3)


def anchor_time(
    behaviour: Behaviour, utterance: Utterance | None, action: ActionLine | None
) -> float:
    """The moment a behaviour is anchored to: its word's onset; in an action line, its word's
    place in the line's text (`text.split()`), or the line's start."""
    if utterance is not None:
        if behaviour.word is not None and behaviour.word < len(utterance.words):
            return utterance.words[behaviour.word].start
        return utterance.start
    assert action is not None
    return action_word_time(action, behaviour.word)


def action_word_time(action: ActionLine, word: int | None) -> float:
    """When an action line's reading reaches its word `word` (an index in `text.split()`):
    what it tells happens in the order it tells it; None is the line's start."""
    length = action.end - action.start
    lead = min(ACTION_LEAD, length / 2)
    words = len(action.text.split())
    if word is None or words == 0:
        return action.start + lead
    told = min(word, words - 1) / words
    return action.start + lead + (length - lead) * ACTION_SPREAD * told


def span_end(behaviour: Behaviour, utterance: Utterance | None, action: ActionLine | None) -> float:
    """Where a behaviour that lasts ends: its until_word's end, the utterance or action end."""
    if utterance is not None:
        if behaviour.until_word is not None and behaviour.until_word < len(utterance.words):
            return utterance.words[behaviour.until_word].end
        if behaviour.word is None:
            return utterance.end
        return utterance.words[min(behaviour.word, len(utterance.words) - 1)].end
    assert action is not None
    return action.end


def clamp_sync(points: list[float], duration: float) -> SyncPoints:
    """Clamp sync points into the scene and keep them ordered (compressing phases if needed)."""
    clamped = [min(max(p, 0.0), duration) for p in points]
    for i in range(1, len(clamped)):
        clamped[i] = max(clamped[i], clamped[i - 1])
    for i in range(len(clamped) - 2, -1, -1):
        clamped[i] = min(clamped[i], clamped[i + 1])
    start, ready, stroke, relax, end = (ms(p) for p in clamped)
    return SyncPoints(start=start, ready=ready, stroke=stroke, relax=relax, end=end)
