"""Sequencing: slots from a plan, the dynamic programme over candidates, and the timeline."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.library import clip_peak_speeds
from motiondirector.motion.retargeting import retarget
from motiondirector.motion.speed import HUMAN_ACCELERATION_LIMITS, HUMAN_SPEED_LIMITS, peak_speeds
from motiondirector.plan.motion_plan import GestureEvent, MotionPlan, PostureEvent
from motiondirector.plan.timeline import Timeline
from motiondirector.realize import plan_script, realize_plan
from motiondirector.retrieval import (
    Candidate,
    ClipLibrary,
    ClipRecord,
    ClipSource,
    ClipTags,
    MotionFeatures,
)
from motiondirector.retrieval.ingest import ingest_bvh_folder
from motiondirector.retrieval.sequence import (
    HELD_FRAMES,
    MAX_RATE,
    MIN_SLOT,
    POSTURE_WINDOW,
    RELEASE_BLEND,
    BodyEvent,
    Slot,
    _without_slivers,
    body_slots,
    choose_path,
    face_emotion,
    join_cost,
    max_rate,
    sequence_plan,
)
from tests.conftest import EXAMPLE_SCENE, SHARED_DATA

JOINTS = 22
BANDAI_DATA = SHARED_DATA / "mocap" / "bandai-namco-1" / "data"


def _pose(height: float) -> tuple[float, ...]:
    """A pose whose every joint sits at `height` metres: enough to tell poses apart."""
    return tuple(float(v) for v in np.tile([0.0, height, 0.0], JOINTS))


STILL = tuple(0.0 for _ in range(3 * JOINTS))


def _record(clip_id: str, lexeme: str, first: float, last: float) -> ClipRecord:
    return ClipRecord(
        id=clip_id,
        source=ClipSource(file=f"clips/{clip_id}.bvh", end=1.0),
        duration=1.0,
        descriptions=(f"{lexeme.replace('_', ' ')} gesture",),
        tags=ClipTags(lexemes=(lexeme,)),
        features=MotionFeatures(
            first_pose=_pose(first),
            last_pose=_pose(last),
            first_velocity=STILL,
            last_velocity=STILL,
        ),
    )


# Six clips: the best wave ends with the hands high, where no point clip starts; the second
# wave ends low, where the points start.
RECORDS = {
    r.id: r
    for r in (
        _record("wave_high", "wave", 1.0, 1.6),
        _record("wave_low", "wave", 1.0, 1.0),
        _record("wave_mid", "wave", 1.0, 1.3),
        _record("point_a", "point", 1.0, 1.0),
        _record("point_b", "point", 1.02, 1.0),
        _record("shrug_a", "shrug", 1.0, 1.0),
    )
}


def _candidates(scores: dict[str, float]) -> list[Candidate]:
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [
        Candidate(RECORDS[i], s, s, 1.0, 1.0, rank, reason="test")
        for rank, (i, s) in enumerate(ordered, 1)
    ]


def test_join_cost_grows_with_the_pose_gap_and_is_zero_without_features() -> None:
    assert join_cost(RECORDS["wave_low"], RECORDS["point_a"]) == pytest.approx(0.0)
    near = join_cost(RECORDS["wave_mid"], RECORDS["point_a"])
    far = join_cost(RECORDS["wave_high"], RECORDS["point_a"])
    assert 0.0 < near < far < 1.0
    bare = RECORDS["wave_high"].model_copy(update={"features": None})
    assert join_cost(bare, RECORDS["point_a"]) == 0.0


def test_the_programme_prefers_the_globally_cheaper_path() -> None:
    waves = _candidates({"wave_high": 0.90, "wave_low": 0.86, "wave_mid": 0.80})
    points = _candidates({"point_a": 0.85, "point_b": 0.84})
    path = choose_path([waves, points], gaps=[0.0, 0.0])
    # Greedy would take wave_high (best score) and pay a large join into either point.
    assert [waves[path[0][0]].record.id, points[path[1][0]].record.id] == ["wave_low", "point_a"]
    assert path[1][1] == pytest.approx(0.0)
    # With a long fill between the slots the join hardly matters and the best wave wins.
    far_apart = choose_path([waves, points], gaps=[0.0, 10.0])
    assert waves[far_apart[0][0]].record.id == "wave_high"


def test_equal_costs_go_to_the_smaller_clip_id() -> None:
    points = _candidates({"point_b": 0.8, "point_a": 0.8})
    ((pick, _),) = choose_path([points], gaps=[0.0])
    assert points[pick].record.id == "point_a"


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_script(EXAMPLE_SCENE)


@pytest.fixture(scope="module")
def timeline(plan: MotionPlan, builtin_clips: ClipLibrary) -> Timeline:
    return sequence_plan(plan, builtin_clips, k=10)


def test_slots_are_ordered_apart_and_skip_idle(plan: MotionPlan) -> None:
    for track in plan.characters:
        slots = body_slots(plan, track.name)
        assert slots
        for a, b in itertools.pairwise(slots):
            assert a.end <= b.start + 1e-9
        # Only a posture held from the scene's start is shorter: its clip's last frame.
        assert all(s.length >= MIN_SLOT - 1e-9 or (s.held and s.start == 0) for s in slots)
        assert not any(
            isinstance(s.event, PostureEvent) and s.event.lexeme == "idle" for s in slots
        )


def test_segments_cover_the_scene_in_order_without_overlap(
    plan: MotionPlan, timeline: Timeline
) -> None:
    assert [t.name for t in timeline.characters] == [t.name for t in plan.characters]
    for track in timeline.characters:
        segments = track.segments
        assert segments[0].target_in == 0.0
        assert segments[-1].target_out == pytest.approx(plan.scene.duration)
        for a, b in itertools.pairwise(segments):
            assert a.target_out == pytest.approx(b.target_in)
            assert 0.0 <= b.blend_in <= RELEASE_BLEND + 1e-9
            # Blends are rounded to the microsecond.
            assert b.blend_in <= 0.2 + 1e-9 or b.blend_in <= (b.target_out - b.target_in) / 2 + 1e-6
        assert all(s.target_out > s.target_in for s in segments)
        assert {s.kind for s in segments} == {"clip", "procedural"}


def test_every_clip_choice_carries_its_provenance(timeline: Timeline) -> None:
    clips = [s for t in timeline.characters for s in t.segments if s.kind == "clip"]
    assert clips
    for segment in clips:
        p = segment.provenance
        assert p.rank is not None and 1 <= p.rank <= 10
        assert p.candidates == 10
        assert p.score is not None and p.score == pytest.approx(1 - p.scores["target_cost"])
        assert set(p.scores) == {
            "semantic",
            "tag",
            "duration_fit",
            "target_cost",
            "join_cost",
            "best",
        }
        # The slot's best candidate, recorded so the realize layer never searches again.
        assert p.scores["best"] >= p.score
        assert f"'{segment.lexeme}'" in p.reason
        assert segment.clip_id and segment.clip_id.startswith("builtin/")
        assert segment.source == "builtin:" + segment.clip_id.removeprefix("builtin/")
        assert len(segment.event_ids) == 1
    fills = [s for t in timeline.characters for s in t.segments if s.kind == "procedural"]
    assert all(s.provenance.reason.startswith("procedural fill") for s in fills)


def test_the_body_gets_into_a_posture_before_it_gestures_in_it() -> None:
    from motiondirector import plan_text

    plan = plan_text(
        "INT. ROOM - DAY\n\nANA\nFine.\n\nAna sits down and crosses her arms. She glares at "
        "the wall.\n\nBEN\nReally? You want to do this now, in front of everyone?\n",
        format="fountain",
    )
    events = {e.lexeme: e for e in plan.character("ANA").events if hasattr(e, "lexeme")}
    sit, arms = events["sit"], events["cross_arms"]
    assert arms.start < sit.start + POSTURE_WINDOW  # the plan has the arms cross as she sits
    slots = [(s.event.lexeme, s.start, s.end) for s in body_slots(plan, "ANA")]
    lexemes = [lexeme for lexeme, _, _ in slots]
    # The sit is not lost under the gesture: it comes first, the arms cross once seated.
    assert lexemes[lexemes.index("sit") + 1] == "cross_arms"
    (_, _, sat), (_, crossed, _) = slots[lexemes.index("sit") : lexemes.index("sit") + 2]
    assert crossed == pytest.approx(sat)


def _planned(script: str, character: str) -> tuple[dict[str, BodyEvent], list[Slot], list[str]]:
    """The character's body events of a Fountain script's plan by lexeme, its body slots, and
    their lexemes."""
    from motiondirector import plan_text

    plan = plan_text(script, format="fountain")
    events = {e.lexeme: e for e in plan.character(character).events if hasattr(e, "lexeme")}
    slots = body_slots(plan, character)
    return events, slots, [slot.event.lexeme for slot in slots]


def test_an_action_that_had_barely_begun_is_done_whole_after_the_posture() -> None:
    events, slots, lexemes = _planned(
        "INT. CORRIDOR - NIGHT\n\nAna waits. Ben enters.\n\nBen sits next to her and takes a "
        "deep breath.\n\nBEN\nI'm sorry. I did everything I could, and it was not enough.\n",
        "BEN",
    )
    sit, breath = events["sit"], events["breathe"]
    assert breath.start < sit.start + POSTURE_WINDOW  # the breath starts as he sits
    seated, breathed, after = slots[lexemes.index("sit") : lexemes.index("sit") + 3]
    # Not the breath's last fraction after the sit: all of it, until his line's first gesture.
    assert breathed.event.lexeme == "breathe" and breathed.start == pytest.approx(seated.end)
    whole = seated.end + breath.end - breath.start
    assert breathed.end == pytest.approx(min(whole, after.start), abs=0.05)
    assert breathed.length > 1.0


def test_an_action_gesture_waits_for_the_walk_before_it() -> None:
    events, slots, lexemes = _planned(
        "INT. FLAT - NIGHT\n\nKai lies in bed.\n\nKai gets out of bed and pads to the door. He "
        "opens it. MIRA stands there, shivering.\n\nMIRA\nCan I come in?\n",
        "KAI",
    )
    walk, door = events["walk"], events["open"]
    assert walk.start < door.start < walk.end  # the plan opens the door while he walks
    walked, opened = slots[lexemes.index("walk")], slots[lexemes.index("open")]
    # He gets to the door, then opens it: the walk is not cut, the opening is whole.
    assert walked.length == pytest.approx(min(POSTURE_WINDOW, walk.end - walk.start), abs=0.04)
    assert opened.start == pytest.approx(walked.end)
    assert opened.length == pytest.approx(door.end - door.start, abs=0.05)


def test_a_walk_is_kept_up_for_its_whole_event() -> None:
    events, slots, lexemes = _planned(
        "INT. HALL - DAY\n\nANA stands by the door. She walks slowly across the long, empty "
        "hall to the far window, her footsteps echoing on the marble.\n\nANA\nNobody came.\n",
        "ANA",
    )
    walk = events["walk"]
    assert walk.end - walk.start > POSTURE_WINDOW + 1.0
    walked = slots[lexemes.index("walk")]
    # Across the whole hall, not two seconds of it and then standing still.
    assert walked.start == pytest.approx(walk.start, abs=0.04)
    assert walked.end == pytest.approx(walk.end, abs=0.04)


@pytest.mark.parametrize(
    ("action", "lexeme", "size"),
    [
        ("She dances wildly around the room, arms flung wide.", "dance", "large"),
        ("She barely waves.", "wave", "small"),
    ],
)
def test_how_big_the_action_line_says_picks_the_clips_size(
    action: str, lexeme: str, size: str, builtin_clips: ClipLibrary
) -> None:
    from motiondirector import plan_text

    plan = plan_text(f"INT. HALL - DAY\n\nANA\nNobody came.\n\n{action}\n", format="fountain")
    timeline = sequence_plan(plan, builtin_clips)
    clip = next(s for s in timeline.characters[0].segments if s.lexeme == lexeme)
    assert clip.clip_id.split(".")[-3] == size, clip.clip_id
    assert f"{size} amplitude" in clip.provenance.reason


@pytest.mark.parametrize(
    ("action", "emotion"),
    [
        ("She dances wildly around the room, laughing.", "joy"),
        ("She trudges out of the room, sobbing.", "sadness"),
        ("She storms out, furious.", "anger"),
        ("She paces nervously, trembling.", "fear"),
        ("Ana walks to the window.", "neutral"),
    ],
)
def test_an_action_lines_movement_plays_in_the_mood_its_face_shows(
    action: str, emotion: str, builtin_clips: ClipLibrary
) -> None:
    from motiondirector import plan_text

    # The line before is sad: an action line's mood is its own face's, not the last line's.
    plan = plan_text(
        f"INT. HALL - DAY\n\nANA\nNobody came. I am so sad.\n\n{action}\n", format="fountain"
    )
    assert plan.utterances[0].emotion.label == "sadness"
    track = plan.character("ANA")
    moved = [s for s in body_slots(plan, "ANA") if s.event.utterance_id is None]
    assert [face_emotion(track.events, slot) for slot in moved] == [emotion]
    timeline = sequence_plan(plan, builtin_clips)
    clip = next(s for s in timeline.characters[0].segments if s.event_ids == (moved[0].event.id,))
    assert f"emotion {emotion}" in clip.provenance.reason, clip.clip_id


def test_an_action_gesture_cut_by_the_lines_posture_is_done_whole_after_it() -> None:
    events, slots, lexemes = _planned(
        "INT. BEDROOM - NIGHT\n\nKAI\nWhat happened?\n\nMira walks in, head in her hands, and "
        "sinks onto the edge of the bed.\n\nKAI\nMira? Talk to me. Please, just talk to "
        "me. Whatever it is, we can fix it together, you and me.\n",
        "MIRA",
    )
    sit, hands = events["sit"], events["cover_face"]
    assert hands.start + MIN_SLOT < sit.start < hands.end  # planned before she sits
    assert lexemes.count("cover_face") == 1
    seated, covered = slots[lexemes.index("sit")], slots[lexemes.index("cover_face")]
    # She sits, then puts her head in her hands, whole: not standing, then undone by the sit.
    assert covered.start == pytest.approx(seated.end)
    assert covered.length == pytest.approx(hands.end - hands.start, abs=0.05)


def test_a_persistent_posture_is_held_by_the_fill(plan: MotionPlan, timeline: Timeline) -> None:
    sits = [
        e for t in plan.characters for e in t.events
        if isinstance(e, PostureEvent) and e.lexeme == "sit"
    ]  # fmt: skip
    assert sits, "the example scene has ANA sit down"
    sit = sits[0]
    track = timeline.character("ANA")
    inside = [
        s for s in track.segments
        if s.kind == "procedural" and sit.start + 2.0 < s.target_in < sit.end - 1.0
    ]  # fmt: skip
    assert inside and all(s.lexeme == "sit" and sit.id in s.event_ids for s in inside)


def test_gesture_clips_match_their_lexeme(plan: MotionPlan, timeline: Timeline) -> None:
    gestures = {e.id: e.lexeme for t in plan.characters for e in t.events
                if isinstance(e, GestureEvent)}  # fmt: skip
    realised = [
        (gestures[s.event_ids[0]], s.clip_id)
        for t in timeline.characters
        for s in t.segments
        if s.kind == "clip" and s.event_ids[0] in gestures
    ]
    assert len(realised) >= 0.85 * len(gestures)
    for lexeme, clip_id in realised:
        assert clip_id is not None and clip_id.startswith(f"builtin/{lexeme}.")


def test_sequencing_is_deterministic(
    plan: MotionPlan, builtin_clips: ClipLibrary, timeline: Timeline, tmp_path: Path
) -> None:
    again = sequence_plan(plan, builtin_clips, k=10)
    assert again.to_json() == timeline.to_json()


def test_clips_whose_source_file_is_gone_are_passed_over(
    plan: MotionPlan,
    builtin_clips: ClipLibrary,
    timeline: Timeline,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from motiondirector.cli import main
    from motiondirector.motion.bvh import write_bvh
    from motiondirector.motion.library import get_clip

    # The clips the built-in library gives this plan, as BVH files with their labels.
    chosen = {s.clip_id for t in timeline.characters for s in t.segments if s.clip_id}
    folder = tmp_path / "takes"
    folder.mkdir()
    labels = []
    for record in builtin_clips.records:
        if record.id in chosen:
            name = record.id.removeprefix("builtin/")
            write_bvh(get_clip(name).motion(), folder / f"{name}.bvh")
            tags = record.tags.model_dump(mode="json")
            labels.append(
                json.dumps(
                    {"file": f"{name}.bvh", "descriptions": record.descriptions, "tags": tags}
                )
            )
    (folder / "labels.jsonl").write_text("\n".join(labels) + "\n")
    library_path = tmp_path / "lib"
    assert main(["index", "build", str(folder), "--out", str(library_path), "-q"]) == 0
    library = ClipLibrary.open(library_path, embedder=builtin_clips.embedder)
    before = sequence_plan(plan, library, k=10)
    used = sorted({s.source for t in before.characters for s in t.segments if s.kind == "clip"})
    gone = used[:3]
    for file in gone:
        Path(str(file)).unlink()
    after = sequence_plan(plan, library, k=10)
    sources = {s.source for t in after.characters for s in t.segments}
    assert not sources & set(gone) and sum(
        s.kind == "clip" for t in after.characters for s in t.segments
    )
    for track in after.characters:
        assert track.segments[0].target_in == 0 and track.segments[-1].target_out == after.duration
        # Ranked among the clips that are there: the first of those is rank 1.
        ranks = [s.provenance.rank for s in track.segments if s.kind == "clip"]
        assert ranks and min(r or 0 for r in ranks) == 1
    # The command line says which files are gone, and still directs the scene.
    capsys.readouterr()
    out = tmp_path / "scene"
    assert (
        main(
            ["direct", str(EXAMPLE_SCENE), "--library", str(library_path), "--out", str(out), "-q"]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert f"note: 3 source files of {library_path} are gone ({gone[0]}, " in err
    assert (out / "ANA.bvh").is_file()


def test_a_fill_is_not_split_into_slivers() -> None:
    assert _without_slivers([10.0, 10.033, 14.0]) == [10.0, 14.0]
    assert _without_slivers([10.0, 13.0, 13.066, 20.0]) == [10.0, 13.066, 20.0]
    assert _without_slivers([10.0, 12.0, 14.0]) == [10.0, 12.0, 14.0]
    assert _without_slivers([10.0, 10.2]) == [10.0, 10.2]


def test_standing_up_from_a_held_posture_takes_a_release_blend(
    plan: MotionPlan, timeline: Timeline
) -> None:
    """ANA sits from 36.5 s to 63.8 s; the stand after it blended over 0.2 s, moving her
    pelvis at 1.5 m/s."""
    sit = next(
        e for e in plan.character("ANA").events if isinstance(e, PostureEvent) and e.lexeme == "sit"
    )
    ana = next(t for t in timeline.characters if t.name == "ANA")
    after = next(s for s in ana.segments if s.target_in >= sit.end - 0.05)
    assert after.lexeme == "stand"
    length = after.target_out - after.target_in
    assert after.blend_in == pytest.approx(min(RELEASE_BLEND, length / 2))
    assert after.blend_in > 0.5


def test_the_example_never_moves_a_joint_faster_than_people(plan: MotionPlan) -> None:
    """The key's fist pump (a large, fast clip sped up 1.28x into its slot) moved BEN's right
    wrist at 14 m/s; the fastest frame of people's wrists in the Bandai gestures is 6.4 m/s."""
    realization = realize_plan(plan, tokens=False)
    for name, motion in realization.motions.items():
        peaks = peak_speeds(motion)
        for group, limit in HUMAN_SPEED_LIMITS.items():
            # Blends may add a little to the clips' own bounded speeds.
            assert peaks[group] < 1.1 * limit, (name, group, peaks[group])


