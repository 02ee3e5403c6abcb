"""Fountain screenplay text -> ParsedScript, with the source line of every element.

Follows the Fountain 1.1 syntax (fountain.io/syntax) for what direction needs: the title page
(its Title, and its Language: see `scene.language`), scene headings, action, character cues
with extensions and dual dialogue, parentheticals, dialogue, lyrics, transitions and centered
text. Sections, synopses and page breaks are read and dropped. Indentation is ignored.
Transitions produce nothing: they are editing, not performance.

Standalone lyrics (lines starting with `~` outside a speech) are sung by the last speaker of the
beat, or read as action when nobody has spoken yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from motiondirector.errors import ScriptError
from motiondirector.scene.elements import (
    Element,
    ParsedScript,
    RawAction,
    RawHeading,
    RawTurn,
    SpeechLine,
    Wryly,
)
from motiondirector.scene.language import check_language
from motiondirector.scene.markup import SourceLine, source_lines, strip_emphasis
from motiondirector.scene.names import clean_name

TITLE_PAGE_KEYS = frozenset(
    {
        "title",
        "credit",
        "author",
        "authors",
        "source",
        "draft date",
        "date",
        "contact",
        "copyright",
        "notes",
        "revision",
        "format",
        "language",
    }
)
_TITLE_KEY = re.compile(r"([A-Za-z][A-Za-z ]{0,30}):")
# Russian scripts write ИНТ. (interior) and НАТ. (натура, exterior), or ЭКСТ.; Chinese ones
# 内景 and 外景 (內景 in traditional characters); Japanese ones open a scene with ○ ("○台所（夜）"),
# Korean ones with its number ("S#1. 부엌 - 밤").
_HEADING = re.compile(
    r"(?:INT\.?/EXT|INT|EXT|EST|I/E|I\.?/E|ИНТ\.?/(?:НАТ|ЭКСТ)|ИНТ|НАТ|ЭКСТ)[.\s]"
    r"|(?:内景|外景|內景|内/外景)[.\s\u3002\uff1a:]|[\u25cb\u25ef]\S|S#\d+[.\s]",
    re.IGNORECASE,
)
_STANDARD_TRANSITIONS = frozenset({"FADE IN:", "FADE OUT.", "FADE OUT:", "FADE TO BLACK."})
# Cuts written without "TO:" and the marks of an intercut, a montage, an insert or a flashback:
# "SMASH CUT:", "INTERCUT WITH:", "INTERCUT - JESS/MARK", "SERIES OF SHOTS:", "MONTAGE - RICO
# TRAINS", "INSERT - THE PHOTOGRAPH", "END MONTAGE", "BACK TO SCENE". An action line in
# capitals is longer or says more ("BACK TO THE WALL, SHE SLIDES DOWN.").
_CUT_MARKS = re.compile(
    r"(?:(?:SMASH|MATCH|JUMP|HARD|QUICK|TIME)\s+)?CUT:|DISSOLVE:"
    r"|(?:END\s+)?INTERCUT(?:\s+(?:WITH|BETWEEN)\b[^.!?]{0,60})?[:.]?"
    r"|(?:INTERCUT|MONTAGE|SERIES\s+OF\s+SHOTS|INSERT|FLASHBACK)\s*[-–—:]\s*[^.!?]{0,60}[.:]?"
    r"|(?:BEGIN\s+|START\s+)?(?:MONTAGE|SERIES\s+OF\s+SHOTS|FLASHBACK)[:.]?"
    r"|END\s+(?:OF\s+)?(?:MONTAGE|SERIES\s+OF\s+SHOTS|INSERT|FLASHBACK)[:.]?"
    r"|BACK\s+TO\s+(?:SCENE|PRESENT(?:\s+DAY)?)[.:]?"
)


def parse_fountain(text: str, *, file: str | None = None) -> ParsedScript:
    lines = source_lines(text, file=file)
    title, language, body = _read_title_page(lines, file)
    builder = _Builder(file)
    for block in _blocks(body):
        builder.add_block(block)
    return ParsedScript(elements=tuple(builder.elements), title=title, language=language)


def is_title_page_start(line: str) -> bool:
    match = _TITLE_KEY.match(line)
    return bool(match and match.group(1).strip().lower() in TITLE_PAGE_KEYS)


def _read_title_page(
    lines: list[SourceLine], file: str | None
) -> tuple[str | None, str | None, list[SourceLine]]:
    """The title, the stated language (`Language: ja`) and the lines after the title page."""
    start = 0
    while start < len(lines) and not lines[start].text.strip():
        start += 1
    if start == len(lines) or not is_title_page_start(lines[start].text):
        return None, None, lines
    values: dict[str, list[SourceLine]] = {}
    key = ""
    end = start
    while end < len(lines) and lines[end].text.strip():
        number, text = lines[end]
        match = _TITLE_KEY.match(text)
        if match and not text[:1].isspace():
            key = match.group(1).strip().lower()
            values.setdefault(key, []).append(SourceLine(number, text[match.end() :]))
        else:
            values.setdefault(key, []).append(lines[end])
        end += 1
    parts = [normalize(strip_emphasis(value.text)) for value in values.get("title", [])]
    title = " ".join(part for part in parts if part) or None
    return title, _stated_language(values.get("language", []), file), lines[end:]


def _stated_language(values: list[SourceLine], file: str | None) -> str | None:
    """The title page's `Language:` value, checked; None when it has none (or it is empty)."""
    stated = [value for value in values if value.text.strip()]
    if not stated:
        return None
    if len(stated) > 1:
        raise ScriptError(
            "the title page states more than one language; give one (Language: ja)",
            line=stated[1].number,
            file=file,
        )
    return check_language(stated[0].text, file=file, line=stated[0].number)


