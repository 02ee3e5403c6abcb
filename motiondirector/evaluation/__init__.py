"""Evaluation: metrics and runners that score the parts of motiondirector on real data.

from motiondirector.evaluation import evaluate_bandai, load_queries, plan_metrics
report = evaluate_bandai(library, load_queries("tests/data/retrieval_queries.yaml"))
row = plan_metrics(plan)  # flat {name: float} scores of one MotionPlan
result = run_suite("emotion")  # SuiteResult with pandas summary/items tables
table = compare(result_a, result_b)  # per-metric deltas with bootstrap intervals
"""

from __future__ import annotations

from motiondirector.errors import EvaluationError, QuerySetError
from motiondirector.evaluation.compare import compare
from motiondirector.evaluation.metrics import (
    HUMAN_RANGES,
    HumanRange,
    au_emotion_consistency,
    coverage,
    events_inside_scene_share,
    gaze_gap_share,
    naturalness,
    naturalness_in_human_range,
    overlap_seconds_per_hand,
    plan_metrics,
    schema_validity,
    stroke_in_anchor_share,
    utterance_au_consistency,
    variety,
    violations,
)
from motiondirector.evaluation.report import load_report, write_report
from motiondirector.evaluation.retrieval_quality import (
    BandaiQuery,
    ParaphraseMiss,
    ParaphraseReport,
    QueryOutcome,
    RetrievalReport,
    bandai_labels,
    builtin_paraphrase_report,
    evaluate_bandai,
    evaluate_builtin_paraphrases,
    load_queries,
    paraphrase,
)
from motiondirector.evaluation.suites import (
    SUITES,
    SuiteResult,
    run_eval,
    run_suite,
)

__all__ = [
    "HUMAN_RANGES",
    "SUITES",
    "BandaiQuery",
    "EvaluationError",
    "HumanRange",
    "ParaphraseMiss",
    "ParaphraseReport",
    "QueryOutcome",
    "QuerySetError",
    "RetrievalReport",
    "SuiteResult",
    "au_emotion_consistency",
    "bandai_labels",
    "builtin_paraphrase_report",
    "compare",
    "coverage",
    "evaluate_bandai",
    "evaluate_builtin_paraphrases",
    "events_inside_scene_share",
    "gaze_gap_share",
    "load_queries",
    "load_report",
    "naturalness",
    "naturalness_in_human_range",
    "overlap_seconds_per_hand",
    "paraphrase",
    "plan_metrics",
    "run_eval",
    "run_suite",
    "schema_validity",
    "stroke_in_anchor_share",
    "utterance_au_consistency",
    "variety",
    "violations",
    "write_report",
]
