"""Revision by notes: apply constraints to a Direction, realize it again, report what changed.

Constraints (`agent/notes.py`) change the *Direction*, never realized events:

- `EmotionShift`: the line's emotion and intensity (emotion origin `revision`), and the
  speaker's emotion face (the EMFACS prototype, origin `emotion`, rule `revision.emotion`,
  replacing the faces of origin `emotion`, or for planners that do not mark them (the LLM's)
  the faces with an AU of the old emotion); explicit faces from parentheticals stay.
  Listeners' reactions are left as they were, so a character the note does not name does not
  change.
- `Stillness`: the character's head, gesture and posture behaviours in the span are removed.
- `GestureChange`: below 1, the character's gestures in the span are thinned, beats first,
  then dialogue cues, explicit direction last (`plan.direction.priority`); above 1, beat
  gestures are added on stressed words of their lines (origin `beat`, rule
  `revision.gestures.beat`).
- `StyleChange`: the preset's gesture count, and gesture and head intensities.

The new Direction is realized with the previous plan's seed and frame rate. Events whose
content is unchanged keep their ids (the realizer numbers events in the order it makes
them, so an added event would otherwise renumber the rest), changed events keep the id of
the event they replace, new ones get fresh numbers: so the diff can report added, removed
and changed events per character, and an untouched character's events stay byte-identical.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from motiondirector.agent.notes import (
    Constraint,
    EmotionShift,
    GestureChange,
    Span,
    Stillness,
    StyleChange,
    load_note_phrases,
    load_styles,
    parse_note,
    parse_note_llm,
)
from motiondirector.errors import RevisionError
from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.plan.direction import (
    Behaviour,
    Direction,
    Priority,
    UtteranceDirection,
    emotion_faces,
    priority,
)
from motiondirector.plan.motion_plan import AnyEvent, CharacterTrack, MotionPlan
from motiondirector.plan.scene import ActionLine, Scene, Utterance
from motiondirector.plan.validate import check_plan
from motiondirector.plan.vocabulary import load_emfacs
from motiondirector.realize import plan_scene
from motiondirector.realize.pipeline import FixedDirection

if TYPE_CHECKING:
    from motiondirector.agent.director import Director
    from motiondirector.planners.cues import Token

MOVING_CHANNELS = frozenset({"head", "gesture", "posture"})
EMOTION_RULE = "revision.emotion"
BEAT_RULE = "revision.gestures.beat"
MIN_BEAT_GAP = 3  # words between two gestures of a line, as the planner's beats keep
NEUTRAL_CAP = 0.3


# -- spans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SpanTest:
    utterance: Callable[[int, Utterance], bool]
    action: Callable[[ActionLine], bool]


def _span_test(span: Span, scene: Scene) -> _SpanTest:
    half = scene.duration / 2
    if span.part == "whole":
        return _SpanTest(lambda i, u: True, lambda a: True)
    if span.part == "from_line":
        assert span.line is not None
        if span.line > len(scene.utterances):
            raise RevisionError(
                f"line {span.line} does not exist: the scene has {len(scene.utterances)} lines"
            )
        first = span.line - 1
        begins = scene.utterances[first].start
        return _SpanTest(lambda i, u: i >= first, lambda a: a.start >= begins)
    second = span.part == "second_half"

    def in_half(start: float, end: float) -> bool:
        return ((start + end) / 2 >= half) == second

    return _SpanTest(lambda i, u: in_half(u.start, u.end), lambda a: in_half(a.start, a.end))


# -- applying constraints ------------------------------------------------------------------


class _Draft:
    """A Direction being revised: utterance and action directions, replaceable by id."""

    def __init__(self, direction: Direction, scene: Scene) -> None:
        self.direction = direction
        self.scene = scene
        self.utterances = {u.id: u for u in scene.utterances}
        self.actions = {a.id: a for a in scene.actions}
        self.index = {u.id: i for i, u in enumerate(scene.utterances)}
        self.lines = {item.utterance_id: item for item in direction.utterances}
        self.action_lines = {item.action_id: item for item in direction.actions}

    def in_span(self, span: Span) -> tuple[list[str], list[str]]:
        """Ids of the utterances and actions inside `span`, in script order."""
        test = _span_test(span, self.scene)
        lines = [uid for uid in self.lines if test.utterance(self.index[uid], self.utterances[uid])]
        actions = [aid for aid in self.action_lines if test.action(self.actions[aid])]
        return lines, actions

    def map_behaviours(self, span: Span, change: Callable[[Behaviour], Behaviour | None]) -> None:
        """Replace (or drop, for None) every behaviour of the span's lines and actions."""
        lines, actions = self.in_span(span)
        for uid in lines:
            item = self.lines[uid]
            kept = tuple(b for b in map(change, item.behaviours) if b is not None)
            self.lines[uid] = item.model_copy(update={"behaviours": kept})
        for aid in actions:
            action = self.action_lines[aid]
            kept = tuple(b for b in map(change, action.behaviours) if b is not None)
            self.action_lines[aid] = action.model_copy(update={"behaviours": kept})

    def build(self) -> Direction:
        return self.direction.model_copy(
            update={
                "utterances": tuple(self.lines[i.utterance_id] for i in self.direction.utterances),
                "actions": tuple(self.action_lines[a.action_id] for a in self.direction.actions),
            }
        )


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def _emotion_face(behaviour: Behaviour, speaker: str, line: UtteranceDirection, label: str) -> bool:
    """Whether `behaviour` is the speaker's face of the line's old emotion: a face of origin
    `emotion` (the rules', an earlier revision's) or, for planners that do not mark it (the
    LLM's faces are of origin `llm`), a face that is not explicit direction and shows an AU of
    the old emotion's prototype when the emotion changes."""
    if behaviour.character != speaker or behaviour.channel != "face":
        return False
    if behaviour.origin == "emotion":
        return True
    marked = any(
        b.character == speaker and b.channel == "face" and b.origin == "emotion"
        for b in line.behaviours
    )
    if marked or label == line.emotion or priority(behaviour) is Priority.EXPLICIT:
        return False
    return behaviour.au in load_emfacs().get(line.emotion, {})


