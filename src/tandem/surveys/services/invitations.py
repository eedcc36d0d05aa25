"""The e-mails: each invited person's own link, and reminders for those who have not submitted."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.operations.mail import tag
from tandem.operations.models import EmailKind
from tandem.programmes.models import Role
from tandem.surveys.models import Invitation, InvitationStatus, Wave
from tandem.surveys.services.errors import WaveClosed

logger = logging.getLogger("tandem.surveys.services")


def invitation_link(*, invitation: Invitation, base_url: str | None = None) -> str:
    base = (base_url or settings.TANDEM_BASE_URL).rstrip("/")
    return base + reverse("surveys:respond_start", args=[invitation.token])


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: list[str]


def _send(
    *,
    invitations: list[Invitation],
    template: str,
    subject: str,
    base_url: str | None,
    reminder: bool,
) -> SendResult:
    """Send one e-mail per invitation; record each one sent. A failure is reported, not fatal."""
    sent = 0
    failed: list[str] = []
    connection = get_connection()
    for invitation in invitations:
        if invitation.participant is None:
            continue  # an unmatched response: the callers ask for matched() invitations only
        person = invitation.participant.person
        body = render_to_string(
            template,
            {
                "person": person,
                "wave": invitation.wave,
                "programme": invitation.wave.programme,
                "link": invitation_link(invitation=invitation, base_url=base_url),
                "k": invitation.wave.programme.min_group_size,
                "comparison": invitation.participant.role == Role.COMPARISON,
            },
        )
        message = tag(
            EmailMessage(subject=subject, body=body, to=[person.email], connection=connection),
            kind=EmailKind.SURVEY_REMINDER if reminder else EmailKind.SURVEY_INVITATION,
            programme=invitation.wave.programme_id,
        )
        try:
            message.send()
        except (
            OSError
        ) as exc:  # SMTP refused or unreachable: report it and carry on with the others
            logger.warning(
                "Could not send the survey e-mail for invitation %s: %s", invitation.pk, exc
            )
            failed.append(person.email)
            continue
        now = timezone.now()
        if reminder:
            Invitation.objects.filter(pk=invitation.pk).update(
                reminders_sent=invitation.reminders_sent + 1, last_reminded_at=now
            )
        else:
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
        sent += 1
    if invitations:
        wave = invitations[0].wave
        audit_record(
            action="invitations.remind" if reminder else "invitations.send",
            subject=wave,
            programme=wave.programme,
            extra={"sent": sent, "failed": len(failed)},
        )
    return SendResult(sent=sent, failed=failed)


def invitations_send(
    *, wave: Wave, base_url: str | None = None, resend: bool = False
) -> SendResult:
    """E-mail each invited person their own link (those not yet sent one, unless `resend`)."""
    # `matched()`: an unmatched response has no one to write to (and `erased_at__isnull` alone
    # would let it through, on the outer join to a missing person).
    invitations = (
        wave.invitations.matched()
        .filter(participant__person__erased_at__isnull=True, participant__left_on__isnull=True)
        .select_related("participant__person", "wave__programme")
    )
    if not resend:
        invitations = invitations.filter(sent_at__isnull=True)
    return _send(
        invitations=list(invitations),
        template="surveys/email_invitation.txt",
        subject=f"{wave.programme.name}: {wave.title}",
        base_url=base_url,
        reminder=False,
    )


def invitations_remind(*, wave: Wave, base_url: str | None = None) -> SendResult:
    """Remind everyone who has not submitted; people who have finished are never chased."""
    if not wave.is_open():
        raise WaveClosed("Reminders can only be sent while the wave is open.")
    invitations = (
        wave.invitations.matched()
        .exclude(status=InvitationStatus.SUBMITTED)
        .filter(participant__person__erased_at__isnull=True, participant__left_on__isnull=True)
        .select_related("participant__person", "wave__programme")
    )
    return _send(
        invitations=list(invitations),
        template="surveys/email_reminder.txt",
        subject=f"Reminder: {wave.title} closes on {wave.closes_on:%-d %B %Y}",
        base_url=base_url,
        reminder=True,
    )
