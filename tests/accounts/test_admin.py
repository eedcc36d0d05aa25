"""An administrator who sets someone's password is on record, the person is told and logged out
everywhere; a person's log-in account cannot be re-linked in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tandem.accounts.management.commands.changepassword import Command as ChangePassword
from tandem.api.models import ApiToken
from tandem.api.services import api_token_create
from tandem.audit.models import AuditEvent
from tandem.demo import email_for
from tandem.programmes.models import Person

from ..admin_forms import admin_form
from ..conftest import client_for

pytestmark = pytest.mark.django_db
User = get_user_model()
COACH = email_for("Nadia Foster")
NEW_PASSWORD = "a-password-the-admin-knows"


@pytest.fixture
def admin_client_(demo: Any) -> Client:
    return client_for(demo.superuser_email)


@pytest.fixture
def coach(demo: Any) -> Any:
    return User.objects.get(email=COACH)


def _coachees_url(demo: Any) -> str:
    return f"/programmes/{demo.programme.slug}/coaching/coachees/"


def test_an_admin_setting_a_coachs_password_is_audited_mailed_and_logs_them_out(
    admin_client_: Client,
    demo: Any,
    coach: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    coach_session = client_for(COACH)
    assert coach_session.get(_coachees_url(demo)).status_code == 200
    token = api_token_create(user=coach, name="Sync script", days=30).token
    url = f"/admin/accounts/user/{coach.pk}/password/"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password_set_by_admin", subject_id=str(coach.pk))
    superuser = User.objects.get(email=demo.superuser_email)
    assert (event.actor_id, event.subject_type) == (superuser.pk, "accounts.user")
    assert event.extra == {
        "via": "admin",
        "password": "set",
        "sessions_ended": 1,
        "api_tokens": 1,
    }
    # The coach is logged out, their token no longer works, and they are told who did it.
    assert coach_session.get(_coachees_url(demo))["Location"].startswith("/accounts/login/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    notice = mail.outbox[-1]
    assert notice.to == [COACH]
    assert "changed by an administrator" in notice.subject
    assert (superuser.full_name or superuser.email) in notice.body
    assert NEW_PASSWORD not in notice.body
    # The administrator's own session survives.
    assert admin_client_.get("/admin/").status_code == 200


def test_an_admin_password_reset_is_refused_without_a_trace_when_the_form_is_wrong(
    admin_client_: Client, coach: Any
) -> None:
    url = f"/admin/accounts/user/{coach.pk}/password/"
    response = admin_client_.post(url, {"password1": NEW_PASSWORD, "password2": "different"})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="user.password_set_by_admin").exists()
    assert mail.outbox == []


def test_the_changepassword_command_is_audited_and_tells_the_person(
    coach: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(ChangePassword, "_ask", lambda self, prompt: NEW_PASSWORD)
    # (call_command rather than `tandem manage changepassword`: Django's command runner closes
    # the database connection when it finishes, and the test goes on using it.)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("changepassword", COACH)
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user.password_set_by_admin", subject_id=str(coach.pk))
    assert event.actor_id is None
    assert event.actor_label == "command line: changepassword"
    assert event.extra["via"] == "command line"
    assert mail.outbox[-1].to == [COACH]
    assert "an administrator at the command line" in mail.outbox[-1].body


def test_djangos_changepassword_is_replaced_by_tandems(db: None) -> None:
    from django.core.management import get_commands

    assert get_commands()["changepassword"] == "tandem.accounts"


def test_the_changepassword_command_gives_up_after_three_mismatches(
    coach: Any, monkeypatch: Any
) -> None:
    answers = iter(["one-long-password", "another-long-password"] * 3)
    monkeypatch.setattr(ChangePassword, "_ask", lambda self, prompt: next(answers))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="after 3 attempts"):
        call_command("changepassword", COACH)
    assert not AuditEvent.objects.filter(action="user.password_set_by_admin").exists()


def test_a_persons_account_cannot_be_relinked_in_the_admin(
    admin_client_: Client, demo: Any, coach: Any
) -> None:
    person = Person.objects.get(user=coach)
    superuser = User.objects.get(email=demo.superuser_email)
    url = f"/admin/programmes/person/{person.pk}/change/"
    form = admin_form(admin_client_, url)
    assert "user" not in form
    assert admin_client_.post(url, form | {"user": superuser.pk}).status_code == 302
    person.refresh_from_db()
    assert person.user_id == coach.pk


def test_an_admin_changing_someones_address_is_audited_and_the_old_address_told(
    admin_client_: Client, coach: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = f"/admin/accounts/user/{coach.pk}/change/"
    form = admin_form(admin_client_, url) | {"email": "somewhere.else@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client_.post(url, form).status_code == 302
    event = AuditEvent.objects.get(action="user.email_set_by_admin", subject_id=str(coach.pk))
    assert "somewhere.else" not in str(event.extra) + event.actor_label
    assert AuditEvent.objects.get(action="admin.change", subject_id=str(coach.pk)).extra == {
        "via": "admin",
        "fields": ["email"],
    }
    assert mail.outbox[-1].to == [COACH]
    assert "e-mail address of your Tandem account was changed" in mail.outbox[-1].subject
