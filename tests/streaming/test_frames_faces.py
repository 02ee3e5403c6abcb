"""Frame streams with a face library: each character's blendshapes, head and eyes are those of
its realized face (real faces where they score), the same in any batching, and the plan's
faces without a library."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.faces.model import FACE_MODEL_ENV
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.realize import plan_text, realize_plan
from motiondirector.realize.faces import FaceLibrary, open_face_library, realize_faces
from motiondirector.retrieval import ClipLibrary
from motiondirector.streaming import PlanFrames
from tests.faces.clips import FACE_MODEL

SCRIPT = (
    "ANA: (smiling) Hello, Ben! It is so good to see you again after all this time.\n"
    "BEN: (nodding) Yes. I missed you too. Tell me everything about the trip.\n"
)
THRESHOLD = 0.45


@pytest.fixture(scope="module")
def faces(face_clip_library: ClipLibrary) -> FaceLibrary:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))
        return open_face_library(face_clip_library)


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text(SCRIPT, format="text")


def _columns(frames: PlanFrames, size: int) -> dict[str, dict[str, np.ndarray]]:
    batches = list(frames.batches(size, first_size=7))
    return {
        name: {
            part: np.concatenate([getattr(b.characters[name], part) for b in batches])
            for part in ("blendshapes", "head", "eyes")
        }
        for name in frames.characters
    }


@pytest.mark.parametrize("fps", [30, 60])
def test_streamed_faces_are_the_realized_faces(
    plan: MotionPlan, faces: FaceLibrary, builtin_clips: ClipLibrary, fps: int
) -> None:
    realized = realize_faces(realize_plan(plan, builtin_clips), faces, threshold=THRESHOLD, fps=fps)
    assert any(s.kind == "clip" for t in realized.timeline.characters for s in t.face_segments)
    streamed = PlanFrames(
        plan, fps=fps, library=builtin_clips, faces=faces, face_threshold=THRESHOLD
    )
    columns = _columns(streamed, 11)
    planned = _columns(PlanFrames(plan, fps=fps, library=builtin_clips), 11)
    for name, curves in realized.faces.items():
        np.testing.assert_allclose(columns[name]["blendshapes"], curves.weights, atol=1e-12)
        np.testing.assert_allclose(columns[name]["head"], curves.head, atol=1e-12)
        np.testing.assert_allclose(columns[name]["eyes"], curves.eyes, atol=1e-12)
    assert any(
        not np.allclose(columns[name]["blendshapes"], planned[name]["blendshapes"])
        for name in realized.faces
    )
    # Any batching gives the same frames.
    again = PlanFrames(plan, fps=fps, library=builtin_clips, faces=faces, face_threshold=THRESHOLD)
    other = _columns(again, 40)
    for name in columns:
        np.testing.assert_array_equal(other[name]["blendshapes"], columns[name]["blendshapes"])
