"""Dialogue JSON -> ParsedScript, validated with pydantic; errors name the JSON path and line.

The format (documented with a full example in docs/input-formats.md):

    {"title": "...", "characters": ["ANA", "BEN"],
     "turns": [{"speaker": "ANA", "text": "Hi, Ben.", "addressees": ["BEN"],
                "direction": "smiling", "words": [{"text": "Hi,", "start": 0.0, "end": 0.3}]},
               {"action": "Ben sits down."},
               {"heading": "INT. KITCHEN - NIGHT"}]}

A bare array of turns is accepted too. Word timings, when given, are used as they are after
checking that they are ordered and spell the turn's text. A timed word may also bring its
phonemes as a TTS engine timed them, in ARPAbet with an optional stress digit:

    {"text": "Hi,", "start": 0.0, "end": 0.3,
     "phonemes": [{"phoneme": "HH", "start": 0.0, "end": 0.08},
                  {"phoneme": "AY1", "start": 0.08, "end": 0.3}]}

They are used as given after checking that each is a known phoneme, ends after it starts,
stays inside its word and does not overlap the one before.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from motiondirector.errors import SceneLimitError, ScriptError
from motiondirector.plan.scene import PhonemeTiming, language_problem
from motiondirector.scene.elements import (
    Element,
    GivenWord,
    ParsedScript,
    RawAction,
    RawHeading,
    RawTurn,
    SpeechLine,
    Wryly,
)
from motiondirector.scene.limits import SceneLimits
from motiondirector.scene.names import clean_name
from motiondirector.scene.speech import build_speech, has_speech, normalize_space
from motiondirector.speech.phonemes import ARPABET, VOWELS, spoken_parts
from motiondirector.speech.scripts import joins_without_space, split_unspaced

Path = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)
_MAX_REPORTED_ERRORS = 5


class _Input(BaseModel):
    # Strict: a time is a JSON number, never a string or a boolean ("start": true read as 1.0).
    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, str_strip_whitespace=True, strict=True
    )


class PhonemeIn(_Input):
    phoneme: str = Field(min_length=1)
    start: float = Field(ge=0.0)
    end: float = Field(ge=0.0)


class WordIn(_Input):
    text: str = Field(min_length=1)
    start: float = Field(ge=0.0)
    end: float = Field(ge=0.0)
    phonemes: list[PhonemeIn] | None = None


class SpeechTurnIn(_Input):
    speaker: str = Field(min_length=1)
    text: str | None = None
    addressees: list[str] | None = None
    direction: str | None = None
    extension: str | None = None
    words: list[WordIn] | None = None
    language: str | None = None
    start: float | None = Field(default=None, ge=0.0)


class ActionTurnIn(_Input):
    action: str = Field(min_length=1)


class HeadingTurnIn(_Input):
    heading: str = Field(min_length=1)


class DialogueIn(_Input):
    title: str | None = None
    language: str | None = None
    characters: list[str] = Field(default_factory=list)
    turns: list[dict[str, Any]] = Field(min_length=1)


def load_json(text: str, *, file: str | None = None) -> Any:
    """json.loads with errors turned into ScriptError at the offending line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ScriptError(f"invalid JSON: {error.msg}", line=error.lineno, file=file) from None
    except RecursionError:
        raise ScriptError("invalid JSON: nested too deeply", line=1, file=file) from None


def parse_dialogue_json(
    text: str, *, file: str | None = None, limits: SceneLimits | None = None
) -> ParsedScript:
    """Read dialogue JSON; word timings are checked against `limits` (default SceneLimits())."""
    data = load_json(text, file=file)
    try:
        data = _composed(data)
    except RecursionError:
        raise ScriptError("invalid JSON: nested too deeply", line=1, file=file) from None
    _refuse_other_document(data, file)
    top_is_list = isinstance(data, list)
    document = {"turns": data} if top_is_list else data
    reader = _Reader(text, top_is_list, file, limits or SceneLimits())
    dialogue = reader.validate(DialogueIn, document, ())
    elements: list[Element] = []
    for index, raw in enumerate(dialogue.turns):
        path: Path = ("turns", index)
        if "action" in raw:
            action = reader.validate(ActionTurnIn, raw, path)
            elements.append(RawAction(normalize_space(action.action), reader.line(path)))
        elif "heading" in raw:
            heading = reader.validate(HeadingTurnIn, raw, path)
            elements.append(RawHeading(normalize_space(heading.heading), reader.line(path)))
        else:
            elements.append(reader.speech_turn(reader.validate(SpeechTurnIn, raw, path), path))
    characters = tuple(dict.fromkeys(n.upper() for n in map(clean_name, dialogue.characters) if n))
    return ParsedScript(
        elements=tuple(elements),
        title=dialogue.title or None,
        declared_characters=characters,
        language=reader.language(dialogue.language, ()),
    )


