"""Evaluation: metrics and runners that score the parts of motiondirector on real data.

from motiondirector.evaluation import evaluate_bandai, load_queries, plan_metrics
report = evaluate_bandai(library, load_queries("tests/data/retrieval_queries.yaml"))
row = plan_metrics(plan)  # flat {name: float} scores of one MotionPlan
"""

from __future__ import annotations

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
from motiondirector.evaluation.retrieval_quality import (
    BandaiQuery,
    ParaphraseMiss,
    ParaphraseReport,
    QueryOutcome,
    QuerySetError,
    RetrievalReport,
    bandai_labels,
    builtin_paraphrase_report,
    evaluate_bandai,
    evaluate_builtin_paraphrases,
    load_queries,
    paraphrase,
)

__all__ = [
    "HUMAN_RANGES",
    "BandaiQuery",
    "HumanRange",
    "ParaphraseMiss",
    "ParaphraseReport",
    "QueryOutcome",
    "QuerySetError",
    "RetrievalReport",
    "au_emotion_consistency",
    "bandai_labels",
    "builtin_paraphrase_report",
    "coverage",
    "evaluate_bandai",
    "evaluate_builtin_paraphrases",
    "events_inside_scene_share",
    "gaze_gap_share",
    "load_queries",
    "naturalness",
    "naturalness_in_human_range",
    "overlap_seconds_per_hand",
    "paraphrase",
    "plan_metrics",
    "schema_validity",
    "stroke_in_anchor_share",
    "utterance_au_consistency",
    "variety",
    "violations",
]
