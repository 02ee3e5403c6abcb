"""The built-in library's cache version follows everything its index is made of."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from motiondirector.cache import CACHE_ENV, user_cache_dir
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


def test_processes_starting_together_build_the_index_once(tmp_path: Path) -> None:
    """Each process on an empty cache built the index itself (3 took 39 s and left spare
    versions); one builds it now while the others wait and open it."""
    cache = tmp_path / "cache"
    cache.mkdir()
    shared = user_cache_dir() / "onnx"  # the exported embedding models stay shared
    shared.mkdir(parents=True, exist_ok=True)
    (cache / "onnx").symlink_to(shared, target_is_directory=True)
    env = {**os.environ, CACHE_ENV: str(cache)}
    code = "from motiondirector.retrieval.builtin import builtin_clip_library as b; b()"
    runs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    said = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], said
    (root,) = cache.glob("builtin-*")
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("v")) == ["v000001"]
