"""Scenes of action alone on the real screenplays: every scene plans, every movement counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from motiondirector.errors import ScriptError
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.realizer import realize
from motiondirector.plan.scene import Scene
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel

LIBRARY = "THE_LIBRARY_FREAK-OUT.fountain"
BRICK = "brick_and_steel.fountain"
PULPIT = "pulpit__fire.fountain"

# Every action line of the shared screenplays whose verb is a movement of the action lexicon,
# read by hand: (file, line, character, lexeme, or "gaze:" and the target). Pronouns and groups
# count ("As she walks back", "as they fidget", "The three of them"); the lines in
# PRONOUN_LINES name the character only so, and need the dialogue around them.
MOVEMENTS = [
    (LIBRARY, 29, "CHALF", "sit"),
    (LIBRARY, 29, "NAR", "sit"),
    (LIBRARY, 29, "YOR", "sit"),
    (LIBRARY, 59, "CHARYA", "sit"),
    (LIBRARY, 89, "CHARYA", "walk"),
    (LIBRARY, 89, "CHALF", "rub_hands"),
    (LIBRARY, 89, "NAR", "rub_hands"),
    (LIBRARY, 89, "YOR", "rub_hands"),
    (LIBRARY, 101, "CHARYA", "walk"),
    (LIBRARY, 101, "CHARYA", "sit"),
    (LIBRARY, 114, "CHALF", "nod"),
    (LIBRARY, 114, "CHALF", "gaze:CHARYA"),
    (LIBRARY, 118, "CHARYA", "shake"),
    (LIBRARY, 118, "NAR", "gaze:CHARYA"),
    (LIBRARY, 130, "CHALF", "lean_forward"),
    (LIBRARY, 143, "CHALF", "gaze:NAR"),
    (LIBRARY, 143, "NAR", "gaze:YOR"),
    (LIBRARY, 147, "CHALF", "beat"),
    (LIBRARY, 187, "CHARYA", "stand"),
    (LIBRARY, 234, "CHARYA", "point"),
    (LIBRARY, 242, "CHARYA", "walk"),
    (LIBRARY, 242, "CHARYA", "sit"),
    (LIBRARY, 296, "THRAIN", "turn"),
    (LIBRARY, 296, "THRAIN", "point"),
    (LIBRARY, 306, "CHARYA", "point"),
    (LIBRARY, 344, "CHALF", "lean_forward"),
    (LIBRARY, 344, "NAR", "lean_forward"),
    (LIBRARY, 344, "YOR", "lean_forward"),
    (LIBRARY, 413, "CHARYA", "lower"),
    (LIBRARY, 420, "THRAIN", "walk"),
    (LIBRARY, 420, "THRAIN", "point"),
    (BRICK, 15, "BRICK", "sit"),
    (BRICK, 17, "STEEL", "walk"),
    (BRICK, 28, "STEEL", "sit"),
    (BRICK, 87, "STEEL", "turn"),
    (BRICK, 131, "BRICK", "sit"),
    (BRICK, 131, "STEEL", "sit"),
    (BRICK, 148, "MINION", "walk"),
    (PULPIT, 12, "NOB", "stand"),
]
PRONOUN_LINES = {(LIBRARY, n) for n in (101, 114, 118, 147, 187, 242, 306)} | {(PULPIT, 12)}
# Scenes nobody is in: an establishing shot and a title card.
EMPTY_SCENES = {(LIBRARY, "EXT. LIBRARY--DAY", 19), (BRICK, "OPENING TITLES", 95)}
_HEADING = re.compile(r"^(?:INT\.|EXT\.|\.[A-Z])")


@pytest.fixture(scope="module")
def planner() -> RulesPlanner:
    return RulesPlanner(KeywordEmotionModel())


def plan(planner: RulesPlanner, scene: Scene) -> MotionPlan:
    return realize(scene, planner.plan(scene))


def read(shared_data: Path, name: str) -> str:
    return (shared_data / "screenplays" / name).read_text(encoding="utf-8")


def scenes_of(text: str) -> list[tuple[int, list[str]]]:
    """Each scene heading's 1-based line and the scene's lines, heading first."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _HEADING.match(line.strip())]
    return [(s + 1, lines[s:e]) for s, e in zip(starts, [*starts[1:], len(lines)], strict=True)]


