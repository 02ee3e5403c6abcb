"""Who the characters of a screenplay are: one name per person, from the cues and the action.

The rule (docs/input-formats.md, "Characters"):

1. Every cue names a character, without its extensions ("BOB (V.O.)", "BOB (INTO PHONE)" and
   "BOB (CONT'D)" are BOB), even a cue with only a parenthetical under it.
2. A name is a short form of a longer one when its words begin or end the longer name's words
   (titles and articles aside) and the words it lacks are not a number or an age: "BOB" of
   "CYBER BOB", "BRICK" of "BRICK BRADDOCK", "SMITH" of "DR. SMITH", but not "GUARD" of
   "GUARD 2" nor "BOB" of "YOUNG BOB". A name joins the one longer name it is a short form
   of; a name that fits two longer names, or a group ("PATRONS THREE AND FOUR"), joins none.
3. The names compared are the cues and the introductions in the action: words in capitals
   ("CYBER BOB, 40, a white man") and capitalised names inside a sentence ("the Dragon").
4. A person with cues is named by the cue used most often (then the shorter, then the first).
5. A person without cues is a character when an action line names it as the subject of
   something it does ("A DOG barks", "MARY enters"), or when it is introduced with an age or
   a description ("NOB, 42,", "A NURSE (30s)"). Something after an article, or a capital that
   only ever starts a sentence, must do what things do not ("The DOOR SLAMS" is no one; "The
   Dragon frowns" is), unless its name ends in a word for a person ("A NURSE enters"). It is
   named by its shortest name, after "THE" when it was introduced after an article ("THE DOG",
   "THE DRAGON"). Crowds ("A CROWD OF REPORTERS") are no character.

It must not decide anything about time or behaviour: it renames speakers and lists the cast.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from motiondirector.planners.cues import load_cue_lexicon, verb_forms
from motiondirector.scene.elements import ParsedScript, RawAction, RawTurn
from motiondirector.scene.language import words_language
from motiondirector.scene.markup import blank_asides
from motiondirector.scene.name_genders import is_given_name
from motiondirector.scene.names import (
    AGES,
    ARTICLES,
    NUMBERS,
    TITLES,
    is_group_name,
    owner_words,
    person_nouns,
    significant_words,
)

if TYPE_CHECKING:
    from motiondirector.planners.actions import ActionParser

# Verbs that say something alive does something, beyond the planner's action verbs: an animal
# that barks or a stranger who whispers is on stage even when no behaviour follows from it.
LIVING_VERBS = (
    "bark", "growl", "meow", "purr", "neigh", "whinny", "moo", "bleat", "yelp", "whimper",
    "snarl", "wag", "say", "speak", "talk", "whisper", "shout", "yell", "scream", "mutter",
    "murmur", "sing", "hum", "eat", "drink", "sleep", "read", "write", "dance", "yawn", "cough",
    "sneeze", "blink", "listen", "breathe", "kiss", "smoke", "grab", "climb", "crawl", "fidget",
)  # fmt: skip

# Verbs of the action lexicon that things do too ("The DOOR SLAMS", "The CAR races off"): a
# thing introduced after an article is no character by these alone.
THINGS_DO_TOO = frozenset(
    {"fall", "drop", "rise", "turn", "spin", "roll", "slam", "bang", "pound", "shake", "stop",
     "stay", "freeze", "race", "rush", "run", "dash", "approach", "enter", "exit", "leave",
     "emerge", "back", "hang", "lower", "raise", "cross", "stand", "lean", "jump", "hop",
     "collapse", "cover", "hold", "put", "place", "pump", "flick", "toss", "tilt", "face",
     "step", "point", "wave", "sit", "wait", "get", "slump", "count", "relax", "bury", "groan",
     "swallow", "crack", "stretch", "grumble", "hide",
     "lumber", "glide", "bolt", "skip", "flip", "hum", "blink", "flash", "sway", "swing",
     "pour", "hit", "strike", "lash", "sweep", "hiss", "fill", "flicker", "rattle", "howl",
     "whistle", "drip", "soak", "beat", "knock", "sink", "pull", "stream", "spill", "be",
     "beam", "scream", "shriek"}
)  # fmt: skip
# An age in brackets after a name ("A NURSE (30s)", "BEN (mid-40s)", "KIM (17)"): read as the
# ", 30s," of an introduction, which says someone is described.
_AGE_ASIDE = re.compile(r"\(\s*(?:(?:early|mid|late)[\s-]*)?(\d{1,3}s?)\s*\)", re.IGNORECASE)
_AGE_WORD = re.compile(r"\d{1,3}s?")  # "50s", "17": the age such an aside leaves
_TOKEN = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?|[^\w\s]")
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", '"', "“", "”"})
# Capitals that are film grammar or emphasis, never a name.
_NOT_NAMES = frozenset(
    {"int", "ext", "est", "pov", "cu", "ecu", "ms", "ws", "os", "o.s", "vo", "v.o", "cont'd",
     "contd", "aka", "sfx", "vfx", "fx", "insert", "super", "title", "titles", "card",
     "flashback", "montage", "series", "shots", "intercut", "cut", "fade", "dissolve", "smash",
     "match", "end", "later", "continuous", "moments", "day", "night", "morning", "evening",
     "back", "scene", "close", "angle", "on", "wide", "shot", "tv", "ok", "okay", "i", "bam",
     "boom", "bang", "crash", "thud", "whoosh", "beep", "ring", "knock"}
)  # fmt: skip
# Capitalised words that start a phrase but are no names ("Then Mary sits", "But ...").
_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "then", "and", "but", "or", "so", "yet", "as", "if", "when", "while",
     "he", "she", "they", "it", "we", "you", "i", "his", "her", "their", "its", "our", "my",
     "your", "this", "that", "these", "those", "there", "here", "what", "who", "oh", "yes",
     "no", "now", "not", "all", "some", "every", "each", "both", "everyone", "everybody",
     "someone", "somebody", "nobody", "nothing", "something", "suddenly", "finally", "later",
     "meanwhile", "also", "still", "just", "even", "only", "with", "without", "from", "into",
     "at", "to", "in", "on", "of", "for", "by", "after", "before", "until", "once", "again",
     "inside", "outside", "nearby", "upstairs", "downstairs", "above", "below", "behind",
     "across", "somewhere", "elsewhere", "everywhere", "around", "beyond", "neither",
     "either", "none", "anyone", "anybody", "another", "others", "several", "many", "few",
     "next", "near", "beside", "opposite", "between", "among", "amid", "through", "over",
     "under", "underneath", "beneath", "along", "against", "toward", "towards", "past",
     "within", "during", "despite", "instead", "off", "out", "up", "down"}
)  # fmt: skip
_POSSESSIVES = frozenset({"his", "her", "their", "its", "our", "my", "your"})
# A name with one of these words is many people ("A CROWD OF REPORTERS", "MANY OTHER PATRONS").
_CROWD_WORDS = frozenset(
    {"of", "crowd", "group", "team", "gang", "mob", "army", "audience", "band", "many",
     "several", "some", "other", "others", "all", "everyone", "people", "kids", "children",
     "men", "women", "guys", "friends", "family", "couple", "pair", "trio", "dozen",
     "hundreds", "dozens", "crew", "staff", "patrons", "guests", "students", "soldiers",
     "passersby", "passers-by", "onlookers", "bystanders"}
)  # fmt: skip
_LONGEST_NAME = 6  # words
_MOST_NAMES = 2000  # distinct introductions weighed per script
_REMEMBERED = 16  # recent names a pronoun may point back to while the cast is found
_ADJECTIVES_REACH = 3  # "A black CAT": lower-case words between an article and a name


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a person is written: a cue or an introduction."""

    name: str  # upper case, without a leading article
    words: tuple[str, ...]  # significant words, lower case
    after_article: bool = False
    described: bool = False  # "MARY, 30s," / "REX, a scruffy terrier,": an introduction
    # A capital at the start of a sentence only ("Thrain turns."): it may be any word.
    initial: bool = False


