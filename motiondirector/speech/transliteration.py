"""ARPAbet phonemes read off the letters of Cyrillic, Greek, Armenian, Georgian, Ethiopic,
Brahmic, Hebrew and Arabic words: one table per script at the level of a transliteration, no
lexicon (the abjads' tables and rules are `speech.abjads`).

These alphabets spell their sounds closely, so the letters give a mouth what it needs most:
the lips close on м, μ, म, round on у, ου, ु, and the jaw opens on each vowel. Each word has
exactly one vowel phoneme per syllable `speech.alphabets` counts, because the syllables are
decided there and only their sounds here: a letter that carries a syllable gives one vowel
(its own, the vowel sign after it, or the inherent a), any other letter consonants only.

What it does not do, by design: no stress (every vowel is primary unless a stress mark is
written, Greek's tonos or an acute typed on a Cyrillic vowel, which then take the primary and
leave the rest secondary), no vowel reduction (Russian unstressed о is AO), no voicing
assimilation or final devoicing (which move neither the lips nor the jaw). The inherent vowels
Hindi speakers leave unsaid are dropped where the syllables are counted (कमला is K AH M L AA).
Nothing here raises on odd input; a letter the tables lack adds its syllable's vowel and no
consonant.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from functools import partial

from motiondirector.speech.abjads import read_abjad
from motiondirector.speech.alphabets import (
    armenian_unwritten_schwa,
    brahmic_nuclei,
    cyrillic_nuclei,
    ethiopic_bare,
    greek_vowel_groups,
    is_armenian_vowel,
    is_georgian_vowel,
    marked_letters,
    script_parts,
)

Sound = tuple[str, ...]
"""Phonemes without stress digits; a vowel among them is one of `VOWEL_PHONEMES`."""

VOWEL_PHONEMES = frozenset(
    {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}
)
_STRESSED, _UNSTRESSED = "1", "2"
_ACUTE = "\u0301"
_GREEK_ACCENTS = frozenset("\u0300\u0301\u0342")


def transliterate(run: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each script part of `run` (lowercase) with its phonemes, vowels with stress digits."""
    for script, part in script_parts(run):
        yield part, _finish(_READERS[script](part))


def _finish(said: list[tuple[str, bool]]) -> tuple[str, ...]:
    """(phoneme, stressed) pairs to phonemes: stress digits on vowels, an anusvara made the
    nasal of the consonant after it, and a doubled consonant said once (м in Анна, म्म in
    अम्मा is one long closure, not two)."""
    any_unstressed = any(not stressed for p, stressed in said if p in VOWEL_PHONEMES)
    out: list[str] = []
    for index, (phoneme, stressed) in enumerate(said):
        if phoneme.startswith(_ANUSVARA):
            phoneme = _anusvara(phoneme, [p for p, _ in said[index + 1 :]])
        if phoneme in VOWEL_PHONEMES:
            out.append(phoneme + (_STRESSED if stressed or not any_unstressed else _UNSTRESSED))
        elif phoneme and not (out and out[-1] == phoneme):
            out.append(phoneme)
    return tuple(out)


def _nucleus(sound: Sound, vowel: str = "AH") -> Sound:
    """`sound` with exactly one vowel: its first, or `vowel` after its consonants."""
    vowels = [i for i, p in enumerate(sound) if p in VOWEL_PHONEMES]
    if not vowels:
        return (*sound, vowel)
    keep = vowels[0]
    return tuple(p for i, p in enumerate(sound) if i == keep or p not in VOWEL_PHONEMES)


def _consonants(sound: Sound) -> Sound:
    return tuple(p for p in sound if p not in VOWEL_PHONEMES)


def _said(sound: Sound, stressed: bool = True) -> list[tuple[str, bool]]:
    return [(p, stressed) for p in sound]


def _split(spelling: str) -> Sound:
    return tuple(spelling.split())


