"""`--add` passes over the files a library holds before reading them, and reads changed ones."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.retrieval import ClipLibrary
from motiondirector.retrieval.ingest import ingest, ingest_builtin, ingest_bvh_folder
from motiondirector.retrieval.sources import (
    SOURCE_STAMPS,
    KnownSources,
    missing_sources,
    pack_stamps,
    source_key,
    stamp_of,
)

from ..conftest import SHARED_DATA
from .files import garble_keeping_stamp

BANDAI = SHARED_DATA / "mocap" / "bandai-namco-1" / "data"
TAKES = ("dataset-1_bye_sad_001", "dataset-1_walk_angry_001", "dataset-1_bow_normal_001")


def _folder(tmp_path: Path, *takes: str) -> Path:
    folder = tmp_path / "takes"
    folder.mkdir(exist_ok=True)
    for take in takes:
        shutil.copy(BANDAI / f"{take}.bvh", folder / f"{take}.bvh")
    return folder


def test_known_files_are_not_read_and_changed_ones_are(tmp_path: Path) -> None:
    folder = _folder(tmp_path, *TAKES[:2])
    first = ingest_bvh_folder(folder)
    known = KnownSources.of(first.records, pack_stamps(first.records))
    bye, walk = (folder / f"{take}.bvh" for take in TAKES[:2])
    garble_keeping_stamp(bye)
    walk.write_text(walk.read_text() + "\n")  # edited: another size
    _folder(tmp_path, TAKES[2])
    result = ingest([str(folder)], known=known)
    assert [r.id for r in result.records] == [f"takes/{TAKES[2]}", f"takes/{TAKES[1]}"]
    assert result.kept == (str(bye),) and not result.skipped


def test_a_library_without_stamps_knows_its_files_by_their_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, TAKES[0])
    monkeypatch.chdir(tmp_path)
    # Records keep the path as the build was given it: here relative to the working folder.
    records = ingest_bvh_folder(Path("takes")).records
    assert records[0].source.file == f"takes/{TAKES[0]}.bvh"
    known = KnownSources.of(records, None)
    path = folder / f"{TAKES[0]}.bvh"
    path.write_text(path.read_text() + "\n")  # no stamp to tell: counted as unchanged
    assert known.split([path]) == ([], [path])


def test_stamps_are_put_over_the_previous_ones_and_leave_out_non_files(tmp_path: Path) -> None:
    folder = _folder(tmp_path, *TAKES[:2])
    bye, walk = ingest_bvh_folder(folder).records
    previous = pack_stamps([bye])
    walk_file = Path(walk.source.file)
    stamps = json.loads(pack_stamps([walk, *ingest_builtin().records[:2]], previous))
    assert sorted(stamps) == sorted({source_key(bye.source.file), source_key(walk_file)})
    stamp = stamp_of(walk_file)
    assert stamp is not None and stamps[source_key(walk_file)] == [stamp.size, stamp.mtime_ns]


def test_index_build_add_reads_only_new_bvh_files(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, *TAKES[:2])
    library = tmp_path / "lib"
    build = ["index", "build", str(folder), "--out", str(library), "-q", "--kind", "ivf"]
    assert main(build) == 0
    # One line on stdout and nothing on stderr, also at the file descriptors (FAISS writes its
    # warnings there from C, past sys.stderr).
    out, err = capfd.readouterr()
    (line,) = out.splitlines()
    assert err == "" and line.startswith("indexed 2 clips (")
    assert line.endswith(f"ivf) into {library}; skipped 0")
    stored = ClipLibrary.open(library).attachment(SOURCE_STAMPS)
    assert stored is not None and source_key(folder / f"{TAKES[0]}.bvh") in json.loads(stored)
    garble_keeping_stamp(folder / f"{TAKES[0]}.bvh")
    _folder(tmp_path, TAKES[2])
    capfd.readouterr()
    assert main(["index", "build", str(folder), "--out", str(library), "--add", "-q"]) == 0
    captured = capfd.readouterr()
    assert "skipped" not in captured.err and "kept 2 clips already in" in captured.err
    assert "indexed 3 clips" in captured.out
    grown = ClipLibrary.open(library)
    assert json.loads(grown.attachment(SOURCE_STAMPS) or b"{}").keys() == {
        source_key(folder / f"{take}.bvh") for take in TAKES
    }


def test_index_build_add_replaces_the_clips_of_a_changed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, *TAKES[:2])
    library = tmp_path / "lib"
    add = ["index", "build", str(folder), "--out", str(library), "-q", "--add"]
    assert main(["index", "build", str(folder), "--out", str(library), "-q", "--kind", "ivf"]) == 0
    before = {r.id: r for r in ClipLibrary.open(library).records}
    walk = folder / f"{TAKES[1]}.bvh"
    shutil.copy(BANDAI / f"{TAKES[2]}.bvh", walk)  # the take re-exported: a bow now
    capsys.readouterr()
    assert main(add) == 0
    captured = capsys.readouterr()
    assert "read 1 changed file again: 1 clip from before replaced" in captured.err
    assert "kept 1 clip already in" in captured.err and "indexed 2 clips" in captured.out
    changed = ClipLibrary.open(library)
    after = {r.id: r for r in changed.records}
    walk_id = f"takes/{TAKES[1]}"
    assert (
        after.keys() == before.keys() and after[f"takes/{TAKES[0]}"] == before[f"takes/{TAKES[0]}"]
    )
    (tmp_path / "bow").mkdir()
    bow = ingest_bvh_folder(_folder(tmp_path / "bow", TAKES[2])).records[0]
    # Its labels come from its name; what the motion shows is read anew.
    assert after[walk_id].duration == bow.duration != before[walk_id].duration
    assert after[walk_id].descriptions[-1] == bow.descriptions[-1]
    assert after[walk_id].descriptions[-1] != before[walk_id].descriptions[-1]
    # One vector per description, no stale one left: the old summary is found no more.
    assert changed.info().vectors == sum(len(r.descriptions) for r in after.values())
    assert changed.info().kind == "ivf"
    (hit,) = changed.search(bow.descriptions[-1], k=1)
    assert hit.record.id == walk_id and hit.similarity > 0.99
    (hit,) = changed.search(before[walk_id].descriptions[-1], k=1)
    assert hit.similarity < 0.99
    stamps = json.loads(changed.attachment(SOURCE_STAMPS) or b"{}")
    stamp = stamp_of(walk)
    assert stamp is not None and stamps[source_key(walk)] == [stamp.size, stamp.mtime_ns]
    assert main(add) == 0  # read now: passed over
    assert "nothing new to add" in capsys.readouterr().out
    # Changed but unreadable: named, and its clip from before stays.
    walk.write_text("HIERARCHY\n")
    assert main(add) == 0
    captured = capsys.readouterr()
    assert f"skipped {walk}" in captured.err
    assert "kept the clips read before from 1 changed file that could not be read" in captured.err
    assert {r.id: r for r in ClipLibrary.open(library).records} == after


def test_a_library_built_from_a_relative_folder_holds_its_clips_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, *TAKES[:2])
    monkeypatch.chdir(tmp_path)
    assert main(["index", "build", "takes", "--out", "lib", "-q"]) == 0
    # Later commands run elsewhere: a relative source path would be read against their folder.
    elsewhere = tmp_path / "scenes"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    library = ClipLibrary.open(tmp_path / "lib")
    assert [record.id for record in library.records] == [f"takes/{take}" for take in TAKES[:2]]
    assert [record.source.file for record in library.records] == [
        str(folder / f"{take}.bvh") for take in TAKES[:2]
    ]
    assert missing_sources(library.records) == []
    capsys.readouterr()
    assert main(["search", str(tmp_path / "lib"), "waves goodbye", "-k", "1"]) == 0
    assert "gone" not in capsys.readouterr().err


def test_add_drops_the_clips_of_files_gone_from_the_folders_it_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, *TAKES[:2])
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(BANDAI / f"{TAKES[2]}.bvh", other / f"{TAKES[2]}.bvh")
    library = tmp_path / "lib"
    assert main(["index", "build", str(folder), str(other), "--out", str(library), "-q"]) == 0
    gone = folder / f"{TAKES[0]}.bvh"
    gone.unlink()
    (other / f"{TAKES[2]}.bvh").unlink()
    capsys.readouterr()
    # Only `folder` is read again: what left it goes, what left `other` stays until it is read.
    assert main(["index", "build", str(folder), "--out", str(library), "--add", "-q"]) == 0
    err = capsys.readouterr().err
    assert f"dropped 1 clip of 1 file gone from the folders read ({gone})" in err
    after = ClipLibrary.open(library)
    assert [r.id for r in after.records] == [f"takes/{TAKES[1]}", f"other/{TAKES[2]}"]
    stamps = json.loads(after.attachment(SOURCE_STAMPS) or b"{}")
    assert source_key(gone) not in stamps and source_key(folder / f"{TAKES[1]}.bvh") in stamps


def test_add_after_another_writer_goes_into_the_newest_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from motiondirector.cli.index import _add_to_library

    first, second = _folder(tmp_path, TAKES[0]), tmp_path / "more"
    second.mkdir()
    shutil.copy(BANDAI / f"{TAKES[1]}.bvh", second / f"{TAKES[1]}.bvh")
    library = tmp_path / "lib"
    assert main(["index", "build", str(first), "--out", str(library), "-q"]) == 0
    # This build opened the library and read its folder; meanwhile a teammate's add went in.
    opened = ClipLibrary.open(library)
    third = tmp_path / "third"
    third.mkdir()
    shutil.copy(BANDAI / f"{TAKES[2]}.bvh", third / f"{TAKES[2]}.bvh")
    assert main(["index", "build", str(third), "--out", str(library), "--add", "-q"]) == 0
    capsys.readouterr()
    result = ingest([str(second)])
    args = argparse.Namespace(out=library, sources=[str(second)])
    # It used to fail here, after the whole ingest: "moved to v000002 ...; reopen it".
    added = _add_to_library(opened, result, args, progress=False)
    assert added is not None and added.version == "v000003"
    assert "changed while its files were read" in capsys.readouterr().err
    assert sorted(r.id for r in ClipLibrary.open(library).records) == sorted(
        [f"takes/{TAKES[0]}", f"third/{TAKES[2]}", f"more/{TAKES[1]}"]
    )
