"""Action-line reading: verb forms, subjects, pronouns, groups, targets."""

from __future__ import annotations

import pytest

from motiondirector.planners.actions import ActionParser, NameIndex, ReferenceTracker, role_names
from motiondirector.planners.cues import load_cue_lexicon, verb_forms

CAST = ("ANA", "BEN", "BRICK", "STEEL")


def _face_or_gaze(au: int | None) -> str:
    return "gaze" if au is None else f"AU{au}"


def read(*lines: str, cast: tuple[str, ...] = CAST) -> list[list[tuple[str, str, str | None]]]:
    """(character, lexeme-or-AU, target) per line, one tracker across the lines."""
    parser = ActionParser(load_cue_lexicon())
    names, tracker = NameIndex(cast), ReferenceTracker()
    out = []
    for line in lines:
        cues = parser.parse(line, names, tracker, cast)
        out.append(
            [
                (c.character, c.template.lexeme or _face_or_gaze(c.template.au), c.target)
                for c in cues
            ]
        )
    return out


@pytest.mark.parametrize(
    ("verb", "irregular", "forms"),
    [
        ("cross", (), {"cross", "crosses", "crossed", "crossing"}),
        ("nod", (), {"nod", "nods", "nodded", "nodding"}),
        ("wave", (), {"wave", "waves", "waved", "waving"}),
        ("cry", (), {"cry", "cries", "cried", "crying"}),
        ("beckon", (), {"beckon", "beckons", "beckoned", "beckoning"}),
        ("sit", ("sat",), {"sit", "sits", "sat", "sitting"}),
        ("tango", (), {"tangoes", "tangoed", "tangoing"}),
        ("coo", (), {"coos", "cooed", "cooing"}),
        ("shoo", (), {"shoos"}),
    ],
)
def test_verb_forms(verb: str, irregular: tuple[str, ...], forms: set[str]) -> None:
    assert forms <= verb_forms(verb, irregular)


@pytest.mark.parametrize("form", ["crosses", "crossed", "crossing"])
def test_every_verb_form_is_read(form: str) -> None:
    assert read(f"Ana {form} her arms.") == [[("ANA", "cross_arms", None)]]


def test_the_object_picks_the_meaning() -> None:
    assert read("Ben shakes his head.", "Ben shakes his fist.", "Ben shakes Ana's hand.") == [
        [("BEN", "shake", None)],
        [("BEN", "fist_shake", None)],
        [("BEN", "handshake", "ANA")],
    ]
    assert read("Ben shakes his leg.") == [[]]


def test_pronouns_follow_gender_learnt_from_earlier_lines() -> None:
    lines = read("Ana crosses her arms.", "Ben looks at the map.", "She sighs. He nods.")
    assert lines[2] == [("ANA", "breathe", None), ("ANA", "lower", None), ("BEN", "nod", None)]


def test_pronoun_without_gender_falls_back_to_the_last_mentioned() -> None:
    assert read("Brick enters. Steel enters. He sits.")[0][-1] == ("STEEL", "sit", None)


def test_a_pronoun_means_the_last_sentence_subject_before_its_object() -> None:
    assert read("Ben looks at Steel.", "He nods.")[1] == [("BEN", "nod", None)]
    # "He gives Nar and Yor an evil glare. They extend their palms out. Charya points at him."
    got = read("Ben gives Brick and Steel an evil glare.", "They shrug.", "Ana points at him.")
    assert got[2] == [("ANA", "point", "BEN")]
    # Inside one sentence the nearest still wins.
    assert read("Steel looks at Ben and he nods.")[0][-1] == ("BEN", "nod", None)
    # A clause of time after "him" is about him: "watches him until he is gone".
    held = read("Ben crosses his arms. Steel sits.", "Ben holds him as he cries.")[1]
    assert ("STEEL", "AU15", None) in held and ("BEN", "AU15", None) not in held
    assert read("Steel sits.", "Ben sighs as he stands.")[1][-1] == ("BEN", "stand", None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Ana sits. Tears run down her face.",
            [
                ("ANA", "sit", None),
                ("ANA", "AU1", None),
                ("ANA", "AU15", None),
                ("ANA", "lower", None),
            ],
        ),
        (
            "Tears stream down Ben's cheeks.",
            [("BEN", "AU1", None), ("BEN", "AU15", None), ("BEN", "lower", None)],
        ),
        ("Ana studies the enemy ship.", [("ANA", "gaze", "away")]),
        ("Ben holds it out to Ana.", [("BEN", "give", "ANA")]),
        ("Ben holds out his arms.", [("BEN", "hug", None)]),
        ("Ana presses her forehead against the wheel.", [("ANA", "lower", None)]),
        ("Ben hammers at the console.", [("BEN", "write", None)]),
        ("Ben claps Ana on the shoulder.", [("BEN", "hug", "ANA")]),
        ("Ben claps.", [("BEN", "clap", None)]),
        ("Ana picks at the tape on her wrist.", [("ANA", "rub_hands", None)]),
        ("Ana opens her mouth, closes it.", [("ANA", "AU25", None), ("ANA", "AU26", None)]),
        ("Ana turns the key and pulls out into the rain.", []),
        ("Ana gives the smallest smile.", [("ANA", "AU6", None), ("ANA", "AU12", None)]),
        (
            "Ben flashes his best grin.",
            [("BEN", "AU6", None), ("BEN", "AU12", None), ("BEN", "AU25", None)],
        ),
    ],
)
def test_lines_of_tears_offers_fidgets_and_held_looks(
    line: str, expected: list[tuple[str, str, str | None]]
) -> None:
    got = read(line)[0]
    assert got == expected


def test_the_smallest_smile_is_small() -> None:
    parser = ActionParser(load_cue_lexicon())
    cues = parser.parse("Ana gives the smallest smile.", NameIndex(CAST), ReferenceTracker(), CAST)
    assert max(c.template.intensity for c in cues) < 0.4


def test_whom_a_look_goes_past_or_over_is_not_its_target() -> None:
    assert read("Ben glances past Ana at the door.")[0] == [("BEN", "gaze", "away")]
    assert read("Ben looks up over Ana's shoulder.")[0] == [("BEN", "gaze", "up")]
    assert read("Ben looks over at Ana.")[0] == [("BEN", "gaze", "ANA")]
    assert read("Ben stares at Ana's shoulder.")[0] == [("BEN", "gaze", "ANA")]


def test_object_pronoun_is_someone_else() -> None:
    # Whom he hugs holds on too.
    assert read("Ana cries. Ben hugs her.")[0][-2:] == [("BEN", "hug", "ANA"), ("ANA", "hug", None)]


def test_groups_are_everyone_on_stage() -> None:
    cast = ("BRICK", "STEEL")
    for line in ("They nod.", "The men nod.", "Both nod.", "The two of them nod."):
        assert read(line, cast=cast) == [[("BRICK", "nod", None), ("STEEL", "nod", None)]]


def test_coordinated_names_and_verbs() -> None:
    assert read("Brick and Steel get into the car.", cast=("BRICK", "STEEL")) == [
        [("BRICK", "sit", None), ("STEEL", "sit", None)]
    ]
    assert read("Ben turns and looks at Ana.")[0] == [("BEN", "turn", None), ("BEN", "gaze", "ANA")]


def test_an_object_name_is_not_the_next_subject() -> None:
    cues = read("Ben looks at Ana and smiles.")[0]
    assert {c[0] for c in cues} == {"BEN"}


def test_names_are_case_insensitive_and_full_names_match() -> None:
    assert read("brick waves.")[0] == [("BRICK", "wave", None)]
    assert read("BRICK BRADDOCK stands up.")[0] == [("BRICK", "stand", None)]


def test_a_quantifier_after_a_verb_opens_its_object() -> None:
    # "They stop all motion": "all" is no group doing "motion".
    assert all(lexeme != "wave" for _, lexeme, _ in read("Ana avoids all waves.")[0])
    assert {name for name, _, _ in read("They all nod.")[0]} == {"ANA", "BEN", "BRICK", "STEEL"}


def test_a_verb_after_its_manner_and_a_hyphen_is_that_verb() -> None:
    assert read("Ana and Ben slow-dance by the window.")[0] == [
        ("ANA", "dance", None),
        ("BEN", "dance", None),
    ]
    parser = ActionParser(load_cue_lexicon())
    half, whole = (
        {
            c.template.au: c.template.intensity
            for c in parser.parse(line, NameIndex(CAST), ReferenceTracker(), CAST)
        }
        for line in ("Ana half-smiles.", "Ana smiles.")
    )
    assert half[12] == pytest.approx(whole[12] * 0.5)


