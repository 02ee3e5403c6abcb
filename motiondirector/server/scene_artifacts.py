"""What a scene job makes: the plan and its exports (and, on request, the body motion), as
named in-memory artifacts.

    plan.json                         the MotionPlan (with codebook tokens when `body` is on)
    plan.bml.xml, plan.vtt, plan.srt  scene exports, as `motiondirector.export` names them
    <CHARACTER>.arkit.csv / .json     ARKit-52 curves per character
    timeline.json, timeline.otio      the realized timeline (with `body`)
    <CHARACTER>.bvh                   body motion on the canonical skeleton (with `body`)

It calls `check()` between stages so a cancelled job stops at the next one, and reports its
progress. It adds no behaviour of its own: planning, realization and exports live in their
packages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from motiondirector.agent.pipeline import plan_text
from motiondirector.export import export_plan
from motiondirector.export.files import (
    CHARACTER_FILE_SUFFIXES,
    SCENE_FILE_NAMES,
    character_file_stems,
)
from motiondirector.export.formats import PER_CHARACTER_FORMATS
from motiondirector.planners import get_planner
from motiondirector.planners.llm_client import LLMConfig
from motiondirector.server.job_store import Artifact
from motiondirector.server.models import SceneJobRequest

Progress = Callable[[float, str], None]
Check = Callable[[], None]

MEDIA_TYPES = {
    ".json": "application/json",
    ".xml": "application/xml",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".otio": "application/json",
    ".bvh": "text/plain; charset=utf-8",
}


def _artifact(name: str, text: str) -> Artifact:
    suffix = Path(name).suffix
    return Artifact(name, MEDIA_TYPES.get(suffix, "text/plain; charset=utf-8"), text.encode())


def script_of(request: SceneJobRequest) -> tuple[str, str]:
    """(text, format) of a request's script."""
    if request.dialogue is not None:
        return json.dumps(request.dialogue, indent=2), "json"
    assert request.script is not None
    return request.script, request.format


def make_scene_artifacts(
    request: SceneJobRequest,
    *,
    check: Check,
    progress: Progress,
    clip_cache_dir: Path | None = None,
    llm: LLMConfig | None = None,
) -> list[Artifact]:
    """Plan the scene and make its artifacts (see the module docstring); `llm` is the
    server's LLM for the llm and hybrid planners."""
    text, format = script_of(request)
    progress(0.05, "planning")
    plan = plan_text(
        text,
        planner=get_planner(request.planner, llm),
        format=format,  # type: ignore[arg-type]
        fps=request.fps,
        seed=request.seed,
    )
    check()
    artifacts: list[Artifact] = []
    if request.body:
        progress(0.35, "realizing body motion")
        from motiondirector.agent.direct import builtin_clip_library, direct_scene
        from motiondirector.export.otio import timeline_to_otio_json
        from motiondirector.motion.bvh import motion_to_bvh

        result = direct_scene(plan, library=builtin_clip_library(clip_cache_dir))
        plan = result.plan
        artifacts.append(_artifact("timeline.json", result.timeline.to_json()))
        artifacts.append(_artifact("timeline.otio", timeline_to_otio_json(result.timeline)))
        stems = character_file_stems(list(result.motions))
        for name, motion in result.motions.items():
            artifacts.append(_artifact(f"{stems[name]}.bvh", motion_to_bvh(motion)))
        check()
    formats = [f for f in dict.fromkeys(request.exports) if f != "json"]
    stems = character_file_stems([track.name for track in plan.characters])
    artifacts.insert(0, _artifact(SCENE_FILE_NAMES["json"], plan.to_json()))
    for index, format in enumerate(formats):
        progress(0.6 + 0.4 * index / max(1, len(formats)), f"exporting {format}")
        if format in PER_CHARACTER_FORMATS:
            for name, stem in stems.items():
                content = export_plan(plan, format, fps=request.fps, character=name)
                artifacts.append(_artifact(f"{stem}{CHARACTER_FILE_SUFFIXES[format]}", content))
        else:
            artifacts.append(_artifact(SCENE_FILE_NAMES[format], export_plan(plan, format)))
        check()
    return artifacts
