"""Retrieval: the clip library, its FAISS index, and scoring clips for plan events.

    from motiondirector.retrieval import ClipLibrary, ClipQuery, search_clips
    library = ClipLibrary.create("clips/", records)          # or ClipLibrary.open("clips/")
    best = search_clips(library, ClipQuery.from_event(event, emotion="joy"), k=5)

FAISS and the embedding model load on first use, not on import; so do the built-in library
and the sequencer. The names in `__all__` are this package's promise; its modules are internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes
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

if TYPE_CHECKING:
    from motiondirector.retrieval.builtin import builtin_clip_library, open_library
    from motiondirector.retrieval.sequence import (
        Slot,
        body_slots,
        fetch_candidates,
        sequence_plan,
        slot_query,
    )
    from motiondirector.retrieval.video import (
        FACE_TRACKS,
        ingest_face_folder,
        ingest_video_folder,
    )

_LAZY = {
    "FACE_TRACKS": "motiondirector.retrieval.video",
    "ingest_face_folder": "motiondirector.retrieval.video",
    "ingest_video_folder": "motiondirector.retrieval.video",
    "Slot": "motiondirector.retrieval.sequence",
    "body_slots": "motiondirector.retrieval.sequence",
    "builtin_clip_library": "motiondirector.retrieval.builtin",
    "fetch_candidates": "motiondirector.retrieval.sequence",
    "open_library": "motiondirector.retrieval.builtin",
    "sequence_plan": "motiondirector.retrieval.sequence",
    "slot_query": "motiondirector.retrieval.sequence",
}

__all__ = [
    "FACE_TRACKS",
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
    "Slot",
    "VectorIndex",
    "body_slots",
    "builtin_clip_library",
    "choose_index_kind",
    "duration_fit",
    "fetch_candidates",
    "ingest_face_folder",
    "ingest_video_folder",
    "open_library",
    "search_clips",
    "sequence_plan",
    "slot_query",
    "tag_match",
]

__getattr__ = lazy_attributes(__name__, _LAZY)
