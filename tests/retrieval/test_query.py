"""search_clips: semantic similarity, tag match and duration fit rank clips as designed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from motiondirector.embedding import SentenceEmbedder
from motiondirector.plan.motion_plan import (
    EmotionLabel,
    GestureEvent,
    HeadEvent,
    PostureEvent,
    Source,
    SyncPoints,
)
from motiondirector.retrieval import (
    ClipLibrary,
    ClipQuery,
    ScoreWeights,
    duration_fit,
    search_clips,
    tag_match,
)
from motiondirector.retrieval.query import explain_score

from .conftest import CLIP_RECORDS, make_record

SOURCE = Source(planner="rules", rule="test", reason="test")


def sync(start: float, end: float) -> SyncPoints:
    middle = (start + end) / 2
    return SyncPoints(start=start, ready=middle, stroke=middle, relax=middle, end=end)


def ids(candidates: list) -> list[str]:  # type: ignore[type-arg]
    return [c.record.id for c in candidates]


def test_duration_fit_is_the_ratio_of_the_shorter_to_the_longer() -> None:
    assert duration_fit(2.0, 2.0) == 1.0
    assert duration_fit(1.0, 2.0) == duration_fit(4.0, 2.0) == 0.5
    assert duration_fit(3.0, None) == 1.0


def test_query_from_a_gesture_event_takes_lexeme_hand_duration_and_emotion() -> None:
    event = GestureEvent(
        id="g1", start=1.0, end=2.5, source=SOURCE, lexeme="wave", hand="left", sync=sync(1, 2.5),
        description="wave at BEN with the left hand (greeting), stroke on “bye”",
    )  # fmt: skip
    query = ClipQuery.from_event(event, emotion=EmotionLabel(label="joy", intensity=0.7))
    assert query == ClipQuery(
        text="wave at BEN with the left hand (greeting), stroke",
        lexeme="wave", channel="gesture", emotion="joy", hand="left", duration=1.5,
    )  # fmt: skip
    head = HeadEvent(
        id="h1", start=0.0, end=0.6, source=SOURCE, lexeme="nod", sync=sync(0, 0.6),
        description="nods once on “yes”",
    )  # fmt: skip
    assert ClipQuery.from_event(head).text == "nods once"
    assert ClipQuery.from_event(head).hand is None
    sit = PostureEvent(id="p1", start=0, end=2, source=SOURCE, lexeme="sit", description="")
    assert ClipQuery.from_event(sit, emotion="sadness").text == "sit"


def test_event_queries_find_their_lexeme_first(built_library: ClipLibrary) -> None:
    head = HeadEvent(
        id="h1", start=0.0, end=0.6, source=SOURCE, lexeme="nod", sync=sync(0, 0.6),
        description="nods once on “yes”",
    )  # fmt: skip
    assert ids(search_clips(built_library, ClipQuery.from_event(head), k=1)) == ["nod_01"]
    sit = PostureEvent(
        id="p1", start=0, end=2.5, source=SOURCE, lexeme="sit", description="sits down"
    )
    best = search_clips(built_library, ClipQuery.from_event(sit, emotion="sadness"), k=2)
    assert ids(best) == ["sit_slump_02", "sit_01"]
    assert "emotion sadness" in best[0].reason and "lexeme sit" in best[0].reason


def test_lexeme_match_lifts_the_named_gesture_over_a_closer_text(
    built_library: ClipLibrary,
) -> None:
    text = "raises the right hand towards someone"
    plain = search_clips(built_library, ClipQuery(text), k=30)
    tagged = search_clips(built_library, ClipQuery(text, lexeme="salute", channel="gesture"), k=30)
    plain_rank = ids(plain).index("salute_01")
    assert plain_rank > 0
    assert ids(tagged)[0] == "salute_01"
    assert tagged[0].tag == 1.0 and "lexeme salute" in tagged[0].reason


def test_hand_and_emotion_tags_reorder_clips_of_the_same_lexeme(
    built_library: ClipLibrary,
) -> None:
    left = search_clips(built_library, ClipQuery("waves", lexeme="wave", hand="left"), k=4)
    right = search_clips(built_library, ClipQuery("waves", lexeme="wave", hand="right"), k=4)
    assert ids(left)[0] == "wave_left_02"
    assert ids(right)[0] != "wave_left_02"
    plain = search_clips(built_library, ClipQuery("points", lexeme="point"), k=4)
    angry = search_clips(built_library, ClipQuery("points", lexeme="point", emotion="anger"), k=4)

    def score(found: list, clip: str) -> float:  # type: ignore[type-arg]
        return float(next(c.score for c in found if c.record.id == clip))

    # Asking for anger keeps the angry clip's score and lowers the neutral ones.
    assert score(angry, "point_angry_03") == pytest.approx(score(plain, "point_angry_03"))
    assert score(angry, "point_left_02") < score(plain, "point_left_02")
    assert next(c for c in angry if c.record.id == "point_angry_03").tag == 1.0


def test_an_events_amplitude_asks_for_a_small_or_large_clip() -> None:
    def wave(amplitude: float) -> ClipQuery:
        event = GestureEvent(
            id="g1", start=0, end=1, source=SOURCE, lexeme="wave", hand="right", sync=sync(0, 1),
            description="waves", amplitude=amplitude,
        )  # fmt: skip
        return ClipQuery.from_event(event)

    assert [wave(a).amplitude for a in (0.3, 0.5, 0.69, 0.7, 0.9)] == [
        "small", None, None, "large", "large"
    ]  # fmt: skip
    dance = PostureEvent(
        id="p1", start=0, end=3, source=SOURCE, lexeme="dance", description="", amplitude=0.9
    )
    assert ClipQuery.from_event(dance).amplitude == "large"
    nod = HeadEvent(
        id="h1", start=0, end=1, source=SOURCE, lexeme="nod", sync=sync(0, 1), description="nods",
        amplitude=0.9,
    )  # fmt: skip
    assert ClipQuery.from_event(nod).amplitude is None  # the plan's head channel moves the head

    weights = ScoreWeights()
    query = ClipQuery("dances", lexeme="dance", amplitude="large")
    large, small, told_none = (
        make_record("d", ("dances",), ("dance",)).model_copy(
            update={"tags": make_record("d", ("dances",), ("dance",)).tags.model_copy(
                update={"free": free}
            )}
        )
        for free in (("posture", "large", "normal"), ("posture", "small", "normal"), ())
    )  # fmt: skip
    scores = [tag_match(record, query, weights) for record in (large, small, told_none)]
    assert scores[0] == (1.0, "lexeme dance, large amplitude")
    assert scores[1][0] < scores[2][0] < scores[0][0]
    # A clip that says no size (motion capture) loses half the amplitude's weight, no more.
    asked = weights.lexeme + weights.amplitude
    assert scores[2][0] == pytest.approx((weights.lexeme + weights.amplitude / 2) / asked)


def test_explain_score_writes_the_sum_that_gives_the_score(built_library: ClipLibrary) -> None:
    plain_query = ClipQuery("waves")
    plain = search_clips(built_library, plain_query, k=1)[0]
    said = explain_score(plain, plain_query)
    assert said.startswith(f"{plain.score:.3f} = 0.50 × text ")
    assert "0.35 × tags 0.00 (none asked)" in said and "0.15 × length 1.00 (none asked)" in said
    asked_query = ClipQuery("waves", lexeme="wave", duration=0.8)
    asked = search_clips(built_library, asked_query, k=1)[0]
    said = explain_score(asked, asked_query)
    assert "none asked" not in said
    # The numbers written out add up to the score.
    numbers = [float(n) for n in re.findall(r"\d+\.\d+", said.split("=", 1)[1])]
    weights_and_parts = list(zip(numbers[::2], numbers[1::2], strict=True))
    assert sum(w * v for w, v in weights_and_parts) == pytest.approx(asked.score, abs=0.01)


def test_duration_fit_picks_the_clip_of_the_wanted_length(built_library: ClipLibrary) -> None:
    short = search_clips(built_library, ClipQuery("waves", lexeme="wave", duration=0.8), k=4)
    long = search_clips(built_library, ClipQuery("waves", lexeme="wave", duration=2.4), k=4)
    assert ids(short).index("wave_small_04") < ids(long).index("wave_small_04")
    assert ids(long).index("wave_both_03") < ids(short).index("wave_both_03")
    small = next(c for c in short if c.record.id == "wave_small_04")
    assert small.duration_fit == 1.0 and "0.8s for 0.8s" in small.reason
    # With the duration weighed at nothing the wanted length changes nothing.
    no_duration = ScoreWeights(duration=0.0)
    assert ids(
        search_clips(
            built_library, ClipQuery("waves", lexeme="wave", duration=0.8), 4, weights=no_duration
        )
    ) == ids(
        search_clips(
            built_library, ClipQuery("waves", lexeme="wave", duration=2.4), 4, weights=no_duration
        )
    )


def test_scores_combine_the_parts_with_the_weights_and_ranks_are_ordered(
    built_library: ClipLibrary,
) -> None:
    weights = ScoreWeights()
    query = ClipQuery("sits down", lexeme="sit", channel="posture", duration=2.0)
    found = search_clips(built_library, query, k=10, weights=weights)
    assert [c.rank for c in found] == list(range(1, 11))
    for candidate in found:
        meaning = (1 - weights.lexical) * candidate.semantic + weights.lexical * candidate.lexical
        expected = (
            weights.semantic * meaning
            + weights.tag * candidate.tag
            + weights.duration * candidate.duration_fit
        )
        assert candidate.score == pytest.approx(expected)
        tag, _ = tag_match(candidate.record, query, weights)
        assert candidate.tag == tag
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert found == search_clips(built_library, query, k=10, weights=weights)


def test_equal_scores_are_ordered_by_clip_id(built_library: ClipLibrary) -> None:
    # Zero weights make every score equal: the order is then the ids' order.
    flat = ScoreWeights(semantic=0.0, tag=0.0, duration=0.0)
    found = search_clips(built_library, ClipQuery("anything at all"), k=30, weights=flat)
    assert ids(found) == sorted(r.id for r in CLIP_RECORDS)


def test_invalid_queries_are_refused() -> None:
    with pytest.raises(ValueError, match="text"):
        ClipQuery("  ")
    with pytest.raises(ValueError, match="duration"):
        ClipQuery("waves", duration=0.0)
    with pytest.raises(ValueError, match="channel"):
        ClipQuery("waves", channel="face")  # type: ignore[arg-type]


def test_prime_lexical_stems_each_records_descriptions_before_any_search() -> None:
    from motiondirector.retrieval.query import (
        _description_words,
        content_words,
        lexical_overlap,
        prime_lexical,
    )

    _description_words.cache_clear()
    prime_lexical(CLIP_RECORDS)
    assert _description_words.cache_info().currsize == len({r.descriptions for r in CLIP_RECORDS})
    record = CLIP_RECORDS[0]
    query = content_words(record.descriptions[0])
    hits = _description_words.cache_info().hits
    assert lexical_overlap(query, record) == 1.0
    assert _description_words.cache_info().hits == hits + 1  # served from the primed stems


def test_answers_are_remembered_per_library_version(
    library_path: Path, embedder: SentenceEmbedder
) -> None:
    library = ClipLibrary.open(library_path, embedder=embedder)
    query = ClipQuery(text="juggles three oranges", duration=1.0)
    first = search_clips(library, query, k=3)

    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("a remembered answer must not search again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(library, "search_vector", no_search)
        assert search_clips(library, query, k=3) == first

    # A new version of the library is asked afresh.
    library.add([make_record("juggle_01", ("someone juggles three oranges",), duration=1.0)])
    assert ids(search_clips(library, query, k=3))[0] == "juggle_01"


def _long_text(words: int, seed: int) -> str:
    """A text of real words, different for each seed."""
    vocabulary = ("waves", "nods", "slowly", "shrugs", "points", "smiles", "leans", "forward")
    return " ".join(
        vocabulary[(seed * 7 + i * (seed % 5 + 1)) % len(vocabulary)] + str(i % 3)
        for i in range(words)
    )


def test_texts_and_words_longer_than_any_real_one_are_not_kept() -> None:
    from motiondirector.retrieval.query import _content_words, _stems, content_words
    from motiondirector.retrieval.store import MAX_CACHED_QUERY
    from motiondirector.word_cache import MAX_CACHED_WORD

    text = "waves " * (MAX_CACHED_QUERY // 6 + 1)
    entries = _content_words.cache_info().entries
    assert content_words(text) == frozenset({"wave"})  # worked out all the same
    assert _content_words.cache_info().entries == entries
    word = "x" * (MAX_CACHED_WORD + 1)
    content_words("waves")
    stems = _stems.cache_info().entries
    assert content_words(f"waves {word}") == frozenset({"wave", word})
    assert _stems.cache_info().entries == stems


def test_the_words_of_many_new_texts_are_bounded_by_the_characters_they_hold() -> None:
    from motiondirector.retrieval.query import _content_words, content_words

    _content_words.cache_clear()
    total = 0
    for seed in range(_content_words.max_weight // 1500 + 50):
        text = _long_text(200, seed) + f" take{seed}"
        total += len(text)
        content_words(text)
    assert total > _content_words.max_weight
    assert _content_words.cache_info().weight <= _content_words.max_weight


def test_long_texts_and_large_answers_are_searched_but_not_kept(
    built_library: ClipLibrary,
) -> None:
    from motiondirector.retrieval.query import _ANSWERS, MAX_CACHED_ANSWER
    from motiondirector.retrieval.store import MAX_CACHED_QUERY, QUERY_CACHE

    long_query = ClipQuery(text="waves goodbye " + "very " * (MAX_CACHED_QUERY // 5))
    answers, vectors = len(_ANSWERS), len(QUERY_CACHE)
    found = search_clips(built_library, long_query, k=3)
    assert ids(found)[0].startswith("wave_")
    assert search_clips(built_library, long_query, k=3) == found
    assert (len(_ANSWERS), len(QUERY_CACHE)) == (answers, vectors)
    everything = search_clips(built_library, ClipQuery(text="waves goodbye"), MAX_CACHED_ANSWER + 1)
    assert len(everything) == MAX_CACHED_ANSWER + 1
    assert len(_ANSWERS) == answers
    assert search_clips(built_library, ClipQuery(text="waves goodbye"), k=3) == everything[:3]
    assert len(_ANSWERS) == answers + 1
