"""`ClipLibrary`: clip records and their FAISS index, persisted to a directory.

Layout (one directory per version, and a pointer to the live one):

    library/
      CURRENT            "v000003\\n": the live version, replaced atomically
      v000002/           the previous version, kept for readers that read CURRENT just before
      v000003/             a swap and open the files just after it
        index.faiss      the FAISS index (one vector per description, ids = vector rows)
        records.jsonl    one ClipRecord per line, in vector order
        manifest.json    format version, model id, dimension, counts, index parameters,
                         sha256 and size of each file
        face_tracks.npz  (libraries of real video) attachments: named files kept beside the
                         index, checksummed like it and carried into every later version
      .lock              serialises writers (POSIX advisory lock)

A write builds the new version in a hidden sibling directory, fsyncs every file and the
directory, renames it to `vNNNNNN`, then replaces `CURRENT` with `os.replace`. A reader reads
`CURRENT` once and loads that version fully into memory, so it sees the old or the new version,
never a mix; a crash at any point leaves the old version live (half-built directories are
removed by the next writer). After a swap, versions other than the new and the previous one are
deleted. Opening verifies every checksum and refuses a library built with another model or
dimension than the embedder in use. Records with behaviour profiles name the face model that
made them; a library holds profiles of one face model only, and adding records of another is
refused before anything is written.

This module must not score clips for a plan event: that is `query.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError
from tqdm import tqdm

from motiondirector.retrieval.index import (
    IndexKind,
    IndexParams,
    VectorIndex,
    choose_index_kind,
)
from motiondirector.retrieval.locate import not_a_library
from motiondirector.retrieval.records import (
    ClipRecord,
    CorruptLibraryError,
    LibraryConflictError,
    LibraryError,
    LibraryMismatchError,
    LibraryNotFoundError,
)

FORMAT_VERSION = 2
"""2 added attachments and `face_model`; a library without either is still written as 1."""
CURRENT_FILE = "CURRENT"
INDEX_FILE = "index.faiss"
RECORDS_FILE = "records.jsonl"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".lock"
_BUILD_PREFIX = ".build-"
_VERSION_NAME = re.compile(r"^v(\d{6,})$")
_OPEN_ATTEMPTS = 3
_ATTACHMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
QUERY_CACHE_SIZE = 4096
EMBED_BATCH = 512
"""Descriptions embedded per call when a library is written; the progress bar moves once per
call (the embedder spreads a call of 128 texts or more over every core, so nothing is lost)."""
MAX_CACHED_QUERY = 2048
"""Characters of the longest query text whose embedding (and, in `query.py`, words and answers)
is kept: a plan's queries are well under it (a face slot's joined descriptions reach ~600).
Query texts come from callers, so a longer one is worked out on every call, not kept."""


class Embedder(Protocol):
    """What the library needs from an embedder (`motiondirector.embedding.SentenceEmbedder`)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class FileEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    bytes: int


