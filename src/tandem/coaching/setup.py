"""A new programme's coaching rules: from its template, or as an earlier programme had them
(tandem.registry, `programme_plan`/`programme_copy`). No plan, session or note is copied."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tandem.coaching.models import CoachingSettings
from tandem.coaching.services import coaching_settings_update
from tandem.programmes.models import Programme

if TYPE_CHECKING:
    from tandem.programmes.plans import ProgrammePlan


@transaction.atomic
def coaching_settings_plan(
    *, programme: Programme, plan: ProgrammePlan, actor: Any = None
) -> CoachingSettings | None:
    if plan.coaching_sessions is None:
        return None
    defaults = CoachingSettings(programme=programme)
    return coaching_settings_update(
        programme=programme,
        planned_sessions=plan.coaching_sessions,
        stalled_after_days=defaults.stalled_after_days,
    )


@transaction.atomic
def coaching_settings_copy(
    *, source: Programme, target: Programme, shift: dt.timedelta, actor: Any = None
) -> CoachingSettings | None:
    rules = CoachingSettings.objects.filter(programme=source).first()
    if rules is None:
        return None
    return coaching_settings_update(
        programme=target,
        planned_sessions=rules.planned_sessions,
        stalled_after_days=rules.stalled_after_days,
    )
