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
face. This module draws; it does not read files or write video.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from motiondirector.errors import ExportError
from motiondirector.export.arkit import arkit_curves
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.vocabulary import load_arkit_map

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
    _, weights = arkit_curves(plan, character, fps)
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
    frame per tick of `arkit_curves(plan, character, fps)` (fps 30 or 60), so frame i shows the
    face at i / fps and there are ceil(duration * fps) + 1 frames. `size` is (width, height)."""
    return np.stack(list(iter_face_frames(plan, character, fps, size)))