def _apply_emotion(draft: _Draft, shift: EmotionShift, note: str) -> None:
    phrases = load_note_phrases()
    lines, _ = draft.in_span(shift.span)
    for uid in lines:
        item = draft.lines[uid]
        utterance = draft.utterances[uid]
        if utterance.speaker != shift.character:
            continue
        if shift.only is not None and item.emotion != shift.only:
            continue
        label = shift.emotion or item.emotion
        base = item.intensity if label == item.emotion else phrases.new_emotion_base
        intensity = _clamp(shift.intensity if shift.intensity is not None else base + shift.change)
        if label == "neutral":
            intensity = min(intensity, NEUTRAL_CAP)
        reason = f'note "{note}": {label} {intensity:.2f}'
        kept = tuple(
            b for b in item.behaviours if not _emotion_face(b, shift.character, item, label)
        )
        faces = emotion_faces(
            shift.character,
            label,
            intensity,
            len(utterance.words),
            rule=EMOTION_RULE,
            reason=reason,
        )
        draft.lines[uid] = item.model_copy(
            update={
                "emotion": label,
                "intensity": intensity,
                "emotion_origin": "revision",
                "emotion_reason": reason,
                "behaviours": kept + tuple(faces),
            }
        )


def _apply_stillness(draft: _Draft, still: Stillness) -> None:
    def keep(b: Behaviour) -> Behaviour | None:
        # The posture a scene opens on is how the character is, not a movement they make.
        moving = (
            b.character == still.character
            and b.channel in MOVING_CHANNELS
            and b.origin != "opening"
        )
        return None if moving else b

    draft.map_behaviours(still.span, keep)


