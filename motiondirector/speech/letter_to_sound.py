"""Letter-to-sound rules: ARPAbet phonemes for a word the pronouncing dictionary lacks (names,
invented words), from its spelling.

Written rules, not a trained model: common suffixes are split off first ("-ing", "-ed",
"-ly"...), consonant and vowel spellings are matched longest first, and each vowel spelling
makes one syllable except the ones that are silent (a final "e") or split in two ("ia", "io").
What matters most for a mouth is the syllable count and where the lips close, so vowel quality
is approximate. The first vowel carries the primary stress.

It reads lowercase a-z and apostrophes only; `speech.phonemes` folds everything else first.
"""

from __future__ import annotations

import re

from motiondirector.word_cache import word_cache

VOWEL_LETTERS = frozenset("aeiouy")

# Suffixes split off before the stem is read, with their phonemes; longest first.
_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ingly", ("IH0", "NG", "L", "IY0")),
    ("ings", ("IH0", "NG", "Z")),
    ("ing", ("IH0", "NG")),
    ("ments", ("M", "AH0", "N", "T", "S")),
    ("ment", ("M", "AH0", "N", "T")),
    ("ness", ("N", "AH0", "S")),
    ("less", ("L", "AH0", "S")),
    ("ful", ("F", "AH0", "L")),
    ("ly", ("L", "IY0")),
)

# Spellings matched anywhere, longest first; each maps to phonemes. A vowel phoneme here
# makes a syllable; "*" marks a vowel whose stress is decided later.
_CLUSTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tious", ("SH", "AH*", "S")),
    ("cious", ("SH", "AH*", "S")),
    ("geous", ("JH", "AH*", "S")),
    ("tion", ("SH", "AH*", "N")),
    ("sion", ("ZH", "AH*", "N")),
    ("cian", ("SH", "AH*", "N")),
    ("tial", ("SH", "AH*", "L")),
    ("cial", ("SH", "AH*", "L")),
    ("ture", ("CH", "ER*")),
    ("eau", ("OW*",)),
    ("ough", ("AO*",)),
    ("augh", ("AO*",)),
    ("eigh", ("EY*",)),
    ("igh", ("AY*",)),
    ("tch", ("CH",)),
    ("sch", ("S", "K")),
    ("ous", ("AH*", "S")),
    ("ch", ("CH",)),
    ("sh", ("SH",)),
    ("th", ("TH",)),
    ("ph", ("F",)),
    ("wh", ("W",)),
    ("ck", ("K",)),
    ("qu", ("K", "W")),
    ("ng", ("NG",)),
    ("gh", ()),
    ("ai", ("EY*",)),
    ("ay", ("EY*",)),
    ("au", ("AO*",)),
    ("aw", ("AO*",)),
    ("ea", ("IY*",)),
    ("ee", ("IY*",)),
    ("ei", ("EY*",)),
    ("ey", ("IY*",)),
    ("eu", ("UW*",)),
    ("ew", ("UW*",)),
    ("ie", ("IY*",)),
    ("oa", ("OW*",)),
    ("oe", ("OW*",)),
    ("oi", ("OY*",)),
    ("oo", ("UW*",)),
    ("ou", ("AW*",)),
    ("ow", ("OW*",)),
    ("oy", ("OY*",)),
    ("ue", ("UW*",)),
    ("ui", ("UW*",)),
    ("uy", ("AY*",)),
    # Vowel pairs spoken as two syllables.
    ("ia", ("IY*", "AH*")),
    ("io", ("IY*", "OW*")),
    ("iu", ("IY*", "AH*")),
    ("eo", ("IY*", "OW*")),
    ("ua", ("UW*", "AH*")),
    ("uo", ("UW*", "AH*")),
    ("ya", ("Y", "AA*")),
    ("ye", ("Y", "EH*")),
    ("yo", ("Y", "OW*")),
    ("yu", ("Y", "UW*")),
)
_CLUSTER_TABLE = dict(_CLUSTERS)
_CLUSTER_LENGTHS = sorted({len(k) for k in _CLUSTER_TABLE}, reverse=True)