def test_a_name_after_a_kin_noun_joins_the_list() -> None:
    # "JAMAL (20s) and his girlfriend PRIYA (20s) slow-dance by the window."
    assert read("Ana and her brother Ben sit.")[0] == [("ANA", "sit", None), ("BEN", "sit", None)]


def test_unknown_subjects_produce_nothing() -> None:
    assert read("The dog runs to the door. A brick falls. Nobody moves.") == [[]]


def test_a_role_is_named_after_the_but_a_name_is_not() -> None:
    cast = ("ANA", "DOCTOR", "BRICK")
    lines = (
        "A DOCTOR enters. The doctor sits next to Ana.",
        "Ana glances at the doctor. Ana and Brick look at the brick.",
        "A doctor passes by.",
        "Ana greets Doctor Hill.",
    )
    parser = ActionParser(load_cue_lexicon())
    # Brick is written as a name ("and Brick look"): "the brick" is a thing. The doctor is
    # only ever written as what he is.
    roles = role_names(cast, lines)
    assert roles == {"DOCTOR"}
    names, tracker = NameIndex(cast, roles=roles), ReferenceTracker()
    read_out = [
        [
            (c.character, c.template.lexeme, c.target)
            for c in parser.parse(line, names, tracker, cast)
        ]
        for line in lines
    ]
    assert read_out[0] == [("DOCTOR", "walk", None), ("DOCTOR", "sit", None)]
    assert read_out[1] == [("ANA", None, "DOCTOR"), ("ANA", None, "away"), ("BRICK", None, "away")]
    assert read_out[2] == []  # "a doctor" is another one; "Doctor Hill" is a title
    # Without the roles, "the doctor" is nobody (the index's default).
    assert read("The doctor sits.", cast=cast) == [[]]


def test_a_verb_form_after_a_preposition_is_a_noun() -> None:
    assert read("Ben, covered from head to toe, grins.")[0][0] == ("BEN", "AU6", None)
    assert read("Ben, hand on hip, from head to toe a soldier, nods.")[0] == [("BEN", "nod", None)]


def test_negated_verbs_produce_nothing() -> None:
    assert read("Ben does not nod.") == [[]]


def test_nouns_are_not_verbs() -> None:
    # No "him" known yet, nor a name on stage that says he: no one to look at.
    assert read("Ana gives him a look.", cast=("ANA", "BRICK", "STEEL")) == [[]]


def test_a_pronoun_before_anyone_of_its_gender_is_named_is_the_one_on_stage() -> None:
    assert read("Ana hands him the phone. He takes it reluctantly.", cast=("ANA", "BEN")) == [
        [("ANA", "give", "BEN"), ("BEN", "take", None)]
    ]
    # Two on stage whose names say he: none of them.
    assert read("Ana hands him the phone.", cast=("ANA", "BEN", "TOM"))[0] == [
        ("ANA", "give", None)
    ]


def test_a_ceased_behaviour_is_not_done() -> None:
    assert read(
        "Ana stops smiling.",
        "Ben ceases to nod.",
        "Ana stops walking.",
        "Ben stops.",
        "Ana stops to look at Ben.",
        "Ben quits pacing and sits down.",
    ) == [
        [],
        [],
        [("ANA", "idle", None)],
        [("BEN", "idle", None)],
        [("ANA", "idle", None), ("ANA", "gaze", "BEN")],
        [("BEN", "sit", None)],
    ]


def test_a_light_verb_does_what_its_noun_names() -> None:
    assert read(
        "Ana gives Ben a smile.",
        "Ben flashes a grin.",
        "Ana breaks into a wide grin.",
        "Ben shoots Ana a look.",
        "Ana gives Ben a hug.",
        "Ben lets out a sigh.",
        "Ana gives a speech.",
    ) == [
        [("ANA", "AU6", None), ("ANA", "AU12", None), ("ANA", "gaze", "BEN")],
        [("BEN", "AU6", None), ("BEN", "AU12", None), ("BEN", "AU25", None)],
        [("ANA", "AU6", None), ("ANA", "AU12", None), ("ANA", "AU25", None)],
        [("BEN", "gaze", "ANA")],
        [("ANA", "hug", "BEN")],
        [("BEN", "breathe", None), ("BEN", "lower", None)],
        [],
    ]


def intensities(line: str) -> dict[str, float]:
    parser = ActionParser(load_cue_lexicon())
    cues = parser.parse(line, NameIndex(CAST), ReferenceTracker(), CAST)
    return {c.template.lexeme or f"AU{c.template.au}": c.template.intensity for c in cues}


def test_degree_words_scale_the_behaviour() -> None:
    smile = intensities("Ana smiles.")["AU12"]
    assert intensities("Ana barely smiles.")["AU12"] == pytest.approx(smile * 0.5)
    assert intensities("Ana smiles slightly.")["AU12"] == pytest.approx(smile * 0.6)
    assert intensities("Ana gives Ben a faint smile.")["AU12"] == pytest.approx(smile * 0.5)
    assert intensities("Ana gives Ben a very small smile.")["AU12"] == pytest.approx(smile * 0.6)
    assert intensities("Ana smiles broadly.")["AU12"] == pytest.approx(min(1.0, smile * 1.4))
    nod = intensities("Ben nods.")["nod"]
    assert (
        intensities("Ben nods vigorously.")["nod"]
        > nod
        > intensities("Ben gives a small nod.")["nod"]
    )
    # An adjective that is not the behaviour's says nothing of it.
    assert intensities("Ana smiles at the big man.")["AU12"] == smile
    assert (
        intensities("Ben shakes his head frantically.")["shake"]
        > intensities("Ben shakes his head.")["shake"]
    )
    # Softly, gently, quietly: less of it ("laughs softly through his tears").
    laugh = intensities("Ben laughs.")["AU12"]
    assert intensities("Ben laughs softly.")["AU12"] == pytest.approx(laugh * 0.7)
    assert intensities("Ben nods gently.")["nod"] == pytest.approx(nod * 0.7)
    assert intensities("Ana gives Ben a gentle smile.")["AU12"] == pytest.approx(smile * 0.7)


def test_a_sentence_opening_with_a_noun_is_not_a_dropped_subject() -> None:
    assert read(
        "Ana turns to the stove. Smoke rises from the pan.",
        "Ben sits. Tears roll down his cheeks.",
        "Ana sits. Nods. Smiles at Ben.",
        "Ana waits. Waves crash against the rocks. Steps echo in the hall. Waves at Ben.",
    ) == [
        [("ANA", "turn", None)],
        # No roll of Ben's: the tears roll, down his cheeks, so he cries.
        [("BEN", "sit", None), ("BEN", "AU1", None), ("BEN", "AU15", None), ("BEN", "lower", None)],
        [
            ("ANA", "sit", None),
            ("ANA", "nod", None),
            ("ANA", "AU6", None),
            ("ANA", "AU12", None),
            ("ANA", "gaze", "BEN"),
        ],
        [("ANA", "idle", None), ("ANA", "wave", "BEN")],
    ]


def test_a_sentence_without_a_verb_still_names_whom_the_next_one_is_about() -> None:
    assert read("Ben is quiet. Smiles.") == [[("BEN", "AU6", None), ("BEN", "AU12", None)]]


def test_gaze_places() -> None:
    assert read(
        "Ana stares at the floor.",
        "Ben looks up at the sky.",
        "Ana looks at us.",
        "Ben looks out the window.",
        "Ana stares at the envelope.",
        "Ben looks upward.",
    ) == [
        [("ANA", "gaze", "down")],
        [("BEN", "gaze", "up")],
        [("ANA", "gaze", "camera")],
        [("BEN", "gaze", "away")],
        [("ANA", "gaze", "down")],
        [("BEN", "gaze", "up")],
    ]


def test_looking_up_with_no_place_named_looks_at_whom_the_scene_is_on() -> None:
    # "Priya types. Dev sits down. Priya finally glances up": at Dev.
    lines = read("Ana reads. Ben sits down.", "Ana finally glances up.", "Ben looks up.")
    assert lines[1] == [("ANA", "gaze", "BEN")]
    assert lines[2] == [("BEN", "gaze", "ANA")]


