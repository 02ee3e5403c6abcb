"""The Timeline contract: how a plan is realized as motion, per character, segment by segment.

Each character's body motion is an ordered, non-overlapping sequence of segments covering the
scene: a clip from a library (retrieval), a generated segment (a video model), or procedural
motion (always available). Every segment says where its material comes from (source in/out),
where it lands (target in/out), how it blends with the previous one, which plan events it
realizes, and why it was chosen (scores, rank, reason). A segment whose source in and out are
the same frame freezes it over its span (a pose the body is already in when a scene opens).

A character's face and head may be realized too (`direct --face-library`): `face_segments`
then holds one segment per utterance slot, a real face from a video library (kind clip, with
the video and its in and out points) or the plan's procedural curves, each with its reason.
A timeline that realizes no faces leaves the field out of its JSON and keeps schema version
1.0; one with face segments is version 1.1.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from motiondirector.plan.scene import Seconds

TIMELINE_SCHEMA_VERSION: Literal["1.0"] = "1.0"
FACE_TIMELINE_SCHEMA_VERSION: Literal["1.1"] = "1.1"
"""The version of a timeline whose characters carry face segments."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(_Model):
    reason: str = Field(description="Why this material was chosen, in plain words.")
    score: float | None = Field(default=None, description="Total score of the choice.")
    rank: int | None = Field(default=None, description="Rank among the candidates (1 = best).")
    scores: dict[str, float] = Field(
        default_factory=dict,
        description="Parts of the score: semantic, tag, duration_fit, target_cost, join_cost; "
        "best (the slot's best candidate) and threshold (what retrieval needed).",
    )
    candidates: int = Field(default=0, ge=0, description="How many candidates were considered.")
    options: dict[str, JsonValue] = Field(
        default_factory=dict,
        exclude_if=lambda options: not options,
        description="Generated segments: the speed and memory options the generator ran with, "
        "as it applied them (preset, LoRA, cache, compilation, offloading...). Left out when "
        "empty.",
    )


class Segment(_Model):
    kind: Literal["clip", "generated", "procedural"]
    clip_id: str | None = Field(default=None, description="Library clip id (kind clip).")
    source: str | None = Field(default=None, description="File or URI the material comes from.")
    rig: str | None = Field(
        default=None,
        exclude_if=lambda rig: rig is None,
        description="A BVH source's joint map (a shipped map's name or a YAML map's path), "
        "as its library clip records it; left out when found from the joint names.",
    )
    source_in: Seconds
    source_out: Seconds
    target_in: Seconds
    target_out: Seconds
    blend_in: Seconds = Field(default=0.0, description="Crossfade from the previous segment.")
    lexeme: str | None = None
    event_ids: tuple[str, ...] = Field(default=(), description="Plan events it realizes.")
    provenance: Provenance

    @property
    def freezes(self) -> bool:
        """Whether it holds one frame of its source still over its span (source in = out): a
        posture's pose, held where the body is already in it."""
        return self.source_out == self.source_in


class FaceSegment(_Model):
    """One utterance slot of a character's face and head: a real face (kind clip) time-warped
    from `source` [source_in, source_out] onto [target_in, target_out], or the plan's curves."""

    kind: Literal["clip", "procedural"]
    clip_id: str | None = Field(default=None, description="Library record id (kind clip).")
    source: str | None = Field(default=None, description="The video the face comes from.")
    source_in: Seconds
    source_out: Seconds
    target_in: Seconds
    target_out: Seconds
    blend_in: Seconds = Field(default=0.0, description="Crossfade into this segment.")
    utterance_id: str | None = Field(default=None, description="The utterance of the slot.")
    event_ids: tuple[str, ...] = Field(default=(), description="Face, head and gaze events.")
    provenance: Provenance


class CharacterTimeline(_Model):
    name: str
    segments: tuple[Segment, ...]
    face_segments: tuple[FaceSegment, ...] = Field(
        default=(),
        exclude_if=lambda segments: not segments,
        description="Face and head per utterance slot, when faces were realized from a "
        "video library; left out otherwise.",
    )


class Timeline(_Model):
    schema_version: Literal["1.0", "1.1"] = TIMELINE_SCHEMA_VERSION
    fps: int = Field(default=30, ge=1)
    duration: Seconds
    characters: tuple[CharacterTimeline, ...]

    def character(self, name: str) -> CharacterTimeline:
        for track in self.characters:
            if track.name == name:
                return track
        raise KeyError(name)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