class Manifest(BaseModel):
    """The description of one library version, written last and read first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int
    created_by: str
    model_id: str
    dimension: int
    records: int
    vectors: int
    kind_policy: Literal["auto", "fixed"]
    index: dict[str, Any]
    files: dict[str, FileEntry]
    face_model: str | None = None


@dataclass(frozen=True)
class LibraryInfo:
    path: Path
    version: str
    records: int
    vectors: int
    kind: IndexKind
    index_params: dict[str, Any]
    model_id: str
    dimension: int
    bytes_on_disk: int


@dataclass(frozen=True)
class SemanticHit:
    """A record and its best cosine similarity over its descriptions."""

    record: ClipRecord
    similarity: float


@dataclass(frozen=True)
class _State:
    version: str
    manifest: Manifest
    records: tuple[ClipRecord, ...]
    owners: np.ndarray
    index: VectorIndex
    attachments: dict[str, bytes]


def _created_by() -> str:
    try:
        return f"motiondirector {version('motiondirector')}"
    except PackageNotFoundError:
        return "motiondirector"


class QueryVectorCache:
    """Least-recently-used cache of query embeddings keyed by (model id, text): plan events
    repeat descriptions, and the embedding is most of a query's time. Texts longer than
    `MAX_CACHED_QUERY` are embedded on every call and never kept."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vector(self, embedder: Embedder, text: str) -> np.ndarray:
        if len(text) > MAX_CACHED_QUERY:
            return _embed_one(embedder, text)
        key = (embedder.model_id, text)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        vector = _embed_one(embedder, text)
        with self._lock:
            self._items[key] = vector
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return vector

    def prime(self, embedder: Embedder, texts: Sequence[str]) -> None:
        """Embed the texts not cached yet in one bulk call (far faster than one by one); texts
        too long to keep are left to `vector`, which embeds them on use."""
        with self._lock:
            missing = list(
                dict.fromkeys(
                    t
                    for t in texts
                    if len(t) <= MAX_CACHED_QUERY and (embedder.model_id, t) not in self._items
                )
            )
        if not missing:
            return
        vectors = np.asarray(embedder.embed(missing), dtype=np.float32)
        with self._lock:
            for text, vector in zip(missing, vectors, strict=True):
                vector.setflags(write=False)
                self._items[(embedder.model_id, text)] = vector
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


QUERY_CACHE = QueryVectorCache()


def _embed_one(embedder: Embedder, text: str) -> np.ndarray:
    vector: np.ndarray = np.asarray(embedder.embed([text])[0], dtype=np.float32)
    vector.setflags(write=False)
    return vector


