"""Validation of plans and directions against the contract, reporting every violation.

Pydantic checks shapes and ranges; this module checks what a schema cannot: times inside the
scene, ordered sync points, one gesture per hand at a time, AU codes and gaze targets that exist,
references between utterances and events. It never repairs anything: it only reports.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from motiondirector.errors import PlanValidationError
from motiondirector.plan.direction import Behaviour, Direction
from motiondirector.plan.motion_plan import (
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    MotionPlan,
)
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import Timeline
from motiondirector.plan.vocabulary import load_vocabulary

# Times are rounded to milliseconds; comparisons allow for that rounding.
_EPS = 1e-6
GAZE_PLACES = ("away", "down", "up", "camera")


def validate_plan(plan: MotionPlan) -> list[str]:
    """Every violation in `plan`, as readable sentences; an empty list means valid."""
    vocabulary = load_vocabulary()
    problems: list[str] = []
    duration = plan.scene.duration
    names = {track.name for track in plan.characters}
    utterance_ids = {u.id for u in plan.utterances}

    def inside(what: str, start: float, end: float) -> None:
        if start > end + _EPS:
            problems.append(f"{what}: start {start} is after end {end}")
        if start < -_EPS or end > duration + _EPS:
            problems.append(f"{what}: [{start}, {end}] is outside the scene [0, {duration}]")

    for utterance in plan.utterances:
        what = f"utterance {utterance.id}"
        inside(what, utterance.start, utterance.end)
        if utterance.speaker not in names:
            problems.append(f"{what}: speaker {utterance.speaker!r} has no character track")
        if utterance.fallback is not None and utterance.planned_by != "rules":
            problems.append(
                f"{what}: the rules stood in for the model (fallback) but planned_by says "
                f"{utterance.planned_by!r}"
            )
        for addressee in utterance.addressees:
            if addressee not in names:
                problems.append(f"{what}: addressee {addressee!r} is not a character")
        previous_end = utterance.start
        for index, word in enumerate(utterance.words):
            if word.start + _EPS < previous_end or word.end + _EPS < word.start:
                problems.append(f"{what}: word {index} {word.text!r} is out of order")
            if word.end > utterance.end + _EPS:
                problems.append(f"{what}: word {index} {word.text!r} ends after the utterance")
            previous_end = word.end

    seen_ids: set[str] = set()
    for track in plan.characters:
        hands: dict[str, list[tuple[float, float, str]]] = {"left": [], "right": []}
        for event in track.events:
            what = f"{track.name} {event.channel} event {event.id}"
            if event.id in seen_ids:
                problems.append(f"{what}: duplicate event id")
            seen_ids.add(event.id)
            inside(what, event.start, event.end)
            if event.utterance_id is not None and event.utterance_id not in utterance_ids:
                problems.append(f"{what}: unknown utterance {event.utterance_id!r}")
            if isinstance(event, FaceEvent):
                if event.au not in vocabulary.action_units:
                    problems.append(f"{what}: AU {event.au} is not in the vocabulary")
                env = event.envelope
                if not (
                    event.start - _EPS <= env.apex_start <= env.apex_end + _EPS
                    and env.apex_end <= event.end + _EPS
                ):
                    problems.append(
                        f"{what}: envelope is not start <= apex_start <= apex_end <= end"
                    )
            elif isinstance(event, HeadEvent | GestureEvent):
                sync = event.sync
                points = [sync.start, sync.ready, sync.stroke, sync.relax, sync.end]
                if any(b + _EPS < a for a, b in itertools.pairwise(points)):
                    problems.append(
                        f"{what}: sync points not ordered start<=ready<=stroke<=relax<=end"
                    )
                if abs(sync.start - event.start) > _EPS or abs(sync.end - event.end) > _EPS:
                    problems.append(f"{what}: sync start/end differ from the event's start/end")
                if isinstance(event, GestureEvent):
                    used = ("left", "right") if event.hand == "both" else (event.hand,)
                    for hand in used:
                        hands[hand].append((event.start, event.end, event.id))
                    if event.target is not None:
                        problems.extend(_target_problem(what, event.target, names))
            elif isinstance(event, GazeEvent):
                problems.extend(_target_problem(what, event.target, names))
                if event.target == track.name:
                    problems.append(f"{what}: a character cannot look at themself")
        for hand, spans in hands.items():
            spans.sort()
            for (_, end_a, id_a), (start_b, _, id_b) in itertools.pairwise(spans):
                if start_b + _EPS < end_a:
                    problems.append(
                        f"{track.name}: gestures {id_a} and {id_b} use the {hand} hand at once"
                    )
    return problems


def _target_problem(what: str, target: str, names: Iterable[str]) -> list[str]:
    if target in GAZE_PLACES or target in names:
        return []
    return [f"{what}: target {target!r} is neither a character nor one of {list(GAZE_PLACES)}"]


def check_plan(plan: MotionPlan) -> MotionPlan:
    """Return `plan` if valid, else raise PlanValidationError listing every violation."""
    problems = validate_plan(plan)
    if problems:
        raise PlanValidationError(problems)
    return plan


class NotAPlanError(PlanValidationError):
    """What was given as a plan is another document of ours (a timeline, a direction, ...) or
    not JSON at all (a script: `document` "text"). `document` says which; `instead` is the
    plan file to give, when one lies beside it."""

    def __init__(self, message: str, *, document: str, instead: Path | None) -> None:
        self.document = document
        self.instead = instead
        super().__init__([message])
        self.args = (message,)

    def __str__(self) -> str:
        return self.violations[0]


def load_plan_json(text: str, *, source: str | os.PathLike[str] | None = None) -> MotionPlan:
    """Parse and fully validate a plan; schema and semantic violations are all reported.

    JSON that is another of our documents (timeline.json, direction.json, scene.json,
    revision.json, a search result, ...) raises `NotAPlanError` saying what it is; `source`,
    the file the text came from, lets it name the plan.json beside it to give instead."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if not text.lstrip().startswith(("{", "[")):
            this = "the text" if source is None else str(source)
            raise NotAPlanError(
                f"{this} is not JSON, so not a motion plan; a script is planned first: "
                f"`motiondirector direct SCRIPT --out FOLDER` writes FOLDER/{PLAN_FILE}, and "
                "FOLDER is what to give",
                document="text",
                instead=None,
            ) from None
        raise PlanValidationError([f"not JSON: {error.msg} at line {error.lineno}"]) from None
    try:
        plan = MotionPlan.model_validate(data)
    except ValidationError as error:
        _refuse_other_document(data, None if source is None else Path(source))
        raise PlanValidationError(
            [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        ) from None
    return check_plan(plan)


PLAN_FILE = "plan.json"
"""The plan's name in a folder written by `motiondirector direct --out`."""


def _refuse_other_document(data: object, source: Path | None) -> None:
    """Raise `NotAPlanError` when `data` is another of our documents rather than a broken plan."""
    document = _other_document(data)
    if document is None:
        return
    name, what = document
    this = "the file" if source is None else str(source)
    instead: Path | None = None
    if source is not None:
        beside = source.parent / PLAN_FILE
        if beside.is_file() and beside.resolve() != source.resolve():
            instead = beside
    if instead is not None:
        hint = f"give {instead} instead"
    else:
        hint = (
            f"give the {PLAN_FILE} that `motiondirector direct --out FOLDER` writes in FOLDER, "
            "or make one with `motiondirector plan SCRIPT -o plan.json`"
        )
    raise NotAPlanError(
        f"{this} is {what}, not a motion plan; {hint}", document=name, instead=instead
    )


def document_kind(data: object) -> tuple[str, str] | None:
    """(name, description) of the document of ours `data` is (a plan too), or None."""
    if isinstance(data, dict) and _fits(set(data), MotionPlan):
        return "plan", "a motion plan (plan.json)"
    return _other_document(data)


def _other_document(data: object) -> tuple[str, str] | None:
    """(name, description) of the document of ours `data` is, when it is not a plan."""
    if isinstance(data, list):
        if data and all(isinstance(i, dict) and {"rank", "id", "score"} <= set(i) for i in data):
            return "search", "a search result (`motiondirector search --format json`)"
        if data and all(isinstance(i, dict) and ("speaker" in i or "action" in i) for i in data):
            return "dialogue", "a dialogue script (a list of turns): plan it first"
        return None
    if not isinstance(data, dict):
        return None
    keys = set(data)
    if _fits(keys, MotionPlan):
        return None  # a plan with errors: its violations say more
    if "OTIO_SCHEMA" in keys:
        return "otio", "an OpenTimelineIO timeline (timeline.otio)"
    if isinstance(data.get("format"), str) and data["format"].startswith("motiondirector-"):
        return "export", f"an export ({data['format']})"
    if {"note", "constraints", "diff"} <= keys:
        return "revision", "a revision record (revision.json: the note and its diff)"
    if "$schema" in keys or "$defs" in keys:
        return "schema", "a JSON Schema (`motiondirector schema`)"
    if "turns" in keys:
        return "dialogue", "a dialogue script (turns): plan it first"
    for name, model, what in _DOCUMENTS:
        if _fits(keys, model):
            return name, what
    return None


_DOCUMENTS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("timeline", Timeline, "a timeline (timeline.json: the clips chosen for a plan)"),
    ("direction", Direction, "a direction (direction.json: the planner's choices per line)"),
    ("scene", Scene, "a parsed scene (scene.json: lines and timings, no behaviour)"),
)


def _fits(keys: set[str], model: type[BaseModel]) -> bool:
    """The keys are the model's fields and include every field it requires."""
    fields = model.model_fields
    required = {name for name, field in fields.items() if field.is_required()}
    return required <= keys <= set(fields)


def validate_direction(direction: Direction, scene: Scene) -> list[str]:
    """Every violation of `direction` against `scene` and the vocabulary."""
    problems: list[str] = []
    utterances = {u.id: u for u in scene.utterances}
    actions = {a.id: a for a in scene.actions}
    characters = set(scene.characters)
    for item in direction.utterances:
        utterance = utterances.get(item.utterance_id)
        if utterance is None:
            problems.append(f"utterance {item.utterance_id!r} is not in the scene")
            continue
        for index, behaviour in enumerate(item.behaviours):
            where = f"utterance {item.utterance_id} behaviour {index}"
            problems.extend(_behaviour_problems(where, behaviour, characters, len(utterance.words)))
    for action in direction.actions:
        line = actions.get(action.action_id)
        if line is None:
            problems.append(f"action {action.action_id!r} is not in the scene")
        # An action's words are its text's, split at spaces.
        n_words = len(line.text.split()) if line is not None else None
        for index, behaviour in enumerate(action.behaviours):
            where = f"action {action.action_id} behaviour {index}"
            problems.extend(_behaviour_problems(where, behaviour, characters, n_words))
    return problems


def _behaviour_problems(
    where: str, behaviour: Behaviour, characters: set[str], n_words: int | None
) -> list[str]:
    vocabulary = load_vocabulary()
    problems: list[str] = []
    channel = behaviour.channel
    if behaviour.character not in characters:
        problems.append(f"{where}: character {behaviour.character!r} is not in the scene")
    if channel == "face":
        if behaviour.au is None or behaviour.au not in vocabulary.action_units:
            problems.append(f"{where}: face behaviour needs an AU from the vocabulary")
    elif channel == "gaze":
        allowed = characters | set(vocabulary.gaze_targets) - {"character"}
        if behaviour.target not in allowed:
            problems.append(f"{where}: gaze target {behaviour.target!r} is not valid")
    elif behaviour.lexeme not in vocabulary.lexemes(channel):
        problems.append(f"{where}: {channel} lexeme {behaviour.lexeme!r} is not in the vocabulary")
    if n_words is not None:
        for name in ("word", "until_word"):
            value = getattr(behaviour, name)
            if value is not None and value >= n_words:
                problems.append(f"{where}: {name} {value} is past the last word ({n_words - 1})")
        if (
            behaviour.word is not None
            and behaviour.until_word is not None
            and behaviour.until_word < behaviour.word
        ):
            problems.append(f"{where}: until_word comes before word")
    return problems
