"""A line's emotion from its emotion words, in the languages the classifier cannot read (and in
English where it hears no emotion).

The emotion classifier learnt English: given "¡Te odio! ¡Sal de mi casa!" it answers joy. For a
line said in a language of `planners/data/emotion_words.yaml` the rules planner asks this reader
instead. Each language lists, per emotion, the words and phrases that say it ("te odio",
"qué asco", "j'ai peur", "怖い") with an intensity; the words that negate a phrase just before it
in the same clause ("no estoy feliz", "别担心") or, in some languages, also just after it
("ich freue mich nicht", "心配ない"); and phrases to ignore, which only look emotional ("vale la
pena", "恐怕").

Matching is by words in languages written with spaces, where a phrase word ending in `*` stands
for any ending ("asustad*": asustado, asustadas) and one starting with `*` for any beginning
("*angst": Todesangst), one with both any letters around it ("*خوف*"); in Chinese, Japanese and
Thai it is by characters. Case, accents (where they do not tell words apart, as Vietnamese
tones do) and drawn-out letters do not count ("QUE ASCOOO" is "qué asco"); a language's own
spellings come first (German ä as ae, so "schön" is not "schon"; traditional Chinese
characters as simplified ones). The longest phrase is read first and its words are not read
again ("no me gusta" is not "me gusta"). The emotion whose phrases weigh most wins, a tie going
to the one written last; "?!" alone says surprise. Each further phrase of the winning emotion
and an "!" add to its intensity.

A painful feeling a language's `empathising` frames give to someone else ("That must be so
scary.", "You sound frustrated.", "How frustrating that must be.") is felt for them: the
speaker's emotion is concern, sadness at `CONCERN_INTENSITY`. After a frame naming the one
spoken to ("you're", "you seem"), only a word of feeling something counts, not of causing it:
"You're frustrated" is felt for, "You're so frustrating!" is anger.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

from motiondirector.plan.vocabulary import EMOTIONS, Emotion
from motiondirector.speech.cantonese import writes_cantonese
from motiondirector.speech.kana import is_kana
from motiondirector.yaml_data import load_yaml

DEFAULT_INTENSITY = 0.6
STEP = 0.1
"""What each further phrase of the winning emotion, and an exclamation mark, add."""
SURPRISE_MARKS = ("?!", "!?", "\uff1f\uff01", "\uff01\uff1f")
SURPRISE_INTENSITY = 0.5
CONCERN_INTENSITY = 0.4
"""The sadness of concern for a painful feeling someone else has (`empathising`)."""
_PAINFUL: frozenset[Emotion] = frozenset({"anger", "fear", "sadness", "disgust"})
NEGATION_WINDOW = 3
"""Words, or characters in languages written without spaces, before a phrase, or after
it for a language's `negations_after`, in which a negation cancels it, unless the language says
otherwise (`negation_window`)."""

_CLAUSE = re.compile(r"[,.;:!?¡¿\u3001\u3002\uff01\uff1f\uff0c\uff1b\u2026]+")
_DRAWN_OUT = re.compile(r"([^\W\d_])\1{2,}")
"""A letter written three times or more, as people draw out a word ("PUAJJJ", "nooo")."""
_FILE = "emotion_words.yaml"
_START = 2


@dataclass(frozen=True, slots=True)
class WordsReading:
    """What a line's emotion words say: the emotion, how strongly, and the phrases (as the
    lexicon writes them) that said it, in the order written."""

    emotion: Emotion
    intensity: float
    phrases: tuple[str, ...]
    felt_for: bool = False
    """The phrases say someone else's painful feeling, and the emotion is concern for it."""


@dataclass(frozen=True, slots=True)
class _Phrase:
    written: str
    parts: tuple[str, ...]
    emotion: Emotion | None
    """None for a phrase that says nothing but keeps its words from being read ("恐怕",
    perhaps, is not "怕", afraid)."""
    intensity: float
    felt_only: bool = False
    """A hardship ("difficult", "awful"): read only as felt for another ("That sounds really
    difficult."), never as the speaker's own feeling ("a difficult question")."""


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    phrase: _Phrase
    felt_for: bool = False  # read as concern for someone else's feeling (`_felt_for`)

    @property
    def span(self) -> range:
        return range(self.start, self.end)