class ClipLibrary:
    """A persisted clip library: records, their embeddings in a FAISS index, and a manifest.

    Create one with `ClipLibrary.create`, open one with `ClipLibrary.open`. `add` and
    `rebuild` write a new version and move this handle onto it; other handles stay on the
    version they opened until they are reopened.
    """

    def __init__(self, path: Path, state: _State, embedder: Embedder) -> None:
        self._path = path
        self._state = state
        self._embedder = embedder

    # -- opening and creating -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | Path,
        records: Iterable[ClipRecord],
        *,
        embedder: Embedder | None = None,
        kind: IndexKind | None = None,
        overwrite: bool = False,
        attachments: dict[str, bytes] | None = None,
        progress: bool = False,
    ) -> ClipLibrary:
        """Embed every description of `records`, index them and persist the library at `path`.

        `kind` None chooses the index kind by size now and on every later add. An existing
        library is refused unless `overwrite` is true (then the new one becomes a new version).
        `attachments` are files stored beside the index (name -> bytes), e.g. face tracks.
        `progress` shows a bar (on stderr) over the descriptions as they are embedded.
        """
        root = Path(path)
        embedder = embedder or _default_embedder()
        records = tuple(records)
        _check_unique_ids(records)
        _face_model(root, None, records)
        attachments = _checked_attachments(attachments or {})
        if root.exists() and not root.is_dir():
            raise LibraryError(f"{root} is a file, not a folder for a clip library")
        root.mkdir(parents=True, exist_ok=True)
        with _writer_lock(root):
            current = _read_current(root)
            if current is not None and not overwrite:
                raise LibraryError(
                    f"there is already a clip library at {root}: add to it (`index build "
                    "--add`, `ClipLibrary.open(...).add`) or replace it (`--overwrite`, "
                    "`overwrite=True`)"
                )
            vectors = _embed_records(embedder, records, progress=progress)
            index = VectorIndex.build(vectors, kind=kind, dimension=embedder.dimension)
            policy: Literal["auto", "fixed"] = "auto" if kind is None else "fixed"
            state = _commit(root, current, records, index, embedder, policy, attachments)
        return cls(root, state, embedder)

    @classmethod
    def open(
        cls, path: str | Path, *, embedder: Embedder | None = None, verify: bool = True
    ) -> ClipLibrary:
        """Open the live version at `path`, checking checksums (unless `verify` is false),
        counts, and that the library was built with the model and dimension of `embedder`."""
        root = Path(path)
        embedder = embedder or _default_embedder()
        state = _load_live(root, verify=verify, embedder=embedder)
        return cls(root, state, embedder)

    @classmethod
    def reindex(
        cls,
        path: str | Path,
        *,
        embedder: Embedder | None = None,
        kind: IndexKind | None = None,
        progress: bool = False,
    ) -> ClipLibrary:
        """Re-embed every record of the library at `path` with `embedder` (any model) and write
        a new version: the way to move a library onto another embedding model. `progress`
        shows a bar over the descriptions as they are embedded."""
        root = Path(path)
        embedder = embedder or _default_embedder()
        if not root.is_dir():  # before the lock, which would create the folder
            raise LibraryNotFoundError(_not_a_library(root))
        with _writer_lock(root):
            current = _read_current(root)
            if current is None:
                raise LibraryNotFoundError(_not_a_library(root))
            version_dir = root / current
            manifest = _read_manifest(version_dir)
            records = _read_records(version_dir, manifest, verify=True)
            attachments = _read_attachments(version_dir, manifest, verify=True)
            vectors = _embed_records(embedder, records, progress=progress)
            index = VectorIndex.build(vectors, kind=kind, dimension=embedder.dimension)
            policy: Literal["auto", "fixed"] = "auto" if kind is None else "fixed"
            state = _commit(root, current, records, index, embedder, policy, attachments)
        return cls(root, state, embedder)

    # -- changing -------------------------------------------------------------------------

    def add(
        self,
        records: Iterable[ClipRecord],
        *,
        removing: Collection[str] = (),
        attachments: dict[str, bytes] | None = None,
        progress: bool = False,
    ) -> None:
        """Add records in a new version, first dropping the records whose ids are in
        `removing` (how a source file read again replaces its clips; an id the library does
        not hold is a `LibraryError`). Existing vectors are kept; an IVF index adds the new
        ones to its trained lists. When records are dropped, or when the kind is chosen by size
        and the new size calls for another kind, the index is rebuilt from the stored vectors.
        `attachments` replace those of the same name; the others are carried over. Records
        whose behaviour profiles come from another face model than the library's are refused
        (`LibraryMismatchError`) and nothing is written. `progress` shows a bar over the new
        descriptions as they are embedded."""
        new = tuple(records)
        state = self._state
        dropped = set(removing)
        unknown = dropped - {record.id for record in state.records}
        if unknown:
            raise LibraryError(f"cannot remove clips the library does not hold: {sorted(unknown)}")
        staying = tuple(record for record in state.records if record.id not in dropped)
        _check_unique_ids(staying + new)
        _face_model(self._path, state.manifest.face_model, new)
        merged = {**state.attachments, **_checked_attachments(attachments or {})}
        if not new and not dropped and merged == state.attachments:
            return
        with _writer_lock(self._path):
            self._check_still_live(state)
            vectors = _embed_records(self._embedder, new, progress=progress)
            if dropped:
                index = self._shrunk_index(state, dropped, vectors)
            elif not new:
                index = state.index.copy()
            else:
                index = self._grown_index(state, vectors)
            self._state = _commit(
                self._path,
                state.version,
                staying + new,
                index,
                self._embedder,
                state.manifest.kind_policy,
                merged,
            )

    @staticmethod
    def _shrunk_index(state: _State, dropped: set[str], vectors: np.ndarray) -> VectorIndex:
        """The index without the vectors of the `dropped` records and with `vectors` added,
        built anew (FAISS indexes here cannot remove in place): of the kind the new size calls
        for, or of the library's kind when that is fixed."""
        rows = [i for i, record in enumerate(state.records) if record.id not in dropped]
        keep = np.isin(state.owners, rows)
        combined = np.concatenate([state.index.reconstruct_all()[keep], vectors])
        kind = (
            state.index.kind
            if state.manifest.kind_policy == "fixed"
            else choose_index_kind(combined.shape[0])
        )
        return VectorIndex.build(combined, kind=kind, dimension=state.index.dimension)

    @staticmethod
    def _grown_index(state: _State, vectors: np.ndarray) -> VectorIndex:
        """The index with `vectors` added, rebuilt when its kind is chosen by size and the new
        size calls for another kind."""
        total = len(state.index) + vectors.shape[0]
        wanted = choose_index_kind(total)
        if state.manifest.kind_policy == "auto" and wanted != state.index.kind:
            combined = np.concatenate([state.index.reconstruct_all(), vectors])
            return VectorIndex.build(combined, kind=wanted)
        index = state.index.copy()
        index.add(vectors)
        return index

    def rebuild(
        self, *, kind: IndexKind | None = None, reembed: bool = False, progress: bool = False
    ) -> None:
        """Rebuild the index in a new version: retrain IVF, rebuild the HNSW graph, and
        choose the kind again by size (or use `kind`, which then stays fixed). The vectors
        are taken from the index, or embedded again if `reembed` is true (with a bar over
        them when `progress` is true)."""
        state = self._state
        with _writer_lock(self._path):
            self._check_still_live(state)
            if reembed:
                vectors = _embed_records(self._embedder, state.records, progress=progress)
            else:
                vectors = state.index.reconstruct_all()
            if kind is None and state.manifest.kind_policy == "fixed":
                kind = state.index.kind
                policy: Literal["auto", "fixed"] = "fixed"
            else:
                policy = "auto" if kind is None else "fixed"
            index = VectorIndex.build(vectors, kind=kind, dimension=self._embedder.dimension)
            self._state = _commit(
                self._path,
                state.version,
                state.records,
                index,
                self._embedder,
                policy,
                state.attachments,
            )

    def _check_still_live(self, state: _State) -> None:
        live = _read_current(self._path)
        if live != state.version:
            raise LibraryConflictError(
                f"the clip library at {self._path} moved to {live} since this handle opened "
                f"{state.version}; reopen it before changing it"
            )

    @staticmethod
    def exists(path: str | Path) -> bool:
        """Whether `path` holds a library (a `CURRENT` naming a version), without loading it:
        a build checks this before a long ingest rather than after."""
        if not Path(path).is_dir():
            return False
        try:
            return _read_current(Path(path)) is not None
        except CorruptLibraryError:
            return True  # something is there: `create` says what without `overwrite`

    # -- reading --------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def version(self) -> str:
        return self._state.version

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    @property
    def records(self) -> tuple[ClipRecord, ...]:
        return self._state.records

    def __len__(self) -> int:
        return len(self._state.records)

    @property
    def face_model(self) -> str | None:
        """The face model of the records' behaviour profiles (None: no profiles)."""
        return self._state.manifest.face_model

    @property
    def attachment_names(self) -> tuple[str, ...]:
        return tuple(sorted(self._state.attachments))

    def attachment(self, name: str) -> bytes | None:
        """The bytes of the attachment `name` in this version, None when there is none."""
        return self._state.attachments.get(name)

    def info(self) -> LibraryInfo:
        state = self._state
        manifest = state.manifest
        return LibraryInfo(
            path=self._path,
            version=state.version,
            records=manifest.records,
            vectors=manifest.vectors,
            kind=state.index.kind,
            index_params=dict(manifest.index),
            model_id=manifest.model_id,
            dimension=manifest.dimension,
            bytes_on_disk=sum(entry.bytes for entry in manifest.files.values())
            + len(_manifest_bytes(manifest)),
        )

    def query_vector(self, text: str) -> np.ndarray:
        """The embedding of `text`, from the process-wide LRU cache when it was seen."""
        return QUERY_CACHE.vector(self._embedder, text)

    def search(self, text: str, k: int = 10) -> list[SemanticHit]:
        """The `k` records whose descriptions are closest in meaning to `text`."""
        return self.search_vector(self.query_vector(text), k)

    def search_vector(self, vector: np.ndarray, k: int = 10) -> list[SemanticHit]:
        """The `k` records closest to `vector`, each once with its best description's score,
        best first; ties by record id."""
        state = self._state
        if k <= 0 or not state.records:
            return []
        n_vectors = len(state.index)
        per_record = n_vectors / len(state.records)
        fetch = min(n_vectors, max(2 * k, math.ceil(2 * k * per_record)))
        while True:
            scores, ids = state.index.search(vector, fetch)
            rows = ids[0].tolist()
            owners = state.owners[ids[0]].tolist()
            best: dict[int, float] = {}
            # FAISS answers best first, so a record's first row is its best description.
            for score, row, owner in zip(scores[0].tolist(), rows, owners, strict=True):
                if row >= 0 and owner not in best:
                    best[owner] = score
            if len(best) >= k or fetch >= n_vectors:
                break
            fetch = min(n_vectors, fetch * 2)
        records = state.records
        ranked = sorted((-score, records[owner].id, owner) for owner, score in best.items())
        return [SemanticHit(records[owner], -negative) for negative, _, owner in ranked[:k]]


