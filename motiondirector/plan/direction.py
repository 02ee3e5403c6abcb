"""The Direction contract: what a planner decides, before exact timing.

A planner (rules, LLM or hybrid) reads a Scene and says, per utterance, the intent, the emotion
with its intensity, and behaviours chosen from the controlled vocabulary, each anchored to a
word; per action line, the behaviours it describes. The realizer turns this into a MotionPlan.
Field descriptions here are shown to the LLM planner: keep them exact and short.

Provenance comes twice: typed (`Behaviour.origin`, `UtteranceDirection.emotion_origin`,
`UtteranceDirection.fallback`), which code reads, and prose (`rule`, `reason`,
`emotion_reason`), which people read. Code never tests the prose. Which behaviour wins a clash
is decided in one place, `priority()`. The model never fills the typed fields: the planner sets
them after reading its answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motiondirector.plan.vocabulary import Channel, Emotion, Hand, load_emfacs

DIRECTION_SCHEMA_VERSION: Literal["1.5"] = "1.5"

Origin = Literal[
    "parenthetical", "action", "opening", "cue", "addressee", "emotion", "beat", "listener", "llm"
]
"""What chose a behaviour:

- `parenthetical`: a parenthetical in the line ("(angrily)", "(to BEN)");
- `action`: an action line (stage direction);
- `opening`: an action line's posture the scene opens on ("NORA lies in bed." before anyone
  speaks, `planners/opening.py`): in force from the scene's start, not got into;
- `cue`: a dialogue cue in the line's words ("no", "thank you", a question, a list item);
- `addressee`: the speaker looking at whom the line is aimed at;
- `emotion`: the speaker's face of the line's emotion (its EMFACS prototype), whoever set the
  emotion (the planner, a revision note, a session's carried emotion);
- `beat`: a beat gesture on a stressed word;
- `listener`: a listener's reaction (gaze, backchannel nods, mirrored faces);
- `llm`: chosen by a model, which does not say why in a form code can trust.
"""

EmotionOrigin = Literal[
    "parenthetical",
    "action",
    "classifier",
    "words",
    "no_words",
    "emoji",
    "llm",
    "revision",
    "session",
]
"""Where a line's emotion comes from: a parenthetical naming it, an action line before it
describing its speaker in it ("Mary sits, furious."), the emotion classifier, the
emotion words of a line in a language the classifier cannot read ("te odio": anger), a line
without words (neutral), the line's emoji (😡: anger) where the classifier finds no emotion or
cannot read the line, a model, a director's note, or a live session carrying a speaker's
earlier emotion forward."""

STATED_EMOTIONS: frozenset[EmotionOrigin] = frozenset({"parenthetical", "action"})
"""The origins of an emotion the script states, which a model's reading does not replace."""

FallbackKind = Literal["unreachable", "timeout", "http_error", "refusal", "invalid_output"]
"""Why a model did not direct a line: the server could not be reached, did not answer in time,
answered with an HTTP error, refused, or gave no valid answer within the attempts allowed."""


class Priority(IntEnum):
    """Precedence when behaviours clash: lower wins."""

    EXPLICIT = 0
    """Direction written in the script: parentheticals and action lines."""
    CUE = 1
    """Inferred from the words, the emotion or the listeners, or chosen by a model."""
    BACKGROUND = 2
    """Filler that gives way to anything: beat gestures."""


_PRIORITIES: Mapping[Origin, Priority] = {
    "parenthetical": Priority.EXPLICIT,
    "action": Priority.EXPLICIT,
    "opening": Priority.EXPLICIT,
    "cue": Priority.CUE,
    "addressee": Priority.CUE,
    "emotion": Priority.CUE,
    "listener": Priority.CUE,
    "llm": Priority.CUE,
    "beat": Priority.BACKGROUND,
}


def priority(behaviour: Behaviour) -> Priority:
    """The one precedence rule: explicit direction beats cues beats background.

    Read by the realizer (who gets a hand, which head movement plays), the hybrid planner
    (explicit behaviours are kept whatever the model says) and revisions (which gestures go
    first when thinning).
    """
    return _PRIORITIES[behaviour.origin]


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
        description="Index of the word it is anchored to (0-based, in the utterance; in an "
        "action line, in its text split at spaces). For gestures the stroke lands on this word. "
        "None: the whole utterance, or the start of the action.",
    )
    until_word: int | None = Field(
        default=None, ge=0, description="Last word it lasts through; None: a default length."
    )
    intensity: Intensity = 0.5
    origin: Origin = Field(
        description="Set by the planner, never by a model: what kind of direction chose it. "
        "Decides precedence."
    )
    rule: str = Field(description="Which rule or model chose it, e.g. 'rules.negation'.")
    reason: str = Field(description="The trigger in the script, e.g. 'word \"no\"'.")


