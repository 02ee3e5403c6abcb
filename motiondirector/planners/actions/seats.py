"""Where a sentence seats its subject: "At her desk, ANA types", "In the back seat, LILY sleeps",
"DAD reads the paper at the head of the table", "Around the table: GREG, HANNAH and OWEN."
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from motiondirector.plan.vocabulary import LEAN_POSTURES
from motiondirector.planners.actions.results import ActionCue
from motiondirector.planners.actions.syntax import Verb
from motiondirector.planners.actions.tokens import Tok, text_of
from motiondirector.planners.actions.words import CLAUSE_BREAKS, PLACE_PREPOSITIONS
from motiondirector.planners.cues import (
    BehaviourTemplate,
)

# A sentence that opens on a seat ("In the passenger seat, NOAH stares out the window.",
# "Behind the wheel, OLIVIA ..."): its subject is seated in it.
_SEATED_IN = frozenset(
    {"seat", "seats", "chair", "armchair", "couch", "sofa", "bench", "stool", "booth",
     "wheelchair", "recliner", "wheel", "desk", "pew", "saddle", "log", "stump", "barstool",
     "bleachers", "loveseat", "ottoman"}
)  # fmt: skip
_SIT = BehaviourTemplate(channel="posture", lexeme="sit")
# Where those a sentence opens on or only lists sit ("Around the table: GREG, HANNAH and OWEN."),
# and where one whose verb is done there sat all along (`planners.opening`).
SEATED_AROUND = _SEATED_IN | {"table"}
# Seats one is at, not on: "waits at a window table", "types at her desk".
_SEATED_AT = frozenset({"desk", "table"})
# Seats one is on, not in: "is on the bed" sits on it; in bed, one lies.
_SEATED_ON = frozenset({"bed", "bunk", "cot", "mattress"})
_SEATS = _SEATED_IN | _SEATED_AT
# Postures done from a seat, not instead of it: a lean, or resting in it ("waits at a table").
_DONE_FROM_A_SEAT = LEAN_POSTURES | {"idle"}
# A place at a table that is a seat ("reads the paper at the head of the table").
_TABLE_SEATS = (["head", "of", "the", "table"], ["end", "of", "the", "table"])
# What puts a thing somewhere: its place phrase is the thing's, not a seat of the doer's.
_PLACING = frozenset({"put_down", "give", "take", "open"})


def _seat_phrase(tokens: Sequence[Tok], limit: int) -> tuple[int, int] | None:
    """Where the phrase naming a seat that a sentence opens with begins and ends (its comma),
    among the place phrases before `limit`: "In the back seat,", "Across from her, on the
    couch,"; None when there is none."""
    start = 0
    while start < limit:
        comma = next((i for i in range(start, limit) if tokens[i].text == ","), None)
        if comma is None or comma - start > 6 or tokens[start].low not in PLACE_PREPOSITIONS:
            return None
        if any(t.low in SEATED_AROUND for t in tokens[start + 1 : comma]):
            return start, comma
        start = comma + 1
    return None


def _seated(
    names: Iterable[str], tokens: Sequence[Tok], phrase: tuple[int, int], at: int | None = None
) -> list[ActionCue]:
    """`names` seated from the scene's start, as the seat `phrase` says (`_seat_phrase`), as of
    token `at` (the phrase's start by default)."""
    start, comma = phrase
    trigger = text_of(tokens[start:comma])
    when = tokens[start if at is None else at].start
    return [ActionCue(name, _SIT, None, trigger, when, True) for name in names]