def test_builtin_clips_are_sped_up_only_within_human_speeds(builtin_clips: ClipLibrary) -> None:
    records = {r.source.file: r for r in builtin_clips.records}
    pump = "fist_pump.right.large.fast.happy"
    rate = max_rate(records[f"builtin:{pump}"])
    assert rate < 1.01
    assert clip_peak_speeds(pump)["wrists"] * rate <= HUMAN_SPEED_LIMITS["wrists"] + 1e-9
    walk = "walk.normal.normal.neutral"
    rate = max_rate(records[f"builtin:{walk}"])
    assert 1.0 <= rate < MAX_RATE
    assert clip_peak_speeds(walk)["pelvis"] * rate <= HUMAN_SPEED_LIMITS["pelvis"] + 1e-9


def test_a_bvh_clip_is_sped_up_only_within_human_speeds(tmp_path: Path) -> None:
    """Clips of a user's BVH library played up to twice as fast whatever their speed: a real
    'bye' reaches people's fastest wrist speed at 1.54x and their fastest wrist acceleration
    at 1.06x, so 2x put it far past both."""
    for name in ("dataset-1_bye_active_001.bvh", "dataset-1_bye_childish_001.bvh"):
        shutil.copy(BANDAI_DATA / name, tmp_path / name)
    records = {r.id.rsplit("/", 1)[-1]: r for r in ingest_bvh_folder(tmp_path).records}
    for clip_id, record in records.items():
        assert record.features is not None and record.features.peak_speeds is not None
        measured = peak_speeds(retarget(read_bvh(tmp_path / f"{clip_id}.bvh"), None).motion)
        assert record.features.peak_speeds == pytest.approx(measured)
    active = records["dataset-1_bye_active_001"]
    assert active.features is not None and active.features.peak_speeds is not None
    rate = max_rate(active)
    assert 1.0 < rate < 1.1
    for group, limit in HUMAN_SPEED_LIMITS.items():
        assert active.features.peak_speeds[group] * rate <= limit + 1e-9
    assert active.features.peak_accelerations is not None
    for group, limit in HUMAN_ACCELERATION_LIMITS.items():
        assert active.features.peak_accelerations[group] * rate**2 <= limit + 1e-9
    assert max_rate(records["dataset-1_bye_childish_001"]) < 1.01


