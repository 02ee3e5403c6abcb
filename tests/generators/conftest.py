"""Fixtures the generator tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.motion.library import get_clip
from motiondirector.plan.timeline import CharacterTimeline, Timeline
from motiondirector.realize import plan_script

from ..conftest import EXAMPLE_SCENE


@pytest.fixture(scope="session")
def direction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only: a `direct --out` folder of the example scene, its plan, timeline and one BVH
    per character (built-in gesture clips stand in for the assembled motion)."""
    folder = tmp_path_factory.mktemp("direction")
    plan = plan_script(EXAMPLE_SCENE)
    motions = {
        "ANA": get_clip("wave.right.large.fast.happy").motion(),
        "BEN": get_clip("bow.large.normal.neutral").motion(),
    }
    assert [track.name for track in plan.characters] == list(motions)
    timeline = Timeline(
        duration=plan.scene.duration,
        characters=tuple(CharacterTimeline(name=name, segments=()) for name in motions),
    )
    SceneFolder(folder).save(DirectResult(plan=plan, timeline=timeline, motions=motions))
    return folder
