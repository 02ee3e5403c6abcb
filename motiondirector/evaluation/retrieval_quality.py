"""Retrieval quality on real and built-in clips: does a plain-language query find the right clip?

- `evaluate_bandai`: natural-language queries over a library of the Bandai Namco Research Motion
  Dataset 1, each with the dataset contents (and, where the query names a manner, styles) that
  answer it. Reports top-1 and recall@5 for content and for style, the mean reciprocal rank and
  the median rank of the first clip that answers the query in full, and a row per query.
- `evaluate_builtin_paraphrases`: for every clip of the built-in gesture library, a paraphrase
  of what the clip shows, worded independently of the descriptions the library embeds, is
  searched for; the share whose top-1 clip has the clip's own lexeme.

Queries carry only text (no lexeme tag), so these figures measure retrieval by meaning.
`builtin_paraphrase_report(..., with_tags=True)` adds the hand and emotion a plan event would
carry. This module reads a library and scores it; it does not build or change one.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from motiondirector.errors import QuerySetError
from motiondirector.retrieval.query import ClipQuery, search_clips
from motiondirector.retrieval.records import ClipRecord
from motiondirector.retrieval.store import ClipLibrary
from motiondirector.yaml_data import load_yaml

Wording = Literal["named", "described"]
RECALL_AT = 5
_BANDAI_STEM = re.compile(r"^dataset-1_(?P<content>[a-z-]+)_(?P<style>[a-z-]+)_\d+$")


@dataclass(frozen=True)
class BandaiQuery:
    """A query and the dataset labels that answer it; `style` empty when it names no manner."""

    text: str
    content: tuple[str, ...]
    style: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryOutcome:
    """One query's result. Ranks are 1-based over the whole library, None when nothing in it
    answers; `rank` needs content and (when the query names one) style together."""

    query: BandaiQuery
    top_id: str
    top_content: str | None
    top_style: str | None
    content_rank: int | None
    style_rank: int | None
    rank: int | None


@dataclass(frozen=True)
class RetrievalReport:
    """Shares of queries (0..1). Content figures are over every query, style figures over the
    queries that name a style (a clip of that style, whatever its content); `top1_both` and
    `r5_both` need content and style in the same clip. `mrr` and `median_rank` use `rank`."""

    queries: int
    styled_queries: int
    top1_content: float
    r5_content: float
    top1_style: float
    r5_style: float
    top1_both: float
    r5_both: float
    mrr: float
    median_rank: float
    per_query: tuple[QueryOutcome, ...]


@dataclass(frozen=True)
class ParaphraseMiss:
    clip_id: str
    paraphrase: str
    top_id: str


@dataclass(frozen=True)
class ParaphraseReport:
    """`share`: clips whose own lexeme is top-1 for their paraphrase; `exact_share`: clips
    that are themselves top-1 (same lexeme, hand, amplitude, tempo and style)."""

    clips: int
    share: float
    exact_share: float
    with_tags: bool
    wording: Wording
    misses: tuple[ParaphraseMiss, ...]


def load_queries(path: str | Path) -> tuple[BandaiQuery, ...]:
    """The queries of a YAML file: `queries:` a list of {text, content: [..], style: [..]}."""
    try:
        data = load_yaml(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise QuerySetError(f"{path}: cannot read the query set: {error}") from error
    items = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise QuerySetError(f"{path}: needs a non-empty `queries` list")
    queries = []
    for number, item in enumerate(items, start=1):
        try:
            text, content = item["text"], item["content"]
            style = item.get("style") or []
            if not (isinstance(text, str) and text.strip()):
                raise TypeError("`text` must be a non-empty string")
            if not all(isinstance(label, str) for label in [*content, *style]) or not content:
                raise TypeError("`content` and `style` must be lists of label names")
        except (KeyError, TypeError, AttributeError) as error:
            raise QuerySetError(f"{path}: query {number}: {error}") from error
        queries.append(BandaiQuery(text.strip(), tuple(content), tuple(style)))
    return tuple(queries)


def bandai_labels(record: ClipRecord) -> tuple[str | None, str | None]:
    """The dataset content and style of a Bandai clip: from its file name, else its tags."""
    match = _BANDAI_STEM.match(Path(record.source.file).stem)
    if match is not None:
        return match["content"], match["style"]
    content = record.tags.free[0] if record.tags.free else None
    return content, record.tags.style


def _first_rank(flags: Sequence[bool]) -> int | None:
    return next((rank for rank, ok in enumerate(flags, start=1) if ok), None)


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


def evaluate_bandai(library: ClipLibrary, queries: Sequence[BandaiQuery]) -> RetrievalReport:
    """Search `library` (Bandai clips) with each query's text alone and score the rankings."""
    if not queries:
        raise QuerySetError("no queries to evaluate")
    outcomes = []
    for query in queries:
        ranked = search_clips(library, ClipQuery(text=query.text), k=len(library))
        labels = [bandai_labels(candidate.record) for candidate in ranked]
        content_ok = [content in query.content for content, _ in labels]
        style_ok = [not query.style or style in query.style for _, style in labels]
        both = [c and s for c, s in zip(content_ok, style_ok, strict=True)]
        outcomes.append(
            QueryOutcome(
                query=query,
                top_id=ranked[0].record.id,
                top_content=labels[0][0],
                top_style=labels[0][1],
                content_rank=_first_rank(content_ok),
                style_rank=_first_rank(style_ok) if query.style else None,
                rank=_first_rank(both),
            )
        )

    def within(rank: int | None, k: int) -> bool:
        return rank is not None and rank <= k

    styled = [o for o in outcomes if o.query.style]
    ranks = [o.rank for o in outcomes if o.rank is not None]
    return RetrievalReport(
        queries=len(outcomes),
        styled_queries=len(styled),
        top1_content=_share([within(o.content_rank, 1) for o in outcomes]),
        r5_content=_share([within(o.content_rank, RECALL_AT) for o in outcomes]),
        top1_style=_share([within(o.style_rank, 1) for o in styled]),
        r5_style=_share([within(o.style_rank, RECALL_AT) for o in styled]),
        top1_both=_share([within(o.rank, 1) for o in styled]),
        r5_both=_share([within(o.rank, RECALL_AT) for o in styled]),
        mrr=sum(1 / o.rank for o in outcomes if o.rank is not None) / len(outcomes),
        median_rank=float(statistics.median(ranks)) if ranks else float("nan"),
        per_query=tuple(outcomes),
    )


