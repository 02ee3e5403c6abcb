"""Baseline planners: deterministic, valid plans, and scored below the rules planner where the
metrics measure planning (emotion, behaviours)."""

from __future__ import annotations

import pytest

from motiondirector.evaluation import (
    NeutralPlanner,
    RandomPlanner,
    SuiteResult,
    plan_metrics,
    run_suite,
)
from motiondirector.evaluation.suites import load_meld_dev
from motiondirector.realize import plan_scene
from motiondirector.scene import read_script

from ..conftest import EXAMPLE_SCENE, SHARED_DATA

LIMIT = 120


def _values(result: SuiteResult) -> dict[str, float]:
    return dict(zip(result.summary["metric"], result.summary["value"], strict=True))


@pytest.fixture(scope="module")
def emotion() -> dict[str, dict[str, float]]:
    planners = {"rules": "rules", "neutral": NeutralPlanner(), "random": RandomPlanner(0)}
    return {
        name: _values(run_suite("emotion", planner=p, data_dir=SHARED_DATA, limit=LIMIT))
        for name, p in planners.items()
    }


def test_the_random_planner_is_seeded_and_its_plans_are_valid() -> None:
    scene = read_script(EXAMPLE_SCENE)
    first, again = RandomPlanner(0).plan(scene), RandomPlanner(0).plan(scene)
    assert first == again
    assert first != RandomPlanner(1).plan(scene)
    assert {u.emotion for u in first.utterances} != {"neutral"}
    plan = plan_scene(scene, planner=RandomPlanner(0))
    assert plan_metrics(plan)["violations"] == 0
    assert plan_metrics(plan)["coverage.gesture"] == 1.0


def test_the_neutral_planner_chooses_nothing() -> None:
    direction = NeutralPlanner().plan(read_script(EXAMPLE_SCENE))
    assert {u.emotion for u in direction.utterances} == {"neutral"}
    assert all(not u.behaviours for u in direction.utterances)


def test_the_neutral_baseline_scores_the_share_of_neutral_lines(
    emotion: dict[str, dict[str, float]],
) -> None:
    gold = load_meld_dev(SHARED_DATA, LIMIT)["gold"]
    assert emotion["neutral"]["meld.accuracy"] == pytest.approx((gold == "neutral").mean())


def test_the_rules_planner_scores_above_both_baselines_on_emotion(
    emotion: dict[str, dict[str, float]],
) -> None:
    for metric in ("weighted_f1", "macro_f1", "accuracy"):
        for dataset in ("meld", "goemotions"):
            key = f"{dataset}.{metric}"
            assert emotion["rules"][key] > max(emotion["neutral"][key], emotion["random"][key])


def test_the_rules_planner_scores_above_both_baselines_on_behaviours() -> None:
    rules = _values(run_suite("behaviours", planner="rules"))
    for baseline in (NeutralPlanner(), RandomPlanner(0)):
        scores = _values(run_suite("behaviours", planner=baseline))
        for metric in ("explicit_honoured", "implicit_honoured", "macro_recall"):
            assert rules[metric] > scores[metric] + 0.5


def test_correctness_shares_are_vacuous_for_a_planner_that_does_nothing() -> None:
    # What docs/evaluation.md warns of: with nothing to check, a share of correct events is 1.
    neutral = _values(run_suite("screenplays", planner=NeutralPlanner(), data_dir=SHARED_DATA))
    rules = _values(run_suite("screenplays", planner="rules", data_dir=SHARED_DATA))
    assert neutral["au_emotion_consistency"] == 1.0 > rules["au_emotion_consistency"]
    assert neutral["coverage.gesture"] == 0.0 < rules["coverage.gesture"]
