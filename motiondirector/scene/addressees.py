"""Who a line is spoken to, when the script does not say.

The rule, in order (documented in docs/input-formats.md):
0. the one judge on stage, when the line says "Your Honor" or objects ("Your Honor, the
   defense calls Ms. Patel." is said to JUDGE HARLOW, not to Ms. Patel);
1. characters on stage whom the line names ("Ben, listen", "..., Ana?"), in order of mention
   (in an answer to another's question only those it calls: "With Devon." answers the asker),
   or the voice off screen that has just spoken, named ("Ben? Is that you?"); or the one other
   on stage a "sir", "ma'am" or a title before an unknown name ("Mr. Hale?") can mean, by the
   gender their name makes likely (`name_gender`);
2. the voice off screen that has just spoken ("BEN (O.S.): Ana?" / "ANA: In here!");
3. whom the action since the previous line last engages the speaker with: the one the speaker
   turns to ("Lily runs to him and he wraps his arms around her." / "LILY: I told you."), or
   everyone who turns to the speaker ("Everyone falls silent and turns to him." / "DAD: I
   have an announcement.");
4. in a beat with one other character on stage, that character;
5. the previous speaker of the beat, when it is someone else;
6. everyone else on stage;
7. with nobody else on stage, the last to go off since the beat's previous line ("Fine! Go!"
   after Ben storms out); else nobody, for a monologue to an empty room or to the audience.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from motiondirector.scene.name_genders import name_gender
from motiondirector.scene.names import NameMatcher

# Calling someone by a word of their gender: "Yes, sir.", "Ma'am?", "Mr. Hale?" (a title before
# a name the script does not know).
_CALLED = (
    ("m", re.compile(r"\b(?:[Ss]ir|[Mm]ister)\b|\bM[Rr]\.?\s+[A-Z]")),
    ("f", re.compile(r"\b(?:[Mm]a'?am|[Mm]adam)\b|\bM(?:rs|RS|s|S|iss|ISS)\.?\s+[A-Z]")),
)


# What is said to the bench: "Your Honor, ...", "Objection!".
_TO_THE_COURT = re.compile(r"\b[Yy]our\s+[Hh]onou?r\b|^\W*[Oo]bjection\b")
# Clause ends, but not the stop of a title ("Ms. Patel, sit down.").
_CLAUSES = re.compile(r"(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)[,;:.!?\u2026]+", re.IGNORECASE)
# Words that may stand with a name in the clause that calls someone ("Oh, Ben!", "Hey Ana,").
_CALLING = frozenset({"and", "oh", "hey", "hi", "dear", "my", "o", "yo", "ah"})


def _calls(text: str, name: str, names: NameMatcher) -> bool:
    """Whether `text` calls `name` (a vocative): the name alone, or with calling words, makes
    the line's first or last clause ("Ben, listen.", "Is that so, Ana?", "Cleo and Ben,
    come."), not a mention inside one ("With Devon.", "Ben's right.")."""
    clauses = [
        clause.strip()
        for clause in _CLAUSES.split(text)
        if {word.lower() for word in clause.split()} - _CALLING  # not "Oh" alone
    ]
    for clause in {clauses[0], clauses[-1]} if clauses else set():
        if name not in names.mentions(clause):
            continue
        others = {word.lower() for word in clause.split()} - _CALLING
        called = {word.lower().strip(".") for n in names.mentions(clause) for word in n.split()}
        if others <= called:
            return True
    return False


def infer_addressees(
    speaker: str,
    text: str,
    on_stage: Sequence[str],
    previous_speaker: str | None,
    names: NameMatcher,
    gone: Sequence[str] = (),
    voice: str | None = None,
    engaged: Sequence[str] = (),
    asked: bool = False,
) -> tuple[str, ...]:
    """`gone`: who has gone off stage since the beat's previous line, in order; `voice`: the
    previous speaker, when they spoke from off screen and are not on stage; `engaged`: whom
    the action since the previous line has the speaker turn to or be turned to by, in order
    (`engaged_with`); `asked`: the previous line was a question."""
    others = [name for name in on_stage if name != speaker]
    heard = [*others, voice] if voice is not None and voice != speaker else others
    judges = [name for name in others if "JUDGE" in name.upper().split()]
    if len(judges) == 1 and _TO_THE_COURT.search(text):
        return (judges[0],)
    named = [name for name in names.mentions(text) if name in heard]
    if named and asked and previous_speaker in heard:
        named = [name for name in named if _calls(text, name, names)]
    if named:
        return tuple(named)
    called = _called(text, others)
    if called is not None:
        return (called,)
    if voice is not None and voice != speaker:
        return (voice,)
    turned_to = [name for name in engaged if name in others]
    if turned_to:
        return tuple(turned_to)
    if len(others) == 1:
        return (others[0],)
    if previous_speaker is not None and previous_speaker in others:
        return (previous_speaker,)
    if not others and gone and gone[-1] != speaker:
        return (gone[-1],)
    return tuple(others)


def engaged_with(
    speaker: str, aimed: Sequence[tuple[str, str, str]], *, asked: bool = False
) -> list[str]:
    """Whom the last behaviours of `aimed` ((who, at whom, how: "act", "look" or "glance") of
    the action lines since the previous line, in order: "hugs her", "turns to Ben") that
    involve the speaker engage them with: the one the speaker aims the last at, or else all
    who aim at the speaker since the speaker last aimed at someone ("Everyone turns to him").
    A speaker `asked` a question answers the asker unless they look or turn to someone
    themselves, or someone acts on them ("Cleo hugs her."): a glance ("Priya glances at
    Greg, who nods.") or another's look or nod does not engage them."""
    if asked:
        aimed = [
            (who, target, how)
            for who, target, how in aimed
            if how == "act" or (who == speaker and how == "look")
        ]
    towards: list[str] = []
    for who, target, _ in reversed(aimed):
        if who == speaker and target != speaker:
            return towards[::-1] or [target]
        if target == speaker and who != speaker and who not in towards:
            towards.append(who)
    return towards[::-1]


def _called(text: str, others: Sequence[str]) -> str | None:
    """The one of `others` a word of one gender in `text` calls ("Yes, sir.", "Mr. Hale?"),
    when only one of them has a name of that gender."""
    for gender, pattern in _CALLED:
        if pattern.search(text):
            fitting = [name for name in others if name_gender(name) == gender]
            return fitting[0] if len(fitting) == 1 else None
    return None
