"""Turns the spoken part of a turn into words, parentheticals and the pause after each word.

Shared by every format so that a line reads the same whether it came from Fountain, JSON or
plain text. A word is a whitespace-separated token with at least one letter or digit;
punctuation standing alone ("--", "...") is attached to its neighbour, so that every word can
be spoken and the punctuation still sets the pause. Chinese and Japanese, written without
spaces, have a word per character (`speech.scripts.split_unspaced`), joined again without
spaces in the text. Parentheses inside spoken text (fullwidth ones too) are directions, not
speech: "(smiling) Hi" gives a Parenthetical before word 0.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from motiondirector.plan.scene import Parenthetical
from motiondirector.scene.elements import SpeechLine, Wryly
from motiondirector.scene.timing import PauseKind, pause_after
from motiondirector.speech.scripts import is_unspaced, joins_without_space, split_unspaced

_FULLWIDTH_BRACKETS = str.maketrans("（）", "()")


@dataclass(frozen=True)
class SpokenWord:
    text: str
    pause: PauseKind  # the pause after this word, before the next one
    joined: bool = False  # written right after the word before, without a space


@dataclass(frozen=True)
class Speech:
    words: tuple[SpokenWord, ...]
    parentheticals: tuple[Parenthetical, ...]

    @property
    def text(self) -> str:
        return "".join(
            word.text if word.joined or not index else f" {word.text}"
            for index, word in enumerate(self.words)
        )


def has_speech(token: str) -> bool:
    return any(char.isalnum() for char in token)


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def build_speech(segments: Sequence[SpeechLine | Wryly]) -> Speech:
    """Words and parentheticals of a turn, in order, with the pause after each word."""
    words: list[str] = []
    joined: set[int] = set()  # words written without a space before them
    line_ends: set[int] = set()
    parentheticals: list[Parenthetical] = []
    loose = ""  # punctuation seen before any word, glued to the first word

    def add_parenthetical(text: str) -> None:
        text = normalize_space(text)
        if text:
            parentheticals.append(Parenthetical(text=text, before_word=len(words)))

    # Across a line break or a parenthetical, Chinese and Japanese run on without a space;
    # a space the writer typed between two words is kept.
    broken = False
    for segment in segments:
        broken = True
        if isinstance(segment, Wryly):
            add_parenthetical(segment.text)
            continue
        for is_parenthetical, piece in split_parentheticals(segment.text):
            if is_parenthetical:
                add_parenthetical(piece)
                broken = True
                continue
            for token in piece.split():
                if has_speech(token):
                    for part, word in enumerate(split_unspaced(token)):
                        if part or (broken and words and joins_without_space(words[-1], word)):
                            joined.add(len(words))
                        words.append(f"{loose} {word}" if loose else word)
                        loose, broken = "", False
                elif words:
                    space = "" if joins_without_space(words[-1], token) else " "
                    words[-1] = f"{words[-1]}{space}{token}"
                else:
                    loose = f"{loose} {token}" if loose else token
        if words:
            line_ends.add(len(words) - 1)
    if loose and not words:
        # A speech of punctuation alone ("...") is a silent beat: keep it as one word.
        words.append(loose)

    spoken: list[SpokenWord] = []
    for index, text in enumerate(words):
        pause: PauseKind = "none"
        if index < len(words) - 1:
            pause = pause_after(text)
            if pause == "none" and index in line_ends:
                pause = "break"
        spoken.append(SpokenWord(text=text, pause=pause, joined=index in joined))
    return Speech(words=tuple(spoken), parentheticals=tuple(parentheticals))


def count_words(text: str) -> int:
    """Words in a text as speech counts them: whitespace tokens, a Chinese or Japanese
    character each."""
    return sum(len(split_unspaced(token)) for token in text.split())


def given_word_parentheticals(speech: Speech, given: Sequence[str]) -> tuple[Parenthetical, ...]:
    """The speech's parentheticals placed among timed words that may group its words (a TTS
    engine's "高兴" is the text's "高" "兴"): one inside a timed word goes before it."""
    if len(given) == len(speech.words) or not speech.parentheticals:
        return speech.parentheticals
    starts: list[int] = []  # the index of the first text word of each timed word
    count = 0
    for text in given:
        starts.append(count)
        count += len(split_unspaced(text)) if has_speech(text) else 0
    placed = []
    for parenthetical in speech.parentheticals:
        index = bisect_right(starts, parenthetical.before_word) - 1
        if parenthetical.before_word >= count:
            index = len(given)
        placed.append(Parenthetical(text=parenthetical.text, before_word=max(0, index)))
    return tuple(placed)


def split_parentheticals(text: str) -> list[tuple[bool, str]]:
    """Split text into (is_parenthetical, piece) pairs. Unbalanced brackets stay literal, and so
    do brackets that cannot hold a direction, with fewer than two letters ("(1)", "(a)",
    "(2020)"): they are read aloud. Fullwidth brackets ("（笑顔で）") are brackets too, and one
    Chinese or Japanese character can be a direction ("（笑）")."""
    pieces: list[tuple[bool, str]] = []
    literal = 0  # where the literal text not yet added starts
    position = 0
    # One character for one, so positions in `probe` are positions in `text`.
    probe = text.translate(_FULLWIDTH_BRACKETS)
    while True:
        close = probe.find(")", position)
        if close < 0:
            break
        opening = probe.rfind("(", position, close)
        inside = text[opening + 1 : close]
        if opening >= 0 and _can_direct(inside):
            pieces.append((False, text[literal:opening]))
            pieces.append((True, inside))
            literal = close + 1
        # Otherwise the ")" (a stray one, or "(1)") stays text; look further on.
        position = close + 1
    pieces.append((False, text[literal:]))
    return pieces


def _can_direct(inside: str) -> bool:
    """Whether bracketed text can be a direction: two letters, or a Han or kana word."""
    if sum(char.isalpha() for char in inside) >= 2:
        return True
    return any(is_unspaced(c) and unicodedata.numeric(c, None) is None for c in inside)
