"""The clip record contract: what the library knows about one clip, and the library's errors.

A `ClipRecord` names where the clip comes from (file and in/out seconds), how long it runs, the
plain-language descriptions that are embedded for semantic search, the tags that the query
scoring matches exactly (lexemes from the controlled vocabulary, emotion, style, Action Units,
hand, free tags), optional motion features the sequencer uses for join costs, and, for face
segments of real video, the behaviour profile that search by behaviour scores
(`faces/profile.py`).

This module must not import FAISS or the embedder: records are plain data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from motiondirector.errors import (
    CorruptLibraryError,
    LibraryConflictError,
    LibraryError,
    LibraryMismatchError,
    LibraryNotFoundError,
)
from motiondirector.faces.profile import BehaviourProfile
from motiondirector.plan.vocabulary import (
    GESTURE_LEXEMES,
    HEAD_LEXEMES,
    POSTURE_LEXEMES,
    Emotion,
    Hand,
    load_vocabulary,
)

if TYPE_CHECKING:
    from motiondirector.faces.tracker import FaceTrack

__all__ = [
    "ClipRecord",
    "ClipSource",
    "ClipTags",
    "CorruptLibraryError",
    "LibraryConflictError",
    "LibraryError",
    "LibraryMismatchError",
    "LibraryNotFoundError",
    "MotionFeatures",
]

RECORD_LEXEMES: frozenset[str] = frozenset(HEAD_LEXEMES + GESTURE_LEXEMES + POSTURE_LEXEMES)

PositiveSeconds = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Seconds = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Feature = tuple[float, ...]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClipSource(_Record):
    """Where the clip lives: a file (path or URI as the library's owner writes it) and the
    in/out points in seconds inside it."""

    file: str = Field(min_length=1)
    start: Seconds = 0.0
    end: PositiveSeconds
    rig: str | None = Field(
        default=None,
        exclude_if=lambda rig: rig is None,
        description="BVH files: the joint map the file is read with, a shipped map's name or "
        "a YAML map's absolute path; left out when the map is found from the joint names.",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> ClipSource:
        if self.end <= self.start:
            raise ValueError(f"source end {self.end} must be after start {self.start}")
        return self


class ClipTags(_Record):
    """Exact-match tags. `lexemes` come from the controlled vocabulary (head, gesture or
    posture); anything else belongs in `free`. `aus` are FACS Action Unit codes."""

    lexemes: tuple[str, ...] = ()
    emotion: Emotion | None = None
    style: str | None = Field(default=None, description="Performance style, e.g. 'tired'.")
    aus: tuple[int, ...] = ()
    hand: Hand | None = None
    free: tuple[str, ...] = ()

    @field_validator("lexemes")
    @classmethod
    def _known_lexemes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - RECORD_LEXEMES)
        if unknown:
            raise ValueError(
                f"lexemes {unknown} are not in the controlled vocabulary; put them in `free`"
            )
        return value

    @field_validator("aus")
    @classmethod
    def _known_aus(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        unknown = sorted(set(value) - set(load_vocabulary().action_units))
        if unknown:
            raise ValueError(f"Action Units {unknown} are not in the vocabulary")
        return value


class MotionFeatures(_Record):
    """Features for join costs between consecutive clips, on the canonical skeleton: the first
    and last pose (e.g. joint positions flattened) and the velocities there; and the clip's
    peak joint speeds, which bound how much faster it may play. All optional."""

    first_pose: Feature | None = None
    last_pose: Feature | None = None
    first_velocity: Feature | None = None
    last_velocity: Feature | None = None
    peak_speeds: dict[str, float] | None = Field(
        default=None,
        exclude_if=lambda peaks: peaks is None,
        description="Each group's fastest speed in the clip, m/s (°/s for the head turn; "
        "`motion/speed.py`): with `peak_accelerations`, how much faster the sequencer may play "
        "it. Left out by records written before speeds were measured; those clips get the "
        "fixed bound.",
    )
    peak_accelerations: dict[str, float] | None = Field(
        default=None,
        exclude_if=lambda peaks: peaks is None,
        description="Each group's highest acceleration in the clip, m/s² (°/s² for the head turn).",
    )

    @model_validator(mode="after")
    def _finite(self) -> MotionFeatures:
        for name in ("first_pose", "last_pose", "first_velocity", "last_velocity"):
            values = getattr(self, name)
            if values is not None and not all(math.isfinite(v) for v in values):
                raise ValueError(f"{name} contains NaN or infinite values")
        for name in ("peak_speeds", "peak_accelerations"):
            for group, value in (getattr(self, name) or {}).items():
                if not (math.isfinite(value) and value >= 0.0):
                    raise ValueError(f"{name} of {group!r} must be finite and >= 0")
        return self


class ClipRecord(_Record):
    """One clip of the library. `descriptions` are embedded (each one a vector of its own), so
    several phrasings of the same movement all find it."""

    id: str = Field(min_length=1)
    source: ClipSource
    duration: PositiveSeconds
    fps: float = Field(default=30.0, gt=0.0, allow_inf_nan=False)
    descriptions: tuple[str, ...] = Field(min_length=1)
    tags: ClipTags = ClipTags()
    features: MotionFeatures | None = None
    profile: BehaviourProfile | None = Field(
        default=None, description="Behaviour profile of a face segment of real video."
    )

    @field_validator("descriptions")
    @classmethod
    def _non_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not text.strip() for text in value):
            raise ValueError("descriptions must not be blank")
        return value

    def to_json(self) -> str:
        """One line of canonical JSON: the same record always gives the same bytes (a record
        without a profile writes no `profile` key, as before profiles existed)."""
        return self.model_dump_json(exclude={"profile"} if self.profile is None else None)

    @classmethod
    def from_json(cls, text: str) -> ClipRecord:
        return cls.model_validate_json(text)


@dataclass(frozen=True)
class Skipped:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class IngestResult:
    """Records made by ingest, what was skipped and why, for video analysed for faces the face
    tracks by video key and the id of the face model that made them, the files passed over
    unread because the library being added to holds them unchanged (`retrieval/sources.py`),
    and the files read whole that gave no clip (a video without a face)."""

    records: tuple[ClipRecord, ...]
    skipped: tuple[Skipped, ...]
    tracks: Mapping[str, FaceTrack] = field(default_factory=dict)
    face_model: str | None = None
    kept: tuple[str, ...] = ()
    empty: tuple[str, ...] = ()
