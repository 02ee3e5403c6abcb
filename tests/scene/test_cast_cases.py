"""The labelled cast set (tests/data/cast): the planned cast is the true cast."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.errors import ScriptError
from motiondirector.plan.realizer import realize
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene.cast_eval import CastCase, evaluate_cast, load_cast_cases, scene_cast
from tests.planners.conftest import KeywordEmotionModel

CASES = Path(__file__).resolve().parents[1] / "data" / "cast"


@pytest.fixture(scope="module")
def cases(shared_data: Path) -> list[CastCase]:
    return load_cast_cases(CASES, shared_data)


def test_the_planned_cast_is_the_true_cast_in_95_percent_of_scripts(
    cases: list[CastCase], capsys: pytest.CaptureFixture[str]
) -> None:
    planner = RulesPlanner(KeywordEmotionModel())

    def planned_cast(case: CastCase) -> list[str]:
        scene = scene_cast(case)
        return [track.name for track in realize(scene, planner.plan(scene)).characters]

    report = evaluate_cast(cases, planned_cast)
    with capsys.disabled():
        print(f"\ncast cases: {report.cases}; planned cast exact {report.exact:.1%}")
    assert report.cases >= 40
    assert sum(case.id.startswith("shared-") for case in cases) >= 10
    assert report.exact >= 0.95, report.misses


def test_a_cast_of_the_speakers_alone_fails_the_set(cases: list[CastCase]) -> None:
    def cues_only(case: CastCase) -> list[str]:
        return [u.speaker for u in scene_cast(case).utterances]

    report = evaluate_cast(cases, cues_only)
    assert report.exact < 0.8
    assert any(miss.startswith("animal-dog:") for miss in report.misses)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("cast: [ANA\nscript: x\n", 2, "not a YAML cast case"),
        ("cast: [ANA]\nexcerpt: {file: nowhere.fountain, lines: [1, 5]}\n", None, "nowhere"),
        ("cast: [ANA]\nexcerpt: {file: a.fountain}\n", None, "'lines: \\[first, last\\]'"),
    ],
)
def test_a_malformed_cast_case_names_its_file(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    (tmp_path / "case.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScriptError, match=message) as caught:
        load_cast_cases(tmp_path, data=tmp_path)
    assert (caught.value.file, caught.value.line) == (str(tmp_path / "case.yaml"), line)
