"""A person's type in a programme: from Tandem's indicator or assessed elsewhere, and who may see it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from tandem.analysis.typology import changed_letters
from tandem.programmes.models import Participant


class TypeSource(models.TextChoices):
    INDICATOR = "indicator", "Tandem type indicator"
    EXTERNAL = "external", "Assessed elsewhere"


class IndicatorResponse(models.Model):
    """A participant's answers to the indicator (item id → 1…5), kept for reliability checks.

    Individual answers: read only by scoring and by the lead's aggregate reliability figures,
    never shown to anyone (docs/design.md, privacy model). Retaking the indicator replaces them.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="indicator_response"
    )
    instrument_version = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Indicator answers of {self.participant.person}"


class TypeProfile(models.Model):
    """The participant's current type: reported (scored or entered) and confirmed best fit.

    `reported_type` may hold X (no clear preference) or ? (too few answers) for an indicator
    result; `best_fit_type` is "" until the person confirms four letters. Until `shared` is set
    by the person, only they and their coach see any of it.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="type_profile"
    )
    source = models.CharField(max_length=20, choices=TypeSource.choices)
    reported_type = models.CharField(max_length=4)
    best_fit_type = models.CharField(max_length=4, blank=True)
    # Per pair: {"total", "answered", "n_items"} for an indicator result; empty for an external one.
    scores = models.JSONField(default=dict, blank=True)
    instrument_version = models.PositiveSmallIntegerField(null=True, blank=True)
    external_source = models.CharField(max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    shared = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["participant__person__name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(shared=False) | ~models.Q(best_fit_type=""),
                name="typology_profile_shared_only_when_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.person}: {self.type_code or self.reported_type}"

    @property
    def is_external(self) -> bool:
        return self.source == TypeSource.EXTERNAL

    @property
    def type_code(self) -> str:
        """The type reports use: the best fit once confirmed, else "" (none yet)."""
        return self.best_fit_type

    @property
    def changed(self) -> tuple[str, ...]:
        if not self.best_fit_type:
            return ()
        return changed_letters(self.reported_type, self.best_fit_type)

    @property
    def source_label(self) -> str:
        if self.is_external:
            return f"Assessed elsewhere: {self.external_source}"
        return f"Tandem type indicator (version {self.instrument_version})"
