"""Gesture and head channels: BML phases, hand allocation, holds and co-articulation.

The stroke lands on the anchor word's onset; preparation comes before it and retraction after.
Hands are allocated by priority (explicit direction, then dialogue cues, then beats). The same
gesture or head movement again within 2.5 s is dropped as a stutter; a head movement of a later
clause of an action line waits for the one of an earlier clause. A gesture whose core
(start..relax) would overlap another on the same hand moves to the free hand when it is
one-handed and its hand was not directed; one from an action line cuts short the gesture of an
earlier action line that holds its hand; any other is dropped. Gestures close together
hold instead of retracting, flowing into the next one. A gesture of handling a thing from an
action line says in its description which words of the action named the thing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from motiondirector.plan.motion_plan import GestureEvent, HeadEvent, SyncPoints
from motiondirector.plan.realizer.describe import describe_gesture, describe_head
from motiondirector.plan.realizer.requests import EventIds, Request, resolve_target
from motiondirector.plan.realizer.timing import (
    GESTURE_PHASES,
    HEAD_PHASES,
    HOLD_GAP,
    LISTENER_LATENCY,
    PRE_STROKE_HOLD,
    REPEATED_HEAD,
    TWO_HANDED,
    clamp_sync,
    ms,
)
from motiondirector.plan.scene import ActionLine
from motiondirector.plan.vocabulary import HANDLING_LEXEMES

_OTHER = {"left": "right", "right": "left"}
# The same gesture or head movement again this soon reads as a stutter, not emphasis.
REPEAT_WINDOW = 2.5
# A head movement's amplitude rises with the behaviour's intensity from the floor. Tuned to
# the head speeds of the realism suite's talking-face clips (docs/benchmarks.md, Realism).
HEAD_AMPLITUDE_FLOOR = 0.2
HEAD_AMPLITUDE_SPAN = 0.5
_EPS = 1e-9
T = TypeVar("T")


class _ByStart(Generic[T]):
    """Placed items sorted by start time, so the ones near a moment are found without scanning
    them all: a long line or scene stays linear in its gestures, not quadratic."""

    def __init__(self) -> None:
        self._starts: list[float] = []
        self._items: list[T] = []
        self._longest = 0.0

    def add(self, start: float, end: float, item: T) -> None:
        index = bisect_right(self._starts, start)
        self._starts.insert(index, start)
        self._items.insert(index, item)
        self._longest = max(self._longest, end - start)

    def near(self, low: float, high: float) -> Iterator[T]:
        """Every item whose span (start .. start + the longest span added) reaches [low, high]."""
        first = bisect_left(self._starts, low - self._longest - _EPS)
        last = bisect_right(self._starts, high + _EPS)
        return iter(self._items[first:last])


@dataclass
class _Placed:
    request: Request
    hand: str
    sync: SyncPoints  # shortened when a later action line interrupts it

    @property
    def hands(self) -> tuple[str, ...]:
        return ("left", "right") if self.hand == "both" else (self.hand,)


def _stroke_time(request: Request) -> float:
    if request.utterance is not None and not request.is_speaker:
        return request.anchor + LISTENER_LATENCY
    return request.anchor


def _gesture_sync(request: Request, duration: float) -> SyncPoints:
    lexeme = request.behaviour.lexeme or "beat"
    phases = GESTURE_PHASES[lexeme]
    stroke = _stroke_time(request)
    ready = stroke - PRE_STROKE_HOLD
    relax = stroke + phases.stroke
    if request.behaviour.until_word is not None:
        relax = max(relax, request.span_end)
    return clamp_sync([ready - phases.prep, ready, stroke, relax, relax + phases.retract], duration)


def _overlaps(a: SyncPoints, b: SyncPoints) -> bool:
    return a.start < b.relax and b.start < a.relax


def realize_gestures(
    requests: list[Request], duration: float, new_id: EventIds
) -> list[GestureEvent]:
    """Gesture events for one character's gesture requests."""
    placed: list[_Placed] = []
    # Indexed by start, spanning to relax: the core that clashes and holds the stroke.
    index: _ByStart[_Placed] = _ByStart()
    ordered = sorted(requests, key=lambda r: (r.priority, _stroke_time(r), r.behaviour.rule))
    for request in ordered:
        lexeme = request.behaviour.lexeme or "beat"
        directed = request.behaviour.hand
        default = "both" if lexeme in TWO_HANDED else "right"
        options = [directed or default]
        if directed is None and default != "both":
            options.append(_OTHER[default])
        sync = _gesture_sync(request, duration)
        stroke = sync.stroke
        if lexeme != "beat" and any(
            other.request.behaviour.lexeme == lexeme
            and abs(other.sync.stroke - stroke) < REPEAT_WINDOW
            for other in index.near(stroke - REPEAT_WINDOW, stroke + REPEAT_WINDOW)
        ):
            continue
        for hand in options:
            if not _holding(hand, sync, index):
                candidate = _Placed(request, hand, sync)
                placed.append(candidate)
                index.add(sync.start, sync.relax, candidate)
                break
        else:
            later = _interrupting(request, sync, options, index) or _after_its_clause(
                request, sync, options, index, duration
            )
            if later is not None:
                placed.append(later)
                index.add(later.sync.start, later.sync.relax, later)
    placed.sort(key=lambda p: (p.sync.start, p.sync.stroke))
    starts = _starts_by_hand(placed)
    return [_hold_or_retract(item, starts, new_id) for item in placed]


