"""Action lines with several characters: plural subjects, looks at each other, "they" beside
someone named, and the verbs of the library scenes (fidget, slide, lower the voice)."""

from __future__ import annotations

from motiondirector import plan_text
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel
from tests.planners.test_actions import read

CAST = ("ANA", "BEN", "BRICK", "STEEL")


def test_a_counted_group_is_the_last_list_of_that_many_names() -> None:
    assert read("Ana, Ben and Brick sit down.", "The three of them look at each other.")[1] == [
        ("ANA", "gaze", "BEN"),
        ("BEN", "gaze", "BRICK"),
        ("BRICK", "gaze", "ANA"),
    ]
    assert read("Ana and Ben sit.", "Both nod.")[1] == [("ANA", "nod", None), ("BEN", "nod", None)]
    assert read("Brick and Steel sit.", "The two of them laugh.")[1][0][0] == "BRICK"


def test_a_counted_group_is_not_whom_it_acts_on() -> None:
    # Ana is mentioned last, but "her" is Ana: "they both" are the two mentioned before her.
    got = read("Steel sits. Ben sits. Brick sits. Ana walks in.", "They both stare at her.")[1]
    assert got == [("BEN", "gaze", "ANA"), ("BRICK", "gaze", "ANA")]


def test_a_counted_group_without_such_a_list_is_the_last_mentioned_else_everyone() -> None:
    # "Marcus kneels. Lena stands guard. They both hold their breath": not the guard too.
    got = read("Brick kneels. Ana stands guard.", "They both hold their breath.")[1]
    assert [name for name, _, _ in got] == ["ANA", "BRICK"]
    got = read("Both nod.")[0]
    assert [name for name, _, _ in got] == list(CAST)


def test_names_set_off_by_commas_are_the_subject_and_what_the_noun_before_them_calls() -> None:
    lines = read("Their kids, BRICK and STEEL, sit across from Ana.", "The kids cheer.")
    assert lines[0] == [("BRICK", "sit", None), ("STEEL", "sit", None)]
    assert lines[1] == [("BRICK", "fist_pump", None), ("STEEL", "fist_pump", None)]
    assert read("Her son, BEN, waves.")[0] == [("BEN", "wave", None)]
    # What each of them is may stand between the names: both sit.
    got = read("ANA (30s), the bride, and BEN (30s), the groom, sit.")[0]
    assert got == [("ANA", "sit", None), ("BEN", "sit", None)]
    # What they were introduced as names them after "the" from then on.
    lines = read("ANA (30s), the bride, and BEN (30s), the groom, sit.", "The bride laughs.")
    assert ("ANA", "toss", None) in lines[1]
    assert read("The bride laughs.")[0] == []  # no one was introduced so
    # Kin set off before the name: "Their daughter, ANA (16),", "Her little brother, BEN,".
    lines = read(
        "Their daughter, ANA (16), sits. Her little brother, BEN (9), waits.",
        "Brick squeezes his daughter's hand. Ana hugs her brother.",
    )
    assert lines[1] == [("BRICK", "handshake", "ANA"), ("ANA", "hug", "BEN"), ("BEN", "hug", None)]
    # The role may come first, in capitals: "The BRIDE, Ana (30s),".
    lines = read("The BRIDE, Ana (30s), sits.", "The bride laughs.")
    assert lines[0] == [("ANA", "sit", None)]
    assert ("ANA", "toss", None) in lines[1]
    # A name after the verb's object is no subject of the verb after the comma.
    assert read("Ben hugs Ana, smiles.")[0] == [
        ("BEN", "hug", "ANA"),
        ("ANA", "hug", None),
        ("BEN", "AU6", None),
        ("BEN", "AU12", None),
    ]


def test_a_place_before_a_verb_of_posture_puts_its_subject_after_it() -> None:
    got = read("Around the table sit BEN, BRICK and STEEL.")[0]
    assert got == [("BEN", "sit", None), ("BRICK", "sit", None), ("STEEL", "sit", None)]
    assert read("At the bar stands Ana.")[0] == [("ANA", "stand", None)]


