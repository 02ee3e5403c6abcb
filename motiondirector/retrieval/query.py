"""Scoring library clips for one plan event: semantic similarity + tag match + duration fit.

`ClipQuery` is what a plan event asks of the library (built with `ClipQuery.from_event`);
`search_clips` takes FAISS's nearest clips by meaning (more than asked for), scores each one
and returns the best `k` as `Candidate`s, with the parts of the score and a short reason.

    score = w.semantic * semantic + w.tag * tag + w.duration * duration_fit

- semantic: (1 - w.lexical) * cosine similarity of the query text and the clip's closest
  description + w.lexical * word overlap (the share of the query's content words, stemmed,
  found in the clip's best-matching description). Sentence embeddings blur
  near-opposites ("nods" / "shakes the head", "leans back" / "leans forward"); the words
  keep them apart, as in hybrid dense + lexical search;
- tag (0..1): the share of the asked-for tags the clip carries, weighted lexeme 0.55 (exact
  match of the plan's lexeme, so the right gesture wins over a merely similar text),
  emotion or style 0.20, hand 0.15 (half for a two-handed clip or an unknown hand), channel 0.10
  (the clip has some lexeme of the event's channel), amplitude 0.20 (a small or large movement
  asked for by the event's amplitude: "dances wildly"; half for a clip that does not say);
- duration_fit (0..1): exp(-|ln(clip / wanted)|) = min/max of the two durations, so a clip
  twice or half as long scores 0.5; 1 when no duration is asked.

A query that asks for behaviour (`ClipQuery.behaviour`, a `faces.profile.BehaviourTarget`:
from words with `ClipQuery.from_text`, or from a plan slot's face, head and gaze events with
`ClipQuery.from_face_events`) mixes in how well each clip's behaviour profile shows it:

    score = (1 - w.behaviour) * score + w.behaviour * behaviour_match

A clip without a profile (motion capture, captions only) scores 0 on that part. A query
without behaviour scores exactly as before.

Ties are broken by record id, so the order is deterministic. This module must not write the
library or embed anything itself; the library's cached `query_vector` does the embedding.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import snowballstemmer

from motiondirector.faces.profile import (
    BehaviourTarget,
    behaviour_match,
    target_from_events,
    target_from_text,
)
from motiondirector.plan.motion_plan import (
    EmotionLabel,
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    PostureEvent,
)
from motiondirector.plan.vocabulary import GESTURE_LEXEMES, HEAD_LEXEMES, POSTURE_LEXEMES
from motiondirector.retrieval.records import ClipRecord
from motiondirector.retrieval.sources import is_body_motion
from motiondirector.retrieval.store import MAX_CACHED_QUERY, ClipLibrary
from motiondirector.word_cache import word_cache

QueryChannel = Literal["gesture", "head", "posture"]
Amplitude = Literal["small", "large"]
# An event's amplitude (0..1, 0.5 plain) below this asks for a small clip, from the other a
# large one: "barely nods" (0.3), "dances wildly" (0.9); between, the clip's size is free.
SMALL_BELOW = 0.4
LARGE_FROM = 0.7
_CHANNEL_LEXEMES: dict[str, frozenset[str]] = {
    "gesture": frozenset(GESTURE_LEXEMES),
    "head": frozenset(HEAD_LEXEMES),
    "posture": frozenset(POSTURE_LEXEMES),
}
# Descriptions written by the realizer name the anchor word (` on “key”`); it says when, not
# how, and dropping it lets repeated movements share one cached query embedding.
_ANCHOR = re.compile(r"\s+on\s+“[^”]*”")
# Clips fetched by meaning before scoring: this many per result asked for, at least the minimum,
# so that a clip with the right tags but a weaker text match can still rise.
CANDIDATES_PER_RESULT = 5
MIN_CANDIDATES = 50


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the score's three parts, and of the tags inside the tag part."""

    semantic: float = 0.5
    lexical: float = 0.25  # share of the semantic part given to word overlap
    tag: float = 0.35
    duration: float = 0.15
    lexeme: float = 0.55
    style: float = 0.20
    hand: float = 0.15
    channel: float = 0.10
    amplitude: float = 0.20
    behaviour: float = 0.5  # share of the score given to the behaviour profile, when asked


