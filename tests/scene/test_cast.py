"""The cast rule: one character per person, from the cues, the introductions and the action."""

from __future__ import annotations

import pytest

from motiondirector.errors import ScriptError
from motiondirector.plan.scene import Scene
from motiondirector.scene import parse_script
from motiondirector.scene.cast import _cached_shape, introductions_in
from motiondirector.scene.names import NameMatcher, short_forms

CYBER = """INT. CYBER OFFICE - NIGHT

CYBER BOB, 40, a white man, hunches over a desk. CYBER BOSS, 60, looms behind him.

BOSS
You're late, Bob.

CYBER BOB
The servers were down.

BOB
All of them.

BOB (INTO PHONE)
I'll call you back.

Bob stands. The Boss smiles.
"""


def fountain(text: str) -> Scene:
    return parse_script(text, format="fountain")


def test_short_forms_and_introductions_are_one_character_named_by_the_cue() -> None:
    scene = fountain(CYBER)
    assert scene.characters == ("BOB", "BOSS")
    assert [u.speaker for u in scene.utterances] == ["BOSS", "BOB", "BOB", "BOB"]
    assert scene.utterances[3].extension == "INTO PHONE"
    assert scene.beats[0].characters == ("BOB", "BOSS")


def test_the_cue_used_most_names_the_character() -> None:
    scene = fountain("CYBER BOB\nOne.\n\nANA\nTwo.\n\nCYBER BOB\nThree.\n\nBOB\nFour.\n")
    assert scene.characters == ("CYBER BOB", "ANA")
    assert {u.speaker for u in scene.utterances} == {"CYBER BOB", "ANA"}


@pytest.mark.parametrize(
    ("script", "cast"),
    [
        ("GUARD 1\nPapers.\n\nGUARD 2\nNow.\n\nGUARD\nMove.\n", {"GUARD 1", "GUARD 2", "GUARD"}),
        ("BOB\nHi.\n\nYOUNG BOB\nHi.\n", {"BOB", "YOUNG BOB"}),
        ("MR. SMITH\nTea?\n\nMRS. SMITH\nYes.\n", {"MR. SMITH", "MRS. SMITH"}),
        ("ANA B\nHi.\n\nANA-B\nHi.\n", {"ANA B", "ANA-B"}),
        ("BOB SMITH\nHi.\n\nBOB JONES\nHi.\n\nBOB\nWho?\n", {"BOB", "BOB SMITH", "BOB JONES"}),
        (
            "PATRON ONE\nShh.\n\nPATRONS THREE AND FOUR\nShh!\n",
            {"PATRON ONE", "PATRONS THREE AND FOUR"},
        ),
    ],
)
def test_numbers_ages_titles_groups_and_ambiguous_names_stay_apart(
    script: str, cast: set[str]
) -> None:
    assert set(fountain(script).characters) == cast


def test_a_surname_cue_finds_the_full_introduction_with_a_title() -> None:
    scene = fountain(
        "INT. WARD - DAY\n\nDR. HELEN SMITH, 50s, strides in. TOM follows.\n\n"
        "TOM\nDoctor?\n\nSMITH\nLater.\n"
    )
    assert scene.characters == ("SMITH", "TOM")


def test_a_role_before_a_name_is_a_title_of_the_person_the_cue_names() -> None:
    scene = fountain(
        "INT. OFFICE - NIGHT\n\nDETECTIVE RAY MORENO (50s) sits behind a desk. OFFICER KATE "
        "DIAZ leans in the doorway.\n\nRAY\nWell?\n\nDIAZ\nShe's here.\n"
    )
    assert set(scene.characters) == {"RAY", "DIAZ"}


def test_extensions_resolve_to_the_cue_name() -> None:
    scene = fountain(
        "BOB (V.O.)\nOnce.\n\nANA (O.S.)\nBob?\n\nBOB (CONT'D)\nHere.\n\nBOB (into phone)\nBye.\n"
    )
    assert set(scene.characters) == {"BOB", "ANA"}


