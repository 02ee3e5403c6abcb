"""The language each line is said in: as the script states it, else as its writing tells.

Most writing says how it is read, but not all of it: Chinese characters are read one way in
Chinese and another in Japanese (大丈夫 is da-zhang-fu to one, da-i-jo-u-bu to the other), and
Vietnamese typed without its accents looks like any Latin text. A script may state its language
(a Fountain title page's `Language: ja`, dialogue JSON's `language`, the `--language` option,
a session's `language`); a line's own statement wins over the script's. Where nothing is stated,
a script that writes kana in its dialogue is Japanese: its lines in Japanese characters (kana or
kanji) are marked `ja`, so that a line of kanji alone (先生!) is read as Japanese, not as
Mandarin. Every other line stays unmarked and is read by its writing (`speech.track`).
"""

from __future__ import annotations

from collections.abc import Iterable

from motiondirector.errors import ScriptError
from motiondirector.plan.scene import language_problem
from motiondirector.speech.kana import is_kana
from motiondirector.speech.mandarin import is_han

JAPANESE = "ja"


def check_language(value: str, *, file: str | None = None, line: int | None = None) -> str:
    """`value` stripped, if it is a language tag; else a ScriptError naming it."""
    tag = value.strip()
    problem = language_problem(tag)
    if problem is not None:
        raise ScriptError(problem, file=file, line=line)
    return tag


def writes_kana(texts: Iterable[str]) -> bool:
    """Whether any of `texts` writes kana: such a script is Japanese."""
    return any(not text.isascii() and any(map(is_kana, text)) for text in texts)


def writes_japanese(text: str) -> bool:
    """Whether `text` holds kana or Chinese characters (kanji, in a Japanese script)."""
    return not text.isascii() and any(is_kana(char) or is_han(char) for char in text)


def line_language(stated: str | None, text: str, *, japanese_script: bool) -> str | None:
    """The language of one line: the one stated (the line's own, else its script's), else `ja`
    for a line in Japanese characters of a script that writes kana, else None."""
    if stated is not None:
        return stated
    if japanese_script and writes_japanese(text):
        return JAPANESE
    return None