# -- helpers: embedding -------------------------------------------------------------------


def _default_embedder() -> Embedder:
    from motiondirector.embedding import get_embedder

    return get_embedder()


def _check_unique_ids(records: Sequence[ClipRecord]) -> None:
    counts = Counter(record.id for record in records)
    repeated = sorted(clip_id for clip_id, count in counts.items() if count > 1)
    if repeated:
        raise LibraryError(f"clip ids must be unique; repeated: {repeated[:10]}")


def _embed_records(
    embedder: Embedder, records: Sequence[ClipRecord], *, progress: bool = False
) -> np.ndarray:
    texts = [text for record in records for text in record.descriptions]
    if not texts:
        return np.empty((0, embedder.dimension), dtype=np.float32)
    parts = []
    with tqdm(total=len(texts), disable=not progress, unit="description", desc="embedding") as bar:
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            parts.append(np.asarray(embedder.embed(batch), dtype=np.float32))
            bar.update(len(batch))
    vectors = np.concatenate(parts) if len(parts) > 1 else parts[0]
    if vectors.shape != (len(texts), embedder.dimension):
        raise LibraryError(
            f"the embedder returned {vectors.shape} for {len(texts)} texts, "
            f"expected ({len(texts)}, {embedder.dimension})"
        )
    return vectors


