"""The cache directory setting and `load_once`, the process-wide loader of large tables."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from motiondirector.cache import CACHE_ENV, entry_lock, entry_lock_path, load_once, user_cache_dir
from tests.conftest import together


def test_the_cache_directory_follows_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert user_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "motiondirector"


def test_threads_asking_together_get_one_value_loaded_once() -> None:
    loads: list[int] = []

    @load_once
    def table() -> dict[str, int]:
        loads.append(1)
        time.sleep(0.05)  # a table that takes a while to read, so the first callers overlap
        return {"loaded": len(loads)}

    results = together(8, table)
    assert len(loads) == 1
    assert all(result is results[0] for result in results)
    assert table.__name__ == "table"


def test_a_cleared_value_is_loaded_again() -> None:
    loads: list[int] = []

    @load_once
    def table() -> int:
        loads.append(1)
        return len(loads)

    assert table() == table() == 1
    table.cache_clear()
    assert table() == 2


def test_a_failed_load_is_tried_again_by_the_next_caller() -> None:
    attempts: list[int] = []

    @load_once
    def table() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("the data file is not there yet")
        return "table"

    with pytest.raises(OSError):
        table()
    assert table() == "table"


def test_an_entry_lock_lets_one_maker_in_and_says_why_the_other_waits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = tmp_path / "cache" / "entry"
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with entry_lock(entry, "waiting for the first"):
            inside.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait()
    with entry_lock(entry, "waiting for the first"):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]
    assert "waiting for the first" in capsys.readouterr().err
    assert entry_lock_path(entry).is_file() and not entry.exists()
