"""Writes for reports: asking for a PDF (queued once per version of the data)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from tandem.reports.models import PdfStatus, ReportKind, ReportPDF
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


__all__ = ["ReportKind", "report_pdf_request"]
