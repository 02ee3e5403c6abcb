"""Baseline planners for the suites: what a planner that knows nothing scores.

    from motiondirector.evaluation import NeutralPlanner, RandomPlanner, run_suite
    run_suite("behaviours", planner=NeutralPlanner())      # the floor of every metric
    run_suite("behaviours", planner=RandomPlanner(seed=0))  # chance level

`NeutralPlanner` directs every line as neutral and chooses no behaviour: whatever it scores
comes from the realizer alone (blinks, lips, idle motion, listeners' gaze). `RandomPlanner`
draws each line's emotion and intensity, and one behaviour per channel on a random word, from
the vocabulary, seeded by `seed` and the line's text, so a scene gets the same direction on
every run. Neither reads the words; a planner that does should score above both on emotion,
behaviours and coverage. They must not be used to direct anything but an evaluation.
"""

from __future__ import annotations

import hashlib

import numpy as np

from motiondirector.errors import EvaluationError
from motiondirector.plan.direction import Behaviour, Direction, UtteranceDirection
from motiondirector.plan.options import BASELINE_NAMES
from motiondirector.plan.scene import Scene, Utterance
from motiondirector.plan.vocabulary import (
    EMOTIONS,
    GAZE_KEYWORDS,
    GESTURE_LEXEMES,
    HANDLING_LEXEMES,
    HEAD_LEXEMES,
    load_vocabulary,
)

NEUTRAL_INTENSITY = 0.1
"""The rules planner's calm neutral face (between 0.05 and 0.15), so the faces compare."""

# Handling a thing needs a thing in an action line; a random line has none.
_GESTURES = tuple(g for g in GESTURE_LEXEMES if g not in HANDLING_LEXEMES)
_GAZE = tuple(k for k in GAZE_KEYWORDS if k not in ("speaker", "camera"))


class NeutralPlanner:
    """Every line neutral, no behaviour chosen: the floor a planner should rise above."""

    name = "neutral"

    def plan(self, scene: Scene) -> Direction:
        return Direction(
            planner=self.name,
            utterances=tuple(
                UtteranceDirection(
                    utterance_id=u.id,
                    intent="statement",
                    emotion="neutral",
                    intensity=NEUTRAL_INTENSITY,
                    emotion_origin="classifier",
                    emotion_reason="neutral baseline: every line neutral",
                )
                for u in scene.utterances
            ),
        )


class RandomPlanner:
    """Random emotion and one random behaviour per channel on each line: chance level."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.name = f"random-{seed}"

    def plan(self, scene: Scene) -> Direction:
        return Direction(
            planner=self.name, utterances=tuple(self._line(scene, u) for u in scene.utterances)
        )

    def _line(self, scene: Scene, utterance: Utterance) -> UtteranceDirection:
        digest = hashlib.sha256(f"{utterance.speaker}\n{utterance.text}".encode()).digest()
        rng = np.random.default_rng([self.seed, int.from_bytes(digest[:8], "big")])
        emotion = str(rng.choice(EMOTIONS))
        behaviours: list[Behaviour] = []
        if utterance.words:
            others = [c for c in scene.characters if c != utterance.speaker]
            aus = sorted(load_vocabulary().action_units)
            choices = {
                "face": {"au": int(rng.choice(aus))},
                "head": {"lexeme": str(rng.choice(HEAD_LEXEMES))},
                "gaze": {"target": str(rng.choice([*others, *_GAZE]))},
                "gesture": {"lexeme": str(rng.choice(_GESTURES)), "hand": "right"},
            }
            for channel, fields in choices.items():
                behaviours.append(
                    Behaviour(
                        character=utterance.speaker,
                        channel=channel,  # type: ignore[arg-type]
                        word=int(rng.integers(len(utterance.words))),
                        intensity=float(rng.uniform(0.3, 0.9)),
                        origin="cue",
                        rule=f"{self.name}.{channel}",
                        reason="drawn at random",
                        **fields,
                    )
                )
        return UtteranceDirection(
            utterance_id=utterance.id,
            intent="statement",
            emotion=emotion,
            intensity=NEUTRAL_INTENSITY if emotion == "neutral" else float(rng.uniform(0.3, 0.9)),
            emotion_origin="classifier",
            emotion_reason=f"random baseline: {emotion} drawn at random",
            behaviours=tuple(behaviours),
        )


def baseline_planner(name: str, seed: int = 0) -> NeutralPlanner | RandomPlanner:
    """The baseline called `name` (`random` seeded by `seed`)."""
    if name == "neutral":
        return NeutralPlanner()
    if name == "random":
        return RandomPlanner(seed)
    raise EvaluationError(
        f"unknown baseline planner {name!r}; choose from {', '.join(BASELINE_NAMES)}"
    )
