"""Evaluation: metrics and runners that score the parts of motiondirector on real data.

from motiondirector.evaluation import evaluate_bandai, load_queries, plan_metrics
report = evaluate_bandai(library, load_queries(RETRIEVAL_QUERIES))  # the shipped queries (.suites)
row = plan_metrics(plan)  # flat {name: float} scores of one MotionPlan
result = run_suite("emotion")  # SuiteResult with pandas summary/items tables
table = compare(result_a, result_b)  # per-metric deltas with bootstrap intervals
run_eval(["behaviours"], AblatedPlanner(get_planner("rules"), ["gesture"]), "reports/x")
compare_reports("reports/rules", "reports/x")  # every suite of two report folders
table = compare_faces(real, planned)  # per-feature distance of real and planned faces
rows = compare_bodies(real_motions, realized)  # joint speeds and pops against real mocap
run_suite("behaviours", planner=RandomPlanner(seed=0))  # chance level, to score above
run_suite("emotion", emotion_data=[EmotionData("ours.csv", text="line", label="mood")])
"""

from __future__ import annotations

from motiondirector.errors import EvaluationError, QuerySetError
from motiondirector.evaluation.ablation import AblatedPlanner
from motiondirector.evaluation.baselines import NeutralPlanner, RandomPlanner
from motiondirector.evaluation.body_realism import compare_bodies
from motiondirector.evaluation.compare import compare
from motiondirector.evaluation.data import shared_data_dir
from motiondirector.evaluation.emotion_data import EmotionData, load_emotion_data
from motiondirector.evaluation.latency import percentiles, plan_turns
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
from motiondirector.evaluation.realism import (
    FEATURES,
    FaceSample,
    Feature,
    compare_faces,
    plan_face_track,
    planned_samples,
    real_samples,
)
from motiondirector.evaluation.report import (
    compare_reports,
    load_report,
    report_summaries,
    run_eval,
    write_report,
)
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
    resolve_planner,
    run_suite,
)
from motiondirector.evaluation.usage import usage_counters

__all__ = [
    "FEATURES",
    "HUMAN_RANGES",
    "SUITES",
    "AblatedPlanner",
    "BandaiQuery",
    "EmotionData",
    "EvaluationError",
    "FaceSample",
    "Feature",
    "HumanRange",
    "NeutralPlanner",
    "ParaphraseMiss",
    "ParaphraseReport",
    "QueryOutcome",
    "QuerySetError",
    "RandomPlanner",
    "RetrievalReport",
    "SuiteResult",
    "au_emotion_consistency",
    "bandai_labels",
    "builtin_paraphrase_report",
    "compare",
    "compare_bodies",
    "compare_faces",
    "compare_reports",
    "coverage",
    "evaluate_bandai",
    "evaluate_builtin_paraphrases",
    "events_inside_scene_share",
    "gaze_gap_share",
    "load_emotion_data",
    "load_queries",
    "load_report",
    "naturalness",
    "naturalness_in_human_range",
    "overlap_seconds_per_hand",
    "paraphrase",
    "percentiles",
    "plan_face_track",
    "plan_metrics",
    "plan_turns",
    "planned_samples",
    "real_samples",
    "report_summaries",
    "resolve_planner",
    "run_eval",
    "run_suite",
    "schema_validity",
    "shared_data_dir",
    "stroke_in_anchor_share",
    "usage_counters",
    "utterance_au_consistency",
    "variety",
    "violations",
    "write_report",
]
