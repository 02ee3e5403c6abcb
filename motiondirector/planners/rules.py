"""The offline default planner: a Scene in, a Direction out, by rules and lexicons.

Precedence, strongest first: explicit direction (parentheticals, action lines) > dialogue cues
("no" -> shake, "thank you" -> nod + hand on heart, questions -> raised brows, ...) > beat
gestures. Emotion comes from a parenthetical when there is one, else from the emotion
classifier (one batched call per scene). Listeners get gaze, backchannel nods and mirrored
faces. The planner chooses behaviours and the words they anchor to; it never sets times.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, cast

from motiondirector.errors import BackendUnavailableError, MotionDirectorError
from motiondirector.plan.direction import (
    MIN_EMOTION_FACE,
    ActionDirection,
    Behaviour,
    Direction,
    EmotionOrigin,
    Origin,
    UtteranceDirection,
)
from motiondirector.plan.scene import ActionLine, Scene, Utterance, Word, primary_language
from motiondirector.plan.vocabulary import CHANNELS, EMOTIONS, load_emfacs
from motiondirector.planners.action_gloss import gloss_for
from motiondirector.planners.actions import (
    CEASING,
    NEGATIONS,
    ActionCue,
    ActionParser,
    FeelingCue,
    NameIndex,
    ReferenceTracker,
    role_names,
)
from motiondirector.planners.beats import beat_gestures
from motiondirector.planners.cues import (
    BehaviourTemplate,
    CueLexicon,
    CueMatch,
    DialogueMatcher,
    ParentheticalCue,
    Token,
    find_enumeration,
    inferred_note,
    load_cue_lexicon,
    normalise_phrase,
    punctuated_text,
    sentence_spans,
    tokenize,
)
from motiondirector.planners.emoji import EmojiVote, load_emoji_emotions
from motiondirector.planners.emotion_words import (
    WordsReading,
    language_of_script,
    load_emotion_words,
)
from motiondirector.planners.listeners import listener_behaviours
from motiondirector.planners.opening import opening_postures
from motiondirector.scene.names import TITLES
from motiondirector.speech.scripts import join_words


class EmotionPredictionLike(Protocol):
    """What the planner reads from an emotion prediction."""

    @property
    def label(self) -> str: ...

    @property
    def confidence(self) -> float: ...


class EmotionModel(Protocol):
    """Anything that labels texts with an emotion, one prediction per text, in order.

    A model that also has `predict_dialogue(lines, start=...)` (lines as (speaker, text, beat),
    one prediction per line from `start`) reads each line after the lines before it; the
    planner then gives it the whole scene, and a session's earlier turns as `history`.
    """

    def predict(self, texts: Sequence[str]) -> Sequence[EmotionPredictionLike]: ...


class _DialogueReader(Protocol):
    def __call__(
        self, lines: Sequence[tuple[str, str, int]], *, start: int = 0
    ) -> Sequence[EmotionPredictionLike]: ...


EXPLICIT_PRIORITY = 100
QUESTION_PRIORITY = 30
ENUMERATION_PRIORITY = 50
NEUTRAL_INTENSITY = 0.3  # a confident "neutral" is still a calm face
HEAD_MERGE_GAP = 2  # "no, no, no": one shake across the words, not three
_EXCLUSIVE_CHANNELS = frozenset({"head", "gesture", "gaze", "posture"})
# Gestures made for the one spoken to to see: left out when they cannot (`unseen`).
_SHOWN_TO_THE_LISTENER = frozenset(
    {
        "wave",
        "point",
        "handshake",
        "hug",
        "thumbs_up",
        "salute",
        "beckon",
        "bow",
        "clap",
        "raise_hand",
    }
)
# Words that aim a line at whom it is said to ("I'm so angry with you").
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves", "ya", "u", "ur"})
# Intents that aim a line's anger at whom it is said to, "you" or not ("Get out!").
_AT_THE_LISTENER = frozenset({"command", "threaten", "refuse", "dismiss"})
# After "let me", what asks to be let do something ("Let me go!", "Let me in", "Let me finish").
_LET_ME_DEMANDS = frozenset({"go", "in", "out", "through", "pass", "finish", "be", "at", "off"})
_LABEL_ALIASES = {
    "happiness": "joy",
    "happy": "joy",
    "sad": "sadness",
    "angry": "anger",
    "surprised": "surprise",
    "fearful": "fear",
    "disgusted": "disgust",
    "contemptuous": "contempt",
}
# A parenthetical's negations: an action line's, and "no" ("no smile", "no longer smiling").
_DENIALS = NEGATIONS | {"no"}
_PART_SPLIT = re.compile(r"[,;/]|\s+and\s+|\s+then\s+", re.IGNORECASE)
_ADDRESS = re.compile(
    # "to Ben"; Spanish, Italian, Portuguese "a Ben", French "à Ben", German "zu Ben", Russian
    # "к Бену"; Chinese "对李明", Japanese "ケンに" or "ケンへ", Korean "민수에게", written without
    # a space.
    r"^(?:(?:to|at|toward|towards|re|a|al|à|zu|к|ко)\s+(.+)|(?:对|對|向)(.+)|(.+?)(?:に|へ|에게|한테))$"
)


@dataclass(slots=True)
class _Draft:
    """A behaviour being assembled; frozen into a Behaviour at the end."""

    character: str
    channel: str
    rule: str
    reason: str
    origin: Origin
    lexeme: str | None = None
    au: int | None = None
    target: str | None = None
    hand: str | None = None
    word: int | None = None
    until_word: int | None = None
    intensity: float = 0.5

    def build(self) -> Behaviour:
        return Behaviour.model_validate(
            {
                "character": self.character,
                "channel": self.channel,
                "lexeme": self.lexeme,
                "au": self.au,
                "target": self.target,
                "hand": self.hand,
                "word": self.word,
                "until_word": self.until_word,
                "intensity": round(min(1.0, max(0.0, self.intensity)), 3),
                "origin": self.origin,
                "rule": self.rule,
                "reason": self.reason,
            }
        )


_VetoKey = tuple[str, str | None, int | None, str | None]


class _Aimed(Protocol):
    @property
    def character(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def lexeme(self) -> str | None: ...
    @property
    def au(self) -> int | None: ...
    @property
    def target(self) -> str | None: ...


@dataclass(slots=True)
class RuledOut:
    """What a line's negated parentheticals rule out ("(not smiling)", "(without looking up)"):
    behaviours of its speaker as (channel, lexeme, AU, target) and emotions, with the
    parenthetical that says so. No planner may give the line what is ruled out."""

    behaviours: set[_VetoKey] = field(default_factory=set)
    emotions: set[str] = field(default_factory=set)
    reason: str = ""

    def excludes(self, behaviour: _Aimed, speaker: str, addressee: str | None = None) -> bool:
        """Whether `behaviour` is the speaker's and ruled out: the same channel, lexeme and AU,
        aimed where the ruled-out one was (anywhere when it named no target, at anyone when it
        named the addressee and the addressee is not known)."""
        if behaviour.character != speaker:
            return False
        for channel, lexeme, au, target in self.behaviours:
            if (channel, lexeme, au) != (behaviour.channel, behaviour.lexeme, behaviour.au):
                continue
            if target is None or target == behaviour.target:
                return True
            if target == "$addressee" and addressee in (None, behaviour.target):
                return True
        return False

    def emotion_reason(self, label: str, heard: str) -> str:
        """Why a line is neutral although `heard` ("classifier: joy") said `label`."""
        return f"{self.reason} rules out {label} ({heard})"


@dataclass(slots=True)
class _Explicit:
    """What an utterance's parentheticals say."""

    emotion: str | None = None
    intensity: float = 0.0
    reason: str = ""
    addressee: str | None = None
    gesture_scale: float = 1.0
    beats: bool = True
    unseen: bool = False  # said into a phone or a radio: the listener sees no gesture
    drafts: list[tuple[int, _Draft]] = field(default_factory=list)  # (priority, draft)
    ruled_out: RuledOut = field(default_factory=RuledOut)


