"""The three real screenplays in the shared data parse into plausible Scenes."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from motiondirector.plan.scene import Scene
from motiondirector.scene import parse_script, read_script


@pytest.fixture(scope="module")
def screenplays(shared_data: Path) -> Path:
    return shared_data / "screenplays"


def check_timeline(scene: Scene) -> None:
    assert [u.id for u in scene.utterances] == [f"u{i + 1}" for i in range(len(scene.utterances))]
    assert [a.id for a in scene.actions] == [f"a{i + 1}" for i in range(len(scene.actions))]
    for utterance in scene.utterances:
        assert utterance.line is not None and utterance.line > 0
        assert utterance.speaker == utterance.speaker.upper()
        assert utterance.words and utterance.start == utterance.words[0].start
        assert utterance.end == utterance.words[-1].end <= scene.duration
        assert all(w.end > w.start for w in utterance.words)
        assert all(b.start >= a.end for a, b in pairwise(utterance.words))
        beat = scene.beats[utterance.beat]
        assert beat.start <= utterance.start and utterance.end <= beat.end
    for action in scene.actions:
        assert action.line is not None and action.end > action.start
    ends = [b.end for b in scene.beats]
    assert ends == sorted(ends) and ends[-1] == scene.duration


def test_brick_and_steel(screenplays: Path) -> None:
    scene = read_script(screenplays / "brick_and_steel.fountain")
    check_timeline(scene)
    assert scene.title == "BRICK & STEEL FULL RETIRED"
    assert scene.source is not None and scene.source.endswith("brick_and_steel.fountain")
    assert scene.beats[0].heading == "EXT. BRICK'S PATIO - DAY"
    assert [b.heading for b in scene.beats][1:4] == [
        "INT. TRAILER HOME - DAY",
        "EXT. BRICK'S POOL - DAY",
        "SNIPER SCOPE POV",
    ]
    assert len(scene.beats) == 8
    assert len(scene.utterances) == 20
    # BRICK BRADDOCK and DICK STEEL are introductions of BRICK and STEEL, not more characters.
    assert scene.characters == (
        "BRICK",
        "STEEL",
        "DAN",
        "JACK",
        "COGNITO",
        "HANDSOME MAN",
        "MINION",
    )
    assert scene.beats[0].characters == ("BRICK", "STEEL")
    assert scene.beats[1].characters == ("DAN", "JACK")

    first = scene.utterances[0]
    assert (first.speaker, first.text, first.line, first.addressees) == (
        "STEEL",
        "Beer's ready!",
        19,
        ("BRICK",),
    )
    toast = scene.utterances[3]
    assert toast.parentheticals[0].text == "beer raised"
    dual = [u for u in scene.utterances if u.dual]
    assert [(u.speaker, u.text, u.line) for u in dual] == [("BRICK", "Screw retirement.", 48)]
    assert dual[0].start == scene.utterances[5].start

    jack = next(u for u in scene.utterances if u.speaker == "JACK")
    assert jack.text == "Did you know Brick and Steel are retired?"
    assert jack.parentheticals[0].text == "in Vietnamese, subtitled"
    dan = next(u for u in scene.utterances if u.speaker == "DAN")
    assert dan.text == "Then let's retire them. Permanently."

    phone = scene.utterances[9]
    assert [p.text for p in phone.parentheticals] == ["pause", "pause"]
    assert phone.addressees == ()  # nobody else on stage: the caller is not in the scene
    cognito = next(u for u in scene.utterances if u.speaker == "COGNITO")
    assert cognito.addressees == ("BRICK", "STEEL")
    assert "THE END" in [a.text for a in scene.actions]


def test_brick_and_steel_crlf_equals_lf(screenplays: Path) -> None:
    raw = (screenplays / "brick_and_steel.fountain").read_bytes()
    assert b"\r\n" in raw
    crlf = parse_script(raw.decode("utf-8"))
    lf = parse_script(raw.decode("utf-8").replace("\r\n", "\n"))
    assert crlf == lf


def test_library_freak_out(screenplays: Path) -> None:
    scene = read_script(screenplays / "THE_LIBRARY_FREAK-OUT.fountain")
    check_timeline(scene)
    assert scene.title == "THE LIBRARY FREAK-OUT"
    assert [b.heading for b in scene.beats] == [
        None,
        "EXT. LIBRARY--DAY",
        "INT. LIBRARY--DAY",
        "EXT. LIBRARY--DAY",
    ]
    assert len(scene.utterances) == 51
    # The Dragon never speaks, but it frowns: a character of the action alone.
    assert set(scene.characters) == {
        "CHALF", "NAR", "YOR", "CHARYA", "THRAIN", "PATRON ONE", "PATRON TWO",
        "PATRONS THREE AND FOUR", "PATRON FIVE", "THE DRAGON",
    }  # fmt: skip
    assert scene.beats[3].characters[-1] == "THE DRAGON"
    sung = next(u for u in scene.utterances if u.text.startswith("Neema-sasim"))
    assert sung.speaker == "NAR"
    assert sung.parentheticals[0].text == "sings"
    # Line breaks in sung verse are short pauses, not run-on words.
    assert [w.text for w in sung.words[:3]] == ["Neema-sasim", "neema-sah", "NEEEE-ma-sasim"]
    assert sung.words[1].start == sung.words[0].end
    assert sung.words[2].start > sung.words[1].end
    assert not any("[[" in a.text or "URL" in a.text for a in scene.actions)


def test_pulpit_fire(screenplays: Path) -> None:
    scene = read_script(screenplays / "pulpit__fire.fountain")
    check_timeline(scene)
    assert scene.title is None
    assert scene.characters == ("NOB",)
    assert [b.heading for b in scene.beats] == ["INT. SUPERNACLE--DAY"]
    assert len(scene.utterances) == 9
    assert all(u.addressees == () for u in scene.utterances)
    belted = scene.utterances[-1]
    assert belted.words[0].text == "F" + "I" * 24 + "RE!"
    # A held vowel lasts longer than the same word said plainly.
    plain = parse_script("NOB: FIRE!", format="text").utterances[0].words[0]
    assert belted.words[0].end - belted.words[0].start > plain.end - plain.start


def test_parsing_is_deterministic(screenplays: Path) -> None:
    path = screenplays / "THE_LIBRARY_FREAK-OUT.fountain"
    assert read_script(path).model_dump_json() == read_script(path).model_dump_json()
