"""schemathesis against /api/v1/openapi.json: no server error, every response matching its schema.

One test per operation in the document (so a new router is covered without touching this file),
run in-process through the WSGI application as the programme lead (who sees the most) and as a
participant (who meets the 403s). Most generated paths carry
the demo programme's slug and real ids, so operations are exercised on real data; the rest random
ones (404).
The cases come from schemathesis's Hypothesis strategies with plain `@given`: its pytest plugin's
lazy-fixture loader does not run under pytest 9.2.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tandem import demo as demo_module
from tandem.programmes.models import Service
from tandem.surveys.models import Wave

MAX_EXAMPLES = 20
API_ROOT = "/api/v1/"


def _operations() -> list[tuple[str, str]]:
    from tandem.api.urls import api

    document = api.get_openapi_schema(path_prefix=API_ROOT)
    return [
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    ]


@pytest.fixture
def api_schema(demo: demo_module.DemoProgramme) -> Iterator[Any]:
    from tandem.wsgi import application

    # The WSGI handler closes the database connection after each request; inside a test's
    # transaction that kills the connection on PostgreSQL. Django's test Client disconnects these
    # signals for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(f"{API_ROOT}openapi.json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(demo: demo_module.DemoProgramme, waves: dict[str, Wave]) -> dict[str, int]:
    """Ids of real objects for the path's other parameters (random ids are almost never found)."""
    anna = demo.programme.participants.get(person__name="Anna Kowalski")
    return {
        "wave_id": waves["baseline"].pk,
        "before_id": waves["baseline"].pk,
        "after_id": waves["repeat"].pk,
        "participant_id": anna.pk,
        "service_id": Service.objects.get(name="North Community Mental Health Team").pk,
    }


def test_every_operation_is_tested_here() -> None:
    assert len(_operations()) >= 22


@pytest.mark.parametrize("caller", ["lead", "participant"])
@pytest.mark.parametrize(("method", "path"), _operations())
def test_operation_conforms_to_the_openapi_document(
    method: str,
    path: str,
    caller: str,
    api_schema: Any,
    real_ids: dict[str, int],
    tokens: dict[str, str | None],
) -> None:
    operation = api_schema[path][method]
    strategy = operation.as_strategy()
    if "{slug}" in path:
        real = {name: value for name, value in real_ids.items() if "{" + name + "}" in path}
        on_demo = operation.as_strategy(path_parameters={"slug": demo_module.DEMO_SLUG})
        on_real = operation.as_strategy(path_parameters={"slug": demo_module.DEMO_SLUG, **real})
        # Real ids for a quarter of the cases: repeating the same real request teaches little, and
        # a feedback report takes a second or two to build.
        strategy = st.one_of(on_real, on_demo, on_demo, strategy)
    headers = {"Authorization": f"Bearer {tokens[caller]}"}

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
