"""The labelled cue cases: explicit direction must be honoured, implicit recall is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.errors import ScriptError
from motiondirector.evaluation.suites import CUE_CASES as CASES
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene
from motiondirector.plan.validate import validate_direction
from motiondirector.plan.vocabulary import (
    EMOTIONS,
    GESTURE_LEXEMES,
    HEAD_LEXEMES,
    POSTURE_LEXEMES,
)
from motiondirector.planners.cue_eval import evaluate_cue_cases, load_cue_cases
from motiondirector.planners.rules import RulesPlanner
from tests.planners.conftest import KeywordEmotionModel


class DoNothingPlanner:
    def plan(self, scene: Scene) -> Direction:
        return Direction(planner="nothing", utterances=())


def test_explicit_cues_are_honoured_and_implicit_recall_is_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = evaluate_cue_cases(CASES, RulesPlanner(KeywordEmotionModel()))
    with capsys.disabled():
        print(
            f"\ncue cases: {report.cases}; explicit honoured {report.explicit_honoured:.1%} "
            f"of {report.explicit_total}; implicit recall {report.implicit_recall:.1%} "
            f"of {report.implicit_total}"
        )
    assert report.cases >= 60
    # The target is 95 %; every case written so far is honoured, and a new miss is a regression.
    assert report.explicit_honoured == 1.0, report.misses
    assert report.implicit_recall >= 0.8, report.misses


def test_the_cases_cover_the_whole_vocabulary() -> None:
    expected: dict[str, set[object]] = {"gesture": set(), "head": set(), "posture": set()}
    emotions: set[object] = set()
    for case in load_cue_cases(CASES):
        for expectation in case.expectations:
            channel = expectation.fields.get("channel")
            if channel in expected and "lexeme" in expectation.fields:
                expected[str(channel)].add(expectation.fields["lexeme"])
            if "emotion" in expectation.fields:
                emotions.add(expectation.fields["emotion"])
    assert expected["gesture"] == set(GESTURE_LEXEMES)
    assert expected["head"] == set(HEAD_LEXEMES)
    assert expected["posture"] == set(POSTURE_LEXEMES)
    assert emotions == set(EMOTIONS)


def test_every_case_plans_into_a_valid_direction() -> None:
    planner = RulesPlanner(KeywordEmotionModel())
    for case in load_cue_cases(CASES):
        assert validate_direction(planner.plan(case.scene), case.scene) == [], case.id


def test_a_planner_that_does_nothing_misses_all_but_what_must_be_absent() -> None:
    cases = load_cue_cases(CASES)
    absent = {
        kind: sum(e.absent and e.kind == kind for case in cases for e in case.expectations)
        for kind in ("explicit", "implicit")
    }
    assert absent["explicit"] >= 5 and absent["implicit"] >= 5
    report = evaluate_cue_cases(CASES, DoNothingPlanner())
    assert report.explicit_honoured == pytest.approx(absent["explicit"] / report.explicit_total)
    assert report.implicit_recall == pytest.approx(absent["implicit"] / report.implicit_total)
    assert len(report.misses) == (
        report.explicit_total + report.implicit_total - sum(absent.values())
    )
    assert any("paren-smiling [explicit] ANA emotion=joy" in m for m in report.misses)


def test_an_absent_expectation_is_missed_when_the_plan_does_it(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "cases:\n"
        "  - {id: grin, kind: explicit, on_stage: [ANA, BEN], speaker: ANA,\n"
        "     parenthetical: grinning, text: I got the job.,\n"
        "     expect: [{character: ANA, channel: face, au: 12, absent: true}]}\n",
        encoding="utf-8",
    )
    report = evaluate_cue_cases(path, RulesPlanner(KeywordEmotionModel()))
    assert report.explicit_honoured == 0.0
    assert report.misses == ("grin [explicit] ANA channel=face au=12 absent",)
    path.write_text(path.read_text().replace("absent: true", "absent: maybe"))
    with pytest.raises(ScriptError, match="`absent` is true or false"):
        load_cue_cases(path)


def test_a_broken_case_file_is_a_script_error(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("cases: [{id: x, kind: sometimes, speaker: ANA, text: Hi.}]\n")
    with pytest.raises(ScriptError, match="kind must be explicit or implicit"):
        load_cue_cases(path)
    path.write_text("- just a list\n")
    with pytest.raises(ScriptError, match="cases"):
        load_cue_cases(path)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("cases:\n  - id: a\n    script: [open\n", 4, "cannot read cue cases"),
        (
            "cases:\n  - id: a\n    script: |\n      BEN\n      Hi.\n  - just words\n",
            6,
            "a case is a mapping",
        ),
        (
            "cases:\n  - id: a\n    script: |\n      BEN\n      Hi.\n    expect:\n"
            "      - channel: head\n        lexeme: nod\n",
            7,
            "case a: expectation 1 is a mapping with a `character`",
        ),
    ],
)
def test_a_malformed_case_names_its_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScriptError, match=message) as caught:
        load_cue_cases(path)
    assert (caught.value.file, caught.value.line) == (str(path), line)
