"""Sequencing: from a motion plan and a clip library to a Timeline, one clip per body slot.

Per character, the plan's body events become **slots**, in time order:

- the transitions into persistent postures (sit, kneel, lie, lean, turn, fall: priority 0),
  gestures (priority 1), the other non-idle postures (walk, run, jump, ...: priority 2) and
  head movements (priority 3). A posture slot covers the posture's transition only (its first
  `POSTURE_WINDOW` seconds): the rest of a posture is held by procedural fill. A loop (walk,
  run, dance: `looping_lexemes`) is kept up for its whole event instead, unless an action
  line's gesture comes after it, which ends it once it has had `POSTURE_WINDOW` seconds
  ("walks to the door and opens it": gets there, then opens it). `idle` postures
  make no slot; fill covers them. The body gets into a posture before it gestures in it ("sits
  down and crosses her arms": the arms cross once seated, layered onto the seated pose); a
  gesture playing over a transition would leave the body where it was for the rest of the
  posture. Head movements take a body slot only where no gesture or posture is playing: a head
  clip would replace the arms of a gesture it overlapped, and the face/head channel of the plan
  carries the head movement anyway.
- A posture the beat opens on (`MotionPlan.opens_in`) is held from the first frame: a slot of
  `HELD_FRAMES` whose clip plays as a freeze frame of its last pose (standing needs none). A sit
  or kneel got into from lying holds its clip's last frame too (the clip starts standing): the
  blend out of lying does the sitting up.
- Overlaps: a lower-priority slot is cut to start after the higher one, or dropped if less
  than `MIN_SLOT` seconds remain; one that began first ends where the higher one starts and
  goes on after it, each piece kept if at least `MIN_SLOT` long. An action line's gesture or
  posture (timed to no word) is not cut that way: it starts after the higher one whole, as it
  does when it was cut before `MIN_SLOT` of it played or by an action line's transition into a
  posture (the body sits, then covers its face), and an action line's gesture waits for
  an action line's walk (run, jump, ...) before it to end ("walks to the door and opens it").
  Of two gestures, the earlier is cut to end where the later starts (the later one is anchored
  to its word), or the later starts after it when that would leave too little.

Each slot asks the library with `ClipQuery.from_event` (the utterance's emotion, or for an
action line's slot the emotion its face shows, `face_emotion`; the slot's final length) and
gets the top `k` candidates from `search_clips`. All distinct query texts of the scene are
embedded in one bulk call first, and identical queries are searched once. Clips whose source
file is gone (deleted or moved since the library read it) are passed over, the
others ranked again, so a library that lost files still gives a whole timeline.

The choice is a Viterbi pass over the slots of a character:

    cost(slot i, candidate c) = (1 - c.score) + JOIN_WEIGHT * decay(gap) * join(prev, c)

`join` (0..1) compares the previous clip's last pose and velocity with the next clip's first
pose and velocity (`ClipRecord.features`: joint positions relative to the pelvis' ground point):
1 - exp(-(pose_rms / POSE_SCALE + VELOCITY_SHARE * velocity_rms / VELOCITY_SCALE)). It is 0
when either clip lacks features. `decay` halves the join weight for every second of fill
between the two slots, since the fill absorbs the transition. Equal costs go to the smaller
clip id.

Gaps between slots become `procedural` segments that loop the built-in idle clip, or hold the
pose of a persistent posture (sit, kneel, ...) that is in force, with the idle clip's breathing
on top (`motion/assemble.py` renders them). Segments abut on the frame grid and cover the
scene; each one blends in over `BLEND` seconds (at most half its own or the previous length).

A clip shorter than its slot is slowed to fit (down to `MIN_RATE`); one longer is sped up, at
most `MAX_RATE` times, and a built-in clip only as far as keeps its joints under the speeds
real people reach (`motion/speed.py`); beyond that its tail is cut.

This module must not render motion; it only decides (it asks the built-in library for a
clip's peak joint speeds).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from motiondirector.motion.assemble import IDLE_SOURCE
from motiondirector.motion.library import (
    builtin_library,
    clip_peaks,
    looping_lexemes,
    persistent_lexemes,
)
from motiondirector.motion.speed import (
    HUMAN_ACCELERATION_LIMITS,
    HUMAN_SPEED_LIMITS,
    acceleration_headroom,
    speed_headroom,
)
from motiondirector.plan.motion_plan import (
    AnyEvent,
    FaceEvent,
    GestureEvent,
    HeadEvent,
    MotionPlan,
    PostureEvent,
)
from motiondirector.plan.realizer.timing import POSTURE_TRANSITION
from motiondirector.plan.timeline import CharacterTimeline, Provenance, Segment, Timeline
from motiondirector.plan.vocabulary import POSTURE_LEXEMES, shown_emotion
from motiondirector.retrieval.query import Candidate, ClipQuery, ScoreWeights, search_clips
from motiondirector.retrieval.records import ClipRecord
from motiondirector.retrieval.sources import is_local_file
from motiondirector.retrieval.store import QUERY_CACHE, QUERY_CACHE_SIZE, ClipLibrary

BLEND = 0.2
RELEASE_BLEND = 1.0  # seconds: the blend out of a held posture where no clip stands up
# Getting up off the floor takes longer than out of a chair: out of these, the blend is twice
# as long and may fill the whole segment that gets the body up.
FROM_THE_FLOOR = frozenset({"lie"})
# Postures got into from lying by sitting up: their clips start standing, so their end pose is
# held and the blend out of lying (`FROM_THE_FLOOR`) does the sitting up.
_SITTING_UP = frozenset({"sit", "kneel"})
MIN_SLOT = 0.4
HELD_FRAMES = 2  # the slot of a posture held from a beat's start: its clip's end, held
OPENS = "in it when the scene opens"  # why such a slot is held
MIN_FILL = MIN_SLOT  # seconds: the shortest piece a fill is split into
POSTURE_WINDOW = POSTURE_TRANSITION
# Time-warp bounds: a clip plays at most twice as fast or half as fast as recorded; beyond that
# its tail is cut (too long) or it lands shorter than its slot and fill takes the rest.
MAX_RATE = 2.0
MIN_RATE = 0.5
JOIN_WEIGHT = 0.5
POSE_SCALE = 0.15  # metres RMS over joints: a clearly visible jump
VELOCITY_SCALE = 1.0  # metres per second RMS over joints
VELOCITY_SHARE = 0.5
JOIN_HALF_LIFE = 1.0  # seconds of fill that halve the join weight
DURATION_STEP = 0.1  # wanted durations are rounded to this, so near-equal queries share a search
IDLE_CLIP = "idle.normal.normal.neutral"

_PRIORITY = {"gesture": 1, "posture": 2, "head": 3}
_TRANSITION_PRIORITY = 0  # into a persistent posture
BodyEvent = GestureEvent | HeadEvent | PostureEvent


@dataclass(frozen=True)
class Slot:
    """A span of a character's body timeline that one library clip should fill."""

    start: float
    end: float
    event: BodyEvent
    priority: int
    # An action line's gesture or posture, timed to no word and not yet cut: one that cannot
    # start on time is done whole later (the head channel does a head movement on time anyway).
    whole: bool = False
    # Why its clip's last frame is held still, if it is: a posture the beat opens on (held
    # from the beat's first frame), or one got into from lying (sitting up: the blend out of
    # lying is the movement).
    held: str | None = None

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Choice:
    """The candidate chosen for a slot, with the costs that chose it."""

    slot: Slot
    candidate: Candidate
    target_cost: float
    join_cost: float
    next_join_cost: float
    candidates: int
    best: float


