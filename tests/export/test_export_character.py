"""A per-character export finds its character as a user types the name: any case, accents
optional, as long as one character matches."""

from __future__ import annotations

import pytest

from motiondirector import plan_text
from motiondirector.errors import ExportError
from motiondirector.export import export_plan
from motiondirector.export.formats import resolve_character

SCRIPT = "ZOË: Hi, René.\nRENÉ: Oh. Hello, Zoë.\nAna: Hello both.\nANNA: And me."


def test_a_name_is_found_in_any_case_and_without_its_accents() -> None:
    plan = plan_text(SCRIPT, format="text")
    assert resolve_character(plan, "ZOË") == "ZOË"
    assert resolve_character(plan, "zoë") == "ZOË"
    assert resolve_character(plan, "Zoe") == "ZOË"
    assert resolve_character(plan, "rene") == "RENÉ"
    typed = export_plan(plan, "arkit-csv", character="zoe")
    assert typed == export_plan(plan, "arkit-csv", character="ZOË")
    assert export_plan(plan, "srt", character="rené").splitlines()[2] == "RENÉ: Oh. Hello, Zoë."


def test_an_unknown_name_is_refused_with_the_characters() -> None:
    plan = plan_text(SCRIPT, format="text")
    with pytest.raises(ExportError, match="no character 'ZO' in the plan; characters: 'ZOË'"):
        export_plan(plan, "visemes", character="ZO")
    with pytest.raises(ExportError, match="no character 'ANN'"):
        export_plan(plan, "vtt", character="ANN")
