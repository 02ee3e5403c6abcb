"""An action line as tokens cut into sentences: each word with where it starts in the line, its
lower case, and what its case and punctuation say (a name in capitals, a possessive).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from motiondirector.planners.actions.words import (
    COMPOUND_PREFIXES,
    PLACE_PREPOSITIONS,
    SENTENCE_BREAK,
    STOPS,
)
from motiondirector.scene.markup import blank_asides
from motiondirector.speech.scripts import join_words

_TOKEN = re.compile(r"[^\W_][\w'\u2019\-]*|--|[,;:.!?\u2014]")
# Titles written short with a stop that ends no sentence: "Ms. Patel", "Dr. Reyes".
_ABBREVIATED_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "det", "capt", "sgt", "lt", "col", "gen", "rev", "cpl", "pvt"}
)
_OWNERS = frozenset({"his", "her", "their", "my", "your", "our"})


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    low: str  # lower case, possessive 's removed
    possessive: bool
    upper: bool
    written: str  # the words of the line it stands for (a glossed line's own words, see `text_of`)
    glossed: bool = False  # English a glossary gave (its "her" is never a possessive)
    start: int | None = None  # where it stands in the line's text; None for a glossary's
    negates: bool = False  # a word of the line's language that negates ("nicht" by an adjective)
    named: bool = False  # part of a character's name ("LILY" is no adverb)

    @property
    def adverb(self) -> bool:
        """A word in -ly that is not a name: "slowly", not "LILY"."""
        return self.low.endswith("ly") and not self.named


def raw_tokens(text: str) -> list[str]:
    return [raw for raw, _ in _placed_tokens(text)]


def _placed_tokens(text: str) -> list[tuple[str, int]]:
    """The tokens of `text` with where each starts (asides in brackets left out)."""
    blanked = blank_asides(text).replace("\u2019", "'")
    return [(m.group(0), m.start()) for m in _TOKEN.finditer(blanked)]


def tokenize(text: str) -> list[Tok]:
    tokens: list[Tok] = []
    for raw, start in _placed_tokens(text):
        low = raw.lower()
        possessive = low.endswith("'s") or (low.endswith("s'") and len(low) > 2)
        if possessive:
            low = low[:-2] if low.endswith("'s") else low[:-1]
        prefix, _, rest = low.partition("-")
        if rest and prefix in COMPOUND_PREFIXES:
            low = rest  # "slow-dance", "tap-dances": the verb after its manner
        tokens.append(Tok(raw, low, possessive, in_capitals(raw), raw, start=start))
    return tokens


def in_capitals(raw: str) -> bool:
    return sum(c.isalpha() for c in raw) >= 2 and raw.upper() == raw


def caseless(char: str) -> bool:
    """Whether `char` is a letter of writing without capitals (Chinese, kana)."""
    return char.isalpha() and not char.isupper() and not char.islower()


def text_of(tokens: Sequence[Tok]) -> str:
    """What `tokens` say in the line's own words (Chinese without spaces)."""
    return join_words([token.written for token in tokens if token.written])


def _opens_with_place(words: Sequence[Tok]) -> bool:
    """Whether `words` are a short place phrase opening a sentence ("Around the table")."""
    return 2 <= len(words) <= 5 and words[0].low in PLACE_PREPOSITIONS


def split_sentences(tokens: list[Tok]) -> list[list[Tok]]:
    sentences: list[list[Tok]] = [[]]
    for index, token in enumerate(tokens):
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if token.text in STOPS and following[:1].islower():
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
        elif token.text in SENTENCE_BREAK:
            sentences.append([])
        else:
            sentences[-1].append(token)
    return [s for s in sentences if s]


def owns(token: Tok) -> bool:
    """Whether `token` says whose a noun after it is: "her", "their", "Sophie's"."""
    return token.low in _OWNERS or token.possessive
