"""Director's notes as constraints: "Ana angrier in the second half; Ben stays still".

A note becomes a list of `Constraint`s, each for one character over a span of the scene:

- `EmotionShift`: the emotion of the character's lines (set it, raise or lower it);
- `Stillness`: no gestures, posture changes or head movements (gaze and blinks stay);
- `GestureChange`: fewer or more gestures (a scale: 0 none, 0.5 half, 2 twice as many);
- `StyleChange`: a style preset (energetic, reserved, nervous, confident, tired).

Spans: the whole scene, its first or second half (by time), or from line N of dialogue on.

`parse_note` reads common phrasings offline (the words are package data,
`agent/data/notes.yaml` and `styles.yaml`; docs/director.md lists them) and refuses a clause it
cannot read rather than guess. `parse_note_llm` asks an LLM for the same constraints as JSON
under a schema and feeds validation errors back, bounded. Neither changes a plan:
`agent/revise.py` applies constraints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from motiondirector.errors import LLMError, RevisionError
from motiondirector.plan.vocabulary import EMOTIONS, Emotion
from motiondirector.yaml_data import load_yaml

if TYPE_CHECKING:
    from motiondirector.plan.scene import Scene
    from motiondirector.planners.llm_client import LLMConfig

StyleName = Literal["energetic", "reserved", "nervous", "confident", "tired"]
SpanPart = Literal["whole", "first_half", "second_half", "from_line"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Strict):
    """Which part of the scene a constraint covers."""

    part: SpanPart = Field(
        default="whole",
        description="whole: the whole scene; first_half / second_half: lines whose middle "
        "falls in that half of the scene's time; from_line: from dialogue line `line` to the end.",
    )
    line: int | None = Field(
        default=None,
        ge=1,
        description="For from_line only: the number of the line of dialogue, counting every "
        "character's lines from 1 in script order.",
    )

    @model_validator(mode="after")
    def _line_with_from_line(self) -> Span:
        if (self.part == "from_line") != (self.line is not None):
            raise ValueError("`line` is given with part from_line, and only then")
        return self

    def describe(self) -> str:
        if self.part == "from_line":
            return f"from line {self.line}"
        return {"whole": "whole scene", "first_half": "first half", "second_half": "second half"}[
            self.part
        ]


class EmotionShift(_Strict):
    """The emotion of a character's own lines: set, raised or lowered."""

    kind: Literal["emotion"] = "emotion"
    character: str = Field(description="The character, spelled as in the scene.")
    emotion: Emotion | None = Field(
        default=None, description="The emotion the lines take; null keeps each line's own."
    )
    intensity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Set the intensity to this; null: use change."
    )
    change: float = Field(
        default=0.0,
        ge=-1.0,
        le=1.0,
        description="Added to the intensity: +0.3 for 'angrier', -0.3 for 'calmer'.",
    )
    only: Emotion | None = Field(
        default=None,
        description="Change only lines whose emotion is this ('less angry': anger); null: all.",
    )
    span: Span = Field(default_factory=Span)


class Stillness(_Strict):
    """The character keeps still: no gestures, posture changes or head movements."""

    kind: Literal["stillness"] = "stillness"
    character: str = Field(description="The character, spelled as in the scene.")
    span: Span = Field(default_factory=Span)


class GestureChange(_Strict):
    """Fewer or more gestures for a character."""

    kind: Literal["gestures"] = "gestures"
    character: str = Field(description="The character, spelled as in the scene.")
    scale: float = Field(
        ge=0.0, le=3.0, description="How many gestures: 0 none, 0.5 half, 1 as planned, 2 twice."
    )
    span: Span = Field(default_factory=Span)


class StyleChange(_Strict):
    """A character's style: how many and how strong their movements are."""

    kind: Literal["style"] = "style"
    character: str = Field(description="The character, spelled as in the scene.")
    style: StyleName = Field(description="energetic, reserved, nervous, confident or tired.")
    span: Span = Field(default_factory=Span)


Constraint = Annotated[
    EmotionShift | Stillness | GestureChange | StyleChange, Field(discriminator="kind")
]


