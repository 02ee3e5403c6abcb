"""The Scene contract: what `scene/` produces from a script and every planner reads.

A Scene is the script reduced to what direction needs: characters, beats (scene headings),
utterances with word timings, parentheticals and addressees, and action lines with times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

Seconds = Annotated[float, Field(ge=0.0, description="Time in seconds from the scene start.")]
LANGUAGE_TAG_PATTERN = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*"
"""A BCP 47 language tag as far as it is checked: a language subtag, then optional subtags
(script, region, variant): ja, zh-Hans, pt-BR, en-GB."""
LANGUAGE_TAG_MAX = 35
_LANGUAGE_TAG = re.compile(LANGUAGE_TAG_PATTERN)
LanguageTag = Annotated[
    str,
    Field(
        pattern=f"^{LANGUAGE_TAG_PATTERN}$",
        max_length=LANGUAGE_TAG_MAX,
        description="A BCP 47 language tag: ja, zh-Hans, vi, en-GB.",
    ),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PhonemeTiming(_Frozen):
    """A phoneme of a word as the caller's TTS engine timed it."""

    phoneme: str = Field(description="ARPAbet phoneme, stress digit optional: 'HH', 'AH0'.")
    start: Seconds
    end: Seconds


def _is_none(value: object) -> bool:
    return value is None


def _is_empty(value: object) -> bool:
    return value == ()


class Word(_Frozen):
    text: str = Field(description="The word as written, with attached punctuation.")
    start: Seconds
    end: Seconds
    phonemes: tuple[PhonemeTiming, ...] | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The word's phonemes as the caller timed them, used as given; left out, "
        "they come from the pronouncing dictionary and are timed inside the word.",
    )


def language_problem(tag: str) -> str | None:
    """What is wrong with `tag` as a language tag, or None if nothing is."""
    if len(tag) <= LANGUAGE_TAG_MAX and _LANGUAGE_TAG.fullmatch(tag):
        return None
    shown = tag if len(tag) <= 40 else tag[:40] + "..."
    return f"language {shown!r} is not a BCP 47 language tag (ja, zh-Hans, vi, en-GB)"


def primary_language(tag: str | None) -> str | None:
    """The language subtag of a BCP 47 tag, lower-cased ("zh" of "zh-Hans"); None for None."""
    return None if tag is None else tag.partition("-")[0].lower()


def is_voice_over(extension: str | None) -> bool:
    """Whether a cue extension ("V.O.", "v.o", "V. O.") marks a voice-over: a line the audience
    hears that nobody says on screen, and that the others on stage do not hear."""
    return extension is not None and "V.O" in extension.replace(" ", "").upper()


def is_off_screen(extension: str | None) -> bool:
    """Whether a cue extension ("O.S.", "O.C.", "OFF") marks a line said by someone the camera
    does not see: the others hear it, and it does not bring its speaker on stage."""
    if extension is None:
        return False
    squeezed = extension.replace(" ", "").replace(".", "").upper()
    return squeezed in ("OS", "OC", "OFF", "OFFSCREEN", "OFF-SCREEN") or is_voice_over(extension)


class Parenthetical(_Frozen):
    text: str = Field(description="The wryly without brackets, e.g. 'smiling'.")
    before_word: int = Field(
        ge=0, description="Index of the word it precedes; len(words) when it ends the line."
    )


class Utterance(_Frozen):
    id: str = Field(description="Stable id in script order: u1, u2, ...")
    speaker: str = Field(description="Character name in upper case, as in the cue.")
    addressees: tuple[str, ...] = Field(
        default=(), description="Who the line is spoken to; inferred when the script is silent."
    )
    text: str = Field(description="The spoken text, markup removed.")
    words: tuple[Word, ...]
    start: Seconds
    end: Seconds
    parentheticals: tuple[Parenthetical, ...] = ()
    extension: str | None = Field(default=None, description="Cue extension: V.O., O.S., CONT'D")
    dual: bool = Field(default=False, description="Spoken at the same time as the previous line.")
    beat: int = Field(default=0, ge=0, description="Index of the beat (scene) it belongs to.")
    line: int | None = Field(default=None, description="1-based line in the source file.")
    language: LanguageTag | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The language the line is said in, where the script states it or its "
        "writing tells (`scene.language`); None where neither does.",
    )

    @property
    def voice_over(self) -> bool:
        """A voice-over (see `is_voice_over`): no lips move, nobody on stage listens."""
        return is_voice_over(self.extension)

    def mouthed_by(self, character: str) -> bool:
        """Whether `character` says this line on screen: their own line, not a voice-over."""
        return self.speaker == character and not self.voice_over


class ActionLine(_Frozen):
    id: str = Field(description="Stable id in script order: a1, a2, ...")
    text: str
    start: Seconds
    end: Seconds
    beat: int = Field(default=0, ge=0)
    line: int | None = None
    language: LanguageTag | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The language the action is written in, where the script states it or "
        "its writing tells (`scene.language`); None where neither does (read as English).",
    )


StageChangeKind = Literal["enters", "exits"]


