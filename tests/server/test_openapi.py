"""The OpenAPI document, as client generators read it: valid OpenAPI, operation ids that are
the route names, and every error answer typed as a `Problem` (application/problem+json)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from motiondirector.server import ServerSettings, create_app
from motiondirector.server.models import Problem
from tests.server.conftest import AUTH, KEY, PROBLEM, assert_problem

PROBLEM_SCHEMA = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
UNGUARDED = {"/healthz", "/readyz"}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(
        ServerSettings(api_keys=[KEY], warm_up=False, jobs_db=Path(":memory:"), max_body_bytes=500)
    )


@pytest.fixture(scope="module")
def spec(app: FastAPI) -> dict[str, Any]:
    return TestClient(app).get("/openapi.json").json()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_document_is_valid_openapi_and_every_reference_resolves(
    spec: dict[str, Any],
) -> None:
    # Against the meta-schema of the version the document declares.
    schemathesis.openapi.from_dict(spec).validate()
    schemas = spec["components"]["schemas"]

    def refs(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(spec))
    assert "#/components/schemas/Problem" in found
    for ref in found:
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_every_error_answer_is_a_problem(spec: dict[str, Any]) -> None:
    errors = 0
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                errors += 1
                assert response["content"] == PROBLEM_SCHEMA, (method, path, status)
                assert response["description"], (method, path, status)
    assert errors > 40
    # FastAPI's own 422 schema is replaced by ours everywhere.
    assert not {"HTTPValidationError", "ValidationError"} & set(spec["components"]["schemas"])
    published = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(published["required"])
    assert published["additionalProperties"] is True
    errors_item = published["properties"]["errors"]["anyOf"][0]["items"]
    assert errors_item == {"$ref": "#/components/schemas/FieldError"}


def test_each_operation_lists_the_errors_it_can_answer(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        expected: set[str] = set()
        if path not in UNGUARDED:
            expected |= {"401", "429"}
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        if "{" in path:
            expected |= {"404", "422"}
        if path.startswith("/v1/scenes"):
            expected |= {"503"}  # before the jobs database is open
        if path.endswith("/cancel"):
            expected |= {"409"}
        if path == "/v1/scenes" and method == "post":
            expected |= {"503", "507"}
        if (path, method) in (("/v1/sessions", "post"), ("/readyz", "get")):
            expected |= {"503"}
        listed = {status for status in operation["responses"] if int(status) >= 400}
        assert expected <= listed, (method, path, sorted(expected - listed))


def test_operation_ids_are_the_route_names(spec: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(spec)]
    # Generated clients name their methods after these: changing one breaks them.
    assert sorted(ids) == [
        "cancel_scene",
        "create_session",
        "delete_scene",
        "delete_session",
        "get_artifact",
        "get_scene",
        "get_session",
        "healthz",
        "list_scenes",
        "list_sessions",
        "plan",
        "plan_stream",
        "readyz",
        "schema",
        "submit_scene",
        "turn",
        "turn_stream",
        "vocabulary",
    ]


def test_real_error_answers_fit_the_published_schema(app: FastAPI) -> None:
    client = TestClient(app)  # not started: scene jobs answer 503 until the database opens
    answers = [
        (client.get("/v1/vocabulary"), 401),
        (client.get("/v1/sessions/unknown", headers=AUTH), 404),
        (client.post("/v1/plan", json={"script": "ANA: Hi.", "fps": 25}, headers=AUTH), 422),
        (
            client.post(
                "/v1/plan",
                content=b'\xff{"script": 1}',
                headers={**AUTH, "Content-Type": "application/json"},
            ),
            400,
        ),
        (client.post("/v1/plan", json={"script": "ANA: " + "la " * 400}, headers=AUTH), 413),
        (client.get("/v1/scenes/unknown", headers=AUTH), 503),
    ]
    for response, status in answers:
        body = assert_problem(response, status)
        problem = Problem.model_validate(body)
        assert problem.status == status
    invalid = Problem.model_validate(answers[2][0].json())
    assert invalid.errors is not None and invalid.errors[0].field == "fps"
    too_large = Problem.model_validate(answers[4][0].json())
    assert too_large.limit == 500
