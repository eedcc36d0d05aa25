"""Personal API tokens: stored only as a digest, shown once, refused once expired or revoked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tandem.api.limits import MAX_TOKEN_DAYS
from tandem.api.models import ApiToken, token_digest
from tandem.api.services import api_token_create, api_token_revoke
from tandem.audit.models import AuditEvent

from ..factories import UserFactory


@pytest.fixture
def user(db: None) -> Any:
    return UserFactory()


def test_raw_token_is_nowhere_in_the_database(user: Any) -> None:
    created = api_token_create(user=user, name="report script", days=30, actor=user)
    assert created.raw.startswith("tandem_") and len(created.raw) > 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        stored = [str(value) for row in cursor.fetchall() for value in row]
        cursor.execute("SELECT extra FROM audit_auditevent")
        audited = [str(value) for row in cursor.fetchall() for value in row]
    assert not any(created.raw in value for value in stored + audited)
    token = ApiToken.objects.get()
    assert token.digest == token_digest(created.raw) != created.raw
    assert created.raw.startswith(token.prefix) and len(token.prefix) == 13


def test_token_expires_within_a_year_at_most(user: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        api_token_create(user=user, name="forever", days=MAX_TOKEN_DAYS + 1)
    assert "1 to 365 days" in str(caught.value)
    with pytest.raises(ValidationError):
        api_token_create(user=user, name="   ", days=30)
    token = api_token_create(user=user, name="year", days=MAX_TOKEN_DAYS).token
    assert token.expires_at - token.created_at == dt.timedelta(days=MAX_TOKEN_DAYS)


def test_creation_and_revocation_are_audited_once(user: Any) -> None:
    created = api_token_create(user=user, name="script", days=7, actor=user)
    api_token_revoke(token=created.token, actor=user)
    api_token_revoke(token=created.token, actor=user)
    actions = list(
        # By action too: other subjects (the demo's organisation, say) can share the id.
        AuditEvent.objects.filter(subject_id=str(created.token.pk), action__startswith="api_token.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token.create", "api_token.revoke"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tandem_not-a-real-token",
        "Bearer " + "tandem_" + "x" * 500,
        "Bearer ",
        "Bearer not-even-ours",
    ],
)
def test_unknown_tokens_get_401(api_client: Any, db: None, header: str) -> None:
    response = api_client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_token_of_a_deactivated_account_is_refused(call: Callable[..., Any], user: Any) -> None:
    raw = api_token_create(user=user, name="script", days=7).raw
    assert call("me", raw).status_code == 200
    user.is_active = False
    user.save()
    assert call("me", raw).status_code == 401


def test_token_stops_working_the_moment_it_expires(call: Callable[..., Any], user: Any) -> None:
    created = api_token_create(user=user, name="script", days=1)
    assert call("me", created.raw).status_code == 200
    ApiToken.objects.filter(pk=created.token.pk).update(expires_at=timezone.now())
    assert call("me", created.raw).status_code == 401


def test_use_is_recorded_without_writing_on_every_call(
    call: Callable[..., Any], user: Any, django_assert_num_queries: Any
) -> None:
    created = api_token_create(user=user, name="script", days=1)
    call("me", created.raw)
    first_use = ApiToken.objects.get(pk=created.token.pk).last_used_at
    assert first_use is not None
    # The second call within minutes reads the token and writes nothing.
    with django_assert_num_queries(1):
        call("me", created.raw)
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at == first_use
