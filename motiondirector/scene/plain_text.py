"""Plain-text dialogue -> ParsedScript: one `NAME: line` per turn, other lines are action.

A speaker name is one to four words, each starting with an upper-case letter or a digit
("Ana", "DR. WHO", "Patron 2"), optionally followed by an extension in brackets
("ANA (V.O.): ..."). The colon may be fullwidth, as Chinese and Japanese write it
("李明：你好。"). The line may start with a parenthetical: "BEN: (quietly) Go.".
A line that is a scene heading (INT./EXT. ...) starts a new beat. Blank lines are ignored.
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
from motiondirector.speech.scripts import marks_as_letters

_NAME_WORD = r"[^\W\d_][\w.'’\-\u200c\u200d]{0,24}|\d[\w.'’\-]{0,24}"
_TURN = re.compile(
    rf"\s{{0,8}}(?P<name>(?:{_NAME_WORD})(?: (?:{_NAME_WORD})){{0,3}})"
    r"(?:\s{0,4}[(（](?P<extension>[^()（）]{1,20})[)）])?\s{0,4}[:：](?P<text>.*)"
)


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


def looks_like_plain_text(text: str) -> bool:
    """True when most non-empty lines read `NAME: line`."""
    lines = [line for line in normalize_newlines(text).split("\n") if line.strip()]
    turns = sum(1 for line in lines if match_turn(line) is not None)
    return bool(lines) and turns * 2 > len(lines)


def parse_plain_text(text: str) -> ParsedScript:
    elements: list[Element] = []
    for number, line in enumerate(normalize_newlines(text).split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        turn = match_turn(line)
        if turn is not None:
            speaker, extension, spoken = turn
            elements.append(RawTurn(speaker, (SpeechLine(spoken),), number, extension))
        elif is_heading(stripped) and not stripped.startswith("."):
            elements.append(RawHeading(heading_text(stripped), number))
        else:
            elements.append(RawAction(normalize(stripped), number))
    return ParsedScript(elements=tuple(elements))
