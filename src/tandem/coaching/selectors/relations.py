"""How a viewer stands to a coaching plan, read from the programme's `Access`.

The viewer's roles and own participant records come from `programmes.access.access_for`
(worked out once per request); nothing here asks the database who the viewer is again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tandem.coaching.models import CoachingPlan, CoachingSession, ConcernFlag, Goal
from tandem.programmes.access import (
    Access,
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    access_for,
)
from tandem.programmes.models import Participant, Programme, Role


class CoachingAccessDenied(ProgrammeAccessDenied):
    """The viewer is in the programme but is not someone who may see this part of the coaching."""


class Relation(StrEnum):
    """How the viewer stands to one coaching plan."""

    COACH = "coach"
    COACHEE = "coachee"
    LEAD = "lead"
    SPONSOR = "sponsor"


# The two people a coaching conversation belongs to.
CONFIDANTS = frozenset({Relation.COACH, Relation.COACHEE})


def member_access(*, viewer: Any, programme: Programme) -> Access:
    """The viewer's access; someone with no role in the programme is told it is not there."""
    access = access_for(viewer=viewer, programme=programme)
    if not access.is_member:
        access.not_found()
    return access


def relation_of(access: Access, plan: CoachingPlan) -> Relation | None:
    """The relation to the plan of the viewer `access` describes. Being its coach or coachee
    comes first: a superuser who coaches someone reads their notes as their coach, never as a
    superuser."""
    own = {record.pk for record in access.participants}
    if plan.coach_id in own:
        return Relation.COACH
    if plan.coachee_id in own:
        return Relation.COACHEE
    if access.is_lead:
        return Relation.LEAD
    if access.is_sponsor:
        return Relation.SPONSOR
    return None


def relation_to(*, viewer: Any, plan: CoachingPlan) -> Relation | None:
    """The viewer's relation to the plan (None for an anonymous viewer or an outsider)."""
    return relation_of(access_for(viewer=viewer, programme=plan.programme), plan)


@dataclass(frozen=True)
class PlanView:
    plan: CoachingPlan
    relation: Relation

    @property
    def is_coach(self) -> bool:
        return self.relation == Relation.COACH

    @property
    def is_coachee(self) -> bool:
        return self.relation == Relation.COACHEE


def plan_for(
    *, viewer: Any, programme: Programme, plan_id: int, allow: Iterable[Relation] = CONFIDANTS
) -> PlanView:
    """A plan of this programme, if the viewer's relation to it is one of `allow`."""
    access = member_access(viewer=viewer, programme=programme)
    # Through the programme's own manager, so that `plan.programme` is this programme (and the
    # access worked out for it serves every later check in the request).
    plan = (
        programme.coaching_plans.filter(pk=plan_id)
        .select_related("coach__person", "coachee__person__service")
        .first()
    )
    if plan is None:
        raise ProgrammeNotFound("No such coaching plan in this programme.")
    relation = relation_of(access, plan)
    if relation is None or relation not in set(allow):
        raise CoachingAccessDenied(
            "Coaching is between the coach and the person coached: you cannot see this plan."
        )
    return PlanView(plan=plan, relation=relation)


def own_plan(*, viewer: Any, programme: Programme) -> CoachingPlan | None:
    """The viewer's own coaching plan as a coachee, if they have one."""
    access = member_access(viewer=viewer, programme=programme)
    return CoachingPlan.objects.filter(programme=programme, coachee__in=access.participants).first()


def session_for(*, plan_view: PlanView, session_id: int) -> CoachingSession:
    session = (
        CoachingSession.objects.filter(plan=plan_view.plan, pk=session_id)
        .select_related("plan")
        .first()
    )
    if session is None:
        raise ProgrammeNotFound("No such session in this coaching plan.")
    return session


def concern_for(*, plan_view: PlanView, concern_id: int) -> ConcernFlag:
    concern = ConcernFlag.objects.filter(plan=plan_view.plan, pk=concern_id).first()
    if concern is None:
        raise ProgrammeNotFound("No such concern on this plan.")
    return concern


def goals_of(*, plan_view: PlanView) -> list[Goal]:
    return list(plan_view.plan.goals.all())


def sponsor_participant(*, viewer: Any, programme: Programme) -> Participant:
    """The viewer's sponsor record in the programme, who records a review meeting."""
    access = member_access(viewer=viewer, programme=programme)
    for record in access.participants:
        if record.role == Role.SPONSOR:
            return record
    raise CoachingAccessDenied("Only a sponsor records a review meeting.")
