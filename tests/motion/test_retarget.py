"""Retargeting real Bandai clips, our own BVH and a synthetic CMU-named rig."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.errors import ScriptError
from motiondirector.motion.bvh import motion_to_bvh, parse_bvh, read_bvh
from motiondirector.motion.library import get_clip
from motiondirector.motion.retargeting import detect_rig, load_rig_map, retarget
from motiondirector.motion.skeleton import JOINT_INDEX, PARENTS, REST_OFFSETS
from tests.motion.conftest import random_motion

J = JOINT_INDEX


def _bone_lengths_are_canonical(positions: np.ndarray) -> None:
    for joint, parent in enumerate(PARENTS[1:], start=1):
        lengths = np.linalg.norm(positions[:, joint] - positions[:, parent], axis=1)
        np.testing.assert_allclose(lengths, np.linalg.norm(REST_OFFSETS[joint]), atol=1e-9)


@pytest.fixture(scope="module")
def walk(bandai_dir: Path) -> np.ndarray:
    result = retarget(read_bvh(bandai_dir / "dataset-1_walk_normal_001.bvh"))
    assert result.rig == "bandai" and result.unmapped == ()
    assert result.motion.fps == 30.0 and result.motion.frames == 195
    return result.motion.joint_positions()


def test_bandai_walk_alternates_feet_and_stays_upright(walk: np.ndarray) -> None:
    _bone_lengths_are_canonical(walk)
    # Walking along +Z: which ankle leads swaps again and again.
    lead = np.sign(walk[:, J["left_ankle"], 2] - walk[:, J["right_ankle"], 2])
    lead = lead[np.abs(walk[:, J["left_ankle"], 2] - walk[:, J["right_ankle"], 2]) > 0.15]
    assert np.count_nonzero(np.diff(lead)) >= 6
    assert (walk[:, J["head"], 1] > walk[:, J["pelvis"], 1] + 0.4).all()
    # Metres, Y up, on the ground, moving about 8 m forward; the left side stays on +X.
    assert walk[..., 1].min() == pytest.approx(0.01, abs=1e-6)
    assert 0.85 < np.median(walk[:, J["pelvis"], 1]) < 1.0
    assert walk[-1, 0, 2] - walk[0, 0, 2] > 7.0
    assert (walk[:, J["left_hip"], 0] > walk[:, J["right_hip"], 0]).all()


def test_bandai_wave_raises_a_hand_above_the_shoulder(bandai_dir: Path) -> None:
    motion = retarget(read_bvh(bandai_dir / "dataset-1_bye_musical_001.bvh")).motion
    positions = motion.joint_positions()
    _bone_lengths_are_canonical(positions)
    right = positions[:, J["right_wrist"], 1] - positions[:, J["right_shoulder"], 1]
    left = positions[:, J["left_wrist"], 1] - positions[:, J["left_shoulder"], 1]
    # A one-handed wave: the right hand comes up from the side, the left one stays down.
    assert right[0] < -0.3 and right.max() > 0.3
    assert left.max() < -0.2
    both = retarget(read_bvh(bandai_dir / "dataset-1_byebye_active_001.bvh")).motion
    points = both.joint_positions()
    for side in ("left", "right"):
        above = points[:, J[f"{side}_wrist"], 1] - points[:, J[f"{side}_shoulder"], 1]
        assert np.median(above) > 0.1 and above.max() > 0.4


def test_several_bandai_clips_retarget_with_canonical_bones(bandai_dir: Path) -> None:
    for name in ("bow_sad_001", "run_normal_001", "kick_normal_001", "guide_happy_001"):
        bvh = read_bvh(bandai_dir / f"dataset-1_{name}.bvh")
        assert detect_rig(bvh.skeleton) == "bandai"
        motion = retarget(bvh).motion
        assert motion.frames == bvh.frames
        _bone_lengths_are_canonical(motion.joint_positions())


def _angle_to(rotations: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Degrees between each rotation and `reference` (q and -q alike)."""
    return np.degrees(2 * np.arccos(np.clip(np.abs((rotations * reference).sum(-1)), 0, 1)))