# -- built-in paraphrases -----------------------------------------------------------------
# Two wordings per lexeme, neither taken from the library's verbs, nouns or sentence shapes.
# "named": how people say it, naming the movement by its everyday name ("takes a bow"), as a
# paraphrase of a description does. "described": the movement told without its name ("bends
# forward from the hips to greet someone"), a harder test of retrieval by meaning.
_NAMED: dict[str, str] = {
    "beat": "does a beat gesture, the hand bouncing to the rhythm of speech",
    "point": "points straight ahead with a finger",
    "self_point": "points to themselves",
    "wave": "does a wave",
    "thumbs_up": "does a thumbs-up",
    "facepalm": "does a facepalm, hand to the forehead",
    "cross_arms": "folds their arms across the chest",
    "hands_on_hips": "stands with hands on the hips",
    "head_scratch": "scratches their head",
    "chin_stroke": "strokes their chin, thinking",
    "count": "counts on their fingers",
    "stop": "signals stop with a raised palm",
    "raise_hand": "puts a hand up to volunteer",
    "beckon": "beckons someone over",
    "fist_pump": "does a victorious fist pump",
    "fist_shake": "shakes their fist",
    "punch": "lands a punch",
    "cover_mouth": "covers their mouth with a hand",
    "hand_on_heart": "puts a hand on their heart",
    "shush": "goes shh with a finger on the lips",
    "salute": "gives a salute",
    "handshake": "reaches out for a handshake",
    "dismiss": "waves something off dismissively",
    "take": "grabs an object and picks it up",
    "give": "hands an object over to someone",
    "put_down": "puts an object down on the table",
    "drink": "takes a sip from a cup",
    "read": "reads a book held in both hands",
    "write": "writes notes with a pen",
    "open": "opens a door by the handle",
    "open_palms": "shows open palms, both hands up",
    "shrug": "shrugs",
    "clap": "claps their hands",
    "cover_face": "covers their face with the hands",
    "rub_hands": "rubs their hands together",
    "hug": "opens their arms to hug someone",
    "bow": "takes a bow",
    "breathe": "breathes in deeply and lets it out",
    "nod": "nods their head",
    "shake": "shakes their head no",
    "tilt": "tilts their head",
    "toss": "tosses their head back",
    "lower": "hangs their head down",
    "turn_away": "turns their head away",
    "stand": "stands up straight",
    "sit": "sits down",
    "walk": "walks ahead",
    "run": "runs ahead",
    "turn": "turns around",
    "lean_forward": "leans in forward",
    "lean_back": "leans backwards",
    "kneel": "kneels on one knee",
    "jump": "does a jump",
    "fall": "falls down to the ground",
    "lie": "takes a lie-down on the floor",
    "kick": "gives a kick",
    "dance": "does a little dance",
    "idle": "stands still, idling and breathing",
}
_DESCRIBED: dict[str, str] = {
    "beat": "marks the rhythm of their speech with short downward strokes of the hand",
    "point": "stretches out an index finger to indicate something ahead",
    "self_point": "taps their own chest with a finger, meaning me",
    "wave": "lifts a hand and moves it side to side in greeting",
    "thumbs_up": "shows approval with a raised thumb",
    "facepalm": "slaps a palm against the forehead in disbelief",
    "cross_arms": "folds the arms across the body",
    "hands_on_hips": "rests the fists on the waist, elbows out",
    "head_scratch": "rubs the top of the head, puzzled",
    "chin_stroke": "rubs the jaw thoughtfully",
    "count": "ticks off items one by one on the fingers",
    "stop": "raises a flat palm towards someone, signalling halt",
    "raise_hand": "lifts one arm straight up over the head, like a pupil with a question",
    "beckon": "motions someone to come closer",
    "fist_pump": "punches the air in triumph",
    "fist_shake": "brandishes a clenched fist threateningly",
    "punch": "strikes out with a closed fist",
    "cover_mouth": "puts a hand over the lips",
    "hand_on_heart": "presses a palm to the chest over the heart",
    "shush": "raises a finger to the lips asking for silence",
    "salute": "raises a hand to the forehead like a soldier",
    "handshake": "holds out a hand for someone to grasp in greeting",
    "dismiss": "brushes the matter aside with a flick of the wrist",
    "take": "stretches an arm out, grasps something and draws it in",
    "give": "extends an arm to pass a thing into another person's hands",
    "put_down": "lowers a held thing onto the surface in front",
    "drink": "raises a glass to the lips, head tipped back",
    "read": "looks down at pages held up before the chest",
    "write": "scribbles on paper at the desk, head bent",
    "open": "grips a handle, twists it and pulls it towards the body",
    "open_palms": "turns both hands upward in an open way",
    "shrug": "lifts the shoulders with upturned hands, as if to say who knows",
    "clap": "applauds, bringing the palms together",
    "cover_face": "hides the face behind the palms",
    "rub_hands": "rubs the palms against each other",
    "hug": "spreads the arms wide to embrace someone",
    "bow": "bends forward from the hips to greet someone respectfully",
    "breathe": "fills the lungs so the shoulders lift, then slowly lets the air go",
    "nod": "moves the head up and down, agreeing",
    "shake": "turns the head from side to side, meaning no",
    "tilt": "cocks the head sideways",
    "toss": "flicks the head backwards",
    "lower": "drops the chin and looks at the floor",
    "turn_away": "looks off to the side, averting the face",
    "stand": "holds an erect standing posture",
    "sit": "takes a seat",
    "walk": "strolls ahead at a steady pace",
    "run": "sprints ahead",
    "turn": "rotates the body to face the other way",
    "lean_forward": "bends the upper body towards the listener",
    "lean_back": "reclines the upper body away from the listener",
    "kneel": "goes down on one knee",
    "jump": "leaps into the air",
    "fall": "collapses onto the floor",
    "lie": "stretches out flat on the back",
    "kick": "swings a foot up at something in front",
    "dance": "moves to music, swaying and stepping",
    "idle": "waits in place, breathing quietly",
}
_WORDINGS: dict[str, dict[str, str]] = {"named": _NAMED, "described": _DESCRIBED}
_AMPLITUDE_WORDS = {"small": "small", "normal": "", "large": "big"}
_TEMPO_WORDS = {"slow": "unhurried", "normal": "", "fast": "rapid"}
_HAND_WORDS = {"right": "using the right hand", "left": "using the left hand"}
_STYLE_WORDS = {
    "neutral": "",
    "happy": "looking happy",
    "sad": "looking sad",
    "angry": "looking angry",
    "nervous": "looking anxious",
}


