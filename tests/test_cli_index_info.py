"""`index info` names the face model a library's face profiles were made with."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.faces.model import FACE_MODEL_ENV, find_face_model
from motiondirector.retrieval import ClipLibrary

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
