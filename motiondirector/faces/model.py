"""Where the face model lives, and its identity.

The model is MediaPipe's Face Landmarker (`face_landmarker.task`: a face detector, a 478-point
face mesh, 52 ARKit-named blendshape scores and a head transform). Nothing is downloaded: the
file is found at `$MOTIONDIRECTOR_FACE_MODEL` when set, else at
`<cache dir>/models/face_landmarker.task` (the cache dir of `motiondirector.cache`). A library
built from face tracks records the model's id (its name and the start of its sha256), so that
tracks from another model version are never mixed into it.

This module only finds and identifies the file; `tracker.py` runs it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from motiondirector.cache import user_cache_dir
from motiondirector.faces.errors import FaceModelError

FACE_MODEL_ENV = "MOTIONDIRECTOR_FACE_MODEL"
MODEL_FILE = "face_landmarker.task"


def default_face_model_path() -> Path:
    """`<cache dir>/models/face_landmarker.task`: where the model is looked for by default."""
    return user_cache_dir() / "models" / MODEL_FILE


def face_model_path() -> Path:
    """The configured model path: `$MOTIONDIRECTOR_FACE_MODEL`, else the default location."""
    explicit = os.environ.get(FACE_MODEL_ENV)
    return Path(explicit).expanduser() if explicit else default_face_model_path()


@dataclass(frozen=True)
class FaceModel:
    """A face model file found on disk: its path and its id (`face_landmarker@<sha256[:12]>`)."""

    path: Path
    model_id: str


@lru_cache(maxsize=8)
def _identify(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{path.stem}@{digest[:12]}"


def find_face_model(path: str | Path | None = None) -> FaceModel:
    """The face model at `path`, else at the configured location; `FaceModelError` naming the
    setting when there is no readable file there."""
    where = Path(path).expanduser() if path is not None else face_model_path()
    how = (
        "the path given"
        if path is not None
        else f"${FACE_MODEL_ENV}"
        if os.environ.get(FACE_MODEL_ENV)
        else f"the default location (set ${FACE_MODEL_ENV} to use another file)"
    )
    try:
        stat = where.stat()
    except OSError:
        raise FaceModelError(
            f"no face model at {where} ({how}); put MediaPipe's {MODEL_FILE} there or set "
            f"{FACE_MODEL_ENV} to its path (see docs/faces.md)"
        ) from None
    if not where.is_file() or stat.st_size == 0:
        raise FaceModelError(f"the face model at {where} ({how}) is not a non-empty file")
    try:
        model_id = _identify(where.resolve(), stat.st_size, stat.st_mtime_ns)
    except OSError as error:
        raise FaceModelError(f"cannot read the face model at {where} ({how}): {error}") from None
    return FaceModel(where, model_id)