def test_bandai_bones_twist_like_the_builtin_clips(bandai_dir: Path) -> None:
    """Bandai's rest pose cannot say a bone's twist: its thighs came out turned half a turn
    about themselves (178 degrees from the built-in stance), which a blend between the two
    turned into a shin swinging round the thigh. The twist now comes from the clip, and the
    joints stay exactly where they were."""
    bvh = read_bvh(bandai_dir / "dataset-1_walk_normal_002.bvh")
    twisted = retarget(bvh).motion
    from_rest = retarget(bvh, replace(load_rig_map("bandai"), twist="rest")).motion
    np.testing.assert_allclose(
        twisted.joint_positions(), from_rest.joint_positions(), rtol=0, atol=1e-9
    )
    stance = get_clip("idle.normal.normal.neutral").motion().rotations[0]
    for name in ("left_hip", "right_hip", "left_ankle", "left_collar", "left_shoulder"):
        before = _angle_to(from_rest.rotations[:, J[name]], stance[J[name]]).mean()
        after = _angle_to(twisted.rotations[:, J[name]], stance[J[name]]).mean()
        assert after < 45 < before, (name, before, after)
    # Leaves turn with their parents: a hand's and the head's own rotations are kept.
    for name in ("left_wrist", "head", "left_foot"):
        before = _angle_to(from_rest.rotations[:, J[name]], stance[J[name]]).mean()
        after = _angle_to(twisted.rotations[:, J[name]], stance[J[name]]).mean()
        assert after == pytest.approx(before, abs=2.0), name


