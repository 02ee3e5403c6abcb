"""Say what a path given as a clip library is when it is not one, and how to make one.

Users give `--library` the folder of BVH files or videos they want to use, a file, or a folder
one level off the library; "CURRENT is missing" tells them nothing. `not_a_library` looks at
what is there (a bounded look: a huge folder costs at most `SCAN_LIMIT` directory entries) and
returns the sentence that names it and the command that builds a library. This module only
describes: it never opens, builds or changes a library.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SCAN_LIMIT = 10_000
"""Directory entries looked at, at most, to tell what a folder holds."""
_BUILD = "motiondirector index build"
_SOURCES = "SOURCES are folders of BVH files or of videos, or builtin"


@dataclass(frozen=True)
class _Contents:
    bvh: int
    media: int
    entries: int
    complete: bool


def not_a_library(
    root: Path, *, current_file: str, manifest_file: str, version_name: re.Pattern[str]
) -> str:
    """Why `root` is not a clip library and what to do, as one sentence starting "no clip
    library at ROOT:". `current_file`, `manifest_file` and `version_name` are the library's
    layout, as the store names it."""
    where = f"no clip library at {root}"
    if not root.exists():
        return (
            f"{where}: nothing is there; build one with `{_BUILD} SOURCES --out {root}` "
            f"({_SOURCES})"
        )
    if not root.is_dir():
        return f"{where}: {_file_kind(root)}"
    if (root / manifest_file).is_file() and (root.parent / current_file).is_file():
        return f"{where}: it is one version of the clip library at {root.parent}; use {root.parent}"
    versions = _version_dirs(root, version_name)
    if versions:
        return (
            f"{where}: its {current_file} file, which names the live one of the versions "
            f"{', '.join(versions)}, is missing; the library is damaged, build it again with "
            f"`{_BUILD} SOURCES --out {root} --overwrite`"
        )
    inner = _inner_library(root, current_file)
    if inner is not None:
        return f"{where}: the folder holds one at {inner}; use {inner}"
    contents = _contents(root)
    some = "" if contents.complete else "at least "
    if contents.bvh:
        noun = "BVH file" if contents.bvh == 1 else "BVH files"
        return (
            f"{where}: it is a folder of {some}{contents.bvh} {noun}, not a built library; "
            f"build one with `{_BUILD} {root} --out LIB` and use LIB"
        )
    if contents.media:
        noun = "video" if contents.media == 1 else "videos"
        return (
            f"{where}: it is a folder of {some}{contents.media} {noun}, not a built library; "
            f"build one with `{_BUILD} {root} --out LIB` (it analyses their faces) and use LIB"
        )
    if contents.entries == 0:
        return (
            f"{where}: the folder is empty; build one into it with "
            f"`{_BUILD} SOURCES --out {root}` ({_SOURCES})"
        )
    return (
        f"{where}: the folder has no {current_file} file and no BVH files or videos, so "
        f"`{_BUILD}` did not make it; build one with `{_BUILD} SOURCES --out LIB` ({_SOURCES}) "
        "and use LIB"
    )


def _file_kind(path: Path) -> str:
    from motiondirector.retrieval.video import AUDIO_SUFFIXES, VIDEO_SUFFIXES

    suffix = path.suffix.lower()
    if suffix == ".bvh" or suffix in VIDEO_SUFFIXES | AUDIO_SUFFIXES:
        what = "a BVH file" if suffix == ".bvh" else "a video"
        return (
            f"it is {what}, not a library (a folder); build one from its folder with "
            f"`{_BUILD} {path.parent} --out LIB` and use LIB"
        )
    return (
        f"it is a file, not a library (a folder made by `{_BUILD}`); build one with "
        f"`{_BUILD} SOURCES --out LIB` ({_SOURCES}) and use LIB"
    )


def _version_dirs(root: Path, version_name: re.Pattern[str]) -> list[str]:
    try:
        with os.scandir(root) as entries:
            names = [e.name for e in entries if version_name.match(e.name) and e.is_dir()]
    except OSError:
        return []
    return sorted(names)


def _inner_library(root: Path, current_file: str) -> Path | None:
    """A library one level down (the user gave its parent)."""
    try:
        with os.scandir(root) as entries:
            folders = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return None
    for name in folders[:SCAN_LIMIT]:
        if (root / name / current_file).is_file():
            return root / name
    return None


def _contents(root: Path) -> _Contents:
    from motiondirector.retrieval.video import AUDIO_SUFFIXES, VIDEO_SUFFIXES

    media_suffixes = VIDEO_SUFFIXES | AUDIO_SUFFIXES
    bvh = media = entries = 0
    for entry in _walk(root):
        entries += 1
        if entries > SCAN_LIMIT:
            return _Contents(bvh, media, entries, complete=False)
        suffix = os.path.splitext(entry.name)[1].lower()
        if suffix == ".bvh":
            bvh += 1
        elif suffix in media_suffixes:
            media += 1
    return _Contents(bvh, media, entries, complete=True)


def _walk(root: Path) -> Iterator[os.DirEntry[str]]:
    """Files and folders under `root`, hidden ones left out, as ingest leaves them out."""
    pending = [root]
    while pending:
        try:
            scan = os.scandir(pending.pop())
        except OSError:
            continue
        with scan:
            for entry in scan:
                if entry.name.startswith("."):
                    continue
                yield entry
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