def paraphrase(
    lexeme: str,
    hand: str | None,
    amplitude: str,
    tempo: str,
    style: str,
    *,
    wording: Wording = "named",
) -> str:
    """A sentence for a built-in clip, e.g. "someone does a wave with a big, rapid movement,
    using the right hand, looking happy"."""
    try:
        action = _WORDINGS[wording][lexeme]
        manner = [w for w in (_AMPLITUDE_WORDS[amplitude], _TEMPO_WORDS[tempo]) if w]
        extras = [_HAND_WORDS.get(hand or "", ""), _STYLE_WORDS[style]]
    except KeyError as error:
        raise QuerySetError(f"no paraphrase wording for {error.args[0]!r}") from error
    parts = [f"someone {action}"]
    if manner:
        parts.append(f"with a {', '.join(manner)} movement")
    return ", ".join([*parts, *(w for w in extras if w)])


def builtin_paraphrase_report(
    library: ClipLibrary, *, with_tags: bool = False, wording: Wording = "named"
) -> ParaphraseReport:
    """Search `library` (built from the built-in gesture library) with a paraphrase of every
    built-in clip; `with_tags` adds the clip's hand and emotion to the query."""
    from motiondirector.motion.library import builtin_library

    clips = builtin_library()
    hits = 0
    exact = 0
    misses = []
    for clip in clips:
        text = paraphrase(
            clip.lexeme, clip.hand, clip.amplitude, clip.tempo, clip.style, wording=wording
        )
        query = (
            ClipQuery(text=text, hand=clip.hand, emotion=clip.emotion)
            if with_tags
            else ClipQuery(text=text)
        )
        top = search_clips(library, query, k=1)[0].record
        if clip.lexeme in top.tags.lexemes:
            hits += 1
        else:
            misses.append(ParaphraseMiss(clip.id, text, top.id))
        exact += top.id == f"builtin/{clip.id}"
    return ParaphraseReport(
        clips=len(clips),
        share=hits / len(clips),
        exact_share=exact / len(clips),
        with_tags=with_tags,
        wording=wording,
        misses=tuple(misses),
    )


def evaluate_builtin_paraphrases(library: ClipLibrary, *, wording: Wording = "named") -> float:
    """The share of built-in clips whose own lexeme is top-1 for a text-only paraphrase."""
    return builtin_paraphrase_report(library, wording=wording).share
