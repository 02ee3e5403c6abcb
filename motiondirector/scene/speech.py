"""Turns the spoken part of a turn into words, parentheticals and the pause after each word.

Shared by every format so that a line reads the same whether it came from Fountain, JSON or
plain text. A word is a whitespace-separated token with at least one letter or digit;
punctuation standing alone ("--", "...") is attached to its neighbour, so that every word can
be spoken and the punctuation still sets the pause. Parentheses inside spoken text are
directions, not speech: "(smiling) Hi" gives a Parenthetical before word 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from motiondirector.plan.scene import Parenthetical
from motiondirector.scene.elements import SpeechLine, Wryly
from motiondirector.scene.timing import PauseKind, pause_after


@dataclass(frozen=True)
class SpokenWord:
    text: str
    pause: PauseKind  # the pause after this word, before the next one


@dataclass(frozen=True)
class Speech:
    words: tuple[SpokenWord, ...]
    parentheticals: tuple[Parenthetical, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def has_speech(token: str) -> bool:
    return any(char.isalnum() for char in token)


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def build_speech(segments: Sequence[SpeechLine | Wryly]) -> Speech:
    """Words and parentheticals of a turn, in order, with the pause after each word."""
    words: list[str] = []
    line_ends: set[int] = set()
    parentheticals: list[Parenthetical] = []
    loose = ""  # punctuation seen before any word, glued to the first word

    def add_parenthetical(text: str) -> None:
        text = normalize_space(text)
        if text:
            parentheticals.append(Parenthetical(text=text, before_word=len(words)))

    for segment in segments:
        if isinstance(segment, Wryly):
            add_parenthetical(segment.text)
            continue
        for is_parenthetical, piece in split_parentheticals(segment.text):
            if is_parenthetical:
                add_parenthetical(piece)
                continue
            for token in piece.split():
                if has_speech(token):
                    words.append(f"{loose} {token}" if loose else token)
                    loose = ""
                elif words:
                    words[-1] = f"{words[-1]} {token}"
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
        spoken.append(SpokenWord(text=text, pause=pause))
    return Speech(words=tuple(spoken), parentheticals=tuple(parentheticals))


def split_parentheticals(text: str) -> list[tuple[bool, str]]:
    """Split text into (is_parenthetical, piece) pairs. Unbalanced brackets stay literal, and so
    do brackets that cannot hold a direction, with fewer than two letters ("(1)", "(a)",
    "(2020)"): they are read aloud."""
    pieces: list[tuple[bool, str]] = []
    literal = 0  # where the literal text not yet added starts
    position = 0
    while True:
        close = text.find(")", position)
        if close < 0:
            break
        opening = text.rfind("(", position, close)
        inside = text[opening + 1 : close]
        if opening >= 0 and sum(char.isalpha() for char in inside) >= 2:
            pieces.append((False, text[literal:opening]))
            pieces.append((True, inside))
            literal = close + 1
        # Otherwise the ")" (a stray one, or "(1)") stays text; look further on.
        position = close + 1
    pieces.append((False, text[literal:]))
    return pieces
