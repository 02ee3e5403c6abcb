"""A behaviour together with the script context it was directed for.

Channel modules of the realizer read `Request`s rather than bare behaviours so each knows the
utterance or action it is anchored in, whether its character is speaking, and its priority.
"""

from __future__ import annotations

from dataclasses import dataclass

from motiondirector.plan.direction import Behaviour, Priority, priority
from motiondirector.plan.motion_plan import Source
from motiondirector.plan.realizer.timing import anchor_time, span_end
from motiondirector.plan.scene import ActionLine, Utterance


@dataclass(frozen=True)
class Request:
    behaviour: Behaviour
    planner: str  # who directed the line or action: its events' source.planner
    utterance: Utterance | None = None
    action: ActionLine | None = None

    @property
    def character(self) -> str:
        return self.behaviour.character

    @property
    def utterance_id(self) -> str | None:
        return self.utterance.id if self.utterance is not None else None

    @property
    def is_speaker(self) -> bool:
        return self.utterance is not None and self.utterance.speaker == self.character

    @property
    def priority(self) -> Priority:
        """Explicit direction beats dialogue cues beats beats (`plan.direction.priority`)."""
        return priority(self.behaviour)

    @property
    def anchor(self) -> float:
        return anchor_time(self.behaviour, self.utterance, self.action)

    @property
    def span_end(self) -> float:
        return span_end(self.behaviour, self.utterance, self.action)

    @property
    def anchor_word(self) -> str | None:
        word = self.behaviour.word
        if self.utterance is None or word is None or word >= len(self.utterance.words):
            return None
        return self.utterance.words[word].text

    def source(self) -> Source:
        return Source(planner=self.planner, rule=self.behaviour.rule, reason=self.behaviour.reason)


class EventIds:
    """Numbers one character's events (ana-1, ana-2, ...) in the order they are made."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._count = 0

    def __call__(self) -> str:
        self._count += 1
        return f"{self._prefix}-{self._count}"


def resolve_target(request: Request, target: str | None) -> str | None:
    """`addressee` and `speaker` become character names; a character never targets themself."""
    if target is None:
        return None
    utterance = request.utterance
    if target == "addressee":
        others = [a for a in utterance.addressees if a != request.character] if utterance else []
        target = others[0] if others else "away"
    elif target == "speaker":
        target = utterance.speaker if utterance is not None else "away"
    return "away" if target == request.character else target
