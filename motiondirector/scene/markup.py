"""Fountain markup that is not screenplay content: notes, boneyard and emphasis.

`source_lines` removes notes `[[...]]` and boneyard `/*...*/` (both may span lines) while
keeping every remaining line's 1-based number in the file, so later errors can point at it.
A line that held only removed markup disappears rather than becoming a blank line, so a note
between a character cue and its dialogue does not split them. `strip_emphasis` removes the
`*` and `_` emphasis markers (an escaped `\\*` or `\\_` stays as the character).
`blank_asides` blanks an action's asides in brackets for the readers of its words.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from motiondirector.errors import ScriptError


class SourceLine(NamedTuple):
    number: int
    text: str


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_lines(text: str, *, file: str | None = None) -> list[SourceLine]:
    """Lines of a Fountain script with notes and boneyard removed, numbered as in the file."""
    text = normalize_newlines(text)
    kept: list[str] = []
    touched: set[int] = set()  # 0-based lines that lost markup
    position = 0
    line = 0
    while True:
        boneyard = text.find("/*", position)
        note = text.find("[[", position)
        opening = min((i for i in (boneyard, note) if i >= 0), default=-1)
        if opening < 0:
            break
        is_boneyard = opening == boneyard
        closer = "*/" if is_boneyard else "]]"
        closing = text.find(closer, opening + 2)
        open_line = line + text.count("\n", position, opening)
        if closing < 0:
            if is_boneyard:
                raise ScriptError(
                    "boneyard '/*' is never closed with '*/'", line=open_line + 1, file=file
                )
            break  # an unclosed note is ordinary text
        kept.append(text[position:opening])
        removed = text[opening : closing + 2]
        newlines = removed.count("\n")
        kept.append("\n" * newlines)
        touched.update(range(open_line, open_line + newlines + 1))
        line = open_line + newlines
        position = closing + 2
    kept.append(text[position:])
    lines = "".join(kept).split("\n")
    return [
        SourceLine(index + 1, body)
        for index, body in enumerate(lines)
        if index not in touched or body.strip()
    ]


def strip_emphasis(text: str) -> str:
    """Remove Fountain emphasis markers (* ** *** _); keep escaped ones as characters."""
    if "\\" not in text:
        return text.replace("*", "").replace("_", "")
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] in ("*", "_"):
            out.append(text[index + 1])
            index += 2
            continue
        if char not in "*_":
            out.append(char)
        index += 1
    return "".join(out)


ASIDE = re.compile(r"\(([^()]*)\)")
"""An aside in brackets, its words the first group."""
_ENDS_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019]*\s*$")


def blank_asides(text: str) -> str:
    """`text` with its asides in brackets ("(30s)", "(beat)", "(excited)") blanked out, its
    length kept so that offsets still point into `text`. A bracket that holds sentences of its
    own, or all of the text, is a stage direction written in brackets (a play's "(She slams a
    plate down.)", a sitcom's "(KRAMER ENTERS)"): only its brackets are blanked."""

    def blank(aside: re.Match[str]) -> str:
        inner = aside.group(1)
        if _ENDS_SENTENCE.search(inner) or aside.group(0) == text.strip():
            return f" {inner} "
        return " " * len(aside.group(0))

    return ASIDE.sub(blank, text)
