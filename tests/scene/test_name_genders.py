"""The pronoun a character's name makes likely, and what the script says winning over it."""

from __future__ import annotations

import pytest

from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from motiondirector.scene.name_genders import _first_names, name_gender
from tests.planners.conftest import KeywordEmotionModel
from tests.planners.test_actions import read


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("CLAIRE VANCE", "f"),
        ("DETECTIVE RAY MORENO", "m"),
        ("MRS. HUDSON", "f"),
        ("FATHER BROWN", "m"),
        ("AUNT MAY", "f"),
        ("Nora", "f"),
        ("THE DOCTOR", None),
        ("BRICK", None),
        ("ALEX", None),  # given to both
        ("DANA", None),
        ("TESS", "f"),
        ("PETE", "m"),
    ],
)
def test_a_title_or_a_first_name_tells_the_likely_pronoun(name: str, gender: str | None) -> None:
    assert name_gender(name) == gender


def test_a_title_before_a_name_cued_without_it_tells_the_gender() -> None:
    lines = read("Lord Ashton bows before MISS BENNET.", "She curtsies.", cast=("ASHTON", "BENNET"))
    assert lines[1] == [("BENNET", "bow", None)]


def test_a_word_for_a_woman_before_a_name_set_off_by_commas_tells_the_gender() -> None:
    script = (
        "INT. DINER - NIGHT\n\nWhen RAY (40s) enters, the waitress, DOT (60s), is pouring his "
        "coffee. He slides onto a stool.\n\nDOT\nThe usual?\n\nRAY\nThe usual.\n\n"
        "As Dot turns to the grill, Ray glances at the door. Before she turns back, he sits.\n"
    )
    actions = RulesPlanner(KeywordEmotionModel()).plan_actions(
        parse_script(script, format="fountain")
    )
    done = [[(b.character, b.lexeme) for b in action.behaviours] for action in actions]
    assert ("RAY", "sit") in done[0] and ("DOT", "sit") not in done[0]
    assert ("DOT", "turn") in done[1][2:] and ("RAY", "turn") not in done[1]


def test_no_name_is_listed_as_both() -> None:
    names = _first_names()
    assert len(names) > 600 and set(names.values()) == {"f", "m"}


def test_she_is_the_woman_the_name_says_before_the_script_says() -> None:
    lines = read(
        "Claire steps inside.",
        "Ray nods.",
        "She crosses to the desk.",
        cast=("RAY", "CLAIRE"),
    )
    assert lines[2] == [("CLAIRE", "walk", None)]


def test_what_the_script_says_wins_over_the_name() -> None:
    lines = read("Nora crosses his arms.", "Ana sits.", "He nods.", cast=("NORA", "ANA"))
    assert lines[2] == [("NORA", "nod", None)]
    # Unless a man is about whom "his" may mean: the name wins then.
    lines = read(
        "Gary stares at the toaster.",
        "Linda peers over his shoulder, then pats him on the back.",
        "He sighs. She grins.",
        cast=("GARY", "LINDA"),
    )
    assert [name for name, what, _ in lines[2] if what in ("breathe", "AU12")] == ["GARY", "LINDA"]


def test_a_names_guess_does_not_reach_past_someone_nearer_of_unknown_gender() -> None:
    lines = read(
        "Jack counts the money.",
        "Cognito is slammed against the wall.",
        "Steel smacks him.",
        cast=("JACK", "COGNITO", "STEEL"),
    )
    assert lines[2][0] == ("STEEL", "beat", "COGNITO")
