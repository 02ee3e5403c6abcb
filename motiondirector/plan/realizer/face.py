"""Face channel: AU envelopes from directed behaviours, lips parting in speech, and blinks.

Overlapping or adjacent envelopes of the same AU on one character are blended into one
(union of spans, the stronger intensity), so a face never jumps between two copies of a smile.
"""

from __future__ import annotations

import zlib
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


def _span_for(request: Request, duration: float) -> _Span | None:
    behaviour = request.behaviour
    if behaviour.au is None:
        return None
    if request.utterance is not None and not request.is_speaker:
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


def realize_face(
    character: str, requests: list[Request], scene: Scene, new_id: EventIds
) -> list[FaceEvent]:
    """AU events for one character: directed AUs plus lips parting while they speak on
    screen (not in a voice-over)."""
    spans = [s for r in requests if (s := _span_for(r, scene.duration)) is not None]
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
