"""Track one face through a video with MediaPipe's Face Landmarker: the `FaceTrack`.

Each frame is decoded with PyAV (turned upright when the stream says it is rotated) and given
to the landmarker in VIDEO mode, which tracks the face from frame to frame and runs its
detector only when the track is lost. Up to two faces are found; the largest one (by the area
of its landmarks' box) is kept. Per frame the track holds:

- `blendshapes` (frames, 52): ARKit-52 scores in the order of `plan/data/arkit.yaml`
  (MediaPipe scores 51 of them; `tongueOut` is not measured and stays 0);
- `head` (frames, 3): yaw, pitch and roll in degrees from the face's transform (yaw > 0: the
  head turns to the person's left; pitch > 0: the chin goes up; roll > 0: the head tilts
  towards the person's left shoulder);
- `eyes` (frames, 4): left-eye yaw and pitch, right-eye yaw and pitch in degrees, read from the
  eyeLook blendshapes (full scale `EYE_YAW_DEG` / `EYE_PITCH_DEG`; yaw > 0 to the person's
  left, pitch > 0 up);
- `landmarks` (frames, 478, 3): the face mesh in image-normalised coordinates.

Frames without a face are NaN in every array and False in `present`: they are marked, never
filled in. The curves are One Euro filtered (`generators/smoothing.py`); a gap restarts the
filter. This module reads video and runs the model; it does not interpret the curves.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from motiondirector.errors import BackendUnavailableError
from motiondirector.faces.boxes import truncation
from motiondirector.faces.errors import FaceModelError, FaceVideoError
from motiondirector.faces.model import FaceModel, find_face_model
from motiondirector.generators.smoothing import OneEuroFilter
from motiondirector.plan.vocabulary import load_arkit_map

FloatArray = npt.NDArray[np.float64]

EYE_YAW_DEG = 30.0
"""Eye yaw (degrees) read when an eyeLookIn/Out blendshape scores 1."""
EYE_PITCH_DEG = 25.0
"""Eye pitch (degrees) read when an eyeLookUp/Down blendshape scores 1."""
LANDMARKS = 478
MAX_FACES = 2

# Blendshapes are 0..1 scores whose fastest honest change is a blink (~0.1 s): a 2 Hz cutoff at
# rest removes the model's frame-to-frame flicker, and the cutoff rises past 10 Hz at blink speed.
BLENDSHAPE_FILTER = OneEuroFilter(min_cutoff=2.0, beta=1.5, d_cutoff=3.0)
# Degrees: 1 Hz at rest, about 6 Hz at a brisk 100 deg/s head turn.
HEAD_FILTER = OneEuroFilter(min_cutoff=1.0, beta=0.05, d_cutoff=1.0)
# Image-normalised coordinates: a face crossing a tenth of the frame per second lifts 1 Hz to 2.
LANDMARK_FILTER = OneEuroFilter(min_cutoff=1.0, beta=10.0, d_cutoff=1.0)

TRACK_ARRAYS = ("times", "present", "blendshapes", "head", "eyes", "landmarks")


@dataclass(frozen=True)
class FaceTrack:
    """The face of one video, frame by frame (see the module docstring for each array)."""

    source: str
    model_id: str
    fps: float
    width: int
    height: int
    times: FloatArray
    present: npt.NDArray[np.bool_]
    blendshapes: FloatArray
    head: FloatArray
    eyes: FloatArray
    landmarks: npt.NDArray[np.float32] = field(repr=False)

    @property
    def frames(self) -> int:
        return int(self.times.shape[0])

    @property
    def duration(self) -> float:
        """Seconds from the first frame to the end of the last one."""
        if self.frames == 0:
            return 0.0
        return float(self.times[-1] - self.times[0] + 1.0 / self.fps)

    @property
    def face_share(self) -> float:
        return float(self.present.mean()) if self.frames else 0.0

    def window(self, start: float, end: float) -> FaceTrack:
        """The frames whose time lies in [start, end)."""
        keep = (self.times >= start - 1e-9) & (self.times < end - 1e-9)
        return FaceTrack(
            self.source,
            self.model_id,
            self.fps,
            self.width,
            self.height,
            self.times[keep],
            self.present[keep],
            self.blendshapes[keep],
            self.head[keep],
            self.eyes[keep],
            self.landmarks[keep],
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The arrays to store (landmarks as float16: a tenth of a pixel at 4K is plenty)."""
        return {
            "times": self.times,
            "present": self.present,
            "blendshapes": self.blendshapes.astype(np.float32),
            "head": self.head.astype(np.float32),
            "eyes": self.eyes.astype(np.float32),
            "landmarks": self.landmarks.astype(np.float16),
            "meta": np.array(
                [self.source, self.model_id, repr(self.fps), str(self.width), str(self.height)]
            ),
        }

    @classmethod
    def from_arrays(cls, arrays: Any) -> FaceTrack:
        meta = [str(v) for v in arrays["meta"]]
        return cls(
            source=meta[0],
            model_id=meta[1],
            fps=float(meta[2]),
            width=int(meta[3]),
            height=int(meta[4]),
            times=np.asarray(arrays["times"], dtype=np.float64),
            present=np.asarray(arrays["present"], dtype=bool),
            blendshapes=np.asarray(arrays["blendshapes"], dtype=np.float64),
            head=np.asarray(arrays["head"], dtype=np.float64),
            eyes=np.asarray(arrays["eyes"], dtype=np.float64),
            landmarks=np.asarray(arrays["landmarks"], dtype=np.float32),
        )

    def to_bytes(self) -> bytes:
        """The track as the bytes of one compressed `.npz` (`FaceTrack.load` reads it)."""
        return npz_bytes(self.to_arrays())

    def save(self, path: str | Path) -> None:
        """Write the track as one compressed `.npz`."""
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: str | Path) -> FaceTrack:
        with np.load(path, allow_pickle=False) as data:
            return cls.from_arrays(data)