def test_lifting_ones_head_looks_at_someone_and_lifting_anothers_chin_at_them() -> None:
    lines = read("Ana sits. Ben stands.", "Ben lifts his head.", "Ana raises her eyes.")
    assert lines[1:] == [[("BEN", "gaze", "ANA")], [("ANA", "gaze", "BEN")]]
    assert read("Ana sits. Ben stands.", "Ben lifts her chin.")[1] == [("BEN", "gaze", "ANA")]
    assert read("Ben raises his eyes to the sky.")[0] == [("BEN", "gaze", "up")]


def test_a_sentence_going_on_with_a_look_looks_again() -> None:
    # So does such a clause after a comma; a look down a corridor is along it.
    got = read("Ana sits. Ben sits.", "Ana looks at the glass, then at him.")[1]
    assert got == [("ANA", "gaze", "down"), ("ANA", "gaze", "BEN")]
    got = read("Ana glances back at Ben, then down the corridor.", "Ana looks down the hall.")
    assert got == [[("ANA", "gaze", "BEN"), ("ANA", "gaze", "away")], [("ANA", "gaze", "away")]]
    assert read("Ana sits. Ben sits.", "Ana stares at the envelope. Then at him.")[1] == [
        ("ANA", "gaze", "down"),
        ("ANA", "gaze", "BEN"),
    ]
    assert read("Ana sits. Ben sits.", "Ana looks at her hands. Then back at Ben.")[1] == [
        ("ANA", "gaze", "down"),
        ("ANA", "gaze", "BEN"),
    ]
    assert read("Ana nods. Then at Ben.")[0] == [("ANA", "nod", None)]  # no look to go on with


def test_a_name_that_is_a_word_for_a_man_or_a_woman_says_their_gender() -> None:
    parser = ActionParser(load_cue_lexicon())
    cast = ["LILY", "MAX", "DAD"]
    names, tracker = NameIndex(cast), ReferenceTracker()
    for line in ("LILY and her little brother MAX crouch.", "Dad walks over. Suddenly he nods."):
        cues = parser.parse(line, names, tracker, cast)
    assert [(c.character, c.template.lexeme) for c in cues][-1] == ("DAD", "nod")


def test_a_look_at_it_goes_where_the_thing_named_last_is() -> None:
    lines = read(
        "A letter lies on the table. Ben glances at it.",
        "Ana stares at it.",
        "The moon rises. Ben gazes at it.",
        "The door creaks. The nurse waits. Ana watches it.",
        "Ana sits. She picks up her phone and looks at it.",
    )
    assert lines[0] == [("BEN", "gaze", "down")]
    assert lines[1] == [("ANA", "gaze", "down")]  # the letter still
    assert lines[2] == [("BEN", "gaze", "up")]
    assert lines[3] == [("ANA", "gaze", "away")]  # the door: the nurse is no thing
    assert ("ANA", "gaze", "down") in lines[4]
    # Taken in hand just before: "picks one up, squints at it".
    assert ("BEN", "gaze", "down") in read("Ben picks one up, squints at it.")[0]


def test_each_other() -> None:
    assert read("Ana and Ben look at each other.")[0] == [
        ("ANA", "gaze", "BEN"),
        ("BEN", "gaze", "ANA"),
    ]


def test_default_subject_for_parentheticals() -> None:
    parser = ActionParser(load_cue_lexicon())
    cues = parser.parse(
        "pointing at Ben", NameIndex(CAST), ReferenceTracker(), CAST, default_subject="ANA"
    )
    assert [(c.character, c.template.lexeme, c.target) for c in cues] == [("ANA", "point", "BEN")]


def test_asides_in_brackets_do_not_hide_the_subject() -> None:
    assert read("Ana (the librarian, 30s) walks over.")[0] == [("ANA", "walk", None)]


def test_a_stage_direction_in_brackets_is_read() -> None:
    # A play's "(She exits.)" and a sitcom's "(BEN ENTERS)" are the direction itself; an aside
    # in it ("(excited)") still says nothing.
    assert read(
        "(Ana slams a plate down. Ben nods.)",
        "(BEN ENTERS)",
        "Ben sits. (He nods.)",
        "(Ana (excited) waves at Ben.)",
        "(smiling)",
    ) == [
        [("ANA", "put_down", None), ("ANA", "AU4", None), ("BEN", "nod", None)],
        [("BEN", "walk", None)],
        [("BEN", "sit", None), ("BEN", "nod", None)],
        [("ANA", "wave", "BEN")],
        [],
    ]


def test_a_thing_held_up_is_shown() -> None:
    assert read("Ben finds the keys and holds them up.", "Ben holds Ana up.") == [
        [("BEN", "raise_hand", None)],
        [("BEN", "hug", "ANA")],
    ]


def test_she_after_a_list_is_the_one_whose_name_says_so() -> None:
    # HOLT says nothing of a gender: he stood nearer than Rosa, so "She" was Holt handing
    # himself the coffee. Named in one list, they are as near as each other.
    assert read("Rosa and Holt walk out together. She hands him a coffee.", cast=("ROSA", "HOLT"))[
        0
    ][-1] == ("ROSA", "give", "HOLT")


def test_what_is_set_off_after_a_name_no_one_acts_before_is_that_one_s() -> None:
    # Introductions by place or by the camera: the name is a preposition's object, and what
    # follows the comma is what that one is doing.
    cast = ("ROSA", "MARY", "JOHN", "BEN", "ANA")
    lines = read(
        "The bullpen is empty except for ROSA, hunched over a file.",
        "CLOSE ON Mary, asleep on the couch.",
        "At the bar, JOHN, sipping a beer.",
        "Ben stares at Ana, stunned.",  # someone acts first: the starer is stunned
        cast=cast,
    )
    assert ("ROSA", "lean_forward", None) in lines[0]
    assert ("MARY", "AU43", None) in lines[1]
    assert ("JOHN", "drink", None) in lines[2]
    assert {who for who, _, _ in lines[3]} == {"BEN"}


def test_catching_someone_at_something_sees_them_and_a_head_rests_on_a_chest() -> None:
    cast = ("NOAH", "JADE")
    assert read(
        "Jade catches Noah looking.",
        "Noah catches Jade.",
        "Jade rests her head on his chest.",
        cast=cast,
    ) == [
        [("JADE", "gaze", "NOAH")],
        [("NOAH", "take", "JADE")],
        [("JADE", "lean_forward", "NOAH"), ("JADE", "tilt", None)],
    ]


def test_a_sound_that_escapes_someone_is_theirs() -> None:
    cast = ("LENA", "MARCUS")
    laugh, sob, sigh, dog = read(
        "Lena looks at Marcus. A small laugh escapes her.",
        "A sob escapes Lena's lips.",
        "Marcus sits. A sigh escapes him.",
        "The dog escapes Marcus.",
        cast=cast,
    )
    assert ("LENA", "AU12", None) in laugh and ("LENA", "toss", None) in laugh
    assert sob == [("LENA", "AU1", None), ("LENA", "AU15", None), ("LENA", "lower", None)]
    assert ("MARCUS", "breathe", None) in sigh
    assert dog == []


def test_a_family_dinner_seats_its_list_calls_grandma_and_turns_all_heads() -> None:
    cast = ("GRANDMA ROSE", "PAUL", "LINDA")
    seated, rose, heads, grandma = read(
        "The whole family around the table: GRANDMA ROSE, her son PAUL and his wife LINDA.",
        "Grandma Rose keeps eating.",  # ROSE is her name, not "rose" from the table
        "All heads turn to Grandma.",  # the heads turn to her; nobody turns round
        "Paul looks at Grandma.",
        cast=cast,
    )
    assert seated == [(name, "sit", None) for name in cast]
    assert all(verb != "stand" for _, verb, _ in rose)
    assert heads == [("PAUL", "gaze", "GRANDMA ROSE"), ("LINDA", "gaze", "GRANDMA ROSE")]
    assert grandma == [("PAUL", "gaze", "GRANDMA ROSE")]


