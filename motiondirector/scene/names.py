"""Finds known characters' names in free text ("Ana crosses", "BRICK BRADDOCK, retired").

A character is found by its full name, or by its first name when the name has several words,
that first word is unique among the characters and is not an article or title ("THE BOY
BAND" is not found by "the"). Matching is by whole words, case-insensitive, and ignores a
possessive "'s" ("Steel's face").
Chinese and Japanese, written without spaces, are matched character by character ("李明" in
"李明走进来"), a one-character name only standing alone. A name of several words is also
found by its short form, its first or last word written with a capital ("Bob" or "BOB" for
CYBER BOB), when that word names no one else and is not an article, a title, a number or an
age (`short_forms`); a title is one only where it is the whole role ("NURSE" of THE NURSE).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from motiondirector.speech.scripts import marks_as_letters, split_unspaced
from motiondirector.yaml_data import load_yaml

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NOT_A_FIRST_NAME = frozenset(
    {"the", "a", "an", "mr", "mrs", "ms", "miss", "dr", "sir", "mister", "young", "old", "my"}
)
ARTICLES = frozenset({"the", "a", "an"})
# Words before a name that say what someone is ("DR. HELEN SMITH", "DETECTIVE RAY MORENO"): a
# name is compared without them, and none is a short form of a name.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "mister", "madam", "madame", "prof", "professor",
     "doctor", "lady", "lord", "saint", "st", "nurse", "officer", "detective", "det",
     "captain", "capt", "sergeant", "sgt", "judge", "agent", "inspector", "lieutenant", "lt",
     "colonel", "col", "general", "gen", "major", "coach", "father", "sister", "brother",
     "mother", "uncle", "aunt", "reverend", "rev", "pastor", "chief", "mayor", "senator",
     "president", "king", "queen", "prince", "princess", "sheriff", "deputy", "principal",
     "nanny", "grandma", "grandpa", "corporal", "cpl", "private", "pvt", "commander",
     "admiral", "governor", "rabbi", "dame", "ensign", "ceo", "cfo", "coo", "cto", "vp",
     "chairman", "chairwoman", "director", "minister", "ambassador", "bishop", "duke",
     "duchess", "baron", "baroness", "countess", "emperor", "empress", "attorney", "counselor",
     "counsellor", "host", "hostess", "chef", "dj"}
)  # fmt: skip
# Titles a family or a team calls someone by alone ("Grandma", "Coach"): the one name of a
# cast that starts with one is called so.
ADDRESSED_TITLES = frozenset({"grandma", "grandpa", "uncle", "aunt", "nanny", "coach"})
NUMBERS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
     "hundred", "thousand", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
     "eighth", "ninth", "tenth", "1st", "2nd", "3rd", "no", "number", "jr", "sr", "ii", "iii",
     "iv"}
)  # fmt: skip
AGES = frozenset(
    {"young", "younger", "old", "older", "little", "baby", "teen", "teenage", "teenaged",
     "adult", "elderly", "kid", "child", "infant", "toddler", "future", "past"}
)  # fmt: skip
# A name holding one of these words names several people ("PATRONS THREE AND FOUR").
GROUP_WORDS = frozenset({"and", "&", "or"})


# Bidirectional marks, zero-width characters and byte-order marks: an editor of right-to-left
# text puts them around names, and they are not part of the name.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067"
        "\u2068\u2069\ufeff",
    )
)


def clean_name(name: str) -> str:
    """A character's name without invisible characters ("\u200fأحمد" is أحمد) and with single
    spaces, so that one character has one name."""
    return " ".join(name.translate(_INVISIBLE).split())


def name_words(text: str) -> list[str]:
    """The words of `text`, case-folded, without a possessive 's; a word keeps its vowel
    signs (राम is one word, not र and म)."""
    folded = text.casefold()
    words = []
    for match in _WORD.finditer(marks_as_letters(folded)):
        word = folded[match.start() : match.end()]
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        words.append(word)
    return words


def owner_words(name: str) -> tuple[str, ...]:
    """The words of whose someone a name calls them, up to its possessive: "TEO'S MOTHER" ->
    (teo,), someone else; empty for a name without one."""
    words = name_words(name)
    spelled = name.casefold().split()
    for index, word in enumerate(spelled[:-1]):
        if word.endswith(("'s", "’s", "s'", "s’")):
            return tuple(words[: index + 1])
    return ()


def significant_words(name: str, *, titles: bool = True) -> tuple[str, ...]:
    """The words of a name without a leading article ("THE DOG" -> dog), lower case; without
    its leading titles too when `titles` is False ("DR. JOHN SMITH" -> john, smith)."""
    words = name_words(name)
    while len(words) > 1 and (words[0] in ARTICLES or (not titles and words[0] in TITLES)):
        words = words[1:]
    return tuple(words)


def is_group_name(name: str) -> bool:
    return any(word in GROUP_WORDS for word in name_words(name.replace("&", " and ")))


def _can_be_short(word: str) -> bool:
    return (
        len(word) > 1
        and not word.isdigit()
        and word not in ARTICLES
        and word not in TITLES
        and word not in NUMBERS
        and word not in AGES
        and word not in GROUP_WORDS
    )


def short_forms(names: Iterable[str]) -> dict[str, str]:
    """One-word short forms of names of several words: lower-case word -> name. A word is a
    short form when it is the first or last significant word of exactly one name ("DOG" of
    "THE DOG", "OKAFOR" of "DR. OKAFOR" too), is not a whole name itself and is not an article,
    a title, a number or an age -- but the title of a role named by it alone ("NURSE" of
    "THE NURSE", found as "A NURSE enters"), and a title a family calls someone by ("Grandma"
    of "GRANDMA ROSE", `ADDRESSED_TITLES`)."""
    unique = list(dict.fromkeys(names))
    whole = {words[0] for words in map(name_words, unique) if len(words) == 1}
    owners: dict[str, set[str]] = {}
    roles: set[str] = set()
    for name in unique:
        if is_group_name(name):
            continue
        words = significant_words(name, titles=False)
        if len(words) < 2 and len(name_words(name)) < 2:
            continue  # "BOB" has no shorter form; "THE DOG" (found as "A DOG" too) and
            # "DR. OKAFOR" ("Okafor") do
        if len(words) == 1 and words[0] in TITLES:
            roles.add(words[0])
        addressed = name_words(name)[0]
        if addressed in ADDRESSED_TITLES:
            roles.add(addressed)
            owners.setdefault(addressed, set()).add(name)
        # "Teo" is not TEO'S MOTHER: a possessive names someone else.
        for word in {words[-1]} if owner_words(name) else {words[0], words[-1]}:
            owners.setdefault(word, set()).add(name)
    return {
        word: next(iter(named))
        for word, named in sorted(owners.items())
        if len(named) == 1 and word not in whole and (_can_be_short(word) or word in roles)
    }


class NameMatcher:
    """Finds which of a set of names a text mentions, in order of first mention."""

    def __init__(self, names: Iterable[str]) -> None:
        # first word -> [(all words, name)], longest first so "ANA LOPEZ" beats "ANA".
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        unique_names = list(dict.fromkeys(names))
        spelled = {name: tuple(w for w, _, _ in _spelled(name)) for name in unique_names}
        first_words = [words[0] for words in spelled.values() if words]
        full_single = {words[0] for words in spelled.values() if len(words) == 1}
        for name, words in spelled.items():
            if not words:
                continue
            self._by_first.setdefault(words[0], []).append((words, name))
            first = words[0]
            if (
                len(words) > 1
                and len(first) > 1
                and first not in _NOT_A_FIRST_NAME
                and first_words.count(first) == 1
                and first not in full_single
            ):
                self._by_first[first].append(((first,), name))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        # Short forms found only when written with a capital: "a steel door" is not STEEL.
        self._short = {
            word: name
            for word, name in short_forms(unique_names).items()
            if word not in self._by_first
        }

    def mentions(self, text: str) -> list[str]:
        spelled_text = _spelled(text)
        words = [word for word, _, _ in spelled_text]
        found: dict[str, None] = {}
        capitals = [capital for _, capital, _ in spelled_text]
        for index, word in enumerate(words):
            for spelled, name in self._by_first.get(word, ()):
                # A name of one Chinese or Japanese character is found only standing alone:
                # "明" is not in "明天".
                if len(spelled) == 1 and not spelled_text[index][2]:
                    continue
                if tuple(words[index : index + len(spelled)]) == spelled:
                    found.setdefault(name, None)
                    break
            else:
                short = self._short.get(word)
                if short is not None and capitals[index]:
                    found.setdefault(short, None)
        return list(found)


def _spelled(text: str) -> list[tuple[str, bool, bool]]:
    """(word, written with a capital, a whole word) for each word of `text`, as `name_words`
    reads it, except that a run of Chinese or Japanese, written without spaces, is a word per
    character (so "李明" is found in "李明走进来"); those words are not whole words."""
    words = name_words(text)
    capitals = [text[m.start()].isupper() for m in _WORD.finditer(marks_as_letters(text))]
    if len(capitals) != len(words):  # case folding split a word: no short forms
        capitals = [False] * len(words)
    spelled: list[tuple[str, bool, bool]] = []
    for word, capital in zip(words, capitals, strict=True):
        parts = split_unspaced(word)
        whole = len(parts) == 1
        spelled.extend((part, capital and whole, whole) for part in parts)
    return spelled


@cache
def person_nouns() -> frozenset[str]:
    """Nouns that name a person ("nurse", "suspect", "man"): `data/person_nouns.yaml`."""
    text = resources.files("motiondirector.scene").joinpath("data", "person_nouns.yaml")
    return frozenset(load_yaml(text.read_text("utf-8"))["people"])
