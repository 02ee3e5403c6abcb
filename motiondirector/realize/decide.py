"""The retrieve / generate / procedural decision for every clip slot of a timeline.

The sequencer (`retrieval/sequence.py`) fills each body slot with a library clip and records
the slot's best candidate score (`provenance.scores["best"]`). Here each clip segment is decided
again from that score:

- **retrieval** when the best candidate scores at least the threshold
  (`DEFAULT_RETRIEVE_THRESHOLD` unless told otherwise): the clip stays;
- else **generation** when a generator is configured: it gets the built-in synthesized motion
  of the slot's lexeme as conditioning and writes a video, which becomes a `generated` segment
  (a generator that takes batches, such as one spread over a Ray cluster, gets every segment
  of the timeline to generate at once, before any is decided);
- else **procedural**: the built-in synthesized motion of the lexeme plays.

The reason of every decision is written into the segment's provenance. Nothing is searched
again: the decision reads what the sequencer recorded.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from motiondirector.motion.clip import Motion
from motiondirector.motion.library import builtin_library
from motiondirector.motion.library.catalog import LibraryClip
from motiondirector.plan.motion_plan import GestureEvent, HeadEvent, MotionPlan, PostureEvent
from motiondirector.plan.timeline import CharacterTimeline, Provenance, Segment, Timeline
from motiondirector.realize.requests import (
    BatchSegmentGenerator,
    BodyEvent,
    GeneratedMaterial,
    SegmentGenerator,
    SegmentRequest,
    event_seed,
)
from motiondirector.retrieval.sequence import builtin_max_rate

DEFAULT_RETRIEVE_THRESHOLD = 0.60
"""Measured on the built-in library over the example scene and the two shared screenplays
(77 distinct slot queries): the best clip *of the planned lexeme* never scored below 0.600,
while the best clip of any *other* lexeme scored above 0.60 for only 5% of the queries (the
near-synonyms self_point/point and lower/tilt). See docs/director.md."""

_IDLE_CLIP = "idle.normal.normal.neutral"


def procedural_clip(event: BodyEvent, emotion: str | None) -> LibraryClip:
    """The built-in synthesized clip that realizes `event` when nothing better is at hand: its
    lexeme, the event's hand, the emotion's style when there is one, plain amplitude/tempo."""
    clips = [clip for clip in builtin_library() if clip.lexeme == event.lexeme]
    if not clips:
        clips = [clip for clip in builtin_library() if clip.id == _IDLE_CLIP]
    hand = event.hand if isinstance(event, GestureEvent) else None

    def preference(clip: LibraryClip) -> tuple[bool, bool, bool, bool, str]:
        return (
            hand is not None and clip.hand not in (hand, None),
            clip.emotion != (emotion or "neutral"),
            clip.amplitude != "normal",
            clip.tempo != "normal",
            clip.id,
        )

    return min(clips, key=preference)


@dataclass
class SegmentDecider:
    """Decides the clip segments of one plan's timeline (see the module docstring).

    `generated` collects, per generated source, the motion it was conditioned on (what the
    character's body does there); videos are written under `material_dir` (None: a new
    temporary folder on the first generated segment).
    """

    plan: MotionPlan
    threshold: float
    generator: SegmentGenerator | None = None
    material_dir: Path | None = None
    generated: dict[str, Motion] = field(default_factory=dict)
    prepared: dict[tuple[str, str, float, float], GeneratedMaterial] = field(default_factory=dict)
    """Material a batch generator made ahead, by (character, event id, target in, out)."""

    def __post_init__(self) -> None:
        self.emotions = {u.id: u.emotion.label for u in self.plan.utterances}
        self.events = {
            (track.name, event.id): event
            for track in self.plan.characters
            for event in track.events
        }

    def body_event(self, character: str, event_id: str) -> BodyEvent:
        event = self.events[(character, event_id)]
        if not isinstance(event, GestureEvent | HeadEvent | PostureEvent):
            raise TypeError(f"event {event_id} of {character} is not a body event")
        return event

    def timeline(self, timeline: Timeline) -> Timeline:
        """`timeline` with every clip segment decided."""
        self.prepare(timeline)
        tracks = tuple(
            CharacterTimeline(
                name=track.name,
                segments=tuple(self.decide(track.name, segment) for segment in track.segments),
            )
            for track in timeline.characters
        )
        return timeline.model_copy(update={"characters": tracks})

    def prepare(self, timeline: Timeline) -> None:
        """Give a batch generator every segment of `timeline` that will be generated, in
        one call, so it can make them side by side; `generate` then takes what it made."""
        if not isinstance(self.generator, BatchSegmentGenerator):
            return
        requests = [
            self.segment_request(track.name, segment, *self.stand_in(track.name, segment))[0]
            for track in timeline.characters
            for segment in track.segments
            if self.falls_short(segment) and not segment.freezes
        ]
        if not requests:
            return
        made = self.generator.generate_segments(requests)
        if len(made) != len(requests):
            raise ValueError(f"{len(made)} materials for {len(requests)} segments")
        for request, material in zip(requests, made, strict=True):
            key = (request.character, request.event.id, request.target_in, request.target_out)
            self.prepared[key] = material

    def falls_short(self, segment: Segment) -> bool:
        """Whether `segment` is a clip slot whose best library candidate scores under the
        threshold: it is then generated, or procedural without a generator."""
        return (
            segment.kind == "clip"
            and bool(segment.event_ids)
            and _best_score(segment) < self.threshold
        )

    def stand_in(self, character: str, segment: Segment) -> tuple[BodyEvent, LibraryClip]:
        """The slot's body event and the built-in synthesized clip that plays it, or that a
        generator is conditioned on, when no library clip is good enough."""
        event = self.body_event(character, segment.event_ids[0])
        return event, procedural_clip(event, self.emotions.get(event.utterance_id or ""))

    def decide(self, character: str, segment: Segment) -> Segment:
        if segment.kind != "clip" or not segment.event_ids:
            return segment
        provenance = segment.provenance
        best = _best_score(segment)
        scores = {**provenance.scores, "best": round(best, 6), "threshold": self.threshold}
        if not self.falls_short(segment):
            reason = (
                f"retrieval: best library candidate {best:.2f} >= threshold "
                f"{self.threshold:.2f}; {provenance.reason}"
            )
            return segment.model_copy(
                update={
                    "provenance": provenance.model_copy(update={"reason": reason, "scores": scores})
                }
            )
        event, clip = self.stand_in(character, segment)
        below = f"best library candidate {best:.2f} < threshold {self.threshold:.2f}"
        if segment.freezes:
            # A held pose: nothing moves, so nothing to generate; the stand-in's end is held.
            source_in = source_out = round(clip.duration, 6)
            plays = f"holds the last frame of the built-in synthesized '{event.lexeme}'"
            why = below
        elif self.generator is not None:
            return self.generate(character, segment, event, clip, below, best, scores)
        else:
            length = segment.target_out - segment.target_in
            source_in = 0.0
            source_out = round(min(clip.duration, length * builtin_max_rate(clip.id)), 6)
            plays = f"plays the built-in synthesized '{event.lexeme}'"
            why = f"{below} and no generator configured"
        return segment.model_copy(
            update={
                "kind": "procedural",
                "clip_id": f"builtin/{clip.id}",
                "source": f"builtin:{clip.id}",
                "source_in": source_in,
                "source_out": source_out,
                "provenance": Provenance(
                    reason=f"procedural: {why}; {plays} ({clip.id})",
                    score=round(best, 6),
                    scores=scores,
                    candidates=provenance.candidates,
                ),
            }
        )

    def generate(
        self,
        character: str,
        segment: Segment,
        event: BodyEvent,
        clip: LibraryClip,
        why: str,
        best: float,
        scores: dict[str, float],
    ) -> Segment:
        """The segment made by the generator, conditioned on `clip`'s motion; `why` says why
        it was generated."""
        if self.generator is None:
            raise ValueError("no generator configured")
        request, conditioning = self.segment_request(character, segment, event, clip)
        key = (character, event.id, segment.target_in, segment.target_out)
        material = self.prepared.pop(key, None) or self.generator.generate_segment(request)
        self.generated[material.source] = conditioning
        return segment.model_copy(
            update={
                "kind": "generated",
                "clip_id": None,
                "source": material.source,
                "source_in": 0.0,
                "source_out": round(material.duration, 6),
                "provenance": Provenance(
                    reason=f"generated by {material.backend}: {why}; conditioned on the "
                    f"built-in synthesized '{event.lexeme}' ({clip.id})",
                    score=round(best, 6),
                    scores=scores,
                    candidates=segment.provenance.candidates,
                    options=dict(material.options),
                ),
            }
        )

    def segment_request(
        self, character: str, segment: Segment, event: BodyEvent, clip: LibraryClip
    ) -> tuple[SegmentRequest, Motion]:
        """What the generator is asked for `segment`, and the motion it is conditioned on
        (`clip`'s, cut to the segment's length)."""
        length = segment.target_out - segment.target_in
        motion = clip.motion()
        fastest = builtin_max_rate(clip.id)
        frames = max(2, min(motion.frames, round(length * fastest * motion.fps) + 1))
        conditioning = Motion(
            motion.rotations[:frames].copy(), motion.root_positions[:frames].copy(), motion.fps
        )
        folder = self.material_dir or Path(tempfile.mkdtemp(prefix="motiondirector-generated-"))
        self.material_dir = folder
        request = SegmentRequest(
            character=character,
            event=event,
            target_in=segment.target_in,
            target_out=segment.target_out,
            motion=conditioning,
            prompt=f"{character.title()} {event.description}",
            seed=event_seed(self.plan.scene.seed, character, event.id),
            out=folder / f"{_safe(character)}-{_safe(event.id)}.mp4",
        )
        return request, conditioning


def _best_score(segment: Segment) -> float:
    """The slot's best library candidate score, as the sequencer recorded it."""
    provenance = segment.provenance
    return provenance.scores.get("best", provenance.score or 0.0)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "x"