def test_a_bare_look_up_after_a_sound_above_looks_up() -> None:
    # "looks up" alone raises the eyes to whom the scene is on, unless the sentence before
    # put something up there.
    cast = ("KIM", "DEV")
    assert read("Dev sits. Something scrapes across the ceiling. Kim looks up.", cast=cast)[0][
        -1
    ] == ("KIM", "gaze", "up")
    assert read("Dev sits. A floorboard creaks upstairs. Kim looks up.", cast=cast)[0][-1] == (
        "KIM",
        "gaze",
        "up",
    )
    assert read("Dev sits. Kim looks up.", cast=cast)[0][-1] == ("KIM", "gaze", "DEV")
    assert read("They bolt back toward the door.", cast=cast)[0] == [
        ("KIM", "run", None),
        ("DEV", "run", None),
    ]


def test_a_kiss_on_the_top_of_her_head_is_given_to_her() -> None:
    lines = read("Alex enters. He kisses the top of her head.", cast=("NORA", "ALEX"))
    assert ("ALEX", "gaze", "NORA") in lines[0]


def test_noticing_with_nothing_named_notices_who_was_just_mentioned() -> None:
    cast = ("DAD", "EMMA")
    assert read(
        "Emma's foot starts tapping. Dad notices and smiles to himself.",
        "Dad notices the car.",
        cast=cast,
    ) == [
        [("DAD", "gaze", "EMMA"), ("DAD", "AU6", None), ("DAD", "AU12", None)],
        [("DAD", "gaze", "away")],
    ]


def test_a_backyard_a_dog_rolls_over_a_smile_breaks_through_and_one_ducks_to_hide() -> None:
    cast = ("OKAFOR", "BISCUIT", "JULIA")
    dog, smile, fades, duck, out = read(
        "Biscuit rolls onto his back.",
        "Okafor kneels. A small smile breaks through.",  # on whom the scene is
        "Okafor stands. The smile fades.",  # a face going is none coming
        "Julia ducks behind the fridge door.",  # hides, low
        "Julia ducks out.",  # goes, quickly
        cast=cast,
    )
    assert dog == [("BISCUIT", "lie", None)]
    assert ("OKAFOR", "AU12", None) in smile
    assert fades == [("OKAFOR", "stand", None)]
    assert duck == [("JULIA", "kneel", None)]
    assert out == [("JULIA", "walk", None)]


def test_scrolling_a_phone_reads_it_eyes_down() -> None:
    assert read("Claire scrolls through her phone.", cast=("CLAIRE",)) == [
        [("CLAIRE", "read", None), ("CLAIRE", "gaze", "down")]
    ]


def test_a_showdown_hands_are_nouns_counts_are_no_one_and_both_hands_go_up() -> None:
    cast = ("SHERIFF", "KID")
    stare, paces = read(
        "Kid stares at his empty hand, then at Sheriff. He raises both hands.",
        "Thirty paces away, Kid waits.",  # "paces" after a count is no verb
        cast=cast,
    )
    assert stare == [("KID", "gaze", "down"), ("KID", "gaze", "SHERIFF"), ("KID", "stop", None)]
    assert paces == [("KID", "idle", None)]  # waiting, not pacing
    # After an object pronoun, "and" is no adjective: the verb after it stays a verb.
    assert read("Kid sits next to her and nods.", cast=cast)[0] == [
        ("KID", "sit", None),
        ("KID", "nod", None),
    ]


def test_lying_under_a_car_lies_down() -> None:
    assert read("RAY is lying under a car.", "Ray lies to her.", cast=("RAY", "ELI")) == [
        [("RAY", "lie", None)],
        [],
    ]


def test_a_street_number_and_a_fight_twirl_swing_a_purse_and_go_limp() -> None:
    cast = ("ROSIE", "OTIS", "REYES")
    assert read(
        "Rosie twirls around a lamppost.",
        "Rosie swings her purse.",  # no punch
        "Otis picks up the tempo.",  # takes nothing
        "Otis goes limp.",
        "Reyes headbutts Otis.",
        cast=cast,
    ) == [
        [("ROSIE", "dance", None)],
        [],
        [],
        [("OTIS", "fall", None)],
        [("REYES", "punch", "OTIS"), ("REYES", "AU4", None)],
    ]


def test_a_list_of_names_with_a_serial_comma_is_one_subject() -> None:
    cast = ("ANA", "BEN", "BRICK")
    assert read("ANA, BEN, and BRICK sit down.", cast=cast)[0] == [
        ("ANA", "sit", None),
        ("BEN", "sit", None),
        ("BRICK", "sit", None),
    ]


def test_a_name_that_ends_in_a_number_word_is_no_group() -> None:
    cast = ("PATRON ONE", "PATRON TWO", "ANA")
    assert read("Patron Two rolls her eyes.", cast=cast)[0] == [
        ("PATRON TWO", "gaze", "up"),
        ("PATRON TWO", "AU14", None),
    ]


def test_an_introduction_says_who_she_is() -> None:
    lines = read("BRICK, a retired man, waits.", "ANA, a nice lady, nods.", "Ben waves. She sits.")
    assert lines[2][-1] == ("ANA", "sit", None)


def test_a_face_worn_after_another_sentence_of_hers_is_worn() -> None:
    lines = read("Ana blinks. A grin spreads slowly across her face.")
    assert ("ANA", "AU12", None) in lines[0]


def test_kin_goes_both_ways_and_a_family_name_is_kin() -> None:
    cast = ("GRANDPA JOE", "DIANE", "OSCAR")
    lines = read(
        "GRANDPA JOE (80s) dozes. His daughter, DIANE (50s), hands a gift to her son, OSCAR (8).",
        "Oscar looks at his mother, then at his grandfather.",
        "Diane shakes her head at her father.",
        cast=cast,
    )
    assert lines[1] == [("OSCAR", "gaze", "DIANE"), ("OSCAR", "gaze", "GRANDPA JOE")]
    assert ("DIANE", "gaze", "GRANDPA JOE") in lines[2]
    # Not a spouse: two couples at dinner have two husbands.
    cast = ("PETER", "CLAIRE", "MR. NGUYEN", "MRS. NGUYEN")
    lines = read(
        "PETER (50s) carves. His wife, CLAIRE (50s), pours wine.",
        "Mrs. Nguyen glances at her husband.",
        cast=cast,
    )
    assert ("MRS. NGUYEN", "gaze", "PETER") not in lines[1]
    # MOM is whoever's mother the action says.
    assert read("Ben looks at his mother.", cast=("MOM", "BEN"))[0] == [("BEN", "gaze", "MOM")]


def test_a_hyphenated_name_is_found() -> None:
    lines = read("Mary-Jane sits.", "UNIT-7 tilts its head.", cast=("MARY-JANE", "UNIT-7"))
    assert lines == [[("MARY-JANE", "sit", None)], [("UNIT-7", "tilt", None)]]


def test_what_an_introduction_calls_someone_names_them_after_the() -> None:
    cast = ("UNIT-7", "BISCUIT", "NATE")
    lines = read(
        "UNIT-7, a spindly service robot, whirs in.",
        "A scruffy DOG named BISCUIT digs.",
        "The robot sits.",
        "The dog sits.",
        cast=cast,
    )
    assert lines[0] == [("UNIT-7", "walk", None)]
    assert lines[2] == [("UNIT-7", "sit", None)] and lines[3] == [("BISCUIT", "sit", None)]


def test_a_described_role_is_its_last_word_after_the() -> None:
    cast = ("OLD WOMAN", "THE TEENAGE BOY")
    lines = read("The boy shrugs.", "A boy shrugs.", cast=cast)
    assert lines[0] == [("THE TEENAGE BOY", "shrug", None)]
    assert lines[1] == []  # someone else


def test_she_after_a_woman_none_of_the_characters_is_her() -> None:
    cast = ("RITA", "BEN")
    lines = read(
        "Rita points at a man in the front row.",
        "The man's wife laughs so hard she has to wipe her eyes.",
        "Rita laughs so hard she cries.",
        cast=cast,
    )
    assert lines[1] == []  # not the comic on stage
    assert {name for name, _, _ in lines[2]} == {"RITA"}
    # A woman whose name says so may be her: TEO'S MOTHER.
    lines = read(
        "Teo's mother waves.",
        "Teo rubs his eyes.",
        "His mother sighs, but she's smiling.",
        cast=("TEO", "TEO'S MOTHER"),
    )
    assert ("TEO'S MOTHER", "AU12", None) in lines[2]