def test_a_record_from_before_speeds_were_measured_keeps_the_fixed_bound() -> None:
    line = _record("old", "wave", 1.0, 1.0).to_json()
    assert "peak_speeds" not in line
    old = ClipRecord.from_json(line)
    assert max_rate(old) == MAX_RATE and old.to_json() == line


TURN_THEN_WAVE = """INT. ROOF - NIGHT

STEEL turns away from BRICK.

STEEL
(waving)
Goodbye then, Brick. I am done with all of this, and with you.

BRICK
Fine. Go.

STEEL
I will. Do not call me again, ever, about anything at all, Brick.
"""


def test_a_gesture_layered_on_a_held_posture_releases_it_slowly_afterwards() -> None:
    """A wave played on a turned-away body (the assembler layers a gesture onto the posture in
    force), then idle: the release blend went to the wave, where nothing turns back, and the
    idle after it turned the pelvis back in 0.2 s (575 °/s with a Bandai clip)."""
    from scipy.spatial.transform import Rotation

    from motiondirector.realize import plan_text, realize_plan

    realization = realize_plan(plan_text(TURN_THEN_WAVE, format="fountain"), tokens=False)
    steel = realization.timeline.character("STEEL").segments
    wave = next(i for i, s in enumerate(steel) if s.lexeme == "wave")
    assert steel[wave - 1].lexeme == "turn" and steel[wave].blend_in <= 0.2 + 1e-9
    after = steel[wave + 1]
    assert after.lexeme == "idle"
    length = after.target_out - after.target_in
    assert after.blend_in == pytest.approx(min(RELEASE_BLEND, length / 2))
    motion = realization.motions["STEEL"]
    yaw = Rotation.from_quat(motion.rotations[:, 0]).as_euler("YXZ")[:, 0]
    turning = np.degrees(np.abs(np.diff(np.unwrap(yaw)))) * motion.fps
    assert turning.max() < HUMAN_SPEED_LIMITS["head_turn"]