# A smile (AU12) belies a negative feeling; crying's lip corners down (AU15) belie joy.
_SMILE, _CORNERS_DOWN = 12, 15
_NEGATIVE = frozenset({"anger", "sadness", "fear", "disgust"})


def _face_belies(cue: ActionCue, label: str) -> bool:
    """Whether an action line's face for a character says other than the feeling an earlier
    line stated of them (`label`)."""
    au = cue.template.au
    return (au == _SMILE and label in _NEGATIVE) or (au == _CORNERS_DOWN and label == "joy")


def _belied_later(feeling: FeelingCue, cues: list[ActionCue]) -> bool:
    """Whether a face the same line gives the character after the feeling's words says other
    than it ("A DOCTOR appears, tired but smiling.": not sad)."""
    if feeling.start is None:
        return False
    return any(
        cue.character == feeling.character
        and cue.start is not None
        and cue.start > feeling.start
        and _face_belies(cue, feeling.label)
        for cue in cues
    )


@dataclass(frozen=True, slots=True)
class _Emotion:
    """A line's emotion, where it comes from and why."""

    label: str
    intensity: float
    origin: EmotionOrigin
    reason: str


@dataclass(slots=True)
class _Prepared:
    utterance: Utterance
    tokens: tuple[Token, ...]
    explicit: _Explicit
    listeners: tuple[str, ...]
    vocative: str | None = None  # a listener named in the line ("You broke it, Ben.")
    # How many tokens open the line calling someone ("Park. Fire everything we have."); all of
    # them where the line only calls ("Ensign!"), which says no emotion of its own.
    call: int = 0

    @property
    def only_a_call(self) -> bool:
        return 0 < self.call == len(self.tokens)

    # The emotion an action line of the beat, since the speaker's last line, describes them in.
    stated: _Emotion | None = None
    # What the line's English words state of the speaker's feeling, once read (`stated_words`).
    _stated_words: list[WordsReading | None] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def stated_words(self) -> WordsReading | None:
        """The feeling the line states in English words ("I'm really frustrated"), read once
        for the emotion and the listeners both."""
        if not self._stated_words:
            words = load_emotion_words().languages["en"]
            self._stated_words.append(words.read(self.read_text, stated=True))
        return self._stated_words[0]

    @property
    def read_text(self) -> str:
        """What the emotion classifier reads: the line as written, or a bare transcript with the
        marks its tokens were given (the classifier learned from written lines)."""
        if self.tokens and self.tokens[0].marks_inferred:
            return punctuated_text(self.tokens)
        return self.utterance.text


def _felt(cues: Sequence[tuple[ParentheticalCue, float]]) -> ParentheticalCue | None:
    """The cue of a parenthetical whose emotion is the line's: the first with one, unless that
    only shows a feeling (a smile, a laugh) and a later cue states another ("laughing
    bitterly", "smiling sadly")."""
    feeling = [cue for cue, _ in cues if cue.emotion is not None and not cue.pause]
    if not feeling or not feeling[0].shown:
        return feeling[0] if feeling else None
    first = feeling[0]
    return next((c for c in feeling if not c.shown and c.emotion != first.emotion), first)


def _veto_key(template: BehaviourTemplate) -> _VetoKey:
    return (template.channel, template.lexeme, template.au, template.target)


def _on_stage_during(scene: Scene, action: ActionLine) -> tuple[str, ...]:
    """Who is on stage at some moment of an action line: there when it starts, or brought on
    by it ("He opens it. MRS. PATEL holds out a toaster."); not whom a later line brings on,
    so "They exchange a look." before the landlady rings is not her look."""
    there = set(scene.on_stage(action.beat, action.start))
    if action.beat < len(scene.beats):
        beat = scene.beats[action.beat]
        there |= {c.character for c in beat.stage if c.action_id == action.id}
        return tuple(name for name in beat.characters if name in there)
    return tuple(name for name in scene.characters if name in there)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def classifier_intensity(confidence: float, tokens: Sequence[Token]) -> float:
    """Emotion intensity from a classifier's confidence, raised by "!" and stressed words."""
    intensity = 0.3 + 0.6 * _clamp((confidence - 0.25) / 0.75)
    if any(t.exclaims for t in tokens):
        intensity += 0.1
    if any(t.emphasis for t in tokens):
        intensity += 0.1
    return round(_clamp(intensity), 3)


def _as_read(text: str) -> str:
    """An earlier turn of a session as the classifier read it when it was said: a bare
    transcript with its inferred marks (and so the same text the classifier has seen)."""
    tokens = tokenize(tuple(Word(text=w, start=0.0, end=0.0) for w in text.split()))
    return punctuated_text(tokens) if tokens and tokens[0].marks_inferred else text


