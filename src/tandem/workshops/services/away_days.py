"""Planning away days: the day itself, its agenda and who came."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.programmes.models import Participant, Programme, Role
from tandem.surveys.models import Wave
from tandem.workshops.models import EVALUATION_WINDOW, AgendaItem, AwayDay, AwayDayInvitation
from tandem.workshops.services.checks import clean


def _feedback_window(
    *, date: dt.date, closes_on: dt.date | None, current: AwayDay | None, today: dt.date
) -> dt.date:
    """The date feedback closes on, checked; `current` is the away day as it was before an edit.

    Closed means closed (docs/design.md, privacy): once the window has passed its results may have
    been read, and reopening or extending it would let a second reading differ from the first by
    whoever gave feedback late.
    """
    if current is not None and current.evaluation_has_closed(today):
        closed = current.evaluation_closes_on
        if closes_on is not None and closes_on != closed:
            raise ValidationError(
                {
                    "evaluation_closes_on": (
                        f"Feedback on this day closed on {closed:%-d %B %Y}, and a closed "
                        "feedback window cannot be reopened or extended: its results may "
                        "already have been read."
                    )
                }
            )
        if date > closed:
            raise ValidationError(
                {
                    "date": (
                        f"Feedback on this day closed on {closed:%-d %B %Y}, so the date must be "
                        "on or before then."
                    )
                }
            )
        return closed
    if closes_on is None:
        closes_on = current.evaluation_closes_on if current is not None else None
    if closes_on is None:
        closes_on = date + EVALUATION_WINDOW
    if closes_on < date:
        raise ValidationError(
            {
                "evaluation_closes_on": (
                    f"Feedback must close on or after the away day's date ({date:%-d %B %Y})."
                )
            }
        )
    if current is not None and current.evaluation_is_open(today) and closes_on < today:
        # Feedback has been taken up to today; a closing date before it would misstate that.
        raise ValidationError(
            {
                "evaluation_closes_on": (
                    "Feedback is open now, so it can close today at the earliest "
                    f"({today:%-d %B %Y})."
                )
            }
        )
    return closes_on


@transaction.atomic
def away_day_create(
    *,
    programme: Programme,
    title: str,
    date: dt.date,
    venue: str = "",
    objectives: str = "",
    evaluation_closes_on: dt.date | None = None,
    invite_roles: Iterable[str] = (Role.PARTICIPANT,),
) -> AwayDay:
    """Plan an away day and invite everyone in the programme with one of `invite_roles`.

    Feedback on the day is taken from the day itself until `evaluation_closes_on` (by default
    two weeks later); its results are shown only after that.
    """
    away_day = AwayDay.objects.create(
        programme=programme,
        title=clean(title, "title", "a title"),
        date=date,
        venue=(venue or "").strip(),
        objectives=(objectives or "").strip(),
        evaluation_closes_on=_feedback_window(
            date=date, closes_on=evaluation_closes_on, current=None, today=timezone.localdate()
        ),
    )
    invited = AwayDayInvitation.objects.bulk_create(
        AwayDayInvitation(away_day=away_day, participant=participant)
        for participant in Participant.objects.filter(
            programme=programme, role__in=list(invite_roles)
        ).active()
    )
    audit_record(
        action="away_day.create",
        subject=away_day,
        programme=programme,
        extra={"invited": len(invited), "evaluation_closes_on": str(away_day.evaluation_closes_on)},
    )
    return away_day


@transaction.atomic
def away_day_update(
    *,
    away_day: AwayDay,
    title: str,
    date: dt.date,
    venue: str,
    objectives: str,
    outcomes: str,
    evaluation_closes_on: dt.date | None = None,
    today: dt.date | None = None,
) -> AwayDay:
    """Change an away day's details. `evaluation_closes_on` None keeps the feedback window as it
    is; a window that has closed stays closed (see `_feedback_window`)."""
    today = today or timezone.localdate()
    current = AwayDay.objects.select_for_update().get(pk=away_day.pk)
    closes_on = _feedback_window(
        date=date, closes_on=evaluation_closes_on, current=current, today=today
    )
    away_day.title = clean(title, "title", "a title")
    away_day.date = date
    away_day.venue = (venue or "").strip()
    away_day.objectives = (objectives or "").strip()
    away_day.outcomes = (outcomes or "").strip()
    away_day.evaluation_closes_on = closes_on
    away_day.save()
    audit_record(
        action="away_day.update",
        subject=away_day,
        programme=away_day.programme,
        extra={"evaluation_closes_on": str(closes_on)},
    )
    return away_day


@transaction.atomic
def agenda_item_add(
    *,
    away_day: AwayDay,
    starts_at: dt.time,
    title: str,
    facilitator: str = "",
    wave: Wave | None = None,
    scale_id: str = "",
) -> AgendaItem:
    if wave is not None and wave.programme_id != away_day.programme_id:
        raise ValidationError({"wave": "That questionnaire belongs to another programme."})
    if scale_id and wave is None:
        raise ValidationError({"wave": "Choose the questionnaire the scale comes from."})
    if scale_id and wave is not None and scale_id not in wave.instrument.scales:
        raise ValidationError({"scale_id": f"“{wave.title}” has no scale “{scale_id}”."})
    item = AgendaItem.objects.create(
        away_day=away_day,
        starts_at=starts_at,
        title=clean(title, "title", "a title"),
        facilitator=(facilitator or "").strip(),
        wave=wave,
        scale_id=scale_id,
    )
    audit_record(
        action="agenda_item.add",
        subject=item,
        programme=away_day.programme,
        extra={"away_day": away_day.pk, "wave": wave.pk if wave is not None else None},
    )
    return item


@transaction.atomic
def attendance_record(*, away_day: AwayDay, attended: Iterable[int]) -> int:
    """Mark who came (by participant id); everyone else invited is marked absent."""
    came = set(attended)
    invitations = list(away_day.invitations.select_related("participant__person"))
    for invitation in invitations:
        if invitation.participant.person.erased_at is not None:
            continue  # withdrawn: not on the form, so their record stays as it was
        invitation.attended = invitation.participant_id in came
    AwayDayInvitation.objects.bulk_update(invitations, ["attended"])
    came_count = sum(1 for invitation in invitations if invitation.attended)
    # Counts only: who came is on the away day's page for those allowed to see it.
    audit_record(
        action="attendance.record",
        subject=away_day,
        programme=away_day.programme,
        extra={"invited": len(invitations), "attended": came_count},
    )
    return came_count
