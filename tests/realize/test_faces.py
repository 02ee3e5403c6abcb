"""Faces realized from a real face library: real segments where they score, the plan's curves
elsewhere, warped to the slot, joined smoothly, the mouth still the plan's speech, and the
timeline and OTIO naming the source video with its in and out points."""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from PIL import Image

from motiondirector.cli import main
from motiondirector.export.arkit import arkit_curves, frame_times
from motiondirector.export.face_curves import FaceCurves
from motiondirector.export.head_eyes import HeadEyesCurves
from motiondirector.export.otio import media_url, timeline_to_otio_json
from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.faces.model import FACE_MODEL_ENV, find_face_model
from motiondirector.faces.tracker import pack_tracks
from motiondirector.generators.backends.scene import build_requests, read_direction
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.backends.wan_animate import WanAnimateBackend
from motiondirector.generators.face_track import RealFaceVideo, draw_face, face_conditioning
from motiondirector.plan.motion_plan import FaceEvent, MotionPlan
from motiondirector.plan.timeline import CharacterTimeline, FaceSegment, Timeline
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize import plan_script, plan_text
from motiondirector.realize.body import Realization
from motiondirector.realize.faces import (
    FACE_BLEND_S,
    MAX_WARP,
    FaceLibrary,
    FaceLibraryError,
    cast_performers,
    decide_faces,
    face_slots,
    keep_casting,
    open_face_library,
    realize_faces,
    sample_segment,
    source_window,
)
from motiondirector.retrieval import ClipLibrary
from motiondirector.retrieval.video import FACE_TRACKS
from motiondirector.speech import character_keys, speech_curves
from motiondirector.speech.coarticulation import speech_shape_columns

from ..conftest import EXAMPLE_SCENE
from ..faces.clips import FACE_MODEL

SCRIPT = (
    "ANA: (smiling) Hello, Ben! It is so good to see you again after all this time.\n"
    "BEN: (nodding) Yes. I missed you too. Tell me everything about the trip.\n"
    "ANA: (laughing) Where do I even start? The mountains were wonderful, and the people too.\n"
)


@pytest.fixture(autouse=True)
def _face_model_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))


@pytest.fixture(scope="module")
def library(face_clip_library: ClipLibrary) -> ClipLibrary:
    return face_clip_library


@pytest.fixture(scope="module")
def faces(library: ClipLibrary) -> FaceLibrary:
    return open_face_library(library, face_model=find_face_model(FACE_MODEL).model_id)


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text(SCRIPT, format="text")


def _bare(plan: MotionPlan) -> Realization:
    """The plan with an empty body timeline: faces are realized on their own here."""
    names = tuple(CharacterTimeline(name=t.name, segments=()) for t in plan.characters)
    timeline = Timeline(duration=plan.scene.duration, characters=names)
    return Realization(plan=plan, timeline=timeline, motions={})


@pytest.fixture(scope="module")
def realized(plan: MotionPlan, faces: FaceLibrary) -> Realization:
    return realize_faces(_bare(plan), faces, threshold=0.45)


def _segments(realization: Realization) -> list[tuple[str, FaceSegment]]:
    return [(t.name, s) for t in realization.timeline.characters for s in t.face_segments]


def test_slots_get_real_faces_from_inside_the_clips(
    realized: Realization, faces: FaceLibrary, plan: MotionPlan
) -> None:
    segments = _segments(realized)
    assert len(segments) == len(plan.characters) * len(plan.utterances)
    real = [s for _, s in segments if s.kind == "clip"]
    assert real, [s.provenance.reason for _, s in segments]
    for segment in real:
        assert segment.source is not None and Path(segment.source).parent.name == "talks"
        track = faces.tracks[segment.source]
        assert 0.0 <= segment.source_in < segment.source_out <= track.duration + 1e-6
        assert segment.provenance.reason.startswith("real face: ")
        assert segment.provenance.scores["threshold"] == 0.45
        assert segment.provenance.score is not None and segment.provenance.score >= 0.45
    assert realized.timeline.schema_version == "1.1"
    back = Timeline.model_validate_json(realized.timeline.to_json())
    assert back == realized.timeline


