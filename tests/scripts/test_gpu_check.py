"""scripts/gpu_check.sh carries the wheels a GPU machine lacks, at the versions tested here."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gpu_check.sh"


def test_the_carried_wheels_are_the_installed_versions() -> None:
    # The versions are read from the environment at fetch time, so a release upstream can
    # never leave the carried wheels behind what the tests ran with.
    env = {**os.environ, "PYTHON": sys.executable}
    printed = subprocess.run(
        ["bash", str(SCRIPT), "pins"], capture_output=True, text=True, check=True, env=env
    ).stdout
    wheels = dict(line.split("==") for line in printed.splitlines())
    assert {"diffusers", "pydantic", "pydantic-core"} <= wheels.keys()
    assert wheels == {name: importlib.metadata.version(name) for name in wheels}


def test_the_script_parses_and_refuses_an_unknown_verb() -> None:
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)
    result = subprocess.run(["bash", str(SCRIPT), "deploy"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage" in result.stderr
