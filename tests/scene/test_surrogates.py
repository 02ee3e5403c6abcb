"""Surrogate code points, raw or as JSON escapes, are script errors at their line in every
format, while surrogate pairs and escaped backslashes stay valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motiondirector.errors import ScriptError
from motiondirector.scene import parse_script, read_script

LONE = "\ud800"


@pytest.mark.parametrize(
    ("text", "format", "line"),
    [
        (f"ANA: Hi, Ben.\nBEN: Hi {LONE} there.", "text", 2),
        (f"ANA: Hi, Ben.\nBEN: Hi {LONE} there.", "auto", 2),
        (f"INT. ROOM\n\nANA\nHi, Ben.\n\nBEN\nOh {LONE}.\n", "fountain", 7),
        ("ANA: Hi.\r\nBEN: a\udfffb", "auto", 2),
        (json.dumps([{"speaker": "ANA", "text": f"Hi {LONE}"}], ensure_ascii=False), "json", 1),
    ],
)
def test_a_surrogate_in_the_text_is_a_script_error_at_its_line(
    text: str, format: str, line: int
) -> None:
    with pytest.raises(ScriptError, match="surrogate") as raised:
        parse_script(text, format=format)  # type: ignore[arg-type]
    assert raised.value.line == line
    assert f"line {line}" in raised.value.message


@pytest.mark.parametrize(
    ("escape", "shown"),
    [
        ("\\ud800", "\\ud800"),  # a high half alone
        ("\\uDFFF", "\\uDFFF"),  # a low half alone
        ("\\ud83d!\\ude00", "\\ud83d"),  # a pair split by a character
        ("\\ude00\\ud83d", "\\ude00"),  # the halves in the wrong order
        ("\\ud83d\\ud83d\\ude00", "\\ud83d"),  # a high half followed by a full pair
        ("ok\\\\\\ud800", "\\ud800"),  # an escaped backslash, then a real escape
    ],
)
def test_a_json_escape_of_a_lone_surrogate_is_a_script_error(escape: str, shown: str) -> None:
    text = '{\n  "turns": [\n    {"speaker": "ANA", "text": "Hi ' + escape + '"}\n  ]\n}'
    with pytest.raises(ScriptError, match="surrogate") as raised:
        parse_script(text)
    assert raised.value.line == 3
    assert shown in raised.value.message


def test_the_dialogue_document_as_the_server_serializes_it_is_checked() -> None:
    # json.dumps writes a lone surrogate as an escape: the check must see through it.
    document = {"characters": ["ANA"], "turns": [{"speaker": "ANA", "text": f"Hi {LONE}"}]}
    with pytest.raises(ScriptError, match="surrogate") as raised:
        parse_script(json.dumps(document, indent=2), format="json")
    assert raised.value.line is not None and raised.value.line > 1


def test_a_json_file_with_a_lone_surrogate_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "scene.json"
    path.write_text(
        '[\n{"speaker": "ANA", "text": "Hi."},\n{"speaker": "BEN", "text": "\\udc00"}\n]'
    )
    with pytest.raises(ScriptError) as raised:
        read_script(path)
    assert (raised.value.file, raised.value.line) == (str(path), 3)


def test_surrogate_pairs_and_escaped_backslashes_stay_valid() -> None:
    pair = '[{"speaker": "ANA", "text": "Hi \\ud83d\\ude00 Ben."}]'
    assert "\U0001f600" in parse_script(pair).utterances[0].text
    escaped = '[{"speaker": "ANA", "text": "Type \\\\ud800 here."}]'  # a backslash, then ud800
    assert "\\ud800" in parse_script(escaped).utterances[0].text


def test_an_escape_outside_json_is_only_text() -> None:
    scene = parse_script("ANA: Type \\ud800 here.\nBEN: Why?", format="auto")
    assert "\\ud800" in scene.utterances[0].text