# Cyrillic: Russian, with the letters of Ukrainian, Belarusian, Bulgarian, Serbian,
# Macedonian and the Turkic and Iranian languages written in it. е ё ю я (and є ї) say a y
# glide where they start a syllable; after a consonant they only soften it.
_CYRILLIC: Mapping[str, Sound] = {
    letter: _split(spelling)
    for letter, spelling in {
        "а": "AA", "б": "B", "в": "V", "г": "G", "д": "D", "е": "EH", "ё": "AO", "ж": "ZH",
        "з": "Z", "и": "IY", "й": "Y", "к": "K", "л": "L", "м": "M", "н": "N", "о": "AO",
        "п": "P", "р": "R", "с": "S", "т": "T", "у": "UW", "ф": "F", "х": "HH", "ц": "T S",
        "ч": "CH", "ш": "SH", "щ": "SH", "ъ": "AH", "ы": "IH", "ь": "", "э": "EH", "ю": "UW",
        "я": "AA",
        # Ukrainian, Belarusian
        "є": "EH", "і": "IY", "ї": "IY", "ґ": "G", "ў": "W",
        # Serbian, Macedonian
        "ђ": "JH", "ѓ": "JH", "ѕ": "D Z", "ј": "Y", "љ": "L Y", "њ": "N Y", "ћ": "CH",
        "ќ": "CH", "џ": "JH", "ѐ": "EH", "ѝ": "IY",
        # Kazakh, Kyrgyz, Tatar, Bashkir, Tajik, Uzbek, Chuvash, Mongolian, Ossetian
        "ә": "AE", "ғ": "G", "қ": "K", "ң": "NG", "ө": "OW", "ұ": "UH", "ү": "UW", "һ": "HH",
        "ҳ": "HH", "ҷ": "JH", "ӣ": "IY", "ӯ": "UW", "ҙ": "DH", "ҫ": "TH", "ӑ": "AA", "ӗ": "EH",
        "ӓ": "AE", "ӧ": "OW", "ӱ": "UW", "ӹ": "IH", "ӕ": "AE", "ӛ": "AH", "ӫ": "OW", "ӭ": "EH",
        "ӥ": "IY", "ӳ": "UW", "ҡ": "K", "ҝ": "G", "ӄ": "K", "ӈ": "NG", "ҥ": "NG", "ҹ": "CH",
        "ӂ": "ZH", "ҵ": "T S", "ҿ": "CH",
        # the old orthography
        "ѣ": "EH", "ѵ": "IY", "ѳ": "F", "ѧ": "AA", "ѫ": "UW", "ѩ": "AA", "ѭ": "UW",
    }.items()
}  # fmt: skip
_CYRILLIC_GLIDED = frozenset("еёюяєїѩѭ")
_CYRILLIC_SIGNS = frozenset("ьъ")
# Ukrainian and the languages of ј write the y glide of е themselves (є, је), and Ukrainian
# says и as ɪ and г as ɦ.
_UKRAINIAN = frozenset("іїєґ")
_NO_E_GLIDE = _UKRAINIAN | frozenset("јљњћђџѓќѕ")


def _cyrillic(part: str) -> list[tuple[str, bool]]:
    # Letters as written, not decomposed: й and ё are letters of their own, not и and е.
    letters: list[str] = []
    marks: list[str] = []
    for char in part:
        if unicodedata.category(char).startswith("L"):
            letters.append(char)
            marks.append("")
        elif marks:
            marks[-1] += char
    nuclei = set(cyrillic_nuclei(letters))
    stress_marked = {i for i in nuclei if _ACUTE in marks[i]}
    ukrainian = bool(_UKRAINIAN & set(letters))
    no_e_glide = bool(_NO_E_GLIDE & set(letters))
    said: list[tuple[str, bool]] = []
    for index, letter in enumerate(letters):
        sound = _CYRILLIC.get(letter, ())
        if ukrainian and letter in "иг":
            sound = ("IH",) if letter == "и" else ("HH",)
        if index not in nuclei:
            said += _said(_consonants(sound))
            continue
        before = letters[index - 1] if index else ""
        starts_syllable = not before or before in _CYRILLIC_SIGNS or (index - 1) in nuclei
        glide = letter in _CYRILLIC_GLIDED and starts_syllable
        if letter == "е" and no_e_glide:
            glide = False
        if letter == "р":
            sound = ("ER",)  # Serbian срце, прст
        stressed = not stress_marked or index in stress_marked
        said += _said(("Y",) if glide else (), stressed)
        said += _said(_nucleus(sound), stressed)
    return said


