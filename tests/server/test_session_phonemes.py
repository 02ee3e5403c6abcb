"""Phoneme timings from the client's TTS on session turns, through the real app (ASGI): used
as given in the turn's time base, checked with the dialogue JSON rules, errors naming the field."""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from motiondirector.errors import TurnError
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.planners import get_planner
from motiondirector.realize.conversation import Conversation, TurnInput
from motiondirector.server import create_app
from motiondirector.server.models import TurnRequest
from motiondirector.speech import attach_visemes
from tests.server.conftest import AUTH, SettingsFactory, assert_problem
from tests.server.test_sessions import start, turn

MAYBE = {
    "text": "Maybe",
    "start": 0.2,
    "end": 0.62,
    "phonemes": [
        {"phoneme": "M", "start": 0.2, "end": 0.29},
        {"phoneme": "EY1", "start": 0.29, "end": 0.41},
        {"phoneme": "B", "start": 0.41, "end": 0.47},
        {"phoneme": "IY0", "start": 0.47, "end": 0.62},
    ],
}
LATER = {"text": "later.", "start": 0.7, "end": 1.2}


def _with_phonemes(*phonemes: tuple[str, float, float]) -> dict[str, Any]:
    word = dict(MAYBE)
    word["phonemes"] = [{"phoneme": p, "start": s, "end": e} for p, s, e in phonemes]
    return {"speaker": "ANA", "text": "Maybe later.", "words": [word, LATER]}


def test_given_phonemes_are_used_as_given(client: TestClient) -> None:
    session = start(client)
    result = turn(client, session, speaker="ana", text="Maybe later.", words=[MAYBE, LATER])
    planned = result["plan"]["utterances"][0]["words"]
    assert planned[0]["phonemes"] == MAYBE["phonemes"]
    assert "phonemes" not in planned[1]  # left out: estimated where the speech track is made
    plan = MotionPlan.model_validate(result["plan"])
    track = attach_visemes(plan).utterances[0].visemes
    assert track is not None
    # the lips close for /m/ and /b/ exactly where the client's TTS put them
    given = [(k.phoneme, k.start, k.end) for k in track if k.phoneme in ("M", "B")]
    assert given == [("M", 0.2, 0.29), ("B", 0.41, 0.47)]


def test_phonemes_stay_in_the_turn_time_base_on_a_later_turn(client: TestClient) -> None:
    session = start(client)
    turn(client, session, speaker="BEN", text="Coming?")
    result = turn(client, session, speaker="ANA", text="Maybe later.", words=[MAYBE, LATER])
    utterance = result["plan"]["utterances"][0]
    assert utterance["words"][0]["start"] == MAYBE["start"]
    assert utterance["words"][0]["phonemes"][0] == {"phoneme": "M", "start": 0.2, "end": 0.29}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (_with_phonemes(("M", 0.2, 0.3), ("QX", 0.3, 0.4)), "words[0].phonemes[1].phoneme",
         "unknown phoneme 'QX'"),
        (_with_phonemes(("M", 0.2, 0.35), ("EY1", 0.3, 0.4)), "words[0].phonemes[1].start",
         "must not overlap"),
        (_with_phonemes(("M", 0.2, 0.3), ("EY1", 0.3, 0.9)), "words[0].phonemes[1].end",
         "after its word"),
        (_with_phonemes(("M", 0.1, 0.3)), "words[0].phonemes[0].start", "before its word"),
        (_with_phonemes(("M", 0.3, 0.25)), "words[0].phonemes[0].end", "before it starts"),
        (_with_phonemes(), "words[0]", "'phonemes' is empty"),
        # schema errors name places as the checks of the turn do
        (_with_phonemes(("M", -0.1, 0.3)), "words[0].phonemes[0].start", "greater than"),
        (_with_phonemes(*[("M", 0.2, 0.21)] * 65), "words[0].phonemes", "at most 64"),
    ],
)  # fmt: skip
def test_bad_phonemes_are_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str, words: str
) -> None:
    session = start(client)
    problem = assert_problem(
        client.post(f"/v1/sessions/{session}/turns", json=body, headers=AUTH), 422
    )
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert field in errors, problem
    assert words in errors[field]
    # the session did not take the bad turn
    state = client.get(f"/v1/sessions/{session}", headers=AUTH).json()
    assert state["turns"] == 0


def test_phonemes_for_a_word_the_turn_lacks_are_refused() -> None:
    talk = Conversation(characters=["ANA"])
    given = TurnInput("ANA", words=[("Hi.", 0.0, 0.3)], phonemes={1: [("HH", 0.0, 0.1)]})
    with pytest.raises(TurnError) as caught:
        talk.take_turn(given, get_planner("rules"))
    assert caught.value.field == "phonemes"
    assert talk.turns == 0


def test_stream_turns_take_phonemes_too(make_settings: SettingsFactory) -> None:
    with TestClient(create_app(make_settings(warm_up=False))) as c:
        session = start(c)
        body = {"speaker": "ANA", "text": "Maybe later.", "words": [MAYBE, LATER]}
        with c.stream(
            "POST", f"/v1/sessions/{session}/turns/stream", json=body, headers=AUTH
        ) as response:
            assert response.status_code == 200
            text = "".join(response.iter_text())
    assert '"phoneme":"EY1"' in text.replace(" ", "")


def test_the_documented_turn_example_with_phonemes_is_taken(client: TestClient) -> None:
    extra = cast(dict[str, Any], TurnRequest.model_config["json_schema_extra"])
    example = cast(dict[str, Any], extra["examples"][1])
    session = start(client)
    result = turn(client, session, **example)
    word = result["plan"]["utterances"][0]["words"][0]
    assert word["phonemes"] == example["words"][0]["phonemes"]
