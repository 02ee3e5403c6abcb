"""Assembling a timeline into body motion: placement, time-warp, blends, fill, BVH."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.motion.assemble import (
    AssemblyError,
    assemble_character,
    assemble_timeline,
    sample_motion,
    slerp,
)
from motiondirector.motion.bvh import motion_to_bvh, parse_bvh
from motiondirector.motion.library import LibraryClip, builtin_library, get_clip
from motiondirector.motion.retargeting import load_rig_map, retarget
from motiondirector.plan.timeline import CharacterTimeline, Provenance, Segment, Timeline
from motiondirector.plan.vocabulary import HEAD_LEXEMES

WAVE = "wave.right.normal.normal.neutral"
SIT = "sit.normal.normal.neutral"
IDLE = "idle.normal.normal.neutral"
LEAN_FORWARD = "lean_forward.normal.normal.neutral"
LEAN_BACK = "lean_back.normal.normal.neutral"


def _clip(clip_id: str, target_in: float, target_out: float, *, blend: float = 0.2,
          source_out: float | None = None, lexeme: str | None = None,
          kind: str = "clip") -> Segment:  # fmt: skip
    clip = get_clip(clip_id)
    return Segment(
        kind=kind,
        clip_id=f"builtin/{clip_id}",
        source=f"builtin:{clip_id}",
        source_in=0.0,
        source_out=clip.duration if source_out is None else source_out,
        target_in=target_in,
        target_out=target_out,
        blend_in=blend,
        lexeme=lexeme or clip.lexeme,
        provenance=Provenance(reason="test"),
    )


def _timeline(*segments: Segment, duration: float) -> Timeline:
    track = CharacterTimeline(name="ANA", segments=segments)
    return Timeline(duration=duration, characters=(track,))


@pytest.fixture(scope="module")
def scene() -> Timeline:
    wave = get_clip(WAVE)
    return _timeline(
        _clip(IDLE, 0.0, 1.0, blend=0.0, kind="procedural", lexeme="idle"),
        # Played slower than recorded: 1.5x its length.
        _clip(WAVE, 1.0, 1.0 + 1.5 * wave.duration),
        _clip(IDLE, 1.0 + 1.5 * wave.duration, 6.05, kind="procedural", lexeme="idle"),
        duration=6.05,
    )


def test_frame_count_and_finite(scene: Timeline) -> None:
    from motiondirector.export.arkit import frame_times

    motion = assemble_timeline(scene)["ANA"]
    assert motion.frames == len(frame_times(6.05, 30)) == 183
    # As many frames as the face exports, the last at or after the end: 6.01 s is 180.3
    # frames, so 182 (the last at 6.033 s), not the 181 of rounding.
    track = scene.characters[0]
    last = track.segments[-1].model_copy(update={"target_out": 6.01})
    shorter = track.model_copy(update={"segments": (*track.segments[:-1], last)})
    assert assemble_character(shorter, 6.01).frames == len(frame_times(6.01, 30)) == 182
    assert motion.fps == 30
    assert np.isfinite(motion.rotations).all() and np.isfinite(motion.root_positions).all()
    assert np.allclose(np.linalg.norm(motion.rotations, axis=-1), 1.0)


def test_a_segment_plays_its_source_time_warped_into_place(scene: Timeline) -> None:
    motion = assemble_timeline(scene)["ANA"]
    segment = scene.characters[0].segments[1]
    middle = (segment.target_in + segment.target_out) / 2
    frame = round(middle * 30)
    rate = (segment.source_out - segment.source_in) / (segment.target_out - segment.target_in)
    source_time = segment.source_in + (frame / 30 - segment.target_in) * rate
    expected, _ = sample_motion(get_clip(WAVE).motion(), np.array([source_time]))
    got = motion.rotations[frame, 1:]
    # Same rotation up to sign: |dot| close to 1 for every non-root joint.
    assert np.abs((got * expected[0, 1:]).sum(-1)).min() > 0.9999
    # The wave raises the right wrist well above where the idle keeps it.
    wrist = motion.joint_positions()[:, 21, 1]
    assert wrist[frame - 5 : frame + 5].max() > wrist[:20].max() + 0.3


def test_a_blend_spreads_a_pose_change_over_its_frames() -> None:
    # Sitting, then standing idle: a hard cut makes the pelvis jump up in one frame.
    sit = get_clip(SIT)
    boundary = round(sit.duration * 30)

    def pelvis_steps(blend: float) -> np.ndarray:
        timeline = _timeline(
            _clip(SIT, 0.0, sit.duration, blend=0.0),
            _clip(IDLE, sit.duration, 4.0, blend=blend, lexeme="idle"),
            duration=4.0,
        )
        root = assemble_timeline(timeline)["ANA"].root_positions
        steps: np.ndarray = np.linalg.norm(
            np.diff(root[boundary - 2 : boundary + 8], axis=0), axis=-1
        )
        return steps

    cut, blended = pelvis_steps(0.0), pelvis_steps(0.2)
    assert cut.max() > 0.05
    assert blended.max() < cut.max() / 3


def test_a_held_posture_keeps_the_pose_and_breathes() -> None:
    sit = get_clip(SIT)
    timeline = _timeline(
        _clip(SIT, 0.0, sit.duration, blend=0.0),
        _clip(IDLE, sit.duration, 6.0, kind="procedural", lexeme="sit"),
        duration=6.0,
    )
    motion = assemble_timeline(timeline)["ANA"]
    sat = sit.motion().root_positions[-1, 1]
    held = motion.root_positions[round(sit.duration * 30) + 10 :, 1]
    assert np.abs(held - sat).max() < 0.03
    assert np.ptp(motion.rotations[-100:, 9], axis=0).max() > 1e-4  # spine3 still moves


def test_a_procedural_stand_in_plays_as_the_clip_it_is() -> None:
    """Where no library clip is good enough, the built-in clip plays as a procedural stand-in:
    it used to loop and be held like fill, so a sit ended on its first, standing frame (the
    pelvis rose 0.2 m in one frame) and the hold after it kept the character standing."""
    sit = get_clip(SIT)
    timeline = _timeline(
        _clip(IDLE, 0.0, 1.0, blend=0.0, kind="procedural", lexeme="idle"),
        _clip(SIT, 1.0, 1.0 + sit.duration, kind="procedural"),
        _clip(IDLE, 1.0 + sit.duration, 6.0, kind="procedural", lexeme="sit"),
        duration=6.0,
    )
    motion = assemble_timeline(timeline)["ANA"]
    sat = sit.motion().root_positions[-1, 1]
    held = motion.root_positions[round((1.0 + sit.duration) * 30) :, 1]
    assert np.abs(held - sat).max() < 0.03
    pelvis_speed = np.abs(np.diff(motion.root_positions[:, 1])) * 30
    assert pelvis_speed.max() < 2.4  # people's fastest pelvis (motion/speed.py)


def test_rising_from_a_seat_into_a_walk_is_no_faster_than_the_walk() -> None:
    """The blend mixes ground velocities: mixing positions made the held seat catch up with
    the walk that set off from it, at 1.9 m/s where the walk moves at 1.6."""
    sit, walk = get_clip(SIT), get_clip("walk.normal.normal.neutral")
    start = sit.duration + 1.0
    timeline = _timeline(
        _clip(SIT, 0.0, sit.duration, blend=0.0),
        _clip(IDLE, sit.duration, start, kind="procedural", lexeme="sit"),
        _clip("walk.normal.normal.neutral", start, start + walk.duration, blend=1.0),
        duration=start + walk.duration,
    )
    motion = assemble_timeline(timeline)["ANA"]
    ground = np.linalg.norm(np.diff(motion.root_positions[:, [0, 2]], axis=0), axis=-1) * 30
    own = np.linalg.norm(np.diff(walk.motion().root_positions[:, [0, 2]], axis=0), axis=-1) * 30
    assert ground.max() <= own.max() + 1e-6
    # The walk still covers its ground: it set off from the seat.
    travelled = motion.root_positions[-1, [0, 2]] - motion.root_positions[0, [0, 2]]
    recorded = walk.motion().root_positions[-1, [0, 2]] - walk.motion().root_positions[0, [0, 2]]
    assert np.linalg.norm(travelled) > 0.8 * np.linalg.norm(recorded)


def _seated(*middle: Segment, end: float) -> Timeline:
    """Sit, hold the seat, play `middle` and hold the seat again until `end`."""
    sit = get_clip(SIT)
    first = middle[0].target_in
    return _timeline(
        _clip(SIT, 0.0, sit.duration, blend=0.0),
        _clip(IDLE, sit.duration, first, kind="procedural", lexeme="sit", source_out=1.0),
        *middle,
        _clip(IDLE, middle[-1].target_out, end, kind="procedural", lexeme="sit", source_out=1.0),
        duration=end,
    )


def test_a_gesture_while_seated_is_played_seated() -> None:
    sit, wave = get_clip(SIT), get_clip(WAVE)
    start = sit.duration + 1.0
    stop = start + wave.duration
    motion = assemble_timeline(_seated(_clip(WAVE, start, stop), end=stop + 2.0))["ANA"]
    sat = sit.motion().root_positions[-1, 1]
    pelvis = motion.root_positions[:, 1]
    # Seated throughout: the wave used to stand the character up, and the hold after it kept
    # the standing pose for the rest of the sitting.
    after_sitting = round(sit.duration * 30)
    assert np.abs(pelvis[after_sitting:] - sat).max() < 0.03
    knees = motion.rotations[:, 4]
    assert np.abs(np.abs((knees[after_sitting:] * knees[after_sitting]).sum(-1)) - 1).max() < 1e-3
    wrist = motion.joint_positions()[:, 21, 1]
    before, during = round((start - 0.3) * 30), round((start + stop) / 2 * 30)
    assert wrist[during - 5 : during + 5].max() > wrist[before] + 0.3  # the hand is raised
    # ...and back where the seated pose keeps it once the hold after the wave has blended in.
    assert abs(wrist[round((stop + 1.0) * 30)] - wrist[before]) < 0.05


def test_a_lean_from_a_seat_leans_in_the_seat() -> None:
    sit = get_clip(SIT)
    lean_forward, lean_back = get_clip(LEAN_FORWARD), get_clip(LEAN_BACK)
    start = sit.duration + 1.0
    leaned = start + lean_forward.duration
    back = leaned + 1.0
    end = back + lean_back.duration + 1.0
    timeline = _timeline(
        _clip(SIT, 0.0, sit.duration, blend=0.0),
        _clip(IDLE, sit.duration, start, kind="procedural", lexeme="sit", source_out=1.0),
        _clip(LEAN_FORWARD, start, leaned),
        _clip(IDLE, leaned, back, kind="procedural", lexeme="lean_forward", source_out=1.0),
        _clip(LEAN_BACK, back, back + lean_back.duration),
        _clip(IDLE, back + lean_back.duration, end, kind="procedural", lexeme="lean_back",
              source_out=1.0),
        duration=end,
    )  # fmt: skip
    motion = assemble_timeline(timeline)["ANA"]
    sat = sit.motion().root_positions[-1, 1]
    # Seated throughout: a lean used to stand the character up into a standing lean.
    after_sitting = round(sit.duration * 30)
    assert np.abs(motion.root_positions[after_sitting:, 1] - sat).max() < 0.03
    head = motion.joint_positions()[:, 15]
    ahead = head[:, 2] - motion.root_positions[:, 2]
    before, forward = round((start - 0.3) * 30), round((leaned + 0.5) * 30)
    assert ahead[forward] > ahead[before] + 0.05  # the chest and head come forward...
    assert ahead[round((end - 0.3) * 30)] < ahead[forward] - 0.05  # ...and go back


def test_a_head_movement_while_seated_keeps_the_seated_arms() -> None:
    sit = get_clip(SIT)
    nod = next(clip for clip in _head_clips() if clip.lexeme == "nod")
    start = sit.duration + 1.0
    stop = start + nod.duration
    motion = assemble_timeline(_seated(_clip(nod.id, start, stop), end=stop + 1.0))["ANA"]
    before, during = round((start - 0.3) * 30), round((start + stop) / 2 * 30)
    arms = [16, 17, 18, 19, 20, 21]
    same = np.abs((motion.rotations[during, arms] * motion.rotations[before, arms]).sum(-1))
    assert same.min() > 0.9999
    head = motion.rotations[before : round(stop * 30), 15]
    assert np.abs((head * head[0]).sum(-1)).min() < 0.999  # the head does nod


def _head_clips() -> list[LibraryClip]:
    return [clip for clip in builtin_library() if clip.lexeme in HEAD_LEXEMES]


def test_assembled_motion_writes_bvh_that_reads_back(scene: Timeline) -> None:
    motion = assemble_timeline(scene)["ANA"]
    back = retarget(parse_bvh(motion_to_bvh(motion)), load_rig_map("canonical")).motion
    assert back.frames == motion.frames
    assert np.allclose(back.joint_positions(), motion.joint_positions(), atol=1e-3)


def test_slerp_ends_and_middle() -> None:
    a = np.array([0.0, 0.0, 0.0, 1.0])
    b = np.array([0.0, np.sin(np.pi / 4), 0.0, np.cos(np.pi / 4)])  # 90 degrees about Y
    out = slerp(np.stack([a, a, a]), np.stack([b, b, b]), np.array([0.0, 0.5, 1.0]))
    assert np.allclose(out[0], a) and np.allclose(out[2], b)
    assert np.allclose(out[1], [0.0, np.sin(np.pi / 8), 0.0, np.cos(np.pi / 8)])


def test_missing_sources_and_gaps_are_clear_errors() -> None:
    bad = _clip(WAVE, 0.0, 1.0).model_copy(update={"source": "nowhere/clip.bvh"})
    with pytest.raises(AssemblyError, match=r"nowhere/clip\.bvh"):
        assemble_timeline(_timeline(bad, duration=1.0))
    track = CharacterTimeline(name="ANA", segments=(_clip(WAVE, 0.0, 1.0),))
    with pytest.raises(AssemblyError, match="empty"):
        assemble_character(track, 2.0)
