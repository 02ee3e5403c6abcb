"""Agent-facing rendering tools: argument contracts (prompt text, validation) and small results
that point at real, decodable videos."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import av
import pytest
from pydantic import BaseModel, ValidationError

from motiondirector import plan_text
from motiondirector.errors import ExportError, MotionDirectorError
from motiondirector.realize import direct_scene
from motiondirector.tools.rendering import (
    ConditioningArgs,
    ConditioningResult,
    ConditioningVideo,
    RenderPreviewArgs,
    RenderPreviewResult,
    render_conditioning_tool,
    render_preview_tool,
)

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
        {"fps": 24},
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