def _face_model(root: Path, current: str | None, records: Sequence[ClipRecord]) -> str | None:
    """The one face model of the records' profiles (with the library's `current` one);
    `LibraryMismatchError` when they differ."""
    models = sorted({r.profile.face_model for r in records if r.profile is not None})
    if current is not None and models and models != [current]:
        raise LibraryMismatchError(
            f"the clip library at {root} holds face profiles made with face model {current!r}, "
            f"but the new records were made with {', '.join(repr(m) for m in models)}; "
            f"nothing was added. Analyse the videos with the library's model, or build a new "
            f"library (index build --overwrite) with the new one"
        )
    if len(models) > 1:
        raise LibraryError(
            f"records carry face profiles of several face models ({', '.join(models)}); "
            f"a library holds one"
        )
    return models[0] if models else current


def _checked_attachments(attachments: dict[str, bytes]) -> dict[str, bytes]:
    for name in attachments:
        if not _ATTACHMENT_NAME.match(name) or name in (INDEX_FILE, RECORDS_FILE, MANIFEST_FILE):
            raise LibraryError(
                f"attachment name {name!r} must be lower-case letters, digits, '_', '.' or '-' "
                f"and not a file of the library itself"
            )
    return dict(sorted(attachments.items()))


def _owners(records: Sequence[ClipRecord]) -> np.ndarray:
    counts = [len(record.descriptions) for record in records]
    return np.repeat(np.arange(len(records), dtype=np.int64), counts)


def _check_model(root: Path, manifest: Manifest, embedder: Embedder) -> None:
    if manifest.model_id != embedder.model_id or manifest.dimension != embedder.dimension:
        raise LibraryMismatchError(
            f"the clip library at {root} was built with model {manifest.model_id!r} "
            f"(dimension {manifest.dimension}), but the embedder in use is "
            f"{embedder.model_id!r} (dimension {embedder.dimension}); re-embed it with "
            f"ClipLibrary.reindex({str(root)!r}) or open it with the same model"
        )


# -- helpers: files -----------------------------------------------------------------------


