"""`plan -o FILE` replaces the file in one step: a failed write leaves the old file whole, and a
target that cannot be written is one line of error, never a traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from motiondirector.cli import main
from tests.conftest import EXAMPLE_SCENE

OLD = "the plan that was here before\n"


def test_writes_the_plan_and_leaves_no_temporary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.json"
    target.write_text(OLD)
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["schema_version"]
    assert capsys.readouterr().err == f"wrote {target}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    # A real write failure: a file-size limit of 1 KiB (SIGXFSZ ignored, so the write fails
    # with EFBIG as a full disk fails with ENOSPC), far below the plan's size.
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "-o", str(tmp_path / "warm.json")]) == 0
    assert (tmp_path / "warm.json").stat().st_size > 4096  # the limit below really bites
    target = tmp_path / "plan.json"
    target.write_text(OLD)
    cli = Path(sys.executable).parent / "motiondirector"
    limited = 'trap "" XFSZ; ulimit -f 2; exec "$@"'
    result = subprocess.run(
        ["sh", "-c", limited, "sh", str(cli), "plan", str(EXAMPLE_SCENE), "-q", "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"error: cannot write {target}: File too large\n"
    assert target.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json", "warm.json"]


def test_a_folder_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == f"error: cannot write {tmp_path}: it is a folder; name a file\n"


def test_an_empty_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", str(EXAMPLE_SCENE), "-q", "-o", ""])
    assert exit_info.value.code == 2
    assert "-o/--output: needs a file name" in capsys.readouterr().err


def test_a_read_only_file_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.json"
    target.write_text(OLD)
    target.chmod(0o444)
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "-o", str(target)]) == 1
    assert capsys.readouterr().err == f"error: cannot write {target}: the file is read-only\n"
    assert target.read_text() == OLD


def test_writing_to_a_device_or_a_pipe_leaves_it_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "scene.txt"
    script.write_text("ANA: Hello, Ben.\nBEN: Hi.", encoding="utf-8")
    assert main(["plan", str(script), "-q", "-o", os.devnull]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    pipe = tmp_path / "plan.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    assert main(["plan", str(script), "-q", "-o", str(pipe)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert json.loads(received[0])["utterances"][0]["speaker"] == "ANA"


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # `motiondirector library list | head -0`: the reader is gone before the first line.
    command = [sys.executable, "-m", "motiondirector.cli", "library", "list"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        errors = process.stderr.read().decode()
    assert process.returncode == 1
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


def test_a_plan_or_a_directed_folder_is_exported_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A revised folder's plan could not be exported from the command line: `plan` took only
    scripts and named the plan 'a motion plan, not a script'."""
    plan_file = tmp_path / "scene" / "plan.json"
    plan_file.parent.mkdir()
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "--output", str(plan_file)]) == 0
    export = ["--format", "live-link-face", "--character", "ANA", "--fps", "60", "--output"]
    assert main(["plan", str(EXAMPLE_SCENE), "-q", *export, str(tmp_path / "script.csv")]) == 0
    for given, name in ((plan_file, "plan.csv"), (plan_file.parent, "folder.csv")):
        assert main(["plan", str(given), *export, str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_bytes() == (tmp_path / "script.csv").read_bytes()
        assert f"note: {given} is a plan: exported as it is" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(plan_file.read_text().replace('"ANA"', '"ANA', 1))
    assert main(["plan", str(broken), "-q"]) == 1  # read as a script: its JSON error, at its line
    assert "broken.json:" in capsys.readouterr().err
