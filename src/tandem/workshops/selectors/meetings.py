"""Recurring meetings and their trends: the lead and sponsors."""

from __future__ import annotations

from typing import Any

from tandem.programmes.access import ProgrammeNotFound
from tandem.programmes.models import Programme
from tandem.workshops.models import RecurringMeeting
from tandem.workshops.selectors.rules import LEAD, SPONSOR, member_access, require_role

_ONLY_OVERSEERS = "Meeting trends are for the lead and sponsors."


def meetings_for(*, viewer: Any, programme: Programme) -> list[RecurringMeeting]:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, LEAD, SPONSOR, message=_ONLY_OVERSEERS)
    return list(RecurringMeeting.objects.filter(programme=programme))


def meeting_for(*, viewer: Any, programme: Programme, meeting_id: int) -> RecurringMeeting:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, LEAD, SPONSOR, message=_ONLY_OVERSEERS)
    meeting = RecurringMeeting.objects.filter(programme=programme, pk=meeting_id).first()
    if meeting is None:
        raise ProgrammeNotFound("No such meeting.")
    return meeting