def _thin_gestures(draft: _Draft, character: str, span: Span, scale: float) -> None:
    lines, actions = draft.in_span(span)
    found: list[tuple[int, int, int, Behaviour]] = []  # rank, place, position, behaviour
    places: list[tuple[str, str]] = [("line", uid) for uid in lines] + [
        ("action", aid) for aid in actions
    ]
    for place, (kind, key) in enumerate(places):
        behaviours = (
            draft.lines[key].behaviours if kind == "line" else (draft.action_lines[key].behaviours)
        )
        for position, b in enumerate(behaviours):
            if b.character == character and b.channel == "gesture":
                found.append((priority(b), place, position, b))
    keep = math.floor(len(found) * scale + 0.5)
    # Explicit direction is kept longest, beats go first; earlier ones before later ones.
    ordered = sorted(found, key=lambda item: (item[0], item[1], item[2]))
    dropped = {id(item[3]) for item in ordered[keep:]}
    draft.map_behaviours(span, lambda b: None if id(b) in dropped else b)


@cache
def _function_words() -> frozenset[str]:
    from motiondirector.planners.cues import load_cue_lexicon

    return load_cue_lexicon().function_words


def _stress(token: Token) -> float | None:
    letters = sum(c.isalpha() for c in token.norm)
    if letters < 3 or token.norm in _function_words() or "'" in token.norm:
        return None
    return min(letters, 10) / 5 + (3 if token.emphasis else 0) + (1.5 if token.clause_end else 0)


def _add_gestures(draft: _Draft, character: str, span: Span, count: int, note: str) -> None:
    from motiondirector.planners.beats import beat_hand
    from motiondirector.planners.cues import tokenize

    lines, _ = draft.in_span(span)
    spoken = [uid for uid in lines if draft.utterances[uid].speaker == character]
    taken: dict[str, list[int]] = {
        uid: [
            b.word
            for b in draft.lines[uid].behaviours
            if b.character == character and b.channel == "gesture" and b.word is not None
        ]
        for uid in spoken
    }
    tokens = {uid: tokenize(draft.utterances[uid].words) for uid in spoken}
    added: dict[str, list[Behaviour]] = defaultdict(list)
    for _ in range(count):
        best: tuple[Any, ...] | None = None
        for order, uid in enumerate(spoken):
            for token in tokens[uid]:
                stress = _stress(token)
                if stress is None or any(abs(token.index - w) < MIN_BEAT_GAP for w in taken[uid]):
                    continue
                key = (len(added[uid]), -stress, order, token.index, uid, token)
                if best is None or key[:4] < best[:4]:
                    best = key
        if best is None:
            break
        uid, token = best[4], best[5]
        taken[uid].append(token.index)
        added[uid].append(
            Behaviour(
                character=character,
                channel="gesture",
                lexeme="beat",
                hand=beat_hand(uid, token.index),
                word=token.index,
                intensity=0.4,
                origin="beat",
                rule=BEAT_RULE,
                reason=f'note "{note}": stressed word "{token.text}"',
            )
        )
    for uid, behaviours in added.items():
        item = draft.lines[uid]
        ordered = tuple(sorted(behaviours, key=lambda b: b.word or 0))
        draft.lines[uid] = item.model_copy(update={"behaviours": item.behaviours + ordered})


def _count_gestures(draft: _Draft, character: str, span: Span) -> int:
    lines, actions = draft.in_span(span)
    items = [draft.lines[u].behaviours for u in lines] + [
        draft.action_lines[a].behaviours for a in actions
    ]
    return sum(b.character == character and b.channel == "gesture" for bs in items for b in bs)


def _apply_gesture_scale(
    draft: _Draft, character: str, span: Span, scale: float, note: str
) -> None:
    if scale < 1:
        _thin_gestures(draft, character, span, scale)
    elif scale > 1:
        have = _count_gestures(draft, character, span)
        _add_gestures(draft, character, span, max(1, round(have * (scale - 1))), note)


def _apply_style(draft: _Draft, style: StyleChange, note: str) -> None:
    preset = load_styles()[style.style]

    def scaled(b: Behaviour) -> Behaviour:
        if b.character != style.character:
            return b
        if b.channel == "gesture":
            return b.model_copy(
                update={"intensity": _clamp(b.intensity * preset.gesture_intensity)}
            )
        if b.channel == "head":
            return b.model_copy(update={"intensity": _clamp(b.intensity * preset.head_intensity)})
        return b

    draft.map_behaviours(style.span, scaled)
    _apply_gesture_scale(draft, style.character, style.span, preset.gestures, note)


