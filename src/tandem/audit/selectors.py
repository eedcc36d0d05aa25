"""Reading the audit log: a programme's events for its lead, every event for a superuser."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tandem.audit.models import AuditEvent
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.action:
            events = events.filter(action=self.action)
        if self.actor:
            events = events.filter(actor_label__icontains=self.actor)
        if self.since:
            events = events.filter(at__date__gte=self.since)
        if self.until:
            events = events.filter(at__date__lte=self.until)
        return events


def audit_events_for(*, viewer: Any, slug: str) -> tuple[Programme, QuerySet[AuditEvent]]:
    """The programme's audit events, for its lead (404 to non-members, 403 to other roles)."""
    programme = programme_for(viewer=viewer, slug=slug, manage=True)
    return programme, AuditEvent.objects.filter(programme=programme)


def all_audit_events(*, viewer: Any) -> QuerySet[AuditEvent]:
    """Every event, for superusers only; to anyone else the page does not exist."""
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_superuser):
        raise Http404("No such page.")
    return AuditEvent.objects.select_related("programme")


def actions_in(events: QuerySet[AuditEvent]) -> list[str]:
    return sorted(set(events.order_by().values_list("action", flat=True).distinct()))
