"""Reading the audit log: a programme's events for its lead, every event for a superuser."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.audit.models import AuditEvent
from tandem.programmes.access import access_for
from tandem.programmes.models import Programme


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
            # By the account's current name or address, or by the stored label ("user 12").
            events = events.filter(
                Q(actor__full_name__icontains=self.actor)
                | Q(actor__email__icontains=self.actor)
                | Q(actor_label__icontains=self.actor)
            )
        if self.since:
            events = events.filter(at__date__gte=self.since)
        if self.until:
            events = events.filter(at__date__lte=self.until)
        return events


def audit_events_for(*, viewer: Any, programme: Programme) -> QuerySet[AuditEvent]:
    """The programme's audit events, for its lead (404 to non-members, 403 to other roles)."""
    access = access_for(viewer=viewer, programme=programme)
    access.require(access.can_manage, message="Only the programme lead can do this.")
    return AuditEvent.objects.filter(programme=programme).select_related("actor")


def all_audit_events(*, viewer: Any) -> QuerySet[AuditEvent]:
    """Every event, for superusers only; to anyone else the page does not exist."""
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_superuser):
        raise Http404("No such page.")
    return AuditEvent.objects.select_related("programme", "actor")


def actions_in(events: QuerySet[AuditEvent]) -> list[str]:
    return sorted(set(events.order_by().values_list("action", flat=True).distinct()))


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    event_id: int
    problem: str


@dataclass(frozen=True)
class ChainReport:
    """What `tandem audit verify` found: the first broken link, if any, and the chain's head."""

    events: int
    head_seq: int
    head_hash: str
    triggers: str  # "installed", "missing" or "disabled" (triggers.state)
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None and self.triggers == "installed"


_CHAIN_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "programme_id",
    "request_id",
    "extra",
    "prev_hash",
    "hash",
)


def audit_chain_verify(*, using: str = "default") -> ChainReport:
    """Walk the chain in order and report the first event whose link does not hold.

    An event's link holds when its number follows the last one's (a gap means events were
    deleted), its `prev_hash` is the last event's hash (else one was deleted or inserted), and
    its `hash` is that of its own content (else it was changed). One pass, in batches.
    """
    from django.db import connections

    from tandem.audit import chain, triggers

    expected_seq, prev_hash = 1, chain.GENESIS
    count = 0
    broken: BrokenLink | None = None
    rows = AuditEvent.objects.using(using).order_by("seq").values(*_CHAIN_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        count += 1
        if broken is not None:
            continue
        content = chain.event_content(**{k: row[k] for k in _CHAIN_FIELDS[1:-2]})
        if row["seq"] != expected_seq:
            problem = (
                f"events {expected_seq} to {row['seq'] - 1} are missing (deleted)"
                if row["seq"] > expected_seq
                else f"number {row['seq']} out of order (expected {expected_seq})"
            )
        elif row["prev_hash"] != prev_hash:
            problem = "its link to the event before it is broken (one was changed or removed)"
        elif row["hash"] != chain.link_hash(row["prev_hash"], content):
            problem = "its content was changed after it was written"
        else:
            problem = ""
        if problem:
            broken = BrokenLink(seq=row["seq"], event_id=row["id"], problem=problem)
            continue
        expected_seq, prev_hash = row["seq"] + 1, row["hash"]
    return ChainReport(
        events=count,
        head_seq=expected_seq - 1,
        head_hash=prev_hash,
        triggers=triggers.state(connections[using]),
        broken=broken,
    )
