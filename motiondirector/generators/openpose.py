"""OpenPose-18 (COCO) conditioning frames from canonical-skeleton motion.

The 18 keypoints are derived from the 22 canonical joints; nose, eyes and ears sit at fixed
offsets in the head joint's frame. Frames are drawn like the reference OpenPose body renderer:
black background, each limb a filled ellipse blended at 0.6 opacity, then each keypoint a
filled circle of radius 4 in its standard colour. Conditioning frames smooth the keypoints
with the One Euro filter (`generators.smoothing`) in world space before projecting them, unless
asked not to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw
from scipy.spatial.transform import Rotation

from motiondirector.generators.smoothing import OneEuroFilter, smooth_keypoints
from motiondirector.motion.clip import Motion, forward_kinematics
from motiondirector.motion.skeleton import JOINT_INDEX, PARENTS

FloatArray = npt.NDArray[np.float64]

KEYPOINTS: tuple[str, ...] = (
    "nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist",
    "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye", "l_eye", "r_ear",
    "l_ear",
)  # fmt: skip

# Keypoint index pairs (0-based) of the 17 drawn limbs, in the reference drawing order.
LIMBS: tuple[tuple[int, int], ...] = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11),
    (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)  # fmt: skip

COLORS: tuple[tuple[int, int, int], ...] = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)  # fmt: skip
"""Keypoint i is drawn in COLORS[i]; limb i in COLORS[i]."""

LIMB_ALPHA = 0.6
STICK_WIDTH = 4
JOINT_RADIUS = 4

# Body keypoints taken straight from a canonical joint (None: derived below).
_BODY_JOINTS: dict[int, str] = {
    2: "right_shoulder", 3: "right_elbow", 4: "right_wrist", 5: "left_shoulder",
    6: "left_elbow", 7: "left_wrist", 8: "right_hip", 9: "right_knee", 10: "right_ankle",
    11: "left_hip", 12: "left_knee", 13: "left_ankle",
}  # fmt: skip

# Face keypoints as offsets (metres) in the head joint's frame: +X is the character's left,
# +Y up, +Z forward.
_FACE_OFFSETS: dict[int, tuple[float, float, float]] = {
    0: (0.0, 0.05, 0.10),  # nose
    14: (-0.032, 0.085, 0.085),  # r_eye
    15: (0.032, 0.085, 0.085),  # l_eye
    16: (-0.075, 0.07, 0.0),  # r_ear
    17: (0.075, 0.07, 0.0),  # l_ear
}


@dataclass(frozen=True)
class Camera:
    """A pinhole camera: image `width` x `height` pixels, `focal` length in pixels, placed at
    `position` (metres, Y up) and looking at `look_at`; the principal point is the centre."""

    width: int
    height: int
    focal: float
    position: tuple[float, float, float]
    look_at: tuple[float, float, float]

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.focal <= 0:
            raise ValueError("camera width, height and focal must be positive")
        forward = np.subtract(self.look_at, self.position)
        if np.linalg.norm(forward) < 1e-9 or np.linalg.norm(np.cross(forward, (0, 1, 0))) < 1e-9:
            raise ValueError(
                "the camera must look at a point away from it, not straight up or down"
            )

    def basis(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """World directions of the image's right, image up and the viewing direction."""
        forward = np.subtract(self.look_at, self.position).astype(np.float64)
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, np.array([0.0, 1.0, 0.0]))
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        return right, up, forward


def project(points3d: npt.ArrayLike, camera: Camera) -> FloatArray:
    """Pixel coordinates (n, 2) of world points (n, 3); points at or behind the camera are NaN."""
    points = np.asarray(points3d, dtype=np.float64).reshape(-1, 3)
    right, up, forward = camera.basis()
    relative = points - np.asarray(camera.position, dtype=np.float64)
    x, y, z = relative @ right, relative @ up, relative @ forward
    with np.errstate(divide="ignore", invalid="ignore"):
        u = camera.width / 2 + camera.focal * x / z
        v = camera.height / 2 - camera.focal * y / z
    pixels = np.stack([u, v], axis=1)
    pixels[z <= 1e-6] = np.nan
    return pixels