def describe_constraint(constraint: Constraint) -> str:
    """What a constraint asks, in a few words: `anger +0.3, second half`, `gestures ×0.5,
    whole scene`."""
    if isinstance(constraint, EmotionShift):
        emotion = constraint.emotion or "each line's emotion"
        amount = (
            f"at {constraint.intensity:g}"
            if constraint.intensity is not None
            else f"{constraint.change:+g}"
        )
        only = f" (lines of {constraint.only} only)" if constraint.only else ""
        what = f"{emotion} {amount}{only}"
    elif isinstance(constraint, GestureChange):
        what = f"gestures ×{constraint.scale:g}"
    elif isinstance(constraint, StyleChange):
        what = constraint.style
    else:
        what = "still"
    return f"{what}, {constraint.span.describe()}"


class NoteConstraints(_Strict):
    """What a note asks for, as constraints."""

    constraints: tuple[Constraint, ...]


# -- package data --------------------------------------------------------------------------


@dataclass(frozen=True)
class StylePreset:
    name: str
    words: tuple[str, ...]
    gestures: float
    gesture_intensity: float
    head_intensity: float


@dataclass(frozen=True)
class NotePhrases:
    """The words of `agent/data/notes.yaml`."""

    more: dict[str, Emotion]  # comparative -> emotion
    set: dict[str, tuple[Emotion, float]]  # adjective -> emotion, intensity
    adjectives: Mapping[str, Emotion]  # any emotion word -> emotion (for "less ...")
    calmer: tuple[str, ...]
    step: float
    intensifiers: dict[str, float]
    new_emotion_base: float


def _data(name: str) -> dict[str, Any]:
    text = resources.files("motiondirector.agent").joinpath("data", name).read_text("utf-8")
    loaded = load_yaml(text)
    if not isinstance(loaded, dict):
        raise RevisionError(f"agent/data/{name} is not a mapping")
    return loaded


@cache
def load_styles() -> dict[str, StylePreset]:
    """Style presets by name, from `agent/data/styles.yaml`."""
    presets = {}
    for name, entry in _data("styles.yaml")["styles"].items():
        presets[name] = StylePreset(
            name=name,
            words=tuple(entry["words"]),
            gestures=float(entry["gestures"]),
            gesture_intensity=float(entry["gesture_intensity"]),
            head_intensity=float(entry["head_intensity"]),
        )
    if set(presets) != set(get_args(StyleName)):
        raise RevisionError(f"styles.yaml names {sorted(presets)}, the code {get_args(StyleName)}")
    return presets


@cache
def load_note_phrases() -> NotePhrases:
    """The note parser's words, from `agent/data/notes.yaml`."""
    data = _data("notes.yaml")
    more: dict[str, Emotion] = {}
    set_: dict[str, tuple[Emotion, float]] = {}
    for label, entry in data["emotions"].items():
        if label not in EMOTIONS:
            raise RevisionError(f"notes.yaml: {label!r} is not a vocabulary emotion")
        emotion: Emotion = label
        more.update({word: emotion for word in entry["more"]})
        set_.update({word: (emotion, float(value)) for word, value in entry["set"].items()})
    for word, value in data["neutral"].items():
        set_[word] = ("neutral", float(value))
    adjectives = {word: emotion for word, (emotion, _) in set_.items() if emotion != "neutral"}
    return NotePhrases(
        more=more,
        set=set_,
        adjectives=adjectives,
        calmer=tuple(data["calmer"]),
        step=float(data["step"]),
        intensifiers={str(k): float(v) for k, v in data["intensifiers"].items()},
        new_emotion_base=float(data["new_emotion_base"]),
    )


# -- the rule parser -----------------------------------------------------------------------