def _none(_: str) -> None:
    return None


def _reads_all(_: str) -> bool:
    return True


def _unread_language(text: str, language: str, vote: EmojiVote | None) -> _Emotion:
    """The emotion of a line in a language the classifier cannot read: its emotion words
    (`planners.emotion_words`), else its emoji, else neutral."""
    table = load_emotion_words().languages.get(language)
    reading = table.read(text) if table is not None else None
    if reading is not None:
        return _Emotion(reading.emotion, reading.intensity, "words", f"words: {_said(reading)}")
    if vote is not None:
        return _emoji_emotion(vote)
    name = table.name if table is not None else language
    reason = (
        f"words: no emotion word of {name}"
        if table is not None
        else f"classifier: not read, the line is in {name} (it reads English)"
    )
    return _Emotion("neutral", 0.0, "words" if table is not None else "classifier", reason)


def _name_in_case(word: str, names: NameIndex) -> str | None:
    """The character whose name `word` is in another case ("бену": BEN), where the word's
    language declines names (`action_gloss`: Russian); None otherwise."""
    gloss = gloss_for(None, word)
    if gloss is None or not word.isalpha():
        return None
    found = gloss.name_in_case(word.lower(), names.has_word)
    return names.find(found) if found is not None else None


def _heard_despite(
    item: _Prepared, vote: EmojiVote | None, label: str, confidence: float
) -> _Emotion | None:
    """The emotion of an English line the classifier called neutral that its strong emotion
    words ("disgusting", "terrified") or else its emoji still say; None where neither does."""
    if primary_language(item.utterance.language) in (None, "en"):
        reading = load_emotion_words().languages["en"].read(item.read_text)
        if reading is not None:
            note = inferred_note(item.tokens)
            reason = f"words: {_said(reading)} (classifier: {label} {confidence:.2f}){note}"
            return _Emotion(reading.emotion, reading.intensity, "words", reason)
    return _emoji_emotion(vote) if vote is not None else None


def _said(reading: WordsReading) -> str:
    """The words a reading heard, for a reason: '"scary" felt for another'."""
    said = ", ".join(f'"{phrase}"' for phrase in reading.phrases) or '"?!"'
    return f"{said} felt for another" if reading.felt_for else said


def _call(tokens: Sequence[Token], names: NameIndex) -> int:
    """How many tokens open the line with sentences that only call someone: each word a
    capitalised word of a character's name or a title ("Park.", "Ensign!", "Captain Okoro!")."""
    end = 0
    for token in tokens:
        if token.norm and not (
            token.text[:1].isupper() and (token.norm in TITLES or names.has_word(token.norm))
        ):
            break
        if token.sentence_end:
            end = token.index + 1
    return end


def _concern(item: _Prepared, label: str, raw: str, confidence: float) -> _Emotion | None:
    """Concern where an English line gives someone else the anger, fear or disgust the
    classifier heard ("You look worried.", `emotion_words` empathising); None otherwise."""
    if label not in ("anger", "fear", "disgust"):
        return None
    if primary_language(item.utterance.language) not in (None, "en"):
        return None
    reading = load_emotion_words().languages["en"].read(item.read_text)
    if reading is None or not reading.felt_for:
        return None
    note = inferred_note(item.tokens)
    reason = f"words: {_said(reading)} (classifier: {raw} {confidence:.2f}){note}"
    return _Emotion(reading.emotion, reading.intensity, "words", reason)


def _stated_feeling(item: _Prepared, label: str, raw: str, confidence: float) -> _Emotion | None:
    """The feeling an English line states ("I'm so angry", "that's terrifying") where the
    classifier heard another emotion in it; None where it states none, or the same."""
    if label == "neutral" or primary_language(item.utterance.language) not in (None, "en"):
        return None
    reading = item.stated_words()
    if reading is None or reading.emotion == label:
        return None
    said = ", ".join(f'"{phrase}"' for phrase in reading.phrases)
    reason = (
        f"words: {said} stated (classifier: {raw} {confidence:.2f}){inferred_note(item.tokens)}"
    )
    return _Emotion(reading.emotion, reading.intensity, "words", reason)


def _not_felt(
    item: _Prepared, label: str, raw: str, prediction: EmotionPredictionLike
) -> _Emotion | None:
    """The classifier's most probable emotion of those an English line does not only sound
    like, where it heard one that the line only sounds like ("I'm afraid not.", "Don't give
    up, you've got this!": `emotion_words` not_felt) and no other word of the line says it;
    None otherwise. A model that gives no probabilities leaves the line neutral."""
    if label == "neutral" or primary_language(item.utterance.language) not in (None, "en"):
        return None
    words = load_emotion_words().languages["en"]
    unfelt = words.unfelt(item.read_text, label)
    if unfelt is None:
        return None
    phrase, sounded = unfelt
    reading = words.read(item.read_text)
    if reading is not None and reading.emotion == label:
        return None
    others = {
        _LABEL_ALIASES.get(name, name): float(p)
        for name, p in (getattr(prediction, "probabilities", None) or {}).items()
    }
    others = {n: p for n, p in others.items() if n in EMOTIONS and n not in sounded | {label}}
    other = max(others, key=others.__getitem__, default="neutral")
    probability = others.get(other, 0.0)
    intensity = classifier_intensity(probability, item.tokens)
    if other == "neutral":
        intensity = min(intensity, NEUTRAL_INTENSITY)
    reason = (
        f'classifier: {raw} {float(prediction.confidence):.2f}, but "{phrase}" is not {label}; '
        f"next {other} {probability:.2f}{inferred_note(item.tokens)}"
    )
    return _Emotion(other, intensity, "classifier", reason)


def _answers(previous: _Prepared | None, speaker: str) -> bool:
    """Whether `speaker`'s line answers the one before: another's question."""
    return (
        previous is not None
        and previous.utterance.speaker != speaker
        and any(t.end_mark == "?" for t in previous.tokens)
    )