def test_a_rig_map_names_its_twist_source(tmp_path: Path) -> None:
    path = tmp_path / "rig.yaml"
    path.write_text("joints: {Hips: pelvis}\ntwist: sideways\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="twist must be one of rest, clip"):
        load_rig_map(path)
    assert load_rig_map("bandai").twist == "clip" and load_rig_map("cmu").twist == "rest"


def test_our_bvh_round_trips_through_the_canonical_map() -> None:
    motion = random_motion(45, seed=7)
    bvh = parse_bvh(motion_to_bvh(motion))
    assert detect_rig(bvh.skeleton) == "canonical"
    result = retarget(bvh)
    assert result.rig == "canonical" and result.unmapped == ()
    assert result.motion.frames == motion.frames
    error = np.abs(result.motion.joint_positions() - motion.joint_positions()).max()
    assert error < 1e-4


def _cmu_text(arm_angle: float, frames: int = 3, frame_time: float = 1 / 120) -> str:
    """A CMU-named rig in an A-pose (arms hanging down in the rest pose), CMU units, with the
    CMU channel orders, an unmapped 'Tail' joint and finger joints."""
    unit = 1 / 0.056444
    o = REST_OFFSETS * unit

    def v(x: np.ndarray | list[float]) -> str:
        return " ".join(f"{float(c):.6f}" for c in x)

    rot = "CHANNELS 3 Zrotation Yrotation Xrotation"

    def arm(side: str, s: str) -> str:
        return f"""
      JOINT {side}Shoulder {{ OFFSET {v(o[J[f"{s}_collar"]])} {rot}
        JOINT {side}Arm {{ OFFSET {v(o[J[f"{s}_shoulder"]])} {rot}
          JOINT {side}ForeArm {{ OFFSET {v([0, -0.26 * unit, 0])} {rot}
            JOINT {side}Hand {{ OFFSET {v([0, -0.25 * unit, 0])} {rot}
              JOINT {side}FingerBase {{ OFFSET 0 -1 0 {rot} End Site {{ OFFSET 0 -1 0 }} }}
            }} }} }} }}"""

    def leg(side: str, s: str, short: str) -> str:
        return f"""
  JOINT {short}HipJoint {{ OFFSET 0 0 0 {rot}
    JOINT {side}UpLeg {{ OFFSET {v(o[J[f"{s}_hip"]])} {rot}
      JOINT {side}Leg {{ OFFSET {v(o[J[f"{s}_knee"]])} {rot}
        JOINT {side}Foot {{ OFFSET {v(o[J[f"{s}_ankle"]])} {rot}
          JOINT {side}ToeBase {{ OFFSET {v(o[J[f"{s}_foot"]])} {rot} End Site {{ OFFSET 0 0 1 }} }}
        }} }} }} }}"""

    hierarchy = f"""HIERARCHY
ROOT Hips
{{ OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation
  {leg("Left", "left", "L")}
  {leg("Right", "right", "R")}
  JOINT LowerBack {{ OFFSET 0 0 0 {rot}
    JOINT Spine {{ OFFSET {v(o[J["spine1"]] + o[J["spine2"]])} {rot}
      JOINT Spine1 {{ OFFSET {v(o[J["spine3"]])} {rot}
        JOINT Neck {{ OFFSET {v(o[J["neck"]])} {rot}
          JOINT Neck1 {{ OFFSET 0 1 0 {rot}
            JOINT Head {{ OFFSET {v(o[J["head"]] - [0, 1, 0])} {rot} End Site {{ OFFSET 0 2 0 }} }}
          }} }}
        {arm("Left", "left")}
        {arm("Right", "right")}
      }} }} }}
  JOINT Tail {{ OFFSET 0 0 -2 {rot} End Site {{ OFFSET 0 0 -1 }} }}
}}
MOTION
Frames: {frames}
Frame Time: {frame_time:.8f}
"""
    root = v(o[0])
    names = [line.split()[1] for line in hierarchy.splitlines() if "JOINT" in line]
    rows = []
    for _ in range(frames):
        angles = []
        for name in names:
            # ZYX channels: rotate the left upper arm about Z (its arm swings out to the side).
            angles.append(f"{arm_angle:.6f} 0 0" if name == "LeftArm" else "0 0 0")
        rows.append(f"{root} 0 0 0 " + " ".join(angles))
    return hierarchy + "\n".join(rows) + "\n"


def test_cmu_rig_is_detected_and_its_a_pose_rest_is_corrected() -> None:
    bvh = parse_bvh(_cmu_text(arm_angle=0.0), file="cmu.bvh")
    assert detect_rig(bvh.skeleton) == "cmu"
    result = retarget(bvh)
    assert result.rig == "cmu"
    assert result.unmapped == ("Tail",)
    assert result.motion.frames == 1  # 120 fps -> 30 fps over 2/120 s
    positions = result.motion.joint_positions()[0]
    _bone_lengths_are_canonical(result.motion.joint_positions())
    # The source rest has the arms hanging down; so must the canonical pose.
    for side in ("left", "right"):
        wrist, shoulder = positions[J[f"{side}_wrist"]], positions[J[f"{side}_shoulder"]]
        np.testing.assert_allclose(wrist - shoulder, [0.0, -0.51, 0.0], atol=1e-6)
    assert positions[J["head"], 1] > positions[J["neck"], 1] > positions[J["pelvis"], 1]


def test_cmu_arm_raised_sideways_lands_at_shoulder_height() -> None:
    # +90 degrees about Z swings the hanging left arm out to +X: a T-pose arm.
    motion = retarget(parse_bvh(_cmu_text(arm_angle=90.0, frames=5, frame_time=1 / 30))).motion
    assert motion.frames == 5
    positions = motion.joint_positions()[0]
    expected = Rotation.identity()  # the canonical rest pose is that T-pose
    np.testing.assert_allclose(Rotation.from_quat(motion.rotations[0, J["left_elbow"]]).magnitude(),
                               expected.magnitude(), atol=1e-9)  # fmt: skip
    offset = positions[J["left_wrist"]] - positions[J["left_shoulder"]]
    np.testing.assert_allclose(offset, [0.51, 0.0, 0.0], atol=1e-6)


def test_unknown_rig_names_the_file_and_the_maps() -> None:
    text = "HIERARCHY\nROOT Body\n{\nOFFSET 0 0 0\nCHANNELS 3 Zrotation Xrotation Yrotation\n"
    text += "}\nMOTION\nFrames: 1\nFrame Time: 0.033\n0 0 0\n"
    with pytest.raises(ScriptError) as caught:
        retarget(parse_bvh(text, file="odd.bvh"))
    assert caught.value.file == "odd.bvh"
    assert "unknown rig" in caught.value.message
    assert "bandai, canonical, cmu" in caught.value.message


def test_rig_maps_load_and_bad_maps_are_reported(tmp_path: Path) -> None:
    bandai = load_rig_map("bandai")
    assert bandai.scale == 0.01 and bandai.ground
    assert bandai.driving["Hand_R"] == "right_wrist" and bandai.joints["joint_Root"] is None
    assert len(load_rig_map("cmu").driving) == 22
    bad = tmp_path / "mine.yaml"
    bad.write_text("joints:\n  Pelvis: hips_of_doom\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="not a canonical joint") as caught:
        load_rig_map(bad)
    assert caught.value.file == str(bad)
    with pytest.raises(ScriptError, match="shipped maps are bandai, canonical, cmu"):
        load_rig_map(tmp_path / "absent.yaml")


def test_a_user_map_drives_a_renamed_rig(tmp_path: Path) -> None:
    motion = random_motion(10, seed=2)
    text = motion_to_bvh(motion).replace("left_wrist", "HandL")
    rig = tmp_path / "renamed.yaml"
    mapping = load_rig_map("canonical").joints | {"HandL": "left_wrist"}
    del mapping["left_wrist"]
    lines = ["name: renamed", "joints:"] + [f"  {k}: {v}" for k, v in mapping.items()]
    rig.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = retarget(parse_bvh(text), load_rig_map(rig))
    assert result.rig == "renamed"
    np.testing.assert_allclose(result.motion.joint_positions(), motion.joint_positions(), atol=1e-4)
