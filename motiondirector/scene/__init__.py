"""Script text in, a `Scene` out: Fountain, dialogue JSON or plain `NAME: line` text.

    scene = read_script("brick_and_steel.fountain")
    scene = parse_script('ANA: Hi, Ben.\\nBEN: Hi.', format="text")

Every utterance carries its words with estimated (or given) times, its parentheticals, its
addressees and the 1-based line it came from. Errors are `ScriptError`s with the file and line.
The formats and the timing model are described in docs/input-formats.md.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from motiondirector.errors import MotionDirectorError, ScriptError
from motiondirector.plan.options import SCRIPT_FORMATS, ScriptFormat
from motiondirector.plan.scene import Scene, language_problem
from motiondirector.scene.assemble import assemble_scene
from motiondirector.scene.cast import resolve_cast
from motiondirector.scene.dialogue_json import parse_dialogue_json
from motiondirector.scene.elements import ParsedScript
from motiondirector.scene.fdx import parse_fdx
from motiondirector.scene.fountain import parse_fountain
from motiondirector.scene.limits import SceneLimits
from motiondirector.scene.plain_text import parse_plain_text
from motiondirector.scene.source import (
    SUFFIX_FORMATS,
    Format,
    check_size,
    check_text,
    decode_script,
    detect_format,
    too_large,
)
from motiondirector.scene.timing import TimingOptions

DEFAULT_MAX_BYTES = 2_000_000


__all__ = [
    "DEFAULT_MAX_BYTES",
    "SceneLimits",
    "ScriptFormat",
    "TimingOptions",
    "parse_script",
    "read_script",
]


def parse_script(
    text: str,
    *,
    format: ScriptFormat = "auto",
    file: str | None = None,
    timing: TimingOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    characters: Sequence[str] = (),
    limits: SceneLimits | None = None,
    language: str | None = None,
) -> Scene:
    """Parse a script into a Scene.

    format: "fountain", "fdx" (Final Draft), "json" (dialogue JSON), "text" (`NAME: line`) or
        "auto" to detect it.
    file: shown in errors; its name (without directories) is kept as `Scene.source`.
    timing: rates and pauses for estimated word times; defaults to `TimingOptions()`.
    max_bytes: scripts larger than this (UTF-8) raise InputTooLargeError.
    characters: characters on stage throughout besides those the script reveals (someone who
        listens but never speaks), as if declared in dialogue JSON.
    limits: what the scene may ask for (duration, silences, cast, lines); default SceneLimits().
    language: the language its lines are said in (a BCP 47 tag: ja, zh-Hans, vi), over the
        one the script states; a line that states its own keeps it (`scene.language`).
    Raises ScriptError (with the line) for anything that cannot be read as a script, and its
    subclass SceneLimitError (naming the field and the limit) beyond `limits`.
    """
    if format not in SCRIPT_FORMATS:
        raise MotionDirectorError(
            f"unknown script format {format!r}; use one of {', '.join(SCRIPT_FORMATS)}"
        )
    if language is not None and (problem := language_problem(language.strip())) is not None:
        raise MotionDirectorError(problem)
    if not isinstance(text, str):
        raise ScriptError(f"expected the script as str, got {type(text).__name__}", file=file)
    check_size(text, max_bytes, file)
    text = check_text(text, file)
    chosen: Format = detect_format(text) if format == "auto" else format
    parsed: ParsedScript
    if chosen == "json":
        parsed = parse_dialogue_json(text, file=file, limits=limits)
    elif chosen == "text":
        parsed = parse_plain_text(text)
    elif chosen == "fdx":
        parsed = parse_fdx(text, file=file)
    else:
        parsed = parse_fountain(text, file=file)
    if characters:
        declared = (*parsed.declared_characters, *(name.upper() for name in characters))
        parsed = replace(parsed, declared_characters=tuple(dict.fromkeys(declared)))
    if language is not None:  # before the cast: its action is read in the language
        parsed = replace(parsed, language=language.strip())
    if chosen != "json":
        parsed = resolve_cast(parsed)
    return assemble_scene(parsed, timing=timing or TimingOptions(), file=file, limits=limits)


def read_script(
    path: str | os.PathLike[str],
    *,
    format: ScriptFormat = "auto",
    timing: TimingOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    characters: Sequence[str] = (),
    limits: SceneLimits | None = None,
    language: str | None = None,
) -> Scene:
    """Read a script file (UTF-8, or UTF-16 with a byte-order mark) into a Scene.

    With format="auto" the suffix decides: .fountain/.spmd are Fountain, .fdx is Final Draft,
    .json is dialogue JSON, anything else (.txt included) is detected from the content.
    """
    file = os.fspath(path)
    if format == "auto":
        format = SUFFIX_FORMATS.get(Path(file).suffix.lower()) or "auto"
    try:
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise too_large(size, max_bytes, file)
            # Read one byte past the limit: a file that grew since fstat is still caught.
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ScriptError("no such file", file=file) from None
    except IsADirectoryError:
        raise ScriptError("is a directory, not a script file", file=file) from None
    except OSError as error:
        raise ScriptError(f"cannot read the file: {error.strerror or error}", file=file) from None
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes, file)
    text = decode_script(data, file)
    return parse_script(
        text,
        format=format,
        file=file,
        timing=timing,
        max_bytes=max_bytes,
        characters=characters,
        limits=limits,
        language=language,
    )
