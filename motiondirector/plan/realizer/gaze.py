"""Gaze channel: a continuous gaze target for every character on stage, beat by beat.

Directed gaze (from the planner) is combined with conversational defaults: speakers look at
their addressee, look away at the start of a long turn and back near its end (Kendon 1967;
Argyle & Cook 1976); listeners look at the speaker and glance away now and then in long turns;
in long silences characters glance down and back, so nobody is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from motiondirector.plan.motion_plan import GazeEvent, Source
from motiondirector.plan.realizer.describe import describe_gaze
from motiondirector.plan.realizer.requests import BACKGROUND, EventIds, Request, resolve_target
from motiondirector.plan.realizer.timing import LISTENER_LATENCY, ms
from motiondirector.plan.scene import Beat, Scene, Utterance

PREVIOUS = "<previous>"  # a request to look back at whatever was looked at before
LONG_TURN_WORDS = 10
LONG_TURN_SECONDS = 3.0
LISTENER_GLANCE_TURN = 6.0
LONG_SILENCE = 4.0
DEFAULT_MASKED_AFTER_DIRECTED = 1.5  # defaults give way to directed gaze for this long
MIN_SEGMENT = 0.2


@dataclass(frozen=True)
class _Shift:
    time: float
    target: str
    priority: int
    source: Source
    utterance_id: str | None


def _default(rule: str, reason: str) -> Source:
    return Source(planner="realizer", rule=rule, reason=reason)


def _first_addressee(utterance: Utterance) -> str:
    others = [a for a in utterance.addressees if a != utterance.speaker]
    return others[0] if others else "away"


def _conversational_shifts(character: str, beat: Beat, scene: Scene) -> list[_Shift]:
    shifts: list[_Shift] = []
    utterances = [u for u in scene.utterances if u.beat == beat.index]
    for u in utterances:
        length = u.end - u.start
        if u.speaker == character:
            addressee = _first_addressee(u)
            turn = _default("realizer.gaze.turn", f"speaking to {addressee}")
            shifts.append(_Shift(u.start - 0.2, addressee, BACKGROUND, turn, u.id))
            if len(u.words) >= LONG_TURN_WORDS and length >= LONG_TURN_SECONDS:
                avert = _default("realizer.gaze.aversion", "looks away to plan a long turn")
                back_at = min(u.start + 0.35 * length, u.start + 1.8)
                shifts.append(_Shift(u.start + 0.05, "away", BACKGROUND, avert, u.id))
                shifts.append(_Shift(back_at, addressee, BACKGROUND, turn, u.id))
                near_end = _default("realizer.gaze.turn_end", "looks back to yield the turn")
                shifts.append(
                    _Shift(max(back_at, u.end - 1.0), addressee, BACKGROUND, near_end, u.id)
                )
        else:
            listen = _default("realizer.gaze.listen", f"listening to {u.speaker}")
            shifts.append(_Shift(u.start + LISTENER_LATENCY, u.speaker, BACKGROUND, listen, u.id))
            if length >= LISTENER_GLANCE_TURN:
                glance = _default("realizer.gaze.listener_glance", "glances away while listening")
                at = u.start + 0.55 * length
                shifts.append(_Shift(at, "away", BACKGROUND, glance, u.id))
                shifts.append(_Shift(at + 0.8, u.speaker, BACKGROUND, listen, u.id))
    # Long silences: glance down and back.
    marks = [beat.start, *[t for u in utterances for t in (u.start, u.end)], beat.end]
    idle = _default("realizer.gaze.idle", "idle glance in a silence")
    for gap_start, gap_end in zip(marks[0::2], marks[1::2], strict=True):
        if gap_end - gap_start >= LONG_SILENCE:
            at = gap_start + 1.5
            shifts.append(_Shift(at, "down", BACKGROUND, idle, None))
            shifts.append(_Shift(at + 1.0, PREVIOUS, BACKGROUND, idle, None))
    return shifts


def realize_gaze(
    character: str,
    requests: list[Request],
    scene: Scene,
    beats: list[Beat],
    new_id: EventIds,
) -> list[GazeEvent]:
    """Contiguous gaze segments covering every beat in which `character` is on stage."""
    directed = [
        _Shift(
            r.anchor + (0.0 if r.is_speaker or r.utterance is None else LISTENER_LATENCY),
            resolve_target(r, r.behaviour.target) or "away",
            r.priority,
            r.source(),
            r.utterance_id,
        )
        for r in requests
    ]
    events: list[GazeEvent] = []
    for beat in beats:
        inside = [s for s in directed if beat.start <= s.time < beat.end]
        defaults = [
            s
            for s in _conversational_shifts(character, beat, scene)
            if not any(0 <= s.time - d.time < DEFAULT_MASKED_AFTER_DIRECTED for d in inside)
        ]
        shifts = sorted(inside + defaults, key=lambda s: (max(s.time, beat.start), -s.priority))
        events.extend(_segments(character, beat, shifts, new_id))
    return events


def _segments(
    character: str, beat: Beat, shifts: list[_Shift], new_id: EventIds
) -> list[GazeEvent]:
    others = [c for c in beat.characters if c != character]
    enter = _default("realizer.gaze.enter", "on stage")
    initial = _Shift(beat.start, others[0] if others else "down", BACKGROUND, enter, None)
    segments: list[_Shift] = []  # each shift's time is its segment's start
    for shift in [initial, *shifts]:
        target = shift.target
        if target == PREVIOUS:
            target = segments[-2].target if len(segments) >= 2 else initial.target
        if target == character:
            target = "away"
        if segments and target == segments[-1].target:
            continue
        time = min(max(shift.time, beat.start), beat.end)
        resolved = replace(shift, time=time, target=target)
        if segments and time - segments[-1].time < MIN_SEGMENT:
            segments[-1] = replace(resolved, time=segments[-1].time)
            if len(segments) >= 2 and segments[-2].target == target:
                segments.pop()
        else:
            segments.append(resolved)
    ends = [s.time for s in segments[1:]] + [beat.end]
    return [
        GazeEvent(
            id=new_id(),
            start=ms(shift.time),
            end=ms(end),
            utterance_id=shift.utterance_id,
            source=shift.source,
            description=describe_gaze(shift.target),
            target=shift.target,
        )
        for shift, end in zip(segments, ends, strict=True)
        if ms(end) > ms(shift.time)
    ]
