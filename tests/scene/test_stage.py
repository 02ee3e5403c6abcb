"""Entrances and exits during a beat: who is on stage when, and what follows from it."""

from __future__ import annotations

import pytest

from motiondirector.plan.scene import Beat, StageChange, on_stage_at, stage_spans
from motiondirector.scene import parse_script
from motiondirector.scene.stage import EXIT_WALK_S

KITCHEN = """INT. KITCHEN - DAY

Ana and Ben sit at the table.

BEN
I can't do this anymore.

Ben gets up and storms out.

ANA
Fine! Go!

Ana stares at the door. Leo walks in.

LEO
What happened?

ANA
Nothing.

BEN (O.S.)
I forgot my keys!

He comes back in, grabs his keys and leaves again.
"""


def changes(script: str) -> list[tuple[str, str, str | None]]:
    scene = parse_script(script, format="fountain")
    return [(c.character, c.change, c.action_id) for b in scene.beats for c in b.stage]


def test_entrances_and_exits_are_read_from_the_action_in_order() -> None:
    scene = parse_script(KITCHEN, format="fountain")
    assert scene.beats[0].characters == ("ANA", "BEN", "LEO")
    assert changes(KITCHEN) == [
        ("BEN", "exits", "a2"),
        ("LEO", "enters", "a3"),
        ("BEN", "enters", "a4"),  # "He comes back in": he is Ben, the last to speak
        ("BEN", "exits", "a4"),
    ]
    times = [c.time for c in scene.beats[0].stage]
    assert times == sorted(times)


def test_who_is_on_stage_follows_the_changes() -> None:
    scene = parse_script(KITCHEN, format="fountain")
    beat = scene.beats[0]
    ben_leaves, leo_enters, ben_back, ben_gone = beat.stage
    assert on_stage_at(beat, beat.start) == ("ANA", "BEN")  # Leo's first part is his entrance
    assert on_stage_at(beat, ben_leaves.time) == ("ANA",)
    assert on_stage_at(beat, leo_enters.time) == ("ANA", "LEO")
    assert on_stage_at(beat, ben_back.time) == ("ANA", "BEN", "LEO")
    assert stage_spans(beat, "BEN") == [
        (beat.start, ben_leaves.time),
        (ben_back.time, ben_gone.time),
    ]
    assert stage_spans(beat, "LEO") == [(leo_enters.time, beat.end)]


def test_lines_are_heard_and_addressed_by_whoever_is_there() -> None:
    scene = parse_script(KITCHEN, format="fountain")
    attending = scene.attending()
    fine, happened, nothing, keys = scene.utterances[1:]
    # Alone on stage, Ana calls after Ben, who has just gone; nobody there listens.
    assert fine.addressees == ("BEN",)
    assert attending[fine.id] == ()
    assert happened.addressees == ("ANA",) and attending[happened.id] == ("ANA",)
    assert nothing.addressees == ("LEO",)
    # An off-screen line does not bring Ben on, and those on stage hear it.
    assert attending[keys.id] == ("ANA", "LEO")
    assert all(c.action_id is not None for c in scene.beats[0].stage)


def test_an_exit_takes_the_walk_off_before_the_character_is_gone() -> None:
    script = (
        "ANA\nBye.\n\nBEN\nBye.\n\nBen leaves. Ana sits down and looks at the floor for a while.\n"
    )
    scene = parse_script(script, format="fountain")
    action = scene.actions[0]
    (exit_,) = scene.beats[0].stage
    assert exit_.time < action.end
    assert action.start + EXIT_WALK_S <= exit_.time <= action.start + EXIT_WALK_S + 1


def test_a_line_said_on_screen_by_someone_off_stage_brings_them_on() -> None:
    script = "ANA\nBye.\n\nBen leaves.\n\nBEN\nWait!\n"
    scene = parse_script(script, format="fountain")
    assert [(c.character, c.change, c.action_id) for c in scene.beats[0].stage] == [
        ("BEN", "exits", "a1"),
        ("BEN", "enters", None),
    ]
    assert scene.beats[0].stage[1].time == scene.utterances[1].start
    assert scene.beats[0].stage[1].utterance_id == scene.utterances[1].id


