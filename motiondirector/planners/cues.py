"""The rules planner's lexicons (package data `planners/data/cues.yaml`, and the dialogue cues of
other languages in `planners/data/dialogue_languages.yaml`) and the dialogue matcher.

Loads and checks the lexicons once, turns an utterance's words into normalised tokens, and finds
dialogue cues ("no", "thank you", "I don't know", "gracias", "谢谢", ...) in them. It decides
which cue fires on which word; it does not build Behaviours (that is `rules.py`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, get_args

from motiondirector.cache import load_once
from motiondirector.plan.scene import StageChangeKind, Word
from motiondirector.plan.vocabulary import EMOTIONS, GAZE_KEYWORDS, load_vocabulary
from motiondirector.planners.boundaries import inferred_marks
from motiondirector.speech.punctuation import ASCII_KIN
from motiondirector.speech.scripts import split_unspaced
from motiondirector.yaml_data import load_yaml

SPECIAL_TARGETS = frozenset({"$addressee", "$object", "$place", "$watched", "$each_other"})
WHERE_VALUES = frozenset({"any", "start", "alone", "end", "emphasis"})
_WHERE_ORDER = ("start", "end", "emphasis", "alone")


@dataclass(frozen=True, slots=True)
class BehaviourTemplate:
    """A behaviour before it is given a character and a word."""

    channel: str
    lexeme: str | None = None
    au: int | None = None
    target: str | None = None
    intensity: float = 0.5


@dataclass(frozen=True, slots=True)
class ParentheticalCue:
    phrases: tuple[str, ...]
    emotion: str | None
    emotion_intensity: float
    behaviours: tuple[BehaviourTemplate, ...]
    gesture_scale: float = 1.0
    beats: bool = True
    # The one spoken to cannot see the speaker (a phone, a radio): no gesture shown to them.
    unseen: bool = False
    pause: bool = False
    # False for words an action line mostly uses otherwise ("moved to the door", "a cold night"):
    # they state the emotion only in a parenthetical.
    action_lines: bool = True
    # A face shown, not a feeling stated (a smile, a laugh): where the parenthetical names
    # another feeling, that one is the line's and these behaviours show this one instead.
    shown: tuple[BehaviourTemplate, ...] = ()


COPULAS = frozenset({"is", "are", "was", "were"})
"""The forms of "be" a state is said with (`CueLexicon.states`)."""

PERSON = "$person"
"""An action object's word for a character's name ("pushes Ben" is `push: [$person]`)."""
END = "$end"
"""An action object's last word for the end of the clause ("and goes." is `go: [$end]`)."""


@dataclass(frozen=True, slots=True)
class ActionEntry:
    verb: str
    forms: frozenset[str]
    # "*" matches any word, PERSON a character's name, END (last) the clause's end.
    objects: tuple[tuple[str, ...], ...]
    within: int
    behaviours: tuple[BehaviourTemplate, ...]
    # Read in the passive ("Ben is punched"), whose subject is whom the verb is done to.
    passive: bool = False
    # What the character acted on does ("pulls Rosa to her feet": Rosa stands).
    object_does: tuple[BehaviourTemplate, ...] = ()
    # The subject comes on ("enters") or goes off ("exits") by this use of the verb.
    stage: StageChangeKind | None = None


@dataclass(frozen=True, slots=True)
class PartAction:
    """An action of a part of a character ("Her face falls.", "Ana's jaw drops."): the verb
    read as an action entry, whose behaviours are the owner's."""

    parts: frozenset[str]
    entry: ActionEntry


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]  # "*" matches any word
    anchor: int
    # "!", "?" or "." required on the last word, or "," for an end of a clause without "!" or
    # "?" ("Look, ..." and "Look." explain, "Look!" does not)
    punctuation: str | None
    where: frozenset[str] | None = None  # the phrase's own position, else its category's

    @property
    def text(self) -> str:
        return " ".join(self.words) + (self.punctuation or "")


@dataclass(frozen=True, slots=True)
class DialogueCategory:
    name: str
    priority: int
    intent: str | None
    intent_at_start: bool
    phrases: tuple[Phrase, ...]
    where: frozenset[str]
    max_per_utterance: int | None
    behaviours: tuple[BehaviourTemplate, ...]
    # A line answering another's question is none of these ("Where are you going?" "To the
    # bank." is no toast).
    not_an_answer: bool = False


@dataclass(frozen=True, slots=True)
class LanguageCues:
    """One language's dialogue cues: categories named and ranked as the English ones."""

    code: str
    name: str
    categories: tuple[DialogueCategory, ...]