# -- the landmarker ------------------------------------------------------------------------


def _import_mediapipe() -> Any:
    try:
        import mediapipe
        from mediapipe.tasks.python import vision  # noqa: F401
    except ImportError as error:
        raise BackendUnavailableError(
            "face analysis needs MediaPipe: pip install 'motiondirector[faces]' (or mediapipe)"
        ) from error
    return mediapipe


@contextlib.contextmanager
def _native_logs_captured() -> Iterator[Callable[[], str]]:
    """Route the native library's log lines (written straight to file descriptor 2) to a
    temporary file while the landmarker starts, so a run's output stays readable; the caller
    can read them back to explain a failure."""
    with tempfile.TemporaryFile() as captured:
        try:
            saved = os.dup(2)
        except OSError:
            yield lambda: ""
            return
        os.dup2(captured.fileno(), 2)

        def read() -> str:
            captured.seek(0)
            return captured.read().decode("utf-8", "replace")

        try:
            yield read
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _Landmarker:
    """MediaPipe's FaceLandmarker in VIDEO mode, closed deterministically (its finalizer
    raises at interpreter exit)."""

    def __init__(self, model: FaceModel) -> None:
        mp = _import_mediapipe()
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model.path)),
            running_mode=vision.RunningMode.VIDEO,
            num_faces=MAX_FACES,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        with _native_logs_captured() as logs:
            try:
                self._task = vision.FaceLandmarker.create_from_options(options)
            except (RuntimeError, ValueError) as error:
                detail = " ".join(logs().split()[-40:])
                raise FaceModelError(
                    f"cannot load the face model at {model.path}: {error} {detail}".strip()
                ) from None
        self._mp = mp
        self._last_ms = -1
        self._columns: npt.NDArray[np.int64] | None = None

    def close(self) -> None:
        self._task.close()

    def detect(self, rgb: np.ndarray, seconds: float) -> tuple[Any, ...] | None:
        """(blendshapes (52,), transform (4, 4), landmarks (478, 3)) of the largest face."""
        # VIDEO mode wants strictly increasing whole milliseconds.
        stamp = max(round(seconds * 1000.0), self._last_ms + 1)
        self._last_ms = stamp
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        result = self._task.detect_for_video(image, stamp)
        if not result.face_landmarks:
            return None
        best = max(range(len(result.face_landmarks)), key=lambda i: _area(result.face_landmarks[i]))
        categories = result.face_blendshapes[best]
        if self._columns is None:
            self._columns = _blendshape_columns([c.category_name for c in categories])
        scores = np.zeros(len(load_arkit_map().blendshapes))
        raw = np.array([c.score for c in categories])
        valid = self._columns >= 0
        scores[self._columns[valid]] = raw[valid]
        points = np.array([(p.x, p.y, p.z) for p in result.face_landmarks[best]])
        matrix = np.asarray(result.facial_transformation_matrixes[best], dtype=np.float64)
        return scores, matrix, points


