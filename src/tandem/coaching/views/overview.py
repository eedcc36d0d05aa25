"""Each role's way in, the lead's and sponsors' overview, the settings, assigning coaches,
reminders and the coaching-dose export."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.coaching import selectors, services
from tandem.coaching.forms import PlanForm, SettingsForm
from tandem.coaching.views.pages import form_page, page, posted
from tandem.exports import safe_row
from tandem.web import audited_download, programme_page

DOSE_COLUMNS = [
    "participant",
    "profession",
    "coach",
    "sessions planned",
    "sessions attended",
    "cancelled",
    "did not attend",
    "weeks in coaching",
]


@login_required
@require_GET
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """Each role's own way in: coaches to their coachees, participants to their own plan."""
    programme, access = programme_page(request, slug)
    if access.is_coach:
        return redirect("coaching:coachees", slug=slug)
    if access.oversees:
        return redirect("coaching:overview", slug=slug)
    plan = selectors.own_plan(viewer=request.user, programme=programme)
    if plan is not None:
        return redirect("coaching:plan", slug=slug, plan_id=plan.pk)
    return page(request, "coaching/no_plan.jinja", {"page_title": "Your coaching"}, access=access)


@login_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    coaching = selectors.programme_coaching(viewer=request.user, programme=programme)
    return page(
        request,
        "coaching/overview.jinja",
        {"coaching": coaching, "page_title": "Coaching"},
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_settings(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    current = selectors.settings_for_lead(viewer=request.user, programme=programme)
    initial = {
        "planned_sessions": current.planned_sessions,
        "stalled_after_days": current.stalled_after_days,
    }
    return form_page(
        request,
        access,
        SettingsForm(posted(request), initial=initial),
        "coaching/settings.jinja",
        {"page_title": "Coaching settings"},
        save=lambda data: services.coaching_settings_update(programme=programme, **data),
        then=reverse("coaching:overview", args=[slug]),
        message="Saved the coaching settings.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    coachees, coaches = selectors.plan_candidates(programme=programme)
    return form_page(
        request,
        access,
        PlanForm(posted(request), coachees=coachees, coaches=coaches),
        "coaching/plan_form.jinja",
        {"page_title": "Assign a coach"},
        save=lambda data: services.plan_create(**data),
        then=reverse("coaching:overview", args=[slug]),
        message=lambda plan: (
            f"{plan.coach.person.name} now coaches {plan.coachee.person.name} "
            f"({plan.planned_sessions} sessions planned)."
        ),
    )


@login_required
@require_POST
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
    result = services.reminders_send(programme=programme, base_url=request.build_absolute_uri("/"))
    text = (
        f"Sent reminders about {result.plans} stalled {'plan' if result.plans == 1 else 'plans'}."
    )
    if result.failed:
        text += f" Could not send for {', '.join(result.failed)}."
    messages.success(request, text)
    return redirect("coaching:overview", slug=slug)


@never_cache
@login_required
@require_GET
def dose_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Coaching dose for the evaluation: counts and weeks, no content."""
    programme, _ = programme_page(request, slug)
    rows = selectors.coaching_dose_for(viewer=request.user, programme=programme)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DOSE_COLUMNS)
    for row in sorted(rows.values(), key=lambda r: r.participant.person.name):
        writer.writerow(
            safe_row(
                [
                    row.participant.person.name,
                    row.participant.person.get_profession_display(),
                    row.coach_name,
                    row.planned,
                    row.dose.sessions_attended,
                    row.cancelled,
                    row.no_show,
                    row.dose.weeks_in_coaching,
                ]
            )
        )
    return audited_download(
        actor=request.user,
        content=out.getvalue().encode("utf-8"),
        filename=f"{programme.slug}-coaching-dose.csv",
        content_type="text/csv; charset=utf-8",
        action="coaching_dose.export",
        subject=programme,
        extra={"format": "csv", "rows": len(rows)},
    )


@login_required
@require_GET
def coachees(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    states = selectors.coachees_for(viewer=request.user, programme=programme)
    return page(
        request,
        "coaching/coachees.jinja",
        {"states": states, "page_title": "Your coachees"},
        access=access,
    )
