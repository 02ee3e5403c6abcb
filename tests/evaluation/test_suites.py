"""Evaluation suites on small slices of the real data, the bootstrap comparison, and reports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from motiondirector.evaluation import (
    SUITES,
    EvaluationError,
    SuiteResult,
    compare,
    compare_reports,
    load_report,
    run_eval,
    run_suite,
    write_report,
)
from motiondirector.evaluation.compare import f1_score
from motiondirector.evaluation.suites import (
    behaviour_key,
    dialogue_scenes,
    f1_scores,
    load_meld_dev,
    resolve_suites,
)
from motiondirector.plan.direction import Direction
from motiondirector.plan.scene import Scene
from motiondirector.planners import get_planner
from motiondirector.planners.emotion import get_emotion_classifier, normalise_text
from motiondirector.scene import read_script

from ..conftest import SHARED_DATA


@pytest.fixture(scope="module")
def emotion() -> SuiteResult:
    return run_suite("emotion", data_dir=SHARED_DATA, limit=100)


@pytest.fixture(scope="module")
def behaviours() -> SuiteResult:
    return run_suite("behaviours", limit=12)


@pytest.fixture(scope="module")
def screenplays() -> SuiteResult:
    return run_suite("screenplays", data_dir=SHARED_DATA)


def test_emotion_scores_both_dev_sets_against_their_gold_labels(emotion: SuiteResult) -> None:
    summary = emotion.summary.set_index("metric")
    for dataset in ("meld", "goemotions"):
        assert summary.loc[f"{dataset}.weighted_f1", "n"] == 100
        # Far above the 1/7 a constant guess would give on accuracy.
        assert 0.3 < summary.loc[f"{dataset}.accuracy", "value"] <= 1.0
        confusion = emotion.tables[f"confusion_{dataset}"]
        assert int(confusion.to_numpy().sum()) == 100
        correct = emotion.items[emotion.items["dataset"] == dataset]["correct"].sum()
        assert int(np.trace(confusion.to_numpy())) == int(correct)
    assert "GPL-3.0" in emotion.licence and "Apache-2.0" in emotion.licence


def test_f1_scores_match_a_hand_computed_case() -> None:
    scores = f1_scores(["joy", "joy", "anger", "anger"], ["joy", "anger", "anger", "anger"])
    # joy: P=1, R=0.5, F1=2/3; anger: P=2/3, R=1, F1=0.8.
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    assert scores["accuracy"] == pytest.approx(0.75)


def test_behaviours_give_per_lexeme_recall_and_precision(behaviours: SuiteResult) -> None:
    summary = behaviours.summary.set_index("metric")
    assert summary.loc["explicit_honoured", "value"] >= 0.9
    lexemes = behaviours.tables["lexemes"].set_index("key")
    # paren-smiling expects AU12 from the speaker and the listener.
    assert lexemes.loc["face:AU12", "expected"] >= 2 and lexemes.loc["face:AU12", "recall"] > 0
    assert ((lexemes["precision"].dropna() >= 0) & (lexemes["precision"].dropna() <= 1)).all()
    assert set(behaviours.items["role"]) == {"expected", "produced"}


def test_behaviour_keys_name_the_lexeme() -> None:
    assert behaviour_key({"channel": "face", "au": 12}) == "face:AU12"
    assert behaviour_key({"channel": "gaze", "target": "down"}) == "gaze:down"
    assert behaviour_key({"channel": "head", "lexeme": "nod"}) == "head:nod"
    assert behaviour_key({"emotion": "joy"}) is None


def test_screenplays_plan_every_script_with_metrics_and_timing(screenplays: SuiteResult) -> None:
    scripts = sorted(p.name for p in (SHARED_DATA / "screenplays").glob("*.fountain"))
    assert list(screenplays.items["item"]) == scripts
    summary = screenplays.summary.set_index("metric")
    assert summary.loc["schema_validity", "value"] == 1.0
    assert (screenplays.items["latency_per_utterance_s"] > 0).all()
    timing = screenplays.tables["timing"]
    assert len(timing) > 0 and timing["offset_s"].abs().max() < 5.0
    assert "public domain" in screenplays.licence


def test_retrieval_ranks_the_bandai_queries() -> None:
    result = run_suite("retrieval", data_dir=SHARED_DATA, limit=5)
    summary = result.summary.set_index("metric")
    assert summary.loc["mrr", "n"] == 5 and summary.loc["mrr", "value"] > 0.5
    assert len(result.items) == 5 and "CC BY-NC" in result.licence


def test_unknown_suite_and_missing_data_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="unknown suite"):
        run_suite("nonsense")
    with pytest.raises(EvaluationError, match="missing"):
        run_suite("screenplays", data_dir=tmp_path)
    assert resolve_suites(["all"]) == SUITES
    assert resolve_suites(["screenplays", "emotion"]) == ("emotion", "screenplays")


def _synthetic(offset: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"metric": "score", "item": [f"i{i}" for i in range(400)], "value": rng.normal(size=400)}
    ).assign(value=lambda f: f["value"] + offset)


def test_compare_finds_a_known_delta_inside_its_interval() -> None:
    a = _synthetic(0.0, seed=1)
    b = a.assign(value=a["value"] + 0.5 + np.random.default_rng(2).normal(0, 0.1, 400))
    row = compare(a, b, n_boot=500).set_index("metric").loc["score"]
    assert row["delta"] == pytest.approx(0.5, abs=0.03)
    assert row["ci_low"] < 0.5 < row["ci_high"] and row["ci_high"] - row["ci_low"] < 0.1
    # Unpaired items: a wider interval that still holds the true shift.
    unpaired = compare(
        _synthetic(0.0, 3), _synthetic(0.3, 4).assign(item=lambda f: "j" + f["item"])
    )
    low, high = unpaired.loc[0, ["ci_low", "ci_high"]]
    assert low < 0.3 < high and low > 0.0


def test_compare_of_summaries_without_items_has_no_interval() -> None:
    a = pd.DataFrame({"metric": ["f1"], "value": [0.5], "n": [10]})
    b = pd.DataFrame({"metric": ["f1"], "value": [0.6], "n": [10]})
    row = compare(a, b).loc[0]
    assert row["delta"] == pytest.approx(0.1) and np.isnan(row["ci_low"])


def test_write_report_writes_tables_plots_and_licences(
    tmp_path: Path, emotion: SuiteResult, behaviours: SuiteResult, screenplays: SuiteResult
) -> None:
    results = [emotion, behaviours, screenplays]
    path = write_report(results, tmp_path / "first")
    text = path.read_text("utf-8")
    for result in results:
        assert f"## {result.name}" in text and result.licence in text
        assert (tmp_path / "first" / f"{result.name}_items.csv").is_file()
    for png in (
        "emotion_confusion_meld.png",
        "behaviours_lexemes.png",
        "screenplays_timing.png",
        "screenplays_latency.png",
    ):
        assert (tmp_path / "first" / png).read_bytes().startswith(b"\x89PNG")
    tables = load_report(tmp_path / "first")
    assert len(tables["emotion_items"]) == 200
    assert tables["emotion_confusion_meld"].to_numpy().sum() == 100
    second = write_report(results, tmp_path / "second", compare_to=tmp_path / "first")
    comparison = load_report(second.parent)["comparison"]
    assert set(comparison["suite"]) == {"emotion", "behaviours", "screenplays"}
    assert np.allclose(
        comparison["delta"]
        .fillna(0)
        .abs()
        .where(~comparison["metric"].str.contains("seconds|latency"), 0),
        0,
    )


def test_load_report_refuses_a_folder_without_a_report(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no report"):
        load_report(tmp_path)


def test_compare_without_variation_gives_the_delta_itself() -> None:
    a = pd.DataFrame({"metric": "score", "item": ["x", "y", "z"], "value": [1.0, 2.0, 3.0]})
    same_shift = compare(a, a.assign(value=a["value"] + 0.25)).loc[0]
    assert (same_shift["ci_low"], same_shift["ci_high"]) == (0.25, 0.25)
    one = compare(a.head(1), a.head(1).assign(value=4.0)).loc[0]
    assert (one["ci_low"], one["ci_high"]) == (3.0, 3.0)


def test_meld_lines_are_read_in_their_dialogue(emotion: SuiteResult) -> None:
    meld = emotion.items[emotion.items["dataset"] == "meld"]
    assert "each dialogue planned as one scene" in emotion.source
    data = load_meld_dev(SHARED_DATA, limit=100)
    scenes = dialogue_scenes(data)
    assert sum(len(scene.utterances) for scene in scenes) == len(meld) == 100
    assert len(scenes) == data["dialogue"].nunique() > 1
    first = scenes[0]
    assert [u.speaker for u in first.utterances] == list(
        data[data["dialogue"] == data["dialogue"].iloc[0]]["speaker"]
    )


def test_the_fast_f1_is_sklearns() -> None:
    from sklearn.metrics import f1_score as sklearn_f1

    rng = np.random.default_rng(3)
    gold, pred = rng.integers(0, 5, 300), rng.integers(0, 6, 300)
    present = sorted(set(gold))
    for average in ("weighted", "macro"):
        expected = sklearn_f1(gold, pred, labels=present, average=average, zero_division=0)
        assert f1_score(gold, pred, 6, average) == pytest.approx(expected)


def _labelled(pred: list[str], gold: list[str]) -> SuiteResult:
    items = pd.DataFrame(
        {
            "dataset": "meld",
            "item": [f"meld:{i}" for i in range(len(gold))],
            "gold": gold,
            "pred": pred,
        }
    )
    summary = pd.DataFrame(
        [
            ("meld.weighted_f1", f1_scores(gold, pred)["weighted_f1"], len(gold)),
            ("meld.macro_f1", f1_scores(gold, pred)["macro_f1"], len(gold)),
        ],
        columns=["metric", "value", "n"],
    )
    # Per-item accuracy as the emotion suite writes it: F1 is the one metric without values.
    values = pd.DataFrame(
        {
            "metric": "meld.accuracy",
            "item": items["item"],
            "value": (items["gold"] == items["pred"]).astype(float),
        }
    )
    return SuiteResult("emotion", summary, items, "test", "test", 0.0, values=values)


def test_compare_gives_f1_deltas_a_paired_interval() -> None:
    rng = np.random.default_rng(0)
    labels = ["neutral", "joy", "anger", "fear"]
    gold = [labels[i] for i in rng.integers(0, 4, 400)]
    worse = [g if rng.random() < 0.4 else labels[rng.integers(0, 4)] for g in gold]
    better = [g if rng.random() < 0.8 else labels[rng.integers(0, 4)] for g in gold]
    table = compare(_labelled(worse, gold), _labelled(better, gold), n_boot=300)
    for row in table.itertuples():
        assert row.delta > 0.2
        assert 0 < row.ci_low <= row.delta <= row.ci_high
    same = compare(_labelled(worse, gold), _labelled(worse, gold), n_boot=300)
    assert (same["ci_low"] == 0).all() and (same["ci_high"] == 0).all()


class _CountingEmbedder:
    """The real embedder, keeping every text it was asked to embed."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.embedder, name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        return np.asarray(self.embedder.embed(texts))


