"""The MotionPlan contract: per-character timed tracks, the product's main output.

Every event has a channel, start and end in seconds, the utterance it belongs to (if any), a
`source` saying which rule or model put it there and why, and a plain-language description.
The JSON Schema of `MotionPlan` is published (`motiondirector schema`) and versioned: 1.1 added
`planned_by` and `fallback` to each utterance; 1.2 added the optional speech track (`visemes`)
of each utterance and the optional caller phoneme timings of each word; 1.3 added the gesture
lexemes of handling things (take, give, put_down, drink, read, write, open); 1.4 added
`voice_over` to each utterance; 1.5 added its `language`; 1.6 added each beat's `stage`
(entrances and exits during it); 1.0 to 1.5 plans still load (upgraded on reading).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motiondirector.plan.direction import ModelFallback, describe_fallbacks
from motiondirector.plan.scene import (
    STAGE_DESCRIPTION,
    LanguageTag,
    Seconds,
    StageChange,
    Word,
)
from motiondirector.plan.vocabulary import Emotion, GestureLexeme, Hand, HeadLexeme, PostureLexeme

SCHEMA_VERSION: Literal["1.6"] = "1.6"
_UPGRADED_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")

Viseme = Literal[
    "sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou"
]
"""The 15 visemes of Oculus / Meta lip sync, in their order: silence, then p b m, f v, th, t d,
k g, ch j sh, s z, n l, r, and the vowels of car, bed, tip, toe and book."""
VISEMES: tuple[str, ...] = get_args(Viseme)

Intensity = Annotated[float, Field(ge=0.0, le=1.0)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Model):
    planner: str = Field(
        description="rules | llm | hybrid | realizer: who directed the event's line (rules where "
        "they stood in for a model)"
    )
    rule: str = Field(description="The rule or model that put the event there.")
    reason: str = Field(description="Why: the trigger in the script.")


STATE_POSTURES = frozenset({"sit", "lie", "stand", "lean_forward", "lean_back", "kneel"})
"""Postures a character can be in when a beat opens ("NORA lies in bed." before anyone speaks,
`planners/opening.py`): a posture event of one of them that starts where its beat starts is in
force from the beat's first frame, with no transition into it (`MotionPlan.opens_in`)."""


class SyncPoints(_Model):
    """BML sync points; start <= ready <= stroke <= relax <= end."""

    start: Seconds
    ready: Seconds
    stroke: Seconds
    relax: Seconds
    end: Seconds


class Envelope(_Model):
    """Onset from the event start to `apex_start`, apex until `apex_end`, offset to the end."""

    apex_start: Seconds
    apex_end: Seconds


class _Event(_Model):
    id: str
    start: Seconds
    end: Seconds
    utterance_id: str | None = None
    source: Source
    description: str


class FaceEvent(_Event):
    channel: Literal["face"] = "face"
    au: int
    intensity: Intensity
    envelope: Envelope


class HeadEvent(_Event):
    channel: Literal["head"] = "head"
    lexeme: HeadLexeme
    sync: SyncPoints
    repetitions: int = Field(default=1, ge=1)
    amplitude: Intensity = 0.5


class GazeEvent(_Event):
    channel: Literal["gaze"] = "gaze"
    target: str = Field(description="A character name, or away | down | up | camera.")


class GestureEvent(_Event):
    channel: Literal["gesture"] = "gesture"
    lexeme: GestureLexeme
    hand: Hand
    sync: SyncPoints
    amplitude: Intensity = 0.5
    target: str | None = Field(default=None, description="Whom or what it is aimed at.")


class PostureEvent(_Event):
    channel: Literal["posture"] = "posture"
    lexeme: PostureLexeme
    amplitude: Intensity = Field(
        default=0.5,
        description='How big the movement is: 0.5 plain, more for "dances wildly", less '
        'for "sits down gently" (the behaviour\'s intensity).',
    )


AnyEvent = FaceEvent | HeadEvent | GazeEvent | GestureEvent | PostureEvent
Event = Annotated[AnyEvent, Field(discriminator="channel")]


class CodebookTokens(_Model):
    codebook: str = Field(description="Codebook id.")
    rate: float = Field(gt=0, description="Tokens per second.")
    ids: tuple[int, ...]


class EmotionLabel(_Model):
    label: Emotion
    intensity: Intensity


