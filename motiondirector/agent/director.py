"""The Director: from a script to a realized scene, deciding per segment how it is realized.

The deterministic pipeline (no LLM): plan the scene, sequence library clips into a timeline
(`retrieval/sequence.py`), then decide every clip slot again:

- **retrieval** when the best library candidate for the slot scores at least
  `retrieve_threshold` (default `DEFAULT_RETRIEVE_THRESHOLD`);
- else **generation** when a generator is configured: it gets the built-in synthesized motion
  of the slot's lexeme as conditioning and writes a video, which becomes a `generated`
  segment;
- else **procedural**: the built-in synthesized motion of the lexeme plays.

The reason of every decision is written into the segment's provenance. With `agent="llm"`
the same steps are LangChain tools and an LLM chooses which to call (`agent/llm_agent.py`).
`revise` applies a note to the Direction a result was realized from (`agent/revise.py`).

This module decides and delegates: planning, sequencing, assembly and export live in their
packages, and `direct_scene`'s assembly and file writing are reused as they are.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from motiondirector.agent.direct import (
    DirectResult,
    builtin_clip_library,
    finish_direction,
)
from motiondirector.agent.pipeline import ScriptFormat, plan_scene
from motiondirector.errors import ExportError, MotionDirectorError
from motiondirector.export.files import write_text_atomic
from motiondirector.motion.assemble import IDLE_SOURCE, MotionSourceCache
from motiondirector.motion.clip import Motion
from motiondirector.motion.library import builtin_library
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import GestureEvent, HeadEvent, MotionPlan, PostureEvent
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import CharacterTimeline, Provenance, Segment, Timeline
from motiondirector.planners import Planner, get_planner
from motiondirector.retrieval.query import search_clips
from motiondirector.retrieval.sequence import MAX_RATE, body_slots, sequence_plan, slot_query
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.scene import DEFAULT_MAX_BYTES, TimingOptions, parse_script, read_script

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from motiondirector.agent.revise import RevisionResult
    from motiondirector.motion.library.catalog import LibraryClip
    from motiondirector.planners.llm_client import LLMConfig

DEFAULT_RETRIEVE_THRESHOLD = 0.60
"""Measured on the built-in library over the example scene and the two shared screenplays
(77 distinct slot queries): the best clip *of the planned lexeme* never scored below 0.600,
while the best clip of any *other* lexeme scored above 0.60 for only 5% of the queries (the
near-synonyms self_point/point and lower/tilt). See docs/director.md."""

SCENE_FILE = "scene.json"
DIRECTION_FILE = "direction.json"
GENERATED_DIR = "generated"
AGENT_DIR = "agent"
AgentKind = Literal["deterministic", "llm"]
AGENT_KINDS: tuple[str, ...] = ("deterministic", "llm")
BodyEvent = GestureEvent | HeadEvent | PostureEvent


# -- generation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentRequest:
    """One segment to generate: who, which plan event, where it lands on the scene's time
    axis, the motion to follow (built-in synthesized motion of the lexeme, `fps` frames per
    second), a text prompt, a seed, and the video file to write."""

    character: str
    event: BodyEvent
    target_in: float
    target_out: float
    motion: Motion
    prompt: str
    seed: int
    out: Path


@dataclass(frozen=True)
class GeneratedMaterial:
    """What a generator made for a segment: the file (`source`), its length in seconds and
    the backend that made it."""

    source: str
    duration: float
    backend: str


@runtime_checkable
class SegmentGenerator(Protocol):
    """Makes the material of a segment that no library clip fits well enough."""

    name: str

    def generate_segment(self, request: SegmentRequest) -> GeneratedMaterial: ...


def as_segment_generator(generator: object) -> SegmentGenerator:
    """`generator` as the Director's SegmentGenerator: one already is; a video backend with
    the `motiondirector.generators.base.Generator` shape is wrapped to render its pose
    conditioning and write the video it generates."""
    if isinstance(generator, SegmentGenerator):
        return generator
    from motiondirector.generators.base import Generator

    if isinstance(generator, Generator):
        from motiondirector.tools.generation import VideoSegmentGenerator

        return VideoSegmentGenerator(generator)
    raise MotionDirectorError(
        f"{type(generator).__name__} is not a generator: give an object with "
        "generate_segment(request) or a video backend from motiondirector.generators"
    )


# -- deciding segments ---------------------------------------------------------------------


def procedural_clip(event: BodyEvent, emotion: str | None) -> LibraryClip:
    """The built-in synthesized clip that realizes `event` when nothing better is at hand: its
    lexeme, the event's hand, the emotion's style when there is one, plain amplitude/tempo."""
    clips = [clip for clip in builtin_library() if clip.lexeme == event.lexeme]
    if not clips:
        clips = [clip for clip in builtin_library() if clip.id == "idle.normal.normal.neutral"]
    hand = event.hand if isinstance(event, GestureEvent) else None

    def preference(clip: LibraryClip) -> tuple[bool, bool, bool, bool, str]:
        return (
            hand is not None and clip.hand not in (hand, None),
            clip.emotion != (emotion or "neutral"),
            clip.amplitude != "normal",
            clip.tempo != "normal",
            clip.id,
        )

    return min(clips, key=preference)


def event_seed(seed: int, character: str, event_id: str) -> int:
    """A generation seed per event, stable across runs and independent of other events."""
    return zlib.crc32(f"{seed}:{character}:{event_id}".encode())


@dataclass
class _Decider:
    plan: MotionPlan
    library: ClipLibrary
    threshold: float
    generator: SegmentGenerator | None
    material_dir: Path | None
    generated: dict[str, Motion]

    def __post_init__(self) -> None:
        self.emotions = {u.id: u.emotion.label for u in self.plan.utterances}
        self.events = {
            (track.name, event.id): event
            for track in self.plan.characters
            for event in track.events
        }
        self._slots: dict[str, dict[str, float]] = {}

    def best_score(self, character: str, segment: Segment) -> float:
        """The score of the best library candidate for the segment's slot: the chosen clip's
        when it ranked first, else searched again (the sequencer preferred a smoother join)."""
        provenance = segment.provenance
        if provenance.rank == 1 and provenance.score is not None:
            return provenance.score
        if character not in self._slots:
            best: dict[str, float] = {}
            for slot in body_slots(self.plan, character):
                emotion = self.emotions.get(slot.event.utterance_id or "")
                found = search_clips(self.library, slot_query(slot, emotion), 1)
                best[slot.event.id] = found[0].score if found else 0.0
            self._slots[character] = best
        return self._slots[character].get(segment.event_ids[0], provenance.score or 0.0)

    def decide(self, character: str, segment: Segment) -> Segment:
        if segment.kind != "clip" or not segment.event_ids:
            return segment
        best = self.best_score(character, segment)
        scores = {**segment.provenance.scores, "best": round(best, 6)}
        scores["threshold"] = self.threshold
        if best >= self.threshold:
            reason = (
                f"retrieval: best library candidate {best:.2f} >= threshold "
                f"{self.threshold:.2f}; {segment.provenance.reason}"
            )
            provenance = segment.provenance.model_copy(update={"reason": reason, "scores": scores})
            return segment.model_copy(update={"provenance": provenance})
        event = self.events[(character, segment.event_ids[0])]
        assert isinstance(event, GestureEvent | HeadEvent | PostureEvent)
        clip = procedural_clip(event, self.emotions.get(event.utterance_id or ""))
        length = segment.target_out - segment.target_in
        below = f"best library candidate {best:.2f} < threshold {self.threshold:.2f}"
        if self.generator is not None:
            return self.generate(character, segment, event, clip, below, best, scores)
        source_out = round(min(clip.duration, length * MAX_RATE), 6)
        return segment.model_copy(
            update={
                "kind": "procedural",
                "clip_id": f"builtin/{clip.id}",
                "source": f"builtin:{clip.id}",
                "source_in": 0.0,
                "source_out": source_out,
                "provenance": Provenance(
                    reason=f"procedural: {below} and no generator configured; plays the "
                    f"built-in synthesized '{event.lexeme}' ({clip.id})",
                    score=round(best, 6),
                    scores=scores,
                    candidates=segment.provenance.candidates,
                ),
            }
        )

    def generate(
        self,
        character: str,
        segment: Segment,
        event: BodyEvent,
        clip: LibraryClip,
        below: str,
        best: float,
        scores: dict[str, float],
    ) -> Segment:
        assert self.generator is not None
        length = segment.target_out - segment.target_in
        motion = clip.motion()
        frames = max(2, min(motion.frames, round(length * MAX_RATE * motion.fps) + 1))
        conditioning = Motion(
            motion.rotations[:frames].copy(), motion.root_positions[:frames].copy(), motion.fps
        )
        folder = self.material_dir or Path(tempfile.mkdtemp(prefix="motiondirector-generated-"))
        self.material_dir = folder
        request = SegmentRequest(
            character=character,
            event=event,
            target_in=segment.target_in,
            target_out=segment.target_out,
            motion=conditioning,
            prompt=f"{character.title()} {event.description}",
            seed=event_seed(self.plan.scene.seed, character, event.id),
            out=folder / f"{_safe(character)}-{_safe(event.id)}.mp4",
        )
        material = self.generator.generate_segment(request)
        self.generated[material.source] = conditioning
        return segment.model_copy(
            update={
                "kind": "generated",
                "clip_id": None,
                "source": material.source,
                "source_in": 0.0,
                "source_out": round(material.duration, 6),
                "provenance": Provenance(
                    reason=f"generated by {material.backend}: {below}; conditioned on the "
                    f"built-in synthesized '{event.lexeme}' ({clip.id})",
                    score=round(best, 6),
                    scores=scores,
                    candidates=segment.provenance.candidates,
                ),
            }
        )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "x"


def decide_segments(
    plan: MotionPlan,
    timeline: Timeline,
    library: ClipLibrary,
    *,
    threshold: float = DEFAULT_RETRIEVE_THRESHOLD,
    generator: SegmentGenerator | None = None,
    material_dir: Path | None = None,
    generated: dict[str, Motion] | None = None,
) -> tuple[Timeline, dict[str, Motion]]:
    """The timeline with every clip segment decided again: kept when its slot's best candidate
    scores at least `threshold`, else generated (with `generator`, videos under
    `material_dir`) or procedural. Also returns, per generated source, the motion it was
    conditioned on (what the character's body does there), added to `generated` if given."""
    found = generated if generated is not None else {}
    decider = _Decider(plan, library, threshold, generator, material_dir, found)
    tracks = tuple(
        CharacterTimeline(
            name=track.name,
            segments=tuple(decider.decide(track.name, segment) for segment in track.segments),
        )
        for track in timeline.characters
    )
    return timeline.model_copy(update={"characters": tracks}), decider.generated


class _MaterialLoader:
    """Segment sources as motion: generated videos by the motion they follow, the rest as
    `direct` loads them."""

    def __init__(self, generated: dict[str, Motion]) -> None:
        self._generated = generated
        self._base = MotionSourceCache()

    def __call__(self, source: str) -> Motion:
        found = self._generated.get(source)
        return found if found is not None else self._base(source)


# -- the Director --------------------------------------------------------------------------


class FixedDirection:
    """A planner that returns a Direction decided earlier (a revision, an LLM's), so the
    pipeline's validation and realization run on it unchanged."""

    def __init__(self, direction: Direction) -> None:
        self.direction = direction
        self.name = direction.planner

    def plan(self, scene: Scene) -> Direction:
        return self.direction


ScriptInput = Scene | MotionPlan | str | os.PathLike[str]


class Director:
    """Directs scenes: `direct` a script into a plan, a timeline, body motion and files;
    `revise` a result with a note.

    `planner` plans (name or object; `llm` with the `llm` and `hybrid` planners), `library`
    is the clip library (None: the built-in one), `generator` makes segments no clip fits
    (anything with `generate_segment`, or a `motiondirector.generators` video backend), and
    `retrieve_threshold` is the score a slot's best clip needs to be retrieved. `agent="llm"`
    lets an LLM (`llm`, or any LangChain `chat_model`) choose the tools; the default runs the
    deterministic pipeline.
    """

    def __init__(
        self,
        *,
        planner: str | Planner = "rules",
        library: ClipLibrary | str | os.PathLike[str] | None = None,
        generator: object | None = None,
        retrieve_threshold: float = DEFAULT_RETRIEVE_THRESHOLD,
        k: int = 10,
        fps: int = 30,
        seed: int = 0,
        agent: AgentKind = "deterministic",
        llm: LLMConfig | None = None,
        chat_model: BaseChatModel | None = None,
        max_agent_steps: int = 24,
        progress: bool = False,
    ) -> None:
        if agent not in AGENT_KINDS:
            raise MotionDirectorError(f"unknown agent {agent!r}; choose one of {AGENT_KINDS}")
        if agent == "llm" and llm is None and chat_model is None:
            raise MotionDirectorError(
                "the llm agent needs an LLM: give llm=LLMConfig(...) (--llm-model, "
                "--llm-base-url) or a LangChain chat_model"
            )
        if not 0.0 <= retrieve_threshold <= 1.0:
            raise MotionDirectorError(
                f"retrieve_threshold must be between 0 and 1, got {retrieve_threshold}"
            )
        if k < 1:
            raise MotionDirectorError(f"k must be at least 1, got {k}")
        self.planner = planner
        self._library = library
        self.generator = as_segment_generator(generator) if generator is not None else None
        self.retrieve_threshold = retrieve_threshold
        self.k = k
        self.fps = fps
        self.seed = seed
        self.agent = agent
        self.llm = llm
        self.chat_model = chat_model
        self.max_agent_steps = max_agent_steps
        self.progress = progress
        # Generated videos by source, with the motion each follows: assembly reads those.
        self.generated_motions: dict[str, Motion] = {}

    @property
    def library(self) -> ClipLibrary:
        """The clip library, opened (or built, for the built-in one) on first use."""
        if not isinstance(self._library, ClipLibrary):
            self._library = (
                builtin_clip_library()
                if self._library is None
                else ClipLibrary.open(Path(self._library))
            )
        return self._library

    def deterministic(self) -> Director:
        """This Director's settings with the deterministic pipeline (what the tools run)."""
        if self.agent == "deterministic":
            return self
        twin = Director(
            planner=self.planner,
            library=self._library,
            retrieve_threshold=self.retrieve_threshold,
            k=self.k,
            fps=self.fps,
            seed=self.seed,
            llm=self.llm,
            progress=self.progress,
        )
        twin.generator = self.generator
        twin.generated_motions = self.generated_motions
        return twin

    # -- reading scripts ---------------------------------------------------------------------

    def read(
        self,
        script: str | os.PathLike[str],
        *,
        format: ScriptFormat = "auto",
        timing: TimingOptions | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Scene:
        """A Scene from a script file, or from script text (a str with a line break)."""
        if isinstance(script, str) and "\n" in script:
            return parse_script(script, format=format, timing=timing, max_bytes=max_bytes)
        return read_script(script, format=format, timing=timing, max_bytes=max_bytes)

    def plan(self, scene: Scene) -> tuple[Direction, MotionPlan]:
        """The planner's Direction for `scene` and the validated plan realized from it."""
        chosen = self._planner()
        direction = chosen.plan(scene)
        plan = plan_scene(
            scene,
            planner=FixedDirection(direction),
            fps=self.fps,
            seed=self.seed,
            progress=self.progress,
        )
        return direction, plan

    def _planner(self) -> Planner:
        if isinstance(self.planner, str):
            return get_planner(self.planner, self.llm)
        return self.planner

    # -- directing ---------------------------------------------------------------------------

    def direct(
        self,
        script: ScriptInput,
        out: str | os.PathLike[str] | None = None,
        *,
        format: ScriptFormat = "auto",
        timing: TimingOptions | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        instructions: str | None = None,
    ) -> DirectResult:
        """Direct `script` (a Scene, a MotionPlan, a script file path, or script text) and,
        with `out`, write plan.json, timeline.json, timeline.otio, one BVH per character,
        scene.json and direction.json (what a revision needs) and generated videos under
        generated/. `instructions` are the user's words to the LLM agent, whose exports and
        previews go under agent/."""
        if self.agent == "llm":
            from motiondirector.agent.llm_agent import run_llm_director

            if isinstance(script, MotionPlan):
                raise MotionDirectorError("the llm agent directs scripts, not finished plans")
            scene = (
                script
                if isinstance(script, Scene)
                else self.read(script, format=format, timing=timing, max_bytes=max_bytes)
            )
            from motiondirector.tools.langchain_tools import DirectorSession

            # Files the agent asks for (exports, previews) land next to the result.
            session = DirectorSession(self, folder=Path(out) / AGENT_DIR) if out else None
            run = run_llm_director(self, scene, instructions=instructions, session=session)
            result = run.result
            return self.write(result, out) if out is not None else result
        if isinstance(script, MotionPlan):
            return self.realize(script, out=out)
        scene = (
            script
            if isinstance(script, Scene)
            else self.read(script, format=format, timing=timing, max_bytes=max_bytes)
        )
        direction, plan = self.plan(scene)
        return self.realize(plan, out=out, scene=scene, direction=direction)

    def realize(
        self,
        plan: MotionPlan,
        *,
        out: str | os.PathLike[str] | None = None,
        scene: Scene | None = None,
        direction: Direction | None = None,
    ) -> DirectResult:
        """Timeline (retrieval, generation or procedural per slot), body motion and files for
        a validated plan."""
        library = self.library
        timeline = sequence_plan(plan, library, k=self.k)
        material_dir = Path(out) / GENERATED_DIR if out is not None else None
        timeline, _ = decide_segments(
            plan,
            timeline,
            library,
            threshold=self.retrieve_threshold,
            generator=self.generator,
            material_dir=material_dir,
            generated=self.generated_motions,
        )
        out_dir = Path(out) if out is not None else None
        result = finish_direction(
            plan, timeline, out_dir=out_dir, loader=_MaterialLoader(self.generated_motions)
        )
        result = DirectResult(
            plan=result.plan,
            timeline=result.timeline,
            motions=result.motions,
            paths=result.paths,
            scene=scene,
            direction=direction,
        )
        if out_dir is not None:
            result.paths.update(write_sources(result, out_dir))
            used = {
                s.source
                for t in timeline.characters
                for s in t.segments
                if s.kind == "generated" and s.source
            }
            result.paths.update({f"generated:{source}": Path(source) for source in sorted(used)})
        return result

    def write(self, result: DirectResult, out: str | os.PathLike[str]) -> DirectResult:
        """Write a result made without an output folder into `out` (generated videos stay
        where they were made and are named in the timeline)."""
        from motiondirector.agent.direct import write_direction

        out_dir = Path(out)
        paths = write_direction(result.plan, result.timeline, result.motions, out_dir)
        paths.update(write_sources(result, out_dir))
        return DirectResult(
            plan=result.plan,
            timeline=result.timeline,
            motions=result.motions,
            paths=paths,
            scene=result.scene,
            direction=result.direction,
        )

    def generate_event(
        self,
        result: DirectResult,
        character: str,
        event_id: str,
        *,
        material_dir: Path | None = None,
    ) -> DirectResult:
        """`result` with the body segment of one event generated by the configured generator
        (whatever the library offers), and the body motion assembled again."""
        if self.generator is None:
            raise MotionDirectorError(
                "no video generator is configured: segments are realized by retrieval from the "
                "clip library or procedurally"
            )
        try:
            track = result.timeline.character(character)
        except KeyError:
            names = ", ".join(t.name for t in result.timeline.characters)
            raise MotionDirectorError(f"no character {character!r}; characters: {names}") from None
        index = next(
            (
                i
                for i, s in enumerate(track.segments)
                if event_id in s.event_ids and s.source != IDLE_SOURCE
            ),
            None,
        )
        if index is None:
            raise MotionDirectorError(
                f"{character} has no body segment for event {event_id!r}: only gestures, head "
                "movements and posture changes that got a slot of their own can be generated"
            )
        segment = track.segments[index]
        decider = _Decider(
            result.plan,
            self.library,
            self.retrieve_threshold,
            self.generator,
            material_dir,
            self.generated_motions,
        )
        event = decider.events[(character, event_id)]
        assert isinstance(event, GestureEvent | HeadEvent | PostureEvent)
        emotion = decider.emotions.get(event.utterance_id or "")
        best = segment.provenance.scores.get("best", segment.provenance.score or 0.0)
        made = decider.generate(
            character,
            segment,
            event,
            procedural_clip(event, emotion),
            "asked for directly",
            best,
            {**segment.provenance.scores},
        )
        segments = (*track.segments[:index], made, *track.segments[index + 1 :])
        tracks = tuple(
            t.model_copy(update={"segments": segments}) if t.name == character else t
            for t in result.timeline.characters
        )
        timeline = result.timeline.model_copy(update={"characters": tracks})
        done = finish_direction(
            result.plan, timeline, loader=_MaterialLoader(self.generated_motions)
        )
        return DirectResult(
            plan=done.plan,
            timeline=done.timeline,
            motions=done.motions,
            scene=result.scene,
            direction=result.direction,
        )

    # -- revising ----------------------------------------------------------------------------

    def revise(
        self,
        previous: DirectResult | str | os.PathLike[str],
        note: str,
        out: str | os.PathLike[str] | None = None,
        *,
        parser: Literal["auto", "rules", "llm"] = "auto",
    ) -> RevisionResult:
        """Apply a director's note to a result (or a folder written by `direct`): the note
        becomes constraints on the Direction, which is realized again with the same seed;
        events the note does not touch stay identical. With `out`, also writes
        revision.json (note, constraints, diff)."""
        from motiondirector.agent.revise import revise_result

        return revise_result(self, previous, note, out=out, parser=parser)


def write_sources(result: DirectResult, out_dir: Path) -> dict[str, Path]:
    """scene.json and direction.json, what the plan was realized from, when known."""
    paths: dict[str, Path] = {}
    if result.scene is not None:
        text = result.scene.model_dump_json(indent=2) + "\n"
        paths["scene"] = write_text_atomic(out_dir / SCENE_FILE, text)
    if result.direction is not None:
        text = result.direction.model_dump_json(indent=2) + "\n"
        paths["direction"] = write_text_atomic(out_dir / DIRECTION_FILE, text)
    return paths


def read_direction_folder(folder: str | os.PathLike[str]) -> DirectResult:
    """The plan, timeline, Scene and Direction a `direct --out` folder holds (body motion is
    not read back: a revision assembles it again)."""
    from motiondirector.plan.validate import load_plan_json

    root = Path(folder)

    def read(name: str) -> str:
        path = root / name
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            hint = (
                " (written by `motiondirector direct` since revisions exist; direct the script "
                "again)"
                if name in (SCENE_FILE, DIRECTION_FILE)
                else ""
            )
            raise ExportError(f"{root} has no {name}{hint}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(f"cannot read {path}: {error}") from None

    from pydantic import ValidationError

    plan = load_plan_json(read("plan.json"))
    try:
        timeline = Timeline.model_validate_json(read("timeline.json"))
        scene = Scene.model_validate_json(read(SCENE_FILE))
        direction = Direction.model_validate_json(read(DIRECTION_FILE))
    except ValidationError as error:
        raise ExportError(f"{root}: a file does not match its contract: {error}") from None
    return DirectResult(plan=plan, timeline=timeline, motions={}, scene=scene, direction=direction)
