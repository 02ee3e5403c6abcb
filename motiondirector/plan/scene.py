"""The Scene contract: what `scene/` produces from a script and every planner reads.

A Scene is the script reduced to what direction needs: characters, beats (scene headings),
utterances with word timings, parentheticals and addressees, and action lines with times.
"""

from __future__ import annotations

import re
from typing import Annotated

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


class Beat(_Frozen):
    index: int = Field(ge=0)
    heading: str | None = Field(
        default=None, description="Scene heading, e.g. 'INT. KITCHEN - DAY'."
    )
    start: Seconds
    end: Seconds
    characters: tuple[str, ...] = Field(
        default=(), description="Characters on stage during the beat, in order of appearance."
    )


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

    def on_stage(self, beat: int) -> tuple[str, ...]:
        return self.beats[beat].characters if beat < len(self.beats) else self.characters

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
            others = [c for c in self.on_stage(utterance.beat) if c != utterance.speaker]
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