_CONSONANTS: dict[str, tuple[str, ...]] = {
    "b": ("B",), "c": ("K",), "d": ("D",), "f": ("F",), "g": ("G",), "h": ("HH",),
    "j": ("JH",), "k": ("K",), "l": ("L",), "m": ("M",), "n": ("N",), "p": ("P",),
    "q": ("K",), "r": ("R",), "s": ("S",), "t": ("T",), "v": ("V",), "w": ("W",),
    "x": ("K", "S"), "z": ("Z",),
}  # fmt: skip
_SHORT = {"a": "AE", "e": "EH", "i": "IH", "o": "AA", "u": "AH", "y": "IH"}
_LONG = {"a": "EY", "e": "IY", "i": "AY", "o": "OW", "u": "UW", "y": "AY"}
_FINAL = {"a": "AH", "i": "IY", "o": "OW", "u": "UW", "y": "IY"}
_VOICELESS_END = frozenset({"P", "K", "F", "S", "SH", "CH", "TH", "T"})
_SIBILANT_END = frozenset({"S", "Z", "SH", "ZH", "CH", "JH"})
_MAGIC_E = re.compile(r"[aeiouy]([bcdfgklmnprstvz])e$")


def is_vowel_phoneme(phoneme: str) -> bool:
    return phoneme[-1:].isdigit() or phoneme.endswith("*")


@word_cache(max_entries=16384, max_weight=2**18)
def spell_to_phonemes(word: str) -> tuple[str, ...]:
    """ARPAbet phonemes with stress digits for a lowercase word of letters and apostrophes."""
    word = word.lower()
    possessive = word.endswith("'s")
    letters = "".join(c for c in word if "a" <= c <= "z")
    if possessive:
        letters = letters[:-1]
    if not letters:
        return ()
    phonemes = list(_read_word(letters))
    if possessive:
        phonemes += _plural_ending(phonemes)
    if not any(is_vowel_phoneme(p) for p in phonemes):
        # Consonants alone ("hmm", "shh", "nth") are said with a vowel before the last one.
        phonemes.insert(max(len(phonemes) - 1, 0), "AH*")
    return _stress(phonemes)


def _read_word(letters: str) -> list[str]:
    for suffix, sounds in _SUFFIXES:
        stem = letters[: -len(suffix)]
        if letters.endswith(suffix) and len(stem) >= 2 and any(c in VOWEL_LETTERS for c in stem):
            # "making" -> "make" + ing: the stem's final e was dropped before the suffix.
            if suffix.startswith("i") and _MAGIC_E.search(stem + "e") and stem[-1] != stem[-2]:
                stem += "e"
            return _read_stem(stem) + list(sounds)
    return _read_stem(letters)


def _read_stem(letters: str) -> list[str]:
    ending: list[str] = []
    groups = _vowel_groups(letters)
    if len(groups) > 1:
        if letters.endswith("ied") or letters.endswith("ies"):
            letters, ending = letters[:-1], ["D" if letters.endswith("d") else "Z"]
        elif letters.endswith("ed"):
            stem = letters[:-2]
            if stem.endswith(("t", "d")):
                letters, ending = stem, ["IH*", "D"]
            else:
                letters = stem
                last = _read_plain(stem)[-1:]
                ending = ["T" if last and last[0] in _VOICELESS_END else "D"]
        elif letters.endswith("es") and len(letters) > 3:
            stem = letters[:-2]
            if stem.endswith(("s", "x", "z", "ch", "sh", "ce", "ge", "se", "ze")):
                letters, ending = stem + ("" if stem.endswith("e") else "e"), ["IH*", "Z"]
                if letters.endswith("ee"):
                    letters = letters[:-1]
            else:
                letters = stem + "e"
                ending = _plural_ending(_read_plain(letters))
        elif letters.endswith("s") and not letters.endswith(("ss", "us", "is", "ous")):
            stem = letters[:-1]
            letters, ending = stem, _plural_ending(_read_plain(stem))
    return _read_plain(letters) + ending


def _plural_ending(phonemes: list[str]) -> list[str]:
    last = phonemes[-1] if phonemes else ""
    if last in _SIBILANT_END:
        return ["IH*", "Z"]
    return ["S"] if last in _VOICELESS_END else ["Z"]


def _vowel_groups(letters: str) -> list[str]:
    return re.findall(r"[aeiou]+|(?<=[^aeiou])y", letters)


