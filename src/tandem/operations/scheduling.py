"""The schedule the worker keeps (tandem.operations.models.ScheduledJob).

`tick()` runs in every worker every second. A due job is claimed by one conditional UPDATE that
moves its `next_run_at` from the value read to the next occurrence after now: whichever worker's
UPDATE matches first wins; the other's matches no row (PostgreSQL re-reads the row after the
first commits; SQLite writes one at a time). The claim and the job's task are written in one
transaction, so a claimed run is never lost: if the worker stops before running it, another
worker takes the task. A worker that was off finds the job due once and moves it past now —
one run for all the missed occurrences, not a burst.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from tandem.operations.jobs import SPECS
from tandem.operations.models import INSTALL_KINDS, JobKind, ScheduledJob

logger = logging.getLogger("tandem.operations.scheduling")

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def next_occurrence(
    weekdays: list[int], at: dt.time, after: dt.datetime, until: dt.date | None = None
) -> dt.datetime | None:
    """The first moment after `after` that falls on one of `weekdays` at `at`, local time."""
    if not weekdays:
        return None
    zone = timezone.get_current_timezone()
    start = timezone.localtime(after, zone).date()
    for offset in range(8):
        day = start + dt.timedelta(days=offset)
        if until is not None and day > until:
            return None
        if day.weekday() in weekdays:
            moment = dt.datetime.combine(day, at, tzinfo=zone)
            if moment > after:
                return moment
    return None


def _until(job: ScheduledJob) -> dt.date | None:
    """Reminders stop when their wave closes."""
    if job.kind == JobKind.SURVEY_REMINDERS and job.wave is not None:
        if job.wave.closed_at is not None:
            return timezone.localdate(job.wave.closed_at) - dt.timedelta(days=1)
        return job.wave.closes_on
    return None


def following_run(job: ScheduledJob, after: dt.datetime) -> dt.datetime | None:
    if not job.enabled:
        return None
    return next_occurrence(list(job.weekdays), job.time_of_day, after, _until(job))


def describe(job: ScheduledJob) -> str:
    """ "Mondays and Thursdays at 09:00 until the questionnaire closes on 30 June 2026" """
    days = sorted(set(job.weekdays))
    if not job.enabled or not days:
        return "Off"
    if days == list(range(7)):
        when = "Every day"
    elif days == list(range(5)):
        when = "Weekdays"
    else:
        names = [WEEKDAY_NAMES[d] + "s" for d in days]
        when = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = f"{when} at {job.time_of_day:%H:%M}"
    until = _until(job)
    if until is not None:
        text += f" until the questionnaire closes on {until:%-d %B %Y}"
    return text


def job_key(kind: str, *, programme: Any = None, wave: Any = None) -> str:
    if wave is not None:
        return f"{kind}:wave:{wave.pk}"
    if programme is not None:
        return f"{kind}:programme:{programme.pk}"
    return str(kind)


def _create(kind: str, *, programme: Any = None, wave: Any = None) -> None:
    from django.conf import settings

    spec = SPECS[kind]
    enabled = spec.enabled
    if kind == JobKind.BACKUP:
        enabled = bool(settings.TANDEM_BACKUP_DIR)
    job = ScheduledJob(
        key=job_key(kind, programme=programme, wave=wave),
        kind=kind,
        programme=programme,
        wave=wave,
        enabled=enabled,
        weekdays=list(spec.weekdays),
        time_of_day=spec.time_of_day,
    )
    job.next_run_at = following_run(job, timezone.now())
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:  # another worker made it a moment ago
        logger.debug("Scheduled job %s exists already", job.key)


def ensure_jobs() -> int:
    """Make the schedule's rows that are missing: the install's, each programme's and each
    wave's (reminders start off until the lead chooses days). Returns how many were made."""
    from tandem.programmes.models import Programme
    from tandem.surveys.models import Wave

    have = set(ScheduledJob.objects.values_list("key", flat=True))
    made = 0
    for kind in INSTALL_KINDS:
        if job_key(kind) not in have:
            _create(kind)
            made += 1
    for programme in Programme.objects.all():
        for kind in (JobKind.OVERDUE_ACTIONS, JobKind.COACHING_NUDGES):
            if job_key(kind, programme=programme) not in have:
                _create(kind, programme=programme)
                made += 1
    for wave in Wave.objects.filter(closed_at__isnull=True).select_related("programme"):
        if job_key(JobKind.SURVEY_REMINDERS, wave=wave) not in have:
            _create(JobKind.SURVEY_REMINDERS, programme=wave.programme, wave=wave)
            made += 1
    return made


@transaction.atomic
def job_update(
    *, job: ScheduledJob, enabled: bool, weekdays: list[int], time_of_day: dt.time, actor: Any
) -> ScheduledJob:
    from tandem.audit.services import audit_record

    job.enabled = enabled
    job.weekdays = sorted(set(weekdays))
    job.time_of_day = time_of_day
    job.next_run_at = following_run(job, timezone.now())
    job.save(update_fields=["enabled", "weekdays", "time_of_day", "next_run_at", "updated_at"])
    audit_record(
        actor=actor,
        action="schedule.change",
        subject=job,
        programme=job.programme,
        extra={"kind": job.kind, "schedule": describe(job)},
    )
    return job


def claim_due(now: dt.datetime | None = None) -> list[int]:
    """Claim every due job (see the module) and queue its run; the ids this worker claimed."""
    now = now or timezone.now()
    claimed: list[int] = []
    due = ScheduledJob.objects.filter(enabled=True, next_run_at__lte=now).select_related("wave")
    for job in due:
        following = following_run(job, now)
        with transaction.atomic():
            won = ScheduledJob.objects.filter(
                pk=job.pk, enabled=True, next_run_at=job.next_run_at
            ).update(next_run_at=following, last_run_at=now, runs=F("runs") + 1)
            if won:
                run_scheduled_job.enqueue(job.pk)
                claimed.append(job.pk)
    return claimed


def tick(now: dt.datetime | None = None) -> list[int]:
    try:
        return claim_due(now)
    except OperationalError as exc:  # SQLite busy with another writer: next second will do
        logger.info("Schedule check skipped: %s", exc)
        return []


@task()
def run_scheduled_job(job_id: int) -> None:
    job = ScheduledJob.objects.select_related("programme", "wave").filter(pk=job_id).first()
    if job is None:
        return
    try:
        outcome, ok = SPECS[job.kind].run(job), True
    except Exception as exc:  # recorded on the schedule page; the worker carries on
        logger.exception("Scheduled job %s (%s) failed", job.pk, job.kind)
        outcome, ok = f"Failed: {exc}", False
    ScheduledJob.objects.filter(pk=job.pk).update(
        last_finished_at=timezone.now(), last_outcome=outcome[:500], last_ok=ok
    )