def test_a_real_segment_is_warped_onto_its_slot(realized: Realization, faces: FaceLibrary) -> None:
    for _, segment in _segments(realized):
        if segment.kind != "clip" or segment.source is None:
            continue
        track = faces.tracks[segment.source]
        ends = np.array([segment.target_in, segment.target_out])
        warped = sample_segment(segment, track, ends)
        straight = sample_segment(
            segment.model_copy(
                update={"target_in": segment.source_in, "target_out": segment.source_out}
            ),
            track,
            np.array([segment.source_in, segment.source_out]),
        )
        assert np.allclose(warped.weights, straight.weights)
        rate = segment.provenance.scores["warp"]
        slot = segment.target_out - segment.target_in
        assert (segment.source_out - segment.source_in) / rate == pytest.approx(slot, abs=2e-3)
    for name, curves in realized.faces.items():
        times, weights = arkit_curves(realized.plan, name)
        assert curves.weights.shape == weights.shape and np.array_equal(curves.times, times)


def test_a_threshold_above_one_keeps_every_slot_procedural(
    plan: MotionPlan, faces: FaceLibrary
) -> None:
    done = realize_faces(_bare(plan), faces, threshold=1.01)
    for _, segment in _segments(done):
        assert segment.kind == "procedural" and segment.source is None
        assert "< threshold 1.01" in segment.provenance.reason
    for name, curves in done.faces.items():
        _, weights = arkit_curves(plan, name)
        assert np.array_equal(curves.weights, weights)
        planned = HeadEyesCurves(plan, name).sample(curves.times)
        assert np.array_equal(curves.head, planned.head)


def _inner_frames(times: np.ndarray, segment: FaceSegment) -> np.ndarray:
    half = segment.blend_in / 2.0
    return (times > segment.target_in + half) & (times < segment.target_out - half)


def test_the_mouth_of_a_real_face_is_the_plans_speech(realized: Realization) -> None:
    names = load_arkit_map().blendshapes
    articulation = speech_shape_columns(names)
    checked = 0
    for name, segment in _segments(realized):
        if segment.kind != "clip":
            continue
        curves = realized.faces[name]
        _, planned = arkit_curves(realized.plan, name)
        _, activity = speech_curves(character_keys(realized.plan, name), curves.times, names)
        speaker = next(u.speaker for u in realized.plan.utterances if u.id == segment.utterance_id)
        inner = _inner_frames(curves.times, segment)
        # The speaker's mouth is the plan's while it speaks; a listener's all through the slot.
        frames = inner & (activity >= 1.0) if speaker == name else inner
        checked += int(frames.sum())
        assert np.allclose(
            curves.weights[frames][:, articulation], planned[frames][:, articulation]
        )
        # ... while the rest of the face is the real one.
        inside = _inner_frames(curves.times, segment)
        assert not np.allclose(curves.weights[inside], planned[inside])
    assert checked > 10


def test_joins_fade_without_a_jump(realized: Realization, plan: MotionPlan) -> None:
    """At a join the face moves at most a little faster than the plan itself moves there (its
    speech and blinks are fast); a cut from a smiling real face to a resting planned one would
    move a whole smile in one frame."""
    joins = 0
    for name, segment in _segments(realized):
        if segment.kind != "clip":
            continue
        curves = realized.faces[name]
        _, planned = arkit_curves(plan, name)
        excess = np.abs(np.diff(curves.weights, axis=0)) - np.abs(np.diff(planned, axis=0))
        turn = np.abs(np.diff(curves.head, axis=0)).max(axis=1)
        for edge in (segment.target_in, segment.target_out):
            near = np.abs(curves.times[1:] - edge) <= FACE_BLEND_S
            if edge <= 0.0 or edge >= plan.scene.duration or not near.any():
                continue
            joins += 1
            assert excess[near].max() < 0.25, (name, edge)
            assert turn[near].max() < 3.0, (name, edge)
    assert joins >= 2