def normalize(text: str) -> str:
    return " ".join(text.split())


def _is_separator(stripped: str) -> bool:
    # Blank lines, sections (#), synopses (=) and page breaks (===) all end a block.
    return not stripped or stripped.startswith(("#", "="))


def _blocks(lines: list[SourceLine]) -> list[list[SourceLine]]:
    blocks: list[list[SourceLine]] = []
    current: list[SourceLine] = []
    for line in lines:
        if _is_separator(line.text.strip()):
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


# A shooting script's scene number on both sides of its heading ("12   INT. OFFICE - DAY
# 12", as a PDF export writes it).
_NUMBERED_HEADING = re.compile(r"(\d{1,4}[A-Z]{0,2})\.?\s+(?P<heading>\S.*?)(?:\s+\1\.?)?")


def _unnumbered(stripped: str) -> str:
    """`stripped` without a scene number on both sides, where what is between is a heading."""
    match = _NUMBERED_HEADING.fullmatch(stripped)
    if match is not None and _HEADING.match(match["heading"]):
        return match["heading"]
    return stripped


def is_heading(stripped: str) -> bool:
    if stripped.startswith(".") and len(stripped) > 1:
        return stripped[1] != "." and not stripped[1].isspace()
    return bool(_HEADING.match(_unnumbered(stripped)))


def heading_text(stripped: str) -> str:
    stripped = _unnumbered(stripped)
    if stripped.startswith("."):
        stripped = stripped[1:]
    # An optional scene number at the end: "INT. HOUSE - DAY #1A#".
    if stripped.endswith("#"):
        opening = stripped.rfind("#", 0, len(stripped) - 1)
        if opening > 0:
            stripped = stripped[:opening]
    return normalize(strip_emphasis(stripped))


# What a script exported from a PDF keeps of its pages: "12.", "CONTINUED:", "(MORE)".
_PAGE_MARK = re.compile(r"\d{1,4}[A-Z]?\.?|\(?CONT(?:INUED|'D|’D)?\)?:?|\(MORE\)", re.IGNORECASE)


def is_page_mark(line: str) -> bool:
    """Whether a line holds only page numbers and continuation marks, no screenplay."""
    words = line.split()
    return bool(words) and all(_PAGE_MARK.fullmatch(word) for word in words)


def is_transition(stripped: str) -> bool:
    if stripped.startswith(">") and not stripped.endswith("<"):
        return True
    upper = stripped == stripped.upper()
    return upper and (
        stripped.endswith("TO:")
        or stripped in _STANDARD_TRANSITIONS
        or _CUT_MARKS.fullmatch(stripped) is not None
    )


def is_centered(stripped: str) -> bool:
    return len(stripped) >= 2 and stripped.startswith(">") and stripped.endswith("<")


UNCASED_NAME_MAX = 16
"""Longest cue, in characters, of a script without upper case (Chinese, Arabic, Thai...): such
a line before dialogue is taken as a name, as an upper-case one is, where it is this short."""


@dataclass(frozen=True)
class Cue:
    name: str
    extension: str | None
    dual: bool


def parse_cue(stripped: str) -> Cue | None:
    """A character cue ("STEEL", "BRICK ^", "@McClane", "ANA (V.O.)"), or None."""
    forced = stripped.startswith("@")
    text = stripped[1:] if forced else stripped
    dual = text.endswith("^")
    if dual:
        text = text[:-1].rstrip()
    extensions: list[str] = []
    while text.endswith(")"):
        opening = text.rfind("(")
        inner = text[opening + 1 : -1]
        if opening < 0 or ")" in inner:
            break
        extensions.insert(0, normalize(inner).upper())
        text = text[:opening].rstrip()
    name = clean_name(normalize(strip_emphasis(text)))
    if not any(char.isalpha() for char in name):
        return None
    cased = any(char.isupper() or char.islower() for char in name)
    if not forced and cased and (name != name.upper() or not any(c.isupper() for c in name)):
        return None
    if not forced and not cased and len(name) > UNCASED_NAME_MAX:
        return None  # a line of a script without case (李雷, ليلى) is a name only when short
    if not forced and name.endswith(
        (",", "!", "?", ":", ";", "。", "！", "？", "，", "：", "；", "、")
    ):
        return None  # a shouted action line ("BOOM!"), not a name
    extension = ", ".join(e for e in extensions if e) or None
    return Cue(name=name.upper(), extension=extension, dual=dual)


