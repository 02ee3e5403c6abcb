"""Beat gestures: small rhythmic strokes on the stressed content words of a longer line.

Picks stressed content words (emphasis markup, the last content word of a phrase, long words),
keeps them apart in time (at most about one gesture per 2.5 s of speech) and off words that
already carry a gesture, and varies the hand by a stable hash so the choice is reproducible.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from collections.abc import Collection, Sequence

from motiondirector.plan.direction import Behaviour
from motiondirector.plan.scene import Utterance
from motiondirector.plan.vocabulary import Hand
from motiondirector.planners.cues import Token, inferred_note
from motiondirector.speech.scripts import is_unspaced

BEAT_MIN_WORDS = 8  # shorter lines get no beats
BEAT_MIN_SECONDS = 2.5
BEAT_MIN_WORD_GAP = 3
BEAT_MIN_WORD_GAP_UNTIMED = 6
_HANDS: tuple[Hand, ...] = ("right", "left", "right", "left", "both")


def beat_hand(utterance_id: str, word: int) -> Hand:
    """left, right or both: varied, but the same for the same line and word."""
    return _HANDS[zlib.crc32(f"{utterance_id}:{word}".encode()) % len(_HANDS)]


def _stress(token: Token, function_words: Collection[str]) -> float | None:
    norm = token.norm
    # A Han or kana character is a syllable with the weight of a short word.
    letters = sum(3 if is_unspaced(c) else c.isalpha() for c in norm)
    if letters < 3 or norm in function_words or "'" in norm:
        return None
    score = min(letters, 10) / 5
    if token.emphasis:
        score += 3
    if token.clause_end:
        score += 1.5  # the nuclear accent falls late in the phrase
    return score


def beat_gestures(
    utterance: Utterance,
    tokens: Sequence[Token],
    function_words: Collection[str],
    gestures_at: Collection[int],
    *,
    scale: float = 1.0,
) -> list[Behaviour]:
    """Beats for `utterance`; `gestures_at` are words that already carry a gesture."""
    if len(tokens) < BEAT_MIN_WORDS:
        return []
    words = utterance.words
    timed = words[-1].end > words[0].start

    def far_enough(a: int, b: int) -> bool:
        if timed:
            gap = abs(words[a].start - words[b].start)
            return gap >= BEAT_MIN_SECONDS and abs(a - b) >= BEAT_MIN_WORD_GAP
        return abs(a - b) >= BEAT_MIN_WORD_GAP_UNTIMED

    scored = [(s, t.index) for t in tokens if (s := _stress(t, function_words)) is not None]
    scored.sort(key=lambda item: (-item[0], item[1]))
    # Words are in time order, so a word is far enough from every placed one when it is far
    # enough from its nearest neighbour on each side: one look each way, not a scan.
    placed = sorted(set(gestures_at))
    chosen: list[int] = []
    for _, index in scored:
        at = bisect_left(placed, index)
        neighbours = placed[max(0, at - 1) : at + 1]
        if all(far_enough(index, other) for other in neighbours):
            chosen.append(index)
            placed.insert(at, index)
    return [
        Behaviour(
            character=utterance.speaker,
            channel="gesture",
            lexeme="beat",
            hand=beat_hand(utterance.id, index),
            word=index,
            intensity=round(min(1.0, 0.4 * scale * (1.5 if tokens[index].emphasis else 1.0)), 3),
            origin="beat",
            rule="rules.beat",
            reason=f'stressed word "{tokens[index].text}"' + _phrase_end_note(tokens, index),
        )
        for index in sorted(chosen)
    ]


def _phrase_end_note(tokens: Sequence[Token], index: int) -> str:
    """The inference note of a word stressed for ending a clause the planner inferred (the
    last word ends one however the line is read)."""
    return inferred_note(tokens) if tokens[index].clause_end and index < len(tokens) - 1 else ""
