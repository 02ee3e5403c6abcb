"""The Direction contract: what a planner decides, before exact timing.

A planner (rules, LLM or hybrid) reads a Scene and says, per utterance, the intent, the emotion
with its intensity, and behaviours chosen from the controlled vocabulary, each anchored to a
word; per action line, the behaviours it describes. The realizer turns this into a MotionPlan.
Field descriptions here are shown to the LLM planner: keep them exact and short.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from motiondirector.plan.vocabulary import Channel, Emotion, Hand

DIRECTION_SCHEMA_VERSION: Literal["1.0"] = "1.0"

EXPLICIT_RULE_KEYS = ("parenthetical", "action", "direction")


def is_explicit_rule(rule: str) -> bool:
    """Whether a behaviour's rule names explicit direction (a parenthetical or action line).

    A convention every planner follows, read by the realizer (explicit beats cues) and by the
    hybrid planner (explicit behaviours are kept whatever the LLM says).
    """
    return any(key in rule for key in EXPLICIT_RULE_KEYS)


Intensity = Annotated[float, Field(ge=0.0, le=1.0, description="Strength from 0 to 1.")]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Behaviour(_Strict):
    """One nonverbal behaviour of one character, chosen from the vocabulary."""

    character: str = Field(description="Who does it: a character name from the scene.")
    channel: Channel = Field(description="face | head | gaze | gesture | posture")
    lexeme: str | None = Field(
        default=None, description="Head, gesture or posture lexeme from the vocabulary."
    )
    au: int | None = Field(default=None, description="FACS Action Unit code (face channel only).")
    target: str | None = Field(
        default=None,
        description="Gaze target (gaze channel), or whom a point/gesture is aimed at: a character "
        "name, addressee, speaker, away, down, up or camera.",
    )
    hand: Hand | None = Field(default=None, description="left | right | both (gestures only).")
    word: int | None = Field(
        default=None,
        ge=0,
        description="Index of the word it is anchored to (0-based, in the utterance). For "
        "gestures the stroke lands on this word. None: the whole utterance or action.",
    )
    until_word: int | None = Field(
        default=None, ge=0, description="Last word it lasts through; None: a default length."
    )
    intensity: Intensity = 0.5
    rule: str = Field(description="Which rule or model chose it, e.g. 'rules.negation'.")
    reason: str = Field(description="The trigger in the script, e.g. 'word \"no\"'.")


class UtteranceDirection(_Strict):
    utterance_id: str
    intent: str = Field(description="The speech act in a word or two: greet, ask, refuse, ...")
    emotion: Emotion
    intensity: Intensity
    emotion_reason: str = Field(description="Why this emotion: cue, classifier score, ...")
    behaviours: tuple[Behaviour, ...] = Field(
        default=(), description="Behaviours of the speaker and of the listeners for this line."
    )


class ActionDirection(_Strict):
    action_id: str
    behaviours: tuple[Behaviour, ...] = ()


class Direction(_Strict):
    schema_version: Literal["1.0"] = DIRECTION_SCHEMA_VERSION
    planner: str = Field(description="Which planner produced it: rules, llm, hybrid.")
    utterances: tuple[UtteranceDirection, ...]
    actions: tuple[ActionDirection, ...] = ()