@dataclass(frozen=True, slots=True)
class CueLexicon:
    version: str
    function_words: frozenset[str]
    fillers: frozenset[str]
    wh_words: frozenset[str]
    imperative_verbs: frozenset[str]
    intensifiers: Mapping[str, float]
    parentheticals: tuple[ParentheticalCue, ...]
    actions: tuple[ActionEntry, ...]
    group_subjects: frozenset[str]
    dialogue: tuple[DialogueCategory, ...]
    languages: tuple[LanguageCues, ...] = ()
    # A line with one of these reads as English: no Latin-script cue of another language in it.
    english_words: frozenset[str] = frozenset()
    part_actions: tuple[PartAction, ...] = ()
    # Being in a posture or a state said with a copula ("is on his feet", "are in tears"): the
    # entry's verb is "be", its forms `COPULAS`.
    states: tuple[ActionEntry, ...] = ()
    # How much of a behaviour an action line's degree words ask for ("barely", "a small"), the
    # ones read as adverbs, and the nouns a light verb's object names ("a smile").
    degrees: Mapping[str, float] = field(default_factory=dict)
    degree_adverbs: frozenset[str] = frozenset()
    light_nouns: Mapping[str, str] = field(default_factory=dict)  # noun -> the verb it does
    # After a verb of moving, a particle that has its subject come on or go off ("walks in");
    # `*` is any one word.
    stage_particles: Mapping[str, StageChangeKind] = field(default_factory=dict)


# --- loading ------------------------------------------------------------------------------------


def _texts(raw: Iterable[Any], where: str, source: str = "cues.yaml") -> list[str]:
    """Strings of a YAML list; YAML reads a bare yes/no/on/off as a boolean, so refuse those."""
    items = list(raw)
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{source} {where}: {item!r} is not a string (quote it)")
    return items


def _template(raw: Mapping[str, Any], where: str, source: str = "cues.yaml") -> BehaviourTemplate:
    where = f"{source} {where}"
    vocabulary = load_vocabulary()
    channel = str(raw["channel"])
    lexeme = raw.get("lexeme")
    au = raw.get("au")
    target = raw.get("target")
    intensity = float(raw.get("intensity", 0.5))
    if channel == "face":
        if au not in vocabulary.action_units:
            raise ValueError(f"{where}: AU {au!r} is not in the vocabulary")
    elif channel == "gaze":
        if target not in GAZE_KEYWORDS and target not in SPECIAL_TARGETS:
            raise ValueError(f"{where}: gaze target {target!r} is not allowed")
    elif lexeme not in vocabulary.lexemes(channel):
        raise ValueError(f"{where}: {channel} lexeme {lexeme!r} is not in the vocabulary")
    if target is not None and target not in GAZE_KEYWORDS and target not in SPECIAL_TARGETS:
        raise ValueError(f"{where}: target {target!r} is not allowed")
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"{where}: intensity {intensity} is outside 0-1")
    return BehaviourTemplate(
        channel=channel,
        lexeme=None if lexeme is None else str(lexeme),
        au=None if au is None else int(au),
        target=None if target is None else str(target),
        intensity=intensity,
    )


def _templates(
    raw: Iterable[Mapping[str, Any]] | None, where: str, source: str = "cues.yaml"
) -> tuple[BehaviourTemplate, ...]:
    return tuple(_template(item, where, source) for item in raw or ())


def _phrase(text: str) -> Phrase:
    words = text.lower().split()
    punctuation = None
    if words and words[-1][-1] in "!?.," and len(words[-1]) > 1:
        punctuation = words[-1][-1]
        words[-1] = words[-1][:-1]
    anchor = 0
    split: list[str] = []
    for word in words:
        if word.startswith("^"):
            anchor = len(split)
            word = word[1:]
        # Split as an utterance is (`scene.speech`): "谢谢" is the words 谢 谢, "ขอบคุณ" two.
        pieces = split_unspaced(word)
        split.extend(pieces if len(pieces) == 1 else (normalise_word(p) for p in pieces))
    return Phrase(tuple(split), anchor, punctuation)


def _category_phrase(raw: Any, category: str) -> Phrase:
    """A phrase of a dialogue category: a string, or `{phrase: ..., where: ...}` for one that
    counts only in its own position ("deal!" only as the whole sentence, where "it's a deal" is
    one anywhere)."""
    if isinstance(raw, Mapping):
        if set(raw) != {"phrase", "where"}:
            raise ValueError(
                f"cues.yaml dialogue.{category}: a phrase with a position has the keys phrase "
                f"and where, not {sorted(map(str, raw))}"
            )
        (text,) = _texts([raw["phrase"]], f"dialogue.{category}")
        return replace(_phrase(text), where=_where(raw["where"], category))
    (text,) = _texts([raw], f"dialogue.{category}")
    return _phrase(text)


