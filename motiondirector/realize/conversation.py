"""A live conversation, turn by turn: who is present, whom each turn addresses, and each
character's emotion carried from turn to turn.

Each turn is planned on its own as a one-line scene with every present character on stage
(so the listeners react), on the turn's own clock (0 = the start of the turn's audio, so word
timings from the client's TTS are used as given). What the conversation adds, and nothing more:

- **Presence.** The characters named when it starts, plus every speaker from the turn they
  first speak. All of them listen to every turn.
- **Addressee.** The turn's `addressee` if given; else whoever spoke last (a reply goes to the
  previous speaker); else none, and the planner decides (with two present, the other one).
- **Carried emotion.** After each turn the speaker keeps the emotion the plan gave the line
  (label, intensity, turn). It fades by `CARRY_DECAY` per turn taken since. When a later line
  of theirs reads neutral to the emotion classifier alone (`emotion_origin` `classifier`, or
  `words` in a language it cannot read: no direction, no emotional cue) and the faded
  intensity is still at least `CARRY_MIN`, the line gets the carried emotion at the faded
  intensity: the emotion label of the utterance (emotion origin `session`), and the emotion's
  EMFACS face (origin `emotion`, rule `session.carried_emotion`, whose reason names the turn it
  came from). A line with its own emotion replaces the carried one; an explicitly neutral line
  ("calmly") clears it.
- **Emotion in context.** The rules planner reads each turn's emotion after the conversation's
  last `HISTORY_TURNS` turns (who said what), through the same classifier call that reads a
  screenplay line after the lines before it, so the same lines get the same emotions either way.
- **Language.** A turn is said in the language it states, else the conversation's (both BCP
  47 tags, `scene.language`); where neither is stated, once a turn has written kana the
  conversation is in Japanese, and a later turn of kanji alone (無理!) is read as Japanese;
  once one has written Cantonese (佢, 嘅, 咗), later turns of Chinese characters are Cantonese;
  else, once the words of the last `TELLING_TURNS` turns (this one included) tell Spanish,
  French, German, Italian or Portuguese as a script's would, its turns in Latin letters are in
  that language (their emotion read by its emotion words, their mouths by its letters). State
  the language to have it from the first turn.
- **Answers.** A line the planner calls `inform` or `exclaim` right after another character's
  question becomes an `answer` (what the rules planner does within one scene).

Turn n is realized with seed `(seed + n) mod 2**32`, so repeated lines vary, yet the same
conversation replayed gives the same plans. This module knows nothing of HTTP: the server's
sessions keep one per session, and a product that plans in-process keeps its own:

    from motiondirector import Conversation, TurnInput
    talk = Conversation(characters=["ANA", "BEN"])
    plan = talk.take_turn(TurnInput(speaker="ANA", text="Did you see it?")).plan
    plan = talk.take_turn(TurnInput(speaker="BEN", text="I did.")).plan   # addressed to ANA
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from motiondirector.errors import SceneLimitError, ScriptError, TurnError
from motiondirector.plan.direction import Direction, UtteranceDirection, emotion_faces
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.scene import Scene, language_problem
from motiondirector.planners import Planner
from motiondirector.planners.rules import RulesPlanner
from motiondirector.realize import plan_scene
from motiondirector.scene import SceneLimits, parse_script
from motiondirector.scene.language import (
    CANTONESE,
    JAPANESE,
    latin_language,
    line_language,
    written_language,
)

CARRY_DECAY = 0.6
"""A carried emotion keeps this share of its intensity per turn taken since it was shown."""
CARRY_MIN = 0.2
"""A carried emotion fainter than this is no longer applied."""
CARRIED_RULE = "session.carried_emotion"
HISTORY_TURNS = 8
"""Earlier turns kept as context for the emotion classifier (it reads at most this many)."""
TELLING_TURNS = 40
"""The last turns whose words tell a conversation's Latin-letter language (`latin_language`)."""
AddresseeFrom = Literal["request", "last_speaker", "none"]
_SEED_RANGE = 2**32


