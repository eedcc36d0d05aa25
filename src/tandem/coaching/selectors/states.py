"""Where each plan stands — sessions done, the next one, stalled or not — for the overviews.

Counts and dates only, no content: the lead and sponsors see every plan's state, a coach their
coachees', and the confidants their own plan's (through `detail.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.coaching.models import (
    Attendance,
    CoachingPlan,
    CoachingSession,
    CoachingSettings,
    ConcernFlag,
)
from tandem.coaching.selectors.relations import (
    CoachingAccessDenied,
    PlanView,
    Relation,
    member_access,
)
from tandem.coaching.status import stalled_since
from tandem.programmes.models import Participant, Programme, Role


def coaching_settings_for(*, programme: Programme) -> CoachingSettings:
    """The programme's coaching rules; the defaults (unsaved) until the lead changes them."""
    found = CoachingSettings.objects.filter(programme=programme).first()
    return found if found is not None else CoachingSettings(programme=programme)


def settings_for_lead(*, viewer: Any, programme: Programme) -> CoachingSettings:
    if not member_access(viewer=viewer, programme=programme).is_lead:
        raise CoachingAccessDenied("Only the programme lead can change the coaching settings.")
    return coaching_settings_for(programme=programme)


@dataclass(frozen=True)
class PlanState:
    plan: CoachingPlan
    done: int
    planned: int
    next_session: CoachingSession | None
    stalled_since: dt.date | None
    open_concerns: int = 0
    attended_on: tuple[dt.date, ...] = ()

    @property
    def is_stalled(self) -> bool:
        return self.stalled_since is not None


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def plan_states(
    *, plans: Iterable[CoachingPlan], programme: Programme, now: dt.datetime | None = None
) -> list[PlanState]:
    """Each plan's state in two queries, whatever the number of plans."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    plans = list(plans)
    gap = coaching_settings_for(programme=programme).stalled_after_days
    sessions: dict[int, list[CoachingSession]] = defaultdict(list)
    for session in CoachingSession.objects.filter(plan__in=plans).order_by("starts_at", "id"):
        sessions[session.plan_id].append(session)
    concerns = dict(
        ConcernFlag.objects.filter(plan__in=plans, resolved_at__isnull=True)
        .values("plan")
        .annotate(n=Count("id"))
        .values_list("plan", "n")
    )
    states = []
    for plan in plans:
        attended = tuple(
            local_date(s.starts_at)
            for s in sessions[plan.pk]
            if s.attendance == Attendance.ATTENDED
        )
        upcoming = [
            s
            for s in sessions[plan.pk]
            if s.attendance == Attendance.SCHEDULED and s.starts_at >= now
        ]
        next_session = upcoming[0] if upcoming else None
        states.append(
            PlanState(
                plan=plan,
                done=len(attended),
                planned=plan.planned_sessions,
                next_session=next_session,
                stalled_since=stalled_since(
                    started_on=plan.started_on,
                    attended_on=attended,
                    next_booked=local_date(next_session.starts_at) if next_session else None,
                    sessions_done=len(attended),
                    planned=plan.planned_sessions,
                    gap_days=gap,
                    today=today,
                ),
                open_concerns=concerns.get(plan.pk, 0),
                attended_on=attended,
            )
        )
    return states


@dataclass(frozen=True)
class OverviewRow:
    participant: Participant
    state: PlanState | None


@dataclass(frozen=True)
class ProgrammeCoaching:
    rows: list[OverviewRow]
    settings: CoachingSettings
    relation: Relation

    @property
    def with_plan(self) -> int:
        return sum(1 for row in self.rows if row.state is not None)

    @property
    def stalled(self) -> int:
        return sum(1 for row in self.rows if row.state is not None and row.state.is_stalled)


def plans_of(programme: Programme) -> QuerySet[CoachingPlan]:
    return CoachingPlan.objects.filter(programme=programme).select_related(
        "programme", "coach__person", "coachee__person"
    )


def programme_coaching(*, viewer: Any, programme: Programme) -> ProgrammeCoaching:
    """Every participant with their coach and where their coaching stands: for lead and sponsor."""
    access = member_access(viewer=viewer, programme=programme)
    if access.is_lead:
        relation = Relation.LEAD
    elif access.is_sponsor:
        relation = Relation.SPONSOR
    else:
        raise CoachingAccessDenied("Only the programme lead and sponsors see everyone's coaching.")
    states = {
        state.plan.coachee_id: state
        for state in plan_states(plans=plans_of(programme), programme=programme)
    }
    participants = (
        Participant.objects.filter(programme=programme)
        .filter(Q(role=Role.PARTICIPANT) | Q(pk__in=list(states)))
        .select_related("person")
        .order_by("person__name")
    )
    return ProgrammeCoaching(
        rows=[OverviewRow(participant=p, state=states.get(p.pk)) for p in participants],
        settings=coaching_settings_for(programme=programme),
        relation=relation,
    )


def coachees_for(*, viewer: Any, programme: Programme) -> list[PlanState]:
    """The coach's own coachees, and where each one's coaching stands."""
    access = member_access(viewer=viewer, programme=programme)
    if not access.is_coach:
        raise CoachingAccessDenied("Only coaches have coachees.")
    return plan_states(
        plans=plans_of(programme).filter(coach__in=access.participants), programme=programme
    )


def plan_state(*, plan_view: PlanView) -> PlanState:
    plan = plan_view.plan
    return plan_states(plans=[plan], programme=plan.programme)[0]


def plan_candidates(*, programme: Programme) -> tuple[list[Participant], list[Participant]]:
    """(participants without a plan, coaches) for the lead's "assign a coach" form."""
    coachees = list(
        Participant.objects.filter(
            programme=programme, role=Role.PARTICIPANT, coaching_plan__isnull=True
        )
        .active()
        .select_related("person")
        .order_by("person__name")
    )
    coaches = list(
        Participant.objects.filter(programme=programme, role=Role.COACH)
        .active()
        .select_related("person")
        .order_by("person__name")
    )
    return coachees, coaches
