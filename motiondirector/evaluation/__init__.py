"""Evaluation: metrics and runners that score the parts of motiondirector on real data.

from motiondirector.evaluation import evaluate_bandai, load_queries
report = evaluate_bandai(library, load_queries("tests/data/retrieval_queries.yaml"))
"""

from __future__ import annotations

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
    "BandaiQuery",
    "ParaphraseMiss",
    "ParaphraseReport",
    "QueryOutcome",
    "QuerySetError",
    "RetrievalReport",
    "bandai_labels",
    "builtin_paraphrase_report",
    "evaluate_bandai",
    "evaluate_builtin_paraphrases",
    "load_queries",
    "paraphrase",
]