def apply_constraints(
    direction: Direction, scene: Scene, constraints: Sequence[Constraint], *, note: str = ""
) -> Direction:
    """`direction` with `constraints` applied in order; nothing else changes."""
    unknown = sorted({c.character for c in constraints} - set(scene.characters))
    if unknown:
        raise RevisionError(
            f"the note names {', '.join(unknown)}, who is not in the scene; characters: "
            f"{', '.join(scene.characters)}"
        )
    draft = _Draft(direction, scene)
    for constraint in constraints:
        if isinstance(constraint, EmotionShift):
            _apply_emotion(draft, constraint, note)
        elif isinstance(constraint, Stillness):
            _apply_stillness(draft, constraint)
        elif isinstance(constraint, GestureChange):
            _apply_gesture_scale(
                draft, constraint.character, constraint.span, constraint.scale, note
            )
        else:
            _apply_style(draft, constraint, note)
    return draft.build()


# -- ids and the diff ----------------------------------------------------------------------


def _content(event: AnyEvent) -> str:
    return json.dumps(event.model_dump(mode="json", exclude={"id"}), sort_keys=True)


def _identity(event: AnyEvent) -> tuple[str, str | None, str]:
    data = event.model_dump(mode="json")
    what = data.get("lexeme") or data.get("au") or data.get("target") or ""
    return event.channel, event.utterance_id, str(what)


class EventSummary(BaseModel):
    """One event in a diff."""

    model_config = ConfigDict(frozen=True)

    id: str
    channel: str
    start: float
    end: float
    utterance_id: str | None
    description: str


class EventChange(BaseModel):
    """An event that is still there, changed: each field's value before and after."""

    model_config = ConfigDict(frozen=True)

    id: str
    channel: str
    utterance_id: str | None
    description: str
    fields: dict[str, tuple[Any, Any]]


class CharacterDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    character: str
    added: tuple[EventSummary, ...] = ()
    removed: tuple[EventSummary, ...] = ()
    changed: tuple[EventChange, ...] = ()
    unchanged: int = 0


class LineChange(BaseModel):
    """A line whose emotion changed."""

    model_config = ConfigDict(frozen=True)

    utterance_id: str
    speaker: str
    before: str = Field(description="emotion intensity, e.g. 'joy 0.60'")
    after: str


class PlanDiff(BaseModel):
    """What a revision changed: events per character, and line emotions."""

    model_config = ConfigDict(frozen=True)

    characters: tuple[CharacterDiff, ...]
    lines: tuple[LineChange, ...] = ()

    def character(self, name: str) -> CharacterDiff:
        for entry in self.characters:
            if entry.character == name:
                return entry
        raise KeyError(name)

    def summary(self) -> str:
        """One line per character: how many events were added, removed, changed, kept."""
        return "\n".join(
            f"{d.character}: {len(d.added)} added, {len(d.removed)} removed, "
            f"{len(d.changed)} changed, {d.unchanged} unchanged"
            for d in self.characters
        )


def _summary(event: AnyEvent) -> EventSummary:
    return EventSummary(
        id=event.id,
        channel=event.channel,
        start=event.start,
        end=event.end,
        utterance_id=event.utterance_id,
        description=event.description,
    )


_NUMBERED = re.compile(r"^(.*)-(\d+)$")


def _fresh_ids(old: Iterable[AnyEvent], prefix_hint: str) -> Callable[[], str]:
    numbers = [m for e in old if (m := _NUMBERED.match(e.id))]
    prefix = numbers[0].group(1) if numbers else prefix_hint
    counter = max((int(m.group(2)) for m in numbers), default=0)

    def fresh() -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}-{counter}"

    return fresh


