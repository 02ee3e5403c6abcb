"""Face channel: AU envelopes from directed behaviours, lips parting in speech, and blinks.

Overlapping or adjacent envelopes of the same AU on one character are blended into one
(union of spans, the stronger intensity), so a face never jumps between two copies of a smile.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from motiondirector.plan.motion_plan import Envelope, FaceEvent, Source
from motiondirector.plan.realizer.describe import describe_face
from motiondirector.plan.realizer.requests import EventIds, Request
from motiondirector.plan.realizer.timing import LISTENER_LATENCY, ms
from motiondirector.plan.scene import Scene

ONSET_LEAD = 0.1  # expressions start just before the word that carries them
OFFSET_TAIL = 0.3
LISTENER_MIN = 1.2  # a listener's reaction lasts at least this long
BLEND_GAP = 0.2
SPEECH_LIPS = 0.3  # AU25 intensity while speaking
SHUT, OPENED = 43, 5  # eyes closed; upper lids raised
HELD_SHUT = 0.8
"""Eyes an action line shuts this hard (asleep, "closes her eyes"; not a yawn's squint) stay
shut past the line."""

# Blink timing (seconds between blink onsets): people blink more while speaking than at rest
# (Bentivoglio et al. 1997). Tuned to the realism suite's talking-face clips, read as the
# video reader reads them: about 14 blinks a minute while speaking, 11-12 in silence, each
# 0.25 s above the resting lid (docs/benchmarks.md, Realism).
BLINK_MEAN_INTERVAL = {"speaking": 3.4, "silent": 4.6}
BLINK_DURATION = 0.32
BLINK_MIN_INTERVAL = 0.8
BLINK_APEX = (0.35, 0.5)
"""The lids are fully closed over this part of a blink (shares of its duration)."""


@dataclass
class _Span:
    au: int
    start: float
    end: float
    intensity: float
    source: Source
    utterance_id: str | None
    why: str


def _span_for(request: Request, scene: Scene) -> _Span | None:
    behaviour = request.behaviour
    duration = scene.duration
    if behaviour.au is None:
        return None
    action = request.action
    if behaviour.origin == "opening" and action is not None and action.beat < len(scene.beats):
        # Eyes shut in a sleep the beat opens on ("dozes in an armchair"): from its start.
        start = scene.beats[action.beat].start
        end = request.span_end + OFFSET_TAIL
    elif request.utterance is not None and not request.is_speaker:
        start = request.anchor + (0.0 if behaviour.word is None else LISTENER_LATENCY)
        end = max(start + LISTENER_MIN, request.span_end + OFFSET_TAIL)
    else:
        start = request.anchor - ONSET_LEAD
        end = request.span_end + OFFSET_TAIL
    start, end = max(0.0, start), min(duration, end)
    if end - start < 0.05:
        return None
    return _Span(
        behaviour.au,
        start,
        end,
        behaviour.intensity,
        request.source(),
        request.utterance_id,
        behaviour.reason,
    )


def _blend(spans: list[_Span]) -> list[_Span]:
    spans.sort(key=lambda s: (s.au, s.start, s.end))
    merged: list[_Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last is not None and last.au == span.au and span.start <= last.end + BLEND_GAP:
            if span.intensity > last.intensity:
                last.intensity, last.source, last.why = span.intensity, span.source, span.why
                last.utterance_id = span.utterance_id or last.utterance_id
            last.end = max(last.end, span.end)
        else:
            merged.append(span)
    return merged


def _to_event(span: _Span, new_id: EventIds) -> FaceEvent:
    length = span.end - span.start
    attack = min(0.3, 0.25 * length)
    release = min(0.4, 0.3 * length)
    return FaceEvent(
        id=new_id(),
        start=ms(span.start),
        end=ms(span.end),
        utterance_id=span.utterance_id,
        source=span.source,
        description=describe_face(span.au, span.intensity, span.why),
        au=span.au,
        intensity=round(span.intensity, 3),
        envelope=Envelope(apex_start=ms(span.start + attack), apex_end=ms(span.end - release)),
    )


def _shut_until(request: Request, start: float, requests: Sequence[Request], scene: Scene) -> float:
    """Until when eyes an action line shut stay shut: the character's next line said on
    screen, the next action of theirs that opens them ("wakes", "his eyes snap open") or looks
    somewhere ("All eyes turn to him."), or the end of the beat, whichever comes first."""
    action = request.action
    assert action is not None
    beat = scene.beats[action.beat] if action.beat < len(scene.beats) else None
    until = beat.end if beat is not None else scene.duration
    for utterance in scene.utterances:
        if utterance.mouthed_by(request.character) and utterance.start > start:
            until = min(until, utterance.start)
            break
    for other in requests:
        opens = other.behaviour.au == OPENED or other.behaviour.channel == "gaze"
        if opens and other.action is not None and other.anchor > start + ONSET_LEAD:
            until = min(until, other.anchor)
    return until


def realize_face(
    character: str,
    requests: list[Request],
    scene: Scene,
    new_id: EventIds,
    looks: Sequence[Request] = (),
) -> list[FaceEvent]:
    """AU events for one character: directed AUs plus lips parting while they speak on
    screen (not in a voice-over). Eyes an action line shuts (asleep, "closes her eyes") stay
    shut until the character speaks, opens them, looks somewhere (`looks`: their gaze
    requests) or the beat ends (`_shut_until`)."""
    spans = []
    openers = [*requests, *looks]
    for request in requests:
        span = _span_for(request, scene)
        if span is None:
            continue
        if (
            span.au == SHUT
            and request.action is not None
            and request.utterance is None
            and request.behaviour.intensity >= HELD_SHUT
        ):
            span.end = max(span.end, _shut_until(request, span.start, openers, scene))
        spans.append(span)
    for utterance in scene.utterances:
        if utterance.mouthed_by(character) and utterance.end > utterance.start:
            spans.append(
                _Span(
                    25,
                    utterance.start,
                    utterance.end,
                    SPEECH_LIPS,
                    Source(planner="realizer", rule="realizer.speech", reason="speaking"),
                    utterance.id,
                    "lips part while speaking",
                )
            )
    return [_to_event(span, new_id) for span in _blend(spans)]


def eyes_open(
    present: list[tuple[float, float]], face: list[FaceEvent]
) -> list[tuple[float, float]]:
    """The spans of `present` the `face` events do not hold shut: no blinks in a sleep."""
    shut = sorted((e.start, e.end) for e in face if e.au == SHUT and e.intensity >= HELD_SHUT)
    spans = []
    for start, end in sorted(present):
        for closed_from, closed_to in shut:
            if closed_to <= start or closed_from >= end:
                continue
            if closed_from > start:
                spans.append((start, closed_from))
            start = max(start, closed_to)
        if end > start:
            spans.append((start, end))
    return spans


def realize_blinks(
    character: str,
    present: list[tuple[float, float]],
    speaking: list[tuple[float, float]],
    seed: int,
    new_id: EventIds,
) -> list[FaceEvent]:
    """Blinks at a natural rate while on stage, faster while speaking; seeded per character."""
    rng = np.random.default_rng([seed, zlib.crc32(character.encode("utf-8"))])
    source = Source(planner="realizer", rule="realizer.blink", reason="natural blink rate")
    events: list[FaceEvent] = []
    spans = sorted(present)
    talking = sorted(speaking)
    span_index = talk_index = 0
    t = float(rng.uniform(0.3, 2.0))
    while span_index < len(spans):
        # Blink times only grow, so each span list is walked once.
        while span_index < len(spans) and spans[span_index][1] < t + BLINK_DURATION:
            span_index += 1
        if span_index == len(spans):
            break
        if t < spans[span_index][0]:
            t += BLINK_MIN_INTERVAL
            continue
        while talk_index < len(talking) and talking[talk_index][1] <= t:
            talk_index += 1
        is_speaking = talk_index < len(talking) and talking[talk_index][0] <= t
        mean = BLINK_MEAN_INTERVAL["speaking" if is_speaking else "silent"]
        events.append(
            FaceEvent(
                id=new_id(),
                start=ms(t),
                end=ms(t + BLINK_DURATION),
                source=source,
                description="blinks",
                au=45,
                intensity=1.0,
                envelope=Envelope(
                    apex_start=ms(t + BLINK_APEX[0] * BLINK_DURATION),
                    apex_end=ms(t + BLINK_APEX[1] * BLINK_DURATION),
                ),
            )
        )
        # Log-normal intervals match the skewed distribution of inter-blink times.
        interval = float(rng.lognormal(np.log(mean) - 0.18, 0.6))
        t += max(BLINK_MIN_INTERVAL, interval)
    return events