def _composed(data: Any) -> Any:
    """The document with every string in Unicode normal form C, escapes (`\\u0308`) too: one
    spelling per name."""
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    if isinstance(data, list):
        return [_composed(item) for item in data]
    if isinstance(data, dict):
        return {_composed(key): _composed(value) for key, value in data.items()}
    return data


def _refuse_other_document(data: Any, file: str | None) -> None:
    """A plan, timeline, direction or other document of ours given as a script is named for
    what it is, rather than failing as dialogue JSON with the fields it lacks."""
    from motiondirector.plan.validate import document_kind

    kind = document_kind(data) if isinstance(data, dict) and "turns" not in data else None
    if kind is None:
        return
    name, what = kind
    hint = (
        "`motiondirector plan` writes its exports (`--format`), `render` previews it and "
        "`validate` checks it; direct takes the script it was planned from"
        if name == "plan"
        else "give the script (Fountain, dialogue JSON or plain text)"
    )
    raise ScriptError(f"{file or 'the input'} is {what}, not a script: {hint}", line=1, file=file)


class _Reader:
    def __init__(self, text: str, top_is_list: bool, file: str | None, limits: SceneLimits) -> None:
        self.text = text
        self.top_is_list = top_is_list
        self.file = file
        self.limits = limits

    def display(self, path: Path) -> str:
        if self.top_is_list and path[:1] == ("turns",):
            path = path[1:]
        out = ""
        for part in path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out or "(document)"

    def line(self, path: Path) -> int:
        if self.top_is_list and path[:1] == ("turns",):
            path = path[1:]
        return line_of_json_path(self.text, path)

    def fail(self, message: str, path: Path) -> ScriptError:
        return ScriptError(f"{self.display(path)}: {message}", line=self.line(path), file=self.file)

    def validate(self, model: type[Model], data: Any, path: Path) -> Model:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            problems = error.errors()
            located = [(path + tuple(problem["loc"]), problem["msg"]) for problem in problems]
            listing = "; ".join(
                f"{self.display(where)}: {message}"
                for where, message in located[:_MAX_REPORTED_ERRORS]
            )
            if len(located) > _MAX_REPORTED_ERRORS:
                listing += f"; and {len(located) - _MAX_REPORTED_ERRORS} more"
            raise ScriptError(
                f"invalid dialogue JSON: {listing}", line=self.line(located[0][0]), file=self.file
            ) from None

    def speech_turn(self, turn: SpeechTurnIn, path: Path) -> RawTurn:
        segments: list[SpeechLine | Wryly] = []
        if turn.direction:
            segments.append(Wryly(turn.direction))
        text = turn.text
        if text is None and turn.words:
            text = _joined(word.text for word in turn.words)
        segments.extend(SpeechLine(line) for line in (text or "").split("\n"))
        speech = build_speech(segments)
        if not speech.words:
            raise self.fail("the turn has no spoken text; give 'text' or 'words'", path)
        given = self._given_words(turn, [word.text for word in speech.words], path)
        addressees = None
        if turn.addressees is not None:
            addressees = tuple(
                dict.fromkeys(n.upper() for n in map(clean_name, turn.addressees) if n)
            )
        extension = turn.extension.upper() if turn.extension else None
        speaker = clean_name(turn.speaker).upper()
        if not speaker:
            raise self.fail("no visible character; give the speaker's name", (*path, "speaker"))
        if turn.start is not None and turn.words is not None:
            raise self.fail(
                "give 'start' or timed 'words', not both: the words carry their own times",
                (*path, "start"),
            )
        return RawTurn(
            speaker,
            tuple(segments),
            self.line(path),
            extension,
            False,
            addressees,
            given,
            where=self.display(path),
            language=self.language(turn.language, path),
            start=turn.start,
        )

    def language(self, tag: str | None, path: Path) -> str | None:
        """The stated language at `path` (its `language` field), checked."""
        if tag is None:
            return None
        problem = language_problem(tag)
        if problem is not None:
            raise self.fail(problem, (*path, "language"))
        return tag

    def _given_words(
        self, turn: SpeechTurnIn, spoken: list[str], path: Path
    ) -> tuple[GivenWord, ...] | None:
        if turn.words is None:
            return None
        if not turn.words:
            raise self.fail("'words' is empty; leave it out to have timings estimated", path)
        words_path = (*path, "words")
        previous: WordIn | None = None
        for index, word in enumerate(turn.words):
            if word.end < word.start:
                raise self.fail(
                    f"word {index} {word.text!r} ends ({word.end}) before it starts ({word.start})",
                    (*words_path, index),
                )
            if previous is not None and word.start < previous.start:
                raise self.fail(
                    f"word {index} {word.text!r} starts at {word.start}, before word "
                    f"{index - 1} ({previous.start}); timings must not decrease",
                    (*words_path, index),
                )
            # Compared as kept (to the ms), so what passes here is what the plan's check sees.
            if previous is not None and round(word.start, 3) < round(previous.end, 3):
                raise self.fail(
                    f"word {index} {word.text!r} starts at {word.start}, before word "
                    f"{index - 1} ends ({previous.end}); words must not overlap",
                    (*words_path, index, "start"),
                )
            if len(word.text.split()) > 1:
                raise self.fail(
                    f"word {index} {word.text!r} is more than one word: give each word its own "
                    "entry and times",
                    (*words_path, index, "text"),
                )
            self._check_limits(word, previous, (*words_path, index))
            previous = word
        # Chinese and Japanese words are compared character by character, as the text is
        # split: a TTS engine's "高兴" spells the text's "高" "兴".
        given = [part for w in turn.words if has_speech(w.text) for part in split_unspaced(w.text)]
        # A text of punctuation alone ("...") is a silent beat: it spells no spoken word.
        spoken = [word for word in spoken if has_speech(word)]
        if len(given) != len(spoken) or not all(map(_same_word, given, spoken)):
            raise self.fail(
                f"the words do not spell the turn's text: {_difference(given, spoken)}",
                words_path,
            )
        # Punctuation timed as a word of its own (",", "—") is not spoken: it goes with its
        # neighbour's text, as it does in a text, and its time is the pause around it.
        timed: list[GivenWord] = []
        leading = ""
        for index, word in enumerate(turn.words):
            if not has_speech(word.text):
                if timed:
                    last = timed[-1]
                    timed[-1] = GivenWord(
                        last.text + word.text, last.start, last.end, last.phonemes
                    )
                else:
                    leading += word.text
                continue
            timed.append(
                GivenWord(
                    leading + word.text,
                    round(word.start, 3),
                    round(word.end, 3),
                    self._given_phonemes(word, (*words_path, index)),
                )
            )
            leading = ""
        if not timed:  # nothing spoken at all: a silent beat, kept at the times given
            return tuple(
                GivenWord(word.text, round(word.start, 3), round(word.end, 3), None)
                for word in turn.words
            )
        if len(timed) == len(spoken):
            # TTS engines often time the words bare ("Ben" for the text's "Ben!"): a bare word
            # is given its text word's marks, so the line reads as written.
            timed = [
                GivenWord(_with_marks(word.text, written), word.start, word.end, word.phonemes)
                for word, written in zip(timed, spoken, strict=True)
            ]
        return tuple(timed)

    def _given_phonemes(self, word: WordIn, path: Path) -> tuple[PhonemeTiming, ...] | None:
        """The word's phonemes as the caller timed them, checked; None when not given."""
        if word.phonemes is None:
            return None
        if not word.phonemes:
            raise self.fail("'phonemes' is empty; leave it out to have them estimated", path)
        # Word times are kept to the millisecond; allow that much rounding at its edges.
        slack = 0.0005
        timed: list[PhonemeTiming] = []
        previous_end = word.start
        for index, given in enumerate(word.phonemes):
            where = (*path, "phonemes", index)
            name = given.phoneme.upper()
            if not _is_arpabet(name):
                raise self.fail(
                    f"unknown phoneme {given.phoneme!r}; phonemes are ARPAbet "
                    f"({', '.join(ARPABET)}), vowels with an optional stress digit 0, 1 or 2",
                    (*where, "phoneme"),
                )
            if given.end < given.start:
                raise self.fail(
                    f"phoneme {index} {name!r} ends ({given.end}) before it starts ({given.start})",
                    (*where, "end"),
                )
            if given.start < word.start - slack:
                raise self.fail(
                    f"phoneme {index} {name!r} starts at {given.start}, before its word "
                    f"{word.text!r} ({word.start})",
                    (*where, "start"),
                )
            if given.end > word.end + slack:
                raise self.fail(
                    f"phoneme {index} {name!r} ends at {given.end}, after its word "
                    f"{word.text!r} ends ({word.end})",
                    (*where, "end"),
                )
            if index and given.start < previous_end - slack:
                raise self.fail(
                    f"phoneme {index} {name!r} starts at {given.start}, before phoneme "
                    f"{index - 1} ends ({previous_end}); phonemes must not overlap",
                    (*where, "start"),
                )
            previous_end = given.end
            start = min(max(round(given.start, 3), round(word.start, 3)), round(word.end, 3))
            end = min(max(round(given.end, 3), start), round(word.end, 3))
            timed.append(PhonemeTiming(phoneme=name, start=start, end=end))
        return tuple(timed)

    def _check_limits(self, word: WordIn, previous: WordIn | None, path: Path) -> None:
        limits = self.limits
        problem: tuple[str, str, str] | None = None
        if word.end > limits.max_duration_s:
            problem = ("end", f"ends at {word.end:g} s", "max_duration_s")
        elif word.end - word.start > limits.max_word_s:
            problem = ("end", f"lasts {word.end - word.start:g} s", "max_word_s")
        elif previous is not None and word.start - previous.end > limits.max_gap_s:
            gap = word.start - previous.end
            problem = ("start", f"follows {gap:g} s of silence", "max_gap_s")
        if problem is not None:
            name, what, limit = problem
            raise SceneLimitError(
                f"the word {what}, over the limit of {getattr(limits, limit):g} s",
                field=f"{self.display(path)}.{name}",
                limit=limit,
                line=self.line(path),
                file=self.file,
            )