def _where(raw: Any, category: str) -> frozenset[str]:
    values = [raw] if isinstance(raw, str) else list(raw or ["any"])
    unknown = set(values) - WHERE_VALUES
    if unknown:
        raise ValueError(f"cues.yaml dialogue.{category}: unknown where {sorted(unknown)}")
    return frozenset(values)


def _parenthetical(raw: Mapping[str, Any], index: int) -> ParentheticalCue:
    where = f"parentheticals[{index}]"
    emotion = raw.get("emotion") or {}
    label = emotion.get("label")
    if label is not None and label not in EMOTIONS:
        raise ValueError(f"cues.yaml {where}: emotion {label!r} is not in the vocabulary")
    style = raw.get("style") or {}
    return ParentheticalCue(
        phrases=tuple(normalise_phrase(p) for p in _texts(raw["match"], where)),
        emotion=None if label is None else str(label),
        emotion_intensity=float(emotion.get("intensity", 0.6)),
        behaviours=_templates(raw.get("behaviours"), where),
        gesture_scale=float(style.get("gesture_scale", 1.0)),
        beats=bool(style.get("beats", True)),
        unseen=bool(style.get("unseen", False)),
        pause=bool(raw.get("pause", False)),
        action_lines=bool(raw.get("action_lines", True)),
        shown=_templates(raw.get("shown"), where),
    )


def _action(raw: Mapping[str, Any], index: int, table: str = "actions") -> ActionEntry:
    verb = str(raw["verb"]).lower()
    objects = tuple(tuple(o.lower().split()) for o in _texts(raw.get("object") or (), verb))
    for words in objects:
        if any(
            word.startswith("$") and word != PERSON and (word != END or at < len(words) - 1)
            for at, word in enumerate(words)
        ):
            raise ValueError(
                f"cues.yaml {table}[{index}] ({verb}): object {' '.join(words)!r}: "
                f"the placeholders of an object are {PERSON} and, last, {END}"
            )
    voice = raw.get("voice", "active")
    if voice not in ("active", "passive"):
        raise ValueError(
            f"cues.yaml {table}[{index}] ({verb}): voice must be active or passive, not {voice!r}"
        )
    stage = raw.get("stage")
    if stage not in (None, *get_args(StageChangeKind)):
        raise ValueError(
            f"cues.yaml {table}[{index}] ({verb}): stage must be enters or exits, not {stage!r}"
        )
    return ActionEntry(
        verb=verb,
        forms=frozenset(verb_forms(verb, raw.get("forms") or ())),
        objects=objects,
        within=int(raw.get("within", 4)),
        behaviours=_templates(raw.get("behaviours"), f"{table}[{index}] ({verb})"),
        passive=voice == "passive",
        object_does=_templates(raw.get("object_does"), f"{table}[{index}] ({verb}) object_does"),
        stage=stage,
    )


def _state(raw: Mapping[str, Any], index: int) -> ActionEntry:
    if not raw.get("object"):
        raise ValueError(f"cues.yaml states[{index}]: a state needs the object that says it")
    if any(str(words).split()[:1] in (["*"], [PERSON]) for words in raw["object"]):
        raise ValueError(f"cues.yaml states[{index}]: a state's object opens with a word")
    entry = _action({**raw, "verb": "be"}, index, "states")
    return replace(entry, forms=COPULAS)


def _part_action(raw: Mapping[str, Any], index: int) -> PartAction:
    parts = frozenset(_texts(raw["part"], f"part_actions[{index}]"))
    return PartAction(parts, _action(raw, index, "part_actions"))


def _category(name: str, raw: Mapping[str, Any]) -> DialogueCategory:
    limit = raw.get("max_per_utterance")
    return DialogueCategory(
        name=name,
        priority=int(raw["priority"]),
        intent=raw.get("intent"),
        intent_at_start=bool(raw.get("intent_at_start", False)),
        phrases=tuple(_category_phrase(item, name) for item in raw["phrases"]),
        where=_where(raw.get("where"), name),
        max_per_utterance=None if limit is None else int(limit),
        behaviours=_templates(raw.get("behaviours"), f"dialogue.{name}"),
        not_an_answer=bool(raw.get("not_an_answer", False)),
    )