# -- slots ---------------------------------------------------------------------------------


def body_slots(plan: MotionPlan, character: str, *, fps: int | None = None) -> list[Slot]:
    """The body slots of one character, in time order, non-overlapping, on the frame grid."""
    fps = fps or plan.scene.fps
    raw: list[Slot] = []
    lying = False  # whether the posture before is lying (a clip from standing would get up)
    for event in plan.character(character).events:
        was_lying = lying
        if isinstance(event, PostureEvent):
            lying = event.lexeme in FROM_THE_FLOOR
            if plan.opens_in(event):
                # In it when the beat opens: the pose of a persistent posture is held (standing
                # needs no clip: the idle fill stands).
                if event.lexeme in persistent_lexemes():
                    start = _snap(event.start, fps)
                    end = min(round(start + HELD_FRAMES / fps, 6), plan.scene.duration)
                    raw.append(Slot(start, end, event, _TRANSITION_PRIORITY, held=OPENS))
                continue
        if isinstance(event, GestureEvent | HeadEvent):
            start, end = event.start, event.end
        elif isinstance(event, PostureEvent) and event.lexeme != "idle":
            # A loop (walk, dance) is kept up for the whole event; a move into a posture takes
            # its transition, and the posture is then held.
            window = math.inf if event.lexeme in looping_lexemes() else POSTURE_WINDOW
            start, end = event.start, min(event.end, event.start + window)
        else:
            continue
        start, end = _snap(start, fps), min(_snap(end, fps), plan.scene.duration)
        if end - start >= MIN_SLOT - 1e-9:
            whole = event.utterance_id is None and not isinstance(event, HeadEvent)
            up = was_lying and isinstance(event, PostureEvent) and event.lexeme in _SITTING_UP
            held = "got into from lying" if up else None
            raw.append(Slot(start, end, event, _priority(event), whole, held))
    return _resolve_overlaps(raw, plan.scene.duration)


