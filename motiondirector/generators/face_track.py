"""The face conditioning track: a 2D face-landmark sketch per frame, driven by ARKit-52 curves.

`face_frames(plan, character, fps, size)` samples the character's ARKit weights with
`export.arkit.arkit_curves` (face AU envelopes, speech and gaze) and draws, white on black, a
front view of a face: the jaw contour (it drops with `jawOpen`), brows (`browInnerUp`,
`browOuterUp*`, `browDown*`), eyes with upper and lower lids (`eyeBlink*`, `eyeWide*`,
`eyeSquint*`, `cheekSquint*`) and an iris that follows `eyeLook*`, the nose (`noseSneer*`) and
the mouth: outer and inner lip lines whose corners rise with `mouthSmile*`, fall with
`mouthFrown*`, widen with `mouthStretch*` and narrow with `mouthPucker`/`mouthFunnel`, opened by
`jawOpen`, `mouthLowerDown*` and `mouthUpperUp*` and closed by `mouthClose`/`mouthPress*`.

The character faces the camera, so its left side is on the image's right. Landmarks live in a
unit face frame (x right, y down, the face about 2 units wide) and are scaled to fit the frame.
Equal weights give byte-identical frames, so the track only changes while the plan moves the
face.

Real faces (a face library's tracks, `faces/`) condition generators too: `landmark_frames`
draws the tracked face mesh's contours (oval, brows, eyes, irises, nose, lips; MediaPipe's
478 landmarks) white on black, aligned once per clip so the real head's movement stays in the
picture, and `face_crops` cuts square, aligned crops of the face out of the source video (the
face video Wan-Animate takes), both at given source times (a time-warped slot's).
`face_conditioning` puts a character's video together from its realized face segments
(`realize/faces.py`): the real face inside real slots, the sketch elsewhere; `RealFaceVideo`
does it for `generate --face-library`.
This module draws and crops; it writes no video.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from motiondirector.errors import BackendUnavailableError, ExportError
from motiondirector.export.arkit import arkit_curves
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.timeline import FaceSegment
from motiondirector.plan.vocabulary import load_arkit_map

if TYPE_CHECKING:
    from motiondirector.faces.tracker import FaceTrack

FloatArray = npt.NDArray[np.float64]
Polyline = list[tuple[float, float]]

MIN_SIZE = 32
"""Smallest width or height, in pixels, at which the sketch stays legible."""

# Vertical extent of the drawing in face units, brows raised to chin dropped; it is centred.
_TOP, _BOTTOM = -1.0, 1.45
_ARC = np.linspace(-1.0, 1.0, 9)


@cache
def _columns() -> Mapping[str, int]:
    return {name: i for i, name in enumerate(load_arkit_map().blendshapes)}


@dataclass(frozen=True)
class FaceSketch:
    """The landmark polylines of one frame in face units (x right, y down): `closed` ones are
    drawn as loops; `dots` are filled circles (centre x, centre y, radius)."""

    open_lines: tuple[Polyline, ...]
    closed: tuple[Polyline, ...]
    dots: tuple[tuple[float, float, float], ...]


def _arc(left: tuple[float, float], right: tuple[float, float], bulge: float) -> Polyline:
    """Points from `left` to `right` bending `bulge` face units (positive: down) at the middle."""
    (x0, y0), (x1, y1) = left, right
    t = (_ARC + 1.0) / 2.0
    xs = x0 + (x1 - x0) * t
    ys = y0 + (y1 - y0) * t + bulge * (1.0 - _ARC**2)
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def face_sketch(weights: npt.ArrayLike) -> FaceSketch:
    """The landmark sketch for one frame of ARKit-52 `weights` (columns in the order of
    `load_arkit_map().blendshapes`, each 0..1)."""
    values = np.clip(np.asarray(weights, dtype=np.float64).reshape(-1), 0.0, 1.0)
    column = _columns()
    if values.size != len(column):
        raise ValueError(f"expected {len(column)} ARKit weights, got {values.size}")

    def w(name: str) -> float:
        return float(values[column[name]])

    def both(stem: str) -> float:
        return (w(f"{stem}Left") + w(f"{stem}Right")) / 2.0

    jaw = w("jawOpen")
    lines: list[Polyline] = []
    loops: list[Polyline] = []
    dots: list[tuple[float, float, float]] = []

    # Jaw contour, temple to temple under the chin; below the cheekbones it drops with the jaw.
    theta = np.linspace(0.0, np.pi, 25)
    xs = 0.92 * np.cos(theta)
    ys = -0.45 + 1.45 * np.sin(theta)
    below = np.clip((ys - 0.3) / 0.7, 0.0, 1.0)
    ys = ys + 0.3 * jaw * below
    xs = xs + 0.12 * (w("jawLeft") - w("jawRight")) * below
    puff = 1.0 + 0.1 * w("cheekPuff") * np.exp(-(((ys - 0.45) / 0.35) ** 2))
    lines.append([(float(x), float(y)) for x, y in zip(xs * puff, ys, strict=True)])

    # The character's left side (sign +1) is the image's right.
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        inner_up, outer_up, down = w("browInnerUp"), w(f"browOuterUp{side}"), w(f"browDown{side}")
        lines.append(
            [
                (sign * (0.14 - 0.04 * down), -0.58 - 0.22 * inner_up + 0.14 * down),
                (sign * 0.38, -0.66 - 0.1 * inner_up - 0.1 * outer_up + 0.1 * down),
                (sign * 0.64, -0.58 - 0.2 * outer_up + 0.05 * down),
            ]
        )
        cx, cy, half = sign * 0.38, -0.3, 0.17
        squint = min(1.0, w(f"eyeSquint{side}") + 0.5 * w(f"cheekSquint{side}"))
        upper = 0.085 * (1.0 - w(f"eyeBlink{side}")) * (1.0 + 0.6 * w(f"eyeWide{side}"))
        upper *= 1.0 - 0.3 * squint
        lower = 0.055 * (1.0 - 0.7 * squint)
        loops.append(_arc((cx - half, cy), (cx + half, cy), -upper)[:-1])
        loops[-1].extend(reversed(_arc((cx - half, cy), (cx + half, cy), lower)[1:]))
        if upper > 0.03:
            look_x = sign * (w(f"eyeLookOut{side}") - w(f"eyeLookIn{side}"))
            look_y = w(f"eyeLookDown{side}") - w(f"eyeLookUp{side}")
            radius = min(0.045, upper)
            dots.append((cx + 0.09 * look_x, cy + 0.04 * look_y, radius))

    sneer = both("noseSneer")
    lines.append([(0.0, -0.25), (0.0, 0.08 - 0.04 * sneer)])
    nose_y = 0.14 - 0.06 * sneer
    lines.append(
        [
            (-0.15 - 0.03 * sneer, nose_y - 0.03),
            (-0.07, nose_y + 0.04),
            (0.0, nose_y + 0.02),
            (0.07, nose_y + 0.04),
            (0.15 + 0.03 * sneer, nose_y - 0.03),
        ]
    )

    lines.extend(_mouth(w, jaw))
    return FaceSketch(tuple(lines), tuple(loops), tuple(dots))


def _mouth(w: Callable[[str], float], jaw: float) -> list[Polyline]:
    """Outer and inner lip lines: an opening between the inner lines, none when they meet."""
    mx = 0.1 * (w("mouthLeft") - w("mouthRight")) + 0.06 * (w("jawLeft") - w("jawRight"))
    my = 0.52
    pucker, funnel = w("mouthPucker"), w("mouthFunnel")
    corners: dict[float, tuple[float, float]] = {}
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        smile, frown = w(f"mouthSmile{side}"), w(f"mouthFrown{side}")
        width = 0.3 * (
            1.0
            + 0.3 * w(f"mouthStretch{side}")
            + 0.2 * smile
            + 0.1 * w(f"mouthDimple{side}")
            - 0.45 * pucker
            - 0.3 * funnel
        )
        corners[sign] = (mx + sign * width, my - 0.13 * smile + 0.12 * frown + 0.08 * jaw)
    right, left = corners[-1.0], corners[1.0]
    press = (w("mouthPressLeft") + w("mouthPressRight")) / 2.0
    closing = (1.0 - w("mouthClose")) * (1.0 - 0.7 * press)
    upper_up = (w("mouthUpperUpLeft") + w("mouthUpperUpRight")) / 2.0
    lower_down = (w("mouthLowerDownLeft") + w("mouthLowerDownRight")) / 2.0
    top_gap = (0.07 * upper_up + 0.03 * funnel) * closing
    bottom_gap = (0.5 * jaw + 0.12 * lower_down + 0.03 * funnel) * closing
    corner_mid = (right[1] + left[1]) / 2.0
    # Arcs bend relative to the corner chord: raised corners make a smile, lowered a frown.
    upper_inner = _arc(right, left, my - top_gap - corner_mid)
    lower_inner = _arc(right, left, my + bottom_gap - corner_mid)
    upper_lip = (
        0.07 * (1.0 - 0.8 * w("mouthRollUpper")) + 0.04 * pucker + 0.02 * w("mouthShrugUpper")
    )
    lower_lip = 0.08 * (1.0 - 0.8 * w("mouthRollLower")) + 0.04 * pucker
    lower_lip -= 0.03 * w("mouthShrugLower")
    upper_outer = _arc(right, left, my - top_gap - upper_lip - corner_mid)
    # A slight dip at the middle of the upper lip (the cupid's bow).
    middle = len(upper_outer) // 2
    x, y = upper_outer[middle]
    upper_outer[middle] = (x, y + 0.3 * upper_lip)
    lower_outer = _arc(right, left, my + bottom_gap + lower_lip - corner_mid)
    lines = [upper_outer, lower_outer, upper_inner]
    if bottom_gap + top_gap > 0.004:
        lines.append(lower_inner)
    return lines


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ExportError(f"face track size must be (width, height), got {size!r}") from None
    if width < MIN_SIZE or height < MIN_SIZE:
        raise ExportError(
            f"face track size must be at least {MIN_SIZE}x{MIN_SIZE} pixels, got {width}x{height}"
        )
    return width, height


def draw_face(weights: npt.ArrayLike, size: tuple[int, int] = (512, 512)) -> npt.NDArray[np.uint8]:
    """One face-track frame (height, width, 3) uint8: the sketch of `weights`, white on black,
    centred and scaled to fit `size` (width, height)."""
    width, height = _check_size(size)
    sketch = face_sketch(weights)
    scale = min(width / 2.3, height / (_BOTTOM - _TOP + 0.15))
    origin_x = width / 2.0
    origin_y = height / 2.0 - scale * (_TOP + _BOTTOM) / 2.0
    stroke = max(1, round(min(width, height) / 170))

    def pixels(line: Polyline) -> list[tuple[float, float]]:
        return [(origin_x + scale * x, origin_y + scale * y) for x, y in line]

    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    for line in sketch.open_lines:
        draw.line(pixels(line), fill=255, width=stroke, joint="curve")
    for loop in sketch.closed:
        points = pixels(loop)
        draw.line([*points, points[0]], fill=255, width=stroke, joint="curve")
    for x, y, radius in sketch.dots:
        (px, py), r = pixels([(x, y)])[0], max(1.0, scale * radius)
        draw.ellipse((px - r, py - r, px + r, py + r), fill=255)
    gray = np.asarray(image, dtype=np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2)


def iter_face_frames(
    plan: MotionPlan, character: str, fps: int = 30, size: tuple[int, int] = (512, 512)
) -> Iterator[npt.NDArray[np.uint8]]:
    """The face track of `character` one frame at a time (see `face_frames`); a frame whose
    weights equal the previous frame's is the same image, drawn once."""
    size = _check_size(size)
    # The sketch conditions the directed expression only: the video model makes its own idle
    # micro-motion, and a face without drift repeats frames, which are drawn once.
    _, weights = arkit_curves(plan, character, fps, idle=False)
    previous: FloatArray | None = None
    frame: npt.NDArray[np.uint8] | None = None
    for row in weights:
        if frame is None or previous is None or not np.array_equal(row, previous):
            frame = draw_face(row, size)
            frame.setflags(write=False)
            previous = row
        yield frame


