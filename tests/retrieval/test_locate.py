"""Opening a path that is not a built clip library says what the path is and how to build one,
through `ClipLibrary.open` and the commands that take a library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.retrieval import ClipLibrary, LibraryNotFoundError
from motiondirector.retrieval.locate import SCAN_LIMIT
from tests.conftest import EXAMPLE_SCENE, SHARED_DATA

from .test_store import HashEmbedder

BANDAI = SHARED_DATA / "mocap" / "bandai-namco-1" / "data"
VIDEOS = SHARED_DATA / "video"
BUILD = "motiondirector index build"


def refusal(path: Path) -> str:
    with pytest.raises(LibraryNotFoundError) as caught:
        ClipLibrary.open(path, embedder=HashEmbedder())
    message = str(caught.value)
    assert message.startswith(f"no clip library at {path}: ")
    assert "CURRENT is missing" not in message
    return message


def bvh_folder(root: Path, count: int) -> Path:
    root.mkdir()
    for path in sorted(BANDAI.glob("*.bvh"))[:count]:
        shutil.copy(path, root)
    return root


def test_a_folder_of_bvh_files_is_named_with_the_command_that_builds_it(tmp_path: Path) -> None:
    folder = bvh_folder(tmp_path / "mocap", 2)
    message = refusal(folder)
    assert "a folder of 2 BVH files, not a built library" in message
    assert f"`{BUILD} {folder} --out LIB`" in message


def test_a_folder_of_videos_is_named_with_the_command_that_builds_it(tmp_path: Path) -> None:
    folder = tmp_path / "talks"
    folder.mkdir()
    shutil.copy(VIDEOS / "lp_d10.mp4", folder)
    message = refusal(folder)
    assert "a folder of 1 video, not a built library" in message
    assert f"`{BUILD} {folder} --out LIB`" in message


@pytest.mark.parametrize(
    ("name", "what"), [("clip.bvh", "a BVH file"), ("talk.mp4", "a video"), ("notes.txt", "a file")]
)
def test_a_file_is_named_as_a_file(tmp_path: Path, name: str, what: str) -> None:
    path = tmp_path / name
    path.write_text("x")
    message = refusal(path)
    assert f"it is {what}, not a library" in message and BUILD in message


def test_an_empty_folder_and_a_missing_path_say_how_to_build_there(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "the folder is empty" in refusal(empty)
    assert f"--out {empty}`" in refusal(empty)
    missing = tmp_path / "missing"
    assert f"nothing is there; build one with `{BUILD} SOURCES --out {missing}`" in refusal(missing)
    assert not missing.exists()
    with pytest.raises(LibraryNotFoundError, match="nothing is there"):
        ClipLibrary.reindex(missing, embedder=HashEmbedder())
    assert not missing.exists()  # refused before the writer's lock made the folder


def test_a_folder_near_a_library_names_the_library(library_path: Path, tmp_path: Path) -> None:
    version = (library_path / "CURRENT").read_text().strip()
    message = refusal(library_path / version)
    assert f"one version of the clip library at {library_path}; use {library_path}" in message
    parent = library_path.parent
    assert f"the folder holds one at {library_path}; use {library_path}" in refusal(parent)


def test_a_library_that_lost_its_pointer_is_called_damaged(library_path: Path) -> None:
    (library_path / "CURRENT").unlink()
    message = refusal(library_path)
    assert "its CURRENT file, which names the live one of the versions v" in message
    assert "damaged" in message and "--overwrite" in message


def test_other_folders_are_told_what_a_library_is(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hello")
    assert "no BVH files or videos" in refusal(tmp_path)


def test_a_huge_folder_is_looked_at_only_up_to_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(SCAN_LIMIT + 5):
        (folder / f"{number}.bvh").touch()
    assert f"a folder of at least {SCAN_LIMIT} BVH files" in refusal(folder)


@pytest.mark.parametrize(
    "command",
    [
        ["search", "{lib}", "waves"],
        ["index", "info", "{lib}"],
        ["direct", str(EXAMPLE_SCENE), "-q", "--library", "{lib}", "--out", "{out}"],
    ],
)
def test_commands_given_a_bvh_folder_say_how_to_build_a_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    folder = bvh_folder(tmp_path / "mocap", 1)
    out = tmp_path / "out"
    argv = [arg.format(lib=folder, out=out) for arg in command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: no clip library at {folder}: it is a folder of 1 BVH file")
    assert f"`{BUILD} {folder} --out LIB`" in err
    assert not out.exists()
