"""Addressee inference: two-character beats, vocatives and mentions, previous speaker, all."""

from __future__ import annotations

from motiondirector.scene import parse_script
from motiondirector.scene.addressees import engaged_with, infer_addressees
from motiondirector.scene.names import NameMatcher


def addressees(text: str) -> list[tuple[str, ...]]:
    return [u.addressees for u in parse_script(text, format="text").utterances]


def test_two_character_beat_addresses_the_other() -> None:
    assert addressees("ANA: Hi.\nBEN: Hello.\nANA: Bye.\n") == [("BEN",), ("ANA",), ("BEN",)]


def test_vocative_selects_the_named_character() -> None:
    text = "ANA: Hi all.\nBEN: Hey.\nCLEO: Yo.\nANA: Ben, listen.\nCLEO: Is that so, Ana?\n"
    assert addressees(text)[3:] == [("BEN",), ("ANA",)]


def test_several_names_in_order_of_mention() -> None:
    text = "ANA: Hi.\nBEN: Hey.\nCLEO: Cleo here.\nANA: Cleo and Ben, come.\n"
    assert addressees(text)[-1] == ("CLEO", "BEN")


def test_previous_speaker_when_nobody_is_named() -> None:
    text = "ANA: Hi.\nBEN: Hey.\nCLEO: So?\nANA: Nothing.\n"
    assert addressees(text)[2:] == [("BEN",), ("CLEO",)]


def test_whom_the_action_turns_the_speaker_to_is_spoken_to() -> None:
    three = "INT. HALL\nAna, Ben and Cleo sit.\nANA: So.\nBEN: Well?\n"
    # Ben spoke last, but Ana turns to Cleo, or Cleo hugs Ana: the line is for Cleo.
    for action in ("Ana turns to Cleo.", "Cleo hugs her.", "Ben nods. Ana looks at Cleo."):
        assert addressees(three + action + "\nANA: I told you.\n")[-1] == ("CLEO",), action
    # Only the action since the speaker's previous line counts, and only who is on stage.
    text = three + "Ana turns to Cleo.\nANA: I told you.\nCLEO: Fine.\nBEN: And?\nANA: No.\n"
    assert addressees(text)[-1] == ("BEN",)


def test_all_who_turn_to_the_speaker_are_spoken_to() -> None:
    four = "INT. KITCHEN\nAna, Ben, Cleo and Dan sit.\nBEN: Hm.\nDAN: Some things never change.\n"
    # Dan spoke last, but everyone turned to Ana: she tells them all.
    action = "Ana clinks her glass. Everyone turns to her.\nANA: I have news.\n"
    assert addressees(four + action)[-1] == ("BEN", "CLEO", "DAN")
    # The one the speaker then turns to is spoken to.
    action = "Everyone turns to Ana. She turns to Cleo.\nANA: You first.\n"
    assert addressees(four + action)[-1] == ("CLEO",)


def test_an_answer_is_said_to_the_asker_unless_it_calls_someone() -> None:
    three = "INT. HALL\nAna, Ben and Cleo sit.\nANA: Where were you?\n"
    assert addressees(three + "BEN: At home. With Cleo.\n")[-1] == ("ANA",)
    assert addressees(three + "BEN: Cleo, tell her.\n")[-1] == ("CLEO",)
    assert addressees(three + "BEN: Ask Cleo, Ana.\n")[-1] == ("ANA",)
    assert addressees(three + "BEN: Oh, Cleo! You know.\n")[-1] == ("CLEO",)
    # Not after a question, a name said is whom the line is for.
    assert addressees("INT. HALL\nAna, Ben and Cleo sit.\nANA: Hi.\nBEN: Cleo's right.\n")[-1] == (
        "CLEO",
    )


def test_the_bench_is_spoken_to_as_your_honor_and_objected_to() -> None:
    court = (
        "INT. COURTROOM - DAY\n\nJUDGE HARLOW presides. RUIZ stands. MS. PATEL sits.\n\n"
        "RUIZ\nYour Honor, the defense calls Ms. Patel.\n\nRUIZ\nMs. Patel, where were you?\n\n"
        "MS. PATEL\nAt home.\n\nPROSECUTOR\nObjection! Leading the witness.\n\n"
        "JUDGE HARLOW\nOverruled.\n"
    )
    found = [u.addressees for u in parse_script(court, format="fountain").utterances]
    assert found[:4] == [("JUDGE HARLOW",), ("MS. PATEL",), ("RUIZ",), ("JUDGE HARLOW",)]


def test_a_glance_before_an_answer_does_not_take_it_from_the_asker() -> None:
    pitch = (
        "INT. ROOM - DAY\n\nPRIYA, GREG and OWEN sit.\n\nOWEN\nWhat happens next?\n\n"
        "Priya glances at Greg, who gives her a nod.\n\nPRIYA\nThey'll try.\n\n"
        "OWEN\nAnd then?\n\nPriya turns to Greg.\n\nPRIYA\nYou tell him.\n"
    )
    found = [u.addressees for u in parse_script(pitch, format="fountain").utterances]
    assert found[1] == ("OWEN",) and found[3] == ("GREG",)