def face_frames(
    plan: MotionPlan, character: str, fps: int = 30, size: tuple[int, int] = (512, 512)
) -> npt.NDArray[np.uint8]:
    """The face conditioning track of `character`: uint8 (frames, height, width, 3) with one
    frame per tick of `arkit_curves(plan, character, fps)` (any whole fps), so frame i shows the
    face at i / fps and there are ceil(duration * fps) + 1 frames. `size` is (width, height)."""
    return np.stack(list(iter_face_frames(plan, character, fps, size)))


# -- real faces ----------------------------------------------------------------------------

CROP_MARGIN = 0.35
"""Room around the face's landmark box in a crop, as a share of its larger side."""


@cache
def _mesh_edges() -> npt.NDArray[np.int64]:
    """(edges, 2) landmark index pairs of the mesh's contours, irises and nose."""
    try:
        from mediapipe.tasks.python.vision import FaceLandmarksConnections as Mesh
    except ImportError as error:
        raise BackendUnavailableError(
            "drawing real face landmarks needs MediaPipe: pip install 'motiondirector[faces]'"
        ) from error
    groups = (
        Mesh.FACE_LANDMARKS_CONTOURS,
        Mesh.FACE_LANDMARKS_LEFT_IRIS,
        Mesh.FACE_LANDMARKS_RIGHT_IRIS,
        Mesh.FACE_LANDMARKS_NOSE,
    )
    edges = sorted({(c.start, c.end) for group in groups for c in group})
    return np.array(edges, dtype=np.int64)


