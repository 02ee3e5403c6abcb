"""A session's streamed turns: each turn's frames start where the last streamed turn's ended."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.streaming import PlanFrames
from tests.server.conftest import AUTH, KEY
from tests.server.test_sessions import start, turn
from tests.server.test_streams import read_sse

CHANNELS = ("blendshapes", "head", "eyes", "joints", "root")


def streamed(client: TestClient, session: str, **body: Any) -> tuple[MotionPlan, list[Any]]:
    """The turn's plan and its frames, as the stream sent them."""
    path = f"/v1/sessions/{session}/turns/stream"
    with client.stream("POST", path, json=body, headers=AUTH) as response:
        assert response.status_code == 200, response.read()
        events = read_sse(response.iter_lines())
    assert events[-1][0] == "done", events[-1]
    plan = MotionPlan.model_validate(events[1][1]["plan"])
    frames = [f for name, data in events if name == "frames" for f in data["frames"]]
    return plan, frames


def own_first_frame(plan: MotionPlan, name: str) -> dict[str, Any]:
    batch = PlanFrames(plan).batch(0, 1).to_json()
    return dict(batch["frames"][0]["characters"][name])


def test_streamed_turns_continue_and_a_turn_without_frames_starts_afresh(
    client: TestClient,
) -> None:
    session = start(client)
    _, first = streamed(client, session, speaker="ANA", text="Hi, Ben. Did you find the key?")
    plan, second = streamed(client, session, speaker="BEN", text="No. I looked everywhere.")
    for name in ("ANA", "BEN"):
        ended, began = first[-1]["characters"][name], second[0]["characters"][name]
        for channel in CHANNELS:
            assert np.allclose(ended[channel], began[channel], atol=1e-3), (name, channel)
        assert began != own_first_frame(plan, name)
    turn(client, session, speaker="ANA", text="Then where is it?")  # no frames sent
    plan, third = streamed(client, session, speaker="BEN", text="I have no idea.")
    for name in ("ANA", "BEN"):
        assert third[0]["characters"][name] == own_first_frame(plan, name)


def test_a_turn_that_interrupts_the_last_starts_from_the_frame_it_cut_at(
    client: TestClient,
) -> None:
    session = start(client)
    _, first = streamed(client, session, speaker="ANA", text="So I went down to the harbour.")
    _, second = streamed(client, session, speaker="BEN", text="Wait!", interrupts_at=0.5)
    for name in ("ANA", "BEN"):
        cut, began = first[15]["characters"][name], second[0]["characters"][name]
        for channel in CHANNELS:
            assert np.allclose(cut[channel], began[channel], atol=1e-3), (name, channel)
    response = client.post(
        f"/v1/sessions/{session}/turns/stream",
        json={"speaker": "ANA", "text": "Yes?", "interrupts_at": -1},
        headers=AUTH,
    )
    assert response.status_code == 422
    assert "interrupts_at" in response.text


def test_turns_over_a_websocket_continue_too(client: TestClient) -> None:
    session = start(client)
    turns: list[list[Any]] = []
    with client.websocket_connect(f"/v1/sessions/{session}/ws?api_key={KEY}") as socket:
        assert socket.receive_json()["event"] == "ready"
        for speaker, text in (("ANA", "Hi, Ben. Did you find the key?"), ("BEN", "No.")):
            socket.send_json({"type": "turn", "speaker": speaker, "text": text})
            frames: list[Any] = []
            while (message := socket.receive_json())["event"] != "done":
                assert message["event"] != "error", message
                if message["event"] == "frames":
                    frames += message["data"]["frames"]
            turns.append(frames)
    for name in ("ANA", "BEN"):
        ended, began = turns[0][-1]["characters"][name], turns[1][0]["characters"][name]
        for channel in CHANNELS:
            assert np.allclose(ended[channel], began[channel], atol=1e-3), (name, channel)
