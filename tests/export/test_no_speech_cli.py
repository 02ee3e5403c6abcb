"""`--no-speech` on the command line reaches the frame exports of `plan` and `demo`."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.export import export_plan
from motiondirector.realize import plan_script
from tests.conftest import EXAMPLE_SCENE


@pytest.mark.parametrize("format", ["arkit-csv", "live-link-face"])
def test_plan_without_speech_writes_the_mouth_from_face_events_only(
    tmp_path: Path, format: str
) -> None:
    spoken, silent = tmp_path / "spoken.csv", tmp_path / "silent.csv"
    base = ["plan", str(EXAMPLE_SCENE), "-q", "--format", format, "--character", "ANA"]
    assert main([*base, "-o", str(spoken)]) == 0
    assert main([*base, "--no-speech", "-o", str(silent)]) == 0
    expected = export_plan(plan_script(EXAMPLE_SCENE), format, character="ANA", speech=False)
    assert silent.read_bytes() == expected.encode("utf-8")
    assert spoken.read_bytes() != silent.read_bytes()


def test_demo_without_speech(tmp_path: Path) -> None:
    assert main(["demo", str(EXAMPLE_SCENE), "-q", "--no-speech", "--out", str(tmp_path)]) == 0
    plan = plan_script(EXAMPLE_SCENE)
    written = (tmp_path / "ANA.livelinkface.csv").read_bytes()
    assert written == export_plan(plan, "live-link-face", character="ANA", speech=False).encode()
    assert (tmp_path / "ANA.visemes.json").is_file()