def without_dialogue(text: str) -> str:
    """The screenplay with every cue and its speech blanked out: action alone, same lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    out = list(lines)
    for index, line in enumerate(lines):
        cue = line.strip()
        before = lines[index - 1].strip() if index else ""
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        is_cue = (
            cue
            and not before
            and following
            and cue == cue.upper()
            and any(c.isalpha() for c in cue)
            and not _HEADING.match(cue)
            and not cue.startswith((">", "!", "~"))
            and not cue.endswith((":", "!", "?", ".", "<"))
        )
        if is_cue:
            end = index
            while end < len(lines) and lines[end].strip():
                out[end] = ""
                end += 1
    return "\n".join(out)


@pytest.mark.parametrize("name", [LIBRARY, BRICK, PULPIT])
def test_every_scene_plans_alone_and_only_empty_ones_are_refused(
    shared_data: Path, planner: RulesPlanner, name: str
) -> None:
    for line, lines in scenes_of(read(shared_data, name)):
        heading = lines[0].strip().lstrip(".")
        text = "\n".join(lines) + "\n"
        if (name, heading, line) in EMPTY_SCENES:
            with pytest.raises(ScriptError, match="no character"):
                parse_script(text, format="fountain")
            continue
        scene = parse_script(text, format="fountain")
        result = plan(planner, scene)
        assert result.characters, (name, line)
        assert all(track.events for track in result.characters), (name, line)


@pytest.mark.parametrize("name", [LIBRARY, BRICK, PULPIT])
def test_every_scene_plans_with_its_dialogue_removed(
    shared_data: Path, planner: RulesPlanner, name: str
) -> None:
    silent = without_dialogue(read(shared_data, name))
    scene = parse_script(silent, format="fountain", file=name)
    assert scene.utterances == ()
    result = plan(planner, scene)
    assert len(result.beats) == len(parse_script(read(shared_data, name), file=name).beats)
    moved = {(n, c) for n, _, c, _ in MOVEMENTS if n == name}
    assert {c for _, c in moved if c in scene.characters}, "the action names nobody who moves"


@pytest.mark.parametrize("silent", [False, True], ids=["as written", "dialogue removed"])
def test_every_movement_line_gives_its_character_an_event(
    shared_data: Path, planner: RulesPlanner, silent: bool
) -> None:
    plans: dict[str, tuple[Scene, MotionPlan]] = {}
    for name in (LIBRARY, BRICK, PULPIT):
        text = read(shared_data, name)
        scene = parse_script(without_dialogue(text) if silent else text, format="fountain")
        plans[name] = (scene, plan(planner, scene))
    checked = 0
    for name, line, character, lexeme in MOVEMENTS:
        scene, result = plans[name]
        if silent and (character not in scene.characters or (name, line) in PRONOUN_LINES):
            continue  # without the dialogue, "He" may be someone else
        assert character in scene.characters, (name, line, character)
        action = next(a for a in scene.actions if a.line == line)
        track = next(t for t in result.characters if t.name == character)
        events = [
            e
            for e in track.events
            if e.source.rule in ("rules.action", "rules.action.opening")
            and (
                getattr(e, "target", None) == lexeme.removeprefix("gaze:")
                if lexeme.startswith("gaze:")
                else getattr(e, "lexeme", None) == lexeme
            )
            and e.start <= action.end
            and e.end >= action.start
        ]
        assert events, (name, line, character, lexeme)
        checked += 1
    assert checked >= (15 if silent else len(MOVEMENTS))


def test_a_silent_scene_gets_postures_gaze_and_the_face_of_the_emotion(
    planner: RulesPlanner,
) -> None:
    scene = parse_script(
        "INT. WAITING ROOM - DAY\n\nMARY enters, sits down and stares at the clock.\n\n"
        "She is furious. TOM, 40, walks in. Mary looks at Tom.\n",
        format="fountain",
    )
    direction = planner.plan(scene)
    got = {
        (b.character, b.channel, b.lexeme or b.au or b.target)
        for action in direction.actions
        for b in action.behaviours
    }
    assert {
        ("MARY", "posture", "walk"),
        ("MARY", "posture", "sit"),
        ("MARY", "gaze", "away"),
        ("MARY", "face", 4),
        ("MARY", "face", 7),
        ("TOM", "posture", "walk"),
        ("MARY", "gaze", "TOM"),
    } <= got
    faces = [b for a in direction.actions for b in a.behaviours if b.channel == "face"]
    assert {b.character for b in faces} == {"MARY"}
    assert all(b.reason == 'action "furious"' for b in faces)


def test_emotion_words_in_a_spoken_beat_leave_the_faces_to_the_lines(
    planner: RulesPlanner,
) -> None:
    scene = parse_script("INT. ROOM\n\nMARY sits, furious.\n\nMARY\nFine.\n", format="fountain")
    direction = planner.plan(scene)
    faces = [b for a in direction.actions for b in a.behaviours if b.channel == "face"]
    assert faces == []
    # The emotion is her next line's, as the script states it.
    (fine,) = direction.utterances
    assert (fine.emotion, fine.emotion_origin) == ("anger", "action")
    assert fine.emotion_reason == 'action "furious" (a1)'
    assert any(b.channel == "face" and b.origin == "emotion" for b in fine.behaviours)


def test_an_emotion_an_action_states_is_the_next_line_of_its_character_alone(
    planner: RulesPlanner,
) -> None:
    script = (
        "INT. ROOM\n\nBEN\nWell?\n\nAna glares at him, furious.\n\nBEN\nWhat?\n\n"
        "ANA\nNothing.\n\nBEN\nOkay.\n\nANA\nGood.\n"
    )
    direction = planner.plan(parse_script(script, format="fountain"))
    origins = [(u.utterance_id, u.emotion_origin) for u in direction.utterances]
    assert origins == [
        ("u1", "classifier"),
        ("u2", "classifier"),  # Ben's line: the action describes Ana
        ("u3", "action"),  # Ana's next line
        ("u4", "classifier"),
        ("u5", "classifier"),  # and only that one
    ]


def test_the_lines_own_parenthetical_outranks_the_action(planner: RulesPlanner) -> None:
    script = "INT. ROOM\n\nMARY sits, furious.\n\nMARY\n(smiling)\nFine.\n"
    (fine,) = planner.plan(parse_script(script, format="fountain")).utterances
    assert (fine.emotion, fine.emotion_origin) == ("joy", "parenthetical")


def test_a_face_told_after_a_feeling_is_how_the_character_feels_when_speaking(
    planner: RulesPlanner,
) -> None:
    told = "INT. ROOM\n\nMARY is angry now.\n\nBEN\nShall I?\n\n{face}\n\nMARY\nWould you?\n"
    smiling = told.format(face="Her eyes are wet, but she is smiling.")
    (_, would) = planner.plan(parse_script(smiling, format="fountain")).utterances
    assert would.emotion_origin != "action"  # the smile belies the anger stated before
    glaring = told.format(face="She glares at him.")
    (_, would) = planner.plan(parse_script(glaring, format="fountain")).utterances
    assert (would.emotion, would.emotion_origin) == ("anger", "action")


def test_a_face_after_a_feeling_in_the_same_line_is_how_the_character_feels(
    planner: RulesPlanner,
) -> None:
    script = "INT. ROOM\n\nA DOCTOR appears in the doorway, tired but smiling.\n\nDOCTOR\nHello.\n"
    (hello,) = planner.plan(parse_script(script, format="fountain")).utterances
    assert hello.emotion_origin != "action"  # not sad: the smile told after "tired"
    script = "INT. ROOM\n\nA DOCTOR appears in the doorway, smiling but tired.\n\nDOCTOR\nHello.\n"
    (hello,) = planner.plan(parse_script(script, format="fountain")).utterances
    assert hello.emotion_origin == "action"


def test_a_denied_feeling_states_nothing(planner: RulesPlanner) -> None:
    script = "INT. ROOM\n\nMARY sits, not angry at all.\n\nMARY\nFine.\n"
    (fine,) = planner.plan(parse_script(script, format="fountain")).utterances
    assert fine.emotion_origin != "action"
