"""Every change made through Django's admin is in the audit log, with field names, never values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from tandem.admin_site import AuditedModelAdmin
from tandem.audit.models import AuditEvent
from tandem.programmes.models import Organisation, Person

from .admin_forms import admin_form
from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(demo: Any) -> Client:
    return client_for(demo.superuser_email)


@pytest.fixture
def superuser(demo: Any) -> Any:
    return get_user_model().objects.get(email=demo.superuser_email)


def _event(action: str, obj: Any) -> AuditEvent:
    return AuditEvent.objects.get(
        action=action, subject_type=obj._meta.label_lower, subject_id=str(obj.pk)
    )


def test_every_model_on_the_admin_site_is_audited() -> None:
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == []


def test_adding_changing_and_deleting_in_the_admin_are_audited(
    admin_client_: Client, superuser: Any
) -> None:
    response = admin_client_.post(
        "/admin/programmes/organisation/add/",
        {"name": "Northern Care Trust", "short_name": "NCT"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Northern Care Trust")
    added = _event("admin.add", organisation)
    assert added.actor_id == superuser.pk
    assert added.extra == {"via": "admin", "fields": ["name", "short_name"]}

    url = f"/admin/programmes/organisation/{organisation.pk}/change/"
    form = admin_form(admin_client_, url) | {"short_name": "NCFT"}
    assert admin_client_.post(url, form).status_code == 302
    assert _event("admin.change", organisation).extra == {"via": "admin", "fields": ["short_name"]}

    delete = f"/admin/programmes/organisation/{organisation.pk}/delete/"
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert _event("admin.delete", organisation).actor_id == superuser.pk


def test_deleting_selected_rows_in_the_admin_audits_each(admin_client_: Client) -> None:
    first, second = (Organisation.objects.create(name=name) for name in ("First", "Second"))
    response = admin_client_.post(
        "/admin/programmes/organisation/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert {e.subject_id for e in AuditEvent.objects.filter(action="admin.delete")} == {
        str(first.pk),
        str(second.pk),
    }


def test_an_admin_change_records_which_fields_changed_never_what_they_said(
    admin_client_: Client,
) -> None:
    person = Person.objects.exclude(user=None).first()
    old_name = person.name
    url = f"/admin/programmes/person/{person.pk}/change/"
    form = admin_form(admin_client_, url) | {"name": "Secret New Name", "job_title": "Spy"}
    assert admin_client_.post(url, form).status_code == 302
    event = _event("admin.change", person)
    assert event.extra == {"via": "admin", "fields": ["job_title", "name"]}
    stored = json.dumps(event.extra) + event.actor_label
    assert "Secret New Name" not in stored and old_name not in stored and "Spy" not in stored
    # The admin's own history names the record by kind and number, not by the person's name.
    entry = LogEntry.objects.get(object_id=str(person.pk), content_type__model="person")
    assert entry.object_repr == f"person {person.pk}"
    assert old_name not in entry.change_message


def test_inline_rows_changed_in_the_admin_are_named_by_model_and_id(
    admin_client_: Client, demo: Any
) -> None:
    programme = demo.programme
    milestone = programme.milestones.first()
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    form = admin_form(admin_client_, url)
    index = next(
        key.split("-")[1]
        for key, value in form.items()
        if key.startswith("milestones-") and key.endswith("-id") and value == str(milestone.pk)
    )
    form[f"milestones-{index}-title"] = "A confidential title"
    response = admin_client_.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = _event("admin.change", programme)
    assert event.programme_id == programme.pk
    assert event.extra == {
        "via": "admin",
        "fields": [],
        "inlines": [
            {"changed": "programmes.milestone", "id": str(milestone.pk), "fields": ["title"]}
        ],
    }
