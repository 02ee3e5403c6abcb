"""Postures a scene opens on: the description before the first line of dialogue."""

from __future__ import annotations

from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel

OPENING = "opening"


def postures(script: str) -> list[tuple[str, str | None, str]]:
    """(character, posture lexeme, origin) of every posture the action lines direct."""
    scene = parse_script(script, format="fountain")
    return [
        (b.character, b.lexeme, b.origin)
        for action in RulesPlanner(KeywordEmotionModel()).plan_actions(scene)
        for b in action.behaviours
        if b.channel == "posture"
    ]


def test_the_opening_description_is_how_the_scene_looks_when_it_opens() -> None:
    script = """INT. BEDROOM - MORNING

NORA (40s) lies in bed, eyes open. Her husband TOM (40s) stands at the window.

TOM
You're awake.

Nora sits up slowly.

NORA
What time is it?
"""
    assert postures(script) == [
        ("NORA", "lie", OPENING),
        ("TOM", "stand", OPENING),
        ("NORA", "sit", "action"),  # after the first line: it happens
    ]


def test_getting_into_a_posture_happens_after_the_scene_opens() -> None:
    script = """INT. KITCHEN - DAY

ANA sits down at the table. BEN leans in the doorway. Then he kneels.

ANA
Well?
"""
    assert postures(script) == [
        ("ANA", "sit", "action"),  # "sits down": she gets into it
        ("BEN", "lean_forward", OPENING),
        ("BEN", "kneel", "action"),  # his second posture, and "then"
    ]


def test_whoever_enters_is_not_in_a_posture_when_the_scene_opens() -> None:
    script = """INT. OFFICE - DAY

KAI sits at his desk. DANA enters and sits.

DANA
We need to talk.
"""
    assert [(c, lexeme, origin) for c, lexeme, origin in postures(script) if lexeme != "walk"] == [
        ("KAI", "sit", OPENING),
        ("DANA", "sit", "action"),
    ]


def test_every_scene_opens_on_its_own_description() -> None:
    script = """INT. KITCHEN - DAY

ANA sits at the table.

ANA
Morning.

EXT. GARDEN - DAY

ANA kneels by the roses.

ANA
There you are.
"""
    assert postures(script) == [
        ("ANA", "sit", OPENING),
        ("ANA", "kneel", OPENING),
    ]


def test_driving_riding_or_curled_up_when_the_scene_opens_is_a_state() -> None:
    script = """INT. CAR - NIGHT

ANA drives. BEN rides shotgun. CLEO is curled up on the back seat.

ANA
Almost there.
"""
    assert postures(script) == [
        ("ANA", "sit", OPENING),
        ("BEN", "sit", OPENING),
        ("CLEO", "lie", OPENING),
    ]