def test_plain_text_short_forms_merge_too() -> None:
    scene = parse_script("CYBER BOB: Hi.\nANA: Hey.\nBOB: Bye.\nBOB: Again.\n", format="text")
    assert scene.characters == ("BOB", "ANA")


def test_dialogue_json_speakers_are_taken_as_given() -> None:
    scene = parse_script(
        '{"turns": [{"speaker": "CYBER BOB", "text": "Hi."}, {"speaker": "BOB", "text": "Yo."}]}'
    )
    assert scene.characters == ("CYBER BOB", "BOB")


def test_declared_characters_keep_their_names() -> None:
    scene = parse_script(
        "But BRICK BRADDOCK, retired, is sitting quietly.\n\nSTEEL\nBeer?\n",
        format="fountain",
        characters=("BRICK",),
    )
    assert set(scene.characters) == {"BRICK", "STEEL"}


def test_a_character_of_the_action_alone_does_something() -> None:
    scene = fountain(
        "INT. HALL - NIGHT\n\nA DOG barks. The dog runs to the door. JOHN, 30s, paces.\n\n"
        "The DOOR SLAMS. A red CAR races past. The PHONE RINGS.\n\nANA\nQuiet!\n"
    )
    assert scene.characters == ("THE DOG", "JOHN", "ANA")


def test_a_title_in_the_action_keeps_its_full_stop_as_a_cue_does() -> None:
    # "MR NGUYEN" beside "MRS. NGUYEN" of the cues read as a typo in every export.
    scene = fountain(
        "MS. PARK grades papers. Mr. Nguyen walks in and nods. DR. ADA LOVE waits.\n\n"
        "MS. PARK\nGood morning.\n\nMRS. NGUYEN\nMorning.\n"
    )
    assert set(scene.characters) == {"MS. PARK", "MR. NGUYEN", "DR. ADA LOVE", "MRS. NGUYEN"}


def test_a_multi_camera_script_s_action_in_capitals_and_brackets_finds_its_cast() -> None:
    # Action all in capitals sets no name apart: "HE STORMS OUT" and "JERRY AND ELAINE" were
    # characters. A stage direction in brackets is read, so the waiter who never speaks is one.
    scene = fountain(
        "INT. DINER - NIGHT\n\n(JERRY AND ELAINE SIT IN A BOOTH. A WAITER ARRIVES.)\n\n"
        "JERRY\nYou pay.\n\n(HE STORMS OUT. THE WAITER SHAKES HIS HEAD.)\n"
    )
    assert scene.characters == ("JERRY", "ELAINE", "THE WAITER")


def test_a_possessive_in_capitals_ends_the_name() -> None:
    # "ROSA'S APARTMENT" was a name ROSA APARTMENT, which ROSA also begins: fitting two longer
    # names, the cue ROSA joined neither and DETECTIVE ROSA DIAZ was a second character.
    scene = fountain(
        "INT. STATION - NIGHT\n\nDETECTIVE ROSA DIAZ (30s) reads a file.\n\nROSA\nNot yet."
        "\n\nINTERCUT - ROSA'S APARTMENT / STATION\n\nROSA\nIt's nothing.\n"
    )
    assert scene.characters == ("ROSA",)


def test_a_role_set_off_after_an_age_is_what_the_person_is() -> None:
    scene = fountain(
        "INT. BOARDROOM - DAY\n\nA long glass table. VICTORIA HALE (50s), CEO, sits at the "
        "head.\n\nVICTORIA\nNumbers.\n\nMILES (20s), WALTER (60s), and ANA (30s) sit.\n"
    )
    assert scene.characters == ("VICTORIA", "MILES", "WALTER", "ANA")


def test_a_name_set_off_after_a_role_is_the_role_s_own() -> None:
    # "The BEST MAN, Tony, taps": Tony is the best man, no one else; kids named after their
    # noun are the ones who act.
    scene = fountain(
        "INT. HALL - NIGHT\n\nThe BEST MAN, Tony, taps his glass. The BRIDE smiles.\n\n"
        "BEST MAN\nA toast!\n\nBRIDE\nOh no.\n"
    )
    assert scene.characters == ("BEST MAN", "BRIDE")


