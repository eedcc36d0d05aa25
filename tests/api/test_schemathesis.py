"""schemathesis against /api/v1/openapi.json: no server error, every response matching its schema.

One test per operation in the document (so a new router is covered without touching this file),
run in-process through the WSGI application as the programme lead. Most generated paths carry
the demo programme's slug, so operations are exercised on real data, the rest a random one (404).
The cases come from schemathesis's Hypothesis strategies with plain `@given`: its pytest plugin's
lazy-fixture loader does not run under pytest 9.2.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tandem import demo as demo_module

MAX_EXAMPLES = 20
API_ROOT = "/api/v1/"


def _operations() -> list[tuple[str, str]]:
    from tandem.api.urls import api

    document = api.get_openapi_schema(path_prefix=API_ROOT)
    return [
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    ]


@pytest.fixture
def api_schema(demo: demo_module.DemoProgramme) -> Any:
    from tandem.wsgi import application

    return schemathesis.openapi.from_wsgi(f"{API_ROOT}openapi.json", application)


def test_every_operation_is_tested_here() -> None:
    assert len(_operations()) >= 13


@pytest.mark.parametrize(("method", "path"), _operations())
def test_operation_conforms_to_the_openapi_document(
    method: str, path: str, api_schema: Any, lead_token: str
) -> None:
    operation = api_schema[path][method]
    strategy = operation.as_strategy()
    if "{slug}" in path:
        on_demo = operation.as_strategy(path_parameters={"slug": demo_module.DEMO_SLUG})
        strategy = st.one_of(on_demo, on_demo, on_demo, strategy)
    headers = {"Authorization": f"Bearer {lead_token}"}

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(case: Any) -> None:
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    check()
