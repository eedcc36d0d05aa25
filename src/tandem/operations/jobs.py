"""What each kind of scheduled job does. Each returns one plain sentence for the schedule page;
an exception is recorded as the job's failure and the worker carries on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tandem.operations.models import JobKind, ScheduledJob

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def survey_reminders(job: ScheduledJob) -> str:
    from tandem.surveys.services.invitations import invitations_remind

    wave = job.wave
    assert wave is not None
    if not wave.is_open():
        return "The questionnaire is not open, so no one was reminded."
    result = invitations_remind(wave=wave)
    return f"Reminded {_plural(result.sent, 'person', 'people')} who had not answered."


def overdue_actions(job: ScheduledJob) -> str:
    from tandem.workshops.services.actions import overdue_reminders_send

    assert job.programme is not None
    result = overdue_reminders_send(programme=job.programme)
    return (
        f"Wrote to {_plural(result.owners, 'owner')} about "
        f"{_plural(result.actions, 'overdue action')}."
    )


def coaching_nudges(job: ScheduledJob) -> str:
    from tandem.coaching.services import reminders_send

    assert job.programme is not None
    result = reminders_send(programme=job.programme)
    return f"Nudged the coach and coachee of {_plural(result.plans, 'stalled plan')}."


def open_close_waves(job: ScheduledJob) -> str:
    """Close waves past their closing date; on a wave's opening date, invite and send."""
    from tandem.surveys.models import Wave
    from tandem.surveys.services.invitations import invitations_send
    from tandem.surveys.services.waves import wave_close, wave_open

    today = timezone.localdate()
    closed = 0
    for wave in Wave.objects.filter(closed_at__isnull=True, closes_on__lt=today):
        wave_close(wave=wave)
        closed += 1
    opened = sent = 0
    for wave in Wave.objects.filter(closed_at__isnull=True, opens_on=today).select_related(
        "programme"
    ):
        if wave.invitations.filter(sent_at__isnull=False).exists():
            continue  # the lead has already sent this wave's invitations
        wave_open(wave=wave)
        sent += invitations_send(wave=wave).sent
        opened += 1
    return (
        f"Opened {_plural(opened, 'questionnaire')} ({_plural(sent, 'invitation')} sent); "
        f"closed {_plural(closed, 'questionnaire')}."
    )


def redraw_reports(job: ScheduledJob) -> str:
    """Build each released report's PDF for its current data (nothing if it is up to date)."""
    from tandem.reports.models import PdfStatus, ReportKind
    from tandem.reports.services import report_pdf_request
    from tandem.surveys.models import Wave

    queued = 0
    for wave in Wave.objects.filter(released_at__isnull=False).select_related("programme"):
        record = report_pdf_request(kind=ReportKind.FEEDBACK, wave=wave)
        queued += record.status == PdfStatus.PENDING
    return f"Queued {_plural(queued, 'report PDF')} whose data had changed."


def retention_purge(job: ScheduledJob) -> str:
    from tandem.gdpr.services import purge_apply, purge_plan

    plan = purge_plan()
    if not plan.expired_programmes:
        return "No programme is past its retention date."
    reports = purge_apply(plan=plan)
    return (
        f"Erased {_plural(len(reports), 'person', 'people')} from "
        f"{_plural(len(plan.expired_programmes), 'programme')} past their retention date."
    )


BACKUP_PATTERN = "tandem-backup-*.tar.gz"


def backup(job: ScheduledJob, now: dt.datetime | None = None) -> str:
    """A backup into TANDEM_BACKUP_DIR, keeping the newest TANDEM_BACKUP_KEEP of them."""
    from tandem.backup import create_backup

    if not settings.TANDEM_BACKUP_DIR:
        raise RuntimeError("TANDEM_BACKUP_DIR is not set: say where scheduled backups go.")
    folder = Path(settings.TANDEM_BACKUP_DIR)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    result = create_backup(folder / f"tandem-backup-{stamp}.tar.gz")
    kept = sorted(folder.glob(BACKUP_PATTERN), key=lambda p: p.name, reverse=True)
    removed = 0
    for old in kept[settings.TANDEM_BACKUP_KEEP :]:
        old.unlink(missing_ok=True)
        removed += 1
    return (
        f"Wrote {result.path.name} ({result.size / 1e6:.1f} MB); "
        f"removed {_plural(removed, 'older backup')}."
    )


@dataclass(frozen=True)
class JobSpec:
    run: Callable[[ScheduledJob], str]
    weekdays: list[int]
    time_of_day: dt.time
    enabled: bool = True


SPECS: dict[str, JobSpec] = {
    JobKind.SURVEY_REMINDERS: JobSpec(survey_reminders, [0, 3], dt.time(9, 0), enabled=False),
    JobKind.OVERDUE_ACTIONS: JobSpec(overdue_actions, [0], dt.time(9, 0)),
    JobKind.COACHING_NUDGES: JobSpec(coaching_nudges, [0], dt.time(9, 0)),
    JobKind.OPEN_CLOSE_WAVES: JobSpec(open_close_waves, EVERY_DAY, dt.time(0, 15)),
    JobKind.BACKUP: JobSpec(backup, EVERY_DAY, dt.time(1, 0)),
    JobKind.RETENTION_PURGE: JobSpec(retention_purge, EVERY_DAY, dt.time(2, 0)),
    JobKind.REDRAW_REPORTS: JobSpec(redraw_reports, EVERY_DAY, dt.time(3, 0)),
}
