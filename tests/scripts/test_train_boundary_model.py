"""scripts/train_boundary_model.py: its reading of written marks, its fit, and the page it
writes (docs/boundaries.md is the page for the shipped model: an edit to one alone is caught)."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from motiondirector.planners.boundaries import shipped_model
from tests.scripts.conftest import ROOT, load_script


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script("train_boundary_model")


def test_the_page_is_the_one_the_training_script_writes(script: ModuleType) -> None:
    page = script.render_doc(dict(shipped_model().metadata))
    assert page == (ROOT / "docs" / "boundaries.md").read_text(encoding="utf-8")


def test_written_marks_are_read_with_the_planners_tokenizer(script: ModuleType) -> None:
    words, marks = script.written_marks("Hi! How are you, Ben? I’m -- fine")
    assert words == ["hi", "how", "are", "you", "ben", "i'm", "fine"]
    assert marks == ["!", "", "", ",", "?", "", "."]


def test_a_fit_learns_its_lines_and_gives_the_same_bytes_twice(script: ModuleType) -> None:
    texts = ["Okay, great. See you.", "Where are you going?", "No! I won't.", "Fine, thanks."]
    lines = [script.written_marks(text) for text in texts] * 4
    first = script.fit(lines, {"C": script.C})
    second = script.fit(lines, {"C": script.C})
    for words, marks in lines[:4]:
        assert list(first.marks(words)) == marks
    one, two = first.to_arrays(), second.to_arrays()
    assert one.keys() == two.keys()
    assert all(np.array_equal(one[k], two[k], equal_nan=one[k].dtype.kind == "f") for k in one)
    assert first.metadata["training_gaps"] == 4 * 13