def test_everyone_else_on_stage_otherwise() -> None:
    text = (
        "INT. A\nAna, Ben and Cleo sit.\nANA: Welcome.\nANA: Really, welcome.\n"
        "INT. B\nBEN: Hm.\nCLEO: Hm.\n"
    )
    assert addressees(text)[:2] == [("BEN", "CLEO"), ("BEN", "CLEO")]


def test_alone_on_stage_speaks_to_nobody() -> None:
    assert addressees("NOB: Fire.\nNOB: Yes, fire.\n") == [(), ()]


def test_names_of_characters_off_stage_do_not_count() -> None:
    text = "INT. A\nANA: Hi.\nBEN: Hey.\nCLEO: Yo.\nINT. B\nDAN: Ana is gone.\nEVE: I know.\n"
    assert addressees(text)[3:] == [("EVE",), ("DAN",)]


def test_given_addressees_win() -> None:
    scene = parse_script('[{"speaker": "A", "text": "Hi, Ben.", "addressees": ["C"]}]')
    assert scene.utterances[0].addressees == ("C",)


def test_sir_maam_or_a_title_calls_the_one_of_that_gender() -> None:
    three = "INT. WARD\nMarcus paces. Lily and Nora sit.\nLILY: Dad?\nNORA: Mr. Hale?\n"
    assert addressees(three)[-1] == ("MARCUS",)
    text = "INT. WARD\nMarcus paces.\nLILY: Hm.\nMARCUS: Well?\nNORA: Yes, ma'am.\n"
    assert addressees(text)[-1] == ("LILY",)  # the only other she, not the previous speaker
    text = "INT. WARD\nMarcus paces. Lily and Nora sit.\nLILY: Hm.\nNORA: I miss him.\n"
    assert addressees(text)[-1] == ("LILY",)  # "miss" is no title: the previous speaker


def test_engaged_with_reads_the_last_aims_at_or_from_the_speaker() -> None:
    aimed = [("ANA", "BEN", "act"), ("CLEO", "ANA", "look"), ("BEN", "CLEO", "act")]
    assert engaged_with("ANA", aimed) == ["CLEO"]  # aimed at her after she aimed at Ben
    assert engaged_with("BEN", aimed) == ["CLEO"]
    assert engaged_with("ANA", [("BEN", "ANA", "act"), ("ANA", "CLEO", "glance")]) == ["CLEO"]
    at_ana = [("BEN", "ANA", "act"), ("CLEO", "ANA", "act"), ("BEN", "ANA", "look")]
    assert engaged_with("ANA", at_ana) == ["CLEO", "BEN"]
    assert engaged_with("DAN", aimed) == []
    # Asked a question: the speaker's own look or act, or another's act on them, counts; a
    # glance, or another's look or nod, does not.
    assert engaged_with("ANA", aimed, asked=True) == ["BEN"]
    glance = [("ANA", "CLEO", "glance"), ("CLEO", "ANA", "look")]
    assert engaged_with("ANA", glance, asked=True) == []


def test_rule_function_directly() -> None:
    names = NameMatcher(["ANA", "BEN", "CLEO"])
    stage = ("ANA", "BEN", "CLEO")
    assert infer_addressees("ANA", "Ben's right.", stage, None, names) == ("BEN",)
    assert infer_addressees("ANA", "Right.", stage, "ANA", names) == ("BEN", "CLEO")
    assert infer_addressees("ANA", "Right.", ("ANA", "BEN"), None, names) == ("BEN",)


def test_name_matcher_rules() -> None:
    names = NameMatcher(["ANA LOPEZ", "THE BOY BAND", "PATRON ONE", "PATRON TWO", "STEEL"])
    assert names.mentions("Steel's face. Ana waves.") == ["STEEL", "ANA LOPEZ"]
    assert names.mentions("the band plays for the patron") == []
    assert names.mentions("THE BOY BAND and Patron Two") == ["THE BOY BAND", "PATRON TWO"]
    assert names.mentions("steely anarchy") == []


def test_names_written_with_vowel_signs_are_found_whole() -> None:
    names = NameMatcher(["राम", "रमेश", "สมชาย", "มาลี"])
    assert names.mentions("नमस्ते रमेश।") == ["रमेश"]
    assert names.mentions("राम बैठता है।") == ["राम"]
    assert names.mentions("สมชายยิ้มให้มาลี") == ["สมชาย", "มาลี"]
    # Split at their vowel signs, Reema (रीमा) and the Ramayana (रामायण) both began र म: Ram.
    assert NameMatcher(["राम"]).mentions("नमस्ते रीमा, रामायण पढ़ो।") == []
    scene = parse_script("राम: नमस्ते रमेश।\nरमेश: नमस्ते।\nसीता: हाँ।\n")
    assert scene.utterances[0].addressees == ("रमेश",)
    scene = parse_script("सीता: नमस्ते रीमा।\nराम: हाँ।\nरीमा: नमस्ते।\n")
    assert scene.utterances[0].addressees == ("रीमा",)