MIN_EMOTION_FACE = 0.05
"""An Action Unit of an emotion's prototype weaker than this is left out of its face."""


def emotion_faces(
    character: str, label: str, intensity: float, words: int, *, rule: str, reason: str
) -> list[Behaviour]:
    """The face of `label` at `intensity` over a line of `words` words: its EMFACS prototype's
    Action Units (origin `emotion`), each at its weight times the intensity; none for a
    neutral line or one without words."""
    if label == "neutral" or words < 1:
        return []
    faces = []
    for au, weight in sorted(load_emfacs().get(label, {}).items()):
        value = round(weight * intensity, 3)
        if value >= MIN_EMOTION_FACE:
            faces.append(
                Behaviour(
                    character=character,
                    channel="face",
                    au=au,
                    word=0,
                    until_word=words - 1,
                    intensity=value,
                    origin="emotion",
                    rule=rule,
                    reason=reason,
                )
            )
    return faces


class ModelFallback(_Strict):
    """Why the rules planner directed a line that a model was asked to direct."""

    kind: FallbackKind = Field(description="unreachable | timeout | http_error | refusal | ...")
    reason: str = Field(
        description="What happened, e.g. 'cannot reach http://localhost:8000/v1: connection "
        "refused'."
    )


class UtteranceDirection(_Strict):
    utterance_id: str
    intent: str = Field(description="The speech act in a word or two: greet, ask, refuse, ...")
    emotion: Emotion
    intensity: Intensity
    emotion_origin: EmotionOrigin = Field(
        description="Set by the planner, never by a model: where the emotion comes from."
    )
    emotion_reason: str = Field(description="Why this emotion: cue, classifier score, ...")
    behaviours: tuple[Behaviour, ...] = Field(
        default=(), description="Behaviours of the speaker and of the listeners for this line."
    )
    fallback: ModelFallback | None = Field(
        default=None,
        description="Set by the planner, never by a model: when the rules directed this line "
        "because the model could not, why. None: directed by the planner named.",
    )


class ActionDirection(_Strict):
    action_id: str
    behaviours: tuple[Behaviour, ...] = ()
    planner: str | None = Field(
        default=None,
        description="Who directed this action line when not the Direction's planner (the "
        "rules, for the model planners, which leave action lines to them).",
    )


