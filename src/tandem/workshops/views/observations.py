"""Pair observations: what one pair noticed about another, read only by the two pairs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.web import programme_page
from tandem.workshops import selectors, services
from tandem.workshops.forms import ObservationForm
from tandem.workshops.views.pages import FormPage, form_page, page


@login_required
@require_GET
def observations(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    with transaction.atomic():
        found = selectors.observations_for(viewer=request.user, programme=programme)
    return page(
        request,
        "workshops/observations.jinja",
        {"observations": found, "page_title": "Pair observations"},
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    own = selectors.observer_pair_for(viewer=request.user, programme=programme)
    return form_page(
        request,
        access,
        ObservationForm(request.POST or None, programme=programme, own_pair=own),
        FormPage(
            "Record an observation",
            "Save the observation",
            reverse("workshops:observations", args=[slug]),
            caption=str(own.service),
            intro="Only the members of your pair and of the pair you observed can read this.",
        ),
        save=lambda data: services.observation_record(
            observing_pair=own, actor=request.user, **data
        ),
        message="Observation saved: only your pair and theirs can read it.",
    )