@load_once
def load_cue_lexicon() -> CueLexicon:
    """The lexicons of `planners/data/cues.yaml`, checked against the vocabulary; cached."""
    text = (
        resources.files("motiondirector.planners").joinpath("data", "cues.yaml").read_text("utf-8")
    )
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError("cues.yaml is not a mapping")
    table = load_yaml(_package_text("dialogue_languages.yaml"))
    wrylies = load_yaml(_package_text("parenthetical_languages.yaml"))
    dialogue = tuple(_category(str(k), v) for k, v in data["dialogue"].items())
    english = tuple(_parenthetical(p, i) for i, p in enumerate(data["parentheticals"]))
    return CueLexicon(
        version=str(data["version"]),
        function_words=frozenset(_texts(data["function_words"], "function_words")),
        fillers=frozenset(_texts(data["fillers"], "fillers")),
        wh_words=frozenset(_texts(data["wh_words"], "wh_words")),
        imperative_verbs=frozenset(_texts(data["imperative_verbs"], "imperative_verbs")),
        intensifiers={str(k): float(v) for k, v in data["intensifiers"].items()},
        parentheticals=with_other_languages(english, wrylies),
        actions=_with_light_verbs(
            tuple(_action(a, i) for i, a in enumerate(data["actions"])), data["light_verbs"]
        ),
        part_actions=tuple(_part_action(a, i) for i, a in enumerate(data["part_actions"])),
        states=tuple(_state(a, i) for i, a in enumerate(data["states"])),
        group_subjects=frozenset(_texts(data["group_subjects"], "group_subjects")),
        dialogue=dialogue,
        languages=parse_language_cues(table, dialogue),
        english_words=frozenset(_texts(table["english"], "english", "dialogue_languages.yaml")),
        degrees={str(k): float(v) for k, v in data["degrees"].items()},
        degree_adverbs=frozenset(_texts(data["degree_adverbs"], "degree_adverbs")),
        light_nouns={str(k): str(v) for k, v in data["light_verbs"]["nouns"].items()},
        stage_particles=_stage_particles(data["stage_particles"]),
    )


def _stage_particles(raw: Mapping[str, Any]) -> dict[str, StageChangeKind]:
    particles: dict[str, StageChangeKind] = {}
    for change in get_args(StageChangeKind):
        for phrase in _texts(raw[change], f"stage_particles.{change}"):
            # `*` is any one word ("through the * door").
            words = (word if word == "*" else normalise_phrase(word) for word in phrase.split())
            particles[" ".join(words)] = change
    return particles


# The words a light verb's noun follows, with up to two words between ("a warm smile", "the
# smallest smile", "his best smile").
_LIGHT_NOUN_OPENERS = ("a", "an", "another", "one", "the", "his", "her", "their", "my", "your")


def general_entries(actions: Sequence[ActionEntry]) -> dict[str, ActionEntry]:
    """Per verb, the entry read when no object picks another (the first without one, active,
    with behaviours): what a verb does by itself ("smiles", "nods")."""
    return {
        entry.verb: entry
        for entry in reversed(actions)
        if not entry.objects and not entry.passive and entry.behaviours
    }


def _with_light_verbs(
    actions: tuple[ActionEntry, ...], raw: Mapping[str, Any]
) -> tuple[ActionEntry, ...]:
    """`actions` after an entry per light verb and noun ("gives * a smile"), which come first:
    the first matching entry of a verb wins."""
    general = general_entries(actions)
    look = BehaviourTemplate(channel="gaze", target="$object")
    mass = frozenset(str(noun) for noun in raw.get("mass_nouns") or ())
    made: list[ActionEntry] = []
    for item in raw["verbs"]:
        verb = str(item["verb"]).lower()
        particle = tuple(str(item["particle"]).split()) if item.get("particle") else ()
        for noun, does in raw["nouns"].items():
            entry = general.get(str(does))
            if entry is None:
                raise ValueError(
                    f"cues.yaml light_verbs: noun {noun!r} maps to {does!r}, "
                    "which has no general action entry"
                )
            # Looks go to whom the clause names ("gives Ben a look"), not to a place.
            behaviours = tuple(
                replace(t, target="$object") if t.target in ("$place", "$watched") else t
                for t in entry.behaviours
            )
            if all(t.target != "$object" for t in behaviours):
                behaviours = (*behaviours, look)
            # A mass noun takes no article: "breaks into nervous laughter".
            openers = ((),) if noun in mass else tuple((o,) for o in _LIGHT_NOUN_OPENERS)
            objects = tuple(
                (*particle, *opener, *["*"] * between, str(noun))
                for opener in openers
                for between in range(3)
            )
            made.append(
                ActionEntry(
                    verb=verb,
                    forms=frozenset(verb_forms(verb, item.get("forms") or ())),
                    objects=objects,
                    within=4,
                    behaviours=behaviours,
                )
            )
    return (*made, *actions)


def _package_text(name: str) -> str:
    return resources.files("motiondirector.planners").joinpath("data", name).read_text("utf-8")


