"""Writes for coaching: each one keyword-only and atomic (docs/style.md).

Services trust that the view has already found the plan through a selector for this viewer;
they check the programme's own rules (a coach must be a coach, attendance cannot be logged for a
session still to come, a rating needs a session that took place).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.coaching import crypto, ics
from tandem.coaching.models import (
    RATING_MAX,
    RATING_MIN,
    Attendance,
    CoachingNote,
    CoachingPlan,
    CoachingSession,
    CoachingSettings,
    ConcernFlag,
    Goal,
    NoteAuthor,
    ProgressRating,
    SessionTheme,
    SkillArea,
    SponsorReview,
)
from tandem.coaching.selectors import coaching_settings_for, plan_states, session_number
from tandem.operations.mail import tag
from tandem.operations.models import EmailKind
from tandem.programmes.models import Participant, Programme, Role

logger = logging.getLogger(__name__)

MAX_NOTE_CHARS = 10_000
# A stalled plan is chased at most once a week, however often the lead presses the button.
REMINDER_INTERVAL = dt.timedelta(days=7)


@transaction.atomic
def coaching_settings_update(
    *, programme: Programme, planned_sessions: int, stalled_after_days: int
) -> CoachingSettings:
    """Change the programme's coaching rules. Existing plans keep their own number of sessions."""
    rules, _ = CoachingSettings.objects.get_or_create(programme=programme)
    rules.planned_sessions = planned_sessions
    rules.stalled_after_days = stalled_after_days
    rules.full_clean()
    rules.save()
    audit_record(action="coaching_settings.update", subject=rules, programme=programme)
    return rules


@transaction.atomic
def plan_create(
    *,
    coachee: Participant,
    coach: Participant,
    planned_sessions: int | None = None,
    started_on: dt.date | None = None,
) -> CoachingPlan:
    """Give a participant a coaching plan with a coach from the same programme."""
    programme = coachee.programme
    if coach.programme_id != programme.pk or coach.role != Role.COACH:
        raise ValidationError({"coach": f"{coach.person.name} is not a coach in this programme."})
    if coachee.role != Role.PARTICIPANT:
        raise ValidationError({"coachee": f"{coachee.person.name} is not a participant."})
    for field, member in (("coachee", coachee), ("coach", coach)):
        if member.person.erased_at is not None:
            raise ValidationError(
                {field: f"{member.person.name} has been withdrawn (their data was erased)."}
            )
    if CoachingPlan.objects.filter(coachee=coachee).exists():
        raise ValidationError({"coachee": f"{coachee.person.name} already has a coaching plan."})
    plan = CoachingPlan(
        programme=programme,
        coachee=coachee,
        coach=coach,
        planned_sessions=planned_sessions
        or coaching_settings_for(programme=programme).planned_sessions,
        started_on=started_on or timezone.localdate(),
    )
    plan.full_clean()
    plan.save()
    audit_record(action="coaching_plan.create", subject=plan)
    return plan


def _check_rating(value: int, field: str) -> None:
    if not RATING_MIN <= value <= RATING_MAX:
        raise ValidationError({field: f"Give a number from {RATING_MIN} to {RATING_MAX}."})


@transaction.atomic
def goal_add(
    *,
    plan: CoachingPlan,
    skill_area: str,
    start_rating: int,
    target_rating: int,
    custom_area: str = "",
    description: str = "",
) -> Goal:
    if skill_area not in SkillArea.values:
        raise ValidationError({"skill_area": "Choose a skill area."})
    custom_area = custom_area.strip()
    if skill_area == SkillArea.CUSTOM and not custom_area:
        raise ValidationError({"custom_area": "Name the skill area."})
    _check_rating(start_rating, "start_rating")
    _check_rating(target_rating, "target_rating")
    if target_rating < start_rating:
        raise ValidationError({"target_rating": "The target must be at least where you start."})
    goal = Goal.objects.create(
        plan=plan,
        skill_area=skill_area,
        custom_area=custom_area if skill_area == SkillArea.CUSTOM else "",
        description=description.strip(),
        start_rating=start_rating,
        target_rating=target_rating,
    )
    audit_record(action="coaching_goal.add", subject=goal, programme=plan.programme)
    return goal


def _check_where(place: str, video_link: str) -> None:
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": "Give a place to meet or a video link."})


@transaction.atomic
def session_schedule(
    *,
    plan: CoachingPlan,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    place: str = "",
    video_link: str = "",
) -> CoachingSession:
    """Book a session. Booking one for a stalled plan ends the stall."""
    _check_where(place, video_link)
    session = CoachingSession(
        plan=plan,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        video_link=video_link.strip(),
    )
    session.full_clean(exclude=["plan"])
    session.save()
    audit_record(action="coaching_session.schedule", subject=session, programme=plan.programme)
    return session


