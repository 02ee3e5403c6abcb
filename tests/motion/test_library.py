"""The built-in gesture library: coverage of the vocabulary, clip metadata, motion validity,
and physical checks by forward kinematics that each lexeme does what its name says."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motiondirector.errors import MotionDirectorError
from motiondirector.motion.bvh import read_bvh, write_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.library import (
    GestureLibraryError,
    LibraryClip,
    builtin_library,
    clips_for,
    get_clip,
    neutral_rotations,
)
from motiondirector.motion.library.synthesis import synthesize, variant_track
from motiondirector.motion.skeleton import CANONICAL_FPS, JOINT_INDEX, JOINTS, PARENTS
from motiondirector.plan.vocabulary import HANDLING_LEXEMES, load_vocabulary

J = JOINT_INDEX
LIBRARY = builtin_library()


def positions(clip_id: str) -> np.ndarray:
    return get_clip(clip_id).motion().joint_positions()


def global_rotation(motion: Motion, joint: str) -> Rotation:
    chain = []
    index = J[joint]
    while index >= 0:
        chain.append(index)
        index = PARENTS[index]
    result = Rotation.identity(motion.frames)
    for index in reversed(chain):
        result = result * Rotation.from_quat(motion.rotations[:, index])
    return result


def face_direction(clip_id: str) -> np.ndarray:
    """Where the face points over time (unit vectors; +Z is straight ahead)."""
    face: np.ndarray = global_rotation(get_clip(clip_id).motion(), "head").apply([0.0, 0.0, 1.0])
    return face


def frame(clip: LibraryClip, phase: str) -> int:
    return round(clip.phases[phase] * CANONICAL_FPS)


def sign_changes(values: np.ndarray, noise: float) -> int:
    signs = np.sign(values[np.abs(values) > noise])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def twin(joint: str) -> str:
    """The joint on the other side of the body (itself on the midline)."""
    for side, other in (("left_", "right_"), ("right_", "left_")):
        if joint.startswith(side):
            return other + joint.removeprefix(side)
    return joint


def angle_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation angle (degrees) between quaternions, row by row."""
    dots = np.abs(np.sum(a * b, axis=-1)).clip(0.0, 1.0)
    angles: np.ndarray = np.degrees(2 * np.arccos(dots))
    return angles


# --- catalog -------------------------------------------------------------------------------


def test_library_has_at_least_150_clips_with_unique_sorted_ids() -> None:
    ids = [clip.id for clip in LIBRARY]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert builtin_library() is LIBRARY  # cached, not rebuilt


@pytest.mark.parametrize("channel", ["gesture", "head", "posture"])
def test_every_vocabulary_lexeme_has_clips(channel: str) -> None:
    for lexeme in load_vocabulary().lexemes(channel):
        clips = clips_for(lexeme)
        assert clips, f"no clips for {channel} lexeme {lexeme}"
        assert {clip.channel for clip in clips} == {channel}
        assert {clip.style for clip in clips} >= {"neutral", "happy", "sad", "angry"}
        assert {clip.amplitude for clip in clips} == {"small", "normal", "large"}
        assert {clip.tempo for clip in clips} == {"slow", "normal", "fast"}


def test_ids_are_stable_and_spell_out_the_variant() -> None:
    for clip_id in (
        "wave.right.large.fast.happy",
        "wave.left.normal.normal.neutral",
        "point.left.small.normal.neutral",
        "clap.both.normal.slow.neutral",
        "nod.normal.normal.neutral",
        "sit.small.slow.sad",
        "bow.large.fast.angry",
    ):
        assert get_clip(clip_id).id == clip_id
    for clip in LIBRARY:
        parts = [clip.lexeme, clip.hand, clip.amplitude, clip.tempo, clip.style]
        assert clip.id == ".".join(part for part in parts if part)


def test_one_handed_gestures_come_in_both_hands_and_two_handed_in_both() -> None:
    assert {clip.hand for clip in clips_for("wave")} == {"left", "right"}
    assert {clip.hand for clip in clips_for("clap")} == {"both"}
    assert {clip.hand for clip in clips_for("nod")} == {None}
    assert {clip.hand for clip in clips_for("walk")} == {None}