def _tells_a_feeling(item: _Prepared, label: str) -> bool:
    """Whether an English line says in words that its speaker feels `label` ("I'm really
    frustrated", "That's unacceptable"), as `_stated_feeling` reads it, and says it of no
    "you" ("I'm so angry with you", "I hate what you did" are aimed at the listener)."""
    if label == "neutral" or primary_language(item.utterance.language) not in (None, "en"):
        return False
    if any(token.norm in _SECOND_PERSON for token in item.tokens):
        return False
    reading = item.stated_words()
    return reading is not None and reading.emotion == label


def _vents(item: _Prepared, label: str, intent: str) -> bool:
    """Whether an angry line is at something, not at the one it is said to: it says no "you"
    and neither orders, threatens, refuses nor dismisses ("This is ridiculous! I want to
    speak to a manager!" is a customer's anger at the service, not at the avatar)."""
    if label != "anger" or intent in _AT_THE_LISTENER:
        return False
    return not any(token.norm in _SECOND_PERSON for token in item.tokens)


def _emoji_emotion(vote: EmojiVote) -> _Emotion:
    return _Emotion(vote.emotion, vote.intensity, "emoji", f"emoji: {vote.emoji} -> {vote.emotion}")


def _default_emotion_model() -> EmotionModel:
    try:
        module = importlib.import_module("motiondirector.planners.emotion")
    except ImportError as error:
        raise BackendUnavailableError(
            f"the emotion classifier could not be imported ({error}); pass an emotion_model to "
            "RulesPlanner"
        ) from error
    factory = cast(Callable[[], EmotionModel], module.get_emotion_classifier)
    return factory()


