"""Which words of an action line name a character: first, last and full names in any case, the
short forms of names, and the roles and kin an introduction teaches ("Her brother NICK").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import pairwise

from motiondirector.planners.actions.tokens import Tok, owns, split_sentences, tokenize
from motiondirector.planners.actions.words import ARTICLES
from motiondirector.scene.names import TITLES, person_nouns, short_forms


def _words(name: str) -> tuple[str, ...]:
    """A name's words as an action line's are read (`tokenize`): lower case, a hyphenated
    word whole, a possessive 's removed ("TEO'S MOTHER" is teo, mother), no stops."""
    return tuple(token.low for token in tokenize(name) if token.low[:1].isalnum())


# What someone is to someone else, learnt from an introduction ("Her brother NICK", "GRACE,
# their mother,"): "her brother" and "his mother" name them after that (`NameIndex.add_kin`).
_KIN = frozenset(
    {"father", "dad", "husband", "son", "brother", "uncle", "grandfather", "grandpa",
     "grandson", "nephew", "stepson", "stepfather", "boyfriend", "fiance", "mother", "mom",
     "mum", "wife", "daughter", "sister", "aunt", "grandmother", "grandma", "granddaughter",
     "niece", "stepdaughter", "stepmother", "girlfriend", "fiancee", "fiancée", "cousin",
     "partner", "boss", "assistant", "friend"}
)  # fmt: skip


# What a family calls someone, and the kin words that name them after a possessive: MOM is
# "his mother", GRANDPA JOE "her grandfather".
_CALLED_BY_FAMILY = {
    "mom": ("mother", "mom", "mum"), "mum": ("mother", "mom", "mum"), "ma": ("mother",),
    "mama": ("mother",), "dad": ("father", "dad"), "pa": ("father",), "papa": ("father",),
    "grandpa": ("grandfather", "grandpa"), "granddad": ("grandfather", "grandpa"),
    "grandma": ("grandmother", "grandma"), "granny": ("grandmother", "grandma"),
    "nana": ("grandmother", "grandma"),
}  # fmt: skip


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
        self._roles = {_words(r) for r in roles}
        self._names: list[tuple[tuple[str, ...], str]] = []
        for name in characters:
            words = _words(name)
            if words:
                self._names.append((words, name))
        known = {words for words, _ in self._names}
        self._whole = frozenset(known)  # the characters' own names
        for alias, name in (aliases or {}).items():
            words = _words(alias)
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
        for name in characters:
            called = [w for w in _words(name) if w not in ARTICLES]
            for noun in _CALLED_BY_FAMILY.get(called[0], ()) if called else ():
                key = (noun,)
                if key not in known:
                    self._kin[key] = name if self._kin.get(key, name) == name else None
        # What someone is, learnt while reading (`add_role`) or from the title their name
        # opens with ("MAYOR BRENNAN" is "the mayor"): a name only after "the".
        self._what: dict[tuple[str, ...], str | None] = {}
        for name in characters:
            words = _words(name)
            role = _TITLE_ROLES.get(words[0]) if len(words) > 1 else None
            if role is not None:
                key = (role,)
                self._what[key] = name if self._what.get(key, name) == name else None
            if len(words) > 2 and words[0] in ARTICLES:
                # A role described: THE TEENAGE BOY is "the boy", THE OLD MAN "the man".
                key = (words[-1],)
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

    def add_role(self, noun: str, name: str, *, named: bool = False) -> None:
        """`name` is the `noun` the script introduced them as ("NADIA (30s), the bride,"): "the
        bride" names her from now on; a noun said of two characters names neither. The noun
        must name a person, unless the script gave it a name (`named`: "A DOG named BISCUIT")."""
        if (named or noun in person_nouns()) and noun not in _KIN:
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

    def match_ending(self, tokens: Sequence[Tok], end: int) -> tuple[str, int] | None:
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

    def match_starting(self, tokens: Sequence[Tok], start: int) -> tuple[str, int] | None:
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

    def _match(self, tokens: Sequence[Tok], start: int, length: int) -> str | None:
        words = tuple(token.low for token in tokens[start : start + length])
        what = self._what.get(words)
        if what and start > 0 and tokens[start - 1].low == "the" and words not in self._whole:
            return what  # "the boy": THE TEENAGE BOY, in any case
        names = self._exact.get(words)
        if words in self._kin_only:
            # "her brother", "Sophie's mother": kin is someone's only.
            owned = start > 0 and owns(tokens[start - 1])
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

    def _role(self, tokens: Sequence[Tok], start: int, words: tuple[str, ...]) -> bool:
        return words in self._roles and tokens[start - 1].low == "the"

    def find(self, text: str) -> str | None:
        """The character a short phrase names ("Ben", "ben", "BEN BARKER"), else None."""
        tokens = tokenize(text)
        for start in range(len(tokens)):
            found = self.match_starting(tokens, start)
            if found is not None:
                return found[0]
        return None

    def _capital_ok(self, tokens: Sequence[Tok], start: int, words: tuple[str, ...]) -> bool:
        return words not in self._capital_only or tokens[start].text[:1].isupper()

    @staticmethod
    def _not_noun(tokens: Sequence[Tok], start: int) -> bool:
        # "a brick" is not BRICK; an introduced "the MINION" in capitals is.
        return start == 0 or tokens[start - 1].low not in ARTICLES or tokens[start].upper


def role_names(characters: Sequence[str], texts: Iterable[str]) -> frozenset[str]:
    """The characters of `characters` known by what they are, not by a name: every one whose
    first word `texts` (the action lines) never write with a capital inside a sentence, other
    than after "the" ("Brick grins" makes BRICK a name; "The doctor sits" or "the Doctor" keep
    DOCTOR a role; so does a title before a name: "Doctor Hill"). "The doctor" then names
    DOCTOR (`NameIndex`)."""
    firsts = {name: words[0] for name in characters if (words := _words(name))}
    proper: set[str] = set()
    for text in texts:
        for sentence in split_sentences(tokenize(text)):
            for at, (before, token) in enumerate(pairwise(sentence), start=1):
                after = sentence[at + 1].text if at + 1 < len(sentence) else ""
                if token.low in TITLES and after[:1].isupper():
                    continue  # "Doctor Hill": a title, DOCTOR may still be "the doctor"
                if token.text[:1].isupper() and not token.upper and before.low != "the":
                    proper.add(token.low)
    return frozenset(name for name, first in firsts.items() if first and first not in proper)


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