def _area(points: Any) -> float:
    xs = [float(p.x) for p in points]
    ys = [float(p.y) for p in points]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def _blendshape_columns(names: list[str]) -> npt.NDArray[np.int64]:
    """For each of the model's categories, its column in the ARKit order (-1: not ARKit)."""
    order = {name: i for i, name in enumerate(load_arkit_map().blendshapes)}
    return np.array([order.get(name, -1) for name in names], dtype=np.int64)


# -- geometry ------------------------------------------------------------------------------


def head_angles(matrices: FloatArray) -> FloatArray:
    """(frames, 3) yaw, pitch, roll in degrees from (frames, 4, 4) face transforms (Y-X-Z
    order: yaw about the vertical axis, then pitch, then roll)."""
    r = matrices[:, :3, :3]
    yaw = np.degrees(np.arctan2(r[:, 0, 2], r[:, 2, 2]))
    pitch = np.degrees(np.arcsin(np.clip(-r[:, 1, 2], -1.0, 1.0)))
    roll = np.degrees(np.arctan2(r[:, 1, 0], r[:, 1, 1]))
    # The mesh's x axis runs to the viewer's right, so a turn to the person's left is negative
    # about +y; flip yaw and roll to name them from the person's side, and pitch so chin-up
    # is positive.
    return np.stack([-yaw, -pitch, -roll], axis=1)


def eye_angles(blendshapes: FloatArray) -> FloatArray:
    """(frames, 4) left yaw, left pitch, right yaw, right pitch in degrees from the eyeLook
    blendshapes. Looking to the person's left turns the left eye out and the right eye in."""
    names = load_arkit_map().blendshapes

    def column(name: str) -> FloatArray:
        return blendshapes[:, names.index(name)]

    left_yaw = (column("eyeLookOutLeft") - column("eyeLookInLeft")) * EYE_YAW_DEG
    right_yaw = (column("eyeLookInRight") - column("eyeLookOutRight")) * EYE_YAW_DEG
    left_pitch = (column("eyeLookUpLeft") - column("eyeLookDownLeft")) * EYE_PITCH_DEG
    right_pitch = (column("eyeLookUpRight") - column("eyeLookDownRight")) * EYE_PITCH_DEG
    return np.stack([left_yaw, left_pitch, right_yaw, right_pitch], axis=1)


# -- decoding ------------------------------------------------------------------------------


