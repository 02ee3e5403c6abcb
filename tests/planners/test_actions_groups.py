"""Action lines with several characters: plural subjects, looks at each other, "they" beside
someone named, and the verbs of the library scenes (fidget, slide, lower the voice)."""

from __future__ import annotations

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


def test_a_counted_group_without_such_a_list_is_everyone_on_stage() -> None:
    got = read("Both nod.")[0]
    assert [name for name, _, _ in got] == list(CAST)


def test_they_beside_someone_named_are_the_others() -> None:
    got = read("Ana walks over as they fidget.")[0]
    assert ("ANA", "walk", None) in got
    assert {name for name, lexeme, _ in got if lexeme == "rub_hands"} == {"BEN", "BRICK", "STEEL"}
    got = read("Ana sits.", "Startled, they stop and see that she stands.")[1]
    assert {name for name, lexeme, _ in got if lexeme == "idle"} == {"BEN", "BRICK", "STEEL"}
    assert ("ANA", "stand", None) in got
    # Alone, "they" is everyone on stage.
    assert {name for name, _, _ in read("They fidget.")[0]} == set(CAST)


def test_a_group_does_not_become_the_last_one_mentioned() -> None:
    # "He" is Ben, who was named on his own, not the group's last member.
    got = read("Ben and Ana sit.", "Ben takes the paper.", "The two of them nod.", "He sits.")
    assert got[3] == [("BEN", "sit", None)]


def test_reciprocal_looks() -> None:
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
