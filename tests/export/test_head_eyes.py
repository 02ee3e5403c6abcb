"""Head and eye rotations from hand-built head and gaze events."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.export.head_eyes import (
    AVERSION_HEAD_SHARE,
    EYE_PITCH_LIMIT,
    EYE_SETTLE_S,
    EYE_YAW_LIMIT,
    GAZE_DIRECTIONS,
    HEAD_PEAK_DEGREES,
    HEAD_SETTLE_S,
    HEAD_SHARE,
    IDLE_HEAD_VELOCITY,
    NEIGHBOUR_YAW,
    HeadEyesCurves,
    character_yaw,
)
from motiondirector.plan.motion_plan import (
    CharacterTrack,
    EmotionLabel,
    GazeEvent,
    HeadEvent,
    MotionPlan,
    PlanUtterance,
    SceneInfo,
    Source,
    SyncPoints,
)
from motiondirector.plan.scene import Word

SOURCE = Source(planner="test", rule="test.hand", reason="hand-built")


def plan_with(*tracks: CharacterTrack, duration: float = 6.0) -> MotionPlan:
    scene = SceneInfo(title=None, source=None, duration=duration, planner="test", seed=0)
    return MotionPlan(scene=scene, beats=(), utterances=(), characters=tracks)


def head(
    lexeme: str, sync: tuple[float, float, float, float, float], **fields: object
) -> HeadEvent:
    start, ready, stroke, relax, end = sync
    return HeadEvent.model_validate(
        {
            "id": f"h-{lexeme}",
            "start": start,
            "end": end,
            "source": SOURCE,
            "description": lexeme,
            "lexeme": lexeme,
            "sync": SyncPoints(start=start, ready=ready, stroke=stroke, relax=relax, end=end),
            **fields,
        }
    )


def gaze(target: str, start: float, end: float) -> GazeEvent:
    return GazeEvent(
        id=f"g-{target}-{start}",
        start=start,
        end=end,
        source=SOURCE,
        description=f"looks {target}",
        target=target,
    )


def test_a_nod_peaks_down_on_its_stroke_and_ends_at_rest() -> None:
    nod = head("nod", (1.0, 1.1, 1.2, 1.8, 2.0), repetitions=2, amplitude=1.0)
    curves = HeadEyesCurves(plan_with(CharacterTrack(name="ANA", events=(nod,))), "ANA", idle=False)
    times = np.array([0.5, 1.2, 1.5, 2.0, 3.0])
    pitch = curves.sample(times).head[:, 0]
    assert pitch[1] == pytest.approx(HEAD_PEAK_DEGREES["nod"])  # the stroke: full nod down
    assert pitch[2] == pytest.approx(HEAD_PEAK_DEGREES["nod"], abs=0.5)  # second nod at +T
    assert pitch[0] == 0.0 and pitch[3] == pytest.approx(0.0) and pitch[4] == 0.0
    assert np.all(curves.sample(np.linspace(1.0, 2.0, 50)).head[:, 0] >= 0.0)  # only down


def test_a_shake_turns_both_ways_and_a_tilt_rolls() -> None:
    shake = head("shake", (0.0, 0.1, 0.2, 1.0, 1.2), repetitions=2, amplitude=0.5)
    tilt = head("tilt", (2.0, 2.2, 2.3, 3.0, 3.2), amplitude=1.0)
    curves = HeadEyesCurves(
        plan_with(CharacterTrack(name="ANA", events=(shake, tilt))), "ANA", idle=False
    )
    during = curves.sample(np.linspace(0.2, 1.0, 80)).head
    assert during[:, 1].max() > 5.0 and during[:, 1].min() < -5.0
    assert np.all(during[:, 2] == 0.0)
    held = curves.sample(np.array([2.5])).head[0]
    assert held[2] == pytest.approx(HEAD_PEAK_DEGREES["tilt"]) and held[1] == 0.0


def test_a_turn_away_the_scene_s_end_cuts_is_held_on_the_last_frame() -> None:
    # "Leave me alone." turns away to the end of a turn: relax and end clamped to the end.
    away = head("turn_away", (2.1, 2.4, 2.6, 3.6, 3.6), amplitude=0.6)
    track = CharacterTrack(name="ANA", events=(away,))
    curves = HeadEyesCurves(plan_with(track, duration=3.6), "ANA", idle=False)
    yaw = curves.sample(np.array([3.0, 3.6 - 1 / 30, 3.6])).head[:, 1]
    assert yaw[2] == pytest.approx(yaw[1]) == pytest.approx(yaw[0])
    assert yaw[2] == pytest.approx(0.6 * HEAD_PEAK_DEGREES["turn_away"])
    # A turn that ends between two frames: its last frame, just past the end, shows the end.
    cut = head("turn_away", (2.1, 2.4, 2.6, 3.605, 3.605), amplitude=0.6)
    track = CharacterTrack(name="ANA", events=(cut,))
    curves = HeadEyesCurves(plan_with(track, duration=3.605), "ANA", idle=False)
    past = curves.sample(np.array([3.605, 3.6 + 1 / 30])).head[:, 1]
    assert past[1] == past[0] == pytest.approx(0.6 * HEAD_PEAK_DEGREES["turn_away"])


def test_a_glance_down_is_mostly_the_eyes_after_settling() -> None:
    track = CharacterTrack(name="ANA", events=(gaze("down", 1.0, 4.0),))
    curves = HeadEyesCurves(plan_with(track), "ANA", idle=False)
    settled = curves.sample(np.array([0.5, 1.0 + HEAD_SETTLE_S + 0.01, 5.0]))
    down = GAZE_DIRECTIONS["down"][1]
    assert settled.head[0].tolist() == [0.0, 0.0, 0.0]
    assert settled.head[1, 0] == pytest.approx(down * AVERSION_HEAD_SHARE)
    assert AVERSION_HEAD_SHARE < 0.5 < 1.0 - AVERSION_HEAD_SHARE
    # The line of sight (head + eyes) is on the target; both eyes agree.
    assert settled.head[1, 0] + settled.eyes[1, 0] == pytest.approx(down)
    assert settled.eyes[1, 0] == settled.eyes[1, 2]
    assert settled.head[2].tolist() == [0.0, 0.0, 0.0]


def test_eyes_lead_the_head_into_a_gaze_shift() -> None:
    track = CharacterTrack(name="ANA", events=(gaze("up", 1.0, 3.0),))
    curves = HeadEyesCurves(plan_with(track), "ANA", idle=False)
    early = curves.sample(np.array([1.0 + EYE_SETTLE_S]))
    up = GAZE_DIRECTIONS["up"][1]
    assert early.head[0, 0] + early.eyes[0, 0] == pytest.approx(up)  # eyes are there
    assert abs(early.head[0, 0]) < abs(up * AVERSION_HEAD_SHARE)  # the head is still turning


def test_the_eyes_stay_within_the_range_a_person_can_turn_them() -> None:
    # A glance from one end of a row to the other: the eyes arrive in 0.12 s, the head in
    # 0.35 s, so the eyes sat 60 degrees into the corner (68.6 in a shared screenplay; the
    # talking heads `analyze` reads turn their eyes at most 29 degrees).
    row = ("ANA", "BEN", "CAL", "DEE", "EVE")
    ana = CharacterTrack(name="ANA", events=(gaze("camera", 0.0, 2.0), gaze("EVE", 2.0, 5.0)))
    others = [CharacterTrack(name=n, events=()) for n in row[1:]]
    plan = plan_with(ana, *others)
    times = np.linspace(0.0, 5.0, 301)
    for idle in (False, True):
        sampled = HeadEyesCurves(plan, "ANA", idle=idle).sample(times)
        assert np.abs(sampled.eyes[:, [1, 3]]).max() <= EYE_YAW_LIMIT + 1e-9
        assert np.abs(sampled.eyes[:, [0, 2]]).max() <= EYE_PITCH_LIMIT + 1e-9
    settled = HeadEyesCurves(plan, "ANA", idle=False).sample(np.array([4.0]))
    target = character_yaw("ANA", "EVE", row)
    assert target > EYE_YAW_LIMIT
    assert settled.head[0, 1] + settled.eyes[0, 1] == pytest.approx(target)


def test_looking_at_another_character_follows_the_row() -> None:
    row = ("ANA", "BEN", "CAL")
    assert character_yaw("ANA", "BEN", row) == NEIGHBOUR_YAW  # BEN stands to ANA's left
    assert character_yaw("BEN", "ANA", row) == -NEIGHBOUR_YAW
    assert character_yaw("ANA", "CAL", row) > character_yaw("ANA", "BEN", row)
    assert character_yaw("ANA", "ZED", row) == 0.0
    tracks = [
        CharacterTrack(name=n, events=(gaze("BEN" if n != "BEN" else "ANA", 0, 5),)) for n in row
    ]
    plan = plan_with(*tracks)
    ana = HeadEyesCurves(plan, "ANA").sample(np.array([2.0]))
    ben = HeadEyesCurves(plan, "BEN").sample(np.array([2.0]))
    assert ana.head[0, 1] + ana.eyes[0, 1] == pytest.approx(NEIGHBOUR_YAW)
    assert ben.head[0, 1] + ben.eyes[0, 1] == pytest.approx(-NEIGHBOUR_YAW)
    # To face another character the head takes its half of the turn, unlike a glance away.
    still = HeadEyesCurves(plan, "ANA", idle=False).sample(np.array([2.0]))
    assert still.head[0, 1] == pytest.approx(NEIGHBOUR_YAW * HEAD_SHARE)


def test_sampling_in_pieces_equals_sampling_at_once() -> None:
    events = (
        gaze("away", 0.3, 1.4),
        gaze("BEN", 1.4, 3.0),
        head("nod", (0.5, 0.6, 0.7, 1.1, 1.3), repetitions=2),
        head("toss", (2.0, 2.1, 2.2, 2.4, 2.6)),
    )
    plan = plan_with(
        CharacterTrack(name="ANA", events=events), CharacterTrack(name="BEN", events=())
    )
    curves = HeadEyesCurves(plan, "ANA")
    times = np.arange(0, 121) / 30
    whole = curves.sample(times)
    parts = [curves.sample(times[i : i + 7]) for i in range(0, times.size, 7)]
    assert np.array_equal(whole.head, np.concatenate([p.head for p in parts]))
    assert np.array_equal(whole.eyes, np.concatenate([p.eyes for p in parts]))
    assert np.abs(whole.head).max() > 1.0


def test_a_character_without_events_looks_straight_ahead() -> None:
    track = CharacterTrack(name="ANA", events=())
    curves = HeadEyesCurves(plan_with(track), "NOBODY", idle=False)
    sampled = curves.sample(np.linspace(0, 5, 11))
    assert not sampled.head.any() and not sampled.eyes.any()


def _speaking_plan(duration: float) -> MotionPlan:
    """ANA speaks over the second half of the scene, BEN never."""
    line = PlanUtterance(
        id="u1",
        speaker="ANA",
        addressees=("BEN",),
        text="Words.",
        start=duration / 2,
        end=duration,
        words=(Word(text="Words.", start=duration / 2, end=duration),),
        emotion=EmotionLabel(label="neutral", intensity=0.0),
        intent="inform",
    )
    scene = SceneInfo(title=None, source=None, duration=duration, planner="test", seed=0)
    tracks = (CharacterTrack(name="ANA", events=()), CharacterTrack(name="BEN", events=()))
    return MotionPlan(scene=scene, beats=(), utterances=(line,), characters=tracks)


def _speeds(angles: np.ndarray, fps: int) -> np.ndarray:
    return np.asarray(np.linalg.norm(np.diff(angles, axis=0), axis=1) * fps)


def test_the_head_sways_faster_while_speaking_at_the_measured_speeds() -> None:
    fps, duration = 30, 1200.0
    times = np.arange(int(duration * fps) + 1) / fps
    head = HeadEyesCurves(_speaking_plan(duration), "ANA").sample(times).head
    speed = _speeds(head, fps)
    quiet = speed[times[1:] < duration / 2 - 1.0]
    busy = speed[times[1:] > duration / 2 + 1.0]
    # The clips' median head speeds between head movements: 3.1 deg/s silent, 6.7 speaking.
    assert np.median(quiet) == pytest.approx(3.1, rel=0.2)
    assert np.median(busy) == pytest.approx(6.7, rel=0.2)
    assert np.abs(head).max() < 15.0  # a sway, never a turn
    silent = IDLE_HEAD_VELOCITY["silent"]
    assert np.std(np.diff(head[: quiet.size + 1], axis=0) * fps, axis=0) == pytest.approx(
        silent, rel=0.3
    )


def test_the_sway_is_the_characters_own_and_keeps_the_line_of_sight() -> None:
    plan = plan_with(
        CharacterTrack(name="ANA", events=(gaze("BEN", 0.0, 6.0),)),
        CharacterTrack(name="BEN", events=(gaze("ANA", 0.0, 6.0),)),
    )
    times = np.arange(0, 181) / 30
    ana = HeadEyesCurves(plan, "ANA").sample(times)
    again = HeadEyesCurves(plan, "ANA").sample(times)
    ben = HeadEyesCurves(plan, "BEN").sample(times)
    still = HeadEyesCurves(plan, "ANA", idle=False).sample(times)
    assert np.array_equal(ana.head, again.head) and np.array_equal(ana.eyes, again.eyes)
    ben_still = HeadEyesCurves(plan, "BEN", idle=False).sample(times)
    assert not np.allclose(ana.head - still.head, ben.head - ben_still.head)
    assert np.abs(ana.head - still.head).max() > 0.2
    # The eyes counter-rotate: head plus eyes point where they did without the sway.
    for head_axis, eye_axis in ((0, 0), (1, 1)):
        assert np.allclose(
            ana.head[:, head_axis] + ana.eyes[:, eye_axis],
            still.head[:, head_axis] + still.eyes[:, eye_axis],
        )
    assert np.array_equal(ana.eyes[:, :2], ana.eyes[:, 2:])
