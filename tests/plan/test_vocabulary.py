from __future__ import annotations

import json

import pytest

from motiondirector.plan.motion_plan import motion_plan_json_schema
from motiondirector.plan.vocabulary import (
    GESTURE_LEXEMES,
    HANDLING_LEXEMES,
    au_intensity_from_letter,
    load_arkit_map,
    load_emfacs,
    load_vocabulary,
)


def test_vocabulary_covers_the_design() -> None:
    vocabulary = load_vocabulary()
    required_aus = {1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 24, 25, 26, 28, 43, 45, 46}
    assert required_aus <= set(vocabulary.action_units)
    assert len(GESTURE_LEXEMES) == 38 and {"handshake", "punch", "breathe", "raise_hand"} <= set(
        vocabulary.gestures
    )
    assert {"lie", "kick", "dance"} <= set(vocabulary.postures)
    assert set(vocabulary.head) == {"nod", "shake", "tilt", "toss", "lower", "turn_away"}
    assert vocabulary.lexemes("posture")[-1] == "idle"
    with pytest.raises(KeyError):
        vocabulary.lexemes("face")


def test_handling_lexemes_are_gestures_with_one_line_meanings() -> None:
    vocabulary = load_vocabulary()
    assert HANDLING_LEXEMES == ("take", "give", "put_down", "drink", "read", "write", "open")
    assert set(HANDLING_LEXEMES) <= set(GESTURE_LEXEMES)
    for lexeme in HANDLING_LEXEMES:
        meaning = vocabulary.gestures[lexeme]
        assert "\n" not in meaning and ";" in meaning, lexeme


def test_the_schema_lists_the_handling_lexemes() -> None:
    schema = motion_plan_json_schema()
    gesture = schema["$defs"]["GestureEvent"]["properties"]["lexeme"]  # type: ignore[index]
    assert set(HANDLING_LEXEMES) <= set(gesture["enum"])


def test_emfacs_prototypes_use_known_aus() -> None:
    vocabulary = load_vocabulary()
    emfacs = load_emfacs()
    assert set(emfacs) == set(vocabulary.emotions)
    assert dict(emfacs["joy"]) == {6: 0.8, 12: 1.0, 25: 0.3}
    assert not emfacs["neutral"]
    for aus in emfacs.values():
        assert set(aus) <= set(vocabulary.action_units)


def test_every_au_drives_arkit_blendshapes() -> None:
    arkit = load_arkit_map()
    assert len(arkit.blendshapes) == 52
    assert set(arkit.au_to_blendshapes) == set(load_vocabulary().action_units)
    assert arkit.au_to_blendshapes[12]["mouthSmileLeft"] == 1.0


def test_facs_letters() -> None:
    assert au_intensity_from_letter("c") == 0.6
    with pytest.raises(ValueError, match="A-E"):
        au_intensity_from_letter("F")


def test_schema_is_versioned_json_schema() -> None:
    schema = motion_plan_json_schema()
    assert schema["$schema"].endswith("2020-12/schema")  # type: ignore[union-attr]
    assert schema["properties"]["schema_version"]["const"] == "1.6"  # type: ignore[index]
    assert str(schema["$id"]).endswith("motion-plan-1.6.json")
    utterance = schema["$defs"]["PlanUtterance"]["properties"]  # type: ignore[index]
    assert {"planned_by", "fallback"} <= set(utterance)
    json.dumps(schema)
