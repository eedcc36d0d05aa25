"""The audit log: append-only, and every event carries its request's id."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.audit.models import AppendOnlyError, AuditEvent
from tandem.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_changed_or_deleted(demo) -> None:
    event = audit_record(actor=None, action="test.event", programme=demo.programme)
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_a_subject_is_named_by_type_and_id_and_the_actor_by_account_number(demo) -> None:
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(email=demo.lead_email)
    event = audit_record(actor=lead, action="programme.viewed", subject=demo.programme)
    assert (event.subject_type, event.subject_id) == (
        "programmes.programme",
        str(demo.programme.pk),
    )
    # A stable pseudonymous label, never the e-mail address; the name comes from the account.
    assert event.actor_label == f"user {lead.pk}"
    assert event.actor_name == lead.full_name


def test_every_response_carries_a_request_id_and_a_forged_one_is_replaced(client: Client) -> None:
    plain = client.get("/healthz")
    assert len(plain["X-Request-ID"]) == 32
    given = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")
    assert given["X-Request-ID"] == "lb-1234"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\nx")
    assert forged["X-Request-ID"] != "<script>\nx"
    assert len(forged["X-Request-ID"]) == 32
