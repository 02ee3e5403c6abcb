"""The deterministic pipeline: script -> Scene -> Direction -> MotionPlan, validated.

This is the one way every entry point (Python API, CLI, HTTP server) turns a script into a
plan. It adds no behaviour of its own: parsing, planning and realizing live in their packages.
"""

from __future__ import annotations

import numbers
import os

from tqdm import tqdm

from motiondirector.errors import MotionDirectorError, PlanValidationError
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.plan.realizer import realize
from motiondirector.plan.scene import Scene
from motiondirector.plan.validate import check_plan, validate_direction
from motiondirector.planners import Planner, get_planner
from motiondirector.scene import (
    DEFAULT_MAX_BYTES,
    SceneLimits,
    ScriptFormat,
    TimingOptions,
    parse_script,
    read_script,
)


class FixedDirection:
    """A planner that returns a Direction decided earlier (a revision, an LLM's), so the
    pipeline's validation and realization run on it unchanged."""

    def __init__(self, direction: Direction) -> None:
        self.direction = direction
        self.name = direction.planner

    def plan(self, scene: Scene) -> Direction:
        return self.direction


def check_reading_options(timing: object, limits: object) -> None:
    """`timing` and `limits` are the option objects or None (a dict of their fields is not
    read: its keys would go unchecked)."""
    for name, value, kind in (("timing", timing, TimingOptions), ("limits", limits, SceneLimits)):
        if value is not None and not isinstance(value, kind):
            raise MotionDirectorError(
                f"{name} must be a {kind.__name__} or None, got {type(value).__name__}; "
                f"e.g. {name}={kind.__name__}(...)"
            )


def plan_scene(
    scene: Scene,
    *,
    planner: str | Planner = "rules",
    fps: int = 30,
    seed: int = 0,
    progress: bool = False,
) -> MotionPlan:
    """Plan a parsed Scene: direct it, realize the direction, validate the result."""
    if fps not in FPS_CHOICES:
        raise PlanValidationError([f"fps must be one of {FPS_CHOICES}, got {fps}"])
    if isinstance(seed, bool) or not (isinstance(seed, numbers.Integral) and seed >= 0):
        raise PlanValidationError([f"seed must be an integer >= 0, got {seed!r}"])
    if not isinstance(planner, str) and not (
        isinstance(getattr(planner, "name", None), str) and callable(getattr(planner, "plan", None))
    ):
        raise MotionDirectorError(
            f"planner must be a planner name (rules, llm, hybrid) or an object with `name` "
            f"and `plan(scene)`, got {type(planner).__name__}"
        )
    chosen = get_planner(planner) if isinstance(planner, str) else planner
    with tqdm(total=3, disable=not progress, unit="stage", leave=False) as bar:
        bar.set_description(f"planning {len(scene.utterances)} lines ({chosen.name})")
        direction = chosen.plan(scene)
        bar.update()
        problems = validate_direction(direction, scene)
        if problems:
            raise PlanValidationError(problems)
        bar.set_description("realizing")
        plan = realize(scene, direction, fps=fps, seed=seed)
        bar.update()
        bar.set_description("validating")
        check_plan(plan)
        bar.update()
    return plan


def plan_script(
    path: str | os.PathLike[str],
    *,
    planner: str | Planner = "rules",
    format: ScriptFormat = "auto",
    fps: int = 30,
    seed: int = 0,
    timing: TimingOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: SceneLimits | None = None,
    progress: bool = False,
    language: str | None = None,
) -> MotionPlan:
    """Read a script file (Fountain, dialogue JSON or `NAME: line` text) and plan it;
    `language` as `parse_script` takes it."""
    check_reading_options(timing, limits)
    scene = read_script(
        path, format=format, timing=timing, max_bytes=max_bytes, limits=limits, language=language
    )
    return plan_scene(scene, planner=planner, fps=fps, seed=seed, progress=progress)


def plan_text(
    text: str,
    *,
    planner: str | Planner = "rules",
    format: ScriptFormat = "auto",
    fps: int = 30,
    seed: int = 0,
    timing: TimingOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: SceneLimits | None = None,
    language: str | None = None,
) -> MotionPlan:
    """Plan a script given as text rather than a file."""
    check_reading_options(timing, limits)
    scene = parse_script(
        text, format=format, timing=timing, max_bytes=max_bytes, limits=limits, language=language
    )
    return plan_scene(scene, planner=planner, fps=fps, seed=seed)
