"""Lines of a group cue (ALL, EVERYONE, BOTH) are said together by its members."""

from __future__ import annotations

from motiondirector.scene import parse_script


def lines(script: str) -> list[tuple[str, float, bool, str]]:
    scene = parse_script(script, format="fountain")
    return [(u.speaker, u.start, u.dual, u.text) for u in scene.utterances]


TEAM = """INT. LOCKER ROOM - NIGHT

COACH paces. KEISHA and MAYA sit on a bench.

COACH
Ready?

EVERYONE
Tigers!
"""


def test_everyone_on_stage_says_a_line_of_everyone_at_once() -> None:
    scene = parse_script(TEAM, format="fountain")
    assert scene.characters == ("COACH", "KEISHA", "MAYA")
    said = lines(TEAM)[1:]
    assert [(speaker, dual, text) for speaker, _, dual, text in said] == [
        ("COACH", False, "Tigers!"),
        ("KEISHA", True, "Tigers!"),
        ("MAYA", True, "Tigers!"),
    ]
    assert len({start for _, start, _, _ in said}) == 1  # at once


def test_both_is_the_two_there_or_the_two_who_spoke_last() -> None:
    two = "INT. HALL - DAY\n\nANA\nReady?\n\nBEN\nNo.\n\nBOTH\nLet's go!\n"
    assert [s for s, *_ in lines(two)] == ["ANA", "BEN", "ANA", "BEN"]
    three = (
        "INT. HALL - DAY\n\nANA, BEN and CLEO wait.\n\nANA\nReady?\n\nCLEO\nNo.\n\nBOTH\nWhat?\n"
    )
    assert [s for s, *_ in lines(three)][-2:] == ["ANA", "CLEO"]


def test_dialogue_json_keeps_its_speakers_as_sent() -> None:
    # A transcript's "All" line stays one line (MELD's are scored one label per line).
    document = '[{"speaker": "ANA", "text": "Ready?"}, {"speaker": "ALL", "text": "Yes!"}]'
    scene = parse_script(document)
    assert [u.speaker for u in scene.utterances] == ["ANA", "ALL"]


def test_a_group_cue_with_no_one_there_yet_speaks_as_itself() -> None:
    alone = "INT. HALL - DAY\n\nALL\nSurprise!\n\nANA\nOh!\n"
    scene = parse_script(alone, format="fountain")
    assert [u.speaker for u in scene.utterances] == ["ALL", "ANA"]
    assert "ALL" in scene.characters


LISTED = """INT. OFFICE - DAY

NINA types. PAUL (40s) and CARMEN (30s) are crouched behind a cubicle wall with a cake.

PAUL
On three.

PAUL AND CARMEN
Surprise!

NINA & PAUL
What?
"""


def test_a_cue_listing_characters_is_said_by_each_of_them_at_once() -> None:
    scene = parse_script(LISTED, format="fountain")
    assert scene.characters == ("NINA", "PAUL", "CARMEN")
    said = lines(LISTED)[1:]
    assert [(speaker, dual, text) for speaker, _, dual, text in said] == [
        ("PAUL", False, "Surprise!"),
        ("CARMEN", True, "Surprise!"),
        ("NINA", False, "What?"),
        ("PAUL", True, "What?"),
    ]
    assert said[0][1] == said[1][1]


def test_a_cue_listing_a_name_no_one_has_stays_one_character() -> None:
    script = "INT. HALL - DAY\n\nANA\nHi.\n\nSALT AND PEPPER\nHello!\n"
    assert [u.speaker for u in parse_script(script, format="fountain").utterances] == [
        "ANA",
        "SALT AND PEPPER",
    ]


def test_everyone_heard_in_the_dark_is_who_pops_up_next() -> None:
    # "EVERYONE (O.S.) / SURPRISE!" before anyone but Maya is there was a character EVERYONE.
    scene = parse_script(
        "INT. APARTMENT - NIGHT\n\nThe door opens and MAYA flips on the light.\n\nEVERYONE (O.S.)"
        "\nSURPRISE!\n\nMaya screams. Her friends JESS, OMAR and TINA pop up from behind the "
        "sofa.\n\nMAYA\nYou guys!\n",
        format="fountain",
    )
    assert scene.characters == ("MAYA", "JESS", "OMAR", "TINA")
    assert [u.speaker for u in scene.utterances] == ["JESS", "OMAR", "TINA", "MAYA"]