@dataclass
class _Person:
    forms: list[_Form]
    cues: Counter[str]
    first_cue: dict[str, int]


@cache
def action_reader() -> ActionParser:
    # Imported here: the action reader imports scene.names, which loads this package.
    from motiondirector.planners.actions import ActionParser

    more = {form: verb for verb in LIVING_VERBS for form in sorted(verb_forms(verb))}
    return ActionParser(load_cue_lexicon(), more_verbs=more)


def resolve_cast(script: ParsedScript) -> ParsedScript:
    """`script` with every speaker under its character's name and `cast` filled in."""
    turns = [e for e in script.elements if isinstance(e, RawTurn)]
    actions = [e for e in script.elements if isinstance(e, RawAction) and not e.centered]
    cue_order = list(dict.fromkeys(turn.speaker for turn in turns))
    cue_counts = Counter(turn.speaker for turn in turns)
    verbs = action_reader().verb_forms()
    introductions: list[_Form] = []
    seen: set[tuple[str, ...]] = set()
    for action in actions:
        for form in introductions_in(action.text, verbs):
            # Past the first few thousand names, more are read as mentions only: the cost of
            # finding the cast stays in proportion to the script, whatever its capitals.
            if form.words in seen or len(seen) < _MOST_NAMES:
                seen.add(form.words)
                introductions.append(form)
    declared = list(script.declared_characters)
    named = [*declared, *(cue for cue in cue_order if cue not in declared)]
    cue_forms = [_Form(name, _cue_words(name)) for name in named]
    people = _group([*cue_forms, *introductions], cue_counts, named)
    speaker_of: dict[str, str] = {}
    candidates: dict[str, _Person] = {}
    for person in people:
        if person.cues:
            # A name the caller declares stays as it is; a cue is renamed.
            given = [name for name in declared if name in person.cues]
            name = given[0] if given else _cue_name(person)
            speaker_of.update(dict.fromkeys(person.cues, name))
        else:
            candidates[_action_name(person)] = person
    language = script.language or words_language(script)
    acts = _actors(actions, list(dict.fromkeys(speaker_of.values())), candidates, language)
    lower_words = {
        word for action in actions for word in re.findall(r"\b[a-z][\w'’\-]*", action.text)
    }
    cast = [
        *dict.fromkeys(speaker_of[cue] for cue in named),
        *(
            name
            for name, person in candidates.items()
            if _is_actor(person, acts.get(name, ()), lower_words)
        ),
    ]
    elements = tuple(
        replace(e, speaker=speaker_of[e.speaker])
        if isinstance(e, RawTurn) and speaker_of[e.speaker] != e.speaker
        else e
        for e in script.elements
    )
    return replace(script, elements=elements, cast=tuple(cast))


