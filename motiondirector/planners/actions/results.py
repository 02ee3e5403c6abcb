"""What the action reader finds: a behaviour for a character (`ActionCue`), a feeling an action
line describes (`FeelingCue`), and someone arriving or leaving (`StageCue`).
"""

from __future__ import annotations

from dataclasses import dataclass

from motiondirector.plan.scene import StageChangeKind
from motiondirector.planners.cues import (
    BehaviourTemplate,
)


@dataclass(frozen=True, slots=True)
class ActionCue:
    """One behaviour template for one character, with the target resolved."""

    character: str
    template: BehaviourTemplate
    target: str | None
    trigger: str  # the words that triggered it, e.g. "crosses her arms"
    # Where in the line's text the words that say it begin, where known (not through a
    # glossary): an action line's behaviours happen in the order it tells them.
    start: int | None = None
    # A posture its verb says being in, not getting into ("lies in bed", "está sentada"; not
    # "lies down", "se sienta", "then sits"): what a scene may open on (`planners.opening`).
    state: bool = False


@dataclass(frozen=True, slots=True)
class FeelingCue:
    """An emotion an action line describes a character in ("Mary sits, furious.")."""

    character: str
    label: str
    intensity: float
    trigger: str
    start: int | None  # where in the line's text its words begin, where known
    everyone: bool = False  # described as one of "they", everyone on stage


@dataclass(frozen=True, slots=True)
class StageCue:
    """A character an action line or parenthetical has come on or go off ("DOCTOR enters",
    "Ben storms out", "(leaving)")."""

    character: str
    change: StageChangeKind
    start: int | None  # where in the line's text the verb is, where known