def test_the_others_are_all_but_who_just_acted() -> None:
    got = read("Ana leaves. The others sigh.")[0]
    assert {name for name, lexeme, _ in got if lexeme == "breathe"} == {"BEN", "BRICK", "STEEL"}


def test_a_counted_group_after_the_is_people_met_before() -> None:
    got = read("Ana waits. Ben waits.", "The two men face each other.", cast=("ANA", "BEN"))[1]
    assert ("ANA", "gaze", "BEN") in got and ("BEN", "gaze", "ANA") in got
    assert read("Two men walk in.", cast=("ANA", "BEN"))[0] == []  # new people


def test_someones_group_is_everyone_but_them() -> None:
    got = read("Ana tells a joke. Her friends laugh.")[0]
    assert {name for name, lexeme, _ in got if lexeme == "toss"} == {"BEN", "BRICK", "STEEL"}
    got = read("Brick's men cheer.")[0]
    assert {name for name, _, _ in got} == {"ANA", "BEN", "STEEL"}
    # No one's: everyone on stage.
    assert {name for name, _, _ in read("The friends cheer.")[0]} == set(CAST)


def test_they_beside_someone_named_are_the_others() -> None:
    got = read("Ana walks over as they fidget.")[0]
    assert ("ANA", "walk", None) in got
    assert {name for name, lexeme, _ in got if lexeme == "rub_hands"} == {"BEN", "BRICK", "STEEL"}
    got = read("Ana sits.", "Startled, they stop and see that she stands.")[1]
    assert {name for name, lexeme, _ in got if lexeme == "idle"} == {"BEN", "BRICK", "STEEL"}
    assert ("ANA", "stand", None) in got
    # Alone, "they" is everyone on stage.
    assert {name for name, _, _ in read("They fidget.")[0]} == set(CAST)
    # Unless the one named took the hand of one of them: then they go together.
    got = read("Ana grabs his hand and they bolt for the stairs.", cast=("ANA", "BEN"))[0]
    assert {name for name, lexeme, _ in got if lexeme == "run"} == {"ANA", "BEN"}


def test_they_are_the_names_the_script_listed_last() -> None:
    # "He gives Nar and Yor an evil glare. They extend their palms out": Nar and Yor.
    got = read("Ana gives Ben and Brick an evil glare.", "They shrug.")[1]
    assert got == [("BEN", "shrug", None), ("BRICK", "shrug", None)]
    # Naming the listed ones on their own keeps the list; so does one other character.
    got = read("Ana, Ben and Brick sit.", "Ana is tired.", "Steel walks over.", "They fidget.")
    assert {name for name, lexeme, _ in got[3] if lexeme == "rub_hands"} == {"ANA", "BEN", "BRICK"}
    assert {name for name, _, _ in read("Ana and Ben sit.", "They read.")[1]} == {"ANA", "BEN"}


def test_they_are_everyone_again_once_two_others_are_named() -> None:
    got = read("Ana and Ben sit.", "Brick stands.", "Steel stands.", "They fidget.")[3]
    assert {name for name, _, _ in got} == set(CAST)
    # A listed character off stage: the list is no longer whom "they" means.
    got = read("Ana and Ben sit.", "They fidget.", cast=("ANA", "BRICK", "STEEL"))[1]
    assert {name for name, _, _ in got} == {"ANA", "BRICK", "STEEL"}


def test_a_line_of_dialogue_between_keeps_whom_they_mean() -> None:
    # STEEL is named in the action; PATRON only speaks: one other, the list holds.
    script = (
        "INT. LIBRARY - DAY\n\nANA, BEN and BRICK sit at a table. STEEL stands at the desk.\n\n"
        "ANA\nHmm.\n\nSTEEL\nShh!\n\nPATRON\nShh!\n\nBRICK\nSorry.\n\n"
        "They return to their studies.\n\n"
        "ANA\nOkay.\n"
    )
    plan = plan_text(script, format="fountain")
    readers = {
        track.name
        for track in plan.characters
        for event in track.events
        if getattr(event, "lexeme", None) == "read" and event.source.rule == "rules.action"
    }
    assert readers == {"ANA", "BEN", "BRICK"}


