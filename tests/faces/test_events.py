"""Behaviour events read from face tracks, in the plan's vocabulary and described by the plan's
own description code."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

from motiondirector.faces.events import (
    EVENT_AUS,
    FaceBehaviour,
    au_projection,
    estimate_emotion,
    read_behaviour,
)
from motiondirector.faces.tracker import FaceTrack
from motiondirector.plan.motion_plan import Event, FaceEvent, GazeEvent, HeadEvent
from motiondirector.plan.realizer.describe import describe_face, describe_head
from motiondirector.plan.vocabulary import load_arkit_map, load_emfacs

FPS = 30.0


def synthetic(seconds: float = 3.0, **curves: np.ndarray) -> FaceTrack:
    """A still, neutral face with the given blendshape (by name) or head ('yaw', 'pitch',
    'roll') curves over it."""
    frames = round(seconds * FPS)
    names = load_arkit_map().blendshapes
    blend = np.zeros((frames, 52))
    head = np.zeros((frames, 3))
    axes = {"yaw": 0, "pitch": 1, "roll": 2}
    for name, values in curves.items():
        if name in axes:
            head[:, axes[name]] = values
        else:
            blend[:, names.index(name)] = values
    return FaceTrack(
        source="synthetic",
        model_id="test@0",
        fps=FPS,
        width=512,
        height=512,
        times=np.arange(frames) / FPS,
        present=np.ones(frames, dtype=bool),
        blendshapes=blend,
        head=head,
        eyes=np.zeros((frames, 4)),
        landmarks=np.zeros((frames, 478, 3), dtype=np.float32),
    )


def seconds(track: FaceTrack) -> np.ndarray:
    return track.times


def test_the_inverse_map_reads_an_au_back_from_its_blendshapes() -> None:
    codes, matrix = au_projection()
    arkit = load_arkit_map()
    for code in (1, 4, 6, 12):
        shapes = np.zeros(52)
        for name, weight in arkit.au_to_blendshapes[code].items():
            shapes[arkit.blendshapes.index(name)] = 0.7 * weight
        assert (shapes @ matrix)[codes.index(code)] == pytest.approx(0.7)


def test_events_of_real_video_are_plan_events(talking_behaviour: FaceBehaviour) -> None:
    events = talking_behaviour.events
    assert events, "a talking face makes events"
    adapter: TypeAdapter[Event] = TypeAdapter(Event)
    for event in events:
        adapter.validate_python(event.model_dump())  # the plan's own contract
        assert event.source.planner == "video"
    assert [e.id for e in events] == [f"{e.channel}{n:03d}" for n, e in enumerate(events, 1)]
    assert [e.start for e in events] == sorted(e.start for e in events)


def test_a_real_smile_a_blink_and_a_head_turn_are_read(
    talking_behaviour: FaceBehaviour,
) -> None:
    events = talking_behaviour.events
    smiles = [e for e in events if isinstance(e, FaceEvent) and e.au == 12]
    assert smiles and max(e.intensity for e in smiles) >= 0.6
    smile = max(smiles, key=lambda e: e.intensity)
    # Described by the same code that describes planned face events.
    assert smile.description == describe_face(12, smile.intensity, "seen in the video")
    assert smile.start <= smile.envelope.apex_start <= smile.envelope.apex_end <= smile.end
    assert any(isinstance(e, FaceEvent) and e.au == 45 for e in events)
    turns = [e for e in events if isinstance(e, HeadEvent) and e.lexeme == "turn_away"]
    assert turns and turns[0].description == describe_head("turn_away", 1, None)
    kinds = {state.kind for state in talking_behaviour.states}
    assert {"speaking", "emotion"} <= kinds


def test_a_nod_and_a_shake_come_from_rotation() -> None:
    t = np.arange(90) / FPS
    swing = np.where((t > 0.5) & (t < 2.0), 6.0 * np.sin(2 * np.pi * 2.0 * (t - 0.5)), 0.0)
    nodding = read_behaviour(synthetic(pitch=swing))
    nods = [e for e in nodding.events if isinstance(e, HeadEvent)]
    assert [e.lexeme for e in nods] == ["nod"]
    assert nods[0].repetitions >= 2 and 0.4 <= nods[0].start <= 0.7
    assert nods[0].description.startswith("nods")
    shaking = read_behaviour(synthetic(yaw=1.5 * swing))
    assert [e.lexeme for e in shaking.events if isinstance(e, HeadEvent)] == ["shake"]


def test_a_held_tilt_is_a_tilt_and_a_still_head_is_nothing() -> None:
    t = np.arange(90) / FPS
    tilted = read_behaviour(synthetic(roll=np.where((t > 1.0) & (t < 2.0), 12.0, 0.0)))
    assert [e.lexeme for e in tilted.events if isinstance(e, HeadEvent)] == ["tilt"]
    assert read_behaviour(synthetic()).events == ()


def test_blinks_and_closed_eyes_are_told_apart() -> None:
    t = np.arange(120) / FPS
    lids = np.where((t > 0.5) & (t < 0.65), 0.9, 0.05) + np.where((t > 2.0) & (t < 3.0), 0.9, 0)
    behaviour = read_behaviour(synthetic(4.0, eyeBlinkLeft=lids, eyeBlinkRight=lids))
    codes = [e.au for e in behaviour.events if isinstance(e, FaceEvent)]
    assert codes == [45, 43]


def test_missing_frames_never_make_events() -> None:
    t = np.arange(90) / FPS
    lids = np.where((t > 1.0) & (t < 1.2), 0.9, 0.05)
    track = synthetic(eyeBlinkLeft=lids, eyeBlinkRight=lids)
    gone = (t > 0.9) & (t < 1.3)
    hidden = FaceTrack(
        **{
            **track.__dict__,
            "present": ~gone,
            "blendshapes": np.where(gone[:, None], np.nan, track.blendshapes),
            "head": np.where(gone[:, None], np.nan, track.head),
        }
    )
    assert read_behaviour(track).events
    assert read_behaviour(hidden).events == ()


def test_gaze_away_is_read_from_the_eyes() -> None:
    track = synthetic()
    eyes = track.eyes.copy()
    eyes[30:60, [0, 2]] = 20.0
    behaviour = read_behaviour(FaceTrack(**{**track.__dict__, "eyes": eyes}))
    gazes = [e for e in behaviour.events if isinstance(e, GazeEvent)]
    assert [(g.target, g.description) for g in gazes] == [("away", "looks away")]
    assert gazes[0].start == pytest.approx(1.0) and gazes[0].end == pytest.approx(2.0)


@pytest.mark.parametrize("emotion", ["joy", "sadness", "surprise", "anger"])
def test_an_emfacs_prototype_reads_as_its_emotion(emotion: str) -> None:
    activity = np.zeros((10, len(EVENT_AUS)))
    for au, weight in load_emfacs()[emotion].items():
        if au in EVENT_AUS:
            activity[:, EVENT_AUS.index(au)] = weight * 0.6
    label, intensity = estimate_emotion(EVENT_AUS, activity)
    assert label == emotion and intensity > 0.5
    assert estimate_emotion(EVENT_AUS, np.zeros((10, len(EVENT_AUS))))[0] == "neutral"


def test_a_clip_shorter_than_the_analysis_windows_reads() -> None:
    t = np.arange(10) / FPS
    behaviour = read_behaviour(synthetic(10 / FPS, jawOpen=0.3 * (t > 0.1), pitch=t))
    assert behaviour.au_curves.shape == (10, len(EVENT_AUS))


def test_a_blink_is_not_read_as_a_glance_down() -> None:
    t = np.arange(90) / FPS
    closed = (t > 1.0) & (t < 1.4)
    lids = np.where(closed, 0.9, 0.05)
    track = synthetic(eyeBlinkLeft=lids, eyeBlinkRight=lids)
    eyes = track.eyes.copy()
    eyes[closed, 1] = eyes[closed, 3] = -20.0  # the model reads closing lids as looking down
    behaviour = read_behaviour(FaceTrack(**{**track.__dict__, "eyes": eyes}))
    assert [type(e).__name__ for e in behaviour.events] == ["FaceEvent"]
    assert [e.au for e in behaviour.events if isinstance(e, FaceEvent)] == [45]
