"""The public surface is small and deliberate: this test fails when it changes by accident."""

from __future__ import annotations

import motiondirector


def test_all_is_sorted_and_resolves() -> None:
    assert motiondirector.__all__ == sorted(motiondirector.__all__)
    for name in motiondirector.__all__:
        assert getattr(motiondirector, name) is not None


def test_exported_members() -> None:
    assert set(motiondirector.__all__) == {
        "BackendUnavailableError",
        "ClipLibrary",
        "DirectResult",
        "Direction",
        "Director",
        "InputTooLargeError",
        "LLMConfig",
        "LLMDirector",
        "MotionDirectorError",
        "MotionPlan",
        "PlanFrames",
        "PlanValidationError",
        "Realization",
        "Scene",
        "SceneFolder",
        "SceneLimitError",
        "SceneLimits",
        "ScriptError",
        "TimingOptions",
        "__version__",
        "direct_scene",
        "parse_script",
        "plan_scene",
        "plan_script",
        "plan_text",
        "read_script",
        "realize_plan",
    }


def test_errors_share_one_root() -> None:
    for name in ("ScriptError", "InputTooLargeError", "PlanValidationError"):
        assert issubclass(getattr(motiondirector, name), motiondirector.MotionDirectorError)
