"""Phonemes of Spanish and Italian words, whose spelling says how they are said.

Their words went to the English letter-to-sound rules: "que" came out K Y UW, "gracias" with an
English "a", "ciao" with a K. Both languages spell their sounds with few exceptions, so a line
in Spanish or Italian (stated, or told by the script's words: `scene.language`) is read by its
letters: the five vowels a e i o u as AA EH IY OW UW, an unstressed i or u next to another vowel
as the glide Y or W ("bien", "cuando", "piano"); the consonants as each language spells them
(Spanish c and z as S before e and i, as Latin America says them, j and g before e/i as HH, ll
and y as Y, ñ as N Y, h silent, b and v both B, x as K S even in México; Italian c and g before
e/i as CH and JH, ch and gh as K and G, sc before e/i as SH, gn as N Y, gli as L Y, z as T S,
doubled consonants and cq as one),
so the lips close on b, m and p (and on every Spanish v) and round on o and u. The stressed
vowel (its accent, else Spanish's rule: the second to last syllable of a word ending in a vowel,
n or s, else the last; Italian's second to last) carries stress 1, the others 0.
"""

from __future__ import annotations

import unicodedata

SPANISH = "es"
ITALIAN = "it"

_VOWELS = {"a": "AA", "e": "EH", "i": "IY", "o": "OW", "u": "UW"}
_ACUTE = "\u0301"
_GRAVE = "\u0300"
_DIAERESIS = "\u0308"
_TILDE = "\u0303"

# Longest spelling first; "front" rules apply before e and i only.
_SPANISH = (
    ("ch", "CH"), ("ll", "Y"), ("rr", "R"), ("qu", "K"), ("gu", "G", "front"), ("gü", "G W"),
    ("c", "S", "front"), ("g", "HH", "front"), ("c", "K"), ("g", "G"), ("ñ", "N Y"),
    ("b", "B"), ("v", "B"), ("d", "D"), ("f", "F"), ("h", ""), ("j", "HH"), ("k", "K"),
    ("l", "L"), ("m", "M"), ("n", "N"), ("p", "P"), ("r", "R"), ("s", "S"), ("t", "T"),
    ("w", "W"), ("x", "K S"), ("z", "S"),
)  # fmt: skip
_ITALIAN = (
    ("sci", "SH", "vowel"), ("sc", "SH", "front"), ("ci", "CH", "vowel"), ("gi", "JH", "vowel"),
    ("gli", "L Y", "vowel"), ("gli", "L IY0"), ("gn", "N Y"), ("ch", "K"), ("gh", "G"),
    ("qu", "K W"), ("c", "CH", "front"), ("g", "JH", "front"), ("c", "K"), ("g", "G"),
    ("b", "B"), ("d", "D"), ("f", "F"), ("h", ""), ("j", "Y"), ("k", "K"), ("l", "L"),
    ("m", "M"), ("n", "N"), ("p", "P"), ("r", "R"), ("s", "S"), ("t", "T"), ("v", "V"),
    ("w", "W"), ("x", "K S"), ("z", "T S"),
)  # fmt: skip
_RULES = {SPANISH: _SPANISH, ITALIAN: _ITALIAN}


def _letters(word: str) -> tuple[str, set[int]]:
    """The word's letters in lower case without accents, and the positions of accented vowels
    (the stressed one); ü stays, as Spanish spells "gü" with it."""
    letters, accented = "", set()
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in (_ACUTE, _GRAVE):
            accented.add(len(letters) - 1)
        elif char == _DIAERESIS and letters.endswith("u"):
            letters = letters[:-1] + "ü"
        elif char == _TILDE and letters.endswith("n"):
            letters = letters[:-1] + "ñ"
        elif char.isalpha():
            letters += char
    return letters, accented


def romance_phonemes(word: str, language: str) -> tuple[str, ...] | None:
    """The ARPAbet phonemes of one Spanish or Italian word (`language` "es" or "it"), the
    stressed vowel with 1 and the others 0; None for a word without a vowel or with letters
    outside the language's alphabet."""
    letters, accents = _letters(word)
    accented = {max(accents)} if accents else set()  # one stress: the last accent written
    if not letters or (not any(char in _VOWELS for char in letters) and letters != "y"):
        return None
    rules = _RULES[language]
    said: list[str] = []
    vowels: list[int] = []  # positions in `said` of the syllables' vowels
    index = 0
    while index < len(letters):
        char = letters[index]
        if char in _VOWELS:
            glide = _glide(letters, index, accented)
            if glide is not None:
                said.append(glide)
            else:
                vowels.append(len(said))
                said.append(_VOWELS[char] + ("1" if index in accented else "0"))
            index += 1
            continue
        if char == "y":  # the word "y" is a vowel; else a glide or consonant ("hay", "yo")
            if len(letters) == 1:
                vowels.append(len(said))
            said.append("IY0" if len(letters) == 1 else "Y")
            index += 1
            continue
        doubled = letters[index + 1 : index + 2] in (char, "q" if char == "c" else char)
        if doubled and language == ITALIAN:
            index += 1  # a doubled consonant is said once ("pizza", "acqua")
            continue
        found = _rule(rules, letters, index)
        if found is None:
            return None
        spelled, sounds = found
        said.extend(sound for sound in sounds.split() if sound)
        if sounds[-1:].isdigit():  # "gli" said alone
            vowels.append(len(said) - 1)
        index += len(spelled)
    if not vowels:
        return None
    if not any(said[v].endswith("1") for v in vowels):
        stressed = _stressed(letters, len(vowels), language)
        said[vowels[stressed]] = said[vowels[stressed]][:-1] + "1"
    return tuple(said)


def _glide(letters: str, index: int, accented: set[int]) -> str | None:
    """Y or W for an unstressed i or u next to another vowel ("bien", "cuando", "aire")."""
    char = letters[index]
    if char not in "iu" or index in accented:
        return None
    before = letters[index - 1] if index > 0 else ""
    after = letters[index + 1] if index + 1 < len(letters) else ""
    if (after in _VOWELS and after not in "iu") or (after in "iu" and after != char and after):
        return "Y" if char == "i" else "W"
    if before in _VOWELS and before not in "iu":
        return "Y" if char == "i" else "W"
    return None


def _rule(rules: tuple[tuple[str, ...], ...], letters: str, index: int) -> tuple[str, str] | None:
    for rule in rules:
        spelled, sounds = rule[0], rule[1]
        condition = rule[2] if len(rule) > 2 else None
        end = index + len(spelled)
        if letters[index:end] != spelled:
            continue
        following = letters[end] if end < len(letters) else ""
        if condition == "front" and following not in ("e", "i"):
            continue
        if condition == "vowel" and following not in _VOWELS:
            continue
        return spelled, sounds
    return None


def _stressed(letters: str, syllables: int, language: str) -> int:
    """Which syllable a word without an accent stresses, by its language's rule."""
    if syllables == 1:
        return 0
    if language == SPANISH and letters[-1] not in "aeiouns":
        return syllables - 1
    return syllables - 2
