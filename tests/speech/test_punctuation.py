"""The sentence and clause marks, declared once, as pauses, cue sentences and subtitle cues
read them."""

from __future__ import annotations

import itertools

import pytest

from motiondirector import plan_text
from motiondirector.export.vtt import ends_sentence
from motiondirector.planners.cues import tokenize
from motiondirector.scene.timing import pause_after
from motiondirector.speech.punctuation import ASCII_KIN, CLAUSE_MARKS, SENTENCE_MARKS


def test_every_mark_reads_as_its_ascii_kin() -> None:
    assert not set(SENTENCE_MARKS) & set(CLAUSE_MARKS)
    assert {mark.translate(ASCII_KIN) for mark in SENTENCE_MARKS} == set(".?!")
    assert {mark.translate(ASCII_KIN) for mark in CLAUSE_MARKS} == set(",;:")


@pytest.mark.parametrize("mark", SENTENCE_MARKS)
def test_a_sentence_mark_ends_a_sentence_everywhere(mark: str) -> None:
    word = f"word{mark}"
    assert pause_after(word) == "sentence" and ends_sentence(word)


@pytest.mark.parametrize("mark", CLAUSE_MARKS)
def test_a_clause_mark_pauses_without_ending_the_sentence(mark: str) -> None:
    word = f"word{mark}"
    assert pause_after(word) == "comma" and not ends_sentence(word)


def test_a_burmese_full_stop_pauses_between_its_sentences() -> None:
    # "Hello. Thank you." in Burmese: the full stop ။ follows the last syllable of each.
    plan = plan_text("မောင်မောင်: မင်္ဂလာပါ။ ကျေးဇူးတင်ပါတယ်။\n", format="text")
    (line,) = plan.utterances
    words = line.words
    end = next(i for i, word in enumerate(words) if word.text.endswith("။"))
    assert 0 < end < len(words) - 1
    gaps = [b.start - a.end for a, b in itertools.pairwise(words)]
    assert gaps[end] > max(gaps[:end] + gaps[end + 1 :])
    tokens = tokenize(words)
    assert tokens[end].sentence_end and not tokens[end - 1].sentence_end