def with_other_languages(
    english: Sequence[ParentheticalCue], data: Any
) -> tuple[ParentheticalCue, ...]:
    """The English parentheticals with the phrases of a `parenthetical_languages.yaml` table:
    each entry's phrases join the English parenthetical its `like` names, and are read as it is.
    Refused: a `like` that names no English parenthetical, and a phrase that would read as two
    different ones."""
    source = "parenthetical_languages.yaml"
    if not isinstance(data, dict):
        raise ValueError(f"{source} is not a mapping")
    owner = {phrase: index for index, cue in enumerate(english) for phrase in cue.phrases}
    added: list[list[str]] = [[] for _ in english]
    for code, language in data["languages"].items():
        for number, entry in enumerate(language["wrylies"]):
            where = f"{code}.wrylies[{number}]"
            like = normalise_phrase(str(entry["like"]))
            if like not in owner:
                raise ValueError(f"{source} {where}: no English parenthetical {entry['like']!r}")
            index = owner[like]
            for phrase in map(normalise_phrase, _texts(entry["phrases"], where, source)):
                if owner.setdefault(phrase, index) != index:
                    other = english[owner[phrase]].phrases[0]
                    raise ValueError(
                        f"{source} {where}: {phrase!r} already reads as {other!r}, not {like!r}"
                    )
                if phrase not in english[index].phrases and phrase not in added[index]:
                    added[index].append(phrase)
    return tuple(
        replace(cue, phrases=(*cue.phrases, *more)) if more else cue
        for cue, more in zip(english, added, strict=True)
    )


def parse_language_cues(data: Any, english: Sequence[DialogueCategory]) -> tuple[LanguageCues, ...]:
    """The languages of a `dialogue_languages.yaml` table. Each entry takes the priority, intent
    and limits of the English category it names, and its `where` and behaviours unless it gives
    its own. Refused: an unknown category or behaviour set, a behaviour outside the vocabulary,
    and a phrase that is an English phrase (a false friend would move English lines)."""
    source = "dialogue_languages.yaml"
    if not isinstance(data, dict):
        raise ValueError(f"{source} is not a mapping")
    categories = {category.name: category for category in english}
    english_phrases = {phrase.words for category in english for phrase in category.phrases}
    sets = {
        str(name): _templates(raw, f"behaviours.{name}", source)
        for name, raw in (data.get("behaviours") or {}).items()
    }
    languages: list[LanguageCues] = []
    for code, language in data["languages"].items():
        entries: list[DialogueCategory] = []
        for index, entry in enumerate(language["cues"]):
            where = f"{code}.cues[{index}]"
            base = categories.get(str(entry["cue"]))
            if base is None:
                raise ValueError(f"{source} {where}: no dialogue category {entry['cue']!r}")
            behaviours = base.behaviours
            if "behaviours" in entry:
                if entry["behaviours"] not in sets:
                    raise ValueError(f"{source} {where}: no behaviours {entry['behaviours']!r}")
                behaviours = sets[entry["behaviours"]]
            phrases = tuple(_phrase(p) for p in _texts(entry["phrases"], where, source))
            for phrase in phrases:
                if phrase.words in english_phrases:
                    raise ValueError(f"{source} {where}: {phrase.text!r} is an English phrase")
            entries.append(
                DialogueCategory(
                    name=base.name,
                    priority=base.priority,
                    intent=base.intent,
                    intent_at_start=base.intent_at_start,
                    phrases=phrases,
                    where=_where(entry["where"], base.name) if "where" in entry else base.where,
                    max_per_utterance=base.max_per_utterance,
                    behaviours=behaviours,
                    not_an_answer=base.not_an_answer,
                )
            )
        languages.append(LanguageCues(str(code), str(language["name"]), tuple(entries)))
    return tuple(languages)


# --- verb forms -----------------------------------------------------------------------------------

_VOWELS = "aeiou"


def _doubles_final_consonant(verb: str) -> bool:
    """Short verbs ending consonant-vowel-consonant double it: nod -> nodded, slam -> slamming."""
    if len(verb) < 3 or verb[-1] in "wxy" + _VOWELS:
        return False
    syllables = len(re.findall(r"[aeiou]+", verb))
    return syllables == 1 and verb[-2] in _VOWELS and verb[-3] not in _VOWELS


def verb_forms(verb: str, irregular: Iterable[str] = ()) -> set[str]:
    """The base, -s, -ed and -ing forms of a verb, plus the irregular forms given."""
    forms = {verb, *(str(f).lower() for f in irregular)}
    if verb.endswith(("s", "x", "z", "ch", "sh")) or (
        verb.endswith("o") and not verb.endswith("oo")  # "goes", "tangoes"; "coos", "shoos"
    ):
        forms.add(verb + "es")
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        forms.add(verb[:-1] + "ies")
    else:
        forms.add(verb + "s")
    if verb.endswith("e"):
        forms.add(verb + "d")
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        forms.add(verb[:-1] + "ied")
    elif _doubles_final_consonant(verb):
        forms.add(verb + verb[-1] + "ed")
    else:
        forms.add(verb + "ed")
    if verb.endswith("ie"):
        forms.add(verb[:-2] + "ying")
    elif verb.endswith("e") and not verb.endswith("ee"):
        forms.add(verb[:-1] + "ing")
    elif _doubles_final_consonant(verb):
        forms.add(verb + verb[-1] + "ing")
    else:
        forms.add(verb + "ing")
    return forms


