"""The demo's schedule: every job made as the worker makes it, and the lead's reminders chosen for
each questionnaire still open (Mondays and Thursdays at 09:00), through the same service the
schedule page uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.operations.models import JobKind, ScheduledJob
from tandem.operations.scheduling import ensure_jobs, job_update


def seed_operations(*, programme: Any) -> None:
    ensure_jobs()
    for job in ScheduledJob.objects.filter(
        programme=programme, kind=JobKind.SURVEY_REMINDERS
    ).select_related("wave"):
        if job.wave is not None and job.wave.is_open():
            job_update(
                job=job, enabled=True, weekdays=[0, 3], time_of_day=dt.time(9, 0), actor=None
            )