class StageChange(_Frozen):
    """A character coming on or going off during a beat, as an action line says ("DOCTOR
    enters.", "Ben storms out."), or a line: its parenthetical ("(entering)", "(leaving)") or
    its speaker saying it on screen while off stage."""

    character: str
    time: Seconds
    change: StageChangeKind
    action_id: str | None = Field(
        default=None, exclude_if=_is_none, description="The action line that says so."
    )
    utterance_id: str | None = Field(
        default=None,
        exclude_if=_is_none,
        description='The line that says so: its parenthetical ("(leaving)"), or its speaker, '
        "off stage, saying it on screen.",
    )


STAGE_DESCRIPTION = (
    "Entrances and exits during the beat, in time order. A character whose first change is "
    "an entrance is off stage from the beat's start until it; one who exits is off stage "
    "from then until an entrance."
)


class Beat(_Frozen):
    index: int = Field(ge=0)
    heading: str | None = Field(
        default=None, description="Scene heading, e.g. 'INT. KITCHEN - DAY'."
    )
    start: Seconds
    end: Seconds
    characters: tuple[str, ...] = Field(
        default=(),
        description="Characters on stage during the beat (for all of it or, after `stage`, "
        "part of it), in order of appearance.",
    )
    stage: tuple[StageChange, ...] = Field(
        default=(), exclude_if=_is_empty, description=STAGE_DESCRIPTION
    )


class StagedBeat(Protocol):
    """A beat of a scene or of a plan: its span, cast and entrances and exits."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def characters(self) -> tuple[str, ...]: ...
    @property
    def stage(self) -> tuple[StageChange, ...]: ...


def stage_spans(beat: StagedBeat, name: str) -> list[tuple[float, float]]:
    """When `name` is on stage during `beat`, as (start, end) spans of positive length."""
    if name not in beat.characters:
        return []
    if not beat.stage:
        return [(beat.start, beat.end)] if beat.end > beat.start else []
    changes = [c for c in beat.stage if c.character == name]
    on_since: float | None = None if changes and changes[0].change == "enters" else beat.start
    spans: list[tuple[float, float]] = []
    for change in changes:
        time = min(max(change.time, beat.start), beat.end)
        if change.change == "enters" and on_since is None:
            on_since = time
        elif change.change == "exits" and on_since is not None:
            spans.append((on_since, time))
            on_since = None
    if on_since is not None:
        spans.append((on_since, beat.end))
    return [(start, end) for start, end in spans if end > start]


def on_stage_at(beat: StagedBeat, time: float) -> tuple[str, ...]:
    """Who of `beat` is on stage at `time`, in the beat's order (at an entrance's own time
    the character is on; at an exit's, off)."""
    if not beat.stage:
        return beat.characters
    return tuple(
        name
        for name in beat.characters
        if any(
            start <= time < end or (time >= end == beat.end)
            for start, end in stage_spans(beat, name)
        )
    )


def on_stage_spans(beats: Sequence[StagedBeat], name: str) -> list[tuple[float, float]]:
    """When `name` is on stage in the whole scene: the spans of every beat in order."""
    return [span for beat in beats for span in stage_spans(beat, name)]


MAX_LISTENERS = 8
"""Listeners who attend to one line in a crowd (see `Scene.attending`)."""


class Scene(_Frozen):
    title: str | None = None
    source: str | None = Field(default=None, description="File the scene was read from.")
    characters: tuple[str, ...] = Field(description="Every character, in order of appearance.")
    beats: tuple[Beat, ...]
    utterances: tuple[Utterance, ...]
    actions: tuple[ActionLine, ...] = ()
    duration: Seconds

    def utterance(self, utterance_id: str) -> Utterance:
        for utterance in self.utterances:
            if utterance.id == utterance_id:
                return utterance
        raise KeyError(utterance_id)

    def on_stage(self, beat: int, time: float | None = None) -> tuple[str, ...]:
        """Who is on stage in `beat`: at `time` when given (see `Beat.stage`), else at any
        time of it."""
        if beat >= len(self.beats):
            return self.characters
        if time is None:
            return self.beats[beat].characters
        return on_stage_at(self.beats[beat], time)

    def attending(self) -> dict[str, tuple[str, ...]]:
        """Per utterance id, who listens to it: everyone else on stage, in stage order, and
        nobody for a voice-over. In a
        crowd (more than `MAX_LISTENERS` others) only `MAX_LISTENERS` attend: those the line is
        addressed to, then those who spoke or were spoken to most recently in the beat. A
        long scene with a big cast then costs listener behaviour in proportion to its lines."""
        attending: dict[str, tuple[str, ...]] = {}
        last_active: dict[str, int] = {}
        beat: int | None = None
        for position, utterance in enumerate(self.utterances):
            if utterance.beat != beat:
                beat, last_active = utterance.beat, {}
            if utterance.voice_over:
                attending[utterance.id] = ()
                continue
            others = [
                c for c in self.on_stage(utterance.beat, utterance.start) if c != utterance.speaker
            ]
            if len(others) > MAX_LISTENERS:
                order = {name: index for index, name in enumerate(others)}
                ranked = sorted(
                    others,
                    key=lambda c: (
                        c not in utterance.addressees,
                        -last_active.get(c, -1),
                        order[c],
                    ),
                )
                chosen = set(ranked[:MAX_LISTENERS])
                others = [c for c in others if c in chosen]
            attending[utterance.id] = tuple(others)
            for name in (utterance.speaker, *utterance.addressees):
                last_active[name] = position
        return attending
