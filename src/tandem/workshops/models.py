"""Away days and what the group agrees at them: the charter of practices, the common mission,
each pair's role agreement, actions with owners, pair observations, evaluations, and the recurring
meetings whose pulse shows whether the "effective meetings" practice sticks.

Agreements are versioned rather than edited: each away day adds a version, so the history of what
was agreed when is kept and a later revision can be shown against the one before it.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.programmes.models import Pair, Participant, Programme
from tandem.surveys.models import Wave

USEFULNESS_MIN = 1
USEFULNESS_MAX = 5
# Two weeks: long enough for people who were away on the day's follow-up week, short enough that
# the results still inform the next away day's planning.
EVALUATION_WINDOW = dt.timedelta(days=14)


class AwayDay(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="away_days")
    title = models.CharField(max_length=200)
    date = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    objectives = models.TextField(blank=True)
    outcomes = models.TextField(blank=True, help_text="What the day achieved, in a few lines.")
    # Feedback is taken from the day itself until the end of this date, and its results are
    # shown only afterwards: a result read while people still give feedback, and read again
    # after one more person has, would give that person's answers away (docs/design.md, privacy).
    evaluation_closes_on = models.DateField(
        "feedback closes on", help_text="The last day people can give feedback on the day."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%-d %B %Y})"

    def evaluation_is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.date <= today <= self.evaluation_closes_on

    def evaluation_has_closed(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return today > self.evaluation_closes_on

    def evaluation_window_message(self, today: dt.date | None = None) -> str:
        """Why feedback cannot be given today, in words, or "" while it can."""
        today = today or timezone.localdate()
        closes = f"{self.evaluation_closes_on:%-d %B %Y}"
        if today < self.date:
            return (
                f"Feedback on this day opens on the day itself, {self.date:%-d %B %Y}, and "
                f"closes at the end of {closes}."
            )
        if self.evaluation_has_closed(today):
            return (
                f"Feedback on this day closed on {closes}. It is no longer taken, so that the "
                "results, once shown, never change."
            )
        return ""


class AgendaItem(models.Model):
    away_day = models.ForeignKey(AwayDay, on_delete=models.CASCADE, related_name="agenda_items")
    starts_at = models.TimeField()
    title = models.CharField(max_length=200)
    facilitator = models.CharField(max_length=200, blank=True)
    # Stock-take results to discuss: a released wave and, optionally, one of its scales.
    wave = models.ForeignKey(
        Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scale_id = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering: ClassVar = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.title}"

    @property
    def scale_title(self) -> str:
        if self.wave is None or not self.scale_id:
            return ""
        scale = self.wave.instrument.scales.get(self.scale_id)
        return scale.title if scale is not None else self.scale_id


class AwayDayInvitation(models.Model):
    """Who was invited, and whether they came (None until the lead records attendance)."""

    away_day = models.ForeignKey(AwayDay, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["participant__person__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["away_day", "participant"], name="workshops_invited_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} at {self.away_day}"


def material_upload_to(instance: Material, filename: str) -> str:
    # The stored name never uses the uploader's file name: it could hold anything.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"workshops/{instance.away_day_id}/{dt.date.today():%Y%m%d}-{instance.kind}.{suffix}"


class Material(models.Model):
    away_day = models.ForeignKey(AwayDay, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # pdf, docx, pptx, xlsx, png, jpeg
    file = models.FileField(upload_to=material_upload_to)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class AgreedPractice(models.Model):
    """One practice of the charter; its wording lives in versions."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="practices")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        current = self.versions.order_by("-number").first()
        return current.title if current else f"Practice {self.pk}"


class PracticeVersion(models.Model):
    practice = models.ForeignKey(AgreedPractice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # RESTRICT, not PROTECT: deleting the whole programme still deletes its agreements.
    away_day = models.ForeignKey(AwayDay, on_delete=models.RESTRICT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField()
    why_it_matters = models.TextField()
    owner = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    how_we_know = models.TextField("how we will know it is being kept")
    retired = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["practice_id", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "number"], name="workshops_practice_v"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class MissionVersion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="missions")
    # RESTRICT, not PROTECT: deleting the whole programme still deletes its agreements.
    away_day = models.ForeignKey(AwayDay, on_delete=models.RESTRICT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["away_day__date", "id"]

    def __str__(self) -> str:
        return f"Mission agreed at {self.away_day}"


class Responsibility(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    MANAGER = "manager", "Manager"
    BOTH = "both", "Both"
    NEITHER = "neither", "Neither"


# The areas of running a service every role agreement covers; pairs add their own.
STANDARD_AREAS: tuple[str, ...] = (
    "Clinical quality and governance",
    "Budget",
    "Workforce",
    "Service development",
    "Performance",
    "External relations",
)


class RoleAgreement(models.Model):
    """One version of a pair's agreement on who leads, supports and is consulted, per area."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="role_agreements")
    # RESTRICT, not PROTECT: deleting the whole programme still deletes its agreements.
    away_day = models.ForeignKey(AwayDay, on_delete=models.RESTRICT, related_name="+")
    number = models.PositiveSmallIntegerField()
    doctor_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["pair_id", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["pair", "number"], name="workshops_role_agreement_v"),
        ]

    def __str__(self) -> str:
        return f"Role agreement {self.number} of {self.pair}"

    @property
    def agreed(self) -> bool:
        return self.doctor_confirmed_at is not None and self.manager_confirmed_at is not None


class RoleArea(models.Model):
    agreement = models.ForeignKey(RoleAgreement, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=200)
    leads = models.CharField(max_length=10, choices=Responsibility.choices)
    supports = models.CharField(max_length=10, choices=Responsibility.choices)
    consulted = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["agreement_id", "position"]

    def __str__(self) -> str:
        return self.area


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


ACTIVE_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    away_day = models.ForeignKey(
        AwayDay, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    pair = models.ForeignKey(
        Pair, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in ACTIVE_STATUSES and self.due_on < today


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["written_on", "id"]

    def __str__(self) -> str:
        return f"Update on {self.action} ({self.written_on})"


class PairObservation(models.Model):
    """Notes one pair wrote after watching another handle a situation: the two pairs' own."""

    observing_pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="+")
    observed_pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="+")
    away_day = models.ForeignKey(
        AwayDay, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    situation = models.CharField(max_length=300)
    notes = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(observing_pair=models.F("observed_pair")),
                name="workshops_observe_another_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"Observation {self.pk}"


class Evaluation(models.Model):
    """One person's feedback on an away day. Only ever reported in aggregate (k-suppressed);
    the participant link exists to stop a second submission, and no page shows it."""

    away_day = models.ForeignKey(AwayDay, on_delete=models.CASCADE, related_name="evaluations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    usefulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(USEFULNESS_MIN), MaxValueValidator(USEFULNESS_MAX)]
    )
    keep = models.TextField(blank=True)
    change = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["away_day", "participant"], name="workshops_evaluate_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of {self.away_day}"


class RecurringMeeting(models.Model):
    """A meeting that recurs (e.g. the monthly locality business meeting), with its pulse waves."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="recurring_meetings"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    waves = models.ManyToManyField(Wave, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name
