"""Coaching pages. Every view finds the programme and then the plan through a selector for this
viewer, so the confidentiality rule (selectors.py) cannot be skipped by a view.

Outsiders get 404 from `programme_for`; members without the right relation to a plan get 403
from `plan_for`, before anything about the plan is read.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.audit.services import audit_record
from tandem.coaching import ics, selectors, services
from tandem.coaching.forms import (
    ConcernForm,
    GoalForm,
    NoteForm,
    PlanForm,
    RatingForm,
    ReviewForm,
    SessionForm,
    SessionLogForm,
    SettingsForm,
    ThemePrivacyForm,
)
from tandem.coaching.models import Attendance, CoachingSession
from tandem.coaching.selectors import PlanView, Relation
from tandem.exports import safe_row
from tandem.programmes.models import Programme, Role
from tandem.programmes.selectors import (
    can_manage,
    programme_for,
    viewer_roles,
)

COACH_ONLY = frozenset({Relation.COACH})


def _form_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    programme: Programme = context["programme"]
    context.setdefault("header_organisation", programme.organisation.name)
    context.setdefault("can_manage", can_manage(viewer=request.user, programme=programme))
    crumbs = [
        {"text": "Programmes", "href": reverse("programmes:list")},
        {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])},
        {"text": "Coaching", "href": reverse("coaching:home", args=[programme.slug])},
    ]
    plan_view: PlanView | None = context.get("plan_view")
    # Pages under a plan lead back to it, for the two people who may open it.
    if (
        plan_view is not None
        and plan_view.relation in selectors.CONFIDANTS
        and template != "coaching/plan.jinja"
    ):
        crumbs.append(
            {
                "text": plan_view.plan.coachee.person.name,
                "href": reverse("coaching:plan", args=[programme.slug, plan_view.plan.pk]),
            }
        )
    context.setdefault("breadcrumbs", crumbs)
    return render(request, template, context, status=status)


def _plan(
    request: HttpRequest, slug: str, plan_id: int, allow: frozenset[Relation] = selectors.CONFIDANTS
) -> tuple[Programme, PlanView]:
    programme = programme_for(viewer=request.user, slug=slug)
    return programme, selectors.plan_for(
        viewer=request.user, programme=programme, plan_id=plan_id, allow=allow
    )


def _session(
    request: HttpRequest,
    slug: str,
    plan_id: int,
    session_id: int,
    allow: frozenset[Relation] = selectors.CONFIDANTS,
) -> tuple[Programme, PlanView, CoachingSession]:
    programme, plan_view = _plan(request, slug, plan_id, allow)
    return programme, plan_view, selectors.session_for(plan_view=plan_view, session_id=session_id)


def _to_session(
    programme: Programme, plan_view: PlanView, session: CoachingSession
) -> HttpResponse:
    return redirect(
        "coaching:session", slug=programme.slug, plan_id=plan_view.plan.pk, session_id=session.pk
    )


# ---------------------------------------------------------------------------------------------
# Landing, lead and sponsor overview, settings, assigning coaches
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """Each role's own way in: coaches to their coachees, participants to their own plan."""
    programme = programme_for(viewer=request.user, slug=slug)
    roles = viewer_roles(viewer=request.user, programme=programme)
    if Role.COACH in roles:
        return redirect("coaching:coachees", slug=slug)
    if roles & {Role.PROGRAMME_LEAD, Role.SPONSOR}:
        return redirect("coaching:overview", slug=slug)
    plan = selectors.own_plan(viewer=request.user, programme=programme)
    if plan is not None:
        return redirect("coaching:plan", slug=slug, plan_id=plan.pk)
    return _render(
        request,
        "coaching/no_plan.jinja",
        {"programme": programme, "page_title": "Your coaching"},
    )


