"""Writing systems without spaces between words: Chinese (Han), Japanese (Han and kana), Thai,
Lao, Khmer and Burmese.

A line of these scripts is one whitespace token however long it is, so a word here is a
syllable: one character of Chinese or Japanese, one orthographic syllable of Thai, Lao, Khmer
or Burmese (`speech.syllables`). It is the syllable the timing counts, and a gesture or a
word-timed behaviour can land on it. Small kana (ゃ, ッ), the long-vowel mark (ー) and
combining marks go with the character before them, punctuation with its neighbour (an opening
bracket with the word after it). Latin, digits and Hangul inside such a token stay whole
words: Korean is written with spaces, and its space-separated words are its words.

Written text is rebuilt from such words without spaces between them (`join_words`), so an
utterance reads as it was written.
"""

from __future__ import annotations

import unicodedata

from motiondirector.speech.syllables import is_syllable_script, syllable_units

# Code point ranges of the letters of scripts written without spaces (Han, kana).
_UNSPACED_RANGES: tuple[tuple[int, int], ...] = (
    (0x3005, 0x3007),  # 々 〆 〇
    (0x303B, 0x303C),  # 〻 〼
    (0x3041, 0x309F),  # hiragana
    (0x30A1, 0x30FF),  # katakana, ー
    (0x31F0, 0x31FF),  # small katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth katakana
    (0x20000, 0x3134F),  # CJK extensions B-G, compatibility supplement
)
# CJK symbols and punctuation, and the fullwidth forms of ASCII punctuation.
_CJK_PUNCTUATION_RANGES: tuple[tuple[int, int], ...] = (
    (0x3000, 0x3004),
    (0x3008, 0x3020),
    (0x3030, 0x3030),
    (0x30FB, 0x30FB),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF01, 0xFF0F),
    (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40),
    (0xFF5B, 0xFF65),
)
# Kana that extend the syllable before them rather than start one: small vowels and glides,
# the small tsu (a held consonant), the long-vowel mark and the voicing marks.
_ATTACHED = frozenset(
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶーｧｨｩｪｫｬｭｮｯｰ゛゜ﾞﾟ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)


def _in(ranges: tuple[tuple[int, int], ...], char: str) -> bool:
    code = ord(char)
    return code >= 0x3000 and any(low <= code <= high for low, high in ranges)


def is_unspaced(char: str) -> bool:
    """Whether `char` is a letter of a script written without spaces (Han, hiragana,
    katakana)."""
    return _in(_UNSPACED_RANGES, char)


def is_cjk_punctuation(char: str) -> bool:
    return _in(_CJK_PUNCTUATION_RANGES, char)


def writes_without_spaces(char: str) -> bool:
    """Whether `char` is a letter or sign of a script written without spaces: Han, kana, Thai,
    Lao, Khmer or Burmese. (`is_unspaced` is the narrower test for Han and kana, whose every
    character is a syllable.)"""
    return is_unspaced(char) or is_syllable_script(char)


def has_unspaced(text: str) -> bool:
    return not text.isascii() and any(writes_without_spaces(char) for char in text)


def split_unspaced(token: str) -> list[str]:
    """A whitespace-free token as words: every Han or kana character, and every Thai, Lao,
    Khmer or Burmese syllable, its own word (with the small kana, marks and punctuation that
    go with it); other runs of letters and digits stay whole. A token without any of these
    scripts is returned as it is."""
    if not has_unspaced(token):
        return [token]
    words: list[str] = []
    current = ""  # the word being built
    kind: str | None = None  # "unspaced", "run" (other letters, digits), None: no letter yet
    opening = ""  # opening brackets after a word: they go with the next one
    # A unit is one character, or one syllable of Thai, Lao, Khmer or Burmese.
    for unit in syllable_units(token):
        char = unit[0]
        if kind is not None and (char in _ATTACHED or _is_mark(char)):
            # After an opening bracket a mark goes with it: the text keeps its order.
            if opening:
                opening += unit
            else:
                current += unit
            continue
        if is_unspaced(char) or (is_syllable_script(char) and not _is_mark(char)):
            new_kind = "unspaced"
        elif char.isalnum():
            new_kind = "run"
        else:
            if opening or (kind is not None and unicodedata.category(char) in ("Ps", "Pi")):
                opening += unit
            else:
                current += unit
            continue
        if kind is None:
            current, kind = current + unit, new_kind
        elif opening or new_kind == "unspaced" or kind == "unspaced":
            words.append(current)
            current, kind, opening = opening + unit, new_kind, ""
        else:
            current += unit
    current += opening
    if current:
        if words and kind is None:
            words[-1] += current
        else:
            words.append(current)
    return words


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def joins_without_space(before: str, after: str) -> bool:
    """Whether two written words meet without a space: both sides of the join are Han, kana,
    CJK punctuation, Thai, Lao, Khmer or Burmese."""
    if not before or not after:
        return False
    last, first = before[-1], after[0]
    return (writes_without_spaces(last) or is_cjk_punctuation(last)) and (
        writes_without_spaces(first) or is_cjk_punctuation(first)
    )


def join_words(words: list[str] | tuple[str, ...]) -> str:
    """Written text of words: a space between two words, none where `joins_without_space`."""
    text = ""
    for word in words:
        if text and not joins_without_space(text, word):
            text += " "
        text += word
    return text


def written_span(text: str, words: list[str] | tuple[str, ...], first: int, last: int) -> str:
    """Words `first` to `last` of `words` as `text` writes them, its own spaces kept (none
    between the characters of Chinese or the syllables of Thai, one between Thai phrases);
    joined by `join_words` where `text` does not spell its words in order."""
    starts: list[int] = []
    position = 0
    for word in words[: last + 1]:
        at = position + (len(text[position:]) - len(text[position:].lstrip()))
        if not text.startswith(word, at):
            return join_words(words[first : last + 1])
        starts.append(at)
        position = at + len(word)
    return text[starts[first] : position]


def marks_as_letters(text: str) -> str:
    """`text` with each combining mark (the vowel signs of Devanagari, Thai, Burmese...) as a
    letter, so that a regular expression's `\\w` reads such words whole: `re` has no class for
    marks. As long as `text`, so a match's positions are the text's own."""
    return "".join("a" if unicodedata.category(c).startswith("M") else c for c in text)
