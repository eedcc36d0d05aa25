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


@task()
def draw_report_charts(wave_id: int) -> None:
    """Draw a wave's report charts ahead of its readers (into the "charts" cache, see
    tandem.charts.to_svg): the feedback report, and its comparison with each earlier wave it
    can be compared with. Run when a wave closes or its report is released, so that the first
    reader after release does not wait for the drawing."""
    from tandem.reports.charts import comparison_charts, feedback_charts
    from tandem.reports.feedback import build_comparison, build_feedback
    from tandem.reports.selectors import comparable
    from tandem.surveys.models import Wave

    wave = Wave.objects.select_related("programme").filter(pk=wave_id).first()
    if wave is None or not wave.has_closed():
        return
    feedback_charts(build_feedback(wave))
    earlier = Wave.objects.filter(programme=wave.programme, opens_on__lt=wave.opens_on)
    for before in earlier:
        if before.has_closed() and comparable(before, wave) is None:
            comparison_charts(build_comparison(before, wave))


def draw_charts_after_close_or_release(
    sender: object, instance: object, update_fields: frozenset[str] | None = None, **kwargs: object
) -> None:
    """post_save of a wave: queue `draw_report_charts` once its closing or release commits."""
    from django.conf import settings
    from django.db import transaction

    if not update_fields or not {"closed_at", "released_at"} & set(update_fields):
        return
    if not settings.TANDEM_DRAW_REPORTS_AHEAD:
        return
    wave_id = instance.pk  # type: ignore[attr-defined]
    transaction.on_commit(lambda: draw_report_charts.enqueue(wave_id))
