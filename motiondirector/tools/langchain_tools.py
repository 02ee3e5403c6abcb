"""The Director's steps as LangChain tools, for an LLM that directs a scene conversationally.

Seven tools: plan_scene, revise_plan, search_clips, generate_segment, render_preview,
evaluate_plan and export_plan. Their arguments are pydantic models whose field descriptions
are the prompt text the model sees. A `DirectorSession` holds what they make (scripts, plans
with their timelines, revisions, files) by id, so the model passes short ids, never JSON.
Every tool answers `(content, artifact)`: a few lines for the model and the full object as
the ToolMessage's artifact, which never enters the prompt.

Bad calls come back to the model as error messages: arguments outside a tool's schema (extra
fields, wrong types, unknown ids) and `MotionDirectorError`s. A tool writes files only inside
the session's folder, under names it makes itself from ids.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.options import ExportFormat
from motiondirector.plan.vocabulary import Emotion, Hand

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

    from motiondirector.agent.revise import Revision, RevisionResult
    from motiondirector.export.scene_folder import DirectResult
    from motiondirector.plan.scene import Scene
    from motiondirector.realize import SegmentGenerator
    from motiondirector.retrieval.store import ClipLibrary

TOOL_NAMES: tuple[str, ...] = (
    "plan_scene",
    "revise_plan",
    "search_clips",
    "generate_segment",
    "render_preview",
    "evaluate_plan",
    "export_plan",
)
_EXTENSIONS = {
    "json": ".json",
    "bml": ".bml.xml",
    "arkit-csv": ".arkit.csv",
    "arkit-json": ".arkit.json",
    "vtt": ".vtt",
    "srt": ".srt",
}
_PLAN_ID = r"^plan-[0-9]{1,6}$"
_SCRIPT_ID = r"^script-[0-9]{1,6}$"
_EVENT_ID = r"^[a-z0-9][a-z0-9-]{0,60}-[0-9]{1,6}$"
_SIZE = r"^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$"


# -- arguments -----------------------------------------------------------------------------


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanSceneArgs(_Args):
    """Plan a script and realize it: motion plan, timeline and body motion."""

    script_id: str = Field(
        pattern=_SCRIPT_ID, description="Id of a script in this session, e.g. script-1."
    )


class RevisePlanArgs(_Args):
    """Apply a director's note to a plan; makes a new plan id."""

    plan_id: str = Field(pattern=_PLAN_ID, description="Id of the plan to revise, e.g. plan-1.")
    note: str = Field(
        min_length=3,
        max_length=500,
        description="The note in plain words, naming the characters, e.g. 'Ana angrier in the "
        "second half; Ben stays still'. Understood: emotions (angrier, calmer, less sad), "
        "stillness, fewer/more gestures, styles (energetic, reserved, nervous, confident, "
        "tired), spans (first half, second half, from line N).",
    )


class SearchClipsArgs(_Args):
    """Search the clip library for a movement."""

    text: str = Field(
        min_length=2,
        max_length=300,
        description="What the clip shows, in plain words, e.g. 'shrugs with both shoulders'.",
    )
    lexeme: str | None = Field(
        default=None,
        description="A gesture, head or posture lexeme of the vocabulary to prefer, e.g. shrug, "
        "nod, sit; null for none.",
    )
    emotion: Emotion | None = Field(default=None, description="Emotion to prefer; null for none.")
    hand: Hand | None = Field(default=None, description="left, right or both; null for any.")
    duration: float | None = Field(
        default=None, gt=0, le=30, description="Wanted length in seconds; null for any."
    )
    k: int = Field(default=5, ge=1, le=20, description="How many clips to list.")

    @field_validator("lexeme")
    @classmethod
    def _known_lexeme(cls, value: str | None) -> str | None:
        from motiondirector.plan.vocabulary import GESTURE_LEXEMES, HEAD_LEXEMES, POSTURE_LEXEMES

        known = (*GESTURE_LEXEMES, *HEAD_LEXEMES, *POSTURE_LEXEMES)
        if value is not None and value not in known:
            raise ValueError(f"unknown lexeme; use one of {', '.join(known)}")
        return value


class GenerateSegmentArgs(_Args):
    """Generate one body segment of a plan with the configured video generator."""

    plan_id: str = Field(pattern=_PLAN_ID, description="Id of the plan, e.g. plan-1.")
    character: str = Field(
        min_length=1, max_length=80, description="The character, spelled as in the plan."
    )
    event_id: str = Field(
        pattern=_EVENT_ID,
        description="Id of the character's gesture, head or posture event, e.g. ana-12.",
    )


