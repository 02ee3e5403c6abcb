"""Suite-wide settings: offline, one thread, paths to the shared real data, and helpers the
tests share."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
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


def together(threads: int, call: Callable[[], object]) -> list[object]:
    """`call()` from `threads` threads released at the same moment; their results in order."""
    start = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(slot: int) -> None:
        start.wait()
        results[slot] = call()

    workers = [threading.Thread(target=run, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def video_frames(path: Path) -> np.ndarray:
    """The decoded RGB frames (n, h, w, 3) of the video at `path`."""
    import av

    with av.open(str(path)) as container:
        return np.stack([frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)])


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


@pytest.fixture(scope="session")
def face_clip_library(tmp_path_factory: pytest.TempPathFactory) -> ClipLibrary:
    """Read-only: a face library of three short cuts of the shared talking-face clips (an
    animated talker, a broad smile, wide mouth movements), analysed with the real face model
    once per run."""
    from motiondirector.faces.model import find_face_model
    from motiondirector.faces.tracker import pack_tracks
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.retrieval.video import FACE_TRACKS, ingest_face_folder
    from tests.faces.clips import FACE_MODEL, cut

    videos = tmp_path_factory.mktemp("videos") / "talks"
    videos.mkdir()
    cut("lp_d12.mp4", 0.0, 4.0, videos / "animated.mp4")
    cut("lp_d19.mp4", 6.0, 8.4, videos / "smile.mp4")
    cut("lp_d18.mp4", 2.0, 5.6, videos / "mouth.mp4")
    ingested = ingest_face_folder(videos, model=find_face_model(FACE_MODEL), workers=1)
    return ClipLibrary.create(
        tmp_path_factory.mktemp("libraries") / "faces",
        ingested.records,
        attachments={FACE_TRACKS: pack_tracks(dict(ingested.tracks))},
    )