def _read_plain(letters: str) -> list[str]:
    """Phonemes of a stem with no suffix left: clusters first, then single letters."""
    silent_e = (
        letters.endswith("e")
        and len(_vowel_groups(letters)) > 1
        and not letters.endswith(("ee", "ye", "ie", "oe", "ue"))
    )
    syllabic_le = silent_e and re.search(r"[^aeiouyl]le$", letters) is not None
    body = letters[:-1] if silent_e else letters
    magic = bool(silent_e and _MAGIC_E.search(letters))
    out: list[str] = []
    i = 0
    while i < len(body):
        # Word-initial silent letters.
        if i == 0 and body[:2] in ("kn", "wr", "gn", "pn", "ps"):
            i += 1
            continue
        matched = False
        for size in _CLUSTER_LENGTHS:
            chunk = body[i : i + size]
            if len(chunk) == size and chunk in _CLUSTER_TABLE:
                if chunk[0] == "y" and i > 0 and body[i - 1] not in VOWEL_LETTERS:
                    continue  # "y" after a consonant is a vowel, not the glide of "ya"
                if chunk == "gh" and i == 0:
                    out.append("G")
                elif chunk == "ng" and i + 2 < len(body) and body[i + 2] in "aeiouy":
                    out.extend(("N", "G") if body[i + 2] not in "ei" else ("N", "JH"))
                else:
                    out.extend(_CLUSTER_TABLE[chunk])
                i += size
                matched = True
                break
        if matched:
            continue
        char = body[i]
        after = letters[i + 1 : i + 2]  # the silent e still softens c and g
        if char in VOWEL_LETTERS:
            out.extend(_vowel(body, i, magic))
        elif char == after and char != "c":
            pass  # a doubled consonant is said once
        elif char == "r" and out and out[-1] in ("EH*", "IH*", "AH*") and _consonant(after):
            out[-1] = "ER*"  # "her", "bird", "turn": the vowel and r are one sound
        elif char == "c":
            out.append("K" if _consonant(after) or after in "aou" else "S")
        elif char == "d" and after == "g" and not _consonant(letters[i + 2 : i + 3]):
            out.append("JH")  # "edge", "judging"
            i += 1
        elif char == "g":
            out.append("G" if _consonant(after) or after in "aou" else "JH")
        elif (char == "x" and i == 0) or _voiced_s(body, i, after):
            out.append("Z")
        elif char == "m" and i == len(body) - 1 and body[i - 1 : i] == "s":
            out.extend(("AH*", "M"))  # "-ism"
        else:
            out.extend(_CONSONANTS.get(char, ()))
        i += 1
    if syllabic_le:
        out.insert(len(out) - 1, "AH*")
    if letters.endswith("re") and silent_e and len(body) > 1 and body[-2] not in "aeiouy":
        out[-1:] = ["ER*"]  # "centre", "theatre"
    return out


def _voiced_s(body: str, i: int, after: str) -> bool:
    """An "s" between vowels is voiced: "rose", "easy"."""
    return body[i] == "s" and 0 < i < len(body) - 1 and body[i - 1] in "aeiou" and after in "aeiou"


def _consonant(letter: str) -> bool:
    """True for a consonant letter and for the end of the word."""
    return not letter or letter not in "aeiouy"


def _vowel(body: str, i: int, magic: bool) -> list[str]:
    char = body[i]
    at_end = i == len(body) - 1
    if char == "y":
        if i == 0 or (body[i - 1] in "aeiou"):
            return ["Y"]
        if at_end:
            has_other = any(c in "aeiou" for c in body[:i])
            return ["IY*"] if has_other else ["AY*"]
        return ["IH*"]
    if at_end:
        if char == "e":
            return ["IY*"]
        return [_FINAL[char] + "*"]
    if magic and i == len(body) - 2:
        return [_LONG[char] + "*"]
    return [_SHORT[char] + "*"]


def _stress(phonemes: list[str]) -> tuple[str, ...]:
    """Primary stress on the first vowel; later full vowels unstressed, reduced to schwa."""
    out: list[str] = []
    seen_vowel = False
    for phoneme in phonemes:
        if not phoneme.endswith("*"):
            out.append(phoneme)
            continue
        base = phoneme[:-1]
        if not seen_vowel:
            out.append(base + "1")
            seen_vowel = True
        elif base in ("AE", "AA", "AH", "EH"):
            out.append("AH0")
        else:
            out.append(base + "0")
    return tuple(out)
