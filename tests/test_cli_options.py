"""The command line's options and codes: help texts with their defaults, values refused as
usage errors, the documented exit codes, the default character of per-character exports and
counts printed in the right number."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import motiondirector.cli as cli
from motiondirector.cli import EXIT_CODES, main
from motiondirector.cli.parser import build_parser
from motiondirector.export.formats import PER_CHARACTER_FORMATS
from motiondirector.summary import count_noun
from tests.conftest import EXAMPLE_SCENE, ROOT


def _help(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    """The help of a (sub)command, with runs of white space made one space."""
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def _parsers(
    parser: argparse.ArgumentParser, name: str = "motiondirector"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


COMMANDS = [name.split()[1:] for name, _ in _parsers(build_parser())]


def test_every_argument_has_a_help_text() -> None:
    missing = [
        f"{name}: {action.dest}"
        for name, parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["plan"], "--fps {30,60} frame rate of the plan's frame-timed exports"),
        (["plan"], "(ARKit) and body motion (default: 30)"),
        (["plan"], "is detected from the content (default: auto)"),
        (["plan"], "--seed SEED seed for blinks and idle motion (default: 0)"),
        (["plan"], "requests in flight at once (default: 4)"),
        (["plan"], "--format {json,bml,arkit-csv,arkit-json,live-link-face,visemes,vtt,srt} "
                   "what to write (default: json)"),
        (["serve"], "--host HOST address to listen on (0.0.0.0: every interface) "
                    "(default: 127.0.0.1)"),
        (["serve"], "--port PORT TCP port to listen on (default: 8080)"),
        (["validate"], "plan plan JSON file, e.g. out/scene/plan.json"),
        (["search"], 'clip library folder, or "builtin" for the built-in gesture library'),
    ],
)  # fmt: skip
def test_help_shows_texts_and_defaults(
    capsys: pytest.CaptureFixture[str], command: list[str], expected: str
) -> None:
    assert expected in _help(capsys, *command)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_no_help_shows_an_empty_default(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    text = _help(capsys, *command)
    for empty in ("(default: None)", "(default: False)", "(default: [])"):
        assert empty not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", str(EXAMPLE_SCENE), "--seed", "-5"], "--seed: must be 0 or more, got -5"),
        (["plan", str(EXAMPLE_SCENE), "--seed", "one"], "--seed: not a whole number: 'one'"),
        (["plan", str(EXAMPLE_SCENE), "--llm-concurrency", "0"],
         "--llm-concurrency: must be 1 or more, got 0"),
        (["plan", str(EXAMPLE_SCENE), "--max-bytes", "0"], "--max-bytes: must be 1 or more"),
        (["search", "builtin", "wave", "-k", "0"], "-k: must be 1 or more, got 0"),
        (["serve", "--port", "70000"], "--port: must be a port from 0 to 65535, got 70000"),
        (["serve", "--session-ttl", "nan"], "--session-ttl: must be above 0, got nan"),
        (["plan", "s.txt", "--language", "ja_JP"],
         "--language: language 'ja_JP' is not a BCP 47 language tag"),
        (["generate", "out", "--backend", "wan-vace", "--out", "o", "--seed", "-1"],
         "--seed: must be 0 or more, got -1"),
    ],
)  # fmt: skip
def test_bad_values_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == cli.EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ") and message in err and "Traceback" not in err


def _rows(text: str) -> list[tuple[str, str]]:
    """The rows of the exit-code table (white space made single) as (code, meaning)."""
    words = text.removeprefix("exit codes: ").split(" ")
    rows: list[tuple[str, list[str]]] = []
    for word in words:
        if word in ("0", "1", "2", "130"):
            rows.append((word, []))
        elif rows:
            rows[-1][1].append(word)
    return [(code, " ".join(meaning)) for code, meaning in rows]


def test_exit_codes_are_documented_alike(capsys: pytest.CaptureFixture[str]) -> None:
    table = _rows(" ".join(EXIT_CODES.split()))
    assert [code for code, _ in table] == ["0", "1", "2", "130"]
    assert (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED) == (0, 1, 2, 130)
    assert " ".join(EXIT_CODES.split()) in _help(capsys)
    docstring = " ".join((cli.__doc__ or "").split())
    manual = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    for code, meaning in table:
        assert f"{code} {meaning}" in docstring
        assert f"| {code} | {meaning} |" in manual


def test_exit_codes_tell_usage_from_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", str(EXAMPLE_SCENE), "--no-such-flag"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err
    assert main(["plan", str(tmp_path / "missing.fountain"), "-q"]) == 1
    assert capsys.readouterr().err.startswith("error: ")
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0"}')
    assert main(["validate", str(broken)]) == 1
    assert "invalid plan" in capsys.readouterr().err


def _wait_until_reading(pid: int, deadline: float) -> None:
    """Return once the process is blocked in read(2) on the FIFO, the state the test is about:
    the write end opening only says that its open(2) is under way, and a signal sent in that
    instant races the process into the read. Where the kernel does not say (no /proc), a
    pause stands in."""
    wchan = Path(f"/proc/{pid}/wchan")
    if not wchan.exists():
        time.sleep(1)
        return
    while "pipe_read" not in wchan.read_text() and "pipe_wait" not in wchan.read_text():
        assert time.monotonic() < deadline, "the command never started reading its script"
        time.sleep(0.05)


def test_an_interrupt_exits_130(tmp_path: Path) -> None:
    # The script is a FIFO: the command blocks reading it, inside its run, until interrupted.
    fifo = tmp_path / "script.txt"
    os.mkfifo(fifo)
    cli_path = Path(sys.executable).parent / "motiondirector"
    command = [str(cli_path), "plan", str(fifo), "-q"]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as process:
        writer = None
        try:
            deadline = time.monotonic() + 60
            while writer is None:  # the write end opens once the command has the read end open
                try:
                    writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError as error:
                    if error.errno != errno.ENXIO or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            _wait_until_reading(process.pid, deadline)
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=60)
        finally:
            if writer is not None:
                os.close(writer)
            process.kill()
    assert process.returncode == cli.EXIT_INTERRUPTED == 130
    assert err == "interrupted\n"


@pytest.mark.parametrize("format", PER_CHARACTER_FORMATS)
def test_per_character_formats_default_to_the_first_character(
    capsys: pytest.CaptureFixture[str], format: str
) -> None:
    assert main(["plan", str(EXAMPLE_SCENE), "-q"]) == 0
    plan = json.loads(capsys.readouterr().out)
    first = plan["characters"][0]["name"]
    assert len(plan["characters"]) > 1
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "--format", format]) == 0
    chosen = capsys.readouterr().out
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "--format", format, "--character", first]) == 0
    assert chosen == capsys.readouterr().out and chosen


def test_counts_are_printed_in_the_right_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "one.txt"
    script.write_text("ANA: Hello there.\n")
    plan = tmp_path / "plan.json"
    assert main(["plan", str(script), "-q", "-o", str(plan)]) == 0
    assert main(["validate", str(plan)]) == 0
    printed = capsys.readouterr().out
    assert "(1 character, " in printed and "events)" in printed


@pytest.mark.parametrize(
    ("number", "noun", "plural", "expected"),
    [
        (0, "segment", None, "0 segments"),
        (1, "segment", None, "1 segment"),
        (2, "file", None, "2 files"),
        (1, "procedural", "procedural", "1 procedural"),
        (3, "generated", "generated", "3 generated"),
    ],
)
def test_count(number: int, noun: str, plural: str | None, expected: str) -> None:
    assert count_noun(number, noun, plural) == expected


def test_version_and_python_dash_m(capsys: pytest.CaptureFixture[str]) -> None:
    import motiondirector

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"motiondirector {motiondirector.__version__}"
    result = subprocess.run(
        [sys.executable, "-m", "motiondirector", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip() == f"motiondirector {motiondirector.__version__}"