def test_a_group_does_not_become_the_last_one_mentioned() -> None:
    # "He" is Ben, who was named on his own, not the group's last member.
    got = read("Ben and Ana sit.", "Ben takes the paper.", "The two of them nod.", "He sits.")
    assert got[3] == [("BEN", "sit", None)]


def test_reciprocal_looks() -> None:
    # Any look at each other, not only "look" and "glance": stare, gaze, peer, glare.
    for line in ("Ana and Ben stare at each other.", "Ana and Ben gaze into each other's eyes."):
        assert read(line)[0] == [("ANA", "gaze", "BEN"), ("BEN", "gaze", "ANA")], line
    assert read("Ana and Ben exchange glances.")[0] == [
        ("ANA", "gaze", "BEN"),
        ("BEN", "gaze", "ANA"),
    ]
    assert read("Ana and Ben trade looks.")[0] == [("ANA", "gaze", "BEN"), ("BEN", "gaze", "ANA")]
    assert read("Ana and Ben exchange excited whispers.")[0] == [
        ("ANA", "lean_forward", None),
        ("BEN", "lean_forward", None),
        ("ANA", "gaze", "BEN"),
        ("BEN", "gaze", "ANA"),
    ]


def test_a_look_given_is_a_look_at_whom_it_is_given() -> None:
    assert read("Ben gives Ana a furtive look.", "Ana gives him a look.") == [
        [("BEN", "gaze", "ANA")],
        [("ANA", "gaze", "BEN")],
    ]
    assert read("Ben gestures with his eyes to Ana.")[0] == [("BEN", "gaze", "ANA")]
    assert read("Ben gestures to Ana.")[0] == [("BEN", "point", "ANA")]


def test_library_verbs() -> None:
    assert read(
        "Ben lowers his voice.",
        "Ana fidgets.",
        "Ben slides the paper back and forth on the table in a rhythm.",
        "Ana slides the keys across to Ben.",
        "Ben slides the glass onto the table.",
        "The door slides open.",
        "Ben lowers his head.",
    ) == [
        [("BEN", "lean_forward", None)],
        [("ANA", "rub_hands", None)],
        [("BEN", "beat", None)],
        [("ANA", "give", "BEN")],
        [("BEN", "put_down", None)],
        [],
        [("BEN", "lower", None)],
    ]


def test_they_looking_at_one_of_them_are_the_others() -> None:
    got = read("Ana sits.", "They glance over to see her.")[1]
    assert got == [("BEN", "gaze", "ANA"), ("BRICK", "gaze", "ANA"), ("STEEL", "gaze", "ANA")]


def test_all_eyes_and_their_eyes_are_the_others_and_their_is_the_last_list() -> None:
    lines = read(
        "Ana stands. All eyes turn to her.",
        "Their eyes turn to Brick.",
        "Brick and Steel sit. Their eyes meet.",
    )
    assert {(name, target) for name, what, target in lines[0] if what == "gaze"} == {
        ("BEN", "ANA"),
        ("BRICK", "ANA"),
        ("STEEL", "ANA"),
    }
    assert {name for name, _, target in lines[1] if target == "BRICK"} == {"ANA", "BEN", "STEEL"}
    assert [(n, t) for n, what, t in lines[2] if what == "gaze"] == [
        ("BRICK", "STEEL"),
        ("STEEL", "BRICK"),
    ]


def test_a_toast_of_everyone_but_one_who_drains_hers() -> None:
    got = read("Everyone raises their glasses except Ana, who drains hers.")[0]
    assert {(name, what) for name, what, _ in got} == {
        ("BEN", "salute"),
        ("BRICK", "salute"),
        ("STEEL", "salute"),
        ("ANA", "drink"),
    }