class VisemeKey(_Model):
    """One phoneme of an utterance's speech track (a diphthong gives two keys, one per shape)."""

    phoneme: str = Field(
        description="ARPAbet phoneme with its stress digit (e.g. 'B', 'AA1'), or 'sil' for a "
        "pause between words."
    )
    viseme: Viseme
    start: Seconds
    end: Seconds
    weight: Intensity = Field(
        description="How far the mouth goes to the viseme's shape: 1 for consonants and "
        "stressed vowels, less for unstressed ones."
    )


def _is_none(value: object) -> bool:
    return value is None


def _is_false(value: object) -> bool:
    return value is False


class PlanUtterance(_Model):
    id: str
    speaker: str
    addressees: tuple[str, ...]
    text: str
    start: Seconds
    end: Seconds
    words: tuple[Word, ...]
    emotion: EmotionLabel
    intent: str
    planned_by: str | None = Field(
        default=None,
        description="Which planner directed the line: rules, llm or hybrid; rules where they "
        "stood in for a model (see fallback). None in plans made before schema 1.1.",
    )
    fallback: ModelFallback | None = Field(
        default=None,
        description="Why the rules directed the line in the model's place; None when they did "
        "not have to.",
    )
    visemes: tuple[VisemeKey, ...] | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The line's speech track: phonemes with their visemes, times and weights, in "
        "time order. Left out, the exports derive it from the words (schema 1.2).",
    )
    voice_over: bool = Field(
        default=False,
        exclude_if=_is_false,
        description="A voice-over (a V.O. cue): heard, not said on screen, so the speaker's "
        "mouth stays still in the plan and the face exports; left out when false (schema 1.4).",
    )
    language: LanguageTag | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The language the line is said in (a BCP 47 tag), where the script states "
        "it or its writing tells; it decides how the line's words are said where their "
        "writing does not (a `ja` line of kanji alone is Japanese). Left out when unknown "
        "(schema 1.5).",
    )

    def mouthed_by(self, character: str) -> bool:
        """Whether `character` says this line on screen: their own line, not a voice-over."""
        return self.speaker == character and not self.voice_over


class PlanAction(_Model):
    id: str
    text: str
    start: Seconds
    end: Seconds


class PlanBeat(_Model):
    index: int
    heading: str | None
    start: Seconds
    end: Seconds
    characters: tuple[str, ...]
    stage: tuple[StageChange, ...] = Field(
        default=(), exclude_if=lambda value: value == (), description=STAGE_DESCRIPTION
    )


class SceneInfo(_Model):
    title: str | None
    source: str | None
    duration: Seconds
    fps: int = Field(default=30, ge=1)
    planner: str
    seed: int


class CharacterTrack(_Model):
    name: str
    events: tuple[Event, ...]
    tokens: CodebookTokens | None = None


class MotionPlan(_Model):
    schema_version: Literal["1.6"] = SCHEMA_VERSION
    scene: SceneInfo
    beats: tuple[PlanBeat, ...]
    utterances: tuple[PlanUtterance, ...]
    actions: tuple[PlanAction, ...] = ()
    characters: tuple[CharacterTrack, ...]

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        # 1.1 to 1.6 only added optional fields and lexemes: an older plan is a valid newer one.
        if isinstance(data, Mapping) and data.get("schema_version") in _UPGRADED_VERSIONS:
            return {**data, "schema_version": SCHEMA_VERSION}
        return data

    def fallback_summary(self) -> str | None:
        """One line saying which lines the rules directed in a model's place and why, e.g.
        'the LLM could not direct 23 of 23 lines; the rules planner did: cannot reach
        http://localhost:8000/v1: connection refused (u1, u2, u3 and 20 more)'; None when
        no line fell back."""
        return describe_fallbacks((u.id, u.fallback) for u in self.utterances)

    def opens_in(self, event: PostureEvent) -> bool:
        """Whether `event` is a posture its beat opens on (`STATE_POSTURES`, from the beat's
        start): held from the beat's first frame, with no transition into it."""
        return event.lexeme in STATE_POSTURES and any(
            abs(event.start - beat.start) < 1e-3 for beat in self.beats
        )

    def character(self, name: str) -> CharacterTrack:
        for track in self.characters:
            if track.name == name:
                return track
        raise KeyError(name)

    def to_json(self) -> str:
        """Canonical JSON: same plan, same bytes."""
        return self.model_dump_json(indent=2) + "\n"


def motion_plan_json_schema() -> dict[str, object]:
    schema = MotionPlan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://motiondirector.dev/schema/motion-plan-{SCHEMA_VERSION}.json"
    return schema
