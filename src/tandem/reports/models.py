"""Report PDFs, built in the background and kept until the data behind them changes."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from tandem.surveys.models import Wave


class ReportKind(models.TextChoices):
    FEEDBACK = "feedback", "Feedback report"
    COMPARISON = "comparison", "Comparison report"


class PdfStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportPDF(models.Model):
    """One built (or building) PDF. `fingerprint` changes whenever the report's data would."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="report_pdfs")
    other_wave = models.ForeignKey(
        Wave, on_delete=models.CASCADE, null=True, blank=True, related_name="comparison_pdfs"
    )
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    file = models.FileField(upload_to="reports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "wave", "other_wave", "fingerprint"],
                name="reports_pdf_once_per_fingerprint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for wave {self.wave_id}"


class FrozenEvaluation(models.Model):
    """Associations over individual data, worked out once when the lead froze the evaluation.

    A correlation recomputed whenever a coaching session is recorded would move by that one
    person's data, and a reader who knew whose session it was could work out their change
    (docs/design.md, "over time too"). So it is computed once, on the data as it stood, and kept:
    `dose` holds only what the report shows (n, r and its interval, rho, the sentence, or why it
    is hidden), never anyone's values. Nothing changes it afterwards.
    """

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="frozen_evaluation"
    )
    before = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    after = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dose = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Evaluation of {self.programme} frozen {self.frozen_at:%Y-%m-%d}"
