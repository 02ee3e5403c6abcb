"""What the LLM planner says to the model and how it reads the answer back.

Three jobs, all pure: the messages for a chunk of lines (the scene as numbered words, the
vocabulary with meanings, one worked example), the JSON Schema of the answer (built per chunk, so
line ids and character names are enums the server can enforce), and the conversion of an answer
into UtteranceDirections with every problem listed, ready to be fed back. No network here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from motiondirector.plan.direction import Behaviour, Direction, UtteranceDirection
from motiondirector.plan.scene import ActionLine, Scene, Utterance
from motiondirector.plan.validate import validate_direction
from motiondirector.plan.vocabulary import load_vocabulary
from motiondirector.yaml_data import load_yaml

SCHEMA_NAME = "direction"
MAX_BEHAVIOURS_PER_LINE = 8
CONTEXT_LINES = 3


@dataclass(frozen=True)
class PromptText:
    system: str
    example_user: str
    example_answer: str
    feedback: str


@cache
def load_prompt_text() -> PromptText:
    text = resources.files("motiondirector.planners").joinpath("data", "llm_prompt.yaml")
    data = load_yaml(text.read_text("utf-8"))
    return PromptText(
        system=str(data["system"]),
        example_user=str(data["example_user"]),
        example_answer=str(data["example_answer"]),
        feedback=str(data["feedback"]),
    )


@cache
def vocabulary_text() -> str:
    """The vocabulary as `name: meaning` lines grouped by channel, for the system prompt."""
    vocabulary = load_vocabulary()
    groups = [
        ("emotions", vocabulary.emotions),
        ("face (AU code)", {str(c): u.meaning for c, u in vocabulary.action_units.items()}),
        ("head", vocabulary.head),
        ("gesture", vocabulary.gestures),
        ("posture", vocabulary.postures),
        ("gaze targets", _gaze_target_meanings()),
    ]
    lines: list[str] = []
    for title, table in groups:
        lines.append(f"{title}:")
        lines.extend(f"  {name}: {meaning}" for name, meaning in table.items())
    return "\n".join(lines)


def _gaze_target_meanings() -> dict[str, str]:
    targets = dict(load_vocabulary().gaze_targets)
    meaning = targets.pop("character", "a character's name")
    return {"<NAME>": meaning, **targets}


@dataclass(frozen=True)
class Chunk:
    """Lines planned in one request, with the lines before them as context."""

    beat: int
    utterances: tuple[Utterance, ...]
    actions: tuple[ActionLine, ...]
    context: tuple[Utterance, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.utterances)


def chunk_scene(scene: Scene, size: int) -> list[Chunk]:
    """Split by beat, then into runs of at most `size` lines; the previous lines ride along."""
    chunks: list[Chunk] = []
    by_beat: dict[int, list[Utterance]] = {}
    for utterance in scene.utterances:
        by_beat.setdefault(utterance.beat, []).append(utterance)
    for beat, utterances in by_beat.items():
        for first in range(0, len(utterances), size):
            run = tuple(utterances[first : first + size])
            start, end = run[0].start, run[-1].end
            actions = tuple(
                a
                for a in scene.actions
                if a.beat == beat and (start <= a.start <= end or (first == 0 and a.start < start))
            )
            context = tuple(utterances[max(0, first - CONTEXT_LINES) : first])
            chunks.append(Chunk(beat=beat, utterances=run, actions=actions, context=context))
    return chunks


def _numbered(utterance: Utterance) -> str:
    before: dict[int, list[str]] = {}
    for parenthetical in utterance.parentheticals:
        before.setdefault(parenthetical.before_word, []).append(f"({parenthetical.text})")
    parts: list[str] = []
    for index, word in enumerate(utterance.words):
        parts.extend(before.get(index, []))
        parts.append(f"{index}:{word.text}")
    parts.extend(before.get(len(utterance.words), []))
    return " ".join(parts)


def chunk_user_message(scene: Scene, chunk: Chunk) -> str:
    """The scene part of the prompt: who is there, what came before, the lines to direct."""
    on_stage = scene.on_stage(chunk.beat)
    heading = scene.beats[chunk.beat].heading if chunk.beat < len(scene.beats) else None
    lines = [f"Characters on stage: {', '.join(on_stage)}."]
    if heading:
        lines.append(f"Scene: {heading}")
    if chunk.context:
        lines.append("Earlier lines (context only, already directed):")
        lines.extend(f"  {u.speaker}: {u.text}" for u in chunk.context)
    events: list[tuple[float, int, str]] = []
    for action in chunk.actions:
        events.append((action.start, 0, f"[action {action.id}] {action.text}"))
    # Who comes and goes, so that nobody is directed while off stage.
    said = {line.id for line in chunk.actions} | set(chunk.ids)
    if chunk.beat < len(scene.beats):
        for change in scene.beats[chunk.beat].stage:
            if change.action_id in said or change.utterance_id in said:
                events.append((change.time, 2, f"[{change.character} {change.change}]"))
    for utterance in chunk.utterances:
        listeners = [
            c for c in scene.on_stage(chunk.beat, utterance.start) if c != utterance.speaker
        ]
        to = f" to {', '.join(utterance.addressees)}" if utterance.addressees else ""
        heard = f" (listeners: {', '.join(listeners)})" if listeners else ""
        events.append(
            (
                utterance.start,
                1,
                f"{utterance.id} {utterance.speaker}{to}{heard}: {_numbered(utterance)}",
            )
        )
    lines.append("Lines to direct:")
    lines.extend(text for _, _, text in sorted(events, key=lambda e: (e[0], e[1])))
    return "\n".join(lines)


def chunk_messages(scene: Scene, chunk: Chunk) -> list[dict[str, str]]:
    text = load_prompt_text()
    return [
        {"role": "system", "content": text.system.replace("{vocabulary}", vocabulary_text())},
        {"role": "user", "content": text.example_user},
        {"role": "assistant", "content": text.example_answer},
        {"role": "user", "content": chunk_user_message(scene, chunk)},
    ]


def feedback_messages(answer: str, problems: Sequence[str]) -> list[dict[str, str]]:
    """What is appended after an invalid answer: the answer itself and what was wrong."""
    listing = "\n".join(f"- {p}" for p in problems)
    return [
        {"role": "assistant", "content": answer},
        {"role": "user", "content": load_prompt_text().feedback.replace("{problems}", listing)},
    ]


# -- the answer schema -------------------------------------------------------------------------


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _behaviour_variant(channel: str, field: str | None, value: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "character": {"$ref": "#/$defs/character"},
        "channel": {"type": "string", "enum": [channel]},
    }
    if field is not None:
        properties[field] = value
    if channel == "gesture":
        properties["hand"] = _nullable({"type": "string", "enum": ["left", "right", "both"]})
    properties |= {
        "word": _nullable({"type": "integer", "minimum": 0}),
        "until_word": _nullable({"type": "integer", "minimum": 0}),
        "intensity": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def answer_schema(scene: Scene, chunk: Chunk) -> dict[str, Any]:
    """JSON Schema of the answer for `chunk`: one entry per line id, behaviours by channel."""
    vocabulary = load_vocabulary()
    characters = list(scene.characters)
    targets = characters + [t for t in vocabulary.gaze_targets if t != "character"]
    line = {
        "type": "object",
        "properties": {
            "intent": {"type": "string"},
            "emotion": {"type": "string", "enum": list(vocabulary.emotions)},
            "intensity": {"type": "number", "minimum": 0, "maximum": 1},
            "behaviours": {
                "type": "array",
                "items": {"$ref": "#/$defs/behaviour"},
                "maxItems": MAX_BEHAVIOURS_PER_LINE,
            },
        },
        "required": ["intent", "emotion", "intensity", "behaviours"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "lines": {
                "type": "object",
                "properties": {uid: {"$ref": "#/$defs/line"} for uid in chunk.ids},
                "required": list(chunk.ids),
                "additionalProperties": False,
            }
        },
        "required": ["lines"],
        "additionalProperties": False,
        "$defs": {
            "character": {"type": "string", "enum": characters},
            "line": line,
            "behaviour": {
                "anyOf": [
                    _behaviour_variant(
                        "face", "au", {"type": "integer", "enum": list(vocabulary.action_units)}
                    ),
                    _behaviour_variant(
                        "head", "lexeme", {"type": "string", "enum": list(vocabulary.head)}
                    ),
                    _behaviour_variant(
                        "gesture", "lexeme", {"type": "string", "enum": list(vocabulary.gestures)}
                    ),
                    _behaviour_variant(
                        "posture", "lexeme", {"type": "string", "enum": list(vocabulary.postures)}
                    ),
                    _behaviour_variant("gaze", "target", {"type": "string", "enum": targets}),
                ]
            },
        },
    }


# -- reading the answer ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadAnswer:
    """The lines an answer directs validly, and what was wrong with the others."""

    directions: Mapping[str, UtteranceDirection]
    problems: Mapping[str, tuple[str, ...]]


def read_answer(answer: Mapping[str, Any], scene: Scene, chunk: Chunk, rule: str) -> ReadAnswer:
    """Check an answer line by line against the contract, the vocabulary and the words."""
    lines = answer.get("lines")
    if not isinstance(lines, Mapping):
        problem = 'the answer needs an object "lines" keyed by line id'
        return ReadAnswer({}, {uid: (problem,) for uid in chunk.ids})
    directions: dict[str, UtteranceDirection] = {}
    problems: dict[str, tuple[str, ...]] = {}
    for unknown in sorted(set(lines) - set(chunk.ids)):
        problems.setdefault(unknown, (f"line {unknown!r} is not one of {', '.join(chunk.ids)}",))
    for uid in chunk.ids:
        entry = lines.get(uid)
        if not isinstance(entry, Mapping):
            problems[uid] = (f"line {uid} is missing",)
            continue
        direction, found = _read_line(uid, entry, scene, rule)
        if found:
            problems[uid] = tuple(found)
        elif direction is not None:
            directions[uid] = direction
    return ReadAnswer(directions, problems)


def _read_line(
    uid: str, entry: Mapping[str, Any], scene: Scene, rule: str
) -> tuple[UtteranceDirection | None, list[str]]:
    raw_behaviours = entry.get("behaviours", [])
    if not isinstance(raw_behaviours, list):
        return None, [f"line {uid}: behaviours must be a list"]
    problems: list[str] = []
    behaviours: list[Behaviour] = []
    for index, raw in enumerate(raw_behaviours):
        if not isinstance(raw, Mapping):
            problems.append(f"line {uid} behaviour {index}: must be an object")
            continue
        fields = {k: raw.get(k) for k in ("character", "channel", "lexeme", "au", "target")}
        fields |= {k: raw.get(k) for k in ("hand", "word", "until_word")}
        fields["intensity"] = _clamped(raw.get("intensity", 0.5))
        fields["origin"] = "llm"  # set here, never asked of the model
        fields["rule"] = f"{rule}.{raw.get('channel', 'unknown')}"
        fields["reason"] = str(raw.get("reason") or "chosen by the model")[:200]
        try:
            behaviours.append(Behaviour.model_validate(fields))
        except ValidationError as error:
            problems.extend(f"line {uid} behaviour {index}: {p}" for p in _messages(error))
    try:
        direction = UtteranceDirection.model_validate(
            {
                "utterance_id": uid,
                "intent": str(entry.get("intent") or "")[:60] or "say",
                "emotion": entry.get("emotion"),
                "intensity": _clamped(entry.get("intensity")),
                "emotion_origin": "llm",
                "emotion_reason": f"{rule}: chosen by the model",
                "behaviours": tuple(behaviours),
            }
        )
    except ValidationError as error:
        problems.extend(f"line {uid}: {p}" for p in _messages(error))
        return None, problems
    single = Direction(planner="llm", utterances=(direction,))
    problems.extend(
        p.replace(f"utterance {uid} ", f"line {uid} ", 1) for p in validate_direction(single, scene)
    )
    return direction, problems


def _clamped(value: Any) -> Any:
    """Intensities outside 0-1 are brought inside (some grammar engines ignore the bounds)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return min(1.0, max(0.0, float(value)))
    return value


def _messages(error: ValidationError) -> list[str]:
    messages = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "value"
        messages.append(f"{where}: {item['msg']} (got {item.get('input')!r})")
    return messages