def test_the_kin_of_the_next_name_is_not_a_description_of_the_one_before() -> None:
    cast = ("MEGAN", "DAVE", "KIM")
    # "MEGAN (30), her husband DAVE": Dave is her husband, Megan no husband.
    lines = read("MEGAN (30), her husband DAVE (32), and KIM (29).", "He waves.", cast=cast)
    assert lines[1] == [("DAVE", "wave", None)]
    assert read("MEGAN, her husband DAVE.", "Dave smiles. She nods.", cast=cast)[1][-1] == (
        "MEGAN",
        "nod",
        None,
    )


def test_everyone_who_looks_at_him_is_everyone_but_him() -> None:
    lines = read("Ben freezes. Everyone turns to look at him.", cast=("ANA", "BEN", "CLEO"))
    assert {who for who, _, _ in lines[0][1:]} == {"ANA", "CLEO"}
    assert ("BEN", "turn", None) not in lines[0]


def test_a_colon_list_names_whom_the_sentence_before_it_is_about() -> None:
    cast = ("ABE", "MORRIS", "ANA")
    lines = read("Two old rivals hunch over a chessboard: ABE (80s) and MORRIS (80s).", cast=cast)
    assert {(who, what) for who, what, _ in lines[0]} == {
        ("ABE", "lean_forward"),
        ("MORRIS", "lean_forward"),
        ("ABE", "lower"),
        ("MORRIS", "lower"),
    }
    seated = read("The gang is on the couch: ANA, her husband ABE, and MORRIS.", cast=cast)[0]
    assert sorted(who for who, what, _ in seated if what == "sit") == ["ABE", "ANA", "MORRIS"]


def test_a_relative_clause_is_about_its_antecedent() -> None:
    assert read("Ana looks at Ben, who smiles, and leaves.")[0] == [
        ("ANA", "gaze", "BEN"),
        ("BEN", "AU6", None),
        ("BEN", "AU12", None),
        ("ANA", "walk", None),
    ]
    assert read("Ana looks at Ben who nods.")[0] == [("ANA", "gaze", "BEN"), ("BEN", "nod", None)]


def test_a_relative_clause_on_the_subject_describes_them() -> None:
    # What she is like, not what she does now; but "is smiling" is now.
    assert read("Ana, who smiles a lot, sits.")[0] == [("ANA", "sit", None)]
    assert read("Ana, who is still smiling, sits.")[0] == [
        ("ANA", "AU6", None),
        ("ANA", "AU12", None),
        ("ANA", "sit", None),
    ]
    # Without a word of habit, what the clause says is done now, as a screenplay says it.
    assert read("Ben, who leans back in his chair, nods.")[0] == [
        ("BEN", "sit", None),  # in his chair
        ("BEN", "lean_back", None),
        ("BEN", "nod", None),
    ]
    assert read("Ben, who never sits still, nods.")[0] == [("BEN", "nod", None)]


def test_a_name_in_capitals_after_an_article_is_the_subject_of_its_infinitive() -> None:
    # "A LITTLE GIRL (6) starts to cry." was the teller's cry (the sentence before's subject).
    cast = ("THE TELLER", "THE LITTLE GIRL")
    lines = read("The teller fumbles with the drawer.", "A LITTLE GIRL starts to cry.", cast=cast)
    assert {name for name, _, _ in lines[1]} == {"THE LITTLE GIRL"}


def test_a_noun_before_a_name_introduces_them() -> None:
    cast = ("MARA", "LEO")
    lines = read(
        "MARA stirs a pot. Her son LEO slouches in, hood up, and drops into a chair.",
        "Mara sets a bowl in front of him. He pushes it away. She smiles.",
        cast=cast,
    )
    # Leo drops into the chair (not Mara, the subject carried over), and he is a son.
    assert ("LEO", "sit", None) in lines[0] and ("MARA", "sit", None) not in lines[0]
    assert lines[1][0] == ("MARA", "put_down", None)  # the bowl set in front of him
    assert {c for c, _, _ in lines[1][1:3]} == {"LEO"}  # "He" is Leo, not Mara
    assert lines[1][-1][0] == "MARA"  # and "her son" made Mara a she


def test_an_absolute_phrase_is_its_subject_s() -> None:
    assert read("Ana watches Ben, arms folded.")[0] == [
        ("ANA", "gaze", "BEN"),
        ("ANA", "cross_arms", None),
    ]
    assert read("Ana, arms folded, watches Ben.")[0][-1] == ("ANA", "cross_arms", None)
    # With no verb of the lexicon, the one the sentence opens with.
    assert read("Ana wraps both hands around the mug, eyes closed.")[0] == [("ANA", "AU43", None)]
    # "head bowed" is no bow: the head is lowered.
    assert read("Ben sits, head bowed, fists clenched.")[0] == [
        ("BEN", "sit", None),
        ("BEN", "lower", None),
        ("BEN", "AU4", None),
        ("BEN", "AU23", None),
    ]


def test_climbing_onto_a_seat_sits_and_a_head_on_a_shoulder_leans() -> None:
    cast = ("SAM", "ELLIE")
    assert read(
        "SAM feeds pigeons. His granddaughter ELLIE skips over, waving a drawing.",
        "Ellie climbs onto the bench beside him and leans her head on his shoulder.",
        "Ellie skips breakfast. She climbs into bed.",
        cast=cast,
    ) == [
        [("ELLIE", "walk", None), ("ELLIE", "wave", None)],
        [("ELLIE", "sit", None), ("ELLIE", "lean_forward", "SAM"), ("ELLIE", "tilt", None)],
        [("ELLIE", "lie", None)],
    ]


def test_turning_ones_head_is_the_head_and_eyes() -> None:
    assert read(
        "Ben sits. Ana turns her head.",
        "Ana turns her face to the wall.",
        "Ana turns her head toward Ben.",
        "Ana turns to Ben.",
    ) == [
        [("BEN", "sit", None), ("ANA", "turn_away", None), ("ANA", "gaze", "away")],
        [("ANA", "gaze", "away")],  # her own face: not someone she turns to
        [("ANA", "gaze", "BEN")],
        [("ANA", "turn", None), ("ANA", "gaze", "BEN")],
    ]


def test_a_part_held_somewhere_is_a_behaviour_of_its_own() -> None:
    assert read(
        "Ana walks in and sinks onto the edge of the bed, head in her hands.",
        "Ben waits, chin in his hand.",
        "Ana nods, with tears in her eyes.",
        "Ben sits, head down, eyes downcast.",
        "Ben puts his head in his hands.",
        "Ana looks up at him, eyes red.",
    ) == [
        [("ANA", "walk", None), ("ANA", "sit", None), ("ANA", "cover_face", None)],
        [("BEN", "idle", None), ("BEN", "chin_stroke", None)],
        [("ANA", "nod", None), ("ANA", "AU1", None), ("ANA", "AU15", None)],
        [("BEN", "sit", None), ("BEN", "lower", None), ("BEN", "gaze", "down")],
        [("BEN", "cover_face", None), ("BEN", "lower", None)],  # the verb's object: the verb's
        [("ANA", "gaze", "BEN"), ("ANA", "AU1", None), ("ANA", "AU15", None)],
    ]


def test_getting_out_of_bed_stands_and_padding_walks() -> None:
    assert read(
        "Ben lies in bed. He swings his legs out of bed and pads to the door.",
        "Ana gets out of bed.",
        "Ben gets out of the car.",
    ) == [
        [("BEN", "lie", None), ("BEN", "stand", None), ("BEN", "walk", None)],
        [("ANA", "stand", None)],
        [],
    ]


def test_straightening_up_and_studying_a_thing() -> None:
    assert read(
        "Ana leans over the desk. She straightens slowly.",
        "Ben straightens his tie.",
        "Ben hands her a photograph. Ana studies it.",
    ) == [
        [("ANA", "lean_forward", None), ("ANA", "stand", None)],
        [],
        [("BEN", "give", "ANA"), ("ANA", "read", None), ("ANA", "gaze", "down")],
    ]


def test_looking_up_or_down_at_someone_looks_at_them() -> None:
    assert read(
        "Ben sits. Ana looks down at him.",
        "Ben looks up at her.",
        "Ana looks up at the sky.",
        "Ana looks down at her hands.",
    ) == [
        [("BEN", "sit", None), ("ANA", "gaze", "BEN")],
        [("BEN", "gaze", "ANA")],
        [("ANA", "gaze", "up")],
        [("ANA", "gaze", "down")],
    ]