@transaction.atomic
def session_reschedule(
    *,
    session: CoachingSession,
    starts_at: dt.datetime,
    duration_minutes: int,
    place: str = "",
    video_link: str = "",
) -> CoachingSession:
    _check_where(place, video_link)
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.place = place.strip()
    session.video_link = video_link.strip()
    session.ics_sequence += 1
    session.full_clean(exclude=["plan"])
    session.save()
    audit_record(
        action="coaching_session.reschedule", subject=session, programme=session.plan.programme
    )
    return session


@transaction.atomic
def session_log(
    *,
    session: CoachingSession,
    attendance: str,
    themes: Iterable[str] = (),
    actions_agreed: str = "",
    now: dt.datetime | None = None,
) -> CoachingSession:
    """Record what happened: attendance, themes covered and actions agreed.

    Themes are replaced by the new list; one kept from before keeps the coachee's privacy mark.
    """
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choose what happened."})
    now = now or timezone.now()
    if attendance in {Attendance.ATTENDED, Attendance.NO_SHOW} and session.starts_at > now:
        raise ValidationError(
            {"attendance": "This session has not happened yet: it can only be booked or cancelled."}
        )
    names = list(dict.fromkeys(t.strip()[:120] for t in themes if t.strip()))
    if attendance != Attendance.ATTENDED and (names or actions_agreed.strip()):
        raise ValidationError(
            {"themes": "Themes and actions can only be recorded for a session that took place."}
        )
    if session.attendance != attendance:
        session.ics_sequence += 1
    session.attendance = attendance
    session.actions_agreed = actions_agreed.strip()
    session.save(update_fields=["attendance", "actions_agreed", "ics_sequence"])
    session.themes.exclude(name__in=names).delete()
    kept = set(session.themes.values_list("name", flat=True))
    SessionTheme.objects.bulk_create(
        [SessionTheme(session=session, name=name) for name in names if name not in kept]
    )
    audit_record(
        action="coaching_session.log",
        subject=session,
        programme=session.plan.programme,
        extra={"attendance": attendance},
    )
    return session


@transaction.atomic
def themes_mark_private(*, session: CoachingSession, private_ids: Iterable[int]) -> int:
    """The coachee's choice of which themes the sponsor must not see. Returns how many are private."""
    chosen = set(private_ids)
    themes = list(session.themes.all())
    unknown = chosen - {t.pk for t in themes}
    if unknown:
        raise ValidationError("Choose among this session's themes.")
    for theme in themes:
        theme.private = theme.pk in chosen
    SessionTheme.objects.bulk_update(themes, ["private"])
    audit_record(
        action="coaching_themes.mark_private",
        subject=session,
        programme=session.plan.programme,
        extra={"private": len(chosen)},
    )
    return len(chosen)


@transaction.atomic
def note_save(*, session: CoachingSession, author: str, text: str) -> CoachingNote:
    """Write (or replace) the coach's or the coachee's note on a session, encrypted."""
    if author not in NoteAuthor.values:
        raise ValidationError("Only the coach or the person coached writes notes.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the note, or go back without saving."})
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError({"text": f"Keep the note under {MAX_NOTE_CHARS:,} characters."})
    note, _ = CoachingNote.objects.update_or_create(
        session=session, author=author, defaults={"ciphertext": crypto.encrypt(text)}
    )
    audit_record(
        action="coaching_note.save",
        subject=note,
        programme=session.plan.programme,
        extra={"author": author, "session_id": session.pk},
    )
    return note


@transaction.atomic
def progress_rate(
    *, session: CoachingSession, rater: str, ratings: Mapping[int, int | None]
) -> int:
    """Rate progress on the plan's goals after a session. Returns how many ratings were stored."""
    if rater not in NoteAuthor.values:
        raise ValidationError("Only the coach or the person coached rates progress.")
    if session.attendance != Attendance.ATTENDED:
        raise ValidationError("Progress is rated after a session that took place.")
    goals = {g.pk: g for g in Goal.objects.filter(plan=session.plan_id)}
    stored = 0
    for goal_id, value in ratings.items():
        if goal_id not in goals:
            raise ValidationError("Rate this plan's goals only.")
        if value is None:
            ProgressRating.objects.filter(session=session, goal_id=goal_id, rater=rater).delete()
            continue
        _check_rating(value, f"goal_{goal_id}")
        ProgressRating.objects.update_or_create(
            session=session, goal=goals[goal_id], rater=rater, defaults={"rating": value}
        )
        stored += 1
    audit_record(
        action="coaching_progress.rate",
        subject=session,
        programme=session.plan.programme,
        extra={"rater": rater, "ratings": stored},
    )
    return stored


@transaction.atomic
def concern_raise(*, plan: CoachingPlan, reason: str) -> ConcernFlag:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly what the concern is about."})
    concern = ConcernFlag.objects.create(plan=plan, reason=reason[:300])
    audit_record(action="coaching_concern.raise", subject=concern, programme=plan.programme)
    return concern


