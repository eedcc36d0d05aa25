"""What the e-mail record holds about a person (their address, on each message sent to them), and
how it goes when they are erased or their programmes pass their retention date."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tandem.gdpr.registry import GdprContext, Section
from tandem.operations.models import EmailStatus, OutboundEmail


def _theirs(person: Any) -> Iterator[OutboundEmail]:
    address = (person.email or "").lower()
    if not address:
        return
    # Recipients are a JSON list: matched here rather than in SQL, the same on every database.
    for email in OutboundEmail.objects.all().iterator():
        if any(recipient.lower() == address for recipient in email.recipients):
            yield email


def operations_export(person: Any, context: GdprContext) -> dict[str, Section]:
    return {
        "emails sent to them": [
            {
                "kind": email.get_kind_display(),
                "subject": email.subject,
                "queued": email.created_at.isoformat(),
                "sent": email.sent_at.isoformat() if email.sent_at else "",
                "status": email.get_status_display(),
            }
            for email in _theirs(person)
        ]
    }


def operations_erase(person: Any, context: GdprContext) -> dict[str, int]:
    """Runs before the core replaces the address: messages not yet sent to them are dropped;
    the record of those sent keeps that a message went, not to whom."""
    address = (person.email or "").lower()
    dropped = renamed = 0
    for email in list(_theirs(person)):
        if email.status in (EmailStatus.QUEUED, EmailStatus.FAILED) and len(email.recipients) == 1:
            email.delete()
            dropped += 1
            continue
        email.recipients = [
            f"erased person {person.pk}" if r.lower() == address else r for r in email.recipients
        ]
        email.subject = "" if email.subject and person.name in email.subject else email.subject
        email.message = {}
        email.save(update_fields=["recipients", "subject", "message"])
        renamed += 1
    return {"e-mails not yet sent removed": dropped, "e-mail records renamed": renamed}


def operations_purge(programme: Any, context: GdprContext) -> dict[str, int]:
    deleted, _ = OutboundEmail.objects.filter(programme=programme).delete()
    return {"e-mail records removed": deleted}
