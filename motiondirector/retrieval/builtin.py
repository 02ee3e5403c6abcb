"""The built-in gesture library as a ClipLibrary, built once and cached on disk; and any
library folder opened once per process.

Building its index embeds about 1,700 descriptions (seconds), so it is built once per process
and kept under the user cache directory (`$MOTIONDIRECTOR_CACHE_DIR`, else
`$XDG_CACHE_HOME/motiondirector`, else `~/.cache/motiondirector`) in `builtin-<version>`, where
the version names the package version, a digest of the library's data and the embedding model;
later runs open it. An unwritable or broken cache falls back to a fresh build in a temporary
folder.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from functools import cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from motiondirector.cache import entry_lock, user_cache_dir
from motiondirector.motion.library import builtin_library
from motiondirector.retrieval.records import LibraryError
from motiondirector.retrieval.store import ClipLibrary

_libraries: dict[Path, ClipLibrary] = {}
_libraries_lock = threading.Lock()


@cache
def builtin_library_version() -> str:
    """Names a build of the built-in library index: package version, data digest, model
    (computed once per process: the package data does not change under a running process)."""
    from motiondirector.embedding import DEFAULT_MODEL_ID

    try:
        package = version("motiondirector")
    except PackageNotFoundError:
        package = "0"
    digest = hashlib.sha256(f"{package}\n{DEFAULT_MODEL_ID}\n".encode())
    data = resources.files("motiondirector.motion.library").joinpath("data")
    for name in sorted(entry.name for entry in data.iterdir() if entry.name.endswith(".yaml")):
        digest.update(name.encode() + b"\n" + data.joinpath(name).read_bytes())
    # Descriptions and tags are written by code as well as data: hash what the index embeds.
    for clip in builtin_library():
        digest.update(repr((clip.id, clip.descriptions, clip.tags, clip.duration)).encode())
    # The records' motion features come from the clips' synthesized motion: hash the code that
    # makes it (synthesizing all 693 clips to hash them would take seconds at every start).
    for package_name, files in _MOTION_CODE:
        code = resources.files(package_name)
        names = files or sorted(e.name for e in code.iterdir() if e.name.endswith(".py"))
        for name in names:
            digest.update(name.encode() + b"\n" + code.joinpath(name).read_bytes())
    return f"{package}-{digest.hexdigest()[:12]}"


_MOTION_CODE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("motiondirector.motion", ()),
    ("motiondirector.motion.library", ()),
    ("motiondirector.retrieval", ("ingest.py",)),
)
"""The code that makes the built-in clips' motion and its features: (package, its files; none
named: every module of it)."""


def builtin_clip_library(cache_dir: Path | None = None) -> ClipLibrary:
    """The built-in gesture library as a ClipLibrary: opened from `cache_dir` (default: the
    user cache, see the module docstring) or built there, once per process."""
    root = (cache_dir or user_cache_dir()) / f"builtin-{builtin_library_version()}"
    with _libraries_lock:
        found = _libraries.get(root)
        if found is None:
            found = _open_or_build(root)
            _libraries[root] = found
        return found


def open_library(root: Path) -> ClipLibrary:
    """The clip library at `root`, opened once per process (a server's configured library)."""
    key = Path(root).resolve()
    with _libraries_lock:
        found = _libraries.get(key)
        if found is None:
            found = _libraries[key] = ClipLibrary.open(key)
        return found


def _open_or_build(root: Path) -> ClipLibrary:
    """The library at `root`, built there when it is not: by one process when several start
    together on an empty cache (3 processes each built it, 39 s in all and two spare
    versions; a fresh server built it in its job worker too), the others waiting for it."""
    from motiondirector.retrieval.ingest import ingest_builtin

    try:
        return ClipLibrary.open(root)
    except LibraryError:
        pass
    try:
        with entry_lock(root, f"waiting for another process building the clip index {root}"):
            try:
                return ClipLibrary.open(root)
            except LibraryError:
                pass
            return ClipLibrary.create(root, ingest_builtin().records, overwrite=True)
    except (OSError, LibraryError):
        # No writable cache: a private build still lets `direct` run offline.
        scratch = Path(tempfile.mkdtemp(prefix="motiondirector-builtin-"))
        return ClipLibrary.create(scratch / "library", ingest_builtin().records)
