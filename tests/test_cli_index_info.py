"""`index info` names the face model a library's face profiles were made with, and says which
body clips record the peak speeds that bound how fast they may play."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.faces.model import FACE_MODEL_ENV, find_face_model
from motiondirector.retrieval import ClipLibrary
from motiondirector.retrieval.ingest import ingest_bvh_folder

from .conftest import SHARED_DATA
from .faces.clips import FACE_MODEL, cut


def test_index_info_shows_the_face_model_of_a_video_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))
    folder = tmp_path / "talks"
    folder.mkdir()
    cut("lp_d19.mp4", 6.0, 7.6, folder / "smile.mp4")
    library = tmp_path / "lib"
    assert main(["index", "build", str(folder), "--out", str(library), "-q"]) == 0
    capsys.readouterr()
    assert main(["index", "info", str(library)]) == 0
    lines = capsys.readouterr().out.splitlines()
    model_id = find_face_model(FACE_MODEL).model_id
    assert model_id.startswith("face_landmarker@")
    assert ClipLibrary.open(library).face_model == model_id
    assert f"  face model {model_id}" in lines
    assert "  performers (1, for --face-cast NAME=PERFORMER): smile.mp4" in lines


def test_index_info_says_which_body_clips_bound_their_speed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bandai = SHARED_DATA / "mocap" / "bandai-namco-1" / "data"
    records = ingest_bvh_folder(bandai).records[:3]
    assert all(r.features is not None and r.features.peak_speeds for r in records)
    old = records[0].model_copy(
        update={"features": records[0].features.model_copy(update={"peak_speeds": None})}
    )
    ClipLibrary.create(tmp_path / "lib", [old, *records[1:]])
    assert main(["index", "info", str(tmp_path / "lib")]) == 0
    out, err = capsys.readouterr()
    assert "  peak speeds recorded by 2 of 3 body clips" in out.splitlines()
    assert err.startswith("note: 1 body clip of ")
    assert "was indexed before peak speeds were measured" in err and "--overwrite" in err
    # Every command that opens the library says so: `direct` and `search` too.
    assert main(["search", str(tmp_path / "lib"), "a wave", "-k", "1"]) == 0
    assert "was indexed before peak speeds were measured" in capsys.readouterr().err
