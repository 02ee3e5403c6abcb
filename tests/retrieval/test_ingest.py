"""Ingest from the built-in library and from real BVH folders, skipping what cannot be read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motiondirector.retrieval.ingest import (
    SIDECAR,
    ingest,
    ingest_builtin,
    ingest_bvh_folder,
)
from motiondirector.retrieval.records import LibraryError

from ..conftest import SHARED_DATA

BANDAI = SHARED_DATA / "mocap" / "bandai-namco-1"


def test_builtin_library_becomes_records() -> None:
    result = ingest_builtin()
    assert len(result.records) >= 150 and not result.skipped
    wave = next(r for r in result.records if r.id == "builtin/wave.right.large.fast.happy")
    assert wave.tags.lexemes == ("wave",) and wave.tags.hand == "right"
    assert wave.tags.emotion == "joy"
    assert wave.features is not None and len(wave.features.first_pose or ()) == 66


def test_bandai_folder_uses_the_dataset_labels() -> None:
    result = ingest_bvh_folder(BANDAI)
    assert len(result.records) == 174 and not result.skipped
    by_id = {r.id.rsplit("/", 1)[-1]: r for r in result.records}
    bye = by_id["dataset-1_bye_sad_001"]
    assert bye.tags.lexemes == ("wave",) and bye.tags.emotion == "sadness"
    assert bye.tags.style == "sad" and "waves goodbye with one hand sadly" in bye.descriptions
    assert bye.fps == 30 and bye.duration > 1
    # Fights and dances are lexemes of the vocabulary too: a planned kick can find a real one.
    assert by_id["dataset-1_kick_normal_001"].tags.lexemes == ("kick",)
    assert by_id["dataset-1_punch_normal_001"].tags.lexemes == ("punch",)
    assert by_id["dataset-1_dance-short_normal_001"].tags.lexemes == ("dance",)
    assert by_id["dataset-1_slash_normal_001"].tags.lexemes == ()


def test_bandai_data_folder_finds_the_label_lists_beside_it() -> None:
    # Pointing at the dataset's data/ folder (cfg/ is its sibling) keeps the labels.
    result = ingest_bvh_folder(BANDAI / "data")
    bow = next(r for r in result.records if r.id == "data/dataset-1_bow_angry_001")
    assert bow.tags.style == "angry" and bow.tags.emotion == "anger"
    assert "bandai" in bow.tags.free and len(bow.descriptions) > 1


def test_bandai_file_names_label_clips_without_the_label_lists(tmp_path: Path) -> None:
    name = "dataset-1_bye_sad_001.bvh"
    shutil.copy(BANDAI / "data" / name, tmp_path / name)
    (record,) = ingest_bvh_folder(tmp_path).records
    assert record.tags.lexemes == ("wave",) and record.tags.style == "sad"
    assert "waves goodbye with one hand sadly" in record.descriptions


def test_upper_case_extensions_are_read_and_clashing_names_skipped(tmp_path: Path) -> None:
    source = BANDAI / "data" / "dataset-1_bye_sad_001.bvh"
    shutil.copy(source, tmp_path / "Take01.BVH")
    shutil.copy(source, tmp_path / "take02.bvh")
    shutil.copy(source, tmp_path / "take02.Bvh")  # the same id as take02.bvh
    (tmp_path / ".hidden").mkdir()
    shutil.copy(source, tmp_path / ".hidden" / "junk.bvh")
    folder = str(tmp_path)
    # Named twice, a folder's clips are still in once.
    result = ingest([folder, folder])
    assert [r.id for r in result.records] == [f"{tmp_path.name}/Take01", f"{tmp_path.name}/take02"]
    (clash,) = result.skipped
    assert clash.file == str(tmp_path / "take02.bvh")
    first = tmp_path / "take02.Bvh"
    assert clash.reason == f"its clip ids are taken by {first}: rename one of them"


def test_unreadable_files_are_skipped_with_line_and_reason(tmp_path: Path) -> None:
    good = next(BANDAI.glob("data/dataset-1_walk_normal_*.bvh"))
    shutil.copy(good, tmp_path / "good.bvh")
    lines = good.read_text().splitlines()
    (tmp_path / "truncated.bvh").write_text("\n".join(lines[: len(lines) // 2]) + "\n1.0 2.0\n")
    (tmp_path / "garbage.bvh").write_bytes(b"\x00\x01 not a bvh")
    (tmp_path / SIDECAR).write_text(
        '{"file": "good.bvh", "descriptions": ["a calm stroll"], "tags": {"lexemes": ["walk"]}}\n'
        "not json\n"
    )
    result = ingest_bvh_folder(tmp_path)
    assert [r.id for r in result.records] == [f"{tmp_path.name}/good"]
    assert result.records[0].descriptions[0] == "a calm stroll"
    reasons = {Path(s.file).name: s for s in result.skipped}
    assert set(reasons) == {"truncated.bvh", "garbage.bvh", SIDECAR}
    assert reasons["truncated.bvh"].line is not None
    assert reasons[SIDECAR].line == 2


def test_a_label_line_at_fault_is_named_with_its_field(tmp_path: Path) -> None:
    good = next(BANDAI.glob("data/dataset-1_walk_normal_*.bvh"))
    for name in ("a.bvh", "b.bvh", "c.bvh", "d.bvh"):
        shutil.copy(good, tmp_path / name)
    (tmp_path / SIDECAR).write_text(
        '{"file": "a.bvh", "descriptions": ["strolls"], "tags": {"lexeme": "walk"}}\n'
        '{"file": "b.bvh", "descriptions": "strolls"}\n'
        '{"file": "c.bvh", "descriptions": ["  "]}\n'
        '{"descriptions": ["strolls"]}\n'
        '{"file": "d.bvh", "descriptions": ["strolls"], "tags": {"lexemes": ["walk"]}}\n'
    )
    result = ingest_bvh_folder(tmp_path)
    reasons = {s.line: s.reason for s in result.skipped}
    assert reasons == {
        1: "bad label line: tags.lexeme: Extra inputs are not permitted",
        2: "bad label line: descriptions: Input should be a valid array",
        3: "bad label line: descriptions: Value error, descriptions must not be blank",
        4: "bad label line: file: Field required",
    }
    # The files of lines at fault still go in, described by their motion alone.
    described = {Path(r.source.file).name: r.descriptions for r in result.records}
    assert described["d.bvh"][0] == "strolls" and described["b.bvh"] == described["a.bvh"]
    assert len(described["b.bvh"]) == 1 and "strolls" not in described["b.bvh"]


def test_missing_or_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match=r"no \.bvh files"):
        ingest_bvh_folder(tmp_path)
    with pytest.raises(LibraryError, match="not a folder: nothing is there"):
        ingest([str(tmp_path / "nope")])
    # Through `ingest` (as `index build` calls it), in the terms of what it takes.
    with pytest.raises(LibraryError, match="no BVH files, videos or captions file found"):
        ingest([str(tmp_path)])
    (tmp_path / "take.bvh").write_text("")
    with pytest.raises(LibraryError, match="not a folder but a file; sources are folders"):
        ingest([str(tmp_path / "take.bvh")])