def test_a_parenthetical_brings_its_speaker_on_or_takes_them_off() -> None:
    script = (
        "INT. KITCHEN - DAY\n\nANA\nWhere is everyone?\n\nBEN\n(entering)\nRight here.\n\n"
        "ANA\nGood. Sit.\n\nBEN\n(leaving)\nCan't, I'm late.\n\nANA\nTypical.\n"
    )
    scene = parse_script(script, format="fountain")
    where, here, sit, late, typical = scene.utterances
    assert sit.addressees == ("BEN",)
    assert [(c.character, c.change, c.time, c.utterance_id) for c in scene.beats[0].stage] == [
        ("BEN", "enters", here.start, here.id),  # off until his entrance, not from the start
        ("BEN", "exits", late.end, late.id),  # says it on his way out
    ]
    assert where.addressees == () and scene.attending()[where.id] == ()
    assert typical.addressees == ("BEN",)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("Ben leaves.", [("BEN", "exits")]),
        ("Ben leaves the room.", [("BEN", "exits")]),
        ("Ben leaves the keys on the table.", []),
        ("Ben leaves a note.", []),
        ("Ben doesn't leave.", []),
        ("Ben walks in the rain.", []),
        ("Ben steps in front of Ana.", []),
        ("Ben runs out of time.", []),
        ("Ben slips out the back.", [("BEN", "exits")]),
        ("Ben is led out.", [("BEN", "exits")]),
        ("Ben walks out on her.", [("BEN", "exits")]),
        ("Ana and Ben leave together.", [("ANA", "exits"), ("BEN", "exits")]),
        ("Ben walks out of sight.", [("BEN", "exits")]),
        ("Ben walks into the garden.", [("BEN", "exits")]),
        ("Ben walks into the kitchen.", []),  # already there: an entrance changes nothing
        ("Ben walks out of the kitchen.", [("BEN", "exits")]),
        ("Ben disappears upstairs.", [("BEN", "exits")]),
        ("Ben carries the plates into the garden.", [("BEN", "exits")]),
        ("Ben carries the tray out.", [("BEN", "exits")]),
        ("Ben carries a box.", []),
        ("Ben walks the dog out.", [("BEN", "exits")]),
        ("Ben runs the tap.", []),
        ("Ben stands to leave.", []),  # what he means to do: "Ana grabs his wrist."
        ("Ben turns to go.", []),
        ("Ben opens the door and gets out.", [("BEN", "exits")]),
        ("Ben climbs out.", [("BEN", "exits")]),
        ("Ben gets out of here.", [("BEN", "exits")]),
        ("Ben gets out a pen.", []),
        ("Ana cries. Ben leads her out.", [("BEN", "exits"), ("ANA", "exits")]),
        ("Ben walks out with Ana.", [("BEN", "exits"), ("ANA", "exits")]),
        ("Ben drags Ana out of the kitchen.", [("BEN", "exits"), ("ANA", "exits")]),
        ("Ben leaves with a smile.", [("BEN", "exits")]),
        ("Ben hops off and shoves the swing.", []),  # off a seat, not out of the scene
        ("Ben gets off the stool and climbs into the ring.", []),  # in it, still in view
        ("Ben slips into the garden.", [("BEN", "exits")]),
        ("Ben runs off.", [("BEN", "exits")]),
        ("Ben kisses her forehead and goes.", [("BEN", "exits")]),
        ("Ana watches him until he is gone.", [("BEN", "exits")]),
        ("Ben goes to the window.", []),
        ("Ana doesn't let go. Ben lets go.", []),  # releasing a hold
        ("Ben backs off, hands raised.", []),  # a step back
        ("Ben shuffles past.", [("BEN", "exits")]),  # passing through
        ("Ben walks past Ana to the sink.", []),
        ("Ben slides the folder across the desk and bolts.", [("BEN", "exits")]),
        ("Ben holsters his pistol and walks away.", [("BEN", "exits")]),
        ("Ben walks away from the window.", []),
        ("Ben backs away.", []),
        ("Ben opens the door and steps out into the rain.", [("BEN", "exits")]),
        ("Ben sinks low in his seat, trying to disappear.", []),
    ],
)
def test_what_reads_as_going_off(action: str, expected: list[tuple[str, str]]) -> None:
    script = f"INT. KITCHEN - DAY\n\nANA\nSo?\n\nBEN\nWell.\n\n{action}\n"
    assert [(name, change) for name, change, _ in changes(script)] == expected


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("CLEO enters.", [("CLEO", "enters")]),
        ("Cleo walks in, smiling.", [("CLEO", "enters")]),
        ("Cleo arrives, out of breath.", [("CLEO", "enters")]),
        ("Cleo comes out of the bathroom.", [("CLEO", "enters")]),
        ("Cleo walks into the kitchen.", [("CLEO", "enters")]),
        ("Cleo returns with two coffees.", [("CLEO", "enters")]),
        ("Cleo appears in the doorway.", [("CLEO", "enters")]),
        ("Cleo appears at his elbow.", [("CLEO", "enters")]),
        ("A teacher, CLEO (50s), rounds the corner.", [("CLEO", "enters")]),
        ("A nurse, CLEO, pokes her head in the door.", [("CLEO", "enters")]),
        ("Cleo returns to her book.", []),
        ("Cleo bursts through the stairwell door behind him.", [("CLEO", "enters")]),
        ("Cleo walks through the door.", [("CLEO", "enters")]),
        ("Cleo stumbles in.", [("CLEO", "enters")]),
        ("Cleo slides in on her socks.", [("CLEO", "enters")]),
        ("Cleo struggles in with a stroller.", [("CLEO", "enters")]),
        ("Cleo appears at his shoulder with two mugs.", [("CLEO", "enters")]),
        ("The doors reopen on CLEO (30s), balancing pizza boxes.", [("CLEO", "enters")]),
    ],
)
def test_what_reads_as_coming_on(action: str, expected: list[tuple[str, str]]) -> None:
    script = f"INT. KITCHEN - DAY\n\nANA\nSo?\n\n{action}\n\nCLEO\nHi.\n"
    assert [(name, change) for name, change, _ in changes(script)] == expected


