"""Behaviour profiles of segments, and what words and plan events ask of them."""

from __future__ import annotations

import pytest

from motiondirector.faces.events import FaceBehaviour, read_behaviour
from motiondirector.faces.model import FaceModel
from motiondirector.faces.profile import (
    BehaviourProfile,
    behaviour_match,
    target_from_events,
    target_from_text,
)
from motiondirector.faces.segments import cut_segments, profile_of, summarize
from motiondirector.faces.tracker import FaceTrack, track_face
from motiondirector.plan.motion_plan import Envelope, FaceEvent, HeadEvent, Source, SyncPoints

from .clips import VIDEOS


def test_words_name_the_behaviour_they_ask_for() -> None:
    target = target_from_text("smiles broadly while nodding")
    assert dict(target.aus)[12] >= 0.8 and target.head == ("nod",)
    assert target_from_text("smiles").aus == ((12, 0.5),)
    talk = target_from_text("talks with wide mouth movements")
    assert talk.speaking is True and talk.wide_mouth
    assert target_from_text("listens silently").speaking is False
    assert target_from_text("turns the head").head == ("turn_away",)
    assert target_from_text("looks down sadly").gaze == "down"
    assert target_from_text("looks down sadly").emotion == "sadness"
    assert not target_from_text("walks to the door")


def test_plan_events_make_a_target() -> None:
    source = Source(planner="rules", rule="test", reason="test")
    smile = FaceEvent(
        id="f1",
        start=0.0,
        end=1.0,
        source=source,
        description="smile",
        au=12,
        intensity=0.8,
        envelope=Envelope(apex_start=0.2, apex_end=0.8),
    )
    nod = HeadEvent(
        id="h1",
        start=0.0,
        end=1.0,
        source=source,
        description="nods",
        lexeme="nod",
        sync=SyncPoints(start=0.0, ready=0.2, stroke=0.5, relax=0.8, end=1.0),
    )
    target = target_from_events([smile, nod], emotion="joy", speaking=False)
    assert target.aus == ((12, 0.8),) and target.head == ("nod",)
    assert target.emotion == "joy" and target.speaking is False
    # Each asked part is named for the search's explanation, silence too.
    assert target.parts == ("AU12 0.80", "head nod", "emotion joy", "silent")
    assert target_from_events([], speaking=True).parts == ("speaking",)


def test_a_real_profile_matches_what_it_shows(
    talking_track: FaceTrack, talking_behaviour: FaceBehaviour
) -> None:
    profile = profile_of(talking_track, talking_behaviour, 0.0, talking_track.duration)
    BehaviourProfile.model_validate_json(profile.model_dump_json())  # round-trips as JSON
    assert profile.face_model == talking_track.model_id
    assert len(profile.blendshapes) == 52 and profile.face_share == 1.0
    assert profile.speaking > 0.5 and profile.head.get("turn_away", 0) >= 1
    smiling = behaviour_match(profile, target_from_text("smiles while talking"))
    frowning = behaviour_match(profile, target_from_text("frowns in silence"))
    assert smiling > 0.7 > frowning
    assert behaviour_match(None, target_from_text("smiles")) == 0.0
    assert "smiles" in summarize(profile, talking_track.duration)


def test_a_clip_is_cut_into_described_segments(
    talking_track: FaceTrack, talking_behaviour: FaceBehaviour
) -> None:
    segments = cut_segments(talking_track, talking_behaviour)
    whole, *parts = segments
    assert whole.whole and (whole.start, whole.end) == (0.0, 4.0)
    assert parts and all(not p.whole for p in parts)
    assert all(p.end - p.start <= 3.0 + 1e-9 for p in parts)
    assert parts[0].start == 0.0 and parts[-1].end == 4.0
    for segment in segments:
        assert segment.descriptions[0] == segment.summary
        assert all(e.start < segment.end and e.end > segment.start for e in segment.events)
        assert "face" in segment.free_tags


def test_a_summary_does_not_name_an_emotion_opposed_to_the_smile_it_names(
    talking_track: FaceTrack, talking_behaviour: FaceBehaviour
) -> None:
    profile = profile_of(talking_track, talking_behaviour, 0.0, talking_track.duration)
    aus = {**dict.fromkeys(profile.aus, 0.0), 12: 0.8, 4: 0.5, 23: 0.4}
    smiling = profile.model_copy(update={"aus": aus, "emotion": "anger"})
    line = summarize(smiling, talking_track.duration)
    assert "smiles broadly" in line and "lowers the brows" in line
    assert "angry" not in line and "frowns" not in line
    # Without the smile the emotion and the frown are said.
    frowning = smiling.model_copy(update={"aus": {**aus, 12: 0.0}})
    line = summarize(frowning, talking_track.duration)
    assert "frowns" in line and line.endswith("; looks angry")
    sad_mouth = smiling.model_copy(update={"aus": {**aus, 12: 0.0, 15: 0.7}, "emotion": "joy"})
    assert "looks happy" not in summarize(sad_mouth, talking_track.duration)
    assert "looks surprised" in summarize(
        smiling.model_copy(update={"emotion": "surprise"}), talking_track.duration
    )


def test_a_real_clip_that_grins_and_tenses_up_is_described_without_contradiction(
    face_model: FaceModel,
) -> None:
    # lp_d18 presses and sucks in the lips, yawns and grins: its mean matches anger.
    track = track_face(VIDEOS / "lp_d18.mp4", model=face_model)
    segments = cut_segments(track, read_behaviour(track))
    whole = segments[0]
    assert whole.profile.emotion == "anger" and whole.profile.aus[12] >= 0.6
    assert "smiles broadly" in whole.summary and "angry" not in whole.summary
    for segment in segments:
        assert not ("smiles" in segment.summary and "angry" in segment.summary), segment.summary


def _silent_profile(emotion: str, intensity: float) -> BehaviourProfile:
    return BehaviourProfile(
        face_model="test",
        face_share=1.0,
        blendshapes=(0.0,) * 52,
        aus={},
        head_energy=(0.0, 0.0, 0.0),
        head={},
        gaze={},
        blinks_per_min=12.0,
        speaking=0.0,
        mouth_open=0.0,
        emotion=emotion,  # type: ignore[arg-type]
        emotion_intensity=intensity,
    )


def test_a_neutral_face_is_asked_for_as_neutral_as_it_is_faint() -> None:
    """A listener's slot asking for a neutral, silent face took any silent face at 1.00, an
    angry one included; a faint expression now counts as nearly neutral, a strong one not."""
    target = target_from_events([], emotion="neutral", speaking=False)
    neutral = behaviour_match(_silent_profile("neutral", 0.87), target)
    faint = behaviour_match(_silent_profile("anger", 0.22), target)
    strong = behaviour_match(_silent_profile("surprise", 0.9), target)
    assert neutral > faint > strong
    assert faint == pytest.approx((1.0 + 0.78) / 2) and strong == pytest.approx((1.0 + 0.1) / 2)
    # Other emotions are asked for as before: the same emotion or nothing.
    joy = target_from_events([], emotion="joy", speaking=False)
    assert behaviour_match(_silent_profile("anger", 0.9), joy) == 0.5
