"""The built-in library's cache version follows everything its index is made of."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from motiondirector.retrieval import builtin
from motiondirector.retrieval.builtin import builtin_library_version


@pytest.fixture
def fresh_version() -> Iterator[None]:
    builtin_library_version.cache_clear()
    yield
    builtin_library_version.cache_clear()


def test_changed_motion_code_names_a_new_index(
    fresh_version: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index keeps each clip's motion features; a change to how clips are synthesized
    # (their end slopes, their speed limits) left old caches with stale features.
    before = builtin_library_version()
    real_files = resources.files
    library_code = Path(str(real_files("motiondirector.motion.library")))
    copy = tmp_path / "library"
    shutil.copytree(library_code, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "synthesis.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a change\n")

    def files(package: str) -> object:
        return copy if package == "motiondirector.motion.library" else real_files(package)

    monkeypatch.setattr(builtin.resources, "files", files)
    builtin_library_version.cache_clear()
    assert builtin_library_version() != before