def test_unknown_clip_raises_a_library_error() -> None:
    with pytest.raises(GestureLibraryError, match="no clip 'moonwalk"):
        get_clip("moonwalk.normal.normal.neutral")
    assert issubclass(GestureLibraryError, MotionDirectorError)
    assert clips_for("moonwalk") == ()


def test_descriptions_name_the_hand_the_lexeme_and_the_style() -> None:
    for clip in LIBRARY:
        assert 2 <= len(clip.descriptions) <= 4
        text = " ".join(clip.descriptions).lower()
        assert clip.lexeme.replace("_", " ") in text, clip.id
        if clip.hand in ("left", "right"):
            assert f"{clip.hand} hand" in clip.descriptions[0], clip.id
        elif clip.hand == "both":
            assert "both" in clip.descriptions[0], clip.id
        if clip.style != "neutral":
            assert clip.style in text and clip.emotion in text, clip.id
    happy_wave = get_clip("wave.right.large.fast.happy").descriptions
    assert happy_wave[0] == "waves with the right hand, large and quick, happily"


def test_tags_carry_every_variant_and_the_emotion() -> None:
    clip = get_clip("wave.left.small.slow.sad")
    assert clip.tags == ("wave", "gesture", "left", "small", "slow", "sad", "sadness")
    assert clip.emotion == "sadness"
    vocabulary = load_vocabulary()
    for clip in LIBRARY:
        assert clip.lexeme in clip.tags and clip.channel in clip.tags
        assert clip.emotion in vocabulary.emotions


def test_phases_are_ordered_and_end_at_the_duration() -> None:
    for clip in LIBRARY:
        times = [clip.phases[p] for p in ("start", "ready", "stroke", "relax", "end")]
        assert times == sorted(times), clip.id
        assert times[0] == 0.0 and times[-1] == pytest.approx(clip.duration), clip.id
        assert times[1] < times[3], clip.id


def test_tempo_changes_duration_and_cycles_keep_their_looping_time() -> None:
    slow, fast = (
        get_clip("point.right.normal.slow.neutral"),
        get_clip("point.right.normal.fast.neutral"),
    )
    assert slow.duration > get_clip("point.right.normal.normal.neutral").duration > fast.duration
    # A faster wave waves more often in about the same time rather than ending sooner.
    fast_wave = positions("wave.right.normal.fast.neutral")[:, J["right_wrist"], 0]
    normal_wave = positions("wave.right.normal.normal.neutral")[:, J["right_wrist"], 0]
    assert sign_changes(np.diff(fast_wave), 1e-4) > sign_changes(np.diff(normal_wave), 1e-4)


# --- motion validity -------------------------------------------------------------------------


def test_every_clip_synthesizes_a_valid_motion_that_starts_and_ends_at_neutral() -> None:
    for clip in LIBRARY:
        motion = clip.motion()
        assert motion.fps == CANONICAL_FPS
        assert motion.frames == round(clip.duration * CANONICAL_FPS) + 1, clip.id
        assert np.isfinite(motion.rotations).all() and np.isfinite(motion.root_positions).all()
        assert np.allclose(np.linalg.norm(motion.rotations, axis=-1), 1.0, atol=1e-9)
        neutral = neutral_rotations(clip.style)
        assert angle_between(motion.rotations[0], neutral).max() < 0.5, clip.id
        end_offset = angle_between(motion.rotations[-1], neutral).max()
        if clip.persistent:
            assert end_offset > 3.0, f"{clip.id} should end in its new posture"
        else:
            assert end_offset < 0.5, clip.id


def test_every_clip_starts_and_ends_at_rest() -> None:
    # A gesture leaves and returns to the rest pose at rest: a fist pump started with the
    # wrist at 8.6 m/s in its first frame (PCHIP's end slopes), a pop at every join.
    for clip in LIBRARY:
        joints = clip.motion().joint_positions()
        first = np.linalg.norm(joints[1] - joints[0], axis=-1).max() * CANONICAL_FPS
        last = np.linalg.norm(joints[-1] - joints[-2], axis=-1).max() * CANONICAL_FPS
        assert first < 3.0 and last < 3.0, (clip.id, first, last)


