"""What every coaching page shares: finding the plan (and session) for this viewer, the
breadcrumbs, and the one form page.

Outsiders get 404 from `programme_page`; members without the right relation to a plan get 403
from `selectors.plan_for`, before anything about the plan is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from tandem.coaching import selectors
from tandem.coaching.models import CoachingSession
from tandem.coaching.selectors import CONFIDANTS, PlanView, Relation
from tandem.programmes.access import Access
from tandem.web import programme_page, render_page, service_form

COACH_ONLY = frozenset({Relation.COACH})


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST (even an empty one, which is then an invalid form)."""
    return request.POST if request.method == "POST" else None


def plan_page(
    request: HttpRequest, slug: str, plan_id: int, allow: Iterable[Relation] = CONFIDANTS
) -> tuple[Access, PlanView]:
    programme, access = programme_page(request, slug)
    return access, selectors.plan_for(
        viewer=request.user, programme=programme, plan_id=plan_id, allow=allow
    )


def session_page(
    request: HttpRequest,
    slug: str,
    plan_id: int,
    session_id: int,
    allow: Iterable[Relation] = CONFIDANTS,
) -> tuple[Access, PlanView, CoachingSession]:
    access, plan_view = plan_page(request, slug, plan_id, allow)
    return access, plan_view, selectors.session_for(plan_view=plan_view, session_id=session_id)


def plan_url(plan_view: PlanView) -> str:
    return reverse("coaching:plan", args=[plan_view.plan.programme.slug, plan_view.plan.pk])


def session_url(plan_view: PlanView, session: CoachingSession) -> str:
    plan = plan_view.plan
    return reverse("coaching:session", args=[plan.programme.slug, plan.pk, session.pk])


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    access: Access,
    plan_view: PlanView | None = None,
    status: int = 200,
) -> HttpResponse:
    """A coaching page, under Programmes › programme › Coaching; a page under a plan leads back
    to it, for the two people who may open it."""
    slug = access.programme.slug
    crumbs = [("Coaching", reverse("coaching:home", args=[slug]))]
    context.setdefault("programme", access.programme)
    if plan_view is not None:
        context.setdefault("plan_view", plan_view)
        if plan_view.relation in CONFIDANTS and template != "coaching/plan.jinja":
            crumbs.append((plan_view.plan.coachee.person.name, plan_url(plan_view)))
    return render_page(request, template, context, access=access, crumbs=crumbs, status=status)


def form_page(
    request: HttpRequest,
    access: Access,
    form: Form,
    template: str,
    context: dict[str, Any],
    *,
    save: Callable[[dict[str, Any]], Any],
    then: str | Callable[[Any], str],
    message: Callable[[Any], str] | str | None = None,
    plan_view: PlanView | None = None,
) -> HttpResponse:
    """The form on its page; a valid POST calls `save` (one service), says `message` and goes on
    to `then` (a URL, or one made from what `save` returned)."""
    return service_form(
        request,
        form,
        save=save,
        done=lambda result: redirect(then(result) if callable(then) else then),
        again=lambda bound: page(
            request, template, {**context, "form": bound}, access=access, plan_view=plan_view
        ),
        message=message,
    )
