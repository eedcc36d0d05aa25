"""One coaching plan: its page for the coach and coachee, its schedule (the lead too), goals,
concerns, and the sponsor's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.coaching import selectors, services
from tandem.coaching.forms import ConcernForm, GoalForm, ReviewForm
from tandem.coaching.views.pages import COACH_ONLY, form_page, page, plan_page, plan_url, posted
from tandem.web import programme_page


@never_cache
@login_required
@require_GET
def plan(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    access, plan_view = plan_page(request, slug, plan_id)
    detail = selectors.plan_detail(plan_view=plan_view)
    title = (
        "Your coaching"
        if plan_view.is_coachee
        else f"Coaching: {plan_view.plan.coachee.person.name}"
    )
    return page(
        request,
        "coaching/plan.jinja",
        {"detail": detail, "page_title": title},
        access=access,
        plan_view=plan_view,
    )


@login_required
@require_GET
def schedule(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    found = selectors.schedule_for(viewer=request.user, programme=programme, plan_id=plan_id)
    return page(
        request,
        "coaching/schedule.jinja",
        {
            "schedule": found,
            "page_title": f"Coaching schedule: {found.view.plan.coachee.person.name}",
        },
        access=access,
        plan_view=found.view,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    access, plan_view = plan_page(request, slug, plan_id)
    return form_page(
        request,
        access,
        GoalForm(posted(request)),
        "coaching/goal_form.jinja",
        {"page_title": "Add a development goal"},
        save=lambda data: services.goal_add(plan=plan_view.plan, **data),
        then=plan_url(plan_view),
        message=lambda goal: f"Added the goal “{goal.name}”.",
        plan_view=plan_view,
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    access, plan_view = plan_page(request, slug, plan_id, COACH_ONLY)
    return form_page(
        request,
        access,
        ConcernForm(posted(request)),
        "coaching/concern_form.jinja",
        {"page_title": "Raise a concern"},
        save=lambda data: services.concern_raise(plan=plan_view.plan, reason=data["reason"]),
        then=plan_url(plan_view),
        message="Raised a concern. The sponsor will see it in their review.",
        plan_view=plan_view,
    )


@login_required
@require_POST
def concern_resolve(request: HttpRequest, slug: str, plan_id: int, concern_id: int) -> HttpResponse:
    _, plan_view = plan_page(request, slug, plan_id, COACH_ONLY)
    concern = selectors.concern_for(plan_view=plan_view, concern_id=concern_id)
    services.concern_resolve(concern=concern)
    messages.success(request, "Marked the concern as resolved.")
    return redirect(plan_url(plan_view))


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The sponsor's review of a plan, with the form recording a review meeting."""
    programme, access = programme_page(request, slug)
    found = selectors.sponsor_review_for(viewer=request.user, programme=programme, plan_id=plan_id)
    return form_page(
        request,
        access,
        ReviewForm(posted(request)),
        "coaching/review.jinja",
        {
            "review": found,
            "page_title": f"Coaching review: {found.view.plan.coachee.person.name}",
        },
        save=lambda data: services.review_record(
            plan=found.view.plan,
            sponsor=selectors.sponsor_participant(viewer=request.user, programme=programme),
            **data,
        ),
        then=reverse("coaching:review", args=[slug, plan_id]),
        message="Recorded the review meeting.",
        plan_view=found.view,
    )