@dataclass
class _Builder:
    file: str | None = None
    elements: list[Element] = field(default_factory=list)
    last_speaker: str | None = None

    def add_block(self, block: list[SourceLine]) -> None:
        index = 0
        at_start = True
        while index < len(block):
            line = block[index]
            stripped = line.text.strip()
            if stripped.startswith("!"):
                self._action(block[index:], first_text=stripped[1:])
                return
            if at_start and is_heading(stripped):
                self.elements.append(RawHeading(heading_text(stripped), line.number))
                self.last_speaker = None
                index += 1
                continue
            if is_centered(stripped):
                index = self._centered(block, index)
                at_start = False
                continue
            if at_start and is_transition(stripped):
                index += 1
                continue
            if at_start and index + 1 < len(block):
                cue = parse_cue(stripped)
                if cue is not None:
                    self._dialogue(cue, line.number, block[index + 1 :])
                    return
            if stripped.startswith("~"):
                index = self._lyrics(block, index)
                at_start = False
                continue
            if not all(is_page_mark(rest.text) for rest in block[index:]):
                self._action(block[index:], first_text=stripped)
            return

    def _action(self, lines: list[SourceLine], *, first_text: str) -> None:
        texts = [first_text, *(line.text for line in lines[1:])]
        text = normalize(strip_emphasis(" ".join(texts)))
        if text:
            self.elements.append(RawAction(text, lines[0].number))

    def _centered(self, block: list[SourceLine], index: int) -> int:
        first = index
        texts = []
        while index < len(block) and is_centered(stripped := block[index].text.strip()):
            texts.append(stripped[1:-1])
            index += 1
        text = normalize(strip_emphasis(" ".join(texts)))
        if text:
            self.elements.append(RawAction(text, block[first].number, centered=True))
        return index

    def _lyrics(self, block: list[SourceLine], index: int) -> int:
        first = index
        lines: list[SpeechLine] = []
        while index < len(block) and (stripped := block[index].text.strip()).startswith("~"):
            lines.append(SpeechLine(normalize(strip_emphasis(stripped[1:]))))
            index += 1
        if self.last_speaker is None:
            text = normalize(" ".join(line.text for line in lines))
            if text:
                self.elements.append(RawAction(text, block[first].number))
        else:
            self.elements.append(RawTurn(self.last_speaker, tuple(lines), block[first].number))
        return index

    def _dialogue(self, cue: Cue, number: int, body: list[SourceLine]) -> None:
        segments: list[SpeechLine | Wryly] = []
        index = 0
        while index < len(body):
            stripped = body[index].text.strip()
            closing = _parenthetical_end(body, index) if stripped.startswith("(") else None
            if closing is None and stripped.startswith("(") and _never_closed(body, index):
                raise ScriptError(
                    f"the parenthetical {stripped[:40]!r} is never closed; end it with ')'",
                    line=body[index].number,
                    file=self.file,
                )
            if closing is not None:
                joined = " ".join(line.text.strip() for line in body[index : closing + 1])
                segments.append(Wryly(normalize(strip_emphasis(joined[1:-1]))))
                index = closing + 1
                continue
            if stripped.startswith("~"):
                stripped = stripped[1:]
            segments.append(SpeechLine(normalize(strip_emphasis(stripped))))
            index += 1
        self.elements.append(RawTurn(cue.name, tuple(segments), number, cue.extension, cue.dual))
        self.last_speaker = cue.name


def _never_closed(body: list[SourceLine], index: int) -> bool:
    """Whether the bracket opening line `index` has no ')' after it in the speech: a
    wryly left open would otherwise be said aloud ("(smiling" read as words)."""
    return not any(")" in line.text for line in body[index:])


def _parenthetical_end(body: list[SourceLine], index: int) -> int | None:
    """Index of the line closing a parenthetical opened at `index` (it may wrap lines).

    None when the line is speech that merely starts with a bracket: "(sighs) I know." is read
    by the speech splitter as a parenthetical followed by words.
    """
    for end in range(index, len(body)):
        stripped = body[end].text.strip()
        if end > index and "(" in stripped:
            return None
        closing = stripped.find(")")
        if closing == len(stripped) - 1:
            return end
        if closing >= 0:
            return None
    return None