def _upright(frame: Any) -> np.ndarray:
    rgb: np.ndarray = frame.to_ndarray(format="rgb24")
    rotation = int(getattr(frame, "rotation", 0) or 0) % 360
    # The display matrix turns counter-clockwise by `rotation` degrees.
    if rotation in (90, 180, 270):
        rgb = np.rot90(rgb, k=rotation // 90)
    # Contiguous rows always: PyAV pads each row to an aligned size and hands back a strided
    # view when 3 × width is not a multiple of it (1080, 540, 360 pixels wide), and MediaPipe
    # reads the buffer as packed rows, so it saw a sheared picture and no face in it.
    return np.ascontiguousarray(rgb)


def decode_frames(path: str | Path) -> Iterator[tuple[float, np.ndarray, float]]:
    """(seconds, upright RGB frame, nominal fps) for every frame of the first video stream;
    `FaceVideoError` when the file cannot be opened, has no video stream or stops decoding."""
    import av

    name = str(path)
    try:
        container = av.open(name)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        if not Path(name).exists():
            raise FaceVideoError(name, "no such file") from error
        if Path(name).is_file() and Path(name).stat().st_size == 0:
            raise FaceVideoError(name, "the file is empty (0 bytes)") from error
        if (truncated := truncation(name)) is not None:
            raise FaceVideoError(name, truncated) from error
        # FFmpeg's text without its errno and the path, which the message already starts with.
        cause = getattr(error, "strerror", None) or str(error)
        raise FaceVideoError(name, f"cannot open as a video: {cause}") from error
    with container:
        if not container.streams.video:
            kinds: list[str] = sorted({str(s.type) for s in container.streams}) or ["no streams"]
            raise FaceVideoError(name, f"has no video stream (it holds {', '.join(kinds)})")
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else 30.0
        if not (math.isfinite(fps) and fps > 0):
            fps = 30.0
        count = 0
        first: float | None = None
        reached = 0.0
        try:
            for frame in container.decode(stream):
                stamp = float(frame.time) if frame.time is not None else count / fps
                first = stamp if first is None else first
                reached = stamp - first
                yield reached, _upright(frame), fps
                count += 1
        except (av.FFmpegError, OSError) as error:
            # Where it stopped helps find the damage; FFmpeg's errno and call name do not.
            cause = getattr(error, "strerror", None) or str(error)
            after = f" after {count} frames ({reached:.2f} s)" if count else ""
            raise FaceVideoError(name, f"video data stops decoding{after}: {cause}") from error
        if count == 0:
            raise FaceVideoError(name, "no decodable video frame")


def expected_frames(path: str | Path) -> int | None:
    """About how many frames the video at `path` has, from its header (for a progress bar:
    a variable frame rate or a header that lies makes it approximate); None when it does not
    say or cannot be opened."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            if stream.frames:
                return int(stream.frames)
            rate = stream.average_rate or stream.guessed_rate
            seconds = (
                float(stream.duration * stream.time_base)
                if stream.duration is not None and stream.time_base is not None
                else (container.duration / av.time_base if container.duration else None)
            )
            return round(seconds * float(rate)) if seconds and rate else None
    except (av.FFmpegError, OSError, UnicodeDecodeError):
        return None


def track_face(
    path: str | Path,
    *,
    model: FaceModel | None = None,
    smooth: bool = True,
    progress: Callable[[int], None] | None = None,
) -> FaceTrack:
    """Track the largest face of every frame of the video at `path`.

    `model` defaults to the configured one (`find_face_model()`). Frames are timed by their
    presentation stamps from the first frame, so variable frame rates keep their true times
    (a stamp that does not move forward is nudged by a microsecond).
    """
    model = model or find_face_model()
    landmarker = _Landmarker(model)
    times: list[float] = []
    scores: list[np.ndarray] = []
    matrices: list[np.ndarray] = []
    points: list[np.ndarray] = []
    present: list[bool] = []
    nan_scores = np.full(len(load_arkit_map().blendshapes), np.nan)
    nan_matrix = np.full((4, 4), np.nan)
    nan_points = np.full((LANDMARKS, 3), np.nan)
    width = height = 0
    fps = 30.0
    try:
        for stamp, rgb, rate in decode_frames(path):
            fps = rate
            height, width = int(rgb.shape[0]), int(rgb.shape[1])
            if times and stamp <= times[-1]:
                stamp = times[-1] + 1e-6
            found = landmarker.detect(rgb, stamp)
            times.append(stamp)
            present.append(found is not None)
            scores.append(found[0] if found else nan_scores)
            matrices.append(found[1] if found else nan_matrix)
            points.append(found[2] if found else nan_points)
            if progress is not None:
                progress(len(times))
    finally:
        landmarker.close()
    stamps = np.array(times, dtype=np.float64)
    blend = np.array(scores, dtype=np.float64)
    head = head_angles(np.array(matrices, dtype=np.float64))
    mesh = np.array(points, dtype=np.float64)
    if smooth and stamps.shape[0] > 1:
        blend = np.clip(BLENDSHAPE_FILTER(blend, stamps), 0.0, 1.0)
        head = HEAD_FILTER(head, stamps)
        mesh = LANDMARK_FILTER(mesh, stamps)
    return FaceTrack(
        source=str(path),
        model_id=model.model_id,
        fps=fps,
        width=width,
        height=height,
        times=stamps,
        present=np.array(present, dtype=bool),
        blendshapes=blend,
        head=head,
        eyes=eye_angles(blend),
        landmarks=mesh.astype(np.float32),
    )


def pack_tracks(tracks: dict[str, FaceTrack]) -> bytes:
    """Several tracks as the bytes of one compressed `.npz`, keyed by video (e.g. its path)."""
    arrays: dict[str, np.ndarray] = {"keys": np.array(sorted(tracks), dtype=str)}
    for number, key in enumerate(sorted(tracks)):
        for name, values in tracks[key].to_arrays().items():
            arrays[f"t{number}_{name}"] = values
    return npz_bytes(arrays)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A compressed `.npz` of `arrays` whose bytes depend only on the arrays (NumPy's own
    writer stamps each member with the current time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, values in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(values), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def unpack_tracks(data: bytes) -> dict[str, FaceTrack]:
    """The tracks of `pack_tracks` bytes, by key."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        keys = [str(k) for k in archive["keys"]]
        return {
            key: FaceTrack.from_arrays(
                {name: archive[f"t{n}_{name}"] for name in (*TRACK_ARRAYS, "meta")}
            )
            for n, key in enumerate(keys)
        }
