"""The questionnaire steps of the programme lead's plan (tandem.programmes.plan)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from tandem.programmes.access import Access
from tandem.programmes.models import Participant, Role
from tandem.registry import PLAN, NextStep
from tandem.surveys.models import InvitationStatus, Wave, WaveKind

# A planned wave appears in the plan this long before it is due to open.
LOOK_AHEAD = dt.timedelta(days=21)


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def lead_steps(access: Access, today: dt.date | None = None) -> list[NextStep]:
    if not access.can_manage:
        return []
    today = today or timezone.localdate()
    programme = access.programme
    slug = programme.slug
    has_people = (
        Participant.objects.filter(programme=programme, role=Role.PARTICIPANT).active().exists()
    )
    waves = (
        Wave.objects.filter(programme=programme)
        .annotate(
            invited=Count("invitations"),
            unsent=Count("invitations", filter=Q(invitations__sent_at__isnull=True)),
            waiting=Count("invitations", filter=~Q(invitations__status=InvitationStatus.SUBMITTED)),
        )
        .order_by("opens_on", "pk")
    )
    steps: list[NextStep] = []
    planned_shown = False
    for wave in waves:
        url = reverse("surveys:wave", args=[slug, wave.pk])
        if wave.has_closed(today):
            if wave.released_at is None and wave.kind != WaveKind.PULSE and wave.invited:
                steps.append(
                    NextStep(
                        text=f"Release the feedback report of the {wave.title.lower()}",
                        url=reverse("reports:feedback", args=[slug, wave.pk]),
                        group=PLAN,
                        rank=50,
                    )
                )
            continue
        not_yet_open = wave.opens_on > today or not wave.invited
        if not_yet_open:
            # Only the next planned wave, and only as it comes near (or once it is late).
            if planned_shown or not has_people or wave.opens_on > today + LOOK_AHEAD:
                continue
            planned_shown = True
            steps.append(
                NextStep(
                    text=f"Open the {wave.title.lower()}",
                    url=url,
                    group=PLAN,
                    due=wave.opens_on,
                    urgent=wave.opens_on < today,
                    rank=30,
                )
            )
            continue
        if wave.unsent:
            steps.append(
                NextStep(
                    text=f"Send the {wave.title.lower()} to {_people(wave.unsent)}",
                    url=url,
                    group=PLAN,
                    due=wave.closes_on,
                    rank=35,
                )
            )
        elif wave.waiting:
            steps.append(
                NextStep(
                    text=f"Send reminders to {_people(wave.waiting)} ({wave.title})",
                    url=url,
                    group=PLAN,
                    due=wave.closes_on,
                    rank=40,
                )
            )
        else:
            steps.append(
                NextStep(
                    text=f"Close the {wave.title.lower()}: everyone has answered",
                    url=url,
                    group=PLAN,
                    due=wave.closes_on,
                    rank=45,
                )
            )
    return steps