def test_a_role_in_capitals_before_the_name_it_introduces_is_that_person() -> None:
    scene = fountain(
        "INT. HALL - NIGHT\n\nThe BRIDE, Nadia (30s), and the GROOM, Omar (30s), sit. The "
        "bride laughs.\n\nOMAR\nTo us.\n"
    )
    assert set(scene.characters) == {"NADIA", "OMAR"}
    scene = fountain(
        "INT. TAVERN - NIGHT\n\nA hooded RANGER, KAEL (30s), sits. The ranger nods.\n\nKAEL\nAle.\n"
    )
    assert scene.characters == ("KAEL",)
    # A role with no name set off after it stays a person of its own.
    scene = fountain("INT. HALL - NIGHT\n\nThe BRIDE laughs.\n\nOMAR\nTo us.\n")
    assert set(scene.characters) == {"OMAR", "THE BRIDE"}


def test_a_capitalised_word_that_starts_a_sentence_must_act_like_someone() -> None:
    scene = fountain("INT. CAVE\n\nSilence falls. Thrain turns and smiles.\n\nLIA\nHello?\n")
    assert scene.characters == ("THRAIN", "LIA")


def test_an_introduction_with_an_age_or_a_description_is_a_character() -> None:
    scene = fountain("INT. HALL\n\nNOB, 42, white, male.\n\nHe stands at a pulpit.\n")
    assert scene.characters == ("NOB",)


def test_an_age_in_brackets_describes_whom_it_follows() -> None:
    # A decade is no age: "A CAB (1970s)" stays undescribed.
    forms = introductions_in("A CLERK (mid-40s) waits. A CAB (1970s) waits. A LAMP (on) waits.")
    assert [(form.name, form.described) for form in forms] == [
        ("CLERK", True),
        ("CAB", False),
        ("LAMP", False),
    ]


def test_a_person_noun_after_an_article_does_what_things_do_too() -> None:
    scene = fountain(
        "INT. STATION - DAY\n\nA TRAIN enters. A NURSE enters. The OLD MAN sits. "
        "The CAR stops. The hooded SUSPECT runs.\n\nANA\nHello?\n"
    )
    assert set(scene.characters) == {"THE NURSE", "THE OLD MAN", "THE SUSPECT", "ANA"}


def test_someones_relation_is_not_them() -> None:
    scene = fountain(
        "EXT. MARKET - DAY\n\nA boy, TEO (9), watches.\n\n"
        "TEO'S MOTHER (30s) appears behind him, arms crossed.\n\nTEO'S MOTHER\nToo late.\n"
    )
    assert scene.characters == ("TEO", "TEO'S MOTHER")
    assert [(c.character, c.change) for c in scene.beats[0].stage] == [("TEO'S MOTHER", "enters")]


def test_a_given_name_after_an_article_stays_a_name() -> None:
    scene = fountain(
        "INT. BAR - NIGHT\n\nA tipsy DEB (40s) sings. A WAITER sighs.\n\n"
        "ANA\nEncore!\n\nDeb bows.\n"
    )
    assert set(scene.characters) == {"DEB", "THE WAITER", "ANA"}


def test_a_participle_opening_a_sentence_is_no_one() -> None:
    forms = introductions_in(
        "Having taken it, he holds on. Seeing this, Ben laughs. STERLING nods."
    )
    assert [form.name for form in forms] == ["BEN", "STERLING"]


def test_introductions_skip_film_grammar_emphasis_and_crowds() -> None:
    forms = introductions_in(
        "CLOSE ON MARY. SFX: a bang. An EXTREMELY HANDSOME MAN SCREAMS. "
        "A CROWD OF REPORTERS shouts. The PLAYERS slump. ONLOOKERS gasp. Later, Leo "
        "walks in.",
        frozenset({"screams"}),
    )
    assert [(f.name, f.after_article) for f in forms] == [
        ("MARY", False),
        ("HANDSOME MAN", True),
        ("LEO", False),
    ]


