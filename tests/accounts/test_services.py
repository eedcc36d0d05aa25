"""Account writes made on an administrator's authority."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tandem.accounts.services import user_password_set_by_admin
from tandem.audit.models import AuditEvent
from tandem.demo import email_for

from ..conftest import client_for

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_switching_off_a_password_ends_every_session_and_says_so(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lead = User.objects.get(email=demo.lead_email)
    superuser = User.objects.get(email=demo.superuser_email)
    browsers = [client_for(demo.lead_email), client_for(demo.lead_email)]
    other = client_for(email_for("Dr Amara Okafor"))

    with django_capture_on_commit_callbacks(execute=True):
        result = user_password_set_by_admin(user=lead, password=None, actor=superuser, via="admin")

    lead.refresh_from_db()
    assert not lead.has_usable_password()
    assert result.sessions_ended == 2
    assert all(b.get("/")["Location"].startswith("/accounts/login/") for b in browsers)
    assert other.get("/").status_code == 200  # nobody else's session
    event = AuditEvent.objects.get(action="user.password_set_by_admin")
    assert event.extra["password"] == "removed"
    assert "switched off the password" in mail.outbox[-1].body


def test_a_failed_mail_leaves_the_change_and_its_record(
    demo: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    lead = User.objects.get(email=demo.lead_email)
    with django_capture_on_commit_callbacks(execute=True):
        user_password_set_by_admin(user=lead, password="a-new-long-password", via="admin")
    lead.refresh_from_db()
    assert lead.check_password("a-new-long-password")
    assert AuditEvent.objects.filter(action="user.password_set_by_admin").exists()