# Greek: Modern Greek letters and digraphs. γ says y before a front vowel; αυ ευ ηυ end in v
# before a vowel or a voiced consonant and in f elsewhere.
_GREEK_CONSONANTS: Mapping[str, Sound] = {
    letter: _split(spelling)
    for letter, spelling in {
        "β": "V", "γ": "G", "δ": "DH", "ζ": "Z", "θ": "TH", "κ": "K", "λ": "L", "μ": "M",
        "ν": "N", "ξ": "K S", "π": "P", "ρ": "R", "σ": "S", "ς": "S", "τ": "T", "φ": "F",
        "χ": "HH", "ψ": "P S", "ϝ": "W", "ϛ": "S T", "ϟ": "K", "ϙ": "K", "ϡ": "S", "ϳ": "Y",
        "ͱ": "HH", "ͳ": "S", "ͷ": "W", "ϸ": "SH", "ϻ": "S",
    }.items()
}  # fmt: skip
_GREEK_DIGRAPHS: Mapping[str, Sound] = {
    "μπ": ("B",), "ντ": ("D",), "γκ": ("G",), "γγ": ("NG", "G"), "γχ": ("NG", "HH"),
    "γξ": ("NG", "K", "S"), "τσ": ("T", "S"), "τζ": ("D", "Z"),
}  # fmt: skip
_GREEK_VOWEL_SOUNDS: Mapping[str, str] = {
    "α": "AA", "ε": "EH", "η": "IY", "ι": "IY", "ο": "OW", "υ": "IY", "ω": "OW", "αι": "EH",
    "ει": "IY", "οι": "IY", "υι": "IY", "ου": "UW", "αυ": "AA", "ευ": "EH", "ηυ": "IY",
}  # fmt: skip
_GREEK_FRONT = frozenset("εηιυ")
_GREEK_VOICED = frozenset("βγδζλμνρ")
_GREEK_VOWEL_LETTERS = frozenset("αεηιουω")


def _greek(part: str) -> list[tuple[str, bool]]:
    marked = marked_letters(part)
    letters = [letter for letter, _ in marked]
    groups = {first: (last, glide) for first, last, glide in greek_vowel_groups(marked)}
    accented = {
        first
        for first, (last, glide) in groups.items()
        if not glide and any(_GREEK_ACCENTS & set(m) for _, m in marked[first : last + 1])
    }
    said: list[tuple[str, bool]] = []
    index = 0
    while index < len(letters):
        if index in groups:
            last, glide = groups[index]
            spelled = "".join(letters[index : last + 1])
            after = letters[last + 1] if last + 1 < len(letters) else ""
            if glide:
                said += _said(("Y",))
            else:
                stressed = not accented or index in accented
                said += _said(_nucleus((_GREEK_VOWEL_SOUNDS.get(spelled, "AH"),)), stressed)
                if len(spelled) == 2 and spelled[1] == "υ" and spelled != "ου":
                    voiced = after in _GREEK_VOWEL_LETTERS or after in _GREEK_VOICED
                    said += _said(("V",) if voiced else ("F",))
            index = last + 1
            continue
        pair = "".join(letters[index : index + 2])
        after = letters[index + 1] if index + 1 < len(letters) else ""
        if pair in _GREEK_DIGRAPHS:
            sound = _GREEK_DIGRAPHS[pair]
            index += 2
            continue_with = sound
        else:
            letter = letters[index]
            continue_with = _GREEK_CONSONANTS.get(letter, ())
            if letter == "γ" and after in _GREEK_FRONT:
                continue_with = ("Y",)
            elif letter in "σς" and after in _GREEK_VOICED:
                continue_with = ("Z",)  # κόσμος
            index += 1
        said += _said(_consonants(continue_with))
    return said


# Armenian (Eastern): one sound per letter; ու is u, ե and ո start a word with y and v.
_ARMENIAN: Mapping[str, Sound] = {
    letter: _split(spelling)
    for letter, spelling in {
        "ա": "AA", "բ": "B", "գ": "G", "դ": "D", "ե": "EH", "զ": "Z", "է": "EH", "ը": "AH",
        "թ": "T", "ժ": "ZH", "ի": "IY", "լ": "L", "խ": "HH", "ծ": "T S", "կ": "K", "հ": "HH",
        "ձ": "D Z", "ղ": "G", "ճ": "CH", "մ": "M", "յ": "Y", "ն": "N", "շ": "SH", "ո": "OW",
        "չ": "CH", "պ": "P", "ջ": "JH", "ռ": "R", "ս": "S", "վ": "V", "տ": "T", "ր": "R",
        "ց": "T S", "ւ": "V", "փ": "P", "ք": "K", "օ": "OW", "ֆ": "F", "և": "EH V",
    }.items()
}  # fmt: skip
_ARMENIAN_INITIAL = {"ե": ("Y",), "ո": ("V",), "և": ("Y",)}


