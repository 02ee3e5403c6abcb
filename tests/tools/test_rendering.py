"""Agent-facing rendering tools: argument contracts (prompt text, validation) and small results
that point at real, decodable videos."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

from motiondirector import plan_text
from motiondirector.cli import main
from motiondirector.errors import ExportError, MotionDirectorError
from motiondirector.export.scene_folder import SceneFolder
from motiondirector.generators.preview import render_preview
from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.retargeting import retarget
from motiondirector.realize import direct_scene, realize_plan
from motiondirector.tools.rendering import (
    ConditioningArgs,
    ConditioningResult,
    ConditioningVideo,
    RenderPreviewArgs,
    RenderPreviewResult,
    preview_inputs,
    render_conditioning_tool,
    render_plan_preview,
    render_preview_tool,
)
from tests.conftest import video_frames

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

SCRIPT = """ANA: Good morning, Ben. (waves)
BEN: (smiling) Morning! Coffee?
"""


@pytest.fixture(scope="module")
def builtin_cache(builtin_clips: ClipLibrary) -> Iterator[None]:
    """Point the built-in clip library cache at the one this test run built."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
        yield


@pytest.fixture(scope="module")
def directed(builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tools") / "scene"
    direct_scene(plan_text(SCRIPT, format="text"), library=builtin_clips, out_dir=out)
    return out


def _frames_and_size(path: Path) -> tuple[int, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        return count, stream.codec_context.width, stream.codec_context.height


@pytest.mark.parametrize(
    "model", [RenderPreviewArgs, RenderPreviewResult, ConditioningArgs, ConditioningResult]
)
def test_every_field_is_described_for_the_model(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    assert model.__doc__ and schema["description"]
    for name, field in schema["properties"].items():
        assert len(field.get("description", "")) >= 10, name


def test_arguments_are_validated() -> None:
    args = ConditioningArgs.model_validate({"direction_dir": "out/scene", "out_dir": "pose"})
    assert (args.format, args.size, args.smooth, args.fps, args.character) == (
        "openpose",
        "512x512",
        True,
        30,
        None,
    )
    for bad in (
        {"size": "big"},
        {"size": "512x"},
        {"format": "depth"},
        {"fps": 0},
        {"fps": 120},
        {"colour": "red"},  # unknown fields are refused, not ignored
    ):
        with pytest.raises(ValidationError):
            ConditioningArgs.model_validate({"direction_dir": "d", "out_dir": "o", **bad})
    with pytest.raises(ValidationError):
        RenderPreviewArgs.model_validate({"plan_path": "p.json", "out": "p.mp4", "fps": 0})


@pytest.mark.usefixtures("builtin_cache")
def test_render_preview_tool_writes_the_video_and_reports_it(
    directed: Path, tmp_path: Path
) -> None:
    args = RenderPreviewArgs(
        plan_path=directed / "plan.json",
        out=tmp_path / "preview.mp4",
        size="96x64",
        fps=12,
        contact_sheet=tmp_path / "sheet.png",
    )
    result = render_preview_tool(args)
    count, width, height = _frames_and_size(result.video)
    assert (count, width, height) == (result.frames, 96, 64)
    assert result.duration == pytest.approx(result.frames / 12)
    assert result.characters == ["ANA", "BEN"]
    assert result.contact_sheet is not None and result.contact_sheet.stat().st_size > 0
    # Small enough to hand back to a model: paths and numbers, no frames.
    assert len(result.model_dump_json()) < 600


def test_render_conditioning_tool_per_format(directed: Path, tmp_path: Path) -> None:
    openpose = render_conditioning_tool(
        ConditioningArgs(direction_dir=directed, out_dir=tmp_path, size="64x64")
    )
    face = render_conditioning_tool(
        ConditioningArgs(
            direction_dir=directed, out_dir=tmp_path, format="face", size="64x64", character="BEN"
        )
    )
    assert openpose.smoothed and not face.smoothed
    assert [v.character for v in openpose.videos] == ["ANA", "BEN"]
    assert [v.character for v in face.videos] == ["BEN"]
    video: ConditioningVideo
    for video in (*openpose.videos, *face.videos):
        assert _frames_and_size(video.path) == (video.frames, 64, 64)
        assert video.duration == pytest.approx(video.frames / 30)
    assert face.videos[0].path.name == "BEN.face.mp4"
    assert openpose.videos[1].frames == face.videos[0].frames
    duration = json.loads((directed / "plan.json").read_text())["scene"]["duration"]
    assert openpose.videos[0].frames == math.ceil(duration * 30 - 1e-6) + 1
    assert len(openpose.model_dump_json()) < 800


def test_conditioning_is_black_while_the_character_is_off_stage(
    builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    script = "INT. HALL - DAY\n\nANA\nHello? Anyone?\n\nA DOCTOR enters.\n\nDOCTOR\nShe's awake.\n"
    plan = plan_text(script, format="fountain")
    out = tmp_path / "scene"
    direct_scene(plan, library=builtin_clips, out_dir=out)
    (entrance,) = plan.beats[0].stage
    for kind in ("openpose", "face"):
        made = render_conditioning_tool(
            ConditioningArgs(
                direction_dir=out, out_dir=tmp_path, format=kind, size="64x64", character="DOCTOR"
            )
        )
        frames = video_frames(made.videos[0].path)
        lit = frames.reshape(len(frames), -1).max(axis=1) > 40
        enters = math.ceil(entrance.time * 30)
        assert not lit[: enters - 1].any(), kind  # nobody to draw before he comes in
        assert lit[enters + 1 :].all(), kind


def test_conditioning_is_drawn_at_a_video_model_s_own_rate(directed: Path, tmp_path: Path) -> None:
    made = {
        kind: render_conditioning_tool(
            ConditioningArgs(
                direction_dir=directed,
                out_dir=tmp_path,
                format=kind,
                size="64x64",
                character="ANA",
                fps=16,
            )
        ).videos[0]
        for kind in ("openpose", "face")
    }
    duration = json.loads((directed / "plan.json").read_text())["scene"]["duration"]
    for video in made.values():
        assert _frames_and_size(video.path) == (math.ceil(duration * 16 - 1e-6) + 1, 64, 64)
        assert video.duration == pytest.approx(video.frames / 16)
        with av.open(str(video.path)) as container:
            assert container.streams.video[0].average_rate == 16


def test_tools_raise_errors_of_the_tree(directed: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="ZED"):
        render_conditioning_tool(
            ConditioningArgs(direction_dir=directed, out_dir=tmp_path, character="ZED")
        )
    with pytest.raises(MotionDirectorError, match="no plan file"):
        render_preview_tool(
            RenderPreviewArgs(plan_path=tmp_path / "none.json", out=tmp_path / "p.mp4")
        )
    with pytest.raises(ExportError, match="even"):
        render_conditioning_tool(
            ConditioningArgs(direction_dir=directed, out_dir=tmp_path, size="63x64")
        )
    assert list(tmp_path.iterdir()) == []


MOCAP = ("bye_feminine_001", "walk_normal_001", "dance-short_normal_001")


@pytest.mark.usefixtures("builtin_cache")
def test_the_preview_of_a_folder_directed_with_a_library_shows_its_own_motion(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clips = tmp_path / "mocap"
    clips.mkdir()
    for name in MOCAP:
        source = shared_data / "mocap" / "bandai-namco-1" / "data" / f"dataset-1_{name}.bvh"
        shutil.copy(source, clips)
    assert main(["index", "build", str(clips), "--out", str(tmp_path / "lib"), "-q"]) == 0
    script = tmp_path / "scene.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    folder = tmp_path / "scene"
    argv = ["direct", str(script), "-q", "--out", str(folder), "--library", str(tmp_path / "lib")]
    assert main([*argv, "--retrieve-threshold", "0"]) == 0
    capsys.readouterr()

    plan = SceneFolder(folder).read_plan()
    own = {name: retarget(read_bvh(folder / f"{name}.bvh")).motion for name in ("ANA", "BEN")}
    builtin = realize_plan(plan).motions
    assert not np.allclose(own["ANA"].rotations, builtin["ANA"].rotations)
    inputs = preview_inputs(folder / "plan.json")
    assert inputs.motion_from == "folder" and inputs.faces == {}
    for name, motion in own.items():
        # Read as the canonical skeleton it is, without retargeting: the same to float noise.
        np.testing.assert_allclose(inputs.motions[name].rotations, motion.rotations, atol=1e-12)

    # `render` of the folder (or its plan.json) draws those BVH files, frame for frame.
    reference = render_preview(plan, own, tmp_path / "reference.mp4", size=(64, 48))
    out = tmp_path / "render.mp4"
    assert main(["render", str(folder), "--out", str(out), "--size", "64x48", "-q"]) == 0
    assert "body motion: the folder's BVH files; faces: the plan's" in capsys.readouterr().out
    assert np.array_equal(video_frames(out), video_frames(reference.path))

    # A plan with no BVH files beside it is realized, and says so.
    bare = tmp_path / "bare" / "scene_plan.json"
    bare.parent.mkdir()
    shutil.copy(folder / "plan.json", bare)
    result = render_plan_preview(bare, tmp_path / "bare.mp4", size=(64, 48))
    assert (result.motion_from, result.faces_from) == ("plan", "plan")
    assert not np.array_equal(video_frames(result.video), video_frames(reference.path))


FACE_SCRIPT = (
    "ANA: (smiling) Hello, Ben! It is so good to see you again after all this time.\n"
    "BEN: (nodding) Yes. I missed you too. Tell me everything about the trip.\n"
)


@pytest.fixture(scope="module")
def face_model_setting() -> Iterator[None]:
    from motiondirector.faces.model import FACE_MODEL_ENV
    from tests.faces.clips import FACE_MODEL

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))
        yield


@pytest.mark.usefixtures("builtin_cache", "face_model_setting")
def test_previews_draw_the_realized_faces(
    face_clip_library: ClipLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from motiondirector.agent import Director

    script = tmp_path / "talk.txt"
    script.write_text(FACE_SCRIPT, encoding="utf-8")
    director = Director(face_library=face_clip_library.path, face_threshold=0.45)
    result = director.direct(script, tmp_path / "reference")
    assert any(s.kind == "clip" for t in result.timeline.characters for s in t.face_segments)
    size = (320, 180)
    real = render_preview(
        result.plan, result.motions, tmp_path / "real.mp4", size=size, faces=result.faces
    )
    planned = render_preview(result.plan, result.motions, tmp_path / "planned.mp4", size=size)
    real_frames, planned_frames = video_frames(real.path), video_frames(planned.path)
    assert not np.array_equal(real_frames, planned_frames)

    # `direct --preview` draws the faces it realized.
    folder = tmp_path / "scene"
    argv = ["direct", str(script), "-q", "--out", str(folder), "--preview", "--size", "320x180"]
    assert (
        main([*argv, "--face-library", str(face_clip_library.path), "--face-threshold", "0.45"])
        == 0
    )
    assert np.array_equal(video_frames(folder / "preview.mp4"), real_frames)

    # `render` of the folder reads them back from its ARKit and Live Link Face files.
    inputs = preview_inputs(folder)
    assert sorted(inputs.faces) == ["ANA", "BEN"]
    for name, curves in result.faces.items():
        back = inputs.faces[name]
        assert back.fps == curves.fps and np.allclose(back.times, curves.times)
        assert np.allclose(back.weights, curves.weights, atol=6e-5)
        assert np.allclose(back.head, curves.head, atol=1e-3)
        assert np.allclose(back.eyes, curves.eyes, atol=1e-3)
    out = tmp_path / "render.mp4"
    assert main(["render", str(folder / "plan.json"), "--out", str(out), "--size", "320x180"]) == 0
    assert "faces: the folder's realized faces" in capsys.readouterr().out
    rendered = video_frames(out).astype(int)
    # The files keep 4 decimals, so a few pixels may differ from the in-memory faces' preview;
    # the plan's faces differ far more.
    assert np.abs(rendered - real_frames).mean() < 0.2 * np.abs(rendered - planned_frames).mean()
