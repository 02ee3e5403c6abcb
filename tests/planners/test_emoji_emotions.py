"""Emoji say how a line feels, in any language, where the classifier has nothing to say."""

from __future__ import annotations

import pytest

from motiondirector.plan.direction import Direction, UtteranceDirection
from motiondirector.planners.emoji import load_emoji_emotions, parse_emoji_table
from motiondirector.planners.hybrid import merge_line
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel

# Per emotion: an emoji, a line in English and one in another script.
CASES = [
    ("joy", "😂", "Ok", "वाह!"),
    ("sadness", "😭", "Fine", "はい"),
    ("anger", "😡", "Ok", "Ладно"),
    ("fear", "😱", "Look", "देखो"),
    ("surprise", "😲", "Really", "本当"),
    ("disgust", "🤮", "Dinner", "Ужин"),
    ("contempt", "🙄", "Sure", "ज़रूर"),
]


def plan_lines(*lines: str, model: object | None = None) -> list[UtteranceDirection]:
    scene = parse_script("".join(f"ANA: {line}\n" for line in lines), format="text")
    planner = RulesPlanner(KeywordEmotionModel() if model is None else model)  # type: ignore[arg-type]
    return list(planner.plan(scene).utterances)


@pytest.mark.parametrize(("emotion", "emoji", "english", "other"), CASES)
def test_a_line_with_an_emoji_gets_its_emotion_in_any_script(
    emotion: str, emoji: str, english: str, other: str
) -> None:
    for line in plan_lines(f"{english} {emoji}", f"{other} {emoji}"):
        assert (line.emotion, line.emotion_origin) == (emotion, "emoji")
        assert line.emotion_reason == f"emoji: {emoji} -> {emotion}"
        assert line.intensity > 0.3


def test_the_real_classifier_leaves_the_line_to_its_emoji_where_it_reads_nothing() -> None:
    # The packaged classifier reads "Ok" as neutral and cannot read Hindi or Japanese, whose
    # "okay" and "yes" are no emotion words either.
    lines = plan_lines("Ok 😡", "ठीक है 😂", "はい 😭", model=_real())
    assert [(u.emotion, u.emotion_origin) for u in lines] == [
        ("anger", "emoji"),
        ("joy", "emoji"),
        ("sadness", "emoji"),
    ]


def _real() -> object:
    from motiondirector.planners.emotion import get_emotion_classifier

    return get_emotion_classifier()


def test_skin_tones_variation_selectors_and_zwj_sequences_match() -> None:
    table = load_emoji_emotions()
    for text in ("Thanks 👍🏽", "Thanks 👍🏿", "Love it ❤️", "Love it ❤", "Love it ❤️\u200d🔥"):
        vote = table.vote(text)
        assert vote is not None and vote.emotion == "joy", text
    # A ZWJ sequence is its first emoji unless the table lists it whole; its tail never votes.
    joined = table.vote("😡\u200d💔")
    assert joined is not None and (joined.emotion, joined.votes) == ("anger", 1)
    exhale = table.vote("Ok 😮\u200d💨")
    assert exhale is not None and exhale.emotion == "neutral"
    surprised = table.vote("Ok 😮")
    assert surprised is not None and surprised.emotion == "surprise"
    assert table.vote("Ok") is None
    assert table.vote("क्\u200dष") is None  # a ZWJ between letters is no emoji


def test_the_most_frequent_emotion_wins_and_a_tie_goes_to_the_last_written() -> None:
    table = load_emoji_emotions()
    most = table.vote("😂 😢 😂")
    assert most is not None and (most.emotion, most.votes) == ("joy", 2)
    tie = table.vote("😂 then 😢")
    assert tie is not None and (tie.emotion, tie.emoji) == ("sadness", "😢")
    one, three = table.vote("😂"), table.vote("😂😂😂")
    assert one is not None and three is not None and three.intensity > one.intensity


def test_a_parenthetical_still_wins_over_emoji() -> None:
    scene = parse_script("ANA\n(angrily)\nOk 😂\n", format="fountain")
    (line,) = RulesPlanner(KeywordEmotionModel()).plan(scene).utterances
    assert (line.emotion, line.emotion_origin) == ("anger", "parenthetical")


def test_an_emotion_the_classifier_finds_beats_the_emoji() -> None:
    (line,) = plan_lines("I hate this 😂")
    assert (line.emotion, line.emotion_origin) == ("anger", "classifier")
    (neutral,) = plan_lines("I see 😂")
    assert (neutral.emotion, neutral.emotion_origin) == ("joy", "emoji")


def test_a_line_of_only_an_emoji_gets_its_emotion() -> None:
    # "😂" alone is one word, so it is no line without words: the classifier reads it, finds
    # no letters and says neutral, and the emoji give the face (a chat reply of one emoji).
    scene = parse_script("ANA: 😂\nBEN: 😭😭\n", format="text")
    assert [w.text for w in scene.utterances[0].words] == ["😂"]
    laugh, cry = RulesPlanner(_real()).plan(scene).utterances  # type: ignore[arg-type]
    assert (laugh.emotion, laugh.emotion_origin) == ("joy", "emoji")
    assert (cry.emotion, cry.emotion_origin) == ("sadness", "emoji")
    assert cry.intensity == 1.0


def test_lines_without_emoji_plan_as_before() -> None:
    model = KeywordEmotionModel()
    lines = plan_lines("Ok", "Ладно", "I love it", model=model)
    assert [(u.emotion, u.emotion_origin) for u in lines] == [
        ("neutral", "classifier"),
        ("neutral", "classifier"),
        ("joy", "classifier"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emoji": {"😂": {"emotion": "glee"}}}, "not an emotion of the vocabulary"),
        ({"emoji": {"😂": {"emotion": "joy", "intensity": 1.5}}}, "within 0..1"),
        ({"emoji": {"😂": {"emotion": "joy", "colour": "red"}}}, "expected"),
        ({"emoji": {"😂😢": {"emotion": "joy"}}}, "not one emoji"),
        ({"emoji": {"❤": {"emotion": "joy"}, "❤️": {"emotion": "joy"}}}, "listed twice"),
        ({"faces": {}}, "'emoji' mapping"),
    ],
)
def test_the_loader_refuses_a_bad_table(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_emoji_table(data)


def test_the_packaged_table_loads_and_covers_every_emotion() -> None:
    table = load_emoji_emotions()
    assert 60 <= len(table.entries) <= 100
    assert {e.emotion for e in table.entries.values()} >= {c[0] for c in CASES}


def test_a_direction_with_emoji_origin_round_trips_through_json_and_the_schema() -> None:
    (line,) = plan_lines("Ok 😡")
    direction = Direction(planner="rules", utterances=(line,))
    again = Direction.model_validate_json(direction.model_dump_json())
    assert again == direction and again.utterances[0].emotion_origin == "emoji"
    schema = UtteranceDirection.model_json_schema()
    assert "emoji" in schema["properties"]["emotion_origin"]["enum"]


def test_the_hybrid_planner_lets_the_model_read_a_line_with_emoji() -> None:
    # Emoji are words of the line, which the model reads itself (a sarcastic 🙂, 😂 at bad
    # news); only a parenthetical is direction it must keep.
    (ruled,) = plan_lines("Ok 😡")
    inferred = ruled.model_copy(
        update={"emotion": "joy", "emotion_origin": "llm", "emotion_reason": "llm"}
    )
    merged = merge_line(ruled, inferred)
    assert (merged.emotion, merged.emotion_origin) == ("joy", "llm")
