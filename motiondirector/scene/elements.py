"""The parsed form of a script, before timing: what each format parser hands the assembler.

Every format (Fountain, dialogue JSON, plain text) reduces to the same few elements in script
order: scene headings, action paragraphs and turns of speech. Nothing here knows about time
except the word timings a dialogue JSON may bring along; `assemble` lays everything out.
"""

from __future__ import annotations

from dataclasses import dataclass

from motiondirector.plan.scene import PhonemeTiming


@dataclass(frozen=True)
class SpeechLine:
    """One line of spoken text, emphasis markup already removed."""

    text: str


@dataclass(frozen=True)
class Wryly:
    """A parenthetical direction between or before spoken lines, brackets removed."""

    text: str


@dataclass(frozen=True)
class GivenWord:
    """A word with timings supplied by the caller (e.g. from a TTS engine), in seconds, and
    optionally its phonemes as the engine timed them."""

    text: str
    start: float
    end: float
    phonemes: tuple[PhonemeTiming, ...] | None = None


@dataclass(frozen=True)
class RawHeading:
    text: str
    line: int


@dataclass(frozen=True)
class RawAction:
    text: str
    line: int
    # Centered text (title cards) takes screen time but does not put anyone on stage.
    centered: bool = False


@dataclass(frozen=True)
class RawTurn:
    speaker: str
    segments: tuple[SpeechLine | Wryly, ...]
    line: int
    extension: str | None = None
    dual: bool = False
    addressees: tuple[str, ...] | None = None
    words: tuple[GivenWord, ...] | None = None
    # Where the turn is in its document (`turns[3]`), for errors that name a field.
    where: str | None = None
    # The language the turn states for itself (a checked BCP 47 tag), over the script's.
    language: str | None = None
    # A transcript's time stamp for the line, in seconds of its own clock ("[00:01:04] ANA:
    # ..." is 64.0): the first stamped line starts where it falls in the scene, and each later
    # one as many seconds after it as the stamps say, or later where what comes before it
    # runs past that time.
    stamp: float | None = None
    # Where the line starts, in seconds from the scene start (dialogue JSON's `start`), or
    # later where what comes before it runs past that time.
    start: float | None = None


Element = RawHeading | RawAction | RawTurn


@dataclass(frozen=True)
class ParsedScript:
    elements: tuple[Element, ...]
    title: str | None = None
    # Characters the script declares up front; they are on stage in every beat.
    declared_characters: tuple[str, ...] = ()
    # Every character the cast rule finds (scene/cast.py), speakers renamed to match; None
    # where the format names its speakers itself (dialogue JSON).
    cast: tuple[str, ...] | None = None
    # The language the script states for its lines (a checked BCP 47 tag), if any.
    language: str | None = None
