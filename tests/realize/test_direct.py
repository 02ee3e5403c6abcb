"""`direct_scene`: plan, timeline, body motion and files for the example scene."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.export.staging import stage_mark
from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.retargeting import load_rig_map, retarget
from motiondirector.plan.motion_plan import GestureEvent, MotionPlan
from motiondirector.plan.timeline import Timeline
from motiondirector.realize import direct_scene, plan_script
from motiondirector.retrieval import ClipLibrary
from motiondirector.scene import read_script
from tests.conftest import EXAMPLE_SCENE


@pytest.fixture(scope="module")
def directed(builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory) -> DirectResult:
    out = tmp_path_factory.mktemp("direct")
    return direct_scene(read_script(EXAMPLE_SCENE), library=builtin_clips, out_dir=out)


def test_writes_plan_timeline_otio_and_a_bvh_per_character(directed: DirectResult) -> None:
    paths = directed.paths
    assert {p.name for p in paths.values()} == {
        "plan.json", "timeline.json", "timeline.otio", "ANA.bvh", "BEN.bvh"
    }  # fmt: skip
    assert MotionPlan.model_validate_json(paths["plan"].read_text()) == directed.plan
    assert Timeline.model_validate_json(paths["timeline"].read_text()) == directed.timeline
    back = otio.adapters.read_from_string(paths["otio"].read_text(), "otio_json")
    assert [t.name for t in back.tracks] == ["ANA", "BEN"]
    # The script's lines lie over the tracks as markers, one per utterance.
    lines = [f"{u.speaker}: {u.text}" for u in directed.plan.utterances]
    assert [m.name for m in back.tracks.markers] == lines
    for index, name in enumerate(("ANA", "BEN")):
        motion = retarget(read_bvh(paths[f"bvh:{name}"]), load_rig_map("canonical")).motion
        # The last frame is the first at or after the scene's end.
        assert motion.frames == math.ceil(directed.plan.scene.duration * 30 - 1e-6) + 1
        # Each file stands on its mark of the row: opened together, side by side.
        mark = np.array([stage_mark(index, 2), 0.0, 0.0])
        assert np.allclose(
            motion.joint_positions(), directed.motions[name].joint_positions() + mark, atol=1e-3
        )
    assert stage_mark(0, 2) == -stage_mark(1, 2) == -0.95


def gesture_match_share(result: DirectResult) -> float:
    """The share of the plan's gesture events realised by a clip of the same lexeme."""
    wanted = matched = 0
    for track in result.plan.characters:
        segments = result.timeline.character(track.name).segments
        for event in track.events:
            if not isinstance(event, GestureEvent):
                continue
            wanted += 1
            matched += any(
                s.kind == "clip" and event.id in s.event_ids and s.lexeme == event.lexeme
                and s.clip_id is not None and f"/{event.lexeme}." in s.clip_id
                for s in segments
            )  # fmt: skip
    return matched / wanted


def test_gesture_events_get_clips_of_their_lexeme(directed: DirectResult) -> None:
    share = gesture_match_share(directed)
    print(f"gesture events realised by a clip of their lexeme: {share:.0%}")
    # The rest lost their slot to an overlapping gesture that plays instead.
    assert share >= 0.85


def test_the_body_moves_during_gestures(directed: DirectResult) -> None:
    motion = directed.motions["BEN"]
    wrists = motion.joint_positions()[:, 20:22]
    assert np.ptp(wrists, axis=0).max() > 0.3


def test_direct_is_deterministic(builtin_clips: ClipLibrary, directed: DirectResult) -> None:
    again = direct_scene(plan_script(EXAMPLE_SCENE), library=builtin_clips)
    assert again.timeline.to_json() == directed.timeline.to_json()
    assert again.paths == {}
    for name, motion in again.motions.items():
        assert np.array_equal(motion.rotations, directed.motions[name].rotations)


def test_without_a_library_the_builtin_one_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builtin_clips: ClipLibrary
) -> None:
    # The cache the fixture built stands in for the user cache: opened, not rebuilt.
    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
    plan = plan_script(EXAMPLE_SCENE)
    result = direct_scene(plan)
    assert result.plan.utterances == plan.utterances  # the given plan, tokens added
    assert any(s.kind == "clip" for t in result.timeline.characters for s in t.segments)


def test_plan_carries_each_characters_motion_tokens(directed: DirectResult) -> None:
    from motiondirector.motion.codebook import default_codebook

    codebook = default_codebook()
    for track in directed.plan.characters:
        tokens = track.tokens
        assert tokens is not None and tokens.codebook == codebook.id
        assert tokens.rate == pytest.approx(codebook.rate)
        motion = directed.motions[track.name]
        assert list(tokens.ids) == codebook.encode(motion).tolist()
        assert len(set(tokens.ids)) > 3  # the body moves: not one token repeated


def test_saving_a_folder_shows_a_bar_over_its_files(
    directed: DirectResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A feature-length scene's folder is 4 GB of BVH files: minutes of writing, silent."""
    SceneFolder(tmp_path / "again").save(directed, progress=True)
    bar = capsys.readouterr().err
    assert "writing" in bar and "5/5" in bar


def test_a_folder_reads_back_the_motion_it_was_given(directed: DirectResult) -> None:
    """Read back on the origin (the files stand on their marks), as the canonical skeleton
    without retargeting: the joints where they were, to the six decimals of the file."""
    folder = SceneFolder(directed.paths["plan"].parent)
    names = list(directed.motions)
    for name, motion in folder.read_motions(names, names).items():
        expected = directed.motions[name].joint_positions()
        assert np.abs(motion.joint_positions() - expected).max() < 2e-6