def _is_arpabet(name: str) -> bool:
    base, stress = name.rstrip("012"), name[len(name.rstrip("012")) :]
    if base not in ARPABET or len(stress) > 1:
        return False
    return not stress or base in VOWELS


def _joined(words: Iterable[str]) -> str:
    """The text of timed words: spaces between them, none before punctuation standing alone
    nor between Chinese or Japanese characters."""
    text = ""
    for word in words:
        if text and has_speech(word) and not joins_without_space(text, word):
            text += " "
        text += word
    return text


def _difference(given: list[str], spoken: list[str]) -> str:
    for index, (a, b) in enumerate(zip(given, spoken, strict=False)):
        if not _same_word(a, b):
            return f"spoken word {index} is {a!r} in 'words' but {b!r} in the text"
    return f"{len(given)} words given, {len(spoken)} in the text"


def _with_marks(timed: str, written: str) -> str:
    """`timed` with the marks before and after the letters of `written` ("Ben", "Ben!":
    "Ben!"), where `timed` has none of its own."""
    if not (timed[:1].isalnum() and timed[-1:].isalnum()):
        return timed
    start = next((i for i, char in enumerate(written) if char.isalnum()), len(written))
    end = next((i for i in range(len(written), 0, -1) if written[i - 1].isalnum()), 0)
    return written[:start] + timed + written[end:] if start < end else timed


