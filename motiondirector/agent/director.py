"""The Director: from a script to a realized scene, and revisions of it by notes.

The deterministic pipeline (no LLM): plan the scene, then realize the plan through the realize
layer (`realize.realize_plan`), which sequences library clips and decides every clip slot as
retrieval, generation or procedural motion with the reason recorded (`realize/decide.py`).
`revise` applies a note to the Direction a result was realized from (`agent/revise.py`).
The LLM agent is not here: `agent/llm_agent.py` `LLMDirector` composes a Director with the
LangChain tools and lets a model choose the steps.

This module holds settings and delegates: planning and realization live in `realize`, files
in `export/scene_folder.py`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from motiondirector.errors import MotionDirectorError
from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.motion.assemble import IDLE_SOURCE
from motiondirector.motion.clip import Motion
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.scene import Scene
from motiondirector.planners import Planner, get_planner
from motiondirector.realize import (
    DEFAULT_RETRIEVE_THRESHOLD,
    SegmentDecider,
    as_segment_generator,
    assemble_realization,
    from_realization,
    plan_scene,
    realize_plan,
)
from motiondirector.realize.body import check_retrieval_options
from motiondirector.realize.decide import procedural_clip
from motiondirector.realize.pipeline import FixedDirection
from motiondirector.retrieval.builtin import builtin_clip_library
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.scene import (
    DEFAULT_MAX_BYTES,
    ScriptFormat,
    TimingOptions,
    parse_script,
    read_script,
)

if TYPE_CHECKING:
    from motiondirector.agent.revise import RevisionResult
    from motiondirector.planners.llm_client import LLMConfig
    from motiondirector.realize.faces import FaceLibrary

# -- the Director --------------------------------------------------------------------------


ScriptInput = Scene | MotionPlan | str | os.PathLike[str]


class Director:
    """Directs scenes: `direct` a script into a plan, a timeline, body motion and files;
    `revise` a result with a note.

    `planner` plans (name or object; `llm` with the `llm` and `hybrid` planners), `library`
    is the clip library (None: the built-in one), `generator` makes segments no clip fits
    (anything with `generate_segment`, or a `motiondirector.generators` video backend), and
    `retrieve_threshold` is the score a slot's best clip needs to be retrieved.
    `face_library` (a library built from videos, or one opened with its casting options by
    `open_face_library`) realizes every character's face and head per utterance from real
    faces scoring at least `face_threshold` (`realize/faces.py`). Everything
    it does is deterministic: the same script and settings give the same bytes.
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
        llm: LLMConfig | None = None,
        progress: bool = False,
        face_library: FaceLibrary | ClipLibrary | str | os.PathLike[str] | None = None,
        face_threshold: float | None = None,
    ) -> None:
        check_retrieval_options(retrieve_threshold, k, threshold_name="retrieve_threshold")
        if face_threshold is not None and not face_threshold >= 0.0:
            raise MotionDirectorError(f"face_threshold must be at least 0, got {face_threshold}")
        self.planner = planner
        self._library = library
        self.generator = as_segment_generator(generator) if generator is not None else None
        self.retrieve_threshold = retrieve_threshold
        self.k = k
        self.fps = fps
        self.seed = seed
        self.llm = llm  # for the llm and hybrid planners
        self.progress = progress
        self._face_library: FaceLibrary | ClipLibrary | str | os.PathLike[str] | None = face_library
        self.face_threshold = face_threshold
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

    @property
    def face_library(self) -> FaceLibrary | None:
        """The face library, opened and checked on first use; None when faces stay planned."""
        if self._face_library is None:
            return None  # without importing the face readers (SciPy's signal tools)
        from motiondirector.realize.faces import FaceLibrary, open_face_library

        if isinstance(self._face_library, FaceLibrary):
            return self._face_library
        self._face_library = open_face_library(self._face_library)
        return self._face_library

    # -- reading scripts ---------------------------------------------------------------------

    def read(
        self,
        script: str | os.PathLike[str],
        *,
        format: ScriptFormat = "auto",
        timing: TimingOptions | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        language: str | None = None,
    ) -> Scene:
        """A Scene from a script file, or from script text (a str with a line break); `language`
        as `parse_script` takes it."""
        if isinstance(script, str) and "\n" in script:
            return parse_script(
                script, format=format, timing=timing, max_bytes=max_bytes, language=language
            )
        return read_script(
            script, format=format, timing=timing, max_bytes=max_bytes, language=language
        )

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
        language: str | None = None,
    ) -> DirectResult:
        """Direct `script` (a Scene, a MotionPlan, a script file path, or script text) and,
        with `out`, write plan.json, timeline.json, timeline.otio, one BVH per character,
        scene.json and direction.json (what a revision needs) and generated videos under
        generated/."""
        _ = self.face_library  # a library that cannot realize faces fails before any work
        if out is not None:
            SceneFolder(out).check_writable()
        if isinstance(script, MotionPlan):
            return self.realize(script, out=out)
        scene = (
            script
            if isinstance(script, Scene)
            else self.read(
                script, format=format, timing=timing, max_bytes=max_bytes, language=language
            )
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
        face_cast: Mapping[str, frozenset[str]] | None = None,
    ) -> DirectResult:
        """Timeline (retrieval, generation or procedural per slot), body motion and files for
        a validated plan; `face_cast` (character -> the videos its real faces came from before)
        keeps each character whose videos are one performer's cast as that performer (a
        revision keeps its people), under the face library's own pins."""
        material_dir = SceneFolder(out).generated_dir if out is not None else None
        faces = self.face_library
        if faces is not None:
            from motiondirector.realize.faces import check_face_cast

            check_face_cast(plan, faces)  # a misspelt name fails before the realization
            kept = {}
            for name, videos in (face_cast or {}).items():
                performers = {faces.performer_of.get(video) for video in videos}
                if len(performers) == 1 and None not in performers:
                    kept[name] = str(performers.pop())
            if kept and faces.casting:
                faces = replace(faces, cast={**kept, **faces.cast})
        realization = realize_plan(
            plan,
            self.library,
            generator=self.generator,
            threshold=self.retrieve_threshold,
            k=self.k,
            material_dir=material_dir,
            generated=self.generated_motions,
            progress=self.progress,
        )
        if faces is not None:
            from motiondirector.realize.faces import DEFAULT_FACE_THRESHOLD, realize_faces

            threshold = self.face_threshold
            realization = realize_faces(
                realization,
                faces,
                threshold=DEFAULT_FACE_THRESHOLD if threshold is None else threshold,
                progress=self.progress,
            )
        out_dir = Path(out) if out is not None else None
        written = from_realization(realization, out_dir=out_dir, progress=self.progress)
        result = replace(written, scene=scene, direction=direction)
        timeline = realization.timeline
        if out_dir is not None:
            result.paths.update(SceneFolder(out_dir).save_sources(result))
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
        return replace(result, paths=SceneFolder(out).save(result))

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
        decider = SegmentDecider(
            result.plan,
            self.retrieve_threshold,
            self.generator,
            material_dir,
            self.generated_motions,
        )
        event = decider.body_event(character, event_id)
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
        done = assemble_realization(result.plan, timeline, self.generated_motions)
        return DirectResult(
            plan=done.plan,
            timeline=done.timeline,
            motions=dict(done.motions),
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
