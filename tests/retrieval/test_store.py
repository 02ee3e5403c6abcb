"""ClipLibrary on disk with the real MiniLM model and real FAISS: create, open, search, add,
rebuild, and refusal of corrupt or mismatched libraries."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from motiondirector.embedding import SentenceEmbedder
from motiondirector.errors import MotionDirectorError
from motiondirector.retrieval import (
    ClipLibrary,
    CorruptLibraryError,
    LibraryConflictError,
    LibraryError,
    LibraryMismatchError,
    LibraryNotFoundError,
)
from motiondirector.retrieval import store as store_module

from .conftest import CLIP_RECORDS, make_record


class HashEmbedder:
    """A different, tiny embedding model: vectors from a hash of the words."""

    model_id = "test/hash-embedder"
    dimension = 16

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.split():
                out[row, sum(map(ord, word)) % self.dimension] += 1.0
        normed: np.ndarray = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return normed


def top1(library: ClipLibrary, text: str) -> str:
    return library.search(text, k=1)[0].record.id


def test_created_library_finds_the_right_movement_by_meaning(built_library: ClipLibrary) -> None:
    assert top1(built_library, "waves goodbye").startswith("wave_")
    assert top1(built_library, "sits down").startswith("sit_")
    assert top1(built_library, "nods in agreement").startswith("nod_")
    hits = built_library.search("walks wearily", k=3)
    assert next(h.record.id for h in hits) == "walk_tired_02"
    assert all(h.record.id.startswith("walk_") for h in hits)
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)


def test_a_record_with_two_descriptions_is_returned_once(
    built_library: ClipLibrary, embedder: SentenceEmbedder
) -> None:
    hits = built_library.search("waves goodbye", k=30)
    ids = [h.record.id for h in hits]
    assert len(ids) == len(set(ids)) == 30
    # ... with the score of its closer description.
    two = next(h for h in hits if len(h.record.descriptions) == 2)
    query = embedder.embed(["waves goodbye"])[0]
    cosines = embedder.embed(list(two.record.descriptions)) @ query
    assert two.similarity == pytest.approx(float(cosines.max()), abs=1e-5)


def test_opened_library_has_the_same_records_and_answers(
    built_library: ClipLibrary, embedder: SentenceEmbedder
) -> None:
    opened = ClipLibrary.open(built_library.path, embedder=embedder)
    assert opened.records == CLIP_RECORDS
    assert len(opened) == 30
    assert opened.search("sits down", 5) == built_library.search("sits down", 5)
    info = opened.info()
    assert (info.records, info.vectors, info.kind) == (30, 32, "flat")
    assert info.model_id == embedder.model_id and info.dimension == 384
    assert info.bytes_on_disk > 32 * 384 * 4
    manifest = json.loads((built_library.path / info.version / "manifest.json").read_text())
    assert manifest["files"]["index.faiss"]["sha256"]
    assert manifest["model_id"] == embedder.model_id


def test_creating_over_an_existing_library_is_refused(
    library_path: Path, embedder: SentenceEmbedder
) -> None:
    with pytest.raises(LibraryError, match="already a clip library"):
        ClipLibrary.create(library_path, CLIP_RECORDS[:3], embedder=embedder)
    replaced = ClipLibrary.create(library_path, CLIP_RECORDS[:3], embedder=embedder, overwrite=True)
    assert len(ClipLibrary.open(library_path, embedder=embedder)) == 3 == len(replaced)


def test_exists_says_whether_a_library_is_there_without_loading_it(
    library_path: Path, tmp_path: Path, embedder: SentenceEmbedder
) -> None:
    assert ClipLibrary.exists(library_path)
    assert not ClipLibrary.exists(tmp_path / "nothing-here")
    note = tmp_path / "notes.txt"
    note.write_text("not a library")
    assert not ClipLibrary.exists(note)
    with pytest.raises(LibraryError, match="is a file, not a folder for a clip library"):
        ClipLibrary.create(note, CLIP_RECORDS[:1], embedder=embedder, overwrite=True)


def test_versions_are_readable_by_others_as_the_umask_allows(
    tmp_path: Path, embedder: SentenceEmbedder
) -> None:
    # A library built by one account is opened by another (a server, a teammate).
    old = os.umask(0o022)
    try:
        library = ClipLibrary.create(tmp_path / "lib", CLIP_RECORDS[:2], embedder=embedder)
    finally:
        os.umask(old)
    version = library.path / library.version
    assert version.stat().st_mode & 0o777 == 0o755
    assert all(f.stat().st_mode & 0o777 == 0o644 for f in version.iterdir())


def test_repeated_clip_ids_are_refused(tmp_path: Path, embedder: SentenceEmbedder) -> None:
    with pytest.raises(LibraryError, match="unique"):
        ClipLibrary.create(tmp_path / "lib", CLIP_RECORDS[:2] * 2, embedder=embedder)


def test_a_missing_library_is_reported(tmp_path: Path, embedder: SentenceEmbedder) -> None:
    with pytest.raises(LibraryNotFoundError, match="no clip library"):
        ClipLibrary.open(tmp_path / "nothing", embedder=embedder)


@pytest.mark.parametrize("name", ["index.faiss", "records.jsonl"])
def test_a_flipped_byte_is_refused_as_corrupt(
    library_path: Path, embedder: SentenceEmbedder, name: str
) -> None:
    version = (library_path / "CURRENT").read_text().strip()
    path = library_path / version / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptLibraryError, match=f"{name} does not match its sha256"):
        ClipLibrary.open(library_path, embedder=embedder)


def test_a_truncated_or_missing_file_is_refused(
    library_path: Path, embedder: SentenceEmbedder
) -> None:
    version = library_path / (library_path / "CURRENT").read_text().strip()
    (version / "index.faiss").write_bytes((version / "index.faiss").read_bytes()[:100])
    with pytest.raises(CorruptLibraryError, match="truncated"):
        ClipLibrary.open(library_path, embedder=embedder)
    (version / "index.faiss").unlink()
    with pytest.raises(CorruptLibraryError, match="missing"):
        ClipLibrary.open(library_path, embedder=embedder)
    (version / "manifest.json").write_text("{not json")
    with pytest.raises(CorruptLibraryError, match="not a valid library manifest"):
        ClipLibrary.open(library_path, embedder=embedder)


@pytest.mark.parametrize(
    ("field", "value"), [("model_id", "sentence-transformers/other-model"), ("dimension", 768)]
)
def test_a_manifest_of_another_model_or_dimension_is_refused(
    library_path: Path, embedder: SentenceEmbedder, field: str, value: object
) -> None:
    version = library_path / (library_path / "CURRENT").read_text().strip()
    manifest = json.loads((version / "manifest.json").read_text())
    manifest[field] = value
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(LibraryMismatchError, match="was built with model") as caught:
        ClipLibrary.open(library_path, embedder=embedder)
    assert str(value) in str(caught.value)
    assert isinstance(caught.value, MotionDirectorError)


def test_another_embedder_is_refused_until_the_library_is_reindexed(library_path: Path) -> None:
    other = HashEmbedder()
    with pytest.raises(LibraryMismatchError, match="test/hash-embedder"):
        ClipLibrary.open(library_path, embedder=other)
    reindexed = ClipLibrary.reindex(library_path, embedder=other)
    assert reindexed.info().dimension == 16
    assert ClipLibrary.open(library_path, embedder=other).records == CLIP_RECORDS


def test_incremental_add_keeps_old_records_and_finds_new_ones(
    library_path: Path, embedder: SentenceEmbedder
) -> None:
    library = ClipLibrary.open(library_path, embedder=embedder)
    before = library.version
    new = make_record("hug_01", ("hugs a friend warmly with both arms",), ("hug",), "joy")
    library.add([new])
    assert library.version != before
    assert len(library) == 31 and library.records[:30] == CLIP_RECORDS
    assert top1(library, "gives someone a warm hug") == "hug_01"
    assert top1(library, "waves goodbye").startswith("wave_")
    reopened = ClipLibrary.open(library_path, embedder=embedder)
    assert reopened.records == library.records
    with pytest.raises(LibraryError, match="unique"):
        library.add([new])


def test_a_reader_keeps_its_version_through_a_rebuild_and_a_new_reader_sees_the_new_one(
    library_path: Path, embedder: SentenceEmbedder
) -> None:
    reader = ClipLibrary.open(library_path, embedder=embedder)
    writer = ClipLibrary.open(library_path, embedder=embedder)
    writer.add([make_record("hug_01", ("hugs a friend",), ("hug",))])
    writer.rebuild(kind="hnsw")
    assert reader.info().kind == "flat" and len(reader) == 30
    assert top1(reader, "sits down").startswith("sit_")
    after = ClipLibrary.open(library_path, embedder=embedder)
    assert after.info().kind == "hnsw" and len(after) == 31
    assert after.version == writer.version != reader.version
    assert top1(after, "sits down").startswith("sit_")
    # Only the live version and the one before it stay on disk.
    versions = sorted(p.name for p in library_path.glob("v*"))
    assert len(versions) == 2 and versions[-1] == after.version
    # The stale handle may not write over the newer version.
    with pytest.raises(LibraryConflictError, match="reopen"):
        reader.add([make_record("bow_02", ("bows deeply",), ("bow",))])


def test_a_crash_in_the_middle_of_a_write_leaves_the_old_version_live(
    library_path: Path, embedder: SentenceEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = ClipLibrary.open(library_path, embedder=embedder)
    version = library.version
    real_write = store_module._write_file

    def crash_on_manifest(path: Path, data: bytes) -> store_module.FileEntry:
        if path.name == "manifest.json":
            real_write(path, data[:10])  # half written, as a crash would leave it
            raise OSError("disk full")
        return real_write(path, data)

    monkeypatch.setattr(store_module, "_write_file", crash_on_manifest)
    with pytest.raises(OSError, match="disk full"):
        library.add([make_record("hug_01", ("hugs a friend",), ("hug",))])
    with pytest.raises(OSError, match="disk full"):
        library.rebuild()
    monkeypatch.undo()
    assert library.version == version and len(library) == 30
    reopened = ClipLibrary.open(library_path, embedder=embedder)
    assert reopened.version == version and reopened.records == CLIP_RECORDS
    assert not list(library_path.glob(".build-*"))
    # A build directory left by a killed process is ignored by readers and cleared by writers.
    (library_path / ".build-killed").mkdir()
    (library_path / ".build-killed" / "index.faiss").write_bytes(b"partial")
    assert ClipLibrary.open(library_path, embedder=embedder).version == version
    reopened.add([make_record("hug_01", ("hugs a friend",), ("hug",))])
    assert not (library_path / ".build-killed").exists()
    assert len(ClipLibrary.open(library_path, embedder=embedder)) == 31


def test_adding_past_the_flat_size_switches_the_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("motiondirector.retrieval.index.FLAT_UP_TO", 40)
    embedder = HashEmbedder()
    records = [
        make_record(f"clip{i:03d}", (f"movement number {i} with words w{i}",)) for i in range(30)
    ]
    library = ClipLibrary.create(tmp_path / "lib", records, embedder=embedder)
    assert library.info().kind == "flat"
    more = [
        make_record(f"clip{i:03d}", (f"movement number {i} with words w{i}",))
        for i in range(30, 60)
    ]
    library.add(more)
    assert library.info().kind == "hnsw"
    # Every record is still found: its own description is its best match.
    hits = library.search("movement number 45 with words w45", 60)
    assert len(hits) == 60
    assert next(h for h in hits if h.record.id == "clip045").similarity == pytest.approx(1.0)
    pinned = ClipLibrary.create(tmp_path / "pinned", records, embedder=embedder, kind="flat")
    pinned.add(more)
    pinned.rebuild()
    assert pinned.info().kind == "flat"


def test_add_can_replace_records_and_their_vectors(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    records = [make_record(f"clip{i}", (f"movement w{i}", f"also v{i}")) for i in range(6)]
    library = ClipLibrary.create(tmp_path / "lib", records, embedder=embedder, kind="hnsw")
    redone = make_record("clip2", ("turns around slowly",))
    library.add([redone], removing=["clip2", "clip4"])
    reopened = ClipLibrary.open(tmp_path / "lib", embedder=embedder)
    ids = [record.id for record in reopened.records]
    assert ids == ["clip0", "clip1", "clip3", "clip5", "clip2"]
    assert reopened.info().vectors == 9 and reopened.info().kind == "hnsw"
    # Each record is found by its own words: the rows and their owners stayed in step.
    for record in reopened.records:
        (hit,) = reopened.search(record.descriptions[0], k=1)
        assert hit.record == record and hit.similarity == pytest.approx(1.0)
    with pytest.raises(LibraryError, match=r"does not hold: \['clip4'\]"):
        reopened.add([], removing=["clip4"])
    with pytest.raises(LibraryError, match="unique"):
        reopened.add([make_record("clip0", ("a second clip0",))], removing=["clip1"])
    assert ClipLibrary.open(tmp_path / "lib", embedder=embedder).version == reopened.version


def test_query_cache_primes_in_one_bulk_call() -> None:
    from motiondirector.retrieval.store import QueryVectorCache

    calls: list[list[str]] = []

    class Counting(HashEmbedder):
        def embed(self, texts: Sequence[str]) -> np.ndarray:
            calls.append(list(texts))
            return super().embed(texts)

    cache = QueryVectorCache(size=3)
    embedder = Counting()
    cache.prime(embedder, ["waves", "nods", "waves", "sits"])
    assert calls == [["waves", "nods", "sits"]] and len(cache) == 3
    assert np.array_equal(cache.vector(embedder, "nods"), HashEmbedder().embed(["nods"])[0])
    cache.prime(embedder, ["nods", "bows"])  # only the new text is embedded; oldest evicted
    assert calls[-1] == ["bows"] and len(cache) == 3


class CountingEmbedder(HashEmbedder):
    """The hash embedder, noting how many texts each call embeds."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return super().embed(texts)


def test_embedding_a_library_shows_a_bar_over_its_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(store_module, "EMBED_BATCH", 16)
    texts = sum(len(record.descriptions) for record in CLIP_RECORDS)
    embedder = CountingEmbedder()
    shown = ClipLibrary.create(
        tmp_path / "shown", CLIP_RECORDS, embedder=embedder, kind="flat", progress=True
    )
    err = capsys.readouterr().err
    assert "embedding" in err and f"{texts}/{texts}" in err
    assert sum(embedder.calls) == texts and max(embedder.calls) == 16 and len(embedder.calls) > 1
    quiet = ClipLibrary.create(tmp_path / "quiet", CLIP_RECORDS, embedder=HashEmbedder())
    assert capsys.readouterr().err == ""
    # Embedded in batches or at once, the vectors are the same.
    for text in ("waves goodbye", "sits down slowly"):
        assert [(h.record.id, h.similarity) for h in shown.search(text, k=5)] == [
            (h.record.id, h.similarity) for h in quiet.search(text, k=5)
        ]
    new = make_record("hug_01", ("hugs a friend warmly with both arms",), ("hug",), "joy")
    shown.add([new], progress=True)
    assert "1/1" in capsys.readouterr().err
