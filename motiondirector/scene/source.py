"""Raw script input: size limits, decoding bytes, rejecting binary data, detecting the format.

Everything here runs before any parser, so a parser may assume text that is within the size
limit, contains no NUL character and no surrogate (nor, in JSON, an escape of a NUL or of a lone
surrogate) and does not start with a byte-order mark.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from typing import Literal

from motiondirector.errors import InputTooLargeError, ScriptError
from motiondirector.scene.fountain import is_title_page_start
from motiondirector.scene.markup import normalize_newlines
from motiondirector.scene.plain_text import looks_like_plain_text

Format = Literal["fountain", "fdx", "json", "text"]

SUFFIX_FORMATS: dict[str, Format | None] = {
    ".fountain": "fountain",
    ".spmd": "fountain",
    ".fdx": "fdx",
    ".json": "json",
    ".txt": None,  # plain text or Fountain: detect
}

_SURROGATE = re.compile("[\ud800-\udfff]")
# Every JSON escape, consumed left to right so that `\\ud800` (an escaped backslash, then
# `ud800`) is not taken for a `\ud800` escape.
_JSON_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)


def too_large(size: int, max_bytes: int, file: str | None) -> InputTooLargeError:
    return InputTooLargeError(
        f"the script is {size:,} bytes, over the limit of {max_bytes:,} bytes (max_bytes)",
        file=file,
    )


def check_size(text: str, max_bytes: int, file: str | None) -> None:
    # Counting characters first avoids encoding a huge string just to learn it is too big.
    if len(text) > max_bytes:
        raise too_large(len(text.encode("utf-8", errors="surrogatepass")), max_bytes, file)
    if len(text) * 4 > max_bytes:
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > max_bytes:
            raise too_large(size, max_bytes, file)


# What a screenwriter may hand over instead of a script, by how the file starts.
_DOCUMENTS = (
    ("%PDF-", "a PDF document"),
    ("{\\rtf", "an RTF document"),
    ("PK\x03\x04", "a Word (.docx) document or another ZIP archive"),
    ("\xd0\xcf\x11\xe0", "a Word 97-2003 (.doc) document"),
)


def _not_a_script(start: str, file: str | None) -> None:
    """A ScriptError saying what the file is and what to export it as, for a document a
    screenwriting tool or word processor wrote (a PDF read on was one character, "%PDF-1.4",
    speaking PDF syntax)."""
    for magic, what in _DOCUMENTS:
        if start.startswith(magic):
            raise ScriptError(
                f"this is {what}, not a script: save or export it as Fountain (.fountain), "
                "Final Draft (.fdx) or plain text",
                line=1,
                file=file,
            )


def decode_script(data: bytes, file: str | None) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; else a ScriptError at the bad line.
    A PDF, RTF or Word document is refused as such."""
    _not_a_script(data[:8].decode("latin-1"), file)
    encoding = "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if encoding == "utf-16":
            line = data[: error.start].decode("utf-16", errors="replace").count("\n") + 1
        raise ScriptError(
            f"the file is not valid {encoding.upper().replace('-SIG', '')} text "
            f"(byte {error.start}); is it a binary file?",
            line=line,
            file=file,
        ) from None


def check_text(text: str, file: str | None) -> str:
    """Reject binary content, text that is not Unicode and empty scripts; return the text
    without a leading BOM, in Unicode normal form C (composed: "e" + U+0308 is "ë").

    A surrogate code point (U+D800–U+DFFF) cannot be encoded, so nothing downstream could
    handle it: one in the text, or a JSON escape of a lone one (`\\ud800`) in text that reads
    as JSON, is a ScriptError naming its line. So is a NUL, raw or escaped (`\\u0000`).
    """
    _not_a_script(text[:8].lstrip("\ufeff"), file)
    nul = text.find("\x00")
    if nul >= 0:
        raise ScriptError(
            "the script contains a NUL character; is it a binary file?",
            line=_line_at(text, nul),
            file=file,
        )
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        line = _line_at(text, surrogate.start())
        raise ScriptError(
            f"line {line} contains a lone surrogate (U+{ord(surrogate[0]):04X}), "
            "which is not Unicode text",
            line=line,
            file=file,
        )
    if text.lstrip().startswith(("{", "[", '"')):
        # JSON decoding turns these escapes into the characters refused above.
        for find, what in (
            (_nul_escape, "a NUL character, which is not text"),
            (_lone_surrogate_escape, "a lone surrogate, which is not Unicode text"),
        ):
            escape = find(text)
            if escape is not None:
                line = _line_at(text, escape.start())
                raise ScriptError(
                    f"line {line} contains the JSON escape {escape[0]}, {what}",
                    line=line,
                    file=file,
                )
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ScriptError("the script is empty", line=1, file=file)
    # One spelling per name: "ZOË" typed composed or decomposed is one character.
    return unicodedata.normalize("NFC", text)


def _line_at(text: str, index: int) -> int:
    return normalize_newlines(text[:index]).count("\n") + 1


def _nul_escape(text: str) -> re.Match[str] | None:
    """The first `\\u0000` escape (not an escaped backslash followed by `u0000`)."""
    if "\\u0000" not in text:
        return None
    for escape in _JSON_ESCAPE.finditer(text):
        if len(escape[0]) == 6 and int(escape[0][2:], 16) == 0:
            return escape
    return None


def _lone_surrogate_escape(text: str) -> re.Match[str] | None:
    """The first `\\uXXXX` escape of a surrogate that is not half of a high-low pair."""
    if "\\" not in text:
        return None
    pending: re.Match[str] | None = None  # a high surrogate waiting for its low half
    for escape in _JSON_ESCAPE.finditer(text):
        unit = int(escape[0][2:], 16) if len(escape[0]) == 6 else -1
        if pending is not None:
            if 0xDC00 <= unit <= 0xDFFF and escape.start() == pending.end():
                pending = None
                continue
            return pending
        if 0xD800 <= unit <= 0xDBFF:
            pending = escape
        elif 0xDC00 <= unit <= 0xDFFF:
            return escape
    return pending


def detect_format(text: str) -> Format:
    """Final Draft when it starts as XML; JSON when it parses as a JSON object or array of
    turns; plain text when most lines read `NAME: line`; Fountain otherwise."""
    head = text.lstrip()
    if head.startswith(("<?xml", "<FinalDraft")):
        return "fdx"  # no screenplay starts with an XML declaration: report XML errors as such
    if head.startswith("{"):
        return "json"  # no screenplay starts with a brace: report JSON errors as such
    if head.startswith("[") and not head.startswith("[["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
            return "json"
    first_line = head.split("\n", 1)[0]
    if not is_title_page_start(first_line) and looks_like_plain_text(text):
        return "text"
    return "fountain"
