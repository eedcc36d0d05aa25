"""Recurring meetings whose effectiveness is followed through their meeting-check pulse waves."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import audit_record
from tandem.programmes.models import Programme
from tandem.surveys.models import Wave
from tandem.workshops.models import RecurringMeeting
from tandem.workshops.services.checks import clean


@transaction.atomic
def recurring_meeting_create(
    *, programme: Programme, name: str, description: str = "", waves: Iterable[Wave] = ()
) -> RecurringMeeting:
    meeting = RecurringMeeting.objects.create(
        programme=programme,
        name=clean(name, "name", "the meeting's name"),
        description=(description or "").strip(),
    )
    _attach_waves(meeting=meeting, waves=waves)
    audit_record(
        action="recurring_meeting.create",
        subject=meeting,
        programme=programme,
        extra={"waves": meeting.waves.count()},
    )
    return meeting


@transaction.atomic
def recurring_meeting_update(
    *, meeting: RecurringMeeting, name: str, description: str = "", waves: Iterable[Wave] = ()
) -> RecurringMeeting:
    """Rename the meeting and set exactly which pulse waves belong to it."""
    meeting.name = clean(name, "name", "the meeting's name")
    meeting.description = (description or "").strip()
    meeting.save()
    meeting.waves.clear()
    _attach_waves(meeting=meeting, waves=waves)
    audit_record(
        action="recurring_meeting.update",
        subject=meeting,
        programme=meeting.programme,
        extra={"waves": meeting.waves.count()},
    )
    return meeting


def _attach_waves(*, meeting: RecurringMeeting, waves: Iterable[Wave]) -> None:
    # Only inside recurring_meeting_create/update, whose transaction and audit event cover it.
    waves = list(waves)
    for wave in waves:
        if wave.programme_id != meeting.programme_id:
            raise ValidationError({"waves": f"“{wave.title}” belongs to another programme."})
        if wave.instrument_id != "meeting-effectiveness":
            raise ValidationError({"waves": f"“{wave.title}” is not a meeting pulse."})
    meeting.waves.add(*waves)
