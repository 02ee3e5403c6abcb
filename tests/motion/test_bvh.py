"""BVH reading (any rig, every Euler order), writing the canonical skeleton, and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.errors import ScriptError
from motiondirector.motion.bvh import motion_to_bvh, parse_bvh, read_bvh, write_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.skeleton import JOINTS, REST_OFFSETS
from tests.motion.conftest import random_motion

ONE_JOINT = """HIERARCHY
ROOT Bone
{{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition {order}
  End Site
  {{
    OFFSET 0 1 0
  }}
}}
MOTION
Frames: 1
Frame Time: 0.04
1 2 3 {angles}
"""


def test_reads_a_real_bandai_clip(bandai_dir: Path) -> None:
    bvh = read_bvh(bandai_dir / "dataset-1_walk_normal_001.bvh")
    skeleton = bvh.skeleton
    assert skeleton.names[:3] == ("joint_Root", "Hips", "Spine")
    assert len(skeleton.names) == 22 and skeleton.channel_count == 132
    assert skeleton.channels[1] == (
        "Xposition", "Yposition", "Zposition", "Zrotation", "Xrotation", "Yrotation",
    )  # fmt: skip
    assert skeleton.parents[skeleton.index("Hand_L")] == skeleton.index("LowerArm_L")
    assert len(skeleton.end_sites) == 5
    np.testing.assert_allclose(skeleton.offsets[1], [0.0, 93.9241, -3.0])
    assert bvh.values.shape == (195, 132)
    assert bvh.fps == pytest.approx(30.0, rel=1e-5)
    assert bvh.file is not None and bvh.file.endswith("walk_normal_001.bvh")
    # The walker crosses the room along +Z (centimetres).
    _, positions = bvh.forward_kinematics()
    hips = positions[:, skeleton.index("Hips")]
    assert hips[-1, 2] - hips[0, 2] > 700


@pytest.mark.parametrize("order", ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"])
def test_every_euler_order_composes_intrinsically(order: str) -> None:
    angles = {"X": 30.0, "Y": -50.0, "Z": 70.0}
    channels = " ".join(f"{axis}rotation" for axis in order)
    values = " ".join(str(angles[axis]) for axis in order)
    bvh = parse_bvh(ONE_JOINT.format(order=channels, angles=values))
    got = bvh.local_rotation("Bone").as_matrix()[0]
    # Intrinsic: the first channel's rotation is the outermost matrix.
    expected = np.eye(3)
    for axis in order:
        expected = (
            expected @ Rotation.from_euler(axis.lower(), angles[axis], degrees=True).as_matrix()
        )
    np.testing.assert_allclose(got, expected, atol=1e-12)
    np.testing.assert_allclose(bvh.root_positions(), [[1.0, 2.0, 3.0]])
    assert bvh.fps == pytest.approx(25.0)


def test_written_bvh_reads_back_as_the_same_motion(tmp_path: Path) -> None:
    motion = random_motion(30, seed=3)
    path = tmp_path / "clip.bvh"
    write_bvh(motion, path)
    bvh = read_bvh(path)
    assert bvh.skeleton.names[0] == "pelvis" and set(bvh.skeleton.names) == set(JOINTS)
    assert bvh.frames == 30
    assert bvh.fps == pytest.approx(30.0, rel=1e-6)
    order = [JOINTS.index(name) for name in bvh.skeleton.names]
    np.testing.assert_allclose(bvh.skeleton.offsets[1:], REST_OFFSETS[order][1:], atol=1e-12)
    local = bvh.local_quaternions()
    dot = np.abs(np.einsum("tjk,tjk->tj", local, motion.rotations[:, order]))
    assert dot.min() > 1 - 1e-10
    np.testing.assert_allclose(bvh.root_positions(), motion.root_positions, atol=1e-6)


def test_written_bvh_uses_standard_syntax() -> None:
    text = motion_to_bvh(random_motion(2))
    lines = text.splitlines()
    assert lines[0] == "HIERARCHY" and lines[1] == "ROOT pelvis"
    assert "\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation" in lines
    assert text.count("End Site") == 5
    assert text.count("{") == text.count("}") == 22 + 5
    motion_at = lines.index("MOTION")
    assert lines[motion_at + 1] == "Frames: 2"
    assert lines[motion_at + 2].startswith("Frame Time: 0.0333333")
    first = lines[motion_at + 3].split()
    assert len(first) == 3 + 22 * 3
    assert all(len(value.split(".")[1]) == 6 for value in first)


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_frame_time_reads_back_as_the_exact_frame_rate_in_blender(fps: float) -> None:
    # Blender's importer sets the scene to fps = round(1 / t) with fps_base = fps * t, a
    # 32-bit float: "0.03333333" gave fps_base 0.99999988, a custom 29.999996 fps scene.
    motion = random_motion(2)
    motion = type(motion)(motion.rotations, motion.root_positions, fps)
    line = next(x for x in motion_to_bvh(motion).splitlines() if x.startswith("Frame Time:"))
    frame_time = float(line.split(":")[1])
    file_fps = 1.0 / frame_time
    assert round(file_fps) == fps
    assert np.float32(round(file_fps) / file_fps) == np.float32(1.0)
    assert parse_bvh(motion_to_bvh(motion)).fps == pytest.approx(fps, rel=1e-8)


@pytest.mark.parametrize(
    ("joint", "axis", "start", "stop"),
    [
        ("left_knee", "x", 84.0, 96.0),  # a knee bent past 90 degrees: Z and Y flipped by 180
        ("pelvis", "y", 170.0, 190.0),  # a turn through 180 degrees: Y wrapped by 360
        ("right_shoulder", "z", -84.0, -96.0),
    ],
)
def test_rotation_channels_stay_continuous_from_frame_to_frame(
    joint: str, axis: str, start: float, stop: float
) -> None:
    # A turn through 180 degrees wrapped from 179 to -179, which a reader that interpolates,
    # filters or key-reduces the channels turns into a spin; a seated character's knee read
    # (0, 88.5, 0) and then (-180, 88.5, 180), a spike in any curve editor, for a bend that
    # went on by 3 degrees.
    rest = Motion.rest(13)
    rotations = rest.rotations.copy()
    turn = Rotation.from_euler(axis, np.linspace(start, stop, 13)[:, None], degrees=True)
    rotations[:, JOINTS.index(joint)] = turn.as_quat()
    motion = Motion(rotations, rest.root_positions, rest.fps)
    bvh = parse_bvh(motion_to_bvh(motion))
    columns, _ = bvh.skeleton.rotation_layout
    values = bvh.values[:, columns[bvh.skeleton.index(joint)]]
    assert np.abs(np.diff(values, axis=0)).max() < 2.0
    order = [JOINTS.index(name) for name in bvh.skeleton.names]
    dot = np.abs(np.einsum("tjk,tjk->tj", bvh.local_quaternions(), rotations[:, order]))
    assert dot.min() > 1 - 1e-10


def test_random_motion_keeps_its_rotations_with_continuous_channels() -> None:
    motion = random_motion(60, seed=5)
    bvh = parse_bvh(motion_to_bvh(motion))
    order = [JOINTS.index(name) for name in bvh.skeleton.names]
    dot = np.abs(np.einsum("tjk,tjk->tj", bvh.local_quaternions(), motion.rotations[:, order]))
    assert dot.min() > 1 - 1e-10


def _good_text() -> str:
    return motion_to_bvh(random_motion(3))


def _motion_line(text: str) -> int:
    return text.splitlines().index("MOTION") + 1


def _replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def _case(name: str) -> tuple[str, int, str]:
    """(broken text, the line the error must name, a phrase the message must hold)."""
    text = _good_text()
    first_frame = _motion_line(text) + 3
    if name == "truncated":
        lines = text.splitlines()[: first_frame + 1]
        return "\n".join(lines) + "\n", first_frame + 1, "truncated"
    if name == "cut mid-line":
        lines = text.splitlines()
        lines[-1] = " ".join(lines[-1].split()[:10])
        return "\n".join(lines), first_frame + 2, "has 10 values"
    if name == "wrong channel count":
        row = text.splitlines()[first_frame].split()
        return (
            _replace_line(text, first_frame + 1, " ".join([*row, "0.0"])),
            first_frame + 1,
            ("declares 69 channels"),
        )
    if name == "nan":
        row = text.splitlines()[first_frame - 1].split()
        row[7] = "nan"
        return _replace_line(text, first_frame, " ".join(row)), first_frame, "nan in column 8"
    if name == "inf":
        row = text.splitlines()[first_frame].split()
        row[0] = "-inf"
        return _replace_line(text, first_frame + 1, " ".join(row)), first_frame + 1, "-inf"
    if name == "bad number":
        row = text.splitlines()[first_frame + 1].split()
        row[4] = "1.2.3"
        return _replace_line(text, first_frame + 2, " ".join(row)), first_frame + 2, "'1.2.3'"
    if name == "extra frame":
        lines = text.splitlines()
        return "\n".join([*lines, lines[-1]]) + "\n", first_frame + 3, "'Frames: 3' but 4"
    if name == "missing MOTION":
        lines = text.splitlines()[: _motion_line(text) - 1]
        return "\n".join(lines) + "\n", len(lines), "no MOTION section"
    if name == "unbalanced braces":
        lines = text.splitlines()
        closing = max(i for i, line in enumerate(lines[: _motion_line(text)]) if line == "}")
        lines.insert(closing, "}")
        return "\n".join(lines) + "\n", closing + 2, "unbalanced braces"
    if name == "unknown channel":
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "CHANNELS 3" in row)
        new = text.splitlines()[line - 1].replace("Yrotation", "Wrotation")
        return _replace_line(text, line, new), line, "'Wrotation' is not a channel"
    if name == "bad offset":
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "OFFSET" in row)
        return _replace_line(text, line, "\tOFFSET 0 abc 0"), line, "'abc' is not a number"
    raise AssertionError(name)


@pytest.mark.parametrize(
    "case",
    [
        "truncated", "cut mid-line", "wrong channel count", "nan", "inf", "bad number",
        "extra frame", "missing MOTION", "unbalanced braces", "unknown channel", "bad offset",
    ],
)  # fmt: skip
def test_malformed_files_name_file_and_line(case: str, tmp_path: Path) -> None:
    text, line, phrase = _case(case)
    path = tmp_path / "broken.bvh"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        read_bvh(path)
    error = caught.value
    assert error.file == str(path)
    assert error.line == line, str(error)
    assert phrase in error.message
    assert str(error).startswith(f"{path}:{line}: ")


def test_a_missing_file_is_a_script_error(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="no such BVH file") as caught:
        read_bvh(tmp_path / "absent.bvh")
    assert caught.value.file == str(tmp_path / "absent.bvh")


def test_an_empty_file_or_a_file_of_another_kind_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.bvh"
    empty.write_text("\n  \n")
    with pytest.raises(ScriptError, match="the file is empty") as caught:
        read_bvh(empty)
    assert str(caught.value) == f"{empty}: the file is empty (no HIERARCHY, no MOTION)"
    other = tmp_path / "notes.bvh"
    other.write_text("\nshot list for Tuesday\n")
    with pytest.raises(ScriptError, match="not a BVH file: it starts with 'shot'") as caught:
        read_bvh(other)
    assert caught.value.line == 2


def test_parse_bvh_labels_in_memory_text() -> None:
    with pytest.raises(ScriptError, match=r"^<text>:1: expected 'HIERARCHY'"):
        parse_bvh("ROOT x\n{\n}\nMOTION\nFrames: 0\nFrame Time: 0.1\n")


def test_gimbal_lock_pose_writes_without_warning_and_reads_back() -> None:
    import warnings

    from scipy.spatial.transform import Rotation

    from motiondirector.motion.bvh import motion_to_bvh, parse_bvh
    from motiondirector.motion.clip import Motion
    from motiondirector.motion.retargeting import load_rig_map, retarget

    motion = Motion.rest(3)
    rotations = np.array(motion.rotations)
    rotations[:, 4] = Rotation.from_euler("ZXY", [30, 90, 10], degrees=True).as_quat()
    locked = Motion(rotations, np.array(motion.root_positions), motion.fps)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = motion_to_bvh(locked)
    back = retarget(parse_bvh(text), load_rig_map("canonical")).motion
    assert np.allclose(back.joint_positions(), locked.joint_positions(), atol=1e-4)
