"""Reads action lines ("Ana crosses her arms. He sits down heavily.") into who does what.

Finds the verbs of the action lexicon (every form: crosses, crossed, crossing), works out each
verb's subject -- a character name (first or full name, any case), a group ("they": the last
list of names while it is still the group in view, else, like "the men", everyone on stage, but
whoever the sentence names doing something alone; "both", "the three of them": the last list of
that many names), a pronoun resolved to the character last mentioned of that gender -- and the
character or place it is aimed at. A verb whose subject is not a known
character produces nothing: it never guesses. Asides in brackets ("Charya (the Librarian) walks
over") are skipped. Asked to, it also gives the face of an emotion the line describes ("MARY,
furious, sits") to the character it describes. It returns templates with characters; building
Behaviours is `rules.py`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from motiondirector.plan.scene import StageChangeKind
from motiondirector.plan.vocabulary import LEAN_POSTURES, load_emfacs
from motiondirector.planners.action_gloss import (
    DROPPED_SUBJECT,
    ActionGloss,
    Glossed,
    action_glosses,
    gloss_for,
)
from motiondirector.planners.cues import (
    PERSON,
    ActionEntry,
    BehaviourTemplate,
    CueLexicon,
    general_entries,
    load_cue_lexicon,
)
from motiondirector.scene.name_genders import name_gender
from motiondirector.scene.names import TITLES, person_nouns, short_forms
from motiondirector.speech.scripts import join_words

_TOKEN = re.compile(r"[^\W_][\w'\u2019\-]*|--|[,;:.!?\u2014]")
_NAME_SPLIT = re.compile(r"[^\w']+")
_SENTENCE_BREAK = frozenset({".", "!", "?", ";", ":", "--", "\u2014"})
# Titles written short with a stop that ends no sentence: "Ms. Patel", "Dr. Reyes".
_ABBREVIATED_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "det", "capt", "sgt", "lt", "col", "gen", "rev", "cpl", "pvt"}
)
_ARTICLES = frozenset({"a", "an", "the"})
_DETERMINERS = _ARTICLES | frozenset({"his", "her", "their", "my", "your", "its", "our", "this"})
# After a verb these open its object: "stop all motion", "ignores any looks".
_QUANTIFIERS = frozenset({"all", "any", "no", "every", "each", "some", "more", "much"})
_CONJUNCTIONS = frozenset({",", "and", "then", "but", "or", "while", "as", "before", "after", "&"})
_PREPOSITIONS = frozenset(
    {"at", "to", "with", "toward", "towards", "into", "from", "for", "on", "behind", "beside",
     "near", "past", "by", "of", "over", "onto", "around", "about"}
)  # fmt: skip
# Before an -s form, these in lower case make it a plural noun ("pours two drinks", "raises
# both hands"): a plural subject takes the bare verb ("the two walk off").
_PLURAL_COUNTS = frozenset(
    {"two", "three", "four", "five", "six", "some", "more", "few", "several", "many", "both"}
)
_CLAUSE_BREAKS = frozenset({",", "and", "then", "but", "while", "as"})
_NEAR = 4  # an object looked for further than this after its verb must be in the verb's clause
# Groups of a known size: "both", "the two", "the three of them", "the pair".
_GROUP_SIZES = {"both": 2, "two": 2, "pair": 2, "couple": 2, "three": 3, "trio": 3, "four": 4}
NEGATIONS = frozenset(
    {"not", "never", "without", "doesn't", "don't", "didn't", "won't", "can't", "cannot",
     "isn't", "aren't", "wasn't", "weren't", "couldn't", "wouldn't", "nor"}
)  # fmt: skip
"""Words that say the behaviour after them does not happen ("without turning", "never sits")."""
CEASING = frozenset(
    {"stop", "stops", "stopped", "stopping", "quit", "quits", "quitting", "cease", "ceases",
     "ceased", "ceasing"}
)  # fmt: skip
"""Verbs that end what their gerund says: "stops smiling" is no smile."""
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
# A Japanese verb's negative ending after its stem: 笑わない, 笑わなかった, 笑いません.
_NEGATIVE_ENDING = re.compile(r"[\u3040-\u309f]?(ない|なかった|ません|ず)")
# The parts a face is worn on: "a smile on her lips", "a frown crosses his face".
_WORN_ON = frozenset({"face", "lips", "mouth", "features"})
# Where tears run: "Tears roll down her cheeks" are hers.
_TEARS_ON = _WORN_ON | {"cheeks", "cheek", "nose", "chin", "eyes"}
# Postures that move the body along: ceasing one of them is coming to a halt.
_MOVEMENTS = frozenset({"walk", "run", "jump", "kick", "dance", "turn"})
_PASSIVE_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "gets", "get", "got", "gotten",
     "getting"}
)  # fmt: skip
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_GENDER = {"he": "m", "she": "f"}
# Things held or set low: looking at them is looking down ("stares into her tea").
_DOWN = frozenset(
    {"floor", "ground", "feet", "down", "table", "desk", "lap", "hands", "shoes", "cup", "mug",
     "glass", "drink", "tea", "coffee", "plate", "food", "phone", "book", "letter", "notes",
     "papers", "page", "watch", "envelope", "laptop", "keyboard", "paper", "note", "notebook",
     "photo", "photograph", "card", "map", "menu", "file", "folder", "document", "documents",
     "report", "ticket", "keys", "ring", "box", "wallet", "purse", "bag", "newspaper",
     "magazine", "tablet", "bottle", "wine", "beer", "pen", "clipboard", "knees", "fingers",
     "hand", "receipt", "bill", "contract", "bowl", "soup", "dinner", "breakfast", "lunch",
     "meal", "pile", "puddle", "crumbs", "sugar", "coins", "chips", "cards", "mess"}
)  # fmt: skip
# Ways one looks along, "down the corridor" ("up the street" too).
_WAYS = frozenset(
    {"corridor", "hall", "hallway", "street", "road", "alley", "path", "aisle", "lane", "block",
     "tracks", "platform", "passage", "driveway", "beach", "river", "trail", "highway"}
)  # fmt: skip
_UP = frozenset(
    {"ceiling", "sky", "up", "upward", "upwards", "heavens", "heaven", "stars", "roof", "moon",
     "sun", "clouds"}
)  # fmt: skip
# Not "screen": in an action line it is a monitor or a phone far more often than the lens.
_CAMERA = frozenset({"us", "camera", "lens", "audience", "viewer", "viewers"})
# Things a look goes to: down, up or the camera.
_PLACES = (_DOWN | _UP | _CAMERA) - {"up", "down"}
# What turns with the body: "turns her head", "spins her chair to face him" (the seat one is in).
# Subjects that take a verb's base form ("They nod.").
_PLURAL_SUBJECTS = frozenset({"they", "we", "you", "i", "both", "all", "everyone"})
# A side said of a part between its owner and it ("her left hand", "his right eye").
_SIDES = frozenset({"left", "right"})
_BODY_TURNS = frozenset(
    {"head", "back", "face", "body", "around", "away", "eyes", "gaze", "chair", "seat", "stool"}
)
_ASIDE = re.compile(r"\([^()]*\)")
_STOPS = frozenset({".", "!", "?"})
# Words that say what someone is when they are introduced ("CHARYA, a nice Librarian lady").
_MALE_NOUNS = frozenset(
    {"man", "male", "boy", "guy", "gentleman", "father", "dad", "husband", "son", "brother",
     "uncle", "king", "prince", "stallion", "lad", "grandfather", "grandpa", "sir", "grandson",
     "nephew", "stepson", "stepfather", "boyfriend", "fiance", "widower", "groom", "waiter"}
)  # fmt: skip
_FEMALE_NOUNS = frozenset(
    {"woman", "female", "girl", "lady", "mother", "mom", "mum", "wife", "daughter", "sister",
     "aunt", "queen", "princess", "mare", "lass", "gal", "grandmother", "grandma",
     "granddaughter", "niece", "stepdaughter", "stepmother", "girlfriend", "fiancee", "fiancée",
     "widow", "bride", "waitress", "actress"}
)  # fmt: skip
# What someone is to someone else, learnt from an introduction ("Her brother NICK", "GRACE,
# their mother,"): "her brother" and "his mother" name them after that (`NameIndex.add_kin`).
_KIN = frozenset(
    {"father", "dad", "husband", "son", "brother", "uncle", "grandfather", "grandpa",
     "grandson", "nephew", "stepson", "stepfather", "boyfriend", "fiance", "mother", "mom",
     "mum", "wife", "daughter", "sister", "aunt", "grandmother", "grandma", "granddaughter",
     "niece", "stepdaughter", "stepmother", "girlfriend", "fiancee", "fiancée", "cousin",
     "partner", "boss", "assistant", "friend"}
)  # fmt: skip
_OWNERS = frozenset({"his", "her", "their", "my", "your", "our"})
# After "her", these make her the object: "shoves her away", "helps her up", "walks her out".
_PARTICLES = frozenset({"away", "aside", "off", "down", "up", "out", "over", "forward", "along"})
# English words a glossary may say besides the lexicon's verbs, objects and group subjects.
_GLOSS_WORDS = (
    _DETERMINERS
    | _CONJUNCTIONS
    | _PREPOSITIONS
    | NEGATIONS
    | _SKIPPABLE
    | _MALE
    | _FEMALE
    | _DOWN
    | _UP
    | _CAMERA
    | _BODY_TURNS
    | _MALE_NOUNS
    | _FEMALE_NOUNS
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
# Bare verbs after "her" that make her the doer of a clause of her own ("watches her go"): she
# is the object, not the owner of a thing.
_SMALL_CLAUSE = frozenset(
    {"go", "leave", "come", "walk", "run", "pace", "dance", "cry", "weep", "sleep", "fall",
     "disappear", "vanish", "sit", "stand", "turn", "climb", "drive", "move", "struggle", "work",
     "eat", "breathe", "hesitate", "tremble", "shake", "shiver", "laugh", "think"}
)  # fmt: skip
# After a body part, where it is moved: one's own ("turns her face to the wall").
_AWAY_TO = frozenset({"to", "toward", "towards", "away", "aside", "from"})
# Whom a look or a move goes by, not to: "looks past Ben", "glances over Ana's shoulder".
_PAST = frozenset({"past", "beyond"})
_LOOKED_OVER = frozenset({"shoulder", "shoulders", "head"})
_INTRODUCTION_REACH = 14  # tokens after "NAME," read as the description of NAME
_EMOTION_FACE_MIN = 0.05


class _Group(list[str]):
    """A subject a group word names ("both", "the three of them"). Its members are not
    mentioned one by one: after "The three of them look up. He ...", "he" is whoever was
    named last on his own."""


class _Everyone(_Group):
    """A group subject said without a count ("they", "the men"): the last list of names
    "they" still means (`ReferenceTracker.they`), else everyone on stage. Whoever the same
    sentence names doing something on their own, or the group acts on, is left out, unless
    what they did was to one of the group ("Jess grabs his hand and they bolt")."""


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    low: str  # lower case, possessive 's removed
    possessive: bool
    upper: bool
    written: str  # the words of the line it stands for (a glossed line's own words, see `_said`)
    glossed: bool = False  # English a glossary gave (its "her" is never a possessive)
    start: int | None = None  # where it stands in the line's text; None for a glossary's
    negates: bool = False  # a word of the line's language that negates ("nicht" by an adjective)
    named: bool = False  # part of a character's name ("LILY" is no adverb)

    @property
    def adverb(self) -> bool:
        """A word in -ly that is not a name: "slowly", not "LILY"."""
        return self.low.endswith("ly") and not self.named


def _raw_tokens(text: str) -> list[str]:
    return [raw for raw, _ in _placed_tokens(text)]


def _placed_tokens(text: str) -> list[tuple[str, int]]:
    """The tokens of `text` with where each starts (asides in brackets left out)."""
    blanked = _ASIDE.sub(lambda m: " " * len(m.group(0)), text).replace("\u2019", "'")
    return [(m.group(0), m.start()) for m in _TOKEN.finditer(blanked)]


def _tokens(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for raw, start in _placed_tokens(text):
        low = raw.lower()
        possessive = low.endswith("'s") or (low.endswith("s'") and len(low) > 2)
        if possessive:
            low = low[:-2] if low.endswith("'s") else low[:-1]
        prefix, _, rest = low.partition("-")
        if rest and prefix in _COMPOUND_PREFIXES:
            low = rest  # "slow-dance", "tap-dances": the verb after its manner
        tokens.append(_Tok(raw, low, possessive, _in_capitals(raw), raw, start=start))
    return tokens


# Words before a hyphen that say how a verb is done ("slow-dance"), not another word; a degree
# word among them scales it ("half-smiles", `ActionParser._degree`).
_COMPOUND_PREFIXES = frozenset(
    {"half", "slow", "tap", "break", "belly", "line", "speed", "double", "mock", "fake",
     "power", "sweet", "fast", "swing", "salsa", "ballroom", "cheek"}
)  # fmt: skip


def _in_capitals(raw: str) -> bool:
    return sum(c.isalpha() for c in raw) >= 2 and raw.upper() == raw


_OBJECT_FORMS = {"he": "him", "she": "her"}
# A word the glossary does not know: kept for what it says, never equal to an English word.
_UNKNOWN = "\u2205"


def _glossed_tokens(
    text: str, gloss: ActionGloss, names: NameIndex, verbs: frozenset[str]
) -> list[_Tok]:
    """The English tokens of an action line in `gloss`'s language (see `action_gloss`)."""
    if gloss.spaced:
        raw = gloss.words(_raw_tokens(text))
    else:  # Chinese, Japanese: no spaces; full-width commas and brackets read as ASCII ones
        # and a bracket describes whom it follows ("アヤ（若い女性）": Aya, a young woman,).
        spaced_out = _ASIDE.sub(
            lambda m: f",{m.group(0)[1:-1]},", unicodedata.normalize("NFKC", text)
        )
        raw = gloss.segment(spaced_out, names.has_word)
    raw = gloss.in_english_order(raw, names.has_word)
    tokens: list[_Tok] = []
    for word in gloss.translate(raw, names.has_word, verbs):
        if (
            word.english in _OBJECT_FORMS
            and tokens
            and (tokens[-1].low in _PREPOSITIONS or (not gloss.spaced and tokens[-1].low in verbs))
        ):
            # One pronoun for subject and object ("verso di lui", "para ele"; Chinese 她 after
            # its verb, "递给她"): here an object.
            word = Glossed(_OBJECT_FORMS[word.english], word.written)
        if word.english is None:
            low = _UNKNOWN + word.written.lower()
            negates = word.written.lower() in gloss.negation_after
            tokens.append(
                _Tok(
                    word.written,
                    low,
                    False,
                    _in_capitals(word.written),
                    word.written,
                    negates=negates,
                )
            )
        else:
            # A capital that starts a sentence is kept ("Il" -> "He"); German nouns' are not.
            # Writing without case (二人 -> "Both") starts one with a capital too.
            english = word.english
            opens = not tokens or tokens[-1].text in _STOPS
            first = word.written[:1]
            if english != word.written and opens and (first.isupper() or _caseless(first)):
                english = english.capitalize()
            low = english.lower()
            glossed = english.lower() != word.written.lower()
            tokens.append(_Tok(english, low, False, _in_capitals(english), word.written, glossed))
    return tokens