def test_going_through_pages_is_reading() -> None:
    assert read(
        "Ben flips through his notes.", "Ana leafs through the file.", "Ben flips the switch."
    ) == [[("BEN", "read", None)], [("ANA", "read", None)], []]


def test_going_back_to_a_thing_is_returning_to_it() -> None:
    assert read(
        "Ben goes back to his coffee.", "Ana goes back to reading.", "Ben goes back to the door."
    ) == [[("BEN", "drink", None)], [("ANA", "read", None)], [("BEN", "walk", None)]]


def test_a_quoted_cry_does_not_end_the_sentence() -> None:
    assert read('Ana, who mutters "HEY!" at everyone, sits.')[0] == [("ANA", "sit", None)]


def test_turning_a_thing_is_not_turning_the_body() -> None:
    assert read("Ana turns the key.", "Ben turns his head.") == [
        [],
        [("BEN", "turn_away", None), ("BEN", "gaze", "away")],
    ]


def test_short_forms_need_a_capital() -> None:
    cast = ("DICK STEEL", "ANA")
    assert read("Steel sits.", "A steel door slams.", cast=cast) == [
        [("DICK STEEL", "sit", None)],
        [],
    ]


# --- handling things ------------------------------------------------------------------------


def test_handling_verbs_give_the_handling_gestures() -> None:
    assert read(
        "Ana takes the paper.",
        "Ben grabbed the phone.",
        "Ana picks the phone up.",
        "Ben reaches for the bottle.",
        "Ana hands him the keys.",
        "Ben gave Ana the letter.",
        "Ana sets the glass down.",
        "Ben pours a drink.",
        "Ana sips her coffee.",
        "Ben is reading the letter.",
        "Ana wrote a note.",
        "Ben signs the contract.",
        "Ana opened the door.",
    ) == [
        [("ANA", "take", None)],
        [("BEN", "take", None)],
        [("ANA", "take", None)],
        [("BEN", "take", None)],
        [("ANA", "give", "BEN")],
        [("BEN", "give", "ANA")],
        [("ANA", "put_down", None)],
        [("BEN", "put_down", None)],
        [("ANA", "drink", None)],
        [("BEN", "read", None)],
        [("ANA", "write", None)],
        [("BEN", "write", None)],
        [("ANA", "open", None)],
    ]


def test_handling_verbs_that_handle_nothing_give_no_handling_gesture() -> None:
    assert read(
        "Ben takes up the rhythm.",
        "Ana takes a moment.",
        "Ana gives an expression that warns.",
        "Ben gets out of the car.",
        "Ana opens her eyes.",
        "Ben puts on his coat.",
        "Ana puts a hand on the table.",
        "Ben is drunk.",
        "The door opens.",
    ) == [[], [], [], [], [("ANA", "AU5", None)], [], [], [], []]  # her eyes: lids up, no hand


def test_what_is_done_at_someone_is_done_looking_at_them() -> None:
    assert read(
        "Ana smiles at Ben.",
        "Ben nods to her.",
        "Ben shakes his head at Ana.",
        "Ana points at Ben.",  # the point is aimed already
        "Ana sits next to Ben.",
        "Ana waits at Ben's door.",
    ) == [
        [("ANA", "AU6", None), ("ANA", "AU12", None), ("ANA", "gaze", "BEN")],
        [("BEN", "nod", None), ("BEN", "gaze", "ANA")],
        [("BEN", "shake", None), ("BEN", "gaze", "ANA")],
        [("ANA", "point", "BEN")],
        [("ANA", "sit", None)],
        [("ANA", "idle", None)],
    ]


def test_a_breath_taken_is_seen_however_it_is_written() -> None:
    assert read(
        "Ana takes a deep breath.",
        "Ben took a long, shaky breath.",
        "Ana takes a few deep breaths and nods.",
        "Ben breathes in.",
        "Ana holds her breath.",
    ) == [
        [("ANA", "breathe", None)],
        [("BEN", "breathe", None)],
        [("ANA", "breathe", None), ("ANA", "nod", None)],
        [("BEN", "breathe", None)],
        [("ANA", "AU24", None)],
    ]


def test_handling_verbs_with_other_meanings_give_those_behaviours() -> None:
    assert read(
        "Ana takes a seat.",
        "Ben takes notes.",
        "Ana takes a sip.",
        "Ben gives a nod.",
        "Ana gives Ben a hug.",
        "Ben puts his hands on his hips.",
    ) == [
        [("ANA", "sit", None)],
        [("BEN", "write", None)],
        [("ANA", "drink", None)],
        [("BEN", "nod", None)],
        [("ANA", "hug", "BEN")],
        [("BEN", "hands_on_hips", None)],
    ]


def test_a_use_that_handles_nothing_is_read_in_its_own_clause() -> None:
    assert read(
        'Ben gives him a furtive "I know a secret" look.',
        "Ana gives Ben the keys and looks away.",
        "Ben puts the glass down and puts on his coat.",
    ) == [
        [],
        [("ANA", "give", "BEN"), ("ANA", "gaze", "away")],
        [("BEN", "put_down", None)],
    ]


def test_an_object_her_before_an_article_is_the_recipient() -> None:
    cast = ("ANA", "MARY")
    assert read("Mary sits.", "Ana hands her the keys.", cast=cast)[1] == [("ANA", "give", "MARY")]


def test_hands_and_drinks_as_nouns_hand_nothing_over() -> None:
    assert read(
        "Ana stands with hands on her hips.",
        "Ben pours two drinks.",
        "They raise both hands to the sky.",
        "Ben, hands shaking, opens the door.",
    ) == [
        [("ANA", "stand", None), ("ANA", "hands_on_hips", None)],
        [("BEN", "put_down", None)],
        [],
        # No hand-over; the shaking hands are his (an absolute phrase): a tremble.
        [("BEN", "open", None), ("BEN", "AU1", None), ("BEN", "AU20", None)],
    ]
    assert read("The two walk off.")[0][:2] == [("ANA", "walk", None), ("BEN", "walk", None)]


def test_getting_to_ones_feet_in_a_rush_is_standing_up() -> None:
    assert read(
        "Ben leaps to his feet.", "Ana springs up.", "Ben scrambles to his feet.", "Ana leaps."
    ) == [
        [("BEN", "stand", None)],
        [("ANA", "stand", None)],
        [("BEN", "stand", None)],
        [("ANA", "jump", None)],
    ]


def test_a_head_put_in_the_hands_or_on_a_shoulder_is_not_a_thing_set_down() -> None:
    assert read("Ana puts her head in her hands.", "Ben rests his head on Ana's shoulder.") == [
        [("ANA", "cover_face", None), ("ANA", "lower", None)],
        [("BEN", "lean_forward", "ANA"), ("BEN", "tilt", None)],
    ]


def test_staying_put_and_keeping_ones_eyes_on_someone() -> None:
    assert read(
        "Ana remains seated.",
        "Ben stays seated as Ana leaves.",
        "Ana keeps her eyes on Ben.",
        "Ben looks anywhere but at Ana.",
    ) == [
        [("ANA", "sit", None)],
        [("BEN", "sit", None), ("ANA", "walk", None)],
        [("ANA", "gaze", "BEN")],
        [("BEN", "gaze", "away")],
    ]


def test_a_pronoun_before_a_name_or_as_its_object_teaches_no_gender() -> None:
    lines = read(
        "Dana sits. She doesn't look up when Kai knocks on the door.",
        "Dana studies him.",
        "He sits down.",
        "He crosses his arms.",
        cast=("DANA", "KAI"),
    )
    assert lines == [
        [("DANA", "sit", None), ("KAI", "beat", None)],
        [("DANA", "gaze", "KAI")],
        [("KAI", "sit", None)],
        [("KAI", "cross_arms", None)],
    ]


def test_a_part_doing_something_of_its_own_teaches_no_gender() -> None:
    lines = read("Ana and Ben sit.", "Ben watches her face fall.", "Ana looks at Ben.", "She nods.")
    assert lines[1][0] == ("BEN", "gaze", "ANA")
    assert ("ANA", "AU15", None) in lines[1]
    assert lines[3] == [("ANA", "nod", None)]


