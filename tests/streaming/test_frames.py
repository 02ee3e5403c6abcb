"""Frames from a real plan: channel layout, lazy batches, agreement with the ARKit export and
the realized body motion."""

from __future__ import annotations

import json

import numpy as np
import orjson
import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.export.arkit import arkit_curves
from motiondirector.export.head_eyes import HeadEyesCurves
from motiondirector.motion.skeleton import JOINTS
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize import Conversation, Realization, TurnInput, plan_text, realize_plan
from motiondirector.retrieval import ClipLibrary
from motiondirector.streaming import PlanFrames, channel_names

SCRIPT = (
    "ANA: No, no, no. I told you already, I am not going tonight!\n"
    "BEN: Why not? Everyone will be there.\n"
    "ANA: Thank you, but I am tired."
)


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text(SCRIPT, format="text")


@pytest.fixture(scope="module")
def body(plan: MotionPlan, builtin_clips: ClipLibrary) -> Realization:
    return realize_plan(plan, builtin_clips, tokens=False)


def test_channel_names_are_arkit_head_eyes_and_the_canonical_skeleton() -> None:
    names = channel_names()
    assert names["blendshapes"] == list(load_arkit_map().blendshapes)
    assert len(names["blendshapes"]) == 52
    assert names["head"] == ["pitch", "yaw", "roll"]
    assert names["eyes"] == ["leftPitch", "leftYaw", "rightPitch", "rightYaw"]
    assert names["joints"] == list(JOINTS) and len(JOINTS) == 22


def test_header_describes_the_stream(plan: MotionPlan, body: Realization) -> None:
    frames = PlanFrames(plan, fps=60, body=body)
    header = frames.header()
    assert header["fps"] == 60
    assert header["characters"] == ["ANA", "BEN"]
    assert header["frame_count"] == frames.frame_count == arkit_curves(plan, "ANA", 60)[0].size
    assert header["channels"] == channel_names()
    json.dumps(header)  # plain JSON


