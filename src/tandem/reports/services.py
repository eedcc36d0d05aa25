"""Writes for reports: asking for a PDF (queued once per version of the data), freezing the
programme evaluation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.audit.services import audit_record
from tandem.programmes.models import Programme
from tandem.reports.models import FrozenEvaluation, PdfStatus, ReportKind, ReportPDF
from tandem.reports.pdf import fingerprint
from tandem.surveys.models import Wave


def report_pdf_request(*, kind: str, wave: Wave, other_wave: Wave | None = None) -> ReportPDF:
    """The PDF for the report's current data: the one already built or queued, or a new job.

    A PDF that failed is queued again. The job is enqueued after the transaction commits, so the
    worker always finds the record.
    """
    from tandem.reports.tasks import build_report_pdf

    waves = (wave, other_wave) if other_wave is not None else (wave,)
    current = fingerprint(*waves)
    with transaction.atomic():
        record = ReportPDF.objects.filter(
            kind=kind, wave=wave, other_wave=other_wave, fingerprint=current
        ).first()
        if record is not None and record.status != PdfStatus.FAILED:
            return record
        if record is None:
            try:
                with transaction.atomic():
                    record = ReportPDF.objects.create(
                        kind=kind, wave=wave, other_wave=other_wave, fingerprint=current
                    )
            except IntegrityError:  # another request queued it a moment ago
                return ReportPDF.objects.get(
                    kind=kind, wave=wave, other_wave=other_wave, fingerprint=current
                )
        else:
            record.status = PdfStatus.PENDING
            record.error = ""
            record.save(update_fields=["status", "error"])
        record_id = record.pk
        transaction.on_commit(lambda: build_report_pdf.enqueue(record_id))
    return record


def evaluation_freeze(*, programme: Programme, actor: Any) -> FrozenEvaluation:
    """Work out the evaluation's associations once, on the data as it stands, and keep them.

    Needs two closed stock takes of the same questionnaire; a programme is frozen once (a
    figure that was read must never move). The association is computed before the short
    transaction that stores it, so respondents' autosaves never wait behind the statistics.
    """
    from tandem.coaching.selectors import coaching_dose_for
    from tandem.reports.evaluation import dose_association, stock_take_pair
    from tandem.reports.feedback import build_comparison

    existing = FrozenEvaluation.objects.filter(programme=programme).first()
    if existing is not None:
        raise ValidationError(
            f"The evaluation was frozen on {existing.frozen_at:%-d %B %Y}; it does not change."
        )
    pair = stock_take_pair(programme)
    if pair is None:
        raise ValidationError(
            "The evaluation can be frozen once two stock takes of the same questionnaire have closed."
        )
    before, after = pair
    comparison = build_comparison(before, after)
    dose = dose_association(
        programme=programme,
        before=before,
        after=after,
        scales=comparison.shared_scales,
        dose_rows=coaching_dose_for(viewer=actor, programme=programme),
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                frozen = FrozenEvaluation.objects.create(
                    programme=programme,
                    before=before,
                    after=after,
                    frozen_by=actor if getattr(actor, "is_authenticated", False) else None,
                    dose=dose.as_json(),
                )
        except IntegrityError:
            raise ValidationError("The evaluation has just been frozen by someone else.") from None
        audit_record(
            action="evaluation.freeze",
            subject=frozen,
            actor=actor,
            programme=programme,
            extra={"before": before.pk, "after": after.pk, "shown": dose.association is not None},
        )
    return frozen


__all__ = ["ReportKind", "evaluation_freeze", "report_pdf_request"]