def test_the_otio_timeline_references_the_source_video(realized: Realization) -> None:
    back = otio.adapters.read_from_string(timeline_to_otio_json(realized.timeline), "otio_json")
    names = [track.name for track in back.tracks]
    assert names == ["ANA", "ANA face", "BEN", "BEN face"]
    fps = float(realized.timeline.fps)
    real = {
        (media_url(s.source), s.source_in, s.source_out) for _, s in _segments(realized) if s.source
    }
    seen = set()
    for track in back.tracks:
        if not track.name.endswith(" face"):
            continue
        for clip in track.find_clips():
            meta = clip.metadata["motiondirector"]
            if meta["kind"] != "clip":
                continue
            url = clip.media_reference.target_url
            seen.add((url, meta["source_in"], meta["source_out"]))
            assert clip.source_range.start_time.value == round(meta["source_in"] * fps)
    assert seen == real and all(url.endswith(".mp4") for url, _, _ in seen)


def test_without_a_face_library_nothing_changes(plan: MotionPlan) -> None:
    bare = _bare(plan)
    data = json.loads(bare.timeline.to_json())
    assert data["schema_version"] == "1.0"
    assert all("face_segments" not in track for track in data["characters"])
    result = DirectResult(plan=plan, timeline=bare.timeline, motions={})
    assert [key for key, _, _ in SceneFolder.files(result)] == ["plan", "timeline", "otio"]
    back = otio.adapters.read_from_string(timeline_to_otio_json(bare.timeline), "otio_json")
    assert [track.name for track in back.tracks] == ["ANA", "BEN"]


