"""Face analysis runs the real MediaPipe model from the shared data on short cuts of the shared
clips; each cut is tracked once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.faces.events import FaceBehaviour, read_behaviour
from motiondirector.faces.model import FACE_MODEL_ENV, FaceModel, find_face_model
from motiondirector.faces.tracker import FaceTrack, track_face

from .clips import FACE_MODEL, cut


@pytest.fixture(autouse=True)
def _face_model_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))


@pytest.fixture(scope="session")
def face_model() -> FaceModel:
    return find_face_model(FACE_MODEL)


@pytest.fixture(scope="session")
def talking_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 4 s of lp_d12: a man talking, smiling, turning the head and blinking."""
    return cut("lp_d12.mp4", 0.0, 4.0, tmp_path_factory.mktemp("clips") / "talking.mp4")


@pytest.fixture(scope="session")
def talking_track(talking_clip: Path, face_model: FaceModel) -> FaceTrack:
    return track_face(talking_clip, model=face_model)


@pytest.fixture(scope="session")
def talking_behaviour(talking_track: FaceTrack) -> FaceBehaviour:
    return read_behaviour(talking_track)


@pytest.fixture(scope="session")
def faceless_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second of a rendered dance skeleton: a video with no face in it."""
    return cut("maa_kps2.mp4", 0.0, 1.0, tmp_path_factory.mktemp("clips") / "skeleton.mp4")