# --- tokens ---------------------------------------------------------------------------------------

_MARKUP = re.compile(r"^[*_]+\w.*[*_]+[^\w]*$")
_SENTENCE_END = re.compile(r"[.!?]")
_CLAUSE_END = re.compile(r"[,;:\u2014]|--")
_SPACES = re.compile(r"\s+")
_PHRASE_PUNCT = re.compile(r"[^\w\s'\-]")
# Other scripts' sentence and clause marks, read as their ASCII kin: "？" asks like "?".
_ASCII_PUNCTUATION = {
    **ASCII_KIN,
    **str.maketrans({**dict.fromkeys("」』）】〕〉》〗〙", ")"), "⋯": "\u2026", "‥": "\u2026"}),
}


def _cased(texts: Sequence[str]) -> bool:
    """Whether any of `texts` has a letter with an upper and a lower case."""
    return any(text.lower() != text.upper() for text in texts)


_WITHOUT_APOSTROPHE = {
    spelled.replace("'", ""): spelled
    for spelled in (
        "don't", "doesn't", "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't",
        "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "ain't", "i'm",
        "i've", "you're", "you've", "they're", "we've", "that's", "what's", "there's",
    )
}  # fmt: skip
"""Contractions as chat and speech recognisers write them ("i dont know"), read as spelled;
not those that are words too ("its", "well", "ill", "were", "lets", "id", "hell")."""


def normalise_word(text: str) -> str:
    """Lower case, curly quotes made straight, punctuation and markup stripped from the edges
    (the vowel signs of its last letter kept: "ไม่" and "नमस्ते।" end in combining marks), a
    contraction without its apostrophe given it back ("dont": "don't")."""
    word = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    start, end = 0, len(word)
    while start < end and not _in_word(word[start]):
        start += 1
    while end > start and not _in_word(word[end - 1]):
        end -= 1
    while end < len(word) and end > start and _combines(word[end]):
        end += 1
    word = word[start:end].strip("'_")
    return _WITHOUT_APOSTROPHE.get(word, word)


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "'_"


def _combines(char: str) -> bool:
    """A combining mark, not an emoji's variation selector."""
    return unicodedata.category(char).startswith("M") and not "\ufe00" <= char <= "\ufe0f"


def normalise_phrase(text: str) -> str:
    """A parenthetical or lexicon phrase reduced to lower-case words separated by one space."""
    cleaned = _PHRASE_PUNCT.sub(" ", text.replace("\u2019", "'").lower())
    return _SPACES.sub(" ", cleaned).strip()


@dataclass(frozen=True, slots=True)
class Token:
    """One word of an utterance, normalised, with what punctuation and stress say about it."""

    index: int
    text: str
    norm: str
    emphasis: bool
    sentence: int
    sentence_start: bool
    clause_start: bool
    sentence_end: bool
    clause_end: bool
    end_mark: str  # the sentence-ending mark after the word: "." "!" "?" or ""
    marks_inferred: bool = False  # the line had no punctuation; its marks were inferred

    @property
    def exclaims(self) -> bool:
        """Whether the word ends in an "!" its writer put there. An inferred "!" is read by the
        emotion classifier, which learned from written ones, but is too weak a sign for a rule
        to act on alone (`planners.boundaries`: right in under half the lines it is given)."""
        return self.end_mark == "!" and not self.marks_inferred


