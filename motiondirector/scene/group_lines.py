"""Lines a group says together: a cue such as ALL, EVERYONE or BOTH is no character.

"EVERYONE / Tigers!" is said by everyone on stage at that moment, "BOTH / No!" by the
two characters last in the scene, and "PAUL AND CARMEN / Surprise!" by the characters it
lists, each as a line of their own said at once (as dual dialogue is), so every face and body
says it and no stick figure called EVERYONE appears.
Who is there is who the beat has shown so far: the declared characters, those who spoke
before the line, and those its action lines named. With no one there yet, the cue stays a
character of its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from motiondirector.plan.scene import is_off_screen
from motiondirector.scene.elements import RawAction, RawTurn
from motiondirector.scene.names import NameMatcher
from motiondirector.scene.speech import Speech

# Cues that name everyone there, and the one that names two.
EVERYONE_CUES = frozenset({"ALL", "EVERYONE", "EVERYBODY", "TOGETHER", "ALL TOGETHER"})
BOTH_CUES = frozenset({"BOTH"})
_LIST_JOINTS = re.compile(r"\s*(?:,|&|\+|/|\bAND\b)\s*", re.IGNORECASE)


def listed_characters(speaker: str, characters: Collection[str]) -> tuple[str, ...]:
    """The characters a cue lists ("PAUL AND CARMEN", "ANA & BEN", "ANA, BEN AND CLEO"), when
    each of its names is one of `characters`; none for any other cue."""
    parts = [part for part in _LIST_JOINTS.split(speaker) if part]
    if len(parts) < 2 or not all(part in characters for part in parts):
        return ()
    return tuple(dict.fromkeys(parts))


def is_group_cue(speaker: str, characters: Collection[str] = ()) -> bool:
    """Whether a cue names a group, not a character: ALL, BOTH, or a list of `characters`."""
    return (
        speaker in EVERYONE_CUES
        or speaker in BOTH_CUES
        or bool(listed_characters(speaker, characters))
    )


def split_group_lines(
    elements: list[RawTurn | RawAction],
    declared: tuple[str, ...],
    names: NameMatcher,
    speeches: dict[RawTurn, Speech],
    characters: Collection[str],
) -> list[RawTurn | RawAction]:
    """`elements` of one beat with each group line replaced by one line per member, the
    members' lines after the first said together with it; `speeches` gains their speech.
    `characters`: the script's, whom a cue may list."""
    present: dict[str, None] = dict.fromkeys(declared)
    speakers: list[str] = []
    out: list[RawTurn | RawAction] = []
    for index, element in enumerate(elements):
        if isinstance(element, RawAction):
            if not element.centered:
                present.update(dict.fromkeys(n for n in names.mentions(element.text)))
            out.append(element)
            continue
        members = (
            listed_characters(element.speaker, characters)
            or _members(element.speaker, list(present), speakers)
            or _hidden(element, elements[index + 1 :], list(present), names)
        )
        if not members:
            out.append(element)
        else:
            for number, member in enumerate(members):
                line = replace(element, speaker=member, dual=element.dual or number > 0)
                speeches[line] = speeches[element]
                out.append(line)
        for speaker in members or (element.speaker,):
            if not is_off_screen(element.extension):
                present.setdefault(speaker, None)
            speakers = [*(s for s in speakers if s != speaker), speaker]
    return out


def _hidden(
    turn: RawTurn,
    after: list[RawTurn | RawAction],
    present: list[str],
    names: NameMatcher,
) -> list[str]:
    """Who says a line of EVERYONE heard from off screen before they are seen ("EVERYONE
    (O.S.) / SURPRISE!" in the dark): the two or more the next action line names who are not
    there yet ("Her friends JESS, OMAR and TINA pop up from behind the sofa.")."""
    if turn.speaker not in EVERYONE_CUES or not is_off_screen(turn.extension):
        return []
    action = next((e for e in after if isinstance(e, RawAction) and not e.centered), None)
    if action is None:
        return []
    revealed = [name for name in names.mentions(action.text) if name not in present]
    revealed = [name for name in revealed if not is_group_cue(name)]
    return revealed if len(revealed) >= 2 else []


def _members(speaker: str, present: list[str], speakers: list[str]) -> list[str]:
    """Who a group cue names: everyone present, or for BOTH the two there, else the two who
    spoke last; no one for a character's cue."""
    there = [name for name in present if not is_group_cue(name)]
    if speaker in EVERYONE_CUES:
        return there if len(there) >= 2 else []
    if speaker in BOTH_CUES:
        if len(there) == 2:
            return there
        spoke = [name for name in speakers if name in there]
        return sorted(spoke[-2:], key=there.index) if len(spoke) >= 2 else []
    return []