class RenderPreviewToolArgs(_Args):
    """Render the animatic preview video of a plan."""

    plan_id: str = Field(pattern=_PLAN_ID, description="Id of the plan, e.g. plan-1.")
    size: str = Field(
        default="640x360",
        pattern=_SIZE,
        description="Frame size in pixels as WIDTHxHEIGHT, both even, e.g. 640x360.",
    )
    contact_sheet: bool = Field(
        default=False,
        description="Also write a PNG with one still per line of dialogue and per action line.",
    )


class EvaluatePlanArgs(_Args):
    """Score a plan with the planning-quality metrics."""

    plan_id: str = Field(pattern=_PLAN_ID, description="Id of the plan, e.g. plan-1.")


class ExportPlanArgs(_Args):
    """Export a plan to a file format for other tools."""

    plan_id: str = Field(pattern=_PLAN_ID, description="Id of the plan, e.g. plan-1.")
    format: ExportFormat = Field(
        description="json (the plan), bml (BML XML), arkit-csv or arkit-json (ARKit blendshape "
        "curves of one character), vtt or srt (subtitles)."
    )
    character: str | None = Field(
        default=None,
        max_length=80,
        description="For arkit-csv and arkit-json: the character, spelled as in the plan; "
        "null otherwise.",
    )


# -- the session ---------------------------------------------------------------------------


class ToolFailure(MotionDirectorError):
    """A tool was called with something that does not exist in the session."""


class DirectorLike(Protocol):
    """What the tools need of a director (`motiondirector.agent.director.Director` is one)."""

    generator: SegmentGenerator | None

    @property
    def library(self) -> ClipLibrary: ...

    def direct(self, script: Scene) -> DirectResult: ...

    def revise(
        self, previous: DirectResult, note: str, *, parser: Literal["auto", "rules", "llm"]
    ) -> RevisionResult: ...

    def generate_event(
        self,
        result: DirectResult,
        character: str,
        event_id: str,
        *,
        material_dir: Path | None = None,
    ) -> DirectResult: ...


@dataclass
class DirectorSession:
    """What the tools make, by id: scripts, directed results (plan + timeline + motion),
    revisions and files. `folder` holds every file a tool writes (default: a new temporary
    folder). The latest plan made is `current`."""

    director: DirectorLike
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="md-session-")))
    scripts: dict[str, Scene] = field(default_factory=dict)
    results: dict[str, DirectResult] = field(default_factory=dict)
    revisions: dict[str, Revision] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    current: str | None = None
    calls: list[str] = field(default_factory=list)
    # A model may ask for several tools in one turn and the agent runs them in threads; they
    # share ids and the CPU, so they take turns.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def add_script(self, scene: Scene) -> str:
        script_id = f"script-{len(self.scripts) + 1}"
        self.scripts[script_id] = scene
        return script_id

    def add_result(self, result: DirectResult) -> str:
        plan_id = f"plan-{len(self.results) + 1}"
        self.results[plan_id] = result
        self.current = plan_id
        return plan_id

    def script(self, script_id: str) -> Scene:
        if script_id not in self.scripts:
            raise ToolFailure(_unknown("script", script_id, self.scripts))
        return self.scripts[script_id]

    def result(self, plan_id: str) -> DirectResult:
        if plan_id not in self.results:
            raise ToolFailure(_unknown("plan", plan_id, self.results))
        return self.results[plan_id]

    def final(self) -> DirectResult | None:
        """The latest plan made, or None."""
        return self.results[self.current] if self.current is not None else None

    def path(self, kind: str, name: str) -> Path:
        """A file path inside the session folder, from names the tools make."""
        folder = self.folder / kind
        folder.mkdir(parents=True, exist_ok=True)
        return folder / re.sub(r"[^A-Za-z0-9._-]", "_", name)

    def tools(self) -> list[BaseTool]:
        """The seven LangChain tools over this session."""
        return build_tools(self)


def _unknown(kind: str, key: str, known: dict[str, Any]) -> str:
    listing = ", ".join(known) or "none yet"
    return f"no {kind} {key!r} in this session; {kind}s: {listing}"


# -- what the tools do ---------------------------------------------------------------------