def _reconcile_track(
    old: CharacterTrack, new: CharacterTrack
) -> tuple[CharacterTrack, CharacterDiff]:
    unmatched_old: dict[str, list[AnyEvent]] = defaultdict(list)
    for event in old.events:
        unmatched_old[_content(event)].append(event)
    ids: dict[int, str] = {}
    pending: list[AnyEvent] = []
    unchanged = 0
    for position, event in enumerate(new.events):
        same = unmatched_old.get(_content(event))
        if same:
            ids[position] = same.pop(0).id
            unchanged += 1
        else:
            pending.append(event)
    leftovers: dict[tuple[str, str | None, str], list[AnyEvent]] = defaultdict(list)
    for same_content in unmatched_old.values():
        for event in same_content:
            leftovers[_identity(event)].append(event)
    for bucket in leftovers.values():
        bucket.sort(key=lambda e: (e.start, e.id))
    changed: list[EventChange] = []
    added: list[EventSummary] = []
    fresh = _fresh_ids(old.events, new.events[0].id.rsplit("-", 1)[0] if new.events else "e")
    positions = {id(event): position for position, event in enumerate(new.events)}
    for event in pending:
        candidates = leftovers.get(_identity(event))
        position = positions[id(event)]
        if candidates:
            before = candidates.pop(0)
            ids[position] = before.id
            was = before.model_dump(mode="json", exclude={"id"})
            now = event.model_dump(mode="json", exclude={"id"})
            fields = {k: (was.get(k), now.get(k)) for k in sorted(set(was) | set(now))}
            changed.append(
                EventChange(
                    id=before.id,
                    channel=event.channel,
                    utterance_id=event.utterance_id,
                    description=event.description,
                    fields={k: v for k, v in fields.items() if v[0] != v[1]},
                )
            )
        else:
            ids[position] = fresh()
            added.append(_summary(event.model_copy(update={"id": ids[position]})))
    removed = [_summary(e) for bucket in leftovers.values() for e in bucket]
    removed.sort(key=lambda s: (s.start, s.id))
    renamed = tuple(
        event.model_copy(update={"id": ids[position]}) for position, event in enumerate(new.events)
    )
    diff = CharacterDiff(
        character=new.name,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(sorted(changed, key=lambda c: c.id)),
        unchanged=unchanged,
    )
    return new.model_copy(update={"events": renamed}), diff


def reconcile_plans(old: MotionPlan, new: MotionPlan) -> tuple[MotionPlan, PlanDiff]:
    """`new` with the ids of `old` kept for unchanged and changed events, and the diff."""
    tracks: list[CharacterTrack] = []
    diffs: list[CharacterDiff] = []
    previous = {track.name: track for track in old.characters}
    for track in new.characters:
        before = previous.get(track.name, CharacterTrack(name=track.name, events=()))
        kept, diff = _reconcile_track(before, track)
        tracks.append(kept)
        diffs.append(diff)
    old_lines = {u.id: u for u in old.utterances}
    lines = tuple(
        LineChange(
            utterance_id=u.id,
            speaker=u.speaker,
            before=f"{old_lines[u.id].emotion.label} {old_lines[u.id].emotion.intensity:.2f}",
            after=f"{u.emotion.label} {u.emotion.intensity:.2f}",
        )
        for u in new.utterances
        if u.id in old_lines and old_lines[u.id].emotion != u.emotion
    )
    plan = new.model_copy(update={"characters": tuple(tracks)})
    return plan, PlanDiff(characters=tuple(diffs), lines=lines)


# -- revising a result ---------------------------------------------------------------------


class Revision(BaseModel):
    """What revision.json records."""

    model_config = ConfigDict(frozen=True)

    note: str
    parser: Literal["rules", "llm"]
    constraints: tuple[Constraint, ...]
    seed: int
    fps: int
    diff: PlanDiff

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


@dataclass(frozen=True)
class RevisionResult:
    """A revision: the record (note, constraints, diff) and the newly directed result."""

    revision: Revision
    result: DirectResult

    @property
    def diff(self) -> PlanDiff:
        return self.revision.diff

    @property
    def constraints(self) -> tuple[Constraint, ...]:
        return self.revision.constraints


def read_note(
    note: str, scene: Scene, director: Director, parser: Literal["auto", "rules", "llm"]
) -> tuple[list[Constraint], Literal["rules", "llm"]]:
    """The note's constraints by the chosen parser ("auto": the LLM when one is configured)."""
    use_llm = parser == "llm" or (parser == "auto" and director.llm is not None)
    if not use_llm:
        return parse_note(note, scene), "rules"
    if director.llm is None:
        raise RevisionError(
            "the llm note parser needs an LLM: give llm=LLMConfig(...) (--llm-model, "
            "--llm-base-url), or read the note by rules (parser='rules', --parser rules)"
        )
    return parse_note_llm(note, scene, director.llm), "llm"


