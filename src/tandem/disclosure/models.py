"""The disclosure ledger: every population a figure has been shown over, per scope and measure.

A row is written the first time any page, PDF, export or API answer shows a figure over that
population; it is never changed or deleted while the programme exists (an erasure keeps it, as it
keeps the numbers). Members are participant ids (and, for a response imported unmatched, minus
its invitation's id: `surveys.models.respondent_key`): the ledger holds nothing that the answers
table does not already say, and ids stay stable when keys are rotated (keyed hashes would not,
and a rotation would then silently empty the ledger's protection).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tandem.programmes.models import Programme


class DisclosedPopulation(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="disclosed_populations"
    )
    scope = models.CharField(max_length=120, help_text="Where the data comes from, e.g. wave:12.")
    measure = models.CharField(max_length=160, help_text="What is computed, e.g. scale:trust.")
    digest = models.CharField(max_length=64)
    members = models.JSONField(help_text="Participant ids of the people in the population, sorted.")
    size = models.PositiveIntegerField()
    surface = models.CharField(max_length=120, help_text="Where it was first shown.")
    first_shown_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["programme", "scope", "measure", "digest"],
                name="disclosure_population_once",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["programme", "scope"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.measure} over {self.size} people"