@contextlib.contextmanager
def _writer_lock(root: Path) -> Iterator[None]:
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> FileEntry:
    with open(path, "xb") as handle:
        handle.write(data)
    _fsync_file(path)
    return FileEntry(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))


def _manifest_bytes(manifest: Manifest) -> bytes:
    data = manifest.model_dump()
    if data["face_model"] is None:
        del data["face_model"]  # a library without faces keeps its format-1 manifest
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _read_current(root: Path) -> str | None:
    try:
        name = (root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptLibraryError(f"cannot read {root / CURRENT_FILE}: {exc}") from exc
    if not _VERSION_NAME.match(name):
        raise CorruptLibraryError(f"{root / CURRENT_FILE} does not name a version: {name!r}")
    return name


def _version_names(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _VERSION_NAME.match(p.name))


def _commit(
    root: Path,
    previous: str | None,
    records: tuple[ClipRecord, ...],
    index: VectorIndex,
    embedder: Embedder,
    policy: Literal["auto", "fixed"],
    attachments: dict[str, bytes] | None = None,
) -> _State:
    """Write a new version beside the live one and make it live. Called under the lock."""
    attachments = attachments or {}
    face_model = _face_model(root, None, records)
    if len(index) != sum(len(r.descriptions) for r in records):
        raise LibraryError("internal: index size and description count differ")
    for stale in root.glob(_BUILD_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    names = _version_names(root)
    number = int(_VERSION_NAME.match(names[-1]).group(1)) + 1 if names else 1  # type: ignore[union-attr]
    name = f"v{number:06d}"
    # Not mkdtemp: its 0700 would make the version unreadable to everyone but its writer
    # (a server or a teammate opening a shared library); mkdir honours the umask as the
    # files inside do. The lock is held, so the random name needs no retry loop.
    building = root / f"{_BUILD_PREFIX}{secrets.token_hex(8)}"
    building.mkdir()
    try:
        files = {
            INDEX_FILE: _write_file(building / INDEX_FILE, index.to_bytes()),
            RECORDS_FILE: _write_file(
                building / RECORDS_FILE,
                "".join(r.to_json() + "\n" for r in records).encode("utf-8"),
            ),
        }
        for attachment, data in attachments.items():
            files[attachment] = _write_file(building / attachment, data)
        manifest = Manifest(
            format_version=FORMAT_VERSION if attachments or face_model else 1,
            created_by=_created_by(),
            model_id=embedder.model_id,
            dimension=embedder.dimension,
            records=len(records),
            vectors=len(index),
            kind_policy=policy,
            index=index.params.to_dict(),
            files=files,
            face_model=face_model,
        )
        _write_file(building / MANIFEST_FILE, _manifest_bytes(manifest))
        _fsync_dir(building)
        os.rename(building, root / name)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    pointer = root / f".{CURRENT_FILE}.{name}"
    pointer.write_text(name + "\n", encoding="utf-8")
    _fsync_file(pointer)
    os.replace(pointer, root / CURRENT_FILE)
    _fsync_dir(root)
    keep = {name, previous}
    for old in _version_names(root):
        if old not in keep:
            shutil.rmtree(root / old, ignore_errors=True)
    return _State(name, manifest, records, _owners(records), index, dict(attachments))


def _load_live(root: Path, *, verify: bool, embedder: Embedder) -> _State:
    for _ in range(_OPEN_ATTEMPTS):
        name = _read_current(root) if root.is_dir() else None
        if name is None:
            raise LibraryNotFoundError(_not_a_library(root))
        try:
            return _load_version(root, name, verify=verify, embedder=embedder)
        except _VersionGone:
            # Two writers swapped and pruned between reading CURRENT and opening the files.
            continue
    raise CorruptLibraryError(f"{root / CURRENT_FILE} names a version that does not exist")


def _not_a_library(root: Path) -> str:
    return not_a_library(
        root, current_file=CURRENT_FILE, manifest_file=MANIFEST_FILE, version_name=_VERSION_NAME
    )


class _VersionGone(Exception):
    pass


def _read_manifest(version_dir: Path) -> Manifest:
    path = version_dir / MANIFEST_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        if not version_dir.exists():
            raise _VersionGone from exc
        raise CorruptLibraryError(f"{path} is missing") from exc
    try:
        manifest = Manifest.model_validate(json.loads(data))
    except (ValueError, ValidationError) as exc:
        raise CorruptLibraryError(f"{path} is not a valid library manifest: {exc}") from exc
    if manifest.format_version > FORMAT_VERSION:
        raise LibraryMismatchError(
            f"{path} has format version {manifest.format_version}; this motiondirector reads "
            f"up to {FORMAT_VERSION}: upgrade motiondirector"
        )
    missing = {INDEX_FILE, RECORDS_FILE} - set(manifest.files)
    if missing:
        raise CorruptLibraryError(f"{path} lists no checksum for {sorted(missing)}")
    return manifest


def _read_checked(version_dir: Path, manifest: Manifest, name: str, verify: bool) -> bytes:
    path = version_dir / name
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        if not version_dir.exists():
            raise _VersionGone from exc
        raise CorruptLibraryError(f"{path} is missing") from exc
    entry = manifest.files[name]
    if len(data) != entry.bytes:
        raise CorruptLibraryError(
            f"{path} has {len(data)} bytes, the manifest says {entry.bytes}: the file is "
            f"truncated or was changed"
        )
    if verify and hashlib.sha256(data).hexdigest() != entry.sha256:
        raise CorruptLibraryError(
            f"{path} does not match its sha256 in the manifest: the file is corrupt"
        )
    return data


def _read_records(version_dir: Path, manifest: Manifest, verify: bool) -> tuple[ClipRecord, ...]:
    data = _read_checked(version_dir, manifest, RECORDS_FILE, verify)
    records = []
    for number, line in enumerate(data.decode("utf-8", errors="strict").splitlines(), 1):
        try:
            records.append(ClipRecord.from_json(line))
        except ValidationError as exc:
            raise CorruptLibraryError(
                f"{version_dir / RECORDS_FILE}:{number}: not a valid clip record: {exc}"
            ) from exc
    if len(records) != manifest.records:
        raise CorruptLibraryError(
            f"{version_dir / RECORDS_FILE} holds {len(records)} records, "
            f"the manifest says {manifest.records}"
        )
    return tuple(records)


def _read_attachments(version_dir: Path, manifest: Manifest, verify: bool) -> dict[str, bytes]:
    names = sorted(set(manifest.files) - {INDEX_FILE, RECORDS_FILE})
    return {name: _read_checked(version_dir, manifest, name, verify) for name in names}


def _load_version(root: Path, name: str, *, verify: bool, embedder: Embedder) -> _State:
    version_dir = root / name
    if not version_dir.is_dir():
        raise _VersionGone
    manifest = _read_manifest(version_dir)
    _check_model(root, manifest, embedder)
    try:
        records = _read_records(version_dir, manifest, verify)
    except UnicodeDecodeError as exc:
        raise CorruptLibraryError(f"{version_dir / RECORDS_FILE} is not UTF-8: {exc}") from exc
    index_bytes = _read_checked(version_dir, manifest, INDEX_FILE, verify)
    try:
        params = IndexParams.from_dict(manifest.index)
        index = VectorIndex.from_bytes(index_bytes, params)
    except (TypeError, ValueError) as exc:
        raise CorruptLibraryError(f"{version_dir / INDEX_FILE}: {exc}") from exc
    vectors = sum(len(r.descriptions) for r in records)
    if len(index) != manifest.vectors or vectors != manifest.vectors:
        raise CorruptLibraryError(
            f"{version_dir}: the index holds {len(index)} vectors and the records "
            f"{vectors} descriptions, the manifest says {manifest.vectors}"
        )
    if index.dimension != manifest.dimension:
        raise CorruptLibraryError(
            f"{version_dir / INDEX_FILE} has dimension {index.dimension}, "
            f"the manifest says {manifest.dimension}"
        )
    attachments = _read_attachments(version_dir, manifest, verify)
    return _State(name, manifest, records, _owners(records), index, attachments)
