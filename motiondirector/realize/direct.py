"""Directing a scene end to end without decisions of its own: plan (when given a Scene),
realize through `realize_plan`, and write the scene folder (`export.scene_folder`).

    result = direct_scene(scene, out_dir=Path("out/scene"))

Without a library the built-in gesture library is used (`retrieval/builtin.py`).
"""

from __future__ import annotations

from pathlib import Path

from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.scene import Scene
from motiondirector.realize.body import Realization, realize_plan
from motiondirector.realize.pipeline import plan_scene
from motiondirector.retrieval.store import ClipLibrary


def direct_scene(
    scene_or_plan: Scene | MotionPlan,
    *,
    library: ClipLibrary | None = None,
    out_dir: Path | None = None,
    k: int = 10,
    progress: bool = False,
) -> DirectResult:
    """Plan (when given a Scene) and realize the plan with `library` (None: the built-in
    gesture library), the default retrieval threshold and no generator; with `out_dir`, write
    the scene folder there. The returned plan carries each character's codebook tokens.
    `progress` shows a bar on stderr while planning and realizing."""
    plan = (
        scene_or_plan
        if isinstance(scene_or_plan, MotionPlan)
        else plan_scene(scene_or_plan, progress=progress)
    )
    realization = realize_plan(plan, library, k=k, progress=progress)
    return from_realization(realization, out_dir=out_dir, progress=progress)


def from_realization(
    realization: Realization, *, out_dir: Path | None = None, progress: bool = False
) -> DirectResult:
    """A DirectResult of `realization`, its files written into `out_dir` when given (with a
    bar over them when `progress`)."""
    result = DirectResult(
        plan=realization.plan,
        timeline=realization.timeline,
        motions=dict(realization.motions),
        faces=dict(realization.faces),
    )
    if out_dir is not None:
        result.paths.update(SceneFolder(out_dir).save(result, progress=progress))
    return result
