"""`direct` prints one line per character with its segments, in columns that stay aligned
whatever the length of the names."""

from __future__ import annotations

import re
from collections.abc import Callable
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


@pytest.fixture
def summary_rows(
    builtin_clips: ClipLibrary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Callable[[str], list[tuple[str, int]]]:
    """`direct` a script; (name, display column of the segment count) per summary row."""
    from motiondirector.summary import display_width

    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))

    def rows(text: str) -> list[tuple[str, int]]:
        script = tmp_path / "scene.fountain"
        script.write_text(text, encoding="utf-8")
        assert main(["direct", str(script), "-q", "--out", str(tmp_path / "out")]) == 0
        found = []
        for line in capsys.readouterr().out.splitlines():
            count = re.search(r" +(\d+) segments? ", line)
            if count:
                found.append((line[: count.start()], display_width(line[: count.start(1)])))
        return found

    return rows


def test_the_segment_column_is_aligned_for_long_names(
    summary_rows: Callable[[str], list[tuple[str, int]]],
) -> None:
    rows = summary_rows(SCRIPT)
    assert [name for name, _ in rows] == ["PATRONS THREE AND FOUR", "ANA"]
    assert len({column for _, column in rows}) == 1


def test_wide_names_keep_the_columns_aligned_on_a_terminal(
    summary_rows: Callable[[str], list[tuple[str, int]]],
) -> None:
    names = "欧阳娜娜娜娜娜娜娜娜"  # ten wide characters: twenty columns
    rows = summary_rows(f"INT. CAFE - DAY\n\n@{names}\n你好。\n\nANA\nHi.\n")
    # The count starts at one column whatever the name: counted in columns, not characters.
    assert len(rows) == 2 and len({column for _, column in rows}) == 1


def test_marks_and_joiners_take_no_column() -> None:
    from motiondirector.summary import display_width, padded

    # Thai tone marks and above vowels sit on the letter before them; CJK takes two columns.
    assert [display_width(name) for name in ("ไม่", "ผู้ใหญ่", "李明", "राम", "ANA\u200d")] == [
        2,
        4,
        4,
        3,
        3,
    ]
    assert display_width(padded("ไม่", 16)) == 16 and padded("ไม่", 16).endswith(" " * 14)