def _priority(event: BodyEvent) -> int:
    if isinstance(event, PostureEvent) and event.lexeme in persistent_lexemes():
        return _TRANSITION_PRIORITY
    return _PRIORITY[event.channel]


def _slot_order(slot: Slot) -> tuple[float, int, str]:
    return (slot.start, slot.priority, slot.event.id)


def _snap(time: float, fps: int) -> float:
    return round(round(time * fps) / fps, 6)


def _resolve_overlaps(slots: Iterable[Slot], limit: float) -> list[Slot]:
    """The slots without overlaps (see the module's docstring), none past `limit` seconds."""
    accepted: list[Slot] = []
    pending = sorted(slots, key=_slot_order)
    while pending:
        current: Slot | None = pending.pop(0)
        while current is not None and accepted and accepted[-1].end > current.start + 1e-9:
            prev = accepted[-1]
            if _waits_for(current, prev) and prev.event.lexeme in looping_lexemes():
                # A walk (dance, ...) is kept up until the action line's next thing starts,
                # once it has had a transition's length: "walks to the door and opens it".
                cut = max(current.start, prev.start + POSTURE_WINDOW)
                if cut < prev.end:
                    prev = accepted[-1] = replace(prev, end=cut)
                if prev.end <= current.start + 1e-9:
                    break
            if current.priority > prev.priority or _waits_for(current, prev):
                # Less important: it may only start once the other is over; an action line's
                # behaviour, timed to no word, is then done whole.
                end = current.end
                if current.whole:
                    end = max(end, min(limit, round(prev.end + current.length, 6)))
                current = replace(current, start=prev.end, end=end)
                if current.length < MIN_SLOT - 1e-9:
                    current = None
            elif current.priority < prev.priority or current.start - prev.start >= MIN_SLOT:
                trimmed = replace(prev, end=current.start)
                accepted.pop()
                rest = replace(prev, start=current.end, whole=False)
                whole_after = prev.whole and (
                    trimmed.length < MIN_SLOT - 1e-9
                    or (
                        current.whole
                        and current.priority == _TRANSITION_PRIORITY
                        and prev.priority == _PRIORITY["gesture"]
                    )
                )
                if whole_after:
                    # It had barely begun, or an action line's gesture meets an action line's
                    # posture: the body gets into the posture first, then does it whole ("sits
                    # down and takes a deep breath", "sinks onto the bed, head in her hands").
                    rest = replace(rest, end=min(limit, round(current.end + prev.length, 6)))
                elif trimmed.length >= MIN_SLOT - 1e-9:
                    accepted.append(trimmed)
                if current.priority < prev.priority and rest.length >= MIN_SLOT - 1e-9:
                    bisect.insort(pending, rest, key=_slot_order)
            else:
                current = replace(current, start=prev.end)
                if current.length < MIN_SLOT - 1e-9:
                    current = None
        if current is not None:
            accepted.append(current)
    return accepted


def _waits_for(current: Slot, prev: Slot) -> bool:
    """Whether an action line's gesture waits for an action line's walk (run, jump, ...) before
    it to end: "pads to the door. He opens it." gets there, then opens."""
    return (
        current.whole
        and prev.whole
        and current.priority == _PRIORITY["gesture"]
        and prev.priority == _PRIORITY["posture"]
    )