@dataclass(frozen=True, slots=True)
class LanguageWords:
    """One language's emotion phrases and negations."""

    name: str
    spaced: bool
    phrases: tuple[_Phrase, ...]
    negations: frozenset[str]
    negations_after: frozenset[str]
    negation_window: int
    """How many words (characters without spaces) around a phrase a negation reaches:
    three, or one where it stands right by its verb (Korean 안 웃겨)."""
    spellings: Mapping[int, str]
    """A `str.translate` table: the language's letters spelt as its phrases are matched."""
    keeps_accents: bool
    """Whether accents tell words apart (Vietnamese tones: buồn, sad, is not buôn, trade)."""
    by_start: Mapping[str, tuple[_Phrase, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """The phrases by the first two letters of their first word (one character where there are
    no spaces), so that a word is compared with the few phrases that can start there."""
    loose: tuple[_Phrase, ...] = ()
    """The phrases whose first word has no such start ("*angst")."""
    stating: tuple[tuple[str, ...], ...] = ()
    """The words that state a feeling before its phrase ("i m", "i feel", "that s"), longest
    first (in languages written with spaces)."""
    degrees: frozenset[str] = frozenset()
    """Words that may stand between them and the phrase ("so", "really", "getting")."""
    empathising: tuple[tuple[str, ...], ...] = ()
    """The words that give a feeling to someone else before its phrase ("must be", "sounds"),
    longest first."""
    empathising_you: tuple[tuple[str, ...], ...] = ()
    """Those that give it to the one spoken to ("you re", "you seem"), longest first."""
    empathising_after: tuple[tuple[str, ...], ...] = ()
    """Those right after its phrase ("how frustrating that must be")."""
    not_felt: tuple[tuple[frozenset[Emotion], _Phrase], ...] = ()
    """Phrases that sound like emotions they do not carry, with those emotions: a polite "I'm
    afraid not" is no fear, "Don't give up!" no anger (`unfelt`)."""

    def read(self, text: str, *, stated: bool = False) -> WordsReading | None:
        """What `text`'s emotion words say, or None where it has none (nor a "?!"). With
        `stated`, only the phrases a stating frame puts right before them count ("I'm really
        frustrated", "that's disgusting"): the feelings the speaker states."""
        chosen: list[tuple[int, _Match]] = []
        for number, clause in enumerate(_CLAUSE.split(self.fold(text))):
            units = _words_of(clause) if self.spaced else list(clause)
            taken: set[int] = set()
            matches = self._matches(units)
            # The words of an ignored phrase negate nothing: 不过 ("but") is not 不 ("not").
            ignored = {i for m in matches if m.phrase.emotion is None for i in m.span}
            for match in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
                span = match.span
                if taken.intersection(span) or self._negated(units, match, ignored):
                    continue
                if match.phrase.felt_only and (stated or not self._felt_for(units, match)):
                    continue
                taken.update(span)
                if match.phrase.emotion is None:
                    continue
                if stated:
                    if self._stated(units, match):
                        chosen.append((number, match))
                elif match.phrase.emotion in _PAINFUL and self._felt_for(units, match):
                    concern = replace(match.phrase, emotion="sadness", intensity=CONCERN_INTENSITY)
                    chosen.append((number, replace(match, phrase=concern, felt_for=True)))
                else:
                    chosen.append((number, match))
        chosen.sort(key=lambda pair: (pair[0], pair[1].start))
        if not chosen:
            if not stated and any(mark in text for mark in SURPRISE_MARKS):
                return WordsReading("surprise", SURPRISE_INTENSITY, ())
            return None
        weight: dict[Emotion, float] = {}
        last: dict[Emotion, int] = {}
        for position, (_, match) in enumerate(chosen):
            emotion = cast(Emotion, match.phrase.emotion)
            weight[emotion] = weight.get(emotion, 0.0) + match.phrase.intensity
            last[emotion] = position
        emotion = max(weight, key=lambda e: (weight[e], last[e]))
        mine = [m for _, m in chosen if m.phrase.emotion == emotion]
        intensity = max(m.phrase.intensity for m in mine) + STEP * (len(mine) - 1)
        felt_for = all(m.felt_for for m in mine)
        if ("!" in text or "\uff01" in text) and not felt_for:
            intensity += STEP
        return WordsReading(
            emotion,
            round(min(1.0, intensity), 3),
            tuple(m.phrase.written for m in mine),
            felt_for,
        )

    def unfelt(self, text: str, emotion: str) -> tuple[str, frozenset[Emotion]] | None:
        """The first phrase of `text` that sounds like `emotion` without carrying it ("afraid
        not" for fear), as the table writes it, with every emotion it sounds like; None where
        there is none."""
        for clause in _CLAUSE.split(self.fold(text)):
            units = _words_of(clause) if self.spaced else list(clause)
            for start in range(len(units)):
                for emotions, phrase in self.not_felt:
                    end = start + len(phrase.parts)
                    if (
                        emotion in emotions
                        and end <= len(units)
                        and all(map(_fits, phrase.parts, units[start:end]))
                    ):
                        return phrase.written, emotions
        return None

    def _matches(self, units: Sequence[str]) -> list[_Match]:
        found: list[_Match] = []
        for start, unit in enumerate(units):
            for phrase in (*self.by_start.get(unit[:_START], ()), *self.loose):
                end = start + len(phrase.parts)
                if end <= len(units) and all(
                    _fits(part, unit)
                    for part, unit in zip(phrase.parts, units[start:end], strict=True)
                ):
                    found.append(_Match(start, end, phrase))
        return found

    def _felt_for(self, units: Sequence[str], match: _Match) -> bool:
        """Whether empathising words give the phrase's feeling to someone else."""
        start = match.start
        while start > 0 and units[start - 1] in self.degrees:
            start -= 1

        def before(frames: tuple[tuple[str, ...], ...]) -> bool:
            return any(tuple(units[max(0, start - len(f)) : start]) == f for f in frames)

        after = units[match.end :]
        return (
            before(self.empathising)
            or (before(self.empathising_you) and not match.phrase.parts[-1].endswith("ing"))
            or any(tuple(after[: len(f)]) == f for f in self.empathising_after)
        )

    def _stated(self, units: Sequence[str], match: _Match) -> bool:
        """Whether stating words come before the phrase, or begin it ("i hate you")."""
        start = match.start
        if any(match.phrase.parts[: len(f)] == f for f in self.stating):
            return True
        while start > 0 and units[start - 1] in self.degrees:
            start -= 1
        return any(tuple(units[max(0, start - len(f)) : start]) == f for f in self.stating)

    def _negated(self, units: Sequence[str], match: _Match, ignored: set[int]) -> bool:
        window = self.negation_window
        before = [
            units[i] for i in range(max(0, match.start - window), match.start) if i not in ignored
        ]
        after = [
            units[i]
            for i in range(match.end, min(len(units), match.end + window))
            if i not in ignored
        ]
        if self.spaced:
            return bool(self.negations.intersection(before)) or bool(
                self.negations_after.intersection(after)
            )
        return any(n in "".join(before) for n in self.negations) or any(
            n in "".join(after) for n in self.negations_after
        )

    def fold(self, text: str) -> str:
        """`text` as phrases are matched: without case, and in languages written with spaces
        without accents (unless they tell words apart) or drawn-out letters ("Qué ASCOOO" ->
        "que asco"), after the language's own spellings (German "schön" -> "schoen", so that it
        is not "schon"; traditional Chinese characters as simplified ones)."""
        folded = unicodedata.normalize("NFKC", text).casefold().translate(self.spellings)
        if not self.spaced:
            # Kana carry their voicing as combining marks: が is not か.
            return folded
        if not self.keeps_accents:
            decomposed = unicodedata.normalize("NFKD", folded)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        return _DRAWN_OUT.sub(r"\1", folded)


def _words_of(text: str, *, wildcard: bool = False) -> list[str]:
    """The words of `text`: runs of letters and the marks written on them (Devanagari vowel
    signs are marks, not letters: "गुस्सा" is one word), with `*` where `wildcard`."""
    words: list[str] = []
    word: list[str] = []
    for char in text:
        if char.isalpha() or unicodedata.category(char)[0] == "M" or (wildcard and char == "*"):
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def _fits(part: str, unit: str) -> bool:
    if len(part) > 2 and part.startswith("*") and part.endswith("*"):
        return part[1:-1] in unit
    if len(part) > 1 and part.startswith("*"):
        return unit.endswith(part[1:])
    if part.endswith("*"):
        return unit.startswith(part[:-1])
    return unit == part


@dataclass(frozen=True, slots=True)
class EmotionWords:
    """The emotion phrases of every language the table has, by language subtag."""

    languages: Mapping[str, LanguageWords]


_SCRIPT_LANGUAGES = {
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "THAI": "th",
    "DEVANAGARI": "hi",
    "ARABIC": "ar",
}
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")


def language_of_script(script: str, text: str) -> str | None:
    """The language whose emotion words read a line of no stated language written mostly in
    `script` (a Unicode script name's first word, as `EmotionClassifier.unread_script` gives
    it): the script's commonest language (Hangul Korean, Devanagari Hindi, Arabic Arabic), Han
    Japanese where the line writes kana, Cantonese where it writes what only Cantonese writes,
    else Chinese; Cyrillic Ukrainian where it writes і ї є ґ, else Russian. None for a script
    without one (Hebrew, Greek)."""
    if script == "CJK":
        if any(map(is_kana, text)):
            return "ja"
        return "yue" if writes_cantonese(text) else "zh"
    if script == "CYRILLIC":
        return "uk" if _UKRAINIAN_LETTERS.intersection(text) else "ru"
    return _SCRIPT_LANGUAGES.get(script)


def _parts(language: LanguageWords, written: str, where: str) -> tuple[str, ...]:
    folded = language.fold(written)
    if language.spaced:
        parts = tuple(w for w in _words_of(folded, wildcard=True) if w.strip("*"))
    elif "*" in folded:
        raise ValueError(f"{_FILE}: {where}: {written!r}: no `*` where phrases are characters")
    else:
        parts = tuple(c for c in folded if not c.isspace())
    if not parts:
        raise ValueError(f"{_FILE}: {where}: {written!r} has no letters")
    return parts


def _words(entry: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{_FILE}: {where}: {key} must be a list of quoted words")
    return value


def _groups(
    entry: Mapping[str, Any], where: str
) -> list[tuple[Emotion | None, float, list[str], bool]]:
    """(emotion, intensity, phrases, felt only) of each group of the entry: None for `ignore`,
    concern for `hardships` (read only as felt for another)."""
    groups: list[tuple[Emotion | None, float, list[str], bool]] = [
        (None, 0.0, _words(entry, "ignore", where), False),
        ("sadness", CONCERN_INTENSITY, _words(entry, "hardships", where), True),
    ]
    for emotion, listed in cast(dict[object, Any], entry["emotions"]).items():
        if emotion not in EMOTIONS or emotion == "neutral":
            raise ValueError(
                f"{_FILE}: {where}: {emotion!r} is not an emotion of the vocabulary "
                f"({', '.join(e for e in EMOTIONS if e != 'neutral')})"
            )
        for group in listed if isinstance(listed, list) else [listed]:
            if not isinstance(group, dict) or not isinstance(group.get("phrases"), list):
                raise ValueError(f"{_FILE}: {where}.{emotion}: expected {{intensity, phrases}}")
            intensity = group.get("intensity", DEFAULT_INTENSITY)
            if isinstance(intensity, bool) or not isinstance(intensity, int | float):
                raise ValueError(f"{_FILE}: {where}.{emotion}: intensity must be a number")
            if not 0.0 < float(intensity) <= 1.0:
                raise ValueError(f"{_FILE}: {where}.{emotion}: intensity must be within 0..1")
            phrases = _words(group, "phrases", f"{where}.{emotion}")
            groups.append((cast(Emotion, emotion), float(intensity), phrases, False))
    return groups


def _language(code: str, entry: Any) -> LanguageWords:
    if not isinstance(entry, dict) or not isinstance(entry.get("emotions"), dict):
        raise ValueError(f"{_FILE}: {code}: expected name, negations and emotions")
    spaced = entry.get("spaced", True)
    if not isinstance(spaced, bool):
        raise ValueError(f"{_FILE}: {code}: spaced must be true or false")
    spellings = entry.get("spellings", {})
    if not isinstance(spellings, dict) or not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in spellings.items()
    ):
        raise ValueError(f"{_FILE}: {code}: spellings must map a letter to its spelling")
    keeps_accents = entry.get("keeps_accents", False)
    if not isinstance(keeps_accents, bool):
        raise ValueError(f"{_FILE}: {code}: keeps_accents must be true or false")
    window = entry.get("negation_window", NEGATION_WINDOW)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"{_FILE}: {code}: negation_window must be a whole number of 1 or more")
    table = MappingProxyType(str.maketrans(cast(dict[str, str], spellings)))
    bare = LanguageWords(
        str(entry.get("name", code)),
        spaced,
        (),
        frozenset(),
        frozenset(),
        window,
        table,
        keeps_accents,
    )
    phrases: dict[tuple[str, ...], _Phrase] = {}
    for emotion, intensity, written_phrases, felt_only in _groups(entry, code):
        for written in written_phrases:
            parts = _parts(bare, written, f"{code}.{emotion or 'ignore'}")
            if parts in phrases:
                raise ValueError(
                    f"{_FILE}: {code}: {written!r} is listed twice "
                    f"({phrases[parts].emotion or 'ignore'} and {emotion or 'ignore'})"
                )
            phrases[parts] = _Phrase(written, parts, emotion, intensity, felt_only)

    def folded(key: str) -> frozenset[str]:
        return frozenset(bare.fold(word) for word in _words(entry, key, code))

    by_start: dict[str, list[_Phrase]] = {}
    loose: list[_Phrase] = []
    for phrase in phrases.values():
        first = phrase.parts[0]
        if first.startswith("*") or (first.endswith("*") and len(first) - 1 < _START):
            loose.append(phrase)
        else:
            by_start.setdefault(first[:_START], []).append(phrase)
    return LanguageWords(
        bare.name,
        spaced,
        tuple(phrases.values()),
        folded("negations"),
        folded("negations_after"),
        window,
        table,
        keeps_accents,
        MappingProxyType({start: tuple(group) for start, group in by_start.items()}),
        tuple(loose),
        _frames(bare, entry, "stating", code),
        folded("degrees"),
        _frames(bare, entry, "empathising", code),
        _frames(bare, entry, "empathising_you", code),
        _frames(bare, entry, "empathising_after", code),
        _not_felt(bare, entry, code),
    )


def _not_felt(
    language: LanguageWords, entry: Mapping[str, Any], code: str
) -> tuple[tuple[frozenset[Emotion], _Phrase], ...]:
    """A language's `not_felt` groups: each phrase with the emotions it sounds like."""
    groups = entry.get("not_felt", [])
    if not isinstance(groups, list):
        raise ValueError(f"{_FILE}: {code}.not_felt: expected a list of {{emotions, phrases}}")
    found: list[tuple[frozenset[Emotion], _Phrase]] = []
    for index, group in enumerate(groups):
        where = f"{code}.not_felt[{index}]"
        if not isinstance(group, dict):
            raise ValueError(f"{_FILE}: {where}: expected {{emotions, phrases}}")
        emotions = _words(group, "emotions", where)
        wrong = [e for e in emotions if e not in EMOTIONS or e == "neutral"]
        if not emotions or wrong:
            raise ValueError(
                f"{_FILE}: {where}: emotions must name emotions of the vocabulary, not "
                f"{wrong or 'none'}"
            )
        said = frozenset(cast(list[Emotion], emotions))
        for written in _words(group, "phrases", where):
            parts = _parts(language, written, where)
            found.append((said, _Phrase(written, parts, None, 0.0)))
    return tuple(found)


def _frames(
    language: LanguageWords, entry: Mapping[str, Any], key: str, code: str
) -> tuple[tuple[str, ...], ...]:
    """A language's frames of `key` (word sequences), longest first."""
    return tuple(
        sorted(
            {_parts(language, f, f"{code}.{key}") for f in _words(entry, key, code)},
            key=lambda frame: (-len(frame), frame),
        )
    )


def parse_emotion_words(data: Any) -> EmotionWords:
    """The table of the YAML document's data; ValueError naming the first bad entry."""
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        raise ValueError(f"{_FILE}: expected a mapping with a 'languages' mapping")
    return EmotionWords(
        MappingProxyType(
            {
                str(code): _language(str(code), entry)
                for code, entry in cast(dict[object, Any], data["languages"]).items()
            }
        )
    )


@cache
def load_emotion_words() -> EmotionWords:
    """The table of `planners/data/emotion_words.yaml`, checked; cached."""
    text = resources.files("motiondirector.planners").joinpath("data", _FILE).read_text("utf-8")
    return parse_emotion_words(load_yaml(text))
