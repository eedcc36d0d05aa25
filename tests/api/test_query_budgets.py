"""API lists cost a fixed number of queries, whatever the size of the programme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem import demo as demo_module

ROOT = f"programmes/{demo_module.DEMO_SLUG}"


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("programmes", 3),
        (f"{ROOT}/participants", 5),
        (f"{ROOT}/pairs", 5),
        (f"{ROOT}/waves", 7),
        (f"{ROOT}/reports", 6),
        # Audited: the event's insert, plus reading the chain's last link (and, on PostgreSQL,
        # taking the chain's lock) to seal it.
        (f"{ROOT}/coaching/dose", 11),
    ],
)
def test_list_stays_within_its_query_budget(
    path: str,
    budget: int,
    call: Callable[..., Any],
    lead_token: str,
    django_assert_max_num_queries: Any,
) -> None:
    call("me", lead_token)  # last_used_at is written on the first call only
    with django_assert_max_num_queries(budget):
        response = call(path, lead_token, page_size=100)
    assert response.status_code == 200
