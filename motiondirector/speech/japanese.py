"""Readings of a Japanese line, kanji included, from Janome's morphological analysis (the
optional extra `motiondirector[japanese]`).

Kana spell their sounds (`speech.kana`), kanji do not: 東京 is to-o-kyo-o only to a reader
who knows the word. Janome (a pure-Python analyser with the IPA dictionary) cuts a line into
words and gives each its pronunciation in katakana, as said: the particles は and へ as wa and
e, long vowels held (トーキョー). A line's words are its characters (`speech.scripts`), so each
analysed word's pronunciation is shared out among its characters: kana at its ends take the
morae they spell (the okurigana べ of 食べ), the kanji share the rest in order, a mora each
as far as they go (美味 o-i). Without Janome installed, kanji keep their neutral syllables and
kana read as spelled.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

from motiondirector.speech.kana import is_kana, kana_sounds, normalized_kana
from motiondirector.speech.mandarin import is_han

_SMALL = frozenset("ァィゥェォャュョヮぁぃぅぇぉゃゅょゎ")
"""Small kana: part of the mora of the kana before them."""
_CLOSING = frozenset("ッーンっん")
"""The small tsu, the long-vowel mark and n: morae of their own that close a syllable."""


def janome_installed() -> bool:
    return importlib.util.find_spec("janome") is not None


@cache
def _tokenizer() -> Any:
    from janome.tokenizer import Tokenizer

    return Tokenizer()


_ANALYSING = threading.Lock()  # one analyser per process, its use not documented thread-safe


def _analysed(text: str) -> list[Any]:
    with _ANALYSING:
        return list(_tokenizer().tokenize(text))


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 else c for c in text)


def _units(kana: str, attached: frozenset[str]) -> list[str]:
    """`kana` cut before every character not in `attached`."""
    cut: list[str] = []
    for char in kana:
        if cut and char in attached:
            cut[-1] += char
        else:
            cut.append(char)
    return cut


def _shared_out(surface: str, reading: str) -> list[str]:
    """An analysed word's `reading` (katakana as spelled) shared out among the characters of
    its `surface`: kana at either end take the mora they spell (with the small kana after
    them), the kanji between share the rest, a syllable each in order as far as they go (天気
    ten-ki); a character left without one is silent."""
    readings = [""] * len(surface)
    starts = [i for i, char in enumerate(surface) if char not in _SMALL or i == 0]
    spoken = _units(reading, _SMALL)
    first, last = 0, len(starts)
    while first < last and spoken and is_kana(surface[starts[first]]):
        readings[starts[first]] = spoken.pop(0)
        first += 1
    while last > first and spoken and is_kana(surface[starts[last - 1]]):
        last -= 1
        readings[starts[last]] = spoken.pop()
    middle = starts[first:last]
    syllables = _units("".join(spoken), _SMALL | _CLOSING)
    for position, index in enumerate(middle):
        low = len(syllables) * position // len(middle)
        high = len(syllables) * (position + 1) // len(middle)
        readings[index] = "".join(syllables[low:high])
    return readings


def _token_readings(surface: str, reading: str, phonetic: str) -> list[str]:
    """Each character's share of one analysed word: a word of kana alone reads as spelled,
    but as said where each of its morae has a match (the particle は as wa, へ as e); a word
    with kanji shares out its reading."""
    if all(is_kana(char) for char in surface):
        spelled = _units(_katakana(surface), _SMALL)
        said = _units(phonetic, _SMALL) if phonetic else []
        chosen = said if len(said) == len(spelled) else spelled
        starts = [i for i, char in enumerate(surface) if char not in _SMALL or i == 0]
        readings = [""] * len(surface)
        for index, mora in zip(starts, chosen, strict=True):
            readings[index] = mora
        return readings
    return _shared_out(surface, reading)


def japanese_readings(words: Sequence[str], *, japanese: bool = False) -> list[str | None]:
    """For each word of one Japanese line (in order), its pronunciation in katakana as Janome
    reads the line ("" for one said as part of the word before it, as the う of そう); None for
    a word with no Japanese in it, and for every word when Janome is not installed or the line
    has no kana (a line of Chinese characters alone is Chinese) unless it is known to be
    Japanese (`japanese`: its language is stated, or its script writes kana elsewhere)."""
    text = normalized_kana("".join(words))
    if len(text) != sum(len(word) for word in words):
        text = "".join(words)  # normalizing changed the length: read the line as written
    if not janome_installed() or not any(
        is_kana(char) or (japanese and is_han(char)) for char in text
    ):
        return [None] * len(words)
    readings = [""] * len(text)
    at = 0
    for token in _analysed(text):
        surface = token.surface
        reading = token.reading if token.reading != "*" else ""
        phonetic = token.phonetic if token.phonetic != "*" else ""
        if any(is_kana(char) or is_han(char) for char in surface):
            shares = _token_readings(surface, _katakana(reading), _katakana(phonetic))
            readings[at : at + len(surface)] = shares
        at += len(surface)
    out: list[str | None] = []
    at = 0
    vowel = ""  # the vowel kana of the last mora said, for a word said as a held ー
    for word in words:
        reading = "".join(readings[at : at + len(word)])
        at += len(word)
        if reading.startswith("ー") and vowel:
            reading = vowel + reading[1:]  # the う of そう, said as the o held
        if reading:
            vowel = _VOWEL_KANA.get(_vowel_of(reading), vowel)
        out.append(reading if any(is_kana(char) or is_han(char) for char in word) else None)
    return out


_VOWEL_KANA = {"AA": "ア", "IY": "イ", "UW": "ウ", "EH": "エ", "OW": "オ"}


def _vowel_of(reading: str) -> str:
    """The vowel phoneme (no stress digit) `reading` ends in, "" if it ends in none."""
    phonemes = [p for sound in kana_sounds(reading) for p in sound]
    last = phonemes[-1].rstrip("1") if phonemes else ""
    return last if last in _VOWEL_KANA else ""