def _armenian(part: str) -> list[tuple[str, bool]]:
    letters = [char for char in part if unicodedata.category(char).startswith("L")]
    said: list[tuple[str, bool]] = []
    for index, letter in enumerate(letters):
        sound = _ARMENIAN.get(letter, ())
        if letter == "ւ" and index and letters[index - 1] == "ո":
            continue  # the second half of ու
        if not is_armenian_vowel(letter):
            said += _said(_consonants(sound))
            if index == 0 and armenian_unwritten_schwa(letters):
                said += _said(("AH",))
            continue
        if letter == "ո" and index + 1 < len(letters) and letters[index + 1] == "ւ":
            sound = ("UW",)
        elif index == 0:
            sound = _ARMENIAN_INITIAL.get(letter, ()) + sound
        said += _said(_nucleus(sound))
    return said


# Georgian: one sound per letter (ejectives as their plain stop), found by the letter's name
# so that Mkhedruli, Nuskhuri and the modifier letters share one table.
_GEORGIAN_NAMES: Mapping[str, Sound] = {
    name: _split(spelling)
    for name, spelling in {
        "AN": "AA", "BAN": "B", "GAN": "G", "DON": "D", "EN": "EH", "VIN": "V", "ZEN": "Z",
        "HE": "EY", "TAN": "T", "IN": "IY", "KAN": "K", "LAS": "L", "MAN": "M", "NAR": "N",
        "HIE": "Y", "ON": "OW", "PAR": "P", "ZHAR": "ZH", "RAE": "R", "SAN": "S", "TAR": "T",
        "WE": "W", "UN": "UW", "PHAR": "P", "KHAR": "K", "GHAN": "G", "QAR": "K", "SHIN": "SH",
        "CHIN": "CH", "CAN": "T S", "JIL": "D Z", "CIL": "T S", "CHAR": "CH", "XAN": "HH",
        "JHAN": "JH", "HAE": "HH", "HOE": "OW", "FI": "F", "YN": "AH", "HAR": "HH",
        "TURNED GAN": "G",
    }.items()
}  # fmt: skip


def _georgian(part: str) -> list[tuple[str, bool]]:
    letters = [char for char in part if unicodedata.category(char).startswith("L")]
    said: list[tuple[str, bool]] = []
    for letter in letters:
        name = unicodedata.name(letter, "").split("LETTER ", 1)[-1]
        sound = _GEORGIAN_NAMES.get(name, ())
        said += _said(_nucleus(sound) if is_georgian_vowel(letter) else _consonants(sound))
    return said


# Ethiopic: each letter is a consonant and one of seven vowels, both read from its name
# ("ETHIOPIC SYLLABLE BAA" is b and a); the sixth order says ɨ, or nothing where bare.
_ETHIOPIC_CONSONANTS: Mapping[str, Sound] = {
    name: _split(spelling)
    for name, spelling in {
        "": "", "H": "HH", "HH": "HH", "X": "HH", "KX": "HH", "L": "L", "M": "M", "R": "R",
        "S": "S", "SZ": "S", "SS": "S", "SH": "SH", "Q": "K", "QH": "K", "K": "K", "B": "B",
        "BB": "B", "V": "V", "T": "T", "TH": "T", "TTH": "T", "C": "CH", "CC": "CH",
        "CH": "CH", "CCH": "CH", "CCHH": "CH", "N": "N", "NY": "N Y", "W": "W", "Z": "Z",
        "ZZ": "Z", "ZH": "ZH", "Y": "Y", "D": "D", "DD": "D", "DDH": "D", "DZ": "D Z",
        "J": "JH", "G": "G", "GG": "G", "PH": "P", "P": "P", "TS": "T S", "TZ": "T S",
        "F": "F", "QY": "K Y", "KY": "K Y", "XY": "HH Y", "GY": "G Y", "MY": "M Y",
        "RY": "R Y", "FY": "F Y",
    }.items()
}  # fmt: skip
_ETHIOPIC_VOWELS: Mapping[str, Sound] = {
    "A": ("AH",), "U": ("UW",), "I": ("IY",), "AA": ("AA",), "EE": ("EY",), "E": ("IH",),
    "O": ("OW",), "OA": ("W", "AA"),
}  # fmt: skip
_ETHIOPIC_NAME = re.compile(r"(.*?)(OA|AA|EE|A|U|I|E|O)")


