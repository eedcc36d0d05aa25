"""Feedback and comparison reports on the web and as PDF, and the programme evaluation.

Built on the page layer (`tandem.web`): `programme_page` finds the programme and the viewer's
access, `render_page` draws the frame (header, navigation, breadcrumbs), `audited_download`
hands over the evaluation PDF after its audit row. Who may read which report is decided in
`selectors` (and `evaluation.evaluation_viewer_check`), what a report shows by its builder.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.audit.services import audit_record
from tandem.programmes.access import Access
from tandem.reports import pdf, selectors
from tandem.reports.charts import comparison_charts, evaluation_charts, feedback_charts
from tandem.reports.evaluation import EVALUATION_ROLES, build_evaluation
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.reports.models import PdfStatus, ReportKind, ReportPDF
from tandem.reports.services import evaluation_freeze, report_pdf_request
from tandem.surveys import selectors as survey_selectors
from tandem.surveys import services as survey_services
from tandem.web import audited_download, programme_page, render_page
from tandem.web.downloads import safe_filename
from tandem.web.pages import SectionPage

PDF = "application/pdf"


page = SectionPage("Reports", "reports:index")


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    waves = selectors.reports_for(viewer=request.user, programme=programme)
    return render_page(
        request,
        "reports/index.jinja",
        {
            "programme": programme,
            "waves": waves,
            "pairs": selectors.comparable_pairs(waves),
            "can_evaluate": access.has(*EVALUATION_ROLES),
            "can_export_research": access.can_manage,
            "page_title": "Reports",
        },
        access=access,
    )


@login_required
def feedback(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    wave = selectors.report_wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    report = build_feedback(wave)
    return page(
        request,
        "reports/feedback.jinja",
        {
            "wave": wave,
            "report": report,
            "charts": feedback_charts(report),
            "page_title": f"Feedback report: {wave.title}",
        },
        access=access,
    )


@login_required
def comparison(request: HttpRequest, slug: str, before_id: int, after_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    before, after = selectors.comparison_waves_for(
        viewer=request.user, programme=programme, before_id=before_id, after_id=after_id
    )
    report = build_comparison(before, after)
    return page(
        request,
        "reports/comparison.jinja",
        {
            "report": report,
            "charts": comparison_charts(report),
            "page_title": f"Comparison: {before.title} and {after.title}",
        },
        access=access,
    )


def _report_pdf(
    request: HttpRequest, access: Access, record: ReportPDF, *, filename: str, back: str
) -> HttpResponseBase:
    """The report's PDF once the worker has made it (audited, streamed from storage), else a
    page saying it is being made (202) or could not be (500).

    `?status` answers only whether it is ready, as JSON, for the pending page's script: it hands
    over nothing, so it is not audited as a download."""
    if "status" in request.GET:
        ready = record.status == PdfStatus.READY and bool(record.file)
        return JsonResponse({"status": "ready" if ready else record.status})
    if record.status == PdfStatus.READY and record.file:
        # Not `audited_download`: that takes the bytes, and a stored PDF is streamed from storage.
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="report.download",
                subject=record,
                programme=access.programme,
                extra={"kind": record.kind, "format": "pdf"},
            )
        return FileResponse(
            record.file.open("rb"),
            as_attachment=True,
            filename=safe_filename(filename),
            content_type=PDF,
        )
    return page(
        request,
        "reports/pdf_pending.jinja",
        {
            "back": back,
            "record": record,
            "status_url": f"{request.path}?status",
            "page_title": "Preparing the PDF",
        },
        access=access,
        status=202 if record.status == PdfStatus.PENDING else 500,
    )


@login_required
def feedback_pdf(request: HttpRequest, slug: str, wave_id: int) -> HttpResponseBase:
    programme, access = programme_page(request, slug)
    wave = selectors.report_wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    record = report_pdf_request(kind=ReportKind.FEEDBACK, wave=wave)
    record.refresh_from_db()
    return _report_pdf(
        request,
        access,
        record,
        filename=f"tandem-feedback-{programme.slug}-wave-{wave.pk}.pdf",
        back=reverse("reports:feedback", args=[slug, wave.pk]),
    )


@login_required
def comparison_pdf(
    request: HttpRequest, slug: str, before_id: int, after_id: int
) -> HttpResponseBase:
    programme, access = programme_page(request, slug)
    before, after = selectors.comparison_waves_for(
        viewer=request.user, programme=programme, before_id=before_id, after_id=after_id
    )
    record = report_pdf_request(kind=ReportKind.COMPARISON, wave=before, other_wave=after)
    record.refresh_from_db()
    return _report_pdf(
        request,
        access,
        record,
        filename=f"tandem-comparison-{programme.slug}-{before.pk}-{after.pk}.pdf",
        back=reverse("reports:comparison", args=[slug, before.pk, after.pk]),
    )


@login_required
@require_POST
def release(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
    wave = survey_selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    try:
        if request.POST.get("withdraw"):
            survey_services.wave_withdraw(wave=wave)
            messages.success(
                request, f"Withdrew the report for “{wave.title}”: only you can see it now."
            )
        else:
            survey_services.wave_release(wave=wave, actor=request.user)
            messages.success(
                request, f"Released the report for “{wave.title}” to everyone in the programme."
            )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("reports:feedback", slug=slug, wave_id=wave.pk)


@login_required
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    report = build_evaluation(viewer=request.user, programme=programme)
    return page(
        request,
        "reports/evaluation.jinja",
        {
            "report": report,
            "charts": evaluation_charts(report),
            "page_title": "Programme evaluation",
        },
        access=access,
    )


@login_required
@require_POST
def evaluation_freeze_view(request: HttpRequest, slug: str) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
    try:
        frozen = evaluation_freeze(programme=programme, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"Froze the evaluation on {frozen.frozen_at:%-d %B %Y}: its association between "
            "coaching and change will not move again.",
        )
    return redirect("reports:evaluation", slug=slug)


@login_required
def evaluation_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    programme, _ = programme_page(request, slug)
    # Built before the audit row's transaction: on SQLite an atomic block holds the write lock,
    # and the ~6 s of WeasyPrint would stall every respondent's autosave.
    report = build_evaluation(viewer=request.user, programme=programme)
    return audited_download(
        actor=request.user,
        content=pdf.evaluation_pdf(report),
        filename=f"tandem-evaluation-{programme.slug}.pdf",
        content_type=PDF,
        action="report.evaluation.download",
        subject=programme,
        programme=programme,
        extra={"format": "pdf"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def research_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The de-identified research dataset (tandem.reports.research): what it holds, then the ZIP."""
    from tandem.reports.research import build_research_export, research_zip

    programme, access = programme_page(request, slug, manage=True)
    export = build_research_export(programme)
    if request.method == "POST" and export.release is not None:
        released = export.release
        return audited_download(
            actor=request.user,
            content=research_zip(export, viewer=request.user),
            filename=f"tandem-research-{programme.slug}.zip",
            content_type="application/zip",
            action="report.research_export.download",
            subject=programme,
            programme=programme,
            extra={
                "people": released.people,
                "rows": len(released.rows),
                "kept": released.kept,
                "waves": [w.pk for w in export.waves],
            },
        )
    return page(
        request,
        "reports/research_export.jinja",
        {"export": export, "page_title": "Research data export"},
        access=access,
        status=200 if request.method == "GET" or export.release is not None else 400,
    )
