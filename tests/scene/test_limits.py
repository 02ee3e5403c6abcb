"""Scene limits: every bound has an input just over it that is refused with the field and the
limit named, and an input at it that is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motiondirector.errors import MotionDirectorError, SceneLimitError
from motiondirector.scene import SceneLimits, parse_script


def _timed(*words: tuple[str, float, float]) -> str:
    turn = {
        "speaker": "ANA",
        "text": " ".join(w for w, _, _ in words),
        "words": [{"text": w, "start": s, "end": e} for w, s, e in words],
    }
    return json.dumps({"turns": [turn]}, indent=2)


def test_a_word_at_a_day_is_refused_before_any_work() -> None:
    with pytest.raises(SceneLimitError) as caught:
        parse_script(_timed(("late", 86_400.0, 86_400.5)), format="json")
    assert caught.value.field == "turns[0].words[0].end"
    assert caught.value.limit == "max_duration_s"
    assert caught.value.line == 7  # the line where the word starts


def test_a_word_time_near_the_float_limit_is_a_limit_error_not_an_overflow() -> None:
    with pytest.raises(SceneLimitError) as caught:
        parse_script(_timed(("far", 1e308, 1e308)), format="json")
    assert caught.value.limit == "max_duration_s"


def test_silence_between_words_is_bounded() -> None:
    limits = SceneLimits(max_gap_s=10.0)
    parse_script(_timed(("a", 0.0, 0.2), ("b", 10.2, 10.4)), format="json", limits=limits)
    with pytest.raises(SceneLimitError) as caught:
        parse_script(_timed(("a", 0.0, 0.2), ("b", 10.3, 10.5)), format="json", limits=limits)
    assert caught.value.field == "turns[0].words[1].start"
    assert caught.value.limit == "max_gap_s"


def test_silence_before_a_timed_turn_is_bounded() -> None:
    limits = SceneLimits(max_gap_s=5.0)
    document = {
        "turns": [
            {"speaker": "ANA", "text": "Hi."},
            {"speaker": "BEN", "text": "Yes.", "words": [{"text": "Yes.", "start": 60, "end": 61}]},
        ]
    }
    with pytest.raises(SceneLimitError) as caught:
        parse_script(json.dumps(document), format="json", limits=limits)
    assert caught.value.field == "turns[1].words[0].start"
    assert caught.value.limit == "max_gap_s"


def test_one_long_word_is_bounded() -> None:
    with pytest.raises(SceneLimitError) as caught:
        parse_script(_timed(("ooh", 0.0, 31.0)), format="json", limits=SceneLimits())
    assert caught.value.limit == "max_word_s"
    assert caught.value.field == "turns[0].words[0].end"


def test_scene_duration_is_bounded_for_estimated_times_too() -> None:
    script = "\n".join(f"ANA: Line number {i} is here." for i in range(20))
    parse_script(script, format="text", limits=SceneLimits(max_duration_s=60.0))
    with pytest.raises(SceneLimitError) as caught:
        parse_script(script, format="text", limits=SceneLimits(max_duration_s=20.0))
    assert caught.value.field == "duration"
    assert caught.value.limit == "max_duration_s"
    assert "plan the script in parts" in str(caught.value)


def test_characters_and_utterances_are_bounded() -> None:
    cast = "\n".join(f"C{i}: Hello there." for i in range(11))
    parse_script(cast, format="text", limits=SceneLimits(max_characters=11))
    with pytest.raises(SceneLimitError) as caught:
        parse_script(cast, format="text", limits=SceneLimits(max_characters=10))
    assert (caught.value.field, caught.value.limit) == ("characters", "max_characters")
    with pytest.raises(SceneLimitError) as caught:
        parse_script(cast, format="text", limits=SceneLimits(max_utterances=10))
    assert (caught.value.field, caught.value.limit) == ("turns", "max_utterances")
    assert caught.value.line == 11


def test_characters_times_duration_is_bounded() -> None:
    cast = "\n".join(f"C{i}: Hello there, how are you today?" for i in range(10))
    scene = parse_script(cast, format="text")
    product = len(scene.characters) * scene.duration
    parse_script(cast, format="text", limits=SceneLimits(max_character_seconds=product + 1))
    with pytest.raises(SceneLimitError) as caught:
        parse_script(cast, format="text", limits=SceneLimits(max_character_seconds=product - 1))
    assert caught.value.limit == "max_character_seconds"
    assert "plan the script in parts" in str(caught.value)


def test_a_feature_over_the_character_hours_reads_in_hours_with_what_to_do() -> None:
    # A 3 h 14 min screenplay of 36 characters was refused as "418986 character-seconds ...
    # over the limit of 360000": seconds no screenwriter counts in, and no way forward.
    cast = "\n".join(f"C{i}: Hello there, how are you today?" for i in range(36))
    scene = parse_script(cast, format="text")
    limit = 36 * scene.duration * 0.9
    with pytest.raises(SceneLimitError) as caught:
        parse_script(cast, format="text", limits=SceneLimits(max_character_seconds=limit))
    message = str(caught.value)
    hours = 36 * scene.duration / 3600
    assert f"36 characters over {round(scene.duration) // 60} min" in message
    assert f"is {hours:.1f} character-hours of motion" in message
    assert f"over the limit of {limit / 3600:g} character-hours" in message
    assert "; plan the script in parts (an act or a sequence of scenes per file)" in message


@pytest.mark.parametrize(
    ("seconds", "reads"),
    [(42.4, "42 s"), (342.0, "5 min 42 s"), (300.0, "5 min"), (11638.5, "3 h 14 min"),
     (7200.0, "2 h"), (5819.1, "1 h 37 min")],
)  # fmt: skip
def test_running_times_read_as_a_screenwriter_reads_them(seconds: float, reads: str) -> None:
    from motiondirector.scene.assemble import _clock

    assert _clock(seconds) == reads


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_limits_must_be_positive_numbers(bad: float) -> None:
    with pytest.raises(MotionDirectorError, match="max_gap_s"):
        SceneLimits(max_gap_s=bad)


def test_the_error_reads_as_a_script_error_with_file_and_line() -> None:
    with pytest.raises(SceneLimitError) as caught:
        parse_script(_timed(("a", 0.0, 40.0)), format="json", file="turns.json")
    assert str(caught.value).startswith("turns.json:7: turns[0].words[0].end: the word lasts 40 s")


def test_a_plan_file_is_held_to_the_limits_of_a_scene(tmp_path: Path) -> None:
    """A plan's duration edited to a million seconds is refused where plan files are read
    (`validate`, `render`, a `direct --out` folder), before a curve is sampled from it."""
    from motiondirector.export.scene_folder import SceneFolder
    from motiondirector.realize import plan_text
    from motiondirector.tools.rendering import read_plan_file

    plan = plan_text("ANA: Hello, Ben.\nBEN: Hi.", format="text")
    assert SceneLimits().check_plan(plan) is plan
    data = json.loads(plan.to_json())
    data["scene"]["duration"] = 1e6
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for read in (lambda: read_plan_file(path), SceneFolder(tmp_path).read_plan):
        with pytest.raises(SceneLimitError) as caught:
            read()
        assert (caught.value.field, caught.value.limit) == ("scene.duration", "max_duration_s")
        assert str(path) in str(caught.value)
    data["scene"]["duration"] = 3000.0  # two characters: 6000 character-seconds
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_plan_file(path).scene.duration == 3000.0
    moving = SceneLimits(max_character_seconds=5000.0)
    with pytest.raises(SceneLimitError, match="6000 character-seconds") as caught:
        moving.check_plan(read_plan_file(path))
    assert caught.value.limit == "max_character_seconds"
