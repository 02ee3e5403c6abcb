"""The action reader itself (`ActionParser`): finds the lexicon's verbs in each sentence, works
out their subjects, objects and targets, and turns them into cues (see the package docstring).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise, takewhile

from motiondirector.plan.scene import StageChangeKind
from motiondirector.plan.vocabulary import load_emfacs
from motiondirector.planners.action_gloss import (
    DROPPED_SUBJECT,
    ActionGloss,
    Glossed,
    action_glosses,
    gloss_for,
)
from motiondirector.planners.actions.names import NameIndex
from motiondirector.planners.actions.references import Everyone, Group, ReferenceTracker
from motiondirector.planners.actions.results import ActionCue, FeelingCue, StageCue
from motiondirector.planners.actions.seats import seated_by_place, seated_in_list
from motiondirector.planners.actions.syntax import (
    Relative,
    Verb,
    a_noun_pair,
    before_an_appositive,
    each_other,
    ends_a_particle,
    gone_by,
    in_a_state,
    introduces,
    inverted_subject,
    is_passive,
    joins_people,
    named_between_commas,
    names_a_place,
    names_from,
    names_nothing,
    negative_ending_after,
    object_her,
    object_match,
    object_pronoun,
    opens_an_absolute,
    place_words,
    plural,
)
from motiondirector.planners.actions.tokens import (
    Tok,
    caseless,
    in_capitals,
    owns,
    raw_tokens,
    split_sentences,
    text_of,
    tokenize,
)
from motiondirector.planners.actions.words import (
    ARTICLES,
    AT,
    CAMERA,
    CLAUSE_BREAKS,
    COMING_FROM,
    COMPOUND_PREFIXES,
    CONJUNCTIONS,
    DETERMINERS,
    DOWN,
    FEMALE,
    FEMALE_NOUNS,
    MALE,
    MALE_NOUNS,
    PARTICLES,
    PASSIVE_AUXILIARIES,
    PLACE_PREPOSITIONS,
    PLURAL_SUBJECTS,
    PREPOSITIONS,
    SENTENCE_BREAK,
    SMALL_CLAUSE,
    STOPS,
    UP,
)
from motiondirector.planners.cues import (
    COPULAS,
    END,
    PERSON,
    ActionEntry,
    BehaviourTemplate,
    CueLexicon,
    general_entries,
    load_cue_lexicon,
)
from motiondirector.scene.markup import ASIDE
from motiondirector.scene.name_genders import title_gender
from motiondirector.scene.names import person_nouns

# After a verb these open its object: "stop all motion", "ignores any looks".
_QUANTIFIERS = frozenset({"all", "any", "no", "every", "each", "some", "more", "much"})
# Before an -s form, these in lower case make it a plural noun ("pours two drinks", "raises
# both hands"): a plural subject takes the bare verb ("the two walk off").
_PLURAL_COUNTS = frozenset(
    {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "thirty",
     "forty", "fifty", "hundred", "hundreds", "dozens", "some", "more", "few", "several", "many",
     "both"}
)  # fmt: skip
# Of those, the numbers: one opening a sentence with a capital still counts ("Thirty paces").
_NUMERALS = _PLURAL_COUNTS - {"some", "more", "few", "several", "many", "both"}
_NEAR = 4  # an object looked for further than this after its verb must be in the verb's clause
# Groups of a known size: "both", "the two", "the three of them", "the pair".
_GROUP_SIZES = {"both": 2, "two": 2, "pair": 2, "couple": 2, "three": 3, "trio": 3, "four": 4}
NEGATIONS = frozenset(
    {"not", "never", "without", "doesn't", "don't", "didn't", "won't", "can't", "cannot",
     "isn't", "aren't", "wasn't", "weren't", "couldn't", "wouldn't", "nor"}
)  # fmt: skip
"""Words that say the behaviour after them does not happen ("without turning", "never sits")."""
# A subject that says no one does it: "Nobody touches him."
_NO_ONE = frozenset({"nobody", "nothing", "none", "neither", "noone"})
CEASING = frozenset(
    {"stop", "stops", "stopped", "stopping", "quit", "quits", "quitting", "cease", "ceases",
     "ceased", "ceasing"}
)  # fmt: skip
"""Verbs that end what their gerund says: "stops smiling" is no smile."""
# What a negation before them turns into doing their gerund: "can't help laughing".
_CANNOT_HELP = frozenset({"help", "helps", "stop", "stops", "resist", "resists", "quit"})
_SKIPPABLE = frozenset(
    {"is", "are", "was", "were", "be", "been", "begins", "begin", "began", "starts", "start",
     "started", "tries", "try", "tried", "to", "also", "just", "still", "then", "now", "again",
     "too", "suddenly", "slowly", "quickly", "finally", "immediately", "instantly", "simply",
     "only", "even", "already", "almost", "nearly", "barely", "gently", "softly", "heavily",
     "can", "could", "will", "would", "has", "have", "had", "does", "did", "do", "proceeds",
     "continues", "keeps", "stops", "stopped", "quits", "ceases", "ceased", "together", "being",
     "gets", "get", "got", "gotten", "getting", "fails", "failed", "manages", "managed",
     "attempts", "attempted", "struggles", "struggled", "fast", "sound", "half"}
)  # fmt: skip
# The parts a face is worn on: "a smile on her lips", "a frown crosses his face".
_WORN_ON = frozenset({"face", "lips", "mouth", "features", "cheek", "cheeks"})
# What a face that comes on does ("A small smile breaks through."; not "The smile fades.").
_FACE_COMES = frozenset(
    {"breaks", "spreads", "creeps", "tugs", "plays", "flickers", "forms", "appears", "crosses",
     "returns", "blooms", "grows", "dawns", "cracks", "curls"}
)  # fmt: skip
# Words after "a" before a plural noun: "a few steps", "a dozen roses".
_COUNTS_OF_MANY = frozenset({"few", "couple", "dozen", "hundred", "thousand", "million"})
# Words after an object that are no adjective of a noun to come ("next to her again nods").
_ALSO_ADVERBS = frozenset({"then", "again", "now", "too", "still", "once", "also", "just"})
# Sounds that escape someone ("A small laugh escapes her."): the verb each is the noun of.
_ESCAPING = frozenset(
    {"laugh", "giggle", "chuckle", "sob", "gasp", "groan", "sigh", "snort", "scream", "whimper",
     "moan", "cry", "yelp", "squeal", "snicker", "whine"}
)  # fmt: skip
_ESCAPE_FORMS = frozenset({"escape", "escapes", "escaped", "escaping"})
# Where a sound or a thing up above is: a bare "looks up" after it looks up at it.
_ABOVE = frozenset({"above", "overhead", "upstairs"})
# Where tears run: "Tears roll down her cheeks" are hers.
_TEARS_ON = _WORN_ON | {"cheeks", "cheek", "nose", "chin", "eyes"}
# Postures that move the body along: ceasing one of them is coming to a halt.
_MOVEMENTS = frozenset({"walk", "run", "jump", "kick", "dance", "turn"})
_GENDER = {"he": "m", "she": "f"}
# Ways one looks along, "down the corridor" ("up the street" too).
_WAYS = frozenset(
    {"corridor", "hall", "hallway", "street", "road", "alley", "path", "aisle", "lane", "block",
     "tracks", "platform", "passage", "driveway", "beach", "river", "trail", "highway"}
)  # fmt: skip
# A side said of a part between its owner and it ("her left hand", "his right eye").
_SIDES = frozenset({"left", "right"})
# What turns with the body: "turns her head", "spins her chair to face him" (the seat one is in).
_BODY_TURNS = frozenset(
    {"head", "back", "face", "body", "around", "away", "eyes", "gaze", "chair", "seat", "stool"}
)
# English words a glossary may say besides the lexicon's verbs, objects and group subjects.
_GLOSS_WORDS = (
    DETERMINERS
    | CONJUNCTIONS
    | PREPOSITIONS
    | NEGATIONS
    | _SKIPPABLE
    | MALE
    | FEMALE
    | DOWN
    | UP
    | CAMERA
    | _BODY_TURNS
    | MALE_NOUNS
    | FEMALE_NOUNS
    | frozenset({"them", "they", "each", "other"})
)
_EYES = frozenset({"gaze", "eye", "eyes", "look", "stare", "glance"})
# Verbs, outside the lexicon, of what things do in a scene's description: after a plural that
# opens a sentence they make it the subject ("Waves crash", "Steps echo"), not a verb whose
# subject was left out ("Waves at Ben").
_WHAT_THINGS_DO = frozenset(
    {"crash", "lap", "echo", "howl", "wail", "blare", "ring", "buzz", "beep", "chirp", "creak",
     "rustle", "drip", "splash", "flicker", "glow", "shine", "fade", "swirl", "drift", "crackle",
     "rumble", "roar", "boom", "clatter", "shatter", "scatter", "fly", "land", "explode",
     "circle", "hover", "gather", "flutter", "tumble", "pile", "sparkle", "twinkle", "blaze",
     "smoulder", "smolder", "billow", "trickle", "stream", "flow", "spill", "ripple", "bob"}
)  # fmt: skip
# Parts of someone else's body one takes or touches: "his" before them is a person acted on.
_TOUCHED = frozenset(
    {"hand", "hands", "arm", "arms", "shoulder", "shoulders", "back", "knee", "cheek", "cheeks",
     "face", "wrist", "neck", "collar", "lapels", "shirt", "sleeve", "chest", "chin", "hair",
     "gut", "stomach", "ribs", "jaw", "nose", "throat", "finger", "fingers", "palm", "forehead"}
)  # fmt: skip
# After a body part, where it is moved: one's own ("turns her face to the wall").
_AWAY_TO = frozenset({"to", "toward", "towards", "away", "aside", "from"})
_INTRODUCTION_REACH = 14  # tokens after "NAME," read as the description of NAME
_EMOTION_FACE_MIN = 0.05


_OBJECT_FORMS = {"he": "him", "she": "her"}
# What opens a clause of time: "watches him until he is gone", "holds her as she cries".
_SUBORDINATORS = frozenset({"until", "till", "as", "while", "when", "whenever", "once", "before"})
# A word the glossary does not know: kept for what it says, never equal to an English word.
_UNKNOWN = "\u2205"


def _glossed_tokens(
    text: str, gloss: ActionGloss, names: NameIndex, verbs: frozenset[str]
) -> list[Tok]:
    """The English tokens of an action line in `gloss`'s language (see `action_gloss`)."""
    if gloss.spaced:
        raw = gloss.words(raw_tokens(text))
    else:  # Chinese, Japanese: no spaces; full-width commas and brackets read as ASCII ones
        # and a bracket describes whom it follows ("アヤ（若い女性）": Aya, a young woman,).
        spaced_out = ASIDE.sub(
            lambda m: f",{m.group(0)[1:-1]},", unicodedata.normalize("NFKC", text)
        )
        raw = gloss.segment(spaced_out, names.has_word)
    raw = gloss.in_english_order(raw, names.has_word)
    tokens: list[Tok] = []
    for word in gloss.translate(raw, names.has_word, verbs):
        if (
            word.english in _OBJECT_FORMS
            and tokens
            and (tokens[-1].low in PREPOSITIONS or (not gloss.spaced and tokens[-1].low in verbs))
        ):
            # One pronoun for subject and object ("verso di lui", "para ele"; Chinese 她 after
            # its verb, "递给她"): here an object.
            word = Glossed(_OBJECT_FORMS[word.english], word.written)
        if word.english is None:
            low = _UNKNOWN + word.written.lower()
            negates = word.written.lower() in gloss.negation_after
            tokens.append(
                Tok(
                    word.written,
                    low,
                    False,
                    in_capitals(word.written),
                    word.written,
                    negates=negates,
                )
            )
        else:
            # A capital that starts a sentence is kept ("Il" -> "He"); German nouns' are not.
            # Writing without case (二人 -> "Both") starts one with a capital too.
            english = word.english
            opens = not tokens or tokens[-1].text in STOPS
            first = word.written[:1]
            if english != word.written and opens and (first.isupper() or caseless(first)):
                english = english.capitalize()
            low = english.lower()
            glossed = english.lower() != word.written.lower()
            tokens.append(Tok(english, low, False, in_capitals(english), word.written, glossed))
    return tokens


# What lands on someone ("punches him", "kicks him in the knee"), and what the one struck does
# then: goes down or back ("He crumples.", "She staggers back."), or bends over it in pain.
_BLOWS = frozenset({"punch", "kick"})
_GOING_DOWN = frozenset({"fall", "lean_back", "kneel"})