def _holding(hand: str, sync: SyncPoints, index: _ByStart[_Placed]) -> list[_Placed]:
    """The placed gestures that hold `hand` (both: either hand) during `sync`'s core."""
    hands = {"left", "right"} if hand == "both" else {hand}
    return [
        other
        for other in index.near(sync.start, sync.relax)
        if hands & set(other.hands) and _overlaps(sync, other.sync)
    ]


def _interrupting(
    request: Request, sync: SyncPoints, options: list[str], index: _ByStart[_Placed]
) -> _Placed | None:
    """An action line's gesture that needs a hand an earlier action line still holds ("Ben
    reads the letter. He hands it to Ana.") cuts that one short once its stroke is done: the
    later line says what the hand does next."""
    action = request.action
    if action is None:
        return None
    for hand in options:
        blocking = _holding(hand, sync, index)
        if all(
            other.request.action is not None
            and other.request.action is not action
            and other.sync.stroke <= sync.start
            for other in blocking
        ):
            for other in blocking:
                other.sync = other.sync.model_copy(update={"relax": sync.start, "end": sync.start})
            return _Placed(request, hand, sync)
    return None


def _after_its_clause(
    request: Request,
    sync: SyncPoints,
    options: list[str],
    index: _ByStart[_Placed],
    duration: float,
) -> _Placed | None:
    """An action line's gesture that needs a hand an earlier clause of the same line holds
    starts when that gesture ends ("reads the letter, then puts down the glass"), even past the
    line's estimated span (doing two things takes longer than reading that they happen), if
    the scene has time left; the action's behaviours come in clause order."""
    action = request.action
    if action is None:
        return None
    for hand in options:
        blocking = _holding(hand, sync, index)
        if not blocking or any(other.request.action is not action for other in blocking):
            continue
        shift = max(other.sync.end for other in blocking) - sync.start
        points = [sync.start, sync.ready, sync.stroke, sync.relax, sync.end]
        moved = clamp_sync([point + shift for point in points], duration)
        if moved.relax <= moved.start:
            continue  # no time left in the scene
        if not _holding(hand, moved, index):
            return _Placed(request, hand, moved)
    return None


_HandStarts = dict[str, tuple[list[float], list[_Placed]]]


def _starts_by_hand(placed: list[_Placed]) -> _HandStarts:
    """Per hand, the gestures that use it and their starts, in start order."""
    starts: _HandStarts = {}
    for item in placed:
        for hand in item.hands:
            times, items = starts.setdefault(hand, ([], []))
            times.append(item.sync.start)
            items.append(item)
    return starts


def _next_start(item: _Placed, starts: _HandStarts) -> float | None:
    """The earliest start, at or after `item`'s relax, of another gesture on a shared hand."""
    found: float | None = None
    for hand in item.hands:
        times, items = starts[hand]
        at = bisect_left(times, item.sync.relax)
        while at < len(items) and items[at] is item:
            at += 1
        if at < len(items) and (found is None or times[at] < found):
            found = times[at]
    return found


