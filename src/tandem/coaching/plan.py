"""Coaching's part of "what to do next": the lead's coach assignments, a coachee's next session."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tandem.coaching.models import Attendance, CoachingPlan, CoachingSession
from tandem.programmes.access import Access
from tandem.programmes.models import Participant, Role
from tandem.registry import PLAN, NextStep

SOON = dt.timedelta(days=14)


def next_steps(access: Access) -> list[NextStep]:
    steps: list[NextStep] = []
    slug = access.programme.slug
    if access.can_manage:
        without = (
            Participant.objects.filter(programme=access.programme, role=Role.PARTICIPANT)
            .active()
            .filter(coaching_plan__isnull=True)
            .count()
        )
        if without:
            steps.append(
                NextStep(
                    text=f"Assign coaches to {without} {'person' if without == 1 else 'people'}",
                    url=reverse("coaching:plan_new", args=[slug]),
                    group=PLAN,
                    rank=60,
                )
            )
    if access.is_participant:
        now = timezone.now()
        plans = CoachingPlan.objects.filter(coachee__in=access.participants)
        session = (
            CoachingSession.objects.filter(
                plan__in=plans,
                attendance=Attendance.SCHEDULED,
                starts_at__gte=now,
                starts_at__lte=now + SOON,
            )
            .order_by("starts_at")
            .first()
        )
        if session is not None:
            local = timezone.localtime(session.starts_at)
            steps.append(
                NextStep(
                    text=f"Coaching session on {local:%-d %B %Y at %H:%M}",
                    url=reverse("coaching:session", args=[slug, session.plan_id, session.pk]),
                    group="Coaching",
                    due=local.date(),
                )
            )
    return steps
