"""Posture channel: a continuous posture for every character on stage, beat by beat.

Postures from action lines persist until changed. Movements that end by themselves (walk, run,
turn, jump, kick, dance, and a fall asked for lightly: a stumble) last their action line (at
least a moment) and return to the resting posture: the one before for a turn or a stumble,
standing at rest after a movement made on one's feet. A jump from sitting, kneeling, lying or
a fall is getting up: it stands. Being told to be at rest
("freezes", "waits") keeps the posture in force: a seated character who freezes stays seated.
A posture the scene opens on ("NORA lies in bed." before anyone speaks) is in force from the
beat's start. A turn while sitting, kneeling or lying is left to the head and eyes (the line's
look at whom they turn to): the body does not stand up to turn and sit down again.
With no direction a character is `idle`: at rest, breathing, shifting weight, never frozen.
"""

from __future__ import annotations

from dataclasses import dataclass

from motiondirector.plan.motion_plan import PostureEvent, Source
from motiondirector.plan.realizer.describe import describe_posture
from motiondirector.plan.realizer.requests import EventIds, Request
from motiondirector.plan.realizer.timing import TRANSIENT_SECONDS, ms
from motiondirector.plan.scene import Beat
from motiondirector.plan.vocabulary import LEAN_POSTURES

# Movements made on one's feet: whoever sat, knelt or lay before is standing after them ("Ana
# sits. ... Ana walks to the window." does not sit down again at the window). A turn is not.
ON_FOOT = frozenset({"walk", "run", "jump", "kick", "dance"})
# Whoever sits, kneels, lies or has fallen and is told to jump gets up: "jumps up from the
# couch" rises to stand, it does not hop on the spot.
LOWERED = frozenset({"sit", "kneel", "lie", "fall"})


# A fall asked for lightly is a stumble ("trips over", "staggers"): over in a moment, back to
# the posture before, not lying on the ground for the rest of the scene.
STUMBLE_BELOW = 0.5
STUMBLE_SECONDS = 1.0


@dataclass(frozen=True)
class _Change:
    time: float
    lexeme: str
    source: Source
    utterance_id: str | None
    lasts: float | None = None  # seconds a movement that ends by itself takes; None: held
    amplitude: float = 0.5


def _lasts(request: Request) -> float | None:
    lexeme = request.behaviour.lexeme or "idle"
    if lexeme == "fall" and request.behaviour.intensity < STUMBLE_BELOW:
        return STUMBLE_SECONDS
    return TRANSIENT_SECONDS.get(lexeme)


def realize_posture(
    requests: list[Request], beats: list[Beat], new_id: EventIds
) -> list[PostureEvent]:
    idle = Source(planner="realizer", rule="realizer.idle", reason="no posture directed")
    # At one moment a movement goes first, and a posture directed with it is where it ends:
    # "walks over and sits down" walks, then sits; a lean is done from the posture taken with
    # it ("leans back in his chair": seated, then leaning back).
    changes_all = sorted(
        (
            (
                _Change(
                    _time(r, beats),
                    r.behaviour.lexeme or "idle",
                    r.source(),
                    r.utterance_id,
                    _lasts(r),
                    r.behaviour.intensity,
                ),
                r.span_end,
            )
            for r in requests
        ),
        key=lambda item: (
            item[0].time, item[0].lasts is None, item[0].lexeme in LEAN_POSTURES, item[0].lexeme
        ),
    )  # fmt: skip
    events: list[PostureEvent] = []
    # In whole milliseconds: an entrance's walk starts where the span on stage does.
    timed = [(ms(c.time), c, e) for c, e in changes_all]
    for beat in beats:
        start, end = ms(beat.start), ms(beat.end)
        changes = [(c, e) for time, c, e in timed if start <= time < end]
        resting = _Change(beat.start, "idle", idle, None)
        # What a lean is done from: kneeling and whispering ("(whispering)" leans in), one
        # still kneels when told to jump up.
        under = resting
        timeline: list[_Change] = [resting]
        index = 0
        while index < len(changes):
            change, span_end = changes[index]
            index += 1
            if resting.lexeme not in LEAN_POSTURES:
                under = resting
            if change.lexeme == "jump" and under.lexeme in LOWERED:
                change = _rises(change, under.lexeme)
            if change.lexeme == "idle" and resting.lexeme != "idle":
                continue  # "freezes", "waits" while seated: at rest in the posture in force
            if change.lexeme == "turn" and under.lexeme in LOWERED:
                continue  # seated, one turns to someone with the head and eyes, not by standing
            if change.lexeme == "lean_back" and under.lexeme == "lie":
                continue  # "sinks back" into the pillows: lying, one is already back
            timeline.append(change)
            if change.lasts is None:
                resting = change
                continue
            # A posture directed with the movement, or while it still goes on, is where it
            # ends ("walks over and sits down").
            settles = []
            while (
                index < len(changes)
                and changes[index][0].time < change.time + change.lasts
                and changes[index][0].lasts is None
            ):
                settles.append(changes[index][0])
                index += 1
            if settles:
                resting = settles[-1]
            elif change.lexeme in ON_FOOT:
                resting = _Change(change.time, "idle", idle, None)
            moved = change.time + change.lasts
            until = max(span_end, moved)
            if settles:
                # Settled when the line says, once the movement is made: the line is timed so
                # ("steps forward and whispers in her ear" at a scene's end still leans in).
                until = max(settles[-1].time, min(moved, span_end))
            next_time = changes[index][0].time if index < len(changes) else beat.end
            if until < next_time:
                timeline.append(
                    _Change(until, resting.lexeme, resting.source, None, None, resting.amplitude)
                )
        events.extend(_segments(timeline, beat, new_id))
    return events


def _time(request: Request, beats: list[Beat]) -> float:
    """When a posture change happens: a posture the beat opens on, where the beat starts."""
    action = request.action
    if request.behaviour.origin == "opening" and action is not None:
        # `beats` are the character's spans on stage: the first of the action's beat.
        opens = next((b.start for b in beats if b.index == action.beat), None)
        if opens is not None:
            return opens
    return request.anchor


def _rises(jump: _Change, lowered: str) -> _Change:
    """A jump from a lowered posture, done as getting up."""
    source = jump.source.model_copy(
        update={"reason": f"{jump.source.reason}; from {lowered}, so rises to stand"}
    )
    return _Change(jump.time, "stand", source, jump.utterance_id, None, jump.amplitude)


def _segments(timeline: list[_Change], beat: Beat, new_id: EventIds) -> list[PostureEvent]:
    merged: list[_Change] = []
    for change in timeline:
        if merged and change.time <= merged[-1].time:
            merged[-1] = change
        elif not merged or change.lexeme != merged[-1].lexeme:
            merged.append(change)
    ends = [c.time for c in merged[1:]] + [beat.end]
    return [
        PostureEvent(
            id=new_id(),
            start=ms(change.time),
            end=ms(end),
            utterance_id=change.utterance_id,
            source=change.source,
            description=describe_posture(change.lexeme),
            lexeme=change.lexeme,
            amplitude=round(change.amplitude, 3),
        )
        for change, end in zip(merged, ends, strict=True)
        if ms(end) > ms(change.time)
    ]