def _caseless(char: str) -> bool:
    """Whether `char` is a letter of writing without capitals (Chinese, kana)."""
    return char.isalpha() and not char.isupper() and not char.islower()


def _said(tokens: Sequence[_Tok]) -> str:
    """What `tokens` say in the line's own words (Chinese without spaces)."""
    return join_words([token.written for token in tokens if token.written])


_PLACE_PREPOSITIONS = frozenset({"in", "on", "at", "around", "behind", "across", "beside"})


def _opens_with_place(words: Sequence[_Tok]) -> bool:
    """Whether `words` are a short place phrase opening a sentence ("Around the table")."""
    return 2 <= len(words) <= 5 and words[0].low in _PLACE_PREPOSITIONS


def _sentences(tokens: list[_Tok]) -> list[list[_Tok]]:
    sentences: list[list[_Tok]] = [[]]
    for index, token in enumerate(tokens):
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if token.text in _STOPS and following[:1].islower():
            continue  # a quoted cry inside a sentence: 'who answer "YORF!" when you ask'
        if (
            token.text == "."
            and index
            and tokens[index - 1].low in _ABBREVIATED_TITLES
            and following[:1].isupper()
            and sentences[-1]
        ):
            # "gives Ms. Patel a nod": a title's stop ends no sentence; it is kept in the words
            # a reason quotes.
            title = sentences[-1][-1]
            sentences[-1][-1] = replace(title, written=title.written + ".")
            continue
        if token.text == ":" and _opens_with_place(sentences[-1]):
            # "Around the table: GREG, HANNAH and OWEN." says where they are, as a comma would.
            sentences[-1].append(replace(token, text=",", low=","))
        elif token.text in _SENTENCE_BREAK:
            sentences.append([])
        else:
            sentences[-1].append(token)
    return [s for s in sentences if s]


class NameIndex:
    """Character names of a scene, matched case-insensitively by full name or any single part
    of a one-word cue ("Brick" and "Brick Braddock" both name BRICK). A name of several words
    is also found by its short form written with a capital ("Bob" for CYBER BOB, see
    `scene.names.short_forms`); `aliases` adds other spellings of a name.

    A name after an article is a thing ("a brick" is not BRICK), except a name written in
    capitals ("the MINION") and, after "the", one of `roles`: a character known by what they
    are ("the doctor" is DOCTOR; see `role_names`)."""

    def __init__(
        self,
        characters: Sequence[str],
        aliases: Mapping[str, str] | None = None,
        roles: Collection[str] = (),
    ) -> None:
        self._roles = {tuple(w for w in _NAME_SPLIT.split(r.lower()) if w) for r in roles}
        self._names: list[tuple[tuple[str, ...], str]] = []
        for name in characters:
            words = tuple(w for w in _NAME_SPLIT.split(name.lower()) if w)
            if words:
                self._names.append((words, name))
        known = {words for words, _ in self._names}
        for alias, name in (aliases or {}).items():
            words = tuple(w for w in _NAME_SPLIT.split(alias.lower()) if w)
            if words and words not in known:
                self._names.append((words, name))
                known.add(words)
        # Written with a capital only: "a steel door" is not DICK STEEL.
        self._capital_only: set[tuple[str, ...]] = set()
        for word, name in short_forms(characters).items():
            if (word,) not in known:
                self._names.append(((word,), name))
                self._capital_only.add((word,))
        # Kin learnt while reading (`add_kin`): a name only after a possessive.
        self._kin: dict[tuple[str, ...], str | None] = {}
        # What someone is, learnt while reading (`add_role`) or from the title their name
        # opens with ("MAYOR BRENNAN" is "the mayor"): a name only after "the".
        self._what: dict[tuple[str, ...], str | None] = {}
        for name in characters:
            words = tuple(w for w in _NAME_SPLIT.split(name.lower()) if w)
            role = _TITLE_ROLES.get(words[0]) if len(words) > 1 else None
            if role is not None:
                key = (role,)
                self._what[key] = name if self._what.get(key, name) == name else None
        self._index()

    def _index(self) -> None:
        self._names.sort(key=lambda item: -len(item[0]))  # longest name first
        # Names by their exact words, per length, and the words names begin and end with: so
        # matching at a token costs a few lookups, however many names share a word.
        self._exact: dict[tuple[str, ...], list[str]] = {}
        for words, name in self._names:
            self._exact.setdefault(words, []).append(name)
        # Kin words that are no character's name: a name only after a possessive (`_match`).
        self._kin_only: set[tuple[str, ...]] = set()
        for words, kin in self._kin.items():
            if kin is not None and words not in self._exact:
                self._exact[words] = [kin]
                self._kin_only.add(words)
        self._what_only: set[tuple[str, ...]] = set()
        for words, what in self._what.items():
            if what is not None and words not in self._exact:
                self._exact[words] = [what]
                self._what_only.add(words)
        self._lengths = sorted({len(words) for words in self._exact}, reverse=True)
        self._firsts = {words[0] for words in self._exact}
        self._lasts = {words[-1] for words in self._exact}
        self._words = {word for words in self._exact for word in words}

    def add_kin(self, noun: str, name: str) -> None:
        """`name` is someone's `noun` ("Her brother NICK"): "her brother", "Sophie's brother"
        name them from now on; a noun said of two characters names neither."""
        if noun in _KIN:
            self._learn(self._kin, noun, name)

    def add_role(self, noun: str, name: str) -> None:
        """`name` is the `noun` the script introduced them as ("NADIA (30s), the bride,"): "the
        bride" names her from now on; a noun said of two characters names neither."""
        if noun in person_nouns() and noun not in _KIN:
            self._learn(self._what, noun, name)

    def _learn(self, said: dict[tuple[str, ...], str | None], noun: str, name: str) -> None:
        key = (noun,)
        if key in said and said[key] != name:
            said[key] = None
        elif key not in said:
            said[key] = name
        else:
            return
        self._index()

    def has_word(self, low: str) -> bool:
        """Whether `low` (lower case) is a word of some character's name."""
        return low in self._words

    def match_ending(self, tokens: Sequence[_Tok], end: int) -> tuple[str, int] | None:
        """The character whose name ends at token `end`, and where the name starts."""
        if tokens[end].low not in self._lasts:
            return None
        for length in self._lengths:
            start = end - length + 1
            if start < 0:
                continue
            found = self._match(tokens, start, length)
            if found is not None:
                return found, start
        return None

    def match_starting(self, tokens: Sequence[_Tok], start: int) -> tuple[str, int] | None:
        """The character whose name starts at token `start`, and the index after it."""
        if tokens[start].low not in self._firsts:
            return None
        for length in self._lengths:
            if start + length > len(tokens):
                continue
            found = self._match(tokens, start, length)
            if found is not None:
                return found, start + length
        return None

    def _match(self, tokens: Sequence[_Tok], start: int, length: int) -> str | None:
        words = tuple(token.low for token in tokens[start : start + length])
        names = self._exact.get(words)
        if words in self._kin_only:
            # "her brother", "Sophie's mother": kin is someone's only.
            owned = start > 0 and _owns(tokens[start - 1])
            return names[0] if names and owned else None
        if words in self._what_only:
            # "the bride": what someone was introduced as, with its article.
            return names[0] if names and start > 0 and tokens[start - 1].low == "the" else None
        if (
            names
            and (self._not_noun(tokens, start) or self._role(tokens, start, words))
            and self._capital_ok(tokens, start, words)
        ):
            return names[0]
        return None

    def _role(self, tokens: Sequence[_Tok], start: int, words: tuple[str, ...]) -> bool:
        return words in self._roles and tokens[start - 1].low == "the"

    def find(self, text: str) -> str | None:
        """The character a short phrase names ("Ben", "ben", "BEN BARKER"), else None."""
        tokens = _tokens(text)
        for start in range(len(tokens)):
            found = self.match_starting(tokens, start)
            if found is not None:
                return found[0]
        return None

    def _capital_ok(self, tokens: Sequence[_Tok], start: int, words: tuple[str, ...]) -> bool:
        return words not in self._capital_only or tokens[start].text[:1].isupper()

    @staticmethod
    def _not_noun(tokens: Sequence[_Tok], start: int) -> bool:
        # "a brick" is not BRICK; an introduced "the MINION" in capitals is.
        return start == 0 or tokens[start - 1].low not in _ARTICLES or tokens[start].upper


