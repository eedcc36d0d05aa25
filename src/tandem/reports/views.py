"""Feedback and comparison reports on the web and as PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.audit.services import audit_record
from tandem.programmes import selectors as programme_selectors
from tandem.reports import pdf, selectors
from tandem.reports.charts import comparison_charts, evaluation_charts, feedback_charts
from tandem.reports.evaluation import EVALUATION_ROLES, build_evaluation
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.reports.models import PdfStatus, ReportKind
from tandem.reports.services import evaluation_freeze, report_pdf_request
from tandem.surveys import selectors as survey_selectors
from tandem.surveys import services as survey_services


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    programme = context["programme"]
    context.setdefault("header_organisation", programme.organisation.name)
    context.setdefault(
        "can_manage", programme_selectors.can_manage(viewer=request.user, programme=programme)
    )
    context.setdefault(
        "breadcrumbs",
        [
            {"text": "Programmes", "href": reverse("programmes:list")},
            {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])},
            {"text": "Reports", "href": reverse("reports:index", args=[programme.slug])},
        ],
    )
    return render(request, template, context, status=status)


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    waves = selectors.reports_for(viewer=request.user, programme=programme)
    return _page(
        request,
        "reports/index.jinja",
        {
            "programme": programme,
            "waves": waves,
            "pairs": selectors.comparable_pairs(waves),
            "can_evaluate": bool(
                programme_selectors.viewer_roles(viewer=request.user, programme=programme)
                & EVALUATION_ROLES
            ),
            "page_title": "Reports",
            "breadcrumbs": [
                {"text": "Programmes", "href": reverse("programmes:list")},
                {
                    "text": programme.name,
                    "href": reverse("programmes:overview", args=[programme.slug]),
                },
            ],
        },
    )


@login_required
def feedback(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    wave = selectors.report_wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    report = build_feedback(wave)
    return _page(
        request,
        "reports/feedback.jinja",
        {
            "programme": programme,
            "wave": wave,
            "report": report,
            "charts": feedback_charts(report),
            "page_title": f"Feedback report: {wave.title}",
        },
    )


@login_required
def comparison(request: HttpRequest, slug: str, before_id: int, after_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    before, after = selectors.comparison_waves_for(
        viewer=request.user, programme=programme, before_id=before_id, after_id=after_id
    )
    report = build_comparison(before, after)
    return _page(
        request,
        "reports/comparison.jinja",
        {
            "programme": programme,
            "report": report,
            "charts": comparison_charts(report),
            "page_title": f"Comparison: {before.title} and {after.title}",
        },
    )


def _pdf_response(
    request: HttpRequest, context: dict[str, Any], record: Any, filename: str
) -> HttpResponseBase:
    if record.status == PdfStatus.READY and record.file:
        audit_record(
            actor=request.user,
            action="report.download",
            subject=record,
            programme=context["programme"],
            extra={"kind": record.kind, "format": "pdf"},
        )
        return FileResponse(
            record.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
    return _page(
        request,
        "reports/pdf_pending.jinja",
        context | {"record": record, "page_title": "Preparing the PDF"},
        status=202 if record.status == PdfStatus.PENDING else 500,
    )


@login_required
def feedback_pdf(request: HttpRequest, slug: str, wave_id: int) -> HttpResponseBase:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    wave = selectors.report_wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    record = report_pdf_request(kind=ReportKind.FEEDBACK, wave=wave)
    record.refresh_from_db()
    return _pdf_response(
        request,
        {"programme": programme, "back": reverse("reports:feedback", args=[slug, wave.pk])},
        record,
        f"tandem-feedback-{programme.slug}-wave-{wave.pk}.pdf",
    )


@login_required
def comparison_pdf(
    request: HttpRequest, slug: str, before_id: int, after_id: int
) -> HttpResponseBase:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    before, after = selectors.comparison_waves_for(
        viewer=request.user, programme=programme, before_id=before_id, after_id=after_id
    )
    record = report_pdf_request(kind=ReportKind.COMPARISON, wave=before, other_wave=after)
    record.refresh_from_db()
    return _pdf_response(
        request,
        {
            "programme": programme,
            "back": reverse("reports:comparison", args=[slug, before.pk, after.pk]),
        },
        record,
        f"tandem-comparison-{programme.slug}-{before.pk}-{after.pk}.pdf",
    )


@login_required
@require_POST
def release(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
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
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    report = build_evaluation(viewer=request.user, programme=programme)
    return _page(
        request,
        "reports/evaluation.jinja",
        {
            "programme": programme,
            "report": report,
            "charts": evaluation_charts(report),
            "page_title": "Programme evaluation",
        },
    )


@login_required
@require_POST
def evaluation_freeze_view(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
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
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug)
    # Rendered before the transaction: on SQLite an atomic block holds the write lock, and the
    # ~6 s of WeasyPrint would stall every respondent's autosave. The audit row is written before
    # the PDF is handed over, so no download goes unrecorded.
    report = build_evaluation(viewer=request.user, programme=programme)
    content = pdf.evaluation_pdf(report)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="report.evaluation.download",
            subject=programme,
            programme=programme,
            extra={"format": "pdf", "bytes": len(content)},
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tandem-evaluation-{programme.slug}.pdf"'
    )
    return response
