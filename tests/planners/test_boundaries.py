"""Transcripts without punctuation: the boundary model, the tokens it gives, the plans it makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.errors import BackendUnavailableError
from motiondirector.plan.direction import Behaviour
from motiondirector.plan.scene import Word
from motiondirector.planners.boundaries import (
    MARKS,
    SENTENCE_ENDS,
    BoundaryModel,
    gap_features,
    inferred_marks,
    rate_buckets,
    shipped_model,
)
from motiondirector.planners.cues import punctuated_text, tokenize
from motiondirector.planners.rules import RulesPlanner
from tests.planners.conftest import KeywordEmotionModel, make_scene, timed


def marked(text: str) -> str:
    words = text.split()
    return " ".join(w + m for w, m in zip(words, shipped_model().marks(words), strict=True))


def test_the_shipped_model_gives_a_mark_after_every_word_and_ends_a_sentence() -> None:
    model = shipped_model()
    for text in ("ok great see you", "hi how are you doing today", "yes", "no i want a refund"):
        marks = model.marks(text.split())
        assert len(marks) == len(text.split())
        assert set(marks) <= set(MARKS)
        assert marks[-1] in SENTENCE_ENDS


def test_it_reads_where_sentences_end_and_which_ask() -> None:
    assert marked("ok great see you") == "ok, great. see you."
    assert marked("where are you going").endswith("going?")
    hello = marked("hi how are you doing today").split()
    assert hello[0][-1] in SENTENCE_ENDS and hello[-1] == "today?"
    assert marked("i know you did").endswith("did.")


def test_features_follow_the_sentence_and_clause_read_so_far() -> None:
    words = ["well", "how", "are", "you"]
    rates = rate_buckets(words, {})
    assert rates == [("u", "u")] * 4
    from_start = gap_features(words, 3, 0, 0, rates)
    after_well = gap_features(words, 3, 1, 1, rates)
    assert "S1R1=well_</s>" in from_start
    assert "S1R1=how_</s>" in after_well
    assert "S2R1=how_are_</s>" in after_well
    assert "N=2" in after_well and "LE=u" in after_well and "RS=end" in after_well
    known = rate_buckets(["see"], {"see": (0.61, 0.99)})
    assert known == [("3", "4")]


def test_a_bare_line_is_tokenized_with_the_inferred_marks() -> None:
    tokens = tokenize(timed("ok great see you", 0.0))
    assert all(t.marks_inferred for t in tokens)
    assert [t.clause_end for t in tokens] == [True, True, False, True]
    assert [t.sentence_start for t in tokens] == [True, False, True, False]
    assert punctuated_text(tokens) == "ok, great. see you."


def test_a_punctuated_line_is_read_as_written() -> None:
    for text in ("Ok great see you.", "ok, great see you", "ok great... see you"):
        tokens = tokenize(timed(text, 0.0))
        assert not any(t.marks_inferred for t in tokens)
        assert tokens == tokenize(timed(text, 0.0), infer_punctuation=False)


def test_lines_in_other_languages_and_asked_not_to_are_left_alone() -> None:
    assert inferred_marks(["hola", "como", "estas", "amigo", "mio"]) is None
    unspoken = inferred_marks(["", "ok", "great"])
    assert unspoken is not None and unspoken[:2] == ("", ",") and unspoken[2] in SENTENCE_ENDS
    tokens = tokenize(timed("ok great see you", 0.0), infer_punctuation=False)
    assert not any(t.marks_inferred for t in tokens)
    assert [t.clause_end for t in tokens] == [False, False, False, True]


def _speaker_behaviours(text: str, model: KeywordEmotionModel | None = None) -> list[Behaviour]:
    direction = RulesPlanner(model or KeywordEmotionModel()).plan(make_scene(("ANA", text)))
    return [b for b in direction.utterances[0].behaviours if b.character == "ANA"]


def test_a_bare_farewell_waves_and_points_at_no_one_and_says_why() -> None:
    behaviours = _speaker_behaviours("ok great see you")
    rules = {b.rule for b in behaviours}
    assert "rules.farewell" in rules
    assert "rules.deixis" not in rules
    wave = next(b for b in behaviours if b.rule == "rules.farewell" and b.lexeme == "wave")
    assert wave.reason == 'phrase "see you" (punctuation inferred)'
    written = _speaker_behaviours("Ok, great. See you.")
    assert "(punctuation inferred)" not in " ".join(b.reason for b in written)


def test_a_bare_question_raises_the_brows() -> None:
    behaviours = _speaker_behaviours("where are you going")
    question = [b for b in behaviours if b.rule == "rules.question"]
    assert {b.au for b in question if b.channel == "face"} == {1, 2}
    assert all(b.reason.endswith("(punctuation inferred)") for b in question)


def test_the_emotion_model_reads_the_line_with_its_inferred_marks() -> None:
    model = KeywordEmotionModel()
    direction = RulesPlanner(model).plan(make_scene(("ANA", "wow that is great")))
    read = model.calls[-1][-1]
    assert read != "wow that is great"
    assert read.replace(",", "").replace(".", "").replace("!", "").replace("?", "") == (
        "wow that is great"
    )
    assert direction.utterances[0].emotion_reason.endswith("(punctuation inferred)")
    heard = RulesPlanner(model).plan(make_scene(("ANA", "i am so angry right now")))
    assert heard.utterances[0].emotion_reason == (
        'words: "angry" (classifier: neutral 0.60) (punctuation inferred)'
    )
    stated = RulesPlanner(model).plan(make_scene(("ANA", "i am so angry i lost it")))
    assert stated.utterances[0].emotion_reason == (
        'words: "angry" stated (classifier: sadness 0.90) (punctuation inferred)'
    )
    written = RulesPlanner(model).plan(make_scene(("ANA", "Wow, that is great!")))
    assert model.calls[-1][-1] == "Wow, that is great!"
    assert "inferred" not in written.utterances[0].emotion_reason


def test_a_model_file_round_trips_and_bad_files_are_clear_errors(tmp_path: Path) -> None:
    model = shipped_model()
    path = tmp_path / "model.npz"
    np.savez(path, **model.to_arrays())  # type: ignore[arg-type]
    again = BoundaryModel.from_file(path)
    assert again.features == model.features and again.rates == model.rates
    assert again.marks(["ok", "great", "see", "you"]) == model.marks(["ok", "great", "see", "you"])
    with pytest.raises(BackendUnavailableError, match="no sentence boundary model"):
        BoundaryModel.from_file(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(BackendUnavailableError, match="cannot be read"):
        BoundaryModel.from_file(tmp_path / "bad.npz")


class _DialogueReader(KeywordEmotionModel):
    """Records the lines (speaker, text, beat) it is given to read in their conversation."""

    def __init__(self) -> None:
        super().__init__()
        self.dialogues: list[list[tuple[str, str, int]]] = []

    def predict_dialogue(self, lines: list[tuple[str, str, int]], *, start: int = 0) -> list[Any]:
        self.dialogues.append(list(lines))
        return self.predict([text for _, text, _ in lines[start:]])


def test_earlier_bare_turns_are_read_as_they_were_when_said() -> None:
    model = _DialogueReader()
    planner = RulesPlanner(model)
    first = planner.plan(make_scene(("ANA", "ok great see you")))
    assert first.utterances[0].emotion_reason.endswith("(punctuation inferred)")
    said = model.dialogues[-1][-1][1]
    planner.plan(
        make_scene(("BEN", "Bye, Ana.")),
        history=[("ANA", "ok great see you"), ("BEN", "Fine, thanks.")],
    )
    assert [text for _, text, _ in model.dialogues[-1]] == [said, "Fine, thanks.", "Bye, Ana."]


def test_only_turn_sized_lines_are_kept_in_the_cache() -> None:
    from motiondirector.planners import boundaries

    boundaries._cached_marks.cache_clear()
    short = ["ok", "great", "see", "you"]
    assert inferred_marks(short) == inferred_marks(short)
    assert boundaries._cached_marks.cache_info().currsize == 1
    long = ["ok", "great"] * 200
    marks = inferred_marks(long)
    assert marks is not None and len(marks) == len(long)
    assert boundaries._cached_marks.cache_info().currsize == 1


def test_a_turn_timed_bare_by_its_tts_reads_the_marks_of_its_text() -> None:
    from motiondirector.realize import Conversation, TurnInput

    words = [("where", 0.0, 0.3), ("are", 0.3, 0.5), ("you", 0.5, 0.7), ("going", 0.7, 1.1)]
    for text, inferred in (("Where are you going?", False), (None, True)):
        talk = Conversation(characters=["USER", "AVA"])
        plan = talk.take_turn(TurnInput("USER", text, words=words)).plan
        reasons = [
            e.source.reason
            for track in plan.characters
            for e in track.events
            if e.source.rule == "rules.question"
        ]
        assert reasons, text
        assert all(("(punctuation inferred)" in r) == inferred for r in reasons), text


def test_an_inferred_exclamation_moves_no_rule_on_its_own() -> None:
    bare = _speaker_behaviours("oh yes")
    assert "rules.triumph" not in {b.rule for b in bare}
    assert "rules.triumph" in {b.rule for b in _speaker_behaviours("Oh yes!")}
    tokens = tokenize(timed("oh yes", 0.0))
    assert tokens[-1].end_mark == "!" and not tokens[-1].exclaims
    direction = RulesPlanner(KeywordEmotionModel()).plan(make_scene(("ANA", "oh yes")))
    (line,) = direction.utterances
    assert line.intent != "exclaim"
    assert not [b for b in line.behaviours if b.reason.startswith("exclamation")]


def test_a_beat_on_an_inferred_phrase_end_says_so() -> None:
    text = "my brother ordered everything yesterday morning but nothing arrived"
    tokens = tokenize(timed(text, 0))
    inner_ends = {t.index for t in tokens[:-1] if t.clause_end}
    assert inner_ends  # the model ends a clause inside the line
    direction = RulesPlanner(KeywordEmotionModel()).plan(make_scene(("ANA", text)))
    beats = [b for b in direction.utterances[0].behaviours if b.rule == "rules.beat"]
    noted = {b.word for b in beats if b.reason.endswith("(punctuation inferred)")}
    assert noted and noted == {b.word for b in beats} & inner_ends


_FUZZ_WORDS = [
    "ok",
    "great",
    "see",
    "you",
    "Ben",
    "hola",
    "你好",
    "😀",
    "—",
    "...",
    "i'm",
    "?!",
    "",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FUZZ_WORDS) | st.text(min_size=1, max_size=6), max_size=30))
def test_any_line_is_tokenized_one_token_a_word_and_inferred_only_when_bare(
    texts: list[str],
) -> None:
    words = [Word(text=t, start=i * 0.1, end=i * 0.1 + 0.05) for i, t in enumerate(texts) if t]
    tokens = tokenize(words)
    assert len(tokens) == len(words)
    written = tokenize(words, infer_punctuation=False)
    if any(t.marks_inferred for t in tokens):
        assert not any(t.clause_end for t in written[:-1]) and not written[-1].end_mark
    else:
        assert tokens == written
    if tokens:
        assert tokens[-1].sentence_end