def test_motion_is_cached_read_only_and_deterministic() -> None:
    clip = get_clip("clap.both.large.fast.happy")
    first = clip.motion()
    assert clip.motion() is first
    assert not first.rotations.flags.writeable
    again = synthesize(variant_track("clap", False, "large", "fast"), "happy")
    assert np.array_equal(again.rotations, first.rotations)
    assert np.array_equal(again.root_positions, first.root_positions)


def test_neutral_pose_has_the_arms_down_by_the_sides() -> None:
    pose = Motion(neutral_rotations()[None], np.array([[0.0, 0.93, 0.0]])).joint_positions()[0]
    for side, sign in (("left", 1.0), ("right", -1.0)):
        shoulder, wrist = pose[J[f"{side}_shoulder"]], pose[J[f"{side}_wrist"]]
        assert shoulder[1] - wrist[1] > 0.45  # hanging, not the T-pose
        assert sign * wrist[0] > 0.15  # beside the body on its own side
        assert 0.0 < wrist[2] < 0.1  # a little in front of the body, not behind


# --- physical checks by forward kinematics ---------------------------------------------------


@pytest.mark.parametrize("hand", ["right", "left"])
def test_wave_raises_the_chosen_hand_and_swings_the_wrist_side_to_side(hand: str) -> None:
    clip = get_clip(f"wave.{hand}.normal.normal.neutral")
    pose = positions(clip.id)
    during = slice(frame(clip, "ready"), frame(clip, "relax") + 1)
    wrist, shoulder = pose[during, J[f"{hand}_wrist"]], pose[during, J[f"{hand}_shoulder"]]
    assert (wrist[:, 1] > shoulder[:, 1] + 0.15).all()
    assert sign_changes(np.diff(wrist[:, 0]), 1e-4) >= 4
    assert np.ptp(wrist[:, 0]) > 0.12
    other = "left" if hand == "right" else "right"
    assert pose[:, J[f"{other}_wrist"], 1].max() < pose[0, J[f"{other}_wrist"], 1] + 0.02


def test_point_extends_the_arm_forward_with_the_elbow_straight() -> None:
    clip = get_clip("point.right.normal.normal.neutral")
    pose = positions(clip.id)[frame(clip, "stroke")]
    shoulder, elbow, wrist = (pose[J[f"right_{j}"]] for j in ("shoulder", "elbow", "wrist"))
    assert wrist[2] - shoulder[2] > 0.45
    upper, fore = elbow - shoulder, wrist - elbow
    cosine = upper @ fore / np.linalg.norm(upper) / np.linalg.norm(fore)
    assert np.degrees(np.arccos(min(cosine, 1.0))) < 10.0
    assert abs(wrist[1] - shoulder[1]) < 0.15  # about shoulder height


def test_nod_pitches_the_head_down_then_back_up() -> None:
    clip = get_clip("nod.normal.normal.neutral")
    pitch = face_direction(clip.id)[:, 1]  # negative: the face points down
    down = int(np.argmax(pitch < -0.15))
    assert pitch[down] < -0.15
    assert pitch[down:].max() > -0.02  # comes back up
    assert sign_changes(np.diff(pitch), 1e-4) >= 3  # two nods
    assert abs(pitch[-1]) < 1e-3


def test_shake_yaws_the_head_both_ways_without_pitching() -> None:
    face = face_direction("shake.normal.normal.neutral")
    assert face[:, 0].max() > 0.25 and face[:, 0].min() < -0.25
    assert np.abs(face[:, 1]).max() < 0.05


