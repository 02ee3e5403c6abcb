"""Fountain elements, each on a small inline script, with the fields they must produce."""

from __future__ import annotations

import pytest

from motiondirector.errors import ScriptError
from motiondirector.plan.scene import Scene
from motiondirector.scene import parse_script


def fountain(text: str) -> Scene:
    return parse_script(text, format="fountain")


def test_title_page_title_without_emphasis_and_other_keys_ignored() -> None:
    scene = fountain(
        "Title:\n\t_**BIG NIGHT**_\n\t*PART TWO*\nAuthor: Someone\nDraft date: 1/1/2020\n\n"
        "ANA\nHi.\n"
    )
    assert scene.title == "BIG NIGHT PART TWO"
    assert [u.text for u in scene.utterances] == ["Hi."]
    assert scene.utterances[0].line == 7


def test_inline_title_and_no_title_page() -> None:
    assert fountain("Title: The Key\n\nANA\nHi.\n").title == "The Key"
    assert fountain("ANA\nHi.\n").title is None


@pytest.mark.parametrize(
    ("heading_line", "heading"),
    [
        ("INT. KITCHEN - DAY", "INT. KITCHEN - DAY"),
        ("EXT. GARDEN - NIGHT", "EXT. GARDEN - NIGHT"),
        ("EST. CITY - DAWN", "EST. CITY - DAWN"),
        ("INT./EXT. CAR - DAY", "INT./EXT. CAR - DAY"),
        ("I/E CAR - DAY", "I/E CAR - DAY"),
        ("int. lowercase room", "int. lowercase room"),
        (".SNIPER SCOPE POV", "SNIPER SCOPE POV"),
        ("INT. HOUSE - DAY #12A#", "INT. HOUSE - DAY"),
        ("ИНТ. КУХНЯ - НОЧЬ", "ИНТ. КУХНЯ - НОЧЬ"),  # Russian: interior
        ("НАТ. САД - ВЕЧЕР", "НАТ. САД - ВЕЧЕР"),  # натура: exterior
        ("ИНТ./НАТ. МАШИНА - ДЕНЬ", "ИНТ./НАТ. МАШИНА - ДЕНЬ"),
        ("内景 厨房 - 夜", "内景 厨房 - 夜"),  # Chinese: interior
        ("外景。花园 - 傍晚", "外景。花园 - 傍晚"),
        ("○台所（夜）", "○台所（夜）"),  # Japanese: ○ opens a scene
        ("S#12. 부엌 - 밤", "S#12. 부엌 - 밤"),  # Korean: the scene's number
    ],
)
def test_scene_headings_start_beats(heading_line: str, heading: str) -> None:
    scene = fountain(f"ANA\nFirst.\n\n{heading_line}\n\nBEN\nSecond.\n")
    assert [b.heading for b in scene.beats] == [None, heading]
    assert [u.beat for u in scene.utterances] == [0, 1]
    assert scene.beats[1].characters == ("BEN",)


def test_ellipsis_line_is_not_a_forced_heading() -> None:
    scene = fountain("...and then nothing.\n\nANA\nHi.\n")
    assert [b.heading for b in scene.beats] == [None]
    assert scene.actions[0].text == "...and then nothing."


def test_action_paragraph_is_one_action_line_with_its_first_line() -> None:
    scene = fountain("EXT. PARK - DAY\n\nThe sun.\nA long beat.\n\nANA\nHi.\n")
    assert [(a.text, a.line, a.beat) for a in scene.actions] == [("The sun. A long beat.", 3, 0)]


def test_forced_action_keeps_an_upper_case_line_as_action() -> None:
    scene = fountain("!SCANNING THE HORIZON\nNothing.\n\nANA\nHi.\n")
    assert scene.actions[0].text == "SCANNING THE HORIZON Nothing."
    assert scene.characters == ("ANA",)


def test_character_cue_dialogue_and_line_numbers() -> None:
    scene = fountain("\n\nSTEEL\nBeer's ready!\n\nBRICK\nAre they cold?\n")
    first, second = scene.utterances
    assert (first.id, first.speaker, first.text, first.line) == ("u1", "STEEL", "Beer's ready!", 3)
    assert (second.id, second.speaker, second.line) == ("u2", "BRICK", 6)
    assert [w.text for w in first.words] == ["Beer's", "ready!"]