def tokenize(words: Sequence[Word], *, infer_punctuation: bool = True) -> tuple[Token, ...]:
    """Tokens for an utterance's words (one token per word, so indices are word indices).

    A line written without any punctuation (a bare speech transcript) is given the marks
    `planners.boundaries` infers, where it reads the line's language; `infer_punctuation=False`
    reads every line as written."""
    letters = [w.text for w in words if any(c.isalpha() for c in w.text)]
    # Only cased letters can shout: 美咲 or مرحبا read the same in upper case.
    shouted = bool(letters) and all(t.upper() == t for t in letters) and _cased(letters)
    written = [word.text.replace("\u2019", "'").translate(_ASCII_PUNCTUATION) for word in words]
    norms = [normalise_word(raw) for raw in written]
    trailings = [raw[len(raw.rstrip(".,!?;:\u2014-\u2026\"')*_")) :] for raw in written]
    inferred = (
        inferred_marks(norms)
        if infer_punctuation and not any(map(_ends_clause, trailings))
        else None
    )
    tokens: list[Token] = []
    sentence = 0
    new_sentence = True
    new_clause = True
    for index, word in enumerate(words):
        raw, norm = written[index], norms[index]
        trailing = trailings[index] if inferred is None else inferred[index]
        ends_sentence = bool(_SENTENCE_END.search(trailing)) or "\u2026" in trailing
        ends_clause = ends_sentence or bool(_CLAUSE_END.search(trailing))
        alpha = [c for c in norm if c.isalpha()]
        caps = len(alpha) >= 2 and not shouted and raw.upper() == raw and _cased([raw])
        marked = bool(_MARKUP.match(raw))
        mark = ""
        for char in reversed(trailing):
            if char in "!?":
                mark = char
                break
            if char in ".\u2026" and not mark:
                mark = "."
        tokens.append(
            Token(
                index=index,
                text=word.text,
                norm=norm,
                emphasis=caps or marked,
                sentence=sentence,
                sentence_start=new_sentence,
                clause_start=new_clause,
                sentence_end=ends_sentence or index == len(words) - 1,
                clause_end=ends_clause or index == len(words) - 1,
                end_mark=mark if ends_sentence else "",
                marks_inferred=inferred is not None,
            )
        )
        new_sentence = ends_sentence
        new_clause = ends_clause
        if ends_sentence:
            sentence += 1
    return tuple(tokens)


def _ends_clause(trailing: str) -> bool:
    return bool(_CLAUSE_END.search(trailing) or _SENTENCE_END.search(trailing)) or (
        "\u2026" in trailing
    )


def inferred_note(tokens: Sequence[Token]) -> str:
    """What a reason read from sentence or clause ends adds when the marks were inferred."""
    return " (punctuation inferred)" if tokens and tokens[0].marks_inferred else ""


def punctuated_text(tokens: Sequence[Token]) -> str:
    """The line as its tokens read it: its words with the inferred marks written after them."""
    parts: list[str] = []
    for token in tokens:
        clause = "," if token.clause_end else ""
        parts.append(token.text + ((token.end_mark or ".") if token.sentence_end else clause))
    return " ".join(parts)


def sentence_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(first, last) token index of each sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for token in tokens:
        if token.sentence_end:
            spans.append((start, token.index))
            start = token.index + 1
    if start < len(tokens):
        spans.append((start, len(tokens) - 1))
    return spans


# --- dialogue matching ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CueMatch:
    """A dialogue cue found in an utterance: tokens first..last, behaviours on `anchor`."""

    category: DialogueCategory
    phrase: Phrase
    first: int
    last: int
    anchor: int

    @property
    def trigger(self) -> str:
        return self.phrase.text


