"""The word-timing model: syllables, rates, pauses, gaps, action time and rounding."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.scene import Utterance
from motiondirector.scene import TimingOptions, parse_script
from motiondirector.scene.timing import count_syllables, language_pace

# A long neutral passage of ordinary English prose (about 1.4 syllables a word).
PASSAGE = (
    "The morning train was late again, so I walked along the river to the office. The water "
    "was grey and calm, and a few boats were moving slowly under the bridge. I thought about "
    "the meeting we had planned for the afternoon, and about the report that still needed "
    "another careful reading. When I arrived, the building was quiet. Most of my colleagues "
    "were working from home that day, because the weather had been so bad during the week. I "
    "made a cup of coffee, opened the window, and started to write the summary for the board. "
    "It took longer than I expected, but by lunch the first draft was finished. In the "
    "afternoon we talked about the budget, the new schedule and the people we would need to "
    "hire next year. Nobody wanted to make a final decision, so we agreed to meet again on "
    "Friday. On my way home the sun came out for a moment, and the city looked almost friendly."
)


def say(text: str, timing: TimingOptions | None = None) -> Utterance:
    return parse_script(f"ANA: {text}", format="text", timing=timing).utterances[0]


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("cat", 1),
        ("time", 1),
        ("table", 2),
        ("water", 2),
        ("retired", 2),
        ("wanted", 2),
        ("agreed", 2),
        ("boxes", 2),
        ("bikes", 1),
        ("afternoon", 3),
        ("Permanently.", 4),
        ("Hm", 1),
        ("21", 3),
        ("1588", 9),  # one thousand five hundred eighty-eight
        ("--", 0),
        ("東京", 2),
        # The spelling's vowel groups miscounted these; the pronouncing dictionary does not.
        ("going", 2),
        ("being", 2),
        ("maybe", 2),
        ("isn't", 2),
        # A held letter is read once; its hold is timed apart (held_letter_syllables).
        ("Sssiiigh", 1),
        ("Mooooan", 1),
    ],
)
def test_count_syllables(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_long_neutral_passage_runs_at_about_150_words_per_minute() -> None:
    utterance = say(PASSAGE)
    minutes = (utterance.end - utterance.start) / 60
    rate = len(utterance.words) / minutes
    assert len(utterance.words) > 150
    assert 135 <= rate <= 165


def test_rate_follows_words_per_minute() -> None:
    normal = say(PASSAGE)
    fast = say(PASSAGE, TimingOptions(words_per_minute=300))
    ratio = (fast.end - fast.start) / (normal.end - normal.start)
    # Words speed up exactly twofold; the fixed punctuation pauses do not.
    assert 0.5 < ratio < 0.6


def test_a_syllable_lasts_as_long_as_its_languages_do() -> None:
    assert language_pace("en") == language_pace(None) == language_pace("ko") == 1.0
    assert language_pace("ja") == pytest.approx(0.79, abs=0.005)  # 7.84 morae/s against 6.19
    assert language_pace("zh") == pytest.approx(1.195, abs=0.005)

    def duration(script: str, **options: str) -> float:
        (utterance,) = parse_script(script, format="text", **options).utterances  # type: ignore[arg-type]
        return utterance.end - utterance.start

    line = "ANA: Hola amigo como estas"  # no pause inside: only the words' own time
    assert duration(line, language="es") == pytest.approx(
        duration(line) * language_pace("es"), abs=0.004
    )
    assert duration(line, language="es-MX") == duration(line, language="es")
    assert duration(line, language="ko") == duration(line)  # no measured rate: English pace
    # Chinese characters read as Mandarin are said at Mandarin's pace, stated or not.
    assert duration("ANA: 我们走吧") == duration("ANA: 我们走吧", language="zh-Hans")


def test_word_times_are_monotone_rounded_and_longer_for_longer_words() -> None:
    utterance = say(PASSAGE)
    for word in utterance.words:
        assert word.end > word.start
        assert round(word.start, 3) == word.start and round(word.end, 3) == word.end
    for previous, word in pairwise(utterance.words):
        assert word.start >= previous.end
    short, long = say("cat afternoon").words
    assert long.end - long.start == pytest.approx(3 * (short.end - short.start), abs=0.002)


def test_pauses_follow_punctuation() -> None:
    def gap_after_first(text: str) -> float:
        words = say(text).words
        return round(words[1].start - words[0].end, 3)

    options = TimingOptions()
    assert gap_after_first("one two") == 0
    assert gap_after_first("one, two") == options.comma_pause
    assert gap_after_first("one; two") == options.comma_pause
    assert gap_after_first("one. two") == options.sentence_pause
    assert gap_after_first("one? two") == options.sentence_pause
    assert gap_after_first('one!" two') == options.sentence_pause
    assert gap_after_first("one -- two") == options.dash_pause
    assert gap_after_first("one... two") == options.dash_pause
    assert gap_after_first("one… two") == options.dash_pause
    assert options.comma_pause < options.sentence_pause


def test_turn_gap_and_action_reading_time() -> None:
    options = TimingOptions(turn_gap=0.5)
    scene = parse_script(
        "ANA: Hi.\nShe smiles.\n" + "word " * 100 + "\nBEN: Hi.\n", format="text", timing=options
    )
    ana, ben = scene.utterances
    short, long = scene.actions
    assert short.start == pytest.approx(ana.end + 0.5)
    assert short.end - short.start == pytest.approx(options.action_min_seconds)
    assert long.end - long.start == pytest.approx(options.action_max_seconds)
    assert ben.start == pytest.approx(long.end + 0.5)
    medium = parse_script("ANA: Hi.\n" + "word " * 12, format="text").actions[0]
    assert medium.end - medium.start == pytest.approx(12 * 0.25)


def test_an_action_lasts_as_long_as_it_takes_to_act_out() -> None:
    scene = parse_script(
        "ANA: Hi.\nAna sits down and crosses her arms.\nBen waves.\nAna sits. Ben sits.\n"
        "Ana smiles.\nBEN: Hi.\n",
        format="text",
    )
    seated, waved, both, smiled = (a.end - a.start for a in scene.actions)
    # Reading takes 1.75 s; the lead, the sit and the arms' preparation and stroke take 4 s.
    assert seated == pytest.approx(0.4 + 2.0 + 0.6 + 1.0)
    assert waved == pytest.approx(0.4 + 0.35 + 1.0)
    assert both == pytest.approx(0.4 + 2.0)  # both sit at once
    assert smiled == pytest.approx(1.0)  # a face is no longer than reading (the minimum)
    assert scene.utterances[1].start >= scene.actions[-1].end


def test_heading_gap_opens_each_beat() -> None:
    scene = parse_script("INT. A\nANA: Hi.\nINT. B\nBEN: Hi.\n", format="text")
    first, second = scene.beats
    assert scene.utterances[0].start == pytest.approx(1.0)
    assert second.start == first.end
    assert scene.utterances[1].start == pytest.approx(second.start + 1.0)
    assert scene.duration == second.end == scene.utterances[1].end


def test_held_letters_stretch_a_word() -> None:
    plain, held = say("moan Mooooan").words
    assert held.end - held.start > plain.end - plain.start


def test_same_input_same_times() -> None:
    assert say(PASSAGE) == say(PASSAGE)


@pytest.mark.parametrize(
    "options",
    [
        {"words_per_minute": 0},
        {"words_per_minute": float("nan")},
        {"turn_gap": "fast"},
        {"comma_pause": -0.1},
        {"pause_share": 1.0},
        {"action_min_seconds": 5, "action_max_seconds": 1},
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any]) -> None:
    with pytest.raises(MotionDirectorError):
        TimingOptions(**options)