def _plan_summary(plan_id: str, result: DirectResult) -> str:
    plan = result.plan
    lines = [
        f"{plan_id}: {len(plan.characters)} characters, {len(plan.utterances)} lines, "
        f"{plan.scene.duration:.1f} s, planner {plan.scene.planner}."
    ]
    for track in plan.characters:
        channels = Counter(event.channel for event in track.events)
        kinds = Counter(s.kind for s in result.timeline.character(track.name).segments)
        lines.append(
            f"{track.name}: "
            + ", ".join(f"{n} {c}" for c, n in sorted(channels.items()))
            + "; body segments "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        )
    return "\n".join(lines)


def _run_plan_scene(session: DirectorSession, args: PlanSceneArgs) -> tuple[str, Any]:
    result = session.director.direct(session.script(args.script_id))
    plan_id = session.add_result(result)
    return _plan_summary(plan_id, result), {"plan": result.plan, "timeline": result.timeline}


def _run_revise_plan(session: DirectorSession, args: RevisePlanArgs) -> tuple[str, Any]:
    revised = session.director.revise(session.result(args.plan_id), args.note, parser="rules")
    plan_id = session.add_result(revised.result)
    session.revisions[plan_id] = revised.revision
    constraints = "; ".join(
        f"{c.kind} {c.character} ({c.span.describe()})" for c in revised.constraints
    )
    content = f"{plan_id} revised from {args.plan_id}: {constraints}.\n{revised.diff.summary()}"
    return content, {"plan": revised.result.plan, "revision": revised.revision}


def _run_search_clips(session: DirectorSession, args: SearchClipsArgs) -> tuple[str, Any]:
    from motiondirector.retrieval.query import ClipQuery
    from motiondirector.retrieval.query import search_clips as search

    query = ClipQuery(
        text=args.text,
        lexeme=args.lexeme,
        emotion=args.emotion,
        hand=args.hand,
        duration=args.duration,
    )
    found = search(session.director.library, query, args.k)
    lines = [
        f"{c.rank}. {c.record.id} score {c.score:.2f} ({c.record.duration:.1f} s): "
        f"{c.record.descriptions[0]}"
        for c in found
    ]
    artifact = [
        {"rank": c.rank, "id": c.record.id, "score": c.score, "reason": c.reason} for c in found
    ]
    return "\n".join(lines) or "no clips found", artifact


def _run_generate_segment(session: DirectorSession, args: GenerateSegmentArgs) -> tuple[str, Any]:
    director = session.director
    if director.generator is None:
        raise ToolFailure(
            "no video generator is configured for this session, so nothing can be generated; "
            "segments are realized by retrieval from the clip library or procedurally"
        )
    base = session.result(args.plan_id)
    updated = director.generate_event(
        base, args.character, args.event_id, material_dir=session.folder / "generated"
    )
    session.results[args.plan_id] = updated
    segment = next(
        s
        for s in updated.timeline.character(args.character).segments
        if args.event_id in s.event_ids and s.kind == "generated"
    )
    content = (
        f"{args.plan_id}: {args.character} {args.event_id} is now generated "
        f"({segment.target_in:.2f}-{segment.target_out:.2f} s): {segment.provenance.reason}"
    )
    return content, segment


def _run_render_preview(session: DirectorSession, args: RenderPreviewToolArgs) -> tuple[str, Any]:
    from motiondirector.tools.rendering import parse_size, write_preview_files

    # The session's own motion and faces: a plan file alone would be realized again with the
    # built-in library, whatever library, generator or face library made this result.
    result = session.result(args.plan_id)
    rendered = write_preview_files(
        result.plan,
        dict(result.motions),
        session.path("previews", f"{args.plan_id}.mp4"),
        size=parse_size(args.size),
        contact_sheet=(
            session.path("previews", f"{args.plan_id}.png") if args.contact_sheet else None
        ),
        faces=result.faces,
    )
    session.files[f"preview:{args.plan_id}"] = rendered.video
    content = (
        f"wrote {rendered.video.name}: {rendered.frames} frames, {rendered.duration:.1f} s, "
        f"{rendered.width}x{rendered.height}"
    )
    return content, rendered


_HEADLINE_METRICS = (
    "schema_validity",
    "violations",
    "stroke_in_anchor_share",
    "events_inside_scene_share",
    "gaze_gap_share",
    "au_emotion_consistency",
)