@login_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    coaching = selectors.programme_coaching(viewer=request.user, programme=programme)
    return _render(
        request,
        "coaching/overview.jinja",
        {"programme": programme, "coaching": coaching, "page_title": "Coaching"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_settings(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    current = selectors.settings_for_lead(viewer=request.user, programme=programme)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "planned_sessions": current.planned_sessions,
            "stalled_after_days": current.stalled_after_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.coaching_settings_update(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Saved the coaching settings.")
            return redirect("coaching:overview", slug=slug)
    return _render(
        request,
        "coaching/settings.jinja",
        {"programme": programme, "form": form, "page_title": "Coaching settings"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    coachees, coaches = selectors.plan_candidates(programme=programme)
    form = PlanForm(
        request.POST if request.method == "POST" else None, coachees=coachees, coaches=coaches
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(**form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"{plan.coach.person.name} now coaches {plan.coachee.person.name} "
                f"({plan.planned_sessions} sessions planned).",
            )
            return redirect("coaching:overview", slug=slug)
    return _render(
        request,
        "coaching/plan_form.jinja",
        {"programme": programme, "form": form, "page_title": "Assign a coach"},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
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
    programme = programme_for(viewer=request.user, slug=slug)
    rows = selectors.coaching_dose_for(viewer=request.user, programme=programme)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "participant",
            "profession",
            "coach",
            "sessions planned",
            "sessions attended",
            "cancelled",
            "did not attend",
            "weeks in coaching",
        ]
    )
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
    audit_record(
        actor=request.user,
        action="coaching_dose.export",
        subject=programme,
        extra={"format": "csv", "rows": len(rows)},
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-coaching-dose.csv"'
    return response


# ---------------------------------------------------------------------------------------------
# Coach and coachee
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def coachees(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    states = selectors.coachees_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "coaching/coachees.jinja",
        {"programme": programme, "states": states, "page_title": "Your coachees"},
    )


@never_cache
@login_required
@require_GET
def plan(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme, plan_view = _plan(request, slug, plan_id)
    detail = selectors.plan_detail(plan_view=plan_view)
    title = (
        "Your coaching"
        if plan_view.is_coachee
        else f"Coaching: {plan_view.plan.coachee.person.name}"
    )
    return _render(
        request,
        "coaching/plan.jinja",
        {"programme": programme, "plan_view": plan_view, "detail": detail, "page_title": title},
    )


@login_required
@require_GET
def schedule(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    found = selectors.schedule_for(viewer=request.user, programme=programme, plan_id=plan_id)
    return _render(
        request,
        "coaching/schedule.jinja",
        {
            "programme": programme,
            "plan_view": found.view,
            "schedule": found,
            "page_title": f"Coaching schedule: {found.view.plan.coachee.person.name}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme, plan_view = _plan(request, slug, plan_id)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_add(plan=plan_view.plan, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Added the goal “{goal.name}”.")
            return redirect("coaching:plan", slug=slug, plan_id=plan_id)
    return _render(
        request,
        "coaching/goal_form.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "form": form,
            "page_title": "Add a development goal",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme, plan_view = _plan(request, slug, plan_id, COACH_ONLY)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(plan=plan_view.plan, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"Booked a session on {session.local_start:%-d %B %Y at %H:%M}."
            )
            return _to_session(programme, plan_view, session)
    return _render(
        request,
        "coaching/session_form.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "form": form,
            "page_title": "Book a session",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    programme, plan_view, session = _session(request, slug, plan_id, session_id, COACH_ONLY)
    initial = {
        "date": session.local_start.date(),
        "time": session.local_start.time(),
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "video_link": session.video_link,
    }
    form = SessionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_reschedule(session=session, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                "Saved the new time and place. Send the invitation again so that calendars update.",
            )
            return _to_session(programme, plan_view, session)
    return _render(
        request,
        "coaching/session_form.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "session": session,
            "form": form,
            "page_title": "Change the session",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_GET
def session_detail(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    programme, plan_view, session = _session(request, slug, plan_id, session_id)
    themes = selectors.session_themes(plan_view=plan_view, session=session)
    notes = selectors.coaching_notes_for(viewer=request.user, plan_view=plan_view, session=session)
    ratings = selectors.session_ratings(plan_view=plan_view, session=session)
    number = selectors.session_number(session=session)
    return _render(
        request,
        "coaching/session.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "session": session,
            "number": number,
            "themes": themes,
            "notes": notes,
            "goals": selectors.goals_of(plan_view=plan_view),
            "ratings": ratings,
            "privacy_form": ThemePrivacyForm(themes=themes),
            "page_title": f"Session {number}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_log(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    programme, plan_view, session = _session(request, slug, plan_id, session_id, COACH_ONLY)
    themes = [t.name for t in selectors.session_themes(plan_view=plan_view, session=session)]
    offered = {value for value, _ in SessionLogForm.base_fields["themes"].choices}  # type: ignore[attr-defined]
    form = SessionLogForm(
        request.POST if request.method == "POST" else None,
        initial={
            "attendance": session.attendance if session.attendance != Attendance.SCHEDULED else "",
            "themes": [t for t in themes if t in offered],
            "other_themes": ", ".join(t for t in themes if t not in offered),
            "actions_agreed": session.actions_agreed,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_log(
                session=session,
                attendance=form.cleaned_data["attendance"],
                themes=form.theme_names(),
                actions_agreed=form.cleaned_data["actions_agreed"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"Recorded the session as “{session.get_attendance_display()}”."
            )
            return _to_session(programme, plan_view, session)
    return _render(
        request,
        "coaching/session_log.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "session": session,
            "form": form,
            "page_title": "Record the session",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    """The viewer's own note on the session (the coach's or the coachee's)."""
    programme, plan_view, session = _session(request, slug, plan_id, session_id)
    author = str(plan_view.relation)
    if request.method == "POST":
        form = NoteForm(request.POST)
    else:
        own = selectors.coaching_notes_for(
            viewer=request.user,
            plan_view=plan_view,
            session=session,
            authors=[author],
        )
        form = NoteForm(initial={"text": own[0].text} if own else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_save(session=session, author=author, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Saved your note. Only the two of you can read it.")
            return _to_session(programme, plan_view, session)
    return _render(
        request,
        "coaching/note_form.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "session": session,
            "form": form,
            "page_title": "Your note on this session",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    programme, plan_view, session = _session(request, slug, plan_id, session_id)
    goals = selectors.goals_of(plan_view=plan_view)
    rater = str(plan_view.relation)
    current = selectors.session_ratings(plan_view=plan_view, session=session)
    form = RatingForm(
        request.POST if request.method == "POST" else None,
        goals=goals,
        initial={f"goal_{g.pk}": current.get((g.pk, rater)) for g in goals},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_rate(session=session, rater=rater, ratings=form.ratings())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Saved your progress ratings.")
            return redirect("coaching:plan", slug=slug, plan_id=plan_id)
    return _render(
        request,
        "coaching/rate_form.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "session": session,
            "form": form,
            "attended": session.attendance == Attendance.ATTENDED,
            "page_title": "Rate progress on your goals",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def themes_private(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    programme, plan_view, session = _session(
        request, slug, plan_id, session_id, frozenset({Relation.COACHEE})
    )
    form = ThemePrivacyForm(
        request.POST, themes=selectors.session_themes(plan_view=plan_view, session=session)
    )
    if form.is_valid():
        count = services.themes_mark_private(session=session, private_ids=form.private_ids())
        messages.success(
            request,
            f"{count} {'theme is' if count == 1 else 'themes are'} now hidden from the sponsor.",
        )
    else:
        messages.error(request, "Choose among this session's themes.")
    return _to_session(programme, plan_view, session)


@never_cache
@login_required
@require_GET
def session_ics(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    _, _, session = _session(
        request, slug, plan_id, session_id, frozenset({*selectors.CONFIDANTS, Relation.LEAD})
    )
    body = ics.session_calendar(session=session, number=selectors.session_number(session=session))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.session_filename(session)}"'
    return response


@login_required
@require_POST
def session_send(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    programme, plan_view, session = _session(request, slug, plan_id, session_id, COACH_ONLY)
    try:
        sent = services.session_invitation_send(
            session=session, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if sent:
            messages.success(
                request, f"E-mailed the invitation to {plan_view.plan.coachee.person.name}."
            )
        else:
            messages.error(request, "The invitation could not be sent. Try again later.")
    return _to_session(programme, plan_view, session)


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme, plan_view = _plan(request, slug, plan_id, COACH_ONLY)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_raise(plan=plan_view.plan, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Raised a concern. The sponsor will see it in their review.")
            return redirect("coaching:plan", slug=slug, plan_id=plan_id)
    return _render(
        request,
        "coaching/concern_form.jinja",
        {
            "programme": programme,
            "plan_view": plan_view,
            "form": form,
            "page_title": "Raise a concern",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def concern_resolve(request: HttpRequest, slug: str, plan_id: int, concern_id: int) -> HttpResponse:
    _, plan_view = _plan(request, slug, plan_id, COACH_ONLY)
    concern = selectors.concern_for(plan_view=plan_view, concern_id=concern_id)
    services.concern_resolve(concern=concern)
    messages.success(request, "Marked the concern as resolved.")
    return redirect("coaching:plan", slug=slug, plan_id=plan_id)


# ---------------------------------------------------------------------------------------------
# Sponsor review
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    found = selectors.sponsor_review_for(viewer=request.user, programme=programme, plan_id=plan_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                plan=found.view.plan,
                sponsor=selectors.sponsor_participant(viewer=request.user, programme=programme),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Recorded the review meeting.")
            return redirect("coaching:review", slug=slug, plan_id=plan_id)
    return _render(
        request,
        "coaching/review.jinja",
        {
            "programme": programme,
            "plan_view": found.view,
            "review": found,
            "form": form,
            "page_title": f"Coaching review: {found.view.plan.coachee.person.name}",
        },
        status=400 if form.errors else 200,
    )
