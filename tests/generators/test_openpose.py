"""OpenPose-18 frames: projection, keypoint colours, limb colours and handedness."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.generators.openpose import (
    COLORS,
    KEYPOINTS,
    LIMB_ALPHA,
    LIMBS,
    Camera,
    coco18_keypoints,
    openpose_frames,
    project,
    render_openpose,
)
from motiondirector.motion.clip import Motion

# In front of the T-pose, facing it (the character faces +Z).
FRONT = Camera(512, 512, 600.0, (0.0, 1.0, 3.5), (0.0, 1.0, 0.0))


def _rest_pixels() -> np.ndarray:
    return project(coco18_keypoints(Motion.rest())[0], FRONT)


def test_point_straight_ahead_lands_at_the_image_centre() -> None:
    pixels = project([[0.0, 1.0, 0.0], [0.0, 1.0, -5.0]], FRONT)
    np.testing.assert_allclose(pixels, [[256.0, 256.0], [256.0, 256.0]], atol=1e-9)


def test_point_behind_the_camera_is_missing() -> None:
    assert np.isnan(project([[0.0, 1.0, 10.0]], FRONT)).all()


def test_image_up_is_world_up() -> None:
    high, low = project([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]], FRONT)
    assert high[1] < 256.0 < low[1]


def test_characters_right_wrist_appears_on_the_image_left_when_facing_the_camera() -> None:
    pixels = _rest_pixels()
    r_wrist, l_wrist = KEYPOINTS.index("r_wrist"), KEYPOINTS.index("l_wrist")
    assert pixels[r_wrist, 0] < 256.0 < pixels[l_wrist, 0]
    assert pixels[KEYPOINTS.index("r_eye"), 0] < pixels[KEYPOINTS.index("l_eye"), 0]


def test_face_keypoints_sit_above_the_neck() -> None:
    pixels = _rest_pixels()
    neck_y = pixels[KEYPOINTS.index("neck"), 1]
    for name in ("nose", "r_eye", "l_eye", "r_ear", "l_ear"):
        assert pixels[KEYPOINTS.index(name), 1] < neck_y


def test_every_keypoint_is_drawn_in_its_colour_at_its_position() -> None:
    pixels = _rest_pixels()
    image = next(openpose_frames(Motion.rest(), FRONT))
    assert image.shape == (512, 512, 3) and image.dtype == np.uint8
    # The face keypoints are a few pixels apart and overlap; check the body ones and the nose.
    for index in range(14):
        x, y = np.rint(pixels[index]).astype(int)
        assert tuple(image[y, x]) == COLORS[index], KEYPOINTS[index]


def test_limb_midpoint_has_the_limb_colour_at_reference_opacity() -> None:
    pixels = _rest_pixels()
    image = render_openpose(pixels, 512, 512)
    limb = LIMBS.index((3, 4))  # right elbow to right wrist
    a, b = LIMBS[limb]
    x, y = np.rint((pixels[a] + pixels[b]) / 2).astype(int)
    expected = np.rint(LIMB_ALPHA * np.asarray(COLORS[limb])).astype(int)
    np.testing.assert_array_equal(image[y, x].astype(int), expected)
    assert image[0, 0].tolist() == [0, 0, 0]


def test_missing_keypoints_are_left_out() -> None:
    pixels = _rest_pixels()
    pixels[KEYPOINTS.index("r_wrist")] = np.nan
    image = render_openpose(pixels, 512, 512)
    full = render_openpose(_rest_pixels(), 512, 512)
    x, y = np.rint(_rest_pixels()[KEYPOINTS.index("r_wrist")]).astype(int)
    assert image[y, x].tolist() == [0, 0, 0] and full[y, x].tolist() != [0, 0, 0]


def test_frames_follow_the_motion_and_the_requested_size() -> None:
    motion = Motion.rest(3)
    root = motion.root_positions.copy()
    root[2, 0] += 0.5
    moved = Motion(motion.rotations, root, motion.fps)
    frames = list(openpose_frames(moved, FRONT, size=(256, 256)))
    assert len(frames) == 3 and frames[0].shape == (256, 256, 3)
    assert np.array_equal(frames[0], frames[1]) and not np.array_equal(frames[0], frames[2])


def test_camera_rejects_degenerate_settings() -> None:
    with pytest.raises(ValueError):
        Camera(0, 10, 100.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0))
    with pytest.raises(ValueError):
        Camera(10, 10, 100.0, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0))


def reference_render(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """The renderer as it was before drawing was bounded by the figure: every limb's
    ellipse rasterized over the whole frame. Kept here as the pixel reference."""
    from PIL import Image, ImageDraw

    canvas = np.zeros((height, width, 3), dtype=np.float64)
    present = np.isfinite(points).all(axis=1)
    steps = np.radians(np.arange(0, 361, 10, dtype=np.float64))
    for limb, (a, b) in enumerate(LIMBS):
        if not (present[a] and present[b]):
            continue
        centre, delta = (points[a] + points[b]) / 2, points[b] - points[a]
        length = float(np.hypot(delta[0], delta[1])) / 2
        angle = float(np.arctan2(delta[1], delta[0]))
        ex, ey = length * np.cos(steps), 4 * np.sin(steps)
        xs = centre[0] + ex * np.cos(angle) - ey * np.sin(angle)
        ys = centre[1] + ex * np.sin(angle) + ey * np.cos(angle)
        mask = Image.new("L", (width, height), 0)
        polygon = [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
        ImageDraw.Draw(mask).polygon(polygon, fill=255)
        covered = np.asarray(mask, dtype=bool)
        colour = np.asarray(COLORS[limb], dtype=np.float64)
        canvas[covered] = (1 - LIMB_ALPHA) * canvas[covered] + LIMB_ALPHA * colour
    image = Image.fromarray(np.rint(canvas).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for index in np.flatnonzero(present):
        x, y = points[index]
        draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=COLORS[index])
    return np.asarray(image, dtype=np.uint8)


def test_bounded_drawing_equals_whole_frame_drawing_pixel_for_pixel() -> None:
    from motiondirector.generators.backends.common import fit_camera
    from motiondirector.generators.openpose import conditioning_keypoints
    from motiondirector.motion.library import get_clip

    motion = get_clip("wave.right.large.fast.happy").motion()
    compared = 0
    for size in ((1280, 720), (832, 480), (64, 64)):
        camera = fit_camera(motion, size)
        for frame in conditioning_keypoints(motion)[::9]:
            pixels = project(frame, camera)
            expected = reference_render(pixels, *size)
            np.testing.assert_array_equal(render_openpose(pixels, *size), expected)
            compared += 1
    # Figures cut by the frame's edges and missing keypoints.
    rng = np.random.default_rng(7)
    for _ in range(20):
        pixels = rng.uniform(-60.0, 260.0, (len(KEYPOINTS), 2))
        pixels[rng.random(len(KEYPOINTS)) < 0.15] = np.nan
        np.testing.assert_array_equal(
            render_openpose(pixels, 200, 150), reference_render(pixels, 200, 150)
        )
        compared += 1
    assert compared >= 40


def test_a_figure_entirely_outside_the_frame_draws_nothing() -> None:
    pixels = np.full((len(KEYPOINTS), 2), -500.0)
    assert not render_openpose(pixels, 64, 64).any()
    assert not render_openpose(np.full((len(KEYPOINTS), 2), np.nan), 64, 64).any()
