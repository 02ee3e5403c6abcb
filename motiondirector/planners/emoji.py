"""Emoji as a statement of feeling: which emotion a line's emoji vote for, in any language.

The table is package data (`planners/data/emoji_emotions.yaml`), checked against the vocabulary
on loading. Emoji are matched as people type them: with or without the variation selector
U+FE0F, with a skin tone, or as a ZWJ sequence ("🤦🏽‍♀️"), which is looked up whole and else
as its first emoji. The vote is the emotion the most emoji name; a tie goes to the emotion
written last, which is usually the one the line ends on.

This module only reads emoji; whether they beat the classifier is the planner's call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

from motiondirector.plan.vocabulary import EMOTIONS, Emotion
from motiondirector.yaml_data import load_yaml

DEFAULT_INTENSITY = 0.6
# Each emoji after the first of the winning emotion adds this much, up to 1 ("😂😂😂").
REPEAT_STEP = 0.1

_ZWJ = "\u200d"
# Presentation selectors and skin tones change how an emoji looks, not what it says.
_MODIFIERS = frozenset({"\ufe0e", "\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))})


@dataclass(frozen=True, slots=True)
class EmojiEmotion:
    emotion: Emotion
    intensity: float


@dataclass(frozen=True, slots=True)
class EmojiVote:
    """The emotion a line's emoji vote for; `emoji` is the last one that voted for it."""

    emotion: Emotion
    intensity: float
    emoji: str
    votes: int


@dataclass(frozen=True, slots=True)
class EmojiTable:
    entries: Mapping[str, EmojiEmotion]

    def find(self, text: str) -> list[tuple[str, EmojiEmotion]]:
        """The emoji of `text` in the table, in the order written, as the table spells them."""
        found: list[tuple[str, EmojiEmotion]] = []
        for sequence in _sequences(text):
            for key in (_ZWJ.join(sequence), sequence[0]):
                entry = self.entries.get(key)
                if entry is not None:
                    found.append((key, entry))
                    break
        return found

    def vote(self, text: str) -> EmojiVote | None:
        """The emotion `text`'s emoji vote for, or None when it has none of the table's."""
        found = self.find(text)
        if not found:
            return None
        counts: dict[Emotion, int] = {}
        last: dict[Emotion, int] = {}
        for position, (_, entry) in enumerate(found):
            counts[entry.emotion] = counts.get(entry.emotion, 0) + 1
            last[entry.emotion] = position
        emotion = max(counts, key=lambda e: (counts[e], last[e]))
        emoji, entry = found[last[emotion]]
        votes = counts[emotion]
        strongest = max(e.intensity for _, e in found if e.emotion == emotion)
        intensity = min(1.0, strongest + REPEAT_STEP * (votes - 1))
        return EmojiVote(emotion, round(intensity, 3), emoji, votes)


def _sequences(text: str) -> list[list[str]]:
    """`text`'s characters grouped into ZWJ sequences, modifiers dropped; non-emoji included
    (the table decides what counts)."""
    sequences: list[list[str]] = []
    joined = False
    for char in text:
        if char in _MODIFIERS:
            continue
        if char == _ZWJ:
            joined = bool(sequences)
            continue
        if joined:
            sequences[-1].append(char)
        else:
            sequences.append([char])
        joined = False
    return sequences


def _key(raw: object) -> str:
    text = str(raw)
    key = _ZWJ.join(_ZWJ.join(s) for s in _sequences(text))
    if not key or len(_sequences(text)) != 1:
        raise ValueError(f"emoji_emotions.yaml: {text!r} is not one emoji")
    return key


def parse_emoji_table(data: Any) -> EmojiTable:
    """A table from the YAML document's data; ValueError naming the first bad entry."""
    if not isinstance(data, dict) or not isinstance(data.get("emoji"), dict):
        raise ValueError("emoji_emotions.yaml: expected a mapping with an 'emoji' mapping")
    entries: dict[str, EmojiEmotion] = {}
    for raw, value in cast(dict[object, Any], data["emoji"]).items():
        key = _key(raw)
        if not isinstance(value, dict) or set(value) - {"emotion", "intensity"}:
            raise ValueError(f"emoji_emotions.yaml: {raw!r}: expected {{emotion, intensity}}")
        emotion = value.get("emotion")
        if emotion not in EMOTIONS:
            raise ValueError(
                f"emoji_emotions.yaml: {raw!r}: {emotion!r} is not an emotion of the vocabulary "
                f"({', '.join(EMOTIONS)})"
            )
        intensity = value.get("intensity", DEFAULT_INTENSITY)
        if isinstance(intensity, bool) or not isinstance(intensity, int | float):
            raise ValueError(f"emoji_emotions.yaml: {raw!r}: intensity must be a number")
        if not 0.0 <= float(intensity) <= 1.0:
            raise ValueError(f"emoji_emotions.yaml: {raw!r}: intensity must be within 0..1")
        if key in entries:
            raise ValueError(f"emoji_emotions.yaml: {raw!r} is listed twice")
        entries[key] = EmojiEmotion(cast(Emotion, emotion), float(intensity))
    return EmojiTable(MappingProxyType(entries))


@cache
def load_emoji_emotions() -> EmojiTable:
    """The table of `planners/data/emoji_emotions.yaml`, checked against the vocabulary; cached."""
    text = (
        resources.files("motiondirector.planners")
        .joinpath("data", "emoji_emotions.yaml")
        .read_text("utf-8")
    )
    return parse_emoji_table(load_yaml(text))
