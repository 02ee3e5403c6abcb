"""`plan --planner llm` on a terminal: a bar over the model's chunks while it waits on the
server, none with -q, and the same plan either way."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from motiondirector.cli import main
from tests.openai_server import serve


class Terminal(io.StringIO):
    """Standard error as a terminal shows it: progress bars are drawn there."""

    def isatty(self) -> bool:
        return True


def test_plan_with_an_llm_shows_its_chunks_on_a_terminal_unless_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "two.txt"
    script.write_text("ANA: I told you no.\nBEN: Fine, I will go.\n")
    for server in serve():
        options = ["--planner", "llm", "--llm-base-url", server.base_url, "--llm-model", "tty"]
        options.append("--llm-no-cache")
        shown, quiet = Terminal(), Terminal()
        monkeypatch.setattr(sys, "stderr", shown)
        assert main(["plan", str(script), "-o", str(tmp_path / "a.json"), *options]) == 0
        monkeypatch.setattr(sys, "stderr", quiet)
        assert main(["plan", str(script), "-o", str(tmp_path / "b.json"), "-q", *options]) == 0
    assert "llm tty: 100%" in shown.getvalue() and "1/1 [" in shown.getvalue()
    assert "llm tty" not in quiet.getvalue()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