@dataclass(frozen=True)
class ClipQuery:
    """What a plan event asks of the clip library.

    `text` is embedded; `lexeme`, `channel`, `emotion`, `style`, `hand` and `amplitude` are
    matched against the clip's tags; `duration` (seconds) is the wanted length. None means "not
    asked".
    """

    text: str
    lexeme: str | None = None
    channel: QueryChannel | None = None
    emotion: str | None = None
    style: str | None = None
    hand: str | None = None
    duration: float | None = None
    behaviour: BehaviourTarget | None = None
    amplitude: Amplitude | None = None
    body_motion: bool = False
    """Only clips that can move a body (BVH, built-in): a body slot cannot play a video's face
    segments, which a library built from BVH and videos together holds beside its motion."""

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a clip query needs some text to embed")
        if self.channel is not None and self.channel not in _CHANNEL_LEXEMES:
            raise ValueError(f"channel must be one of {sorted(_CHANNEL_LEXEMES)}")
        if self.duration is not None and not (self.duration > 0 and math.isfinite(self.duration)):
            raise ValueError(f"duration must be a positive number of seconds, got {self.duration}")

    @classmethod
    def from_event(
        cls,
        event: GestureEvent | HeadEvent | PostureEvent,
        *,
        emotion: str | EmotionLabel | None = None,
        style: str | None = None,
    ) -> ClipQuery:
        """The query for a gesture, head or posture event of a motion plan; `emotion` is the
        emotion of the utterance the event belongs to."""
        text = _ANCHOR.sub("", event.description).strip() or event.lexeme.replace("_", " ")
        label = emotion.label if isinstance(emotion, EmotionLabel) else emotion
        duration = event.end - event.start
        return cls(
            text=text,
            lexeme=event.lexeme,
            channel=event.channel,
            emotion=label,
            style=style,
            hand=event.hand if isinstance(event, GestureEvent) else None,
            duration=duration if duration > 0 else None,
            # A head movement's amplitude is on a scale of its own, and the head channel of
            # the plan carries it whatever clip plays.
            amplitude=None if isinstance(event, HeadEvent) else amplitude_asked(event.amplitude),
        )

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        behaviour: bool = True,
        lexeme: str | None = None,
        emotion: str | None = None,
        hand: str | None = None,
        duration: float | None = None,
    ) -> ClipQuery:
        """A query for `text`, asking for the behaviour its words name ("smiles broadly while
        nodding": AU12, a nod) when `behaviour` is true and the words name any."""
        target = target_from_text(text) if behaviour else None
        return cls(
            text=text,
            lexeme=lexeme,
            emotion=emotion,
            hand=hand,
            duration=duration,
            behaviour=target or None,
        )

    @classmethod
    def from_face_events(
        cls,
        events: Iterable[FaceEvent | HeadEvent | GazeEvent],
        *,
        emotion: str | EmotionLabel | None = None,
        speaking: bool | None = None,
    ) -> ClipQuery:
        """The query for one slot of a plan's face: its face, head and gaze events (their
        descriptions, without anchor words, are the text; their AUs, head lexemes and gaze
        the behaviour), the utterance's emotion and whether the character speaks."""
        chosen = tuple(events)
        label = emotion.label if isinstance(emotion, EmotionLabel) else emotion
        target = target_from_events(chosen, emotion=label, speaking=speaking)
        texts = dict.fromkeys(_ANCHOR.sub("", e.description).strip() for e in chosen)
        text = "; ".join(t for t in texts if t) or (f"a {label} face" if label else "a face")
        head = next((e for e in chosen if isinstance(e, HeadEvent)), None)
        span = (min(e.start for e in chosen), max(e.end for e in chosen)) if chosen else None
        return cls(
            text=text,
            lexeme=head.lexeme if head is not None else None,
            channel="head" if head is not None else None,
            emotion=label,
            duration=(span[1] - span[0]) if span and span[1] > span[0] else None,
            behaviour=target or None,
        )


@dataclass(frozen=True)
class Candidate:
    record: ClipRecord
    score: float
    semantic: float
    tag: float
    duration_fit: float
    rank: int
    reason: str = field(compare=False)
    lexical: float = 0.0
    behaviour: float = 0.0


_WORD = re.compile(r"[a-z]+")
_STOPWORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "with", "of", "to", "in", "on", "at", "by", "for", "from",
        "their", "his", "her", "its", "them", "it", "is", "are", "be", "as", "that", "this",
        "someone", "somebody", "person",
    }
)  # fmt: skip


# A Snowball stemmer keeps its work in the instance: one per thread.
_STEMMERS = threading.local()