def role_names(characters: Sequence[str], texts: Iterable[str]) -> frozenset[str]:
    """The characters of `characters` known by what they are, not by a name: every one whose
    first word `texts` (the action lines) never write with a capital inside a sentence, other
    than after "the" ("Brick grins" makes BRICK a name; "The doctor sits" or "the Doctor" keep
    DOCTOR a role; so does a title before a name: "Doctor Hill"). "The doctor" then names
    DOCTOR (`NameIndex`)."""
    firsts = {name: words[0] for name in characters if (words := _NAME_SPLIT.split(name.lower()))}
    proper: set[str] = set()
    for text in texts:
        for sentence in _sentences(_tokens(text)):
            for at, (before, token) in enumerate(pairwise(sentence), start=1):
                after = sentence[at + 1].text if at + 1 < len(sentence) else ""
                if token.low in TITLES and after[:1].isupper():
                    continue  # "Doctor Hill": a title, DOCTOR may still be "the doctor"
                if token.text[:1].isupper() and not token.upper and before.low != "the":
                    proper.add(token.low)
    return frozenset(name for name, first in firsts.items() if first and first not in proper)


class ReferenceTracker:
    """Who was mentioned last, and which pronouns each character has been called by.

    `keep` bounds how many recent names it remembers (all by default; a reader of a script
    with many unknown names gives a bound, so each mention costs the same)."""

    def __init__(self, keep: int | None = None) -> None:
        self._recent: dict[str, None] = {}  # in order of last mention
        self._gender: dict[str, str] = {}  # learnt from what the script says
        self._guess: dict[str, str | None] = {}  # from the name (`name_gender`) until it says
        self._keep = keep
        self._lists: dict[int, tuple[str, ...]] = {}  # the last list of names of each size
        self._listed: tuple[str, ...] = ()  # the last list of names of any size
        self._named_since: dict[str, int] = {}  # named on their own since it: in which sentence
        self._sentence = 0
        self._stage: tuple[str, ...] = ()  # who is on stage in the line being read
        # Where the last thing an earlier sentence named is: where a look at "it" goes.
        self.thing_place: str | None = None
        self._called: dict[str, tuple[str, ...]] = {}  # "kids": the names a list called so
        # Who the last sentence with a named doer had do something: "the others" are not them.
        self.last_doers: tuple[str, ...] = ()
        # Who of unknown gender alone did what the last sentence with a doer told, and that
        # sentence's number; no one once a line is spoken (after "Reyes leans in. REYES: Look
        # at me, Danny.", "He doesn't." is Danny).
        self._acted: tuple[str | None, int] = (None, -1)
        self._mentioned_in: dict[str, int] = {}  # the sentence each was last named in
        # Whom a blow of this sentence or the one before struck: who "he crumples" means.
        self.struck: str | None = None
        self._struck_in_sentence = False

    def call(self, noun: str, names: Sequence[str]) -> None:
        """A plural noun the script gave a list of names ("Their kids, ZOE and SAM, sit"): whom
        "the kids" means from then on."""
        self._called[noun] = tuple(names)

    def called(self, noun: str) -> tuple[str, ...]:
        """The names a plural noun was given (`call`), if any."""
        return self._called.get(noun, ())

    def on_stage(self, names: Sequence[str]) -> None:
        """Who is on stage in the line being read: whom a pronoun may mean before anyone of its
        gender has been mentioned (`resolve`)."""
        self._stage = tuple(names)

    def new_sentence(self) -> None:
        """The reader goes on to a new sentence (`they` looks at the sentences before it)."""
        self._sentence += 1

    def ends_sentence(self, subjects: Sequence[str]) -> None:
        """A sentence is read: its subjects come after whom it names otherwise, so a pronoun
        in the sentences after means its subject before its object ("He gives Nar and Yor a
        glare. They shrug. Charya points at him." -- at him, not at Yor)."""
        if subjects:
            self.last_doers = tuple(subjects)
            alone = subjects[0] if len(subjects) == 1 and self.gender(subjects[0]) is None else None
            self._acted = (alone, self._sentence)
        if not self._struck_in_sentence:
            self.struck = None
        self._struck_in_sentence = False
        for name in subjects:
            if name in self._recent:
                self._recent[name] = self._recent.pop(name)

    def strikes(self, name: str) -> None:
        """A blow of the sentence being read lands on `name` ("kicks him in the knee")."""
        self.struck, self._struck_in_sentence = name, True

    def mention_list(self, names: Sequence[str]) -> None:
        """Names written as one list ("Chalf, Nar and Yor"): what "the three of them" means,
        and "they" for as long as `they` says."""
        self._lists[len(names)] = tuple(names)
        self._listed = tuple(names)
        self._named_since.clear()

    def they(self, on_stage: Sequence[str]) -> list[str]:
        """Whom "they" means: the last list of names ("He gives Nar and Yor a glare. They
        shrug." -- Nar and Yor) while all of them are on stage and no two other characters
        have been named on their own in a sentence of the action since (after "Ana sits. Ben
        stands.", an old list is no longer the group in view); else everyone on stage. One
        other character named in between is whom the group deals with ("Charya implores
        them. They stop.")."""
        others = {
            name
            for name, sentence in self._named_since.items()
            if name not in self._listed and sentence < self._sentence
        }
        if self._listed and len(others) < 2 and all(name in on_stage for name in self._listed):
            return list(self._listed)
        return list(on_stage)

    def group(self, size: int, on_stage: Sequence[str], aside: Sequence[str] = ()) -> list[str]:
        """The characters a group of `size` means ("both", "the three of them"): the last list
        of that many names if they are all on stage, else the `size` mentioned last on stage
        but `aside` (whom the group acts on), else everyone on stage."""
        named = self._lists.get(size, ())
        if named and all(name in on_stage for name in named):
            return list(named)
        recent = [name for name in self._recent if name in on_stage and name not in aside]
        if len(recent) >= size:
            return sorted(recent[-size:], key=list(on_stage).index)
        return list(on_stage)

    def mention(self, name: str) -> None:
        self._remember(name)
        self._named_since[name] = self._mentioned_in[name] = self._sentence

    def speaks(self, name: str) -> None:
        """A line of dialogue: "he" after it may mean its speaker, but whom "they" means is
        left as the action said (`they`): a patron's "Shh!" does not end a group."""
        self._remember(name)
        self._acted = (None, -1)

    def _remember(self, name: str) -> None:
        self._recent.pop(name, None)
        self._recent[name] = None
        if name not in self._guess:
            self._guess[name] = name_gender(name)
            # A name that is a word for a man or a woman says so: DAD, GRANDMA, THE WAITRESS.
            word = name.split()[-1].lower() if name.split() else ""
            if word in _MALE_NOUNS or word in _FEMALE_NOUNS:
                self._gender.setdefault(name, "m" if word in _MALE_NOUNS else "f")
            elif word in _MANY:
                self._gender.setdefault(name, "many")  # EVERYONE is never a he or a she
        if self._keep is not None and len(self._recent) > self._keep:
            oldest = next(iter(self._recent))
            del self._recent[oldest]
            self._guess.pop(oldest, None)
            self._named_since.pop(oldest, None)
            self._mentioned_in.pop(oldest, None)

    def mentioned(self, name: str) -> bool:
        """Whether `name` has been mentioned (or has spoken) yet."""
        return name in self._recent

    def learn(self, name: str, gender: str) -> None:
        self._gender.setdefault(name, gender)

    def gender(self, name: str) -> str | None:
        """What the script says of `name`, else what the name makes likely."""
        return self._gender.get(name) or self._guess.get(name)

    def own(self, pronoun: str, doer: Sequence[str]) -> bool:
        """Whether a possessive can only be the doer's own ("Nora looks at her hands"): the
        doer is one character of its gender and no one else mentioned is known to be."""
        gender = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
        if gender is None or len(doer) != 1 or self.gender(doer[0]) != gender:
            return False
        return not any(self.gender(name) == gender for name in self._recent if name not in doer)

    def anyone_else(self, gender: str, name: str) -> bool:
        """Whether someone mentioned other than `name` is, or is likely, of `gender`."""
        return any(self.gender(other) == gender for other in self._recent if other != name)

    def last(self, exclude: Sequence[str] = ()) -> str | None:
        for name in reversed(self._recent):
            if name not in exclude:
                return name
        return None

    def resolve(
        self, pronoun: str, exclude: Sequence[str] = (), *, learn: bool = True
    ) -> str | None:
        """Whom `pronoun` means (`_resolve`); with `learn`, that one counts as named in this
        sentence: "Boone lunges and grabs her wrist. She wrenches free." is Yuki, referred to
        since Boone acted."""
        name = self._resolve(pronoun, exclude, learn=learn)
        if learn and name is not None and name in self._mentioned_in:
            self._mentioned_in[name] = self._sentence
        return name

    def _resolve(
        self, pronoun: str, exclude: Sequence[str] = (), *, learn: bool = True
    ) -> str | None:
        """The character a he/she pronoun points at: the last mentioned the script has said is
        of that gender or whose name tells it (`name_gender`) with no one of unknown gender
        mentioned since, or the one of unknown gender who alone did what the last sentence told
        when that one is not named since ("A GUARD steps out. He waves John through." -- the
        guard, though John was called "he" before; "Jamal kisses Priya. She ..." -- Priya),
        else the last mentioned it has said nothing of whose name does not
        tell the other gender, else the only one on stage not yet mentioned
        whose name tells that gender ("Ana hands him the phone." with BEN on stage), else
        simply the last mentioned. Without `learn`, the one found is not remembered as of the
        pronoun's gender."""
        gender = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
        candidates = [n for n in reversed(self._recent) if n not in exclude]
        if gender is not None:
            # Nearest first: one the script said is of that gender, or one whose name says so
            # before anyone nearer of unknown gender ("Maya elbows Liam. He jerks awake." is
            # Liam, though the teacher was called "he").
            unknown_nearer = False
            for name in candidates:
                said = self._gender.get(name)
                unknown = said is None and self._guess.get(name) is None
                if said == gender or (
                    said is None and not unknown_nearer and self._guess.get(name) == gender
                ):
                    acted = self._acted[0]
                    if (
                        unknown_nearer
                        and acted in candidates
                        and self._mentioned_in.get(name, -1) < self._acted[1]
                    ):
                        # One not named since the last doer acted: "The Skinny One lunges.
                        # Jack kicks him." is not the Big One called "he" before.
                        name = acted
                    if learn:  # called so now: "his hand" later is not hers
                        self._gender[name] = gender
                    return name
                unknown_nearer = unknown_nearer or unknown
            # Then the last mentioned the script has said nothing of whose name does not say
            # otherwise: a name's guess does not reach past someone nearer of unknown gender.
            for name in candidates:
                if name not in self._gender and self._guess.get(name) in (gender, None):
                    if learn:
                        self._gender[name] = gender
                    return name
            unnamed = [
                name
                for name in self._stage
                if name not in self._recent and name not in exclude and name_gender(name) == gender
            ]
            if len(unnamed) == 1:
                return unnamed[0]
        return candidates[0] if candidates else None