def test_size_counts_every_character_frame_without_making_any(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    calls: list[MotionPlan] = []

    def realize(p: MotionPlan) -> Realization:
        calls.append(p)
        return realize_plan(p, builtin_clips, tokens=False)

    frames = PlanFrames(plan, fps=60, body=realize)
    assert frames.size == frames.frame_count * 2 == 2 * arkit_curves(plan, "BEN", 60)[0].size
    assert PlanFrames(plan, fps=30).size < frames.size
    assert calls == []  # sizing a stream makes nothing


def test_batches_cover_every_frame_with_increasing_times(
    plan: MotionPlan, body: Realization
) -> None:
    frames = PlanFrames(plan, body=body)
    batches = list(frames.batches(15, first_size=3))
    assert len(batches[0]) == 3 and all(len(b) == 15 for b in batches[1:-1])
    indexes = np.concatenate([np.arange(b.first, b.first + len(b)) for b in batches])
    assert indexes.tolist() == list(range(frames.frame_count))
    times = np.concatenate([b.times for b in batches])
    assert np.all(np.diff(times) > 0) and times[0] == 0.0
    assert times[-1] >= plan.scene.duration


def test_blendshapes_are_the_arkit_export_frame_for_frame(
    plan: MotionPlan, body: Realization
) -> None:
    frames = PlanFrames(plan, body=body)
    _, expected = arkit_curves(plan, "BEN", 30)
    got = np.concatenate([b.characters["BEN"].blendshapes for b in frames.batches(16)])
    assert np.array_equal(got, expected)
    assert got.max() > 0.1  # the face moves


def test_head_and_eyes_in_windows_are_the_whole_scene_curves_with_their_sway(
    plan: MotionPlan, body: Realization
) -> None:
    frames = PlanFrames(plan, body=body)
    batches = list(frames.batches(7, first_size=2))
    times = np.concatenate([b.times for b in batches])
    for name in ("ANA", "BEN"):
        head = np.concatenate([b.characters[name].head for b in batches])
        eyes = np.concatenate([b.characters[name].eyes for b in batches])
        whole = HeadEyesCurves(plan, name).sample(times)
        assert np.array_equal(head, whole.head) and np.array_equal(eyes, whole.eyes)
        still = HeadEyesCurves(plan, name, idle=False).sample(times)
        assert np.abs(head - still.head).max() > 0.1, name  # the idle sway is streamed


def test_body_is_the_realized_motion_at_each_frame(plan: MotionPlan, body: Realization) -> None:
    frames = PlanFrames(plan, body=body)
    batch = frames.batch(30, 10)
    motion = body.motions["ANA"]
    expected = motion.rotations[30:40]
    assert np.allclose(batch.characters["ANA"].joints, expected, atol=1e-9)
    assert np.allclose(batch.characters["ANA"].root, motion.root_positions[30:40])
    norms = np.linalg.norm(batch.characters["BEN"].joints, axis=-1)
    assert np.allclose(norms, 1.0)
    assert body.timeline.characters  # the body came from a sequenced timeline


def test_nothing_is_realized_until_the_first_batch(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    calls: list[MotionPlan] = []

    def realize(p: MotionPlan) -> Realization:
        calls.append(p)
        return realize_plan(p, builtin_clips, tokens=False)

    frames = PlanFrames(plan, body=realize)
    frames.header()
    batches = frames.batches(10)
    assert calls == []
    next(batches)
    next(batches)
    assert calls == [plan]  # once, on the first batch


def test_a_batch_serializes_to_the_documented_json(plan: MotionPlan, body: Realization) -> None:
    batch = PlanFrames(plan, body=body).batch(0, 2)
    data = json.loads(json.dumps(batch.to_json()))
    assert data["first"] == 0 and data["count"] == 2
    frame = data["frames"][1]
    assert frame["i"] == 1 and frame["t"] == pytest.approx(1 / 30, abs=1e-6)
    ana = frame["characters"]["ANA"]
    assert len(ana["blendshapes"]) == 52 and len(ana["head"]) == 3 and len(ana["eyes"]) == 4
    assert len(ana["joints"]) == 22 and all(len(q) == 4 for q in ana["joints"])
    assert len(ana["root"]) == 3 and ana["root"][1] > 0.5  # the pelvis is above the floor


def test_head_moves_where_the_plan_has_head_events(plan: MotionPlan, body: Realization) -> None:
    shake = next(
        e for e in plan.character("ANA").events if e.channel == "head" and e.lexeme == "shake"
    )
    frames = PlanFrames(plan, body=body)
    first = int(shake.start * 30)
    stop = int(shake.end * 30) + 1
    yaw = frames.batch(first, stop - first).characters["ANA"].head[:, 1]
    assert yaw.max() - yaw.min() > 5.0


def test_bad_arguments_are_errors(plan: MotionPlan, body: Realization) -> None:
    with pytest.raises(MotionDirectorError, match="30 or 60"):
        PlanFrames(plan, fps=24, body=body)
    frames = PlanFrames(plan, body=body)
    with pytest.raises(MotionDirectorError, match="batch size"):
        next(frames.batches(0))
    with pytest.raises(MotionDirectorError, match="first >= 0"):
        frames.batch(-1, 3)


def test_arguments_that_read_as_defaults_or_slices_are_refused_by_name(
    plan: MotionPlan, body: Realization
) -> None:
    """fps=0 and first_size=0 were read as "the default"; a float index failed inside numpy;
    a zero count was reported as the first frame's number; a script string broke deep inside."""
    with pytest.raises(MotionDirectorError, match="got 0"):
        PlanFrames(plan, fps=0, body=body)
    with pytest.raises(MotionDirectorError, match="takes a MotionPlan, got str"):
        PlanFrames(SCRIPT)  # type: ignore[arg-type]
    frames = PlanFrames(plan, body=body)
    with pytest.raises(MotionDirectorError, match="first batch size must be an integer >= 1"):
        next(frames.batches(10, first_size=0))
    with pytest.raises(MotionDirectorError, match=r"first=5, count=0"):
        frames.batch(5, 0)
    with pytest.raises(MotionDirectorError, match=r"first=1\.5"):
        frames.batch(1.5, 3)  # type: ignore[arg-type]
    assert frames.batch(np.int64(2), 3).first == 2
    with pytest.raises(MotionDirectorError, match="library must be a ClipLibrary"):
        PlanFrames(plan, library="lib/bandai")  # type: ignore[arg-type]
    other = plan_text("ANA: Something else entirely.", format="text")
    with pytest.raises(MotionDirectorError, match="realization of another plan"):
        PlanFrames(other, body=body)  # last turn's body would play silently under this one


def test_the_last_batch_stops_at_the_last_frame(plan: MotionPlan, body: Realization) -> None:
    frames = PlanFrames(plan, body=body)
    last = frames.batch(frames.frame_count - 1, 5)
    assert len(last) == 1 and last.first == frames.frame_count - 1
    whole = next(iter(frames.batches(frames.frame_count + 10)))
    assert whole.times.size == frames.frame_count


@pytest.mark.parametrize("fps", [30, 60])
def test_incremental_frames_are_the_whole_scene_frames(
    plan: MotionPlan, body: Realization, builtin_clips: ClipLibrary, fps: int
) -> None:
    """Without a realization given, the body is decided as `realize_plan` decides it and
    assembled per window; every batch is byte for byte what the whole-scene body gives."""
    whole = PlanFrames(plan, fps=fps, body=body)
    incremental = PlanFrames(plan, fps=fps, library=builtin_clips)
    expected = [b.to_json_bytes() for b in whole.batches(15, first_size=3)]
    got = [b.to_json_bytes() for b in incremental.batches(15, first_size=3)]
    assert got == expected
    for name in plan.characters:
        batch = incremental.batch(0, 3).characters[name.name]
        assert np.array_equal(batch.joints, whole.batch(0, 3).characters[name.name].joints)


def test_json_bytes_are_the_documented_json(plan: MotionPlan, body: Realization) -> None:
    for batch in PlanFrames(plan, fps=60, body=body).batches(20, first_size=6):
        assert batch.to_json_bytes() == orjson.dumps(batch.to_json())


@pytest.mark.parametrize("end", [0.0, 0.01])
def test_a_turn_shorter_than_a_frame_streams_its_frames(
    builtin_clips: ClipLibrary, end: float
) -> None:
    """A TTS that times a word with no length gives a scene of one or two frames: the body
    stands idle in them, as everywhere the plan has no event."""
    talk = Conversation(characters=["ANA", "BEN"])
    turn = talk.take_turn(TurnInput(speaker="ANA", text="No!", words=[("No!", 0.0, end)]))
    frames = PlanFrames(turn.plan, library=builtin_clips)
    batches = list(frames.batches(64))
    assert sum(len(batch) for batch in batches) == frames.frame_count == (1 if end == 0 else 2)
    realized = realize_plan(turn.plan, builtin_clips, tokens=False)
    for track in realized.timeline.characters:
        assert [s.kind for s in track.segments] == ["procedural"]
        assert realized.motions[track.name].rotations.shape[0] == frames.frame_count