@pytest.mark.parametrize(
    ("cue", "speaker", "extension"),
    [
        ("ANA (V.O.)", "ANA", "V.O."),
        ("ANA (O.S.)", "ANA", "O.S."),
        ("ANA (CONT'D)", "ANA", "CONT'D"),
        ("ANA (cont'd)", "ANA", "CONT'D"),
        ("ANA (V.O.) (CONT'D)", "ANA", "V.O., CONT'D"),
        ("@McClane", "MCCLANE", None),
        ("@Ana (O.S.)", "ANA", "O.S."),
        ("DR. WHO", "DR. WHO", None),
    ],
)
def test_cue_extensions_and_forced_names(cue: str, speaker: str, extension: str | None) -> None:
    utterance = fountain(f"{cue}\nHello there.\n").utterances[0]
    assert (utterance.speaker, utterance.extension) == (speaker, extension)


def test_contd_continues_the_same_speaker() -> None:
    scene = fountain("ANA\nWait.\n\nShe sits.\n\nANA (CONT'D)\nNow listen.\n")
    assert [u.speaker for u in scene.utterances] == ["ANA", "ANA"]
    assert scene.characters == ("ANA",)


def test_lower_case_line_above_text_is_action_not_a_cue() -> None:
    scene = fountain("Ana waits\nfor a while.\n\nANA\nHi.\n")
    assert [u.speaker for u in scene.utterances] == ["ANA"]
    assert scene.actions[0].text == "Ana waits for a while."


def test_a_short_line_of_a_script_without_case_above_text_is_a_cue() -> None:
    script = (
        "INT. CAFE - DAY\n\n李雷\n你好。\n\n"
        "他走进房间，坐下来，看着窗外的雨。\n很久没有说话。\n\nليلى\nمرحبا\n"
    )
    scene = parse_script(script, format="fountain")
    assert [(u.speaker, u.text) for u in scene.utterances] == [
        ("李雷", "你好。"),
        ("ليلى", "مرحبا"),
    ]
    # A long line, or one ending as a sentence does, stays action.
    assert [a.text for a in scene.actions] == ["他走进房间，坐下来，看着窗外的雨。 很久没有说话。"]


def test_parentheticals_before_between_and_after_dialogue() -> None:
    scene = fountain(
        "STEEL\n(beer raised)\nTo retirement.\n(pause)\nNo, really.\n(winks)\n\nBRICK\nSure.\n"
    )
    steel = scene.utterances[0]
    assert steel.text == "To retirement. No, really."
    assert [(p.text, p.before_word) for p in steel.parentheticals] == [
        ("beer raised", 0),
        ("pause", 2),
        ("winks", 4),
    ]


def test_multi_line_parenthetical_and_inline_one() -> None:
    scene = fountain("JACK\n(in Vietnamese,\nsubtitled)\nGo. (beat) Now.\n")
    jack = scene.utterances[0]
    assert jack.text == "Go. Now."
    assert [(p.text, p.before_word) for p in jack.parentheticals] == [
        ("in Vietnamese, subtitled", 0),
        ("beat", 1),
    ]


def test_a_parenthetical_never_closed_names_its_line() -> None:
    # Read as speech, "(smiling" would be said aloud.
    with pytest.raises(ScriptError) as raised:
        fountain("ANA\nHi.\n\nBEN\n(smiling\nHello there.\n")
    assert raised.value.line == 5
    assert "(smiling" in str(raised.value) and "never closed" in str(raised.value)


def test_parenthetical_pause_delays_the_next_word() -> None:
    plain = fountain("ANA\nGo now\n").utterances[0]
    paused = fountain("ANA\nGo\n(pause)\nnow\n").utterances[0]
    gap_plain = plain.words[1].start - plain.words[0].end
    gap_paused = paused.words[1].start - paused.words[0].end
    assert gap_plain == 0
    assert gap_paused == pytest.approx(0.4)


def test_cue_with_only_a_parenthetical_becomes_action() -> None:
    scene = fountain("BRICK\n(nods)\n\nSTEEL\nGood.\n")
    assert [a.text for a in scene.actions] == ["BRICK nods"]
    assert [u.speaker for u in scene.utterances] == ["STEEL"]


