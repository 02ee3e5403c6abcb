"""Postures a scene opens on: the description before the first line of dialogue."""

from __future__ import annotations

import pytest

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
        ("BEN", "lean_back", OPENING),  # against the door frame
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


def test_getting_up_first_opens_the_scene_on_the_posture_before_it() -> None:
    script = """INT. HOSPITAL CORRIDOR - DAY

JAMES jumps up from a plastic chair. NORA gets out of bed. TOM sits up. KAI stands up. LI
straightens up. DANA stands by the door. Then she stands up.

JAMES
How is she?
"""
    assert postures(script) == [
        ("JAMES", "sit", OPENING),
        ("JAMES", "stand", "action"),
        ("NORA", "lie", OPENING),  # a bed is named
        ("NORA", "stand", "action"),
        ("TOM", "lie", OPENING),  # sitting up is from lying
        ("TOM", "sit", "action"),
        ("KAI", "sit", OPENING),
        ("KAI", "stand", "action"),
        ("LI", "stand", "action"),  # taller, from no seat
        ("DANA", "stand", OPENING),
        ("DANA", "stand", "action"),  # her second posture: she was standing already
    ]
    # Once the dialogue has begun too: standing up was from a seat all along.
    later = "INT. HALL - DAY\n\nANA\nWell?\n\nBEN stands up.\n"
    assert postures(later) == [("BEN", "sit", OPENING), ("BEN", "stand", "action")]
    # Not for one who came on after the scene opened.
    entering = "INT. HALL - DAY\n\nANA\nWell?\n\nBEN enters. Ana stands up.\n"
    assert postures(entering) == [
        ("BEN", "walk", "action"),
        ("ANA", "sit", OPENING),
        ("ANA", "stand", "action"),
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


def test_watching_from_the_couch_when_the_scene_opens_is_sitting() -> None:
    script = "INT. APARTMENT - NIGHT\n\nSARAH paces. BECCA watches from the couch.\n\nSARAH\nNo.\n"
    assert ("BECCA", "sit", OPENING) in postures(script)


def test_elbows_on_the_knees_when_the_scene_opens_is_sitting() -> None:
    script = (
        "INT. LOCKER ROOM - NIGHT\n\nDANNY (17) stares at the floor, elbows on his knees.\n\n"
        "COACH\nLook at me.\n\nDanny stands up.\n"
    )
    assert postures(script) == [("DANNY", "sit", OPENING), ("DANNY", "stand", "action")]
    assert postures(script.replace("Danny stands up.", "Danny sighs.")) == [
        ("DANNY", "sit", OPENING)
    ]


def test_leaning_back_in_a_chair_first_opens_the_scene_seated() -> None:
    script = (
        "INT. OFFICE - DAY\n\nGREG (50s) nods at PRIYA.\n\nPRIYA\nI failed.\n\n"
        "Greg leans back in his chair.\n"
    )
    found = postures(script)
    assert found[0] == ("GREG", "sit", OPENING) and found[-1] == ("GREG", "lean_back", "action")
    plan = RulesPlanner(KeywordEmotionModel()).plan_actions(parse_script(script, format="fountain"))
    opening = next(b for a in plan for b in a.behaviours if b.origin == OPENING)
    assert opening.reason == 'action "in his chair": so when the scene opens'
    # Sitting down after the dialogue began is done then, not where one sat all along.
    sits = script.replace("Greg leans back in his chair.", "Greg sits on the edge of the chair.")
    assert postures(sits) == [("GREG", "sit", "action")]
    # Slouching in a chair the scene opens on: seated from the start, then slouching.
    slouch = "INT. OFFICE - DAY\n\nGREG slouches in his chair.\n\nPRIYA\nI failed.\n"
    assert postures(slouch)[0] == ("GREG", "sit", OPENING)
    # Leaning on nothing that is a seat says nothing of before.
    leaning = script.replace("in his chair", "against the wall")
    assert postures(leaning) == [("GREG", "lean_back", "action")]


def test_napping_in_an_armchair_when_the_scene_opens_is_sitting() -> None:
    script = "INT. LIVING ROOM - NIGHT\n\nFRANK (60s) naps in an armchair.\n\nLUCY\nDad?\n"
    assert ("FRANK", "sit", OPENING) in postures(script)


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


def test_on_ones_feet_in_a_chair_or_behind_the_wheel_said_with_is_is_a_state() -> None:
    script = """INT. WAITING ROOM - NIGHT

MARTA is in a plastic chair. Her son DEV is on his feet. LOU is behind the wheel. IRENE is
seated in the front row. SAL is at the window.

DEV
Is she okay?
"""
    assert postures(script) == [
        ("MARTA", "sit", OPENING),
        ("DEV", "stand", OPENING),
        ("LOU", "sit", OPENING),
        ("IRENE", "sit", OPENING),
    ]


def test_a_name_a_list_puts_in_a_seat_is_sitting() -> None:
    script = """INT. MANOR LIBRARY - NIGHT

The suspects are gathered: LADY ASHFORD (60s) by the fireplace, her nephew CLIVE (30s) in a
leather armchair, and the butler, GRAVES (50s), near the door.

CLIVE
Must we?
"""
    assert postures(script) == [("CLIVE", "sit", OPENING)]


def test_a_seat_the_description_opens_with_or_a_wheel_gripped_is_sitting() -> None:
    script = """INT. CAR - NIGHT

ZOE grips the steering wheel. In the passenger seat, her boyfriend NATE stares out the window.
In the corner, TOM stands. Around the table: GREG (50s), HANNAH (40s) and OWEN (12). At the
bar: MAX (30s). At the head of the table, RICHARD (60s) raises his glass. Across from him, on
the couch, JORDAN (30s) picks at a thread.

NATE
Say something.
"""
    assert postures(script) == [
        ("ZOE", "sit", OPENING),
        ("NATE", "sit", OPENING),
        ("TOM", "stand", OPENING),
        # A list after where they are: seated around a table, nothing said at a bar.
        ("GREG", "sit", OPENING),
        ("HANNAH", "sit", OPENING),
        ("OWEN", "sit", OPENING),
        ("RICHARD", "sit", OPENING),
        ("JORDAN", "sit", OPENING),  # the second phrase it opens with; a verb of no use here
    ]


@pytest.mark.parametrize(
    ("language", "cast", "script"),
    [
        ("es", "NORA TOM ANA", "NORA está acostada en la cama. TOM está de pie. ANA se sienta."),
        ("fr", "NORA TOM ANA", "NORA est allongée sur le canapé. TOM est debout. ANA s'assoit."),
        ("de", "NORA TOM ANA", "NORA liegt im Bett. TOM steht am Fenster. ANA setzt sich."),
        ("it", "NORA TOM ANA", "NORA è sdraiata sul divano. TOM è in piedi. ANA si siede."),
        ("pt", "NORA TOM ANA", "NORA está deitada na cama. TOM está de pé. ANA se senta."),
        ("ru", "НОРА ТОМ АНА", "НОРА лежит в кровати. ТОМ стоит у окна. АНА садится."),
        ("zh", "诺拉 汤姆 安娜", "诺拉躺着。汤姆站着。安娜坐下。"),
        ("ja", "ノラ トム アナ", "ノラは横になっている。トムは立っている。アナは腰を下ろす。"),
        ("ko", "노라 톰 아나", "노라는 누워 있다. 톰은 서 있다. 아나는 앉는다."),
    ],
)
def test_a_line_in_another_language_opens_on_its_postures_too(
    language: str, cast: str, script: str
) -> None:
    # Being in a posture ("está acostada", "liegt") is how the scene opens; getting into one
    # ("se sienta", "setzt sich", "坐下") still happens in it.
    scene = parse_script(
        f"INT. ROOM - NIGHT\n\n{script}\n\nBEN\n...\n",
        format="fountain",
        characters=cast.split(),
        language=language,
    )
    got = [
        (b.character, b.lexeme, b.origin)
        for action in RulesPlanner(KeywordEmotionModel()).plan_actions(scene)
        for b in action.behaviours
        if b.channel == "posture"
    ]
    nora, tom, ana = cast.split()
    assert got == [(nora, "lie", OPENING), (tom, "stand", OPENING), (ana, "sit", "action")]