LIE_THEN_GET_UP = """INT. BEDROOM - NIGHT

ANA and BEN are in the room.

BEN
I am so tired.

Ben lies down on the floor.

ANA
Get up! We are late.

Ben gets up.

BEN
Fine. Fine.
"""


def test_getting_up_off_the_floor_takes_twice_the_release_blend() -> None:
    """Up from lying in a 1 s blend moved the head at 2.7 m/s, past people's 2.3."""
    from motiondirector.realize import plan_text, realize_plan

    realization = realize_plan(plan_text(LIE_THEN_GET_UP, format="fountain"), tokens=False)
    ben = realization.timeline.character("BEN").segments
    stand = next(i for i, s in enumerate(ben) if s.lexeme == "stand")
    assert ben[stand - 1].lexeme == "lie"
    length = ben[stand].target_out - ben[stand].target_in
    assert ben[stand].blend_in == pytest.approx(min(2 * RELEASE_BLEND, length))
    assert ben[stand].blend_in > RELEASE_BLEND
    assert peak_speeds(realization.motions["BEN"])["head"] <= HUMAN_SPEED_LIMITS["head"]


def test_postures_a_scene_opens_on_are_held_and_standing_needs_no_clip() -> None:
    from motiondirector.realize import plan_text

    plan = plan_text(
        "INT. ROOM - DAY\n\nANA lies on the couch. BEN stands by the door.\n\nBEN\nUp.\n\n"
        "Ana sits up.\n\nANA\nFine.\n",
        format="fountain",
    )
    ana = body_slots(plan, "ANA")
    assert ana[0].held and ana[0].start == 0 and ana[0].event.lexeme == "lie"
    assert ana[0].length == pytest.approx(HELD_FRAMES / plan.scene.fps, abs=1e-5)
    sits = next(s for s in ana if s.event.lexeme == "sit")
    assert sits.held and sits.length >= MIN_SLOT  # got into from lying: the blend sits up
    assert not any(
        isinstance(s.event, PostureEvent) and s.event.lexeme == "stand"
        for s in body_slots(plan, "BEN")
    )


def test_a_later_scene_opening_on_a_held_posture_cuts_to_it(builtin_clips: ClipLibrary) -> None:
    from motiondirector.realize import plan_text

    plan = plan_text(
        "INT. HALL - DAY\n\nANA stands by the door.\n\nANA\nReady.\n\n"
        "INT. CAR - LATER\n\nANA sits behind the wheel.\n\nANA\nLet's go.\n",
        format="fountain",
    )
    timeline = sequence_plan(plan, builtin_clips, k=5)
    car = plan.beats[1].start
    held = next(s for s in timeline.character("ANA").segments if s.target_in >= car - 0.05)
    assert held.lexeme == "sit" and held.freezes and held.blend_in == 0
    after = timeline.character("ANA").segments
    following = after[after.index(held) + 1]
    assert following.lexeme == "sit" and following.kind == "procedural"