def _landmarks_at(track: FaceTrack, times: FloatArray) -> FloatArray:
    """(n, 478, 2) landmark positions in pixels of the source video at `times` (seconds),
    interpolated between the frames that show the face."""
    seen = track.present
    if not seen.any():
        raise ExportError(f"{track.source}: the track shows no face to draw")
    stamps = track.times[seen]
    points = track.landmarks[seen][:, :, :2].astype(np.float64)
    at = np.clip(np.asarray(times, dtype=np.float64), stamps[0], stamps[-1])
    if stamps.size == 1:
        single: FloatArray = np.repeat(points, at.size, axis=0) * [track.width, track.height]
        return single
    upper = np.clip(np.searchsorted(stamps, at, side="left"), 1, stamps.size - 1)
    lower = upper - 1
    span = np.maximum(stamps[upper] - stamps[lower], 1e-9)
    share = np.clip((at - stamps[lower]) / span, 0.0, 1.0)[:, None, None]
    mixed = (1.0 - share) * points[lower] + share * points[upper]
    return mixed * np.array([track.width, track.height], dtype=np.float64)


def landmark_frames(
    track: FaceTrack, times: npt.ArrayLike, size: tuple[int, int] = (512, 512)
) -> npt.NDArray[np.uint8]:
    """uint8 (n, height, width, 3): the real face of `track` at source `times` drawn as its
    mesh's contours, white on black. One placement for all the frames (the face's median box,
    centred and scaled as `draw_face` places its sketch), so the head's movement shows."""
    width, height = _check_size(size)
    points = _landmarks_at(track, np.atleast_1d(np.asarray(times, dtype=np.float64)))
    low = np.median(points.min(axis=1), axis=0)
    high = np.median(points.max(axis=1), axis=0)
    centre = (low + high) / 2.0
    # The planned sketch's face spans about 2.45 of its 2.6 units of height.
    scale = 0.85 * min(width / max(high[0] - low[0], 1e-6), height / max(high[1] - low[1], 1e-6))
    stroke = max(1, round(min(width, height) / 170))
    edges = _mesh_edges()
    frames = np.zeros((points.shape[0], height, width, 3), dtype=np.uint8)
    for index, frame_points in enumerate(points):
        pixels = (frame_points - centre) * scale + np.array([width / 2.0, height / 2.0])
        image = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(image)
        for start, end in edges:
            (x0, y0), (x1, y1) = pixels[start], pixels[end]
            draw.line([(x0, y0), (x1, y1)], fill=255, width=stroke)
        frames[index] = np.asarray(image, dtype=np.uint8)[:, :, None]
    return frames