def introductions_in(text: str, verbs: frozenset[str] = frozenset()) -> list[_Form]:
    """Names an action line introduces: runs of words in capitals ("CYBER BOB", "An EXTREMELY
    HANDSOME MAN") and capitalised words inside a sentence ("the Dragon"), without film
    grammar, emphasised verbs (`verbs`) or a leading adverb."""
    tokens = _without_nickname_quotes(_tokens(text))
    # A line all in capitals (a multi-camera script's action, "HE STORMS OUT.") sets no name
    # apart: its runs of capitals are split as sentences are, at "HE", "AND", "THE".
    shouted = _in_capitals(tokens)
    forms: list[_Form] = []
    index = 0
    while index < len(tokens):
        if _is_capitals(tokens[index]):
            end = index
            while end < len(tokens) and (
                _is_capitals(tokens[end]) or (end > index and tokens[end].isdigit())
            ):
                end += 1
            if _role_of_a_name(tokens, index, end) or _role_after_an_age(tokens, index, end):
                index = end
                continue
            found = _capitals_form(tokens, index, end, verbs, shouted)
            forms.extend(_described(found, tokens, end))
            index = end
        elif _is_title_case(tokens[index]):
            end = index
            while end < len(tokens) and _is_title_case(tokens[end]):
                end += 1
            forms.extend(_described(_title_case_form(tokens, index, end, verbs), tokens, end))
            index = end
        else:
            index += 1
    return forms


