"""Conversation sessions through the real app (ASGI) with the real rules planner."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from motiondirector.plan.direction import Direction, EmotionOrigin, UtteranceDirection
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.scene import Scene
from motiondirector.plan.validate import validate_plan
from motiondirector.realize.conversation import (
    CARRIED_RULE,
    CARRY_DECAY,
    Conversation,
    TurnInput,
)
from motiondirector.server import create_app
from tests.server.conftest import (
    AUTH,
    KEY,
    OTHER_AUTH,
    FakeClock,
    SettingsFactory,
    assert_problem,
)

ANGRY = "I can't believe you lied to me again! I am furious with you!"


def start(client: TestClient, **body: Any) -> str:
    response = client.post(
        "/v1/sessions", json={"characters": ["Ana", "Ben"], **body}, headers=AUTH
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def turn(client: TestClient, session: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/sessions/{session}/turns", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_session_starts_with_its_characters(client: TestClient) -> None:
    response = client.post(
        "/v1/sessions", json={"characters": ["ana", " Ben "], "fps": 60}, headers=AUTH
    )
    assert response.status_code == 201
    state = response.json()
    assert state["characters"] == {"ANA": {"emotion": None}, "BEN": {"emotion": None}}
    assert state["fps"] == 60 and state["turns"] == 0 and state["expires_in"] > 0
    again = client.get(f"/v1/sessions/{state['id']}", headers=AUTH)
    assert again.json()["id"] == state["id"]


def test_a_turn_returns_a_plan_with_the_listeners(client: TestClient) -> None:
    session = start(client)
    result = turn(client, session, speaker="ana", text="Hi, Ben. I brought the key.")
    plan = MotionPlan.model_validate(result["plan"])
    assert validate_plan(plan) == []
    assert plan.utterances[0].speaker == "ANA"
    ben = plan.character("BEN")
    assert any(e.channel == "gaze" and e.target == "ANA" for e in ben.events)  # listening
    assert result["turn"] == 1 and result["state"]["last_speaker"] == "ANA"


def test_word_timings_from_tts_are_used_as_given(client: TestClient) -> None:
    session = start(client)
    words = [
        {"text": "We", "start": 0.12, "end": 0.3},
        {"text": "go", "start": 0.35, "end": 0.6},
        {"text": "now.", "start": 0.9, "end": 1.4},
    ]
    result = turn(client, session, speaker="BEN", text="We go now.", words=words)
    planned = result["plan"]["utterances"][0]["words"]
    assert [(w["text"], w["start"], w["end"]) for w in planned] == [
        (w["text"], w["start"], w["end"]) for w in words
    ]
    # Words alone are enough.
    alone = turn(client, session, speaker="BEN", words=words)
    assert alone["plan"]["utterances"][0]["text"] == "We go now."


def test_a_reply_goes_to_the_last_speaker_unless_told(client: TestClient) -> None:
    session = start(client, characters=["ANA", "BEN", "CAL"])
    first = turn(client, session, speaker="ANA", text="Did anyone see my keys?")
    assert first["context"]["addressee_from"] == "none"
    reply = turn(client, session, speaker="BEN", text="They are on the table.")
    assert reply["context"]["addressee"] == "ANA"
    assert reply["context"]["addressee_from"] == "last_speaker"
    assert reply["plan"]["utterances"][0]["addressees"] == ["ANA"]
    assert reply["context"]["answers_question"] is True
    assert reply["plan"]["utterances"][0]["intent"] == "answer"
    told = turn(client, session, speaker="BEN", text="Cal, you saw them too.", addressee="cal")
    assert told["context"]["addressee"] == "CAL"
    assert told["context"]["addressee_from"] == "request"
    assert told["state"]["last_addressee"] == "CAL"


def test_emotion_carries_over_and_fades(client: TestClient) -> None:
    session = start(client)
    angry = turn(client, session, speaker="ANA", text=ANGRY)
    shown = angry["plan"]["utterances"][0]["emotion"]
    assert shown["label"] == "anger"
    assert angry["state"]["characters"]["ANA"]["emotion"] == {
        "label": "anger",
        "intensity": shown["intensity"],
        "since_turn": 1,
    }
    turn(client, session, speaker="BEN", text="Okay.")
    calm_text = turn(client, session, speaker="ANA", text="The meeting is at noon.")
    carried = calm_text["context"]["carried_emotion"]
    expected = round(shown["intensity"] * CARRY_DECAY**2, 3)
    assert carried == {"label": "anger", "intensity": expected, "since_turn": 1}
    utterance = calm_text["plan"]["utterances"][0]
    assert utterance["emotion"] == {"label": "anger", "intensity": expected}
    faces = [
        e
        for e in MotionPlan.model_validate(calm_text["plan"]).character("ANA").events
        if e.channel == "face" and e.source.rule == CARRIED_RULE
    ]
    assert faces and "turn 1" in faces[0].source.reason
    # Two more turns later it has faded below the threshold: the line is neutral again.
    turn(client, session, speaker="BEN", text="Okay.")
    later = turn(client, session, speaker="ANA", text="The meeting is at noon.")
    assert later["context"]["carried_emotion"] is None
    assert later["plan"]["utterances"][0]["emotion"]["label"] == "neutral"
    assert later["state"]["characters"]["ANA"]["emotion"] is None


def test_a_line_with_its_own_direction_is_not_overridden(client: TestClient) -> None:
    session = start(client)
    turn(client, session, speaker="ANA", text=ANGRY)
    calm = turn(client, session, speaker="ANA", text="The meeting is at noon.", direction="calmly")
    assert calm["context"]["carried_emotion"] is None
    assert calm["plan"]["utterances"][0]["emotion"]["label"] == "neutral"
    assert calm["state"]["characters"]["ANA"]["emotion"] is None  # cleared


def test_same_conversation_gives_the_same_plans(client: TestClient) -> None:
    lines = [("ANA", ANGRY), ("BEN", "Why?"), ("ANA", "Because.")]
    runs = []
    for _ in range(2):
        session = start(client, seed=7)
        runs.append([turn(client, session, speaker=s, text=t)["plan"] for s, t in lines])
    assert runs[0] == runs[1]


def test_new_speakers_join(client: TestClient) -> None:
    session = start(client)
    result = turn(client, session, speaker="Dora", text="Hello everyone.")
    assert list(result["state"]["characters"]) == ["ANA", "BEN", "DORA"]
    assert {c["name"] for c in result["plan"]["characters"]} == {"ANA", "BEN", "DORA"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"speaker": "ANA", "text": "x", "words": [{"text": "y", "start": 0, "end": 1}]}, "words"),
        ({"speaker": "ANA", "text": "Hi.", "addressee": "ZED"}, "addressee"),
        ({"speaker": "ANA", "text": "Hi.", "addressee": "ana"}, "addressee"),
        ({"speaker": "ANA", "text": "a" * 301}, "text"),
        ({"speaker": "ANA", "words": [{"text": "a", "start": 0, "end": 0.1}] * 11}, "words"),
        ({"speaker": "ANA"}, "body"),
        ({"speaker": "", "text": "Hi."}, "speaker"),
        ({"speaker": "ANA", "text": "Hi.", "volume": 3}, "volume"),
        (
            {"speaker": "ANA", "text": "a b", "words": [{"text": "a", "start": 1, "end": 0.5}]},
            "words[0]",
        ),
    ],
)
def test_bad_turns_are_422_naming_the_field(
    make_settings: SettingsFactory, body: dict[str, Any], field: str
) -> None:
    app = create_app(make_settings(max_turn_chars=300, max_turn_words=10, warm_up=False))
    with TestClient(app) as c:
        session = start(c)
        problem = assert_problem(
            c.post(f"/v1/sessions/{session}/turns", json=body, headers=AUTH), 422
        )
    assert field in [e["field"] for e in problem["errors"]], problem


def test_a_models_own_check_speaks_without_pydantics_prefix(client: TestClient) -> None:
    session = start(client)
    expected = [{"field": "body", "message": "give 'text' or 'words'"}]
    response = client.post(f"/v1/sessions/{session}/turns", json={"speaker": "ANA"}, headers=AUTH)
    assert assert_problem(response, 422)["errors"] == expected
    with client.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
        assert socket.receive_json()["event"] == "ready"
        socket.send_json({"speaker": "ANA"})
        assert socket.receive_json()["data"]["errors"] == expected
    both = client.post("/v1/plan", json={"script": "ANA: Hi.", "dialogue": []}, headers=AUTH)
    assert assert_problem(both, 422)["detail"] == (
        "body: give exactly one of 'script' and 'dialogue'"
    )


def test_overlapping_word_timings_are_422_naming_the_start(client: TestClient) -> None:
    session = start(client)
    words = [{"text": "Hi", "start": 0, "end": 1.0}, {"text": "there", "start": 0.5, "end": 1.5}]
    body = {"speaker": "ANA", "text": "Hi there", "words": words}
    for suffix in ("turns", "turns/stream"):
        response = client.post(f"/v1/sessions/{session}/{suffix}", json=body, headers=AUTH)
        problem = assert_problem(response, 422)
        assert problem["type"].endswith("/invalid-request"), problem
        assert [e["field"] for e in problem["errors"]] == ["words[1].start"]
    assert client.get(f"/v1/sessions/{session}", headers=AUTH).json()["turns"] == 0


@pytest.mark.parametrize("body", [None, b"", b"null", b"{}"])
def test_a_session_starts_without_a_body_on_the_defaults(
    client: TestClient, body: bytes | None
) -> None:
    headers = AUTH if body is None else {**AUTH, "Content-Type": "application/json"}
    response = client.post("/v1/sessions", content=body, headers=headers)
    assert response.status_code == 201, response.text
    state = response.json()
    assert (state["characters"], state["fps"], state["title"]) == ({}, 30, None)
    session = str(state["id"])
    assert turn(client, session, speaker="ANA", text="Hi.")["plan"]["scene"]["seed"] == 1


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity"])
def test_a_word_time_that_is_not_a_number_says_so(client: TestClient, value: bytes) -> None:
    session = start(client)
    body = b'{"speaker": "ANA", "words": [{"text": "Hi", "start": 0, "end": %s}]}' % value
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post(f"/v1/sessions/{session}/turns", content=body, headers=headers)
    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {"field": "words[0].end", "message": "Input should be a finite number"}
    ]


def test_a_caller_lists_its_live_sessions_without_renewing_them(
    make_settings: SettingsFactory,
) -> None:
    clock = FakeClock(1000.0)
    app = create_app(make_settings(session_ttl_s=60, clock=clock, warm_up=False))
    with TestClient(app) as c:
        assert c.get("/v1/sessions", headers=AUTH).json() == {"sessions": []}
        older = start(c)
        clock.now += 10
        newer = start(c)
        theirs = c.post("/v1/sessions", json={}, headers=OTHER_AUTH).json()["id"]
        clock.now += 10
        turn(c, older, speaker="ANA", text="Hi.")  # used last: listed first
        listed = c.get("/v1/sessions", headers=AUTH)
        assert listed.status_code == 200
        sessions = listed.json()["sessions"]
        assert [s["id"] for s in sessions] == [older, newer]
        assert sessions[0] == c.get(f"/v1/sessions/{older}", headers=AUTH).json()
        assert [s["id"] for s in c.get("/v1/sessions", headers=OTHER_AUTH).json()["sessions"]] == [
            theirs
        ]
        clock.now += 45  # newer: 55 s unused; listing it must not renew it
        assert len(c.get("/v1/sessions", headers=AUTH).json()["sessions"]) == 2
        clock.now += 10  # newer: 65 s unused, gone; older: 55 s
        assert [s["id"] for s in c.get("/v1/sessions", headers=AUTH).json()["sessions"]] == [older]
        assert_problem(c.get(f"/v1/sessions/{newer}", headers=AUTH), 404)
        assert_problem(c.get("/v1/sessions"), 401)


def test_unknown_expired_and_foreign_sessions_are_404(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    app = create_app(make_settings(session_ttl_s=60, clock=clock, warm_up=False))
    with TestClient(app) as c:
        session = start(c)
        line = {"speaker": "ANA", "text": "Hi."}
        assert_problem(c.post("/v1/sessions/nope/turns", json=line, headers=AUTH), 404)
        assert_problem(c.get(f"/v1/sessions/{session}", headers=OTHER_AUTH), 404)
        assert_problem(c.post(f"/v1/sessions/{session}/turns", json=line, headers=OTHER_AUTH), 404)
        clock.now += 59
        assert c.get(f"/v1/sessions/{session}", headers=AUTH).status_code == 200  # renewed
        clock.now += 61
        expired = assert_problem(c.get(f"/v1/sessions/{session}", headers=AUTH), 404)
    # The answer says what may have happened and what to do, the same for every reason.
    assert "expired after 60 s unused" in expired["detail"]
    assert "POST /v1/sessions" in expired["detail"]
    # a client whose sessions vanished after a deploy learns why
    assert "server restarted" in expired["detail"]
    long_id = assert_problem(c.get("/v1/sessions/" + "x" * 5000, headers=AUTH), 404)
    assert len(long_id["detail"]) < 300


def test_a_websocket_ping_keeps_its_session_alive(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    app = create_app(make_settings(session_ttl_s=60, clock=clock, warm_up=False))
    with TestClient(app) as c:
        session = start(c)
        with c.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
            assert socket.receive_json()["event"] == "ready"
            for _ in range(3):
                clock.now += 50
                socket.send_json({"type": "ping"})
                assert socket.receive_json()["event"] == "pong"
        assert c.get(f"/v1/sessions/{session}", headers=AUTH).status_code == 200
        clock.now += 61
        assert_problem(c.get(f"/v1/sessions/{session}", headers=AUTH), 404)


def test_deleted_session_is_gone(client: TestClient) -> None:
    session = start(client)
    assert client.delete(f"/v1/sessions/{session}", headers=AUTH).status_code == 204
    assert_problem(client.get(f"/v1/sessions/{session}", headers=AUTH), 404)
    assert_problem(client.delete(f"/v1/sessions/{session}", headers=AUTH), 404)


def test_session_and_turn_limits(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    settings = make_settings(
        max_sessions=2, max_session_turns=1, session_ttl_s=100, clock=clock, warm_up=False
    )
    with TestClient(create_app(settings)) as c:
        first = start(c)
        start(c)
        full = c.post("/v1/sessions", json={}, headers=AUTH)
        problem = assert_problem(full, 503)
        assert int(full.headers["Retry-After"]) >= 1 and problem["retry_after"] >= 1
        line = {"speaker": "ANA", "text": "Hi."}
        assert c.post(f"/v1/sessions/{first}/turns", json=line, headers=AUTH).status_code == 200
        over = assert_problem(c.post(f"/v1/sessions/{first}/turns", json=line, headers=AUTH), 422)
        assert [e["field"] for e in over["errors"]] == ["turns"]
        clock.now += 101  # both expire: room again
        assert c.post("/v1/sessions", json={}, headers=AUTH).status_code == 201
        too_many = c.post(
            "/v1/sessions", json={"characters": [f"C{i}" for i in range(30)]}, headers=AUTH
        )
        assert [e["field"] for e in assert_problem(too_many, 422)["errors"]] == ["characters"]


def test_one_key_cannot_take_every_session(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    settings = make_settings(
        max_sessions=3, max_sessions_per_key=2, session_ttl_s=100, clock=clock, warm_up=False
    )
    with TestClient(create_app(settings)) as c:
        first = start(c)
        clock.now += 10
        start(c)
        over = c.post("/v1/sessions", json={}, headers=AUTH)
        problem = assert_problem(over, 429)
        assert problem["type"].endswith("/session-quota")
        assert problem["quota"] == "max_sessions_per_key" and problem["limit"] == 2
        assert "max_sessions_per_key" in problem["detail"]
        assert over.headers["Retry-After"] == "91" and problem["retry_after"] == 91  # first's
        # Another key still gets a session; the server's own limit is still there beyond.
        other = c.post("/v1/sessions", json={}, headers=OTHER_AUTH)
        assert other.status_code == 201
        full = c.post("/v1/sessions", json={}, headers=OTHER_AUTH)
        assert assert_problem(full, 503)["type"].endswith("/too-many-sessions")
        assert c.delete(f"/v1/sessions/{first}", headers=AUTH).status_code == 204
        assert c.post("/v1/sessions", json={}, headers=AUTH).status_code == 201


def test_sessions_need_a_key_and_are_rate_limited(make_settings: SettingsFactory) -> None:
    clock = FakeClock(1000.0)
    app = create_app(make_settings(rate_per_second=0.5, burst=2, clock=clock, warm_up=False))
    with TestClient(app) as c:
        assert_problem(c.post("/v1/sessions", json={}), 401)
        assert_problem(c.post("/v1/sessions", json={}, headers={"X-API-Key": "wrong"}), 401)
        session = start(c)
        line = {"speaker": "ANA", "text": "Hi."}
        assert c.post(f"/v1/sessions/{session}/turns", json=line, headers=AUTH).status_code == 200
        limited = c.post(f"/v1/sessions/{session}/turns", json=line, headers=AUTH)
        assert_problem(limited, 429)
        assert limited.headers["Retry-After"] == "2"


def test_oversized_turn_body_is_413(make_settings: SettingsFactory) -> None:
    app = create_app(make_settings(max_body_bytes=2_000, warm_up=False))
    with TestClient(app) as c:
        session = start(c)
        line = {"speaker": "ANA", "text": "la " * 1_000}
        problem = assert_problem(
            c.post(f"/v1/sessions/{session}/turns", json=line, headers=AUTH), 413
        )
        assert problem["limit"] == 2_000


class _FixedEmotion:
    """A planner that gives every line one emotion, with the origin and reason it is told."""

    name = "fixed"

    def __init__(self, emotion: str, origin: EmotionOrigin, reason: str) -> None:
        self.emotion, self.origin, self.reason = emotion, origin, reason

    def plan(self, scene: Scene) -> Direction:
        return Direction(
            planner=self.name,
            utterances=tuple(
                UtteranceDirection(
                    utterance_id=u.id,
                    intent="inform",
                    emotion=self.emotion,
                    intensity=0.8 if self.emotion != "neutral" else 0.2,
                    emotion_origin=self.origin,
                    emotion_reason=self.reason,
                )
                for u in scene.utterances
            ),
        )


def test_only_a_classifier_neutral_takes_the_carried_emotion_whatever_its_reason_says() -> None:
    """The carried emotion is applied by the typed emotion origin, not by the reason's text."""
    outcomes = {}
    for origin, reason in (("classifier", "scored neutral"), ("parenthetical", "classifier: x")):
        conversation = Conversation(characters=["ANA", "BEN"])
        conversation.take_turn(
            TurnInput(speaker="ANA", text="I hate this."),
            _FixedEmotion("anger", "classifier", "classifier: anger 0.90"),
        )
        calm = _FixedEmotion("neutral", origin, reason)  # type: ignore[arg-type]
        outcome = conversation.take_turn(TurnInput(speaker="ANA", text="Noon, then."), calm)
        outcomes[origin] = outcome
    carried = outcomes["classifier"]
    assert carried.carried is not None and carried.carried.label == "anger"
    line = carried.plan.utterances[0]
    assert line.emotion.label == "anger" and line.planned_by == "fixed"
    faces = [e for e in carried.plan.character("ANA").events if e.source.rule == CARRIED_RULE]
    assert faces
    stated = outcomes["parenthetical"]
    assert stated.carried is None and stated.plan.utterances[0].emotion.label == "neutral"