def test_cross_arms_puts_each_wrist_by_the_other_elbow_in_front_of_the_chest() -> None:
    clip = get_clip("cross_arms.both.normal.normal.neutral")
    pose = positions(clip.id)[frame(clip, "stroke")]
    for side, other in (("left", "right"), ("right", "left")):
        wrist = pose[J[f"{side}_wrist"]]
        assert np.linalg.norm(wrist - pose[J[f"{other}_elbow"]]) < 0.15
        assert wrist[2] > pose[J["spine3"], 2] + 0.1
        assert 1.0 < wrist[1] < 1.35
        assert np.sign(wrist[0]) != np.sign(pose[J[f"{side}_shoulder"], 0])  # crossed over


def test_contact_gestures_keep_the_hand_on_the_body_at_every_amplitude() -> None:
    for amplitude in ("small", "normal", "large"):
        clip = get_clip(f"hands_on_hips.both.{amplitude}.normal.neutral")
        pose = positions(clip.id)[frame(clip, "stroke")]
        for side in ("left", "right"):
            assert np.linalg.norm(pose[J[f"{side}_wrist"]] - pose[J[f"{side}_hip"]]) < 0.25
        clip = get_clip(f"facepalm.right.{amplitude}.normal.neutral")
        pose = positions(clip.id)[frame(clip, "stroke")]
        assert np.linalg.norm(pose[J["right_wrist"]] - pose[J["head"]]) < 0.2


def test_every_handling_lexeme_has_a_clip_of_its_own_with_a_description() -> None:
    for lexeme in HANDLING_LEXEMES:
        clips = clips_for(lexeme)
        assert clips and {clip.channel for clip in clips} == {"gesture"}, lexeme
        plain = next(c for c in clips if c.amplitude == "normal" and c.style == "neutral")
        assert lexeme.replace("_", " ") in plain.descriptions[2]
        assert load_vocabulary().gestures[lexeme] in plain.descriptions[3]
    assert {c.hand for c in clips_for("read")} == {"both"}
    assert {c.hand for c in clips_for("take")} == {"right", "left"}


@pytest.mark.parametrize("lexeme", ["take", "give", "open"])
def test_reaching_lexemes_reach_forward_at_waist_to_chest_height(lexeme: str) -> None:
    clip = get_clip(f"{lexeme}.right.normal.normal.neutral")
    pose = positions(clip.id)
    reach = pose[frame(clip, "stroke")]
    wrist, shoulder = reach[J["right_wrist"]], reach[J["right_shoulder"]]
    assert wrist[2] - pose[0, J["right_wrist"], 2] > 0.3  # out in front of the body
    assert 0.95 < wrist[1] < shoulder[1]  # between the waist and the shoulder
    assert pose[:, J["left_wrist"], 2].max() < pose[0, J["left_wrist"], 2] + 0.02


def test_take_brings_the_hand_back_holding_and_put_down_lowers_it_in_front() -> None:
    take = get_clip("take.right.normal.normal.neutral")
    pose = positions(take.id)
    assert (
        pose[frame(take, "relax"), J["right_wrist"], 2]
        < pose[frame(take, "stroke"), J["right_wrist"], 2]
    )
    put = get_clip("put_down.right.normal.normal.neutral")
    pose = positions(put.id)
    ready, stroke = pose[frame(put, "ready")], pose[frame(put, "stroke")]
    assert stroke[J["right_wrist"], 1] < ready[J["right_wrist"], 1] - 0.2  # down to the table
    assert stroke[J["right_wrist"], 2] > pose[0, J["right_wrist"], 2] + 0.1  # in front
    assert face_direction(put.id)[frame(put, "stroke"), 1] < -0.1  # looking where it goes


def test_drink_brings_the_hand_to_the_mouth_and_tips_the_head_back() -> None:
    for amplitude in ("small", "normal", "large"):
        clip = get_clip(f"drink.right.{amplitude}.normal.neutral")
        pose = positions(clip.id)[frame(clip, "stroke")]
        assert np.linalg.norm(pose[J["right_wrist"]] - pose[J["head"]]) < 0.2
    clip = get_clip("drink.right.normal.normal.neutral")
    assert face_direction(clip.id)[frame(clip, "stroke"), 1] > 0.1  # the face tips up