_EVERYONE = re.compile(r"\b(everyone|everybody|all of them|both of them|both|the others)\b")
_PRONOUN = re.compile(r"^\s*(he|she|they|him|her|them|his|hers|their)\b")
_SPANS: tuple[tuple[re.Pattern[str], SpanPart], ...] = (
    (
        re.compile(
            r"\b(?:in |for |during |through |over |across )?the (?:second|last|latter|back) half"
            r"(?: of the scene)?\b|\blater on\b|\blater\b|\btowards? the end\b|\bat the end\b|"
            r"\bin the end\b"
        ),
        "second_half",
    ),
    (
        re.compile(
            r"\b(?:in |for |during |through |over |across )?the (?:first|front) half"
            r"(?: of the scene)?\b|\bat the (?:start|beginning)\b|\bin the beginning\b|"
            r"\bearly on\b|\bearly\b"
        ),
        "first_half",
    ),
    (
        re.compile(
            r"\b(?:throughout|the whole (?:scene|time)|all the time|the entire scene|"
            r"all scene long|all through)\b"
        ),
        "whole",
    ),
)
_FROM_LINE = re.compile(
    r"\b(from|after|since|starting (?:at|from|with)|beginning (?:at|with)|as of) line (\d+)"
    r"(?: on(?:wards?)?)?\b"
)
_STILL = re.compile(
    r"\b(?:(?:stays?|staying|keeps?|keeping|remains?|remaining|stands?|standing|sits?|sitting|"
    r"is|are|be|being|goes|go|holds?)\s+(?:very |completely |totally |perfectly |quite )?still)\b|"
    r"\bmotionless\b|\bimmobile\b|\bfrozen\b|\bfreezes?\b|\bstillness\b|"
    r"\b(?:does ?n[o']t|do ?n[o']t|doesn't|don't|not|never) move\b|\bno (?:movement|moving)\b"
)
_GESTURE_WORD = r"(?:gestures?|gesturing|hand movements?|hand gestures?|hands)"
_GESTURES: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"\b(?:no|without|zero) (?:more )?{_GESTURE_WORD}|\bstops? gesturing\b"), 0.0),
    (re.compile(rf"\b(?:far|much|a lot) (?:fewer|less) {_GESTURE_WORD}"), 0.25),
    (
        re.compile(
            rf"\b(?:fewer|less|not as many|minimal|half the|half as many) {_GESTURE_WORD}|"
            r"\bgestures? less\b|\bgesturing less\b"
        ),
        0.5,
    ),
    (
        re.compile(
            rf"\b(?:many|far|much|a lot) more {_GESTURE_WORD}|\b(?:twice as many|double the) "
            rf"{_GESTURE_WORD}|\b(?:lots|plenty) of {_GESTURE_WORD}"
        ),
        2.0,
    ),
    (re.compile(rf"\bmore {_GESTURE_WORD}|\bgestures? more\b|\bgesturing more\b"), 1.5),
)