@transaction.atomic
def concern_resolve(*, concern: ConcernFlag) -> ConcernFlag:
    if concern.resolved_at is None:
        concern.resolved_at = timezone.now()
        concern.save(update_fields=["resolved_at"])
        audit_record(
            action="coaching_concern.resolve", subject=concern, programme=concern.plan.programme
        )
    return concern


@transaction.atomic
def review_record(
    *, plan: CoachingPlan, sponsor: Participant, met_on: dt.date, next_steps: str
) -> SponsorReview:
    if sponsor.role != Role.SPONSOR or sponsor.programme_id != plan.programme_id:
        raise ValidationError("Only a sponsor of this programme records a review meeting.")
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": "Record a meeting that has taken place."})
    next_steps = next_steps.strip()
    if not next_steps:
        raise ValidationError({"next_steps": "Write the next steps you agreed."})
    review = SponsorReview.objects.create(
        plan=plan, sponsor=sponsor, met_on=met_on, next_steps=next_steps
    )
    audit_record(action="coaching_review.record", subject=review, programme=plan.programme)
    return review


def _base(base_url: str | None) -> str:
    return (base_url or settings.TANDEM_BASE_URL).rstrip("/")


def session_invitation_send(*, session: CoachingSession, base_url: str | None = None) -> bool:
    """E-mail the session's calendar invitation to the coachee (copied to the coach)."""
    plan = session.plan
    if session.attendance != Attendance.SCHEDULED:
        raise ValidationError("Only a booked session can be sent as an invitation.")
    number = session_number(session=session)
    link = _base(base_url) + reverse("coaching:plan", args=[plan.programme.slug, plan.pk])
    body = render_to_string(
        "coaching/email_invitation.txt",
        {"session": session, "plan": plan, "number": number, "link": link},
    )
    message = EmailMessage(
        subject=f"Coaching session {number}: {session.local_start:%-d %B %Y, %H:%M}",
        body=body,
        to=[plan.coachee.person.email],
        cc=[plan.coach.person.email],
        reply_to=[plan.coach.person.email],
    )
    tag(message, kind=EmailKind.COACHING_SESSION, programme=plan.programme_id)
    message.attach(
        ics.session_filename(session),
        ics.session_calendar(session=session, number=number, method="REQUEST", link=link),
        "text/calendar; method=REQUEST; charset=utf-8",
    )
    try:
        message.send()
    except OSError as exc:  # SMTP refused or unreachable: tell the coach, keep the session
        logger.warning("Could not send the invitation for coaching session %s: %s", session.pk, exc)
        return False
    with transaction.atomic():
        CoachingSession.objects.filter(pk=session.pk).update(invitation_sent_at=timezone.now())
        audit_record(action="coaching_session.invite", subject=session, programme=plan.programme)
    return True


@dataclass(frozen=True)
class RemindersSent:
    plans: int
    failed: list[str]


def reminders_send(
    *, programme: Programme, base_url: str | None = None, now: dt.datetime | None = None
) -> RemindersSent:
    """E-mail the coach and coachee of every stalled plan not reminded in the last week."""
    now = now or timezone.now()
    plans = CoachingPlan.objects.filter(programme=programme).select_related(
        "programme", "coach__person", "coachee__person"
    )
    stalled = [s for s in plan_states(plans=plans, programme=programme, now=now) if s.is_stalled]
    connection = get_connection()
    sent = 0
    failed: list[str] = []
    for state in stalled:
        plan = state.plan
        if plan.reminded_at is not None and now - plan.reminded_at < REMINDER_INTERVAL:
            continue
        if (
            plan.coachee.person.erased_at is not None
            or plan.coach.person.erased_at is not None
            or plan.coachee.left_on is not None
            or plan.coach.left_on is not None
        ):
            continue  # withdrawn or left: nobody is chased about their plan
        body = render_to_string(
            "coaching/email_reminder.txt",
            {
                "plan": plan,
                "state": state,
                "link": _base(base_url) + reverse("coaching:plan", args=[programme.slug, plan.pk]),
            },
        )
        message = EmailMessage(
            subject=f"{programme.name}: time to book the next coaching session",
            body=body,
            to=[plan.coachee.person.email, plan.coach.person.email],
            connection=connection,
        )
        tag(message, kind=EmailKind.COACHING_REMINDER, programme=programme)
        try:
            message.send()
        except OSError as exc:
            logger.warning("Could not send the coaching reminder for plan %s: %s", plan.pk, exc)
            failed.append(plan.coachee.person.name)
            continue
        CoachingPlan.objects.filter(pk=plan.pk).update(reminded_at=now)
        sent += 1
    if sent or failed:
        audit_record(
            action="coaching_reminders.send",
            subject=programme,
            extra={"sent": sent, "failed": len(failed)},
        )
    return RemindersSent(plans=sent, failed=failed)
