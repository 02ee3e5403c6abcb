"""A stream that follows another starts where that one ended (`PlanFrames(after=...)`)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.realize import Conversation, TurnInput
from motiondirector.streaming import PlanFrames
from motiondirector.streaming.frames import CARRY_SECONDS, CharacterFrames

CHANNELS = ("blendshapes", "head", "eyes", "joints", "root")
TURNS = (
    ("USER", "Hi, I need help with my order. It never arrived."),
    ("AVA", "I'm so sorry to hear that! Let me check what happened."),
    ("USER", "It was supposed to come on Monday."),
)


@pytest.fixture(scope="module")
def plans() -> list[MotionPlan]:
    talk = Conversation(characters=["USER", "AVA"])
    return [talk.take_turn(TurnInput(speaker, text)).plan for speaker, text in TURNS]


def whole(frames: PlanFrames) -> dict[str, CharacterFrames]:
    return dict(frames.batch(0, frames.frame_count).characters)


def jump(a: CharacterFrames, i: int, b: CharacterFrames, j: int) -> dict[str, float]:
    """The largest change of each channel from frame i of `a` to frame j of `b`."""
    return {c: float(np.abs(getattr(a, c)[i] - getattr(b, c)[j]).max()) for c in CHANNELS}


def test_each_turn_starts_on_the_last_frame_of_the_one_before(plans: list[MotionPlan]) -> None:
    before = PlanFrames(plans[0])
    ended = whole(before)
    for plan in plans[1:]:
        after = PlanFrames(plan, after=before)
        own, carried = whole(PlanFrames(plan)), whole(after)
        for name in ("USER", "AVA"):
            assert max(jump(ended[name], -1, carried[name], 0).values()) == 0.0
            # Without the carry the head turns by several degrees in one frame; with it the
            # first step is a step of its gaze shift.
            assert jump(ended[name], -1, own[name], 0)["head"] > 5.0
            assert jump(carried[name], 0, carried[name], 1)["head"] < 2.0
        before, ended = after, carried


def test_past_the_carry_the_frames_are_the_plan_s_own(plans: list[MotionPlan]) -> None:
    own = PlanFrames(plans[1])
    after = PlanFrames(plans[1], after=PlanFrames(plans[0]))
    past = int(np.searchsorted(own.times, max(CARRY_SECONDS.values())))
    count = own.frame_count - past
    mine, theirs = own.batch(past, count), after.batch(past, count)
    for name in ("USER", "AVA"):
        for channel in CHANNELS:
            got = getattr(theirs.characters[name], channel)
            assert np.array_equal(got, getattr(mine.characters[name], channel)), channel
    # Inside the carry, every channel is on its way from the last frame to the plan's own.
    first = after.batch(0, past).characters["AVA"]
    norms = np.linalg.norm(first.joints, axis=-1)
    assert np.allclose(norms, 1.0)
    assert ((first.blendshapes >= 0.0) & (first.blendshapes <= 1.0)).all()


def test_the_eyes_reach_the_new_line_of_sight_and_hold_it_while_the_head_comes_round(
    plans: list[MotionPlan],
) -> None:
    own = whole(PlanFrames(plans[1]))
    after = PlanFrames(plans[1], after=PlanFrames(plans[0]))
    carried = whole(after)
    saccade = after.times > CARRY_SECONDS["eyes"]
    turning = saccade & (after.times < CARRY_SECONDS["head"])
    for name in ("USER", "AVA"):
        mine, theirs = own[name], carried[name]
        sight_own = mine.eyes + mine.head[:, [0, 1, 0, 1]]
        sight = theirs.eyes + theirs.head[:, [0, 1, 0, 1]]
        # The head is still on its way, the eyes make up the difference: the same gaze.
        assert np.abs(theirs.head[turning] - mine.head[turning]).max() > 0.5
        assert np.allclose(sight[saccade], sight_own[saccade], atol=1e-9)
        assert np.abs(theirs.eyes[:, 1]).max() <= 45.0 and np.abs(theirs.eyes[:, 0]).max() <= 35.0


def test_the_end_state_is_the_last_frame_however_it_is_reached(plans: list[MotionPlan]) -> None:
    streamed = PlanFrames(plans[0])
    batches = list(streamed.batches(7))
    last = batches[-1].characters
    fresh = PlanFrames(plans[0]).end.state()  # no batch made: a stream of its own makes it
    for name in ("USER", "AVA"):
        for channel in CHANNELS:
            expected = getattr(last[name], channel)[-1:]
            assert np.array_equal(getattr(streamed.end.state()[name], channel), expected)
            assert np.array_equal(getattr(fresh[name], channel), expected)


def test_a_stream_keeps_only_the_end_of_the_one_before_until_it_starts(
    plans: list[MotionPlan],
) -> None:
    before = PlanFrames(plans[0])
    before.batch(0, before.frame_count)  # curves and motion made: the heavy part
    stream, end = weakref.ref(before), weakref.ref(before.end)
    after = PlanFrames(plans[1], after=before)
    del before
    gc.collect()
    assert stream() is None and end() is not None  # the stream goes, its end stays
    after.batch(0, 1)
    gc.collect()
    assert end() is None  # read once: a long conversation does not keep every turn alive


def test_a_stream_cut_off_is_followed_from_the_frame_it_was_cut_at(
    plans: list[MotionPlan],
) -> None:
    before = PlanFrames(plans[0])
    shown = whole(before)
    for seconds, index in ((1.0, 30), (1.01, 30), (99.0, before.frame_count - 1)):
        after = PlanFrames(plans[1], after=before.end.cut(seconds)).batch(0, 1).characters
        for name in ("USER", "AVA"):
            assert max(jump(shown[name], index, after[name], 0).values()) == 0.0, seconds
    for bad in (-0.5, float("nan"), float("inf")):
        with pytest.raises(MotionDirectorError, match="cut at a time >= 0 seconds"):
            before.end.cut(bad)


def test_a_new_character_starts_on_its_own_first_frame(plans: list[MotionPlan]) -> None:
    talk = Conversation(characters=["USER", "AVA"])
    talk.take_turn(TurnInput("USER", "Hello?"))
    joined = talk.take_turn(TurnInput("CARL", "I'm here too.")).plan
    own = PlanFrames(joined).batch(0, 3).characters
    carried = PlanFrames(joined, after=PlanFrames(plans[0])).batch(0, 3).characters
    for channel in CHANNELS:
        assert np.array_equal(getattr(own["CARL"], channel), getattr(carried["CARL"], channel))


def test_streams_of_other_frame_rates_do_not_follow_each_other(plans: list[MotionPlan]) -> None:
    with pytest.raises(MotionDirectorError, match="30 fps cannot follow one at 60 fps"):
        PlanFrames(plans[1], after=PlanFrames(plans[0], fps=60))
