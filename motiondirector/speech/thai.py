"""Phonemes of a Thai written syllable (`speech.syllables` cuts a run into them): its initial
consonant, its vowel and its final consonant, read off the spelling.

A written syllable stays one syllable, as its neutral syllable counted before, and now says its
sounds: the lips close on ม บ ป พ ภ (as initials, and as finals, which Thai says unreleased m
and p), meet the teeth on ฝ ฟ, round on the vowels ุ ู โ อ ัว, and the jaw opens on every
vowel. `สวัสดีครับ` is S AA W AA T D IY K R AA P.

The reading, kept small enough to explain: a leading vowel (เ แ โ ใ ไ) and the marks above,
below and after the consonant make the vowel (เ-า ao, เ-ีย ia, เ-ือ uea, -ัว ua, -ำ am,
-อ after a consonant o, ...); a closed syllable without a written vowel says o (คน khon), an
open one a (the ส of สบาย); the second consonant of a cluster (กร, คล, กว) is said after the
first, a ห before a sonorant (หน, หม) and an อ before ย only carry tone; a final consonant is
said as Thai closes a syllable (k, t, p, n, m, ng, or the glides w and y); a letter under ์
is silent. Tone marks move no part of the face and are dropped; one diphthong is one vowel
(its first part), so a syllable keeps one. Lao, Khmer and Burmese syllables keep neutral ones.
"""

from __future__ import annotations

from motiondirector.speech.syllables import starts_together

STRESS = "1"
_BASE = 0x0E00

# Consonants by offset: (initial, final); "" for none.
_CONSONANTS: dict[int, tuple[str, str]] = {
    0x01: ("K", "K"), 0x02: ("K", "K"), 0x03: ("K", "K"), 0x04: ("K", "K"), 0x05: ("K", "K"),
    0x06: ("K", "K"), 0x07: ("NG", "NG"), 0x08: ("CH", "T"), 0x09: ("CH", "T"),
    0x0A: ("CH", "T"), 0x0B: ("S", "T"), 0x0C: ("CH", "T"), 0x0D: ("Y", "N"), 0x0E: ("D", "T"),
    0x0F: ("T", "T"), 0x10: ("T", "T"), 0x11: ("T", "T"), 0x12: ("T", "T"), 0x13: ("N", "N"),
    0x14: ("D", "T"), 0x15: ("T", "T"), 0x16: ("T", "T"), 0x17: ("T", "T"), 0x18: ("T", "T"),
    0x19: ("N", "N"), 0x1A: ("B", "P"), 0x1B: ("P", "P"), 0x1C: ("P", "P"), 0x1D: ("F", "P"),
    0x1E: ("P", "P"), 0x1F: ("F", "P"), 0x20: ("P", "P"), 0x21: ("M", "M"), 0x22: ("Y", "Y"),
    0x23: ("R", "N"), 0x25: ("L", "N"), 0x27: ("W", "W"), 0x28: ("S", "T"), 0x29: ("S", "T"),
    0x2A: ("S", "T"), 0x2B: ("HH", ""), 0x2C: ("L", "N"), 0x2D: ("", ""), 0x2E: ("HH", ""),
}  # fmt: skip
_RUE, _LUE = 0x24, 0x26  # ฤ ฦ: a consonant and its vowel in one letter
_LEADING = frozenset(range(0x40, 0x45))  # เ แ โ ใ ไ
_SA_AM, _SA_A, _SA_AA, _MAI_HAN_AKAT = 0x33, 0x30, 0x32, 0x31
_NIKHAHIT = 0x4D  # ำ in normal form KC is ํ and า
_SILENCER, _MAI_TAIKHU = 0x4C, 0x47
_TONES = frozenset(range(0x48, 0x4C))
_O, _W, _Y, _H = 0x2D, 0x27, 0x22, 0x2B  # อ ว ย ห
_ABOVE_BELOW = {0x34: "IY", 0x35: "IY", 0x36: "IH", 0x37: "IH", 0x38: "UW", 0x39: "UW"}


def is_thai(char: str) -> bool:
    return 0x0E01 <= ord(char) <= 0x0E4E


def _offsets(syllable: str) -> list[int]:
    return [ord(char) - _BASE for char in syllable if is_thai(char)]