def test_a_nickname_in_quotes_is_a_short_form_of_the_full_name() -> None:
    scene = fountain(
        'INT. KITCHEN\n\nJAMES "JIMMY" COLE, 8, runs in.\n\nJIMMY\nPancakes!\n\nMOM\nSit.\n'
    )
    assert scene.characters == ("JIMMY", "MOM")


def test_short_forms_are_found_only_with_a_capital() -> None:
    assert short_forms(["DICK STEEL", "BRICK", "PATRON ONE", "PATRON TWO"]) == {
        "dick": "DICK STEEL",
        "steel": "DICK STEEL",
    }
    names = NameMatcher(["DICK STEEL", "BRICK"])
    assert names.mentions("Steel sits by a steel door.") == ["DICK STEEL"]
    assert names.mentions("a steel door") == []


def test_a_scene_of_action_alone_plans_its_characters() -> None:
    scene = fountain("INT. WAITING ROOM - DAY\n\nMARY enters, sits down and stares at the clock.\n")
    assert scene.characters == ("MARY",)
    assert scene.utterances == ()
    assert scene.beats[0].characters == ("MARY",)


def test_no_character_at_all_is_refused_with_that_reason() -> None:
    with pytest.raises(ScriptError, match="no character: nobody speaks") as raised:
        fountain("INT. ROOM\n\nNothing happens.\n\nThe clock ticks.\n")
    assert raised.value.line == 1


def test_synopsis_prose_says_what_the_planner_needs() -> None:
    with pytest.raises(ScriptError, match="reads like a synopsis") as raised:
        fountain("\n\nJOHN, a detective, meets MARY in Paris. They fall in love and he sits.\n")
    message = str(raised.value)
    assert "INT. KITCHEN - DAY" in message and "in capitals" in message
    assert raised.value.line == 3


def test_a_long_token_is_read_but_not_kept_in_the_shape_cache() -> None:
    # Tokens are the caller's: distinct ones of thousands of letters must not pile up.
    def script(giant: str) -> str:
        return f"INT. ROOM - DAY\n\nAna looks at {giant} and waves.\n\nANA\nHi.\n"

    _cached_shape.cache_clear()
    assert "ANA" in parse_script(script("Z" + "q" * 5000), format="fountain").characters
    kept = _cached_shape.cache_info().currsize
    assert kept > 0  # the ordinary words are kept
    parse_script(script("Y" + "q" * 5000), format="fountain")
    assert _cached_shape.cache_info().currsize == kept


def test_lights_that_hum_are_no_character() -> None:
    scene = fountain(
        "INT. CORRIDOR - NIGHT\n\nFluorescent lights hum. MARCUS paces.\n\nMARCUS\nWell?\n"
    )
    assert scene.characters == ("MARCUS",)
    # Rain that hits a face and headlights that sweep across are weather and light.
    scene = fountain(
        "EXT. BUS STOP - NIGHT - RAIN\n\nRain pours. CLAIRE runs up.\n\nCLAIRE\nWait.\n\n"
        "Rain hits her face. Headlights sweep across them.\n"
    )
    assert scene.characters == ("CLAIRE",)
    # A noun and a noun spelled like a verb's base form: no one smoking.
    scene = fountain("INT. BACK ROOM - NIGHT\n\nCigar smoke. VINCE deals.\n\nVINCE\nCut.\n")
    assert scene.characters == ("VINCE",)


def test_the_plural_of_a_word_for_a_person_is_a_crowd() -> None:
    scene = fountain(
        "INT. BANK - DAY\n\nCustomers lie face down. Two THUGS follow JACK in. A LITTLE GIRL"
        " (6) starts to cry.\n\nJACK\nEasy.\n"
    )
    assert scene.characters == ("JACK", "THE LITTLE GIRL")


