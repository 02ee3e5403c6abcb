"""The hybrid planner: explicit direction from the rules, everything inferred from the LLM.

Merge policy, per utterance (docs/llm-planner.md says the same):

1. Explicit direction wins. Behaviours the rules read from parentheticals and action lines are
   kept as they are, and an emotion a parenthetical names ("(angrily)") stays. What a negated
   parenthetical rules out ("(not smiling)") the LLM does not give either: its behaviours are
   dropped, and its emotion leaves the line neutral.
2. The LLM supplies the intent, the emotion when the script does not state one, and the
   inferred behaviours. An LLM behaviour is dropped when an explicit one already holds the same
   character's channel over an overlapping span of words (for faces: the same AU).
3. Action lines are directed by the rules (they are explicit by nature).
4. Where the LLM could not direct a line, the rules' line stands in whole (its `fallback` says
   why, and its events say `source.planner: rules`).

"Explicit" is `priority()` of the behaviour's typed origin; an emotion the script states (a
parenthetical names it, or an action line describes the speaker in it) has an `emotion_origin`
of `STATED_EMOTIONS`. Nothing here reads rule names or reasons.

Timing is never the planner's business: the realizer times both the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from motiondirector.plan.direction import (
    STATED_EMOTIONS,
    Behaviour,
    Direction,
    Priority,
    UtteranceDirection,
    priority,
)
from motiondirector.plan.scene import Scene
from motiondirector.planners.llm import LLMPlanner
from motiondirector.planners.rules import RuledOut, RulesPlanner


class HybridPlanner:
    name = "hybrid"

    def __init__(self, llm: LLMPlanner, rules: RulesPlanner | None = None) -> None:
        self.rules = rules if rules is not None else RulesPlanner()
        self.llm = llm
        self.stats = llm.stats

    @property
    def strict(self) -> bool:
        return self.llm.strict

    def strict_twin(self) -> HybridPlanner:
        """This planner, strict: a line the LLM cannot direct is an LLMError."""
        return self if self.strict else HybridPlanner(self.llm.strict_twin(), self.rules)

    def progress_twin(self) -> HybridPlanner:
        """This planner with a progress bar on stderr while the LLM works."""
        return HybridPlanner(self.llm.progress_twin(), self.rules)

    def plan(self, scene: Scene) -> Direction:
        ruled = self.rules.plan(scene)
        inferred = self.llm.plan(scene)
        by_id = {u.utterance_id: u for u in inferred.utterances}
        ruled_out = self.rules.ruled_out(scene)
        speakers = {u.id: u.speaker for u in scene.utterances}
        return Direction(
            planner=self.name,
            utterances=tuple(
                merge_line(
                    r,
                    by_id[r.utterance_id],
                    ruled_out.get(r.utterance_id),
                    speakers[r.utterance_id],
                )
                for r in ruled.utterances
            ),
            actions=tuple(a.model_copy(update={"planner": ruled.planner}) for a in ruled.actions),
        )


def merge_line(
    ruled: UtteranceDirection,
    inferred: UtteranceDirection,
    ruled_out: RuledOut | None = None,
    speaker: str = "",
) -> UtteranceDirection:
    """One utterance's merged direction (policy in the module docstring)."""
    if inferred.fallback is not None:
        return inferred
    explicit = [b for b in ruled.behaviours if priority(b) is Priority.EXPLICIT]
    kept = [b for b in inferred.behaviours if not any(_clash(b, e) for e in explicit)]
    stated = ruled.emotion_origin in STATED_EMOTIONS
    feeling = ruled if stated else inferred
    emotion, intensity = feeling.emotion, feeling.intensity
    origin, reason = feeling.emotion_origin, feeling.emotion_reason
    if ruled_out is not None:
        kept = [b for b in kept if not ruled_out.excludes(b, speaker)]
        if not stated and emotion in ruled_out.emotions:
            reason = ruled_out.emotion_reason(emotion, reason)
            emotion, intensity, origin = "neutral", 0.0, "parenthetical"
    return UtteranceDirection(
        utterance_id=ruled.utterance_id,
        intent=inferred.intent,
        emotion=emotion,
        intensity=intensity,
        emotion_origin=origin,
        emotion_reason=reason,
        behaviours=(*explicit, *kept),
    )


def _clash(candidate: Behaviour, explicit: Behaviour) -> bool:
    if candidate.character != explicit.character or candidate.channel != explicit.channel:
        return False
    if candidate.channel == "face":
        return candidate.au == explicit.au
    return _overlap(_span(candidate), _span(explicit))


def _span(behaviour: Behaviour) -> tuple[float, float]:
    if behaviour.word is None:
        return (0.0, float("inf"))
    last = behaviour.until_word if behaviour.until_word is not None else behaviour.word
    return (float(behaviour.word), float(last))


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