class RulesPlanner:
    """Plans a Scene by rules. Deterministic: the same Scene gives the same Direction."""

    name = "rules"

    def __init__(
        self, emotion_model: EmotionModel | None = None, *, lexicon: CueLexicon | None = None
    ) -> None:
        self._emotion_model = emotion_model
        self._lexicon = lexicon or load_cue_lexicon()
        self._matcher = DialogueMatcher(self._lexicon)
        self._actions = ActionParser(self._lexicon)
        self._parentheticals: dict[str, ParentheticalCue] = {
            phrase: cue for cue in self._lexicon.parentheticals for phrase in cue.phrases
        }
        self._longest_parenthetical = max(len(p.split()) for p in self._parentheticals)
        self._emfacs = load_emfacs()

    # -- public ------------------------------------------------------------------------------

    def plan(self, scene: Scene, *, history: Sequence[tuple[str, str]] = ()) -> Direction:
        """The Direction for `scene`. `history`: (speaker, text) of the lines spoken before it,
        oldest first (a live session's earlier turns), read by the emotion model as context."""
        prepared, action_cues = self._read(scene)
        emotions = self._emotions(list(prepared.values()), history)
        utterances: list[UtteranceDirection] = []
        previous: _Prepared | None = None
        for utterance in scene.utterances:
            current = prepared[utterance.id]
            utterances.append(self._direct_utterance(current, emotions[utterance.id], previous))
            previous = current
        return Direction(
            planner=self.name,
            utterances=tuple(utterances),
            actions=self._direct_actions(scene, action_cues),
        )

    def ruled_out(self, scene: Scene) -> dict[str, RuledOut]:
        """Per utterance id, what its negated parentheticals rule out (lines with none are
        left out): for a planner that directs the lines otherwise and must honour them too."""
        prepared, _ = self._read(scene)
        return {
            uid: item.explicit.ruled_out
            for uid, item in prepared.items()
            if item.explicit.ruled_out.reason
        }

    def plan_actions(self, scene: Scene) -> tuple[ActionDirection, ...]:
        """Only the action lines' direction, as `plan` gives it (no emotion model call)."""
        return self._direct_actions(scene, self._read(scene)[1])

    def _direct_actions(
        self, scene: Scene, action_cues: dict[str, list[ActionCue]]
    ) -> tuple[ActionDirection, ...]:
        openings = opening_postures(scene, action_cues)
        directions = []
        for action in scene.actions:
            behaviours = []
            for index, cue in enumerate(action_cues[action.id]):
                before = openings.before.get((action.id, index))
                if before is not None:
                    behaviours.append(self._posture_before(cue, before))
                key = (action.id, index)
                opening = key in openings.states or key in openings.shut
                behaviours.append(self._action_behaviour(cue, action.text, opening))
            directions.append(ActionDirection(action_id=action.id, behaviours=tuple(behaviours)))
        return tuple(directions)

    def _read(self, scene: Scene) -> tuple[dict[str, _Prepared], dict[str, list[ActionCue]]]:
        """Utterances and action lines read in script order (who was mentioned last matters)."""
        names = NameIndex(
            scene.characters,
            roles=role_names(scene.characters, (action.text for action in scene.actions)),
        )
        tracker = ReferenceTracker()
        attending = scene.attending()
        prepared: dict[str, _Prepared] = {}
        action_cues: dict[str, list[ActionCue]] = {}
        # In a beat without dialogue the action alone gives the faces ("MARY sits, furious");
        # in one with dialogue, the emotion is the one of the character's next line.
        spoken = {utterance.beat for utterance in scene.utterances}
        stated: dict[tuple[int, str], _Emotion] = {}
        for item in self._in_script_order(scene):
            if isinstance(item, Utterance):
                on_stage = scene.on_stage(item.beat, item.start)
                tracker.speaks(item.speaker)
                listeners = attending[item.id]
                named = names.find(item.text)
                tokens = tokenize(item.words)
                prepared[item.id] = _Prepared(
                    utterance=item,
                    tokens=tokens,
                    call=_call(tokens, names),
                    explicit=self._read_parentheticals(item, names, tracker, on_stage),
                    listeners=listeners,
                    vocative=named if named in listeners else None,
                    stated=stated.pop((item.beat, item.speaker), None),
                )
            else:
                on_stage = _on_stage_during(scene, item)
                feelings: list[FeelingCue] | None = [] if item.beat in spoken else None
                action_cues[item.id] = self._actions.parse(
                    item.text,
                    names,
                    tracker,
                    on_stage,
                    emotions=feelings is None,
                    feelings=feelings,
                    language=item.language,
                )
                for cue in action_cues[item.id]:
                    said = stated.get((item.beat, cue.character))
                    if said is not None and _face_belies(cue, said.label):
                        # "She is angry now. ... she is smiling.": the face told last is how
                        # she feels when she speaks, not the word before it.
                        del stated[(item.beat, cue.character)]
                for feeling in feelings or ():
                    if feeling.everyone:
                        continue  # "They exchange excited whispers": not who speaks next
                    if _belied_later(feeling, action_cues[item.id]):
                        continue  # "tired but smiling": the face told after the word wins
                    reason = f'action "{feeling.trigger}" ({item.id})'
                    stated[(item.beat, feeling.character)] = _Emotion(
                        feeling.label, round(_clamp(feeling.intensity), 3), "action", reason
                    )
        return prepared, action_cues

    # -- ordering and emotion ------------------------------------------------------------------

    @staticmethod
    def _in_script_order(scene: Scene) -> list[Utterance | ActionLine]:
        items: list[tuple[tuple[float, int, int, int], Utterance | ActionLine]] = []
        for index, utterance in enumerate(scene.utterances):
            items.append(((utterance.start, utterance.line or 0, 1, index), utterance))
        for index, action in enumerate(scene.actions):
            items.append(((action.start, action.line or 0, 0, index), action))
        items.sort(key=lambda pair: pair[0])
        return [item for _, item in items]

    def _model(self) -> EmotionModel:
        if self._emotion_model is None:
            self._emotion_model = _default_emotion_model()
        return self._emotion_model

    def _emotions(
        self, items: Sequence[_Prepared], history: Sequence[tuple[str, str]] = ()
    ) -> dict[str, _Emotion]:
        """The emotion of each utterance by id; one classifier call for the lines that need it."""
        result: dict[str, _Emotion] = {}
        pending: list[_Prepared] = []
        # A model may say which texts it cannot read (the packaged one reads English only).
        unread = cast(Callable[[str], str | None], getattr(self._model(), "unread_script", _none))
        reads = cast(Callable[[str], bool], getattr(self._model(), "reads_language", _reads_all))
        # Emoji speak only where the classifier has nothing to say: on GoEmotions lines with
        # emoji that beats letting them override it (docs/rules-planner.md, "Emoji").
        emoji = load_emoji_emotions()
        votes = {item.utterance.id: emoji.vote(item.utterance.text) for item in items}
        for item in items:
            explicit = item.explicit
            vote = votes[item.utterance.id]
            script = unread(item.utterance.text)
            # A line no one gave a language is in its script's language where the model cannot
            # read that script (Hangul: Korean).
            language = primary_language(item.utterance.language) or (
                language_of_script(script, item.utterance.text) if script else None
            )
            if explicit.emotion is not None:
                result[item.utterance.id] = _Emotion(
                    explicit.emotion, explicit.intensity, "parenthetical", explicit.reason
                )
            elif item.stated is not None:
                result[item.utterance.id] = item.stated
            elif item.tokens and language is not None and not reads(language):
                result[item.utterance.id] = _unread_language(item.utterance.text, language, vote)
            elif vote is not None and (not item.tokens or script):
                result[item.utterance.id] = _emoji_emotion(vote)
            elif not item.tokens:
                result[item.utterance.id] = _Emotion("neutral", 0.0, "no_words", "no words")
            elif script is not None:
                reason = f"classifier: not read, the line is in {script} script (it reads English)"
                result[item.utterance.id] = _Emotion("neutral", 0.0, "classifier", reason)
            else:
                pending.append(item)
        if pending:
            predictions = self._classify(items, pending, history)
            if len(predictions) != len(pending):
                raise MotionDirectorError(
                    f"the emotion model returned {len(predictions)} predictions for "
                    f"{len(pending)} texts"
                )
            for item, prediction in zip(pending, predictions, strict=True):
                raw = str(prediction.label).lower()
                label = _LABEL_ALIASES.get(raw, raw)
                if label not in EMOTIONS:
                    label = "neutral"
                confidence = float(prediction.confidence)
                intensity = classifier_intensity(confidence, item.tokens)
                stated = _stated_feeling(item, label, raw, confidence) or _concern(
                    item, label, raw, confidence
                )
                if stated is not None:
                    result[item.utterance.id] = stated
                    continue
                unfelt = _not_felt(item, label, raw, prediction)
                if unfelt is not None:
                    result[item.utterance.id] = unfelt
                    continue
                if label != "neutral" and item.only_a_call:
                    # "Ensign!": a name called says nothing of how; the classifier's joy at
                    # one exclamation mark would smile at it.
                    reason = f"classifier: {raw} {confidence:.2f}; the line only calls a name"
                    result[item.utterance.id] = _Emotion(
                        "neutral", NEUTRAL_INTENSITY, "classifier", reason
                    )
                    continue
                if label == "neutral":
                    vote = votes[item.utterance.id]
                    heard = _heard_despite(item, vote, raw, confidence)
                    if heard is not None:
                        result[item.utterance.id] = heard
                        continue
                    intensity = min(intensity, NEUTRAL_INTENSITY)
                reason = f"classifier: {raw} {confidence:.2f}{inferred_note(item.tokens)}"
                result[item.utterance.id] = _Emotion(label, intensity, "classifier", reason)
        for item in items:  # what a negated parenthetical rules out, whoever heard it
            ruled_out, found = item.explicit.ruled_out, result[item.utterance.id]
            if found.label in ruled_out.emotions and found.origin != "parenthetical":
                reason = ruled_out.emotion_reason(found.label, found.reason)
                result[item.utterance.id] = _Emotion("neutral", 0.0, "parenthetical", reason)
        return result

    def _classify(
        self,
        items: Sequence[_Prepared],
        pending: Sequence[_Prepared],
        history: Sequence[tuple[str, str]],
    ) -> list[EmotionPredictionLike]:
        """Predictions for `pending`, each line read in its conversation when the model can."""
        model = self._model()
        read_dialogue = cast(_DialogueReader | None, getattr(model, "predict_dialogue", None))
        if read_dialogue is None:
            return list(model.predict([i.read_text for i in pending]))
        # Every line is context for the next, even one whose emotion the script states.
        beat = items[0].utterance.beat
        lines = [(speaker, _as_read(text), beat) for speaker, text in history]
        lines += [(i.utterance.speaker, i.read_text, i.utterance.beat) for i in items]
        read = list(read_dialogue(lines, start=len(history)))
        if len(read) != len(items):
            raise MotionDirectorError(
                f"the emotion model returned {len(read)} predictions for {len(items)} lines"
            )
        by_id = {item.utterance.id: p for item, p in zip(items, read, strict=True)}
        return [by_id[item.utterance.id] for item in pending]

    # -- parentheticals ------------------------------------------------------------------------

    def _read_parentheticals(
        self,
        utterance: Utterance,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> _Explicit:
        explicit = _Explicit()
        n_words = len(utterance.words)
        positions = [p.before_word for p in utterance.parentheticals]
        for number, parenthetical in enumerate(utterance.parentheticals):
            anchor = min(parenthetical.before_word, n_words - 1) if n_words else None
            later = [p for p in positions[number + 1 :] if p > parenthetical.before_word]
            until = (min(later) - 1 if later else n_words - 1) if n_words else None
            if anchor is not None and until is not None and until < anchor:
                until = anchor
            reason = f'parenthetical "({parenthetical.text})"'
            cues, address, action, negated = self._parse_parenthetical(
                parenthetical.text, utterance.speaker, names, tracker, on_stage, utterance.language
            )
            for cue in negated:
                ruled_out = explicit.ruled_out
                ruled_out.reason = ruled_out.reason or reason
                if cue.emotion is not None:
                    ruled_out.emotions.add(cue.emotion)
                ruled_out.behaviours.update(_veto_key(t) for t in cue.behaviours)
            if address is not None and address != utterance.speaker:
                explicit.addressee = explicit.addressee or address
                gaze = _Draft(
                    utterance.speaker, "gaze", "rules.parenthetical", reason, "parenthetical"
                )
                gaze.target, gaze.word = address, anchor
                explicit.drafts.append((EXPLICIT_PRIORITY, gaze))
            felt = _felt(cues)
            for cue, scale in cues:
                if cue.pause:
                    continue
                if cue.emotion is not None and explicit.emotion is None and cue is felt:
                    explicit.emotion = cue.emotion
                    explicit.intensity = round(_clamp(cue.emotion_intensity * scale), 3)
                    explicit.reason = reason
                shown = cue.shown if felt is not None and felt.emotion != cue.emotion else ()
                explicit.gesture_scale *= cue.gesture_scale
                explicit.beats = explicit.beats and cue.beats
                explicit.unseen = explicit.unseen or cue.unseen
                for template in (*cue.behaviours, *shown):
                    draft = self._from_template(
                        template, utterance.speaker, "parenthetical", reason, anchor
                    )
                    draft.intensity = template.intensity * scale
                    if template.channel == "face":
                        draft.until_word = until
                    explicit.drafts.append((EXPLICIT_PRIORITY, draft))
            for action_cue in action:
                draft = self._from_template(
                    action_cue.template, action_cue.character, "parenthetical", reason, anchor
                )
                draft.target = action_cue.target
                if draft.channel == "face":
                    draft.until_word = until
                explicit.drafts.append((EXPLICIT_PRIORITY, draft))
        return explicit

    def _parse_parenthetical(
        self,
        text: str,
        speaker: str,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        language: str | None = None,
    ) -> tuple[
        list[tuple[ParentheticalCue, float]], str | None, list[ActionCue], list[ParentheticalCue]
    ]:
        """Lexicon cues with intensity scales, an addressee hint, action cues, and the cues a
        negation rules out ("not smiling")."""
        whole = normalise_phrase(text)
        if whole in self._parentheticals:
            return [(self._parentheticals[whole], 1.0)], None, [], []
        cues: list[tuple[ParentheticalCue, float]] = []
        address: str | None = None
        actions: list[ActionCue] = []
        negated: list[ParentheticalCue] = []
        for raw_part in _PART_SPLIT.split(text):
            part, scale = self._strip_intensifiers(normalise_phrase(raw_part))
            if not part:
                continue
            if part in self._parentheticals:
                cues.append((self._parentheticals[part], scale))
                continue
            addressed = _ADDRESS.match(part)
            named = next((g for g in addressed.groups() if g), "") if addressed else ""
            # A name in letters the name index does not read (王芳, 지은) is matched whole.
            on_stage_name = named.upper() if named.upper() in on_stage else None
            if named:
                name = names.find(named) or on_stage_name or _name_in_case(named, names)
            else:  # Russian "(Бену)": a name in the dative is the one the line is said to
                name = _name_in_case(part, names)
            if name is not None:
                address = address or name
                continue
            found = self._actions.parse(
                part, names, tracker, on_stage, default_subject=speaker, language=language
            )
            actions.extend(found)
            covered = {(a.template.channel, a.template.lexeme, a.template.au) for a in found}
            for cue, denied in self._contained_cues(part):
                if denied:
                    negated.append(cue)
                    continue
                kept = tuple(
                    t for t in cue.behaviours if (t.channel, t.lexeme, t.au) not in covered
                )
                if kept != cue.behaviours:
                    cue = replace(cue, behaviours=kept)
                cues.append((cue, scale))
        return cues, address, actions, negated

    def _strip_intensifiers(self, part: str) -> tuple[str, float]:
        scale = 1.0
        changed = True
        while changed:
            changed = False
            for word, factor in self._lexicon.intensifiers.items():
                if part.startswith(word + " "):
                    part = part[len(word) + 1 :]
                    scale *= factor
                    changed = True
        return part, scale

    def _contained_cues(self, part: str) -> list[tuple[ParentheticalCue, bool]]:
        """Lexicon phrases inside a longer parenthetical ("still smiling broadly"), each with
        whether a negation before it rules it out ("not smiling", "trying not to laugh",
        "without looking up", "stops smiling")."""
        words = part.split()
        found: list[tuple[ParentheticalCue, bool]] = []
        index = 0
        while index < len(words):
            for length in range(min(self._longest_parenthetical, len(words) - index), 0, -1):
                phrase = " ".join(words[index : index + length])
                if phrase in self._parentheticals:
                    before = words[max(0, index - 2) : index]
                    denied = any(w in _DENIALS for w in before) or (
                        bool(before) and before[-1] in CEASING
                    )
                    found.append((self._parentheticals[phrase], denied))
                    index += length
                    break
            else:
                index += 1
        return found

    @staticmethod
    def _from_template(
        template: BehaviourTemplate,
        character: str,
        origin: Origin,
        reason: str,
        word: int | None,
        rule: str | None = None,
    ) -> _Draft:
        return _Draft(
            character=character,
            channel=template.channel,
            rule=rule or f"rules.{origin}",
            reason=reason,
            origin=origin,
            lexeme=template.lexeme,
            au=template.au,
            target=template.target,
            word=word,
            intensity=template.intensity,
        )

    # -- one utterance ---------------------------------------------------------------------------

    def _direct_utterance(
        self,
        item: _Prepared,
        emotion: _Emotion,
        previous: _Prepared | None,
    ) -> UtteranceDirection:
        utterance, tokens, explicit = item.utterance, item.tokens, item.explicit
        label, intensity, emotion_reason = emotion.label, emotion.intensity, emotion.reason
        speaker = utterance.speaker
        addressee = self._addressee(utterance, explicit, item.listeners, item.vocative)
        target_for = addressee or "addressee"
        last = len(tokens) - 1

        candidates: list[tuple[int, _Draft]] = list(explicit.drafts)
        matches = self._matcher.find(tokens) if tokens else []
        if _answers(previous, speaker):
            matches = [m for m in matches if not m.category.not_an_answer]
        for match in matches:
            reason = self._trigger(tokens, match)
            for template in match.category.behaviours:
                if explicit.unseen and template.lexeme in _SHOWN_TO_THE_LISTENER:
                    continue  # "(into phone) Love you too. Bye.": no wave down the line
                draft = self._from_template(
                    template, speaker, "cue", reason, match.anchor, f"rules.{match.category.name}"
                )
                if template.channel == "gesture":
                    draft.intensity = template.intensity * explicit.gesture_scale
                candidates.append((match.category.priority, draft))
        candidates.extend(self._question_drafts(tokens, speaker))
        for index in find_enumeration(tokens, self._lexicon.function_words):
            draft = _Draft(
                speaker, "gesture", "rules.enumeration", f'list item "{tokens[index].text}"', "cue"
            )
            draft.lexeme, draft.word = "count", index
            candidates.append((ENUMERATION_PRIORITY, draft))

        drafts: list[_Draft] = []
        occupied: set[tuple[str, str, int | None]] = set()
        for _, draft in sorted(candidates, key=lambda pair: -pair[0]):
            if draft.target == "$addressee":
                draft.target = target_for if draft.channel != "gaze" else addressee
            if draft.channel == "gaze" and (draft.target is None or draft.target == speaker):
                continue
            key = (draft.character, draft.channel, draft.word)
            if draft.channel in _EXCLUSIVE_CHANNELS and key in occupied:
                continue
            occupied.add(key)
            drafts.append(draft)

        if addressee is not None and (speaker, "gaze", 0) not in occupied and tokens:
            gaze = _Draft(
                speaker, "gaze", "rules.gaze.addressee", f"speaking to {addressee}", "addressee"
            )
            gaze.target, gaze.word = addressee, 0
            drafts.append(gaze)
        drafts.extend(self._emotion_face(speaker, label, intensity, emotion_reason, last))
        drafts = self._merge_faces(drafts)
        drafts = self._merge_heads(drafts)
        if explicit.ruled_out.behaviours:
            drafts = [d for d in drafts if not explicit.ruled_out.excludes(d, speaker, addressee)]

        behaviours = [d.build() for d in drafts]
        if explicit.beats:
            gestures_at = [
                d.word for d in drafts if d.channel == "gesture" and d.character == speaker
            ]
            behaviours.extend(
                beat_gestures(
                    utterance,
                    tokens,
                    self._lexicon.function_words,
                    [w for w in gestures_at if w is not None],
                    scale=explicit.gesture_scale,
                )
            )
        intent = self._intent(tokens, matches, previous, utterance.speaker, item.call)
        if not utterance.voice_over:
            addressees = (addressee,) if addressee else utterance.addressees
            behaviours.extend(
                listener_behaviours(
                    utterance,
                    tokens,
                    item.listeners,
                    emotion=label,
                    intensity=intensity,
                    addressees=addressees,
                    feeling_told=_tells_a_feeling(item, label),
                    vented=_vents(item, label, intent),
                )
            )
        behaviours.sort(key=lambda b: self._order(b, speaker))
        return UtteranceDirection(
            utterance_id=utterance.id,
            intent=intent,
            emotion=label,
            intensity=round(_clamp(intensity), 3),
            emotion_origin=emotion.origin,
            emotion_reason=emotion_reason,
            behaviours=tuple(behaviours),
        )

    @staticmethod
    def _addressee(
        utterance: Utterance, explicit: _Explicit, listeners: Sequence[str], vocative: str | None
    ) -> str | None:
        """Who the line is aimed at: a "(to BEN)" hint, the scene's addressees, a listener named
        in the line, or the only listener."""
        if explicit.addressee is not None:
            return explicit.addressee
        for name in utterance.addressees:
            if name != utterance.speaker:
                return name
        if vocative is not None:
            return vocative
        return listeners[0] if len(listeners) == 1 else None

    @staticmethod
    def _trigger(tokens: Sequence[Token], match: CueMatch) -> str:
        words = join_words([t.norm for t in tokens[match.first : match.last + 1]])
        kind = "word" if match.first == match.last else "phrase"
        return f'{kind} "{words}"{inferred_note(tokens)}'

    def _question_drafts(self, tokens: Sequence[Token], speaker: str) -> list[tuple[int, _Draft]]:
        drafts: list[tuple[int, _Draft]] = []
        for first, last in sentence_spans(tokens):
            if tokens[last].end_mark != "?":
                continue
            reason = f'question ending "{tokens[last].text}"{inferred_note(tokens)}'
            for au in (1, 2):
                draft = _Draft(speaker, "face", "rules.question", reason, "cue")
                draft.au, draft.word, draft.until_word = au, max(first, last - 2), last
                draft.intensity = 0.5
                drafts.append((QUESTION_PRIORITY, draft))
            opener = next(
                (t.norm for t in tokens[first : last + 1] if t.norm not in self._lexicon.fillers),
                "",
            )
            if opener in self._lexicon.wh_words:
                why = f'wh-question "{opener}"{inferred_note(tokens)}'
                tilt = _Draft(speaker, "head", "rules.question", why, "cue")
                tilt.lexeme, tilt.word, tilt.intensity = "tilt", last, 0.4
                drafts.append((QUESTION_PRIORITY, tilt))
        return drafts

    def _emotion_face(
        self, speaker: str, label: str, intensity: float, reason: str, last: int
    ) -> list[_Draft]:
        if label == "neutral" or last < 0:
            return []
        drafts: list[_Draft] = []
        for au, weight in sorted(self._emfacs.get(label, {}).items()):
            value = round(weight * intensity, 3)
            if value < MIN_EMOTION_FACE:
                continue
            draft = _Draft(
                speaker, "face", "rules.emotion", f"{label} {intensity:.2f} ({reason})", "emotion"
            )
            draft.au, draft.word, draft.until_word, draft.intensity = au, 0, last, value
            drafts.append(draft)
        return drafts

    @staticmethod
    def _merge_faces(drafts: list[_Draft]) -> list[_Draft]:
        """One face behaviour per character, AU and span: the strongest."""
        best: dict[tuple[str, int | None, int | None, int | None], _Draft] = {}
        order: list[_Draft] = []
        for draft in drafts:
            if draft.channel != "face":
                order.append(draft)
                continue
            key = (draft.character, draft.au, draft.word, draft.until_word)
            kept = best.get(key)
            if kept is None:
                best[key] = draft
                order.append(draft)
            elif draft.intensity > kept.intensity:
                kept.intensity = draft.intensity
        return order

    @staticmethod
    def _merge_heads(drafts: list[_Draft]) -> list[_Draft]:
        heads = sorted(
            (d for d in drafts if d.channel == "head" and d.word is not None),
            key=lambda d: (d.character, d.word or 0),
        )
        dropped: set[int] = set()
        kept: _Draft | None = None
        for draft in heads:
            if (
                kept is not None
                and kept.character == draft.character
                and kept.lexeme == draft.lexeme
                and kept.rule == draft.rule
                and (draft.word or 0) - (kept.until_word or kept.word or 0) <= HEAD_MERGE_GAP
            ):
                kept.until_word = draft.word
                dropped.add(id(draft))
                continue
            kept = draft
        return [d for d in drafts if id(d) not in dropped]

    @staticmethod
    def _order(behaviour: Behaviour, speaker: str) -> tuple[Any, ...]:
        return (
            behaviour.character != speaker,
            behaviour.character,
            -1 if behaviour.word is None else behaviour.word,
            CHANNELS.index(behaviour.channel),
            behaviour.lexeme or "",
            behaviour.au or 0,
            behaviour.rule,
        )

    # -- intent ----------------------------------------------------------------------------------

    def _intent(
        self,
        tokens: Sequence[Token],
        matches: Sequence[CueMatch],
        previous: _Prepared | None,
        speaker: str,
        call: int = 0,
    ) -> str:
        """The line's speech act; `call` tokens open it calling someone, before an order may
        begin ("Park. Fire everything we have.")."""
        fillers = self._lexicon.fillers
        words = [t.norm for t in tokens if t.norm]
        # "Don't cry.", "Don't go!": an order, though it opens with a negation; "Don't." alone
        # refuses.
        forbids = words[:1] == ["don't"] and len(words) > 1 and not tokens[0].sentence_end
        for match in sorted(matches, key=lambda m: (-m.category.priority, m.first)):
            category = match.category
            if category.intent is None:
                continue
            if category.intent_at_start and any(
                t.norm not in fillers for t in tokens[: match.first]
            ):
                continue
            if forbids and match.first == 0 and category.intent == "refuse":
                return "command"
            if category.intent in ("command", "refuse", "agree", "apologise") and any(
                t.end_mark == "?" for t in tokens if t.sentence == tokens[match.first].sentence
            ):
                # "Stop what? Us?", "No? Hush yes?", "Excuse me, where's the bathroom?": asked,
                # not ordered, answered or apologised
                continue
            return category.intent
        if any(t.end_mark == "?" for t in tokens):
            return "ask"
        if words[:2] == ["let", "me"] and len(words) > 2 and words[2] not in _LET_ME_DEMANDS:
            # What the speaker is about to do ("Let me check."), for the listener an offer
            # ("Let me transfer you.", "Let me get you a coffee.").
            return "offer" if _SECOND_PERSON & set(words[3:]) else "inform"
        if self._orders(tokens[call:]):
            return "command"
        if _answers(previous, speaker):
            return "answer"
        if tokens and tokens[-1].exclaims:
            return "exclaim"
        return "inform"

    def _orders(self, tokens: Sequence[Token]) -> bool:
        """Whether the line opens with an order: an imperative verb ("Sit down."), also after
        fillers ("Then explain this.", "Okay, sit down."), or "please" or "don't" before more
        words. "Look, I didn't mean it." opens an explanation instead."""
        spoken = [t for t in tokens if t.norm]
        for index, token in enumerate(spoken):
            more = index + 1 < len(spoken)
            if token.norm in ("look", "listen") and more and token.clause_end:
                return False
            if token.norm in self._lexicon.imperative_verbs:
                return True
            if token.norm in ("please", "don't") and more:
                return True
            if token.norm not in self._lexicon.fillers or token.sentence_end:
                return False
        return False

    # -- actions ---------------------------------------------------------------------------------

    @staticmethod
    def _posture_before(cue: ActionCue, posture: str) -> Behaviour:
        """The posture the scene opens on for a character whose first posture is getting up,
        or sitting where the dialogue has begun (`planners.opening`)."""
        getting_up = "" if cue.template.lexeme == "sit" else ", before getting up"
        return _Draft(
            character=cue.character,
            channel="posture",
            rule="rules.action.opening",
            reason=f'action "{cue.trigger}": so when the scene opens{getting_up}',
            origin="opening",
            lexeme=posture,
            intensity=cue.template.intensity,
        ).build()

    @staticmethod
    def _action_behaviour(cue: ActionCue, text: str, opening: bool) -> Behaviour:
        """The behaviour of an action cue, on the word of the line that says it (an index in
        `text.split()`), where the reader knows it; `opening`: a posture the scene opens on, or
        eyes shut in sleep there."""
        template = cue.template
        return _Draft(
            character=cue.character,
            channel=template.channel,
            rule="rules.action.opening" if opening else "rules.action",
            reason=f'action "{cue.trigger}"' + (": so when the scene opens" if opening else ""),
            origin="opening" if opening else "action",
            lexeme=template.lexeme,
            au=template.au,
            target=cue.target,
            word=None if cue.start is None else len(text[: cue.start].split()),
            intensity=template.intensity,
        ).build()
