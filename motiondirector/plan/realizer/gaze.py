"""Gaze channel: a continuous gaze target for every character on stage, beat by beat.

Directed gaze (from the planner) is combined with conversational defaults: speakers look at
their addressee, look away at the start of a long turn and back near its end (Kendon 1967;
Argyle & Cook 1976); listeners look at the speaker and glance away now and then in long turns;
in long silences characters glance down and back, so nobody is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from motiondirector.plan.direction import Priority
from motiondirector.plan.motion_plan import GazeEvent, Source
from motiondirector.plan.realizer.describe import describe_gaze
from motiondirector.plan.realizer.requests import EventIds, Request, resolve_target
from motiondirector.plan.realizer.timing import LISTENER_LATENCY, ms
from motiondirector.plan.scene import Beat, Scene, Utterance

GAZE_PLACES = ("away", "down", "up", "camera")
PREVIOUS = "<previous>"  # a request to look back at whatever was looked at before
# Speakers look away at the start of a turn and at phrase breaks while planning speech, and
# back at the listener to yield the turn (Kendon 1967; Argyle & Cook 1976: speakers look at
# their listener roughly 40 % of their speaking time).
TURN_AVERSION_WORDS = 5
TURN_AVERSION_SECONDS = 1.5
PHRASE_BREAKS = (",", ".", ";", ":", "!", "?", "—", "--", "…")
PHRASE_AVERSION_SECONDS = 1.0
MIN_LOOK_AT_ADDRESSEE = 1.0
YIELD_SECONDS = 1.0
LISTENER_GLANCE_TURN = 6.0
LONG_SILENCE = 4.0
# Defaults give way for this long to directed gaze that changes the picture: an explicit
# direction, or a look away/down/up. A planner's plain "look at the addressee" does not.
DEFAULT_MASKED_AFTER_DIRECTED = 1.5
MIN_SEGMENT = 0.2
HELD_LOOK = 0.8
"""A look an action line asks for this firmly ("stares at the floor", "glares at him") is held
past the line: no conversational default moves it until the character speaks, looks
elsewhere by another action, or the beat ends."""


@dataclass(frozen=True)
class _Shift:
    time: float
    target: str
    priority: Priority
    source: Source
    utterance_id: str | None
    acted: bool = False  # asked for by an action line
    held: bool = False  # an action line's held look (`HELD_LOOK`)


def _default(rule: str, reason: str) -> Source:
    return Source(planner="realizer", rule=rule, reason=reason)


def _first_addressee(utterance: Utterance) -> str:
    others = [a for a in utterance.addressees if a != utterance.speaker]
    return others[0] if others else "away"


def _speaker_shifts(u: Utterance) -> list[_Shift]:
    """Look at the addressee; look away to plan at the start of a turn and at phrase breaks
    inside it; look back for the last second to yield the turn."""
    addressee = _first_addressee(u)
    length = u.end - u.start
    turn = _default("realizer.gaze.turn", f"speaking to {addressee}")
    shifts = [_Shift(u.start - 0.2, addressee, Priority.BACKGROUND, turn, u.id)]
    if len(u.words) < TURN_AVERSION_WORDS or length < TURN_AVERSION_SECONDS:
        return shifts
    yield_at = u.end - YIELD_SECONDS
    avert = _default("realizer.gaze.aversion", "looks away to plan the turn")
    back_at = min(u.start + 0.35 * length, u.start + 1.8, yield_at)
    shifts.append(_Shift(u.start + 0.05, "away", Priority.BACKGROUND, avert, u.id))
    shifts.append(_Shift(back_at, addressee, Priority.BACKGROUND, turn, u.id))
    pause = _default("realizer.gaze.phrase_break", "looks away at a phrase break")
    last_back = back_at
    for word in u.words[:-1]:
        if not word.text.rstrip("\"')»”").endswith(PHRASE_BREAKS):
            continue
        until = min(word.end + PHRASE_AVERSION_SECONDS, yield_at)
        if word.end - last_back >= MIN_LOOK_AT_ADDRESSEE and until - word.end >= 0.4:
            shifts.append(_Shift(word.end, "away", Priority.BACKGROUND, pause, u.id))
            shifts.append(_Shift(until, addressee, Priority.BACKGROUND, turn, u.id))
            last_back = until
    near_end = _default("realizer.gaze.turn_end", "looks back to yield the turn")
    shifts.append(_Shift(max(last_back, yield_at), addressee, Priority.BACKGROUND, near_end, u.id))
    return shifts


def _conversational_shifts(
    character: str, beat: Beat, utterances: list[Utterance], attending: dict[str, tuple[str, ...]]
) -> list[_Shift]:
    shifts: list[_Shift] = []
    for u in utterances:
        length = u.end - u.start
        if u.mouthed_by(character):
            shifts.extend(_speaker_shifts(u))
        elif character in attending[u.id]:
            listen = _default("realizer.gaze.listen", f"listening to {u.speaker}")
            shifts.append(
                _Shift(u.start + LISTENER_LATENCY, u.speaker, Priority.BACKGROUND, listen, u.id)
            )
            if length >= LISTENER_GLANCE_TURN:
                glance = _default("realizer.gaze.listener_glance", "glances away while listening")
                at = u.start + 0.55 * length
                shifts.append(_Shift(at, "away", Priority.BACKGROUND, glance, u.id))
                shifts.append(_Shift(at + 0.8, u.speaker, Priority.BACKGROUND, listen, u.id))
    # Long silences: glance down and back.
    marks = [beat.start, *[t for u in utterances for t in (u.start, u.end)], beat.end]
    idle = _default("realizer.gaze.idle", "idle glance in a silence")
    for gap_start, gap_end in zip(marks[0::2], marks[1::2], strict=True):
        if gap_end - gap_start >= LONG_SILENCE:
            at = gap_start + 1.5
            shifts.append(_Shift(at, "down", Priority.BACKGROUND, idle, None))
            shifts.append(_Shift(at + 1.0, PREVIOUS, Priority.BACKGROUND, idle, None))
    return shifts


def realize_gaze(
    character: str,
    requests: list[Request],
    scene: Scene,
    beats: list[Beat],
    new_id: EventIds,
    attending: dict[str, tuple[str, ...]],
) -> list[GazeEvent]:
    """Contiguous gaze segments covering every beat in which `character` is on stage;
    `attending` is `scene.attending()` (who listens to each line)."""
    directed = [
        _Shift(
            r.anchor + (0.0 if r.is_speaker or r.utterance is None else LISTENER_LATENCY),
            resolve_target(r, r.behaviour.target) or "away",
            r.priority,
            r.source(),
            r.utterance_id,
            acted=r.action is not None and r.utterance is None,
            held=r.action is not None
            and r.utterance is None
            and r.behaviour.intensity >= HELD_LOOK,
        )
        for r in requests
    ]
    events: list[GazeEvent] = []
    by_beat: dict[int, list[Utterance]] = {}
    for utterance in scene.utterances:
        by_beat.setdefault(utterance.beat, []).append(utterance)
    # In whole milliseconds: an entrance's look starts where the span on stage does.
    timed = [(ms(s.time), s) for s in directed]
    for beat in beats:
        start, end = ms(beat.start), ms(beat.end)
        inside = [s for time, s in timed if start <= time < end]
        utterances = by_beat.get(beat.index, [])
        held = _held_spans(character, beat, inside, utterances)
        # A held look is not moved by listening either, only by the character's own doing.
        inside = [s for s in inside if s.acted or not _within(s.time, held)]
        masking = [d for d in inside if d.priority is Priority.EXPLICIT or d.target in GAZE_PLACES]
        defaults = [
            s
            for s in _conversational_shifts(character, beat, utterances, attending)
            # One who enters during a line begins as one who enters, not as if there before.
            if ms(s.time) >= start
            and not any(0 <= s.time - d.time < DEFAULT_MASKED_AFTER_DIRECTED for d in masking)
            and not _within(s.time, held)
        ]
        shifts = sorted(inside + defaults, key=lambda s: (max(s.time, beat.start), -s.priority))
        events.extend(_segments(character, beat, shifts, new_id))
    return events


def _within(time: float, spans: list[tuple[float, float]]) -> bool:
    return any(since <= time < until for since, until in spans)


def _held_spans(
    character: str, beat: Beat, directed: list[_Shift], utterances: list[Utterance]
) -> list[tuple[float, float]]:
    """When each held look of `directed` holds: from its start to the character's next line,
    the next look an action line asks of them, or the beat's end."""
    spans = []
    for shift in directed:
        if not shift.held:
            continue
        ends = [beat.end]
        ends += [d.time for d in directed if d.acted and d.time > shift.time]
        ends += [u.start for u in utterances if u.mouthed_by(character) and u.start > shift.time]
        spans.append((shift.time, min(ends)))
    return spans


def _takes_over(shift: _Shift, current: _Shift) -> bool:
    """Whether a look the script asks for at whom one already looks by default starts a
    segment of its own: "Their eyes meet." while they happen to look at each other is the
    script's look from there on, and its provenance says so."""
    return shift.priority is Priority.EXPLICIT and current.priority is not Priority.EXPLICIT


def _segments(
    character: str, beat: Beat, shifts: list[_Shift], new_id: EventIds
) -> list[GazeEvent]:
    others = [c for c in beat.characters if c != character]
    enter = _default("realizer.gaze.enter", "on stage")
    initial = _Shift(beat.start, others[0] if others else "down", Priority.BACKGROUND, enter, None)
    segments: list[_Shift] = []  # each shift's time is its segment's start
    for shift in [initial, *shifts]:
        target = shift.target
        if target == PREVIOUS:
            target = segments[-2].target if len(segments) >= 2 else initial.target
        if target == character:
            target = "away"
        if segments and target == segments[-1].target and not _takes_over(shift, segments[-1]):
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
