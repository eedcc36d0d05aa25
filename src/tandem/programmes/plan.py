"""The programme lead's plan: where the programme is (its current phase, from the milestones)
and what to do next — the programme's own steps here, each app's through the registry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from tandem.programmes.access import Access
from tandem.programmes.models import Milestone, Pair, Participant, Profession, Role, Service
from tandem.registry import PLAN, NextStep, next_steps

# How many plan steps are drawn as buttons; the rest are listed.
SHOWN_AS_BUTTONS = 3


@dataclass(frozen=True)
class Plan:
    phase: Milestone | None  # the milestone under way (or the last one begun)
    upcoming: Milestone | None  # the next milestone to begin
    steps: list[NextStep]  # the lead's steps, overdue first, then by stage
    overdue: list[NextStep]

    @property
    def buttons(self) -> list[NextStep]:
        return self.steps[:SHOWN_AS_BUTTONS]

    @property
    def more(self) -> list[NextStep]:
        return self.steps[SHOWN_AS_BUTTONS:]


def unpaired_services(access: Access) -> list[Service]:
    """Services where the programme has a doctor and a manager taking part but no pair yet."""
    programme = access.programme
    members = Participant.objects.filter(programme=programme, role=Role.PARTICIPANT).active()
    return list(
        Service.objects.filter(organisation_id=programme.organisation_id, retired_at__isnull=True)
        .filter(
            Exists(
                members.filter(person__service=OuterRef("pk"), person__profession=Profession.DOCTOR)
            ),
            Exists(
                members.filter(
                    person__service=OuterRef("pk"), person__profession=Profession.MANAGER
                )
            ),
        )
        .exclude(Exists(Pair.objects.filter(programme=programme, service=OuterRef("pk"))))
        .order_by("name")
    )


def programme_steps(access: Access) -> list[NextStep]:
    """The programme's own steps: people in, then pairs."""
    if not access.can_manage:
        return []
    programme = access.programme
    slug = programme.slug
    if not Participant.objects.filter(programme=programme, role=Role.PARTICIPANT).exists():
        return [
            NextStep(
                text="Import participants",
                url=reverse("programmes:import", args=[slug]),
                group=PLAN,
                rank=10,
            )
        ]
    unpaired = unpaired_services(access)
    if unpaired:
        n = len(unpaired)
        return [
            NextStep(
                text=f"Pair {n} unpaired service{'s' if n != 1 else ''}",
                url=reverse("programmes:pair_new", args=[slug]),
                group=PLAN,
                rank=20,
            )
        ]
    return []


def plan_for(
    access: Access, today: dt.date | None = None, steps: list[NextStep] | None = None
) -> Plan | None:
    """The lead's plan for the programme page (None for anyone else); `steps` are the registry's
    next steps when the caller has them already."""
    if not access.can_manage:
        return None
    today = today or timezone.localdate()
    milestones = list(Milestone.objects.filter(programme=access.programme))
    begun = [m for m in milestones if m.start_date <= today]
    later = [m for m in milestones if m.start_date > today]
    steps = sorted(
        programme_steps(access)
        + [s for s in (next_steps(access) if steps is None else steps) if s.group == PLAN],
        key=lambda s: (not s.urgent, s.rank, s.due or dt.date.max, s.text),
    )
    return Plan(
        phase=begun[-1] if begun else None,
        upcoming=later[0] if later else None,
        steps=steps,
        overdue=[s for s in steps if s.urgent],
    )
