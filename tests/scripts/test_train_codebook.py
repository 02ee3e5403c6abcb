"""scripts/train_codebook.py reads a BVH folder as index build does: a broken take is skipped
with its reason, and the rest trains."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED_DATA

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_codebook.py"
TAKE = SHARED_DATA / "mocap" / "bandai-namco-1" / "data" / "dataset-1_bye_sad_001.bvh"


def test_a_broken_take_is_skipped_and_the_folder_trains(tmp_path: Path) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    shutil.copy(TAKE, folder / "Take01.BVH")
    (folder / "broken.bvh").write_text("shot list for Tuesday\n")
    out = tmp_path / "mine.npz"
    command = [sys.executable, str(SCRIPT), str(folder), "--k", "8", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"skipped {folder / 'broken.bvh'}:1: not a BVH file" in done.stderr
    assert "Traceback" not in done.stderr
    assert "1 clips" in done.stdout and out.is_file()
