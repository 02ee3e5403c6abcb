"""A video backend as the segment generator: a backend that cannot make a segment from its pose
alone is refused by name, before any model loads and before any planning; the videos it makes
are named where they lie."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.errors import GenerationInputError
from motiondirector.generators.backends import BACKENDS
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.base import BackendOptions
from motiondirector.realize.video import VideoSegmentGenerator, generator_from_registry
from tests.conftest import EXAMPLE_SCENE

POSE_ONLY = "use one that generates from pose alone: wan-vace, cogvideox-fun, animatediff"


def test_a_backend_that_needs_a_reference_image_is_refused_before_it_loads(
    tmp_path: Path,
) -> None:
    options = BackendOptions(model=str(tmp_path / "no-such-model"), device="cpu")
    with pytest.raises(GenerationInputError, match="wan-animate animates a reference image") as e:
        generator_from_registry("wan-animate", options)
    assert e.value.argument == "generator" and POSE_ONLY in str(e.value)


def test_a_loaded_backend_that_needs_a_reference_image_is_refused() -> None:
    backend = BACKENDS["wan-animate"].from_components(tiny_pipeline("wan-animate"))
    with pytest.raises(GenerationInputError, match=POSE_ONLY):
        VideoSegmentGenerator(backend, size=(32, 32), steps=1)


def test_direct_refuses_it_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scene"
    model = str(tmp_path / "no-such-model")
    argv = ["direct", str(EXAMPLE_SCENE), "-q", "--out", str(out), "--generator", "wan-animate",
            "--generator-model", model, "--generator-device", "cpu"]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: generator: wan-animate animates a reference image")
    assert "Traceback" not in err and not out.exists()


def test_direct_names_the_generated_videos_where_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "animatediff"
    tiny_pipeline("animatediff").save_pretrained(model)
    script = tmp_path / "shrug.txt"
    script.write_text("BEN: (shrugs) I don't know.\n")
    out = tmp_path / "scene"
    argv = ["direct", str(script), "-q", "--out", str(out), "--retrieve-threshold", "1.0",
            "--generator", "animatediff", "--generator-model", str(model),
            "--generator-device", "cpu", "--generator-size", "32x32",
            "--generator-steps", "1"]  # fmt: skip
    assert main(argv) == 0
    wrote = capsys.readouterr().out.strip().splitlines()[-1]
    listed = wrote.split(": ", 1)[1].split(", ")
    generated = [name for name in listed if name.endswith(".mp4")]
    assert generated and all(name.startswith("generated/") for name in generated)
    assert all((out / name).is_file() for name in listed)
