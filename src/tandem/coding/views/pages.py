"""What every coding page shares: the lead's programme and wave, the "Coding" breadcrumb (and the
wave's, on pages under it), and the code choices every form offers.

Built on the page layer (`tandem.web`): `programme_page(manage=True)` finds the programme first
(404 outside it, 403 for its other members), `render_page` draws the common frame.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tandem.coding import selectors
from tandem.programmes.access import Access
from tandem.programmes.models import Programme
from tandem.surveys.models import Wave
from tandem.web import Crumb, programme_page, render_page


def lead_page(request: HttpRequest, slug: str) -> tuple[Programme, Access]:
    """The programme, for its lead only: people outside it get 404, its other members 403."""
    return programme_page(request, slug, manage=True)


def lead_wave(request: HttpRequest, slug: str, wave_id: int) -> tuple[Access, Wave]:
    """The programme's lead and the wave they code (refused until it has closed)."""
    programme, access = lead_page(request, slug)
    wave = selectors.coding_wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    return access, wave


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    access: Access,
    under: Wave | None = None,
    status: int = 200,
) -> HttpResponse:
    """A coding page, under Programmes › programme › Coding (› the wave, for its pages)."""
    programme = access.programme
    crumbs: list[Crumb] = [("Coding", reverse("coding:codebook", args=[programme.slug]))]
    if under is not None:
        crumbs.append((under.title, reverse("coding:wave", args=[programme.slug, under.pk])))
    context.setdefault("programme", programme)
    return render_page(request, template, context, access=access, crumbs=crumbs, status=status)


def code_choices(programme: Programme) -> dict[str, Any]:
    """The codes a form offers, labelled by their place in the tree."""
    return {
        "codes": selectors.codes_for(programme=programme),
        "paths": selectors.code_paths(programme=programme),
    }


def posted(request: HttpRequest) -> Any:
    """The submitted data on a POST, else None (an unbound form)."""
    return request.POST if request.method == "POST" else None