def _head_rotations(rotations: FloatArray) -> Rotation:
    """Global rotation of the head joint per frame."""
    chain: list[int] = []
    joint = JOINT_INDEX["head"]
    while joint >= 0:
        chain.append(joint)
        joint = PARENTS[joint]
    result = Rotation.from_quat(rotations[:, chain[-1]])
    for joint in reversed(chain[:-1]):
        result = result * Rotation.from_quat(rotations[:, joint])
    return result


def coco18_keypoints(motion: Motion) -> FloatArray:
    """World positions (frames, 18, 3) of the COCO-18 keypoints of `motion`."""
    positions = forward_kinematics(motion.rotations, motion.root_positions)
    keypoints = np.zeros((motion.frames, len(KEYPOINTS), 3))
    for index, joint in _BODY_JOINTS.items():
        keypoints[:, index] = positions[:, JOINT_INDEX[joint]]
    keypoints[:, 1] = (keypoints[:, 2] + keypoints[:, 5]) / 2
    head = positions[:, JOINT_INDEX["head"]]
    head_rotation = _head_rotations(motion.rotations)
    for index, offset in _FACE_OFFSETS.items():
        keypoints[:, index] = head + head_rotation.apply(np.array(offset, dtype=np.float64))
    return keypoints


_ELLIPSE_STEPS = np.radians(np.arange(0, 361, 10, dtype=np.float64))


def _ellipses(a: FloatArray, b: FloatArray, half_width: float) -> FloatArray:
    """Polygons (limbs, 37, 2) of the ellipses spanning a[i]..b[i] (limbs, 2) with the given
    half width, as the reference renderer draws limbs."""
    centre = (a + b) / 2
    delta = b - a
    length = np.hypot(delta[:, 0], delta[:, 1])[:, None] / 2
    angle = np.arctan2(delta[:, 1], delta[:, 0])[:, None]
    cos, sin = np.cos(angle), np.sin(angle)
    ex, ey = length * np.cos(_ELLIPSE_STEPS), half_width * np.sin(_ELLIPSE_STEPS)
    xs = centre[:, :1] + ex * cos - ey * sin
    ys = centre[:, 1:] + ex * sin + ey * cos
    return np.stack([xs, ys], axis=2)


def render_openpose(keypoints2d: npt.ArrayLike, width: int, height: int) -> npt.NDArray[np.uint8]:
    """An OpenPose-18 image (height, width, 3) uint8 of one figure's pixel keypoints (18, 2);
    NaN keypoints are missing and left out with their limbs.

    The pixels equal those of drawing every limb over the whole frame, but the work is bounded
    by the figure: each limb's ellipse is rasterized by PIL inside its own box (shifted by
    whole pixels, which moves PIL's rasterization exactly), blended in floating point only
    where it covers, and the keypoint circles are drawn on the figure's box alone."""
    points = np.asarray(keypoints2d, dtype=np.float64).reshape(len(KEYPOINTS), 2)
    frame = np.zeros((height, width, 3), dtype=np.uint8)
    present = np.asarray(np.isfinite(points).all(axis=1), dtype=bool)
    if not present.any():
        return frame
    margin = STICK_WIDTH + JOINT_RADIUS + 2
    shown = points[present]
    left = max(0, int(np.floor(shown[:, 0].min())) - margin)
    top = max(0, int(np.floor(shown[:, 1].min())) - margin)
    right = min(width, int(np.ceil(shown[:, 0].max())) + margin + 1)
    bottom = min(height, int(np.ceil(shown[:, 1].max())) + margin + 1)
    if right <= left or bottom <= top:
        return frame
    origin = np.array([left, top], dtype=np.float64)
    box_width, box_height = right - left, bottom - top
    # Limbs blend in floating point and round once at the end, as the reference does; only
    # covered pixels are ever read or rounded.
    canvas = np.zeros((box_height, box_width, 3), dtype=np.float64)
    touched = np.zeros((box_height, box_width), dtype=bool)
    ends = np.asarray(LIMBS)
    drawn = present[ends[:, 0]] & present[ends[:, 1]]
    polygons = _ellipses(points[ends[:, 0]], points[ends[:, 1]], STICK_WIDTH) - origin
    for limb in np.flatnonzero(drawn):
        polygon = polygons[limb]
        x0 = max(0, int(np.floor(polygon[:, 0].min())) - 1)
        y0 = max(0, int(np.floor(polygon[:, 1].min())) - 1)
        x1 = min(box_width, int(np.ceil(polygon[:, 0].max())) + 2)
        y1 = min(box_height, int(np.ceil(polygon[:, 1].max())) + 2)
        if x1 <= x0 or y1 <= y0:
            continue
        mask = Image.new("L", (x1 - x0, y1 - y0), 0)
        shifted = polygon - np.array([x0, y0], dtype=np.float64)
        ImageDraw.Draw(mask).polygon(shifted.ravel().tolist(), fill=255)
        covered = np.asarray(mask, dtype=bool)
        region = canvas[y0:y1, x0:x1]
        colour = np.asarray(COLORS[limb], dtype=np.float64)
        region[covered] = (1 - LIMB_ALPHA) * region[covered] + LIMB_ALPHA * colour
        touched[y0:y1, x0:x1] |= covered
    box = np.zeros((box_height, box_width, 3), dtype=np.uint8)
    rows, columns = np.nonzero(touched)
    box[rows, columns] = np.rint(canvas[rows, columns]).astype(np.uint8)
    image = Image.fromarray(box, "RGB")
    draw = ImageDraw.Draw(image)
    for index in np.flatnonzero(present):
        x, y = points[index] - origin
        r = JOINT_RADIUS
        draw.ellipse((x - r, y - r, x + r, y + r), fill=COLORS[index])
    frame[top:bottom, left:right] = np.asarray(image, dtype=np.uint8)
    return frame