def _ethiopic_letter(letter: str) -> Sound:
    syllable = unicodedata.name(letter, "").rsplit(" ", 1)[-1]
    match = _ETHIOPIC_NAME.fullmatch(syllable)
    if match is None:
        return ()
    consonant, vowel = match.groups()
    labial = len(consonant) > 1 and consonant.endswith("W")
    onset = _ETHIOPIC_CONSONANTS.get(consonant[:-1] if labial else consonant, ())
    return onset + (("W",) if labial else ()) + _ETHIOPIC_VOWELS[vowel]


def _ethiopic(part: str) -> list[tuple[str, bool]]:
    letters = [char for char in part if unicodedata.category(char).startswith("L")]
    said: list[tuple[str, bool]] = []
    for letter, bare in zip(letters, ethiopic_bare(letters), strict=True):
        sound = _ethiopic_letter(letter)
        said += _said(_consonants(sound) if bare else _nucleus(sound))
    return said


# Brahmic: the blocks from Devanagari to Malayalam share the ISCII layout, so one table keyed
# by a letter's offset in its block serves all nine (tests check the names agree); each
# script lists where it differs. Aspirates are said as their plain consonant.
_ANUSVARA = "~"
_BRAHMIC_OFFSETS: Mapping[int, Sound] = {
    offset: _split(spelling)
    for offset, spelling in {
        # independent vowels
        0x04: "AH", 0x05: "AH", 0x06: "AA", 0x07: "IH", 0x08: "IY", 0x09: "UH", 0x0A: "UW",
        0x0B: "R IH", 0x0C: "L IH", 0x0D: "AE", 0x0E: "EH", 0x0F: "EY", 0x10: "AY",
        0x11: "AO", 0x12: "AO", 0x13: "OW", 0x14: "AW", 0x50: "OW M", 0x60: "R IY",
        0x61: "L IY", 0x72: "AH", 0x73: "AH", 0x74: "AH", 0x75: "AW", 0x76: "UH", 0x77: "UW",
        # consonants
        0x15: "K", 0x16: "K", 0x17: "G", 0x18: "G", 0x19: "NG", 0x1A: "CH", 0x1B: "CH",
        0x1C: "JH", 0x1D: "JH", 0x1E: "N", 0x1F: "T", 0x20: "T", 0x21: "D", 0x22: "D",
        0x23: "N", 0x24: "T", 0x25: "T", 0x26: "D", 0x27: "D", 0x28: "N", 0x29: "N",
        0x2A: "P", 0x2B: "F", 0x2C: "B", 0x2D: "B", 0x2E: "M", 0x2F: "Y", 0x30: "R",
        0x31: "R", 0x32: "L", 0x33: "L", 0x34: "L", 0x35: "V", 0x36: "SH", 0x37: "SH",
        0x38: "S", 0x39: "HH", 0x58: "K", 0x59: "HH", 0x5A: "G",
        0x5B: "Z", 0x5C: "R", 0x5D: "R", 0x5E: "F", 0x5F: "Y", 0x79: "ZH",
        # vowel signs
        0x3E: "AA", 0x3F: "IH", 0x40: "IY", 0x41: "UH", 0x42: "UW", 0x43: "R IH",
        0x44: "R IY", 0x45: "AE", 0x46: "EH", 0x47: "EY", 0x48: "AY", 0x49: "AO", 0x4A: "AO",
        0x4B: "OW", 0x4C: "AW", 0x57: "AW", 0x62: "L IH", 0x63: "L IY",
        # anusvara, visarga
        0x02: _ANUSVARA, 0x03: "HH",
    }.items()
}  # fmt: skip
_BRAHMIC_EXCEPTIONS: Mapping[str, Mapping[int, Sound]] = {
    "devanagari": {0x3A: ("AH",), 0x3B: ("AH",), 0x4E: ("EH",), 0x4F: ("AW",), 0x55: ("AE",),
                   0x56: ("UH",), 0x57: ("UW",), 0x78: ("D",), 0x7A: ("Y",), 0x7B: ("G",),
                   0x7C: ("JH",), 0x7E: ("D",), 0x7F: ("B",)},
    # য and ଯ are j (য় ୟ, with a nukta, are y); ৎ is a bare t; ৰ ৱ are Assamese r and w.
    "bengali": {0x2F: ("JH",), 0x4E: ("T",), 0x70: ("R",), 0x71: ("W",), 0x7C: (_ANUSVARA,)},
    # tippi and bindi nasalise like an anusvara; iri and ura carry the vowel sign after them.
    "gurmukhi": {0x70: (_ANUSVARA,), 0x72: ("IH",), 0x73: ("UH",), 0x74: ("OW", "M"),
                 0x75: ()},
    "oriya": {0x2F: ("JH",), 0x71: ("W",)},
    "telugu": {0x04: (_ANUSVARA,), 0x58: ("T", "S"), 0x59: ("D", "Z"), 0x5A: ("R",), 0x5D: ("N",)},
    "kannada": {0x5D: ("N",), 0x71: ("HH",), 0x72: ("F",)},
    # Chillus are bare consonants; dot reph is r.
    "malayalam": {0x04: (_ANUSVARA,), 0x3A: ("T",), 0x4E: ("R",), 0x54: ("M",), 0x55: ("Y",),
                  0x56: ("L",), 0x5F: ("IY",), 0x7A: ("N",), 0x7B: ("N",), 0x7C: ("R",),
                  0x7D: ("L",), 0x7E: ("L",), 0x7F: ("K",)},
}  # fmt: skip
# Consonants a nukta changes: q x ɣ z ɽ ɽʱ f y, and Gurmukhi ਸ਼ ਲ਼.
_NUKTA_SOUNDS: Mapping[int, Sound] = {
    0x15: ("K",), 0x16: ("HH",), 0x17: ("G",), 0x1C: ("Z",), 0x21: ("R",), 0x22: ("R",),
    0x2B: ("F",), 0x2F: ("Y",), 0x38: ("SH",), 0x32: ("L",),
}  # fmt: skip
# Letters that carry the vowel sign written after them: consonants, and Gurmukhi's bearers.
_BRAHMIC_BEARERS = {"gurmukhi": frozenset({0x72, 0x73})}
# The vowel Bengali and Odia say where no sign is written is ɔ; the others say a or ə.
_INHERENT = {"bengali": "AO", "oriya": "AO"}
# A word-final anusvara is m in Telugu, Kannada and Malayalam, ŋ in Sinhala, and a nasal
# vowel (read as n) in the north.
_FINAL_ANUSVARA = {"telugu": "M", "kannada": "M", "malayalam": "M", "tamil": "M", "sinhala": "NG"}

