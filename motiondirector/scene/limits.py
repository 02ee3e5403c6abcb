"""Bounds on what one script may ask for: scene length, silences, word lengths, cast and lines.

Everything after parsing (planning, body motion, frame streams, exports) costs memory and time
in proportion to the scene's duration and to characters × lines. A script's size alone does not
bound those: one word timed at 86,400 s asks for a day of motion. These limits are checked while
the scene is laid out, before any of that work, so the cost of a scene stays proportional to
what was written: silence between words is capped by `max_gap_s`, so a timestamp's value can
never buy more motion than the words around it. A plan read from a file (`check_plan`) is held
to the same duration and character-seconds: an edited duration of a million seconds would ask a
render or a stream for gigabytes of curves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from motiondirector.errors import MotionDirectorError, SceneLimitError

if TYPE_CHECKING:
    from motiondirector.plan.motion_plan import MotionPlan

__all__ = ["SceneLimitError", "SceneLimits"]


@dataclass(frozen=True)
class SceneLimits:
    """What one scene may ask for. Times in seconds.

    max_duration_s: the whole scene, from 0 to its last word or action.
    max_gap_s: silence before a timed word: from the end of what came before it (the previous
        word, or the scene laid out so far) to its start.
    max_word_s: one timed word, start to end.
    max_characters: characters in the scene (speakers, addressees, declared, mentioned).
    max_utterances: spoken lines.
    max_character_seconds: characters × duration. Body motion, face curves and frame streams
        are made for every character over the whole scene, so this product is what a scene's
        memory grows with.
    """

    max_duration_s: float = 4 * 3600.0
    max_gap_s: float = 120.0
    max_word_s: float = 30.0
    max_characters: int = 100
    max_utterances: int = 20_000
    max_character_seconds: float = 100 * 3600.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise MotionDirectorError(f"SceneLimits.{item.name} must be a number")
            if not (math.isfinite(value) and value > 0):
                raise MotionDirectorError(f"SceneLimits.{item.name} must be > 0, got {value!r}")

    def check_count(self, name: str, count: int, *, field: str, line: int | None = None) -> None:
        """Raise SceneLimitError when `count` is over the limit `name` (max_characters, ...)."""
        limit = getattr(self, name)
        if count > limit:
            raise SceneLimitError(
                f"{count:,} {_noun(name, count)}, over the limit of {limit:,}",
                field=field,
                limit=name,
                line=line,
            )

    def check_plan(self, plan: MotionPlan, *, file: str | None = None) -> MotionPlan:
        """`plan`, or SceneLimitError when it runs longer, or moves more characters for
        longer, than a scene may."""
        duration = plan.scene.duration
        if duration > self.max_duration_s:
            raise SceneLimitError(
                f"the plan runs {duration:g} s, over the limit of {self.max_duration_s:g} s",
                field="scene.duration",
                limit="max_duration_s",
                file=file,
            )
        moving = len(plan.characters) * duration
        if moving > self.max_character_seconds:
            raise SceneLimitError(
                f"{len(plan.characters)} characters over {duration:g} s is {moving:g} "
                f"character-seconds of motion, over the limit of {self.max_character_seconds:g}",
                field="characters",
                limit="max_character_seconds",
                file=file,
            )
        return plan


def _noun(name: str, count: int) -> str:
    noun = name.removeprefix("max_")
    return noun.removesuffix("s") if count == 1 else noun