def _role_of_a_name(tokens: Sequence[str], start: int, end: int) -> bool:
    """Whether the capitals at `tokens[start:end]` are what the name after them is, not a
    person of their own: "The BRIDE, Nadia (30s), waits" is Nadia, "A hooded RANGER, KAEL
    (30s), sits" Kael."""
    if end - start != 1 or not _after_article(tokens, start):
        return False
    if tokens[start].lower() not in person_nouns():
        return False
    name = end + 1
    if name >= len(tokens) or _previous(tokens, name) != ",":
        return False
    if not (_is_capitals(tokens[name]) or _is_title_case(tokens[name])):
        return False
    while name < len(tokens) and (_is_capitals(tokens[name]) or _is_title_case(tokens[name])):
        name += 1
    return name < len(tokens) and tokens[name] == ","


def _role_after_an_age(tokens: Sequence[str], start: int, end: int) -> bool:
    """Whether the capitals at `tokens[start:end]` say what the person introduced before them
    is, set off by commas after their age: "VICTORIA HALE (50s), CEO, sits" is Victoria."""
    before = start - 1
    while before > 0 and tokens[before] == "," and tokens[before - 1] == ",":
        before -= 1  # "(50s)," is read ", 50s, ,"
    return (
        before >= 1
        and tokens[before] == ","
        and _AGE_WORD.fullmatch(tokens[before - 1]) is not None
        and end < len(tokens)
        and tokens[end] == ","
        and (end + 1 >= len(tokens) or tokens[end + 1].lower() not in ("and", "&"))
        # Not one introduced in turn: "MILES (20s), WALTER (60s), and ANA".
        and (end + 1 >= len(tokens) or _AGE_WORD.fullmatch(tokens[end + 1]) is None)
    )


def _tokens(text: str) -> list[str]:
    """Words and punctuation; a title keeps its full stop ("MRS." "ROBINSON")."""
    tokens: list[str] = []
    for token in _TOKEN.findall(blank_asides(_AGE_ASIDE.sub(r", \1,", text))):
        if token == "." and tokens and tokens[-1].lower() in TITLES:
            tokens[-1] += "."
        else:
            tokens.append(token)
    return tokens


