"""Finding the shared data folder next to the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.errors import EvaluationError
from motiondirector.evaluation import shared_data_dir
from motiondirector.evaluation.data import repository_root

from ..conftest import ROOT, SHARED_DATA


def test_the_shared_data_is_found_from_inside_the_repository() -> None:
    assert repository_root(ROOT / "notebooks") == ROOT
    assert shared_data_dir(ROOT / "notebooks") == SHARED_DATA
    assert shared_data_dir(ROOT / "motiondirector" / "evaluation") == SHARED_DATA


def test_a_missing_folder_is_named_in_the_error(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "notebooks").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(EvaluationError) as caught:
        shared_data_dir(checkout / "notebooks")
    message = str(caught.value)
    assert str(tmp_path / "shared" / "data") in message and "../shared/data" in message


def test_a_notebook_in_a_project_of_its_own_finds_the_data_the_suites_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "my-analysis"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'mine'\n", encoding="utf-8")
    monkeypatch.chdir(project)
    assert repository_root() == project
    # Nothing next to the user's project: the checkout the package came from has the data.
    assert shared_data_dir() == SHARED_DATA
