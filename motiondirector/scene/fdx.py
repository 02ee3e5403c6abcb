"""Final Draft screenplays (`.fdx`, the XML Final Draft 8 and later save) -> ParsedScript, with
the file's line of every element.

A Final Draft document keeps the script as typed paragraphs (`<Paragraph Type="...">` with
`<Text>` runs) under `<FinalDraft><Content>`; the title page is a second `<Content>` under
`<TitlePage>`. Read for what direction needs:

- `Scene Heading` starts a beat; `Action`, `General` and `Shot` are action (`Alignment=
  "Center"` makes a centered card, as `>TEXT<` in Fountain); `Character` opens a turn that the
  following `Parenthetical` and `Dialogue` paragraphs fill; a `<DualDialogue>` group's second
  speaker speaks at once with the first. `Transition`, act breaks, outlines and cast lists are
  editing or structure and produce nothing; any other type is read as action.
- A `Dialogue` or `Parenthetical` paragraph with no `Character` before it (the turn was closed
  by another paragraph) is read as action rather than refusing the file; an action paragraph
  that is a transition by Fountain's rule (`FADE OUT.`, `CUT TO:`) produces nothing, and
  Fountain emphasis that converters leave in the text (`**loud**`) is removed, so a script
  converted from Fountain reads as its source.
- The title is the first non-empty paragraph of the title page. Styles (bold, italics) and
  revision marks are dropped; Final Draft shows cues and headings in capitals whatever was
  typed, so names are upper-cased as the writer sees them.

Malformed XML, another root element or a document type declaration (Final Draft writes none;
refusing it keeps entity tricks out) are `ScriptError`s naming the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

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
from motiondirector.scene.fountain import heading_text, is_transition, normalize, parse_cue
from motiondirector.scene.markup import strip_emphasis

_ACTION_TYPES = frozenset({"Action", "General", "Shot"})
_SILENT_TYPES = frozenset(
    {"Transition", "New Act", "End of Act", "Cast List", "Outline", "Outline Body"}
)


@dataclass
class _Paragraph:
    type: str
    line: int
    centered: bool
    dual_group: int | None
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        # Fountain emphasis left in by converters (`**loud**`) is read as Fountain reads it.
        return normalize(strip_emphasis("".join(self.texts)))


@dataclass
class _Reader:
    """Collects the paragraphs of the script body and of the title page, in order."""

    parser: expat.XMLParserType
    file: str | None
    body: list[_Paragraph] = field(default_factory=list)
    title_page: list[_Paragraph] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    current: _Paragraph | None = None
    dual_groups: int = 0
    in_dual: int | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        line = self.parser.CurrentLineNumber
        if not self.path and name != "FinalDraft":
            raise ScriptError(
                f"not a Final Draft file: its root element is <{name}>, not <FinalDraft>",
                line=line,
                file=self.file,
            )
        self.path.append(name)
        if name == "DualDialogue":
            self.dual_groups += 1
            self.in_dual = self.dual_groups
        elif name == "Paragraph" and self._in_content():
            self.current = _Paragraph(
                type=attributes.get("Type", ""),
                line=line,
                centered=attributes.get("Alignment", "").lower() == "center",
                dual_group=self.in_dual,
            )

    def end(self, name: str) -> None:
        self.path.pop()
        if name == "DualDialogue":
            self.in_dual = None
        elif name == "Paragraph" and self.current is not None and self._in_content():
            paragraph, self.current = self.current, None
            if paragraph.type or paragraph.text:  # a DualDialogue's wrapper has neither
                target = self.title_page if "TitlePage" in self.path else self.body
                target.append(paragraph)

    def characters(self, data: str) -> None:
        if self.current is not None and self.path and self.path[-1] == "Text":
            self.current.texts.append(data)

    def _in_content(self) -> bool:
        return "Content" in self.path

    def doctype(self, *args: object) -> None:
        raise ScriptError(
            "a Final Draft file has no document type declaration; this one has, and is refused",
            line=self.parser.CurrentLineNumber,
            file=self.file,
        )


def read_fdx_paragraphs(text: str, file: str | None) -> tuple[list[_Paragraph], list[_Paragraph]]:
    """The paragraphs of the script body and of the title page, with their lines."""
    parser = expat.ParserCreate(encoding="UTF-8")
    reader = _Reader(parser, file)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    parser.StartDoctypeDeclHandler = reader.doctype
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ScriptError(
            f"not a readable Final Draft file: {expat.errors.messages[error.code]} "
            f"(column {error.offset + 1})",
            line=error.lineno,
            file=file,
        ) from None
    return reader.body, reader.title_page


def parse_fdx(text: str, *, file: str | None = None) -> ParsedScript:
    body, title_page = read_fdx_paragraphs(text, file)
    if not any(paragraph.text for paragraph in body):
        raise ScriptError("the Final Draft file has no script paragraphs", line=1, file=file)
    title = next((p.text for p in title_page if p.text), None)
    return ParsedScript(elements=tuple(_elements(body)), title=title)


def _elements(paragraphs: list[_Paragraph]) -> list[Element]:
    elements: list[Element] = []
    turn: RawTurn | None = None
    dual_speakers: dict[int, int] = {}
    for paragraph in paragraphs:
        kind, text = paragraph.type, paragraph.text
        if turn is not None and kind in ("Dialogue", "Parenthetical"):
            segment: SpeechLine | Wryly = SpeechLine(text)
            if kind == "Parenthetical":
                segment = Wryly(normalize(text.removeprefix("(").removesuffix(")")))
            if segment.text:
                turn = RawTurn(
                    turn.speaker,
                    (*turn.segments, segment),
                    turn.line,
                    turn.extension,
                    turn.dual,
                )
                elements[-1] = turn
            continue
        turn = None
        if not text or kind in _SILENT_TYPES or (kind in _ACTION_TYPES and is_transition(text)):
            continue
        if kind == "Scene Heading":
            elements.append(RawHeading(heading_text(text).upper(), paragraph.line))
        elif kind == "Character" and (cue := parse_cue("@" + text)) is not None:
            group = paragraph.dual_group
            dual = group is not None and dual_speakers.get(group, 0) > 0
            if group is not None:
                dual_speakers[group] = dual_speakers.get(group, 0) + 1
            turn = RawTurn(cue.name, (), paragraph.line, cue.extension, dual)
            elements.append(turn)
        else:
            elements.append(RawAction(text, paragraph.line, centered=paragraph.centered))
    # A cue with nothing said (its dialogue left empty) is no turn.
    return [e for e in elements if not (isinstance(e, RawTurn) and not e.segments)]