class Direction(_Strict):
    schema_version: Literal["1.5"] = DIRECTION_SCHEMA_VERSION
    planner: str = Field(description="Which planner produced it: rules, llm, hybrid.")
    utterances: tuple[UtteranceDirection, ...]
    actions: tuple[ActionDirection, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        # 1.2 added the emotion origin "emoji", 1.3 "words", 1.4 "action", 1.5 the behaviour
        # origin "opening": a 1.1 to 1.4 document is a 1.5 one as it stands.
        if isinstance(data, Mapping) and data.get("schema_version") == "1.0":
            data = upgrade_direction_1_0(data)
        if isinstance(data, Mapping) and data.get("schema_version") in ("1.1", "1.2", "1.3", "1.4"):
            return {**data, "schema_version": DIRECTION_SCHEMA_VERSION}
        return data

    def planned_by(self, line: UtteranceDirection) -> str:
        """The planner that directed `line`: the rules where they stood in for a model."""
        return "rules" if line.fallback is not None else self.planner

    def action_planned_by(self, action: ActionDirection) -> str:
        """The planner that directed the action line `action`."""
        return action.planner or self.planner

    def fallback_summary(self) -> str | None:
        """One line saying which lines the rules directed in a model's place, and why; None
        when the model directed every line it was asked for."""
        return describe_fallbacks((u.utterance_id, u.fallback) for u in self.utterances)


def describe_fallbacks(
    lines: Iterable[tuple[str, ModelFallback | None]], *, outcome: str = "the rules planner did"
) -> str | None:
    """'the LLM could not direct 3 of 5 lines; the rules planner did: <why> (u1, u2); ...',
    from (utterance id, fallback) pairs; None when no line fell back."""
    items = list(lines)
    fallen = [(uid, f) for uid, f in items if f is not None]
    if not fallen:
        return None
    by_reason: dict[str, list[str]] = {}
    for uid, fallback in fallen:
        by_reason.setdefault(fallback.reason, []).append(uid)
    reasons = "; ".join(f"{reason} ({_listing(ids)})" for reason, ids in by_reason.items())
    return f"the LLM could not direct {len(fallen)} of {_lines(len(items))}; {outcome}: {reasons}"


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


def _listing(ids: list[str], shown: int = 3) -> str:
    if len(ids) <= shown + 1:
        return ", ".join(ids)
    return f"{', '.join(ids[:shown])} and {len(ids) - shown} more"


# -- reading Direction 1.0 -------------------------------------------------------------------

# Direction 1.0 had no typed provenance: the rule and reason names were the only record, so a
# stored 1.0 direction (a scene folder's direction.json) is upgraded by reading them, once, here.
_LEGACY_ORIGINS: tuple[tuple[str, Origin], ...] = (
    ("parenthetical", "parenthetical"),
    ("action", "action"),
    ("direction", "parenthetical"),
    ("listener", "listener"),
    ("gaze.addressee", "addressee"),
    ("beat", "beat"),
    ("emotion", "emotion"),
    ("llm", "llm"),
)
_LEGACY_EMOTIONS: tuple[tuple[str, EmotionOrigin], ...] = (
    ("parenthetical", "parenthetical"),
    ("classifier", "classifier"),
    ("no words", "no_words"),
    ("llm", "llm"),
    ('note "', "revision"),
)
_LEGACY_CARRIED = " carried from turn "
_LEGACY_FALLBACK = "rules stood in for the LLM: "


def _legacy_origin(rule: str) -> Origin:
    last = rule.rsplit(".", 1)[-1]
    for key, origin in _LEGACY_ORIGINS:
        if key in rule and (key != "beat" or last.startswith("beat")):
            return origin
    return "cue"


def _legacy_emotion_origin(reason: str) -> EmotionOrigin:
    if _LEGACY_CARRIED in reason:
        return "session"
    for key, origin in _LEGACY_EMOTIONS:
        if reason.startswith(key):
            return origin
    return "classifier"


def upgrade_direction_1_0(data: Mapping[str, Any]) -> dict[str, Any]:
    """A Direction 1.0 document as 1.1: origins read from the rule names, fallbacks from the
    reasons (the only record 1.0 kept)."""

    def behaviours(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{"origin": _legacy_origin(str(b.get("rule", ""))), **b} for b in items]

    utterances = []
    for line in data.get("utterances", ()):
        reason = str(line.get("emotion_reason", ""))
        upgraded = {
            "emotion_origin": _legacy_emotion_origin(reason),
            **line,
            "behaviours": behaviours(line.get("behaviours", ())),
        }
        if _LEGACY_FALLBACK in reason and "fallback" not in line:
            why = reason.split(_LEGACY_FALLBACK, 1)[1]
            upgraded["fallback"] = {"kind": _legacy_fallback_kind(why), "reason": why}
        utterances.append(upgraded)
    actions = [
        {**a, "behaviours": behaviours(a.get("behaviours", ()))} for a in data.get("actions", ())
    ]
    return {**data, "schema_version": "1.1", "utterances": utterances, "actions": actions}


def _legacy_fallback_kind(why: str) -> FallbackKind:
    if why.startswith("cannot reach"):
        return "unreachable"
    if "did not answer within" in why:
        return "timeout"
    if "answered HTTP" in why:
        return "http_error"
    return "invalid_output"
