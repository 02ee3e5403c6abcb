"""Suite-wide settings: offline, one thread, and paths to the shared real data."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
EXAMPLE_SCENE = ROOT / "examples" / "the_key.fountain"


def free_port() -> int:
    """A TCP port free on loopback right now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def builtin_clips(tmp_path_factory: pytest.TempPathFactory) -> ClipLibrary:
    """The built-in gesture library as a clip library, built once per test run."""
    from motiondirector.cache import user_cache_dir
    from motiondirector.retrieval.builtin import builtin_clip_library

    cache = tmp_path_factory.getbasetemp() / "clip-cache"
    cache.mkdir(exist_ok=True)
    # Tests point MOTIONDIRECTOR_CACHE_DIR here; the exported embedding models stay shared,
    # or every server subprocess would export MiniLM again.
    shared = user_cache_dir() / "onnx"
    shared.mkdir(parents=True, exist_ok=True)
    (cache / "onnx").symlink_to(shared, target_is_directory=True)
    return builtin_clip_library(cache)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data folder is missing: {SHARED_DATA}")
    return SHARED_DATA
