"""scripts/gpu_check.sh carries the wheels a GPU machine lacks, at the versions tested here."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gpu_check.sh"


def _pinned_wheels() -> dict[str, str]:
    block = re.search(r"WHEELS=\(\n(.*?)\n\)", SCRIPT.read_text(), re.S)
    assert block is not None, "the WHEELS list is gone from the script"
    return dict(line.strip().split("==") for line in block.group(1).splitlines())


def test_the_carried_wheels_are_the_installed_versions() -> None:
    wheels = _pinned_wheels()
    assert {"diffusers", "pydantic", "pydantic-core"} <= wheels.keys()
    installed = {name: importlib.metadata.version(name) for name in wheels}
    assert installed == wheels


def test_the_script_parses_and_refuses_an_unknown_verb() -> None:
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)
    result = subprocess.run(["bash", str(SCRIPT), "deploy"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage" in result.stderr
