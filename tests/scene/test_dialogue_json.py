"""Dialogue JSON: with and without word timings, directions, actions, headings and errors."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from motiondirector.errors import SceneLimitError, ScriptError
from motiondirector.plan.scene import ActionLine, Utterance
from motiondirector.scene import parse_script


def as_json(document: Any) -> str:
    return json.dumps(document, indent=2)


TIMED = {
    "title": "Hello",
    "characters": ["Ana", "Ben"],
    "turns": [
        {
            "speaker": "Ana",
            "text": "Hi, Ben.",
            "direction": "smiling",
            "words": [
                {"text": "Hi,", "start": 0.5, "end": 0.8},
                {"text": "Ben.", "start": 0.9, "end": 1.2},
            ],
        },
        {"action": "Ben sits down."},
        {"speaker": "Ben", "text": "Hello there."},
    ],
}


def test_timed_turns_keep_their_timings_and_untimed_ones_follow() -> None:
    scene = parse_script(as_json(TIMED))
    ana, ben = scene.utterances
    assert scene.title == "Hello"
    assert scene.characters == ("ANA", "BEN")
    assert [(w.text, w.start, w.end) for w in ana.words] == [("Hi,", 0.5, 0.8), ("Ben.", 0.9, 1.2)]
    assert (ana.start, ana.end, ana.speaker, ana.text) == (0.5, 1.2, "ANA", "Hi, Ben.")
    assert [(p.text, p.before_word) for p in ana.parentheticals] == [("smiling", 0)]
    action = scene.actions[0]
    assert action.text == "Ben sits down."
    assert action.start == pytest.approx(1.2 + 0.25)
    assert ben.start == pytest.approx(action.end + 0.25)
    assert ben.addressees == ("ANA",)
    assert ana.addressees == ("BEN",)


def test_untimed_dialogue_is_estimated_from_zero() -> None:
    scene = parse_script(as_json({"turns": [{"speaker": "a", "text": "One two three."}]}))
    words = scene.utterances[0].words
    assert words[0].start == 0.0
    assert [w.text for w in words] == ["One", "two", "three."]
    assert all(b.start >= a.end for a, b in itertools.pairwise(words))


def test_a_turn_may_say_where_it_starts() -> None:
    turns = [
        {"speaker": "Ana", "text": "Hi.", "start": 2.0},
        {"speaker": "Ben", "text": "Hello there, how are you?", "start": 2.5},
        {"speaker": "Ana", "text": "Fine.", "start": 9.0},
        {"speaker": "Ben", "text": "Good."},
    ]
    hi, hello, fine, good = parse_script(as_json({"turns": turns})).utterances
    assert (hi.start, hi.words[0].start, fine.start) == (2.0, 2.0, 9.0)
    assert hello.start == pytest.approx(hi.end + 0.25)  # later, where the line before runs on
    assert good.start == pytest.approx(fine.end + 0.25)  # an untimed turn follows


def test_a_turn_start_is_refused_past_the_longest_silence_or_beside_timed_words() -> None:
    with pytest.raises(SceneLimitError, match=r"start leaves 300 s of silence") as error:
        parse_script(as_json({"turns": [{"speaker": "Ana", "text": "Hi.", "start": 300.0}]}))
    assert error.value.field == "turns[0].start"
    words = [{"text": "Hi.", "start": 0.0, "end": 0.3}]
    turn = {"speaker": "Ana", "text": "Hi.", "start": 1.0, "words": words}
    with pytest.raises(ScriptError, match=r"turns\[0\]\.start: give 'start' or timed 'words'"):
        parse_script(as_json({"turns": [turn]}))


def test_line_numbers_point_at_each_turn() -> None:
    text = as_json(TIMED)
    lines = text.splitlines()
    scene = parse_script(text)
    elements: list[tuple[Utterance | ActionLine, str]] = [
        (scene.utterances[0], '"speaker": "Ana"'),
        (scene.actions[0], '"action": "Ben sits down."'),
        (scene.utterances[1], '"speaker": "Ben"'),
    ]
    for element, marker in elements:
        assert element.line is not None
        assert lines[element.line - 1].strip() == "{"
        assert marker in lines[element.line]


def test_bare_array_of_turns_and_given_addressees() -> None:
    turns = [
        {"speaker": "Ana", "text": "Go.", "addressees": ["cleo"]},
        {"speaker": "Ben", "text": "No."},
    ]
    scene = parse_script(as_json(turns))
    assert scene.utterances[0].addressees == ("CLEO",)
    assert "CLEO" in scene.characters
    assert scene.beats[0].characters == ("ANA", "CLEO", "BEN")


def test_heading_turns_start_beats() -> None:
    turns = [
        {"heading": "INT. KITCHEN"},
        {"speaker": "Ana", "text": "Hi."},
        {"heading": "EXT. GARDEN"},
        {"speaker": "Ben", "text": "Hi."},
    ]
    scene = parse_script(as_json({"turns": turns}))
    assert [b.heading for b in scene.beats] == ["INT. KITCHEN", "EXT. GARDEN"]
    assert [u.beat for u in scene.utterances] == [0, 1]


def test_words_alone_give_the_text() -> None:
    turn = {"speaker": "Ana", "words": [{"text": "Hey", "start": 0, "end": 0.2}]}
    assert parse_script(as_json({"turns": [turn]})).utterances[0].text == "Hey"


def error_for(document: Any) -> ScriptError:
    with pytest.raises(ScriptError) as raised:
        parse_script(as_json(document), file="d.json")
    assert raised.value.file == "d.json"
    return raised.value


def test_pydantic_errors_name_the_path_and_line() -> None:
    error = error_for({"turns": [{"speaker": "A", "text": "x"}, {"speaker": "B", "txt": "y"}]})
    assert "turns[1].txt" in str(error)
    assert error.line == 9
    missing = error_for({"turns": [{"text": "x"}]})
    assert "turns[0].speaker" in str(missing)
    assert missing.line == 3
    assert "turns" in str(error_for({"title": "no turns"}))


@pytest.mark.parametrize("start", [True, "0.5", None])
def test_a_time_must_be_a_json_number(start: object) -> None:
    # `true` was read as 1.0 and "0.5" as 0.5; whole numbers stay welcome.
    word = {"text": "Hi.", "start": start, "end": 1}
    error = error_for({"turns": [{"speaker": "A", "text": "Hi.", "words": [word]}]})
    assert "turns[0].words[0].start" in str(error)
    timed = [{"speaker": "A", "text": "Hi.", "words": [{"text": "Hi.", "start": 0, "end": 1}]}]
    assert parse_script(as_json({"turns": timed}), format="json").utterances[0].end == 1.0


def test_word_timings_are_validated_with_the_turn_index() -> None:
    def turn(words: list[dict[str, Any]], text: str = "one two") -> dict[str, Any]:
        return {
            "turns": [
                {"speaker": "A", "text": "ok"},
                {"speaker": "A", "text": text, "words": words},
            ]
        }

    backwards = error_for(
        turn([{"text": "one", "start": 1, "end": 0.5}, {"text": "two", "start": 1, "end": 2}])
    )
    assert "turns[1].words[0]" in str(backwards) and "ends" in str(backwards)
    decreasing = error_for(
        turn([{"text": "one", "start": 1, "end": 1.5}, {"text": "two", "start": 0.5, "end": 2}])
    )
    assert "turns[1].words[1]" in str(decreasing)
    mismatch = error_for(
        turn([{"text": "one", "start": 0, "end": 1}, {"text": "six", "start": 1, "end": 2}])
    )
    assert "turns[1].words" in str(mismatch) and "'six'" in str(mismatch)
    assert mismatch.line is not None and mismatch.line > 5
    negative = error_for(
        turn([{"text": "one", "start": -1, "end": 1}, {"text": "two", "start": 1, "end": 2}])
    )
    assert "turns[1].words[0].start" in str(negative)
    assert "empty" in str(error_for(turn([])))


def test_overlapping_words_are_refused_naming_the_start_and_its_line() -> None:
    words = [{"text": "Hi", "start": 0.0, "end": 1.0}, {"text": "there", "start": 0.5, "end": 1.5}]
    error = error_for({"turns": [{"speaker": "A", "text": "Hi there", "words": words}]})
    assert "turns[0].words[1].start" in str(error) and "overlap" in str(error)
    assert error.line is not None and error.line > 5


def test_words_that_only_touch_or_meet_within_a_millisecond_are_kept() -> None:
    words = [
        {"text": "Hi", "start": 0.0, "end": 0.5},
        {"text": "there", "start": 0.5, "end": 0.8},
        {"text": "Ben", "start": 0.7996, "end": 1.2},  # the same millisecond, as kept
    ]
    scene = parse_script(
        as_json({"turns": [{"speaker": "A", "text": "Hi there Ben", "words": words}]})
    )
    assert [w.start for w in scene.utterances[0].words] == [0.0, 0.5, 0.8]


def test_punctuation_and_case_do_not_count_when_matching_words() -> None:
    words = [{"text": "hi", "start": 0, "end": 0.3}, {"text": "BEN", "start": 0.4, "end": 0.7}]
    scene = parse_script(as_json({"turns": [{"speaker": "A", "text": "Hi, Ben!", "words": words}]}))
    # The timed words as the TTS spelled them, with the marks of the text's words.
    assert [w.text for w in scene.utterances[0].words] == ["hi,", "BEN!"]


def test_bare_timed_words_read_as_the_punctuated_text() -> None:
    said = ["Oh", "great", "see", "you", "Ben"]
    words = [{"text": w, "start": i * 0.3, "end": i * 0.3 + 0.25} for i, w in enumerate(said)]
    turn = {"speaker": "A", "text": '"Oh, great." See you, (smiling) Ben?', "words": words}
    (line,) = parse_script(as_json({"turns": [turn]})).utterances
    assert [w.text for w in line.words] == ['"Oh,', 'great."', "see", "you,", "Ben?"]
    # A timed word with marks of its own keeps them; the times are the TTS's.
    words[1]["text"] = "great!"
    (kept,) = parse_script(as_json({"turns": [turn]})).utterances
    assert kept.words[1].text == "great!" and kept.words[4].start == 1.2


def test_punctuation_timed_as_a_word_goes_with_its_neighbour() -> None:
    """A TTS that times "," as a token of its own gave the plan a word "," and the text
    "Hello , Ben"."""
    words = [
        {"text": "-", "start": 0.0, "end": 0.05},
        {"text": "Hello", "start": 0.05, "end": 0.4},
        {"text": ",", "start": 0.4, "end": 0.45},
        {"text": "Ben", "start": 0.5, "end": 0.9},
    ]
    (said,) = parse_script(as_json({"turns": [{"speaker": "A", "words": words}]})).utterances
    assert said.text == "- Hello, Ben"
    assert [(w.text, w.start, w.end) for w in said.words] == [
        ("-Hello,", 0.05, 0.4),
        ("Ben", 0.5, 0.9),
    ]


def test_words_a_tts_engine_normalised_still_spell_the_text() -> None:
    said = ["It", "costs", "forty-two", "euros", "at", "the", "cafe"]
    words = [{"text": w, "start": i * 0.3, "end": i * 0.3 + 0.25} for i, w in enumerate(said)]
    turn = {"speaker": "A", "text": "It costs 42 euros at the café.", "words": words}
    (line,) = parse_script(as_json({"turns": [turn]})).utterances
    assert [w.text for w in line.words] == [*said[:-1], "cafe."]
    assert line.text == "It costs 42 euros at the café."
    words[2]["text"] = "forty-three"
    assert "spoken word 2 is 'forty-three' in 'words' but '42'" in str(error_for({"turns": [turn]}))


def test_a_timed_word_of_several_words_is_refused_naming_it() -> None:
    words = [
        {"text": "New York", "start": 0, "end": 0.5},
        {"text": "rocks", "start": 0.5, "end": 1},
    ]
    error = error_for({"turns": [{"speaker": "A", "words": words}]})
    assert error.message == (
        "turns[0].words[0].text: word 0 'New York' is more than one word: give each word its "
        "own entry and times"
    )


def test_malformed_json_reports_the_decoder_line() -> None:
    with pytest.raises(ScriptError) as raised:
        parse_script('{\n  "turns": [\n    {"speaker": "A",, "text": "x"}\n  ]\n}\n')
    assert raised.value.line == 3
    assert "invalid JSON" in str(raised.value)


def test_turn_without_speech_is_an_error() -> None:
    assert "no spoken text" in str(error_for({"turns": [{"speaker": "A", "text": "  "}]}))


def test_a_plan_or_a_parsed_scene_given_as_a_script_is_named_for_what_it_is() -> None:
    from motiondirector import plan_text

    plan = plan_text("ANA: Hello, Ben.\nBEN: Hi.")
    with pytest.raises(ScriptError, match=r"plan\.json is a motion plan .*not a script") as error:
        parse_script(plan.to_json(), format="json", file="plan.json")
    assert error.value.line == 1 and "render" in str(error.value)
    scene = parse_script("ANA: Hello, Ben.\nBEN: Hi.", format="text")
    with pytest.raises(ScriptError, match=r"is a parsed scene \(scene\.json.*not a script"):
        parse_script(scene.model_dump_json(), format="json", file="scene.json")