def _spoken(offsets: list[int]) -> list[int]:
    """`offsets` without tone marks and without the letters ์ silences (the one it sits on,
    and a consonant just before that one when it has no vowel of its own: จันทร์)."""
    kept: list[int] = []
    for offset in offsets:
        if offset in _TONES:
            continue
        if offset == _SILENCER:
            if kept and kept[-1] in _CONSONANTS:
                kept.pop()
                if len(kept) >= 2 and kept[-1] in _CONSONANTS and kept[-2] in _CONSONANTS:
                    kept.pop()
            continue
        kept.append(offset)
    return kept


def _vowel(leading: int | None, marks: list[int], after: list[int]) -> tuple[str | None, int]:
    """The vowel a leading vowel, the marks and the consonants `after` the onset make, and how
    many of those consonants are part of it (the อ of พอ, the ว of ตัว); None where the
    spelling writes no vowel."""
    follows = after[0] if after else None
    if leading == 0x40:  # เ
        if _SA_AA in marks:
            return ("AO" if _SA_A in marks else "AW"), 0  # เ-าะ o, เ-า ao
        if 0x35 in marks and follows == _Y:
            return "IY", 1  # เ-ีย ia
        if 0x37 in marks:
            return "IH", int(follows == _O)  # เ-ือ uea
        if 0x34 in marks or 0x35 in marks:
            return "AH", 0  # เ-ิ oe
        if follows == _O:
            return "AH", 1  # เ-อ oe
        return "EH", 0
    if leading == 0x41:
        return "AE", 0
    if leading == 0x42:
        return "OW", 0
    if leading in (0x43, 0x44):
        return "AY", int(follows == _Y and leading == 0x44)  # the silent ย of ไทย
    if _MAI_HAN_AKAT in marks:
        return ("UW", 1) if follows == _W else ("AA", 0)  # -ัว ua, -ั- a
    if {_SA_AM, _SA_A, _SA_AA, _NIKHAHIT}.intersection(marks):
        return "AA", 0
    for mark in marks:
        if mark in _ABOVE_BELOW:
            return _ABOVE_BELOW[mark], int(mark == 0x37 and follows == _O)  # ชื่อ
    if follows == _O:
        return "AO", 1  # -อ o
    if _MAI_TAIKHU in marks:
        return "AO", 0  # ก็
    if follows == _W and len(after) > 1:
        return "UW", 1  # ด้วย, สวย: ว as the vowel ua
    return None, 0


def thai_sounds(syllable: str) -> tuple[str, ...] | None:
    """The phonemes of one written Thai syllable (the vowel with a stress digit), or None
    where it is no syllable these rules read (a lone ๆ or ฯ, a stray mark)."""
    offsets = _spoken(_offsets(syllable))
    leading = offsets[0] if offsets and offsets[0] in _LEADING else None
    rest = offsets[1:] if leading is not None else offsets
    if not rest or (rest[0] not in _CONSONANTS and rest[0] not in (_RUE, _LUE)):
        return None
    first = rest[0]
    if first in (_RUE, _LUE):
        return ("R" if first == _RUE else "L", "IH" + STRESS)
    paired = (
        len(rest) > 2
        and rest[1] in _CONSONANTS
        and starts_together(chr(_BASE + first), chr(_BASE + rest[1]))
    )
    onset = rest[:2] if paired else rest[:1]
    said = [_CONSONANTS[letter][0] for letter in onset]
    if paired and first in (_H, _O):
        said = said[1:]  # a ห or อ that only carries the tone of the sonorant after it
    tail = rest[len(onset) :]
    marks = [o for o in tail if o not in _CONSONANTS]
    after = [o for o in tail if o in _CONSONANTS]
    vowel, taken = _vowel(leading, marks, after)
    after = after[taken:]
    if vowel is None:
        vowel = "OW" if after else "AA"  # คน khon; the ส of สบาย
    said.append(vowel + STRESS)
    if _SA_AM in marks or _NIKHAHIT in marks:
        said.append("M")
    elif after and _CONSONANTS[after[0]][1]:
        said.append(_CONSONANTS[after[0]][1])
    return tuple(sound for sound in said if sound)
