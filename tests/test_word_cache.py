"""The per-word caches hold a bounded amount whatever words callers send: long words are not
kept, and the total length kept has a ceiling, while ordinary words are served from memory."""

from __future__ import annotations

import random
import string

import pytest

from motiondirector.plan.scene import Word
from motiondirector.speech.letter_to_sound import spell_to_phonemes
from motiondirector.speech.phonemes import pronounce
from motiondirector.speech.track import _unit_keys, derive_keys
from motiondirector.word_cache import MAX_CACHED_WORD, WordCache

CACHES = (pronounce, _unit_keys, spell_to_phonemes)


@pytest.fixture
def empty_caches() -> None:
    for cache in CACHES:
        cache.cache_clear()


def _random_word(rng: random.Random, letters: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(letters))


@pytest.mark.usefixtures("empty_caches")
def test_a_long_word_is_spoken_but_not_kept() -> None:
    word = _random_word(random.Random(0), 4990)
    keys = derive_keys([Word(text=word, start=0.0, end=20.0)])
    assert len(keys) > 1000  # it is still pronounced and timed
    for cache in CACHES:
        assert cache.cache_info().entries == 0, cache


@pytest.mark.usefixtures("empty_caches")
def test_ordinary_words_are_kept_and_give_the_same_keys() -> None:
    words = [Word(text="Maybe", start=0.0, end=0.4), Word(text="Zorblat", start=0.5, end=1.0)]
    first = derive_keys(words)
    assert pronounce.cache_info().entries == 2 and _unit_keys.cache_info().entries == 2
    assert spell_to_phonemes.cache_info().entries == 1  # "zorblat" is not in the dictionary
    assert derive_keys(words) == first


def test_the_kept_total_has_a_ceiling_and_the_oldest_go_first() -> None:
    computed: list[str] = []

    def phonemes(word: str) -> tuple[str, ...]:
        computed.append(word)
        return tuple(word)

    cache: WordCache[str] = WordCache(phonemes, max_word=10, max_entries=100, max_weight=40)
    for word in ("aaaa", "bbbb", "cccc", "dddd", "eeee"):  # each weighs 4 + 4
        cache(word)
    assert cache.cache_info() == (5, 40)
    computed.clear()
    assert cache("bbbb") == tuple("bbbb") and computed == []  # a hit
    cache("ffff")  # over the ceiling: the oldest ("aaaa") goes
    assert cache.cache_info() == (5, 40)
    computed.clear()
    cache("bbbb")
    cache("aaaa")
    assert computed == ["aaaa"]


def test_the_entry_count_has_a_ceiling_too() -> None:
    cache: WordCache[str] = WordCache(tuple, max_word=10, max_entries=3, max_weight=10**6)
    for word in "abcdefg":
        cache(word)
    assert cache.cache_info().entries == 3


@pytest.mark.usefixtures("empty_caches")
def test_a_word_weighs_its_pronunciation_too() -> None:
    # Digits are spelled out, so a short word can have a long pronunciation: the ceiling
    # counts the value as well as the word.
    number = "7" * MAX_CACHED_WORD
    phonemes = pronounce(number)
    assert len(phonemes) > 3 * len(number)
    assert pronounce.cache_info() == (1, len(number) + len(phonemes))
