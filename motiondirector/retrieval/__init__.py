"""Retrieval: the clip library, its FAISS index, and scoring clips for plan events.

    from motiondirector.retrieval import ClipLibrary, ClipQuery, search_clips
    library = ClipLibrary.create("clips/", records)          # or ClipLibrary.open("clips/")
    best = search_clips(library, ClipQuery.from_event(event, emotion="joy"), k=5)

FAISS and the embedding model load on first use, not on import.
"""

from __future__ import annotations

from motiondirector.retrieval.index import (
    INDEX_KINDS,
    IndexKind,
    IndexParams,
    VectorIndex,
    choose_index_kind,
)
from motiondirector.retrieval.query import (
    Candidate,
    ClipQuery,
    ScoreWeights,
    duration_fit,
    search_clips,
    tag_match,
)
from motiondirector.retrieval.records import (
    ClipRecord,
    ClipSource,
    ClipTags,
    CorruptLibraryError,
    LibraryConflictError,
    LibraryError,
    LibraryMismatchError,
    LibraryNotFoundError,
    MotionFeatures,
)
from motiondirector.retrieval.store import (
    QUERY_CACHE,
    ClipLibrary,
    LibraryInfo,
    QueryVectorCache,
    SemanticHit,
)

__all__ = [
    "INDEX_KINDS",
    "QUERY_CACHE",
    "Candidate",
    "ClipLibrary",
    "ClipQuery",
    "ClipRecord",
    "ClipSource",
    "ClipTags",
    "CorruptLibraryError",
    "IndexKind",
    "IndexParams",
    "LibraryConflictError",
    "LibraryError",
    "LibraryInfo",
    "LibraryMismatchError",
    "LibraryNotFoundError",
    "MotionFeatures",
    "QueryVectorCache",
    "ScoreWeights",
    "SemanticHit",
    "VectorIndex",
    "choose_index_kind",
    "duration_fit",
    "search_clips",
    "tag_match",
]
