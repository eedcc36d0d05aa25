"""Tandem's own running: e-mails waiting for the worker, the schedule it keeps, and its heartbeat.

E-mail leaves the request: every message Django is asked to send is stored as an `OutboundEmail`
(tandem.operations.mail) and sent by the worker, with retries. What is kept after sending is who,
what kind and when — the body and attachments (which may hold a personal link or a coaching
session's details) are deleted once the message has left.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models

from tandem.programmes.models import Programme


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class EmailKind(models.TextChoices):
    SURVEY_INVITATION = "survey_invitation", "Questionnaire invitation"
    SURVEY_REMINDER = "survey_reminder", "Questionnaire reminder"
    COACHING_SESSION = "coaching_session", "Coaching session invitation"
    COACHING_REMINDER = "coaching_reminder", "Coaching reminder"
    OVERDUE_ACTIONS = "overdue_actions", "Overdue actions"
    PROGRAMME_INVITATION = "programme_invitation", "Invitation to the programme"
    ACCOUNT = "account", "Account (password, two-step log-in)"


# Kinds whose subject line is not shown in the lead's list (it names a coaching session's time).
PRIVATE_SUBJECT_KINDS = frozenset({EmailKind.COACHING_SESSION, EmailKind.COACHING_REMINDER})


class OutboundEmail(models.Model):
    kind = models.CharField(max_length=30, choices=EmailKind.choices, default=EmailKind.ACCOUNT)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    recipients = models.JSONField(default=list)  # to + cc + bcc, for the record
    message = models.JSONField(default=dict)  # the whole message until it is sent, then {}
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {', '.join(self.recipients)}"

    @property
    def shown_subject(self) -> str:
        return "" if self.kind in PRIVATE_SUBJECT_KINDS else self.subject


class JobKind(models.TextChoices):
    SURVEY_REMINDERS = "survey_reminders", "Reminders to people who have not answered"
    OVERDUE_ACTIONS = "overdue_actions", "Overdue actions to their owners"
    COACHING_NUDGES = "coaching_nudges", "Nudges for stalled coaching"
    OPEN_CLOSE_WAVES = "open_close_waves", "Open and close questionnaires on their planned dates"
    REDRAW_REPORTS = "redraw_reports", "Redraw released report PDFs after data changes"
    RETENTION_PURGE = "retention_purge", "Erase data past its retention date"
    BACKUP = "backup", "Back up the database and files"


# Jobs of the whole install (no programme): the lead sees them, a superuser changes them.
INSTALL_KINDS = (
    JobKind.OPEN_CLOSE_WAVES,
    JobKind.REDRAW_REPORTS,
    JobKind.RETENTION_PURGE,
    JobKind.BACKUP,
)


class ScheduledJob(models.Model):
    """Work the worker does by itself: on `weekdays` (0 = Monday) at `time_of_day`, local time.

    `next_run_at` is the one moment it is due; claiming a run moves it to the next occurrence
    after now in one conditional UPDATE, so two workers never both run it and a worker that
    was off runs a missed job once, not once per missed occurrence.
    """

    # One job per kind and subject: "backup", "overdue_actions:programme:3",
    # "survey_reminders:wave:12" (unique on every database, where a constraint over nullable
    # foreign keys would not be).
    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=JobKind.choices)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="scheduled_jobs"
    )
    wave = models.ForeignKey(
        "surveys.Wave",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheduled_jobs",
    )
    enabled = models.BooleanField(default=True)
    weekdays = models.JSONField(default=list)  # [0, 3]: Mondays and Thursdays
    time_of_day = models.TimeField(default=dt.time(9, 0))
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=500, blank=True)
    last_ok = models.BooleanField(null=True)
    runs = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["programme_id", "kind", "wave_id", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class WorkerHeartbeat(models.Model):
    """One row per running worker, touched every loop: /readyz reads the freshest."""

    worker_id = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
