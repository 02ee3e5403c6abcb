"""Plan metrics on tiny hand-built plans (expected values worked out by hand) and a real plan."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from motiondirector.evaluation import (
    HUMAN_RANGES,
    au_emotion_consistency,
    coverage,
    events_inside_scene_share,
    gaze_gap_share,
    naturalness,
    naturalness_in_human_range,
    overlap_seconds_per_hand,
    plan_metrics,
    schema_validity,
    stroke_in_anchor_share,
    utterance_au_consistency,
    variety,
    violations,
)
from motiondirector.plan.motion_plan import (
    AnyEvent,
    CharacterTrack,
    EmotionLabel,
    Envelope,
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    MotionPlan,
    PlanBeat,
    PlanUtterance,
    SceneInfo,
    Source,
    SyncPoints,
)
from motiondirector.plan.scene import Word
from motiondirector.plan.vocabulary import Emotion, GestureLexeme, Hand
from motiondirector.realize import plan_script

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "the_key.fountain"
SOURCE = Source(planner="test", rule="test.hand", reason="hand-built")


def face(eid: str, au: int, start: float, end: float, utterance: str | None = None) -> FaceEvent:
    return FaceEvent(
        id=eid,
        start=start,
        end=end,
        utterance_id=utterance,
        source=SOURCE,
        description=f"AU{au}",
        au=au,
        intensity=0.5,
        envelope=Envelope(apex_start=start, apex_end=end),
    )


def sync(start: float, stroke: float, end: float) -> SyncPoints:
    return SyncPoints(start=start, ready=stroke, stroke=stroke, relax=stroke, end=end)


def gesture(
    eid: str,
    lexeme: GestureLexeme,
    hand: Hand,
    start: float,
    stroke: float,
    end: float,
    utterance: str | None = None,
) -> GestureEvent:
    return GestureEvent(
        id=eid,
        start=start,
        end=end,
        utterance_id=utterance,
        source=SOURCE,
        description=lexeme,
        lexeme=lexeme,
        hand=hand,
        sync=sync(start, stroke, end),
    )


def head(
    eid: str, start: float, stroke: float, end: float, utterance: str | None = None
) -> HeadEvent:
    return HeadEvent(
        id=eid,
        start=start,
        end=end,
        utterance_id=utterance,
        source=SOURCE,
        description="nod",
        lexeme="nod",
        sync=sync(start, stroke, end),
    )


def gaze(
    eid: str, target: str, start: float, end: float, utterance: str | None = None
) -> GazeEvent:
    return GazeEvent(
        id=eid,
        start=start,
        end=end,
        utterance_id=utterance,
        source=SOURCE,
        description=f"look at {target}",
        target=target,
    )


def utterance(
    uid: str,
    speaker: str,
    addressees: tuple[str, ...],
    words: list[tuple[float, float]],
    emotion: Emotion,
) -> PlanUtterance:
    return PlanUtterance(
        id=uid,
        speaker=speaker,
        addressees=addressees,
        text=" ".join(f"w{i}" for i in range(len(words))),
        start=words[0][0],
        end=words[-1][1],
        words=tuple(Word(text=f"w{i}", start=s, end=e) for i, (s, e) in enumerate(words)),
        emotion=EmotionLabel(label=emotion, intensity=0.8),
        intent="inform",
    )


def make_plan(
    duration: float,
    tracks: dict[str, list[AnyEvent]],
    utterances: tuple[PlanUtterance, ...] = (),
    beats: tuple[PlanBeat, ...] | None = None,
) -> MotionPlan:
    if beats is None:
        beats = (
            (PlanBeat(index=0, heading=None, start=0.0, end=duration, characters=tuple(tracks)),)
            if tracks
            else ()
        )
    return MotionPlan(
        scene=SceneInfo(title="t", source=None, duration=duration, planner="test", seed=0),
        beats=beats,
        utterances=utterances,
        characters=tuple(
            CharacterTrack(name=name, events=tuple(events)) for name, events in tracks.items()
        ),
    )


@pytest.fixture
def dialogue() -> MotionPlan:
    """ANA says u1 (joy, 3 words, 1.0-3.0) to BEN; BEN says u2 (neutral, 2 words, 5.0-7.0)."""
    u1 = utterance("u1", "ANA", ("BEN",), [(1.0, 1.5), (1.6, 2.2), (2.3, 3.0)], "joy")
    u2 = utterance("u2", "BEN", ("ANA",), [(5.0, 5.8), (6.0, 7.0)], "neutral")
    ana: list[AnyEvent] = [
        face("f1", 12, 1.0, 3.0, "u1"),
        face("f2", 25, 1.0, 3.0, "u1"),
        face("f3", 4, 2.0, 2.5, "u1"),
        face("b1", 45, 0.5, 0.7),
        face("b2", 45, 4.0, 4.2),
        face("b3", 45, 8.0, 8.2),
        head("h1", 1.0, 1.2, 2.0, "u1"),  # stroke 1.2 inside w0 [1.0, 1.5]
        gesture("g1", "beat", "right", 1.5, 1.8, 2.5, "u1"),  # stroke inside w1 [1.6, 2.2]
        gesture("g2", "beat", "left", 2.1, 2.25, 3.0, "u1"),  # stroke between w1 and w2
        gesture("g3", "point", "right", 3.5, 4.0, 4.5),  # no utterance
        gaze("z1", "BEN", 0.0, 2.0),
        gaze("z2", "down", 2.0, 2.5, "u1"),
        gaze("z3", "BEN", 2.5, 4.0),
        gaze("z4", "away", 4.0, 10.0),
    ]
    ben: list[AnyEvent] = [
        face("b4", 45, 3.0, 3.2),
        face("f4", 12, 5.0, 7.0, "u2"),
        head("h2", 1.5, 1.7, 2.0, "u1"),  # listener nod; stroke inside u1's w1 [1.6, 2.2]
        gesture("g4", "open_palms", "both", 5.5, 6.1, 6.5, "u2"),  # stroke inside w1 [6.0, 7.0]
        gaze("y1", "ANA", 0.0, 10.0),
    ]
    return make_plan(10.0, {"ANA": ana, "BEN": ben}, (u1, u2))


@pytest.fixture
def empty() -> MotionPlan:
    return make_plan(0.0, {})


@pytest.fixture
def one_blink() -> MotionPlan:
    return make_plan(60.0, {"ANA": [face("b1", 45, 10.0, 10.2)]})


@pytest.fixture
def monologue() -> MotionPlan:
    """One character, no listeners: a neutral line with no emotion AUs and a gesture."""
    u1 = utterance("u1", "ANA", (), [(0.0, 1.0), (1.0, 2.0)], "neutral")
    events: list[AnyEvent] = [
        face("s1", 25, 0.0, 2.0, "u1"),
        gesture("g1", "beat", "right", 0.2, 0.5, 1.0, "u1"),
        gaze("z1", "camera", 0.0, 4.0),
    ]
    return make_plan(4.0, {"ANA": events}, (u1,))


def test_hand_built_dialogue_is_valid(dialogue: MotionPlan) -> None:
    assert violations(dialogue) == 0
    assert schema_validity(dialogue) == 1.0


def test_overlapping_gestures_are_measured_per_hand_and_fail_validity() -> None:
    events: list[AnyEvent] = [
        gesture("g1", "beat", "right", 1.0, 1.5, 3.0),
        gesture("g2", "shrug", "both", 2.0, 2.5, 4.0),
        gesture("g3", "wave", "left", 3.5, 4.0, 5.0),
    ]
    plan = make_plan(6.0, {"ANA": events})
    # right: g1 [1, 3] and g2 [2, 4] overlap on [2, 3] = 1.0 s;
    # left: g2 [2, 4] and g3 [3.5, 5] overlap on [3.5, 4] = 0.5 s.
    assert overlap_seconds_per_hand(plan) == {"left": 0.5, "right": 1.0}
    # validate_plan reports one clash per hand.
    assert violations(plan) == 2
    assert schema_validity(plan) == 0.0


def test_touching_gestures_do_not_overlap() -> None:
    events: list[AnyEvent] = [
        gesture("g1", "beat", "right", 1.0, 1.5, 2.0),
        gesture("g2", "beat", "right", 2.0, 2.5, 3.0),
    ]
    assert overlap_seconds_per_hand(make_plan(4.0, {"ANA": events})) == {
        "left": 0.0,
        "right": 0.0,
    }


def test_stroke_in_anchor_share(dialogue: MotionPlan) -> None:
    # Counted: h1, g1, g2, g4, h2 (g3 has no utterance); g2's stroke 2.25 falls in the gap
    # between w1 (ends 2.2) and w2 (starts 2.3): 4 / 5.
    assert stroke_in_anchor_share(dialogue) == pytest.approx(0.8)


def test_events_inside_scene_share() -> None:
    plan = make_plan(5.0, {"ANA": [face("b1", 45, 1.0, 1.2), face("b2", 45, 4.9, 5.3)]})
    # b2 ends at 5.3 > 5.0: 1 of 2 inside.
    assert events_inside_scene_share(plan) == 0.5


def test_gaze_gap_share(dialogue: MotionPlan) -> None:
    assert gaze_gap_share(dialogue) == 0.0
    plan = make_plan(10.0, {"ANA": [gaze("z1", "BEN", 0.0, 4.0)], "BEN": []})
    # ANA uncovered 6 s, BEN 10 s, of 2 x 10 s: 16 / 20.
    assert gaze_gap_share(plan) == pytest.approx(0.8)


def test_coverage(dialogue: MotionPlan) -> None:
    # u1 (ANA): face AU12 yes, head h1 yes, gesture g1 yes; listener BEN nods (h2): yes.
    # u2 (BEN): face AU12 yes; no head, gaze y1 starts at 0 and is not tied to u2: no;
    # gesture g4 yes; listener ANA only gazes away (z4) during [5, 7]: no.
    assert coverage(dialogue) == {
        "face": 1.0,
        "head_or_gaze": 0.5,
        "gesture": 1.0,
        "listener": 0.5,
    }


def test_au_emotion_consistency(dialogue: MotionPlan) -> None:
    u1, u2 = dialogue.utterances
    # u1 joy: ANA's AUs {12, 4} (AU25 ignored) vs prototype {6, 12}: |{12}| / |{4, 6, 12}| = 1/3.
    assert utterance_au_consistency(dialogue, u1) == pytest.approx(1 / 3)
    # u2 neutral: BEN's {12} vs {}: 0 / 1 = 0.
    assert utterance_au_consistency(dialogue, u2) == 0.0
    assert au_emotion_consistency(dialogue) == pytest.approx((1 / 3 + 0.0) / 2)


def test_the_tail_of_a_reaction_to_the_line_before_is_not_the_speaker_s_face() -> None:
    # BEN frowns in concern at u1 until 5.3 s, fading into his own neutral u2 (5.0-7.0).
    u1 = utterance("u1", "ANA", ("BEN",), [(1.0, 2.0), (2.0, 4.7)], "sadness")
    u2 = utterance("u2", "BEN", ("ANA",), [(5.0, 6.0), (6.0, 7.0)], "neutral")
    reacting = make_plan(8.0, {"ANA": [], "BEN": [face("c1", 4, 1.1, 5.3, "u1")]}, (u1, u2))
    assert utterance_au_consistency(reacting, u2) == 1.0
    assert coverage(reacting)["face"] == 0.0
    assert coverage(reacting)["listener"] == 0.5  # BEN reacts to u1; ANA does nothing in u2
    # The same frown tied to no line (an action's) is his face during u2.
    acting = make_plan(8.0, {"ANA": [], "BEN": [face("c1", 4, 1.1, 5.3)]}, (u1, u2))
    assert utterance_au_consistency(acting, u2) == 0.0
    assert coverage(acting)["face"] == 0.5


def test_neutral_line_without_emotion_aus_is_consistent(monologue: MotionPlan) -> None:
    # Only AU25 (speech) is active; it is ignored, so both sets are empty: 1.0.
    assert au_emotion_consistency(monologue) == 1.0


def test_variety(dialogue: MotionPlan) -> None:
    # ANA in order: beat, beat, point -> pairs (beat, beat) repeat, (beat, point) not;
    # BEN has one gesture, no pair: 1 / 2. Counts beat 2, point 1, open_palms 1 of 4:
    # H = -(0.5 log2 0.5 + 2 x 0.25 log2 0.25) = 0.5 + 1.0 = 1.5 bits.
    assert variety(dialogue) == {
        "distinct_gestures": 3.0,
        "gesture_repeat_rate": 0.5,
        "gesture_entropy_bits": 1.5,
    }


def test_naturalness(dialogue: MotionPlan) -> None:
    values = naturalness(dialogue)
    # Blinks: ANA 3 in 10 s = 18/min, BEN 1 in 10 s = 6/min; mean 12.
    assert values["blink_rate_per_min"] == pytest.approx(12.0)
    # Speaker gestures tied to their own lines: g1, g2 (ANA, u1), g4 (BEN, u2) = 3;
    # speech 2 s + 2 s = 4 s -> 3 x 60 / 4 = 45/min; words 3 + 2 = 5 -> 0.6 per word.
    assert values["gestures_per_minute_speech"] == pytest.approx(45.0)
    assert values["gestures_per_word"] == pytest.approx(0.6)
    # ANA looks down 2.0-2.5 during u1; BEN looks at ANA throughout u2: 0.5 / 4.
    assert values["gaze_aversion_share"] == pytest.approx(0.125)
    in_range = naturalness_in_human_range(dialogue)
    assert in_range["blink_rate_per_min"] is True
    assert in_range["gaze_aversion_share"] is False


def test_blink_rate_counts_only_time_on_stage() -> None:
    blinks: list[AnyEvent] = [face(f"b{i}", 45, 2.0 * i, 2.0 * i + 0.2) for i in range(5)]
    beats = (
        PlanBeat(index=0, heading=None, start=0.0, end=30.0, characters=("ANA",)),
        PlanBeat(index=1, heading=None, start=30.0, end=60.0, characters=()),
    )
    plan = make_plan(60.0, {"ANA": blinks}, beats=beats)
    # 5 blinks in 30 s on stage = 10/min (not 5/min over the whole minute).
    assert naturalness(plan)["blink_rate_per_min"] == pytest.approx(10.0)


def test_empty_plan(empty: MotionPlan) -> None:
    assert schema_validity(empty) == 1.0
    assert stroke_in_anchor_share(empty) == 1.0
    assert events_inside_scene_share(empty) == 1.0
    assert gaze_gap_share(empty) == 0.0
    assert au_emotion_consistency(empty) == 1.0
    assert overlap_seconds_per_hand(empty) == {"left": 0.0, "right": 0.0}
    assert coverage(empty) == {"face": 0.0, "head_or_gaze": 0.0, "gesture": 0.0, "listener": 0.0}
    assert variety(empty) == {
        "distinct_gestures": 0.0,
        "gesture_repeat_rate": 0.0,
        "gesture_entropy_bits": 0.0,
    }
    assert set(naturalness(empty).values()) == {0.0}


def test_plan_with_one_event(one_blink: MotionPlan) -> None:
    assert schema_validity(one_blink) == 1.0
    assert events_inside_scene_share(one_blink) == 1.0
    # No gaze at all in 60 s: fully uncovered.
    assert gaze_gap_share(one_blink) == 1.0
    # 1 blink in 60 s on stage.
    assert naturalness(one_blink)["blink_rate_per_min"] == pytest.approx(1.0)
    assert variety(one_blink)["distinct_gestures"] == 0.0
    assert coverage(one_blink)["face"] == 0.0


def test_no_listeners(monologue: MotionPlan) -> None:
    assert violations(monologue) == 0
    # Speaker shares still count the one line: only AU25 on the face (ignored): 0; gaze z1
    # starts at 0.0, the line's start: 1; gesture g1: 1. No (utterance, listener) pair exists.
    assert coverage(monologue) == {
        "face": 0.0,
        "head_or_gaze": 1.0,
        "gesture": 1.0,
        "listener": 0.0,
    }
    # Camera is not an averted gaze.
    assert naturalness(monologue)["gaze_aversion_share"] == 0.0


@pytest.mark.parametrize("fixture", ["empty", "one_blink", "monologue", "dialogue"])
def test_plan_metrics_is_flat_and_nan_free(fixture: str, request: pytest.FixtureRequest) -> None:
    plan: MotionPlan = request.getfixturevalue(fixture)
    row = plan_metrics(plan)
    assert {"schema_validity", "coverage.listener", "naturalness.gestures_per_word"} <= set(row)
    assert all(isinstance(v, float) and math.isfinite(v) for v in row.values())


def test_human_ranges_are_cited_and_match_naturalness_keys(dialogue: MotionPlan) -> None:
    assert set(HUMAN_RANGES) <= set(naturalness(dialogue))
    for band in HUMAN_RANGES.values():
        assert 0.0 <= band.low < band.high
        assert band.citation and band.note


def test_real_plan_of_the_key() -> None:
    plan = plan_script(EXAMPLE)
    row = plan_metrics(plan)
    assert row["schema_validity"] == 1.0
    assert row["violations"] == 0.0
    shares = [
        key
        for key in row
        if key.startswith("coverage.")
        or key.endswith("_share")
        or key in ("au_emotion_consistency", "variety.gesture_repeat_rate")
    ]
    assert len(shares) >= 9
    for key in shares:
        assert 0.0 <= row[key] <= 1.0, key
    assert 5.0 <= row["naturalness.blink_rate_per_min"] <= 40.0
    assert row["variety.distinct_gestures"] >= 2.0
    assert row["naturalness.gestures_per_word"] > 0.0


def test_gaze_gaps_and_listeners_count_on_stage_characters_only() -> None:
    # Brick & Steel has eight beats and characters who leave: off-stage time is not a gap.
    from motiondirector import plan_script
    from tests.conftest import SHARED_DATA

    plan = plan_script(SHARED_DATA / "screenplays" / "brick_and_steel.fountain")
    assert any(len(b.characters) < len(plan.characters) for b in plan.beats)
    assert gaze_gap_share(plan) == 0.0
    # Listeners are the characters on stage in the line's beat, and every one of them listens.
    assert coverage(plan)["listener"] == 1.0


def test_the_documented_numbers_of_the_key_are_the_code_s() -> None:
    page = (EXAMPLE.parents[1] / "docs" / "metrics.md").read_text("utf-8")
    section = page[page.index("## Numbers on `examples/the_key.fountain`") :]
    documented = {
        cells[0].strip("`"): (cells[1], cells[2])
        for line in section.splitlines()
        if line.startswith("| `")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    plan = plan_script(EXAMPLE)
    row = plan_metrics(plan)
    in_range = naturalness_in_human_range(plan)
    assert set(documented) == set(row)
    for name, value in row.items():
        band = in_range.get(name.removeprefix("naturalness."))
        expected = "" if band is None else ("in band" if band else "out of band")
        assert documented[name] == (f"{value:.3g}", expected), name
