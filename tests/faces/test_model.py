"""The face model is found through its setting, identified by its bytes, and its absence is
reported by naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cache import CACHE_ENV
from motiondirector.faces.errors import FaceModelError
from motiondirector.faces.model import (
    FACE_MODEL_ENV,
    default_face_model_path,
    face_model_path,
    find_face_model,
)
from motiondirector.faces.tracker import track_face

from .clips import FACE_MODEL


def test_the_setting_names_the_model_file() -> None:
    model = find_face_model()
    assert model.path == FACE_MODEL
    # The shared model's sha256 starts 64184e229b26 (its README).
    assert model.model_id == "face_landmarker@64184e229b26"


def test_without_the_setting_the_model_is_looked_for_in_the_cache_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(FACE_MODEL_ENV)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert face_model_path() == tmp_path / "models" / "face_landmarker.task"
    assert default_face_model_path() == face_model_path()
    with pytest.raises(FaceModelError, match=FACE_MODEL_ENV) as caught:
        find_face_model()
    assert str(tmp_path / "models" / "face_landmarker.task") in str(caught.value)


def test_a_missing_model_names_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(tmp_path / "nowhere.task"))
    with pytest.raises(FaceModelError, match=rf"nowhere\.task \(\${FACE_MODEL_ENV}\)"):
        find_face_model()


def test_a_file_that_is_not_a_model_is_refused_when_loaded(
    tmp_path: Path, talking_clip: Path
) -> None:
    broken = tmp_path / "face_landmarker.task"
    broken.write_bytes(b"not a model" * 100)
    with pytest.raises(FaceModelError, match="cannot load the face model"):
        track_face(talking_clip, model=find_face_model(broken))