def _hold_or_retract(item: _Placed, starts: _HandStarts, new_id: EventIds) -> GestureEvent:
    """Trim the retraction where the next gesture on a shared hand begins (co-articulation)."""
    next_start = _next_start(item, starts)
    held = next_start is not None and next_start - item.sync.relax < HOLD_GAP
    sync = item.sync
    if next_start is not None and (held or next_start < sync.end):
        sync = sync.model_copy(update={"end": ms(max(sync.relax, next_start))})
    request = item.request
    lexeme = request.behaviour.lexeme or "beat"
    target = resolve_target(request, request.behaviour.target)
    description = describe_gesture(lexeme, item.hand, request.anchor_word, target, held)
    if lexeme in HANDLING_LEXEMES and request.action is not None:
        # The thing handled is named only in the action's words ('action "takes the paper"'),
        # which the planner quotes as the reason; no vocabulary field could carry "the paper".
        description = f"{description}; {request.behaviour.reason}"
    return GestureEvent(
        id=new_id(),
        start=sync.start,
        end=sync.end,
        utterance_id=request.utterance_id,
        source=request.source(),
        description=description,
        lexeme=lexeme,
        hand=item.hand,
        sync=sync,
        amplitude=round(request.behaviour.intensity, 3),
        target=target,
    )


def realize_head(requests: list[Request], duration: float, new_id: EventIds) -> list[HeadEvent]:
    """Head events for one character: one movement at a time, higher priority first."""
    placed: list[HeadEvent] = []
    index: _ByStart[HeadEvent] = _ByStart()
    action_of: dict[str, ActionLine] = {}  # event id -> the action line it came from
    ordered = sorted(requests, key=lambda r: (r.priority, _stroke_time(r), r.behaviour.rule))
    for request in ordered:
        lexeme = request.behaviour.lexeme or "nod"
        phases = HEAD_PHASES[lexeme]
        intensity = request.behaviour.intensity
        repetitions = 1 + round(intensity * 2) if lexeme in REPEATED_HEAD else 1
        stroke = _stroke_time(request)
        relax = stroke + phases.stroke * repetitions
        if request.behaviour.until_word is not None and lexeme not in REPEATED_HEAD:
            relax = max(relax, request.span_end)
        ready = stroke - PRE_STROKE_HOLD / 2
        sync = clamp_sync(
            [ready - phases.prep, ready, stroke, relax, relax + phases.retract], duration
        )
        clashing = _head_clashes(index, sync, lexeme)
        if (
            clashing
            and request.action is not None
            and all(action_of.get(other.id) is request.action for other in clashing)
        ):
            # "She laughs, shakes her head, and stands": a later clause's movement of the
            # head comes when the earlier one is done, as a gesture waits for its hand.
            shift = max(other.end for other in clashing) - sync.start
            points = [sync.start, sync.ready, sync.stroke, sync.relax, sync.end]
            sync = clamp_sync([point + shift for point in points], duration)
            clashing = _head_clashes(index, sync, lexeme)
        if sync.end - sync.start < 0.1 or clashing:
            continue
        event = HeadEvent(
            id=new_id(),
            start=sync.start,
            end=sync.end,
            utterance_id=request.utterance_id,
            source=request.source(),
            description=describe_head(lexeme, repetitions, request.anchor_word),
            lexeme=lexeme,
            sync=sync,
            repetitions=repetitions,
            amplitude=round(HEAD_AMPLITUDE_FLOOR + HEAD_AMPLITUDE_SPAN * intensity, 3),
        )
        placed.append(event)
        index.add(sync.start, sync.end, event)
        if request.action is not None:
            action_of[event.id] = request.action
    return placed


def _head_clashes(index: _ByStart[HeadEvent], sync: SyncPoints, lexeme: str) -> list[HeadEvent]:
    """Placed head events that overlap `sync`, or make the same movement too soon again."""
    nearby = index.near(
        min(sync.start, sync.stroke - REPEAT_WINDOW), max(sync.end, sync.stroke + REPEAT_WINDOW)
    )
    return [
        other
        for other in nearby
        if (sync.start < other.end and other.start < sync.end)
        or (other.lexeme == lexeme and abs(other.sync.stroke - sync.stroke) < REPEAT_WINDOW)
    ]
