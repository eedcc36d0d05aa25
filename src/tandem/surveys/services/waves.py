"""Waves: opening one (with its invitations), closing, releasing and withdrawing its report, and
the interview notes the lead attaches to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.programmes.models import Participant, Programme, Role
from tandem.surveys.instruments import InstrumentError, get_instrument
from tandem.surveys.models import InterviewNote, Invitation, Wave, WaveKind


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
    roles = list(roles)
    if Role.COMPARISON in roles and kind == WaveKind.PULSE:
        raise ValidationError(
            {"roles": "Only stock takes can invite comparison respondents, not a pulse."}
        )
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
        participants=Participant.objects.filter(programme=programme, role__in=roles).active(),
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
def comparison_invite(*, wave: Wave, actor: Any = None) -> int:
    """Invite the programme's comparison respondents (not yet invited) to a stock take that has
    not closed. Returns how many were new; the e-mails go with "Send invitations not yet sent"."""
    if wave.kind == WaveKind.PULSE:
        raise ValidationError("Only stock takes can invite comparison respondents, not a pulse.")
    if wave.has_closed():
        raise ValidationError("This wave has closed; nobody more can be invited to it.")
    people = Participant.objects.filter(programme=wave.programme, role=Role.COMPARISON).active()
    if not people.exists():
        raise ValidationError(
            "The programme has no comparison respondents: add them on the People page first "
            "(role: comparison respondent)."
        )
    added = invitations_add(wave=wave, participants=people)
    audit_record(
        action="wave.comparison_invite", subject=wave, actor=actor, extra={"invited": added}
    )
    return added


@transaction.atomic
def invitations_withdraw_future(*, participant: Participant) -> int:
    """Someone left: their invitations to waves not yet open go (nothing answered is touched)."""
    today = participant.left_on or timezone.localdate()
    future = Invitation.objects.filter(
        participant=participant,
        wave__opens_on__gt=today,
        wave__closed_at__isnull=True,
        started_at__isnull=True,
        submitted_at__isnull=True,
    )
    count = future.count()
    future.delete()
    return count


@transaction.atomic
def wave_open(*, wave: Wave, actor: Any = None) -> Wave:
    """Open a planned wave today: everyone now in the programme is invited (people imported
    after the wave was planned included); its closing date stays. The e-mails are sent by
    `invitations_send`, after this commits."""
    today = timezone.localdate()
    if wave.has_closed(today):
        raise ValidationError("This wave has closed; it cannot be opened again.")
    if (
        not Participant.objects.filter(programme=wave.programme, role=Role.PARTICIPANT)
        .active()
        .exists()
    ):
        raise ValidationError("Add participants to the programme before opening a questionnaire.")
    if wave.opens_on > today:
        wave.opens_on = today
        wave.save(update_fields=["opens_on"])
    added = invitations_add(
        wave=wave,
        participants=Participant.objects.filter(
            programme=wave.programme, role=Role.PARTICIPANT
        ).active(),
    )
    audit_record(action="wave.open", subject=wave, actor=actor, extra={"invited": added})
    return wave


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