def test_a_group_said_with_a_or_a_count_is_new_people_and_a_crowd_cue_is_no_she() -> None:
    # "A dozen FRIENDS leap out" are people not met before: not Ana, who is surprised.
    assert read("A dozen friends leap out.", "Two men walk in.")[:2] == [[], []]
    assert {name for name, _, _ in read("The friends cheer.")[0]} == set(CAST)
    # A line said by EVERYONE with no one there to say it makes a character EVERYONE: the
    # crowd who cheers is not whom Tess then hugs.
    cast = ("NINA", "TESS", "EVERYONE")
    lines = read("Nina steps in.", "Everyone cheers.", "Tess hugs her tight.", cast=cast)
    assert lines[2] == [("TESS", "hug", "NINA"), ("NINA", "hug", None)]


def test_two_who_hug_or_shake_hands_with_no_one_named_do_it_with_each_other() -> None:
    assert read("Ana and Ben hug.", "Ana and Ben shake hands.", "Ana and Ben hug Brick.") == [
        [("ANA", "hug", "BEN"), ("BEN", "hug", "ANA")],
        [("ANA", "handshake", "BEN"), ("BEN", "handshake", "ANA")],
        [("ANA", "hug", "BRICK"), ("BEN", "hug", "BRICK"), ("BRICK", "hug", None)],
    ]


def test_a_group_of_men_or_women_is_of_that_gender() -> None:
    got = read("Ana giggles.", "Both girls freeze.", cast=("ANA", "MAY", "DAD"))[1]
    assert {name for name, _, _ in got} == {"ANA", "MAY"}
    got = read("Both men nod.", cast=("ANA", "BEN", "DAD"))[0]
    assert {name for name, _, _ in got} == {"BEN", "DAD"}


def test_one_asleep_is_no_one_of_a_group_that_reacts() -> None:
    cast = ("ANA", "BEN", "BRICK")
    got = read("Ana smiles at Ben.", "Brick snores loudly.", "They both laugh.", cast=cast)[2]
    assert {name for name, _, _ in got} == {"ANA", "BEN"}
    got = read("Brick dozes.", "Everyone laughs.", "Brick wakes up.", "Everyone laughs.", cast=cast)
    assert {name for name, _, _ in got[1]} == {"ANA", "BEN"}
    assert {name for name, _, _ in got[3]} == set(cast)


def test_eyes_squeezed_shut_are_the_verbs_not_the_eyes_own() -> None:
    # Read as the eyes' own too, "his eyes shut" went to whoever "his" might be (the robber).
    cast = ("BEN", "CARL")
    got = read("Ben presses the gun to Carl's temple.", "Carl squeezes his eyes shut.", cast=cast)[
        1
    ]
    assert got == [("CARL", "AU43", None), ("CARL", "AU4", None)]


def test_they_are_not_one_the_script_has_not_named_yet() -> None:
    # "They clink bottles. A DRUNK GUY stumbles between them.": not him yet.
    got = read("Ana hands Ben a beer.", "They clink bottles.", "Brick stumbles between them.")
    assert {name for name, _, _ in got[1]} == {"ANA", "BEN"}
    # With fewer than two named, "they" is still everyone on stage.
    assert {name for name, _, _ in read("Ana sits.", "They fidget.")[1]} == set(CAST)


def test_they_are_not_whom_a_later_line_brings_on() -> None:
    script = (
        "INT. APARTMENT - MORNING\n\nGARY stares at the toaster. LINDA eats a banana.\n\n"
        "LINDA\nMorning.\n\nThe doorbell rings. They exchange a look.\n\nLINDA\nYour turn.\n\n"
        "Gary shuffles to the door. He opens it. MRS. PATEL (70s) holds out a toaster.\n\n"
        "MRS. PATEL\nI heard screaming.\n"
    )
    scene = parse_script(script, format="fountain")
    looks = RulesPlanner(KeywordEmotionModel()).plan_actions(scene)[1].behaviours
    assert {(b.character, b.target) for b in looks} == {("GARY", "LINDA"), ("LINDA", "GARY")}
