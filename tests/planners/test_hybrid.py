"""The hybrid planner's merge policy, line by line (docs/llm-planner.md)."""

from __future__ import annotations

from typing import Any

from motiondirector.plan.direction import (
    Behaviour,
    EmotionOrigin,
    ModelFallback,
    Origin,
    UtteranceDirection,
)
from motiondirector.planners.hybrid import HybridPlanner, merge_line
from motiondirector.planners.llm import LLMPlanner, fallback_line
from motiondirector.planners.llm_client import LLMConfig
from motiondirector.planners.rules import RuledOut, RulesPlanner
from motiondirector.scene import parse_script
from tests.openai_server import ScriptedServer
from tests.planners.conftest import KeywordEmotionModel


def behaviour(
    origin: Origin, rule: str, channel: str = "gesture", word: int | None = 0, **fields: Any
) -> Behaviour:
    base: dict[str, Any] = {
        "character": "ANA",
        "channel": channel,
        "origin": origin,
        "rule": rule,
        "reason": "r",
    }
    if channel == "face":
        base["au"] = fields.pop("au", 12)
    elif channel == "gaze":
        base["target"] = "BEN"
    else:
        base["lexeme"] = fields.pop("lexeme", {"gesture": "point", "head": "nod"}[channel])
    return Behaviour(**base, word=word, **fields)


def line(
    emotion: str,
    origin: EmotionOrigin,
    reason: str,
    *behaviours: Behaviour,
    intent: str = "say",
) -> UtteranceDirection:
    return UtteranceDirection(
        utterance_id="u1",
        intent=intent,
        emotion=emotion,
        intensity=0.6,
        emotion_origin=origin,
        emotion_reason=reason,
        behaviours=behaviours,
    )


def test_explicit_direction_wins_and_clashing_llm_behaviours_are_dropped() -> None:
    explicit = behaviour("parenthetical", "rules.parenthetical.points", word=0, until_word=2)
    ruled = line(
        "anger",
        "parenthetical",
        'parenthetical "(angrily)"',
        explicit,
        behaviour("cue", "rules.negation", "head", word=3),
        behaviour("emotion", "rules.emotion", "face", au=4),
    )
    inferred = line(
        "sadness",
        "llm",
        "llm: chosen by the model",
        # the same hand channel over overlapping words: dropped
        behaviour("llm", "llm.gesture", word=1, lexeme="shrug"),
        behaviour("llm", "llm.gesture", word=5, lexeme="open_palms"),  # after it: kept
        behaviour("llm", "llm.head", "head", word=3, lexeme="shake"),
        behaviour("llm", "llm.face", "face", au=1),
        intent="refuse",
    )
    merged = merge_line(ruled, inferred)
    assert merged.intent == "refuse"
    assert (merged.emotion, merged.emotion_reason) == ("anger", 'parenthetical "(angrily)"')
    rules = [(b.rule, b.lexeme or b.au) for b in merged.behaviours]
    assert rules == [
        ("rules.parenthetical.points", "point"),
        ("llm.gesture", "open_palms"),
        ("llm.head", "shake"),
        ("llm.face", 1),
    ]


def test_an_emotion_the_action_states_stays() -> None:
    ruled = line("anger", "action", 'action "furious" (a1)')
    inferred = line("joy", "llm", "llm: chosen by the model")
    merged = merge_line(ruled, inferred)
    assert (merged.emotion, merged.emotion_origin) == ("anger", "action")


def test_without_a_stated_emotion_the_llm_decides_it() -> None:
    ruled = line(
        "joy", "classifier", "classifier: joy 0.80", behaviour("beat", "rules.beat", word=2)
    )
    inferred = line(
        "fear", "llm", "llm: chosen by the model", behaviour("llm", "llm.face", "face", au=20)
    )
    merged = merge_line(ruled, inferred)
    assert (merged.emotion, merged.emotion_reason) == ("fear", "llm: chosen by the model")
    assert merged.emotion_origin == "llm"
    assert [b.rule for b in merged.behaviours] == ["llm.face"]  # cue-level rules give way


def test_a_line_the_llm_could_not_direct_is_the_rules_line_whole() -> None:
    ruled = line(
        "joy", "classifier", "classifier: joy 0.80", behaviour("beat", "rules.beat", word=2)
    )
    why = ModelFallback(kind="http_error", reason="HTTP 500 after 4 tries")
    stood_in = fallback_line(ruled, why)
    merged = merge_line(ruled, stood_in)
    assert merged == stood_in
    assert merged.fallback == why
    assert merged.behaviours[0].rule == "fallback.rules.beat"
    assert merged.behaviours[0].origin == "beat"  # a stand-in keeps its precedence


def test_the_merge_reads_typed_origins_not_rule_names() -> None:
    """A rule named like explicit direction is not explicit; an origin is, whatever the rule."""
    ruled = line(
        "anger",
        "classifier",
        'parenthetical-looking "(angrily)" reason',
        behaviour("cue", "rules.parenthetical.lookalike", word=0),
        behaviour("parenthetical", "custom.rule", "head", word=3, lexeme="shake"),
    )
    inferred = line(
        "fear",
        "llm",
        "rules stood in: not really",
        behaviour("llm", "llm.gesture", word=0, lexeme="shrug"),
        behaviour("llm", "llm.head", "head", word=3, lexeme="nod"),
    )
    merged = merge_line(ruled, inferred)
    assert merged.emotion == "fear"  # the emotion was not stated by a parenthetical
    assert [(b.rule, b.lexeme) for b in merged.behaviours] == [
        ("custom.rule", "shake"),
        ("llm.gesture", "shrug"),
    ]


def test_what_a_negated_parenthetical_rules_out_the_llm_does_not_give() -> None:
    ruled = line("neutral", "classifier", "classifier: neutral 0.70")
    inferred = line(
        "joy",
        "llm",
        "llm: chosen by the model",
        behaviour("llm", "llm.face", "face", au=12),
        behaviour("llm", "llm.face", "face", au=1),
        behaviour("llm", "llm.gaze", "gaze"),
    )
    ruled_out = RuledOut(
        behaviours={("face", None, 12, None), ("gaze", None, None, "$addressee")},
        emotions={"joy"},
        reason='parenthetical "(not smiling)"',
    )
    merged = merge_line(ruled, inferred, ruled_out, "ANA")
    assert [(b.channel, b.au) for b in merged.behaviours] == [("face", 1)]
    assert (merged.emotion, merged.intensity, merged.emotion_origin) == (
        "neutral",
        0.0,
        "parenthetical",
    )
    assert merged.emotion_reason == (
        'parenthetical "(not smiling)" rules out joy (llm: chosen by the model)'
    )
    # Behaviours of anyone but the speaker are theirs to give.
    assert len(merge_line(ruled, inferred, ruled_out, "BEN").behaviours) == 3


def test_the_hybrid_planner_reads_what_the_script_rules_out(server: ScriptedServer) -> None:
    scene = parse_script(
        "INT. ROOM - DAY\n\nANA and BEN sit.\n\nANA\n(not smiling)\nI got the job.\n\n"
        "BEN\nThat is good news.\n"
    )
    rules = RulesPlanner(KeywordEmotionModel())
    llm = LLMPlanner(LLMConfig(model="scripted", base_url=server.base_url), fallback=rules)
    first, second = HybridPlanner(llm, rules).plan(scene).utterances
    # The scripted model calls every line joy.
    assert (first.emotion, first.emotion_origin) == ("neutral", "parenthetical")
    assert first.emotion_reason.startswith('parenthetical "(not smiling)" rules out joy')
    assert (second.emotion, second.emotion_origin) == ("joy", "llm")