_AT = frozenset({"at", "toward", "towards"})
# Words that make a relative clause say what someone is like, not what they do now ("who
# smiles a lot", "who never sits still", "who mutters at everyone").
_HABITUAL = frozenset(
    {"always", "often", "never", "usually", "constantly", "sometimes", "rarely", "seldom",
     "forever", "everyone", "everybody", "everything", "every", "a lot", "all the time"}
)  # fmt: skip
# Titles a name may open with that say what the character is ("JUDGE HARLOW" is "the judge",
# "DR. REYES" "the doctor"); not those said of anyone (Mr, Ms) or of kin (Father, Sister).
_TITLE_ROLES = {
    **{role: role for role in (
        "doctor", "professor", "nurse", "officer", "detective", "captain", "sergeant", "judge",
        "agent", "inspector", "lieutenant", "colonel", "general", "major", "coach", "reverend",
        "pastor", "chief", "mayor", "senator", "president", "king", "queen", "prince",
        "princess", "sheriff", "deputy", "principal", "corporal", "commander", "admiral",
        "governor", "rabbi", "ensign", "councilman", "councilwoman")},
    "dr": "doctor", "prof": "professor", "det": "detective", "capt": "captain",
    "sgt": "sergeant", "lt": "lieutenant", "col": "colonel", "gen": "general",
    "rev": "reverend", "cpl": "corporal",
}  # fmt: skip
# What lands on someone ("punches him", "kicks him in the knee"), and what the one struck does
# then: goes down or back ("He crumples.", "She staggers back."), or bends over it in pain.
_BLOWS = frozenset({"punch", "kick"})
_GOING_DOWN = frozenset({"fall", "lean_back", "kneel"})


