"""Phoneme timings a caller's TTS engine gives in dialogue JSON: used as given, and refused
with an error naming the field when they overlap, leave their word or name no phoneme."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector.cli import main
from motiondirector.errors import ScriptError
from motiondirector.realize.pipeline import plan_text
from motiondirector.scene import parse_script
from motiondirector.speech.track import utterance_keys

DIALOGUE: dict[str, Any] = {
    "turns": [
        {
            "speaker": "ANA",
            "words": [
                {
                    "text": "Hi,",
                    "start": 0.0,
                    "end": 0.3,
                    "phonemes": [
                        {"phoneme": "hh", "start": 0.0, "end": 0.1},
                        {"phoneme": "AY1", "start": 0.1, "end": 0.3},
                    ],
                },
                {"text": "Bob.", "start": 0.3, "end": 0.7},
            ],
        }
    ]
}


def _with_phoneme(index: int, **changes: Any) -> str:
    document = copy.deepcopy(DIALOGUE)
    document["turns"][0]["words"][0]["phonemes"][index].update(changes)
    return json.dumps(document, indent=2)


def test_given_phonemes_are_used_as_given() -> None:
    scene = parse_script(json.dumps(DIALOGUE), format="json")
    hi, bob = scene.utterances[0].words
    assert hi.phonemes is not None and bob.phonemes is None
    assert [(p.phoneme, p.start, p.end) for p in hi.phonemes] == [
        ("HH", 0.0, 0.1),
        ("AY1", 0.1, 0.3),
    ]
    plan = plan_text(json.dumps(DIALOGUE), format="json")
    keys = utterance_keys(plan.utterances[0])
    assert [(k.phoneme, k.viseme, k.start, k.end) for k in keys[:3]] == [
        ("HH", "kk", 0.0, 0.1),
        ("AY1", "aa", 0.1, 0.21),
        ("AY1", "ih", 0.21, 0.3),
    ]
    # "Bob." was not timed by the caller: its phonemes come from the dictionary.
    assert [k.phoneme for k in keys[3:]] == ["B", "AA1", "B"]


def test_the_plan_keeps_given_phonemes_and_leaves_the_field_out_otherwise() -> None:
    plan = json.loads(plan_text(json.dumps(DIALOGUE), format="json").to_json())
    hi, bob = plan["utterances"][0]["words"]
    assert hi["phonemes"][0] == {"phoneme": "HH", "start": 0.0, "end": 0.1}
    assert "phonemes" not in bob
    assert "visemes" not in plan["utterances"][0]


FIELD = "turns[0].words[0].phonemes"


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (_with_phoneme(1, phoneme="XX"), f"{FIELD}[1].phoneme", "unknown phoneme 'XX'"),
        (_with_phoneme(1, phoneme="B1"), f"{FIELD}[1].phoneme", "unknown phoneme"),
        (_with_phoneme(1, start=0.05), f"{FIELD}[1].start", "must not overlap"),
        (_with_phoneme(1, end=0.45), f"{FIELD}[1].end", "after its word"),
        (_with_phoneme(0, start=0.05, end=0.0), f"{FIELD}[0].end", "before it starts"),
    ],
)
def test_bad_phoneme_timings_name_the_field(document: str, field: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_script(document, format="json")
    assert f"{field}: " in str(caught.value)
    assert message in str(caught.value)
    assert caught.value.line is not None and caught.value.line > 1


def test_an_empty_phoneme_list_is_refused() -> None:
    document = copy.deepcopy(DIALOGUE)
    document["turns"][0]["words"][0]["phonemes"] = []
    with pytest.raises(ScriptError, match=r"words\[0\]: 'phonemes' is empty"):
        parse_script(json.dumps(document), format="json")


def test_the_cli_reports_bad_phonemes_as_a_script_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "turns.json"
    script.write_text(_with_phoneme(1, phoneme="QQ"), encoding="utf-8")
    assert main(["plan", str(script), "-q"]) == 1
    err = capsys.readouterr().err
    assert "turns[0].words[0].phonemes[1].phoneme" in err and "'QQ'" in err


_PHONEME = st.fixed_dictionaries(
    {
        "phoneme": st.one_of(st.sampled_from(["AA1", "b", "ZH", "AY0", "XX", "B1", ""]), st.text()),
        "start": st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
        "end": st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PHONEME, max_size=5))
def test_any_phoneme_list_plans_or_is_a_script_error(phonemes: list[dict[str, Any]]) -> None:
    document = copy.deepcopy(DIALOGUE)
    document["turns"][0]["words"][0]["phonemes"] = phonemes
    try:
        plan = plan_text(json.dumps(document), format="json")
    except ScriptError as error:
        # A NUL (`\u0000` once serialized) is refused before the document is read.
        assert "turns[0].words[0]" in str(error) or "a NUL character" in str(error)
        return
    hi = plan.utterances[0].words[0]
    assert hi.phonemes is not None and len(hi.phonemes) == len(phonemes)
    assert all(hi.start <= p.start <= p.end <= hi.end for p in hi.phonemes)