def test_a_character_on_from_the_start_is_not_sent_off_by_coming_over() -> None:
    script = "ANA\nHi.\n\nBEN\nHey.\n\nBen comes over and sits.\n"
    assert changes(script) == []  # Ben spoke before: he was there all along


def test_spans_of_a_beat_without_changes_are_the_beat() -> None:
    beat = Beat(index=0, start=1.0, end=5.0, characters=("ANA",))
    assert stage_spans(beat, "ANA") == [(1.0, 5.0)]
    assert stage_spans(beat, "BEN") == []
    assert on_stage_at(beat, 5.0) == ("ANA",)  # the beat's last moment is still in it
    late = beat.model_copy(
        update={"stage": (StageChange(character="ANA", time=2.0, change="enters"),)}
    )
    assert stage_spans(late, "ANA") == [(2.0, 5.0)]
    assert on_stage_at(late, 1.5) == ()
    assert on_stage_at(late, 2.0) == ("ANA",)


def test_a_beat_without_changes_writes_no_stage_field() -> None:
    scene = parse_script("ANA: Hi.\nBEN: Hello.\n", format="text")
    assert "stage" not in scene.beats[0].model_dump(mode="json", exclude_defaults=False)


def test_dialogue_json_actions_bring_characters_on_and_off() -> None:
    import json

    document = {
        "characters": ["ANA", "BEN"],
        "turns": [
            {"speaker": "ANA", "text": "Are you staying?"},
            {"action": "Ben leaves."},
            {"speaker": "ANA", "text": "Typical."},
            {"action": "CLEO walks in."},
            {"speaker": "CLEO", "text": "Where is he?"},
        ],
    }
    scene = parse_script(json.dumps(document), format="json")
    assert [(c.character, c.change) for c in scene.beats[0].stage] == [
        ("BEN", "exits"),
        ("CLEO", "enters"),
    ]
    typical, where = scene.utterances[1:]
    assert typical.addressees == ("BEN",)  # called after him
    assert where.addressees == ("ANA",)