def conditioning_keypoints(
    motion: Motion, *, smooth: bool = True, smoothing: OneEuroFilter | None = None
) -> FloatArray:
    """World positions (frames, 18, 3) of the COCO-18 keypoints of `motion`, One Euro filtered
    with `smoothing` (default `OneEuroFilter()`, tuned for metres) unless `smooth` is False."""
    keypoints = coco18_keypoints(motion)
    return smooth_keypoints(keypoints, motion.fps, smoothing) if smooth else keypoints


def openpose_frames(
    motion: Motion,
    camera: Camera,
    size: tuple[int, int] | None = None,
    *,
    smooth: bool = True,
    smoothing: OneEuroFilter | None = None,
) -> Iterator[npt.NDArray[np.uint8]]:
    """One OpenPose-18 image per frame of `motion` seen by `camera`; `size` (width, height)
    rescales the camera's image (default: the camera's own size). The keypoints are smoothed
    as `conditioning_keypoints` does (`smooth=False` draws them as they are)."""
    width, height = size if size is not None else (camera.width, camera.height)
    if width <= 0 or height <= 0:
        raise ValueError(f"frame size must be positive, got {width}x{height}")
    scale = np.array([width / camera.width, height / camera.height])
    keypoints = conditioning_keypoints(motion, smooth=smooth, smoothing=smoothing)
    for frame in keypoints:
        yield render_openpose(project(frame, camera) * scale, width, height)


# The conditioning camera stands in front of where the character starts, framing 2.1 m of height.
_CAMERA_DISTANCE_M = 4.0
_FRAMED_HEIGHT_M = 2.1
_LOOK_AT_HEIGHT_M = 0.9


def conditioning_camera(motion: Motion, size: tuple[int, int]) -> Camera:
    """A camera facing the character where it stands at the first frame, framing 2.1 m of
    height (or of width, in a portrait frame)."""
    width, height = size
    x, _, z = (float(v) for v in motion.root_positions[0])
    focal = min(width, height) * _CAMERA_DISTANCE_M / _FRAMED_HEIGHT_M
    return Camera(
        width,
        height,
        focal,
        (x, _LOOK_AT_HEIGHT_M, z + _CAMERA_DISTANCE_M),
        (x, _LOOK_AT_HEIGHT_M, z),
    )
