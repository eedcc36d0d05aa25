"""The schedule the worker keeps: when jobs fall due, one run per claim, a missed run once,
the lead's changes through the page, and what each job does."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.operations import jobs, scheduling
from tandem.operations.models import JobKind, ScheduledJob
from tandem.surveys.models import InvitationStatus

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_next_occurrence_follows_the_chosen_days_in_uk_time() -> None:
    monday_thursday = [0, 3]
    # Saturday 28 March 2026 → Monday 30 March 09:00, which is British Summer Time (08:00 UTC).
    following = scheduling.next_occurrence(monday_thursday, dt.time(9), at(2026, 3, 28, 10))
    assert following == at(2026, 3, 30, 9)
    assert following.astimezone(dt.UTC).hour == 8
    # On a Monday at 09:00 exactly, the next is Thursday; a minute before, it is today.
    assert scheduling.next_occurrence(monday_thursday, dt.time(9), at(2026, 3, 30, 9)) == at(
        2026, 4, 2, 9
    )
    assert scheduling.next_occurrence(monday_thursday, dt.time(9), at(2026, 3, 30, 8, 59)) == at(
        2026, 3, 30, 9
    )
    # Not after the wave closes; and no days, no runs.
    assert (
        scheduling.next_occurrence(
            monday_thursday, dt.time(9), at(2026, 3, 31, 10), until=dt.date(2026, 4, 1)
        )
        is None
    )
    assert scheduling.next_occurrence([], dt.time(9), at(2026, 3, 28, 10)) is None


def _job(kind: str, **filters) -> ScheduledJob:
    scheduling.ensure_jobs()
    return ScheduledJob.objects.get(kind=kind, **filters)


def test_every_programme_and_open_wave_gets_its_jobs_and_reminders_start_off(
    demo, open_wave
) -> None:
    scheduling.ensure_jobs()
    assert scheduling.ensure_jobs() == 0  # made once
    kinds = set(
        ScheduledJob.objects.filter(programme=demo.programme).values_list("kind", flat=True)
    )
    assert {JobKind.OVERDUE_ACTIONS, JobKind.COACHING_NUDGES, JobKind.SURVEY_REMINDERS} <= kinds
    reminders = ScheduledJob.objects.get(wave=open_wave)
    assert reminders.enabled is False and reminders.next_run_at is None
    install = set(ScheduledJob.objects.filter(programme=None).values_list("kind", flat=True))
    assert install == {
        JobKind.OPEN_CLOSE_WAVES,
        JobKind.REDRAW_REPORTS,
        JobKind.RETENTION_PURGE,
        JobKind.BACKUP,
    }
    # No backup folder configured: the scheduled backup is off rather than failing nightly.
    assert ScheduledJob.objects.get(kind=JobKind.BACKUP).enabled is False


def test_a_job_missed_for_a_week_runs_once_and_is_claimed_once(demo) -> None:
    job = _job(JobKind.OPEN_CLOSE_WAVES)
    stale = ScheduledJob.objects.get(pk=job.pk)  # what a second worker read at the same moment
    week_ago = timezone.now() - dt.timedelta(days=7, hours=1)
    ScheduledJob.objects.filter(pk=job.pk).update(next_run_at=week_ago)
    stale.next_run_at = week_ago

    now = timezone.now()
    assert scheduling.claim_due(now) == [job.pk]
    job.refresh_from_db()
    assert job.runs == 1 and job.last_ok is True and job.last_outcome.startswith("Opened 0")
    assert job.next_run_at > now  # past every missed occurrence: no burst
    assert scheduling.claim_due(now) == []
    # The other worker's conditional UPDATE, with the value it read, matches nothing.
    assert (
        ScheduledJob.objects.filter(pk=job.pk, next_run_at=stale.next_run_at).update(runs=99) == 0
    )


def test_reminders_go_on_the_leads_days_to_non_responders_until_the_wave_closes(
    demo, open_wave, lead_client
) -> None:
    job = _job(JobKind.SURVEY_REMINDERS, wave=open_wave)
    slug = demo.programme.slug
    url = reverse("operations:job_edit", args=[slug, job.pk])
    # Switched on without a day: refused, nothing changed.
    response = lead_client.post(url, {"enabled": "yes", "time_of_day": "09:00"})
    assert response.status_code == 400
    assert "Choose at least one day" in response.content.decode()
    response = lead_client.post(url, {"enabled": "yes", "weekdays": ["0"], "time_of_day": "25:00"})
    assert response.status_code == 400 and "Enter a valid time" in response.content.decode()
    job.refresh_from_db()
    assert job.enabled is False

    response = lead_client.post(
        url, {"enabled": "yes", "weekdays": ["0", "3"], "time_of_day": "09:00"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    closes = open_wave.closes_on
    assert scheduling.describe(job) == (
        f"Mondays and Thursdays at 09:00 until the questionnaire closes on {closes:%-d %B %Y}"
    )
    assert job.next_run_at is not None and job.next_run_at.astimezone(LONDON).weekday() in (0, 3)
    page = lead_client.get(reverse("operations:schedule", args=[slug])).content.decode()
    assert "Mondays and Thursdays at 09:00" in page

    # Three people have answered: the run reminds the other 21, once each.
    for invitation in open_wave.invitations.order_by("id")[:3]:
        invitation.status = InvitationStatus.SUBMITTED
        invitation.save(update_fields=["status"])
    ScheduledJob.objects.filter(pk=job.pk).update(next_run_at=timezone.now())
    scheduling.claim_due()
    assert len(mail.outbox) == 21
    job.refresh_from_db()
    assert job.last_outcome == "Reminded 21 people who had not answered."

    # After the wave has closed there is no next run.
    open_wave.closed_at = timezone.now()
    open_wave.save(update_fields=["closed_at"])
    job.refresh_from_db()
    assert scheduling.following_run(job, timezone.now()) is None


def test_only_the_lead_changes_the_programmes_schedule_and_only_an_administrator_the_installs(
    demo, lead_client, participant_client, sponsor_client
) -> None:
    slug = demo.programme.slug
    mine = _job(JobKind.OVERDUE_ACTIONS, programme=demo.programme)
    install = _job(JobKind.BACKUP)
    assert lead_client.get(reverse("operations:job_edit", args=[slug, mine.pk])).status_code == 200
    assert (
        lead_client.get(reverse("operations:job_edit", args=[slug, install.pk])).status_code == 404
    )
    for client in (participant_client, sponsor_client):
        assert client.get(reverse("operations:schedule", args=[slug])).status_code in (403, 404)
        response = client.post(
            reverse("operations:job_edit", args=[slug, mine.pk]),
            {"enabled": "no", "time_of_day": "09:00"},
        )
        assert response.status_code in (403, 404)
    mine.refresh_from_db()
    assert mine.enabled is True


def test_a_failing_job_is_recorded_and_the_next_one_still_runs(demo, settings) -> None:
    settings.TANDEM_BACKUP_DIR = ""
    backup = _job(JobKind.BACKUP)
    purge = _job(JobKind.RETENTION_PURGE)
    ScheduledJob.objects.filter(pk__in=[backup.pk, purge.pk]).update(
        enabled=True, next_run_at=timezone.now()
    )
    scheduling.claim_due()
    backup.refresh_from_db()
    purge.refresh_from_db()
    assert backup.last_ok is False and "TANDEM_BACKUP_DIR is not set" in backup.last_outcome
    assert purge.last_ok is True


def test_scheduled_backups_keep_the_newest_few(transactional_db, settings, tmp_path) -> None:
    # transactional_db: SQLite's backup cannot read a shared in-memory database inside the
    # test's open transaction (as tests/test_backup_restore.py).
    settings.TANDEM_BACKUP_DIR = str(tmp_path)
    settings.TANDEM_BACKUP_KEEP = 2
    job = _job(JobKind.BACKUP)
    start = timezone.now()
    for hours in range(3):
        outcome = jobs.backup(job, now=start + dt.timedelta(hours=hours))
    names = sorted(p.name for p in tmp_path.glob("tandem-backup-*.tar.gz"))
    assert len(names) == 2 and "removed 1 older backup" in outcome
    newest = timezone.localtime(start + dt.timedelta(hours=2)).strftime("%Y%m%d-%H%M%S")
    assert names[-1] == f"tandem-backup-{newest}.tar.gz"
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(("age", "expected"), [(None, 503), (5, 200), (600, 503)])
def test_readyz_needs_the_database_storage_and_a_live_worker(db, client, age, expected) -> None:
    from tandem.operations.models import WorkerHeartbeat

    if age is not None:
        now = timezone.now()
        WorkerHeartbeat.objects.create(
            worker_id="w1",
            hostname="app1",
            pid=1,
            started_at=now,
            beat_at=now - dt.timedelta(seconds=age),
        )
    response = client.get("/readyz")
    assert response.status_code == expected
    body = response.json()
    assert body["database"] == "ok" and body["storage"] == "ok"
    assert body["worker"] == ("ok" if expected == 200 else body["worker"])
    if age is None:
        assert body["worker"] == "not running"
    elif expected == 503:
        assert body["worker"].startswith("silent for")
