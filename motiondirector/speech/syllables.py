"""Orthographic syllables of Thai, Lao, Khmer and Burmese, written without spaces between words.

A run of these scripts is one whitespace token however many words it holds. Its words cannot
be found without a dictionary, but its syllables can be read off the spelling: the unit a
speaker times, which no word boundary falls inside. `speech.scripts` makes a word of each, as
it makes one of each Chinese character, and each counts one syllable of timing.

The rules, kept small enough to explain:

- Thai and Lao (the Lao block mirrors the Thai one, so one set of rules reads both). A cluster
  is a consonant with the vowels, tone marks and signs written on and after it; a leading
  vowel (เ แ โ ใ ไ, ເ ແ ໂ ໃ ໄ) goes with the consonant after it, and with a pair that starts a
  syllable (กร, คล, หน, อย, ...). A consonant alone closes the syllable before it when that
  syllable can still take a final (วัส, ชาย), else starts one (ผม, สม); อ ว ย after a vowel they
  complete are part of it (ชื่อ, ตัว, เรียน); a consonant silenced by ์ goes with the syllable
  before, as does one just before it (จันทร์).
- Khmer. A consonant or independent vowel with its subscripts (COENG U+17D2 + consonant), its
  vowels and its signs is a cluster, and a syllable; a consonant alone after a cluster with no
  final yet is that final (អរ|គុណ).
- Burmese. A syllable starts at each consonant or independent vowel, except one stacked under
  another (after U+1039) or killed as a final (before U+103A asat or U+1039); medials, vowels
  and tone marks go with it (မင်္ဂ|လာ|ပါ).

Thai spelling leaves some boundaries to the reader (a consonant between two vowels may end one
syllable or start the next), so a Thai or Lao split is sometimes off by a letter; the number of
syllables, which timing needs, is right far more often than the boundaries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Letters and signs of the four scripts; their digits and punctuation are left out.
_THAI_LAO = (
    (0x0E01, 0x0E3A),
    (0x0E40, 0x0E4E),
    (0x0E81, 0x0EBD),
    (0x0EC0, 0x0ECE),
    (0x0EDC, 0x0EDF),
)
_KHMER = ((0x1780, 0x17D3), (0x17D7, 0x17D7), (0x17DC, 0x17DD))
_MYANMAR = (
    (0x1000, 0x103F),
    (0x1050, 0x108F),
    (0x109A, 0x109D),
    (0xA9E0, 0xA9EF),
    (0xA9FA, 0xA9FE),
    (0xAA60, 0xAA7F),
)
SYLLABLE_SCRIPT_CLASS = "".join(
    f"\\u{low:04X}-\\u{high:04X}" for low, high in (*_THAI_LAO, *_KHMER, *_MYANMAR)
)
"""The ranges above as the inside of a regular-expression character class."""

# Thai and Lao, by offset in their block (Lao = Thai + 0x80).
_LEADING = frozenset(range(0x40, 0x45))  # เ แ โ ใ ไ
_SPACING_VOWELS = frozenset({0x30, 0x32, 0x33, 0x3D, 0x45})  # ะ า ำ ຽ ๅ, written after
_WHOLE_SYLLABLE_SIGNS = frozenset({0x2F, 0x46})  # ฯ ๆ: abbreviation, repetition
_SILENCER = 0x4C  # ์
_O, _W, _Y, _NY, _H = 0x2D, 0x27, 0x22, 0x0D, 0x2B  # อ ว ย ญ/ຍ ห
_R, _L = 0x23, 0x25
_PAIR_FIRSTS = {
    _R: frozenset({0x01, 0x02, 0x04, 0x08, 0x0B, 0x14, 0x15, 0x17, 0x1A, 0x1B, 0x1C, 0x1E,
                   0x1F, 0x28, 0x2A}),  # กร ขร คร จร ซร ดร ตร ทร บร ปร ผร พร ฟร ศร สร
    _L: frozenset({0x01, 0x02, 0x04, 0x1A, 0x1B, 0x1C, 0x1E, 0x1F}),  # กล ขล คล บล ปล ...
    _W: frozenset({0x01, 0x02, 0x04}),  # กว ขว คว
}  # fmt: skip
_AFTER_H = frozenset({0x07, _NY, 0x19, 0x21, _Y, _R, _L, _W})  # หง หญ หน หม หย หร หล หว
_COENG, _VIRAMA, _ASAT, _DOT_BELOW = "\u17d2", "\u1039", "\u103a", "\u1037"
# Khmer signs a final consonant may carry: register shifters, bantoc, toandakhiat, viriam.
_KHMER_FINAL_SIGNS = frozenset("\u17c9\u17ca\u17cb\u17cd\u17d1\u17dd")
_KHMER_CLOSING_SIGNS = frozenset("\u17c6\u17c7\u17c8")  # ំ ះ ៈ end a syllable themselves


def _in(ranges: tuple[tuple[int, int], ...], char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def is_syllable_script(char: str) -> bool:
    """Whether `char` is a letter or sign of Thai, Lao, Khmer or Burmese."""
    return ord(char) >= 0x0E01 and _splitter(char) is not None


def syllable_units(text: str) -> list[str]:
    """`text` cut into units: each syllable of Thai, Lao, Khmer or Burmese one unit, every
    other character one unit. Joined, the units are `text`."""
    units: list[str] = []
    index = 0
    while index < len(text):
        split = _splitter(text[index])
        end = index + 1
        if split is None:
            units.append(text[index])
        else:
            while end < len(text) and _splitter(text[end]) is split:
                end += 1
            units.extend(split(text[index:end]))
        index = end
    return units


def _splitter(char: str) -> Callable[[str], list[str]] | None:
    if _in(_THAI_LAO, char):
        return _thai_lao_syllables
    if _in(_KHMER, char):
        return _khmer_syllables
    if _in(_MYANMAR, char):
        return _myanmar_syllables
    return None


def _offset(char: str) -> int:
    return ord(char) & 0x7F


def _is_consonant(char: str) -> bool:
    return 0x01 <= _offset(char) <= 0x2E or 0x5C <= _offset(char) <= 0x5F


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def starts_together(first: str, second: str) -> bool:
    """Whether two consonants start a syllable together (กร, หน, อย), or only the first of
    them (a weak pair, กว: ว may be the vowel or the final before)."""
    head, tail = _offset(first), _offset(second)
    if head == _H:
        return tail in _AFTER_H
    if head == _O:
        return tail == _Y
    return head in _PAIR_FIRSTS.get(tail, frozenset())


def _thai_lao_clusters(run: str) -> list[str]:
    clusters: list[str] = []
    index = 0
    while index < len(run):
        end = index + 1
        if _offset(run[index]) in _LEADING and end < len(run) and _is_consonant(run[end]):
            end += 1
            if (
                end < len(run)
                and _is_consonant(run[end])
                and starts_together(run[end - 1], run[end])
            ):
                end += 1
        if _is_consonant(run[end - 1]):
            while end < len(run) and (_is_mark(run[end]) or _offset(run[end]) in _SPACING_VOWELS):
                end += 1
        clusters.append(run[index:end])
        index = end
    return clusters


def _room(cluster: str) -> tuple[int, frozenset[int], int]:
    """What a syllable opened by `cluster` can still take: how many final consonants, which
    letters complete its vowel, and how many finals after such a letter."""
    signs = {_offset(char) for char in cluster}
    leading = _offset(cluster[0]) if _offset(cluster[0]) in _LEADING else None
    if signs & {0x30, 0x33, 0x4D}:  # ะ ำ, and ํ (ำ in normal form KC): closed
        return 0, frozenset(), 0
    if leading in (0x43, 0x44):  # ใ ไ: closed, but for the ย of ไทย
        return 0, frozenset({_Y}) if leading == 0x44 else frozenset(), 0
    if 0x32 in signs:  # า; เ-า is closed
        return (0 if leading == 0x40 else 1), frozenset(), 0
    if 0x31 in signs:  # ั: a final, or ว (ตัว)
        return 1, frozenset({_W}), 0
    if 0x37 in signs:  # ื: a final (คืน), or อ (ชื่อ; เมือง takes a final after it)
        return 1, frozenset({_O}), 1 if leading == 0x40 else 0
    if 0x35 in signs and leading == 0x40:  # เ-ี: ย (เรียน)
        return 1, frozenset({_Y, _NY}), 1
    if signs & {0x34, 0x35, 0x36, 0x38, 0x39, 0x3B, 0x3D, 0x47}:  # ิ ี ึ ุ ู ົ ຽ ็
        return 1, frozenset(), 0
    if leading is not None:  # เ แ โ alone: a final, or the อ of เธอ
        return 1, frozenset({_O}) if leading == 0x40 else frozenset(), 1
    return 1, frozenset({_O, _W}), 1  # no vowel written: ผม, ต้อง, ด้วย


def _thai_lao_syllables(run: str) -> list[str]:
    syllables: list[str] = []
    clusters = _thai_lao_clusters(run)
    finals, completing, finals_after = 0, frozenset[int](), 0
    carried = ""  # a consonant that starts the next cluster's syllable with it (ค + รับ)
    for index, cluster in enumerate(clusters):
        after = clusters[index + 1] if index + 1 < len(clusters) else ""
        head = _offset(cluster[0])
        alone = len(cluster) == 1 and _is_consonant(cluster)
        if syllables and not carried and not _is_consonant(cluster[0]) and head not in _LEADING:
            syllables[-1] += cluster  # a stray sign, ฯ or ๆ
            if head in _WHOLE_SYLLABLE_SIGNS:
                finals, completing = 0, frozenset()
            continue
        if (
            syllables
            and not carried
            and (
                _offset(cluster[-1]) == _SILENCER
                or (alone and after and _offset(after[-1]) == _SILENCER and len(after) == 2)
            )
        ):
            syllables[-1] += cluster  # silent: จันทร์, การ์
            finals, completing = 0, frozenset()
            continue
        if (
            alone
            and len(after) > 1
            and _is_consonant(after[0])
            and starts_together(cluster, after[0])
        ):
            # ว after ก ข ค may instead close the syllable before (ทุก|วัน, not ทุ|กวัน).
            weak = _offset(after[0]) == _W
            if not (weak and syllables and (finals or head in completing)):
                carried = cluster
                continue
        if alone and syllables and not carried:
            if head in completing:
                syllables[-1] += cluster
                finals, completing = finals_after, frozenset()
                continue
            if finals:
                syllables[-1] += cluster
                finals, completing = finals - 1, frozenset()
                continue
        syllables.append(carried + cluster)
        finals, completing, finals_after = _room(syllables[-1])
        carried = ""
    return syllables


def _khmer_syllables(run: str) -> list[str]:
    syllables: list[str] = []
    can_close = False
    index = 0
    while index < len(run):
        end = index + 1
        while end < len(run):
            if run[end] == _COENG and end + 1 < len(run):
                end += 2
            elif _is_mark(run[end]) or run[end] == "\u17d7":  # ៗ repeats what is before it
                end += 1
            else:
                break
        cluster = run[index:end]
        index = end
        base = cluster[0]
        bare = "\u1780" <= base <= "\u17a2" and all(c in _KHMER_FINAL_SIGNS for c in cluster[1:])
        if syllables and ((bare and can_close) or _is_mark(base)):
            syllables[-1] += cluster
            can_close = False
            continue
        syllables.append(cluster)
        can_close = not _KHMER_CLOSING_SIGNS & set(cluster)
    return syllables


def _myanmar_syllables(run: str) -> list[str]:
    syllables: list[str] = []
    for index, char in enumerate(run):
        if syllables and not _starts_myanmar_syllable(run, index):
            syllables[-1] += char
        else:
            syllables.append(char)
    return syllables


def _starts_myanmar_syllable(run: str, index: int) -> bool:
    if unicodedata.category(run[index]) != "Lo" or (index and run[index - 1] == _VIRAMA):
        return False
    after = index + 1
    while after < len(run) and run[after] == _DOT_BELOW:  # an older order puts ့ before ်
        after += 1
    return after >= len(run) or run[after] not in (_ASAT, _VIRAMA)
