"""Body poses assembled per window: the first batch from the first segments only, every frame
as the whole scene's assembly gives it, the timeline as `realize_plan` decides it."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.motion.assemble import sample_motion
from motiondirector.motion.clip import Motion
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.realize import decide_timeline, plan_text, realize_plan
from motiondirector.retrieval import ClipLibrary
from motiondirector.streaming.body import WindowedBody

# Long enough that every character's timeline has segments well past the first window.
SCRIPT = (
    "ANA: No, no, no. I told you already, I am not going tonight!\n"
    "BEN: Why not? Everyone will be there, and they asked for you.\n"
    "ANA: Thank you, but I am tired. Look at me, I can barely stand.\n"
    "BEN: Fine. Have it your way then, I will tell them you said hello."
)


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text(SCRIPT, format="text")


def test_the_timeline_is_the_one_realize_plan_decides(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    decided = decide_timeline(plan, builtin_clips)
    realized = realize_plan(plan, builtin_clips, tokens=False)
    assert decided.timeline == realized.timeline
    whole = WindowedBody(decided).whole
    assert whole.timeline == realized.timeline and list(whole.motions) == list(realized.motions)
    for name, motion in realized.motions.items():
        assert np.array_equal(whole.motions[name].rotations, motion.rotations)
        assert np.array_equal(whole.motions[name].root_positions, motion.root_positions)


def test_the_first_window_assembles_only_the_first_segments(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    body = WindowedBody(decide_timeline(plan, builtin_clips))
    realized = realize_plan(plan, builtin_clips, tokens=False)
    first = np.arange(3) / 30
    for name in realized.motions:
        pose = body.sample(name, first)
        expected = realized.sample(name, first)
        assert np.array_equal(pose.rotations, expected.rotations)
        assert np.array_equal(pose.root, expected.root)
    assert body.assembled == ()  # no character's whole motion was needed yet
    end = round(plan.scene.duration * 30)
    later = np.arange(end - 15, end + 1) / 30  # past the first segments: the whole motion
    pose = body.sample("ANA", later)
    assert body.assembled == ("ANA",)
    assert np.array_equal(pose.rotations, realized.sample("ANA", later).rotations)


@pytest.mark.parametrize("fps", [30, 60])
def test_every_window_matches_the_whole_assembly(
    plan: MotionPlan, builtin_clips: ClipLibrary, fps: int
) -> None:
    realized = realize_plan(plan, builtin_clips, tokens=False)
    duration = plan.scene.duration
    for until in (0.05, 0.4, 1.0, duration / 2, duration):
        body = WindowedBody(decide_timeline(plan, builtin_clips))  # a fresh one per first window
        times = np.arange(0, int(until * fps) + 1) / fps
        for name in realized.motions:
            pose = body.sample(name, times)
            expected = realized.sample(name, times)
            assert np.array_equal(pose.rotations, expected.rotations), (name, until)
            assert np.array_equal(pose.root, expected.root), (name, until)


def test_a_character_without_a_track_stands_at_rest(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    body = WindowedBody(decide_timeline(plan, builtin_clips))
    times = np.arange(4) / 30
    pose = body.sample("NOBODY", times)
    rest, _ = sample_motion(Motion.rest(), times)
    assert np.array_equal(pose.rotations, rest)
    assert body.assembled == ()
    # The promised Realization.sample refuses a name the plan does not have.
    with pytest.raises(MotionDirectorError, match="no character 'NOBODY'"):
        realize_plan(plan, builtin_clips, tokens=False).sample("NOBODY", times)
