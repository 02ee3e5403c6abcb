"""Plain-language descriptions of events, written into every event's `description`."""

from __future__ import annotations

from motiondirector.plan.realizer.timing import BODY_GESTURES
from motiondirector.plan.vocabulary import load_vocabulary

_HEAD_VERBS = {
    "nod": "nods",
    "shake": "shakes the head",
    "tilt": "tilts the head",
    "toss": "tosses the head",
    "lower": "lowers the head",
    "turn_away": "turns the head away",
}
_TIMES = {1: "once", 2: "twice", 3: "three times"}
_PLACES = {
    "away": "looks away",
    "down": "looks down",
    "up": "looks up",
    "camera": "looks into the camera",
}


def _on(word: str | None) -> str:
    return f" on “{word.strip('.,;:!?…')}”" if word else ""


def describe_face(au: int, intensity: float, why: str) -> str:
    name = load_vocabulary().action_units[au].name
    return f"{name} (AU{au}) at {intensity:.2f}: {why}"


def describe_head(lexeme: str, repetitions: int, word: str | None) -> str:
    times = (
        f" {_TIMES.get(repetitions, f'{repetitions} times')}" if lexeme in ("nod", "shake") else ""
    )
    return f"{_HEAD_VERBS[lexeme]}{times}{_on(word)}"


def describe_gesture(
    lexeme: str, hand: str, word: str | None, target: str | None, held: bool
) -> str:
    meaning = load_vocabulary().gestures[lexeme].split(";")[0]
    hands = "both hands" if hand == "both" else f"the {hand} hand"
    by = "" if lexeme in BODY_GESTURES else f" with {hands}"
    aimed = f" at {target}" if target else ""
    hold = ", held into the next gesture" if held else ""
    return f"{lexeme.replace('_', ' ')}{aimed}{by} ({meaning}), stroke{_on(word)}{hold}"


def describe_gaze(target: str) -> str:
    return _PLACES.get(target, f"looks at {target}")


def describe_posture(lexeme: str) -> str:
    return load_vocabulary().postures[lexeme]
