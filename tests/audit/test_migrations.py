"""The migration that takes e-mail addresses out of the log and seals the events already in it."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from tandem.audit import triggers
from tandem.audit.models import AuditEvent
from tandem.audit.selectors import audit_chain_verify
from tandem.audit.services import audit_record

pytestmark = pytest.mark.django_db
MIGRATION = "0003_pseudonymous_labels_and_chain"


def _old_style(event: AuditEvent, label: str, actor_id: int | None = None) -> None:
    # As events were before: the e-mail address as the label, and no seal.
    models.QuerySet(model=AuditEvent).filter(pk=event.pk).update(
        actor_label=label, actor_id=actor_id, hash="", prev_hash=""
    )


def test_labels_lose_their_addresses_and_every_event_is_sealed(demo: Any) -> None:
    lead = get_user_model().objects.get(email=demo.lead_email)
    by_lead, orphan, gone, cli = (audit_record(action=f"test.{n}") for n in range(4))
    triggers.remove(connection)
    _old_style(by_lead, lead.email, actor_id=lead.pk)
    _old_style(orphan, lead.email.upper())  # the account reference was lost, the label kept
    _old_style(gone, "someone@left.example")
    _old_style(cli, "command line: tandem import")
    assert audit_chain_verify().broken is not None

    migration = importlib.import_module(f"tandem.audit.migrations.{MIGRATION}")
    state = MigrationLoader(connection).project_state(("audit", MIGRATION))
    migration.forwards(state.apps, SimpleNamespace(connection=connection))

    labels = dict(AuditEvent.objects.values_list("pk", "actor_label"))
    assert labels[by_lead.pk] == labels[orphan.pk] == f"user {lead.pk}"
    assert labels[gone.pk] == "a deleted account"
    assert labels[cli.pk] == "command line: tandem import"
    assert not AuditEvent.objects.filter(actor_label__contains="@").exists()
    assert audit_chain_verify().broken is None


def test_the_admins_history_loses_the_names_it_quoted(demo: Any) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tandem.programmes.models import Person

    person = Person.objects.first()
    entry = LogEntry.objects.create(
        user_id=get_user_model().objects.get(email=demo.superuser_email).pk,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=person.name,
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"changed": {"name": "participant", "object": person.name, "fields": ["Role"]}}]
        ),
    )
    migration = importlib.import_module("tandem.audit.migrations.0005_admin_history_without_names")
    state = MigrationLoader(connection).project_state(("audit", "0005_admin_history_without_names"))
    migration.forwards(state.apps, SimpleNamespace(connection=connection))
    entry.refresh_from_db()
    assert entry.object_repr == f"person {person.pk}"
    assert person.name not in entry.change_message
    assert "Changed Role for participant" in entry.get_change_message()