def _object_region(tokens: list[Tok], verb: Verb) -> list[Tok]:
    """The words after a verb that say what it is done to, up to its clause's next break."""
    region = tokens[verb.position + 1 : verb.object_end]
    stop = next(
        (i for i, t in enumerate(region) if t.low in (",", "and", "then", "while", "as")),
        len(region),
    )
    return region[:stop]


def _opens_with(tokens: list[Tok], index: int) -> bool:
    """Whether the noun at `index` opens its sentence, after an article and adjectives only
    ("A small smile breaks through.")."""
    return all(
        token.low in ARTICLES or (token.text.islower() and token.low not in PREPOSITIONS)
        for token in tokens[:index]
    ) and (index == 0 or tokens[0].low in ARTICLES)


def _struck_one(
    tokens: Sequence[Tok],
    begin: int,
    verb: Verb,
    subject: list[str],
    tracker: ReferenceTracker,
) -> list[str]:
    """`subject`, or the one a blow just struck when a "he" or "she" goes down after it: "Jack
    kicks him in the knee. He crumples." is the one kicked, not Jack."""
    struck = tracker.struck
    if struck is None or len(subject) != 1 or subject[0] == struck or verb.entry is None:
        return subject
    behaviours = verb.entry.behaviours
    hurt = any(t.au == 4 for t in behaviours) and any(
        t.lexeme == "lean_forward" for t in behaviours
    )
    if not hurt and not any(t.lexeme in _GOING_DOWN for t in behaviours):
        return subject
    pronoun = next((t.low for t in reversed(tokens[begin : verb.position]) if not t.adverb), None)
    if pronoun not in ("he", "she") or tracker.gender(struck) not in (None, _GENDER[pronoun]):
        return subject
    return [struck]


# Verbs of looking, and what opens a sentence that goes on with the look before it ("Then at
# him.").
_LOOKING = frozenset({"look", "glance", "stare", "gaze", "peer", "glare"})
_GOING_ON = frozenset({"then", "and", "now"})
_LOOKED_TOWARD = AT | frozenset({"back", "down", "up", "over", "to"})
# Verbs that put a thing in the hand, where a look at "it" then goes down.
_TAKING = frozenset(
    {"picks", "picked", "takes", "took", "grabs", "grabbed", "holds", "held", "lifts", "lifted",
     "pulls", "pulled", "produces", "produced"}
)  # fmt: skip
# Words that end the noun phrase after a determiner ("the letter on the table").
_ENDS_A_THING = PREPOSITIONS | CONJUNCTIONS | DETERMINERS | frozenset({"in", "it"})
_LOOK = BehaviourTemplate(channel="gaze", target="$object")
# What two do with each other when said of both with no one else named ("Paul and Kate hug").
_MUTUAL = frozenset({"hug", "handshake"})
# Group subjects that are nouns ("the men", "two friends"), not pronouns or counts.
_GROUP_NOUNS = frozenset(
    {"men", "women", "boys", "girls", "friends", "group", "pair", "couple", "trio", "others"}
)
# How a verb leaves a part it holds, not what the part does: "squeezes his eyes shut".
_HOW_PARTS_ARE_HELD = frozenset({"shut", "closed", "open", "wide", "tight"})
# The kin someone is to whoever they are the kin of, as a man and as a woman: her son's
# mother. Not a spouse or a sibling: kin names whoever is called so, whoever's they are, and
# a dinner of two couples has two husbands.
_RECIPROCAL_KIN = {
    **dict.fromkeys(("son", "daughter", "child", "kid"), ("father", "mother")),
    **dict.fromkeys(("father", "dad", "mother", "mom", "mum"), ("son", "daughter")),
    **dict.fromkeys(("grandson", "granddaughter"), ("grandfather", "grandmother")),
    **dict.fromkeys(
        ("grandfather", "grandpa", "grandmother", "grandma"), ("grandson", "granddaughter")
    ),
    **dict.fromkeys(("nephew", "niece"), ("uncle", "aunt")),
    **dict.fromkeys(("uncle", "aunt"), ("nephew", "niece")),
}
# Verbs of sleeping: whoever does one is asleep until they do something else.
_SLEEPING = frozenset({"sleep", "doze", "nap", "snore", "slumber", "snooze"})
# The group nouns that say whether they are men or women.
_GROUP_GENDERS = {"men": "m", "boys": "m", "women": "f", "girls": "f"}


# Verbs that come or go with a particle though they name no walk: "Nate opens the door and
# gets out.", "climbs in", "hops out".
_GETTING = frozenset({"get", "climb", "hop", "jump", "slip"})
# Of those, the ones that get into something one stays in view in (a ring, a car, a bed).
_BOARDING = frozenset({"get", "climb", "hop"})
# Verbs after which "off" stays in the scene: off a seat ("hops off" the swing, "gets off" the
# bus), or a step back ("backs off, hands raised").
_OFF_STAYS = _GETTING | {"back"}
# What a phrase after a name that describes them opens with: "A STRANGER in a long coat".
_DESCRIBING = frozenset({"in", "with", "from"})
# The first word of a particle of coming or going, or of going into or out of a place.
_STAGE_WORDS = frozenset({"in", "into", "out", "off", "inside", "outside", "back", "indoors"})
# Verbs whose object comes or goes with their subject ("leads her out", "drags him in").
_LEADING = frozenset(
    {"lead", "drag", "escort", "usher", "pull", "carry", "walk", "guide", "push", "shove"}
)
# What a verb of moving may carry or lead before its particle ("the plates", "her", "him").
_CARRIED = DETERMINERS | frozenset({"him", "them"})
# After "into" or "out of": the room the scene is in, and being seen at all.
_ROOMS = frozenset({"room", "scene", "here"})
_SIGHT = frozenset({"sight", "view", "frame", "shot", "earshot"})
# Particles of going through the scene, whose object (a name) is passed, not left for.
_PASSING = frozenset({"past", "by"})
# Verbs that move a little away from something, not out of the scene: "backs away".
_AWAY_STAYS = frozenset({"back", "step", "move", "edge", "inch", "scoot", "shift", "slide", "pull"})


@dataclass(frozen=True, slots=True)
class _EmotionWords:
    words: tuple[str, ...]
    label: str
    intensity: float


def _check_glosses() -> None:
    """Refuse a glossary (`action_gloss`) that says an English word the parser never reads
    with the package's lexicon (a parser of another lexicon reads the same glossaries)."""
    lexicon = load_cue_lexicon()
    verbs = frozenset(form for entry in lexicon.actions for form in entry.forms)
    known = {word for entry in lexicon.actions for words in entry.objects for word in words}
    known -= {"*", PERSON}
    vocabulary = frozenset(known | verbs | lexicon.group_subjects | _GLOSS_WORDS)
    for gloss in action_glosses().values():
        unknown = gloss.unknown_words(vocabulary, verbs)
        if unknown:
            raise ValueError(
                f"action_languages.yaml: {gloss.language}: English the action parser does "
                f"not read: {'; '.join(unknown[:5])}"
            )


# Words between a copula and the state it says: "is already on his feet", "is up again".
_WHEN_ONE_IS = frozenset({"already", "still", "now", "again", "just", "soon", "all"})
_BEFORE_A_STATE = NEGATIONS | _WHEN_ONE_IS
# Words that open a place phrase: "is at the window", "stands by the window smiling".
_PLACE_WORDS = PREPOSITIONS | PLACE_PREPOSITIONS
# Before a verb form these make it a noun: "a look", "the waves", "another round".
_NOUN_OPENERS = DETERMINERS | {"another"}
# An object's last word that is not a word of the line ("* door", "pushes $person").
_PLACEHOLDERS = frozenset({"*", PERSON, END})
# Being somewhere ("is at the window"): a verb that does nothing itself (`ActionParser._copula`).
_BEING_SOMEWHERE = ActionEntry("be", COPULAS, (), 0, ())