def check_turn_text(value: str, field: str) -> None:
    """TurnError naming `field` when `value` is not Unicode text: a NUL, or a lone surrogate
    (which nothing downstream can encode). Checked field by field, so the error names the field
    at fault rather than the dialogue document the turn is read through."""
    for index, char in enumerate(value):
        if char == "\x00":
            raise TurnError(f"character {index} is a NUL (U+0000), which is not text", field=field)
        if "\ud800" <= char <= "\udfff":
            raise TurnError(
                f"character {index} is a lone surrogate (U+{ord(char):04X}), which is not "
                "Unicode text",
                field=field,
            )


def normal_name(name: str) -> str:
    """Character names as the script readers keep them: single-spaced, upper case."""
    return " ".join(name.split()).upper()


@dataclass(frozen=True)
class Mood:
    """The emotion a character last showed as a speaker, and the turn (1-based) it came from."""

    label: str
    intensity: float
    turn: int

    def faded(self, turn: int) -> float:
        """The intensity left at `turn`."""
        return round(self.intensity * CARRY_DECAY ** max(0, turn - self.turn), 3)


@dataclass(frozen=True)
class TurnInput:
    """One turn as a client gives it."""

    speaker: str
    text: str | None = None
    words: Sequence[tuple[str, float, float]] | None = None
    addressee: str | None = None
    direction: str | None = None
    phonemes: Mapping[int, Sequence[tuple[str, float, float]]] | None = None
    """Per word of `words` (by index), its phonemes as the client's TTS timed them: (ARPAbet
    phoneme, start, end) in the words' time base. Words left out get estimated phonemes."""
    language: str | None = None
    """The language the turn is said in (a BCP 47 tag), over the conversation's."""


@dataclass(frozen=True)
class TurnOutcome:
    """A planned turn and what the conversation added to it."""

    turn: int
    plan: MotionPlan
    addressee: str | None
    addressee_from: AddresseeFrom
    carried: Mood | None
    answers_question: bool


