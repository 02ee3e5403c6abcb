"""The face conditioning track: pixels follow the ARKit weights (jaw, brows, lids, sides) and
the track only changes while the plan moves the face."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from motiondirector import plan_text
from motiondirector.errors import ExportError
from motiondirector.export.arkit import arkit_curves
from motiondirector.generators.face_track import draw_face, face_frames, iter_face_frames
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.vocabulary import load_arkit_map

SIZE = (128, 128)
COLUMN = {name: i for i, name in enumerate(load_arkit_map().blendshapes)}
SCRIPT = """ANA: Hello, Ben! How are you doing today?
BEN: (smiling) Fine, thanks. I missed you so much.
ANA: (angrily) No. I really do not believe that.
"""


def _weights(**values: float) -> np.ndarray:
    weights = np.zeros(len(COLUMN))
    for name, value in values.items():
        weights[COLUMN[name]] = value
    return weights


def _ink(image: np.ndarray) -> np.ndarray:
    """Drawn pixels; the sketch is white on black, the same in every channel."""
    assert image.dtype == np.uint8 and image.shape == (SIZE[1], SIZE[0], 3)
    assert np.array_equal(image[..., 0], image[..., 1])
    assert np.array_equal(image[..., 0], image[..., 2])
    assert set(np.unique(image).tolist()) <= {0, 255}
    return image[..., 0] > 0


def _enclosed_regions(image: np.ndarray) -> list[tuple[slice, slice]]:
    """Bounding boxes of black regions the lines close off from the border."""
    labels, _ = ndimage.label(~_ink(image))
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])))
    boxes = ndimage.find_objects(labels)
    return [box for label, box in enumerate(boxes, start=1) if box and label not in border]


def _mouth_opening_height(image: np.ndarray) -> int:
    """Height of the tallest closed-off black region in the lower half: the open mouth."""
    half = SIZE[1] // 2
    heights = [rows.stop - rows.start for rows, _ in _enclosed_regions(image) if rows.start >= half]
    return max(heights, default=0)


def test_open_jaw_makes_a_taller_mouth_opening() -> None:
    closed = _mouth_opening_height(draw_face(_weights(), SIZE))
    half = _mouth_opening_height(draw_face(_weights(jawOpen=0.5), SIZE))
    wide = _mouth_opening_height(draw_face(_weights(jawOpen=1.0), SIZE))
    assert closed < half < wide
    assert wide >= closed + 12  # pixels, at a 128-pixel frame


def test_jaw_open_lowers_the_chin() -> None:
    def lowest_row(image: np.ndarray) -> int:
        return int(np.flatnonzero(_ink(image).any(axis=1)).max())

    assert lowest_row(draw_face(_weights(jawOpen=1.0), SIZE)) > lowest_row(
        draw_face(_weights(), SIZE)
    )


def _moved_rows(before: np.ndarray, after: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Mean row of ink that disappeared, mean row of ink that appeared, and where ink changed."""
    old, new = _ink(before), _ink(after)
    gone, came = np.argwhere(old & ~new), np.argwhere(new & ~old)
    assert len(gone) and len(came)
    return float(gone[:, 0].mean()), float(came[:, 0].mean()), np.argwhere(old != new)


def test_raised_inner_brows_move_brow_pixels_up() -> None:
    gone_row, came_row, changed = _moved_rows(
        draw_face(_weights(), SIZE), draw_face(_weights(browInnerUp=1.0), SIZE)
    )
    assert came_row < gone_row - 3
    assert changed[:, 0].max() < SIZE[1] * 0.35  # only the brows, at the top of the face


def test_lowered_brows_move_brow_pixels_down() -> None:
    gone_row, came_row, _ = _moved_rows(
        draw_face(_weights(), SIZE),
        draw_face(_weights(browDownLeft=1.0, browDownRight=1.0), SIZE),
    )
    assert came_row > gone_row + 1


