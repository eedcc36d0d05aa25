"""Writes for waves, invitations and answers: each one keyword-only and atomic (docs/style.md).

"No answer ever lost": an answer is acknowledged to the respondent only after the transaction
that stores it has committed, and every write is an idempotent upsert, so a retried or replayed
request can never create a second answer or a second submission.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.programmes.models import Participant, Programme, Role
from tandem.surveys.instruments import Instrument, InstrumentError, Item, get_instrument
from tandem.surveys.models import (
    Answer,
    AnswerSource,
    InterviewNote,
    Invitation,
    InvitationStatus,
    ResponseImportMapping,
    Wave,
    WaveKind,
)
from tandem.surveys.response_import import ResponsePlan

logger = logging.getLogger(__name__)

MAX_OPEN_ANSWER_CHARS = 5000


class WaveClosed(ValidationError):
    """The wave is not open (not yet, or any more): answers are read-only."""


CLOSED_FOR_IMPORT = (
    "This questionnaire has closed, so no responses can be imported into it: its results may "
    "already have been read, and an import would change them by the people added. Import into "
    "a wave that is still open, then close it."
)


class AlreadySubmitted(ValidationError):
    """The response has been submitted; it can no longer be changed."""


@transaction.atomic
def wave_create(
    *,
    programme: Programme,
    title: str,
    kind: str,
    instrument_id: str,
    opens_on: dt.date,
    closes_on: dt.date,
    instrument_version: int | None = None,
    roles: Iterable[str] = (Role.PARTICIPANT,),
    actor: Any = None,
) -> Wave:
    """Create a wave and one invitation for every programme member with one of `roles`.

    The instrument version is frozen here: the latest shipped version unless one is named.
    """
    if kind not in WaveKind.values:
        raise ValidationError({"kind": f"Unknown kind of wave “{kind}”."})
    try:
        instrument = get_instrument(instrument_id, instrument_version)
    except (InstrumentError, LookupError) as exc:
        raise ValidationError({"instrument_id": f"No such questionnaire: {exc}"}) from exc
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The wave must close on or after the day it opens."})
    wave = Wave.objects.create(
        programme=programme,
        title=title.strip(),
        kind=kind,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    invitations_add(
        wave=wave,
        participants=Participant.objects.filter(programme=programme, role__in=list(roles)).active(),
    )
    audit_record(action="wave.create", subject=wave, actor=actor, extra={"kind": kind})
    return wave


@transaction.atomic
def invitations_add(*, wave: Wave, participants: Iterable[Participant]) -> int:
    """Invite people to a wave (those already invited are left as they are). Returns how many were new.

    Withdrawn (erased) people and people of other programmes are never invited.
    """
    already = set(wave.invitations.values_list("participant_id", flat=True))
    may = set(
        Participant.objects.filter(
            pk__in=[p.pk for p in participants], programme_id=wave.programme_id
        )
        .active()
        .values_list("pk", flat=True)
    )
    new = [
        Invitation(wave=wave, participant=participant)
        for participant in participants
        if participant.pk not in already and participant.pk in may
    ]
    Invitation.objects.bulk_create(new)
    if new:
        audit_record(action="invitations.add", subject=wave, extra={"count": len(new)})
    return len(new)


@transaction.atomic
def wave_close(*, wave: Wave) -> Wave:
    """Close a wave now. Answers become read-only; nothing already given is removed."""
    if wave.closed_at is None:
        wave.closed_at = timezone.now()
        wave.save(update_fields=["closed_at"])
        audit_record(action="wave.close", subject=wave)
    return wave


@transaction.atomic
def wave_release(*, wave: Wave, actor: Any) -> Wave:
    """Release the wave's feedback report to everyone in the programme.

    Only a closed wave can be released: while people can still answer, figures would move under
    readers' feet, and late answers could be matched against an earlier reading.
    """
    if not wave.has_closed():
        raise ValidationError("Close the wave before releasing its report.")
    if wave.released_at is None:
        wave.released_at = timezone.now()
        wave.released_by = actor if getattr(actor, "is_authenticated", False) else None
        wave.save(update_fields=["released_at", "released_by"])
        audit_record(action="wave.release", subject=wave, actor=actor)
    return wave


@transaction.atomic
def wave_withdraw(*, wave: Wave) -> Wave:
    """Take a released report back (for example after finding a mistake in the data)."""
    if wave.released_at is not None:
        wave.released_at = None
        wave.released_by = None
        wave.save(update_fields=["released_at", "released_by"])
        audit_record(action="wave.withdraw", subject=wave)
    return wave


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
        person = invitation.participant.person
        body = render_to_string(
            template,
            {
                "person": person,
                "wave": invitation.wave,
                "programme": invitation.wave.programme,
                "link": invitation_link(invitation=invitation, base_url=base_url),
                "k": invitation.wave.programme.min_group_size,
            },
        )
        message = EmailMessage(subject=subject, body=body, to=[person.email], connection=connection)
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
    invitations = wave.invitations.filter(
        participant__person__erased_at__isnull=True
    ).select_related("participant__person", "wave__programme")
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
        wave.invitations.exclude(status=InvitationStatus.SUBMITTED)
        .filter(participant__person__erased_at__isnull=True)
        .select_related("participant__person", "wave__programme")
    )
    return _send(
        invitations=list(invitations),
        template="surveys/email_reminder.txt",
        subject=f"Reminder: {wave.title} closes on {wave.closes_on:%-d %B %Y}",
        base_url=base_url,
        reminder=True,
    )


def check_writable(invitation: Invitation) -> None:
    """Refuse a change to a submitted response (`AlreadySubmitted`) or outside the wave's open
    dates (`WaveClosed`). Call it on an invitation from `lock_invitation`."""
    if invitation.status == InvitationStatus.SUBMITTED:
        raise AlreadySubmitted("These answers have been submitted and can no longer be changed.")
    if not invitation.wave.is_open():
        raise WaveClosed("This questionnaire is closed, so answers can no longer be changed.")


@dataclass(frozen=True)
class CleanAnswer:
    value: int | None
    dont_know: bool
    text: str
    empty: bool


def clean_answer(*, instrument: Instrument, item: Item, raw: str | int | None) -> CleanAnswer:
    """Turn what a form or an autosave sent into a stored answer, or raise ValidationError."""
    if item.kind == "open":
        text = str(raw or "").strip()
        if len(text) > MAX_OPEN_ANSWER_CHARS:
            raise ValidationError(f"Keep your answer under {MAX_OPEN_ANSWER_CHARS} characters.")
        return CleanAnswer(value=None, dont_know=False, text=text, empty=not text)
    if raw is None or str(raw).strip() == "":
        return CleanAnswer(value=None, dont_know=False, text="", empty=True)
    raw_text = str(raw).strip()
    scale = instrument.response_scales[item.response_scale or ""]
    if raw_text == "dont_know" and scale.dont_know is not None:
        return CleanAnswer(value=None, dont_know=True, text="", empty=False)
    allowed = {option.value for option in scale.options if option.value is not None}
    try:
        value = int(raw_text)
    except ValueError:
        value = None
    if value is None or value not in allowed:
        raise ValidationError("Choose one of the answers shown.")
    return CleanAnswer(value=value, dont_know=False, text="", empty=False)


def _store(invitation: Invitation, item_id: str, answer: CleanAnswer, source: str) -> None:
    if answer.empty:
        Answer.objects.filter(invitation=invitation, item_id=item_id).delete()
        return
    Answer.objects.update_or_create(
        invitation=invitation,
        item_id=item_id,
        defaults={
            "value": answer.value,
            "dont_know": answer.dont_know,
            "text": answer.text,
            "source": source,
        },
    )


def mark_started(invitation: Invitation, section_id: str | None) -> None:
    """Record that the respondent has begun (and, with `section_id`, the page to resume at)."""
    fields: dict[str, Any] = {}
    if invitation.status == InvitationStatus.NOT_STARTED:
        fields.update(status=InvitationStatus.IN_PROGRESS, started_at=timezone.now())
    if section_id and section_id != invitation.current_section:
        fields["current_section"] = section_id
    if fields:
        Invitation.objects.filter(pk=invitation.pk).exclude(
            status=InvitationStatus.SUBMITTED
        ).update(**fields)
        for name, value in fields.items():
            setattr(invitation, name, value)


def lock_invitation(invitation: Invitation) -> Invitation:
    """Re-read the invitation inside the transaction, locked on databases that lock rows.

    A submit racing an autosave must not let the autosave land after the submission.
    """
    return (
        Invitation.objects.select_for_update()
        .select_related("wave__programme")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def answer_save(*, invitation: Invitation, item_id: str, value: str | int | None) -> CleanAnswer:
    """Store one answer (an autosave). Idempotent: the same request twice stores one answer."""
    invitation = lock_invitation(invitation)
    check_writable(invitation)
    instrument = invitation.wave.instrument
    try:
        item = instrument.item(item_id)
    except KeyError as exc:
        raise ValidationError(f"This questionnaire has no question “{item_id}”.") from exc
    answer = clean_answer(instrument=instrument, item=item, raw=value)
    _store(invitation, item.id, answer, AnswerSource.WEB)
    section = instrument.section_of(item.id)
    mark_started(invitation, section.id if section else None)
    return answer


@transaction.atomic
def section_save(
    *, invitation: Invitation, section_id: str, data: Mapping[str, Any]
) -> dict[str, str]:
    """Store one page of answers. Returns {item_id: error} for values that could not be stored;
    every valid answer on the page is stored even when another on it is not.
    """
    invitation = lock_invitation(invitation)
    check_writable(invitation)
    instrument = invitation.wave.instrument
    section = instrument.section(section_id)
    errors: dict[str, str] = {}
    for item in section.items:
        try:
            answer = clean_answer(instrument=instrument, item=item, raw=data.get(item.id))
        except ValidationError as exc:
            errors[item.id] = exc.messages[0]
            continue
        _store(invitation, item.id, answer, AnswerSource.WEB)
    mark_started(invitation, section.id)
    return errors


@transaction.atomic
def response_submit(*, invitation: Invitation) -> bool:
    """Submit the response. Idempotent: returns True the first time, False on any repeat.

    The conditional UPDATE is the guard: of two simultaneous submits, exactly one changes a row.
    """
    invitation = lock_invitation(invitation)
    if invitation.status == InvitationStatus.SUBMITTED:
        return False
    if not invitation.wave.is_open():
        raise WaveClosed("This questionnaire is closed, so it can no longer be submitted.")
    now = timezone.now()
    changed = (
        Invitation.objects.filter(pk=invitation.pk)
        .exclude(status=InvitationStatus.SUBMITTED)
        .update(
            status=InvitationStatus.SUBMITTED,
            submitted_at=now,
            started_at=invitation.started_at or now,
        )
    )
    return changed == 1


@dataclass(frozen=True)
class ResponsesImported:
    responses: int
    answers: int


@transaction.atomic
def responses_import_commit(*, wave: Wave, plan: ResponsePlan, source: str) -> ResponsesImported:
    """Write checked responses from another survey tool, all or nothing, and remember the mapping.

    Each imported response counts as submitted in the wave (the tool's completion time is kept).
    """
    if not plan.is_valid:
        raise ValidationError("The responses file has problems; nothing was imported.")
    # Locked and re-read, so that a close at the same moment cannot slip in between.
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.has_closed():
        raise WaveClosed(CLOSED_FOR_IMPORT)
    invitations = {
        inv.participant.person.email.lower(): inv
        for inv in wave.invitations.select_for_update().select_related("participant__person")
    }
    answers = 0
    for response in plan.responses:
        invitation = invitations[response.email]
        if invitation.status == InvitationStatus.SUBMITTED:
            raise ValidationError(
                f"{response.email} submitted in Tandem while the import was being checked."
            )
        for item_id, (value, dont_know, text) in response.answers.items():
            _store(
                invitation,
                item_id,
                CleanAnswer(value=value, dont_know=dont_know, text=text, empty=False),
                AnswerSource.IMPORT,
            )
            answers += 1
        moment = (
            timezone.make_aware(response.submitted_at) if response.submitted_at else timezone.now()
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SUBMITTED,
            submitted_at=moment,
            started_at=invitation.started_at or moment,
        )
    ResponseImportMapping.objects.update_or_create(
        programme=wave.programme,
        source=source,
        instrument_id=wave.instrument_id,
        defaults={"columns": plan.mapping},
    )
    audit_record(
        action="responses.import",
        subject=wave,
        extra={"source": source, "responses": len(plan.responses), "answers": answers},
    )
    return ResponsesImported(responses=len(plan.responses), answers=answers)


@transaction.atomic
def interview_note_add(
    *,
    wave: Wave,
    title: str,
    text: str = "",
    upload: Any = None,
    interviewee_profession: str = "",
    actor: Any = None,
) -> InterviewNote:
    """Attach interview notes: typed text, a .txt file or a .docx transcript (its text is extracted)."""
    from tandem.surveys.documents import DocumentError, extract_text

    body = text.strip()
    if upload is not None:
        try:
            body = extract_text(name=upload.name, data=upload.read())
        except DocumentError as exc:
            raise ValidationError({"upload": str(exc)}) from exc
        upload.seek(0)
    if not body:
        raise ValidationError({"text": "Type the notes, or upload a .txt or .docx file."})
    note = InterviewNote(
        wave=wave,
        title=title.strip(),
        text=body,
        interviewee_profession=interviewee_profession,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if upload is not None:
        note.original_file.save(upload.name, upload, save=False)
    note.full_clean(exclude=["original_file"])
    note.save()
    audit_record(action="interview_note.add", subject=note, actor=actor, programme=wave.programme)
    return note
