"""A coaching session: booking and changing it, its page, recording it, each one's note, the
progress ratings, which themes the sponsor sees, and its calendar invitation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.coaching import ics, selectors, services
from tandem.coaching.forms import (
    NoteForm,
    RatingForm,
    SessionForm,
    SessionLogForm,
    ThemePrivacyForm,
)
from tandem.coaching.models import Attendance, CoachingSession
from tandem.coaching.selectors import CONFIDANTS, Relation
from tandem.coaching.views.pages import (
    COACH_ONLY,
    form_page,
    page,
    plan_page,
    plan_url,
    posted,
    session_page,
    session_url,
)
from tandem.web import audited_download

RESCHEDULED = "Saved the new time and place. Send the invitation again so that calendars update."


@login_required
@require_http_methods(["GET", "POST"])
def session_form(
    request: HttpRequest, slug: str, plan_id: int, session_id: int | None = None
) -> HttpResponse:
    """The coach books a session or, given `session_id`, changes its time and place."""
    access, plan_view = plan_page(request, slug, plan_id, COACH_ONLY)
    context: dict[str, Any] = {"page_title": "Book a session"}
    session: CoachingSession | None = None
    initial = None
    if session_id is not None:
        session = selectors.session_for(plan_view=plan_view, session_id=session_id)
        context = {"session": session, "page_title": "Change the session"}
        initial = {
            "date": session.local_start.date(),
            "time": session.local_start.time(),
            "duration_minutes": session.duration_minutes,
            "place": session.place,
            "video_link": session.video_link,
        }
    form = SessionForm(posted(request), initial=initial)

    def save(_: dict[str, Any]) -> CoachingSession:
        if session is None:
            return services.session_schedule(plan=plan_view.plan, **form.service_kwargs())
        return services.session_reschedule(session=session, **form.service_kwargs())

    return form_page(
        request,
        access,
        form,
        "coaching/session_form.jinja",
        context,
        save=save,
        then=lambda saved: session_url(plan_view, saved),
        message=(
            (lambda booked: f"Booked a session on {booked.local_start:%-d %B %Y at %H:%M}.")
            if session is None
            else RESCHEDULED
        ),
        plan_view=plan_view,
    )


@never_cache
@login_required
@require_GET
def session_detail(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    access, plan_view, session = session_page(request, slug, plan_id, session_id)
    themes = selectors.session_themes(plan_view=plan_view, session=session)
    notes = selectors.coaching_notes_for(viewer=request.user, plan_view=plan_view, session=session)
    ratings = selectors.session_ratings(plan_view=plan_view, session=session)
    number = selectors.session_number(session=session)
    return page(
        request,
        "coaching/session.jinja",
        {
            "session": session,
            "number": number,
            "themes": themes,
            "notes": notes,
            "goals": selectors.goals_of(plan_view=plan_view),
            "ratings": ratings,
            "privacy_form": ThemePrivacyForm(themes=themes),
            "page_title": f"Session {number}",
        },
        access=access,
        plan_view=plan_view,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_log(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    access, plan_view, session = session_page(request, slug, plan_id, session_id, COACH_ONLY)
    themes = [t.name for t in selectors.session_themes(plan_view=plan_view, session=session)]
    offered = {value for value, _ in SessionLogForm.base_fields["themes"].choices}  # type: ignore[attr-defined]
    form = SessionLogForm(
        posted(request),
        initial={
            "attendance": session.attendance if session.attendance != Attendance.SCHEDULED else "",
            "themes": [t for t in themes if t in offered],
            "other_themes": ", ".join(t for t in themes if t not in offered),
            "actions_agreed": session.actions_agreed,
        },
    )
    return form_page(
        request,
        access,
        form,
        "coaching/session_log.jinja",
        {"session": session, "page_title": "Record the session"},
        save=lambda data: services.session_log(
            session=session,
            attendance=data["attendance"],
            themes=form.theme_names(),
            actions_agreed=data["actions_agreed"],
        ),
        then=session_url(plan_view, session),
        message=lambda logged: f"Recorded the session as “{logged.get_attendance_display()}”.",
        plan_view=plan_view,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    """The viewer's own note on the session (the coach's or the coachee's)."""
    access, plan_view, session = session_page(request, slug, plan_id, session_id)
    author = str(plan_view.relation)
    if request.method == "POST":
        form = NoteForm(request.POST)
    else:
        own = selectors.coaching_notes_for(
            viewer=request.user, plan_view=plan_view, session=session, authors=[author]
        )
        form = NoteForm(initial={"text": own[0].text} if own else None)
    return form_page(
        request,
        access,
        form,
        "coaching/note_form.jinja",
        {"session": session, "page_title": "Your note on this session"},
        save=lambda data: services.note_save(session=session, author=author, text=data["text"]),
        then=session_url(plan_view, session),
        message="Saved your note. Only the two of you can read it.",
        plan_view=plan_view,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    access, plan_view, session = session_page(request, slug, plan_id, session_id)
    goals = selectors.goals_of(plan_view=plan_view)
    rater = str(plan_view.relation)
    current = selectors.session_ratings(plan_view=plan_view, session=session)
    form = RatingForm(
        posted(request),
        goals=goals,
        initial={f"goal_{g.pk}": current.get((g.pk, rater)) for g in goals},
    )
    return form_page(
        request,
        access,
        form,
        "coaching/rate_form.jinja",
        {
            "session": session,
            "attended": session.attendance == Attendance.ATTENDED,
            "page_title": "Rate progress on your goals",
        },
        save=lambda _: services.progress_rate(session=session, rater=rater, ratings=form.ratings()),
        then=plan_url(plan_view),
        message="Saved your progress ratings.",
        plan_view=plan_view,
    )


@login_required
@require_POST
def themes_private(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    _, plan_view, session = session_page(
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
    return redirect(session_url(plan_view, session))


@never_cache
@login_required
@require_GET
def session_ics(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    access, _, session = session_page(
        request, slug, plan_id, session_id, frozenset({*CONFIDANTS, Relation.LEAD})
    )
    return audited_download(
        actor=request.user,
        content=ics.session_calendar(
            session=session, number=selectors.session_number(session=session)
        ),
        filename=ics.session_filename(session),
        content_type="text/calendar; charset=utf-8",
        action="coaching_session.calendar.download",
        subject=session,
        programme=access.programme,
    )


@login_required
@require_POST
def session_send(request: HttpRequest, slug: str, plan_id: int, session_id: int) -> HttpResponse:
    _, plan_view, session = session_page(request, slug, plan_id, session_id, COACH_ONLY)
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
    return redirect(session_url(plan_view, session))
