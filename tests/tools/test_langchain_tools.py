"""The seven LangChain tools over a DirectorSession: schemas, content and artifacts, errors
that go back to the model, and files only inside the session folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool

from motiondirector.agent.director import Director
from motiondirector.plan.motion_plan import GestureEvent, MotionPlan
from motiondirector.plan.timeline import Segment, Timeline
from motiondirector.realize import GeneratedMaterial, SegmentRequest
from motiondirector.retrieval import ClipLibrary
from motiondirector.tools.langchain_tools import TOOL_NAMES, DirectorSession
from tests.conftest import video_frames

SCRIPT = (
    "ANA: Hello, Ben! Look at this, I found the old key in your jacket.\n"
    "BEN: (shrugs) I don't know. Maybe it is nothing, maybe it is the studio key.\n"
    "ANA: No, no. Stop it. You told me you sold the studio, and I believed you.\n"
)


class RecordingGenerator:
    name = "recording"

    def __init__(self) -> None:
        self.requests: list[SegmentRequest] = []

    def generate_segment(self, request: SegmentRequest) -> GeneratedMaterial:
        self.requests.append(request)
        request.out.parent.mkdir(parents=True, exist_ok=True)
        request.out.write_bytes(b"video")
        return GeneratedMaterial(
            source=str(request.out), duration=request.motion.frames / 30, backend=self.name
        )


@pytest.fixture(scope="module")
def session(
    builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory
) -> DirectorSession:
    director = Director(library=builtin_clips, generator=RecordingGenerator())
    made = DirectorSession(director, folder=tmp_path_factory.mktemp("session"))
    made.add_script(director.read(SCRIPT))
    return made


@pytest.fixture(scope="module")
def tools(session: DirectorSession) -> dict[str, BaseTool]:
    return {tool.name: tool for tool in session.tools()}


_ids = iter(range(1000))


def call(tool: BaseTool, **args: Any) -> ToolMessage:
    message = tool.invoke(
        {"type": "tool_call", "id": f"call-{next(_ids)}", "name": tool.name, "args": args}
    )
    assert isinstance(message, ToolMessage)
    return message


@pytest.fixture(scope="module")
def planned(tools: dict[str, BaseTool]) -> ToolMessage:
    return call(tools["plan_scene"], script_id="script-1")


def test_seven_tools_with_strict_described_arguments(tools: dict[str, BaseTool]) -> None:
    assert tuple(tools) == TOOL_NAMES
    for tool in tools.values():
        assert tool.response_format == "content_and_artifact"
        assert len(tool.description) > 40
        schema = tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
        assert schema["properties"]
        for name, field in schema["properties"].items():
            assert field.get("description"), f"{tool.name}.{name} has no description"
        assert tool.args_schema.model_config.get("extra") == "forbid"  # type: ignore[union-attr]


def test_plan_scene_returns_a_summary_and_the_plan_as_artifact(
    planned: ToolMessage, session: DirectorSession
) -> None:
    assert planned.status == "success"
    assert planned.content.startswith("plan-1: 2 characters, 3 lines")  # type: ignore[union-attr]
    assert isinstance(planned.artifact["plan"], MotionPlan)
    assert isinstance(planned.artifact["timeline"], Timeline)
    assert len(planned.content) < 1000  # the plan itself never goes into the prompt
    assert session.current == "plan-1"


def test_evaluate_search_and_export(
    planned: ToolMessage, tools: dict[str, BaseTool], session: DirectorSession
) -> None:
    scored = call(tools["evaluate_plan"], plan_id="plan-1")
    assert "schema_validity: 1" in scored.content
    assert scored.artifact["metrics"]["violations"] == 0.0
    found = call(tools["search_clips"], text="shrugs with both shoulders", lexeme="shrug", k=3)
    assert [hit["id"].split("/")[1].split(".")[0] for hit in found.artifact] == ["shrug"] * 3
    exported = call(tools["export_plan"], plan_id="plan-1", format="arkit-csv", character="ANA")
    path = session.files["arkit-csv:plan-1-ANA"]
    assert path.parent == session.folder / "exports" and path.read_text() == exported.artifact
    assert exported.artifact.splitlines()[0].startswith("time")


def test_revise_plan_makes_a_new_plan_and_reports_the_diff(
    planned: ToolMessage, tools: dict[str, BaseTool], session: DirectorSession
) -> None:
    revised = call(tools["revise_plan"], plan_id="plan-1", note="Ben stays still")
    assert revised.status == "success"
    assert revised.content.startswith("plan-2 revised from plan-1: stillness BEN")
    assert "BEN: 0 added" in revised.content
    plan = revised.artifact["plan"]
    assert not [e for e in plan.character("BEN").events if e.channel in ("gesture", "head")]
    assert session.current == "plan-2"


def test_generate_segment_replaces_one_segment(
    planned: ToolMessage, tools: dict[str, BaseTool], session: DirectorSession
) -> None:
    plan: MotionPlan = planned.artifact["plan"]
    gesture = next(e for e in plan.character("ANA").events if isinstance(e, GestureEvent))
    before = session.result("plan-1")
    made = call(tools["generate_segment"], plan_id="plan-1", character="ANA", event_id=gesture.id)
    assert made.status == "success", made.content
    segment: Segment = made.artifact
    assert segment.kind == "generated" and gesture.id in segment.event_ids
    assert Path(segment.source or "").parent == session.folder / "generated"
    after = session.result("plan-1")
    changed = [
        (a, b)
        for a, b in zip(
            before.timeline.character("ANA").segments,
            after.timeline.character("ANA").segments,
            strict=True,
        )
        if a != b
    ]
    assert len(changed) == 1 and changed[0][1] == segment
    assert after.timeline.character("BEN") == before.timeline.character("BEN")
    assert np.array_equal(after.motions["BEN"].rotations, before.motions["BEN"].rotations)


def test_render_preview_uses_the_rendering_tool(
    planned: ToolMessage, tools: dict[str, BaseTool], session: DirectorSession
) -> None:
    import av

    rendered = call(tools["render_preview"], plan_id="plan-1", size="160x90")
    assert rendered.status == "success", rendered.content
    with av.open(str(rendered.artifact.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (160, 90)
    assert rendered.artifact.video.parent == session.folder / "previews"


def test_render_preview_draws_the_sessions_own_motion(
    planned: ToolMessage, tools: dict[str, BaseTool], session: DirectorSession, tmp_path: Path
) -> None:
    from motiondirector.generators.preview import render_preview
    from motiondirector.realize import realize_plan

    plan: MotionPlan = planned.artifact["plan"]
    gesture = next(e for e in plan.character("ANA").events if isinstance(e, GestureEvent))
    made = call(tools["generate_segment"], plan_id="plan-1", character="ANA", event_id=gesture.id)
    assert made.status == "success", made.content
    result = session.result("plan-1")
    rendered = call(tools["render_preview"], plan_id="plan-1", size="160x90")
    assert rendered.status == "success", rendered.content
    own = render_preview(result.plan, result.motions, tmp_path / "own.mp4", size=(160, 90))
    again = realize_plan(result.plan)  # what a plan file alone would be realized as
    other = render_preview(result.plan, again.motions, tmp_path / "again.mp4", size=(160, 90))
    drawn = video_frames(rendered.artifact.video)
    assert np.array_equal(drawn, video_frames(own.path))
    assert not np.array_equal(drawn, video_frames(other.path))


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("plan_scene", {"script_id": "script-1", "path": "/etc"}, "path: Extra inputs"),
        ("plan_scene", {"script_id": "../../etc/passwd"}, "script_id: String should match"),
        ("plan_scene", {"script_id": "script-7"}, "no script 'script-7'"),
        ("evaluate_plan", {"plan_id": "plan-99"}, "no plan 'plan-99' in this session; plans:"),
        ("export_plan", {"plan_id": "plan-1", "format": "exe"}, "format: Input should be"),
        ("export_plan", {"plan_id": "plan-1", "format": "arkit-csv"}, "pick one of"),
        ("search_clips", {"text": "waves", "lexeme": "moonwalk"}, "unknown lexeme"),
        ("revise_plan", {"plan_id": "plan-1", "note": "make it pop"}, "which character"),
        (
            "generate_segment",
            {"plan_id": "plan-1", "character": "ZED", "event_id": "zed-1"},
            "no character 'ZED'",
        ),
    ],
)
def test_bad_calls_come_back_as_error_messages(
    planned: ToolMessage,
    tools: dict[str, BaseTool],
    session: DirectorSession,
    name: str,
    args: dict[str, Any],
    expected: str,
) -> None:
    plans = set(session.results)
    files = sorted(p for p in session.folder.rglob("*"))
    answer = call(tools[name], **args)
    assert answer.status == "error"
    assert expected in answer.content, answer.content
    assert answer.content.startswith("Error:")
    assert set(session.results) == plans
    assert sorted(p for p in session.folder.rglob("*")) == files


def test_without_a_generator_generate_segment_says_so(
    builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    director = Director(library=builtin_clips)
    bare = DirectorSession(director, folder=tmp_path)
    bare.add_script(director.read(SCRIPT))
    tools = {tool.name: tool for tool in bare.tools()}
    call(tools["plan_scene"], script_id="script-1")
    answer = call(tools["generate_segment"], plan_id="plan-1", character="ANA", event_id="ana-3")
    assert answer.status == "error"
    assert "no video generator is configured" in answer.content