def _run_evaluate_plan(session: DirectorSession, args: EvaluatePlanArgs) -> tuple[str, Any]:
    from motiondirector.evaluation.metrics import naturalness_in_human_range, plan_metrics

    result = session.result(args.plan_id)
    metrics = plan_metrics(result.plan)
    in_range = naturalness_in_human_range(result.plan)
    lines = [f"{name}: {metrics[name]:.3g}" for name in _HEADLINE_METRICS if name in metrics]
    outside = sorted(name for name, ok in in_range.items() if not ok)
    lines.append(
        f"naturalness in the human range: {sum(in_range.values())}/{len(in_range)}"
        + (f" (outside: {', '.join(outside)})" if outside else "")
    )
    return f"{args.plan_id}\n" + "\n".join(lines), {"metrics": metrics, "in_range": in_range}


def _run_export_plan(session: DirectorSession, args: ExportPlanArgs) -> tuple[str, Any]:
    from motiondirector.export.formats import export_plan as export

    result = session.result(args.plan_id)
    text = export(result.plan, args.format, fps=result.plan.scene.fps, character=args.character)
    suffix = f"-{args.character}" if args.character else ""
    path = session.path("exports", f"{args.plan_id}{suffix}{_EXTENSIONS[args.format]}")
    path.write_text(text, encoding="utf-8")
    session.files[f"{args.format}:{args.plan_id}{suffix}"] = path
    return f"wrote {path.name} ({len(text.encode())} bytes)", text


# -- the LangChain tools -------------------------------------------------------------------

_TOOLS: dict[str, tuple[type[_Args], Callable[[DirectorSession, Any], tuple[str, Any]], str]] = {
    "plan_scene": (
        PlanSceneArgs,
        _run_plan_scene,
        "Plan a script of this session and realize it: a word-timed motion plan for every "
        "character (face, head, gaze, gestures, posture), a timeline choosing library clips, "
        "generated or procedural motion per body segment, and body motion. Returns a plan id "
        "and a summary.",
    ),
    "revise_plan": (
        RevisePlanArgs,
        _run_revise_plan,
        "Apply a director's note to a plan. Only what the note names changes; the rest stays "
        "identical. Returns the new plan id and what changed per character.",
    ),
    "search_clips": (
        SearchClipsArgs,
        _run_search_clips,
        "Search the clip library for a movement described in words; lists the best clips "
        "with scores.",
    ),
    "generate_segment": (
        GenerateSegmentArgs,
        _run_generate_segment,
        "Generate one body segment of a plan (a gesture, head or posture event) with the "
        "configured video generator instead of a library clip.",
    ),
    "render_preview": (
        RenderPreviewToolArgs,
        _run_render_preview,
        "Render the animatic preview video (stick figures with faces and subtitles) of a plan.",
    ),
    "evaluate_plan": (
        EvaluatePlanArgs,
        _run_evaluate_plan,
        "Score a plan: schema validity, timing of gesture strokes, gaze coverage, emotion "
        "consistency of the faces, and naturalness compared with human ranges.",
    ),
    "export_plan": (
        ExportPlanArgs,
        _run_export_plan,
        "Export a plan as JSON, BML, ARKit curves (one character) or subtitles; writes a file "
        "in the session folder.",
    ),
}


def _validation_message(name: str) -> Callable[[Any], str]:
    def message(error: Any) -> str:
        if isinstance(error, ValidationError):
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in error.errors()
            )
        else:
            problems = str(error)
        return f"Error: invalid arguments for {name}: {problems}. Call it again with valid ones."

    return message


def _tool(session: DirectorSession, name: str) -> BaseTool:
    from langchain_core.tools import StructuredTool, ToolException

    schema, run, description = _TOOLS[name]

    def call(**arguments: Any) -> tuple[str, Any]:
        args = schema.model_validate(arguments)
        with session.lock:
            session.calls.append(name)
            try:
                return run(session, args)
            except MotionDirectorError as error:
                raise ToolException(f"Error: {error}") from error

    return StructuredTool.from_function(
        func=call,
        name=name,
        description=description,
        args_schema=schema,
        response_format="content_and_artifact",
        handle_tool_error=True,
        handle_validation_error=_validation_message(name),
    )


def build_tools(session: DirectorSession) -> list[BaseTool]:
    """The seven tools, bound to `session`."""
    return [_tool(session, name) for name in TOOL_NAMES]