def test_a_voice_off_screen_is_heard_and_answered_but_not_on_stage() -> None:
    from motiondirector import plan_text
    from motiondirector.evaluation.metrics import naturalness

    script = (
        "INT. KITCHEN - DAY\n\nAna chops onions. Leo reads.\n\nBEN (O.S.)\nAna? Where are the "
        "keys?\n\nANA\nIn the drawer!\n\nLEO\nHe never finds them.\n"
    )
    scene = parse_script(script, format="fountain")
    keys, drawer, never = scene.utterances
    assert scene.beats[0].characters == ("ANA", "LEO")
    assert "BEN" in scene.characters
    assert keys.addressees == ("ANA",) and scene.attending()[keys.id] == ("ANA", "LEO")
    assert drawer.addressees == ("BEN",)  # answering the voice, not Leo beside her
    assert never.addressees == ("ANA",)
    plan = plan_text(script, format="fountain")
    ben = {e.channel for e in plan.character("BEN").events}
    assert "gaze" not in ben and "posture" not in ben and "face" in ben  # heard, not seen
    # No time on stage: Ben is left out of the blink rate, not counted as never blinking.
    per_minute = [
        60
        * sum(1 for e in plan.character(name).events if getattr(e, "au", None) == 45)
        / plan.scene.duration
        for name in ("ANA", "LEO")
    ]
    rate = naturalness(plan)["blink_rate_per_min"]
    assert rate == pytest.approx(sum(per_minute) / 2)


def test_a_character_known_by_a_role_comes_and_goes_by_it() -> None:
    script = (
        "INT. HOSPITAL CORRIDOR - NIGHT\n\nANA waits by the door.\n\nANA\nWhere is he?\n\n"
        "A DOCTOR enters, holding a chart.\n\nDOCTOR\nHe is stable.\n\n"
        "The doctor nods to Ana and leaves. Ana heads out after him.\n"
    )
    assert changes(script) == [
        ("DOCTOR", "enters", "a2"),
        ("DOCTOR", "exits", "a3"),  # "the doctor" is DOCTOR
        ("ANA", "exits", "a3"),  # "heads out"
    ]


def test_a_role_who_never_speaks_comes_and_goes_by_its_title() -> None:
    # Cast as THE NURSE (a person noun doing anything); "A NURSE" is the nurse again.
    script = (
        "INT. HOSPITAL ROOM - DAY\n\nGRACE lies in bed.\n\nGRACE\nWater?\n\n"
        "A NURSE enters, checks the monitor and leaves without a word.\n"
    )
    assert changes(script) == [("THE NURSE", "enters", "a2"), ("THE NURSE", "exits", "a2")]


def test_going_out_in_the_line_that_first_names_someone_brings_them_on() -> None:
    script = (
        "INT. HOSPITAL CORRIDOR - NIGHT\n\nMARCUS paces.\n\nMARCUS\nWell?\n\n"
        "The door opens. DR. OKAFOR (50s) steps out.\n\nDR. OKAFOR\nMr. Hale?\n\n"
        "Marcus steps out.\n"
    )
    assert changes(script) == [("DR. OKAFOR", "enters", "a2"), ("MARCUS", "exits", "a3")]
    scene = parse_script(script, format="fountain")
    assert scene.utterances[0].addressees == ()  # the doctor is not there yet


