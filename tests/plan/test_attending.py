"""Who listens to a line: everyone else on stage, or in a crowd the addressees and the most
recently active, so a big cast costs listener behaviour in proportion to the lines."""

from __future__ import annotations

import json

from motiondirector.plan.scene import MAX_LISTENERS
from motiondirector.realize import plan_text
from motiondirector.scene import parse_script


def test_a_small_cast_all_listen() -> None:
    scene = parse_script("ANA: Hi, Ben.\nBEN: Hi.\nCAL: Hello both.", format="text")
    assert scene.attending() == {"u1": ("BEN", "CAL"), "u2": ("ANA", "CAL"), "u3": ("ANA", "BEN")}


def test_in_a_crowd_the_addressee_and_the_recent_speakers_listen() -> None:
    crowd = [f"C{i}" for i in range(12)]
    turns = [{"speaker": name, "text": "I am here."} for name in crowd]
    turns.append({"speaker": "C0", "text": "Listen, all of you.", "addressees": ["C1"]})
    script = json.dumps({"turns": turns})
    scene = parse_script(script, format="json")
    last = scene.utterances[-1]
    listening = scene.attending()[last.id]
    assert len(listening) == MAX_LISTENERS
    assert "C1" in listening  # addressed
    # Then the most recent speakers: C11 back to C5.
    assert set(listening) == {"C1", *(f"C{i}" for i in range(5, 12))}
    plan = plan_text(script, format="json")
    reacting = {
        track.name
        for track in plan.characters
        for event in track.events
        if event.utterance_id == last.id and track.name != "C0"
    }
    assert reacting <= set(listening)
    assert "C2" not in reacting
