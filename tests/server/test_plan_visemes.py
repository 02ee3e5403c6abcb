"""`/v1/plan` with `visemes: true` puts the speech track on every utterance of the plan, through
the real app (ASGI); without it the plan is what it always was."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.server import create_app
from motiondirector.speech import attach_visemes
from tests.server.conftest import AUTH, SettingsFactory

DIALOGUE = {
    "turns": [
        {"speaker": "ANA", "text": "Maybe but probably not."},
        {"speaker": "BEN", "text": "Fine by me."},
    ]
}


def test_http_plan_attaches_visemes_only_when_asked(make_settings: SettingsFactory) -> None:
    with TestClient(create_app(make_settings(warm_up=False))) as client:
        plain = client.post("/v1/plan", json={"dialogue": DIALOGUE}, headers=AUTH)
        asked = client.post("/v1/plan", json={"dialogue": DIALOGUE, "visemes": True}, headers=AUTH)
        exported = client.post(
            "/v1/plan",
            json={"dialogue": DIALOGUE, "visemes": True, "export": "visemes", "character": "BEN"},
            headers=AUTH,
        )
    assert plain.status_code == asked.status_code == exported.status_code == 200
    assert all("visemes" not in u for u in plain.json()["utterances"])
    plan = MotionPlan.model_validate(asked.json())
    assert plan == attach_visemes(MotionPlan.model_validate(plain.json()))
    ana = plan.utterances[0].visemes
    assert ana is not None
    # "Maybe but probably": lips close on each /m/, /b/ and /p/
    assert [k.phoneme for k in ana if k.viseme == "PP"] == ["M", "B", "B", "P", "B", "B"]
    document = exported.json()
    assert MotionPlan.model_validate(document["plan"]) == plan
    assert json.loads(document["export"]["content"])


def test_the_plan_stream_carries_the_track_when_asked(make_settings: SettingsFactory) -> None:
    body = {"dialogue": DIALOGUE, "visemes": True}
    with (
        TestClient(create_app(make_settings(warm_up=False))) as client,
        client.stream("POST", "/v1/plan/stream", json=body, headers=AUTH) as response,
    ):
        assert response.status_code == 200
        text = "".join(response.iter_text())
    plan_data = next(
        line.removeprefix("data:").strip()
        for event in text.split("\n\n")
        if "event: plan" in event
        for line in event.splitlines()
        if line.startswith("data:")
    )
    plan = MotionPlan.model_validate_json(plan_data)
    assert all(u.visemes for u in plan.utterances)