@dataclass
class Conversation:
    """The state of one conversation. Not thread-safe: the caller serialises turns."""

    characters: list[str] = field(default_factory=list)
    title: str | None = None
    fps: int = 30
    seed: int = 0
    max_characters: int = 20
    limits: SceneLimits = field(default_factory=SceneLimits)
    moods: dict[str, Mood] = field(default_factory=dict)
    turns: int = 0
    last_speaker: str | None = None
    last_addressee: str | None = None
    last_was_question: bool = False
    history: list[tuple[str, str]] = field(default_factory=list)
    language: str | None = None
    """The language its turns are said in (a BCP 47 tag), unless a turn states its own."""
    written_language: str | None = None
    """The language the turns so far tell by their writing (`scene.language`): `ja` once one
    wrote kana, so that later turns of kanji alone are read as Japanese too; `yue` once one
    wrote Cantonese; else the Latin-letter language their words tell (`es`, ...), if any."""
    said: list[str] = field(default_factory=list)
    """The text of the last `TELLING_TURNS` turns, whose words tell the Latin-letter language."""

    def __post_init__(self) -> None:
        # Checked now: a name or title that is not text would fail every turn after.
        for index, name in enumerate(self.characters):
            check_turn_text(name, f"characters[{index}]")
        if self.title is not None:
            check_turn_text(self.title, "title")
        if self.language is not None and (problem := language_problem(self.language)):
            raise TurnError(problem, field="language")
        names = [normal_name(n) for n in self.characters if n.strip()]
        self.characters = list(dict.fromkeys(names))
        if len(self.characters) > self.max_characters:
            raise TurnError(
                f"at most {self.max_characters} characters, got {len(self.characters)}",
                field="characters",
            )

    def take_turn(
        self,
        turn: TurnInput,
        planner: Planner | None = None,
        *,
        accept: Callable[[MotionPlan], None] | None = None,
    ) -> TurnOutcome:
        """Plan `turn` in this conversation's context with `planner` (default: the rules
        planner) and update the state. `accept` sees the plan before the state changes: what it
        raises leaves the turn not taken."""
        if planner is None:
            from motiondirector.planners import get_planner

            planner = get_planner("rules")
        _check_turn_fields(turn)
        speaker = normal_name(turn.speaker)
        if not speaker:
            raise TurnError("the speaker's name is empty", field="speaker")
        characters = list(self.characters)
        if speaker not in characters:
            if len(characters) >= self.max_characters:
                raise TurnError(
                    f"the session already holds {self.max_characters} characters",
                    field="speaker",
                )
            characters.append(speaker)
        addressee, addressee_from = self._addressee(turn, speaker, characters)
        number = self.turns + 1
        mood = self.moods.get(speaker)
        carry = mood if mood is not None and mood.faded(number) >= CARRY_MIN else None
        answers = self.last_was_question and self.last_speaker not in (None, speaker)
        said = turn.text if turn.text is not None else "".join(w for w, _, _ in turn.words or ())
        told = self._told(said)
        scene = self._scene(turn, speaker, addressee, characters, said, told)
        context = ContextPlanner(
            planner, speaker, number, carry, answers=answers, history=tuple(self.history)
        )
        plan = plan_scene(
            scene, planner=context, fps=self.fps, seed=(self.seed + number) % _SEED_RANGE
        )
        if accept is not None:
            accept(plan)
        # The turn is taken: only now does the state change.
        self.characters = characters
        self.turns = number
        utterance = plan.utterances[0]
        # A carried emotion keeps fading from the turn it was shown in; a line's own emotion
        # replaces it, and a neutral one of its own clears it.
        if not context.carried_applied:
            if utterance.emotion.label == "neutral":
                self.moods.pop(speaker, None)
            else:
                self.moods[speaker] = Mood(
                    utterance.emotion.label, utterance.emotion.intensity, number
                )
        self.history = [*self.history, (speaker, utterance.text)][-HISTORY_TURNS:]
        self.said = [*self.said, said][-TELLING_TURNS:]
        self.written_language = told
        self.last_speaker = speaker
        self.last_addressee = utterance.addressees[0] if utterance.addressees else addressee
        self.last_was_question = utterance.intent == "ask"
        return TurnOutcome(
            turn=number,
            plan=plan,
            addressee=addressee,
            addressee_from=addressee_from,
            carried=Mood(carry.label, carry.faded(number), carry.turn)
            if context.carried_applied and carry is not None
            else None,
            answers_question=context.answer_applied,
        )

    def _addressee(
        self, turn: TurnInput, speaker: str, characters: Sequence[str]
    ) -> tuple[str | None, AddresseeFrom]:
        if turn.addressee is not None:
            addressee = normal_name(turn.addressee)
            if addressee == speaker:
                raise TurnError("a speaker cannot address themselves", field="addressee")
            if addressee not in characters:
                present = ", ".join(characters)
                raise TurnError(
                    f"{addressee!r} is not in the session; present: {present}", field="addressee"
                )
            return addressee, "request"
        if self.last_speaker is not None and self.last_speaker != speaker:
            return self.last_speaker, "last_speaker"
        return None, "none"

    def _told(self, said: str) -> str | None:
        """What the turns so far and one saying `said` tell by their writing. As in a script:
        once any turn wrote kana the conversation is Japanese, else Cantonese once any wrote
        Cantonese; else the Latin-letter language the words of the last turns tell."""
        if self.written_language == JAPANESE:
            return JAPANESE
        told = written_language([said])
        if told is not None:
            return told
        if self.written_language == CANTONESE:
            return CANTONESE
        return latin_language([*self.said[1 - TELLING_TURNS :], said])

    def _scene(
        self,
        turn: TurnInput,
        speaker: str,
        addressee: str | None,
        characters: Sequence[str],
        said: str,
        told: str | None,
    ) -> Scene:
        line: dict[str, Any] = {"speaker": speaker}
        if turn.text is not None:
            line["text"] = turn.text
        if turn.words is not None:
            line["words"] = [{"text": w, "start": s, "end": e} for w, s, e in turn.words]
            # Phonemes travel with their word, so the dialogue reader checks them in the same
            # time base (the turn's) and names `words[i].phonemes[j]` in its errors.
            for index, phonemes in (turn.phonemes or {}).items():
                if not 0 <= index < len(turn.words):
                    raise TurnError(
                        f"phonemes given for word {index}; the turn has {len(turn.words)} words",
                        field="phonemes",
                    )
                line["words"][index]["phonemes"] = [
                    {"phoneme": p, "start": s, "end": e} for p, s, e in phonemes
                ]
        if addressee is not None:
            line["addressees"] = [addressee]
        if turn.direction:
            line["direction"] = turn.direction
        stated = line_language(turn.language or self.language, said, written=told)
        if stated is not None:
            line["language"] = stated
        document = {"title": self.title, "characters": list(characters), "turns": [line]}
        try:
            return parse_script(json.dumps(document), format="json", limits=self.limits)
        except ScriptError as error:
            raise _turn_error(error) from None


