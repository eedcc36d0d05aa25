"""Feedback on an away day: the form for the people invited, the results for the lead and sponsors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.web import programme_page
from tandem.workshops import selectors, services
from tandem.workshops.forms import EvaluationForm
from tandem.workshops.views.pages import form_page, on_the_day, page

TITLE = "How was the away day?"


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    participant = selectors.evaluation_form_for(
        viewer=request.user, programme=programme, away_day=day
    )
    closed = day.evaluation_window_message()
    if closed:
        return page(
            request,
            "workshops/evaluation_closed.jinja",
            {"away_day": day, "message": closed, "page_title": TITLE},
            access=access,
            status=200 if request.method == "GET" else 400,
        )
    intro = (
        "Your answers are reported only together with others': no figure is shown for fewer "
        f"than {programme.min_group_size} people, and written answers only when at least "
        f"{programme.min_text_group_size} people have answered."
    )
    return form_page(
        request,
        access,
        EvaluationForm(request.POST or None),
        on_the_day(day, slug, TITLE, "Send feedback", intro=intro),
        save=lambda data: services.evaluation_submit(away_day=day, participant=participant, **data),
        message="Thank you: your feedback is counted only with others'.",
    )


@login_required
@require_GET
def evaluation_results(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    summary = selectors.evaluation_summary_for(
        viewer=request.user, programme=programme, away_day=day
    )
    return page(
        request,
        "workshops/evaluation_results.jinja",
        {"summary": summary, "page_title": f"Feedback on {day.title}"},
        access=access,
    )
