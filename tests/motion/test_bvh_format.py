"""BVH frame lines: the numpy formatter writes exactly what "%.6f" writes, and whole files are
byte-identical to the per-row writer it replaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.motion import bvh
from motiondirector.motion.bvh import frame_blocks, motion_to_bvh, read_bvh, write_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.library import get_clip
from motiondirector.motion.skeleton import JOINTS, REST_OFFSETS


def _per_row(values: np.ndarray) -> Iterator[str]:
    """The frame lines as `motion_to_bvh` wrote them before: one "%.6f" row format a frame."""
    row_format = " ".join(["%.6f"] * values.shape[1])
    yield "".join(row_format % tuple(row) + "\n" for row in values)


def _formatted(values: np.ndarray) -> str:
    return "".join(frame_blocks(values))


def _expected(values: np.ndarray) -> str:
    return "".join(_per_row(values))


def _rows(values: np.ndarray, width: int = 7) -> np.ndarray:
    flat = np.asarray(values, dtype=np.float64).ravel()
    return np.concatenate([flat, np.zeros(-flat.size % width)]).reshape(-1, width)


def _assert_same_lines(got: str, expected: str) -> None:
    if got != expected:  # name the first differing line rather than two 100 kB strings
        for number, (a, b) in enumerate(zip(got.splitlines(), expected.splitlines(), strict=False)):
            assert a == b, f"line {number + 1}"
        assert got == expected


@pytest.mark.parametrize("scale", [1e-7, 1e-4, 0.5, 180.0, 5e3, 2e6, 4e8])
def test_random_values_format_as_percent_six_f(scale: float) -> None:
    rng = np.random.default_rng(int(np.log10(scale) * 10) + 100)
    values = rng.normal(scale=scale, size=(700, 69))
    _assert_same_lines(_formatted(values), _expected(values))


def test_values_next_to_a_rounding_tie_format_as_percent_six_f() -> None:
    # "%.6f" rounds the exact binary value half to even: a double next to k + 0.5 millionths
    # must go the way its exact value says, and the few doubles whose scaled value lands
    # exactly halfway (k / 128) must too.
    rng = np.random.default_rng(7)
    ties = (rng.integers(-(10**14), 10**14, size=20_000) + 0.5) / 1e6
    small_ties = (np.arange(-3000, 3000) + 0.5) / 1e6
    exact_binary = np.concatenate([np.arange(-4000, 4000) / 128, np.arange(-4000, 4000) / 1024])
    values = np.concatenate(
        [ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf), small_ties,
         np.nextafter(small_ties, 0), exact_binary, 1e3 + exact_binary, 360.0 * 7.5 + ties[:99]]
    )  # fmt: skip
    assert np.count_nonzero(np.abs(values * 1e6 - np.rint(values * 1e6)) == 0.5) > 1000
    rows = _rows(values)
    _assert_same_lines(_formatted(rows), _expected(rows))


def test_edge_values_format_as_percent_six_f() -> None:
    values = np.array(
        [0.0, -0.0, 5e-7, -5e-7, 2.5e-7, -2.5e-7, 4.9999999e-7, 5.0000001e-7, 1.5e-6, 5e-324,
         0.9999995, 9.9999995, 999.9999995, -999.9999995, 999_999.9999995, 1000.0, -1000.0,
         1e6, 123_456_789.123456, -987_654_321.000001, np.nextafter(1e9, 0), 1e9, -1e9, 1e12,
         -1e300, np.nan, np.inf, -np.inf, 123.4567895, -0.0000005]
    )  # fmt: skip
    for width in (1, 3, 7):
        rows = _rows(values, width)
        assert _formatted(rows) == _expected(rows)
    # Each value alone, so a NaN or a huge value cannot send its neighbours down the fallback.
    for value in values:
        assert _formatted(np.array([[value]])) == f"{value:.6f}\n"


def test_blocks_of_frames_join_into_every_line_once() -> None:
    rng = np.random.default_rng(3)
    frames = 3 * bvh._FORMAT_BLOCK_FRAMES + 17
    values = rng.uniform(-200.0, 200.0, size=(frames, 12))
    values[bvh._FORMAT_BLOCK_FRAMES + 5, 4] = np.nan  # this block alone takes "%.6f" itself
    values[2 * bvh._FORMAT_BLOCK_FRAMES + 1, 0] = -123_456.25  # this one has wider integers
    blocks = list(frame_blocks(values))
    assert len(blocks) == 4 and "nan" in blocks[1] and "-123456.250000" in blocks[2]
    _assert_same_lines("".join(blocks), _expected(values))
    assert _formatted(np.zeros((0, 69))) == ""
    assert _formatted(np.zeros((2, 0))) == "\n\n"


def _spinning_motion(frames: int) -> Motion:
    """The pelvis turning four times a second, the arms waving, the root walking a circle: the
    unwrapped yaw passes 100,000 degrees, so integer parts grow to six digits."""
    t = np.arange(frames) / 30.0
    rotations = np.zeros((frames, len(JOINTS), 4))
    rotations[..., 3] = 1.0
    rotations[:, JOINTS.index("pelvis")] = Rotation.from_euler(
        "y", 1440.0 * t[:, None], degrees=True
    ).as_quat()
    for joint, phase in (("left_shoulder", 0.0), ("right_shoulder", 1.0), ("left_knee", 2.0)):
        swing = np.stack([70 * np.sin(3 * t + phase), 100 * np.cos(t), 20 * np.sin(7 * t)], 1)
        rotations[:, JOINTS.index(joint)] = Rotation.from_euler(
            "zxy", swing, degrees=True
        ).as_quat()
    root = REST_OFFSETS[0] + np.stack([3 * np.cos(t / 9), 0.02 * np.sin(t), 3 * np.sin(t / 9)], 1)
    return Motion(rotations, root, 30.0)


_CLIPS = ("wave.right.normal.normal.neutral", "nod.normal.normal.neutral",
          "beat.left.large.fast.angry")  # fmt: skip


@pytest.mark.parametrize("name", [*_CLIPS, "spinning"])
def test_written_file_is_byte_identical_to_the_per_row_writer(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    motion = _spinning_motion(2600) if name == "spinning" else get_clip(name).motion()
    now = motion_to_bvh(motion)
    monkeypatch.setattr(bvh, "frame_blocks", _per_row)
    _assert_same_lines(now, motion_to_bvh(motion))


def test_spinning_motion_reads_back_as_written(tmp_path: Path) -> None:
    motion = _spinning_motion(2600)
    path = tmp_path / "spin.bvh"
    write_bvh(motion, path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    frame_lines = lines[lines.index("MOTION") + 3 :]
    assert len(frame_lines) == 2600 and text.endswith("\n") and "\n\n" not in text
    written = np.array([[float(token) for token in line.split(" ")] for line in frame_lines])
    assert np.abs(written).max() > 100_000.0  # the yaw, unwrapped
    back = read_bvh(path)
    np.testing.assert_array_equal(back.values, written)
    order = [JOINTS.index(joint) for joint in back.skeleton.names]
    dot = np.abs(np.einsum("tjk,tjk->tj", back.local_quaternions(), motion.rotations[:, order]))
    assert dot.min() > 1 - 1e-10
    np.testing.assert_allclose(back.root_positions(), motion.root_positions, atol=5e-7)


def test_unwrapping_is_numpy_s_bit_for_bit() -> None:
    from motiondirector.motion.bvh import unwrap_degrees

    rng = np.random.default_rng(7)
    walk = np.cumsum(rng.normal(0.0, 40.0, (5000, 24)), axis=0) % 360.0 - 180.0
    # Steps of exactly half a turn either way, just under and over it, and large angles.
    edges = np.array([[0.0, 180.0, -180.0, 179.999999, 180.000001, -540.0, 1e6, 0.0]]).T
    edges = np.repeat(np.cumsum(np.tile(edges, (40, 1)), axis=0), 3, axis=1)
    for angles in (walk, edges, walk[:1], walk[:2]):
        expected = np.unwrap(angles, period=360.0, axis=0)
        assert unwrap_degrees(angles).tobytes() == expected.tobytes()
