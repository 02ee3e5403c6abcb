"""The language each line is said in: as the script states it, else as its writing tells.

Most writing says how it is read, but not all of it: Chinese characters are read one way in
Mandarin, another in Cantonese and another in Japanese (大丈夫 is da-zhang-fu, daai-zoeng-fu,
da-i-jo-u-bu), and Vietnamese typed without its accents looks like any Latin text. A script may
state its language (a Fountain title page's `Language: ja`, dialogue JSON's `language`, the
`--language` option, a session's `language`); a line's own statement wins over the script's.
Where nothing is stated, a script that writes kana in its dialogue is Japanese: its lines in
Japanese characters (kana or kanji) are marked `ja`, so that a line of kanji alone (無理!) is
read as Japanese, not as Mandarin; one that writes a character only written Cantonese uses (佢,
嘅, 咗) is Cantonese: its lines in Chinese characters are marked `yue`. Every other line stays
unmarked and is read by its writing (`speech.track`).
"""

from __future__ import annotations

from collections.abc import Iterable

from motiondirector.errors import ScriptError
from motiondirector.plan.scene import language_problem
from motiondirector.speech.cantonese import writes_cantonese
from motiondirector.speech.kana import is_kana
from motiondirector.speech.mandarin import is_han

JAPANESE = "ja"
CANTONESE = "yue"


def check_language(value: str, *, file: str | None = None, line: int | None = None) -> str:
    """`value` stripped, if it is a language tag; else a ScriptError naming it."""
    tag = value.strip()
    problem = language_problem(tag)
    if problem is not None:
        raise ScriptError(problem, file=file, line=line)
    return tag


def written_language(texts: Iterable[str]) -> str | None:
    """The language `texts` (a script's lines, a conversation's turns) tell by their writing
    alone: `ja` where one writes kana, else `yue` (Cantonese) where one writes a character only
    written Cantonese uses; None where none does."""
    texts = [text for text in texts if not text.isascii()]
    if any(any(map(is_kana, text)) for text in texts):
        return JAPANESE
    if any(writes_cantonese(text) for text in texts):
        return CANTONESE
    return None


def line_language(stated: str | None, text: str, *, written: str | None) -> str | None:
    """The language of one line: the one stated (the line's own, else its script's), else the
    one its script's writing tells (`written_language`) for a line written in it (kana or
    Chinese characters for Japanese, Chinese characters for Cantonese), else None."""
    if stated is not None:
        return stated
    if text.isascii():
        return None
    if written == JAPANESE and any(is_kana(char) or is_han(char) for char in text):
        return JAPANESE
    if written == CANTONESE and any(map(is_han, text)):
        return CANTONESE
    return None