def face_crops(
    track: FaceTrack,
    times: npt.ArrayLike,
    size: tuple[int, int] = (512, 512),
    *,
    video: str | None = None,
) -> npt.NDArray[np.uint8]:
    """uint8 (n, height, width, 3): square crops of the face from the source video (`video`,
    default the track's source) at source `times`, each the nearest decoded frame, centred on
    that moment's landmark box and as large as the window's median box plus `CROP_MARGIN`, then
    scaled to `size`. Decoding stops after the last time asked for."""
    from motiondirector.faces.tracker import decode_frames

    width, height = _check_size(size)
    wanted = np.atleast_1d(np.asarray(times, dtype=np.float64))
    points = _landmarks_at(track, wanted)
    low, high = points.min(axis=1), points.max(axis=1)
    side = float(np.median(np.max(high - low, axis=1))) * (1.0 + 2.0 * CROP_MARGIN)
    centres = (low + high) / 2.0
    order = np.argsort(wanted, kind="stable")
    frames = np.zeros((wanted.size, height, width, 3), dtype=np.uint8)
    previous: tuple[float, npt.NDArray[np.uint8]] | None = None
    cursor = 0
    for stamp, rgb, _ in decode_frames(video or track.source):
        while cursor < order.size:
            index = int(order[cursor])
            goal = wanted[index]
            if stamp < goal and not np.isclose(stamp, goal, atol=1e-6):
                break
            # The decoded frame nearest the goal: this one or the one before it.
            chosen = rgb
            if previous is not None and abs(previous[0] - goal) < abs(stamp - goal):
                chosen = previous[1]
            frames[index] = _crop(chosen, centres[index], side, (width, height))
            cursor += 1
        if cursor >= order.size:
            break
        previous = (stamp, rgb)
    while cursor < order.size and previous is not None:
        index = int(order[cursor])
        frames[index] = _crop(previous[1], centres[index], side, (width, height))
        cursor += 1
    return frames