def _check_turn_fields(turn: TurnInput) -> None:
    fields = {
        "speaker": turn.speaker,
        "text": turn.text,
        "addressee": turn.addressee,
        "direction": turn.direction,
        "language": turn.language,
    }
    for name, value in fields.items():
        if value is not None:
            check_turn_text(value, name)
    for index, (word, _, _) in enumerate(turn.words or ()):
        check_turn_text(word, f"words[{index}].text")


def _turn_error(error: ScriptError) -> TurnError:
    """The dialogue reader names paths like `turns[0].words[2]`; a turn's fields are `words[2]`."""
    if isinstance(error, SceneLimitError):
        return TurnError(error.reason, field=error.field.removeprefix("turns[0]."))
    message = error.message.removeprefix("invalid dialogue JSON: ")
    prefix = "turns[0]."
    field_name = "text"
    if message.startswith(prefix):
        path, _, rest = message[len(prefix) :].partition(": ")
        field_name, message = path, rest or message
    elif message.startswith("turns[0]: "):
        message = message[len("turns[0]: ") :]
    return TurnError(message.replace(prefix, ""), field=field_name)


class ContextPlanner:
    """Wraps a planner for one turn: applies the carried emotion and the answer intent to the
    turn's only utterance (see the module docstring). Everything else is the planner's."""

    def __init__(
        self,
        base: Planner,
        speaker: str,
        turn: int,
        carried: Mood | None,
        *,
        answers: bool,
        history: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.name = base.name
        self._history = tuple(history)
        self._base = base
        self._speaker = speaker
        self._turn = turn
        self._carried = carried
        self._answers = answers
        self.carried_applied = False
        self.answer_applied = False

    def plan(self, scene: Scene) -> Direction:
        if self._history and isinstance(self._base, RulesPlanner):
            direction = self._base.plan(scene, history=self._history)
        else:
            direction = self._base.plan(scene)
        updated = tuple(self._contextual(u, scene) for u in direction.utterances)
        return direction.model_copy(update={"utterances": updated})

    def _contextual(self, item: UtteranceDirection, scene: Scene) -> UtteranceDirection:
        update: dict[str, Any] = {}
        if self._answers and item.intent in ("inform", "exclaim"):
            update["intent"] = "answer"
            self.answer_applied = True
        carried = self._carried
        if (
            carried is not None
            and item.emotion == "neutral"
            and item.emotion_origin in ("classifier", "words")
        ):
            intensity = carried.faded(self._turn)
            reason = (
                f"{carried.label} {intensity:.2f} carried from turn {carried.turn} "
                f"({item.emotion_reason} alone)"
            )
            words = len(scene.utterance(item.utterance_id).words)
            update["emotion"] = carried.label
            update["intensity"] = intensity
            update["emotion_origin"] = "session"
            update["emotion_reason"] = reason
            update["behaviours"] = (
                *emotion_faces(
                    self._speaker, carried.label, intensity, words, rule=CARRIED_RULE, reason=reason
                ),
                *item.behaviours,
            )
            self.carried_applied = True
        return item.model_copy(update=update) if update else item
