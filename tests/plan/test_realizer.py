from __future__ import annotations

import itertools
from collections import Counter

import pytest

from motiondirector.errors import PlanValidationError
from motiondirector.plan.direction import ActionDirection, Direction
from motiondirector.plan.motion_plan import (
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    PostureEvent,
)
from motiondirector.plan.realizer import realize
from motiondirector.plan.realizer.timing import ACTION_LEAD, ms
from motiondirector.plan.scene import Scene
from motiondirector.plan.validate import validate_plan
from motiondirector.plan.vocabulary import GESTURE_LEXEMES, HEAD_LEXEMES, POSTURE_LEXEMES

from .conftest import b


def test_realized_plan_is_valid_and_deterministic(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction, seed=3)
    assert validate_plan(plan) == []
    assert plan.to_json() == realize(two_person_scene, direction, seed=3).to_json()
    assert plan.to_json() != realize(two_person_scene, direction, seed=4).to_json()


def test_gesture_stroke_lands_on_anchor_word(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    ana = plan.character("ANA")
    point = next(e for e in ana.events if isinstance(e, GestureEvent) and e.lexeme == "point")
    word = two_person_scene.utterances[0].words[6]
    assert point.sync.stroke == word.start
    assert (
        point.sync.start
        < point.sync.ready
        <= point.sync.stroke
        < point.sync.relax
        <= point.sync.end
    )
    assert point.target == "BEN"  # "addressee" resolved to a name
    assert "“the”" in point.description


def test_close_gestures_hold_instead_of_retracting(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    ben = [e for e in plan.character("BEN").events if isinstance(e, GestureEvent)]
    # Non-overlap per hand holds for every pair (checked by the validator) ...
    assert validate_plan(plan) == []
    # ... and a gesture followed closely on the same hand ends exactly where the next starts.
    held = [e for e in ben if "held into the next gesture" in e.description]
    assert held, [e.description for e in ben]
    for event in held:
        assert any(other.start == event.end for other in ben if other is not event)


def test_beat_gesture_moves_to_free_hand_or_is_dropped(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    ana = [e for e in plan.character("ANA").events if isinstance(e, GestureEvent)]
    lexemes = Counter(e.lexeme for e in ana)
    # point (word 6) and beat (word 7) are 0.4 s apart: the beat goes to the left hand.
    beat = next(e for e in ana if e.lexeme == "beat")
    point = next(e for e in ana if e.lexeme == "point")
    assert beat.hand == "left" and point.hand == "right"
    assert lexemes["cross_arms"] == 1


def test_face_envelopes_blend_and_speech_parts_lips(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    ana_face = [e for e in plan.character("ANA").events if isinstance(e, FaceEvent)]
    smiles = [e for e in ana_face if e.au == 12]
    assert len(smiles) == 1 and smiles[0].intensity == 0.7
    smile = smiles[0]
    assert smile.start < smile.envelope.apex_start <= smile.envelope.apex_end < smile.end
    lips = [e for e in ana_face if e.au == 25]
    assert {e.utterance_id for e in lips} == {"u1", "u3"}


def test_listener_reacts_after_the_trigger_word(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    ben_smile = next(
        e for e in plan.character("BEN").events if isinstance(e, FaceEvent) and e.au == 12
    )
    assert ben_smile.start > two_person_scene.utterances[0].words[2].start


def test_every_on_stage_character_always_has_gaze(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    for track in plan.characters:
        gaze = sorted((e for e in track.events if isinstance(e, GazeEvent)), key=lambda e: e.start)
        assert gaze[0].start == 0.0 and gaze[-1].end == plan.scene.duration
        for a, b_ in itertools.pairwise(gaze):
            assert a.end == b_.start and a.target != b_.target


def test_long_turn_speaker_looks_away_then_back(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    u2 = two_person_scene.utterances[1]
    gaze = [
        e
        for e in plan.character("BEN").events
        if isinstance(e, GazeEvent) and e.end > u2.start and e.start < u2.end
    ]
    targets = [e.target for e in gaze]
    assert "away" in targets
    last = [e for e in gaze if e.start <= u2.end - 0.5][-1]
    assert last.target == "ANA"


def test_listener_looks_at_speaker(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    u1 = two_person_scene.utterances[0]
    mid = (u1.start + u1.end) / 2
    at_mid = [
        e
        for e in plan.character("BEN").events
        if isinstance(e, GazeEvent) and e.start <= mid < e.end
    ]
    assert [e.target for e in at_mid] == ["ANA"]


def test_posture_persists_until_changed(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    postures = [e for e in plan.character("ANA").events if isinstance(e, PostureEvent)]
    assert [p.lexeme for p in postures] == ["idle", "lean_back"]
    assert postures[-1].end == plan.scene.duration
    assert postures[-1].source.rule == "test.action"


def test_blinks_at_a_natural_rate(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    for track in plan.characters:
        blinks = [e for e in track.events if isinstance(e, FaceEvent) and e.au == 45]
        per_minute = len(blinks) / plan.scene.duration * 60
        assert 6 <= per_minute <= 40, per_minute


def test_nod_repetitions_follow_intensity(two_person_scene: Scene, direction: Direction) -> None:
    plan = realize(two_person_scene, direction)
    nod = next(e for e in plan.character("ANA").events if isinstance(e, HeadEvent))
    assert (
        nod.lexeme == "nod"
        and nod.repetitions == 3
        and nod.description.startswith("nods three times")
    )


def test_every_event_has_source_and_description(
    two_person_scene: Scene, direction: Direction
) -> None:
    plan = realize(two_person_scene, direction)
    for track in plan.characters:
        for event in track.events:
            assert event.source.rule and event.description


def test_undirected_utterance_is_refused(two_person_scene: Scene, direction: Direction) -> None:
    partial = direction.model_copy(update={"utterances": direction.utterances[:2]})
    with pytest.raises(PlanValidationError, match="u3 has no direction"):
        realize(two_person_scene, partial)


def test_same_gesture_twice_in_a_row_is_not_a_stutter(
    two_person_scene: Scene, direction: Direction
) -> None:
    first = direction.utterances[0]
    doubled = first.model_copy(
        update={
            "behaviours": (
                b("ANA", "gesture", lexeme="chin_stroke", word=0),
                b("ANA", "gesture", lexeme="chin_stroke", word=1),
                b("ANA", "head", lexeme="tilt", word=0),
                b("ANA", "head", lexeme="tilt", word=3),
                b("ANA", "gesture", lexeme="chin_stroke", word=8),
            )
        }
    )
    changed = direction.model_copy(update={"utterances": (doubled, *direction.utterances[1:])})
    events = realize(two_person_scene, changed).character("ANA").events
    strokes = [e for e in events if isinstance(e, GestureEvent) and e.lexeme == "chin_stroke"]
    tilts = [e for e in events if isinstance(e, HeadEvent) and e.lexeme == "tilt"]
    assert len(strokes) == 2  # words 0 and 8 are 3.2 s apart; word 1 is a repeat
    assert len(tilts) == 1


def test_event_ids_stay_unique_when_names_look_alike() -> None:
    from motiondirector import plan_text

    plan = plan_text("Á: Hola.\nÀ: Hola, hola.\nANA B: Hi.\nANA-B: Hi there.", format="text")
    ids = [e.id for track in plan.characters for e in track.events]
    assert len(ids) == len(set(ids))
    first = {track.name: track.events[0].id for track in plan.characters}
    assert first["ANA B"] == "ana-b-1" and first["ANA-B"] == "ana-b-4-1"
    assert validate_plan(plan) == []


@pytest.mark.parametrize(
    ("channel", "lexeme"),
    [
        *(("gesture", lexeme) for lexeme in GESTURE_LEXEMES),
        *(("head", lexeme) for lexeme in HEAD_LEXEMES),
        # idle is the rest a character is already in: directing it adds nothing
        *(("posture", lexeme) for lexeme in POSTURE_LEXEMES if lexeme != "idle"),
    ],
)
def test_every_lexeme_of_the_vocabulary_is_realized(
    two_person_scene: Scene, direction: Direction, channel: str, lexeme: str
) -> None:
    """An action line directing any lexeme gives its event, during the line."""
    action = ActionDirection(
        action_id="a1", behaviours=(b("BEN", channel, lexeme=lexeme, origin="action"),)
    )
    plan = realize(two_person_scene, direction.model_copy(update={"actions": (action,)}))
    validate_plan(plan)
    events = [
        e for e in plan.character("BEN").events
        if getattr(e, "lexeme", None) == lexeme and e.source.rule == "test.action"
    ]  # fmt: skip
    assert events, f"{channel} {lexeme} not realized"
    line = two_person_scene.actions[0]
    assert events[0].start <= line.end and events[0].end >= line.start


def test_movements_that_end_return_to_rest_and_lying_lasts(
    two_person_scene: Scene, direction: Direction
) -> None:
    def postures(lexeme: str) -> list[str]:
        action = ActionDirection(
            action_id="a1", behaviours=(b("BEN", "posture", lexeme=lexeme, origin="action"),)
        )
        plan = realize(two_person_scene, direction.model_copy(update={"actions": (action,)}))
        return [e.lexeme for e in plan.character("BEN").events if isinstance(e, PostureEvent)]

    assert postures("kick") == ["idle", "kick", "idle"]
    assert postures("dance") == ["idle", "dance", "idle"]
    assert postures("lie") == ["idle", "lie"]  # until something gets them up


def test_a_movement_on_foot_gets_a_seated_character_up_and_a_turn_does_not(
    two_person_scene: Scene, direction: Direction
) -> None:
    line = two_person_scene.actions[0]
    third = round((line.end - line.start) / 3, 3)
    cut = (line.start, line.start + third, line.start + 2 * third, line.end)
    scene = two_person_scene.model_copy(
        update={
            "actions": tuple(
                line.model_copy(update={"id": f"a{n + 1}", "start": cut[n], "end": cut[n + 1]})
                for n in range(3)
            )
        }
    )

    def postures(*lexemes: str) -> list[str]:
        actions = tuple(
            ActionDirection(
                action_id=f"a{n + 1}",
                behaviours=(b("BEN", "posture", lexeme=lexeme, origin="action"),),
            )
            for n, lexeme in enumerate(lexemes)
        )
        plan = realize(scene, direction.model_copy(update={"actions": actions}))
        return [e.lexeme for e in plan.character("BEN").events if isinstance(e, PostureEvent)]

    # A seated turn is left to the head and eyes: not up to turn and down again.
    assert postures("sit", "turn") == ["idle", "sit"]
    assert postures("stand", "turn") == ["idle", "stand", "turn", "stand"]
    assert postures("lie", "walk") == ["idle", "lie", "walk", "idle"]
    assert postures("sit", "kick") == ["idle", "sit", "kick", "idle"]
    # "Jumps up" from a seat gets up; standing, a jump is a jump.
    assert postures("sit", "jump") == ["idle", "sit", "stand"]
    assert postures("lie", "jump") == ["idle", "lie", "stand"]
    assert postures("stand", "jump") == ["idle", "stand", "jump", "idle"]
    # A lean is done from the knees or the seat ("(whispering)" leans in), which stay under it.
    assert postures("kneel", "lean_forward", "jump") == ["idle", "kneel", "lean_forward", "stand"]
    assert postures("sit", "lean_back", "turn") == ["idle", "sit", "lean_back"]
    # Lying, one is already back: "sinks back" into the pillows stays lying.
    assert postures("lie", "lean_back", "turn") == ["idle", "lie"]
    actions = tuple(
        ActionDirection(
            action_id=action_id, behaviours=(b("BEN", "posture", lexeme=x, origin="action"),)
        )
        for action_id, x in (("a1", "sit"), ("a2", "jump"))
    )
    plan = realize(scene, direction.model_copy(update={"actions": actions}))
    rise = [e for e in plan.character("BEN").events if isinstance(e, PostureEvent)][-1]
    assert rise.source.reason.endswith("; from sit, so rises to stand")
    # One line: "walks over and sits down" walks first and ends seated, whatever the order.
    for lexemes in (("walk", "sit"), ("sit", "walk"), ("lie", "dance")):
        action = ActionDirection(
            action_id="a1",
            behaviours=tuple(b("BEN", "posture", lexeme=x, origin="action") for x in lexemes),
        )
        plan = realize(scene, direction.model_copy(update={"actions": (action,)}))
        events = [e for e in plan.character("BEN").events if isinstance(e, PostureEvent)]
        moving, settled = sorted(lexemes, key=lambda x: x in ("sit", "lie"))
        assert [e.lexeme for e in events] == ["idle", moving, settled]


def test_an_action_lines_behaviours_come_in_the_order_it_tells_them(
    two_person_scene: Scene, direction: Direction
) -> None:
    line = two_person_scene.actions[0].model_copy(
        update={"text": "Ana looks up and studies Ben for a long moment, then sits down."}
    )
    scene = two_person_scene.model_copy(update={"actions": (line,)})
    action = ActionDirection(
        action_id="a1",
        behaviours=(
            b("ANA", "gaze", target="up", origin="action", word=1),
            b("ANA", "gaze", target="BEN", origin="action", word=4),
            b("ANA", "posture", lexeme="sit", origin="action", word=11),
        ),
    )
    plan = realize(scene, direction.model_copy(update={"actions": (action,)}))
    events = [e for e in plan.character("ANA").events if e.source.rule == "test.action"]
    starts = {getattr(e, "target", None) or getattr(e, "lexeme", None): e.start for e in events}
    assert line.start < starts["up"] < starts["BEN"] < starts["sit"] <= line.end
    # Without a word a behaviour is where the line starts, as before.
    unplaced = action.model_copy(
        update={"behaviours": tuple(x.model_copy(update={"word": None}) for x in action.behaviours)}
    )
    plan = realize(scene, direction.model_copy(update={"actions": (unplaced,)}))
    gaze = [e for e in plan.character("ANA").events if e.source.rule == "test.action"]
    assert {e.start for e in gaze if e.channel == "gaze"} <= {ms(line.start + ACTION_LEAD)}


def _line_postures(
    scene: Scene, direction: Direction, text: str, *said: tuple[str, int]
) -> tuple[Scene, list[PostureEvent]]:
    """BEN's postures when the scene's action line is `text` and directs the postures `said`
    (lexeme, word)."""
    line = scene.actions[0].model_copy(update={"text": text})
    scene = scene.model_copy(update={"actions": (line,)})
    behaviours = tuple(
        b("BEN", "posture", lexeme=lexeme, origin="action", word=word) for lexeme, word in said
    )
    action = ActionDirection(action_id="a1", behaviours=behaviours)
    plan = realize(scene, direction.model_copy(update={"actions": (action,)}))
    return scene, [e for e in plan.character("BEN").events if isinstance(e, PostureEvent)]


def test_a_posture_said_while_a_movement_goes_on_is_where_it_ends(
    two_person_scene: Scene, direction: Direction
) -> None:
    scene, postures = _line_postures(
        two_person_scene, direction, "Ben walks over and sits down.", ("walk", 1), ("sit", 3)
    )
    assert [e.lexeme for e in postures] == ["idle", "walk", "sit"]
    walk, sit = postures[1:]
    # The walk goes on through the line (it lasts at least 1.5 s, the line 2 s): then she sits.
    assert walk.start < sit.start == ms(scene.actions[0].end)


def test_a_posture_after_a_movement_in_the_scenes_last_line_is_still_reached() -> None:
    from motiondirector import plan_text

    script = (
        "INT. HALL - DAY\n\nANA\nNext question.\n\nBen steps forward and whispers in her ear.\n"
    )
    plan = plan_text(script, format="fountain")
    postures = [e for e in plan.character("BEN").events if isinstance(e, PostureEvent)]
    assert [e.lexeme for e in postures][-2:] == ["walk", "lean_forward"]
    walk, lean = postures[-2:]
    assert lean.start - walk.start == pytest.approx(1.5, abs=0.05)  # a step, then the lean
    assert lean.end == pytest.approx(plan.scene.duration, abs=0.01)


def test_a_stumble_is_over_in_a_moment_and_a_fall_is_held() -> None:
    from motiondirector import plan_text

    def postures(action: str) -> list[PostureEvent]:
        script = f"INT. HALL - DAY\n\nANA\nCareful.\n\n{action}\n\nANA\nAre you okay?\n"
        plan = plan_text(script, format="fountain")
        return [e for e in plan.character("BEN").events if isinstance(e, PostureEvent)]

    stumble = postures("BEN trips over the rug.")
    # A light fall ("trips", "staggers"): back to where he was, not on the floor till the end.
    assert [e.lexeme for e in stumble] == ["idle", "fall", "idle"]
    assert stumble[-1].source.rule == "realizer.idle"
    fall = postures("BEN falls to the floor.")
    assert [e.lexeme for e in fall][-1] == "fall"


SLEEP = """INT. LIVING ROOM - NIGHT

FRANK (60s) dozes in an armchair. LUCY (20s) tidies up around him.

LUCY
Night, Dad.

She switches off the lamp and tiptoes out. The clock ticks. Frank snores on.

A phone rings somewhere. Frank jerks awake.

FRANK
What? Who's there?
"""


def test_eyes_an_action_shuts_stay_shut_until_woken_with_no_blinks() -> None:
    from motiondirector import plan_text

    plan = plan_text(SLEEP, format="fountain")
    frank = plan.character("FRANK").events
    shut = [e for e in frank if e.channel == "face" and getattr(e, "au", None) == 43]
    woken = next(e for e in frank if getattr(e, "au", None) == 5 and "awake" in e.description)
    assert len(shut) == 1
    # From the first frame (the scene opens on him dozing) to the jolt awake, many lines on.
    assert shut[0].start == 0.0 and shut[0].source.rule == "rules.action.opening"
    assert shut[0].end == pytest.approx(woken.start + 0.1, abs=0.01)
    assert shut[0].end - shut[0].start > 5.0
    blinks = [e for e in frank if e.source.rule == "realizer.blink"]
    assert blinks and not any(shut[0].start < e.start < shut[0].end for e in blinks)
    # A sleep the description opens on with no posture of its own is shut from the start too.
    dozing = plan_text(
        SLEEP.replace("dozes in an armchair", "dozes at the next bench, his head on his papers"),
        format="fountain",
    )
    shut = [e for e in dozing.character("FRANK").events if getattr(e, "au", None) == 43]
    assert shut[0].start == 0.0 and shut[0].end > 5.0
    # A look of theirs opens them too.
    looked = plan_text(
        SLEEP.replace("Frank jerks awake.", "Frank stares at the ceiling."), format="fountain"
    )
    shut = [e for e in looked.character("FRANK").events if getattr(e, "au", None) == 43]
    stare = next(e for e in looked.character("FRANK").events if "stares at" in e.source.reason)
    assert shut[0].end <= stare.start + 0.2
    # Told no more than a line's worth ("yawns"), the eyes open again after it.
    plan = plan_text(
        SLEEP.replace("dozes in an armchair", "yawns in an armchair"), format="fountain"
    )
    yawn = [e for e in plan.character("FRANK").events if getattr(e, "au", None) == 43]
    assert yawn and all(e.end - e.start < 5.0 for e in yawn)


HUDDLE = """INT. LOCKER ROOM - NIGHT

COACH (50s) paces. DANNY (17) sits on a bench.

Danny stares at the floor.

COACH
Twenty-one points. That's what we gave away out there. Twenty-one.

COACH (CONT'D)
Danny. Look at me.

Danny lifts his head.

DANNY
I know.
"""


def test_a_look_an_action_line_holds_is_not_moved_by_listening() -> None:
    from motiondirector import plan_text

    def danny(script: str) -> list[GazeEvent]:
        return [e for e in plan_text(script).character("DANNY").events if isinstance(e, GazeEvent)]

    gaze = danny(HUDDLE)
    stare = next(e for e in gaze if "stares at the floor" in e.source.reason)
    lift = next(e for e in gaze if "lifts his head" in e.source.reason)
    # Down through both of the coach's lines, until he lifts his head to her.
    assert stare.target == "down" and stare.end == lift.start
    assert not any("listening to" in e.source.reason and e.end <= lift.start for e in gaze)
    assert lift.target == "COACH"
    # A glance is no held look: he listens again when she speaks.
    glance = danny(HUDDLE.replace("stares at", "glances at"))
    assert any("listening to COACH" in e.source.reason for e in glance)
    down = next(e for e in glance if "glances at the floor" in e.source.reason)
    assert down.end - down.start < 5.0
    # Held until his own line when nothing else moves it.
    script = HUDDLE.replace("Danny lifts his head.", "The lights buzz.")
    stare = next(e for e in danny(script) if "stares at the floor" in e.source.reason)
    assert stare.end == pytest.approx(plan_text(script).utterances[-1].start, abs=0.25)


def test_being_told_to_rest_keeps_the_posture_in_force(
    two_person_scene: Scene, direction: Direction
) -> None:
    scene, postures = _line_postures(
        two_person_scene, direction, "Ben sits. He freezes.", ("sit", 1), ("idle", 3)
    )
    # Freezing seated stays seated: it does not stand him up.
    assert [e.lexeme for e in postures] == ["idle", "sit"]
    assert postures[-1].end == ms(scene.duration)


ENTRANCE = """INT. CORRIDOR - NIGHT

NORA
Any news?

SAM
Nothing yet.

A DOCTOR enters. Sam gets up.

DOCTOR
He's awake.

Sam leaves.

NORA
Thank God.
"""


def test_a_character_is_realized_only_while_on_stage() -> None:
    from motiondirector import plan_text
    from motiondirector.plan.scene import on_stage_spans

    plan = plan_text(ENTRANCE, format="fountain")
    assert [(c.character, c.change) for c in plan.beats[0].stage] == [
        ("DOCTOR", "enters"),
        ("SAM", "exits"),
    ]
    for name in ("DOCTOR", "SAM"):
        spans = on_stage_spans(plan.beats, name)
        realized = [e for e in plan.character(name).events if e.source.planner == "realizer"]
        assert realized
        for event in realized:
            assert any(
                start - 1e-6 <= event.start and event.end <= end + 1e-6 for start, end in spans
            )
    entered = plan.beats[0].stage[0].time
    doctor = plan.character("DOCTOR").events
    walk = next(e for e in doctor if e.channel == "posture" and e.lexeme == "walk")
    assert walk.start == entered  # comes on walking
    assert min(e.start for e in doctor) == entered
    nora_first = plan.utterances[0]
    assert "DOCTOR" not in {
        e.target for e in plan.character("NORA").events if e.channel == "gaze" and e.end <= entered
    }
    assert nora_first.addressees == ("SAM",)


def test_a_plan_without_entrances_has_no_stage_field(
    two_person_scene: Scene, direction: Direction
) -> None:
    document = realize(two_person_scene, direction).to_json()
    assert '"stage"' not in document


def test_a_posture_a_scene_opens_on_is_in_force_from_the_scenes_start() -> None:
    from motiondirector import plan_text

    plan = plan_text(
        "INT. KITCHEN - DAY\n\nANA sits at the table.\n\nANA\nMorning.\n\nShe stands up.\n\n"
        "EXT. GARDEN - DAY\n\nANA kneels by the roses.\n\nANA\nThere you are.\n",
        format="fountain",
    )
    postures = [
        (e.start, e.lexeme, e.source.rule)
        for e in plan.character("ANA").events
        if isinstance(e, PostureEvent)
    ]
    garden = plan.beats[1].start
    assert postures[0] == (0.0, "sit", "rules.action.opening")
    assert (garden, "kneel", "rules.action.opening") in postures
    stands = next(p for p in postures if p[1] == "stand")
    assert 0 < stands[0] < garden and stands[2] == "rules.action"
    assert all(
        plan.opens_in(e) == (e.source.rule == "rules.action.opening")
        for e in plan.character("ANA").events
        if isinstance(e, PostureEvent)
    )


def test_a_look_the_script_asks_for_at_whom_one_already_looks_says_so() -> None:
    from motiondirector import plan_text

    script = """INT. ATTIC - DAY

KATE and LIZ sort through boxes.

LIZ
Look at this.

KATE
She never told us.

Kate reaches for the photo. Liz doesn't let go right away. Their eyes meet.
"""
    plan = plan_text(script)
    for name, other in (("KATE", "LIZ"), ("LIZ", "KATE")):
        gaze = [e for e in plan.character(name).events if isinstance(e, GazeEvent)]
        meet = [e for e in gaze if "eyes meet" in e.source.reason]
        assert len(meet) == 1 and meet[0].target == other
        assert meet[0].start >= plan.actions[-1].start
