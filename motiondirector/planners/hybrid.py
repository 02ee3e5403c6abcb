"""The hybrid planner: explicit direction from the rules, everything inferred from the LLM.

Merge policy, per utterance (docs/llm-planner.md says the same):

1. Explicit direction wins. Behaviours the rules read from parentheticals and action lines are
   kept as they are, and an emotion a parenthetical names ("(angrily)") stays.
2. The LLM supplies the intent, the emotion when the script does not state one, and the
   inferred behaviours. An LLM behaviour is dropped when an explicit one already holds the same
   character's channel over an overlapping span of words (for faces: the same AU).
3. Action lines are directed by the rules (they are explicit by nature).
4. Where the LLM could not direct a line, the rules' line stands in whole (its source says so).

Timing is never the planner's business: the realizer times both the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from motiondirector.plan.direction import Behaviour, Direction, UtteranceDirection, is_explicit_rule
from motiondirector.plan.scene import Scene
from motiondirector.planners.llm import FALLBACK_RULE_PREFIX, LLMPlanner
from motiondirector.planners.rules import RulesPlanner

_EXPLICIT_EMOTION = "parenthetical"


class HybridPlanner:
    name = "hybrid"

    def __init__(self, llm: LLMPlanner, rules: RulesPlanner | None = None) -> None:
        self.rules = rules if rules is not None else RulesPlanner()
        self.llm = llm
        self.stats = llm.stats

    def plan(self, scene: Scene) -> Direction:
        ruled = self.rules.plan(scene)
        inferred = self.llm.plan(scene)
        by_id = {u.utterance_id: u for u in inferred.utterances}
        return Direction(
            planner=self.name,
            utterances=tuple(merge_line(r, by_id[r.utterance_id]) for r in ruled.utterances),
            actions=ruled.actions,
        )


def merge_line(ruled: UtteranceDirection, inferred: UtteranceDirection) -> UtteranceDirection:
    """One utterance's merged direction (policy in the module docstring)."""
    if any(b.rule.startswith(f"{FALLBACK_RULE_PREFIX}.") for b in inferred.behaviours) or (
        "rules stood in" in inferred.emotion_reason
    ):
        return inferred
    explicit = [b for b in ruled.behaviours if is_explicit_rule(b.rule)]
    kept = [b for b in inferred.behaviours if not any(_clash(b, e) for e in explicit)]
    stated = ruled.emotion_reason.startswith(_EXPLICIT_EMOTION)
    return UtteranceDirection(
        utterance_id=ruled.utterance_id,
        intent=inferred.intent,
        emotion=ruled.emotion if stated else inferred.emotion,
        intensity=ruled.intensity if stated else inferred.intensity,
        emotion_reason=ruled.emotion_reason if stated else inferred.emotion_reason,
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