def test_a_second_run_in_one_process_times_lines_read_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An earlier run (another planner, the same process) has read every line of the script.
    run_suite("screenplays", data_dir=SHARED_DATA, limit=1)
    classifier = get_emotion_classifier()
    spy = _CountingEmbedder(classifier._get_embedder())
    monkeypatch.setattr(classifier, "_embedder", spy)
    second = run_suite("screenplays", data_dir=SHARED_DATA, limit=1)
    lines = read_script(sorted((SHARED_DATA / "screenplays").glob("*.fountain"))[0]).utterances
    assert len(second.tables["latency"]) == len(lines)
    # Timed lines were embedded again, not answered from the earlier run's memory.
    assert {normalise_text(u.text) for u in lines} <= set(spy.texts)


def test_report_folders_give_f1_deltas_their_paired_interval(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    labels = ["neutral", "joy", "anger", "fear"]
    gold = [labels[i] for i in rng.integers(0, 4, 300)]
    worse = [g if rng.random() < 0.4 else labels[rng.integers(0, 4)] for g in gold]
    better = [g if rng.random() < 0.8 else labels[rng.integers(0, 4)] for g in gold]
    first = write_report([_labelled(worse, gold)], tmp_path / "a").parent
    second = write_report(
        [_labelled(better, gold)], tmp_path / "b", compare_to=tmp_path / "a"
    ).parent
    for table in (compare_reports(first, second, n_boot=300), load_report(second)["comparison"]):
        for row in table.itertuples():
            assert 0 < row.ci_low <= row.delta <= row.ci_high
    # Runs over different items (a quick run against a full one): no interval, not a wrong one.
    fewer = write_report([_labelled(worse[:100], gold[:100])], tmp_path / "c").parent
    partial = compare_reports(fewer, second).set_index("metric")
    assert partial.loc[["meld.weighted_f1", "meld.macro_f1"], "ci_low"].isna().all()


class _CountingPlanner:
    """The rules planner, counting its calls."""

    def __init__(self) -> None:
        self.planner = get_planner("rules")
        self.name = "rules"
        self.calls = 0

    def plan(self, scene: Scene) -> Direction:
        self.calls += 1
        return self.planner.plan(scene)


def test_a_wrong_compare_folder_fails_before_any_suite_runs(tmp_path: Path) -> None:
    planner = _CountingPlanner()
    with pytest.raises(EvaluationError, match="missing-report"):
        run_eval(["behaviours"], planner, tmp_path / "out", compare_to=tmp_path / "missing-report")
    assert planner.calls == 0 and not (tmp_path / "out").exists()


def test_a_report_names_the_version_data_folder_and_limit(tmp_path: Path) -> None:
    from motiondirector import __version__

    path = run_eval(["screenplays"], "rules", tmp_path / "quick", data_dir=SHARED_DATA, limit=3)
    text = path.read_text("utf-8")
    assert f"motiondirector {__version__}" in text
    assert f"- Data folder: {SHARED_DATA.resolve()}" in text
    assert "- Limit: the first 3 items of each data set" in text
    run = load_report(path.parent)["suites"].iloc[0]
    assert (run["version"], run["data_dir"], run["limit"]) == (
        __version__,
        str(SHARED_DATA.resolve()),
        3,
    )
    full = write_report([run_suite("behaviours", limit=None)], tmp_path / "full")
    assert "- Limit:" not in full.read_text("utf-8")


def test_a_comparison_with_a_run_over_other_items_says_so(tmp_path: Path) -> None:
    quick = run_eval(["behaviours"], "rules", tmp_path / "quick", limit=5)
    same = run_eval(["behaviours"], "rules", tmp_path / "same", compare_to=quick.parent, limit=5)
    assert "The runs scored different items" not in same.read_text("utf-8")
    full = run_eval(["behaviours"], "rules", tmp_path / "full", compare_to=quick.parent)
    assert (
        "The runs scored different items (earlier: the first 5 items of each data set; "
        "this run: every item)" in full.read_text("utf-8")
    )


def test_a_report_records_its_load_and_a_comparison_under_other_load_says_so(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    run = run_suite("screenplays", limit=1)
    assert run.load_average is not None and run.cpus is not None and run.cpus >= 1
    calm = write_report([replace(run, load_average=0.5, cpus=2)], tmp_path / "calm")
    assert "(load average 0.5 on 2 CPUs)" in calm.read_text("utf-8")
    recorded = load_report(calm.parent)["suites"].iloc[0]
    assert (recorded["load_average"], recorded["cpus"]) == (0.5, 2)
    alike = write_report(
        [replace(run, load_average=0.7, cpus=2)], tmp_path / "alike", compare_to=calm.parent
    )
    assert "different load" not in alike.read_text("utf-8")
    busy = write_report(
        [replace(run, load_average=3.5, cpus=2)], tmp_path / "busy", compare_to=calm.parent
    )
    assert (
        "The runs ran under different load (earlier: load average 0.5 on 2 CPUs; this run: "
        "load average 3.5 on 2 CPUs)" in busy.read_text("utf-8")
    )
    # A suite that times nothing is compared whatever the load.
    behaviours = run_suite("behaviours", limit=2)
    first = write_report([replace(behaviours, load_average=0.5, cpus=2)], tmp_path / "b1")
    later = write_report(
        [replace(behaviours, load_average=3.5, cpus=2)], tmp_path / "b2", compare_to=first.parent
    )
    assert "different load" not in later.read_text("utf-8")