def revise_plan(
    previous: DirectResult, constraints: Sequence[Constraint], *, note: str = ""
) -> tuple[Direction, MotionPlan, PlanDiff]:
    """The revised Direction, the plan realized from it (same seed and fps, ids reconciled,
    validated) and the diff against the previous plan."""
    if previous.scene is None or previous.direction is None:
        raise RevisionError(
            "this result has no Scene and Direction to revise; direct it with Director"
        )
    direction = apply_constraints(previous.direction, previous.scene, constraints, note=note)
    info = previous.plan.scene
    fresh = plan_scene(
        previous.scene, planner=FixedDirection(direction), fps=info.fps, seed=info.seed
    )
    plan, diff = reconcile_plans(previous.plan, fresh)
    return direction, check_plan(plan), diff


def realization_notes(folder: str | os.PathLike[str], director: Director) -> list[str]:
    """Why revising the `direct` folder with `director` would also change the bodies of the
    characters a note leaves alone: the folder's clips are not all in the director's library,
    or it was directed with another retrieve threshold (its clips' provenance records both).
    Empty when they match, or when the folder cannot be read (the revision says why)."""
    from motiondirector.errors import MotionDirectorError

    try:
        timeline = SceneFolder(folder).read_timeline()
    except MotionDirectorError:
        return []
    clips = [s for t in timeline.characters for s in t.segments if s.kind == "clip"]
    notes = []
    known = {record.id for record in director.library.records}
    missing = sorted({s.clip_id for s in clips if s.clip_id is not None} - known)
    if missing:
        notes.append(
            f"{len(missing)} of its clips (e.g. {missing[0]}) are not in the library "
            f"{director.library.path}; give --library the one it was directed with"
        )
    used = {s.provenance.scores["threshold"] for s in clips if "threshold" in s.provenance.scores}
    if used and director.retrieve_threshold not in used:
        was = ", ".join(f"{value:g}" for value in sorted(used))
        notes.append(
            f"it was directed with --retrieve-threshold {was}, this revision uses "
            f"{director.retrieve_threshold:g}"
        )
    return notes


def cast_of(result: DirectResult) -> dict[str, frozenset[str]]:
    """Who played whom in a directed result: the videos each character's real faces came
    from (`Director.realize` keeps a character's performer when they are one performer's). A
    revision keeps them, so that a note about Ana's anger does not recast her as someone
    else."""
    cast = {}
    for track in result.timeline.characters:
        videos = {s.source for s in track.face_segments if s.kind == "clip" and s.source}
        if videos:
            cast[track.name] = frozenset(videos)
    return cast


def revise_result(
    director: Director,
    previous: DirectResult | str | os.PathLike[str],
    note: str,
    *,
    out: str | os.PathLike[str] | None = None,
    parser: Literal["auto", "rules", "llm"] = "auto",
) -> RevisionResult:
    """`Director.revise`: read the note, revise, realize and (with `out`) write the folder
    with revision.json."""
    base = previous if isinstance(previous, DirectResult) else SceneFolder(previous).load()
    if base.scene is None or base.direction is None:
        raise RevisionError(
            "this result has no Scene and Direction to revise; direct it with Director"
        )
    constraints, used = read_note(note, base.scene, director, parser)
    direction, plan, diff = revise_plan(base, constraints, note=note)
    result = director.realize(
        plan, out=out, scene=base.scene, direction=direction, face_cast=cast_of(base)
    )
    revision = Revision(
        note=note,
        parser=used,
        constraints=tuple(constraints),
        seed=plan.scene.seed,
        fps=plan.scene.fps,
        diff=diff,
    )
    if out is not None:
        folder = SceneFolder(out)
        result.paths["revision"] = folder.save_text(SceneFolder.REVISION, revision.to_json())
    return RevisionResult(revision=revision, result=result)