def _same_word(timed: str, written: str) -> bool:
    """Whether a timed word is the text's word: the same letters and digits (case and
    punctuation aside), or the same when said ("42" and "forty-two", "café" and "cafe", as a
    TTS engine may normalise the text it is given)."""
    if _comparable(timed) == _comparable(written):
        return True
    return "".join(spoken_parts(timed)) == "".join(spoken_parts(written))


def _comparable(word: str) -> str:
    return "".join(char for char in word.casefold() if char.isalnum())


def line_of_json_path(text: str, path: Path) -> int:
    """1-based line where the value at `path` starts; the deepest part that can be found."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    found = position
    try:
        for part in path:
            if isinstance(part, int) and text[position] == "[":
                position = _skip_space(text, position + 1)
                for _ in range(part):
                    _, position = decoder.raw_decode(text, position)
                    position = _after_comma(text, position)
                if text[position] == "]":
                    break
            elif isinstance(part, str) and text[position] == "{":
                position = _find_key(text, position, part, decoder)
            else:
                break
            found = position
    except (ValueError, IndexError, LookupError, RecursionError):
        pass
    return text.count("\n", 0, found) + 1


def _find_key(text: str, position: int, key: str, decoder: json.JSONDecoder) -> int:
    position = _skip_space(text, position + 1)
    while text[position] == '"':
        name, position = decoder.raw_decode(text, position)
        position = _skip_space(text, position)
        position = _skip_space(text, position + 1)  # past ':'
        if name == key:
            return position
        _, position = decoder.raw_decode(text, position)
        position = _after_comma(text, position)
    raise LookupError(key)


def _after_comma(text: str, position: int) -> int:
    position = _skip_space(text, position)
    if text[position] == ",":
        position = _skip_space(text, position + 1)
    return position


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
