"""Erasure and the audit log: the log keeps every event unchanged and no e-mail address."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tandem.audit.models import AuditEvent
from tandem.audit.selectors import audit_chain_verify
from tandem.gdpr.services import person_erase
from tandem.programmes.models import Person
from tandem.typology.models import TypeProfile

from ..admin_forms import admin_form
from ..conftest import client_for

pytestmark = pytest.mark.django_db


def _table_text(query: str) -> str:
    """Every cell the query returns as the database holds it, whatever the models show."""
    with connection.cursor() as cursor:
        cursor.execute(query)
        return "\n".join(repr(row) for row in cursor.fetchall())


def test_after_erasure_the_email_is_nowhere_in_the_audit_log_and_no_event_changed(
    demo: Any,
) -> None:
    profile = TypeProfile.objects.select_related("participant__person").first()
    person = profile.participant.person
    email, name, user_id = person.email, person.name, person.user_id
    # Events where the person acted, and one where an administrator edited them.
    own = client_for(email)
    url = f"/programmes/{demo.programme.slug}/types/people/{profile.participant_id}/"
    assert own.get(url).status_code == 200
    admin = client_for(demo.superuser_email)
    change = f"/admin/programmes/person/{person.pk}/change/"
    assert (
        admin.post(change, admin_form(admin, change) | {"job_title": "Ward lead"}).status_code
        == 302
    )
    theirs = AuditEvent.objects.filter(actor_id=user_id)
    assert theirs.exists()
    before = dict(AuditEvent.objects.values_list("pk", "hash"))

    person_erase(person=Person.objects.get(pk=person.pk))

    text = _table_text("SELECT * FROM audit_auditevent")
    assert email not in text and email.split("@")[0] not in text
    assert name not in text
    # Nor in the admin's own history of the edit.
    history = _table_text("SELECT object_repr, change_message FROM django_admin_log")
    assert email not in history and name not in history
    after = dict(AuditEvent.objects.values_list("pk", "hash"))
    assert {pk: after[pk] for pk in before} == before  # nothing rewritten, only the erasure added
    assert audit_chain_verify().intact
    # The pages name the actor by the account's current, pseudonymous name.
    shown = AuditEvent.objects.select_related("actor").filter(actor_id=user_id).first()
    assert shown.actor_name == f"Erased person {person.pk}"
    assert shown.actor_label == f"user {user_id}"