def test_her_doing_something_is_whom_one_watches() -> None:
    for line in ("Ben watches her go.", "Ben watches her walk away.", "Ben watches her smile."):
        assert read("Ana and Ben sit.", line)[1] == [("BEN", "gaze", "ANA")], line


def test_a_possessive_only_the_doer_can_be_is_their_own() -> None:
    lines = read(
        "Ana sits. Ben stands. He smiles.", "She looks at her hands.", "Ben takes her hand."
    )
    assert lines[1] == [("ANA", "gaze", "down")]
    assert lines[2] == [("BEN", "handshake", "ANA")]


def test_turning_to_face_someone_turns_to_them() -> None:
    lines = read("Ana sits.", "Ben turns to face her.")
    assert ("BEN", "gaze", "ANA") in lines[1]
    assert all(lexeme == "turn" for _, lexeme, _ in lines[1] if lexeme != "gaze")
    assert read("Ben turns his head.") == [[("BEN", "turn_away", None), ("BEN", "gaze", "away")]]


def test_a_face_worn_is_its_owners() -> None:
    smile = intensities("Ana smiles.")["AU12"]
    assert read(
        "Ben nods. A smile spreads across his face.",
        "A frown crosses Ana's face.",
        "Ana's face breaks into a grin.",
        "A smile tugs at the corner of Ben's mouth.",
    ) == [
        [("BEN", "nod", None), ("BEN", "AU6", None), ("BEN", "AU12", None)],
        [("ANA", "AU4", None), ("ANA", "AU15", None)],
        [("ANA", "AU6", None), ("ANA", "AU12", None)],
        [("BEN", "AU6", None), ("BEN", "AU12", None)],
    ]
    ghost = intensities("Ana watches Ben go, the ghost of a smile on her lips.")["AU12"]
    assert ghost == pytest.approx(smile * 0.4)
    # Someone else's smile is only looked at.
    assert read("Ana looks at Ben's smile.") == [[("ANA", "gaze", "BEN")]]


def test_who_is_pulled_to_their_feet_stands() -> None:
    assert read("Ben pulls Ana up.", "Ana hauls Ben to his feet.", "Ben drags Ana out.") == [
        [("BEN", "take", "ANA"), ("ANA", "stand", None)],
        [("ANA", "take", "BEN"), ("BEN", "stand", None)],
        [("BEN", "walk", None)],
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Ana slides into the booth across from Ben.",
        "Ana slips into the passenger seat.",
        "Ana squeezes into the booth.",
        "Ana eases into the chair.",
        "Ana slides in next to him.",
        "Ana sinks into the booth.",
    ],
)
def test_sliding_or_slipping_into_a_seat_sits(line: str) -> None:
    assert ("ANA", "sit", None) in read(line)[0]


def test_sliding_a_thing_or_slipping_into_a_coat_does_not_sit() -> None:
    for line in ("Ana slides the envelope across the table.", "Ana slips into her coat."):
        assert all(lexeme != "sit" for _, lexeme, _ in read(line)[0]), line


def test_a_thing_dropped_somewhere_is_put_there_and_a_ring_twisted_is_fidgeting() -> None:
    assert read("Ana drops a photograph in front of him.")[0] == [("ANA", "put_down", None)]
    assert read("Ana drops her bag onto the floor.")[0] == [("ANA", "put_down", None)]
    assert read("Ana drops her head on his shoulder.")[0] == [("ANA", "lower", None)]
    assert read("Ana twists the ring on her finger.")[0] == [("ANA", "rub_hands", None)]
    assert read("Ana spins her glass.")[0] == [("ANA", "rub_hands", None)]
    assert read("Ana twists around.")[0] == [("ANA", "turn", None)]


def test_a_name_in_ly_is_no_adverb() -> None:
    lines = read(
        "Marcus paces. His teenage daughter LILY (15) sits hunched on a plastic chair.",
        "Lily slowly stands.",
        cast=("MARCUS", "LILY"),
    )
    assert lines == [[("MARCUS", "walk", None), ("LILY", "sit", None)], [("LILY", "stand", None)]]


def test_a_titled_name_is_found_by_its_surname() -> None:
    lines = read("DR. OKAFOR steps out.", "Dr. Okafor smiles and walks away.", cast=("DR. OKAFOR",))
    assert ("DR. OKAFOR", "walk", None) in lines[1]


def test_looking_down_at_her_is_at_her_unless_only_she_can_be_her() -> None:
    lines = read(
        "Ana sits. Ben stands.",
        "He looks down at her.",
        "She looks down at her hands.",
        "He looks down at her hands.",
    )
    assert lines[1:] == [
        [("BEN", "gaze", "ANA")],
        [("ANA", "gaze", "down")],
        [("BEN", "gaze", "ANA")],
    ]


def test_watching_nothing_named_watches_the_one_the_scene_is_on() -> None:
    lines = read(
        "Ana crosses her arms.",
        "Ben watches.",
        "Ben watches in silence.",
        "Ben watches from the doorway.",
        "Ben watches the rain.",
    )
    assert lines[1:] == [
        [("BEN", "gaze", "ANA")],
        [("BEN", "gaze", "ANA")],
        [("BEN", "gaze", "ANA")],
        [("BEN", "gaze", "away")],
    ]


def test_kin_an_introduction_tells_names_the_character_after_a_possessive() -> None:
    cast = ("SOPHIE", "NICK", "GRACE")
    lines = read(
        "SOPHIE stands on a chair. Her brother NICK holds it. GRACE (60s), their mother, sits.",
        "Sophie climbs down and hugs her mother.",
        "Her brother sighs.",
        "A brother is a brother.",
        cast=cast,
    )
    assert ("SOPHIE", "hug", "GRACE") in lines[1]
    assert lines[2] == [("NICK", "breathe", None), ("NICK", "lower", None)]
    assert lines[3] == []  # no one's brother in particular


def test_kin_said_of_two_characters_names_neither() -> None:
    lines = read(
        "Her son LEO sits. Her son MAX stands.",
        "Ana hugs her son.",
        cast=("ANA", "LEO", "MAX"),
    )
    assert lines[1] == [("ANA", "hug", None)]


def test_a_thing_tossed_at_someone_is_given_them_and_a_name_wins_over_a_pronoun() -> None:
    cast = ("NICK", "PETER", "GRACE")
    lines = read(
        "Peter dozes in an armchair.",
        "Nick tosses a cushion at him.",
        "Nick throws his arms around Grace.",
        "Nick throws the door open.",
        cast=cast,
    )
    assert ("PETER", "sit", None) in lines[0]
    assert lines[1] == [("NICK", "give", "PETER")]
    assert lines[2] == [("NICK", "hug", "GRACE")]
    assert lines[3] == [("NICK", "open", None)]


def test_doing_a_dance_dances_and_wobbling_ones_head_tilts_it() -> None:
    lines = read(
        "Ben does a geeky shuffle dance.",
        "Ana does a curtsy.",
        "Ana does her homework.",
        "Ben wobbles his head a bit.",
        "Ben wobbles.",
    )
    assert lines == [
        [("BEN", "dance", None)],
        [("ANA", "bow", None)],
        [],
        [("BEN", "tilt", None)],
        [("BEN", "fall", None)],
    ]


def test_driving_or_riding_sits_and_curling_up_lies() -> None:
    lines = read(
        "Ana drives.",
        "Ana is driving.",
        "Ana drives off.",
        "Ben rides shotgun.",
        "Ana is curled up on the couch.",
        "Ben curls up in bed.",
    )
    assert lines == [
        [("ANA", "sit", None)],
        [("ANA", "sit", None)],
        [],
        [("BEN", "sit", None)],
        [("ANA", "lie", None)],
        [("BEN", "lie", None)],
    ]


def test_a_confrontation_jabs_at_him_raises_hands_and_stumbles_back() -> None:
    lines = read(
        "Ben sits.",
        "Ana jabs a finger at his chest.",
        "Ben raises his hands.",
        "Ben stumbles back.",
        "Ben stumbles.",
    )
    assert lines[1:] == [
        [("ANA", "point", "BEN")],
        [("BEN", "stop", None)],
        [("BEN", "lean_back", None)],
        [("BEN", "fall", None)],
    ]