def seated_by_place(tokens: Sequence[Tok], verb: Verb, subject: list[str]) -> list[ActionCue]:
    """A seated state for the subject of a sentence that opens with where they sit
    (`_seat_phrase`): "In the back seat, LILY sleeps", "At her desk, ANA types", "At the head
    of the table, RICHARD raises his glass", "Across from her, on the couch, JORDAN picks at a
    thread"; or whose verb is done there, in its clause ("DAD reads the paper at the head of
    the table", "ANA knits in an armchair"); none otherwise."""
    if verb.entry is not None and any(
        (t.channel == "posture" and t.lexeme not in _DONE_FROM_A_SEAT) or t.lexeme in _PLACING
        for t in verb.entry.behaviours
    ):
        # The verb says the posture itself ("In the corner, BEN stands"; a lean is done from
        # the seat: "At the defense table, RUIZ confers with her client", and waiting rests
        # in it: "waits at a window table"), or puts a thing on the seat ("drops his bag on
        # the chair").
        return []
    phrase = _seat_phrase(tokens, verb.position)
    if phrase is not None:
        return _seated(subject, tokens, phrase)
    # A verb aimed at something ("stares at the couch", "points at the table") says where it
    # is aimed, not where one sits.
    looks = verb.entry is not None and any(
        t.channel == "gaze" or t.target in ("$object", "$place", "$watched")
        for t in verb.entry.behaviours
    )
    phrase = _seat_after(tokens, verb.position + 1, looks)
    # Seated as the verb is done: "leans back in his chair" leans from the seat.
    return [] if phrase is None else _seated(subject, tokens, phrase, at=verb.position)


def _seat_after_place(tokens: Sequence[Tok], at: int) -> tuple[int, int] | None:
    """The seat the place phrase at token `at` names ("around the table", "on the couch"):
    where it begins and ends; None when it names none."""
    words = [t.low for t in tokens[at + 1 : at + 5]]
    seat = next((offset for offset, word in enumerate(words) if word in SEATED_AROUND), None)
    return None if seat is None else (at, at + 2 + seat)


def _seat_after(tokens: Sequence[Tok], start: int, looks: bool) -> tuple[int, int] | None:
    """The seat a place phrase of the clause from `start` names ("at the head of the table",
    "in an armchair", "on the couch"): where it begins and ends; None when there is none. After
    a verb that `looks`, "at" says what is looked at ("stares at the chair")."""
    end = next(
        (i for i in range(start, len(tokens)) if tokens[i].low in CLAUSE_BREAKS),
        len(tokens),
    )
    for at in range(start, end):
        if tokens[at].low not in ("at", "on", "in") or (looks and tokens[at].low == "at"):
            continue
        words = [t.low for t in tokens[at + 1 : min(end, at + 7)]]
        for offset, word in enumerate(words):
            if word in _SEATED_AT and tokens[at].low != "at":
                continue  # "taps her horn on her desk", "sits on the table": on it, not at it
            if word in _SEATED_ON and tokens[at].low == "on" and offset < 4:
                return at, at + 2 + offset
            if (word in _SEATS and offset < 4) or words[offset : offset + 4] in _TABLE_SEATS:
                return at, at + 2 + offset + (3 if word not in _SEATS else 0)
    return None


def seated_in_list(
    tokens: Sequence[Tok], mentions: Sequence[tuple[int, str]], listed: Sequence[str] = ()
) -> list[ActionCue]:
    """A seated state for the names a verbless sentence lists after where they sit, up to a
    comma (or colon, see `split_sentences`): "Around the table: GREG, HANNAH and OWEN."; for
    the names a colon lists after a verbless sentence that says where they sit (`listed`):
    "The whole family around the table: ROSE, PAUL and LINDA."; or for a name the list says
    is in a seat: "LADY ASHFORD by the fireplace, her nephew CLIVE in a leather armchair";
    none otherwise."""
    phrase = _seat_phrase(tokens, len(tokens))
    if phrase is not None:
        names = dict.fromkeys(name for at, name in mentions if at > phrase[1])
        return _seated(names, tokens, phrase)
    if listed and not mentions:
        around = next((at for at, t in enumerate(tokens) if t.low in PLACE_PREPOSITIONS), None)
        place = None if around is None else _seat_after_place(tokens, around)
        if place is not None:
            return _seated(listed, tokens, place)
    seated = []
    for at, name in mentions:
        after = at + 1
        while after < len(tokens) and tokens[after].named:
            after += 1  # past the rest of the name: "LADY ASHFORD"
        place = _seat_after(tokens, after, looks=False)
        if place is not None and place[0] == after:
            seated.extend(_seated([name], tokens, place, at=at))
    return seated
