"""Entrances and exits: whom an action line or a parenthetical has come on or go off during a
beat ("DOCTOR enters.", "Ben storms out.", "He leaves.", "(leaving)").

Both are read with the planners' action reader (`planners.actions`), in script order,
so that a pronoun means whom the lines before it mean; where the reader finds a change is
`ActionParser._stage_change`. The rule of who is on stage when is in
docs/input-formats.md#who-is-on-stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from motiondirector.plan.realizer.timing import action_word_time, ms, performed_seconds
from motiondirector.plan.scene import ActionLine, StageChange, Utterance
from motiondirector.scene.cast import action_reader

if TYPE_CHECKING:
    from motiondirector.planners.actions import ActionCue, StageCue

EXIT_WALK_S = 2.5
"""How long a character who exits stays in sight after the word that says so (within its
action line): the walk off."""


# Channels that move the body or hands at someone: more than a look.
_ACTING = frozenset({"gesture", "posture"})


def _how(cue: ActionCue, acts: bool) -> str:
    """How a behaviour aimed at someone engages them: "act", "glance" or "look"."""
    if acts:
        return "act"
    return "glance" if cue.trigger.lower().startswith("glanc") else "look"


class Reading(NamedTuple):
    """What `StageReader.read` finds in a line."""

    changes: list[StageCue]  # its entrances and exits, in its order
    performed: float  # seconds its behaviours take to act out (`performed_seconds`)
    # (who, at whom, how) of each behaviour aimed at a character, in its order: whom a line
    # after it is likely spoken to (`scene.addressees`). How: "act" where the words that aim
    # it also move the body or hands ("turns to Ben", "hugs her"), "glance" for a glance, else
    # "look" ("looks at Ben", "gives her a nod").
    aimed: tuple[tuple[str, str, str], ...] = ()


class StageReader:
    """Reads the entrances and exits of a scene's action lines and parentheticals, one tracker
    of who was mentioned last across the whole scene."""

    def __init__(self, characters: Sequence[str], actions: Iterable[str] = ()) -> None:
        """`actions`, the scene's action lines, tell which characters are roles ("the doctor"
        names DOCTOR, see `role_names`)."""
        # Imported here: the action reader imports scene.names, which loads this package.
        from motiondirector.planners.actions import NameIndex, ReferenceTracker, role_names

        self._names = NameIndex(characters, roles=role_names(characters, actions))
        self._tracker = ReferenceTracker()
        self._characters = frozenset(characters)

    def speaks(self, speaker: str) -> None:
        """A line of dialogue: "he" after it may mean its speaker."""
        self._tracker.speaks(speaker)

    def read(
        self,
        text: str,
        cast: Sequence[str],
        heading: str | None,
        language: str | None,
        speaker: str | None = None,
        *,
        opens: bool = False,
    ) -> Reading:
        """The entrances and exits `text` tells and how long it takes to act out; `cast` is
        whom "they" and "everyone" may mean; `speaker`, for a parenthetical, does what has no
        subject ("(leaving)"); `opens`: the line opens its beat, whose doorway is where one
        is when the scene opens, not come to."""
        found: list[StageCue] = []
        unseen = {name for name in self._characters if not self._tracker.mentioned(name)}
        cues = action_reader().parse(
            text,
            self._names,
            self._tracker,
            cast,
            speaker,
            stage=found,
            place=heading,
            language=language,
        )
        # Going out in the line that introduces someone (first named, in capitals) is coming
        # out into the scene: "The door opens. DR. OKAFOR (50s) steps out." brings her on.
        found = [
            replace(c, change="enters")
            if c.change == "exits" and c.character in unseen and _introduced(c.character, text)
            else c
            for c in found
        ]
        found.extend(_at_the_door(text, unseen - {c.character for c in found}, not opens))
        behaviours = ((c.character, c.template.channel, c.template.lexeme) for c in cues)
        acts = {(c.character, c.trigger) for c in cues if c.template.channel in _ACTING}
        aimed = tuple(
            dict.fromkeys(
                (c.character, c.target, _how(c, (c.character, c.trigger) in acts))
                for c in cues
                if c.target in self._characters and c.target != c.character
            )
        )
        return Reading(found, performed_seconds(behaviours), aimed)


# A door opened: "He opens it.", "opens the front door", "The door swings open."
_DOOR_OPENS = re.compile(
    r"\b(?:opens?|opened|opening|answers?|answered|unlocks?|unlocked)\b(?:\s+\w+){0,2}?\s+"
    r"(?:doors?|it)\b|\bdoors?\s+(?:\w+\s+)?(?:(?:re)?opens?|(?:re)?opened"
    r"|(?:swings?|bursts?|fl(?:y|ies)|creaks?|slides?|slid|swung|flew|burst) open)\b",
    re.IGNORECASE,
)


# Where someone is found in a doorway: "is in the doorway", "stands at the door", "framed in
# the door". Not "on the door", which is knocked on from outside.
_IN_THE_DOORWAY = re.compile(
    r"\b(?:in|at|filling|fills|framed\s+in)\s+(?:the\s+|a\s+)?(?:\w+\s+)?"
    r"(?:doorway|door|threshold)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _at_the_door(text: str, unseen: set[str], doorway: bool) -> list[StageCue]:
    """Whoever a line introduces (first named, in capitals) after a door is opened in it, or,
    where `doorway`, in a doorway in the sentence that names them, is at the door, come on
    there: "He opens it. MRS. PATEL (70s), their landlady, holds out a toaster." (the door of
    the line before) and "Her roommate, ELLIE (20s), is in the doorway." bring her on at her
    name."""
    from motiondirector.planners.actions import StageCue

    if "door" not in text.lower() and "threshold" not in text.lower():
        return []
    door = _DOOR_OPENS.search(text)
    found = []
    for name in sorted(unseen):
        at = _in_capitals(name, text, door.end()) if door is not None else None
        if at is None and doorway:
            at = _in_a_doorway(name, text)
        if at is not None:
            found.append(StageCue(name, "enters", at.start()))
    return sorted(found, key=lambda cue: cue.start or 0)


def _in_a_doorway(name: str, text: str) -> re.Match[str] | None:
    """Where `text` introduces `name` in capitals in a sentence that puts them in a doorway
    after it ("ELLIE (20s) is in the doorway"); None where it does not."""
    at = _in_capitals(name, text)
    if at is None:
        return None
    end = _SENTENCE_END.search(text, at.end())
    found = _IN_THE_DOORWAY.search(text, at.end(), end.start() if end else len(text))
    return at if found is not None else None


def _in_capitals(name: str, text: str, start: int = 0) -> re.Match[str] | None:
    """Where `text`, from `start`, writes `name` in capitals, as a script introduces a
    character."""
    return re.compile(rf"(?<!\w){re.escape(name.upper())}(?!\w)").search(text, start)


def _introduced(name: str, text: str) -> bool:
    """Whether `text` writes `name` in capitals, as a script introduces a character."""
    return _in_capitals(name, text) is not None


def first_entrances(
    order: Sequence[tuple[str, StageCue | None]],
) -> frozenset[str]:
    """Who is off stage when a beat opens: a character whose first part in it, in `order`
    (a line said on screen: `(speaker, None)`; a stage cue: `(character, cue)`), is to enter."""
    decided: set[str] = set()
    entering: set[str] = set()
    for name, cue in order:
        if name in decided:
            continue
        decided.add(name)
        if cue is not None and cue.change == "enters":
            entering.add(name)
    return frozenset(entering)


def line_changes(
    line: Utterance, coming: Sequence[str], said: Sequence[StageCue], present: list[str]
) -> list[StageChange]:
    """The changes a line makes: the entrances `coming` (already `present`: those its
    parentheticals have enter, and its speaker, off stage, saying it on screen) at its start,
    and the exits its parentheticals tell ("(leaving)") at its end (`present` updated)."""
    changes = [
        StageChange(character=name, time=line.start, change="enters", utterance_id=line.id)
        for name in coming
    ]
    for cue in said:
        if cue.change == "exits" and cue.character in present:
            present.remove(cue.character)
            changes.append(
                StageChange(
                    character=cue.character, time=line.end, change="exits", utterance_id=line.id
                )
            )
    return changes


def stage_changes(
    action: ActionLine, cues: Sequence[StageCue], present: list[str]
) -> list[StageChange]:
    """The changes `cues` of `action` make to who is `present` (updated in place): an entrance
    at the word that says it, an exit `EXIT_WALK_S` after it; an entrance of someone present
    or an exit of someone absent changes nothing."""
    changes: list[StageChange] = []
    for cue in cues:
        word = None if cue.start is None else len(action.text[: cue.start].split())
        time = action_word_time(action, word)
        if cue.change == "enters" and cue.character not in present:
            present.append(cue.character)
        elif cue.change == "exits" and cue.character in present:
            present.remove(cue.character)
            time = min(action.end, time + EXIT_WALK_S)
        else:
            continue
        changes.append(
            StageChange(
                character=cue.character, time=ms(time), change=cue.change, action_id=action.id
            )
        )
    return changes
