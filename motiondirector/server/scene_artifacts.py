"""What a scene job makes: the plan and its exports (and, on request, the body motion), as
named in-memory artifacts.

    plan.json                         the MotionPlan (with codebook tokens when `body` is on)
    plan.bml.xml, plan.vtt, plan.srt  scene exports, as `motiondirector.export` names them
    <CHARACTER>.arkit.csv / .json     ARKit-52 curves per character
    timeline.json, timeline.otio      the realized timeline (with `body`)
    <CHARACTER>.bvh                   body motion on the canonical skeleton (with `body`)
    preview.mp4, contact.png          the animatic preview and its contact sheet (`preview`)

With a face library (the server's `face_library`) and `body`, every character's face and head
are realized from real faces (`realize/faces.py`): the timeline gets its face segments and
`<CHARACTER>.arkit.csv`, `.arkit.json` and `.livelinkface.csv` carry the realized face; an
export of the same name asked for in `exports` is not made again from the plan.

It calls `check()` between stages so a cancelled job stops at the next one, and reports its
progress. It adds no behaviour of its own: planning, realization and exports live in their
packages.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.errors import ScriptError
from motiondirector.export.files import export_files
from motiondirector.export.formats import SCENE_FILE_NAMES
from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.planners import get_planner
from motiondirector.planners.llm_client import LLMConfig
from motiondirector.realize import plan_text
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.scene import SceneLimits
from motiondirector.server.job_store import Artifact
from motiondirector.server.models import SceneJobRequest, ScriptSource

if TYPE_CHECKING:
    from motiondirector.realize.faces import FaceLibrary

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


def _preview(result: DirectResult) -> tuple[list[Artifact], float]:
    """preview.mp4 and contact.png of the realized scene, as `direct --preview` writes them
    (rendered in a temporary folder: the renderer writes files), and the video's length."""
    from motiondirector.generators.preview import contact_sheet, render_preview

    with tempfile.TemporaryDirectory(prefix="motiondirector-preview-") as scratch:
        video = Path(scratch) / SceneFolder.PREVIEW
        sheet = Path(scratch) / SceneFolder.CONTACT_SHEET
        rendered = render_preview(result.plan, result.motions, video, faces=result.faces)
        contact_sheet(result.plan, result.motions, sheet, faces=result.faces)
        return [
            Artifact(SceneFolder.PREVIEW, "video/mp4", video.read_bytes()),
            Artifact(SceneFolder.CONTACT_SHEET, "image/png", sheet.read_bytes()),
        ], rendered.duration


def script_of(request: ScriptSource) -> tuple[str, str]:
    """(text, format) of a request's script."""
    if request.dialogue is not None:
        return json.dumps(request.dialogue, indent=2), "json"
    assert request.script is not None
    return request.script, request.format


@contextmanager
def lines_of(request: ScriptSource) -> Iterator[None]:
    """Script errors raised in the block, with no line when the request gave a `dialogue`
    object: the line would count lines of the server's own serialization of it, which the
    caller never saw. The message's path (`turns[1].speaker`) still says where."""
    try:
        yield
    except ScriptError as error:
        if request.dialogue is not None:
            error.line = None
        raise


def make_scene_artifacts(
    request: SceneJobRequest,
    *,
    check: Check,
    progress: Progress,
    library: ClipLibrary | None = None,
    llm: LLMConfig | None = None,
    limits: SceneLimits | None = None,
    face_library: FaceLibrary | None = None,
    face_threshold: float = 0.6,
) -> list[Artifact]:
    """Plan the scene and make its artifacts (see the module docstring); `llm` is the
    server's LLM for the llm and hybrid planners, `face_library` the server's real faces."""
    text, format = script_of(request)
    progress(0.05, "planning")
    with lines_of(request):
        plan = plan_text(
            text,
            planner=get_planner(request.planner, llm, strict=request.strict),
            format=format,  # type: ignore[arg-type]
            fps=request.fps,
            seed=request.seed,
            limits=limits,
            language=request.language,
        )
    check()
    artifacts: list[Artifact] = []
    if request.body:
        progress(0.35, "realizing body motion")
        from motiondirector.realize import realize_plan

        realization = realize_plan(plan, library)
        if face_library is not None:
            from motiondirector.realize import realize_faces

            progress(0.5, "realizing faces from real video")
            realization = realize_faces(realization, face_library, threshold=face_threshold)
        plan = realization.plan
        result = DirectResult(
            plan=plan,
            timeline=realization.timeline,
            motions=dict(realization.motions),
            faces=dict(realization.faces),
        )
        preview: list[Artifact] = []
        duration = None
        if request.preview:
            progress(0.4, "rendering the preview")
            preview, duration = _preview(result)
            check()
        files = SceneFolder.files(result, preview=duration)
        artifacts.extend(_artifact(name, text) for _, name, text in files)
        artifacts.extend(preview)
        check()
    else:
        artifacts.append(_artifact(SCENE_FILE_NAMES["json"], plan.to_json()))
    formats = [f for f in dict.fromkeys(request.exports) if f != "json"]
    for index, format in enumerate(formats):
        progress(0.6 + 0.4 * index / max(1, len(formats)), f"exporting {format}")
        made = {artifact.name for artifact in artifacts}  # a realized face's files stay
        artifacts.extend(
            _artifact(name, text)
            for _, name, text in export_files(plan, [format], fps=request.fps)
            if name not in made
        )
        check()
    return artifacts
