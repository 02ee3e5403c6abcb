"""The SSE routes through FastAPI's event-stream response: every event's data is the typed
model the OpenAPI document names for it, ids run in order, and the document lists each event
name with its data schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.server.models import Problem, TurnResult
from motiondirector.server.stream_events import (
    EVENT_NAMES,
    StreamDone,
    StreamFrames,
    StreamHeader,
)
from tests.server.conftest import AUTH

SCRIPT = "ANA: No, no. I am not going tonight!\nBEN: Why not? Everyone will be there."
ROUTES = {"/v1/plan/stream": MotionPlan, "/v1/sessions/{session_id}/turns/stream": TurnResult}


def raw_events(lines: list[str]) -> list[dict[str, str]]:
    """Each event's fields as sent (`event`, `id`, `data`), comments left out."""
    events: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    for line in lines:
        if not line:
            if fields:
                events.append(fields)
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value
    return events


def check_typed(events: list[dict[str, str]], plan_model: type[BaseModel]) -> None:
    models: dict[str, type[BaseModel]] = {
        "header": StreamHeader,
        "plan": plan_model,
        "frames": StreamFrames,
        "done": StreamDone,
        "error": Problem,
    }
    assert [e["id"] for e in events] == [str(n) for n in range(len(events))]
    for event in events:
        assert "\n" not in event["data"]
        models[event["event"]].model_validate(json.loads(event["data"]))
    assert [e["event"] for e in events][-1] == "done"


def test_plan_stream_events_are_the_typed_models(client: TestClient) -> None:
    body = {"script": SCRIPT, "format": "text", "fps": 60}
    with client.stream("POST", "/v1/plan/stream", json=body, headers=AUTH) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        events = raw_events(list(response.iter_lines()))
    check_typed(events, MotionPlan)
    frames = StreamFrames.model_validate(json.loads(events[2]["data"]))
    assert frames.first == 0 and frames.frames[0].characters["ANA"].joints


def test_turn_stream_events_are_the_typed_models(client: TestClient) -> None:
    session = client.post("/v1/sessions", json={"characters": ["ANA", "BEN"]}, headers=AUTH)
    path = f"/v1/sessions/{session.json()['id']}/turns/stream"
    turn = {"speaker": "BEN", "text": "Thank you, that is wonderful!"}
    with client.stream("POST", path, json=turn, headers=AUTH) as response:
        assert response.status_code == 200
        events = raw_events(list(response.iter_lines()))
    check_typed(events, TurnResult)


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_openapi_names_each_event_and_its_data(client: TestClient, path: str) -> None:
    spec: dict[str, Any] = client.get("/openapi.json").json()
    answer = spec["paths"][path]["post"]["responses"]["200"]
    item = answer["content"]["text/event-stream"]["itemSchema"]
    variants = {v["properties"]["event"]["const"]: v["properties"]["data"] for v in item["oneOf"]}
    assert tuple(variants) == EVENT_NAMES
    refs = {
        name: data["contentSchema"].get("$ref", "").rsplit("/", 1)[-1]
        for name, data in variants.items()
    }
    assert refs == {
        "header": "StreamHeader",
        "plan": "" if path == "/v1/plan/stream" else "TurnResult",
        "frames": "StreamFrames",
        "done": "StreamDone",
        "error": "Problem",
    }
    if path == "/v1/plan/stream":  # what /v1/plan answers: the plan, or the plan and an export
        plan = variants["plan"]["contentSchema"]["anyOf"]
        assert [r["$ref"].rsplit("/", 1)[-1] for r in plan] == ["MotionPlan", "PlanWithExport"]
    schemas = spec["components"]["schemas"]
    assert {"StreamHeader", "StreamFrames", "StreamDone", "Problem", ROUTES[path].__name__} <= set(
        schemas
    )
    assert all(data["contentMediaType"] == "application/json" for data in variants.values())
