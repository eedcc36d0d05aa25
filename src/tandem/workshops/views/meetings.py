"""Meeting effectiveness: tracked recurring meetings and their month-by-month trend."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.web import programme_page
from tandem.workshops import selectors, services, trends
from tandem.workshops.forms import MeetingForm
from tandem.workshops.views.pages import FormPage, form_page, page


@login_required
@require_GET
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    found = selectors.meetings_for(viewer=request.user, programme=programme)
    # With one meeting, its trend is the page; "?all=1" shows the list (to add another).
    if len(found) == 1 and not request.GET.get("all"):
        return redirect("workshops:meeting", slug=slug, meeting_id=found[0].pk)
    return page(
        request,
        "workshops/meetings.jinja",
        {"meetings": found, "page_title": "Meeting effectiveness"},
        access=access,
    )


@login_required
@require_GET
def meeting(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    found = selectors.meeting_for(viewer=request.user, programme=programme, meeting_id=meeting_id)
    trend = trends.meeting_trend(found)
    return page(
        request,
        "workshops/meeting.jinja",
        {
            "trend": trend,
            "chart": trends.trend_chart_svg(trend),
            "page_title": f"Meeting effectiveness: {found.name}",
        },
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    return form_page(
        request,
        access,
        MeetingForm(request.POST or None, programme=programme),
        FormPage(
            "Track a recurring meeting",
            "Save",
            reverse("workshops:meetings", args=[slug]) + "?all=1",
            intro="Attach the meeting checks people filled in after this meeting, to follow its "
            "effectiveness month by month.",
        ),
        save=lambda data: services.recurring_meeting_create(programme=programme, **data),
        then=lambda found: reverse("workshops:meeting", args=[slug, found.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    found = selectors.meeting_for(viewer=request.user, programme=programme, meeting_id=meeting_id)
    initial = {"name": found.name, "description": found.description, "waves": found.waves.all()}
    return form_page(
        request,
        access,
        MeetingForm(request.POST or None, programme=programme, initial=initial),
        FormPage(
            "Change the meeting",
            "Save",
            reverse("workshops:meeting", args=[slug, found.pk]),
            caption=found.name,
        ),
        save=lambda data: services.recurring_meeting_update(meeting=found, **data),
    )