def test_read_holds_both_hands_up_in_front_and_looks_down_at_them() -> None:
    clip = get_clip("read.both.normal.normal.neutral")
    pose = positions(clip.id)[frame(clip, "stroke")]
    for side in ("left", "right"):
        wrist = pose[J[f"{side}_wrist"]]
        assert wrist[2] > pose[J["spine3"], 2] + 0.2 and 1.15 < wrist[1] < 1.45
    assert face_direction(clip.id)[frame(clip, "stroke"), 1] < -0.15


def test_write_moves_the_hand_in_front_of_the_waist_with_the_head_down() -> None:
    clip = get_clip("write.right.normal.normal.neutral")
    pose = positions(clip.id)
    during = slice(frame(clip, "ready"), frame(clip, "relax") + 1)
    wrist = pose[during, J["right_wrist"]]
    assert (wrist[:, 2] > pose[0, J["right_wrist"], 2] + 0.15).all()
    assert (wrist[:, 1] < 1.15).all()
    assert sign_changes(np.diff(wrist[:, 0]), 1e-4) >= 2  # stroke after stroke
    assert (face_direction(clip.id)[during, 1] < -0.2).all()


@pytest.mark.parametrize("variant", ["small.slow.sad", "normal.normal.neutral", "large.fast.angry"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_raise_hand_holds_that_hand_high_above_the_head_at_every_amplitude(
    side: str, variant: str
) -> None:
    clip = get_clip(f"raise_hand.{side}.{variant}")
    pose = positions(clip.id)
    raised = slice(frame(clip, "stroke"), frame(clip, "stroke") + 15)  # held half a second
    wrist, head = pose[raised, J[f"{side}_wrist"]], pose[raised, J["head"]]
    assert (wrist[:, 1] > head[:, 1] + 0.25).all()  # above the head, held there
    shoulder = pose[raised, J[f"{side}_shoulder"]]
    assert (np.abs(wrist[:, 0] - shoulder[:, 0]) < 0.15).all()  # straight up, not out sideways
    other = "left" if side == "right" else "right"
    assert pose[:, J[f"{other}_wrist"], 1].max() < pose[0, J[f"{other}_wrist"], 1] + 0.05
    assert pose[-1, J[f"{side}_wrist"], 1] < pose[0, J[f"{side}_wrist"], 1] + 0.05  # comes down


def test_sit_lowers_the_pelvis_and_stays_seated() -> None:
    pose = positions("sit.normal.normal.neutral")
    assert pose[0, J["pelvis"], 1] == pytest.approx(0.93)
    assert pose[-1, J["pelvis"], 1] < 0.93 - 0.3
    knee, hip = pose[-1, J["left_knee"]], pose[-1, J["left_hip"]]
    assert abs(knee[1] - hip[1]) < 0.1 and knee[2] > hip[2] + 0.3  # thigh level, forward


@pytest.mark.parametrize("lexeme", ["sit", "kneel", "fall"])
@pytest.mark.parametrize(
    "variant", ["small.normal.neutral", "large.normal.neutral", "small.slow.sad"]
)
def test_a_posture_on_a_seat_or_the_floor_ends_as_low_at_every_amplitude(
    lexeme: str, variant: str
) -> None:
    # A small sit is still a sit: the seat, the knee or the floor holds the body, so only the
    # upper body's expression scales; a half-way squat read as standing in the preview.
    plain = positions(f"{lexeme}.normal.normal.neutral")[-1]
    pose = positions(f"{lexeme}.{variant}")[-1]
    for joint in ("pelvis", "left_knee", "right_knee", "left_foot", "right_foot"):
        assert pose[J[joint], 1] == pytest.approx(plain[J[joint], 1], abs=0.02), joint


def test_walk_moves_the_root_forward_and_alternates_the_feet() -> None:
    pose = positions("walk.normal.normal.neutral")
    root = pose[:, J["pelvis"]]
    assert root[-1, 2] - root[0, 2] > 3.0
    assert np.all(np.diff(root[:, 2]) > -1e-9)  # never steps back
    assert abs(root[-1, 0]) < 1e-6
    lead = pose[:, J["left_foot"], 2] - pose[:, J["right_foot"], 2]
    assert sign_changes(lead, 0.05) >= 4
    assert np.ptp(lead) > 0.4


def test_jump_leaves_the_ground_and_lands() -> None:
    pose = positions("jump.normal.normal.neutral")
    feet = pose[:, [J["left_foot"], J["right_foot"]], 1].min(axis=1)
    assert feet.max() > feet[0] + 0.2
    assert feet[-1] == pytest.approx(feet[0], abs=1e-6)


@pytest.mark.parametrize("variant", ["small.slow.sad", "normal.normal.neutral", "large.fast.angry"])
def test_lie_ends_flat_on_the_back_on_the_floor_at_every_amplitude(variant: str) -> None:
    clip = get_clip(f"lie.{variant}")
    assert clip.persistent
    pose = positions(clip.id)
    last = pose[-1]
    heights = last[:, 1]
    assert heights.max() < 0.35  # nothing left standing up
    # Joints lie inside the body: a back on the floor keeps them a hand's breadth above it.
    assert 0.0 < heights.min() < 0.1 and last[J["pelvis"], 1] < 0.15
    assert last[J["head"], 2] < last[J["pelvis"], 2] - 0.4  # lies back, head behind the seat
    assert last[J["left_foot"], 2] > last[J["pelvis"], 2] + 0.6  # legs out in front
    assert pose[:, :, 1].min() > 0.0  # never through the floor on the way down


def test_kick_swings_the_right_foot_up_in_front_on_the_standing_left_leg() -> None:
    clip = get_clip("kick.normal.normal.neutral")
    pose = positions(clip.id)
    stroke = pose[frame(clip, "stroke")]
    assert stroke[J["right_foot"], 1] > stroke[J["left_knee"], 1]  # foot above knee height
    assert stroke[J["right_foot"], 2] - stroke[J["pelvis"], 2] > 0.5  # out in front
    assert pose[:, J["left_foot"], 1].max() < 0.1  # the standing foot stays down
    np.testing.assert_allclose(pose[-1], pose[0], atol=0.05)  # back where it started


def test_punch_throws_the_fist_straight_out_at_shoulder_height() -> None:
    clip = get_clip("punch.right.normal.normal.neutral")
    pose = positions(clip.id)
    ready, stroke = pose[frame(clip, "ready")], pose[frame(clip, "stroke")]
    shoulder, wrist = stroke[J["right_shoulder"]], stroke[J["right_wrist"]]
    assert wrist[2] - shoulder[2] > 0.45 and abs(wrist[1] - shoulder[1]) < 0.15
    assert ready[J["right_wrist"], 2] - ready[J["right_shoulder"], 2] < 0.3  # cocked first
    guard = stroke[J["left_wrist"]]
    assert guard[1] > stroke[J["spine3"], 1]  # the other fist up in guard


def test_dance_sways_side_to_side_and_bounces_on_the_spot() -> None:
    pose = positions("dance.normal.normal.neutral")
    root = pose[:, J["pelvis"]]
    assert sign_changes(root[:, 0] - root[0, 0], 0.03) >= 6  # three steps each way
    assert np.ptp(root[:, 1]) > 0.04  # knees bounce
    assert np.abs(root[:, [0, 2]] - root[0, [0, 2]]).max() < 0.2  # stays on the spot
    wrists = pose[:, [J["left_wrist"], J["right_wrist"]], 1]
    assert np.ptp(wrists, axis=0).min() > 0.1  # both arms move


def test_breathe_lifts_the_shoulders_and_chest_then_lets_them_fall_below_rest() -> None:
    clip = get_clip("breathe.normal.normal.neutral")
    pose = positions(clip.id)
    pelvis = pose[:, J["pelvis"]]
    shoulders = pose[:, [J["left_shoulder"], J["right_shoulder"]], 1].mean(axis=1) - pelvis[:, 1]
    stroke, relax = frame(clip, "stroke"), frame(clip, "relax")
    assert 0.01 < shoulders[stroke] - shoulders[0] < 0.03  # a breath seen, not a shrug
    assert shoulders[relax] < shoulders[0]  # let out: they settle a little below rest
    chest = pose[:, J["spine3"], 2] - pelvis[:, 2]
    head = pose[:, J["head"], 2] - pelvis[:, 2]
    assert chest[stroke] - chest[0] < 0 and abs(head[stroke] - head[0]) < 0.04  # opens, upright
    assert np.abs(pelvis - pelvis[0]).max() < 1e-6  # the legs and hips do not move


def test_head_lexemes_move_the_head_and_not_the_hands() -> None:
    for lexeme in load_vocabulary().lexemes("head"):
        motion = get_clip(f"{lexeme}.normal.normal.neutral").motion()
        head = global_rotation(motion, "head")
        assert np.degrees((head * head[0].inv()).magnitude()).max() > 10.0, lexeme
        wrists = motion.joint_positions()[:, [J["left_wrist"], J["right_wrist"]]]
        assert np.ptp(wrists, axis=0).max() < 0.05, lexeme


@pytest.mark.parametrize("variant", ["normal.normal.neutral", "large.fast.angry"])
def test_left_hand_variants_mirror_the_right_hand(variant: str) -> None:
    one_handed = {clip.lexeme for clip in LIBRARY if clip.hand == "left"}
    assert len(one_handed) >= 15
    for lexeme in sorted(one_handed):
        right = positions(f"{lexeme}.right.{variant}")
        left = positions(f"{lexeme}.left.{variant}")
        mirrored = right[
            :,
            [
                J[
                    n.replace("left_", "R").replace("right_", "left_").replace("R", "right_", 1)
                    if n.startswith(("left_", "right_"))
                    else n
                ]
                for n in JOINTS
            ],
        ]
        mirrored = mirrored * np.array([-1.0, 1.0, 1.0])
        np.testing.assert_allclose(left, mirrored, atol=1e-9, err_msg=lexeme)


def test_amplitude_scales_how_far_the_hand_travels() -> None:
    reach = {}
    for amplitude in ("small", "normal", "large"):
        clip = get_clip(f"point.right.{amplitude}.normal.neutral")
        pose = positions(clip.id)
        reach[amplitude] = np.linalg.norm(
            pose[:, J["right_wrist"]] - pose[0, J["right_wrist"]], axis=1
        ).max()
    assert reach["small"] < reach["normal"] < reach["large"]


def test_sad_style_carries_the_head_lower_than_happy() -> None:
    for lexeme in [*load_vocabulary().lexemes("head"), "wave", "walk", "idle", "stand"]:
        hand = ".right" if lexeme == "wave" else ""
        sad = positions(f"{lexeme}{hand}.small.slow.sad")[:, J["head"], 1]
        happy = positions(f"{lexeme}{hand}.large.fast.happy")[:, J["head"], 1]
        assert sad[0] < happy[0] - 0.01, lexeme
        assert sad.mean() < happy.mean(), lexeme
    sad_face = face_direction("idle.small.slow.sad")[0, 1]
    happy_face = face_direction("idle.large.fast.happy")[0, 1]
    assert sad_face < -0.2 < 0.0 < happy_face


# --- export -----------------------------------------------------------------------------------


def test_every_clip_exports_to_bvh_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "clip.bvh"
    for clip in LIBRARY:
        motion = clip.motion()
        write_bvh(motion, path)
        back = read_bvh(path)
        assert sorted(back.skeleton.names) == sorted(JOINTS), clip.id
        assert back.frames == motion.frames and back.fps == pytest.approx(CANONICAL_FPS)
        _, joint_positions = back.forward_kinematics()
        order = [back.skeleton.index(name) for name in JOINTS]
        np.testing.assert_allclose(joint_positions[:, order], motion.joint_positions(),
                                   atol=1e-4, err_msg=clip.id)  # fmt: skip


def test_clip_ids_contain_only_safe_characters() -> None:
    for clip in LIBRARY:
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+){3,4}", clip.id), clip.id