def _words_pattern(words: Sequence[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b")


def _intensifier(before: str, phrases: NotePhrases) -> float:
    for word, factor in sorted(phrases.intensifiers.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{re.escape(word)}\s*$", before):
            return factor
    return 1.0


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){re.escape(name.lower())}(?:'s)?(?![\w'])")


def split_clauses(note: str, characters: Sequence[str]) -> list[str]:
    """The clauses of a note: split at ; . and line breaks, and at `,`/`and`/`but`/`while`
    where a character name, a pronoun or "everyone" follows."""
    names = "|".join(re.escape(n.lower()) for n in sorted(characters, key=len, reverse=True))
    subject = rf"(?:{names}|he|she|they|everyone|everybody|both)" if names else r"(?:he|she|they)"
    joiner = re.compile(
        rf"\s*(?:,\s*(?:and|but|while)?|\band\b|\bbut\b|\bwhile\b)\s+(?={subject}\b)"
    )
    clauses: list[str] = []
    for sentence in re.split(r"[;\n]+|\.(?:\s+|$)", note.lower()):
        clauses.extend(part.strip(" ,.!") for part in joiner.split(sentence))
    return [c for c in clauses if c]


def _span(clause: str, scene_lines: int, said: str) -> tuple[Span, str]:
    """The span `clause` asks for and the clause without it; `said` is the clause as the
    note gave it, for the error."""
    found = _FROM_LINE.search(clause)
    if found:
        line = int(found.group(2)) + (1 if found.group(1) == "after" else 0)
        if not 1 <= line <= max(1, scene_lines):
            raise RevisionError(
                f'"{said}": the scene has {scene_lines} lines of dialogue, no line {line}'
            )
        return Span(part="from_line", line=line), clause[: found.start()] + clause[found.end() :]
    for pattern, part in _SPANS:
        found = pattern.search(clause)
        if found:
            return Span(part=part), clause[: found.start()] + clause[found.end() :]
    return Span(), clause


def _effects(clause: str, character: str, span: Span) -> list[Constraint]:
    phrases = load_note_phrases()
    found: list[tuple[int, Constraint]] = []
    text = clause

    def take(match: re.Match[str]) -> str:
        nonlocal text
        text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
        return clause[: match.start()]

    if (match := _STILL.search(text)) is not None:
        take(match)
        found.append((match.start(), Stillness(character=character, span=span)))
    for pattern, scale in _GESTURES:
        if (match := pattern.search(text)) is not None:
            take(match)
            found.append(
                (match.start(), GestureChange(character=character, scale=scale, span=span))
            )
            break
    less = _words_pattern([f"less {word}" for word in phrases.adjectives])
    for match in list(less.finditer(text)):
        before = take(match)
        emotion = phrases.adjectives[match.group(1).removeprefix("less ")]
        change = -phrases.step * _intensifier(before, phrases)
        shift = EmotionShift(character=character, change=round(change, 3), only=emotion, span=span)
        found.append((match.start(), shift))
    for match in list(_words_pattern(list(phrases.more)).finditer(text)):
        before = take(match)
        change = phrases.step * _intensifier(before, phrases)
        shift = EmotionShift(
            character=character,
            emotion=phrases.more[match.group(1)],
            change=round(min(1.0, change), 3),
            span=span,
        )
        found.append((match.start(), shift))
    for match in list(_words_pattern(phrases.calmer).finditer(text)):
        before = take(match)
        change = -phrases.step * _intensifier(before, phrases)
        found.append(
            (match.start(), EmotionShift(character=character, change=round(change, 3), span=span))
        )
    styles = load_styles()
    style_words = {word: name for name, preset in styles.items() for word in preset.words}
    for match in list(_words_pattern(list(style_words)).finditer(text)):
        take(match)
        style = style_words[match.group(1)]
        found.append((match.start(), StyleChange(character=character, style=style, span=span)))
    for match in list(_words_pattern(list(phrases.set)).finditer(text)):
        before = take(match)
        emotion, value = phrases.set[match.group(1)]
        intensity = min(1.0, max(0.05, value * _intensifier(before, phrases)))
        shift = EmotionShift(
            character=character, emotion=emotion, intensity=round(intensity, 3), span=span
        )
        found.append((match.start(), shift))
    return [constraint for _, constraint in sorted(found, key=lambda pair: pair[0])]


SUPPORTED_PHRASINGS = (
    "emotions ('angrier', 'much happier', 'less sad', 'calmer', 'angry', 'calm'), stillness "
    "('stays still', 'doesn't move'), gestures ('fewer gestures', 'more gestures', "
    "'no gestures'), styles (energetic, reserved, nervous, confident, tired), with a span "
    "('in the second half', 'at the start', 'from line 5')"
)


def parse_note(note: str, scene: Scene) -> list[Constraint]:
    """Constraints from a note in plain words, by rules; `RevisionError` for a clause that
    names no character (and follows none) or asks for nothing these rules know."""
    characters = list(scene.characters)
    constraints: list[Constraint] = []
    subject: list[str] = []
    clauses = split_clauses(note, characters)
    if not clauses:
        raise RevisionError("the note is empty")
    waiting: list[str] = []  # names of clauses that ask nothing: "Ana and Ben calmer"
    for clause in clauses:
        named = [name for name in characters if _name_pattern(name).search(clause)]
        rest = clause
        for name in characters:
            rest = _name_pattern(name).sub(" ", rest)
        rest = _EVERYONE.sub(" ", _PRONOUN.sub(" ", rest))
        if named and not rest.strip(" ,:"):
            waiting.extend(name for name in named if name not in waiting)
            continue
        if waiting or named:
            # "both" beside names means them, not the whole cast.
            subject = [*waiting, *(name for name in named if name not in waiting)]
        elif _EVERYONE.search(clause):
            subject = characters
        elif not subject:
            raise RevisionError(f'"{clause}": which character? Name one of {", ".join(characters)}')
        waiting = []
        span, rest = _span(rest, len(scene.utterances), clause)
        effects = _effects(rest, subject[0], span)
        if not effects:
            raise RevisionError(f'cannot read "{clause}"; the rules know {SUPPORTED_PHRASINGS}')
        for name in subject:
            constraints.extend(c.model_copy(update={"character": name}) for c in effects)
    if waiting:
        raise RevisionError(
            f"the note names {', '.join(waiting)} but asks nothing of them; the rules know "
            f"{SUPPORTED_PHRASINGS}"
        )
    return constraints


# -- the LLM parser ------------------------------------------------------------------------


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _variant(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    properties = {
        "kind": {"type": "string", "enum": [kind]},
        "character": {"$ref": "#/$defs/character"},
        **fields,
        "span": {"$ref": "#/$defs/span"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def note_schema(characters: Sequence[str]) -> dict[str, Any]:
    """The JSON Schema of an LLM's answer: strict (every property required, nulls explicit),
    as OpenAI's strict mode, vLLM and llama.cpp all accept."""
    emotion = {"type": "string", "enum": list(EMOTIONS)}
    return {
        "type": "object",
        "properties": {"constraints": {"type": "array", "items": {"$ref": "#/$defs/constraint"}}},
        "required": ["constraints"],
        "additionalProperties": False,
        "$defs": {
            "character": {"type": "string", "enum": list(characters)},
            "span": {
                "type": "object",
                "properties": {
                    "part": {"type": "string", "enum": list(get_args(SpanPart))},
                    "line": _nullable({"type": "integer", "minimum": 1}),
                },
                "required": ["part", "line"],
                "additionalProperties": False,
            },
            "constraint": {
                "anyOf": [
                    _variant(
                        "emotion",
                        {
                            "emotion": _nullable(emotion),
                            "intensity": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
                            "change": {"type": "number", "minimum": -1, "maximum": 1},
                            "only": _nullable(emotion),
                        },
                    ),
                    _variant("stillness", {}),
                    _variant("gestures", {"scale": {"type": "number", "minimum": 0, "maximum": 3}}),
                    _variant(
                        "style", {"style": {"type": "string", "enum": list(get_args(StyleName))}}
                    ),
                ]
            },
        },
    }


@cache
def _note_prompt() -> tuple[str, str]:
    data = _data("revise_prompt.yaml")
    return str(data["system"]), str(data["feedback"])


def note_messages(note: str, scene: Scene) -> list[dict[str, str]]:
    """The chat messages that ask an LLM for the constraints of `note`."""
    system, _ = _note_prompt()
    lines = [
        {"line": number, "speaker": u.speaker, "start": u.start, "text": u.text}
        for number, u in enumerate(scene.utterances, start=1)
    ]
    # The note and the script go in as JSON data: instructions inside them are only text.
    user = json.dumps(
        {
            "note": note,
            "characters": list(scene.characters),
            "duration_s": scene.duration,
            "lines": lines,
        },
        ensure_ascii=False,
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def read_constraints(answer: dict[str, Any], scene: Scene) -> list[Constraint]:
    """The constraints of an LLM's answer; `ValueError` listing what is wrong."""
    try:
        parsed = NoteConstraints.model_validate(answer)
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise ValueError("; ".join(problems)) from None
    if not parsed.constraints:
        # A revision with nothing to apply would silently give back the same scene.
        raise ValueError(
            "no constraints: give at least one for what the note asks of the characters"
        )
    unknown = sorted({c.character for c in parsed.constraints} - set(scene.characters))
    if unknown:
        raise ValueError(f"unknown characters {unknown}; the scene has {list(scene.characters)}")
    for constraint in parsed.constraints:
        line = constraint.span.line
        if line is not None and line > len(scene.utterances):
            raise ValueError(f"line {line} does not exist: the scene has {len(scene.utterances)}")
    return list(parsed.constraints)


def parse_note_llm(note: str, scene: Scene, config: LLMConfig) -> list[Constraint]:
    """Constraints from a note, by an LLM answering under `note_schema`; an invalid answer is
    sent back with what was wrong, at most `config.max_attempts` times, then `LLMError`."""
    from motiondirector.planners.llm_client import StructuredClient, parse_json_object

    client = StructuredClient(config)
    schema = note_schema(scene.characters)
    messages = note_messages(note, scene)
    _, feedback = _note_prompt()
    attempts: list[str] = []
    for _ in range(config.max_attempts):
        content = client.complete_text_sync(messages, schema, "note_constraints")
        try:
            return read_constraints(parse_json_object(content), scene)
        except ValueError as error:
            attempts.append(str(error))
            messages = [
                *messages,
                {"role": "assistant", "content": content},
                {"role": "user", "content": feedback.replace("{problems}", str(error))},
            ]
    raise LLMError(
        f"{config.model} gave no usable constraints for the note (the rule parser may read it: "
        "parser='rules', --parser rules)",
        attempts,
    )
