"""Background work for reports: a PDF is built by the database task worker (`tandem worker`)."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from tandem.reports import pdf
from tandem.reports.models import PdfStatus, ReportKind, ReportPDF

logger = logging.getLogger(__name__)


@task()
def build_report_pdf(report_pdf_id: int) -> None:
    record = (
        ReportPDF.objects.select_related("wave__programme", "other_wave")
        .filter(pk=report_pdf_id)
        .first()
    )
    if record is None or record.status == PdfStatus.READY:
        return
    try:
        if record.kind == ReportKind.FEEDBACK:
            content = pdf.feedback_pdf(record.wave)
            name = f"feedback-wave-{record.wave_id}.pdf"
        else:
            assert record.other_wave is not None
            content = pdf.comparison_pdf(record.wave, record.other_wave)
            name = f"comparison-{record.wave_id}-{record.other_wave_id}.pdf"
    except Exception as exc:  # recorded for the page to report; the worker carries on
        logger.exception("Building report PDF %s failed", report_pdf_id)
        ReportPDF.objects.filter(pk=record.pk).update(
            status=PdfStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    record.file.save(name, ContentFile(content), save=False)
    record.status = PdfStatus.READY
    record.finished_at = timezone.now()
    record.save(update_fields=["file", "status", "finished_at"])
