"""E-mail leaves the request: queued in the database, sent by the worker, tried again, listed.

Checked against a real SMTP server (aiosmtpd) that refuses or cannot be reached, as a trust's
mail relay sometimes does.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import zipfile

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.operations import mail as queue
from tandem.operations.models import EmailKind, EmailStatus, OutboundEmail
from tandem.surveys.services.invitations import invitations_send

AMARA = "amara.okafor@riverside-fells.example"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def queued(settings):
    """Tandem's own e-mail settings (the suite otherwise sends straight to Django's outbox)."""
    settings.EMAIL_BACKEND = "tandem.operations.mail.QueuedEmailBackend"
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TANDEM_EMAIL_RETRY_MINUTES = (1, 5)
    return settings


@pytest.fixture
def smtp(queued):
    """A real SMTP server that refuses the first `refuse` messages with a temporary failure."""

    class Relay:
        def __init__(self) -> None:
            self.refuse = 0
            self.received: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 Mail server busy, try again later"
            self.received.append(envelope.original_content)
            return "250 OK"

    relay = Relay()
    port = _free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    queued.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    queued.EMAIL_HOST, queued.EMAIL_PORT, queued.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield relay
    controller.stop()


def _due_now() -> None:
    """Time passes: every waiting message is due for its next attempt."""
    OutboundEmail.objects.filter(status=EmailStatus.QUEUED).update(next_attempt_at=timezone.now())


def test_sending_invitations_only_queues_them_and_the_worker_sends_each_once(
    open_wave, queued
) -> None:
    result = invitations_send(wave=open_wave, base_url="https://tandem.trust.example")
    assert result.sent == 24
    assert mail.outbox == []  # nothing left inside the request
    rows = OutboundEmail.objects.filter(programme=open_wave.programme)
    assert rows.count() == 24
    assert set(rows.values_list("kind", flat=True)) == {EmailKind.SURVEY_INVITATION}
    assert set(rows.values_list("status", flat=True)) == {EmailStatus.QUEUED}

    assert queue.send_due() == 24
    assert queue.send_due() == 0
    assert len(mail.outbox) == 24
    sent_ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert sent_ids == set(rows.values_list("message_id", flat=True))
    amara = next(m for m in mail.outbox if m.to == [AMARA])
    assert "https://tandem.trust.example/s/" in amara.body
    # Once sent, who and when are kept; the personal link is not.
    row = rows.get(recipients=[AMARA])
    assert row.status == EmailStatus.SENT and row.sent_at is not None and row.message == {}
    assert "/s/" not in str(OutboundEmail.objects.filter(pk=row.pk).values().get())


def test_a_refused_message_is_tried_again_later_and_arrives_once(open_wave, smtp) -> None:
    invitations_send(wave=open_wave)
    OutboundEmail.objects.exclude(recipients=[AMARA]).delete()
    smtp.refuse = 2
    before = timezone.now()
    assert queue.send_due() == 0
    row = OutboundEmail.objects.get()
    assert row.status == EmailStatus.QUEUED and row.attempts == 1
    assert "451" in row.last_error
    # The next attempt waits a minute; nothing is due before then.
    assert row.next_attempt_at - before >= dt.timedelta(minutes=1)
    assert queue.send_due() == 0 and OutboundEmail.objects.get().attempts == 1

    _due_now()
    assert queue.send_due() == 0
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - timezone.now() > dt.timedelta(minutes=4)

    _due_now()
    assert queue.send_due() == 1
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT and row.attempts == 3
    assert len(smtp.received) == 1  # never a duplicate
    assert row.message_id.encode() in smtp.received[0]


def test_an_unreachable_server_ends_in_the_leads_failure_list_and_can_be_sent_again(
    open_wave, queued, lead_client
) -> None:
    queued.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    queued.EMAIL_HOST, queued.EMAIL_PORT, queued.EMAIL_USE_TLS = "127.0.0.1", _free_port(), False
    queued.EMAIL_TIMEOUT = 2
    invitations_send(wave=open_wave)
    for _ in range(3):  # the first attempt and the two retries
        queue.send_due()
        _due_now()
    failed = OutboundEmail.objects.filter(status=EmailStatus.FAILED)
    assert failed.count() == 24 and set(failed.values_list("attempts", flat=True)) == {3}
    assert "ConnectionRefusedError" in failed.first().last_error

    slug = open_wave.programme.slug
    page = lead_client.get(reverse("operations:emails", args=[slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not sent (24)" in text and AMARA in text and "ConnectionRefusedError" in text

    amara = failed.get(recipients=[AMARA])
    response = lead_client.post(reverse("operations:email_send_again", args=[slug, amara.pk]))
    assert response.status_code == 302
    again = OutboundEmail.objects.get(status=EmailStatus.QUEUED)
    assert again.recipients == [AMARA] and again.message_id != amara.message_id
    amara.refresh_from_db()
    assert amara.message == {}  # its content moved to the new message; not sent twice
    assert AuditEvent.objects.filter(action="email.send_again").count() == 1
    # Sending the same failed message again is refused, not duplicated.
    lead_client.post(reverse("operations:email_send_again", args=[slug, amara.pk]))
    assert OutboundEmail.objects.filter(status=EmailStatus.QUEUED).count() == 1


def test_a_worker_stopped_mid_send_never_resends_by_itself(open_wave, queued) -> None:
    invitations_send(wave=open_wave)
    row = OutboundEmail.objects.filter(recipients=[AMARA]).get()
    # Another worker claimed it, then stopped before recording the result.
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENDING,
        attempts=1,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    assert queue.send_due() == 23
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED and "may or may not have left" in row.last_error
    assert [m for m in mail.outbox if m.to == [AMARA]] == []
    # A second worker asking for the same message while it is claimed gets nothing.
    assert queue.deliver(row.pk) is False


def test_coaching_subjects_are_not_listed_and_only_the_lead_sees_the_list(
    demo, queued, lead_client, participant_client, coach_client
) -> None:
    OutboundEmail.objects.create(
        kind=EmailKind.COACHING_SESSION,
        programme=demo.programme,
        recipients=[AMARA],
        subject="Coaching session 2: 3 March 2027, 10:00",
        message_id="<x1@tandem.localhost>",
        next_attempt_at=timezone.now(),
    )
    url = reverse("operations:emails", args=[demo.programme.slug])
    text = lead_client.get(url).content.decode()
    assert "Coaching session invitation" in text and "3 March 2027" not in text
    for client in (participant_client, coach_client):
        assert client.get(url).status_code in (403, 404)
        overview = client.get(reverse("programmes:overview", args=[demo.programme.slug]))
        assert url not in overview.content.decode()
    overview = lead_client.get(reverse("programmes:overview", args=[demo.programme.slug]))
    assert reverse("operations:schedule", args=[demo.programme.slug]) in overview.content.decode()


def test_erasing_a_person_leaves_no_trace_of_their_address_in_the_email_record(
    open_wave, queued
) -> None:
    from tandem.gdpr.services import person_erase, subject_access_export
    from tandem.programmes.models import Person
    from tandem.surveys.services.invitations import invitations_remind

    invitations_send(wave=open_wave)
    queue.send_due()
    invitations_remind(wave=open_wave)  # queued, not yet sent
    amara = Person.objects.get(email=AMARA)
    export = zipfile.ZipFile(io.BytesIO(subject_access_export(person=amara, actor=None)))
    held = "".join(export.read(name).decode("utf-8", "replace") for name in export.namelist())
    assert "Questionnaire invitation" in held and "Questionnaire reminder" in held
    person_erase(person=amara, actor=None)
    for row in OutboundEmail.objects.all():
        assert AMARA not in str(row.recipients) and AMARA not in str(row.message)
    assert OutboundEmail.objects.filter(recipients=[f"erased person {amara.pk}"]).count() == 1
    # The reminder to her that had not left is not sent to anyone.
    mail.outbox.clear()
    queue.send_due()
    assert [m for m in mail.outbox if AMARA in m.to] == []