# Sinhala has a layout of its own.
_SINHALA: Mapping[int, Sound] = {
    code: _split(spelling)
    for code, spelling in {
        0x0D82: _ANUSVARA, 0x0D83: "HH",
        0x0D85: "AH", 0x0D86: "AA", 0x0D87: "AE", 0x0D88: "AE", 0x0D89: "IH", 0x0D8A: "IY",
        0x0D8B: "UH", 0x0D8C: "UW", 0x0D8D: "R IH", 0x0D8E: "R IY", 0x0D8F: "L IH",
        0x0D90: "L IY", 0x0D91: "EH", 0x0D92: "EY", 0x0D93: "AY", 0x0D94: "AO", 0x0D95: "OW",
        0x0D96: "AW",
        0x0D9A: "K", 0x0D9B: "K", 0x0D9C: "G", 0x0D9D: "G", 0x0D9E: "NG", 0x0D9F: "NG G",
        0x0DA0: "CH", 0x0DA1: "CH", 0x0DA2: "JH", 0x0DA3: "JH", 0x0DA4: "N", 0x0DA5: "N",
        0x0DA6: "N JH", 0x0DA7: "T", 0x0DA8: "T", 0x0DA9: "D", 0x0DAA: "D", 0x0DAB: "N",
        0x0DAC: "N D", 0x0DAD: "T", 0x0DAE: "T", 0x0DAF: "D", 0x0DB0: "D", 0x0DB1: "N",
        0x0DB3: "N D", 0x0DB4: "P", 0x0DB5: "P", 0x0DB6: "B", 0x0DB7: "B", 0x0DB8: "M",
        0x0DB9: "M B", 0x0DBA: "Y", 0x0DBB: "R", 0x0DBD: "L", 0x0DC0: "V", 0x0DC1: "SH",
        0x0DC2: "SH", 0x0DC3: "S", 0x0DC4: "HH", 0x0DC5: "L", 0x0DC6: "F",
        0x0DCF: "AA", 0x0DD0: "AE", 0x0DD1: "AE", 0x0DD2: "IH", 0x0DD3: "IY", 0x0DD4: "UH",
        0x0DD6: "UW", 0x0DD8: "R IH", 0x0DD9: "EH", 0x0DDA: "EY", 0x0DDB: "AY", 0x0DDC: "AO",
        0x0DDD: "OW", 0x0DDE: "AW", 0x0DDF: "L IH", 0x0DF2: "R IY", 0x0DF3: "L IY",
    }.items()
}  # fmt: skip
_VIRAMA, _NUKTA = 9, 7  # canonical combining classes


