"""A cache of what is worked out per written word or query text, bounded by the memory it holds.

The words come from callers (a live conversation streams new ones every turn), so a cache
bounded only by its number of entries is bounded by nothing: a few thousand-letter words hold
more than a whole vocabulary. Here each entry weighs its word's length plus its value's length,
the oldest go once the total passes `max_weight` (or the count `max_entries`), and a word
longer than `max_word` is worked out every time and never kept: no real word is that long,
and one such word would push out hundreds of ordinary ones.

Eviction is first in, first out, not least recently used: a hit is then one dictionary lookup
without a lock (reads are atomic; writes take the lock), and a word pushed out while still in
use is only worked out again once.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

Item = TypeVar("Item")

MAX_CACHED_WORD = 48
"""Characters of the longest word kept (the longest English dictionary words have 45)."""


class WordCacheInfo(NamedTuple):
    entries: int
    weight: int


class WordCache(Generic[Item]):
    """`compute(word)` remembered for words of at most `max_word` characters."""

    def __init__(
        self,
        compute: Callable[[str], tuple[Item, ...]],
        *,
        max_word: int,
        max_entries: int,
        max_weight: int,
    ) -> None:
        self._compute = compute
        self.max_word = max_word
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._entries: OrderedDict[str, tuple[Item, ...]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        functools.update_wrapper(self, compute)

    def __call__(self, word: str) -> tuple[Item, ...]:
        if len(word) > self.max_word:
            return self._compute(word)
        found = self._entries.get(word)
        if found is not None:
            return found
        value = self._compute(word)
        weight = len(word) + len(value)
        with self._lock:
            if word in self._entries:  # another thread kept it meanwhile
                return value
            self._entries[word] = value
            self._weight += weight
            while self._weight > self.max_weight or len(self._entries) > self.max_entries:
                old_word, old_value = self._entries.popitem(last=False)
                self._weight -= len(old_word) + len(old_value)
        return value

    def cache_info(self) -> WordCacheInfo:
        with self._lock:
            return WordCacheInfo(len(self._entries), self._weight)

    def cache_clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0


def word_cache(
    *, max_entries: int, max_weight: int, max_word: int = MAX_CACHED_WORD
) -> Callable[[Callable[[str], tuple[Item, ...]]], WordCache[Item]]:
    """A decorator: the function as a `WordCache` with these bounds."""

    def decorate(compute: Callable[[str], tuple[Item, ...]]) -> WordCache[Item]:
        return WordCache(compute, max_word=max_word, max_entries=max_entries, max_weight=max_weight)

    return decorate