def slot_query(slot: Slot, emotion: str | None) -> ClipQuery:
    """The library query of a slot: its event's query, wanting the slot's (final) length."""
    query = ClipQuery.from_event(slot.event, emotion=emotion)
    length = POSTURE_WINDOW if slot.held else slot.length  # a held clip is a whole transition
    wanted = max(DURATION_STEP, round(length / DURATION_STEP) * DURATION_STEP)
    return replace(query, duration=round(wanted, 3), body_motion=True)


# -- candidates ----------------------------------------------------------------------------


def fetch_candidates(
    library: ClipLibrary,
    queries: Iterable[ClipQuery],
    k: int,
    *,
    weights: ScoreWeights | None = None,
) -> dict[ClipQuery, list[Candidate]]:
    """The top `k` candidates of every distinct query, embedding the texts in bulk."""
    distinct = list(dict.fromkeys(queries))
    found: dict[ClipQuery, list[Candidate]] = {}
    embedder = library.embedder
    # Keep each chunk well inside the LRU cache so primed vectors are still there when used.
    chunk = max(1, QUERY_CACHE_SIZE // 2)
    texts = list(dict.fromkeys(q.text for q in distinct))
    present: dict[str, bool] = {}
    for begin in range(0, len(texts), chunk):
        part = texts[begin : begin + chunk]
        QUERY_CACHE.prime(embedder, part)
        wanted = set(part)
        for query in distinct:
            if query.text in wanted:
                found[query] = _present(search_clips(library, query, k, weights=weights), present)
    return found


def _present(candidates: list[Candidate], present: dict[str, bool]) -> list[Candidate]:
    """`candidates` without those whose source file is gone, ranked again; `present` keeps
    what was found of each file."""
    kept = []
    for candidate in candidates:
        file = candidate.record.source.file
        if file not in present:
            present[file] = not is_local_file(file) or Path(file).is_file()
        if present[file]:
            kept.append(candidate)
    if len(kept) == len(candidates):
        return candidates
    return [replace(candidate, rank=rank) for rank, candidate in enumerate(kept, start=1)]


# -- join costs and the dynamic programme ---------------------------------------------------


def _features(records: Sequence[ClipRecord], which: str) -> tuple[np.ndarray, np.ndarray]:
    """(pose, velocity) rows for `which` = "first" or "last", and a mask of records that
    have both; rows of missing records are zeros."""
    rows: list[np.ndarray] = []
    mask = np.zeros(len(records), dtype=bool)
    size = 0
    for i, record in enumerate(records):
        f = record.features
        pose = getattr(f, f"{which}_pose", None) if f else None
        vel = getattr(f, f"{which}_velocity", None) if f else None
        if pose is not None and vel is not None and len(pose) == len(vel):
            rows.append(np.concatenate([pose, vel]))
            mask[i] = True
            size = len(pose)
        else:
            rows.append(np.zeros(0))
    if not mask.any():
        return np.zeros((len(records), 0)), mask
    full = np.zeros((len(records), 2 * size))
    for i, row in enumerate(rows):
        if mask[i] and row.size == 2 * size:
            full[i] = row
        else:
            mask[i] = False
    return full, mask


def join_costs(previous: Sequence[ClipRecord], following: Sequence[ClipRecord]) -> np.ndarray:
    """Join cost (0..1) of every previous clip's end to every following clip's start,
    shape (len(previous), len(following)); 0 where either lacks features."""
    last, last_ok = _features(previous, "last")
    first, first_ok = _features(following, "first")
    out = np.zeros((len(previous), len(following)))
    if last.shape[1] == 0 or first.shape[1] == 0 or last.shape[1] != first.shape[1]:
        return out
    half = last.shape[1] // 2
    joints = max(1, half // 3)
    diff = last[:, None, :] - first[None, :, :]
    pose_rms = np.sqrt((diff[..., :half] ** 2).sum(-1) / joints)
    velocity_rms = np.sqrt((diff[..., half:] ** 2).sum(-1) / joints)
    cost = 1.0 - np.exp(-(pose_rms / POSE_SCALE + VELOCITY_SHARE * velocity_rms / VELOCITY_SCALE))
    valid = last_ok[:, None] & first_ok[None, :]
    return np.where(valid, cost, 0.0)


def join_cost(previous: ClipRecord, following: ClipRecord) -> float:
    """Join cost (0..1) of one clip's end to another's start; 0 without features."""
    return float(join_costs([previous], [following])[0, 0])


def choose_path(
    candidates: Sequence[Sequence[Candidate]], gaps: Sequence[float]
) -> list[tuple[int, float]]:
    """Viterbi over slots: for each slot the index of the chosen candidate and its join cost
    from the chosen previous clip. `gaps[i]` is the fill time between slot i-1 and slot i
    (gaps[0] unused). Equal total costs go to the smaller clip id."""
    if not candidates:
        return []
    orders = [sorted(range(len(c)), key=lambda j, c=c: c[j].record.id) for c in candidates]  # type: ignore[misc]
    targets = [
        np.array([1.0 - c[j].score for j in o]) for c, o in zip(candidates, orders, strict=True)
    ]
    records = [[c[j].record for j in o] for c, o in zip(candidates, orders, strict=True)]
    totals = targets[0].copy()
    back: list[np.ndarray] = []
    joins: list[np.ndarray] = []
    for i in range(1, len(candidates)):
        weight = JOIN_WEIGHT * 0.5 ** (max(0.0, gaps[i]) / JOIN_HALF_LIFE)
        matrix = join_costs(records[i - 1], records[i])
        through = totals[:, None] + weight * matrix
        best_prev = np.argmin(through, axis=0)  # first minimum: the smaller id wins ties
        totals = through[best_prev, np.arange(len(best_prev))] + targets[i]
        back.append(best_prev)
        joins.append(matrix)
    picks = [int(np.argmin(totals))]
    for step in reversed(back):
        picks.append(int(step[picks[-1]]))
    picks.reverse()
    return [
        (orders[i][pick], 0.0 if i == 0 else float(joins[i - 1][picks[i - 1], pick]))
        for i, pick in enumerate(picks)
    ]


# -- the timeline --------------------------------------------------------------------------


def sequence_plan(
    plan: MotionPlan,
    library: ClipLibrary,
    *,
    k: int = 10,
    weights: ScoreWeights | None = None,
    blend: float = BLEND,
) -> Timeline:
    """The Timeline of `plan`: per character, library clips for its body slots chosen by
    dynamic programming, procedural fill between them, blends and provenance."""
    fps = plan.scene.fps
    emotions = {u.id: u.emotion.label for u in plan.utterances}
    slots = {track.name: body_slots(plan, track.name, fps=fps) for track in plan.characters}
    queries = {
        track.name: [
            slot_query(
                slot,
                emotions[slot.event.utterance_id]
                if slot.event.utterance_id in emotions
                else face_emotion(track.events, slot),
            )
            for slot in slots[track.name]
        ]
        for track in plan.characters
    }
    found = fetch_candidates(
        library, (q for qs in queries.values() for q in qs), k, weights=weights
    )
    persistent = persistent_lexemes()
    tracks = []
    for track in plan.characters:
        choices = _choose(slots[track.name], [found[q] for q in queries[track.name]])
        postures = [
            e for e in track.events if isinstance(e, PostureEvent) and e.lexeme in persistent
        ]
        segments = _segments(choices, postures, plan.scene.duration, fps, blend)
        tracks.append(CharacterTimeline(name=track.name, segments=tuple(segments)))
    return Timeline(fps=fps, duration=plan.scene.duration, characters=tuple(tracks))


def face_emotion(events: Iterable[AnyEvent], slot: Slot) -> str:
    """The emotion the face shows over a slot of no line ("dances wildly, laughing": joy), from
    the face events of no line that overlap it (a reaction to a line is that line's); neutral
    where it shows none, so that a plain action plays the plain style."""
    levels: dict[int, float] = {}
    for event in events:
        if (
            isinstance(event, FaceEvent)
            and event.utterance_id is None
            and event.start < slot.end
            and event.end > slot.start
        ):
            levels[event.au] = max(levels.get(event.au, 0.0), event.intensity)
    return shown_emotion(levels)[0]


def _choose(slots: Sequence[Slot], candidates: Sequence[list[Candidate]]) -> list[Choice]:
    usable = [(s, c) for s, c in zip(slots, candidates, strict=True) if c]
    gaps = [0.0] + [b[0].start - a[0].end for a, b in itertools.pairwise(usable)]
    path = choose_path([c for _, c in usable], gaps)
    next_joins = [join for _, join in path[1:]] + [0.0] * bool(path)
    return [
        Choice(
            slot,
            cands[pick],
            1.0 - cands[pick].score,
            join,
            after,
            len(cands),
            max(c.score for c in cands),
        )
        for (slot, cands), (pick, join), after in zip(usable, path, next_joins, strict=True)
    ]


def _reason(choice: Choice) -> str:
    cand = choice.candidate
    lexeme = choice.slot.event.lexeme
    if cand.rank == 1:
        head = f"best match for '{lexeme}' (score {cand.score:.2f})"
    else:
        head = (
            f"rank {cand.rank} for '{lexeme}' (score {cand.score:.2f}), chosen for smoother "
            f"joins with its neighbours"
        )
    worst = max(choice.join_cost, choice.next_join_cost)
    joined = (
        "smooth join"
        if worst < 0.25
        else f"join cost in {choice.join_cost:.2f}, out {choice.next_join_cost:.2f}"
    )
    return f"{head}, {joined}; {cand.reason}"


def _clip_segment(choice: Choice, fps: int) -> Segment:
    slot, record = choice.slot, choice.candidate.record
    source_in, source_out = record.source.start, record.source.end
    target_in, target_out = slot.start, slot.end
    reason = _reason(choice)
    rate = (source_out - source_in) / (target_out - target_in)
    fastest = max_rate(record)
    if slot.held:
        source_in = source_out  # a freeze frame
        reason = f"holds its last frame ({slot.held}); {reason}"
    elif rate > fastest:
        source_out = source_in + (target_out - target_in) * fastest
    elif rate < MIN_RATE:
        target_out = max(
            target_in + 1.0 / fps, _snap(target_in + (source_out - source_in) / MIN_RATE, fps)
        )
    cand = choice.candidate
    return Segment(
        kind="clip",
        clip_id=record.id,
        source=record.source.file,
        rig=record.source.rig,
        source_in=source_in,
        source_out=source_out,
        target_in=target_in,
        target_out=target_out,
        lexeme=slot.event.lexeme,
        event_ids=(slot.event.id,),
        provenance=Provenance(
            reason=reason,
            score=round(cand.score, 6),
            rank=cand.rank,
            scores={
                "semantic": round(cand.semantic, 6),
                "tag": round(cand.tag, 6),
                "duration_fit": round(cand.duration_fit, 6),
                "target_cost": round(choice.target_cost, 6),
                "join_cost": round(choice.join_cost, 6),
                "best": round(choice.best, 6),
            },
            candidates=choice.candidates,
        ),
    )


def max_rate(record: ClipRecord) -> float:
    """How much faster than recorded a clip may play: no faster than keeps it under people's
    speeds and accelerations (`rate_within`), from the peaks its record carries; `MAX_RATE`
    for a record written before they were measured."""
    features = record.features
    if features is None or features.peak_speeds is None:
        return MAX_RATE
    return rate_within(features.peak_speeds, features.peak_accelerations or {})


def builtin_max_rate(clip_id: str) -> float:
    """`max_rate` of the built-in clip `clip_id`, from its synthesized motion."""
    return rate_within(*clip_peaks(clip_id))


def rate_within(speeds: Mapping[str, float], accelerations: Mapping[str, float]) -> float:
    """The fastest rate that keeps every group of a clip with these peak speeds and
    accelerations under `HUMAN_SPEED_LIMITS` and `HUMAN_ACCELERATION_LIMITS` (a rate r
    multiplies speeds by r, accelerations by r²), at most `MAX_RATE` and never below 1: a clip
    is not slowed for being fast (real mocap of a run is fast), only never sped past people."""
    headroom = min(
        speed_headroom(speeds, HUMAN_SPEED_LIMITS),
        acceleration_headroom(accelerations, HUMAN_ACCELERATION_LIMITS),
    )
    return min(MAX_RATE, max(1.0, headroom))


def _fill_segments(
    start: float, end: float, postures: Sequence[PostureEvent], fps: int
) -> list[Segment]:
    """Procedural fill over [start, end], split where a persistent posture begins or ends."""
    cuts = {start, end}
    for p in postures:
        for t in (_snap(p.start, fps), _snap(p.end, fps)):
            if start < t < end:
                cuts.add(t)
    times = _without_slivers(sorted(cuts))
    idle = next(c for c in builtin_library() if c.id == IDLE_CLIP)
    out = []
    for a, b in itertools.pairwise(times):
        if b - a < 0.5 / fps:
            continue
        mid = (a + b) / 2
        held = next((p for p in postures if p.start <= mid < p.end), None)
        lexeme = held.lexeme if held is not None else "idle"
        reason = (
            f"procedural fill: holds the '{held.lexeme}' posture with idle breathing"
            if held is not None
            else "procedural fill: idle stance loop, no plan event here"
        )
        source_in = round(math.fmod(a, idle.duration), 6)
        out.append(
            Segment(
                kind="procedural",
                clip_id=f"builtin/{idle.id}",
                source=f"builtin:{idle.id}",
                source_in=source_in,
                source_out=round(source_in + (b - a), 6),
                target_in=a,
                target_out=b,
                lexeme=lexeme,
                event_ids=(held.id,) if held is not None else (),
                provenance=Provenance(reason=reason),
            )
        )
    return out


def _without_slivers(times: list[float]) -> list[float]:
    """Cut times of a fill without the inner cuts that would leave a piece shorter than
    `MIN_FILL`: a posture that begins or ends a frame from a clip made one-frame holds, whose
    blends (half their length) snapped a sitting body upright in a frame."""
    kept = list(times)
    while len(kept) > 2:
        lengths = [b - a for a, b in itertools.pairwise(kept)]
        shortest = min(range(len(lengths)), key=lambda i: (lengths[i], i))
        if lengths[shortest] >= MIN_FILL - 1e-9:
            break
        # Merge the short piece into the one before it (the first one into the one after).
        del kept[shortest if shortest > 0 else 1]
    return kept


def _keeps_posture(segment: Segment) -> bool:
    """Whether a persistent posture in force still holds the body through `segment`, as the
    assembler plays it (`motion.assemble`): a fill holding that posture, or a gesture or head
    movement, which is layered onto it; not an idle fill or another posture."""
    if segment.kind == "procedural" and segment.source == IDLE_SOURCE:
        return segment.lexeme in persistent_lexemes()
    return segment.lexeme is not None and segment.lexeme not in POSTURE_LEXEMES


def _posture_held_after(segment: Segment, held: str | None) -> str | None:
    """The persistent posture in force when `segment` ends (`held` before it), or None."""
    if segment.lexeme in persistent_lexemes():
        return segment.lexeme
    return held if held is not None and _keeps_posture(segment) else None


def _segments(
    choices: Sequence[Choice],
    postures: Sequence[PostureEvent],
    duration: float,
    fps: int,
    blend: float,
) -> list[Segment]:
    laid: list[Segment] = []
    cursor = 0.0
    for choice in choices:
        segment = _clip_segment(choice, fps)
        if segment.target_in > cursor + 1e-9:
            laid.extend(_fill_segments(cursor, segment.target_in, postures, fps))
        laid.append(segment)
        cursor = segment.target_out
    if duration > cursor + 1e-9:
        laid.extend(_fill_segments(cursor, duration, postures, fps))
    if not laid:
        # A scene shorter than a frame (a turn of zero-length words) still has its frames.
        laid = _fill_segments(0.0, 1.0 / fps, postures, fps)
    if laid and laid[-1].target_out < duration:
        laid[-1] = laid[-1].model_copy(update={"target_out": duration})
    # A scene opening on a held posture cuts to it: no crossfade from the scene before.
    cuts = {choice.slot.start for choice in choices if choice.slot.held == OPENS}
    out: list[Segment] = []
    held: str | None = None  # the persistent posture in force, as the assembler holds it
    for i, segment in enumerate(laid):
        if i > 0 and not (segment.kind == "clip" and segment.target_in in cuts):
            length = segment.target_out - segment.target_in
            prev_length = laid[i - 1].target_out - laid[i - 1].target_in
            fade = round(max(0.0, min(blend, length / 2, prev_length / 2)), 6)
            if held is not None and not _keeps_posture(segment):
                # Library clips start standing, so the blend out of a held posture is the way
                # up: it takes the time a person needs (sitting to standing in 0.03 s, the
                # blend of a two-frame hold, moved the pelvis at 7 m/s; a wave layered on a
                # turned-away body, then idle, turned the pelvis back at 575 °/s; up off the
                # floor in 1 s, the head at 2.7 m/s).
                if held in FROM_THE_FLOOR:
                    release = min(2 * RELEASE_BLEND, length)
                else:
                    release = min(RELEASE_BLEND, length / 2)
                fade = round(max(fade, release), 6)
            segment = segment.model_copy(update={"blend_in": fade})
        out.append(segment)
        held = _posture_held_after(segment, held)
    return out
