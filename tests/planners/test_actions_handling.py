"""Action lines that handle things ("takes the paper", "drinks a beer") give their character a
handling gesture in the plan, whose description names the thing; on the shared screenplays too."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.plan.motion_plan import GestureEvent, HeadEvent, MotionPlan, PostureEvent
from motiondirector.plan.realizer import realize
from motiondirector.plan.scene import ActionLine, Scene
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel

_SCENE = (
    "INT. KITCHEN - DAY\n\nANA, 30, a woman, and BEN, 40, a man, stand by the table. "
    "CHALF, 15, waits.\n\nANA\nHere we are.\n\n{action}\n\nBEN\nRight.\n"
)

# The action line, who acts, the lexeme, whom it is aimed at, and the words naming the thing.
LINES = [
    ("Chalf takes the paper.", "CHALF", "take", None, "takes the paper"),
    ("Ben drinks a beer.", "BEN", "drink", None, "drinks a beer"),
    (
        "Chalf gets a piece of paper out of a folder.",
        "CHALF",
        "take",
        None,
        "gets a piece of paper out of a folder",
    ),
    ("Ana picks up the phone.", "ANA", "take", None, "picks up the phone"),
    ("Ben hands her the keys.", "BEN", "give", "ANA", "hands her the keys"),
    ("Ana puts down the glass.", "ANA", "put_down", None, "puts down the glass"),
    ("Ben opens the door.", "BEN", "open", None, "opens the door"),
    ("Ana pours a drink.", "ANA", "put_down", None, "pours a drink"),
    ("Ben reads the letter.", "BEN", "read", None, "reads the letter"),
    ("Ana writes something down.", "ANA", "write", None, "writes something down"),
    # Bringing a thing out of a pocket, bag or holster.
    ("Ben gets out a pen.", "BEN", "take", None, "gets out a pen"),
    ("Ana fishes out her keys.", "ANA", "take", None, "fishes out her keys"),
    ("Ben digs in his bag.", "BEN", "take", None, "digs in his bag"),
    ("Ana whips out a camera.", "ANA", "take", None, "whips out a camera"),
    ("Ben produces a letter.", "BEN", "take", None, "produces a letter"),
    ("Ana pulls a gun.", "ANA", "take", None, "pulls a gun"),
    # Terse lines leave out the article; passing, offering, showing, tossing and returning a
    # thing to someone is handing it over.
    ("Ana hands glass to Ben.", "ANA", "give", "BEN", "hands glass to Ben"),
    ("Ben gives keys to Ana.", "BEN", "give", "ANA", "gives keys to Ana"),
    ("Ana pours drink.", "ANA", "put_down", None, "pours drink"),
    ("Ana passes Ben a note.", "ANA", "give", "BEN", "passes Ben a note"),
    ("Ben offers Ana a drink.", "BEN", "give", "ANA", "offers Ana a drink"),
    ("Ben offers it to Ana.", "BEN", "give", "ANA", "offers it to Ana"),
    ("Ben shows Ana the photo.", "BEN", "give", "ANA", "shows Ana the photo"),
    ("Ana tosses Ben the keys.", "ANA", "give", "BEN", "tosses Ben the keys"),
    ("Ana throws the keys to Ben.", "ANA", "give", "BEN", "throws the keys to Ben"),
    ("Ben returns the book to Ana.", "BEN", "give", "ANA", "returns the book to Ana"),
]

# The same verbs doing something else: what they do instead (character, channel, lexeme), or
# nothing.
OTHER_USES = [
    ("Ben passes by the window.", [("BEN", "posture", "walk")]),
    ("Ana passes out.", [("ANA", "posture", "fall")]),
    ("Ben offers a smile.", []),
    ("Ben shows no emotion.", []),
    ("Ben shows her out.", []),
    ("Ben gets out the door.", []),
    ("Ana throws a punch.", [("ANA", "gesture", "punch")]),
    ("Ana throws her arms around Ben.", [("ANA", "gesture", "hug")]),
    ("Ben returns to the table.", [("BEN", "posture", "walk")]),
    ("Ben returns to his book.", [("BEN", "gesture", "read")]),
    ("Ana returns to work.", []),
    ("Ben returns Ana's wave.", [("BEN", "gesture", "wave")]),
    ("Ben tosses his hair.", [("BEN", "head", "toss")]),
    ("Ana pokes her head in.", [("ANA", "posture", "lean_forward")]),
    ("Ben sticks his head out the door.", [("BEN", "posture", "lean_forward")]),
    ("Ana wags her finger at Ben.", [("ANA", "gesture", "point"), ("ANA", "head", "shake")]),
]


@pytest.fixture(scope="module")
def planner() -> RulesPlanner:
    return RulesPlanner(KeywordEmotionModel())


def plan(planner: RulesPlanner, scene: Scene) -> MotionPlan:
    return realize(scene, planner.plan(scene))


def action_gestures(result: MotionPlan, action: ActionLine) -> list[tuple[str, GestureEvent]]:
    """Every gesture of every character that the action line gave them."""
    return [
        (track.name, event)
        for track in result.characters
        for event in track.events
        if isinstance(event, GestureEvent)
        and event.source.rule == "rules.action"
        and event.start <= action.end
        and event.end >= action.start
    ]


@pytest.mark.parametrize(("action", "character", "lexeme", "target", "thing"), LINES)
def test_each_handling_line_gives_its_character_the_gesture_naming_the_thing(
    planner: RulesPlanner,
    action: str,
    character: str,
    lexeme: str,
    target: str | None,
    thing: str,
) -> None:
    scene = parse_script(_SCENE.format(action=action), format="fountain")
    line = next(a for a in scene.actions if a.text == action)
    found = action_gestures(plan(planner, scene), line)
    assert [(name, event.lexeme) for name, event in found] == [(character, lexeme)]
    event = found[0][1]
    assert event.target == target
    assert f"“{thing}”" in event.description or f'"{thing}"' in event.description
    assert event.sync.start < event.sync.stroke < event.sync.relax <= event.sync.end


@pytest.mark.parametrize(("action", "expected"), OTHER_USES)
def test_the_same_verbs_used_otherwise_hand_nothing_over(
    planner: RulesPlanner, action: str, expected: list[tuple[str, str, str]]
) -> None:
    scene = parse_script(_SCENE.format(action=action), format="fountain")
    line = next(a for a in scene.actions if a.text == action)
    found = [
        (track.name, type(event).__name__.removesuffix("Event").lower(), event.lexeme)
        for track in plan(planner, scene).characters
        for event in track.events
        if isinstance(event, GestureEvent | HeadEvent | PostureEvent)
        and event.source.rule == "rules.action"
        and event.source.reason != 'action "stand by the table"'
        and event.start <= line.end
        and event.end >= line.start
    ]
    assert found == expected


def test_read_takes_both_hands_and_the_others_the_right_hand(planner: RulesPlanner) -> None:
    scene = parse_script(
        _SCENE.format(action="Ben reads the letter. Ana drinks a beer."), format="fountain"
    )
    result = plan(planner, scene)
    hands = {event.lexeme: event.hand for _, event in action_gestures(result, scene.actions[-1])}
    assert hands == {"read": "both", "drink": "right"}


def test_a_look_given_hands_nothing_over(planner: RulesPlanner) -> None:
    scene = parse_script(_SCENE.format(action="Ben gives her a look."), format="fountain")
    assert action_gestures(plan(planner, scene), scene.actions[-1]) == []


SHARED = [
    ("THE_LIBRARY_FREAK-OUT.fountain", 44, "CHALF", "read"),
    ("THE_LIBRARY_FREAK-OUT.fountain", 137, "CHALF", "take"),
    ("THE_LIBRARY_FREAK-OUT.fountain", 286, "CHALF", "take"),
    ("brick_and_steel.fountain", 37, "BRICK", "drink"),
    ("brick_and_steel.fountain", 37, "STEEL", "drink"),
    ("brick_and_steel.fountain", 146, "HANDSOME MAN", "drink"),
]


def test_handling_lines_of_the_shared_screenplays_give_their_events(
    shared_data: Path, planner: RulesPlanner
) -> None:
    plans: dict[str, tuple[Scene, MotionPlan]] = {}
    for name, line, character, lexeme in SHARED:
        if name not in plans:
            text = (shared_data / "screenplays" / name).read_text(encoding="utf-8")
            scene = parse_script(text, format="fountain")
            plans[name] = (scene, plan(planner, scene))
        scene, result = plans[name]
        action = next(a for a in scene.actions if a.line == line)
        found = {(who, event.lexeme) for who, event in action_gestures(result, action)}
        assert (character, lexeme) in found, (name, line, found)
    # "takes up the metal brush rhythm" is no taking, "gives them an expression" and "gives
    # him a furtive 'I know a secret' look" no handing over.
    scene, result = plans["THE_LIBRARY_FREAK-OUT.fountain"]
    for line, lexeme in ((365, "take"), (114, "give"), (335, "give")):
        action = next(a for a in scene.actions if a.line == line)
        assert all(e.lexeme != lexeme for _, e in action_gestures(result, action)), line


def test_two_handlings_of_one_hand_in_one_line_follow_each_other(planner: RulesPlanner) -> None:
    action = "Ben reads the letter, then drinks a beer."
    script = _SCENE.format(action=action) + "\nANA\nAnd now we wait for the others to come.\n"
    scene = parse_script(script, format="fountain")
    line = next(a for a in scene.actions if a.text == action)
    ben = plan(planner, scene).character("BEN")
    found = {
        e.lexeme: e
        for e in ben.events
        if isinstance(e, GestureEvent) and e.source.rule == "rules.action" and e.end > line.start
    }
    assert set(found) == {"read", "drink"}  # neither is dropped for want of a free hand
    read, drink = found["read"], found["drink"]
    assert read.sync.end <= drink.sync.start  # in the order the line says


def test_two_movements_of_the_head_in_one_line_follow_each_other(planner: RulesPlanner) -> None:
    action = "Ben laughs, shakes his head, and looks away."
    script = _SCENE.format(action=action) + "\nANA\nAnd now we wait for the others to come.\n"
    scene = parse_script(script, format="fountain")
    line = next(a for a in scene.actions if a.text == action)
    heads = [
        e
        for e in plan(planner, scene).character("BEN").events
        if isinstance(e, HeadEvent) and e.source.rule == "rules.action" and e.end > line.start
    ]
    assert [e.lexeme for e in heads] == ["toss", "shake"]  # the shake is not dropped
    assert heads[0].end <= heads[1].start


def test_a_later_action_line_takes_the_hands_an_earlier_one_still_holds(
    planner: RulesPlanner,
) -> None:
    # Reading holds both hands for seconds; the next line says what they do next.
    scene = parse_script(
        _SCENE.format(action="Ben reads the letter.\n\nHe hands it to Ana."), format="fountain"
    )
    ben = plan(planner, scene).character("BEN")
    found = {
        e.lexeme: e
        for e in ben.events
        if isinstance(e, GestureEvent) and e.source.rule == "rules.action"
    }
    assert set(found) == {"read", "give"}
    read, give = found["read"], found["give"]
    assert read.sync.stroke < read.sync.relax == give.sync.start <= give.sync.stroke
    assert read.end <= give.sync.stroke
