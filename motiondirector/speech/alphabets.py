"""Syllables of alphabets and abugidas, read off the spelling: Cyrillic, Greek, Armenian,
Georgian, Ethiopic, and the Brahmic scripts of South Asia (Devanagari, Bengali, Gurmukhi,
Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala). Hebrew and Arabic, whose short
vowels go unwritten, keep one syllable per two letters.

A word of these scripts is timed by its syllables and mouthed with one vowel each, read off
its letters (`speech.transliteration` and, for Hebrew and Arabic, `speech.abjads`, which take
each syllable's place from the functions here). The rules, kept small enough to explain:

- Cyrillic, Armenian, Georgian: one per vowel letter. Cyrillic ъ is a vowel only before a
  consonant (Bulgarian България; Russian объявление uses it as a sign), and р between two
  consonants is one (Serbian срце, прст). Armenian ու is one vowel, and a word that starts
  with two consonants says an unwritten ը between them (շնորհակալություն, գնալ).
- Greek: one per vowel letter, αι ει οι υι ου αυ ευ ηυ once unless the first carries the
  accent or the second a diaeresis (είναι two, ρολόι three, κοροϊδεύω five); an unaccented ι,
  ει or οι between a consonant and a vowel is a glide (γεια one, παιδιά two).
- Brahmic abugidas: one per akshara, that is per independent vowel and per consonant not
  followed by a virama (halant, Tamil pulli, Malayalam chandrakkala, Sinhala al-lakuna); vowel
  signs, anusvara, visarga, candrabindu and nukta add none. Hindi, Bengali, Punjabi and
  Gujarati leave the inherent vowel unsaid after a final consonant (धन्यवाद dhan-ya-vād; after
  a final conjunct too, दोस्त dost, unless it ends in y, r or v, मित्र mi-tra, and never in
  Bengali) and inside a word between a vowel and one consonant on each side (VC_CV, Ohala's
  rule, read from the word's end: कमला kam-lā, समझना sa-majh-nā); Oriya, the Dravidian
  scripts and Sinhala say it. A Malayalam word ending in chandrakkala ends in a short u
  (ഒന്ന് on-nŭ); a chillu is silent.
- Ethiopic: one per letter, but a sixth-order letter (the ə form) is a bare consonant at the
  end of a word or after a vowel (ሰላም se-lam, ኢትዮጵያ it-yop-ya), and takes ə otherwise.

Compounds that keep a vowel the rule drops, and Amharic's ə where these rules close a
syllable, would need a lexicon.
Nothing here raises on odd input; a run of marks with no letter has no syllables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator

_SCRIPT_RANGES: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("greek", ((0x0370, 0x03E1), (0x03F0, 0x03FF), (0x1F00, 0x1FFF))),  # not its Coptic
    ("cyrillic", ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))),
    ("armenian", ((0x0531, 0x058F),)),
    ("hebrew", ((0x0591, 0x05F4),)),
    ("arabic", ((0x0610, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF))),
    ("brahmic", ((0x0900, 0x0DFF),)),
    ("georgian", ((0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F))),
    ("ethiopic", ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))),
)
# Marks any script may carry (a stress accent typed on a Cyrillic vowel), and the joiners
# that shape Brahmic conjuncts (Sinhala ශ්‍රී); they never start a run.
_COMBINING = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x200C, 0x200D),
              (0x20D0, 0x20FF), (0xFE20, 0xFE2F))  # fmt: skip


def _letters_and_marks(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """The code points of `ranges` that are letters or marks (not digits or punctuation,
    which the tokenizer reads elsewhere), as ranges."""
    kept: list[tuple[int, int]] = []
    for low, high in ranges:
        for code in range(low, high + 1):
            if unicodedata.category(chr(code))[0] not in "LM":
                continue
            if kept and kept[-1][1] == code - 1:
                kept[-1] = (kept[-1][0], code)
            else:
                kept.append((code, code))
    return kept


def _character_class(ranges: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> str:
    return "".join(
        f"\\U{low:08X}" if low == high else f"\\U{low:08X}-\\U{high:08X}" for low, high in ranges
    )


_READ = _letters_and_marks(tuple(r for _, ranges in _SCRIPT_RANGES for r in ranges))
ALPHABET_SCRIPT_CLASS = _character_class(_READ)
"""Letters and marks of the scripts read here, as the inside of a regular-expression class."""
COMBINING_CLASS = _character_class(_COMBINING)
"""Marks and joiners that continue a run of these scripts, as the inside of a class."""
_READ_CODES = frozenset(code for low, high in _READ for code in range(low, high + 1))
_COMBINING_CODES = frozenset(code for low, high in _COMBINING for code in range(low, high + 1))


def is_alphabet_script(char: str) -> bool:
    """Whether `char` is a letter or mark of a script whose syllables are read here."""
    return ord(char) in _READ_CODES


def written_syllables(run: str) -> tuple[str, ...]:
    """One letter per syllable of `run` (lowercase letters and marks of the scripts above), in
    order, for the neutral mouth to vary by: the consonant that opens the syllable, else its
    vowel; the first of each pair of letters for Hebrew and Arabic. A run may mix scripts; each
    part is read by its own rules."""
    syllables: list[str] = []
    for script, part in script_parts(run):
        syllables.extend(_READERS[script](part))
    return tuple(syllables)


def _script_of(char: str) -> str | None:
    code = ord(char)
    for script, ranges in _SCRIPT_RANGES:
        for low, high in ranges:
            if low <= code <= high:
                if script == "brahmic":  # each block its own script, ten in all
                    return _BRAHMIC_BLOCKS[(code - 0x0900) // 0x80]
                return script
    return None


def script_parts(run: str) -> Iterator[tuple[str, str]]:
    """`run` cut where its script changes; combining marks go with the part before them."""
    script: str | None = None
    start = 0
    for index, char in enumerate(run):
        here = None if ord(char) in _COMBINING_CODES else _script_of(char)
        if here is None or here == script:
            continue
        if script is not None:
            yield script, run[start:index]
        script, start = here, index
    if script is not None:
        yield script, run[start:]


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _openings(letters: list[str], vowels: list[int], is_vowel: Callable[[str], bool]) -> list[str]:
    """For each syllable whose vowel is letters[i], the consonant before it, else the vowel."""
    return [
        letters[i - 1] if i > 0 and not is_vowel(letters[i - 1]) else letters[i] for i in vowels
    ]


# Cyrillic: the vowels of Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian,
# Kazakh, Tatar, Tajik, Chuvash and others, and of the old orthography (ѣ ѵ ѧ ѫ).
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєѐѝәөүұӣӯӑӗӓӧӱӹӕӛӫӭӥӳѣѵѧѫѩѭ")
_CYRILLIC_NOT_CONSONANTS = _CYRILLIC_VOWELS | frozenset("ьъ")


def _cyrillic(part: str) -> list[str]:
    letters = [char for char in part if _is_letter(char)]
    vowels = cyrillic_nuclei(letters)
    return _openings(letters, vowels, _CYRILLIC_NOT_CONSONANTS.__contains__)


def cyrillic_nuclei(letters: list[str]) -> list[int]:
    """Indices of the `letters` of a Cyrillic word that carry a syllable: its vowel letters,
    ъ before a consonant, р between consonants."""

    def consonant(index: int) -> bool:
        return 0 <= index < len(letters) and letters[index] not in _CYRILLIC_NOT_CONSONANTS

    return [
        index
        for index, letter in enumerate(letters)
        if letter in _CYRILLIC_VOWELS
        or (letter == "ъ" and consonant(index + 1))
        or (letter == "р" and consonant(index - 1) and consonant(index + 1))
    ]


_GREEK_VOWELS = frozenset("αεηιουω")
_GREEK_DIGRAPHS = frozenset({"αι", "ει", "οι", "υι", "ου", "αυ", "ευ", "ηυ"})
_GREEK_GLIDES = frozenset({"ι", "ει", "οι", "υι"})
_GREEK_ACCENTS = frozenset("\u0300\u0301\u0342")  # varia, oxia or tonos, perispomeni
_DIAERESIS = "\u0308"


def _greek(part: str) -> list[str]:
    letters = marked_letters(part)
    vowels = [first for first, _, glide in greek_vowel_groups(letters) if not glide]
    return _openings([letter for letter, _ in letters], vowels, _GREEK_VOWELS.__contains__)


def marked_letters(part: str) -> list[tuple[str, str]]:
    """Each letter of `part` with the marks written on it (decomposed): Greek ά is α with an
    accent, ϊ is ι with a diaeresis; a stress mark typed on a Cyrillic vowel stays with it."""
    letters: list[tuple[str, str]] = []
    for char in unicodedata.normalize("NFD", part):
        if _is_letter(char):
            letters.append((char, ""))
        elif letters:
            letters[-1] = (letters[-1][0], letters[-1][1] + char)
    return letters


def greek_vowel_groups(letters: list[tuple[str, str]]) -> list[tuple[int, int, bool]]:
    """The vowel groups of a Greek word's `marked_letters`: (first letter index, last letter
    index, whether it is a glide), a digraph one group. Each group that is not a glide is a
    syllable."""
    # Vowel groups: (first letter index, last letter index), a digraph one group.
    groups: list[tuple[int, int]] = []
    for index, (letter, marks) in enumerate(letters):
        if letter not in _GREEK_VOWELS:
            continue
        if groups and groups[-1] == (index - 1, index - 1):
            before, before_marks = letters[index - 1]
            if (
                before + letter in _GREEK_DIGRAPHS
                and not (_GREEK_ACCENTS | {_DIAERESIS}) & set(before_marks)
                and _DIAERESIS not in marks
            ):
                groups[-1] = (index - 1, index)
                continue
        groups.append((index, index))
    read: list[tuple[int, int, bool]] = []
    for first, last in groups:
        spelled = "".join(letter for letter, _ in letters[first : last + 1])
        marked = "".join(marks for _, marks in letters[first : last + 1])
        glide = (
            spelled in _GREEK_GLIDES
            and not (_GREEK_ACCENTS | {_DIAERESIS}) & set(marked)
            and first > 0
            and letters[first - 1][0] not in _GREEK_VOWELS
            and last + 1 < len(letters)
            and letters[last + 1][0] in _GREEK_VOWELS
        )
        read.append((first, last, glide))
    return read


def _named_vowels(ranges: tuple[tuple[int, int], ...], names: frozenset[str]) -> frozenset[str]:
    chars = (chr(code) for low, high in ranges for code in range(low, high + 1))
    return frozenset(c for c in chars if unicodedata.name(c, "").rsplit(" ", 1)[-1] in names)


# ա ե է ը ի ո օ, and և (ev); ւ is v, or the second half of ու.
_ARMENIAN_VOWELS = frozenset("աեէըիոօև")


def _armenian(part: str) -> list[str]:
    letters = [char for char in part if _is_letter(char)]
    vowels = [index for index, letter in enumerate(letters) if letter in _ARMENIAN_VOWELS]
    syllables = _openings(letters, vowels, _ARMENIAN_VOWELS.__contains__)
    if armenian_unwritten_schwa(letters):
        syllables.insert(0, letters[0])
    return syllables


def is_armenian_vowel(letter: str) -> bool:
    return letter in _ARMENIAN_VOWELS


def armenian_unwritten_schwa(letters: list[str]) -> bool:
    """Whether an Armenian word says an unwritten ը after its first letter (շն-, գն-, ստ-)."""
    return len(letters) >= 2 and not _ARMENIAN_VOWELS & set(letters[:2])


# Mkhedruli ა ე ი ო უ, old ჱ ჵ and Mingrelian/Svan ჷ, and the same in Nuskhuri (Asomtavruli
# and Mtavruli capitals are lowercased into these before they arrive).
_GEORGIAN_VOWELS = _named_vowels(
    ((0x10D0, 0x10FF), (0x2D00, 0x2D2F)),
    frozenset({"AN", "EN", "IN", "ON", "UN", "HE", "HOE", "YN"}),
)


def is_georgian_vowel(letter: str) -> bool:
    return letter in _GEORGIAN_VOWELS


def _georgian(part: str) -> list[str]:
    letters = [char for char in part if _is_letter(char)]
    vowels = [index for index, letter in enumerate(letters) if letter in _GEORGIAN_VOWELS]
    return _openings(letters, vowels, _GEORGIAN_VOWELS.__contains__)


def _is_sixth_order(char: str) -> bool:
    """An Ethiopic letter of the sixth order, its consonant with ə or with no vowel (ም)."""
    last = unicodedata.name(char, "").rsplit(" ", 1)[-1]
    return last.endswith("E") and not last.endswith("EE")


def _ethiopic(part: str) -> list[str]:
    letters = [char for char in part if _is_letter(char)]
    return [
        letter for letter, bare in zip(letters, ethiopic_bare(letters), strict=True) if not bare
    ]


def ethiopic_bare(letters: list[str]) -> list[bool]:
    """For each letter of an Ethiopic word, whether it is a bare consonant (no syllable)."""
    flags = []
    vowel_before = False
    for index, letter in enumerate(letters):
        bare = index > 0 and _is_sixth_order(letter) and (vowel_before or index == len(letters) - 1)
        flags.append(bare)
        vowel_before = not bare
    return flags


_BRAHMIC_BLOCKS = (
    "devanagari", "bengali", "gurmukhi", "gujarati", "oriya", "tamil", "telugu", "kannada",
    "malayalam", "sinhala",
)  # fmt: skip
# Scripts whose languages leave the inherent vowel unsaid at the end of words and inside them.
_SCHWA_DROPPED = frozenset({"devanagari", "bengali", "gurmukhi", "gujarati"})
# Offsets of y, r and v: a final conjunct ending in one says its inherent vowel.
_SAID_AFTER_CONJUNCT = frozenset({0x2F, 0x30, 0x35})
# Independent vowels (and vowel bearers, ॐ) by offset in the Devanagari-to-Gujarati blocks.
_INDEPENDENT_VOWEL_OFFSETS = frozenset({*range(0x04, 0x15), 0x50, 0x60, 0x61, *range(0x72, 0x78)})
_VIRAMA, _NUKTA = 9, 7  # canonical combining classes


def _silent_letter(char: str) -> bool:
    """Letters that carry no vowel of their own: Malayalam chillus and dot reph, Bengali
    khanda ta, and the avagraha and Tamil aytham, which Unicode names signs."""
    name = unicodedata.name(char, "")
    return any(word in name for word in ("CHILLU", "KHANDA TA", "DOT REPH", "ANUSVARA", " SIGN "))


def _brahmic(script: str) -> Callable[[str], list[str]]:
    def read(part: str) -> list[str]:
        return [part[index] for index in brahmic_nuclei(script, part)]

    return read


def brahmic_nuclei(script: str, part: str) -> list[int]:
    """Indices in `part` (a word of one Brahmic `script`) of the letters that carry a
    syllable; a consonant before a virama carries none, nor one whose inherent vowel its
    language leaves unsaid (`_drops_final_schwa`, `_without_medial_schwas`)."""
    nuclei: list[int] = []
    for index, char in enumerate(part):
        if unicodedata.category(char) != "Lo" or _silent_letter(char):
            continue
        after = _after_nuktas(part, index)
        killed = after < len(part) and unicodedata.combining(part[after]) == _VIRAMA
        # Malayalam says a short u after a final chandrakkala; with a joiner after it, the
        # letter is a chillu written the old way.
        if killed and not (script == "malayalam" and after + 1 == len(part)):
            continue
        nuclei.append(index)
    if script in _SCHWA_DROPPED and len(nuclei) > 1:
        if _drops_final_schwa(script, part, nuclei[-1]):
            nuclei.pop()
        nuclei = _without_medial_schwas(part, nuclei)
    return nuclei


def _after_nuktas(part: str, index: int) -> int:
    """The index after the letter at `index` and the nuktas on it."""
    after = index + 1
    while after < len(part) and unicodedata.combining(part[after]) == _NUKTA:
        after += 1
    return after


def _has_inherent_vowel(part: str, index: int) -> bool:
    """Whether the syllable letter at `index` is a consonant saying its inherent vowel: no
    vowel sign, nasal sign or visarga between it and the next letter."""
    after = _after_nuktas(part, index)
    return (ord(part[index]) & 0x7F) not in _INDEPENDENT_VOWEL_OFFSETS and (
        after == len(part) or unicodedata.category(part[after]) == "Lo"
    )


def _in_conjunct(part: str, index: int) -> bool:
    """Whether the letter at `index` follows a consonant joined to it by a virama."""
    return index > 0 and unicodedata.combining(part[index - 1]) == _VIRAMA


def _adjacent(part: str, first: int, second: int) -> bool:
    """Whether no letter stands between the letters at `first` and `second`."""
    return all(unicodedata.category(char) != "Lo" for char in part[first + 1 : second])


def _drops_final_schwa(script: str, part: str, index: int) -> bool:
    """Whether the word's last syllable letter, at `index`, is a final consonant whose
    inherent vowel goes unsaid: always after a single consonant (धन्यवाद dhan-ya-vād); after a
    conjunct in Hindi, Punjabi and Gujarati unless it ends in y, r or v, as words from Sanskrit
    do (दोस्त dost, मित्र mi-tra), and never in Bengali (বন্ধ bon-dho)."""
    if not _has_inherent_vowel(part, index) or _after_nuktas(part, index) != len(part):
        return False
    if not _in_conjunct(part, index):
        return True
    return script != "bengali" and (ord(part[index]) & 0x7F) not in _SAID_AFTER_CONJUNCT


def _without_medial_schwas(part: str, nuclei: list[int]) -> list[int]:
    """`nuclei` less the inherent vowels Hindi, Bengali, Punjabi and Gujarati drop inside a
    word: a vowel, one consonant, the dropped vowel, one consonant and a vowel (VC_CV, Ohala's
    rule), read from the end of the word so that of two such vowels in a row only the later
    goes (समझना sa-majh-nā, कमला kam-lā, इसलिए is-li-e)."""
    kept = list(nuclei)
    for position in range(len(kept) - 2, 0, -1):
        before, index, after = kept[position - 1 : position + 2]
        if (
            _has_inherent_vowel(part, index)
            and _adjacent(part, before, index)
            and not _in_conjunct(part, index)
            and _adjacent(part, index, after)
            and (ord(part[after]) & 0x7F) not in _INDEPENDENT_VOWEL_OFFSETS
        ):
            del kept[position]
    return kept


def abjad_nuclei(part: str) -> list[int]:
    """Which letters of a Hebrew or Arabic word (indices among its letters, marks not
    counted) carry a syllable: every other one from the first. Short vowels go unwritten (and
    vowel points are mostly left out), so a syllable per two letters: no simple rule read from
    the letters did better on common words."""
    return list(range(0, sum(_is_letter(char) for char in part), 2))


def _abjad(part: str) -> list[str]:
    letters = [char for char in part if _is_letter(char)]
    return [letters[index] for index in abjad_nuclei(part)]


_READERS: dict[str, Callable[[str], list[str]]] = {
    "greek": _greek,
    "cyrillic": _cyrillic,
    "armenian": _armenian,
    "georgian": _georgian,
    "ethiopic": _ethiopic,
    "hebrew": _abjad,
    "arabic": _abjad,
    **{script: _brahmic(script) for script in _BRAHMIC_BLOCKS},
}
