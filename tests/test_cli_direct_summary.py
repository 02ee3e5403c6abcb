"""`direct` prints one line per character with its segments, in columns that stay aligned
whatever the length of the names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from motiondirector.cli import main

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

SCRIPT = """INT. LIBRARY - DAY

PATRONS THREE AND FOUR
Shh!

ANA
Sorry.
"""


def test_the_segment_column_is_aligned_for_long_names(
    builtin_clips: ClipLibrary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
    script = tmp_path / "scene.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    assert main(["direct", str(script), "-q", "--out", str(tmp_path / "out")]) == 0
    rows = [
        re.match(r"(.+?) +(\d+) segments? ", line) for line in capsys.readouterr().out.splitlines()
    ]
    found = [row for row in rows if row]
    assert [row.group(1) for row in found] == ["PATRONS THREE AND FOUR", "ANA"]
    assert len({row.start(2) for row in found}) == 1


def test_wide_names_keep_the_columns_aligned_on_a_terminal(
    builtin_clips: ClipLibrary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from motiondirector.summary import display_width

    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
    script = tmp_path / "scene.fountain"
    names = "欧阳娜娜娜娜娜娜娜娜"  # ten wide characters: twenty columns
    script.write_text(f"INT. CAFE - DAY\n\n@{names}\n你好。\n\nANA\nHi.\n", encoding="utf-8")
    assert main(["direct", str(script), "-q", "--out", str(tmp_path / "out")]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if " segment" in line]
    # The count starts at one column whatever the name: counted in columns, not characters.
    columns = {display_width(line[: re.search(r" \d+ segments?", line).start()]) for line in rows}
    assert len(rows) == 2 and len(columns) == 1
