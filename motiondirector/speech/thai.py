"""Phonemes of a Thai or Lao written syllable (`speech.syllables` cuts a run into them): its
initial consonant, its vowel and its final consonant, read off the spelling.

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
(its first part), so a syllable keeps one. Lao is read by the same rules (its block mirrors
Thai's), with its own letters where they differ (ຊ s, a final ຍ y, ໜ ໝ, the subscript ຼ l,
the vowels ົ ຽ ໍ): `ສະບາຍດີ` is S AA B AA Y D IY. Burmese has a reader of its own
(`speech.burmese`), and so has Khmer (`speech.khmer`).
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


_LAO_BASE = 0x0E80  # the Lao block mirrors the Thai one, letter for letter where both have it
# Where Lao differs from Thai at the same place: ຊ is s, ຍ closes as y; ໜ ໝ are n and m
# written with ຫ.
_LAO_CONSONANTS = {
    **_CONSONANTS, 0x0A: ("S", "T"), 0x0D: ("Y", "Y"), 0x5C: ("N", "N"), 0x5D: ("M", "M"),
}  # fmt: skip
_LAO_SUBSCRIPT_L = 0x3C  # ຼ, an l under the initial (ຫຼາຍ)
# Lao vowel marks: ົ o, ຽ ia, ໍ o (where Thai's ํ is the m of ำ).
_LAO_MARKS = {0x3B: "OW", 0x3D: "IY", 0x4D: "AO"}


def is_thai_or_lao(char: str) -> bool:
    code = ord(char)
    return 0x0E01 <= code <= 0x0E4E or 0x0E81 <= code <= 0x0EDF


def _offsets(syllable: str) -> tuple[list[int], bool]:
    """The syllable's letters and signs by their place in their block, and whether it is Lao."""
    lao = any(0x0E81 <= ord(char) <= 0x0EDF for char in syllable)
    base = _LAO_BASE if lao else _BASE
    return [ord(c) - base for c in syllable if is_thai_or_lao(c)], lao


def _spoken(offsets: list[int], consonants: dict[int, tuple[str, str]]) -> list[int]:
    """`offsets` without tone marks and without the letters ์ silences (the one it sits on,
    and a consonant just before that one when it has no vowel of its own: จันทร์)."""
    kept: list[int] = []
    for offset in offsets:
        if offset in _TONES:
            continue
        if offset == _SILENCER:
            if kept and kept[-1] in consonants:
                kept.pop()
                if len(kept) >= 2 and kept[-1] in consonants and kept[-2] in consonants:
                    kept.pop()
            continue
        kept.append(offset)
    return kept


def _vowel(
    leading: int | None, marks: list[int], after: list[int], lao: bool
) -> tuple[str | None, int]:
    """The vowel a leading vowel, the marks and the consonants `after` the onset make, and how
    many of those consonants are part of it (the อ of พอ, the ว of ตัว); None where the
    spelling writes no vowel."""
    follows = after[0] if after else None
    if lao:
        for mark in marks:
            if mark in _LAO_MARKS and leading is None:
                return _LAO_MARKS[mark], 0
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
    if {_SA_AM, _SA_A, _SA_AA}.intersection(marks) or (_NIKHAHIT in marks and not lao):
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
    """The phonemes of one written Thai or Lao syllable (the vowel with a stress digit), or
    None where it is no syllable these rules read (a lone ๆ or ฯ, a stray mark)."""
    offsets, lao = _offsets(syllable)
    consonants = _LAO_CONSONANTS if lao else _CONSONANTS
    base = _LAO_BASE if lao else _BASE
    offsets = _spoken(offsets, consonants)
    leading = offsets[0] if offsets and offsets[0] in _LEADING else None
    rest = offsets[1:] if leading is not None else offsets
    vowel_letters = () if lao else (_RUE, _LUE)
    if not rest or (rest[0] not in consonants and rest[0] not in vowel_letters):
        return None
    first = rest[0]
    if first in vowel_letters:
        return ("R" if first == _RUE else "L", "IH" + STRESS)
    paired = (
        len(rest) > 2
        and rest[1] in consonants
        and starts_together(chr(base + first), chr(base + rest[1]))
    )
    onset = rest[:2] if paired else rest[:1]
    said = [consonants[letter][0] for letter in onset]
    if paired and first in (_H, _O):
        said = said[1:]  # a ห or อ that only carries the tone of the sonorant after it
    tail = rest[len(onset) :]
    if lao and _LAO_SUBSCRIPT_L in tail:
        said = [*(sound for sound in said if sound != "HH"), "L"]  # ຫຼ: the ຫ carries tone
    marks = [o for o in tail if o not in consonants and o != _LAO_SUBSCRIPT_L]
    after = [o for o in tail if o in consonants]
    vowel, taken = _vowel(leading, marks, after, lao)
    after = after[taken:]
    if vowel is None:
        vowel = "OW" if after else "AA"  # คน khon; the ส of สบาย
    said.append(vowel + STRESS)
    if _SA_AM in marks or (_NIKHAHIT in marks and not lao):
        said.append("M")
    elif after and consonants[after[0]][1]:
        said.append(consonants[after[0]][1])
    return tuple(sound for sound in said if sound)
