"""The questionnaire waves of a new programme: planned from its template, or copied from an
earlier programme with the dates moved (tandem.registry, `programme_plan`/`programme_copy`).

Planned waves invite nobody: the programme has no participants yet, and the lead invites them
when the list is in (`invitations_add`). Nothing of an earlier wave but its questionnaire, kind,
title and dates is copied: no invitation, answer or release.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tandem.programmes.models import Programme
from tandem.surveys.models import Wave
from tandem.surveys.services import wave_create

if TYPE_CHECKING:
    from tandem.programmes.plans import ProgrammePlan


@transaction.atomic
def waves_plan(*, programme: Programme, plan: ProgrammePlan, actor: Any = None) -> list[Wave]:
    return [
        wave_create(
            programme=programme,
            title=planned.title,
            kind=planned.kind,
            instrument_id=planned.instrument_id,
            instrument_version=planned.instrument_version,
            opens_on=planned.opens_on,
            closes_on=planned.closes_on,
            roles=(),
            actor=actor,
        )
        for planned in plan.waves
    ]


@transaction.atomic
def waves_copy(
    *, source: Programme, target: Programme, shift: dt.timedelta, actor: Any = None
) -> list[Wave]:
    return [
        wave_create(
            programme=target,
            title=wave.title,
            kind=wave.kind,
            instrument_id=wave.instrument_id,
            instrument_version=wave.instrument_version,
            opens_on=wave.opens_on + shift,
            closes_on=wave.closes_on + shift,
            roles=(),
            actor=actor,
        )
        for wave in Wave.objects.filter(programme=source).order_by("opens_on", "pk")
    ]
