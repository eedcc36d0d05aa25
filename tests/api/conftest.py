"""Tokens for each role in the demo programme, and a client that calls the API with one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tandem import demo as demo_module
from tandem.api.models import ApiToken, token_digest
from tandem.api.services import api_token_create
from tandem.programmes.models import Role
from tandem.surveys.models import Wave

from ..factories import ParticipantFactory, ProgrammeFactory

ROLE_PEOPLE = {
    "lead": "Priya Sandhu",
    "sponsor": "Dr Miriam Achebe",
    "coach": "Nadia Foster",
    "participant": "Dr Amara Okafor",
}


def token_for_email(email: str, *, days: int = 30) -> str:
    user = get_user_model().objects.get(email=email)
    return api_token_create(user=user, name="tests", days=days).raw


@pytest.fixture
def api_client() -> Client:
    return Client()


@pytest.fixture
def call(api_client: Client) -> Callable[..., Any]:
    """call(path, token) → response; path is below /api/v1/, token None for no header."""

    def get(path: str, token: str | None = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return api_client.get(f"/api/v1/{path.lstrip('/')}", params, headers=headers)

    return get


@pytest.fixture
def tokens(demo: demo_module.DemoProgramme) -> dict[str, str | None]:
    """A token per role, plus an outsider (lead elsewhere), nobody, and dead tokens."""
    found: dict[str, str | None] = {
        role: token_for_email(demo_module.email_for(name)) for role, name in ROLE_PEOPLE.items()
    }
    outsider = ParticipantFactory(programme=ProgrammeFactory(), role=Role.PROGRAMME_LEAD)
    found["outsider"] = token_for_email(outsider.person.email)
    found["anonymous"] = None
    lead_email = demo_module.email_for(ROLE_PEOPLE["lead"])
    expired = token_for_email(lead_email)
    long_ago = timezone.now() - dt.timedelta(days=400)
    ApiToken.objects.filter(digest=token_digest(expired)).update(
        created_at=long_ago, expires_at=long_ago + dt.timedelta(days=30)
    )
    found["expired"] = expired
    revoked = token_for_email(lead_email)
    ApiToken.objects.filter(digest=token_digest(revoked)).update(revoked_at=timezone.now())
    found["revoked"] = revoked
    return found


@pytest.fixture
def lead_token(tokens: dict[str, str | None]) -> str:
    token = tokens["lead"]
    assert token is not None
    return token


@pytest.fixture
def waves(demo: demo_module.DemoProgramme) -> dict[str, Wave]:
    return {wave.kind: wave for wave in Wave.objects.filter(programme=demo.programme)}
