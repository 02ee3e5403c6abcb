"""Plain-text dialogue -> ParsedScript: one `NAME: line` per turn, other lines are action.

A speaker name is one to four words, each starting with an upper-case letter or a digit
("Ana", "DR. WHO", "Patron 2"), optionally followed by an extension in brackets
("ANA (V.O.): ..."). The colon may be fullwidth, as Chinese and Japanese write it
("李明：你好。"). The line may start with a parenthetical: "BEN: (quietly) Go.".
A script whose turns are mostly written as plays print them, the name in capitals and a full
stop ("LADY BRACKNELL. You can take a seat."), is read in that form instead. A turn may start
with a transcript's time stamp ("[00:01:04] Ana: ...", "01:04 - ANA: ..."), which times it
(`RawTurn.stamp`). A line that is a scene heading (INT./EXT. ...) starts a new beat. Blank
lines are ignored.
"""

from __future__ import annotations

import re

from motiondirector.scene.elements import (
    Element,
    ParsedScript,
    RawAction,
    RawHeading,
    RawTurn,
    SpeechLine,
)
from motiondirector.scene.fountain import heading_text, is_heading, normalize
from motiondirector.scene.markup import normalize_newlines
from motiondirector.scene.names import TITLES
from motiondirector.speech.scripts import marks_as_letters

_NAME_WORD = r"[^\W\d_][\w.'’\-\u200c\u200d]{0,24}|\d[\w.'’\-]{0,24}"
_TURN = re.compile(
    rf"\s{{0,8}}(?P<name>(?:{_NAME_WORD})(?: (?:{_NAME_WORD})){{0,3}})"
    r"(?:\s{0,4}[(（](?P<extension>[^()（）]{1,20})[)）])?\s{0,4}[:：](?P<text>.*)"
)


# "LADY BRACKNELL. You can ...": a play's cue, one to four words in capitals (a title with its
# full stop inside, "DR. CHASUBLE.") and a full stop.
_DOTTED_TURN = re.compile(
    r"\s{0,8}(?P<name>(?:[^\W\d_]{1,24}\.? ){0,3}[^\W\d_]{2,24})\.\s+(?P<text>\S.*)"
)
_STAMP = re.compile(
    r"\s{0,8}[\[(]?(?:(?P<hours>\d{1,2}):)?(?P<minutes>\d{1,2}):(?P<seconds>\d{2}(?:[.,]\d{1,3})?)"
    r"[\])]?\s{0,4}(?:[-\u2013\u2014|]\s{0,4})?"
)


def time_stamp(line: str) -> tuple[float | None, str]:
    """(the seconds of a time stamp the line starts with, the line after it); (None, line)
    without one. Stamps read as [HH:]MM:SS[.fff], in brackets or not."""
    match = _STAMP.match(line)
    if match is None or match.end() == len(line):
        return None, line
    seconds = float(match["seconds"].replace(",", "."))
    seconds += 60 * int(match["minutes"]) + 3600 * int(match["hours"] or 0)
    return seconds, line[match.end() :]


def without_invisibles(line: str) -> str:
    """The line without bidirectional marks, zero-width spaces and byte-order marks: they
    carry no speech and would hide a `NAME:` from the reader."""
    return line.translate(_INVISIBLE)


_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
)
# Joiners shape the letters of some scripts inside a word; a name is matched without them.
_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d"))


def match_turn(line: str) -> tuple[str, str | None, str] | None:
    """(speaker, extension, text) when a line reads `NAME: text`, else None. Each word of the
    name starts with a capital, a digit or a letter of a script without case (Arabic, CJK)."""
    line = without_invisibles(line)
    match = _TURN.match(marks_as_letters(line))
    if match is None:
        return None

    def written(group: str) -> str | None:
        return line[match.start(group) : match.end(group)] if match[group] is not None else None

    name = (written("name") or "").translate(_JOINERS)
    text = (written("text") or "").strip()
    if not text or any(word[0].islower() for word in name.split()):
        return None
    extension = written("extension")
    return name.upper(), normalize(extension).upper() if extension else None, text


def match_dotted_turn(line: str) -> tuple[str, None, str] | None:
    """(speaker, None, text) when a line reads as a play prints a turn, `NAME. text` with the
    name in capitals, else None. A scene heading ("INT. KITCHEN") is none, nor a title's full
    stop ("MR. SMITH reads.")."""
    match = _DOTTED_TURN.match(without_invisibles(line))
    if match is None or not match["name"].isupper() or is_heading(line.strip()):
        return None
    if match["name"].split()[-1].lower() in TITLES:
        return None
    return match["name"], None, match["text"].strip()


def looks_like_plain_text(text: str) -> bool:
    """True when most non-empty lines read `NAME: line` (or `NAME. line`)."""
    lines = [line for line in normalize_newlines(text).split("\n") if line.strip()]
    return bool(lines) and max(_turn_counts(lines)) * 2 > len(lines)


def _turn_counts(lines: list[str]) -> tuple[int, int]:
    """How many of `lines` read as `NAME: line`, and how many as `NAME. line`; the second
    counts only where at least two people speak so ("THUNDER. RAIN lashes the glass." is a
    screenplay's action)."""
    unstamped = [time_stamp(line)[1] for line in lines]
    colons = sum(1 for line in unstamped if match_turn(line) is not None)
    dotted = [turn for turn in map(match_dotted_turn, unstamped) if turn is not None]
    speakers = {speaker for speaker, _, _ in dotted}
    return colons, len(dotted) if len(speakers) >= 2 else 0


def parse_plain_text(text: str) -> ParsedScript:
    elements: list[Element] = []
    lines = normalize_newlines(text).split("\n")
    colons, dots = _turn_counts([line for line in lines if line.strip()])
    match = match_dotted_turn if dots > colons else match_turn
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        stamp, unstamped = time_stamp(line)
        turn = match(unstamped)
        if turn is not None:
            speaker, extension, spoken = turn
            elements.append(RawTurn(speaker, (SpeechLine(spoken),), number, extension, stamp=stamp))
        elif is_heading(stripped) and not stripped.startswith("."):
            elements.append(RawHeading(heading_text(stripped), number))
        else:
            elements.append(RawAction(normalize(stripped), number))
    return ParsedScript(elements=tuple(elements))