def _without_nickname_quotes(tokens: list[str]) -> list[str]:
    """ROBERT "BOBBY" DALE -> BOBBY ROBERT DALE: the nickname begins the name, so it is one of
    its short forms."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        quoted = tokens[index : index + 4]
        if (
            quoted[0] in ('"', "“")
            and len(quoted) == 4
            and out
            and _is_capitals(out[-1])
            and _is_capitals(quoted[1])
            and quoted[2] in ('"', "”")
            and _is_capitals(quoted[3])
        ):
            first = len(out)
            while first > 0 and _is_capitals(out[first - 1]):
                first -= 1
            out[first:first] = [quoted[1]]
            out.append(quoted[3])
            index += 4
            continue
        out.append(tokens[index])
        index += 1
    return out


def _described(forms: list[_Form], tokens: Sequence[str], end: int) -> list[_Form]:
    """The last form marked when a description follows it: ", 30s", ", a scruffy terrier"."""
    following = [t.lower() for t in tokens[end : end + 2]]
    if (
        forms
        and len(following) == 2
        and following[0] == ","
        and (following[1][:1].isdigit() or following[1] in ("a", "an"))
    ):
        forms[-1] = replace(forms[-1], described=True)
    return forms


def _word(token: str) -> str:
    token = token.rstrip(".")
    for suffix in ("'s", "’s", "'S", "’S"):
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _name_word(token: str) -> str:
    """`token` as a word of a name: in capitals, a title with its full stop ("MR." of "Mr."),
    as a cue writes it, so that MR. NGUYEN of the action is MR. NGUYEN of the cues."""
    word = _word(token).upper()
    return f"{word}." if token.endswith(".") and word.lower() in TITLES else word


def _is_capitals(token: str) -> bool:
    return _shape(token) == "capitals"


def _is_title_case(token: str) -> bool:
    return _shape(token) == "title"


_MAX_CACHED_TOKEN = 48
"""Longer tokens are not kept by `_shape`'s cache: the tokens are the caller's, and distinct
long ones would hold memory that only the entry count bounds."""


def _shape(token: str) -> str:
    """ "capitals" (MARY, O'BRIEN), "title" (Mary, not a function word) or "other"."""
    return _cached_shape(token) if len(token) <= _MAX_CACHED_TOKEN else _token_shape(token)


def _token_shape(token: str) -> str:
    if not token[:1].isupper():
        return "other"
    word = _word(token)
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2:
        return "other"
    if all(c.isupper() for c in letters):
        return "capitals"
    return "other" if word.lower() in _FUNCTION_WORDS else "title"


_cached_shape = lru_cache(maxsize=65536)(_token_shape)


def _previous(tokens: Sequence[str], index: int) -> str:
    return tokens[index - 1] if index > 0 else ""


def _after_article(tokens: Sequence[str], start: int) -> bool:
    """An article before the name, perhaps with lower-case words between ("A black CAT")."""
    for index in range(start - 1, max(-1, start - 2 - _ADJECTIVES_REACH), -1):
        word = tokens[index]
        if word.lower() in ARTICLES:
            return True
        if not word[:1].islower():
            return False
    return False


def _in_capitals(tokens: Sequence[str]) -> bool:
    """Whether a line of at least three words has every letter in capitals."""
    words = [token for token in tokens if token[:1].isalpha()]
    return len(words) >= 3 and all(_is_capitals(word) or len(word) == 1 for word in words)


def _capitals_form(
    tokens: Sequence[str], start: int, end: int, verbs: frozenset[str], shouted: bool = False
) -> list[_Form]:
    after_article = _after_article(tokens, start)
    forms: list[_Form] = []
    run: list[str] = []
    owned = False  # past a possessive: "ROSA'S APARTMENT" names Rosa, not an apartment
    not_names = _NOT_NAMES | (_FUNCTION_WORDS - ARTICLES) if shouted else _NOT_NAMES
    for token in [*tokens[start:end], ""]:
        word = _name_word(token) if token else ""
        if word and word.lower() not in not_names:
            if not owned:
                run.append(word)
                owned = _word(token) != token.rstrip(".")
            continue
        form = _trimmed(run, verbs, after_article)
        if form is not None:
            forms.append(form)
        run, after_article, owned = [], False, False
    return forms


def _title_case_form(
    tokens: Sequence[str], start: int, end: int, verbs: frozenset[str]
) -> list[_Form]:
    before = _previous(tokens, start)
    # "Silence falls.": a capital at the start of a sentence may be any word (see _is_actor).
    initial = start == 0 or before in _SENTENCE_END
    if before.lower() in _POSSESSIVES or any(_word(t) != t.rstrip(".") for t in tokens[start:end]):
        return []  # "her Unicorn horn", "Mom's car": a thing that belongs to someone
    if initial and end - start == 1 and _opens_a_participle(tokens, start):
        return []  # "Having taken it, he ...", "Seeing this, Ben laughs": no one
    # "Then Mary sits", "The Dragon frowns": the sentence starts with a word that is no name.
    article = _after_article(tokens, start)
    form = _trimmed([_name_word(t) for t in tokens[start:end]], verbs, article)
    return [replace(form, initial=initial)] if form is not None else []


def _opens_a_participle(tokens: Sequence[str], start: int) -> bool:
    """Whether the word at `start`, which opens a sentence, is a present participle opening a
    phrase before the subject: an -ing word followed by a lower-case word ("Having taken it,",
    "Turning to Ana,"); a name ends so rarely ("Sterling walks in" would be missed only where
    it is never named elsewhere in the action)."""
    word = tokens[start]
    following = tokens[start + 1] if start + 1 < len(tokens) else ""
    return (
        len(word) > 5
        and word.lower().endswith("ing")
        and not word.isupper()
        and following[:1].islower()
    )


def _many_people(word: str) -> bool:
    """Whether `word` is the plural of a word for a person ("Customers lie face down",
    "PASSENGERS"): a crowd, no character."""
    nouns = person_nouns()
    if word in nouns or not word.endswith("s"):
        return False
    return word[:-1] in nouns or (word.endswith("es") and word[:-2] in nouns)


def _trimmed(words: list[str], verbs: frozenset[str], after_article: bool) -> _Form | None:
    """A form without a leading article or adverb in capitals ("EXTREMELY") and without
    trailing verbs in capitals ("MARY SCREAMS")."""
    words = list(words)
    while words and words[0].lower() in ARTICLES:
        words.pop(0)
        after_article = True
    while words and words[0].lower().endswith("ly") and len(words) > 1:
        words.pop(0)
    while words and words[-1].lower() in verbs:
        words.pop()
    if not words or len(words) > _LONGEST_NAME:
        return None  # a line shouted in capitals is no name
    if all(w.lower() in NUMBERS or w.isdigit() for w in words):
        return None
    if any(w.lower() in _CROWD_WORDS for w in words) or _many_people(words[-1].lower()):
        return None
    name = " ".join(words)
    return _Form(name, significant_words(name), after_article)


def _is_short_form(short: _Form, long: _Form) -> bool:
    """`short`'s words begin or end `long`'s (leading titles aside: "JOHN" of "DR. JOHN
    SMITH"), and what it lacks is no number or age ("YOUNG BOB" is not BOB) but for an age
    said of a person ("OLD MAN WALTER" is WALTER)."""
    a = short.words
    for b in dict.fromkeys((long.words, significant_words(long.name, titles=False))):
        if not a or len(a) >= len(b):
            continue
        if b[: len(a)] == a:
            if owner_words(long.name) == a:
                continue  # "TEO" is not TEO'S MOTHER
            extra = b[len(a) :]
        elif b[-len(a) :] == a:
            extra = b[: -len(a)]
        else:
            continue
        described = bool(extra) and extra[-1] in person_nouns()
        if not any(w in NUMBERS or (w in AGES and not described) or w.isdigit() for w in extra):
            return True
    return False


def _group(forms: list[_Form], cue_counts: Counter[str], cue_order: list[str]) -> list[_Person]:
    """One person per maximal form; a form joins the only maximal form it is short for. Two
    cues are never one person by their words alone ("ANA B" and "ANA-B" stay two)."""
    cues = set(cue_order)
    by_words: dict[tuple[str, ...], str] = {}
    for cue in cue_order:
        by_words.setdefault(_cue_words(cue), cue)
    distinct: dict[str, _Form] = {}  # key: a cue's name, or an introduction's words
    key_of: list[str] = []
    for form in forms:
        if form.name in cues and form.words == _cue_words(form.name):
            key = "cue:" + form.name
        elif form.words in by_words:
            key = "cue:" + by_words[form.words]
        else:
            key = "words:" + " ".join(form.words)
        distinct.setdefault(key, form)
        key_of.append(key)
    usable = {key: form for key, form in distinct.items() if not is_group_name(form.name)}
    # Longer forms by the words they begin or end with: a lookup each, never all pairs.
    ends: dict[tuple[str, ...], list[str]] = {}
    for key, form in usable.items():
        for spelled in dict.fromkeys((form.words, significant_words(form.name, titles=False))):
            for size in range(1, len(spelled)):
                ends.setdefault(spelled[:size], []).append(key)
                ends.setdefault(spelled[-size:], []).append(key)
    longer = {
        key: [
            other
            for other in dict.fromkeys(ends.get(form.words, ()))
            if _is_short_form(form, usable[other])
        ]
        for key, form in usable.items()
    }
    maximal = {key for key in usable if not longer[key]}
    owner: dict[str, str] = {}
    for key in distinct:
        if key not in usable or not longer[key]:
            owner[key] = key
            continue
        roots = [root for root in longer[key] if root in maximal]
        owner[key] = roots[0] if len(roots) == 1 else key
    people: dict[str, _Person] = {}
    for form, key in zip(forms, key_of, strict=True):
        person = people.setdefault(owner[key], _Person([], Counter(), {}))
        person.forms.append(form)
    for index, cue in enumerate(cue_order):
        person = people[owner["cue:" + cue]]
        person.cues[cue] = cue_counts[cue]
        person.first_cue[cue] = index
    return list(people.values())


def _cue_words(cue: str) -> tuple[str, ...]:
    return significant_words(cue) or (cue.casefold(),)


def _cue_name(person: _Person) -> str:
    """The cue used most often, then the shorter, then the first."""
    return min(
        person.cues,
        key=lambda cue: (-person.cues[cue], len(cue.split()), person.first_cue[cue]),
    )


def _action_name(person: _Person) -> str:
    """A role met after an article is called by it ("A WAITER" is THE WAITER); a given name
    stays a name ("A tipsy DEB (40s)" is DEB)."""
    shortest = min(person.forms, key=lambda form: len(form.words))
    role = person.forms[0].after_article and not (
        len(shortest.words) == 1 and is_given_name(shortest.words[0])
    )
    return f"THE {shortest.name}" if role else shortest.name


def _is_actor(person: _Person, verbs: Sequence[str], lower_words: set[str]) -> bool:
    """Whether a person of the action alone is a character.

    Introduced as someone ("THRAIN, a brown Unicorn mare", "NOB, 42,"), a name is one; a name
    that does anything is one; but something after an article ("The DOOR SLAMS"), or a word
    only ever capitalised at the start of a sentence ("Silence falls"), must do what things do
    not ("The Dragon frowns", "Thrain smiles"), unless its last word names a person ("A NURSE
    enters", "A SUSPECT bolts and runs"; `data/person_nouns.yaml`)."""
    forms = person.forms
    if any(form.described and not form.after_article for form in forms):
        return True
    if not verbs:
        return False
    initial_only = all(form.initial for form in forms)
    if initial_only and any(word in lower_words for form in forms for word in form.words):
        return False  # "Fire appears ... fire": a word, not a name
    if any(form.described for form in forms) and not initial_only:
        return True
    if not forms[0].after_article and not initial_only:
        return True
    if any(form.name.split()[-1].lower() in person_nouns() for form in forms):
        return True
    return any(verb not in THINGS_DO_TOO for verb in verbs)


def _actors(
    actions: list[RawAction],
    speakers: list[str],
    candidates: dict[str, _Person],
    language: str | None,
) -> dict[str, list[str]]:
    """What each candidate does where an action line (in `language`, see
    `planners.action_gloss`) names it as the subject."""
    if not candidates:
        return {}
    from motiondirector.planners.actions import NameIndex, ReferenceTracker

    aliases = {form.name: name for name, person in candidates.items() for form in person.forms}
    names = NameIndex([*speakers, *candidates], aliases)
    tracker = ReferenceTracker(keep=_REMEMBERED)
    actors: list[tuple[str, str]] = []
    parser = action_reader()
    for action in actions:
        parser.parse(action.text, names, tracker, (), actors=actors, language=language)
    verbs: dict[str, list[str]] = {}
    for name, verb in actors:
        verbs.setdefault(name, []).append(verb)
    return verbs
