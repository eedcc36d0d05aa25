"""Actions: the whole log for the lead and sponsors, their own for participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.programmes.access import ProgrammeNotFound
from tandem.programmes.models import Programme
from tandem.workshops.models import ACTIVE_STATUSES, Action, ActionStatus
from tandem.workshops.selectors.rules import (
    LEAD,
    SPONSOR,
    WorkshopsAccessDenied,
    member_access,
    require_role,
)


@dataclass(frozen=True)
class ActionFilters:
    owner: int | None = None
    pair: int | None = None
    locality: int | None = None
    away_day: int | None = None
    status: str | None = None


def _actions(programme: Programme) -> QuerySet[Action]:
    return Action.objects.filter(programme=programme).select_related(
        "owner__person__service__locality", "pair__service__locality", "away_day"
    )


def actions_for(
    *, viewer: Any, programme: Programme, filters: ActionFilters | None = None
) -> list[Action]:
    """The action log (lead and sponsors), filtered by owner, pair, locality, away day, status."""
    access = member_access(viewer=viewer, programme=programme)
    require_role(
        access, LEAD, SPONSOR, message="The whole action log is for the lead and sponsors."
    )
    filters = filters or ActionFilters()
    actions = _actions(programme)
    if filters.owner:
        actions = actions.filter(owner_id=filters.owner)
    if filters.pair:
        actions = actions.filter(pair_id=filters.pair)
    if filters.locality:
        actions = actions.filter(
            Q(pair__service__locality_id=filters.locality)
            | Q(pair__isnull=True, owner__person__service__locality_id=filters.locality)
        )
    if filters.away_day:
        actions = actions.filter(away_day_id=filters.away_day)
    if filters.status:
        actions = actions.filter(status=filters.status)
    return list(actions.order_by("due_on", "id"))


def my_actions_for(*, viewer: Any, programme: Programme) -> list[Action]:
    participant = member_access(viewer=viewer, programme=programme).participant
    if participant is None:
        return []
    return list(_actions(programme).filter(owner=participant).order_by("due_on", "id"))


@dataclass(frozen=True)
class ActionView:
    action: Action
    may_update: bool


def action_for(*, viewer: Any, programme: Programme, action_id: int) -> ActionView:
    access = member_access(viewer=viewer, programme=programme)
    action = _actions(programme).filter(pk=action_id).prefetch_related("updates").first()
    if action is None:
        raise ProgrammeNotFound("No such action.")
    is_owner = access.participant is not None and action.owner_id == access.participant.pk
    if not (access.oversees or is_owner):
        raise WorkshopsAccessDenied("An action is shown to its owner, sponsors and the lead.")
    return ActionView(action=action, may_update=access.is_lead or is_owner)


def overdue_actions_for(
    *, viewer: Any, programme: Programme, today: dt.date | None = None
) -> list[Action]:
    """Overdue actions this viewer may see: all for the lead and sponsors, their own for others.

    Used by the programme page's next steps, so it costs one query (the viewer's access is
    already known); a coach (who sees no actions) gets none.
    """
    today = today or timezone.localdate()
    access = member_access(viewer=viewer, programme=programme)
    overdue = _actions(programme).filter(status__in=ACTIVE_STATUSES, due_on__lt=today)
    if access.oversees:
        return list(overdue.order_by("due_on", "id"))
    if access.is_participant:
        own = [record.pk for record in access.participants]
        return list(overdue.filter(owner_id__in=own).order_by("due_on", "id"))
    return []


def action_status_counts(actions: list[Action], today: dt.date) -> dict[str, int]:
    counts = {status.label: 0 for status in ActionStatus}
    for action in actions:
        counts[action.get_status_display()] += 1
    counts["Overdue"] = sum(1 for a in actions if a.is_overdue(today))
    return counts