class ActionParser:
    """Turns action text into ActionCues using the action lexicon.

    `more_verbs` (form -> base verb) are verbs that say someone does something without a
    behaviour of their own ("barks", "whispers"): they only mark their subject as an actor
    (see `parse`'s `actors`)."""

    def __init__(self, lexicon: CueLexicon, *, more_verbs: Mapping[str, str] | None = None) -> None:
        by_form: dict[str, list[ActionEntry]] = {}
        for entry in lexicon.actions:
            for form in sorted(entry.forms):
                by_form.setdefault(form, []).append(entry)
        for form, verb in sorted((more_verbs or {}).items()):
            by_form.setdefault(form, []).append(ActionEntry(verb, frozenset({form}), (), 4, ()))
        self._by_form = by_form
        self._verb_forms = frozenset(by_form)
        part_verbs: dict[str, list[tuple[frozenset[str], ActionEntry]]] = {}
        for action in lexicon.part_actions:
            for form in sorted(action.entry.forms):
                part_verbs.setdefault(form, []).append((action.parts, action.entry))
        self._part_verbs = part_verbs
        self._parts = frozenset(part for action in lexicon.part_actions for part in action.parts)
        entries = [*lexicon.actions, *(a.entry for a in lexicon.part_actions), *lexicon.states]
        self._longest = max(len(words) for entry in entries for words in entry.objects)
        # By the first word of their objects: a copula before any other word says no state.
        self._states: dict[str, list[ActionEntry]] = {}
        for entry in lexicon.states:
            for first in dict.fromkeys(words[0] for words in entry.objects):
                self._states.setdefault(first, []).append(entry)
        self._no_things = person_nouns() | self._parts  # what a look at "it" never means
        self._look_forms = frozenset(
            form for entry in lexicon.actions if entry.verb in _LOOKING for form in entry.forms
        )
        self._groups = lexicon.group_subjects
        self._degrees = lexicon.degrees
        self._degree_adverbs = lexicon.degree_adverbs
        self._light_nouns = lexicon.light_nouns
        self._stage_particles = sorted(
            ((tuple(phrase.split()), change) for phrase, change in lexicon.stage_particles.items()),
            key=lambda item: -len(item[0]),
        )
        # Nouns of a face someone wears ("a smile on her lips"): the face their verb gives.
        general = general_entries(lexicon.actions)
        self._worn = {
            noun: general[verb]
            for noun, verb in lexicon.light_nouns.items()
            if verb in general and {t.channel for t in general[verb].behaviours} == {"face"}
        }
        if "cry" in general:  # "A tear rolls down her cheek."
            self._worn.update(dict.fromkeys(("tear", "tears"), general["cry"]))
        self._escaping = {noun: general[noun] for noun in _ESCAPING if noun in general}
        emotions: dict[tuple[str, ...], _EmotionWords] = {}
        for cue in lexicon.parentheticals:
            if cue.emotion is None or cue.emotion == "neutral" or not cue.action_lines:
                continue
            for phrase in cue.phrases:
                words = tuple(phrase.split())
                if any(word in by_form for word in words):
                    continue  # "smiles", "sighs": the verb's own behaviour says it already
                emotions.setdefault(words, _EmotionWords(words, cue.emotion, cue.emotion_intensity))
        # By first word, longest first: each word of a line looks at its own few.
        self._emotions: dict[str, list[_EmotionWords]] = {}
        for found in sorted(emotions.values(), key=lambda e: -len(e.words)):
            self._emotions.setdefault(found.words[0], []).append(found)
        self._emfacs = load_emfacs()
        _check_glosses()

    def verb_forms(self) -> frozenset[str]:
        """Every word this parser reads as a verb."""
        return self._verb_forms

    def parse(
        self,
        text: str,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        default_subject: str | None = None,
        *,
        emotions: bool = False,
        actors: list[tuple[str, str]] | None = None,
        stage: list[StageCue] | None = None,
        place: str | None = None,
        feelings: list[FeelingCue] | None = None,
        language: str | None = None,
    ) -> list[ActionCue]:
        """Every behaviour the text describes. `default_subject` does verbs that have no subject
        of their own (parentheticals: the speaker); otherwise such a verb inherits the subject of
        the verb before it in the same line, or produces nothing.

        emotions: also give the face of an emotion the text describes ("furious", "in tears")
            to the character it describes.
        actors: when given, (character, base verb) is appended to it for every character named
            in a sentence as the subject of one of its verbs (a pronoun or a group does not
            count).
        stage: when given, a `StageCue` is appended to it for every character the text has
            come on or go off ("enters", "walks in", "storms out"; `_stage_change`).
        place: the beat's heading, which says whether "into the kitchen" comes on or goes off.
        feelings: when given, a `FeelingCue` is appended to it for every emotion the text
            describes a character in, as `emotions` would give its face.
        language: the BCP 47 tag of the language the text is written in; Spanish, French,
            German, Italian, Portuguese, Russian, Chinese, Japanese and Korean are read through
            their glossary (`action_gloss`; with no language, Cyrillic text is Russian, Chinese
            characters Chinese, or Japanese with kana, Hangul Korean),
            any other as English."""
        cues: list[ActionCue] = []
        tracker.on_stage(on_stage)
        carried: list[str] = [default_subject] if default_subject else []
        gloss = gloss_for(language, text)
        tokens = (
            tokenize(text)
            if gloss is None
            else _glossed_tokens(text, gloss, names, self._verb_forms)
        )
        previous: list[Tok] = []
        sentences = split_sentences(tokens)
        lists = {} if gloss is not None else self._colon_lists(text, sentences, names)
        # A list after a colon is read first, as if written before: it introduces whom the
        # sentence before it is about ("... on the couch: MEGAN, her husband DAVE").
        for number in lists:
            sentences[number], sentences[number + 1] = sentences[number + 1], sentences[number]
        lists = {number + 1: listed for number, listed in lists.items()}
        for number, sentence in enumerate(sentences):
            sentence = self._looking_on(sentence, previous)
            previous = sentence
            carried = self._sentence(
                sentence,
                names,
                tracker,
                on_stage,
                carried,
                cues,
                emotions,
                actors,
                None if stage is None else (stage, place_words(place)),
                feelings,
                lists.get(number, ()),
            )
            if default_subject and not carried:
                carried = [default_subject]
        return cues

    def _colon_lists(
        self, text: str, sentences: list[list[Tok]], names: NameIndex
    ) -> dict[int, list[str]]:
        """The names a colon lists after a sentence, by the sentence's number: a next sentence
        of two or more names and no verb ("Two old rivals hunch over a chessboard: ABE (80s)
        and MORRIS (80s).")."""
        lists = {}
        for number, (sentence, after) in enumerate(pairwise(sentences)):
            last = sentence[-1]
            if number - 1 in lists or last.start is None:
                continue  # a list is not itself what a list after it names
            if not text[last.start + len(last.text) :].startswith(":"):
                continue
            mentions = self._mentions(after, names)
            if len(mentions) >= 2 and not self._verbs(after, names):
                lists[number] = list(dict.fromkeys(name for _, name in mentions))
        return lists

    def _looking_on(self, sentence: list[Tok], previous: list[Tok]) -> list[Tok]:
        """A sentence without a verb that goes on with the look before it looks again: "Priya
        stares at the envelope. Then at him." is "Then (stares) at him."; so does such a clause
        after a comma ("looks at the glass, then at him")."""
        sentence = self._looking_on_in(sentence)
        if (
            len(sentence) < 3
            or sentence[0].low not in _GOING_ON
            or sentence[1].low not in _LOOKED_TOWARD
            or any(t.low in self._verb_forms for t in sentence[2:])
        ):
            return sentence
        look = next((t for t in reversed(previous) if t.low in self._look_forms), None)
        if look is None:
            return sentence
        return [sentence[0], replace(look, start=sentence[1].start), *sentence[1:]]

    def _looking_on_in(self, sentence: list[Tok]) -> list[Tok]:
        """`sentence` with the look before a verbless ", then at him" said again there."""
        for index in range(1, len(sentence) - 2):
            if not (
                sentence[index - 1].text == ","
                and sentence[index].low in _GOING_ON
                and sentence[index + 1].low in _LOOKED_TOWARD
            ):
                continue
            clause = sentence[index + 2 :]
            end = next((i for i, t in enumerate(clause) if t.text == ","), len(clause))
            if any(t.low in self._verb_forms for t in clause[:end]):
                continue
            look = next(
                (t for t in reversed(sentence[: index - 1]) if t.low in self._look_forms), None
            )
            if look is not None:
                again = replace(look, start=sentence[index + 1].start)
                return [*sentence[: index + 1], again, *sentence[index + 1 :]]
        return sentence

    # -- one sentence --------------------------------------------------------------------------

    def _sentence(
        self,
        tokens: list[Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        carried: list[str],
        cues: list[ActionCue],
        emotions: bool = False,
        actors: list[tuple[str, str]] | None = None,
        stage: tuple[list[StageCue], frozenset[str]] | None = None,
        feelings: list[FeelingCue] | None = None,
        listed: Sequence[str] = (),
    ) -> list[str]:
        """The cues of one sentence; returns the subject the next one carries. `listed`: the
        names a colon after the sentence lists, whom its own unnamed subject is ("Two old
        rivals hunch over a chessboard: ABE and MORRIS.")."""
        tracker.new_sentence()
        first_cue = len(cues)  # where this sentence's cues begin
        mentions = self._mentions(tokens, names)
        for index, _ in mentions:
            match = names.match_starting(tokens, index)
            for at in range(index, match[1] if match is not None else index + 1):
                tokens[at] = replace(tokens[at], named=True)
        self._learn_from_introductions(tokens, mentions, names, tracker)
        told = 0  # mentions already passed to the tracker
        lists = self._lists(tokens, mentions, names)
        verbs = self._verbs(tokens, names)
        if not verbs:
            cues.extend(seated_in_list(tokens, mentions, listed))
        relatives = self._relatives(tokens, names, verbs)
        subject = carried
        previous_end = 0
        inside: Relative | None = None  # the relative clause the verb before was in
        outer: list[str] = []  # the subject the main clause goes on with after it
        subjects: list[tuple[int, list[str]]] = []  # (verb position, its subject)
        doing: list[str] = []  # who the sentence names doing anything, the lexicon's or not
        # Who does something on their own, and the cues of "they": "Charya walks over as they
        # fidget" -- they are the others.
        singles: set[str] = set()
        everyone: list[tuple[int, int]] = []
        for number, verb in enumerate(verbs):
            region_end = verb.position
            next_start = verbs[number + 1].position if number + 1 < len(verbs) else len(tokens)
            verb.object_end = next_start
            while told < len(mentions) and mentions[told][0] < region_end:
                tracker.mention(mentions[told][1])
                told += 1
            while lists and lists[0][0] < region_end:
                opens, listed = lists.pop(0)
                tracker.mention_list(listed)
                if opens >= 2 and tokens[opens - 1].text == "," and plural(tokens[opens - 2]):
                    tracker.call(tokens[opens - 2].low, listed)  # "Their kids, ZOE and SAM,"
            relative = next((r for r in relatives if r.start < verb.position < r.end), None)
            if inside is not None and relative is not inside:
                subject, previous_end = outer, max(previous_end, inside.end)
            if relative is not None and relative is not inside:
                outer = [relative.antecedent] if relative.opens else subject
            inside = relative
            if relative is not None:
                found: list[str] | None = [relative.antecedent]
            else:
                found = self._subject(
                    tokens,
                    previous_end,
                    region_end,
                    names,
                    tracker,
                    on_stage,
                    doer=subject,
                    first_doer=not doing,
                )
            if not found and number == 0:
                found = inverted_subject(tokens, verb, names) or found
            if found is None and (not subject or number == 0):
                # The first verb of a sentence after one it does not know has the sentence's
                # own subject, not the last sentence's: "TOMAS knocks and enters."
                found = self._nearest_subject(tokens, previous_end, region_end, names, tracker)
            if found is None and not subject:
                found = self._dropped_subject(tokens, previous_end, region_end, tracker)
            if listed and number == 0 and (not found or isinstance(found, Group)):
                found = list(listed)
            if found is not None:
                found = _struck_one(tokens, previous_end, verb, found, tracker)
                subject = found
                if not isinstance(found, Group):
                    doing.extend(found)
            previous_end = verb.position + 1
            if number == 0 and subject and not isinstance(subject, Group) and not verb.negated:
                # Where the sentence opens says they sit, whatever its verb does.
                cues.extend(seated_by_place(tokens, verb, subject))
            if found == [] and verb.entry is not None and not verb.negated:
                # "The pillow hits Megan.", "A stranger shoves him.": whom it lands on takes
                # it, whoever or whatever does it.
                self._done_to(tokens, verb, names, tracker, cues)
            if not subject or verb.entry is None or verb.negated:
                continue
            if relative is not None and relative.describes(tokens):
                continue
            subjects.append((verb.position, subject))
            if actors is not None:
                named = {name for _, name in mentions}
                actors.extend((name, verb.entry.verb) for name in subject if name in named)
            if not isinstance(subject, Group):
                for name in subject:
                    tracker.mention(name)
            # "stands to leave", "turns to go": what they mean to do, not yet done.
            intended = verb.position > 0 and tokens[verb.position - 1].low == "to"
            if stage is not None and not intended:
                change = self._stage_change(tokens, verb, stage[1])
                if change is not None:
                    start = tokens[verb.position].start
                    stage[0].extend(StageCue(name, change, start) for name in subject)
                    led = self._led(tokens, verb, names, tracker, subject)
                    if led is not None:
                        stage[0].append(StageCue(led, change, start))
            if intended and verb.entry.stage is not None:
                continue  # "trying to disappear", "gets up to leave": not gone, nor going yet
            first = len(cues)
            self._emit(tokens, verb, subject, names, tracker, on_stage, cues)
            for name in subject:
                tracker.sleeps(name, verb.entry.verb in _SLEEPING)
            if any(cue.template.lexeme in _BLOWS for cue in cues[first:]):
                struck = next((c.target for c in cues[first:] if c.target in on_stage), None)
                if struck is not None:
                    tracker.strikes(struck)
            if verb.entry.passive:
                self._agent_acts(tokens, verb, subject, names, cues)
            if isinstance(subject, Everyone):
                everyone.append((first, len(cues)))
            else:
                singles.update(subject)
        for _, name in mentions[told:]:
            tracker.mention(name)
        for _, names_listed in lists:
            tracker.mention_list(names_listed)
        if singles and everyone:
            group = {cue.character for first, end in everyone for cue in cues[first:end]}
            # One who took the group's hand or hugged one of them is of it: "Jess grabs his
            # hand and they bolt" -- both run ("Charya walks over as they fidget": not her).
            joined = {
                cue.character for cue in cues if cue.character in singles and cue.target in group
            }
            dropped = {
                index
                for first, end in everyone
                for index in range(first, end)
                if cues[index].character in singles - joined
            }
            cues[:] = [cue for index, cue in enumerate(cues) if index not in dropped]
        doers = subjects or self._opener(tokens, mentions, tracker)
        self._part_actions(tokens, names, tracker, subject or list(on_stage), cues, doers, on_stage)
        self._worn_faces(tokens, names, tracker, cues, first_cue)
        self._escaped_sounds(tokens, names, tracker, cues)
        if emotions:
            self._emotion_faces(tokens, mentions, subjects, subject, tracker, cues)
        if feelings is not None:
            feelings.extend(self._feelings(tokens, mentions, subjects, subject, tracker))
        self._learn_gender(tokens, mentions, tracker)
        tracker.ends_sentence(doing)
        place = self._thing_place(tokens)
        tracker.thing_place = place or tracker.thing_place
        tracker.above = place == "up" or any(t.low in _ABOVE for t in tokens)
        if not verbs and mentions and mentions[0][0] == 0:
            # A sentence with no verb of the lexicon still names who the next one is about:
            # "Ana is quiet. Smiles."
            return [mentions[0][1]]
        return subject

    @staticmethod
    def _opener(
        tokens: list[Tok], mentions: list[tuple[int, str]], tracker: ReferenceTracker
    ) -> list[tuple[int, list[str]]]:
        """Who a sentence with no verb of the lexicon opens with, as a subject at its start:
        "Nina wraps both hands around it, eyes closed" is about Nina."""
        if mentions and mentions[0][0] == 0:
            return [(0, [mentions[0][1]])]
        if tokens and tokens[0].low in ("he", "she") and not tokens[0].glossed:
            name = tracker.resolve(tokens[0].low)
            return [(0, [name])] if name else []
        return []

    def _worn_faces(
        self,
        tokens: list[Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        cues: list[ActionCue],
        first_cue: int,
    ) -> None:
        """A face worn by someone named after it ("A smile spreads across her face.", "the
        ghost of a smile on her lips", "a frown on Ben's face"): the owner's face as its verb
        gives it, scaled by the words before it ("the ghost of"), unless the sentence (its
        cues from `first_cue` on) gave the owner a face already."""
        for index, token in enumerate(tokens):
            entry = self._worn.get(token.low)
            if entry is None or token.glossed:
                continue
            clause = next(
                (
                    end
                    for end in range(index + 1, len(tokens))
                    if tokens[end].low in CLAUSE_BREAKS or tokens[end].text in STOPS
                ),
                len(tokens),
            )
            owner = next(
                (
                    self._owner(tokens, at, names, tracker)
                    for at in range(index + 1, min(clause, index + 8) - 1)
                    if tokens[at + 1].low in _WORN_ON
                ),
                None,
            )
            if (
                owner is None
                and _opens_with(tokens, index)
                and index + 1 < len(tokens)
                and tokens[index + 1].low in _FACE_COMES
                and len(tracker.last_doers) == 1
            ):
                # "Okafor kneels. A small smile breaks through.": the face of whom the scene is on.
                owner = tracker.last_doers[0]
            if owner is None or any(
                cue.character == owner and cue.template.channel == "face"
                for cue in cues[first_cue:]
            ):
                continue
            before = tokens[max(0, index - 4) : index]
            degree = self._degree(tokens, 0, [*before, token])
            trigger = text_of(tokens[max(0, index - 1) : clause])
            for template in entry.behaviours:
                value = round(min(1.0, template.intensity * degree), 3)
                template = replace(template, intensity=value)
                cues.append(ActionCue(owner, template, None, trigger, tokens[index].start))

    def _escaped_sounds(
        self, tokens: list[Tok], names: NameIndex, tracker: ReferenceTracker, cues: list[ActionCue]
    ) -> None:
        """A sound that escapes someone ("A small laugh escapes her.", "A sob escapes Lena's
        lips."): done by the one it escapes, as its verb does it, scaled by the words before it
        ("a small")."""
        for index, token in enumerate(tokens):
            if token.low not in _ESCAPE_FORMS or token.glossed or index == 0:
                continue
            noun = next(
                (
                    k
                    for k in range(index - 1, max(-1, index - 4), -1)
                    if tokens[k].low in self._escaping
                ),
                None,
            )
            if noun is None or index + 1 >= len(tokens):
                continue
            after = tokens[index + 1]
            owner: str | None
            if after.low in ("her", "him") and not after.glossed:
                pronoun = "she" if after.low == "her" else "he"
                owner = tracker.resolve(pronoun, exclude=names_from(tokens, index + 2, names))
            else:
                match = names.match_ending(tokens, index + 1)
                owner = match[0] if match is not None else None
            if owner is None:
                continue
            degree = self._degree(tokens, 0, tokens[max(0, noun - 3) : noun + 1])
            trigger = text_of(tokens[max(0, noun - 1) : index + 2])
            for template in self._escaping[tokens[noun].low].behaviours:
                value = round(min(1.0, template.intensity * degree), 3)
                cues.append(
                    ActionCue(owner, replace(template, intensity=value), None, trigger, token.start)
                )

    def _part_actions(
        self,
        tokens: list[Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        group: list[str],
        cues: list[ActionCue],
        subjects: list[tuple[int, list[str]]],
        everyone: Sequence[str],
    ) -> None:
        """What a part of a character does ("Her face falls.", "Ana's jaw drops.", "his eyes
        narrowing"): the owner's behaviours (the lexicon's `part_actions`). "Their" parts are
        the group's: the sentence's subject when it is several, else everyone on stage; "all"
        parts are `everyone`'s (on stage: "All eyes turn to him."). A part
        with no owner after a comma or "with" is the subject's of the verb before it, else after
        it ("Mara watches Leo, arms folded", "Mara, arms folded, watches", "with eyes closed");
        `subjects` are the sentence's verbs' (position, subject). A part that opens the
        sentence is the one's whose face it runs down ("Tears roll down her cheeks.")."""
        if len(tokens) > 2 and tokens[0].low in self._parts and not tokens[0].glossed:
            owner = next(
                (
                    self._owner(tokens, at, names, tracker)
                    for at in range(2, len(tokens) - 1)
                    if tokens[at + 1].low in _TEARS_ON
                ),
                None,
            )
            if owner is not None:
                self._part_verb(tokens, 0, [owner], names, tracker, group, cues)
        for index in range(len(tokens) - 2):
            at = index + 1
            if tokens[at].low in _SIDES and at + 1 < len(tokens) - 1:
                at += 1  # "Sorel's left eye twitches"
            part = tokens[at].low
            if part not in self._parts:
                continue
            if (
                index > 0
                and (tokens[index].possessive or tokens[index].low in ("his", "her", "their"))
                and tokens[index - 1].low in self._verb_forms
                and (
                    tokens[at + 1].low not in self._verb_forms
                    or tokens[at + 1].low in _HOW_PARTS_ARE_HELD
                )
            ):
                # Held by a verb ("puts his head in his hands", "squeezes his eyes shut"): the
                # verb's, not the part's own ("watches her face fall" is).
                continue
            if tokens[index].low in ("their", "all") and not tokens[index].glossed:
                # "Their eyes turn to June.", "All eyes turn to him.": not June's, not his.
                owners: list[str] = (
                    list(everyone)
                    if tokens[index].low == "all"
                    else group
                    if group != list(everyone)
                    else tracker.they(everyone)  # "Michael and Sophie sit. Their eyes meet."
                )
                looked_at = names_from(tokens, at + 1, names, tracker=tracker)
                owners = [name for name in owners if name not in looked_at]
                owners = owners if len(owners) > 1 or tokens[index].low == "all" else []
            elif opens_an_absolute(tokens[index]):
                before = [found for at, found in subjects if at < index]
                after = [found for at, found in subjects if at > index]
                doer = before[-1] if before else after[0] if after else []
                owners = list(doer) if len(doer) == 1 else []
            else:
                owner = self._owner(tokens, index, names, tracker)
                owners = [owner] if owner is not None else []
            if owners:
                self._part_verb(tokens, at, owners, names, tracker, group, cues)

    def _part_verb(
        self,
        tokens: list[Tok],
        at: int,
        owners: list[str],
        names: NameIndex,
        tracker: ReferenceTracker,
        group: list[str],
        cues: list[ActionCue],
    ) -> None:
        """The behaviours of the verb after the part at `at`, done by its `owners`."""
        part = tokens[at].low
        position = at + 1
        while position < len(tokens) - 1 and (
            tokens[position].low in _SKIPPABLE or tokens[position].adverb
        ):
            position += 1  # "her eyes slowly fill", "his face begins to fall"
        if tokens[position - 1].low in NEGATIONS:
            return
        for parts, entry in self._part_verbs.get(tokens[position].low, ()):
            if part in parts and self._object_end(tokens, position, entry, names) is not None:
                # The object reaches to the clause's end: "her eyes go to Ben".
                verb = Verb(position, entry, negated=False, object_end=len(tokens))
                self._emit(tokens, verb, owners, names, tracker, group, cues, at)
                return

    @staticmethod
    def _owner(
        tokens: list[Tok], index: int, names: NameIndex, tracker: ReferenceTracker
    ) -> str | None:
        """The character whose part follows token `index`: a name's possessive ("Ana's"), or
        his / her, someone named before it ("His eyes land on Liam." are not Liam's)."""
        token = tokens[index]
        if token.possessive:
            match = names.match_ending(tokens, index)
            return match[0] if match is not None else None
        if token.low in ("his", "her") and not token.glossed:
            return tracker.resolve(token.low, exclude=names_from(tokens, index + 1, names))
        return None

    @staticmethod
    def _lists(
        tokens: list[Tok], mentions: list[tuple[int, str]], names: NameIndex
    ) -> list[tuple[int, list[str]]]:
        """Names written as one list ("Chalf, Nar and Yor"), with where each list starts."""
        found: list[tuple[int, list[str]]] = []
        current: list[str] = []
        start = end = -1
        for index, name in mentions:
            between = {t.low for t in tokens[end:index]} if end >= 0 else set()
            if current and between and between <= {",", "and", "&"}:
                current.append(name)
            else:
                if len(current) > 1:
                    found.append((start, list(dict.fromkeys(current))))
                current, start = [name], index
            match = names.match_starting(tokens, index)
            end = match[1] if match is not None else index + 1
        if len(current) > 1:
            found.append((start, list(dict.fromkeys(current))))
        return found

    @staticmethod
    def _relatives(tokens: list[Tok], names: NameIndex, verbs: list[Verb]) -> list[Relative]:
        """The relative clauses on a character in a sentence: "Ben, who smiles, ..."."""
        found: list[Relative] = []
        for index, token in enumerate(tokens):
            if token.low != "who" or token.glossed:
                continue
            before = index - 1 if index > 0 and tokens[index - 1].text == "," else index
            match = names.match_ending(tokens, before - 1) if before > 0 else None
            if match is None or tokens[before - 1].possessive:
                continue
            end = next(
                (at for at in range(index + 1, len(tokens)) if tokens[at].text == ","),
                len(tokens),
            )
            opens = not any(verb.position < index for verb in verbs)
            found.append(Relative(index, end, match[0], opens, end < len(tokens) - 1))
        return found

    @staticmethod
    def _inside_a_name(tokens: list[Tok], position: int, names: NameIndex) -> bool:
        """Whether the token at `position` is a word of a character's name of several words
        written there in full."""
        ending = names.match_ending(tokens, position)
        if ending is not None and ending[1] < position:
            return True
        starting = names.match_starting(tokens, position)
        return starting is not None and starting[1] > position + 1

    def _mentions(self, tokens: list[Tok], names: NameIndex) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        index = 0
        while index < len(tokens):
            match = names.match_starting(tokens, index)
            if match is None:
                index += 1
                continue
            found.append((index, match[0]))
            index = match[1]
        return found

    def _verbs(self, tokens: list[Tok], names: NameIndex) -> list[Verb]:
        verbs: list[Verb] = []
        object_end = 0  # the object of the verb before ends here: "exchange glances"
        after_passive = False  # the verb before was a passive participle
        for position, token in enumerate(tokens):
            if token.low in COPULAS and position >= object_end:
                copula = self._copula(tokens, position, names)
                if copula is not None:
                    verbs.append(copula[0])
                    object_end = copula[1]
                continue
            entries = self._by_form.get(token.low)
            if not entries or token.possessive or position < object_end:
                continue
            if position == 0 and self._opens_with_a_noun(tokens):
                continue
            if token.text[:1].isupper() and self._inside_a_name(tokens, position, names):
                continue  # "GRANDMA ROSE", "Grandma Rose keeps eating": a name, not "rose"
            if position == 1 and a_noun_pair(tokens, entries):
                continue  # "Cigar smoke.": a bare verb form after a singular is a noun
            if position > 0 and tokens[position - 1].low in _NOUN_OPENERS:
                continue  # "a look", "the waves", "another round": a noun
            if (
                position > 0
                and tokens[position - 1].low == "in"
                and not token.low.endswith(("ing", "ed"))
                and not token.glossed
            ):
                continue  # "RUTH in tears hugs him", "in shock": a noun
            if (
                position > 2
                and tokens[position - 3].low in PREPOSITIONS
                and tokens[position - 2].low in DETERMINERS
                and tokens[position - 1].text.isalpha()
                and tokens[position - 1].text.islower()
                and tokens[position - 1].low not in self._by_form
                # "next to her and nods": "her" was its object, and "and" no adjective
                and tokens[position - 1].low not in CONJUNCTIONS | PREPOSITIONS | _ALSO_ADVERBS
                and not tokens[position - 1].adverb
                and not token.low.endswith(("ing", "ed"))  # "on the floor laughing"
                and not token.glossed
                and not self._plural_after_a(tokens, position)
                # "Around the table sit BEN and ANA": a verb before its subject
                and (position + 1 >= len(tokens) or not tokens[position + 1].text[:1].isupper())
            ):
                continue  # "stares at his empty hand": a noun after its adjective
            if (
                position > 1
                and tokens[position - 1].low == "one"
                and (tokens[position - 2].low in PREPOSITIONS or tokens[position - 2].low == "in")
            ):
                continue  # "in one gulp", "with one look": a noun ("No one moves" is a verb)
            if (
                position > 1
                and tokens[position - 1].low in _QUANTIFIERS
                and tokens[position - 2].low in self._verb_forms
            ):
                continue  # "They stop all motion": a noun ("They all nod" is a verb)
            if (
                position > 1
                and tokens[position - 1].low in self._parts
                and opens_an_absolute(tokens[position - 2])
            ):
                continue  # ", head bowed": what the part does (`_part_actions`)
            if (
                token.low in self._parts
                and position > 0
                and tokens[position - 1].low in _QUANTIFIERS
            ) or (
                position > 1
                and tokens[position - 1].low in self._parts
                and tokens[position - 2].low in _QUANTIFIERS
            ):
                continue  # "All heads turn to her": what everyone's part does (`_part_actions`)
            if (
                position > 0
                and tokens[position - 1].low in PREPOSITIONS
                and tokens[position - 1].low != "to"
                and any(token.low == entry.verb for entry in entries)
            ):
                continue  # "from head to toe", "waits for help": a noun ("to smile" is a verb)
            if (
                (token.low in _STAGE_WORDS or token.low == "left")
                and position > 0
                and tokens[position - 1].low in self._verb_forms
            ):
                continue  # "glances back at him", "turns left": the particle of the verb before
            if (
                token.low == "back"
                and position > 0
                and tokens[position - 1].low not in PLURAL_SUBJECTS | {"to"}
                and names.match_ending(tokens, position - 1) is None
            ):
                continue  # "pulls the cap back on": a particle; "They back away" is a verb
            if token.low in PASSIVE_AUXILIARIES and self._opens_a_passive(tokens, position):
                continue  # "gets kicked out": the auxiliary of a passive, not "gets out"
            before = tokens[position - 1] if position > 0 else None
            if (
                before is not None
                and before.low in _PLURAL_COUNTS
                # "Patron Two rolls": a name; "Thirty paces away, ...": a count
                and (
                    before.text.islower()
                    or (position == 1 and before.low in _NUMERALS and not before.glossed)
                )
                and token.low.endswith("s")
            ):
                continue
            # In the passive ("Ben is punched") a verb with passive entries reads only them: its
            # subject is whom it is done to. One without keeps its meaning ("is slumped").
            passive = is_passive(tokens, position, after_passive) and any(
                e.passive for e in entries
            )
            after_passive = passive
            voiced = [e for e in entries if e.passive == passive]
            if not voiced:
                continue  # a verb read only in the passive ("is helped up"): "help desk"
            entry, object_end = next(
                (
                    (e, end)
                    for e in voiced
                    if (end := self._object_end(tokens, position, e, names)) is not None
                ),
                (None, 0),
            )
            if entry is not None and self._turns_a_thing(tokens, position, entry):
                entry = None
            negated = (
                position > 0
                and (
                    tokens[position - 1].low in NEGATIONS
                    or (position > 1 and tokens[position - 2].low in NEGATIONS)
                    or self._ceased(tokens, position)
                    or negative_ending_after(tokens, position, 1)
                )
                and not self._cannot_help(tokens, position)
            )
            if (
                entry is not None
                and token.low in CEASING
                and not self._stops_moving(tokens, position)
            ):
                entry = None  # "stops smiling": no smile, and no halt either
            verbs.append(Verb(position, entry, negated))
        return verbs

    @staticmethod
    def _plural_after_a(tokens: list[Tok], position: int) -> bool:
        """Whether the verb form at `position` ends in -s after "a" and one word: no noun of
        that article ("BEN with a cane waves"; "with a few steps" is one)."""
        low = tokens[position].low
        return (
            tokens[position - 2].low in ("a", "an")
            and low.endswith("s")
            and not low.endswith("ss")
            and tokens[position - 1].low not in _COUNTS_OF_MANY
        )

    def _copula(
        self, tokens: list[Tok], position: int, names: NameIndex
    ) -> tuple[Verb, int] | None:
        """The copula at `position` as a verb, and where what it says ends: a state of the
        lexicon's ("is on his feet", "is not in tears"), or being somewhere, which does
        nothing itself but ends the subject's noun phrase ("is on the floor laughing": she
        laughs), makes its subject someone who does something (`scene.cast`), and may seat
        it ("is in a lawn chair", `seats`); None for any other "is"."""
        after = position + 1
        negated = after < len(tokens) and tokens[after].low in NEGATIONS
        while after < len(tokens) and (
            tokens[after].adverb or tokens[after].low in _BEFORE_A_STATE
        ):
            after += 1
        states = self._states.get(tokens[after].low, ()) if after < len(tokens) else ()
        for entry in states:
            end = self._object_end(tokens, after - 1, entry, names)
            if end is not None:
                return Verb(position, entry, negated), end
        if after < len(tokens) and tokens[after].low in _PLACE_WORDS:
            return Verb(position, _BEING_SOMEWHERE, negated), position + 1
        return None

    def _opens_with_a_noun(self, tokens: list[Tok]) -> bool:
        """Whether the sentence opens with a noun spelled like a verb of the lexicon, its
        subject ("Smoke rises from the pan.", "Tears roll down her cheeks."), not a verb whose
        subject is the sentence before's ("Nods. Smiles at Ben."): an action line drops its
        subject before a verb that agrees with it (-s), never before the bare form, and a
        plural noun is followed by the bare form of its own verb."""
        first, second = tokens[0], tokens[1] if len(tokens) > 1 else None
        if first.glossed or second is None or not (second.text.isalpha() and second.text.islower()):
            return False
        if any(first.low == entry.verb for entry in self._by_form[first.low]):
            return True
        return first.low.endswith("s") and (
            second.low in _WHAT_THINGS_DO
            or any(second.low == entry.verb for entry in self._by_form.get(second.low, ()))
        )

    @staticmethod
    def _cannot_help(tokens: list[Tok], position: int) -> bool:
        """Whether the gerund at `position` is what someone cannot help or stop doing: "can't
        help laughing", "can't stop smiling", "never stops talking" -- done all the more."""
        return (
            position > 1
            and tokens[position].low.endswith("ing")
            and tokens[position - 1].low in _CANNOT_HELP
            and tokens[position - 2].low in NEGATIONS
        )

    @staticmethod
    def _ceased(tokens: list[Tok], position: int) -> bool:
        """Whether a ceasing verb ends the verb at `position`: "stops smiling", "ceases to
        smile" (not "stops to look": that one pauses, then looks)."""
        before = tokens[position - 1].low if position > 0 else ""
        if before in CEASING:
            return tokens[position].low.endswith("ing")
        return before == "to" and position > 1 and tokens[position - 2].low.startswith("ceas")

    def _stops_moving(self, tokens: list[Tok], position: int) -> bool:
        """Whether the ceasing verb at `position` halts a movement ("stops walking", "stops")
        rather than ending a behaviour of the face or hands ("stops smiling")."""
        after = tokens[position + 1] if position + 1 < len(tokens) else None
        if after is None or not after.low.endswith("ing"):
            return True
        entries = self._by_form.get(after.low, ())
        if not entries:
            return True  # "stops breathing", "stops talking": a stop all the same
        return any(
            t.channel == "posture" and t.lexeme in _MOVEMENTS for e in entries for t in e.behaviours
        )

    def _opens_a_passive(self, tokens: list[Tok], position: int) -> bool:
        """Whether the auxiliary at `position` is followed by a participle the lexicon reads in
        the passive."""
        after = position + 1
        while after < len(tokens) and tokens[after].adverb:
            after += 1
        if after >= len(tokens) or tokens[after].low.endswith("ing"):
            return False
        return any(e.passive for e in self._by_form.get(tokens[after].low, ()))

    @staticmethod
    def _turns_a_thing(tokens: list[Tok], position: int, entry: ActionEntry) -> bool:
        """A hand turning a thing ("turning a brass key", "turns the page"), not the body."""
        if {(t.channel, t.lexeme) for t in entry.behaviours} != {("posture", "turn")}:
            return False
        following = [t.low for t in tokens[position + 1 : position + 4]]
        if following[2:] == ["way"]:
            return False  # "spins the wrong way", "turns the other way"
        return (
            len(following) >= 2 and following[0] in DETERMINERS and following[1] not in _BODY_TURNS
        )

    def _object_end(
        self, tokens: list[Tok], position: int, entry: ActionEntry, names: NameIndex
    ) -> int | None:
        """Where the object the entry asks for ends (the verb's own end for an entry that asks
        for none), or None when it is not there. It never reaches past a joint that another
        verb follows: "turns and walks away" does not turn away."""
        if not entry.objects:
            return position + 1
        # Past the verb's manner: "perches nervously on the edge of her seat".
        manner = 0
        while position + 1 + manner < len(tokens) and tokens[position + 1 + manner].adverb:
            manner += 1
        reach = min(entry.within + manner, len(tokens) - position - 1)
        for offset in range(reach):
            at = position + 1 + offset
            if (
                tokens[at].low in CLAUSE_BREAKS
                and at + 1 < len(tokens)
                and tokens[at + 1].low in self._verb_forms
            ):
                reach = offset
                break
        if not entry.behaviours or entry.within > _NEAR:
            # A use that does nothing, or one whose object may come far after the verb ("gives
            # him a furtive look"), is read in its own clause: "gives Ben the keys and looks
            # away" still hands them over. An object may itself hold a break ("back and forth").
            clause = next(
                (
                    offset
                    for offset in range(reach)
                    if tokens[position + 1 + offset].low in CLAUSE_BREAKS
                    and not joins_people(tokens, position + 1 + offset, names)
                ),
                reach,
            )
            reach = min(reach, clause)
        # The words an object starting within reach can hold: one whose last word is not
        # among them is not there (most objects end in a word: "a * smile").
        window = {t.low for t in tokens[position + 1 : position + 1 + reach + self._longest]}
        for words in entry.objects:
            if words[-1] not in window and words[-1] not in _PLACEHOLDERS:
                continue
            # An object that is the clause's end is looked for there: "and goes." ends with it.
            last = position + 1 + (max(reach, 1) if words[-1] == END else reach)
            for start in range(position + 1, last):
                end = object_match(words, tokens, start, names)
                if end is not None and not self._her_thing(words, tokens, end):
                    return end
        return None

    def _her_thing(self, words: tuple[str, ...], tokens: list[Tok], end: int) -> bool:
        """Whether an object that ends in "her" is hers, a thing, not her: "knocks her chair
        over" knocks no one ("looks at her hands" still looks at her)."""
        her = tokens[end - 1]
        return (
            words[-1] == "her"
            and not her.glossed
            and not object_her(tokens, end - 1)
            and tokens[end].low not in self._parts
        )

    def _subject(
        self,
        tokens: list[Tok],
        begin: int,
        end: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        doer: Sequence[str] = (),
        first_doer: bool = False,
    ) -> list[str] | None:
        """The subject in tokens[begin:end] just before a verb; None means "the same as before".
        An empty list means an unknown subject: the verb must produce nothing. `doer`: the
        subject of the verb before in the sentence; `first_doer`: no one has done anything in
        the sentence yet."""
        if end > begin and tokens[end - 1].low == "to" and not tokens[end - 1].glossed:
            return None  # an infinitive's subject is the verb's before: "spins her chair to face"
        j = end - 1
        while j >= begin and (
            tokens[j].low in _SKIPPABLE
            or tokens[j].low in NEGATIONS
            or tokens[j].adverb
            or (tokens[j].low in _CANNOT_HELP and j > begin and tokens[j - 1].low in NEGATIONS)
        ):
            j -= 1  # "She slowly sits", "She doesn't look up": the subject is "she" all the same
        if j < begin or (tokens[j].low in CONJUNCTIONS and tokens[j].text != ","):
            return None
        if tokens[j].low == DROPPED_SUBJECT:
            return None
        if (
            begin > 0
            and tokens[end].low.endswith("ing")
            and tokens[begin].low in _PLACE_WORDS
            and not any(t.low in CONJUNCTIONS or t.named for t in tokens[begin:end])
        ):
            return None  # "stands by the window smiling": the one standing smiles
        if tokens[j].text == ",":
            described = names.match_ending(tokens, j - 1) if j > begin else None
            if first_doer and j == end - 1 and described is not None:
                start = self._noun_phrase_start(tokens, begin, described[1])
                if start > begin and tokens[start - 1].low in PREPOSITIONS:
                    # "The room is empty but for MARY, asleep on the couch.", "CLOSE ON Mary,
                    # asleep": a verb set off after the object of a preposition, in a sentence
                    # no one acts in yet, says what that one does.
                    return [described[0]]
            if j == end - 1 and tokens[end].low.endswith("ing"):
                return None  # "Ana turns, crossing her arms"
            return (
                named_between_commas(tokens, begin, j, names)
                or self._appositive(tokens, begin, j, names, tracker, on_stage)
                or None
            )
        subject = self._subject_at(tokens, begin, j, names, tracker, on_stage, doer)
        if subject is not None:
            return subject
        return self._named_before_description(tokens, begin, j, names) or self._appositive(
            tokens, begin, j, names, tracker, on_stage
        )

    def _named_before_description(
        self, tokens: list[Tok], begin: int, j: int, names: NameIndex
    ) -> list[str] | None:
        """The name that opens the clause before a phrase describing them, which ends at `j`:
        "A STRANGER in a long coat lays a coin", "BEN with a cane limps in"."""
        for k in range(j, max(begin, j - 5) - 1, -1):
            token = tokens[k]
            if token.low in _DESCRIBING and k < j:
                match = names.match_ending(tokens, k - 1) if k > begin else None
                if match is None or tokens[k - 1].possessive:
                    return None
                if self._noun_phrase_start(tokens, begin, match[1]) != begin:
                    return None
                return [match[0]]
            if not token.text.isalpha() or not token.text.islower():
                return None
        return None

    @staticmethod
    def _dropped_subject(
        tokens: list[Tok], begin: int, end: int, tracker: ReferenceTracker
    ) -> list[str] | None:
        """A subject the language left out ("Se levanta.", see `action_gloss`) with none
        carried from the sentence before: the one mentioned last."""
        if not any(token.low == DROPPED_SUBJECT for token in tokens[begin:end]):
            return None
        last = tracker.last()
        return [last] if last else None

    def _nearest_subject(
        self,
        tokens: list[Tok],
        begin: int,
        end: int,
        names: NameIndex,
        tracker: ReferenceTracker,
    ) -> list[str] | None:
        """A coordinated verb after one the lexicon does not know ("Ana trips and falls"): the
        nearest pronoun or clause-initial name before it."""
        for k in range(end - 1, begin - 1, -1):
            token = tokens[k]
            if token.low == DROPPED_SUBJECT:
                return None  # the subject's place: the one carried, or `_dropped_subject`
            if token.low in ("he", "she"):
                if self._opened_by_someone_else(tokens, k, token.low, names):
                    return []
                name = tracker.resolve(token.low)
                return [name] if name else None
            match = names.match_ending(tokens, k)
            if match is not None and not token.possessive:
                start = self._noun_phrase_start(tokens, begin, match[1])
                if start == begin or tokens[start - 1].low in CONJUNCTIONS:
                    return [match[0]]
        return None

    def _noun_phrase_start(self, tokens: list[Tok], begin: int, start: int) -> int:
        """Where the noun phrase that ends in a name starting at `start` begins: at an article
        or possessive before it, over up to three lower-case words or words in capitals ("A
        BARTENDER", "Her son LEO", "the old man BEN", "A LITTLE GIRL" found by "GIRL"); else
        at the name."""
        for first in range(start - 1, max(begin, start - 4) - 1, -1):
            token = tokens[first]
            if token.low in DETERMINERS:
                return first
            if (
                not token.text.isalpha()
                or not (token.text.islower() or token.upper)
                or token.low in self._by_form
                or token.low in CONJUNCTIONS  # "Her friends MARGO and TINA": TINA's is "TINA"
            ):
                break
        return start

    def _appositive(
        self,
        tokens: list[Tok],
        begin: int,
        j: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> list[str]:
        """The subject before an appositive: "ANA, furious, slams ..." or "DICK STEEL, his
        former partner, emerges ..."; empty when there is none."""
        commas = [i for i in range(begin, j) if tokens[i].text == ","]
        for comma in reversed(commas):
            k = comma - 1
            while k >= begin and tokens[k].adverb:
                k -= 1
            if k >= begin:
                subject = self._subject_at(tokens, begin, k, names, tracker, on_stage)
                if subject:
                    return subject
        return []

    def _subject_at(
        self,
        tokens: list[Tok],
        begin: int,
        j: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        doer: Sequence[str] = (),
    ) -> list[str] | None:
        token = tokens[j]
        if token.low in ("he", "she"):
            if self._opened_by_someone_else(tokens, j, token.low, names):
                return []
            # Not one the clause goes on to name: "He hugs Mark." is not Mark.
            later = names_from(tokens, j + 1, names, clause=True)
            if self._acted_on_before(tokens, j, token.low):
                # "Walter watches him until he is gone": the one watched, not Walter.
                later = [*later, *doer]
            name = tracker.resolve(token.low, exclude=later)
            return [name] if name else []
        called = tracker.called(token.low)
        if called and all(name in on_stage for name in called):
            return Group(called)  # "The kids cheer."
        of_them = token.low == "them" and j > begin and tokens[j - 1].low == "of"
        if (
            token.low == "they"
            or (token.low in self._groups and names.match_ending(tokens, j) is None)
            or of_them
        ):
            if token.low in _GROUP_NOUNS and introduces(tokens, begin, j):
                return []  # "A dozen FRIENDS leap out": new people, none of the cast
            counted = tokens[j - 2].low if of_them and j - 2 >= begin else token.low
            if j > begin and tokens[j - 1].low in _GROUP_SIZES and token.low in _GROUP_NOUNS:
                counted = tokens[j - 1].low  # "both girls", "the two men"
            if token.low in _GROUP_GENDERS and not (j > begin and owns(tokens[j - 1])):
                # "Both girls freeze": not their dad, as far as names tell ("Brick's men" are
                # his crew, and "the two men" two whatever their names)
                other = "f" if _GROUP_GENDERS[token.low] == "m" else "m"
                kept = [name for name in on_stage if tracker.gender(name) != other]
                on_stage = kept if len(kept) >= _GROUP_SIZES.get(counted, 2) else on_stage
            # "The guard snores loudly. They both burst out laughing.": not the guard.
            awake = [name for name in on_stage if not tracker.asleep(name)]
            on_stage = awake if len(awake) >= _GROUP_SIZES.get(counted, 2) else on_stage
            size = _GROUP_SIZES.get(counted)
            if size is not None:
                # "They both stare at her." after Mrs. Patel speaks: the two who are not her.
                acted_on = object_pronoun(tokens, j + 1)
                aside = tracker.resolve(acted_on, learn=False) if acted_on else None
                group = tracker.group(size, on_stage, aside=[aside] if aside else [])
                return Everyone(group) if group == list(on_stage) else Group(group)
            if token.low == "others":
                # "Priya leaves. The others let out a breath.": all but who just acted.
                rest = [name for name in on_stage if name not in tracker.last_doers]
                return Everyone(rest or on_stage)
            owner = (
                None if token.low == "they" else self._owner_of(tokens, begin, j, names, tracker)
            )
            if owner is not None:
                # "Her friends laugh": everyone but her.
                return Everyone([name for name in on_stage if name != owner] or on_stage)
            if token.low == "they":
                return Everyone(tracker.they(on_stage))
            # "Everyone turns to look at him.": all but him.
            acted_on = object_pronoun(tokens, j + 1)
            aside = tracker.resolve(acted_on, learn=False) if acted_on else None
            return Everyone([name for name in on_stage if name != aside] or on_stage)
        cluster: list[str] = []
        k = j
        if (
            token.text[:1].isupper()
            and k > begin
            and names.match_ending(tokens, k) is None
            and names.match_ending(tokens, k - 1) is not None
        ):
            k -= 1  # a full name: "Brick Braddock" names BRICK
        while k >= begin:
            match = names.match_ending(tokens, k)
            if match is None and cluster:
                # "NADIA, the bride, and OMAR, the groom, sit": past what the name before is.
                before = before_an_appositive(tokens, begin, k, names)
                if before is not None:
                    k = before
                    continue
            if match is None or tokens[k].possessive:
                break
            cluster.insert(0, match[0])
            # "JAMAL and his girlfriend PRIYA": the noun phrase the name ends.
            k = self._noun_phrase_start(tokens, begin, match[1]) - 1
            if k >= begin + 2 and tokens[k].low in ("and", "&") and tokens[k - 1].text == ",":
                k -= 2  # "CHALF, NAR, and YOR"
                continue
            if k >= begin + 1 and tokens[k].low in (",", "and", "&"):
                k -= 1
                continue
            break
        if not cluster:
            return None
        if k >= begin and tokens[k].low in PREPOSITIONS:
            return None  # "looks at Ana and smiles": Ana is an object
        return list(dict.fromkeys(cluster))

    def _opened_by_someone_else(
        self, tokens: list[Tok], j: int, pronoun: str, names: NameIndex
    ) -> bool:
        """Whether the sentence opens with a man or a woman of the pronoun's gender who is none
        of the characters: the pronoun is them ("The man's wife laughs so hard she has to wipe
        her eyes": not the comic on stage)."""
        nouns = FEMALE_NOUNS if pronoun == "she" else MALE_NOUNS
        for k in range(j):
            token = tokens[k]
            if names.match_ending(tokens, k) is not None and not token.possessive:
                return False  # a character opens it
            if token.low in nouns:
                return not names.has_word(token.low)  # "His mother", TEO'S MOTHER, may be her
            if token.low in self._by_form and not token.possessive:
                return False  # past the opening
        return False

    @staticmethod
    def _acted_on_before(tokens: list[Tok], j: int, pronoun: str) -> bool:
        """Whether the pronoun at `j` opens a clause of time ("until he", "as she") after its
        own object form in the sentence ("watches him until he leaves"): it means that one."""
        if j == 0 or tokens[j - 1].low not in _SUBORDINATORS:
            return False
        form = _OBJECT_FORMS[pronoun]
        return any(
            t.low == form and (form == "him" or object_her(tokens, at))
            for at, t in enumerate(tokens[: j - 1])
        )

    def _owner_of(
        self, tokens: list[Tok], begin: int, j: int, names: NameIndex, tracker: ReferenceTracker
    ) -> str | None:
        """Whose the group noun at `j` is: "her friends", "Ana's men" (`_owner`); None for no
        one's."""
        for k in range(j - 1, max(begin, j - 3) - 1, -1):
            token = tokens[k]
            if token.low in ("her", "his") or token.possessive:
                return self._owner(tokens, k, names, tracker)
            if not token.text.isalpha():
                return None
        return None

    # -- behaviours ------------------------------------------------------------------------------

    def _stage_change(
        self, tokens: list[Tok], verb: Verb, place: frozenset[str]
    ) -> StageChangeKind | None:
        """Whether the verb has its subject come on or go off: its entry says so ("enters",
        "leaves", "comes in"), or a verb of moving is followed by a particle of
        `stage_particles` ("walks in", "storms out"), or goes into or out of a place: the place
        of the beat's heading or a room ("walks into the kitchen" in INT. KITCHEN comes on,
        "out of the room" goes off) or another one ("walks into the garden" goes off, "out of
        the bathroom" comes on)."""
        entry = verb.entry
        assert entry is not None
        if entry.stage is not None:
            return entry.stage
        if entry.verb not in _GETTING and not any(
            t.channel == "posture" and t.lexeme in ("walk", "run") for t in entry.behaviours
        ):
            return None
        first = verb.position + 1
        if first < len(tokens) and (tokens[first].low in _CARRIED or tokens[first].named):
            # "carries the plates into the kitchen", "leads her out": past what is carried.
            ahead = tokens[first : first + 4]
            first += next((i for i, t in enumerate(ahead) if t.low in _STAGE_WORDS), 0)
        after = [t.low for t in tokens[first : first + 5]]
        if after[:2] in (["out", "into"], ["out", "onto"]):
            # "steps out into the rain": where to goes by the place, as "into" does
            after = ["into", *after[2:]]
        for words, change in self._stage_particles:
            if words == ("off",) and entry.verb in _OFF_STAYS:
                continue
            if (
                len(after) >= len(words)
                and all(word in ("*", said) for word, said in zip(words, after, strict=False))
                and ends_a_particle(tokens, first + len(words))
                and not self._goes_on(tokens, first + len(words), words, entry.verb)
            ):
                return change
        into = 1 if after[:1] == ["into"] else 2 if after[:2] == ["out", "of"] else 0
        if not into:
            return None
        named = [w for w in after[into:] if w not in DETERMINERS][:2]
        if not named:
            return None
        if named[0] in _SIGHT:
            return "enters" if into == 1 else "exits"  # "walks into view", "out of sight"
        here = named[0] in _ROOMS or any(word in place for word in named)
        if not here and (not place or after[into] not in DETERMINERS):
            return None  # "runs out of time", or no heading to tell
        if not here and into == 1 and entry.verb in _BOARDING:
            return None  # "climbs into the ring", "gets into the car": in it, still in view
        return ("enters" if here else "exits") if into == 1 else ("exits" if here else "enters")

    @staticmethod
    def _goes_on(tokens: list[Tok], end: int, words: tuple[str, ...], verb: str) -> bool:
        """Whether a particle of going through or away is not the end of the movement: "walks
        past Ana" passes her and "walks away from the window" stays in the scene, where "walks
        past." passes through it and "walks away." leaves; a step away or backing away is
        a step, not going."""
        after = tokens[end] if end < len(tokens) else None
        if words[-1] in _PASSING:
            return after is not None and after.text[:1].isupper()
        if words[-1] == "away":
            return verb in _AWAY_STAYS or (
                after is not None and after.text[:1].isalpha() and after.low not in CONJUNCTIONS
            )
        return False

    def _done_to(
        self,
        tokens: list[Tok],
        verb: Verb,
        names: NameIndex,
        tracker: ReferenceTracker,
        cues: list[ActionCue],
    ) -> None:
        """What the character a verb of no known subject is done to does (its entry's
        `object_does`)."""
        assert verb.entry is not None
        before = [t.low for t in tokens[max(0, verb.position - 3) : verb.position]]
        if (
            not verb.entry.object_does
            or _NO_ONE.intersection(before)
            or "no one" in " ".join(before)
        ):
            return
        region = _object_region(tokens, verb)
        person = self._object_person(region, names, tracker, [])
        if person is None:
            return
        trigger = text_of(tokens[verb.position : verb.position + 1 + len(region)])
        for template in verb.entry.object_does:
            cues.append(ActionCue(person, template, None, trigger, tokens[verb.position].start))

    def _emit(
        self,
        tokens: list[Tok],
        verb: Verb,
        subject: list[str],
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        cues: list[ActionCue],
        said_from: int | None = None,
    ) -> None:
        """The verb's behaviours for its subject; `said_from` is where the words that say it
        begin, when before the verb ("her face falls")."""
        assert verb.entry is not None
        region = _object_region(tokens, verb)
        said = verb.position if said_from is None else said_from
        trigger = text_of(tokens[said : verb.position + 1 + len(region)])
        person = self._object_person(region, names, tracker, subject)
        degree = self._degree(tokens, said, region)
        if isinstance(subject, Everyone) and person is None:
            # "They glance over to see her": everyone else looks at her.
            person = self._object_person(region, names, tracker, [])
            if person is not None and person in subject and len(subject) > 1:
                subject = Everyone(name for name in subject if name != person)
            else:
                person = None
        # "Glances at it": where the thing named last, in this sentence or one before, is.
        it = None
        if any(t.low == "it" for t in region):
            before = tokens[: verb.position]
            if any(t.low in _TAKING for t in before):
                it = "down"  # "picks one up, squints at it": the thing in hand
            else:
                it = self._thing_place(before) or tracker.thing_place
        for template in verb.entry.behaviours:
            if degree != 1.0 and template.channel != "gaze":
                template = replace(
                    template, intensity=round(min(1.0, template.intensity * degree), 3)
                )
            if template.target == "$place" and each_other(region):
                # "They stare at each other", "gaze into each other's eyes".
                template = replace(template, target="$each_other")
            if (
                template.lexeme in _MUTUAL
                and template.target == "$object"
                and person is None
                and len(subject) == 2
                and (names_nothing(region) or [t.low for t in region][:1] == ["hands"])
            ):
                # "Paul and Kate hug.", "They shake hands.": each with the other.
                template = replace(template, target="$each_other")
            if template.target == "$each_other":
                group = subject if len(subject) > 1 else [*subject, *(p for p in [person] if p)]
                if len(group) < 2:
                    continue
                for i, name in enumerate(group):
                    other = group[(i + 1) % len(group)]
                    cues.append(ActionCue(name, template, other, trigger, tokens[said].start))
                continue
            for name in subject:
                spec, seen = template.target, person
                looked = region
                if spec == "$watched":
                    spec = "$place"
                    if (
                        seen is None
                        and not tracker.above
                        and names_nothing(region)
                        and not names_a_place(region)
                    ):
                        seen = tracker.last(exclude=[name])
                        seen = seen if seen in on_stage else None
                    # Not at what it comes up from: "lifts his head off the desk" is no look down.
                    looked = list(takewhile(lambda t: t.low not in COMING_FROM, region))
                target = self._target(spec, seen, looked, name, it)
                if template.channel == "gaze" and (target is None or target == name):
                    continue
                state = template.channel == "posture" and in_a_state(tokens, verb.position)
                cues.append(ActionCue(name, template, target, trigger, tokens[said].start, state))
        if verb.entry.behaviours and not any(
            t.channel in ("gaze", "posture") or t.target == "$object" for t in verb.entry.behaviours
        ):
            # Done at someone, done looking at them: "smiles at Ben", "nods to her". Moving
            # toward someone says where the body goes, not where the eyes are.
            seen = self._looked_at(region, names, tracker, subject)
            for name in subject:
                if seen is not None and seen != name:
                    cues.append(ActionCue(name, _LOOK, seen, trigger, tokens[said].start))
        if person is not None and person not in subject:
            for template in verb.entry.object_does:
                cues.append(ActionCue(person, template, None, trigger, tokens[said].start))

    @staticmethod
    def _looked_at(
        region: list[Tok], names: NameIndex, tracker: ReferenceTracker, subject: list[str]
    ) -> str | None:
        """The person a verb's clause says it is done at: after "at", "toward" or "towards",
        or "to" right after the verb ("nods to Ben"; "sits next to Ben" is no look)."""
        for index, token in enumerate(region[:-1]):
            if not (token.low in AT or (token.low == "to" and index == 0)):
                continue
            match = names.match_starting(region, index + 1)
            if match is None and index + 2 < len(region) and owns(region[index + 1]):
                match = names.match_starting(region, index + 2)  # "at her father": kin
            if match is not None:
                return None if region[match[1] - 1].possessive else match[0]
            following = region[index + 1].low
            if following == "her" and not object_her(region, index + 1):
                continue  # "sinks to her knees": hers, not her
            if following == "them":
                return tracker.last(exclude=subject)
            if following in ("him", "her"):
                return tracker.resolve(following, exclude=subject)
        return None

    def _degree(self, tokens: list[Tok], said: int, region: list[Tok]) -> float:
        """How much of the behaviour the words ask for: the lexicon's `degrees` word right
        before the words that say it or an adverb in its clause ("barely smiles", "nods
        vigorously"), or an adjective before a light verb's noun ("a small nod"). The smallest
        below 1 wins, else the largest."""
        lows = [t.low for t in region]
        found: list[float] = []
        if said > 0:
            found.extend(self._degree_at([tokens[said - 1].low], 0, adverb_only=True))
        prefix, hyphen, _ = tokens[said].text.lower().partition("-")
        if hyphen and prefix in COMPOUND_PREFIXES:
            found.extend(self._degree_at([prefix], 0, adverb_only=False))
        for index in range(len(lows)):
            found.extend(self._degree_at(lows, index, adverb_only=False))
        below = [factor for factor in found if factor < 1.0]
        if below:
            return min(below)
        return max(found, default=1.0)

    def _degree_at(self, lows: list[str], index: int, *, adverb_only: bool) -> list[float]:
        for length in (2, 1):
            words = " ".join(lows[index : index + length])
            if length > len(lows) - index or words not in self._degrees:
                continue
            if words.endswith("ly") or words in self._degree_adverbs:
                return [self._degrees[words]]
            following = lows[index + length : index + length + 3]
            if not adverb_only and any(w in self._light_nouns for w in following):
                return [self._degrees[words]]  # "a small nod", "a weak, tired smile"
            return []
        return []

    def _agent_acts(
        self,
        tokens: list[Tok],
        verb: Verb,
        subject: list[str],
        names: NameIndex,
        cues: list[ActionCue],
    ) -> None:
        """A passive's agent does the verb to its subject: "Ben is punched by Ana" is Ana's
        punch at Ben, as "Ana punches Ben" is."""
        region = tokens[verb.position + 1 : verb.object_end]
        agent = next(
            (
                match[0]
                for i, token in enumerate(region)
                if token.low == "by" and (match := names.match_starting(region, i + 1))
            ),
            None,
        )
        patient = next((name for name in subject if name != agent), None)
        if agent is None or patient is None:
            return
        # The use aimed at a named person ("punches Ben"), else the plain one ("slaps").
        actives = [e for e in self._by_form[tokens[verb.position].low] if not e.passive]
        active = next((e for e in actives if (PERSON,) in e.objects), None) or next(
            (e for e in actives if not e.objects), None
        )
        if active is None:
            return
        trigger = text_of(tokens[verb.position : verb.object_end])
        start = tokens[verb.position].start
        for template in active.behaviours:
            target = self._target(template.target, patient, region, agent)
            cues.append(ActionCue(agent, template, target, trigger, start))

    def _led(
        self,
        tokens: list[Tok],
        verb: Verb,
        names: NameIndex,
        tracker: ReferenceTracker,
        subject: list[str],
    ) -> str | None:
        """Whom the subject takes along where they come or go: the object of a verb of leading
        ("leads her out", "drags Ben out of the room", "walks Ana in"), or a companion ("walks
        out with Ana", "leaves with him")."""
        assert verb.entry is not None
        after = tokens[verb.position + 1 : verb.position + 6]
        led = None
        if verb.entry.verb in _LEADING:
            led = self._object_person(after[:2], names, tracker, subject)
        if led is not None:
            return led
        for index, token in enumerate(after):
            if token.low == "with":
                return self._object_person(after[index + 1 : index + 3], names, tracker, subject)
            if token.text in SENTENCE_BREAK or token.low in CONJUNCTIONS:
                break
        return None

    def _object_person(
        self,
        region: list[Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        subject: list[str],
    ) -> str | None:
        # A name wins over a pronoun before it: "throws his arms around Grace" (his own arms),
        # and a glossed pronoun doubling the name after it ("le ofrece un café a Ben": offers
        # them a coffee to Ben).
        for index in range(len(region)):
            match = names.match_starting(region, index)
            if (
                match is not None
                and match[0] not in subject
                and not gone_by(region, index, match[1])
            ):
                return match[0]
        for index, token in enumerate(region):
            following = region[index + 1].low if index + 1 < len(region) else ""
            if following in _TOUCHED | _EYES | self._worn.keys() and tracker.own(
                token.low, subject
            ):
                continue  # "looks at her hands": her own, no one else is a she
            if following in _TOUCHED and any(
                later.low in ("him", "her", "them") for later in region[index + 2 :]
            ):
                continue  # "throws her arms around him": her own arms, around him
            person: str | None = None
            if token.low == "them":
                person = tracker.last(exclude=subject)
            elif token.low == "hers" or (token.low == "his" and not following.isalpha()):
                # "slips his arm through hers", "her hand in his": the other one's
                person = tracker.resolve("her" if token.low == "hers" else "him", exclude=subject)
            elif (
                token.low == "him"
                or (token.low == "her" and token.glossed)
                or (
                    token.low in ("her", "his")
                    and (
                        (  # "shakes his hand", "touches her arm"; "turns her face to" is her own
                            following in _TOUCHED
                            and not (index + 2 < len(region) and region[index + 2].low in _AWAY_TO)
                        )
                        or (  # "meets her gaze"; "gestures with his eyes" are his own
                            following in _EYES and not (index and region[index - 1].low == "with")
                        )
                        or following in self._worn  # "watches her smile": the smile she wears
                        or (  # "kisses the top of her head"
                            following == "head" and index >= 2 and region[index - 2].low == "top"
                        )
                        or (token.low == "her" and following in SMALL_CLAUSE)  # "her go"
                        or (
                            token.low == "her"
                            and (
                                not following
                                or following.endswith("ly")
                                or following in ("close", "closer", "tight")  # "holds her close"
                                or following in PARTICLES  # "shoves her away", "helps her up"
                                or following in PREPOSITIONS
                                or following in ARTICLES  # "hands her the keys"
                            )
                        )
                    )
                )
            ):
                person = tracker.resolve(token.low, exclude=subject)
            else:
                continue
            return person
        return None

    @staticmethod
    def _target(
        spec: str | None,
        person: str | None,
        region: list[Tok],
        actor: str,
        it: str | None = None,
    ) -> str | None:
        """The target a template's `spec` means; `it` is where the thing "it" is."""
        if spec == "$object":
            return person if person != actor else None
        if spec == "$place":
            if person is not None and person != actor:
                return person
            words = {t.low for t in region}
            if words & CAMERA:
                return "camera"
            if words & _WAYS and not words & (DOWN - {"down"}):
                return "away"  # "glances down the corridor": along it, not at the floor
            if words & DOWN:
                return "down"
            if words & UP:
                return "up"
            if "it" in words and it is not None:
                return it
            return "away"
        return spec

    def _thing_place(self, tokens: Sequence[Tok]) -> str | None:
        """Where the last thing `tokens` name is ("the letter": down, "the moon": up, "the
        door": away), or None when they name none; people and body parts are no things."""
        place = None
        for index, token in enumerate(tokens):
            if token.low not in DETERMINERS or token.named:
                continue
            phrase = []
            for word in tokens[index + 1 : index + 4]:
                if not word.text[:1].isalpha() or word.named or word.low in _ENDS_A_THING:
                    break
                phrase.append(word.low)
            words = set(phrase)
            if not phrase or words & self._no_things:
                continue
            place = "down" if words & DOWN else "up" if words & UP else "away"
        return place

    def _learn_gender(
        self, tokens: list[Tok], mentions: list[tuple[int, str]], tracker: ReferenceTracker
    ) -> None:
        named = {name for _, name in mentions}
        if len(named) != 1:
            return
        # A pronoun before the name is someone else's ("She doesn't look up when KAI knocks."),
        # and so is the object of the name's own verb ("Dana studies him", "Kai hugs her") and
        # the owner of a part doing something of its own ("Ben watches her face fall").
        after = tokens[mentions[0][0] :]
        name = next(iter(named))

        def someone_elses(i: int) -> bool:
            # "Boone grabs her wrist" with Yuki about: her wrist, not his.
            gender = "m" if after[i].low == "his" else "f"
            return (
                i > 0
                and after[i - 1].low in self._verb_forms
                and i + 1 < len(after)
                and after[i + 1].low in _TOUCHED
                and tracker.anyone_else(gender, name)
            )

        words = {
            t.low
            for i, t in enumerate(after)
            if t.low != "him"
            and not (t.low == "her" and object_her(after, i))
            and not (
                t.low in ("his", "her")
                and i + 2 < len(after)
                and after[i + 1].low in self._parts
                and after[i + 2].low in self._verb_forms
            )
            and not (t.low in ("his", "her") and someone_elses(i))
        }
        if (male := bool(words & MALE)) == bool(words & FEMALE):
            return
        gender = "m" if male else "f"
        # Not against what the name tells while someone else may be meant: "Linda peers over
        # his shoulder" is Gary's ("Nora crosses his arms" with no man about: hers).
        if tracker.gender(name) in (None, gender) or not tracker.anyone_else(gender, name):
            tracker.learn(name, gender)

    def _learn_from_introductions(
        self,
        tokens: list[Tok],
        mentions: list[tuple[int, str]],
        names: NameIndex,
        tracker: ReferenceTracker,
    ) -> None:
        """Genders from introductions: "NOB, 42, male", "CHARYA, a nice Librarian lady",
        "CHALF, NAR, and YOR, each male" for all three, "her son LEO", and a title before a
        name cued without it ("MISS BENNET" of BENNET); kin: "her brother NICK", "GRACE, their
        mother," (`NameIndex.add_kin`); and roles: "The BRIDE, Nadia (30s),"
        (`NameIndex.add_role`)."""
        for index, name in mentions:
            said = title_gender(tokens[index - 1].low) if index > 0 else None
            if said is not None and not tokens[index - 1].glossed:
                tracker.guess(name, said)
        starts = {index for index, _ in mentions}
        cluster: list[str] = []
        for index, name in mentions:
            if index > 2 and tokens[index - 1].text == ",":
                # "The BRIDE, Nadia (30s),", "Their daughter, KAYLA (16),": set off after it.
                kin, at = tokens[index - 2], index - 3
                while (
                    at > 0
                    and index - at < 5
                    and tokens[at].text.isalpha()
                    and (
                        tokens[at].text.islower()
                        and tokens[at].low != "the"
                        and not owns(tokens[at])
                    )
                ):
                    at -= 1  # "Her little brother, EVAN (9),"
                owner = tokens[at]
                role = owner.low in ARTICLES  # "The BRIDE, Nadia", "the waitress, DOT (60s),"
                if role or (owns(owner) and kin.text.islower()):
                    if kin.low in MALE_NOUNS or kin.low in FEMALE_NOUNS:
                        tracker.learn(name, "m" if kin.low in MALE_NOUNS else "f")
                    if role:
                        names.add_role(kin.low, name)
                    else:
                        self._learn_kin(tokens, at, kin.low, name, names, tracker)
            if (
                index > 1
                and tokens[index - 1].low in ("named", "called")
                and not tokens[index - 2].glossed
            ):
                names.add_role(tokens[index - 2].low, name, named=True)  # "A DOG named BISCUIT"
            noun = tokens[index - 1] if index > 0 else None
            if noun is not None and noun.text.islower() and not noun.glossed:
                if noun.low in MALE_NOUNS or noun.low in FEMALE_NOUNS:
                    # "her son LEO": he is a son, and "her" is whom the lines before mean.
                    tracker.learn(name, "m" if noun.low in MALE_NOUNS else "f")
                    if index > 1 and tokens[index - 2].low in ("his", "her"):
                        tracker.resolve(tokens[index - 2].low, exclude=[name])
                if index > 1 and owns(tokens[index - 2]):
                    self._learn_kin(tokens, index - 2, noun.low, name, names, tracker)
            match = names.match_starting(tokens, index)
            end = match[1] if match is not None else index + 1
            cluster.append(name)
            separator = end
            while separator < len(tokens) and tokens[separator].low in (",", "and", "&"):
                separator += 1
            if separator in starts:
                continue  # the list of names goes on
            if end < len(tokens) and tokens[end].text == ",":
                self._learn_description(tokens, end + 1, starts, cluster, names, tracker)
            cluster = []

    @staticmethod
    def _learn_kin(
        tokens: list[Tok],
        owner_at: int,
        noun: str,
        name: str,
        names: NameIndex,
        tracker: ReferenceTracker,
    ) -> None:
        """`name` is the `noun` of whose the token at `owner_at` says ("her son, OSCAR"):
        "her son" names them (`NameIndex.add_kin`), and the owner is their kin the other way
        round where the owner's gender tells which ("his mother" is she)."""
        names.add_kin(noun, name)
        owner_token = tokens[owner_at]
        if owner_token.possessive:
            match = names.match_ending(tokens, owner_at)
            owner = match[0] if match is not None else None
        elif owner_token.low in ("his", "her"):
            owner = tracker.resolve(owner_token.low, exclude=[name], learn=False)
        else:
            owner = None
        forms = _RECIPROCAL_KIN.get(noun)
        gender = tracker.gender(owner) if owner is not None else None
        if owner is not None and owner != name and forms is not None and gender in ("m", "f"):
            names.add_kin(forms[0] if gender == "m" else forms[1], owner)

    def _learn_description(
        self,
        tokens: list[Tok],
        begin: int,
        starts: set[int],
        cluster: list[str],
        names: NameIndex,
        tracker: ReferenceTracker,
    ) -> None:
        for position in range(begin, min(len(tokens), begin + _INTRODUCTION_REACH)):
            low = tokens[position].low
            if position in starts or low in self._by_form:
                return
            if owns(tokens[position]) and any(
                position + ahead in starts
                and all(t.text.islower() for t in tokens[position + 1 : position + ahead])
                for ahead in range(2, 5)
            ):
                return  # "MEGAN (30), her husband DAVE": his introduction, not hers
            if len(cluster) == 1 and position > begin and owns(tokens[position - 1]):
                names.add_kin(low, cluster[0])  # "GRACE (60s), their mother,"
            if len(cluster) == 1 and position == begin + 1 and tokens[begin].low == "the":
                names.add_role(low, cluster[0])  # "NADIA (30s), the bride,"
            if (
                len(cluster) == 1
                and position > begin
                and tokens[begin].low in ("a", "an")
                and self._ends_a_noun_phrase(tokens, begin + 1, position)
            ):
                names.add_role(low, cluster[0])  # "UNIT-7, a spindly service robot,"
            if low in MALE_NOUNS or low in FEMALE_NOUNS:
                for name in cluster:
                    tracker.learn(name, "m" if low in MALE_NOUNS else "f")
                return

    def _ends_a_noun_phrase(self, tokens: list[Tok], first: int, position: int) -> bool:
        """Whether the word at `position` ends the words from `first` on as their noun: all of
        them lower-case words of no verb or preposition, and no such word after it ("a spindly
        service robot," is a robot; "a man in a suit" a man)."""
        words = tokens[first : position + 1]
        after = tokens[position + 1] if position + 1 < len(tokens) else None
        return (
            all(t.text.isalpha() and t.text.islower() and t.low not in PREPOSITIONS for t in words)
            and not any(t.low in self._by_form for t in words)
            and (after is None or not after.text.isalpha() or after.low in PREPOSITIONS | {"in"})
        )

    def _emotion_faces(
        self,
        tokens: list[Tok],
        mentions: list[tuple[int, str]],
        subjects: list[tuple[int, list[str]]],
        carried: list[str],
        tracker: ReferenceTracker,
        cues: list[ActionCue],
    ) -> None:
        """The face of each emotion the sentence describes, on the character it describes."""
        faces = {(c.character, c.template.au) for c in cues if c.template.channel == "face"}
        for feeling in self._feelings(tokens, mentions, subjects, carried, tracker):
            for au, weight in sorted(self._emfacs.get(feeling.label, {}).items()):
                value = round(weight * feeling.intensity, 3)
                if value < _EMOTION_FACE_MIN or (feeling.character, au) in faces:
                    continue
                faces.add((feeling.character, au))
                template = BehaviourTemplate(channel="face", au=au, intensity=value)
                cues.append(
                    ActionCue(feeling.character, template, None, feeling.trigger, feeling.start)
                )

    def _feelings(
        self,
        tokens: list[Tok],
        mentions: list[tuple[int, str]],
        subjects: list[tuple[int, list[str]]],
        carried: list[str],
        tracker: ReferenceTracker,
    ) -> list[FeelingCue]:
        """Each emotion the sentence describes, the first for each character it describes."""
        # A glossed line's words the glossary does not know are matched as written ("furioso").
        lows = [t.low.removeprefix(_UNKNOWN) for t in tokens]
        described: dict[str, None] = {}
        feelings: list[FeelingCue] = []
        for index in range(len(tokens)):
            found = next(
                (
                    e
                    for e in self._emotions.get(lows[index], ())
                    if tuple(lows[index : index + len(e.words)]) == e.words
                ),
                None,
            )
            if found is None or self._feeling_denied(tokens, lows, index, len(found.words)):
                continue
            trigger = text_of(tokens[index : index + len(found.words)])
            who = self._described(index, lows, mentions, subjects, carried, tracker)
            for name in who:
                if name in described:
                    continue
                described[name] = None
                feelings.append(
                    FeelingCue(
                        name,
                        found.label,
                        found.intensity,
                        trigger,
                        tokens[index].start,
                        everyone=isinstance(who, Everyone),
                    )
                )
        return feelings

    @staticmethod
    def _feeling_denied(tokens: list[Tok], lows: list[str], index: int, length: int) -> bool:
        """Whether the words of feeling at `index` are negated: a negation up to three words
        before them ("is not furious", French "n'est pas furieuse", German "nicht wütend"), or
        a Japanese negative ending after a word the glossary left as written (笑わない)."""
        window = range(max(0, index - 3), index)
        if any(lows[j] in NEGATIONS or tokens[j].negates for j in window):
            return True
        return tokens[index].low.startswith(_UNKNOWN) and negative_ending_after(
            tokens, index, length
        )

    @staticmethod
    def _described(
        index: int,
        lows: list[str],
        mentions: list[tuple[int, str]],
        subjects: list[tuple[int, list[str]]],
        carried: list[str],
        tracker: ReferenceTracker,
    ) -> list[str]:
        """Who an emotion word at `index` describes: the subject of the verb before it ("Mary
        sits, furious"), else of the verb after it ("Furious, MARY storms out"), else the
        person the sentence names or calls he or she ("She is nervous")."""
        before = [subject for position, subject in subjects if position < index]
        if before:
            return before[-1]
        if subjects:
            return subjects[0][1]
        for position in range(index):
            if lows[position] in ("he", "she"):
                name = tracker.resolve(lows[position])
                return [name] if name else []
        if mentions:
            return [mentions[0][1]]
        return carried
