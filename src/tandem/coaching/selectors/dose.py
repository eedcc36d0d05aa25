"""Coaching dose, for the programme evaluation: counts and dates only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tandem.coaching.models import Attendance, CoachingSession
from tandem.coaching.selectors.relations import CoachingAccessDenied, member_access
from tandem.coaching.selectors.states import local_date, plans_of
from tandem.coaching.status import CoachingDose, coaching_dose
from tandem.programmes.models import Participant, Programme


@dataclass(frozen=True)
class DoseRow:
    participant: Participant
    coach_name: str
    planned: int
    dose: CoachingDose
    cancelled: int
    no_show: int


def coaching_dose_for(*, viewer: Any, programme: Programme) -> dict[int, DoseRow]:
    """{participant id: how much coaching they had} for everyone with a plan.

    Counts and dates only, so the lead and sponsors may have it (docs/design.md: coaching attendance).
    """
    if not member_access(viewer=viewer, programme=programme).oversees:
        raise CoachingAccessDenied("Only the programme lead and sponsors see coaching attendance.")
    plans = list(plans_of(programme))
    attended: dict[int, list[dt.date]] = defaultdict(list)
    missed: dict[tuple[int, str], int] = defaultdict(int)
    for session in CoachingSession.objects.filter(plan__in=plans).exclude(
        attendance=Attendance.SCHEDULED
    ):
        if session.attendance == Attendance.ATTENDED:
            attended[session.plan_id].append(local_date(session.starts_at))
        else:
            missed[(session.plan_id, session.attendance)] += 1
    return {
        plan.coachee_id: DoseRow(
            participant=plan.coachee,
            coach_name=plan.coach.person.name,
            planned=plan.planned_sessions,
            dose=coaching_dose(attended_on=attended[plan.pk]),
            cancelled=missed[(plan.pk, Attendance.CANCELLED)],
            no_show=missed[(plan.pk, Attendance.NO_SHOW)],
        )
        for plan in plans
    }
