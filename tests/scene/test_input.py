"""Reading files and the errors for input that is not a script: size, encoding, binary, empty."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import motiondirector.scene as scene_package
from motiondirector.errors import InputTooLargeError, MotionDirectorError, ScriptError
from motiondirector.scene import DEFAULT_MAX_BYTES, parse_script, read_script

FOUNTAIN = "INT. ROOM\n\nANA\nHi, Ben.\n\nBEN\nHi.\n"


def test_default_limit() -> None:
    assert DEFAULT_MAX_BYTES == 2_000_000


def test_read_script_by_suffix(tmp_path: Path) -> None:
    turns = json.dumps([{"speaker": "Ana", "text": "Hi."}])
    (tmp_path / "a.json").write_text(turns, encoding="utf-8")
    (tmp_path / "a.fountain").write_text(FOUNTAIN, encoding="utf-8")
    (tmp_path / "a.spmd").write_text(FOUNTAIN, encoding="utf-8")
    (tmp_path / "a.txt").write_text("ANA: Hi.\nBEN: Hey.\n", encoding="utf-8")
    assert read_script(tmp_path / "a.json").utterances[0].speaker == "ANA"
    assert read_script(tmp_path / "a.fountain").beats[0].heading == "INT. ROOM"
    assert read_script(str(tmp_path / "a.spmd")).source == "a.spmd"
    assert [u.speaker for u in read_script(tmp_path / "a.txt").utterances] == ["ANA", "BEN"]


def test_suffix_forces_the_format(tmp_path: Path) -> None:
    # "ANA: Hi." would be plain text, but a .fountain file is read as Fountain: no dialogue.
    (tmp_path / "x.fountain").write_text("ANA: Hi.\nBEN: Hey.\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="no dialogue"):
        read_script(tmp_path / "x.fountain")
    assert read_script(tmp_path / "x.fountain", format="text").utterances


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="no such file") as raised:
        read_script(tmp_path / "nope.fountain")
    assert raised.value.file == str(tmp_path / "nope.fountain")
    with pytest.raises(ScriptError, match="directory"):
        read_script(tmp_path)


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.fountain"
    path.write_bytes(b"ANA\nHi.\n\nBEN\nCaf\xe9!\n")
    with pytest.raises(ScriptError) as raised:
        read_script(path)
    assert raised.value.line == 5
    assert raised.value.file == str(path)
    assert "UTF-8" in str(raised.value)


def test_byte_order_marks(tmp_path: Path) -> None:
    (tmp_path / "bom8.fountain").write_bytes(b"\xef\xbb\xbf" + FOUNTAIN.encode())
    (tmp_path / "bom16.fountain").write_text(FOUNTAIN, encoding="utf-16")
    expected = parse_script(FOUNTAIN)
    assert read_script(tmp_path / "bom8.fountain").utterances == expected.utterances
    assert read_script(tmp_path / "bom16.fountain").utterances == expected.utterances


def test_too_large_names_the_limit_and_how_to_raise_it(tmp_path: Path) -> None:
    with pytest.raises(InputTooLargeError) as raised:
        parse_script(FOUNTAIN, max_bytes=10)
    assert "10 bytes" in str(raised.value) and "max_bytes" in str(raised.value)
    # Multi-byte characters count as bytes, not characters.
    with pytest.raises(InputTooLargeError):
        parse_script("ANA: " + "é" * 10, format="text", max_bytes=20)
    assert parse_script("ANA: " + "é" * 10, format="text", max_bytes=25).utterances
    path = tmp_path / "big.fountain"
    path.write_text(FOUNTAIN, encoding="utf-8")
    with pytest.raises(InputTooLargeError, match="max_bytes"):
        read_script(path, max_bytes=10)
    assert read_script(path, max_bytes=len(FOUNTAIN)).utterances


@pytest.mark.parametrize(
    ("start", "what"),
    [
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
        (b"{\\rtf1\\ansi INT. ROOM\\par ANA: hi\\par}", "an RTF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a Word (.docx) document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word 97-2003 (.doc) document"),
    ],
)
def test_a_document_is_refused_with_what_to_export(tmp_path: Path, start: bytes, what: str) -> None:
    # A PDF was read on as a character "%PDF-1.4" speaking PDF syntax; RTF as invalid JSON.
    script = tmp_path / "scene.txt"
    script.write_bytes(start)
    with pytest.raises(ScriptError, match=f"this is {re.escape(what)}.*as Fountain") as error:
        read_script(script)
    assert error.value.line == 1
    if start.isascii():  # the same from text, as the HTTP API gets it
        with pytest.raises(ScriptError, match=f"this is {re.escape(what)}"):
            parse_script(start.decode("ascii"))


def test_nul_bytes_are_binary_with_a_line() -> None:
    with pytest.raises(ScriptError, match="NUL") as raised:
        parse_script("ANA\r\nHi.\r\n\x00\x01\x02")
    assert raised.value.line == 3


@pytest.mark.parametrize("fmt", ["json", "auto"])
def test_a_json_escaped_nul_is_binary_with_a_line(fmt: str) -> None:
    # After decoding, `\u0000` is the same NUL as a raw one: refused the same way.
    text = '{\n  "turns": [\n    {"speaker": "ANA", "text": "Hi\\u0000 there."}\n  ]\n}'
    with pytest.raises(ScriptError, match="NUL") as raised:
        parse_script(text, format=fmt)  # type: ignore[arg-type]
    assert raised.value.line == 3
    assert "\\u0000" in raised.value.message


def test_an_escaped_backslash_before_u0000_is_text() -> None:
    document = {"turns": [{"speaker": "ANA", "text": "a path C:\\u0000 here"}]}
    scene = parse_script(json.dumps(document), format="json")
    assert "\\u0000" in scene.utterances[0].text


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\ufeff"])
def test_empty_script(text: str) -> None:
    with pytest.raises(ScriptError, match="empty") as raised:
        parse_script(text)
    assert raised.value.line == 1


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(MotionDirectorError, match="format"):
        parse_script(FOUNTAIN, format="xml")  # type: ignore[arg-type]


def test_file_name_is_carried_in_errors_and_scene() -> None:
    assert parse_script(FOUNTAIN, file="scene.fountain").source == "scene.fountain"
    with pytest.raises(ScriptError) as raised:
        parse_script("Nothing.\n", file="scene.fountain")
    assert str(raised.value).startswith("scene.fountain:1:")


def test_documented_examples_parse() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "input-formats.md").read_text()
    json_example = doc.split("```json\n", 1)[1].split("```", 1)[0]
    scene = parse_script(json_example, file="example.json")
    assert scene.title == "The Key"
    assert [b.heading for b in scene.beats] == ["INT. HALLWAY - NIGHT"]
    assert [u.speaker for u in scene.utterances] == ["BEN", "ANA", "BEN"]
    assert scene.utterances[0].words[-1].end == 1.45
    assert scene.utterances[1].parentheticals[0].text == "smiling"
    assert scene.utterances[2].extension == "O.S."
    text_example = doc.split("```text\n", 1)[1].split("```", 1)[0]
    scene = parse_script(text_example)
    assert [(u.speaker, u.addressees) for u in scene.utterances] == [
        ("ANA", ("BEN",)),
        ("BEN", ("ANA",)),
        ("DR. WHO", ("BEN",)),  # a voice-over, off stage: the previous speaker
    ]


def test_public_names_of_the_package() -> None:
    assert scene_package.__all__ == sorted(scene_package.__all__)
    assert set(scene_package.__all__) == {
        "DEFAULT_MAX_BYTES",
        "SceneLimits",
        "ScriptFormat",
        "TimingOptions",
        "parse_script",
        "read_script",
    }


def test_plan_bytes_do_not_depend_on_how_the_path_was_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motiondirector.realize import plan_script

    script = tmp_path / "scene.fountain"
    script.write_text(FOUNTAIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    absolute = plan_script(script).to_json()
    relative = plan_script("./scene.fountain").to_json()
    assert absolute == relative
    assert str(tmp_path) not in absolute and '"source": "scene.fountain"' in absolute
