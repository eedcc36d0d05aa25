"""E-mail through a queue: the request stores the message, the worker sends it.

`QueuedEmailBackend` is Tandem's EMAIL_BACKEND: `message.send()` anywhere in Tandem (and in
Django's own password-reset form) stores an `OutboundEmail` in the caller's transaction and
returns at once, so no request waits on a slow SMTP server and a rolled-back change sends
nothing. The worker (`tandem worker`) calls `send_due()` every second: each message is claimed
by one conditional UPDATE (so two workers never both send it), handed to the real backend
(TANDEM_EMAIL_DELIVERY_BACKEND: SMTP when TANDEM_EMAIL_HOST is set), and on failure tried again
after a growing delay, then listed as not sent for the lead to send again.

Never a duplicate: a message is only tried again when the SMTP server refused it or could not
be reached. A worker that stops in the middle of sending leaves the message "Sending"; when its
lease runs out it is marked not sent with a note to check before sending again — it is never
re-sent by itself, since it may have left.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Sequence
from email.mime.base import MIMEBase
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.operations.models import EmailKind, EmailStatus, OutboundEmail

logger = logging.getLogger("tandem.operations.mail")

LEASE = dt.timedelta(minutes=5)
STOPPED_WHILE_SENDING = (
    "The worker stopped while sending this message, so it may or may not have left. "
    "Check with the recipient before sending it again."
)


def retry_delays() -> tuple[dt.timedelta, ...]:
    """Delays before the 2nd, 3rd … attempt; after the last, the message is listed as not sent."""
    minutes = getattr(settings, "TANDEM_EMAIL_RETRY_MINUTES", (1, 5, 30, 120, 360))
    return tuple(dt.timedelta(minutes=m) for m in minutes)


def tag(message: EmailMessage, *, kind: str, programme: Any = None) -> EmailMessage:
    """Say what a message is and which programme it belongs to, for the lead's e-mail list."""
    message.tandem_kind = kind  # type: ignore[attr-defined]
    message.tandem_programme_id = getattr(programme, "pk", programme)  # type: ignore[attr-defined]
    return message


def _attachment(item: Any) -> dict[str, Any]:
    if isinstance(item, MIMEBase):
        raise ValueError("MIME attachments are not queued; attach (filename, content, mimetype).")
    filename, content, mimetype = item
    if isinstance(content, bytes):
        return {
            "filename": filename,
            "b64": base64.b64encode(content).decode("ascii"),
            "mimetype": mimetype,
        }
    return {"filename": filename, "text": content, "mimetype": mimetype}


def serialise(message: EmailMessage) -> dict[str, Any]:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "attachments": [_attachment(item) for item in message.attachments],
        "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
    }


def rebuild(data: dict[str, Any], message_id: str) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers={**data["headers"], "Message-ID": message_id},
        alternatives=[tuple(alt) for alt in data["alternatives"]],
    )
    for item in data["attachments"]:
        content: str | bytes = base64.b64decode(item["b64"]) if "b64" in item else item["text"]
        message.attach(item["filename"], content, item["mimetype"])
    return message


def _domain() -> str:
    return getattr(settings, "TANDEM_EMAIL_DOMAIN", "") or "tandem.localhost"


class QueuedEmailBackend(BaseEmailBackend):
    """Stores each message for the worker to send (see the module)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        now = timezone.now()
        rows = []
        for message in email_messages:
            if not message.recipients():
                continue
            rows.append(
                OutboundEmail(
                    kind=getattr(message, "tandem_kind", EmailKind.ACCOUNT),
                    programme_id=getattr(message, "tandem_programme_id", None),
                    recipients=list(message.recipients()),
                    message=serialise(message),
                    subject=str(message.subject)[:300],
                    message_id=make_msgid(domain=_domain()),
                    next_attempt_at=now,
                )
            )
        OutboundEmail.objects.bulk_create(rows)
        return len(rows)


def _delivery_connection() -> Any:
    return get_connection(settings.TANDEM_EMAIL_DELIVERY_BACKEND, fail_silently=False)


def deliver(email_id: int, *, connection: Any = None) -> bool:
    """Send one queued message if it is due and no other worker has it; True if it left."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=EmailStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1, lease_until=now + LEASE)
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        message = rebuild(email.message, email.message_id)
        (connection or _delivery_connection()).send_messages([message])
    except Exception as exc:  # SMTP refused, unreachable, timed out: try again later
        error = f"{exc.__class__.__name__}: {exc}"[:500]
        delays = retry_delays()
        if email.attempts > len(delays):
            OutboundEmail.objects.filter(pk=email_id).update(
                status=EmailStatus.FAILED, lease_until=None, last_error=error
            )
            logger.warning(
                "E-mail %s not sent after %s attempts: %s",
                email_id,
                email.attempts,
                exc.__class__.__name__,
            )
        else:
            OutboundEmail.objects.filter(pk=email_id).update(
                status=EmailStatus.QUEUED,
                lease_until=None,
                last_error=error,
                next_attempt_at=timezone.now() + delays[email.attempts - 1],
            )
            logger.info(
                "E-mail %s: attempt %s failed (%s); trying again later",
                email_id,
                email.attempts,
                exc.__class__.__name__,
            )
        return False
    # Once it has left, keep who, what kind and when — not the body or attachments.
    OutboundEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), lease_until=None, message={}
    )
    return True


def release_stalled(now: dt.datetime | None = None) -> int:
    """Messages a stopped worker left "Sending": listed as not sent, never re-sent by themselves."""
    now = now or timezone.now()
    return OutboundEmail.objects.filter(status=EmailStatus.SENDING, lease_until__lt=now).update(
        status=EmailStatus.FAILED, lease_until=None, last_error=STOPPED_WHILE_SENDING
    )


def send_due(limit: int = 100) -> int:
    """Send what is due (oldest first), through one connection; the number that left."""
    release_stalled()
    ids = list(
        OutboundEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    connection: Any = _delivery_connection()
    sent = 0
    try:
        connection.open()
    except Exception as exc:
        connection = _Unreachable(exc)
    try:
        for email_id in ids:
            sent += deliver(email_id, connection=connection)
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.debug("Closing the SMTP connection failed", exc_info=True)
    return sent


class _Unreachable:
    """Stands in for a connection that could not be opened: every send fails with its error."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        raise self.error

    def close(self) -> None:
        return None


@transaction.atomic
def send_again(*, email: OutboundEmail, actor: Any) -> OutboundEmail:
    """The lead's "Send again" on a message listed as not sent: a fresh message, same content."""
    from tandem.audit.services import audit_record

    if email.status != EmailStatus.FAILED or not email.message:
        raise ValueError("Only a message that was not sent can be sent again.")
    copy = OutboundEmail.objects.create(
        kind=email.kind,
        programme=email.programme,
        recipients=email.recipients,
        message=email.message,
        subject=email.subject,
        message_id=make_msgid(domain=_domain()),
        next_attempt_at=timezone.now(),
    )
    # The failed one keeps its record; its content now lives in the copy only.
    OutboundEmail.objects.filter(pk=email.pk).update(message={})
    audit_record(
        actor=actor,
        action="email.send_again",
        subject=copy,
        programme=email.programme,
        extra={"kind": email.kind, "failed_email": email.pk},
    )
    return copy