def test_who_goes_down_after_a_blow_is_the_one_struck() -> None:
    cast = ("JACK", "THE BIG ONE", "ANA", "BEN")
    lines = read(
        "Jack cracks his knuckles.",
        "He turns to the Big One and kicks him in the knee.",
        "He crumples.",
        cast=cast,
    )
    assert lines[2] == [("THE BIG ONE", "fall", None)]
    assert read("Ana punches Ben and he staggers back.", cast=cast)[0][-1] == ("BEN", "fall", None)
    lines = read("Jack punches the Big One in the gut.", "He doubles over.", cast=cast)
    assert [c[0] for c in lines[1]] == ["THE BIG ONE"] * 3
    # The struck one must be of the pronoun's gender, the next verb one of going down, and the
    # blow in this sentence or the one before.
    assert read("Ana punches Ben.", "She falls.", cast=cast)[1] == [("ANA", "fall", None)]
    assert read("Ben punches Jack.", "He sits down.", cast=cast)[1] == [("BEN", "sit", None)]
    lines = read("Ana punches Ben.", "Jack nods.", "He falls.", cast=cast)
    assert lines[2] == [("JACK", "fall", None)]


def test_a_pronoun_means_the_nearest_whose_name_tells_its_gender() -> None:
    cast = ("MR. HALVORSEN", "MAYA", "LIAM", "DANA")
    lines = read(
        "Mr. Halvorsen writes. Maya doodles in her notebook.",
        "He turns around. His eyes land on Liam.",
        "Maya elbows Liam. He jerks awake, blinking.",
        cast=cast,
    )
    # "His eyes" are not Liam's, named after them; "he" after Maya elbows Liam is Liam, though
    # the script called the teacher "he" and has said nothing of Liam.
    assert lines[1] == [("MR. HALVORSEN", "turn", None), ("MR. HALVORSEN", "gaze", "LIAM")]
    assert {c[0] for c in lines[2][1:]} == {"LIAM"}
    assert ("LIAM", "toss", None) in lines[2] and ("LIAM", "AU45", None) in lines[2]
    # A name's guess does not reach past someone nearer whose name tells nothing.
    lines = read("Maya waves. Dana stands by the door.", "Then she sits.", cast=cast)
    assert lines[1] == [("DANA", "sit", None)]


def test_a_possessive_on_someone_elses_wrist_tells_nothing_of_the_doer() -> None:
    # Boone grabs Yuki's wrist: Boone is not learnt to be a woman, and Yuki, referred to
    # since Boone acted, is the "she" who wrenches free.
    lines = read(
        "Yuki presses her palm against the window.",
        "Boone lunges and grabs her wrist.",
        "She wrenches free and slams the lever down.",
        cast=("YUKI", "BOONE"),
    )
    assert ("BOONE", "take", "YUKI") in lines[1]
    assert {name for name, _, _ in lines[2]} == {"YUKI"}


def test_a_pronoun_means_the_one_who_just_acted_over_one_called_so_further_back() -> None:
    cast = ("JOHN", "THE GUARD", "PRIYA", "JAMAL", "REYES", "DANNY")
    lines = read(
        "John walks to the gate. He looks tired.",
        "The guard steps out of the booth. He waves John through.",
        "The guard studies the car. He hands him the papers.",
        cast=cast,
    )
    # "He" is the guard who just acted, though the script called John "he" and said nothing
    # of the guard; "him" is still not the guard.
    assert lines[1][-1] == ("THE GUARD", "wave", "JOHN")
    assert lines[2] == [("THE GUARD", "gaze", "away"), ("THE GUARD", "give", "JOHN")]
    # Nor one the clause goes on to name.
    lines = read("John enters. Ben follows him in.", "He hugs Ben.", cast=("JOHN", "BEN"))
    assert lines[1] == [("JOHN", "hug", "BEN"), ("BEN", "hug", None)]
    # Not when the one called so was named in that sentence too ...
    lines = read("Priya laughs. She dances.", "Jamal kisses Priya. She smiles.", cast=cast)
    assert lines[1][-1][0] == "PRIYA"
    # ... nor after a line was spoken: whom it told is as likely.
    parser, names = ActionParser(load_cue_lexicon()), NameIndex(cast)
    for spoken, meant in ((False, "REYES"), (True, "DANNY")):
        tracker = ReferenceTracker()
        for text in ("Danny slouches. He yawns.", "Reyes leans forward."):
            parser.parse(text, names, tracker, cast)
        if spoken:
            tracker.speaks("REYES")  # "Look at me, Danny."
        assert tracker.resolve("he") == meant


def test_the_title_a_name_opens_with_names_its_character_after_the() -> None:
    cast = ("MAYOR BRENNAN", "TOMAS", "DR. REYES", "JUDGE ONE", "JUDGE TWO")
    lines = read(
        "The mayor glances back at Tomas.",
        "Tomas looks at the doctor.",
        "Tomas looks at the judge.",  # two judges: neither, a look at no one on stage
        "A mayor nods.",  # no article "the": no one
        cast=cast,
    )
    assert lines == [
        [("MAYOR BRENNAN", "gaze", "TOMAS")],
        [("TOMAS", "gaze", "DR. REYES")],
        [("TOMAS", "gaze", "away")],
        [],
    ]


def test_a_nightclub_line_of_three_verbs_and_a_hug_around_him() -> None:
    cast = ("ZARA", "MIKO", "DEV")
    lines = read(
        "Her friend MIKO hands her a drink. Dev grins at her.",
        "Zara downs her drink in one gulp, squares her shoulders, and marches toward the bar.",
        "She throws her arms around him.",
        cast=cast,
    )
    # "in one gulp" is a gulp, not a verb whose unknown subject silences the rest.
    assert [c[:2] for c in lines[1]] == [("ZARA", "drink"), ("ZARA", "breathe"), ("ZARA", "walk")]
    # Her own arms, around him: not Miko's.
    assert lines[2] == [("ZARA", "hug", "DEV")]
    assert read("No one moves.", cast=cast) == [[]]
    # "hands her one": her is given it, so Miko is no she; "her arm" is Zara's, and spinning
    # her around turns her.
    lines = read(
        "ZARA dances. Her friend MIKO elbows through the crowd and hands her one.",
        "Miko grabs her arm and spins her back around.",
        cast=cast,
    )
    assert ("MIKO", "take", "ZARA") in lines[1] and ("ZARA", "turn", None) in lines[1]


def test_a_short_titles_stop_ends_no_sentence() -> None:
    cast = ("DEVON", "MS. PATEL", "DR. REYES")
    lines = read("Devon gives Ms. Patel a small nod.", "Ms. Patel looks at Dr. Reyes.", cast=cast)
    assert lines == [
        [("DEVON", "nod", None), ("DEVON", "gaze", "MS. PATEL")],
        [("MS. PATEL", "gaze", "DR. REYES")],
    ]


def test_turning_a_thing_in_ones_fingers_fidgets() -> None:
    lines = read(
        "Ana stands by the door, turning a brass key in her fingers.",
        "Ben turns it over in his hands.",
        "Ana turns to Ben.",
    )
    assert lines[0] == [("ANA", "stand", None), ("ANA", "rub_hands", None)]
    assert lines[1] == [("BEN", "rub_hands", None)]
    assert ("ANA", "turn", None) in lines[2]


def test_her_before_a_particle_is_whom_it_is_done_to() -> None:
    lines = read("Ana sits.", "Ben shoves her away.", "Ben pushes her aside.", "He nods.")
    assert lines[1][0] == ("BEN", "stop", "ANA")
    assert lines[2][0] == ("BEN", "stop", "ANA")
    assert lines[3] == [("BEN", "nod", None)]


def test_looking_up_from_what_one_reads_looks_at_whom_the_scene_is_on() -> None:
    lines = read(
        "Ana enters.",
        "Ben looks up from his paper.",
        "Ben looks up.",
        "Ben glances up from his phone.",
    )
    assert lines[1:] == [
        [("BEN", "gaze", "ANA")],
        [("BEN", "gaze", "ANA")],
        [("BEN", "gaze", "ANA")],
    ]


def test_no_verb_of_the_lexicon_is_a_word_for_a_person() -> None:
    # "A NURSE enters" must stay a nurse: a verb "nurse" (a drink) made the line no entrance.
    from motiondirector.scene.names import person_nouns

    verbs = {entry.verb for entry in load_cue_lexicon().actions}
    assert verbs & person_nouns() == {"count"}  # "counts the money"; COUNT DRACULA is a title