def test_dual_dialogue_starts_with_the_line_it_pairs_with() -> None:
    scene = fountain("STEEL\nScrew retirement.\n\nBRICK ^\nScrew retirement.\n\nSTEEL\nYes.\n")
    steel, brick, after = scene.utterances
    assert (brick.speaker, brick.dual, steel.dual) == ("BRICK", True, False)
    assert brick.start == steel.start
    assert after.start >= max(steel.end, brick.end)


def test_dual_marker_without_a_previous_line_is_not_dual() -> None:
    scene = fountain("BRICK ^\nFirst!\n")
    assert scene.utterances[0].dual is False


@pytest.mark.parametrize(
    "transition",
    [
        "CUT TO:",
        "SMASH CUT TO:",
        "> BURN TO PINK.",
        "FADE OUT.",
        "SMASH CUT:",
        "INTERCUT WITH:",
        "INTERCUT WITH MARK'S CAR:",
        "INTERCUT - ANA/BEN",
        "END INTERCUT",
        "BACK TO SCENE.",
        "SERIES OF SHOTS:",
        "MONTAGE - RICO TRAINS",
        "END MONTAGE",
        "INSERT - THE PHOTOGRAPH",
        "FLASHBACK:",
    ],
)
def test_transitions_produce_nothing(transition: str) -> None:
    scene = fountain(f"ANA\nHi.\n\n{transition}\n\nBEN\nBye.\n")
    assert scene.actions == ()
    assert [u.speaker for u in scene.utterances] == ["ANA", "BEN"]


def test_a_line_in_capitals_that_only_begins_like_a_cut_is_action() -> None:
    scene = fountain("ANA\nHi.\n\nBACK TO THE WALL, ANA SLIDES DOWN.\n\nBEN\nBye.\n")
    assert [action.text for action in scene.actions] == ["BACK TO THE WALL, ANA SLIDES DOWN."]


def test_indented_transition_and_tab_indented_dialogue() -> None:
    scene = fountain("\t\t\tJACK\n\t\t(quietly)\n\t*Did you know?*\n\n\t\t\t\tCUT TO:\n")
    jack = scene.utterances[0]
    assert (jack.speaker, jack.text) == ("JACK", "Did you know?")
    assert jack.parentheticals[0].text == "quietly"
    assert scene.actions == ()


def test_centered_text_is_a_timed_action_that_brings_nobody_on_stage() -> None:
    scene = fountain("> ANA AND BEN <\n> IN <\n\nANA\nHi.\n\nINT. ROOM\n\n>THE END<\n")
    assert [(a.text, a.line) for a in scene.actions] == [("ANA AND BEN IN", 1), ("THE END", 9)]
    assert scene.actions[0].end > scene.actions[0].start
    assert scene.beats[1].characters == ()


def test_notes_and_boneyard_are_removed_even_across_lines() -> None:
    scene = fountain(
        "ANA\nHello [[a note\nover two lines]] there.\n\n/* old scene\n\nBEN\nCut line.\n*/\n"
        "BEN\n[[note alone]]\nStill here.\n"
    )
    assert [(u.speaker, u.text, u.line) for u in scene.utterances] == [
        ("ANA", "Hello there.", 1),
        ("BEN", "Still here.", 10),
    ]


def test_unterminated_boneyard_names_the_line_it_opened() -> None:
    with pytest.raises(ScriptError) as raised:
        fountain("ANA\nHi.\n\n/* never closed\n\nBEN\nBye.\n")
    assert raised.value.line == 4
    assert "boneyard" in str(raised.value)


def test_unterminated_note_is_kept_as_text() -> None:
    assert fountain("ANA\nHi [[ there.\n").utterances[0].text == "Hi [[ there."


def test_sections_synopses_and_page_breaks_are_dropped() -> None:
    scene = fountain("# ACT ONE\n\n= Ana arrives.\n\nANA\nHi.\n\n===\n\n## Part\n\nBEN\nBye.\n")
    assert scene.actions == ()
    assert [u.speaker for u in scene.utterances] == ["ANA", "BEN"]


def test_lyrics_inside_dialogue_and_standalone() -> None:
    scene = fountain("NAR\n~Neema sasim\n~neema sah\n\n~Ooh la la\n")
    nar, sung = scene.utterances
    assert nar.text == "Neema sasim neema sah"
    assert (sung.speaker, sung.text) == ("NAR", "Ooh la la")
    # Without anyone to sing them, lyrics read as action.
    only = fountain("~La la\n\nANA\nHi.\n")
    assert [a.text for a in only.actions] == ["La la"]