def test_smile_raises_and_frown_lowers_the_mouth_corners() -> None:
    neutral = draw_face(_weights(), SIZE)
    smile = draw_face(_weights(mouthSmileLeft=1.0, mouthSmileRight=1.0), SIZE)
    frown = draw_face(_weights(mouthFrownLeft=1.0, mouthFrownRight=1.0), SIZE)

    def corner_row(image: np.ndarray) -> float:
        ink = _ink(image)
        width, height = SIZE
        lower = np.zeros_like(ink)
        # The band of the mouth, between the nose and the jaw contour.
        lower[int(height * 0.55) : int(height * 0.68), int(width * 0.3) : int(width * 0.7)] = True
        mouth = np.argwhere(ink & lower)
        # The outermost mouth pixels on the image's right: the character's left corner.
        right = mouth[mouth[:, 1] >= mouth[:, 1].max() - 1]
        return float(right[:, 0].mean())

    assert corner_row(smile) < corner_row(neutral) < corner_row(frown)


def test_blinking_the_left_eye_closes_the_eye_on_the_image_right() -> None:
    def open_eyes(image: np.ndarray) -> list[float]:
        """Centres (x) of closed-off regions in the eye band bigger than a few pixels."""
        return [
            (cols.start + cols.stop) / 2
            for rows, cols in _enclosed_regions(image)
            if rows.stop <= SIZE[1] * 0.45 and (rows.stop - rows.start) >= 2
        ]

    both = open_eyes(draw_face(_weights(), SIZE))
    assert len(both) >= 2 and min(both) < SIZE[0] / 2 < max(both)
    left_shut = open_eyes(draw_face(_weights(eyeBlinkLeft=1.0), SIZE))
    assert left_shut and all(x < SIZE[0] / 2 for x in left_shut)


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text(SCRIPT, format="text")


def test_track_has_one_frame_per_curve_sample(plan: MotionPlan) -> None:
    times, _ = arkit_curves(plan, "ANA", 30)
    frames = face_frames(plan, "ANA", 30, SIZE)
    assert frames.shape == (len(times), SIZE[1], SIZE[0], 3) and frames.dtype == np.uint8
    ben_times, _ = arkit_curves(plan, "BEN", 60)
    assert len(list(iter_face_frames(plan, "BEN", 60, SIZE))) == len(ben_times)


def test_frames_change_only_while_the_plan_moves_the_face(plan: MotionPlan) -> None:
    _, weights = arkit_curves(plan, "ANA", 30, idle=False)
    frames = face_frames(plan, "ANA", 30, SIZE)
    still = np.all(weights[1:] == weights[:-1], axis=1)
    same = np.all(frames[1:] == frames[:-1], axis=(1, 2, 3))
    assert still.any() and not still.all()
    assert same[still].all()  # an unmoving face is an unmoving picture
    neutral = draw_face(np.zeros(len(COLUMN)), SIZE)
    at_rest = np.flatnonzero(~weights.any(axis=1))
    assert all(np.array_equal(frames[i], neutral) for i in at_rest)
    # While Ana speaks her jaw moves, and the pictures with it.
    speaking = weights[:, COLUMN["jawOpen"]] > 0.2
    assert speaking.any()
    assert all(not np.array_equal(frames[i], neutral) for i in np.flatnonzero(speaking))
    moving = np.abs(np.diff(weights[:, COLUMN["jawOpen"]])) > 0.05
    assert (~same[moving]).mean() > 0.9


def test_bad_size_and_unknown_character_are_refused(plan: MotionPlan) -> None:
    with pytest.raises(ExportError, match="at least 32x32"):
        draw_face(np.zeros(len(COLUMN)), (16, 64))
    with pytest.raises(ExportError, match="ZED"):
        face_frames(plan, "ZED", 30, SIZE)
    with pytest.raises(ExportError, match="positive whole number"):
        face_frames(plan, "ANA", 0, SIZE)
    with pytest.raises(ValueError, match="52"):
        draw_face(np.zeros(10), SIZE)
