"""Which source files a clip library already holds, and whether they changed since it read them:
what lets `index build --add` pass over the files it knows before reading or analysing them,
and read again the ones that changed.

A library keeps, in its `source_stamps.json` attachment, the size and modification time of each
file it read, keyed by the file's absolute path: the files its clips come from, and those read
whole that gave none (a video without a face). A file is *known* when it has a stamp, or when
the library holds clips from it by a record's `source.file` (kept as the build was given it, so
a relative one is made absolute against the current folder). A known file is *changed* when its
size or modification time differs from its stamp. Libraries written before stamps were kept
have none: their files count as known and unchanged.

It also tells which of a library's source files are gone (`missing_sources`): their clips
cannot be assembled, so sequencing passes over them and the command line says so; those gone
from a folder read again (`gone_from`) leave the library on `--add`. And which sources can move
a body at all (`is_body_motion`): BVH files and built-in clips, not a video's face segments.

This module reads file metadata only; it does not read, analyse or index the files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from motiondirector.retrieval.records import ClipRecord, CorruptLibraryError

SOURCE_STAMPS = "source_stamps.json"
"""The library attachment with each source file's size and modification time."""


@dataclass(frozen=True)
class FileStamp:
    """A file's size in bytes and modification time in nanoseconds, as `os.stat` gives them."""

    size: int
    mtime_ns: int


def stamp_of(path: str | Path) -> FileStamp | None:
    """The stamp of the file at `path`, None when it cannot be read (gone, or not a file)."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return FileStamp(stat.st_size, stat.st_mtime_ns)


def is_local_file(file: str) -> bool:
    """Whether a clip's `source.file` names a file on this machine (not `builtin:...`, not a
    URI)."""
    return not file.startswith("builtin:") and "://" not in file


def is_body_motion(file: str) -> bool:
    """Whether a clip's `source.file` can move a body: a built-in clip or a BVH file, the
    sources assembly reads. A video's clips (face segments, captioned spans) cannot."""
    return file.startswith("builtin:") or file.lower().endswith(".bvh")


def missing_sources(records: Iterable[ClipRecord]) -> list[str]:
    """The local source files of `records` that are no file now (deleted or moved since the
    library read them), each once, in the order of the records."""
    files = dict.fromkeys(record.source.file for record in records)
    return [file for file in files if is_local_file(file) and not Path(file).is_file()]


def gone_from(records: Iterable[ClipRecord], folders: Iterable[str | Path]) -> list[str]:
    """The source files of `records` that lie under one of `folders` and are no file now:
    removed from a folder that is read again, so their clips go too. Each once, in the order
    of the records."""
    roots = [Path(folder).resolve() for folder in folders]
    gone = []
    for file in missing_sources(records):
        where = Path(source_key(file))
        if any(where.is_relative_to(root) for root in roots):
            gone.append(file)
    return gone


def source_key(file: str | Path) -> str:
    """The key a source file is known by: its absolute path, links resolved."""
    return str(Path(file).resolve())


def _parse_stamps(attachment: bytes) -> dict[str, FileStamp]:
    try:
        data = json.loads(attachment)
        return {str(key): FileStamp(int(size), int(mtime)) for key, (size, mtime) in data.items()}
    except (ValueError, TypeError, AttributeError) as error:
        raise CorruptLibraryError(f"{SOURCE_STAMPS}: not a map of [size, mtime_ns]") from error


def pack_stamps(
    records: Iterable[ClipRecord],
    previous: bytes | None = None,
    also: Iterable[str] = (),
    dropping: Iterable[str] = (),
) -> bytes:
    """The stamps attachment: `previous` without the files `dropping` (gone), with the stamps
    of the files of `records` and of the files `also` (read now without giving a clip) put
    over it. Sources that are no readable file (`builtin:...`) are left out."""
    stamps = _parse_stamps(previous) if previous else {}
    for file in dropping:
        stamps.pop(source_key(file), None)
    for file in dict.fromkeys([*(record.source.file for record in records), *also]):
        stamp = stamp_of(file)
        if stamp is not None:
            stamps[source_key(file)] = stamp
    ordered = {key: [stamp.size, stamp.mtime_ns] for key, stamp in sorted(stamps.items())}
    return json.dumps(ordered, indent=0).encode()


@dataclass(frozen=True)
class KnownSources:
    """The source files a library holds clips from, with their stamps where it kept them."""

    stamps: Mapping[str, FileStamp | None]

    @classmethod
    def of(cls, records: Iterable[ClipRecord], attachment: bytes | None) -> KnownSources:
        """The files of a library's `records` and its stamps attachment (None: it has none)."""
        stamps: dict[str, FileStamp | None] = dict(_parse_stamps(attachment) if attachment else {})
        for record in records:
            stamps.setdefault(source_key(record.source.file), None)
        return cls(stamps)

    def is_changed(self, path: Path) -> bool:
        """Whether a known file differs now from when the library read it."""
        stamp = self.stamps.get(source_key(path))
        return stamp is not None and stamp_of(path) != stamp

    def holds(self, file: str | Path) -> bool:
        """Whether the library read `file` before."""
        return source_key(file) in self.stamps

    def split(self, files: Sequence[Path]) -> tuple[list[Path], list[Path]]:
        """`files` (in order) parted into those to read (new or changed) and the known ones
        passed over unchanged."""
        read: list[Path] = []
        kept: list[Path] = []
        for path in files:
            if self.holds(path) and not self.is_changed(path):
                kept.append(path)
            else:
                read.append(path)
        return read, kept
