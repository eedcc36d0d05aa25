"""Role agreements: who in a pair leads, supports or is consulted in each area."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.web import programme_page
from tandem.workshops import selectors, services
from tandem.workshops.forms import RoleAgreementForm
from tandem.workshops.models import STANDARD_AREAS, Responsibility, RoleAgreement
from tandem.workshops.views.pages import FormPage, form_page, page


@login_required
@require_GET
def role_agreements(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    pairs = selectors.pairs_with_agreements_for(viewer=request.user, programme=programme)
    return page(
        request,
        "workshops/role_agreements.jinja",
        {"pairs": pairs, "page_title": "Role agreements"},
        access=access,
    )


@login_required
@require_GET
def role_agreement(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    view = selectors.role_agreement_for(viewer=request.user, programme=programme, pair_id=pair_id)
    return page(
        request,
        "workshops/role_agreement.jinja",
        {"view": view, "page_title": f"Role agreement: {view.pair.service}"},
        access=access,
    )


def _areas(current: RoleAgreement | None) -> list[dict[str, Any]]:
    """The rows the form starts with: the current version's, else the standard areas."""
    if current is None:
        return [{"area": name} for name in STANDARD_AREAS]
    return [
        {"area": a.area, "leads": a.leads, "supports": a.supports, "consulted": a.consulted}
        for a in current.areas.all()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def role_agreement_new(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    view = selectors.role_agreement_for(viewer=request.user, programme=programme, pair_id=pair_id)
    if not view.may_edit:
        raise selectors.WorkshopsAccessDenied("Only the pair and the lead write the agreement.")
    form = RoleAgreementForm(request.POST or None, programme=programme, areas=_areas(view.current))

    def save(data: dict[str, Any]) -> RoleAgreement:
        rows = [
            services.AreaInput(
                area=data[a].strip(), leads=data[lead], supports=data[sup], consulted=data[con]
            )
            for a, lead, sup, con in form.rows
            if (data.get(a) or "").strip()
        ]
        return services.role_agreement_record(pair=view.pair, away_day=data["away_day"], areas=rows)

    return form_page(
        request,
        access,
        form,
        FormPage(
            "Agree who does what",
            "Save this version",
            reverse("workshops:role_agreement", args=[slug, pair_id]),
            caption=str(view.pair.service),
            template="workshops/role_agreement_form.jinja",
            extra={"choices": Responsibility.choices},
        ),
        save=save,
        message="New version saved: each partner now confirms it.",
    )


@login_required
@require_POST
def role_agreement_confirm(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    view = selectors.role_agreement_for(viewer=request.user, programme=programme, pair_id=pair_id)
    if not view.viewer_side or view.current is None or access.participant is None:
        raise selectors.WorkshopsAccessDenied("Only the two partners confirm their agreement.")
    services.role_agreement_confirm(agreement=view.current, participant=access.participant)
    messages.success(request, "You have confirmed the agreement.")
    return redirect("workshops:role_agreement", slug=slug, pair_id=pair_id)