def test_the_scene_folder_writes_the_realized_face(realized: Realization, tmp_path: Path) -> None:
    result = DirectResult(
        plan=realized.plan,
        timeline=realized.timeline,
        motions={},
        faces=dict(realized.faces),
    )
    paths = SceneFolder(tmp_path).save(result)
    curves: FaceCurves = realized.faces["ANA"]
    rows = paths["arkit-csv:ANA"].read_text().splitlines()
    assert len(rows) == curves.times.size + 1
    values = np.array([float(v) for v in rows[len(rows) // 2].split(",")[1:]])
    assert np.allclose(values, curves.weights[len(rows) // 2 - 1], atol=1e-4)
    assert paths["live-link-face:BEN"].name == "BEN.livelinkface.csv"
    assert json.loads(paths["arkit-json:BEN"].read_text())["character"] == "BEN"


def test_a_library_that_cannot_realize_faces_is_refused_by_name(
    library: ClipLibrary, tmp_path: Path
) -> None:
    plain = ClipLibrary.create(
        tmp_path / "plain",
        [r.model_copy(update={"profile": None}) for r in library.records[:3]],
        embedder=library.embedder,
    )
    with pytest.raises(FaceLibraryError, match=r"plain: no face segments"):
        open_face_library(plain)
    untracked = ClipLibrary.create(
        tmp_path / "untracked", library.records, embedder=library.embedder
    )
    with pytest.raises(FaceLibraryError, match=r"untracked: its face tracks"):
        open_face_library(untracked)
    with pytest.raises(FaceLibraryError, match=r"faces: built with face model face_landmarker@"):
        open_face_library(library, face_model="face_landmarker@000000000000")


@pytest.fixture
def builtin_cache(monkeypatch: pytest.MonkeyPatch, builtin_clips: ClipLibrary) -> None:
    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))


@pytest.mark.usefixtures("builtin_cache")
def test_direct_with_a_face_library(
    library: ClipLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "talk.txt"
    script.write_text(SCRIPT)
    out = tmp_path / "scene"
    argv = ["direct", str(script), "-q", "--out", str(out), "--face-library", str(library.path)]
    assert main([*argv, "--face-threshold", "0.45"]) == 0
    printed = capsys.readouterr().out
    assert "ANA              faces: " in printed and " real, " in printed
    names = {p.name for p in out.iterdir()}
    assert {"ANA.arkit.csv", "ANA.arkit.json", "ANA.livelinkface.csv", "BEN.arkit.csv"} <= names
    timeline = Timeline.model_validate_json((out / "timeline.json").read_text())
    assert any(s.kind == "clip" for s in timeline.character("ANA").face_segments)

    # Wan-Animate's face video takes the real faces, cropped from their videos, in their slots.
    faces = open_face_library(library)
    real = next(s for s in timeline.character("ANA").face_segments if s.kind == "clip")
    video = RealFaceVideo({"ANA": timeline.character("ANA").face_segments}, faces.tracks)
    start, end = real.target_in + 0.2, real.target_in + 0.6
    read = read_direction(out, ["ANA"])
    (planned,) = build_requests(
        read, WanAnimateBackend, size=(64, 48), fps=15, start=start, end=end
    )
    (item,) = build_requests(
        read, WanAnimateBackend, size=(64, 48), fps=15, start=start, end=end, face_video=video
    )
    assert item.request.face_frames is not None and planned.request.face_frames is not None
    assert item.request.face_frames.shape == planned.request.face_frames.shape
    assert item.request.face_frames[:, 16:48, 16:48].mean() > 40  # a face, not a sketch
    assert planned.request.face_frames[:, 16:48, 16:48].mean() < 40

    # A revision keeps the real faces when given the library, and says so when it is not.
    note = ["revise", str(out), "Ana angrier", "--out"]
    assert main([*note, str(tmp_path / "kept"), "--face-library", str(library.path),
                 "--face-threshold", "0.45"]) == 0  # fmt: skip
    kept = Timeline.model_validate_json((tmp_path / "kept" / "timeline.json").read_text())
    ana = kept.character("ANA").face_segments
    assert ana and all("ANA is cast as" in s.provenance.reason for s in ana)
    assert any(s.kind == "clip" for t in kept.characters for s in t.face_segments)
    assert "real faces" not in capsys.readouterr().err
    assert main([*note, str(tmp_path / "planned")]) == 0
    assert "was directed with real faces; without --face-library" in capsys.readouterr().err
    planned_only = Timeline.model_validate_json(
        (tmp_path / "planned" / "timeline.json").read_text()
    )
    assert not planned_only.character("ANA").face_segments

    # Generating its face video without the library says that the sketch stands in.
    model = tmp_path / "wan-animate"
    tiny_pipeline("wan-animate").save_pretrained(model)
    look = tmp_path / "look.png"
    Image.new("RGB", (32, 32), (200, 120, 90)).save(look)
    generate = ["generate", str(out), "--backend", "wan-animate", "--model", str(model),
                "--device", "cpu", "--size", "32x32", "--steps", "1", "--character", "ANA",
                "--reference", str(look), "--end", "0.2"]  # fmt: skip
    sketch = "was directed with real faces; without --face-library the face video is the plan's"
    assert main([*generate, "--out", str(tmp_path / "sketched")]) == 0
    assert sketch in capsys.readouterr().err
    assert main([*generate, "--out", str(tmp_path / "real"), "--face-library",
                 str(library.path)]) == 0  # fmt: skip
    assert sketch not in capsys.readouterr().err

    other = tmp_path / "other-model.task"
    shutil.copyfile(FACE_MODEL, other)
    with other.open("ab") as handle:
        handle.write(b"\0")
    refused = tmp_path / "refused"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FACE_MODEL_ENV, str(other))
        assert main(["direct", str(script), "-q", "--out", str(refused), "--face-library",
                     str(library.path)]) == 1  # fmt: skip
    assert str(library.path) in capsys.readouterr().err
    assert not refused.exists()


def test_frame_grid_of_the_curves_is_the_exports(realized: Realization) -> None:
    curves = realized.faces["BEN"]
    assert np.array_equal(curves.times, frame_times(realized.plan.scene.duration, 30))


def test_generators_are_conditioned_on_the_real_face(
    realized: Realization, faces: FaceLibrary
) -> None:
    name, segment = next((n, s) for n, s in _segments(realized) if s.kind == "clip")
    curves = realized.faces[name]
    inside = (curves.times >= segment.target_in) & (curves.times < segment.target_out)
    outside = int(np.flatnonzero(~inside)[0])
    sketches = face_conditioning(curves.times, curves.weights, [segment], faces.tracks, (96, 96))
    assert sketches.shape == (curves.times.size, 96, 96, 3)
    assert np.array_equal(sketches[outside], draw_face(curves.weights[outside], (96, 96)))
    first = int(np.flatnonzero(inside)[0])
    mesh = sketches[first]
    assert mesh.any() and not np.array_equal(mesh, draw_face(curves.weights[first], (96, 96)))
    crops = face_conditioning(
        curves.times, curves.weights, [segment], faces.tracks, (96, 96), kind="crops"
    )
    real = crops[inside]
    # Video of a face: mid-tone colour everywhere in the middle, and it moves.
    assert real[:, 32:64, 32:64].mean() > 40
    assert not np.array_equal(real[0], real[-1])
    assert np.array_equal(crops[outside], sketches[outside])


def test_the_llm_agent_realizes_real_faces_through_the_same_director(
    library: ClipLibrary, builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    from motiondirector.agent import Director, LLMDirector
    from tests.agent.test_llm_agent import scripted, tool_call

    model = scripted(tool_call("plan_scene", {"script_id": "script-1"}, 1), "plan-1 is final.")
    director = Director(library=builtin_clips, face_library=library.path, face_threshold=0.45)
    result = LLMDirector(director, chat_model=model).direct(SCRIPT, tmp_path / "agent")
    assert any(s.kind == "clip" for t in result.timeline.characters for s in t.face_segments)
    assert (tmp_path / "agent" / "ANA.livelinkface.csv").is_file()


DUAL = (
    "INT. KITCHEN - NIGHT\n\n"
    "ANA\nWhere were you all night?\n\n"
    "BEN\nI was out.\n\n"
    "ANA\nYou never tell me anything!\n\n"
    "BEN ^\nI tell you everything!\n\n"
    "BEN\nFine. Let us talk in the morning.\n"
)


def test_a_face_does_one_thing_at_a_time_over_dual_dialogue(faces: FaceLibrary) -> None:
    plan = plan_text(DUAL, format="fountain")
    first, second = (u for u in plan.utterances if u.text.endswith(("anything!", "everything!")))
    assert first.start == second.start  # spoken at once
    realized = realize_faces(_bare(plan), faces, threshold=0.0)
    document = otio.adapters.read_from_string(timeline_to_otio_json(realized.timeline))
    for character in realized.timeline.characters:
        segments = character.face_segments
        assert all(a.target_out <= b.target_in for a, b in itertools.pairwise(segments))
        own = {u.id for u in plan.utterances if u.speaker == character.name}
        spoken = [s for s in segments if s.utterance_id in own]
        assert {s.utterance_id for s in spoken} == own  # each own line keeps its slot, whole
        for segment in spoken:
            line = next(u for u in plan.utterances if u.id == segment.utterance_id)
            assert (segment.target_in, segment.target_out) == (line.start, line.end)
        # The OTIO face track puts every slot where the timeline does.
        (track,) = (t for t in document.tracks if t.name == f"{character.name} face")
        clips = [c for c in track if isinstance(c, otio.schema.Clip)]
        assert len(clips) == len(segments)
        for clip, segment in zip(clips, segments, strict=True):
            placed = track.range_of_child(clip).start_time.to_seconds()
            assert placed == pytest.approx(segment.target_in, abs=1 / 30)


def test_face_realization_shows_its_progress_when_asked(
    plan: MotionPlan, faces: FaceLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    realize_faces(_bare(plan), faces, threshold=0.45)
    assert capsys.readouterr().err == ""
    shown = realize_faces(_bare(plan), faces, threshold=0.45, progress=True)
    err = capsys.readouterr().err
    assert "faces:" in err and "/2 [" in err  # a bar over the two characters
    assert shown.timeline == realize_faces(_bare(plan), faces, threshold=0.45).timeline


@pytest.mark.parametrize("length", [0.271, 0.3, 0.542, 0.8, 1.234, 2.0, 4.999])
def test_a_window_in_whole_milliseconds_plays_within_the_warp_bound(
    faces: FaceLibrary, length: float
) -> None:
    # Rounding start and end on their own took short slots past the bound (0.407 s over 0.271).
    for record in faces.library.records:
        track = faces.tracks[record.source.file]
        window = source_window(record, track, length)
        if window is None:
            continue
        start, end = window
        assert (start, end) == (round(start, 3), round(end, 3))
        assert 1 / MAX_WARP - 1e-9 <= (end - start) / length <= MAX_WARP + 1e-9
        assert float(track.times[0]) - 1e-3 <= start
        assert end <= float(track.times[-1]) + 1 / track.fps + 1e-9


def test_a_listener_the_plan_gives_no_expression_asks_for_a_neutral_face() -> None:
    """Asking only for silence, a listener took an angry face during a neutral line."""
    plan = plan_script(EXAMPLE_SCENE)
    listening = [
        slot
        for track in plan.characters
        for slot in face_slots(plan, track.name)
        if not any(u.id == slot.utterance_id and u.speaker == track.name for u in plan.utterances)
    ]
    expressive = [
        slot
        for slot in listening
        if any(isinstance(e, FaceEvent) and e.au not in (25, 43, 45, 46) for e in slot.events)
    ]
    assert listening and len(expressive) < len(listening)
    for slot in listening:
        assert slot.emotion == (None if slot in expressive else "neutral"), slot


# -- casting -------------------------------------------------------------------------------

LONGER = SCRIPT + (
    "BEN: (frowning) Wait. You never told me why you left so suddenly that night.\n"
    "ANA: (sighing) It is a long story. I was scared, and I did not know who to trust.\n"
    "BEN: (softly) You could have trusted me. You always could.\n"
)


def _performers(realization: Realization) -> dict[str, set[str]]:
    return {
        t.name: {str(s.source) for s in t.face_segments if s.kind == "clip"}
        for t in realization.timeline.characters
    }


@pytest.fixture(scope="module")
def cast_scene(faces: FaceLibrary) -> tuple[MotionPlan, Realization, Realization]:
    plan = plan_text(LONGER, format="text")
    free = replace(faces, casting=False)
    return (
        plan,
        realize_faces(_bare(plan), faces, threshold=0.35),
        realize_faces(_bare(plan), free, threshold=0.35),
    )


def test_each_character_is_one_person_over_the_scene(
    cast_scene: tuple[MotionPlan, Realization, Realization],
) -> None:
    """Slot by slot, the best face came from whichever video scored best, so a character was
    several people from line to line."""
    _, cast, free = cast_scene
    free_people = _performers(free)
    assert any(len(videos) > 1 for videos in free_people.values()), free_people
    people = _performers(cast)
    assert all(len(videos) == 1 for videos in people.values()), people
    assert people["ANA"] != people["BEN"]  # two people, where the library has them
    for track in cast.timeline.characters:
        (video,) = people[track.name]
        for segment in track.face_segments:
            assert f"{track.name} is cast as {Path(video).name}" in segment.provenance.reason


def test_casting_can_be_pinned_and_turned_off(
    cast_scene: tuple[MotionPlan, Realization, Realization], faces: FaceLibrary
) -> None:
    plan, cast, free = cast_scene
    ben = next(iter(_performers(cast)["BEN"]))
    pinned = open_face_library(faces.library, cast={"ana": Path(ben).stem})
    assert pinned.cast == {"ana": ben}
    realized = realize_faces(_bare(plan), pinned, threshold=0.35)
    people = _performers(realized)
    assert people["ANA"] == {ben} and people["BEN"] and people["BEN"] != {ben}
    assert "is cast as" not in " ".join(
        s.provenance.reason for t in free.timeline.characters for s in t.face_segments
    )


def _people(folder: Path) -> dict[str, set[str]]:
    timeline = Timeline.model_validate_json((folder / "timeline.json").read_text())
    return {
        t.name: {Path(str(s.source)).name for s in t.face_segments if s.source}
        for t in timeline.characters
    }


@pytest.mark.usefixtures("builtin_cache")
def test_direct_casts_revise_keeps_the_cast_and_a_pin_that_finds_no_one_is_refused(
    library: ClipLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "talk.txt"
    script.write_text(LONGER)
    direct = ["direct", str(script), "-q", "--face-library", str(library.path),
              "--face-threshold", "0.35"]  # fmt: skip
    out = tmp_path / "cast"
    assert main([*direct, "--out", str(out)]) == 0
    people = _people(out)
    assert all(len(videos) == 1 for videos in people.values()), people

    # A revision keeps who played whom: cast afresh, the revised plan would swap them.
    revised = tmp_path / "revised"
    argv = ["revise", str(out), "Ana angrier", "--out", str(revised), "-q", "--face-library",
            str(library.path), "--face-threshold", "0.35"]  # fmt: skip
    assert main(argv) == 0
    assert _people(revised) == people
    plan = MotionPlan.model_validate_json((revised / "plan.json").read_text())
    afresh = cast_performers(plan, open_face_library(library), threshold=0.35)
    assert {name: {Path(str(v)).name} for name, v in afresh.items()} != people
    refusals = [
        (["--face-cast", "ANA=nobody.mp4"], "no video or folder 'nobody.mp4' among its performers"),
        (["--face-cast", "ZED=mouth.mp4"], "face cast ZED: no character 'ZED' in the plan"),
    ]
    for options, message in refusals:
        refused = tmp_path / options[1]
        assert main([*direct, "--out", str(refused), *options]) == 1
        assert message in capsys.readouterr().err
        assert not refused.exists()
    with pytest.raises(SystemExit):
        main([*direct, "--out", str(tmp_path / "x"), "--face-cast", "ANA"])
    assert "expected NAME=PERFORMER, got 'ANA'" in capsys.readouterr().err


FIRST_TURN = "ANA: (smiling) Hello, Ben! It is so good to see you again after all this time.\n"
SECOND_TURN = "ANA: (sighing) It is a long story. I was scared, and I did not know who to trust.\n"


def test_a_conversation_keeps_each_characters_performer_from_turn_to_turn(
    faces: FaceLibrary,
) -> None:
    """Cast turn by turn, Ana was one person in the first turn and another in the second."""
    first, second = (plan_text(t + "BEN: Okay.", format="text") for t in (FIRST_TURN, SECOND_TURN))
    alone = (
        cast_performers(first, faces, threshold=0.35),
        cast_performers(second, faces, threshold=0.35),
    )
    assert alone[0]["ANA"] != alone[1]["ANA"], alone
    so_far: dict[str, str] = {}
    kept = keep_casting(first, faces, so_far, threshold=0.35)
    assert so_far == {k: v for k, v in alone[0].items() if v is not None}
    kept = keep_casting(second, faces, so_far, threshold=0.35)
    assert cast_performers(second, kept, threshold=0.35)["ANA"] == alone[0]["ANA"]
    segments = decide_faces(second, kept, ["ANA"], threshold=0.35)["ANA"]
    assert {s.source for s in segments if s.source} <= {alone[0]["ANA"]}


def test_a_library_kept_in_one_folder_per_person_casts_people_not_videos(
    library: ClipLibrary, faces: FaceLibrary, tmp_path: Path
) -> None:
    """A studio's footage of one actor is many takes: videos in `talks/<person>/` are one
    performer, so a character plays any take of its person."""
    people = {"animated": "ana_actor", "mouth": "ben_actor", "smile": "ben_actor"}

    def moved(video: str) -> str:
        path = Path(video)
        return str(path.parent / people[path.stem] / path.name)

    records = [
        r.model_copy(update={"source": r.source.model_copy(update={"file": moved(r.source.file)})})
        for r in library.records
    ]
    tracks = {moved(video): track for video, track in faces.tracks.items()}
    folders = ClipLibrary.create(
        tmp_path / "by-person",
        records,
        embedder=library.embedder,
        attachments={FACE_TRACKS: pack_tracks(tracks)},
    )
    by_person = open_face_library(folders, face_model=find_face_model(FACE_MODEL).model_id)
    assert [Path(p).name for p in by_person.performers] == ["ana_actor", "ben_actor"]
    plan = plan_text(LONGER, format="text")
    realized = realize_faces(_bare(plan), by_person, threshold=0.35)
    for track in realized.timeline.characters:
        videos = {Path(str(s.source)) for s in track.face_segments if s.kind == "clip"}
        assert len({video.parent.name for video in videos}) == 1, videos
    pinned = open_face_library(folders, cast={"ANA": "ben_actor"}, casting=True)
    assert {Path(v).name for v in pinned.cast.values()} == {"ben_actor"}
    ana = realize_faces(_bare(plan), pinned, threshold=0.35).timeline.character("ANA")
    assert {Path(str(s.source)).parent.name for s in ana.face_segments if s.source} == {"ben_actor"}
    assert "ANA is cast as ben_actor" in ana.face_segments[0].provenance.reason
