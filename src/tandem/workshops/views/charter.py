"""The charter of agreed practices and the common mission, and their exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.web import programme_page
from tandem.workshops import exports, selectors, services
from tandem.workshops.forms import MissionForm, PracticeForm
from tandem.workshops.views.pages import FormPage, away_day_initial, export, form_page, page


@login_required
@require_GET
def charter(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    entries = selectors.charter_for(viewer=request.user, programme=programme)
    missions = selectors.missions_for(viewer=request.user, programme=programme)
    return page(
        request,
        "workshops/charter.jinja",
        {
            "entries": entries,
            "mission": missions[-1] if missions else None,
            "page_title": "Our charter",
        },
        access=access,
    )


@login_required
@require_GET
def practice(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    entry = selectors.practice_for(
        viewer=request.user, programme=programme, practice_id=practice_id
    )
    return page(
        request,
        "workshops/practice.jinja",
        {"entry": entry, "page_title": entry.current.title},
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    return form_page(
        request,
        access,
        PracticeForm(request.POST or None, programme=programme, initial=away_day_initial(request)),
        FormPage(
            "Agree a practice", "Add to the charter", reverse("workshops:charter", args=[slug])
        ),
        save=lambda data: services.practice_agree(programme=programme, **data),
        message="Practice added to the charter.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_revise(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    entry = selectors.practice_for(
        viewer=request.user, programme=programme, practice_id=practice_id
    )
    current = entry.current
    initial = {
        "title": current.title,
        "description": current.description,
        "why_it_matters": current.why_it_matters,
        "how_we_know": current.how_we_know,
        "owner": current.owner_id,
    }
    return form_page(
        request,
        access,
        PracticeForm(request.POST or None, programme=programme, revising=True, initial=initial),
        FormPage(
            "Revise a practice",
            "Save the new version",
            reverse("workshops:practice", args=[slug, practice_id]),
            caption=current.title,
        ),
        save=lambda data: services.practice_revise(practice=entry.practice, **data),
        message="Practice revised; the earlier wording is kept in its history.",
    )


@login_required
@require_GET
def mission(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    missions = selectors.missions_for(viewer=request.user, programme=programme)
    return page(
        request,
        "workshops/mission.jinja",
        {"missions": list(reversed(missions)), "page_title": "Our mission"},
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mission_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    return form_page(
        request,
        access,
        MissionForm(request.POST or None, programme=programme, initial=away_day_initial(request)),
        FormPage(
            "Record the agreed mission",
            "Save the mission",
            reverse("workshops:mission", args=[slug]),
        ),
        save=lambda data: services.mission_agree(programme=programme, **data),
    )


@login_required
@require_GET
def charter_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    entries = selectors.charter_for(viewer=request.user, programme=programme)
    missions = selectors.missions_for(viewer=request.user, programme=programme)
    mission = missions[-1] if missions else None
    return export(
        request,
        access,
        what="charter",
        fmt=fmt,
        rows=len(entries),
        build={
            "pdf": lambda: exports.charter_pdf(
                programme=programme, entries=entries, mission=mission
            ),
            "xlsx": lambda: exports.charter_xlsx(entries),
        },
    )