# Snowball is pure Python (~0.1 ms a word) and a library's descriptions share most of their
# words, so each word is stemmed once. Words and query texts come from callers (a search
# tool, the library API), so both caches are bounded by the characters they hold and skip
# what is longer than any real word or description: a new long text each call would
# otherwise keep megabytes per call. A skipped text costs its stemming (well under its
# embedding) every time.
@word_cache(max_entries=131072, max_weight=2_000_000)
def _stems(word: str) -> tuple[str]:
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return (str(stemmer.stemWord(word)),)


def _stem(word: str) -> str:
    return _stems(word)[0]


@word_cache(max_word=MAX_CACHED_QUERY, max_entries=65536, max_weight=1_000_000)
def _content_words(text: str) -> tuple[frozenset[str]]:
    # The entry weighs its text's length: the stems it holds grow with it.
    return (frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS),)


def content_words(text: str) -> frozenset[str]:
    """Lower-case, stemmed (Snowball) words that carry meaning, stop words dropped."""
    return _content_words(text)[0]


@lru_cache(maxsize=65536)
def _description_words(descriptions: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    return tuple(content_words(text) for text in descriptions)


def prime_lexical(records: Iterable[ClipRecord]) -> None:
    """Stem every record's descriptions now (a server's warm-up), not on its first search."""
    for record in records:
        _description_words(record.descriptions)


def lexical_overlap(query_words: frozenset[str], record: ClipRecord) -> float:
    """The share of the query's content words found in the record's best description."""
    if not query_words:
        return 0.0
    best = max(len(query_words & words) for words in _description_words(record.descriptions))
    return best / len(query_words)


def duration_fit(clip: float, wanted: float | None) -> float:
    """exp(-|ln(clip / wanted)|): 1 for the same length, 0.5 for twice or half as long."""
    if wanted is None:
        return 1.0
    return min(clip, wanted) / max(clip, wanted)


def tag_match(record: ClipRecord, query: ClipQuery, weights: ScoreWeights) -> tuple[float, str]:
    """The share (0..1) of the query's asked-for tag weight that the record carries, and the
    matches in words."""
    tags = record.tags
    asked = 0.0
    got = 0.0
    said: list[str] = []
    if query.lexeme is not None:
        asked += weights.lexeme
        if query.lexeme in tags.lexemes:
            got += weights.lexeme
            said.append(f"lexeme {query.lexeme}")
    if query.emotion is not None or query.style is not None:
        asked += weights.style
        # A clip without an emotion tag is played neutrally.
        clip_emotion = tags.emotion or "neutral"
        if query.emotion is not None and query.emotion == clip_emotion:
            got += weights.style
            said.append(f"emotion {query.emotion}")
        elif query.style is not None and query.style.lower() in {
            t.lower() for t in (*tags.free, tags.style or "")
        }:
            got += weights.style
            said.append(f"style {query.style}")
    if query.hand is not None:
        asked += weights.hand
        if tags.hand == query.hand:
            got += weights.hand
            said.append(f"{query.hand} hand")
        elif tags.hand is None or "both" in (tags.hand, query.hand):
            got += weights.hand / 2
    if query.channel is not None:
        asked += weights.channel
        if _CHANNEL_LEXEMES[query.channel].intersection(tags.lexemes):
            got += weights.channel
    if query.amplitude is not None:
        asked += weights.amplitude
        sizes = _SIZES.intersection(tags.free)
        if query.amplitude in sizes:
            got += weights.amplitude
            said.append(f"{query.amplitude} amplitude")
        elif not sizes:
            got += weights.amplitude / 2
    return (got / asked if asked else 0.0), ", ".join(said)


_SIZES = frozenset({"small", "normal", "large"})  # a built-in clip's amplitude tag


def amplitude_asked(amplitude: float) -> Amplitude | None:
    """The clip size an event's amplitude asks for: small, large, or None (free)."""
    if amplitude < SMALL_BELOW:
        return "small"
    if amplitude >= LARGE_FROM:
        return "large"
    return None


def explain_score(
    candidate: Candidate, query: ClipQuery, weights: ScoreWeights | None = None
) -> str:
    """The score as the sum it is, each part with its weight, and the parts the query did not
    ask for said so (they still count: an unasked tag part is 0, an unasked length fits)."""
    weights = weights or ScoreWeights()
    semantic = (1 - weights.lexical) * candidate.semantic + weights.lexical * candidate.lexical
    asked_tags = any(
        value is not None
        for value in (
            query.lexeme,
            query.emotion,
            query.style,
            query.hand,
            query.channel,
            query.amplitude,
        )
    )
    tags = f"{weights.tag:.2f} × tags {candidate.tag:.2f}" + ("" if asked_tags else " (none asked)")
    length = f"{weights.duration:.2f} × length {candidate.duration_fit:.2f}"
    if query.duration is None:
        length += " (none asked)"
    text = f"{weights.semantic:.2f} × text {semantic:.2f} + {tags} + {length}"
    if query.behaviour:
        shown = f"{weights.behaviour:.2f} × behaviour {candidate.behaviour:.2f}"
        text = f"{1 - weights.behaviour:.2f} × ({text}) + {shown}"
    return f"{candidate.score:.3f} = {text}"


def search_clips(
    library: ClipLibrary,
    query: ClipQuery,
    k: int = 10,
    *,
    weights: ScoreWeights | None = None,
    sources: frozenset[str] | None = None,
) -> list[Candidate]:
    """The `k` best clips of `library` for `query`, best first, ties by record id; only clips
    of the source files in `sources` when given (a face library's performer).

    Answers are kept in a process-wide LRU keyed by the library version: a live server's body
    slots ask the same few dozen questions turn after turn. Answers to texts longer than
    `MAX_CACHED_QUERY` or for more than `MAX_CACHED_ANSWER` clips are not kept.
    """
    if k <= 0:
        return []
    weights = weights or ScoreWeights()
    if len(query.text) > MAX_CACHED_QUERY or k > MAX_CACHED_ANSWER:
        return _score(library, query, k, weights, sources)
    key = (
        str(library.path),
        library.version,
        library.embedder.model_id,
        query,
        k,
        weights,
        sources,
    )
    with _ANSWERS_LOCK:
        found = _ANSWERS.get(key)
        if found is not None:
            _ANSWERS.move_to_end(key)
            return list(found)
    candidates = _score(library, query, k, weights, sources)
    with _ANSWERS_LOCK:
        _ANSWERS[key] = tuple(candidates)
        if len(_ANSWERS) > ANSWER_CACHE_SIZE:
            _ANSWERS.popitem(last=False)
    return candidates


ANSWER_CACHE_SIZE = 4096
MAX_CACHED_ANSWER = 20
"""The most candidates an answer kept in the cache holds (`k`: plans ask for 10, the agent's
tool for at most 20); asking for more (a whole library ranked for an evaluation) is answered
every time, so that the cache's memory has a bound."""
_ANSWERS: OrderedDict[tuple[object, ...], tuple[Candidate, ...]] = OrderedDict()
_ANSWERS_LOCK = threading.Lock()


def _score(
    library: ClipLibrary,
    query: ClipQuery,
    k: int,
    weights: ScoreWeights,
    sources: frozenset[str] | None = None,
) -> list[Candidate]:
    pool = max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * k)
    if sources is not None:
        # As many of the sources' clips in the pool as there would be of the whole library's.
        within = sum(record.source.file in sources for record in library.records)
        pool = math.ceil(pool * len(library.records) / max(within, 1))
    hits = library.search_vector(library.query_vector(query.text), pool)
    words = content_words(query.text)
    scored = []
    for hit in hits:
        if query.body_motion and not is_body_motion(hit.record.source.file):
            continue
        if sources is not None and hit.record.source.file not in sources:
            continue
        tag, matched = tag_match(hit.record, query, weights)
        fit = duration_fit(hit.record.duration, query.duration)
        lexical = lexical_overlap(words, hit.record)
        semantic = (1 - weights.lexical) * hit.similarity + weights.lexical * lexical
        score = weights.semantic * semantic + weights.tag * tag + weights.duration * fit
        shown = 0.0
        if query.behaviour:
            shown = behaviour_match(hit.record.profile, query.behaviour)
            score = (1 - weights.behaviour) * score + weights.behaviour * shown
        scored.append((score, hit.record.id, hit, tag, fit, matched, lexical, shown))
    scored.sort(key=lambda item: (-item[0], item[1]))
    candidates = []
    for rank, (score, _, hit, tag, fit, matched, lexical, shown) in enumerate(scored[:k], 1):
        parts = [f"meaning {hit.similarity:.2f}", f"words {lexical:.2f}"]
        if query.behaviour:
            parts.append(f"behaviour {shown:.2f} ({', '.join(query.behaviour.parts)})")
        if matched:
            parts.append(matched)
        if query.duration is not None:
            parts.append(f"{hit.record.duration:.1f}s for {query.duration:.1f}s")
        candidates.append(
            Candidate(
                record=hit.record,
                score=score,
                semantic=hit.similarity,
                tag=tag,
                duration_fit=fit,
                rank=rank,
                reason="; ".join(parts),
                lexical=lexical,
                behaviour=shown,
            )
        )
    return candidates