def test_an_age_said_of_a_person_before_a_name_describes_them() -> None:
    scene = fountain(
        "EXT. PLATFORM - DAWN\n\nOLD MAN WALTER (80s) sits on a bench. PRIYA (30s) hurries"
        " in.\n\nPRIYA\nThank you.\n\nWALTER\nMy pleasure.\n"
    )
    assert scene.characters == ("WALTER", "PRIYA")


def test_a_business_title_before_a_full_name_is_a_title() -> None:
    scene = fountain(
        "INT. BOARDROOM - DAY\n\nCEO DIANA WRIGHT (50s) sits at the head. CFO RAJ (40s) reads."
        "\n\nDIANA\nNumbers, Raj.\n\nRAJ\nDown twelve percent.\n"
    )
    assert scene.characters == ("DIANA", "RAJ")


def test_neither_nor_anyone_opening_a_sentence_is_a_character() -> None:
    scene = fountain(
        "EXT. STREET - DAY\n\nCODY and the OUTLAW (30s) glare at each other. Neither"
        " flinches. Either could draw. None blink. Anyone watching holds their breath.\n\n"
        "CODY\nWalk away.\n"
    )
    assert scene.characters == ("CODY", "THE OUTLAW")


def test_a_title_and_one_name_has_the_name_as_its_short_form() -> None:
    assert short_forms(["DR. OKAFOR", "BEN"]) == {"okafor": "DR. OKAFOR"}


def test_a_preposition_opening_a_sentence_is_no_character() -> None:
    script = (
        "INT. COMMUNITY CENTER - NIGHT\n\nNext to her, new member TOBY (30s) is bouncing his knee"
        " and avoiding eye contact. Beside him, LENA sits.\n\nTOBY\nHi.\n"
    )
    assert set(parse_script(script, format="fountain").characters) == {"TOBY", "LENA"}


def test_a_noun_before_a_plural_noun_and_its_verb_is_no_character() -> None:
    script = (
        "INT. HALLWAY - NIGHT\n\nFlashlight beams cut through dust. Car doors slam. "
        "Steam screams out.\n\n"
        "MAYA\nHello?\n"
    )
    assert parse_script(script, format="fountain").characters == ("MAYA",)


def test_a_name_in_capitals_being_somewhere_is_a_character_and_a_thing_is_not() -> None:
    script = (
        "INT. GYM - DAY\n\nSAL is on a stool in the corner. The BAG is on the floor.\n\n"
        "MIGUEL\nReady.\n"
    )
    assert parse_script(script, format="fountain").characters == ("SAL", "MIGUEL")


def test_a_title_a_family_calls_someone_by_is_a_short_form() -> None:
    from motiondirector.scene.names import short_forms

    assert short_forms(["GRANDMA ROSE", "PAUL"])["grandma"] == "GRANDMA ROSE"
    assert "grandma" not in short_forms(["GRANDMA ROSE", "GRANDMA JO"])  # which one?
    assert short_forms(["COACH TAYLOR", "MIA"])["coach"] == "COACH TAYLOR"
    assert "doctor" not in short_forms(["DOCTOR WHO", "ANA"])


def test_a_count_opening_a_sentence_is_no_character() -> None:
    scene = fountain(
        "EXT. MAIN STREET - DAY\n\nThe SHERIFF stands. Thirty paces away, the KID flexes his "
        "fingers.\n\nKID\nYou're old.\n"
    )
    assert "THIRTY" not in scene.characters


def test_passersby_are_a_crowd() -> None:
    scene = fountain("EXT. STREET - DAY\n\nROSIE dances. Passersby stop to watch.\n\nROSIE\nHi!\n")
    assert scene.characters == ("ROSIE",)


def test_a_host_before_a_name_is_a_title() -> None:
    scene = fountain(
        "INT. TV STUDIO - NIGHT\n\nHOST MARCUS BELL (50s) leans forward.\n\nMARCUS\nSo.\n"
    )
    assert scene.characters == ("MARCUS",)
