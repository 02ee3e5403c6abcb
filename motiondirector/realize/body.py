"""From a MotionPlan to body motion: the one way every caller realizes a plan.

    realization = realize_plan(plan)                 # the built-in gesture library
    realization = realize_plan(plan, library, generator=backend, threshold=0.6)

The plan's body slots are sequenced from a clip library into a Timeline
(`retrieval/sequence.py`), every clip slot is decided as retrieval, generation or procedural
motion with its reason recorded (`realize/decide.py`), and each character's body motion is
assembled (`motion/assemble.py`); the returned plan carries the motion-codebook tokens.
`direct`, `render --library`, scene jobs, frame streams, revisions and the Director all call
`realize_plan`, so the same plan, library and options give the same timeline everywhere.

This module wires those parts together; it must not choose clips or build motion itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from motiondirector.errors import ExportError, MotionDirectorError
from motiondirector.export.face_curves import FaceCurves
from motiondirector.export.formats import resolve_character
from motiondirector.motion.assemble import MotionSourceCache, assemble_character, sample_motion
from motiondirector.motion.clip import Motion
from motiondirector.motion.codebook import default_codebook
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.timeline import Timeline
from motiondirector.realize.decide import DEFAULT_RETRIEVE_THRESHOLD, SegmentDecider
from motiondirector.realize.requests import SegmentGenerator
from motiondirector.retrieval.builtin import builtin_clip_library
from motiondirector.retrieval.sequence import sequence_plan
from motiondirector.retrieval.sources import is_body_motion
from motiondirector.retrieval.store import ClipLibrary

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BodyPose:
    """Local joint rotations (n, 22, 4) as xyzw quaternions and root positions (n, 3) metres."""

    rotations: FloatArray
    root: FloatArray


@dataclass(frozen=True)
class Realization:
    """A realized plan: the plan (with codebook tokens when asked for), the decided timeline,
    and the body motion of every character; `faces`, each character's face and head when
    they were realized from a video library (`realize/faces.py`)."""

    plan: MotionPlan
    timeline: Timeline
    motions: Mapping[str, Motion]
    faces: Mapping[str, FaceCurves] = field(default_factory=dict)

    def sample(self, character: str, times: FloatArray) -> BodyPose:
        """The character's pose at `times` (seconds, one dimension, finite); a character of the
        plan without motion stands at rest. `character` is matched as exports match it (case
        and accents ignored when only one name fits); a name not in the plan is an error."""
        motion = self.motions.get(character)
        if motion is None:
            try:
                motion = self.motions.get(resolve_character(self.plan, character))
            except ExportError as error:
                raise MotionDirectorError(str(error)) from None
        at = np.asarray(times, dtype=np.float64)
        if at.ndim != 1 or not np.isfinite(at).all():
            raise MotionDirectorError(
                f"times must be a one-dimensional array of finite seconds, got shape {at.shape}"
                + ("" if np.isfinite(at).all() else " with NaN or infinite values")
            )
        rotations, root = sample_motion(motion or Motion.rest(), at)
        return BodyPose(rotations=rotations, root=root)


class MaterialLoader:
    """Segment sources as motion: generated videos by the motion they follow, built-in clips
    and BVH files as `motion.assemble` loads them."""

    def __init__(self, generated: Mapping[str, Motion] | None = None) -> None:
        self._generated = generated or {}
        self._base = MotionSourceCache()

    def __call__(self, source: str, rig: str | None = None) -> Motion:
        found = self._generated.get(source)
        return found if found is not None else self._base(source, rig)


@dataclass(frozen=True)
class DecidedTimeline:
    """A plan's body slots sequenced and decided, before any motion is assembled, with the
    motion each generated source follows."""

    plan: MotionPlan
    timeline: Timeline
    generated: Mapping[str, Motion]


def decide_timeline(
    plan: MotionPlan,
    library: ClipLibrary | None = None,
    *,
    generator: SegmentGenerator | None = None,
    threshold: float = DEFAULT_RETRIEVE_THRESHOLD,
    k: int = 10,
    material_dir: Path | None = None,
    generated: dict[str, Motion] | None = None,
    cache_dir: Path | None = None,
) -> DecidedTimeline:
    """Sequence clips of `library` (None: the built-in gesture library, kept under
    `cache_dir` or the user cache) for `plan`'s body slots and decide every clip slot against
    `threshold` (generating with `generator`, videos under `material_dir`); `generated` (when
    given) collects the motion each generated video follows."""
    check_realize_options(plan, threshold, k)
    check_library(library)
    chosen = library if library is not None else builtin_clip_library(cache_dir)
    decider = SegmentDecider(
        plan,
        threshold,
        generator,
        material_dir,
        generated if generated is not None else {},
    )
    timeline = decider.timeline(sequence_plan(plan, chosen, k=k))
    return DecidedTimeline(plan, timeline, decider.generated)


def check_realize_options(plan: object, threshold: float, k: int) -> None:
    """Refuse a `plan` that is not a `MotionPlan`, and the options `check_retrieval_options`
    refuses."""
    if not isinstance(plan, MotionPlan):
        raise MotionDirectorError(
            f"realize_plan takes a MotionPlan, got {type(plan).__name__}; "
            "plan the script first (plan_text, plan_script)"
        )
    check_retrieval_options(threshold, k)


def check_retrieval_options(threshold: float, k: int, *, threshold_name: str = "threshold") -> None:
    """Refuse what would otherwise realize silently wrong: a threshold outside [0, 1] (NaN
    retrieves every slot) or fewer than one candidate per slot (every clip slot dropped).
    `threshold_name` is the argument's name in the caller's signature."""
    if isinstance(threshold, bool) or not (
        isinstance(threshold, int | float) and 0.0 <= threshold <= 1.0
    ):
        raise MotionDirectorError(f"{threshold_name} must be a number in [0, 1], got {threshold!r}")
    if isinstance(k, bool) or not (isinstance(k, int) and k >= 1):
        raise MotionDirectorError(f"k (library candidates per slot) must be >= 1, got {k!r}")


def check_library(library: object) -> None:
    """A clip library argument is a `ClipLibrary` with body motion among its clips, or None
    (the built-in one); a path names how to open it, a library of video alone the face
    library."""
    if library is None:
        return
    if isinstance(library, ClipLibrary):
        records = library.records
        if records and not any(is_body_motion(record.source.file) for record in records):
            # Every body slot would stand procedural, each for "no candidate": say why once.
            raise MotionDirectorError(
                f"the clip library {library.path} holds no body motion: its "
                f"{len(records)} clips come from video (face segments or captioned spans), "
                "which cannot move a body; give it as the face library (--face-library, "
                "open_face_library) and a library of BVH or built-in clips as the body's"
            )
        return
    hint = (
        f"; open the library folder first: ClipLibrary.open({str(library)!r})"
        if isinstance(library, str | os.PathLike)
        else ""
    )
    raise MotionDirectorError(
        f"library must be a ClipLibrary or None (the built-in library), got "
        f"{type(library).__name__}{hint}"
    )


def realize_plan(
    plan: MotionPlan,
    library: ClipLibrary | None = None,
    *,
    generator: SegmentGenerator | None = None,
    threshold: float = DEFAULT_RETRIEVE_THRESHOLD,
    k: int = 10,
    material_dir: Path | None = None,
    generated: dict[str, Motion] | None = None,
    tokens: bool = True,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> Realization:
    """Realize `plan`: decide its timeline (`decide_timeline`, same arguments), assemble the
    body motion and, with `tokens`, add the codebook tokens to the plan; `progress` shows a
    bar on stderr, one step per character (a feature-length scene takes minutes)."""
    decided = decide_timeline(
        plan,
        library,
        generator=generator,
        threshold=threshold,
        k=k,
        material_dir=material_dir,
        generated=generated,
        cache_dir=cache_dir,
    )
    return assemble_realization(
        plan, decided.timeline, decided.generated, tokens=tokens, progress=progress
    )


def assemble_realization(
    plan: MotionPlan,
    timeline: Timeline,
    generated: Mapping[str, Motion] | None = None,
    *,
    tokens: bool = True,
    progress: bool = False,
) -> Realization:
    """The body motion of an already decided `timeline` (generated sources read as the motion
    in `generated`), and the plan with its codebook tokens when `tokens` is set; `progress`
    shows a bar on stderr naming the character under way."""
    names = [track.name for track in timeline.characters]
    steps = len(names) * (2 if tokens else 1)
    with tqdm(total=steps, disable=not progress, unit="step", leave=False) as bar:
        motions = {}
        load = MaterialLoader(generated)
        for track in timeline.characters:
            bar.set_description(f"body motion: {track.name}")
            motions[track.name] = assemble_character(
                track, timeline.duration, fps=timeline.fps, loader=load
            )
            bar.update()
        realized = with_tokens(plan, motions, bar=bar) if tokens else plan
    return Realization(plan=realized, timeline=timeline, motions=motions)


def with_tokens(
    plan: MotionPlan, motions: Mapping[str, Motion], *, bar: tqdm[Any] | None = None
) -> MotionPlan:
    """The plan with each character's assembled motion encoded as motion-codebook tokens;
    `bar`, a progress bar moved on by one per character encoded."""
    codebook = default_codebook()
    tracks = []
    for track in plan.characters:
        if track.name not in motions:
            tracks.append(track)
            continue
        if bar is not None:
            bar.set_description(f"codebook tokens: {track.name}")
        tracks.append(track.model_copy(update={"tokens": codebook.tokens(motions[track.name])}))
        if bar is not None:
            bar.update()
    return plan.model_copy(update={"characters": tuple(tracks)})
