"""Service outcomes: KPI definitions per service (or locality) and their values over time.

KPIs are service-level aggregates (waiting times, spend, sickness rates), never data about a
person, so they carry no suppression; who may see them is decided in `selectors`.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from tandem.programmes.models import Locality, Milestone, Organisation, Service


class Category(models.TextChoices):
    CAPACITY = "capacity", "Capacity"
    PERFORMANCE = "performance", "Performance"
    FINANCE = "finance", "Finance"
    WORKFORCE = "workforce", "Workforce"
    QUALITY = "quality", "Quality"


class Direction(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    WEEKLY = "weekly", "Weekly"


class Measure(models.TextChoices):
    """How a KPI's impact is modelled (docs/methods.md, "Impact evaluation")."""

    VALUE = "value", "A measured value: a mean, a percentage, days, money"
    COUNT = "count", "A count of events: admissions, incidents, complaints"


# Sine/cosine pairs when a KPI is seasonal (docs/methods.md, "Impact evaluation").
SEASON_HARMONICS = 2


class Kpi(models.Model):
    """A measure of one service (or of a whole locality), read as an XmR chart."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="kpis")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="kpis", null=True, blank=True
    )
    locality = models.ForeignKey(
        Locality, on_delete=models.CASCADE, related_name="kpis", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, days, £k, beds")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    target = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    # Milestones after which the process is judged afresh (new centre line and limits). Chosen
    # by the programme lead per KPI: a new way of working changes some measures and not others.
    rebase_milestones = models.ManyToManyField(Milestone, blank=True, related_name="rebased_kpis")
    # A value is modelled with ordinary least squares (Newey–West errors); a count with
    # quasi-Poisson regression, its change read as a rate ratio.
    measure = models.CharField(max_length=5, choices=Measure.choices, default=Measure.VALUE)
    # Seasonal ups and downs (winter pressures, summer leave) modelled in the impact panel by
    # SEASON_HARMONICS pairs of Fourier terms of the month (period 12) or ISO week (period 52).
    seasonal = models.BooleanField(default=False)
    # The same measure in comparison services (not in the programme), chosen by the lead: the
    # controlled interrupted time series compares the change here with the change there.
    comparisons = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="compared_with"
    )

    class Meta:
        ordering: ClassVar = ["category", "name"]
        verbose_name = "KPI"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False, locality__isnull=True)
                | models.Q(service__isnull=True, locality__isnull=False),
                name="outcomes_kpi_service_or_locality",
            ),
            models.UniqueConstraint(
                "service",
                Lower("name"),
                condition=models.Q(service__isnull=False),
                name="outcomes_kpi_name_unique_in_service",
            ),
            models.UniqueConstraint(
                "locality",
                Lower("name"),
                condition=models.Q(locality__isnull=False),
                name="outcomes_kpi_name_unique_in_locality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_name})"

    @property
    def owner_name(self) -> str:
        owner = self.service if self.service_id else self.locality
        return str(owner)

    @property
    def unit_suffix(self) -> str:
        return "" if not self.unit else (self.unit if self.unit == "%" else f" {self.unit}")

    def clean(self) -> None:
        if bool(self.service_id) == bool(self.locality_id):
            raise ValidationError("A KPI belongs to either one service or one locality.")


class KpiValue(models.Model):
    """The KPI's value for one period (the month's or week's first day)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    period = models.DateField()
    value = models.FloatField()

    class Meta:
        ordering: ClassVar = ["kpi", "period"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kpi", "period"], name="outcomes_value_once_a_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.name} {self.period:%Y-%m-%d}: {self.value:g}"


class ComparisonService(models.Model):
    """A service of the organisation, not in the programme, whose KPIs serve as a comparison.

    Its KPIs are entered and imported as the programme's own are; only the programme's leads and
    sponsors see them (a participant sees their own services' figures only)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="comparison_services"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering: ClassVar = ["service__locality__name", "service__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["programme", "service"], name="outcomes_comparison_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} (comparison for {self.programme})"
