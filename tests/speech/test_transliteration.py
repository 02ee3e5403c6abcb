"""Phonemes of Cyrillic, Greek, Armenian, Georgian, Ethiopic, Brahmic, Hebrew and Arabic
words read off their letters (`speech.transliteration`, `speech.abjads`): the lips close on м,
μ, म, م, מ, round on у, ου, ु, every word keeps the syllables `speech.alphabets` counts, and
planned Russian and Arabic lines close the lips of their ARKit curves inside the words with М
and م."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.export.arkit import arkit_curves
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize.pipeline import plan_text
from motiondirector.speech import ARPABET, character_keys, pronounce, syllable_count
from motiondirector.speech.abjads import (
    _ARABIC_CONSONANTS,
    _ARABIC_LONG_VOWELS,
    _ARABIC_OPENING_VOWELS,
    _ARABIC_POINTS,
    _HEBREW_CONSONANTS,
    _HEBREW_FINAL_VOWELS,
    _HEBREW_LONG_VOWELS,
    _HEBREW_OPENING_VOWELS,
    _HEBREW_POINTS,
)
from motiondirector.speech.alphabets import is_alphabet_script, written_syllables
from motiondirector.speech.phonemes import spoken_parts
from motiondirector.speech.tables import load_speech_tables
from motiondirector.speech.transliteration import (
    _ARMENIAN,
    _BRAHMIC_EXCEPTIONS,
    _BRAHMIC_OFFSETS,
    _CYRILLIC,
    _ETHIOPIC_CONSONANTS,
    _ETHIOPIC_VOWELS,
    _GEORGIAN_NAMES,
    _GREEK_CONSONANTS,
    _GREEK_DIGRAPHS,
    _NUKTA_SOUNDS,
    _SINHALA,
    VOWEL_PHONEMES,
    brahmic_sound,
)
from tests.speech.lips import labial_closures
from tests.speech.test_alphabets import HELD_OUT, LABELLED

CLOSURES = {"M", "B", "P"}
ROUNDED = {"UW", "UH", "OW"}


def _bases(word: str) -> set[str]:
    return {p.rstrip("012") for p in pronounce(word)}


@pytest.mark.parametrize(
    "word",
    [
        "мама", "Москва", "спасибо", "папа",  # Russian
        "μαμά", "μπαμπάς", "Ευρώπη",  # Greek: μ, μπ, π
        "माँ", "मामा", "बहुत", "पानी",  # Hindi
        "মা", "বাবা",  # Bengali
        "ਮਾਂ", "ਪੰਜਾਬ", "મા", "ମା",  # Punjabi, Gujarati, Odia
        "அம்மா", "అమ్మ", "ಅಮ್ಮ", "അമ്മ", "අම්මා",  # Tamil, Telugu, Kannada, Malayalam, Sinhala
        "մայր", "მამა", "ሰላም",  # Armenian, Georgian, Amharic
        "مرحبا", "محمد", "شباب", "پدر",  # Arabic, Persian
        "שלום", "אבא", "בוקר", "פה",  # Hebrew
    ],
)  # fmt: skip
def test_words_with_lip_consonants_close_the_lips(word: str) -> None:
    assert CLOSURES & _bases(word), pronounce(word)


@pytest.mark.parametrize(
    "word",
    ["у", "тут", "ουρανός", "μου", "तुम", "दूध", "दो", "সমুদ্র", "ஒன்று", "ኡ", "ቡና", "ջուր",
     "უთხარი"],
)  # fmt: skip
def test_rounded_vowels_round_the_lips(word: str) -> None:
    assert ROUNDED & _bases(word), pronounce(word)


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("мама", ("M", "AA1", "M", "AA1")),
        ("мыла", ("M", "IH1", "L", "AA1")),
        ("раму", ("R", "AA1", "M", "UW1")),
        ("ёлка", ("Y", "AO1", "L", "K", "AA1")),  # a y glide where ё starts a syllable
        ("семья", ("S", "EH1", "M", "Y", "AA1")),  # and after ь
        ("люблю", ("L", "UW1", "B", "L", "UW1")),  # but not after a consonant
        ("приве́т", ("P", "R", "IY2", "V", "EH1", "T")),  # a typed stress mark is the stress
        ("прст", ("P", "ER1", "S", "T")),  # Serbian syllabic р
        ("μαμά", ("M", "AA2", "M", "AA1")),  # the tonos is the stress
        ("ευχαριστώ", ("EH2", "F", "HH", "AA2", "R", "IY2", "S", "T", "OW1")),
        ("αύριο", ("AA1", "V", "R", "Y", "OW2")),  # αυ is av before a voiced sound
        ("γεια", ("Y", "AA1")),  # γ before a front vowel, and the glide, are y
        ("μπάλα", ("B", "AA1", "L", "AA2")),
        ("माँ", ("M", "AA1")),
        ("नमस्ते", ("N", "AH1", "M", "AH1", "S", "T", "EY1")),  # the virama kills the a of स
        ("राम", ("R", "AA1", "M")),  # Hindi drops a final inherent vowel
        ("हिंदी", ("HH", "IH1", "N", "D", "IY1")),  # anusvara: the nasal of what follows
        ("संबंध", ("S", "AH1", "M", "B", "AH1", "N", "D")),  # m before a labial
        ("अम्मा", ("AH1", "M", "AA1")),  # a doubled consonant is one long closure
        ("ज़रा", ("Z", "AH1", "R", "AA1")),  # a nukta changes the consonant
        ("নমস্কার", ("N", "AO1", "M", "AO1", "S", "K", "AA1", "R")),  # Bengali says ɔ
        ("നമസ്കാരം", ("N", "AH1", "M", "AH1", "S", "K", "AA1", "R", "AH1", "M")),  # final ം is m
        ("ഒന്ന്", ("AO1", "N", "AH1")),  # Malayalam's final ŭ
        ("ලංකාව", ("L", "AH1", "NG", "K", "AA1", "V", "AH1")),
        ("ջուր", ("JH", "UW1", "R")),  # Armenian ու is u
        ("գնալ", ("G", "AH1", "N", "AA1", "L")),  # and an unwritten ը after the first letter
        ("გამარჯობა", ("G", "AA1", "M", "AA1", "R", "JH", "OW1", "B", "AA1")),
        ("ሰላም", ("S", "AH1", "L", "AA1", "M")),  # a final sixth-order letter is bare
        ("مرحبا", ("M", "AH1", "R", "HH", "AH1", "B", "AA1")),  # a syllable per two letters
        ("شكرا", ("SH", "AH1", "K", "R", "AA1")),  # the alef after ر is its vowel
        ("مَرْحَبًا", ("M", "AE1", "R", "HH", "AE1", "B", "AA1")),  # fatha where it is written
        ("السلام", ("AH1", "L", "S", "AH1", "L", "AA1", "M")),  # an opening alef is a vowel
        ("שלום", ("SH", "AH1", "L", "OW1", "M")),  # ו carrying a syllable is its o
        ("תודה", ("T", "OW1", "D", "AH1")),  # and after a consonant its vowel; a final ה a
        ("שָׂרָה", ("S", "AA1", "R", "AH1")),  # the sin dot, and qamats where it is written
        ("להתראות", ("L", "AH1", "HH", "T", "AH1", "R", "AA1", "W", "T", "AH1")),
    ],
)
def test_words_are_read_letter_by_letter(word: str, said: tuple[str, ...]) -> None:
    assert pronounce(word) == said


def _count_in_writing(word: str) -> int:
    return sum(len(written_syllables(part)) for part in spoken_parts(word))


def test_every_labelled_word_keeps_the_syllables_its_writing_shows() -> None:
    words = [
        word
        for table in (LABELLED, HELD_OUT)
        for script, words in table.items()
        if script != "hangul"
        for word in words
    ]
    assert len(words) >= 450
    for word in words:
        assert syllable_count(pronounce(word)) == _count_in_writing(word), word


def _read_here(code: int) -> bool:
    # A sign that NFKC folds out of these scripts (Greek ʹ) is no letter of theirs.
    folded = unicodedata.normalize("NFKC", chr(code))
    return all(is_alphabet_script(c) for c in folded)


_LETTERS = st.sampled_from(
    [chr(c) for c in (*range(0x0370, 0x3000), *range(0xA640, 0xA6A0)) if _read_here(c)]
    + list("\u0301\u0308\u0300\u200c\u200d")
)


@settings(max_examples=600, deadline=None)
@given(st.text(_LETTERS, min_size=1, max_size=16))
def test_any_word_keeps_its_count_and_says_known_phonemes(word: str) -> None:
    phonemes = pronounce(word)
    known = load_speech_tables().phonemes
    assert all(p.rstrip("012") in known for p in phonemes)
    assert all(p[-1] in "12" for p in phonemes if p.rstrip("012") in VOWEL_PHONEMES)
    assert syllable_count(phonemes) == _count_in_writing(word)


def test_every_sound_in_the_tables_is_a_phoneme_the_visemes_know() -> None:
    known = set(load_speech_tables().phonemes)
    assert {p for p in ARPABET if load_speech_tables().phonemes[p].is_vowel} == VOWEL_PHONEMES
    sounds = [
        *_CYRILLIC.values(), *_GREEK_CONSONANTS.values(), *_GREEK_DIGRAPHS.values(),
        *_ARMENIAN.values(), *_GEORGIAN_NAMES.values(), *_ETHIOPIC_CONSONANTS.values(),
        *_ETHIOPIC_VOWELS.values(), *_BRAHMIC_OFFSETS.values(), *_NUKTA_SOUNDS.values(),
        *_SINHALA.values(), *(s for table in _BRAHMIC_EXCEPTIONS.values() for s in table.values()),
        *_ARABIC_CONSONANTS.values(), *_ARABIC_LONG_VOWELS.values(),
        *_ARABIC_OPENING_VOWELS.values(), *_ARABIC_POINTS.values(), *_HEBREW_CONSONANTS.values(),
        *_HEBREW_LONG_VOWELS.values(), *_HEBREW_FINAL_VOWELS.values(),
        *_HEBREW_OPENING_VOWELS.values(), *_HEBREW_POINTS.values(),
    ]  # fmt: skip
    assert {p for sound in sounds for p in sound} - {"~"} <= known


_BLOCKS = (
    "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA",
    "MALAYALAM",
)  # fmt: skip
# Names that differ between blocks for the same sound at the same place.
_SAME = {"SHORT E": "E", "EE": "E", "SHORT O": "O", "OO": "O", "BINDI": "ANUSVARA",
         "RRA": "DDDHA", "VOWEL CANDRA E": "CANDRA E", "VOWEL CANDRA O": "CANDRA O"}  # fmt: skip


def _what(name: str, block: str) -> str:
    tail = name.removeprefix(block + " ")
    for prefix in ("LETTER ", "VOWEL SIGN ", "SIGN "):
        tail = tail.removeprefix(prefix)
    return _SAME.get(tail, tail)


def test_the_shared_brahmic_table_names_the_same_letter_in_every_block() -> None:
    """The one table keyed by offset is right for a block only where the block puts the same
    letter there; everywhere else the block lists its own sound."""
    checked = 0
    for offset in _BRAHMIC_OFFSETS:
        read_here: dict[str, str] = {}
        for number, block in enumerate(_BLOCKS):
            char = chr(0x0900 + 0x80 * number + offset)
            name = unicodedata.name(char, "")
            exceptions = _BRAHMIC_EXCEPTIONS.get(block.lower(), {})
            if name and unicodedata.category(char)[0] in "LM" and offset not in exceptions:
                read_here[name] = _what(name, block)
        assert len(set(read_here.values())) <= 1, (hex(offset), read_here)
        checked += len(read_here)
    assert checked >= 500


def test_tamil_reads_its_reduced_consonants_by_their_place() -> None:
    # Tamil writes k and g alike (க), t and d alike (த): each letter sits where the voiceless
    # one does, so the table reads them as voiceless, and the offsets Tamil lacks stay empty.
    assert brahmic_sound("tamil", "க") == ("K",) and brahmic_sound("tamil", "த") == ("T",)
    assert brahmic_sound("tamil", "ழ") == ("L",) and brahmic_sound("tamil", "ற") == ("R",)
    assert not any(unicodedata.name(chr(0x0B80 + o), "") for o in (0x16, 0x17, 0x2C))


COLUMN = {name: i for i, name in enumerate(load_arkit_map().blendshapes)}
CLOSING = [COLUMN["mouthClose"], COLUMN["mouthPressLeft"], COLUMN["mouthPressRight"]]


def test_a_russian_line_closes_the_lips_on_its_m_and_opens_the_jaw_on_its_vowels() -> None:
    plan = plan_text("ИВАН: Мама мыла раму.", format="text")
    times, weights = arkit_curves(plan, "ИВАН", 30)
    closure = weights[:, CLOSING].max(axis=1)
    jaw = weights[:, COLUMN["jawOpen"]]
    keys = character_keys(plan, "ИВАН")
    (utterance,) = plan.utterances
    mama, _, ramu = utterance.words
    # The М inside Мама and the one inside раму: frames within them show the lips closed (the
    # neutral syllables these words had never closed them).
    inner_m = [
        k
        for k in keys
        if k.phoneme == "M" and (mama.start < k.start < mama.end or ramu.start < k.start < ramu.end)
    ]
    assert len(inner_m) == 2
    for key in inner_m:
        inside = (times >= key.start) & (times <= key.end)
        assert inside.any() and closure[inside].max() > 0.5, key
    # Each open vowel opens the jaw well past where it stands at the М beside it.
    vowels = [k for k in keys if k.phoneme == "AA1"]
    assert len(vowels) == 4
    at_m = np.interp([(k.start + k.end) / 2 for k in inner_m], times, jaw)
    for key in vowels:
        centre = (key.start + key.end) / 2
        assert np.interp(centre, times, jaw) > 0.15 + at_m.max(), key
        assert np.interp(centre, times, closure) < 0.2, key
    # And у rounds the lips, as no а does.
    pucker = weights[:, COLUMN["mouthPucker"]]
    (u,) = [k for k in keys if k.phoneme == "UW1"]
    rounded = np.interp((u.start + u.end) / 2, times, pucker)
    assert rounded > 0.3 + max(np.interp((k.start + k.end) / 2, times, pucker) for k in vowels)


def test_an_arabic_line_closes_the_lips_on_its_m_and_b() -> None:
    # The neutral syllables these words had never closed the lips; each م and ب now does.
    closures = labial_closures("سامي: مرحبا يا محمد.", "سامي")
    assert [key.phoneme for key, _ in closures] == ["M", "B", "M", "M"]
    assert all(closed > 0.5 for _, closed in closures), closures