def _struck_one(
    tokens: Sequence[_Tok],
    begin: int,
    verb: _Verb,
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
_LOOKED_TOWARD = _AT | frozenset({"back", "down", "up", "over", "to"})
# What one lifts to look up: "lifts his head" names no thing looked at.
_LIFTED = frozenset({"head", "chin", "eyes", "gaze"})
_IRREGULAR_PLURALS = frozenset({"children", "people", "men", "women", "folks"})
# What opens a sentence with a place before a verb of posture ("Around it sit ...").
_PLACE_OPENERS = _PREPOSITIONS | frozenset({"around", "in", "on"})
# Verbs that put a thing in the hand, where a look at "it" then goes down.
_TAKING = frozenset(
    {"picks", "picked", "takes", "took", "grabs", "grabbed", "holds", "held", "lifts", "lifted",
     "pulls", "pulled", "produces", "produced"}
)  # fmt: skip
# Words that end the noun phrase after a determiner ("the letter on the table").
_ENDS_A_THING = _PREPOSITIONS | _CONJUNCTIONS | _DETERMINERS | frozenset({"in", "it"})
_LOOK = BehaviourTemplate(channel="gaze", target="$object")
# A sentence that opens on a seat ("In the passenger seat, NOAH stares out the window.",
# "Behind the wheel, OLIVIA ..."): its subject is seated in it.
_SEATED_IN = frozenset(
    {"seat", "seats", "chair", "armchair", "couch", "sofa", "bench", "stool", "booth",
     "wheelchair", "recliner", "wheel", "desk", "pew", "saddle"}
)  # fmt: skip
_SIT = BehaviourTemplate(channel="posture", lexeme="sit")
# Where those a sentence opens on or only lists sit ("Around the table: GREG, HANNAH and OWEN."),
# and where one whose verb is done there sat all along (`planners.opening`).
SEATED_AROUND = _SEATED_IN | {"table"}
# A place at a table that is a seat ("reads the paper at the head of the table").
_TABLE_SEATS = (["head", "of", "the", "table"], ["end", "of", "the", "table"])
# What puts a thing somewhere: its place phrase is the thing's, not a seat of the doer's.
_PLACING = frozenset({"put_down", "give", "take", "open"})


def _names_from(
    tokens: Sequence[_Tok],
    start: int,
    names: NameIndex,
    *,
    clause: bool = False,
    tracker: ReferenceTracker | None = None,
) -> list[str]:
    """Whom the words from `start` name, to the sentence's end or, with `clause`, to the
    clause's comma; with a `tracker`, "him" and "her" too."""
    found = []
    for at in range(start, len(tokens)):
        if clause and tokens[at].text in (",", ";"):
            break
        if (match := names.match_starting(tokens, at)) is not None:
            found.append(match[0])
        elif (
            tracker is not None
            and tokens[at].low in ("him", "her")
            and (person := tracker.resolve(tokens[at].low)) is not None
        ):
            found.append(person)
    return found


def _seat_phrase(tokens: Sequence[_Tok], limit: int) -> tuple[int, int] | None:
    """Where the phrase naming a seat that a sentence opens with begins and ends (its comma),
    among the place phrases before `limit`: "In the back seat,", "Across from her, on the
    couch,"; None when there is none."""
    start = 0
    while start < limit:
        comma = next((i for i in range(start, limit) if tokens[i].text == ","), None)
        if comma is None or comma - start > 6 or tokens[start].low not in _PLACE_PREPOSITIONS:
            return None
        if any(t.low in SEATED_AROUND for t in tokens[start + 1 : comma]):
            return start, comma
        start = comma + 1
    return None


def _seated(
    names: Iterable[str], tokens: Sequence[_Tok], phrase: tuple[int, int], at: int | None = None
) -> list[ActionCue]:
    """`names` seated from the scene's start, as the seat `phrase` says (`_seat_phrase`), as of
    token `at` (the phrase's start by default)."""
    start, comma = phrase
    trigger = _said(tokens[start:comma])
    when = tokens[start if at is None else at].start
    return [ActionCue(name, _SIT, None, trigger, when, True) for name in names]


def _seated_by_place(tokens: Sequence[_Tok], verb: _Verb, subject: list[str]) -> list[ActionCue]:
    """A seated state for the subject of a sentence that opens with where they sit
    (`_seat_phrase`): "In the back seat, LILY sleeps", "At her desk, ANA types", "At the head
    of the table, RICHARD raises his glass", "Across from her, on the couch, JORDAN picks at a
    thread"; or whose verb is done there, in its clause ("DAD reads the paper at the head of
    the table", "ANA knits in an armchair"); none otherwise."""
    if verb.entry is not None and any(
        (t.channel == "posture" and t.lexeme not in LEAN_POSTURES) or t.lexeme in _PLACING
        for t in verb.entry.behaviours
    ):
        # The verb says the posture itself ("In the corner, BEN stands"; a lean is done from
        # the seat: "At the defense table, RUIZ confers with her client"), or puts a thing on
        # the seat ("drops his bag on the chair").
        return []
    phrase = _seat_phrase(tokens, verb.position)
    if phrase is not None:
        return _seated(subject, tokens, phrase)
    looks = verb.entry is not None and any(t.channel == "gaze" for t in verb.entry.behaviours)
    phrase = _seat_after(tokens, verb.position + 1, looks)
    # Seated as the verb is done: "leans back in his chair" leans from the seat.
    return [] if phrase is None else _seated(subject, tokens, phrase, at=verb.position)


def _seat_after(tokens: Sequence[_Tok], start: int, looks: bool) -> tuple[int, int] | None:
    """The seat a place phrase of the clause from `start` names ("at the head of the table",
    "in an armchair", "on the couch"): where it begins and ends; None when there is none. After
    a verb that `looks`, "at" says what is looked at ("stares at the chair")."""
    end = next(
        (i for i in range(start, len(tokens)) if tokens[i].low in _CLAUSE_BREAKS),
        len(tokens),
    )
    for at in range(start, end):
        if tokens[at].low not in ("at", "on", "in") or (looks and tokens[at].low == "at"):
            continue
        words = [t.low for t in tokens[at + 1 : min(end, at + 7)]]
        for offset, word in enumerate(words):
            if word == "desk" and tokens[at].low != "at":
                continue  # "taps her horn on her desk": on it, not at it
            if (word in _SEATED_IN and offset < 4) or words[offset : offset + 4] in _TABLE_SEATS:
                return at, at + 2 + offset + (3 if word not in _SEATED_IN else 0)
    return None


def _seated_in_list(tokens: Sequence[_Tok], mentions: Sequence[tuple[int, str]]) -> list[ActionCue]:
    """A seated state for the names a verbless sentence lists after where they sit, up to a
    comma (or colon, see `_sentences`): "Around the table: GREG, HANNAH and OWEN."; none
    otherwise."""
    phrase = _seat_phrase(tokens, len(tokens))
    if phrase is None:
        return []
    return _seated(dict.fromkeys(name for at, name in mentions if at > phrase[1]), tokens, phrase)


# A cue that is many people ("EVERYONE / Surprise!" with no one there to say it): no he or she.
_MANY = frozenset({"everyone", "everybody", "all", "together", "both", "crowd", "friends"})
# What two do with each other when said of both with no one else named ("Paul and Kate hug").
_MUTUAL = frozenset({"hug", "handshake"})
# Group subjects that are nouns ("the men", "two friends"), not pronouns or counts.
_GROUP_NOUNS = frozenset(
    {"men", "women", "boys", "girls", "friends", "group", "pair", "couple", "trio", "others"}
)
# Words that introduce people not met before: "A dozen FRIENDS", "Some kids", "Two men".
_INTRODUCING = frozenset(
    {"a", "an", "some", "several", "dozen", "few", "two", "three", "four", "five", "six",
     "many", "more", "other", "another"}
)  # fmt: skip


def _introduces(tokens: Sequence[_Tok], begin: int, j: int) -> bool:
    """Whether the group noun at `j` is said of people not met before: an indefinite word
    before it in its noun phrase ("A dozen FRIENDS", "two men"), not "the" or a possessive."""
    introducing = False
    for k in range(j - 1, max(begin, j - 4) - 1, -1):
        low = tokens[k].low
        if low == "the" or _owns(tokens[k]) or low in ("these", "those", "both"):
            return False  # "The two men face each other": met before
        if low in _INTRODUCING:
            introducing = True
        elif not tokens[k].text.isalpha():
            break
    return introducing


@dataclass(frozen=True, slots=True)
class ActionCue:
    """One behaviour template for one character, with the target resolved."""

    character: str
    template: BehaviourTemplate
    target: str | None
    trigger: str  # the words that triggered it, e.g. "crosses her arms"
    # Where in the line's text the words that say it begin, where known (not through a
    # glossary): an action line's behaviours happen in the order it tells them.
    start: int | None = None
    # A posture its verb says being in, not getting into ("lies in bed", "está sentada"; not
    # "lies down", "se sienta", "then sits"): what a scene may open on (`planners.opening`).
    state: bool = False


# Verb forms of being in a posture, not of getting into one (a glossary says getting into it
# as English does: "se sienta" is "sits down", "está sentada" "sits"); "on" is the verb of a
# part held somewhere ("elbows on his knees").
_BEING_IN_A_POSTURE = frozenset(
    {"sit", "sits", "sitting", "seated", "lie", "lies", "lying", "stand", "stands", "standing",
     "lean", "leans", "leaning", "kneel", "kneels", "kneeling", "perch", "perches", "perched",
     "sprawl", "sprawls", "sprawled", "lounge", "lounges", "lounging", "recline", "reclines",
     "reclining", "crouch", "crouches", "crouching", "crouched", "squat", "squats", "squatting",
     "slouch", "slouches", "slouched", "slouching", "hunch", "hunches", "hunched", "huddle",
     "huddles", "huddled", "rest", "rests", "resting", "sleep", "sleeps", "sleeping", "doze",
     "dozes", "dozing", "nap", "naps", "napping", "drive", "drives", "driving", "ride",
     "rides", "riding", "curled", "slumped", "watch", "watches", "watching", "grip", "grips",
     "gripping", "clutch", "clutches", "clutching", "on"}
)  # fmt: skip
# Participles that say a state even with "up" or "down" after them ("is curled up").
_STATE_PARTICIPLES = frozenset({"curled", "slumped", "hunched", "huddled", "crouched"})
# After the verb: getting into the posture ("sits down", "stands up", "sits up").
_GETTING_INTO = frozenset({"down", "up"})
# Before the verb: it happens in the scene ("then sits", "slowly kneels").
_HAPPENING = frozenset(
    {"then", "finally", "slowly", "suddenly", "quickly", "gradually", "eventually", "abruptly"}
)


def _gone_by(region: Sequence[_Tok], start: int, end: int) -> bool:
    """Whether the name at `region[start:end]` is what a look or a move goes by, not its
    object: "past Ben", "beyond Ana", "over Ana's shoulder"."""
    before = region[start - 1].low if start > 0 else ""
    return before in _PAST or (
        before == "over"
        and region[end - 1].possessive
        and end < len(region)
        and region[end].low in _LOOKED_OVER
    )


def _each_other(region: Sequence[_Tok]) -> bool:
    """Whether a verb's object is the subjects themselves: "(at) each other", "(into) one
    another('s eyes)"."""
    lows = [t.low for t in region[:4]]
    if lows and lows[0] in _AT | {"into", "across", "over"}:
        lows = lows[1:]
    return lows[:2] in (["each", "other"], ["one", "another"])


def _in_a_state(tokens: Sequence[_Tok], position: int) -> bool:
    """Whether the verb at `position` says being in a posture, not getting into it."""
    verb = tokens[position].low
    after = tokens[position + 1].low if position + 1 < len(tokens) else ""
    before = tokens[position - 1].low if position > 0 else ""
    return (
        verb in _BEING_IN_A_POSTURE
        and (after not in _GETTING_INTO or verb in _STATE_PARTICIPLES)
        and before not in _HAPPENING
    )


# Verbs that come or go with a particle though they name no walk: "Nate opens the door and
# gets out.", "climbs in", "hops out".
_GETTING = frozenset({"get", "climb", "hop", "jump", "slip"})
# The first word of a particle of coming or going, or of going into or out of a place.
_STAGE_WORDS = frozenset({"in", "into", "out", "off", "inside", "outside", "back", "indoors"})
# Verbs whose object comes or goes with their subject ("leads her out", "drags him in").
_LEADING = frozenset(
    {"lead", "drag", "escort", "usher", "pull", "carry", "walk", "guide", "push", "shove"}
)
# What a verb of moving may carry or lead before its particle ("the plates", "her", "him").
_CARRIED = _DETERMINERS | frozenset({"him", "them"})
# After "into" or "out of": the room the scene is in, and being seen at all.
_ROOMS = frozenset({"room", "scene", "here"})
_SIGHT = frozenset({"sight", "view", "frame", "shot", "earshot"})
# What may follow a particle of coming or going ("walks in, smiling", "storms out with"), where
# "in the rain" or "out the" would say something else.
_AFTER_A_PARTICLE = frozenset(
    {"with", "through", "to", "toward", "towards", "from", "behind", "after", "without", "on",
     "again", "carrying", "holding", "followed", "alone", "together", "too", "first", "last"}
)  # fmt: skip
# Words of a scene heading that name no place.
_HEADING_WORDS = frozenset(
    {"int", "ext", "est", "i/e", "day", "night", "morning", "evening", "afternoon", "dawn",
     "dusk", "later", "continuous", "same", "time", "moments", "the", "a", "an", "of", "and"}
)  # fmt: skip


def _place_words(heading: str | None) -> frozenset[str]:
    """The words of a scene heading that name its place ("INT. HOSPITAL CORRIDOR - NIGHT":
    hospital, corridor)."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", (heading or "").lower())
    return frozenset(word for word in words if word not in _HEADING_WORDS)


def _ends_a_particle(tokens: Sequence[_Tok], index: int) -> bool:
    """Whether a particle of coming or going ends before `index` ("walks in.", "walks in and
    sits", "walks in, smiling"), not a phrase that goes on ("walks in the rain", "out of")."""
    if index >= len(tokens):
        return True
    token = tokens[index]
    return (
        not token.text[:1].isalpha()
        or token.low in _CONJUNCTIONS
        or token.low in _AFTER_A_PARTICLE
        or token.low.endswith(("ly", "ing"))
        or token.text[:1].isupper()
    )


@dataclass(frozen=True, slots=True)
class FeelingCue:
    """An emotion an action line describes a character in ("Mary sits, furious.")."""

    character: str
    label: str
    intensity: float
    trigger: str
    start: int | None  # where in the line's text its words begin, where known
    everyone: bool = False  # described as one of "they", everyone on stage


@dataclass(frozen=True, slots=True)
class StageCue:
    """A character an action line or parenthetical has come on or go off ("DOCTOR enters",
    "Ben storms out", "(leaving)")."""

    character: str
    change: StageChangeKind
    start: int | None  # where in the line's text the verb is, where known


def _negative_ending_after(tokens: Sequence[_Tok], index: int, length: int) -> bool:
    """Whether the words at `index` are followed by a Japanese negative ending (笑わない,
    笑いません): the glossary reads the stem and leaves the ending as written."""
    after = "".join(t.written for t in tokens[index + length : index + length + 6] if t.written)
    return bool(_NEGATIVE_ENDING.match(after))


# After a "her" that is given something: "hands her one", "pours her some".
_GIVEN_COUNTS = frozenset({"one", "two", "some", "something", "another"})


def _object_her(tokens: Sequence[_Tok], index: int) -> bool:
    """Whether the "her" at `index` is an object ("hugs her.", "looks at her and", "hands her
    one"), not a possessive ("her bag")."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return (
        following is None
        or not following.text[:1].isalpha()
        or following.low in _ARTICLES
        or following.low in _GIVEN_COUNTS
        or following.low in _PREPOSITIONS
        or following.low in _CONJUNCTIONS
        or following.low in _SMALL_CLAUSE
        or following.low in _PARTICLES
    )


def _object_pronoun(tokens: Sequence[_Tok], start: int) -> str | None:
    """The first "him" or object "her" of the sentence from `start`, if any."""
    for index in range(start, len(tokens)):
        low = tokens[index].low
        if low == "him" or (low == "her" and _object_her(tokens, index)):
            return low
    return None


def _a_noun_pair(tokens: Sequence[_Tok], entries: Sequence[ActionEntry]) -> bool:
    """Whether a two-word sentence is a noun and a noun spelled like a verb's base form
    ("Cigar smoke.", "Engine roar."): a singular subject would take the verb's -s form."""
    words = [t for t in tokens if t.text[:1].isalnum()]
    first = tokens[0]
    return (
        len(words) == 2
        and first.text[:1].isupper()
        and first.low not in _PLURAL_SUBJECTS
        and any(tokens[1].low == entry.verb for entry in entries)
    )


def _owns(token: _Tok) -> bool:
    """Whether `token` says whose a noun after it is: "her", "their", "Sophie's"."""
    return token.low in _OWNERS or token.possessive


def _names_nothing(region: Sequence[_Tok]) -> bool:
    """Whether the words after a verb name no thing it is done to: none, or a manner or a
    place ("in silence", "from the doorway", "closely", "up from his paper"), or the doer's
    own head ("lifts his head")."""
    words = [t for t in region if t.text[:1].isalpha() and t.low not in _PARTICLES]
    first = words[0] if words else None
    if first is not None and _owns(first) and len(words) > 1 and words[1].low in _LIFTED:
        return True
    return first is None or first.low in _PREPOSITIONS | {"in"} or first.adverb


def _names_a_place(region: Sequence[_Tok]) -> bool:
    """Whether the words after a verb name where a look goes ("up at the sky", "down at the
    table", "at us"), not counting "up" and "down" themselves, nor where it comes from ("up
    from his paper")."""
    for token in region:
        if token.low == "from":
            return False
        if token.low in _PLACES:
            return True
    return False


def _inverted_subject(tokens: Sequence[_Tok], verb: _Verb, names: NameIndex) -> list[str] | None:
    """The names after a verb of posture that a place opens the sentence with: "Around it sit
    MARK, JEN and TOMAS", "At the bar stands BEN"; None when the sentence is no such."""
    entry = verb.entry
    if (
        entry is None
        or not entry.behaviours
        or any(t.channel != "posture" for t in entry.behaviours)
        or not tokens
        or tokens[0].low not in _PLACE_OPENERS
    ):
        return None
    found: list[str] = []
    k = verb.position + 1
    while k < len(tokens):
        match = names.match_starting(tokens, k)
        if match is not None and not tokens[k].possessive:
            found.append(match[0])
            k = match[1]
        elif found and tokens[k].low in (",", "and", "&"):
            k += 1
        else:
            break
    return found or None


def _plural(token: _Tok) -> bool:
    """Whether `token` is a lower-case plural noun that may name people ("kids", "parents")."""
    return (
        token.text.isalpha()
        and token.text.islower()
        and (token.low.endswith("s") or token.low in _IRREGULAR_PLURALS)
    )


def _before_an_appositive(
    tokens: Sequence[_Tok], begin: int, end: int, names: NameIndex
) -> int | None:
    """Where the name ends whose appositive ends at `end` (", the bride" in "NADIA, the
    bride, and OMAR"): up to four lower-case words after a comma after a name; else None."""
    k = end
    while k >= begin and end - k < 4 and tokens[k].text.isalpha() and tokens[k].text.islower():
        k -= 1
    if k == end or k <= begin or tokens[k].text != ",":
        return None
    return k - 1 if names.match_ending(tokens, k - 1) is not None else None


def _named_between_commas(
    tokens: Sequence[_Tok], begin: int, comma: int, names: NameIndex
) -> list[str]:
    """The names set off by commas just before a verb, naming who a noun before them is:
    "Their kids, ZOE and SAM, sit" (ZOE and SAM); empty when anything else stands between."""
    opening = next((i for i in range(comma - 1, begin - 1, -1) if tokens[i].text == ","), None)
    if opening is None or opening == begin or names.match_ending(tokens, opening - 1):
        return []  # "The BEST MAN, Tony, taps his glass": the name is the BEST MAN's own
    found: list[str] = []
    k = opening + 1
    while k < comma:
        match = names.match_starting(tokens, k)
        if match is not None and not tokens[k].possessive:
            found.append(match[0])
            k = match[1]
        elif tokens[k].low in ("and", "&") and found:
            k += 1
        elif tokens[k].low in TITLES and k + 1 < comma:
            k += 1  # "The prosecutor, MR. KLEIN (50s), rises"
        else:
            return []
    return found


def _opens_an_absolute(token: _Tok) -> bool:
    """Whether a part named after `token` stands in a phrase of its own, its owner the doer's
    (", arms folded", "with eyes closed")."""
    return token.text == "," or token.low == "with"


def _joins_people(tokens: Sequence[_Tok], index: int, names: NameIndex) -> bool:
    """Whether the "and" at `index` joins a name to another person ("gives Nar and Yor a
    glare", "Ana and the boy"), so that the verb's clause goes on past it."""
    if tokens[index].low != "and" or index == 0 or index + 1 >= len(tokens):
        return False
    after = tokens[index + 1]
    return names.match_ending(tokens, index - 1) is not None and (
        after.low in _DETERMINERS
        or after.low in ("him", "them")
        or names.match_starting(tokens, index + 1) is not None
    )


def _is_passive(tokens: Sequence[_Tok], position: int, after_passive: bool) -> bool:
    """Whether the verb at `position` is a participle after a passive auxiliary ("is punched",
    "gets knocked down", "was suddenly hit"), adverbs between them, or joined to a passive
    participle before it ("is punched and knocked down")."""
    word = tokens[position].low
    if word.endswith("ing"):
        return False
    before = position - 1
    while before >= 0 and tokens[before].adverb:
        before -= 1
    if before < 0:
        return False
    if tokens[before].low in _PASSIVE_AUXILIARIES:
        return True
    return after_passive and tokens[before].low in _CLAUSE_BREAKS and not word.endswith("s")


def _object_match(
    words: tuple[str, ...], tokens: Sequence[_Tok], start: int, names: NameIndex
) -> int | None:
    """Where an action entry's object `words` end when they are written from token `start`, or
    None: `*` is any one word but a clause's joint ("gives Nar and Yor a glare" gives Nar
    nothing), `$person` a character's name (not its possessive: "pushes Ben's chair" pushes
    no one)."""
    index = start
    for word in words:
        if index >= len(tokens):
            return None
        if word == PERSON:
            match = names.match_starting(tokens, index)
            if match is None or tokens[match[1] - 1].possessive:
                return None
            index = match[1]
            continue
        seen = tokens[index].low
        if not (
            word == seen
            or (word == "*" and any(c.isalnum() for c in seen) and seen not in _CLAUSE_BREAKS)
        ):
            return None
        index += 1
    return index


@dataclass(slots=True)
class _Verb:
    position: int
    entry: ActionEntry | None  # None: a known verb whose object matched no entry
    negated: bool
    object_end: int = 0


@dataclass(frozen=True, slots=True)
class _Relative:
    """A relative clause on a character: "Ben, who smiles," from the "who" to its closing
    comma (or the sentence's end)."""

    start: int
    end: int
    antecedent: str
    opens: bool  # no verb before it: its antecedent is the sentence's subject
    closed: bool  # a comma closes it, and the main clause goes on after it

    def describes(self, tokens: Sequence[_Tok]) -> bool:
        """Whether the clause's verbs say what the antecedent is like, not what they do now:
        "Ana, who smiles a lot, sits", "who mutters at everyone" (but "Greg, who leans back in
        his chair, watches" and "Ana, who is still smiling, sits" do it now)."""
        if not (self.opens and self.closed):
            return False
        said = f" {' '.join(token.low for token in tokens[self.start : self.end])} "
        return any(f" {words} " in said for words in _HABITUAL)


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
            _tokens(text)
            if gloss is None
            else _glossed_tokens(text, gloss, names, self._verb_forms)
        )
        previous: list[_Tok] = []
        for sentence in _sentences(tokens):
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
                None if stage is None else (stage, _place_words(place)),
                feelings,
            )
            if default_subject and not carried:
                carried = [default_subject]
        return cues

    def _looking_on(self, sentence: list[_Tok], previous: list[_Tok]) -> list[_Tok]:
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

    def _looking_on_in(self, sentence: list[_Tok]) -> list[_Tok]:
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
        tokens: list[_Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        carried: list[str],
        cues: list[ActionCue],
        emotions: bool = False,
        actors: list[tuple[str, str]] | None = None,
        stage: tuple[list[StageCue], frozenset[str]] | None = None,
        feelings: list[FeelingCue] | None = None,
    ) -> list[str]:
        tracker.new_sentence()
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
            cues.extend(_seated_in_list(tokens, mentions))
        relatives = self._relatives(tokens, names, verbs)
        subject = carried
        previous_end = 0
        inside: _Relative | None = None  # the relative clause the verb before was in
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
                if opens >= 2 and tokens[opens - 1].text == "," and _plural(tokens[opens - 2]):
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
                found = self._subject(tokens, previous_end, region_end, names, tracker, on_stage)
            if not found and number == 0:
                found = _inverted_subject(tokens, verb, names) or found
            if found is None and (not subject or number == 0):
                # The first verb of a sentence after one it does not know has the sentence's
                # own subject, not the last sentence's: "TOMAS knocks and enters."
                found = self._nearest_subject(tokens, previous_end, region_end, names, tracker)
            if found is None and not subject:
                found = self._dropped_subject(tokens, previous_end, region_end, tracker)
            if found is not None:
                found = _struck_one(tokens, previous_end, verb, found, tracker)
                subject = found
                if not isinstance(found, _Group):
                    doing.extend(found)
            previous_end = verb.position + 1
            if number == 0 and subject and not isinstance(subject, _Group) and not verb.negated:
                # Where the sentence opens says they sit, whatever its verb does.
                cues.extend(_seated_by_place(tokens, verb, subject))
            if not subject or verb.entry is None or verb.negated:
                continue
            if relative is not None and relative.describes(tokens):
                continue
            subjects.append((verb.position, subject))
            if actors is not None:
                named = {name for _, name in mentions}
                actors.extend((name, verb.entry.verb) for name in subject if name in named)
            if not isinstance(subject, _Group):
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
            first = len(cues)
            self._emit(tokens, verb, subject, names, tracker, on_stage, cues)
            if any(cue.template.lexeme in _BLOWS for cue in cues[first:]):
                struck = next((c.target for c in cues[first:] if c.target in on_stage), None)
                if struck is not None:
                    tracker.strikes(struck)
            if verb.entry.passive:
                self._agent_acts(tokens, verb, subject, names, cues)
            if isinstance(subject, _Everyone):
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
        self._worn_faces(tokens, names, tracker, cues)
        if emotions:
            self._emotion_faces(tokens, mentions, subjects, subject, tracker, cues)
        if feelings is not None:
            feelings.extend(self._feelings(tokens, mentions, subjects, subject, tracker))
        self._learn_gender(tokens, mentions, tracker)
        tracker.ends_sentence(doing)
        tracker.thing_place = self._thing_place(tokens) or tracker.thing_place
        if not verbs and mentions and mentions[0][0] == 0:
            # A sentence with no verb of the lexicon still names who the next one is about:
            # "Ana is quiet. Smiles."
            return [mentions[0][1]]
        return subject

    @staticmethod
    def _opener(
        tokens: list[_Tok], mentions: list[tuple[int, str]], tracker: ReferenceTracker
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
        self, tokens: list[_Tok], names: NameIndex, tracker: ReferenceTracker, cues: list[ActionCue]
    ) -> None:
        """A face worn by someone named after it ("A smile spreads across her face.", "the
        ghost of a smile on her lips", "a frown on Ben's face"): the owner's face as its verb
        gives it, scaled by the words before it ("the ghost of")."""
        for index, token in enumerate(tokens):
            entry = self._worn.get(token.low)
            if entry is None or token.glossed:
                continue
            clause = next(
                (
                    end
                    for end in range(index + 1, len(tokens))
                    if tokens[end].low in _CLAUSE_BREAKS or tokens[end].text in _STOPS
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
            if owner is None or any(
                cue.character == owner and cue.template.channel == "face" for cue in cues
            ):
                continue
            before = tokens[max(0, index - 4) : index]
            degree = self._degree(tokens, 0, [*before, token])
            trigger = _said(tokens[max(0, index - 1) : clause])
            for template in entry.behaviours:
                value = round(min(1.0, template.intensity * degree), 3)
                template = replace(template, intensity=value)
                cues.append(ActionCue(owner, template, None, trigger, tokens[index].start))

    def _part_actions(
        self,
        tokens: list[_Tok],
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
                and tokens[at + 1].low not in self._verb_forms
            ):
                # Held by a verb ("puts his head in his hands"): the verb's, not the part's
                # own ("watches her face fall" is).
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
                looked_at = _names_from(tokens, at + 1, names, tracker=tracker)
                owners = [name for name in owners if name not in looked_at]
                owners = owners if len(owners) > 1 or tokens[index].low == "all" else []
            elif _opens_an_absolute(tokens[index]):
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
        tokens: list[_Tok],
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
                verb = _Verb(position, entry, negated=False, object_end=len(tokens))
                self._emit(tokens, verb, owners, names, tracker, group, cues, at)
                return

    @staticmethod
    def _owner(
        tokens: list[_Tok], index: int, names: NameIndex, tracker: ReferenceTracker
    ) -> str | None:
        """The character whose part follows token `index`: a name's possessive ("Ana's"), or
        his / her, someone named before it ("His eyes land on Liam." are not Liam's)."""
        token = tokens[index]
        if token.possessive:
            match = names.match_ending(tokens, index)
            return match[0] if match is not None else None
        if token.low in ("his", "her") and not token.glossed:
            return tracker.resolve(token.low, exclude=_names_from(tokens, index + 1, names))
        return None

    @staticmethod
    def _lists(
        tokens: list[_Tok], mentions: list[tuple[int, str]], names: NameIndex
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
    def _relatives(tokens: list[_Tok], names: NameIndex, verbs: list[_Verb]) -> list[_Relative]:
        """The relative clauses on a character in a sentence: "Ben, who smiles, ..."."""
        found: list[_Relative] = []
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
            found.append(_Relative(index, end, match[0], opens, end < len(tokens) - 1))
        return found

    def _mentions(self, tokens: list[_Tok], names: NameIndex) -> list[tuple[int, str]]:
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

    def _verbs(self, tokens: list[_Tok], names: NameIndex) -> list[_Verb]:
        verbs: list[_Verb] = []
        object_end = 0  # the object of the verb before ends here: "exchange glances"
        after_passive = False  # the verb before was a passive participle
        for position, token in enumerate(tokens):
            entries = self._by_form.get(token.low)
            if not entries or token.possessive or position < object_end:
                continue
            if position == 0 and self._opens_with_a_noun(tokens):
                continue
            if position == 1 and _a_noun_pair(tokens, entries):
                continue  # "Cigar smoke.": a bare verb form after a singular is a noun
            if position > 0 and tokens[position - 1].low in _DETERMINERS:
                continue  # "a look", "the waves": a noun
            if (
                position > 1
                and tokens[position - 1].low == "one"
                and (tokens[position - 2].low in _PREPOSITIONS or tokens[position - 2].low == "in")
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
                and _opens_an_absolute(tokens[position - 2])
            ):
                continue  # ", head bowed": what the part does (`_part_actions`)
            if (
                position > 0
                and tokens[position - 1].low in _PREPOSITIONS
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
                and tokens[position - 1].low not in _PLURAL_SUBJECTS | {"to"}
                and names.match_ending(tokens, position - 1) is None
            ):
                continue  # "pulls the cap back on": a particle; "They back away" is a verb
            if token.low in _PASSIVE_AUXILIARIES and self._opens_a_passive(tokens, position):
                continue  # "gets kicked out": the auxiliary of a passive, not "gets out"
            before = tokens[position - 1] if position > 0 else None
            if (
                before is not None
                and before.low in _PLURAL_COUNTS
                and before.text.islower()  # "Patron Two rolls": a name
                and token.low.endswith("s")
            ):
                continue
            # In the passive ("Ben is punched") a verb with passive entries reads only them: its
            # subject is whom it is done to. One without keeps its meaning ("is slumped").
            passive = _is_passive(tokens, position, after_passive) and any(
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
            negated = position > 0 and (
                tokens[position - 1].low in NEGATIONS
                or (position > 1 and tokens[position - 2].low in NEGATIONS)
                or self._ceased(tokens, position)
                or _negative_ending_after(tokens, position, 1)
            )
            if (
                entry is not None
                and token.low in CEASING
                and not self._stops_moving(tokens, position)
            ):
                entry = None  # "stops smiling": no smile, and no halt either
            verbs.append(_Verb(position, entry, negated))
        return verbs

    def _opens_with_a_noun(self, tokens: list[_Tok]) -> bool:
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
    def _ceased(tokens: list[_Tok], position: int) -> bool:
        """Whether a ceasing verb ends the verb at `position`: "stops smiling", "ceases to
        smile" (not "stops to look": that one pauses, then looks)."""
        before = tokens[position - 1].low if position > 0 else ""
        if before in CEASING:
            return tokens[position].low.endswith("ing")
        return before == "to" and position > 1 and tokens[position - 2].low.startswith("ceas")

    def _stops_moving(self, tokens: list[_Tok], position: int) -> bool:
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

    def _opens_a_passive(self, tokens: list[_Tok], position: int) -> bool:
        """Whether the auxiliary at `position` is followed by a participle the lexicon reads in
        the passive."""
        after = position + 1
        while after < len(tokens) and tokens[after].adverb:
            after += 1
        if after >= len(tokens) or tokens[after].low.endswith("ing"):
            return False
        return any(e.passive for e in self._by_form.get(tokens[after].low, ()))

    @staticmethod
    def _turns_a_thing(tokens: list[_Tok], position: int, entry: ActionEntry) -> bool:
        """A hand turning a thing ("turning a brass key", "turns the page"), not the body."""
        if {(t.channel, t.lexeme) for t in entry.behaviours} != {("posture", "turn")}:
            return False
        following = [t.low for t in tokens[position + 1 : position + 4]]
        if following[2:] == ["way"]:
            return False  # "spins the wrong way", "turns the other way"
        return (
            len(following) >= 2 and following[0] in _DETERMINERS and following[1] not in _BODY_TURNS
        )

    def _object_end(
        self, tokens: list[_Tok], position: int, entry: ActionEntry, names: NameIndex
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
                tokens[at].low in _CLAUSE_BREAKS
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
                    if tokens[position + 1 + offset].low in _CLAUSE_BREAKS
                    and not _joins_people(tokens, position + 1 + offset, names)
                ),
                reach,
            )
            reach = min(reach, clause)
        for words in entry.objects:
            for start in range(position + 1, position + 1 + reach):
                end = _object_match(words, tokens, start, names)
                if end is not None and not self._her_thing(words, tokens, end):
                    return end
        return None

    def _her_thing(self, words: tuple[str, ...], tokens: list[_Tok], end: int) -> bool:
        """Whether an object that ends in "her" is hers, a thing, not her: "knocks her chair
        over" knocks no one ("looks at her hands" still looks at her)."""
        her = tokens[end - 1]
        return (
            words[-1] == "her"
            and not her.glossed
            and not _object_her(tokens, end - 1)
            and tokens[end].low not in self._parts
        )

    def _subject(
        self,
        tokens: list[_Tok],
        begin: int,
        end: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> list[str] | None:
        """The subject in tokens[begin:end] just before a verb; None means "the same as before".
        An empty list means an unknown subject: the verb must produce nothing."""
        if end > begin and tokens[end - 1].low == "to" and not tokens[end - 1].glossed:
            return None  # an infinitive's subject is the verb's before: "spins her chair to face"
        j = end - 1
        while j >= begin and (
            tokens[j].low in _SKIPPABLE or tokens[j].low in NEGATIONS or tokens[j].adverb
        ):
            j -= 1  # "She slowly sits", "She doesn't look up": the subject is "she" all the same
        if j < begin or (tokens[j].low in _CONJUNCTIONS and tokens[j].text != ","):
            return None
        if tokens[j].low == DROPPED_SUBJECT:
            return None
        if tokens[j].text == ",":
            if j == end - 1 and tokens[end].low.endswith("ing"):
                return None  # "Ana turns, crossing her arms"
            return (
                _named_between_commas(tokens, begin, j, names)
                or self._appositive(tokens, begin, j, names, tracker, on_stage)
                or None
            )
        subject = self._subject_at(tokens, begin, j, names, tracker, on_stage)
        if subject is not None:
            return subject
        return self._appositive(tokens, begin, j, names, tracker, on_stage)

    @staticmethod
    def _dropped_subject(
        tokens: list[_Tok], begin: int, end: int, tracker: ReferenceTracker
    ) -> list[str] | None:
        """A subject the language left out ("Se levanta.", see `action_gloss`) with none
        carried from the sentence before: the one mentioned last."""
        if not any(token.low == DROPPED_SUBJECT for token in tokens[begin:end]):
            return None
        last = tracker.last()
        return [last] if last else None

    def _nearest_subject(
        self,
        tokens: list[_Tok],
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
                name = tracker.resolve(token.low)
                return [name] if name else None
            match = names.match_ending(tokens, k)
            if match is not None and not token.possessive:
                start = self._noun_phrase_start(tokens, begin, match[1])
                if start == begin or tokens[start - 1].low in _CONJUNCTIONS:
                    return [match[0]]
        return None

    def _noun_phrase_start(self, tokens: list[_Tok], begin: int, start: int) -> int:
        """Where the noun phrase that ends in a name starting at `start` begins: at an article
        or possessive before it, over up to three lower-case words or words in capitals ("A
        BARTENDER", "Her son LEO", "the old man BEN", "A LITTLE GIRL" found by "GIRL"); else
        at the name."""
        for first in range(start - 1, max(begin, start - 4) - 1, -1):
            token = tokens[first]
            if token.low in _DETERMINERS:
                return first
            if (
                not token.text.isalpha()
                or not (token.text.islower() or token.upper)
                or token.low in self._by_form
            ):
                break
        return start

    def _appositive(
        self,
        tokens: list[_Tok],
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
        tokens: list[_Tok],
        begin: int,
        j: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> list[str] | None:
        token = tokens[j]
        if token.low in ("he", "she"):
            # Not one the clause goes on to name: "He hugs Mark." is not Mark.
            later = _names_from(tokens, j + 1, names, clause=True)
            name = tracker.resolve(token.low, exclude=later)
            return [name] if name else []
        called = tracker.called(token.low)
        if called and all(name in on_stage for name in called):
            return _Group(called)  # "The kids cheer."
        of_them = token.low == "them" and j > begin and tokens[j - 1].low == "of"
        if (
            token.low == "they"
            or (token.low in self._groups and names.match_ending(tokens, j) is None)
            or of_them
        ):
            if token.low in _GROUP_NOUNS and _introduces(tokens, begin, j):
                return []  # "A dozen FRIENDS leap out": new people, none of the cast
            counted = tokens[j - 2].low if of_them and j - 2 >= begin else token.low
            size = _GROUP_SIZES.get(counted)
            if size is not None:
                # "They both stare at her." after Mrs. Patel speaks: the two who are not her.
                acted_on = _object_pronoun(tokens, j + 1)
                aside = tracker.resolve(acted_on, learn=False) if acted_on else None
                group = tracker.group(size, on_stage, aside=[aside] if aside else [])
                return _Everyone(group) if group == list(on_stage) else _Group(group)
            if token.low == "others":
                # "Priya leaves. The others let out a breath.": all but who just acted.
                rest = [name for name in on_stage if name not in tracker.last_doers]
                return _Everyone(rest or on_stage)
            owner = (
                None if token.low == "they" else self._owner_of(tokens, begin, j, names, tracker)
            )
            if owner is not None:
                # "Her friends laugh": everyone but her.
                return _Everyone([name for name in on_stage if name != owner] or on_stage)
            return _Everyone(tracker.they(on_stage) if token.low == "they" else on_stage)
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
                before = _before_an_appositive(tokens, begin, k, names)
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
        if k >= begin and tokens[k].low in _PREPOSITIONS:
            return None  # "looks at Ana and smiles": Ana is an object
        return list(dict.fromkeys(cluster))

    def _owner_of(
        self, tokens: list[_Tok], begin: int, j: int, names: NameIndex, tracker: ReferenceTracker
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
        self, tokens: list[_Tok], verb: _Verb, place: frozenset[str]
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
        for words, change in self._stage_particles:
            if words == ("off",) and entry.verb in _GETTING:
                continue  # "hops off" the swing, "gets off" the bus: off a seat, still here
            if (
                len(after) >= len(words)
                and all(word in ("*", said) for word, said in zip(words, after, strict=False))
                and _ends_a_particle(tokens, first + len(words))
            ):
                return change
        into = 1 if after[:1] == ["into"] else 2 if after[:2] == ["out", "of"] else 0
        if not into:
            return None
        named = [w for w in after[into:] if w not in _DETERMINERS][:2]
        if not named:
            return None
        if named[0] in _SIGHT:
            return "enters" if into == 1 else "exits"  # "walks into view", "out of sight"
        here = named[0] in _ROOMS or any(word in place for word in named)
        if not here and (not place or after[into] not in _DETERMINERS):
            return None  # "runs out of time", or no heading to tell
        return ("enters" if here else "exits") if into == 1 else ("exits" if here else "enters")

    def _emit(
        self,
        tokens: list[_Tok],
        verb: _Verb,
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
        region = tokens[verb.position + 1 : verb.object_end]
        stop = next(
            (i for i, t in enumerate(region) if t.low in (",", "and", "then", "while", "as")),
            len(region),
        )
        region = region[:stop]
        said = verb.position if said_from is None else said_from
        trigger = _said(tokens[said : verb.position + 1 + len(region)])
        person = self._object_person(region, names, tracker, subject)
        degree = self._degree(tokens, said, region)
        if isinstance(subject, _Everyone) and person is None:
            # "They glance over to see her": everyone else looks at her.
            person = self._object_person(region, names, tracker, [])
            if person is not None and person in subject and len(subject) > 1:
                subject = _Everyone(name for name in subject if name != person)
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
            if template.target == "$place" and _each_other(region):
                # "They stare at each other", "gaze into each other's eyes".
                template = replace(template, target="$each_other")
            if (
                template.lexeme in _MUTUAL
                and template.target == "$object"
                and person is None
                and len(subject) == 2
                and (_names_nothing(region) or [t.low for t in region][:1] == ["hands"])
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
                if spec == "$watched":
                    spec = "$place"
                    if seen is None and _names_nothing(region) and not _names_a_place(region):
                        seen = tracker.last(exclude=[name])
                        seen = seen if seen in on_stage else None
                target = self._target(spec, seen, region, name, it)
                if template.channel == "gaze" and (target is None or target == name):
                    continue
                state = template.channel == "posture" and _in_a_state(tokens, verb.position)
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
        region: list[_Tok], names: NameIndex, tracker: ReferenceTracker, subject: list[str]
    ) -> str | None:
        """The person a verb's clause says it is done at: after "at", "toward" or "towards",
        or "to" right after the verb ("nods to Ben"; "sits next to Ben" is no look)."""
        for index, token in enumerate(region[:-1]):
            if not (token.low in _AT or (token.low == "to" and index == 0)):
                continue
            match = names.match_starting(region, index + 1)
            if match is not None:
                return None if region[match[1] - 1].possessive else match[0]
            following = region[index + 1].low
            if following == "her" and not _object_her(region, index + 1):
                continue  # "sinks to her knees": hers, not her
            if following == "them":
                return tracker.last(exclude=subject)
            if following in ("him", "her"):
                return tracker.resolve(following, exclude=subject)
        return None

    def _degree(self, tokens: list[_Tok], said: int, region: list[_Tok]) -> float:
        """How much of the behaviour the words ask for: the lexicon's `degrees` word right
        before the words that say it or an adverb in its clause ("barely smiles", "nods
        vigorously"), or an adjective before a light verb's noun ("a small nod"). The smallest
        below 1 wins, else the largest."""
        lows = [t.low for t in region]
        found: list[float] = []
        if said > 0:
            found.extend(self._degree_at([tokens[said - 1].low], 0, adverb_only=True))
        prefix, hyphen, _ = tokens[said].text.lower().partition("-")
        if hyphen and prefix in _COMPOUND_PREFIXES:
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
        tokens: list[_Tok],
        verb: _Verb,
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
        trigger = _said(tokens[verb.position : verb.object_end])
        start = tokens[verb.position].start
        for template in active.behaviours:
            target = self._target(template.target, patient, region, agent)
            cues.append(ActionCue(agent, template, target, trigger, start))

    def _led(
        self,
        tokens: list[_Tok],
        verb: _Verb,
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
            if token.text in _SENTENCE_BREAK or token.low in _CONJUNCTIONS:
                break
        return None

    def _object_person(
        self,
        region: list[_Tok],
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
                and not _gone_by(region, index, match[1])
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
                        or (token.low == "her" and following in _SMALL_CLAUSE)  # "her go"
                        or (
                            token.low == "her"
                            and (
                                not following
                                or following.endswith("ly")
                                or following in ("close", "closer", "tight")  # "holds her close"
                                or following in _PARTICLES  # "shoves her away", "helps her up"
                                or following in _PREPOSITIONS
                                or following in _ARTICLES  # "hands her the keys"
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
        region: list[_Tok],
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
            if words & _CAMERA:
                return "camera"
            if words & _WAYS and not words & (_DOWN - {"down"}):
                return "away"  # "glances down the corridor": along it, not at the floor
            if words & _DOWN:
                return "down"
            if words & _UP:
                return "up"
            if "it" in words and it is not None:
                return it
            return "away"
        return spec

    def _thing_place(self, tokens: Sequence[_Tok]) -> str | None:
        """Where the last thing `tokens` name is ("the letter": down, "the moon": up, "the
        door": away), or None when they name none; people and body parts are no things."""
        place = None
        for index, token in enumerate(tokens):
            if token.low not in _DETERMINERS or token.named:
                continue
            phrase = []
            for word in tokens[index + 1 : index + 4]:
                if not word.text[:1].isalpha() or word.named or word.low in _ENDS_A_THING:
                    break
                phrase.append(word.low)
            words = set(phrase)
            if not phrase or words & self._no_things:
                continue
            place = "down" if words & _DOWN else "up" if words & _UP else "away"
        return place

    def _learn_gender(
        self, tokens: list[_Tok], mentions: list[tuple[int, str]], tracker: ReferenceTracker
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
            and not (t.low == "her" and _object_her(after, i))
            and not (
                t.low in ("his", "her")
                and i + 2 < len(after)
                and after[i + 1].low in self._parts
                and after[i + 2].low in self._verb_forms
            )
            and not (t.low in ("his", "her") and someone_elses(i))
        }
        if (male := bool(words & _MALE)) == bool(words & _FEMALE):
            return
        gender = "m" if male else "f"
        # Not against what the name tells while someone else may be meant: "Linda peers over
        # his shoulder" is Gary's ("Nora crosses his arms" with no man about: hers).
        if tracker.gender(name) in (None, gender) or not tracker.anyone_else(gender, name):
            tracker.learn(name, gender)

    def _learn_from_introductions(
        self,
        tokens: list[_Tok],
        mentions: list[tuple[int, str]],
        names: NameIndex,
        tracker: ReferenceTracker,
    ) -> None:
        """Genders from introductions: "NOB, 42, male", "CHARYA, a nice Librarian lady",
        "CHALF, NAR, and YOR, each male" for all three, and "her son LEO"; kin: "her brother
        NICK", "GRACE, their mother," (`NameIndex.add_kin`); and roles: "The BRIDE, Nadia
        (30s)," (`NameIndex.add_role`)."""
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
                        and not _owns(tokens[at])
                    )
                ):
                    at -= 1  # "Her little brother, EVAN (9),"
                owner = tokens[at]
                if owner.low == "the":
                    names.add_role(kin.low, name)
                elif _owns(owner) and kin.text.islower():
                    names.add_kin(kin.low, name)
                    if kin.low in _MALE_NOUNS or kin.low in _FEMALE_NOUNS:
                        tracker.learn(name, "m" if kin.low in _MALE_NOUNS else "f")
            noun = tokens[index - 1] if index > 0 else None
            if noun is not None and noun.text.islower() and not noun.glossed:
                if noun.low in _MALE_NOUNS or noun.low in _FEMALE_NOUNS:
                    # "her son LEO": he is a son, and "her" is whom the lines before mean.
                    tracker.learn(name, "m" if noun.low in _MALE_NOUNS else "f")
                    if index > 1 and tokens[index - 2].low in ("his", "her"):
                        tracker.resolve(tokens[index - 2].low, exclude=[name])
                if index > 1 and _owns(tokens[index - 2]):
                    names.add_kin(noun.low, name)
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

    def _learn_description(
        self,
        tokens: list[_Tok],
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
            if len(cluster) == 1 and position > begin and _owns(tokens[position - 1]):
                names.add_kin(low, cluster[0])  # "GRACE (60s), their mother,"
            if len(cluster) == 1 and position == begin + 1 and tokens[begin].low == "the":
                names.add_role(low, cluster[0])  # "NADIA (30s), the bride,"
            if low in _MALE_NOUNS or low in _FEMALE_NOUNS:
                for name in cluster:
                    tracker.learn(name, "m" if low in _MALE_NOUNS else "f")
                return

    def _emotion_faces(
        self,
        tokens: list[_Tok],
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
        tokens: list[_Tok],
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
            trigger = _said(tokens[index : index + len(found.words)])
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
                        everyone=isinstance(who, _Everyone),
                    )
                )
        return feelings

    @staticmethod
    def _feeling_denied(tokens: list[_Tok], lows: list[str], index: int, length: int) -> bool:
        """Whether the words of feeling at `index` are negated: a negation up to three words
        before them ("is not furious", French "n'est pas furieuse", German "nicht wütend"), or
        a Japanese negative ending after a word the glossary left as written (笑わない)."""
        window = range(max(0, index - 3), index)
        if any(lows[j] in NEGATIONS or tokens[j].negates for j in window):
            return True
        return tokens[index].low.startswith(_UNKNOWN) and _negative_ending_after(
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
