"""Phonemes of Korean Hangul, whose syllable blocks spell their sounds: an initial consonant,
a vowel and an optional final consonant, read off the block's code point.

A block is one syllable, as the neutral syllables counted before, and now says its sounds: the
lips close on ㅁ ㅂ ㅃ ㅍ, round on ㅗ ㅜ ㅘ ㅝ, and the jaw opens on every vowel. `감사합니다`
is G AA M S AA HH AA M N IY D AA. Final consonants are said as Korean closes a syllable (ㅅ ㅈ
ㅊ ㅌ ㅎ are t, a cluster its one said consonant), and one sound change that moves the lips
is made: a final ㅂ, ㄷ or ㄱ before ㄴ or ㅁ is nasal (`합니다` ham-ni-da, `감사합니다`). Other
sound changes across blocks (liaison, tensing) are not, and a lone jamo is read as a neutral
syllable by `speech.phonemes`.
"""

from __future__ import annotations

STRESS = "1"  # Korean has no lexical stress: every vowel primary

_FIRST, _LAST = 0xAC00, 0xD7A3
_MEDIALS, _FINALS = 21, 28

_INITIAL = (
    "G", "K", "N", "D", "T", "R", "M", "B", "P", "S", "S", "", "JH", "CH", "CH", "K", "T", "P",
    "HH",
)  # fmt: skip
_MEDIAL = (
    "AA", "EH", "Y AA", "Y EH", "AH", "EH", "Y AH", "Y EH", "OW", "W AA", "W EH", "W EH",
    "Y OW", "UW", "W AH", "W EH", "W IY", "Y UW", "IH", "IY", "IY",
)  # fmt: skip
_FINAL = (
    "", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P",
    "P", "T", "T", "NG", "T", "T", "K", "T", "P", "",
)  # fmt: skip
_NASALIZED = {"P": "M", "T": "N", "K": "NG"}


def is_hangul_syllable(char: str) -> bool:
    return _FIRST <= ord(char) <= _LAST


def _parts(char: str) -> tuple[str, str, str]:
    index = ord(char) - _FIRST
    initial, rest = divmod(index, _MEDIALS * _FINALS)
    medial, final = divmod(rest, _FINALS)
    return _INITIAL[initial], _MEDIAL[medial], _FINAL[final]


def hangul_sounds(text: str) -> list[tuple[str, ...]]:
    """The phonemes (vowels with stress digits) of each character of `text`, in order: () for
    a character that is no Hangul syllable block (the caller reads those)."""
    blocks = [_parts(char) if is_hangul_syllable(char) else None for char in text]
    sounds: list[tuple[str, ...]] = []
    for index, block in enumerate(blocks):
        if block is None:
            sounds.append(())
            continue
        initial, medial, final = block
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if final in _NASALIZED and following is not None and following[0] in ("N", "M"):
            final = _NASALIZED[final]
        vowel = medial.split()
        said = [*initial.split(), *vowel[:-1], vowel[-1] + STRESS, *final.split()]
        sounds.append(tuple(said))
    return sounds
