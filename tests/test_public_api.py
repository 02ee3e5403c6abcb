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
        "Conversation",
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
        "TurnError",
        "TurnInput",
        "__version__",
        "direct_scene",
        "parse_script",
        "plan_scene",
        "plan_script",
        "plan_text",
        "read_script",
        "realize_plan",
    }


def test_dir_lists_the_promised_names_before_first_use() -> None:
    """Lazy names were missing from dir(), so REPL completion and help() did not show them."""
    import subprocess
    import sys

    code = (
        "import motiondirector as m, motiondirector.realize as r\n"
        "assert 'plan_text' not in vars(m) and 'PlanFrames' not in vars(m)\n"
        "missing = [n for n in m.__all__ if n not in dir(m)]\n"
        "missing += [n for n in r.__all__ if n not in dir(r)]\n"
        "print(missing)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_errors_share_one_root() -> None:
    for name in ("ScriptError", "InputTooLargeError", "PlanValidationError"):
        assert issubclass(getattr(motiondirector, name), motiondirector.MotionDirectorError)


def test_every_promised_name_of_a_subpackage_is_what_it_names() -> None:
    """A promised name that one of its package's modules shares is shadowed by that module as
    soon as anything imports it: every module is imported first."""
    import importlib
    import pkgutil
    import types

    for info in pkgutil.walk_packages(motiondirector.__path__, "motiondirector."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for package in ("agent", "export", "faces", "generators", "motion", "plan", "realize",
                    "retrieval", "scene", "speech", "streaming"):  # fmt: skip
        module = importlib.import_module(f"motiondirector.{package}")
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            assert not isinstance(value, types.ModuleType), f"motiondirector.{package}.{name}"