class DialogueMatcher:
    """Finds dialogue cues in tokens; overlapping matches go to the higher priority."""

    def __init__(self, lexicon: CueLexicon) -> None:
        self._fillers = lexicon.fillers
        self._english = lexicon.english_words
        # Cues of other languages in Latin letters, which an English line may hold as words.
        self._latin: set[tuple[DialogueCategory, Phrase]] = set()
        by_first: dict[str, list[tuple[DialogueCategory, Phrase]]] = {}
        wildcard: list[tuple[DialogueCategory, Phrase]] = []
        seen: set[tuple[DialogueCategory, Phrase]] = set()
        languages = (c for language in lexicon.languages for c in language.categories)
        for category in (*lexicon.dialogue, *languages):
            for phrase in category.phrases:
                # Languages share words (Russian and Ukrainian "не"): one candidate each.
                key = (replace(category, phrases=()), phrase)
                if key in seen:
                    continue
                seen.add(key)
                if category not in lexicon.dialogue and _latin(phrase):
                    self._latin.add((category, phrase))
                if phrase.words[0] == "*":
                    wildcard.append((category, phrase))
                else:
                    by_first.setdefault(phrase.words[0], []).append((category, phrase))
        self._by_first = by_first
        self._wildcard = tuple(wildcard)

    def find(self, tokens: Sequence[Token]) -> list[CueMatch]:
        """Every accepted cue match, in word order."""
        candidates: list[CueMatch] = []
        english = bool(self._latin) and any(t.norm in self._english for t in tokens)
        for token in tokens:
            for category, phrase in (*self._by_first.get(token.norm, ()), *self._wildcard):
                if english and (category, phrase) in self._latin:
                    continue
                last = self._match_at(tokens, token.index, phrase)
                if last is not None and self._position_ok(
                    tokens, token.index, last, phrase, category
                ):
                    anchor = min(token.index + phrase.anchor, last)
                    candidates.append(CueMatch(category, phrase, token.index, last, anchor))
        candidates.sort(key=lambda m: (-m.category.priority, -(m.last - m.first), m.first))
        taken: list[CueMatch] = []
        per_category: dict[str, int] = {}
        # Words already covered by a taken match: an overlap is a lookup, not a scan of taken.
        covered = bytearray(len(tokens))
        for match in candidates:
            if any(covered[match.first : match.last + 1]):
                continue
            limit = match.category.max_per_utterance
            count = per_category.get(match.category.name, 0)
            if limit is not None and count >= limit:
                continue
            per_category[match.category.name] = count + 1
            taken.append(match)
            covered[match.first : match.last + 1] = b"\x01" * (match.last - match.first + 1)
        return sorted(taken, key=lambda m: (m.first, m.anchor))

    @staticmethod
    def _match_at(tokens: Sequence[Token], first: int, phrase: Phrase) -> int | None:
        last = first + len(phrase.words) - 1
        if last >= len(tokens):
            return None
        for offset, word in enumerate(phrase.words):
            token = tokens[first + offset]
            if word != "*" and token.norm != word:
                return None
            if word == "*" and not token.norm:
                return None
            if token.sentence_end and first + offset < last:
                return None  # phrases never run across a sentence end
        if phrase.punctuation == ",":
            if not tokens[last].clause_end or tokens[last].end_mark in ("!", "?"):
                return None
        elif phrase.punctuation and tokens[last].end_mark != phrase.punctuation:
            return None
        if phrase.punctuation == "!" and not tokens[last].exclaims:
            return None
        return last

    def _position_ok(
        self,
        tokens: Sequence[Token],
        first: int,
        last: int,
        phrase: Phrase,
        category: DialogueCategory,
    ) -> bool:
        where = phrase.where or category.where
        if "any" in where:
            return True
        checks = {
            "start": lambda: self._at_start(tokens, first),
            "alone": lambda: self._alone(tokens, first, last),
            "end": lambda: tokens[last].clause_end,
            "emphasis": lambda: tokens[min(first + phrase.anchor, last)].emphasis,
        }
        # In a fixed order, cheapest first: a set's order changes from process to process.
        return any(checks[position]() for position in _WHERE_ORDER if position in where)

    def _at_start(self, tokens: Sequence[Token], first: int) -> bool:
        index = first
        while index > 0 and not tokens[index].clause_start:
            index -= 1
            # "listen to Janice", "look at this": before "to" or "at" the filler is a verb.
            if tokens[index].norm not in self._fillers or tokens[index + 1].norm in ("to", "at"):
                return False
        return True

    def _alone(self, tokens: Sequence[Token], first: int, last: int) -> bool:
        if not self._at_start(tokens, first):
            return False
        # Walks the rest of the sentence only, and only as far as it must: a line of many
        # sentences is read in time linear in its words.
        index, words = last, 0
        while not tokens[index].sentence_end:
            index += 1
            if tokens[index].norm and tokens[index].norm not in self._fillers:
                words += 1
                if words > 1:
                    return False
        # "Yes?" and "To kill Bob?" ask; the whole sentence would say it.
        return tokens[index].end_mark != "?"


def _latin(phrase: Phrase) -> bool:
    return all(
        unicodedata.name(char, "").startswith("LATIN")
        for word in phrase.words
        for char in word
        if char.isalpha()
    )


def find_enumeration(tokens: Sequence[Token], function_words: frozenset[str]) -> list[int]:
    """First word of each item of a list: three or more short comma items with "and"/"or"
    before the last, or four or more without ("Scorpio, the Boy Band, Sparrow, Point Blank")."""
    anchors: list[int] = []
    for first, last in sentence_spans(tokens):
        items: list[tuple[list[Token], bool]] = [([], False)]
        for token in tokens[first : last + 1]:
            if token.norm in ("and", "or"):
                items.append(([], True))
                continue
            if token.norm:
                items[-1][0].append(token)
            if token.clause_end and not token.sentence_end:
                items.append(([], False))
        items = [(words, joined) for words, joined in items if words]
        run: list[tuple[list[Token], bool]] = []
        for words, joined in [*items, ([], False)]:
            if 1 <= len(words) <= 3 and any(t.norm not in function_words for t in words):
                run.append((words, joined))
                continue
            texts = {" ".join(t.norm for t in w) for w, _ in run}
            listed = len(run) >= 4 or (len(run) >= 3 and run[-1][1])
            if listed and len(texts) == len(run):
                # the first item may carry the lead-in ("We need eggs"): stroke on its last word
                anchors.append(run[0][0][-1].index)
                anchors.extend(w[0].index for w, _ in run[1:])
            run = []
    return anchors[:5]
