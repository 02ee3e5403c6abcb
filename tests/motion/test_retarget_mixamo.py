"""Retargeting a synthetic Mixamo rig: every spelling of its joint names, its centimetres, its
detection beside the CMU rig that shares most names, and the error for a layout no map fits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motiondirector.errors import ScriptError
from motiondirector.motion.bvh import parse_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.retargeting import detect_rig, load_rig_map, retarget
from motiondirector.motion.skeleton import JOINT_INDEX, PARENTS, REST_OFFSETS

J = JOINT_INDEX
_ROT = "CHANNELS 3 Zrotation Xrotation Yrotation"


def mixamo_bvh_text(
    prefix: str = "mixamorig:",
    *,
    left_arm_z: float = 0.0,
    frames: int = 4,
    unit: float = 1.0,
    stride_cm: float = 0.0,
) -> str:
    """A Mixamo-named BVH in its T-pose rest, in centimetres times `unit`, with Mixamo's channel
    order, fingers, head-top and toe-end leaves; the left upper arm turned `left_arm_z` degrees
    about Z in every frame (+90: from the T-pose straight up) and the hips moving `stride_cm`
    forward per frame."""
    joints: list[str] = []

    def v(*cm: float) -> str:
        return " ".join(f"{c * unit:.4f}" for c in cm)

    def joint(name: str, offset: str, children: str = "", end: str = "") -> str:
        joints.append(name)
        tail = f"End Site {{ OFFSET {end} }}" if end else ""
        return f"JOINT {prefix}{name}\n{{\nOFFSET {offset}\n{_ROT}\n{children}{tail}\n}}\n"

    def hand(side: str, sign: float) -> str:
        fingers = ""
        for finger, (y, z) in {"Thumb": (-2, 3), "Index": (0, 2), "Middle": (0, 0)}.items():
            chain = ""
            for number in (4, 3, 2):
                chain = joint(f"{side}Hand{finger}{number}", v(sign * 3, 0, 0), chain,
                              end=v(sign * 2, 0, 0) if number == 4 else "")  # fmt: skip
            fingers += joint(f"{side}Hand{finger}1", v(sign * 9, y, z), chain)
        return fingers

    def arm(side: str, sign: float) -> str:
        hand_joint = joint(f"{side}Hand", v(sign * 27, 0, 0), hand(side, sign))
        forearm = joint(f"{side}ForeArm", v(sign * 27, 0, 0), hand_joint)
        upper = joint(f"{side}Arm", v(sign * 12, 0, 0), forearm)
        return joint(f"{side}Shoulder", v(sign * 6, 9, -1), upper)

    def leg(side: str, sign: float) -> str:
        toe = joint(
            f"{side}ToeBase", v(0, -8, 12), joint(f"{side}Toe_End", v(0, 0, 8), end=v(0, 0, 1))
        )
        foot = joint(f"{side}Foot", v(0, -42, -2), toe)
        knee = joint(f"{side}Leg", v(0, -41, 0), foot)
        return joint(f"{side}UpLeg", v(sign * 9, -7, 0), knee)

    head = joint("Head", v(0, 10, 3), joint("HeadTop_End", v(0, 18, 2), end=v(0, 1, 0)))
    neck = joint("Neck", v(0, 15, -1), head)
    spine2 = joint("Spine2", v(0, 13, 0), neck + arm("Left", 1.0) + arm("Right", -1.0))
    spine1 = joint("Spine1", v(0, 12, 0), spine2)
    spine = joint("Spine", v(0, 10, -1), spine1)
    legs = leg("Left", 1.0) + leg("Right", -1.0)
    hierarchy = (
        f"HIERARCHY\nROOT {prefix}Hips\n{{\nOFFSET 0 0 0\n"
        "CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
        f"{spine}{legs}}}\nMOTION\nFrames: {frames}\nFrame Time: 0.0333333\n"
    )
    order = _hierarchy_order(hierarchy, prefix)
    rows = []
    for frame in range(frames):
        values = [v(0, 104, stride_cm * frame), "0 0 0"]
        for name in order[1:]:
            values.append(f"{left_arm_z:.4f} 0 0" if name == "LeftArm" else "0 0 0")
        rows.append(" ".join(values))
    return hierarchy + "\n".join(rows) + "\n"


def _hierarchy_order(hierarchy: str, prefix: str) -> list[str]:
    """Joint names in file order (the order of the motion columns), without the prefix."""
    return [
        line.split()[1].removeprefix(prefix)
        for line in hierarchy.splitlines()
        if line.startswith(("ROOT", "JOINT"))
    ]


def _bone_lengths_are_canonical(positions: np.ndarray) -> None:
    for joint, parent in enumerate(PARENTS[1:], start=1):
        lengths = np.linalg.norm(positions[:, joint] - positions[:, parent], axis=1)
        np.testing.assert_allclose(lengths, np.linalg.norm(REST_OFFSETS[joint]), atol=1e-9)


@pytest.mark.parametrize("prefix", ["mixamorig:", "", "mixamorig1:", "mixamorig_"])
def test_every_spelling_of_mixamo_names_is_detected_and_fully_mapped(prefix: str) -> None:
    bvh = parse_bvh(mixamo_bvh_text(prefix), file="mixamo.bvh")
    assert detect_rig(bvh.skeleton) == "mixamo"
    result = retarget(bvh)
    assert result.rig == "mixamo"
    assert result.unmapped == ()
    assert result.motion.fps == 30.0 and result.motion.frames == 4


def test_the_mixamo_t_pose_rest_is_the_canonical_t_pose() -> None:
    motion = retarget(parse_bvh(mixamo_bvh_text())).motion
    positions = motion.joint_positions()
    _bone_lengths_are_canonical(positions)
    first = positions[0]
    for side, sign in (("left", 1.0), ("right", -1.0)):
        arm = first[J[f"{side}_wrist"]] - first[J[f"{side}_shoulder"]]
        np.testing.assert_allclose(arm, [sign * 0.51, 0.0, 0.0], atol=1e-6)
        leg = first[J[f"{side}_ankle"]] - first[J[f"{side}_hip"]]
        assert leg[1] < -0.75 and abs(leg[0]) < 0.02
        assert first[J[f"{side}_foot"], 2] > first[J[f"{side}_ankle"], 2]  # toes to the front
    assert first[J["head"], 1] > first[J["neck"], 1] > first[J["pelvis"], 1]
    # ground: true puts the lowest joint where the canonical rest pose has it
    rest = Motion.rest().joint_positions()[0]
    assert positions[..., 1].min() == pytest.approx(rest[:, 1].min(), abs=1e-6)


def test_a_raised_mixamo_arm_stays_a_raised_arm() -> None:
    # +90 degrees about Z turns the left arm from the T-pose (+X) straight up (+Y).
    motion = retarget(parse_bvh(mixamo_bvh_text(left_arm_z=90.0))).motion
    positions = motion.joint_positions()[0]
    arm = positions[J["left_wrist"]] - positions[J["left_shoulder"]]
    np.testing.assert_allclose(arm, [0.0, 0.51, 0.0], atol=1e-6)
    assert positions[J["left_wrist"], 1] > positions[J["head"], 1]
    # the other arm is untouched: still straight out to the side
    right = positions[J["right_wrist"]] - positions[J["right_shoulder"]]
    np.testing.assert_allclose(right, [-0.51, 0.0, 0.0], atol=1e-6)


def test_metres_and_centimetres_give_the_same_motion() -> None:
    centimetres = retarget(parse_bvh(mixamo_bvh_text(left_arm_z=40.0, stride_cm=3.0))).motion
    metres = retarget(parse_bvh(mixamo_bvh_text(left_arm_z=40.0, stride_cm=3.0, unit=0.01))).motion
    np.testing.assert_allclose(metres.rotations, centimetres.rotations, atol=1e-9)
    np.testing.assert_allclose(metres.root_positions, centimetres.root_positions, atol=1e-4)
    # the hips walk forward; the stride is scaled to the canonical legs, not lost
    travelled = centimetres.root_positions[-1, 2] - centimetres.root_positions[0, 2]
    assert 0.05 < travelled < 0.12


def test_mixamo_and_cmu_files_each_find_their_own_map() -> None:
    from tests.motion.test_retarget import _cmu_text

    assert detect_rig(parse_bvh(_cmu_text(arm_angle=0.0)).skeleton) == "cmu"
    assert detect_rig(parse_bvh(mixamo_bvh_text("")).skeleton) == "mixamo"


def test_the_mixamo_map_loads_by_name() -> None:
    rig = load_rig_map("mixamo")
    assert rig.scale == 0.01 and rig.ground
    assert len(rig.driving) == 22
    assert rig.key("mixamorig:LeftHand") == rig.key("LeftHand") == "LeftHand"
    assert rig.key("mixamorig12:Hips") == "Hips"


def test_a_layout_no_map_fits_names_the_rig_option() -> None:
    text = mixamo_bvh_text("").replace("Hips", "Root").replace("Spine", "Torso")
    text = text.replace("Left", "L_").replace("Right", "R_")
    bvh = parse_bvh(text, file="odd.bvh")
    assert detect_rig(bvh.skeleton) is None
    with pytest.raises(ScriptError) as caught:
        retarget(bvh)
    assert caught.value.file == "odd.bvh"
    assert "--rig NAME|PATH" in caught.value.message
    assert "mixamo" in caught.value.message


def test_a_bad_prefix_in_a_user_map_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("prefix: 'rig(['\njoints:\n  Hips: pelvis\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="not a regular expression"):
        load_rig_map(bad)