def test_emphasis_markup_removed_from_speech_and_action() -> None:
    scene = fountain("*Bold* moves _here_.\n\nDAN\nThen _Permanently_. ***Now*** \\*sic\\*.\n")
    assert scene.actions[0].text == "Bold moves here."
    assert scene.utterances[0].text == "Then Permanently. Now *sic*."


def test_crlf_and_cr_line_endings_give_the_same_scene() -> None:
    text = "Title: T\n\nINT. ROOM\n\nAna waits.\n\nANA\n(softly)\nHi, Ben.\n\nBEN\nHi.\n"
    lf = fountain(text)
    assert fountain(text.replace("\n", "\r\n")) == lf
    assert fountain(text.replace("\n", "\r")) == lf


def test_character_named_in_action_is_on_stage() -> None:
    scene = fountain(
        "INT. ROOM\n\nBRICK BRADDOCK, retired, sits. Ana crosses.\n\nSTEEL\nHey.\n\n"
        "INT. HALL\n\nNobody here.\n\nSTEEL\nHello?\n\nINT. KITCHEN\n\nANA\nHi.\n\nBRICK\nYo.\n"
    )
    assert scene.beats[0].characters == ("BRICK", "ANA", "STEEL")
    assert scene.beats[1].characters == ("STEEL",)
    assert scene.characters == ("BRICK", "ANA", "STEEL")


def test_full_name_speaker_found_by_first_name_but_not_by_an_article() -> None:
    scene = fountain(
        "Ana and the band arrive.\n\nANA LOPEZ\nHi.\n\nTHE BAND\nYo.\n\nINT. B\n\n"
        "The door opens.\n\nMAX\nWho?\n"
    )
    assert scene.beats[0].characters == ("ANA LOPEZ", "THE BAND")
    assert scene.beats[1].characters == ("MAX",)


def test_voice_over_alone_does_not_bring_the_speaker_on_stage() -> None:
    scene = fountain("INT. ROOM\n\nAna reads.\n\nNARRATOR (V.O.)\nShe waited.\n\nANA\nHm.\n")
    assert scene.beats[0].characters == ("ANA",)
    assert "NARRATOR" in scene.characters


def test_script_without_dialogue_is_an_error_at_line_one() -> None:
    with pytest.raises(ScriptError) as raised:
        fountain("INT. ROOM\n\nNothing happens.\n")
    assert raised.value.line == 1
    assert "no dialogue" in str(raised.value)


def test_shouted_action_line_is_not_a_cue() -> None:
    scene = fountain("BOOM!\nThe door flies open.\n\nANA\nWhat?\n")
    assert scene.actions[0].text == "BOOM! The door flies open."
    assert scene.characters == ("ANA",)


def test_page_marks_of_a_script_exported_from_a_pdf_are_no_action() -> None:
    scene = parse_script(
        "INT. OFFICE - DAY\n\nANA sits.\n\nANA\nI told you\neverything.\n(MORE)\n\n"
        "                  12.\nCONTINUED:\n\nANA (CONT'D)\nAnyway.\n\n(CONTINUED)\n\n"
        "Ana sighs.\n\n!12.\n",
        format="fountain",
    )
    assert [action.text for action in scene.actions] == ["ANA sits.", "Ana sighs.", "12."]
    assert [u.text for u in scene.utterances] == ["I told you everything.", "Anyway."]


def test_a_shooting_script_s_scene_numbers_around_a_heading_are_left_out() -> None:
    scene = parse_script(
        "12   INT. OFFICE - DAY   12\n\nANA sits.\n\nANA\nHi.\n\n13A  EXT. STREET - NIGHT  13A\n\n"
        "BEN walks.\n\nBEN\nYo.\n\n12 angry men walk in.\n",
        format="fountain",
    )
    assert [beat.heading for beat in scene.beats] == ["INT. OFFICE - DAY", "EXT. STREET - NIGHT"]
    assert [action.text for action in scene.actions] == [
        "ANA sits.",
        "BEN walks.",
        "12 angry men walk in.",
    ]