def _crop(
    rgb: npt.NDArray[np.uint8], centre: FloatArray, side: float, size: tuple[int, int]
) -> npt.NDArray[np.uint8]:
    half = side / 2.0
    box = (centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
    # PIL fills what lies outside the frame with black, so a face at the edge stays centred.
    image = Image.fromarray(rgb).crop(tuple(round(v) for v in box))
    resized = image.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(resized.convert("RGB"), dtype=np.uint8)


def source_times(segment: FaceSegment, times: npt.ArrayLike) -> FloatArray:
    """The source video's seconds that play at target `times` in a clip `segment`: its
    window time-warped linearly onto the slot (times past the slot go on at the same rate)."""
    rate = (segment.source_out - segment.source_in) / (segment.target_out - segment.target_in)
    return segment.source_in + (np.asarray(times, dtype=np.float64) - segment.target_in) * rate


def face_conditioning(
    times: FloatArray,
    weights: FloatArray,
    segments: Sequence[FaceSegment],
    tracks: Mapping[str, FaceTrack],
    size: tuple[int, int] = (512, 512),
    *,
    kind: Literal["landmarks", "crops"] = "landmarks",
) -> npt.NDArray[np.uint8]:
    """A character's face conditioning video, one frame per tick of `times`: inside each real
    slot of `segments` the retrieved face itself, time-warped (`landmarks`: the tracked mesh
    drawn white on black; `crops`: aligned crops of the source video, Wan-Animate's face video),
    elsewhere the sketch of `weights` (the realized ARKit curves, `draw_face`). Slots switch on
    their edges; conditioning needs no crossfade."""
    width, height = _check_size(size)
    frames = np.zeros((times.size, height, width, 3), dtype=np.uint8)
    drawn: dict[bytes, npt.NDArray[np.uint8]] = {}
    for index, row in enumerate(weights):
        key = row.tobytes()
        if key not in drawn:
            drawn[key] = draw_face(row, (width, height))
        frames[index] = drawn[key]
    for segment in segments:
        if segment.kind != "clip" or segment.source is None:
            continue
        inside = (times >= segment.target_in) & (times < segment.target_out)
        if not inside.any():
            continue
        track = tracks[segment.source]
        at = np.clip(source_times(segment, times[inside]), 0.0, track.duration)
        if kind == "crops":
            frames[inside] = face_crops(track, at, (width, height), video=segment.source)
        else:
            frames[inside] = landmark_frames(track, at, (width, height))
    return frames


class RealFaceVideo:
    """The face track of a scene whose faces were realized from a face library, made as
    `generators.backends.scene.face_track` makes the plan's: `segments` are each character's
    face segments (the timeline's), `tracks` the library's face tracks by video."""

    def __init__(
        self,
        segments: Mapping[str, Sequence[FaceSegment]],
        tracks: Mapping[str, FaceTrack],
        *,
        kind: Literal["landmarks", "crops"] = "crops",
    ) -> None:
        self.segments = segments
        self.tracks = tracks
        self.kind = kind

    def __call__(
        self,
        plan: MotionPlan,
        character: str,
        fps: float,
        size: tuple[int, int],
        window: slice,
        count: int,
    ) -> npt.NDArray[np.uint8]:
        """`count` frames from frame `window.start` at `fps`: the real faces in real slots,
        elsewhere the sketch of the nearest 30 fps frame of the plan's curves."""
        times = (int(window.start or 0) + np.arange(count)) / fps
        grid, weights = arkit_curves(plan, character, 30, idle=False)
        nearest = np.clip(np.rint(times * 30).astype(int), 0, grid.size - 1)
        chosen = self.segments.get(character, ())
        return face_conditioning(times, weights[nearest], chosen, self.tracks, size, kind=self.kind)
