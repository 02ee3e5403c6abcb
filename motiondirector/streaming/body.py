"""Body motion for the frame stream: the plan realized on the canonical skeleton, sampled at
any times.

The realization is the one `motiondirector.agent.direct.direct_scene` makes: the plan's body
slots sequenced from a clip library (the built-in gesture library by default) into a Timeline,
assembled into one Motion per character. Nothing is written to disk.

This module must not choose clips or build motion itself; it wires `retrieval.sequence` and
`motion.assemble` together and samples their result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from motiondirector.motion.assemble import MotionSourceCache, assemble_timeline, sample_motion
from motiondirector.motion.clip import Motion
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.timeline import Timeline
from motiondirector.retrieval.store import ClipLibrary

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BodyPose:
    """Local joint rotations (n, 22, 4) as xyzw quaternions and root positions (n, 3) metres."""

    rotations: FloatArray
    root: FloatArray


@dataclass(frozen=True)
class RealizedBody:
    """The timeline chosen for a plan and the body motion of every character."""

    timeline: Timeline
    motions: Mapping[str, Motion]

    def sample(self, character: str, times: FloatArray) -> BodyPose:
        """The character's pose at `times` (seconds); a character without motion stands at rest."""
        motion = self.motions.get(character) or Motion.rest()
        rotations, root = sample_motion(motion, np.asarray(times, dtype=np.float64))
        return BodyPose(rotations=rotations, root=root)


def realize_body(
    plan: MotionPlan,
    library: ClipLibrary | None = None,
    *,
    cache_dir: Path | None = None,
    k: int = 10,
) -> RealizedBody:
    """Sequence `plan` from `library` (None: the built-in gesture library, kept under
    `cache_dir` or the user cache) and assemble every character's body motion."""
    from motiondirector.agent.direct import builtin_clip_library
    from motiondirector.retrieval.sequence import sequence_plan

    chosen = library if library is not None else builtin_clip_library(cache_dir)
    timeline = sequence_plan(plan, chosen, k=k)
    motions = assemble_timeline(timeline, loader=MotionSourceCache())
    return RealizedBody(timeline=timeline, motions=motions)
