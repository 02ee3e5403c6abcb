"""The word-timing model: how long words, pauses, turns and action lines take.

Speech is estimated from syllables. A word lasts `syllables * syllable_seconds`, where the
syllable duration follows from the speaking rate (`words_per_minute`) and the average number of
syllables in an English word, leaving room for the pauses at punctuation. All arithmetic is in
whole milliseconds so that layouts are deterministic and never drift. The formulas are
documented in docs/input-formats.md; keep the two in step.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from motiondirector.errors import MotionDirectorError
from motiondirector.speech.punctuation import CLAUSE_MARKS, SENTENCE_MARKS

PauseKind = Literal["none", "comma", "sentence", "dash", "break"]

_HELD_RUN = re.compile(r"([^\W\d_])\1{2,}")  # a letter three or more times
# A held letter ("Sssiiigh", "FIIIIRE") stretches the word; this much of a syllable per extra
# letter, capped so a line of 200 I's stays a word and not a minute.
_HELD_LETTER_SYLLABLES = 0.1
_MAX_HELD_SYLLABLES = 4.0


@dataclass(frozen=True)
class TimingOptions:
    """Rates and pauses for estimating when words are spoken. Times in seconds.

    words_per_minute: speaking rate over running speech, pauses included.
    syllables_per_word: average syllables per word of the language (English ~1.4).
    pause_share: share of running speech spent in punctuation pauses; words are spoken that
        much faster so that the overall rate stays near `words_per_minute` (0.05 gives
        150 wpm on ordinary prose with the default pauses).
    comma_pause: after , ; :  and at a line break inside a speech.
    sentence_pause: after . ! ?
    dash_pause: after dashes (-- — –) and ellipses (... …): a hesitation.
    parenthetical_pause: before a word preceded by a parenthetical inside a speech.
    turn_gap: between consecutive turns and action lines.
    action_seconds_per_word, action_min_seconds, action_max_seconds: reading time of an action
        line (or the time its behaviours take to act out, when longer), clamped to
        [min, max].
    heading_gap: at the start of a beat that has a scene heading.
    """

    words_per_minute: float = 150.0
    syllables_per_word: float = 1.4
    pause_share: float = 0.05
    comma_pause: float = 0.15
    sentence_pause: float = 0.35
    dash_pause: float = 0.3
    parenthetical_pause: float = 0.4
    turn_gap: float = 0.25
    action_seconds_per_word: float = 0.25
    action_min_seconds: float = 1.0
    action_max_seconds: float = 8.0
    heading_gap: float = 1.0

    def __post_init__(self) -> None:
        for name in ("words_per_minute", "syllables_per_word"):
            value = _number(self, name)
            if not value > 0:
                raise MotionDirectorError(f"TimingOptions.{name} must be > 0, got {value!r}")
        for name in (
            "comma_pause",
            "sentence_pause",
            "dash_pause",
            "parenthetical_pause",
            "turn_gap",
            "action_seconds_per_word",
            "action_min_seconds",
            "action_max_seconds",
            "heading_gap",
        ):
            value = _number(self, name)
            if not 0 <= value <= 3600:
                raise MotionDirectorError(
                    f"TimingOptions.{name} must be between 0 and 3600 s, got {value!r}"
                )
        if not 0 <= _number(self, "pause_share") < 1:
            raise MotionDirectorError(
                f"TimingOptions.pause_share must be in [0, 1), got {self.pause_share!r}"
            )
        if self.action_min_seconds > self.action_max_seconds:
            raise MotionDirectorError(
                "TimingOptions.action_min_seconds must not exceed action_max_seconds"
            )

    @property
    def syllable_seconds(self) -> float:
        """Seconds per syllable: 60 (1 - pause_share) / (words_per_minute syllables_per_word)."""
        return 60.0 * (1.0 - self.pause_share) / (self.words_per_minute * self.syllables_per_word)

    def pause_ms(self, kind: PauseKind) -> int:
        seconds = {
            "none": 0.0,
            "comma": self.comma_pause,
            "break": self.comma_pause,
            "sentence": self.sentence_pause,
            "dash": self.dash_pause,
        }[kind]
        return to_ms(seconds)


def _number(options: TimingOptions, name: str) -> float:
    value = getattr(options, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MotionDirectorError(f"TimingOptions.{name} must be a finite number, got {value!r}")
    return float(value)


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


def count_syllables(word: str) -> int:
    """Syllables in a written word: the vowels of its pronunciation (`speech.pronounce`: the
    CMU Pronouncing Dictionary, else letter-to-sound rules; digits spelled out, CJK one per
    character), so word timing and mouth shapes count the same syllables. A letter held past
    two ("Sssiiigh") is read once here: the hold is `held_letter_syllables`. Any word with a
    letter or digit has at least one syllable; punctuation and emoji have none."""
    from motiondirector.speech.phonemes import pronounce, syllable_count

    has_content = any(c.isalnum() for c in word)
    return max(1, syllable_count(pronounce(_HELD_RUN.sub(r"\1", word)))) if has_content else 0


def held_letter_syllables(word: str) -> float:
    """Extra syllable-time for letters held beyond two in a row ("Mooooan")."""
    extra = 0
    run = 1
    previous = ""
    for char in word.casefold():
        run = run + 1 if char == previous and char.isalpha() else 1
        if run > 2:
            extra += 1
        previous = char
    return min(_MAX_HELD_SYLLABLES, extra * _HELD_LETTER_SYLLABLES)


def word_ms(
    word: str, options: TimingOptions, syllables: int | None = None, pace: float = 1.0
) -> int:
    """How long a word takes to say, in whole milliseconds (at least 1 ms for any word);
    `syllables` where its line says how many (a kanji's reading), else counted here; `pace`
    the length of its language's syllables against English ones (`language_pace`)."""
    counted = count_syllables(word) if syllables is None else syllables
    said = max(1, counted) + held_letter_syllables(word)
    return max(1, to_ms(said * options.syllable_seconds * pace))


SYLLABLE_RATES: dict[str, float] = {
    "en": 6.19, "fr": 7.18, "de": 5.97, "it": 6.99, "ja": 7.84, "zh": 5.18, "es": 7.82,
    "vi": 5.22,
}  # fmt: skip
"""Syllables a second of read speech, by language: Pellegrino, Coupé and Marsico (2011), "A
cross-language perspective on speech information rate", Language 87(3) (Japanese counted in
morae). Speakers of Japanese and Spanish say about 27 % more syllables a second than speakers
of English, speakers of Mandarin 16 % fewer."""


def language_pace(language: str | None) -> float:
    """How long a syllable of `language` (a language subtag: ja, zh, es; None for unknown)
    lasts against an English one at the same speaking rate: 6.19 / its syllable rate (0.79
    for Japanese, 1.19 for Mandarin), 1 for a language without a measured rate."""
    rate = SYLLABLE_RATES.get(language or "")
    return 1.0 if rate is None else round(SYLLABLE_RATES["en"] / rate, 4)


def action_ms(word_count: int, options: TimingOptions, performed: float = 0.0) -> int:
    """How long an action line lasts: its reading time (seconds per word) or, when longer, the
    `performed` seconds what it tells takes to act out ("sits down and crosses her arms"),
    clamped to [min, max]."""
    seconds = max(word_count * options.action_seconds_per_word, performed)
    seconds = min(options.action_max_seconds, max(options.action_min_seconds, seconds))
    return max(1, to_ms(seconds))


_CLOSERS = "\"'”’»)]}」』）】〕〉》〗〙＂＇›"
_DASHES = ("--", "—", "–", "...", "…", "⋯", "‥")
_SENTENCE_ENDS = tuple(SENTENCE_MARKS)
_CLAUSE_ENDS = tuple(CLAUSE_MARKS)


def pause_after(word: str) -> PauseKind:
    """The pause that punctuation at the end of a written word calls for."""
    tail = word.rstrip(_CLOSERS)
    if tail.endswith(_DASHES):
        return "dash"
    if tail.endswith(_SENTENCE_ENDS):
        return "sentence"
    if tail.endswith(_CLAUSE_ENDS):
        return "comma"
    return "none"