def test_whoever_a_line_first_names_after_a_door_is_opened_comes_on_there() -> None:
    script = (
        "INT. APARTMENT - MORNING\n\nGARY stares at the toaster. LINDA eats a banana.\n\n"
        "LINDA\nYour turn.\n\nGary shuffles to the door. He opens it. MRS. PATEL (70s), their "
        "landlady, holds out a toaster.\n\nMRS. PATEL\nI heard screaming.\n"
    )
    assert changes(script) == [("MRS. PATEL", "enters", "a2")]
    scene = parse_script(script, format="fountain")
    patel = scene.beats[0].stage[0]
    assert patel.time > scene.actions[1].start  # at her name, after the door opened
    assert "MRS. PATEL" not in scene.utterances[0].addressees
    # Doors that slide open, and a verbless introduction after them.
    arrivals = (
        "INT. ARRIVALS - DAY\n\nSOFIA (10) waits.\n\nSOFIA\nWhere is he?\n\nThe doors slide "
        "open. Travelers stream out. Then: SERGEANT MARCUS REED (30s), in uniform.\n\n"
        "SOFIA\nDaddy!\n\nMARCUS\nLook at you!\n"
    )
    assert changes(arrivals) == [("MARCUS", "enters", "a2")]
    # No door opened, or one named before it: nobody is brought on.
    assert changes(script.replace("He opens it.", "He waits.")) == []
    assert changes(script.replace("LINDA eats", "MRS. PATEL (70s) and LINDA eat")) == []


def test_whoever_a_later_line_first_names_in_a_doorway_comes_on_there() -> None:
    script = (
        "INT. BEDROOM - NIGHT\n\nAVA (20s) is on the bed, phone to her ear.\n\nAVA\n"
        "(into phone)\nNo, I get it.\n\nHer roommate, ELLIE (20s), is in the doorway with two "
        "mugs of cocoa.\n\nELLIE\nHey. You okay?\n"
    )
    assert changes(script) == [("ELLIE", "enters", "a2")]
    scene = parse_script(script, format="fountain")
    assert scene.beats[0].stage[0].time > scene.actions[1].start  # at her name
    for placed in ("stands at the door", "leans in the kitchen doorway", "fills the doorway"):
        assert changes(script.replace("is in the doorway", placed)) == [("ELLIE", "enters", "a2")]
    # Knocking is done from outside; a doorway in another sentence is not hers.
    assert changes(script.replace("is in the doorway", "knocks on the door")) == []
    assert changes(script.replace("is in the doorway with", "holds")) == []
    other = script.replace(
        "is in the doorway with two mugs", "holds two mugs. A cat sits in the doorway"
    )
    assert changes(other) == []
    # In the line that opens the scene, the doorway is where she is when it opens.
    opening = (
        "INT. BEDROOM - NIGHT\n\nELLIE (20s) leans in the doorway. AVA (20s) is on the bed."
        "\n\nELLIE\nHey.\n"
    )
    assert changes(opening) == []


def test_a_voice_on_the_phone_named_in_quotes_or_spoken_to_stays_off_stage() -> None:
    # "mouths "Your mom?"" put Mom, a voice on the phone, in the kitchen.
    scene = parse_script(
        "INT. KITCHEN - NIGHT\n\nNORA paces, phone to her ear.\n\nMOM (V.O.)\nYour sister "
        'is coming.\n\nALEX comes in. He mouths "Your mom?" Nora nods.\n\nNORA\n(into phone)'
        "\nI have to go.\n",
        format="fountain",
    )
    assert scene.beats[0].characters == ("NORA", "ALEX")
    # Dialogue JSON's addressees: one who is only heard in the beat is spoken to from afar.
    scene = parse_script(
        '{"turns": [{"speaker": "MOM", "extension": "V.O.", "text": "Call me."},'
        ' {"speaker": "NORA", "text": "Fine, Mom.", "addressees": ["MOM"]}]}',
        format="json",
    )
    assert scene.beats[0].characters == ("NORA",)


def test_gone_in_a_second_is_gone() -> None:
    scene = parse_script(
        "INT. BAR - NIGHT\n\nJAX and LILA stand at the bar.\n\nLILA\nGo!\n\nJax wriggles free "
        "and is gone in a second.\n\nLILA\nWow.\n",
        format="fountain",
    )
    assert [(c.character, c.change) for c in scene.beats[0].stage] == [("JAX", "exits")]
