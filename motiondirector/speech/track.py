"""The speech track of an utterance: its words' phonemes, timed and turned into viseme keys.

An utterance that carries a track (`PlanUtterance.visemes`, schema 1.2) is read as it is;
otherwise the track is derived from its words: phonemes the caller timed are used as given,
the others come from `pronounce` (or from how their line says them, in its language where
known: Chinese characters their pinyin, `speech.mandarin`, or in Cantonese their Jyutping,
`speech.cantonese`, a Japanese line with its kanji Janome's reading, `speech.japanese`, a
Vietnamese line's words their Vietnamese syllables, `speech.vietnamese`, a Spanish, Italian or
German line's words their letters, `speech.romance` and `speech.german`) and are spread over
the word's span. Pauses between words of
at least `PAUSE_S` get a `sil` key. Deriving is deterministic, so a plan with its tracks
attached exports exactly as the same plan without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from motiondirector.plan.motion_plan import MotionPlan, PlanUtterance, VisemeKey
from motiondirector.plan.scene import Word, primary_language
from motiondirector.speech.cantonese import cantonese_readings, jyutping_phonemes, writes_cantonese
from motiondirector.speech.french import FRENCH, french_phonemes
from motiondirector.speech.german import GERMAN, german_phonemes
from motiondirector.speech.japanese import japanese_readings
from motiondirector.speech.kana import kana_sounds
from motiondirector.speech.mandarin import mandarin_readings, pinyin_phonemes
from motiondirector.speech.phonemes import pronounce
from motiondirector.speech.portuguese import PORTUGUESE, portuguese_phonemes
from motiondirector.speech.romance import ITALIAN, SPANISH, romance_phonemes
from motiondirector.speech.timing import TimedPhoneme, time_phonemes
from motiondirector.speech.vietnamese import vietnamese_phonemes, vietnamese_readings
from motiondirector.speech.visemes import SILENCE, Key, phoneme_keys
from motiondirector.word_cache import word_cache

PAUSE_S = 0.05
"""A gap between words at least this long is a pause: the track gets a `sil` key there."""

_BY_LETTERS: dict[str, Callable[[str], tuple[str, ...] | None]] = {
    SPANISH: lambda word: romance_phonemes(word, SPANISH),
    ITALIAN: lambda word: romance_phonemes(word, ITALIAN),
    GERMAN: german_phonemes,
    FRENCH: french_phonemes,
    PORTUGUESE: portuguese_phonemes,
}
"""The languages whose lines are read by their letters: each word's phonemes (None for a word
the rules do not read)."""


def word_keys(word: Word, reading: str | None = None) -> list[Key]:
    """The keys of one word: the caller's phonemes as given, else its pronunciation timed
    (that of `reading`, how its line says it, `line_readings`, when given)."""
    if word.phonemes is not None:
        return phoneme_keys(TimedPhoneme(p.phoneme, p.start, p.end) for p in word.phonemes)
    span = word.end - word.start
    if span <= 0.0:
        return []  # a word given no time is not heard
    units = _unit_keys(word.text) if reading is None else _reading_keys(reading)
    return [
        Key(phoneme, viseme, round(word.start + a * span, 3), round(word.start + b * span, 3), w)
        for phoneme, viseme, a, b, w in units
    ]


@word_cache(max_entries=65536, max_weight=2**18)
def _unit_keys(text: str) -> tuple[Key, ...]:
    """A word's keys timed over [0, 1], unrounded: scaled to each use of the word, so a word
    is pronounced and timed once however often it is spoken."""
    return tuple(phoneme_keys(time_phonemes(pronounce(text), 0.0, 1.0), rounding=None))


@word_cache(max_entries=65536, max_weight=2**18)
def _reading_keys(reading: str) -> tuple[Key, ...]:
    """`_unit_keys` of a word said as `reading` (of `line_readings`)."""
    return tuple(phoneme_keys(time_phonemes(_reading_phonemes(reading), 0.0, 1.0), rounding=None))


def _reading_phonemes(reading: str) -> tuple[str, ...]:
    """The phonemes of a reading: "pinyin:" or "jyutping:" and syllables, space-separated,
    "kana:" and katakana, "vi:" and a Vietnamese word, or "es:", "it:", "de:", "fr:" or "pt:"
    and a Spanish, Italian, German, French or Portuguese one."""
    kind, _, said = reading.partition(":")
    if kind in _BY_LETTERS:
        return _BY_LETTERS[kind](said) or ()
    if kind == "pinyin":
        return tuple(p for syllable in said.split() for p in pinyin_phonemes(syllable))
    if kind == "jyutping":
        return tuple(p for syllable in said.split() for p in jyutping_phonemes(syllable))
    if kind == "vi":
        return vietnamese_phonemes(said) or ()
    return tuple(p for sound in kana_sounds(said) for p in sound)


def said_syllables(reading: str | None) -> int | None:
    """The syllables (vowels) a word says as `reading` (of `line_readings`), for its timing;
    None for no reading, or a Chinese one (a character is a syllable, as `pronounce` counts)."""
    if reading is None or reading.startswith(("pinyin:", "jyutping:")):
        return None
    return sum(1 for phoneme in _reading_phonemes(reading) if phoneme[-1].isdigit())


def said_as(language: str | None) -> str | None:
    """How a line in `language` (a BCP 47 tag) is read where its writing does not tell: "ja"
    (Japanese), "zh" (Mandarin), "yue" (Cantonese: `yue`, or Chinese of Hong Kong or Macau),
    "vi", "es", "it", "de", "fr" or "pt"; None for any other language, or none: the line is read by
    its writing."""
    if language is None:
        return None
    primary, *subtags = language.lower().split("-")
    if primary == "zh" and ("hk" in subtags or "mo" in subtags):
        return "yue"
    if primary in _BY_LETTERS:
        return primary
    return {"ja": "ja", "zh": "zh", "cmn": "zh", "yue": "yue", "vi": "vi"}.get(primary)


def said_in(language: str | None, readings: Sequence[str | None]) -> str | None:
    """The language a line is said in, as a language subtag: its stated `language`'s ("zh" for
    Mandarin, "yue" for Cantonese: `said_as`; "es" of "es-MX"), else the one its writing was
    read in (`readings`, of `line_readings`: kana Japanese, pinyin Mandarin, Jyutping
    Cantonese, Vietnamese), else None."""
    if language is not None:
        return said_as(language) or primary_language(language)
    kinds = {reading.partition(":")[0] for reading in readings if reading is not None}
    for kind, subtag in (("kana", "ja"), ("jyutping", "yue"), ("pinyin", "zh"), ("vi", "vi")):
        if kind in kinds:
            return subtag
    return None


def line_readings(texts: list[str], language: str | None = None) -> list[str | None]:
    """How one line says each of its words where the word's own characters do not tell:
    Japanese as Janome reads it, kanji included ("kana:..."; with the `japanese` extra), else
    a Vietnamese line's words as Vietnamese ("vi:..."), and Chinese characters as Cantonese
    ("jyutping:...") in a line of written Cantonese, else as Mandarin ("pinyin:..."); None for
    the other words. The line's `language` (a BCP 47 tag), where known, decides instead of its
    writing (`said_as`): a `ja` line of kanji alone is Japanese (never Mandarin, even without
    the extra), a `zh` line Mandarin, a `yue` or `zh-HK` line Cantonese, a `vi` line
    Vietnamese even typed without its accents, an `es`, `it`, `de`, `fr` or `pt` line by its
    letters (a
    word without a vowel or with other letters: None)."""
    reading = said_as(language)
    if reading in _BY_LETTERS:
        read = _BY_LETTERS[reading]
        return [f"{reading}:{text}" if read(text) else None for text in texts]
    if reading != "vi" and all(text.isascii() for text in texts):
        return [None] * len(texts)
    return list(_line_readings(tuple(texts), reading))


_SAMPLES = {"ja": ("東", "京"), "zh": ("中", "文"), "yue": ("佢", "哋")}
"""A line of each reading that needs a dictionary, read to load it."""


def prepare_reading(language: str) -> None:
    """Load what reading lines in `language` (a BCP 47 tag) needs: Janome's, pypinyin's or
    ToJyutping's dictionary (their first line costs 0.15 to 0.5 s otherwise); nothing for a
    language its letters spell."""
    reading = said_as(language)
    if reading in _SAMPLES:
        _line_readings(_SAMPLES[reading], reading)


@lru_cache(maxsize=256)  # a line is read once per character whose curves it moves, and again
def _line_readings(texts: tuple[str, ...], reading: str | None) -> tuple[str | None, ...]:
    if reading in (None, "ja"):
        kana = japanese_readings(texts, japanese=reading == "ja")
        if reading == "ja" or any(said is not None for said in kana):
            return tuple(None if said is None else f"kana:{said}" for said in kana)
    vietnamese = vietnamese_readings(texts, vietnamese=reading == "vi")
    if reading == "vi":
        return tuple(None if word is None else f"vi:{word}" for word in vietnamese)
    if reading == "yue" or (reading is None and writes_cantonese("".join(texts))):
        chinese = [None if s is None else f"jyutping:{s}" for s in cantonese_readings(texts)]
    else:
        chinese = [None if s is None else f"pinyin:{s}" for s in mandarin_readings(texts)]
    return tuple(
        f"vi:{word}" if word is not None else said
        for word, said in zip(vietnamese, chinese, strict=True)
    )


def derive_keys(words: Iterable[Word], language: str | None = None) -> list[Key]:
    """The speech track of a run of words (one line, said in `language` where known), with
    `sil` keys in the pauses between them."""
    words = list(words)
    keys: list[Key] = []
    readings = line_readings([w.text for w in words], language)
    for word, reading in zip(words, readings, strict=True):
        found = word_keys(word, reading)
        if found and keys and found[0].start - keys[-1].end >= PAUSE_S:
            keys.append(Key(SILENCE, SILENCE, keys[-1].end, found[0].start, 1.0))
        keys.extend(found)
    return keys


def utterance_keys(utterance: PlanUtterance) -> list[Key]:
    """The utterance's track: the one it carries, else the one its words give."""
    if utterance.visemes is not None:
        return [Key(k.phoneme, k.viseme, k.start, k.end, k.weight) for k in utterance.visemes]
    return derive_keys(utterance.words, utterance.language)


def character_keys(plan: MotionPlan, character: str) -> list[Key]:
    """Every key of the lines `character` says on screen (not voice-overs), in time order."""
    keys: list[Key] = []
    for utterance in plan.utterances:
        if utterance.mouthed_by(character):
            keys.extend(utterance_keys(utterance))
    keys.sort(key=lambda k: (k.start, k.end))
    return keys


def utterance_visemes(utterance: PlanUtterance) -> tuple[VisemeKey, ...]:
    """The utterance's track as the plan's `VisemeKey`s."""
    return tuple(
        VisemeKey(phoneme=k.phoneme, viseme=k.viseme, start=k.start, end=k.end, weight=k.weight)
        for k in utterance_keys(utterance)
    )


def attach_visemes(plan: MotionPlan) -> MotionPlan:
    """The plan with a speech track on every utterance (those that carry one keep it)."""
    utterances = tuple(
        u if u.visemes is not None else u.model_copy(update={"visemes": utterance_visemes(u)})
        for u in plan.utterances
    )
    return plan.model_copy(update={"utterances": utterances})
