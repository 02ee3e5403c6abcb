"""Raw script input: size limits, decoding bytes, rejecting binary data, detecting the format.

Everything here runs before any parser, so a parser may assume text that is within the size
limit, contains no NUL character and does not start with a byte-order mark.
"""

from __future__ import annotations

import codecs
import json
from typing import Literal

from motiondirector.errors import InputTooLargeError, ScriptError
from motiondirector.scene.fountain import is_title_page_start
from motiondirector.scene.markup import normalize_newlines
from motiondirector.scene.plain_text import looks_like_plain_text

Format = Literal["fountain", "json", "text"]

SUFFIX_FORMATS: dict[str, Format | None] = {
    ".fountain": "fountain",
    ".spmd": "fountain",
    ".json": "json",
    ".txt": None,  # plain text or Fountain: detect
}


def too_large(size: int, max_bytes: int, file: str | None) -> InputTooLargeError:
    return InputTooLargeError(
        f"the script is {size:,} bytes, over the limit of {max_bytes:,} bytes; pass a larger "
        "max_bytes to parse_script/read_script to accept it",
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


def decode_script(data: bytes, file: str | None) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; else a ScriptError at the bad line."""
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
    """Reject binary content and empty scripts; return the text without a leading BOM."""
    nul = text.find("\x00")
    if nul >= 0:
        line = normalize_newlines(text[:nul]).count("\n") + 1
        raise ScriptError(
            "the script contains a NUL character; is it a binary file?", line=line, file=file
        )
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ScriptError("the script is empty", line=1, file=file)
    return text


def detect_format(text: str) -> Format:
    """JSON when it parses as a JSON object or array of turns; plain text when most lines read
    `NAME: line`; Fountain otherwise."""
    head = text.lstrip()
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
