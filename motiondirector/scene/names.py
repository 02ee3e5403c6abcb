"""Finds known characters' names in free text ("Ana crosses", "BRICK BRADDOCK, retired").

A character is found by its full name, or by its first name when the name has several words,
that first word is unique among the characters and is not an article or title ("THE BOY
BAND" is not found by "the"). Matching is by whole words, case-insensitive, and ignores a
possessive "'s" ("Steel's face").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NOT_A_FIRST_NAME = frozenset(
    {"the", "a", "an", "mr", "mrs", "ms", "miss", "dr", "sir", "mister", "young", "old", "my"}
)


def name_words(text: str) -> list[str]:
    words = []
    for match in _WORD.finditer(text.casefold()):
        word = match.group(0)
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        words.append(word)
    return words


class NameMatcher:
    """Finds which of a set of names a text mentions, in order of first mention."""

    def __init__(self, names: Iterable[str]) -> None:
        # first word -> [(all words, name)], longest first so "ANA LOPEZ" beats "ANA".
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        unique_names = list(dict.fromkeys(names))
        spelled = {name: tuple(name_words(name)) for name in unique_names}
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

    def mentions(self, text: str) -> list[str]:
        words = name_words(text)
        found: dict[str, None] = {}
        for index, word in enumerate(words):
            for spelled, name in self._by_first.get(word, ()):
                if tuple(words[index : index + len(spelled)]) == spelled:
                    found.setdefault(name, None)
                    break
        return list(found)
