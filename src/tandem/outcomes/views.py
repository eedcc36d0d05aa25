"""Service outcome pages: the programme's services, a service's SPC charts, KPI set-up and import.

Every view starts from `programme_page` (404 for people outside the programme) and a selector
that refuses, with 403, roles the rule in `selectors` leaves out. No page needs JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.outcomes import selectors, services
from tandem.outcomes.forms import ComparisonServicesForm, KpiForm, KpiImportForm, KpiValueForm
from tandem.outcomes.importer import ImportFileError, plan_kpi_import, template_csv
from tandem.outcomes.models import Kpi, KpiValue
from tandem.programmes.forms import ImportConfirmForm
from tandem.programmes.models import Milestone, Programme
from tandem.web import Crumb, programme_page, render_page, service_form
from tandem.web.uploads import EXPIRED, stash_upload, stashed_upload


def _section(programme: Programme) -> Crumb:
    return ("Service outcomes", reverse("outcomes:index", args=[programme.slug]))


@login_required
@require_GET
def index(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    rows = selectors.programme_outcomes(viewer=request.user, programme=programme)
    comparison_rows = selectors.comparison_outcomes(viewer=request.user, programme=programme)
    return render_page(
        request,
        "outcomes/index.jinja",
        {
            "programme": programme,
            "rows": rows,
            "comparison_rows": comparison_rows,
            "page_title": "Service outcomes",
        },
        access=access,
    )


@login_required
@require_GET
def service(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    found, charts = selectors.service_outcomes(
        viewer=request.user, programme=programme, service_id=service_id
    )
    milestones = list(Milestone.objects.filter(programme=programme).order_by("start_date", "id"))
    return render_page(
        request,
        "outcomes/service.jinja",
        {
            "programme": programme,
            "service": found,
            "charts": charts,
            "milestones": milestones,
            "page_title": f"{found.name}: outcomes",
        },
        access=access,
        crumbs=[_section(programme)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request: HttpRequest, slug: str, kpi_id: int | None = None) -> HttpResponse:
    programme, access = programme_page(request, slug)
    selectors.require_manager(viewer=request.user, programme=programme)
    kpi = (
        None
        if kpi_id is None
        else selectors.kpi_for(viewer=request.user, programme=programme, kpi_id=kpi_id, manage=True)
    )
    comparison_services = list(selectors.comparison_services(programme=programme))
    form = KpiForm(
        request.POST if request.method == "POST" else None,
        services=list(selectors.programme_services(programme=programme)),
        milestones=list(Milestone.objects.filter(programme=programme).order_by("start_date")),
        kpi=kpi,
        comparison_services=comparison_services,
        # A comparison service's own KPI is not compared with others.
        comparison_kpis=[]
        if kpi is not None and kpi.service_id in {s.pk for s in comparison_services}
        else list(
            Kpi.objects.filter(service__in=comparison_services)
            .select_related("service", "locality")
            .order_by("service__name", "name")
        ),
    )

    def save(data: dict[str, Any]) -> Kpi:
        fields = {
            "name": data["name"],
            "unit": data["unit"],
            "direction": data["direction"],
            "category": data["category"],
            "frequency": data["frequency"],
            "target": data["target"],
            "measure": data["measure"],
            "seasonal": data["seasonal"],
        }
        if kpi is None:
            service_obj, locality = data["owner"]
            return services.kpi_create(
                service=service_obj,
                locality=locality,
                rebase_milestones=form.chosen_milestones(),
                programme=programme,
                comparisons=form.chosen_comparisons(),
                **fields,
            )
        return services.kpi_update(
            kpi=kpi,
            rebase_milestones=form.chosen_milestones(),
            programme=programme,
            comparisons=form.chosen_comparisons(),
            **fields,
        )

    def page(form: Form) -> HttpResponse:
        title = "Add a KPI" if kpi is None else f"Edit {kpi.name}"
        return render_page(
            request,
            "outcomes/kpi_edit.jinja",
            {"programme": programme, "form": form, "kpi": kpi, "page_title": title},
            access=access,
            crumbs=[_section(programme)],
        )

    return service_form(
        request,
        form,
        save=save,
        done=lambda saved: redirect("outcomes:kpi_values", slug=slug, kpi_id=saved.pk),
        again=page,
        message=lambda saved: f"Saved the KPI “{saved.name}”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_values(request: HttpRequest, slug: str, kpi_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    kpi = selectors.kpi_for(viewer=request.user, programme=programme, kpi_id=kpi_id, manage=True)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "outcomes/kpi_values.jinja",
            {
                "programme": programme,
                "kpi": kpi,
                "form": form,
                "values": list(KpiValue.objects.filter(kpi=kpi).order_by("-period")),
                "page_title": f"{kpi.name}: values",
            },
            access=access,
            crumbs=[_section(programme)],
        )

    return service_form(
        request,
        KpiValueForm(request.POST if request.method == "POST" else None),
        save=lambda data: services.kpi_value_set(
            kpi=kpi, period=data["period"], value=data["value"], programme=programme
        ),
        done=lambda _stored: redirect("outcomes:kpi_values", slug=slug, kpi_id=kpi.pk),
        again=page,
        message=lambda stored: f"Saved {kpi.name} for {stored.period:%d %B %Y}: {stored.value:g}.",
    )


@login_required
@require_POST
def kpi_value_delete(request: HttpRequest, slug: str, kpi_id: int, value_id: int) -> HttpResponse:
    programme, _access = programme_page(request, slug)
    kpi = selectors.kpi_for(viewer=request.user, programme=programme, kpi_id=kpi_id, manage=True)
    stored = KpiValue.objects.filter(kpi=kpi, pk=value_id).first()
    if stored is None:
        raise Http404("No such value of this KPI.")
    services.kpi_value_delete(value=stored, programme=programme)
    messages.success(request, f"Deleted {kpi.name} for {stored.period:%d %B %Y}.")
    return redirect("outcomes:kpi_values", slug=slug, kpi_id=kpi.pk)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: upload. The file is kept in storage (not in this process) until it is confirmed."""
    programme, access = programme_page(request, slug, manage=True)
    form = KpiImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        stash = stash_upload(
            request, programme=programme, kind="kpis", upload=form.cleaned_data["file"]
        )
        return redirect("outcomes:import_preview", slug=slug, token=stash.token)
    return render_page(
        request,
        "outcomes/import.jinja",
        {"programme": programme, "form": form, "page_title": "Import KPI values"},
        access=access,
        crumbs=[_section(programme)],
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_import_preview(request: HttpRequest, slug: str, token: uuid.UUID) -> HttpResponse:
    """Step 2: every problem by row, or what will be added; confirming writes it all at once."""
    programme, access = programme_page(request, slug, manage=True)
    stash = stashed_upload(programme=programme, kind="kpis", token=token)
    filename = stash.info(request)
    if filename is None:
        messages.info(request, EXPIRED)
        return redirect("outcomes:import", slug=slug)
    data = stash.read()
    crumbs = [_section(programme), ("Import KPI values", reverse("outcomes:import", args=[slug]))]
    try:
        plan = plan_kpi_import(programme=programme, data=data, filename=filename)
    except ImportFileError as exc:
        stash.discard_file()
        return render_page(
            request,
            "outcomes/import_preview.jinja",
            {
                "programme": programme,
                "file_error": str(exc),
                "filename": filename,
                "page_title": "Import KPI values – problems",
            },
            access=access,
            crumbs=crumbs,
            status=400,
        )
    if request.method == "POST" and ImportConfirmForm(request.POST).is_valid() and plan.is_valid:
        added = services.kpi_values_import_commit(
            programme=programme, plan=plan, actor=request.user
        )
        stash.drop(request)
        messages.success(
            request,
            f"Imported {filename}: {added} new values, {plan.count('unchanged')} already recorded.",
        )
        return redirect("outcomes:index", slug=slug)
    return render_page(
        request,
        "outcomes/import_preview.jinja",
        {
            "programme": programme,
            "plan": plan,
            "filename": filename,
            "token": token,
            "errors_by_row": plan.errors_by_row(),
            "page_title": "Import KPI values – check"
            if plan.is_valid
            else "Import KPI values – problems",
        },
        access=access,
        crumbs=crumbs,
        status=200 if plan.is_valid else 400,
    )


@login_required
@require_GET
def kpi_import_template(request: HttpRequest, slug: str) -> HttpResponse:
    # A blank template, not data leaving the building: not audited, so not `audited_download`.
    programme_page(request, slug, manage=True)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-kpi-values-template.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def comparisons(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead marks which of the organisation's other services are comparisons."""
    programme, access = programme_page(request, slug, manage=True)
    candidates = selectors.comparison_candidates(programme=programme)
    form = ComparisonServicesForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        chosen=list(selectors.comparison_services(programme=programme)),
    )

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "outcomes/comparisons.jinja",
            {
                "programme": programme,
                "form": form,
                "candidates": candidates,
                "page_title": "Comparison services",
            },
            access=access,
            crumbs=[_section(programme)],
        )

    return service_form(
        request,
        form,
        save=lambda data: services.comparison_services_set(
            programme=programme, services=form.chosen(), actor=request.user
        ),
        done=lambda _saved: redirect("outcomes:index", slug=slug),
        again=page,
        message=lambda saved: (
            f"{len(saved)} comparison {'service' if len(saved) == 1 else 'services'} chosen."
        ),
    )
