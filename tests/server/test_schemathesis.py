"""Property-based requests from the OpenAPI spec (schemathesis): whatever a client sends, the
server never answers 5xx. Bounded: a few dozen examples per operation."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case

from motiondirector.server import ServerSettings, create_app
from tests.server.conftest import AUTH, SettingsFactory

EXAMPLES_PER_OPERATION = 20

# The spec does not depend on settings: read it from a bare app, call a configured one.
_SPEC_APP = create_app(
    ServerSettings(allow_anonymous=True, warm_up=False, jobs_db=Path(":memory:"))
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _SPEC_APP)


@pytest.fixture(scope="module")
def app(make_settings: SettingsFactory) -> FastAPI:
    return create_app(make_settings(max_script_chars=5_000, max_body_bytes=50_000))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_a_server_error(case: Case, app: FastAPI) -> None:
    # A copy: the call adds its transport's default headers to the dict it is given.
    response = case.call(app=app, headers=dict(AUTH))
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500, response.text
