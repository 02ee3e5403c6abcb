"""Mouths of Hebrew and Arabic words, read off their letters: the consonants the letters spell
and one vowel per syllable `speech.alphabets` counts.

Both scripts leave short vowels unwritten, so the syllables keep the count and place the
spelling gives them (`alphabets.abjad_nuclei`: every other letter); what the letters add is
the consonants, the part of speech a face shows most: the lips close on م ب מ ב פ, the lower
lip meets the teeth on ف ף, the tongue shows on ث ذ. A syllable's vowel is the one its vowel
point writes where points are typed (Arabic fatha, kasra, damma; Hebrew niqqud), else the long
vowel a letter after it spells (ا و ي, ו י א, a final ה), else a neutral a. A letter that
opens a word with only a vowel (Arabic alef, Hebrew alef and ayin) says that vowel; a vowel
letter that carries a syllable of its own says its vowel; one that carries none is a glide
(و w, ي y; Hebrew ו w, י y). Letters the tables lack are silent consonants.

No lexicon, so the words whose vowels the spelling hides are approximate (`عليكم` is said
a-l-iy-k-ma where speakers say a-lay-kum), but the lips close and round where the letters say.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from motiondirector.speech.alphabets import abjad_nuclei

Said = list[tuple[str, bool]]
"""(phoneme, stressed) pairs, as `speech.transliteration` finishes them."""

NEUTRAL_VOWEL = "AH"


def _table(spellings: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    return {letter: tuple(spelling.split()) for letter, spelling in spellings.items()}


_ARABIC_CONSONANTS = _table(
    {
        "ء": "", "آ": "", "أ": "", "ؤ": "", "إ": "", "ئ": "", "ا": "", "ب": "B", "ة": "",
        "ت": "T", "ث": "TH", "ج": "JH", "ح": "HH", "خ": "HH", "د": "D", "ذ": "DH", "ر": "R",
        "ز": "Z", "س": "S", "ش": "SH", "ص": "S", "ض": "D", "ط": "T", "ظ": "DH", "ع": "",
        "غ": "G", "ف": "F", "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "HH",
        "و": "W", "ى": "", "ي": "Y",
        # Persian, Urdu, Kurdish, Uyghur, Pashto
        "پ": "P", "چ": "CH", "ژ": "ZH", "ڤ": "V", "گ": "G", "ک": "K", "ی": "Y", "ے": "Y",
        "ٹ": "T", "ڈ": "D", "ڑ": "R", "ں": "N", "ھ": "HH", "ۃ": "", "ۓ": "Y", "ڭ": "NG",
        "ۆ": "W", "ۇ": "W", "ۋ": "V", "ێ": "Y", "ڕ": "R", "ڵ": "L", "ټ": "T", "ډ": "D",
        "ړ": "R", "ږ": "ZH", "ښ": "SH", "ځ": "D Z", "څ": "T S", "ڼ": "N", "ې": "Y", "ۍ": "Y",
    }
)  # fmt: skip
_ARABIC_LONG_VOWELS = _table(
    {
        "ا": "AA", "آ": "AA", "و": "UW", "ي": "IY", "ى": "AA", "ة": "AH", "ی": "IY", "ے": "EY",
        "ۃ": "AH", "ۆ": "OW", "ۇ": "UW", "ێ": "EY", "ې": "EY", "ۍ": "AY",
    }
)  # fmt: skip
_ARABIC_OPENING_VOWELS = _table({"ا": "AH", "أ": "AH", "إ": "IH", "آ": "AA"})
_ARABIC_POINTS = _table(
    {
        "\u064e": "AE", "\u064b": "AE", "\u0650": "IH", "\u064d": "IH", "\u064f": "UH",
        "\u064c": "UH", "\u0670": "AA",
    }
)  # fmt: skip

_HEBREW_CONSONANTS = _table(
    {
        "א": "", "ב": "B", "ג": "G", "ד": "D", "ה": "HH", "ו": "V", "ז": "Z", "ח": "HH",
        "ט": "T", "י": "Y", "ך": "HH", "כ": "K", "ל": "L", "ם": "M", "מ": "M", "ן": "N",
        "נ": "N", "ס": "S", "ע": "", "ף": "F", "פ": "P", "ץ": "T S", "צ": "T S", "ק": "K",
        "ר": "R", "ש": "SH", "ת": "T",
        # Yiddish ligatures
        "װ": "V", "ױ": "Y", "ײ": "Y",
    }
)  # fmt: skip
_HEBREW_LONG_VOWELS = _table({"ו": "OW", "י": "IY", "א": "AA", "ײ": "EY", "ױ": "OY"})
_HEBREW_FINAL_VOWELS = _table({"ה": "AH"})
_HEBREW_OPENING_VOWELS = _table({"א": "AH", "ע": "AH"})
_HEBREW_POINTS = _table(
    {
        "\u05b0": "AH", "\u05b1": "EH", "\u05b2": "AA", "\u05b3": "AO", "\u05b4": "IY",
        "\u05b5": "EY", "\u05b6": "EH", "\u05b7": "AA", "\u05b8": "AA", "\u05b9": "OW",
        "\u05ba": "OW", "\u05bb": "UW", "\u05c7": "AO",
    }
)  # fmt: skip
_SHURUK = "\u05bc"  # a dagesh in ו: u, not o
_SIN_DOT = "\u05c2"  # ש with it is s, not sh
_GLIDES = _table({"و": "W", "ي": "Y", "ی": "Y", "ו": "W", "י": "Y"})


def _letters(part: str) -> list[tuple[str, str]]:
    """(letter, the marks written on it) for each letter of `part`, in order."""
    letters: list[tuple[str, str]] = []
    for char in part:
        if unicodedata.category(char).startswith("L"):
            letters.append((char, ""))
        elif letters:
            letters[-1] = (letters[-1][0], letters[-1][1] + char)
    return letters


def _point(marks: str, points: Mapping[str, tuple[str, ...]]) -> str | None:
    return next((points[mark][0] for mark in marks if mark in points), None)


def _long_vowel(script: str, letter: str, marks: str, last: bool) -> str | None:
    """The vowel `letter` spells after a consonant, if it is a vowel letter there."""
    if script == "arabic":
        found = _ARABIC_LONG_VOWELS.get(letter)
    else:
        found = _HEBREW_LONG_VOWELS.get(letter) or (
            _HEBREW_FINAL_VOWELS.get(letter) if last else None
        )
        if letter == "ו" and _SHURUK in marks:
            return "UW"
    return found[0] if found else None


def _consonant(script: str, letter: str, marks: str) -> tuple[str, ...]:
    if script == "arabic":
        return _ARABIC_CONSONANTS.get(letter, ())
    if letter == "ש" and _SIN_DOT in marks:
        return ("S",)
    return _HEBREW_CONSONANTS.get(letter, ())


def read_abjad(script: str, part: str) -> Said:
    """The phonemes of one Hebrew or Arabic word (`script` "hebrew" or "arabic"), as
    (phoneme, stressed) pairs with one vowel per syllable `alphabets` counts."""
    points = _ARABIC_POINTS if script == "arabic" else _HEBREW_POINTS
    opening = _ARABIC_OPENING_VOWELS if script == "arabic" else _HEBREW_OPENING_VOWELS
    letters = _letters(part)
    nuclei = set(abjad_nuclei(part))
    said: list[str] = []
    taken: set[int] = set()  # vowel letters said as the vowel of the syllable before them
    for index, (letter, marks) in enumerate(letters):
        if index in taken:
            continue
        last = index == len(letters) - 1
        if index not in nuclei:
            glide = _GLIDES.get(letter, ()) if index > 0 else ()
            said += glide or _consonant(script, letter, marks)
            continue
        vowel = _point(marks, points)
        if index == 0 and letter in opening:
            said.append(vowel or opening[letter][0])
            continue
        spelled = _long_vowel(script, letter, marks, last) if index > 0 else None
        if spelled is not None:
            said.append(vowel or spelled)
            continue
        said += _consonant(script, letter, marks)
        if vowel is None and index + 1 < len(letters) and index + 1 not in nuclei:
            following, following_marks = letters[index + 1]
            vowel = _long_vowel(script, following, following_marks, index + 2 == len(letters))
            if vowel is not None:
                taken.add(index + 1)
        said.append(vowel or NEUTRAL_VOWEL)
    return [(phoneme, True) for phoneme in said]