def brahmic_sound(script: str, char: str) -> Sound:
    """The sound of one letter, vowel sign or nasal sign of a Brahmic `script`; () if none."""
    code = ord(char)
    if script == "sinhala":
        return _SINHALA.get(code, ())
    offset = code & 0x7F
    found = _BRAHMIC_EXCEPTIONS.get(script, {}).get(offset)
    return found if found is not None else _BRAHMIC_OFFSETS.get(offset, ())


def _is_vowel_sign(char: str) -> bool:
    name = unicodedata.name(char, "")
    return "VOWEL SIGN" in name or name.endswith("AU LENGTH MARK")


def _brahmic(script: str) -> Callable[[str], list[tuple[str, bool]]]:
    bearers = _BRAHMIC_BEARERS.get(script, frozenset())

    def read(part: str) -> list[tuple[str, bool]]:
        nuclei = set(brahmic_nuclei(script, part))
        said: list[tuple[str, bool]] = []
        for index, char in enumerate(part):
            sound = brahmic_sound(script, char)
            if sound == (_ANUSVARA,):
                said += _said((_ANUSVARA + _FINAL_ANUSVARA.get(script, "N"),))
                continue
            if unicodedata.category(char) != "Lo":
                if not _is_vowel_sign(char):
                    said += _said(_consonants(sound))  # visarga; vowel signs are read below
                continue
            after = index + 1
            while after < len(part) and unicodedata.combining(part[after]) == _NUKTA:
                after += 1
            if after > index + 1 and (ord(char) & 0x7F) in _NUKTA_SOUNDS:
                sound = _NUKTA_SOUNDS[ord(char) & 0x7F]
            if index not in nuclei:
                said += _said(_consonants(sound))
                continue
            takes_sign = not any(p in VOWEL_PHONEMES for p in sound) or (
                (ord(char) & 0x7F) in bearers
            )
            sign = _vowel_sign(script, part, after) if takes_sign else None
            if sign is not None:
                said += _said(_consonants(sound) + _nucleus(sign))
            elif after < len(part) and unicodedata.combining(part[after]) == _VIRAMA:
                said += _said(_nucleus(sound, "AH"))  # Malayalam's final ŭ, said ə
            else:
                said += _said(_nucleus(sound, _INHERENT.get(script, "AH")))
        return said

    return read


def _vowel_sign(script: str, part: str, at: int) -> Sound | None:
    """The vowel of the first vowel sign from `at` up to the next letter, if any."""
    for char in part[at:]:
        if unicodedata.category(char) == "Lo":
            return None
        if _is_vowel_sign(char):
            sound = brahmic_sound(script, char)
            if any(p in VOWEL_PHONEMES for p in sound):
                return sound
    return None


def _anusvara(marker: str, following: list[str]) -> str:
    """The nasal an anusvara says: that of the consonant after it, else the script's final."""
    for phoneme in following:
        if phoneme in ("P", "B", "M"):
            return "M"
        if phoneme in ("K", "G", "NG"):
            return "NG"
        if phoneme and not phoneme.startswith(_ANUSVARA):
            return "N"
    return marker[len(_ANUSVARA) :]


_READERS: dict[str, Callable[[str], list[tuple[str, bool]]]] = {
    "cyrillic": _cyrillic,
    "greek": _greek,
    "armenian": _armenian,
    "georgian": _georgian,
    "ethiopic": _ethiopic,
    **{
        script: _brahmic(script)
        for script in (
            "devanagari", "bengali", "gurmukhi", "gujarati", "oriya", "tamil", "telugu",
            "kannada", "malayalam", "sinhala",
        )
    },
    "hebrew": partial(read_abjad, "hebrew"),
    "arabic": partial(read_abjad, "arabic"),
}  # fmt: skip
