"""Metrics over one MotionPlan: validity, timing, coverage, AU-emotion fit, variety, naturalness.

Every metric is a pure function of the plan that returns a float or a flat dict of floats, never
NaN: where a metric has nothing to measure, its docstring says which value it takes. Shares that
check correctness (validity, timing, AU-emotion fit) are 1.0 when there is nothing to check;
shares and rates that measure presence (coverage, rates, variety) are 0.0. `plan_metrics`
flattens them all into one `{name: float}` row for tables. `HUMAN_RANGES` holds published human
reference ranges for the naturalness proxies. This module only measures: it never changes a plan.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from motiondirector.plan.motion_plan import (
    AnyEvent,
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    MotionPlan,
    PlanUtterance,
)
from motiondirector.plan.scene import on_stage_at, on_stage_spans
from motiondirector.plan.validate import validate_plan
from motiondirector.plan.vocabulary import load_emfacs

# Times are rounded to milliseconds in plans; comparisons allow for that rounding.
_EPS = 1e-6
BLINK_AU = 45
# Lips part and blinks come with speech and eyes, not with emotion.
NON_EMOTION_AUS = frozenset({25, 45})
AVERTED_GAZE = frozenset({"away", "down", "up"})


@dataclass(frozen=True)
class HumanRange:
    """A published human reference range for one naturalness proxy."""

    low: float
    high: float
    unit: str
    citation: str
    note: str

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


HUMAN_RANGES: Mapping[str, HumanRange] = {
    "blink_rate_per_min": HumanRange(
        low=10.0,
        high=30.0,
        unit="blinks per minute",
        citation=(
            "Bentivoglio, A. R. et al. (1997). Analysis of blink rate patterns in normal "
            "subjects. Movement Disorders 12(6), 1028-1034."
        ),
        note=(
            "Means reported: about 17/min at rest, 26/min in conversation, 4.5/min reading, "
            "with wide between-person spread. The band is an approximate spread around the "
            "rest and conversation means, not a value printed in the paper."
        ),
    ),
    "gaze_aversion_share": HumanRange(
        low=0.3,
        high=0.7,
        unit="share of speaking time",
        citation=(
            "Kendon, A. (1967). Some functions of gaze-direction in social interaction. "
            "Acta Psychologica 26, 22-63; Argyle, M. & Cook, M. (1976). Gaze and Mutual Gaze. "
            "Cambridge University Press."
        ),
        note=(
            "Speakers look at the listener for roughly 40-50 % of their speaking time on "
            "average, with large individual differences, so they look elsewhere roughly "
            "30-70 % of it. Approximate; dyadic conversation, not acted scenes."
        ),
    ),
    "gestures_per_minute_speech": HumanRange(
        low=5.0,
        high=35.0,
        unit="gestures per minute of speech",
        citation=(
            "McNeill, D. (1992). Hand and Mind. University of Chicago Press; Alibali, M. W., "
            "Heath, D. C. & Myers, H. J. (2001). Effects of visibility between speaker and "
            "listener on gesture production. Journal of Memory and Language 44, 169-188."
        ),
        note=(
            "Order of magnitude only: gesture rates vary several-fold between speakers, "
            "topics and tasks. Derived from rates per 100 words (gestures_per_word) at about "
            "150 spoken words per minute."
        ),
    ),
    "gestures_per_word": HumanRange(
        low=0.03,
        high=0.25,
        unit="gestures per spoken word",
        citation=(
            "Alibali, M. W., Heath, D. C. & Myers, H. J. (2001). Journal of Memory and "
            "Language 44, 169-188; McNeill, D. (1992). Hand and Mind."
        ),
        note=(
            "Roughly 3-25 gestures per 100 words in narrative and conversational speech "
            "(representational plus beat gestures); approximate, strongly speaker-dependent."
        ),
    ),
}


# --- validity -------------------------------------------------------------------------------


def violations(plan: MotionPlan) -> int:
    """Number of contract violations `validate_plan` reports. Range: 0 and up; 0 means valid."""
    return len(validate_plan(plan))


def schema_validity(plan: MotionPlan) -> float:
    """1.0 if the plan satisfies the contract (shape and `validate_plan`), else 0.0.

    A `MotionPlan` object already passed pydantic, so this checks the semantic rules that a
    JSON Schema cannot express. Range: {0.0, 1.0}.
    """
    return 1.0 if violations(plan) == 0 else 0.0


# --- timing ---------------------------------------------------------------------------------


def _events(plan: MotionPlan) -> Iterable[tuple[str, AnyEvent]]:
    for track in plan.characters:
        for event in track.events:
            yield track.name, event


def stroke_in_anchor_share(plan: MotionPlan) -> float:
    """Share of head and gesture events tied to an utterance whose stroke lies within a word.

    Counted: head/gesture events with an `utterance_id` naming an utterance that has words.
    An event passes when `word.start <= sync.stroke <= word.end` for some word of that
    utterance. Range [0, 1]; 1.0 when no event is counted.
    """
    utterances = {u.id: u for u in plan.utterances}
    counted = passed = 0
    for _, event in _events(plan):
        if not isinstance(event, HeadEvent | GestureEvent) or event.utterance_id is None:
            continue
        utterance = utterances.get(event.utterance_id)
        if utterance is None or not utterance.words:
            continue
        counted += 1
        stroke = event.sync.stroke
        if any(w.start - _EPS <= stroke <= w.end + _EPS for w in utterance.words):
            passed += 1
    return passed / counted if counted else 1.0


def events_inside_scene_share(plan: MotionPlan) -> float:
    """Share of events with `0 <= start <= end <= scene.duration`. Range [0, 1]; 1.0 if none."""
    duration = plan.scene.duration
    events = [event for _, event in _events(plan)]
    if not events:
        return 1.0
    inside = sum(1 for e in events if -_EPS <= e.start <= e.end + _EPS and e.end <= duration + _EPS)
    return inside / len(events)


def _time_with_two_or_more(spans: Iterable[tuple[float, float]]) -> float:
    """Seconds during which at least two of `spans` are active at once."""
    edges = sorted([(s, 1) for s, e in spans if e > s] + [(e, -1) for s, e in spans if e > s])
    # Ends sort before starts at the same instant, so touching spans do not overlap.
    active = 0
    total = 0.0
    previous = 0.0
    for time, step in edges:
        if active >= 2:
            total += time - previous
        active += step
        previous = time
    return total


def overlap_seconds_per_hand(plan: MotionPlan) -> dict[str, float]:
    """Seconds during which two gestures of one character use the same hand at once.

    Keys `left` and `right`, summed over characters; a `both` gesture uses both hands.
    Range [0, inf); 0.0 for a plan with no overlapping gestures (a valid plan has none).
    """
    totals = {"left": 0.0, "right": 0.0}
    for track in plan.characters:
        for hand in totals:
            spans = [
                (e.start, e.end)
                for e in track.events
                if isinstance(e, GestureEvent) and e.hand in (hand, "both")
            ]
            totals[hand] += _time_with_two_or_more(spans)
    return {hand: round(seconds, 6) for hand, seconds in totals.items()}


def _union_seconds(spans: Iterable[tuple[float, float]]) -> float:
    total = 0.0
    end_so_far = -math.inf
    for start, end in sorted(spans):
        if end <= end_so_far:
            continue
        total += end - max(start, end_so_far)
        end_so_far = end
    return total


def gaze_gap_share(plan: MotionPlan) -> float:
    """Share of on-stage character time with no gaze event covering it.

    A character is on stage in the beats that list them, between their entrances and exits
    (the whole scene when the plan has no beats). A gap means the renderer must guess where
    the eyes go. Range [0, 1]; 0.0 when no character is ever on stage.
    """
    duration = plan.scene.duration
    on_stage_total = uncovered = 0.0
    for track in plan.characters:
        stage = on_stage_spans(plan.beats, track.name) if plan.beats else [(0.0, duration)]
        present = _union_seconds(s for s in stage if s[1] > s[0])
        covered = _union_seconds(
            (max(e.start, start), min(e.end, end))
            for e in track.events
            if isinstance(e, GazeEvent)
            for start, end in stage
            if min(e.end, end) > max(e.start, start)
        )
        on_stage_total += present
        uncovered += max(0.0, present - covered)
    return round(uncovered / on_stage_total, 6) if on_stage_total > 0 else 0.0


# --- coverage -------------------------------------------------------------------------------


def _overlaps(event: AnyEvent, start: float, end: float) -> bool:
    return event.start < end - _EPS and event.end > start + _EPS


def _is_blink(event: AnyEvent) -> bool:
    return isinstance(event, FaceEvent) and event.au == BLINK_AU


def _on_stage(plan: MotionPlan, time: float, names: list[str]) -> list[str]:
    """Characters on stage at `time`: those its beat has on stage then (`on_stage_at`), or
    everyone without beats."""
    for beat in plan.beats:
        if beat.start - _EPS <= time < beat.end:
            here = on_stage_at(beat, max(time, beat.start))
            return [name for name in names if name in here]
    return names if not plan.beats else []


def coverage(plan: MotionPlan) -> dict[str, float]:
    """Shares of utterances in which the speaker, and the listeners, show behaviour.

    The speaker's events are those of the utterance and those of no utterance (an action's),
    not the tail of their reaction to the line before.

    - `face`: share of utterances whose speaker has a face event other than AU25 (lips part)
      and AU45 (blink) overlapping the utterance;
    - `head_or_gaze`: share whose speaker has a head event, or a gaze event that starts during
      the utterance or is tied to it by `utterance_id`;
    - `gesture`: share whose speaker has a gesture event overlapping the utterance;
    - `listener`: share of (utterance, listener) pairs, listeners being the other characters on
      stage in the utterance's beat (every other character track when the plan has no beats),
      in which the listener has a face (not a blink), head or gesture event overlapping the
      utterance, or a gaze event at the speaker overlapping it.

    Range [0, 1] each; 0.0 when there are no utterances (or, for `listener`, no pairs).
    """
    names = [track.name for track in plan.characters]
    counts = {"face": 0, "head_or_gaze": 0, "gesture": 0}
    pairs = listened = 0
    for utterance in plan.utterances:
        start, end = utterance.start, utterance.end
        speaker_events = [
            e
            for e in _track_events(plan, utterance.speaker)
            if not _is_blink(e) and e.utterance_id in (None, utterance.id)
        ]
        if any(
            isinstance(e, FaceEvent) and e.au not in NON_EMOTION_AUS and _overlaps(e, start, end)
            for e in speaker_events
        ):
            counts["face"] += 1
        if any(
            (isinstance(e, HeadEvent) and _overlaps(e, start, end))
            or (
                isinstance(e, GazeEvent)
                and (e.utterance_id == utterance.id or start - _EPS <= e.start < end)
            )
            for e in speaker_events
        ):
            counts["head_or_gaze"] += 1
        if any(isinstance(e, GestureEvent) and _overlaps(e, start, end) for e in speaker_events):
            counts["gesture"] += 1
        for listener in _on_stage(plan, utterance.start, names):
            if listener == utterance.speaker:
                continue
            pairs += 1
            if any(
                _overlaps(e, start, end)
                and (
                    isinstance(e, HeadEvent | GestureEvent)
                    or (isinstance(e, FaceEvent) and not _is_blink(e))
                    or (isinstance(e, GazeEvent) and e.target == utterance.speaker)
                )
                for e in _track_events(plan, listener)
            ):
                listened += 1
    n = len(plan.utterances)
    result = {key: (value / n if n else 0.0) for key, value in counts.items()}
    result["listener"] = listened / pairs if pairs else 0.0
    return result


def _track_events(plan: MotionPlan, name: str) -> tuple[AnyEvent, ...]:
    for track in plan.characters:
        if track.name == name:
            return track.events
    return ()


# --- AU-emotion consistency -----------------------------------------------------------------


def _speaker_aus(plan: MotionPlan, utterance: PlanUtterance) -> set[int]:
    # A reaction to the line before fades out over the first moment of the speaker's own line:
    # it is the face of that line, not of this one.
    return {
        e.au
        for e in _track_events(plan, utterance.speaker)
        if isinstance(e, FaceEvent)
        and e.au not in NON_EMOTION_AUS
        and e.utterance_id in (None, utterance.id)
        and _overlaps(e, utterance.start, utterance.end)
    }


def utterance_au_consistency(plan: MotionPlan, utterance: PlanUtterance) -> float:
    """Jaccard overlap of the speaker's AUs during `utterance` and its emotion's prototype.

    Both sets leave out AU25 and AU45, and A the speaker's reactions to other lines (events of
    another utterance). |A & P| / |A | P|; 1.0 when both are empty (a neutral line with no
    emotion AUs). Range [0, 1].
    """
    active = _speaker_aus(plan, utterance)
    prototype = set(load_emfacs()[utterance.emotion.label]) - NON_EMOTION_AUS
    union = active | prototype
    return len(active & prototype) / len(union) if union else 1.0


def au_emotion_consistency(plan: MotionPlan) -> float:
    """Mean over utterances of `utterance_au_consistency`. Range [0, 1]; 1.0 if no utterances."""
    if not plan.utterances:
        return 1.0
    scores = [utterance_au_consistency(plan, u) for u in plan.utterances]
    return sum(scores) / len(scores)


# --- variety --------------------------------------------------------------------------------


def variety(plan: MotionPlan) -> dict[str, float]:
    """How varied the gestures are.

    - `distinct_gestures`: number of distinct gesture lexemes in the plan, [0, 28];
    - `gesture_repeat_rate`: share of consecutive gesture pairs (per character, in start order)
      with the same lexeme, [0, 1]; 0.0 when no character has two gestures;
    - `gesture_entropy_bits`: Shannon entropy of the lexeme distribution over all gestures,
      -sum p log2 p, [0, log2 28 ~ 4.81]; 0.0 with no gestures.
    """
    counts: Counter[str] = Counter()
    pairs = repeats = 0
    for track in plan.characters:
        gestures = sorted(
            (e for e in track.events if isinstance(e, GestureEvent)), key=lambda e: (e.start, e.id)
        )
        counts.update(g.lexeme for g in gestures)
        for a, b in itertools.pairwise(gestures):
            pairs += 1
            repeats += a.lexeme == b.lexeme
    total = sum(counts.values())
    entropy = -sum((c / total) * math.log2(c / total) for c in counts.values()) if total else 0.0
    return {
        "distinct_gestures": float(len(counts)),
        "gesture_repeat_rate": repeats / pairs if pairs else 0.0,
        "gesture_entropy_bits": round(abs(entropy), 6),
    }


# --- naturalness proxies --------------------------------------------------------------------


def _on_stage_seconds(plan: MotionPlan, name: str) -> float:
    if not plan.beats:
        return plan.scene.duration
    return _union_seconds(on_stage_spans(plan.beats, name))


def naturalness(plan: MotionPlan) -> dict[str, float]:
    """Rates to compare with `HUMAN_RANGES`.

    - `blink_rate_per_min`: mean over characters of AU45 events per minute on stage (the union
      of the beats that list the character, between entrances and exits; the whole scene if none
      does); characters with no
      time on stage are skipped; 0.0 if none is left. Range [0, inf).
    - `gestures_per_minute_speech`: gestures a speaker makes tied to their own utterances, per
      minute of total utterance time; 0.0 with no speech. Range [0, inf).
    - `gestures_per_word`: the same gestures per spoken word; 0.0 with no words. Range [0, inf).
    - `gaze_aversion_share`: share of speaking time in which the speaker's gaze target is away,
      down or up; 0.0 with no speech. Range [0, 1].
    """
    rates = []
    for track in plan.characters:
        seconds = _on_stage_seconds(plan, track.name)
        if seconds > _EPS:
            blinks = sum(1 for e in track.events if _is_blink(e))
            rates.append(blinks * 60.0 / seconds)
    speech_seconds = sum(u.end - u.start for u in plan.utterances)
    words = sum(len(u.words) for u in plan.utterances)
    speaker_of = {u.id: u.speaker for u in plan.utterances}
    gestures = sum(
        1
        for name, e in _events(plan)
        if isinstance(e, GestureEvent)
        and e.utterance_id is not None
        and speaker_of.get(e.utterance_id) == name
    )
    averted = 0.0
    for utterance in plan.utterances:
        for e in _track_events(plan, utterance.speaker):
            if isinstance(e, GazeEvent) and e.target in AVERTED_GAZE:
                averted += max(0.0, min(e.end, utterance.end) - max(e.start, utterance.start))
    return {
        "blink_rate_per_min": sum(rates) / len(rates) if rates else 0.0,
        "gestures_per_minute_speech": gestures * 60.0 / speech_seconds if speech_seconds else 0.0,
        "gestures_per_word": gestures / words if words else 0.0,
        "gaze_aversion_share": min(1.0, averted / speech_seconds) if speech_seconds else 0.0,
    }


def naturalness_in_human_range(plan: MotionPlan) -> dict[str, bool]:
    """For each naturalness proxy, whether the plan's value lies in its `HUMAN_RANGES` band."""
    values = naturalness(plan)
    return {name: band.contains(values[name]) for name, band in HUMAN_RANGES.items()}


# --- all together ---------------------------------------------------------------------------


def plan_metrics(plan: MotionPlan) -> dict[str, float]:
    """Every metric above as one flat `{name: float}` row, keys prefixed by their group."""
    row: dict[str, float] = {
        "schema_validity": schema_validity(plan),
        "violations": float(violations(plan)),
        "stroke_in_anchor_share": stroke_in_anchor_share(plan),
        "events_inside_scene_share": events_inside_scene_share(plan),
        "gaze_gap_share": gaze_gap_share(plan),
        "au_emotion_consistency": au_emotion_consistency(plan),
    }
    for hand, seconds in overlap_seconds_per_hand(plan).items():
        row[f"overlap_seconds_{hand}"] = seconds
    for group, values in (
        ("coverage", coverage(plan)),
        ("variety", variety(plan)),
        ("naturalness", naturalness(plan)),
    ):
        for key, value in values.items():
            row[f"{group}.{key}"] = value
    return row
