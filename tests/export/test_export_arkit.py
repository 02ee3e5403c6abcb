from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.export import ExportError, arkit_curves, export_plan
from motiondirector.export.arkit import SMILE_YIELD, frame_times
from motiondirector.export.idle import idle_face
from motiondirector.plan.motion_plan import (
    CharacterTrack,
    Envelope,
    FaceEvent,
    MotionPlan,
)
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.speech import attach_visemes
from motiondirector.speech.tables import load_speech_tables

NAMES = load_arkit_map().blendshapes
COL = {name: i for i, name in enumerate(NAMES)}


def _at(times: np.ndarray, seconds: float) -> int:
    index = int(np.argmin(np.abs(times - seconds)))
    assert abs(times[index] - seconds) < 1e-9, f"{seconds} is not on the frame grid"
    return index


def _with_face_events(plan: MotionPlan, *events: FaceEvent) -> MotionPlan:
    ana = plan.characters[0]
    track = CharacterTrack(name=ana.name, events=(*ana.events, *events))
    return plan.model_copy(update={"characters": (track, plan.characters[1])})


def _face(template: FaceEvent, id: str, au: int, intensity: float) -> FaceEvent:
    return template.model_copy(update={"id": id, "au": au, "intensity": intensity})


def event_curves(
    plan: MotionPlan, character: str, fps: int = 30, *, speech: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The curves without the idle drift, so the events' own values can be checked exactly."""
    return arkit_curves(plan, character, fps, speech=speech, idle=False)


def test_frame_grid_covers_the_scene_at_30_and_60_fps(plan: MotionPlan) -> None:
    assert FPS_CHOICES == (30, 60)
    for fps, frames in ((30, 181), (60, 361)):
        times, weights = arkit_curves(plan, "ANA", fps)
        assert times.shape == (frames,)
        assert weights.shape == (frames, 52)
        assert times[0] == 0.0
        assert times[-1] == pytest.approx(6.0)
        assert np.allclose(np.diff(times), 1 / fps)
    assert frame_times(6.01, 30)[-1] >= 6.01


def test_weights_stay_in_unit_range(plan: MotionPlan) -> None:
    for name in ("ANA", "BEN"):
        _, weights = arkit_curves(plan, name, 60)
        assert weights.min() >= 0.0
        assert weights.max() <= 1.0


def test_smile_follows_its_envelope(plan: MotionPlan) -> None:
    # Without speech: while ANA speaks, lip rounding takes a little of her smile (below).
    times, weights = event_curves(plan, "ANA", 30, speech=False)
    smile = weights[:, COL["mouthSmileLeft"]]
    apex = (times >= 1.0) & (times <= 2.0)
    assert np.allclose(smile[apex], 0.6, atol=1e-12)
    assert np.array_equal(smile, weights[:, COL["mouthSmileRight"]])
    outside = (times <= 0.5) | (times >= 2.5)
    assert np.all(smile[outside] == 0.0)
    onset = smile[(times >= 0.5) & (times <= 1.0)]
    offset = smile[(times >= 2.0) & (times <= 2.5)]
    assert np.all(np.diff(onset) > 0)
    assert np.all(np.diff(offset) < 0)
    # Smoothstep: half-way through the onset is half the intensity.
    times, weights = event_curves(plan, "ANA", 60, speech=False)
    assert weights[_at(times, 0.75), COL["mouthSmileLeft"]] == pytest.approx(0.3)


def test_au_maps_through_the_arkit_table(plan: MotionPlan) -> None:
    times, weights = event_curves(plan, "ANA", 30)
    i = _at(times, 1.5)
    # AU6 at 0.4 drives cheekSquint at 1.0 and eyeSquint at 0.3.
    assert weights[i, COL["cheekSquintLeft"]] == pytest.approx(0.4)
    assert weights[i, COL["eyeSquintRight"]] == pytest.approx(0.12)
    times, weights = event_curves(plan, "BEN", 30)
    assert weights[_at(times, 4.0), COL["browDownLeft"]] == pytest.approx(0.5)
    assert weights[_at(times, 5.6), COL["eyeBlinkLeft"]] == pytest.approx(1.0)
    assert weights[_at(times, 5.0), COL["eyeBlinkLeft"]] == 0.0


def test_overlapping_events_of_one_au_take_the_max(plan: MotionPlan) -> None:
    smile = plan.characters[0].events[2]
    assert isinstance(smile, FaceEvent) and smile.au == 12
    weaker = _face(smile, "ana-smile-2", 12, 0.3)
    times, weights = event_curves(_with_face_events(plan, weaker), "ANA", 30, speech=False)
    assert weights[_at(times, 1.5), COL["mouthSmileLeft"]] == pytest.approx(0.6)


def test_summed_aus_are_clipped_to_one(plan: MotionPlan) -> None:
    smile = plan.characters[0].events[2]
    assert isinstance(smile, FaceEvent)
    tight = _face(smile, "ana-lids", 7, 1.0)
    cheeks = _face(smile, "ana-cheeks-full", 6, 1.0)
    times, weights = arkit_curves(_with_face_events(plan, tight, cheeks), "ANA", 30)
    assert weights[_at(times, 1.5), COL["eyeSquintLeft"]] == 1.0


def test_zero_length_onset_and_offset_are_steps_held_through_their_points(
    plan: MotionPlan,
) -> None:
    smile = plan.characters[0].events[2]
    assert isinstance(smile, FaceEvent)
    sudden = smile.model_copy(
        update={"id": "ana-brow", "au": 1, "start": 3.0, "end": 4.0,
                "envelope": Envelope(apex_start=3.0, apex_end=4.0)}
    )  # fmt: skip
    times, weights = event_curves(_with_face_events(plan, sudden), "ANA", 30)
    brow = weights[:, COL["browInnerUp"]]
    assert brow[_at(times, 3.0) - 1] == 0.0
    assert brow[_at(times, 3.0)] == pytest.approx(0.6)
    # Held on its last point too: a movement the scene's end cuts ends raised, not dropped.
    assert brow[_at(times, 4.0)] == pytest.approx(0.6)
    assert brow[_at(times, 4.0) + 1] == 0.0


def test_the_last_frame_past_the_scene_s_end_shows_the_end(plan: MotionPlan) -> None:
    smile = plan.characters[0].events[2]
    assert isinstance(smile, FaceEvent)
    end = plan.scene.duration - 0.01  # between two frames
    held = smile.model_copy(
        update={"id": "ana-brow", "au": 1, "start": end - 1.0, "end": end,
                "envelope": Envelope(apex_start=end - 0.8, apex_end=end)}
    )  # fmt: skip
    short = plan.model_copy(update={"scene": plan.scene.model_copy(update={"duration": end})})
    times, weights = event_curves(_with_face_events(short, held), "ANA", 30)
    assert times[-1] > end
    assert weights[-1, COL["browInnerUp"]] == pytest.approx(0.6)


def _word_spans(plan: MotionPlan, speaker: str) -> list[tuple[float, float]]:
    return [(w.start, w.end) for u in plan.utterances if u.speaker == speaker for w in u.words]


SPEECH = [COL[n] for n in load_speech_tables().speech_shapes]


@pytest.mark.parametrize("fps", FPS_CHOICES)
def test_the_mouth_moves_only_near_that_characters_words(plan: MotionPlan, fps: int) -> None:
    for name in ("ANA", "BEN"):
        times, weights = arkit_curves(plan, name, fps)
        _, still = arkit_curves(plan, name, fps, speech=False)
        spans = _word_spans(plan, name)
        near = np.zeros(times.size, dtype=bool)
        for start, end in spans:
            near |= (times > start - 0.15) & (times < end + 0.15)
        # Away from speech the mouth is the expression's alone, exactly.
        assert np.array_equal(weights[~near], still[~near]), name
        # Open as far as people talking open it (in the shared talking-face clips 0.24 on average
        # while speaking, 0.62 at the 95th percentile), never agape.
        jaw = weights[:, COL["jawOpen"]]
        assert 0.3 <= jaw.max() <= 0.7
        for start, end in spans:
            inside = (times > start) & (times < end)
            assert weights[np.ix_(inside, SPEECH)].max() > 0.05, (name, start)


def test_bilabials_close_the_lips_and_vowels_open_them(plan: MotionPlan) -> None:
    times, weights = arkit_curves(plan, "ANA", 60)
    closure = np.maximum(weights[:, COL["mouthClose"]], weights[:, COL["mouthPressLeft"]])
    ben = (times >= 0.9) & (times <= 0.97)  # the B of "Ben,"
    assert closure[ben].max() > 0.5
    hello = (times > 0.5) & (times < 0.85)
    assert closure[hello].max() < 0.1  # h-e-l-l-o has no bilabial
    # The old syllable model opened the jaw on "b"; now the jaw closes on it and opens after.
    jaw = weights[:, COL["jawOpen"]]
    assert jaw[_at(times, 0.95)] < jaw[_at(times, 1.05)]


@pytest.mark.parametrize("fps", FPS_CHOICES)
def test_mouth_close_never_exceeds_jaw_open(plan: MotionPlan, fps: int) -> None:
    # ARKit's mouthClose closes the lips of an open jaw ("without relation to the position of
    # the jaw"): above jawOpen it pushes the lips through each other on ARKit rigs. Real faces
    # never go there (MediaPipe's blendshapes of three talking-head videos, 983 frames:
    # mouthClose - jawOpen at most 0.0); "Ben" had mouthClose 0.45 over a jawOpen of 0.03.
    times, weights = arkit_curves(plan, "ANA", fps)
    close, jaw = weights[:, COL["mouthClose"]], weights[:, COL["jawOpen"]]
    assert (close <= jaw + 1e-12).all()
    # The lips still close on the B of "Ben," (pressed together) and open after it.
    ben = (times >= 0.9) & (times <= 0.97)
    assert weights[ben, COL["mouthPressLeft"]].max() > 0.5
    assert close.max() > 0.0


def test_lips_round_ahead_of_a_rounded_vowel(plan: MotionPlan) -> None:
    times, weights = arkit_curves(plan, "ANA", 60)
    pucker = weights[:, COL["mouthPucker"]]
    # "Hello": the "o" (OW) starts at about 0.71 s; rounding is under way during the "l".
    assert pucker[_at(times, 0.7)] > 0.1
    assert pucker[_at(times, 0.55)] < pucker[_at(times, 0.7)] < pucker[_at(times, 0.85)]
    # The mouth never snaps: no frame-to-frame jump of more than a third of the range.
    assert np.abs(np.diff(weights[:, SPEECH], axis=0)).max() < 0.34


def test_a_smile_stays_over_speech_and_yields_only_to_rounding(plan: MotionPlan) -> None:
    times, weights = event_curves(plan, "ANA", 60)
    _, still = event_curves(plan, "ANA", 60, speech=False)
    smile = weights[:, COL["mouthSmileLeft"]]
    rounding = np.maximum(weights[:, COL["mouthPucker"]], weights[:, COL["mouthFunnel"]])
    apex = (times >= 1.0) & (times <= 2.0)
    assert np.allclose(smile[apex & (rounding < 1e-3)], 0.6, atol=1e-3)
    assert np.allclose(smile[apex], 0.6 * (1.0 - SMILE_YIELD * rounding[apex]))
    # The smile does not stop the lips closing: "Ben," closes them mid-smile (apex from 1.0 s).
    for shape in ("cheekSquintLeft", "browInnerUp", "eyeSquintLeft"):
        assert np.array_equal(weights[:, COL[shape]], still[:, COL[shape]])


def test_speech_owns_the_articulation_shapes_while_speaking(plan: MotionPlan) -> None:
    """A jaw-drop AU during speech does not hold the mouth open over a bilabial."""
    smile = plan.characters[0].events[2]
    assert isinstance(smile, FaceEvent)
    drop = _face(smile, "ana-jaw", 26, 1.0)  # AU26 jaw drop over the whole line
    times, weights = arkit_curves(_with_face_events(plan, drop), "ANA", 60)
    closure = np.maximum(weights[:, COL["mouthClose"]], weights[:, COL["mouthPressLeft"]])
    assert closure[(times >= 0.9) & (times <= 0.97)].max() > 0.5
    _, alone = arkit_curves(_with_face_events(plan, drop), "ANA", 60, speech=False)
    assert alone[_at(times, 0.95), COL["jawOpen"]] > weights[_at(times, 0.95), COL["jawOpen"]]


def test_the_mouth_rests_within_150_ms_of_silence(plan: MotionPlan) -> None:
    times, weights = arkit_curves(plan, "ANA", 60)
    _, still = arkit_curves(plan, "ANA", 60, speech=False)
    end = plan.utterances[0].end
    after = times >= end + 0.15
    assert np.array_equal(weights[after], still[after])
    assert weights[_at(times, end), COL["jawOpen"]] > 0.0


def test_a_carried_track_is_read_as_given(plan: MotionPlan) -> None:
    carried = attach_visemes(plan)
    assert all(u.visemes for u in carried.utterances)
    assert np.array_equal(arkit_curves(carried, "ANA", 60)[1], arkit_curves(plan, "ANA", 60)[1])
    u1 = carried.utterances[0]
    assert u1.visemes is not None
    # Shut the mouth on every key: the lips close all through the line.
    closed = tuple(k.model_copy(update={"viseme": "PP"}) for k in u1.visemes)
    edited = carried.model_copy(
        update={"utterances": (u1.model_copy(update={"visemes": closed}), carried.utterances[1])}
    )
    times, weights = arkit_curves(edited, "ANA", 60)
    inside = (times > u1.start + 0.05) & (times < u1.end - 0.05)
    assert weights[inside, COL["mouthPressLeft"]].min() > 0.5


def test_gaze_turns_the_eyes(plan: MotionPlan) -> None:
    times, ana = arkit_curves(plan, "ANA", 30)
    down = ana[:, COL["eyeLookDownLeft"]]
    assert down[_at(times, 4.5)] == pytest.approx(0.5)
    assert ana[_at(times, 4.5), COL["eyeLookDownRight"]] == pytest.approx(0.5)
    assert down[_at(times, 4.0)] == 0.0
    assert 0.0 < down[_at(times, 4.0) + 2] < 0.5  # a short transition, not a jump
    assert np.all(down[(times <= 4.0) | (times >= 5.0)] == 0.0)
    look = np.array([COL[n] for n in NAMES if n.startswith("eyeLook")])
    at_ben = (times >= 0.4) & (times <= 2.6)
    assert np.all(ana[np.ix_(at_ben, look)] == 0.0)  # looking at a character: centred

    times, ben = arkit_curves(plan, "BEN", 30)
    i = _at(times, 3.5)
    assert ben[i, COL["eyeLookOutLeft"]] == pytest.approx(0.5)
    assert ben[i, COL["eyeLookInRight"]] == pytest.approx(0.5)
    assert ben[i, COL["eyeLookOutRight"]] == 0.0


def test_same_input_same_curves(plan: MotionPlan) -> None:
    a = arkit_curves(plan, "BEN", 60)
    b = arkit_curves(plan, "BEN", 60)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_unknown_character_and_rate_are_errors(plan: MotionPlan) -> None:
    with pytest.raises(ExportError, match="'ANA', 'BEN'"):
        arkit_curves(plan, "CARL")
    # Curves sample at any whole rate; the ARKit files are written at 30 or 60 fps only.
    times, _ = arkit_curves(plan, "ANA", 25)
    assert times[1] == pytest.approx(1 / 25)
    for bad in (0, -30, 2.5, True):
        with pytest.raises(MotionDirectorError, match="positive whole number"):
            arkit_curves(plan, "ANA", bad)  # type: ignore[arg-type]
    with pytest.raises(MotionDirectorError, match="30, 60"):
        export_plan(plan, "arkit-csv", character="ANA", fps=25)


def test_csv_layout(plan: MotionPlan) -> None:
    text = export_plan(plan, "arkit-csv", character="ANA")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["time", *NAMES]
    assert len(rows) == 1 + 181
    number = re.compile(r"^\d\.\d{4}$")
    assert all(len(row) == 53 and all(number.match(v) for v in row) for row in rows[1:])
    assert [row[0] for row in rows[1:4]] == ["0.0000", "0.0333", "0.0667"]
    assert rows[1 + 45][1 + COL["cheekSquintLeft"]] == "0.4000"  # t = 1.5 s
    assert rows[-1][0] == "6.0000"
    assert text.endswith("\n") and "\r" not in text
    assert len(export_plan(plan, "arkit-csv", character="ANA", fps=60).splitlines()) == 362


def test_json_layout(plan: MotionPlan) -> None:
    text = export_plan(plan, "arkit-json", character="BEN", fps=60)
    data = json.loads(text)
    assert data["format"] == "motiondirector-arkit-52"
    assert data["character"] == "BEN"
    assert data["fps"] == 60
    assert data["blendshapes"] == list(NAMES)
    assert len(data["frames"]) == 361
    assert all(len(frame) == 53 for frame in data["frames"])
    frame = data["frames"][60 * 4]  # t = 4.0 s: BEN frowns at 0.5, over his idle drift
    assert frame[0] == 4.0
    drift = idle_face(np.array([4.0]), "BEN", NAMES)[0, COL["browDownLeft"]]
    assert frame[1 + COL["browDownLeft"]] == pytest.approx(0.5 + drift, abs=5e-5)
    _, weights = arkit_curves(plan, "BEN", 60)
    assert np.allclose(np.asarray(data["frames"])[:, 1:], weights, atol=5e-5)


def test_the_idle_drift_lies_under_the_events_and_gives_the_jaw_to_speech(
    plan: MotionPlan,
) -> None:
    times, weights = arkit_curves(plan, "ANA", 30)
    _, events = event_curves(plan, "ANA", 30)
    drift = idle_face(times, "ANA", NAMES)
    # Brows: the events' values plus the character's resting brow and its drift.
    for shape in ("browInnerUp", "browDownLeft"):
        assert np.allclose(weights[:, COL[shape]], events[:, COL[shape]] + drift[:, COL[shape]])
    assert weights[:, COL["browInnerUp"]].min() > 0.0
    # The jaw is speech's alone within the line, and stirs on its own away from it.
    line = plan.utterances[0]
    inside = (times >= line.start) & (times <= line.end)
    jaw = COL["jawOpen"]
    assert np.array_equal(weights[inside, jaw], events[inside, jaw])
    after = times >= line.end + 0.3
    assert np.allclose(weights[after, jaw], events[after, jaw] + drift[after, jaw])
    assert drift[after, jaw].max() > 0.0
    # Eyes and blinks are the events' own.
    eyes = [COL[n] for n in NAMES if n.startswith("eye")]
    assert np.array_equal(weights[:, eyes], events[:, eyes])
