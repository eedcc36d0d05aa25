"""Coaching for the demo programme: a plan for every participant, four sessions each.

Lead consultants are coached by Nadia Foster and service managers by Owen Price. Sessions spread
over the programme's coaching milestone (May to December 2025); a few people's last session is
still to come (booked from today), and Gail Horsfield's coaching has stalled. A seeded generator
makes every build identical apart from the dates that are relative to today.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from tandem.coaching import services
from tandem.coaching.models import (
    Attendance,
    CoachingPlan,
    CoachingSession,
    Goal,
    NoteAuthor,
    SkillArea,
)
from tandem.programmes.models import (
    MilestoneKind,
    Participant,
    Profession,
    Programme,
    Role,
)

DOCTORS_COACH = "Nadia Foster"
MANAGERS_COACH = "Owen Price"
SPONSOR = "Dr Miriam Achebe"
STALLED = "Gail Horsfield"
# Their last planned session is booked after today: coaching that ran late.
STILL_TO_COME = ("Dr Ben Hartley", "Dr Chloe Whitfield", "Brian Doyle")
# A session cancelled and rebooked, and one missed.
CANCELLED_ONCE = ("Dr Dev Raman", "Esther Lamb")
NO_SHOW_ONCE = ("Femi Adeyemi",)

GOAL_AREAS = (
    SkillArea.INFLUENCING,
    SkillArea.COMMUNICATION,
    SkillArea.FINANCE,
    SkillArea.STRATEGIC_PLANNING,
    SkillArea.LEADERSHIP,
    SkillArea.MANAGING_CHANGE,
)
EXTRA_THEMES = (
    "Job planning",
    "Business meetings",
    "Working with commissioners",
    "Time management",
    "Giving feedback",
)
PRIVATE_THEME = "Relationship with the clinical director"
PLACES = ("Trust headquarters, meeting room 2", "Riverside Centre, room 4", "Fells House library")
VIDEO_LINK = "https://video.riverside-fells.example/coaching"

# (coachee, author, session number, text): a few notes, to see that only the two of them can.
NOTES: tuple[tuple[str, str, int, str], ...] = (
    (
        "Dr Amara Okafor",
        NoteAuthor.COACH,
        1,
        "Amara wants to influence the budget conversation earlier. Practised opening the "
        "business meeting with the service's case rather than the ward's problems.",
    ),
    (
        "Dr Amara Okafor",
        NoteAuthor.COACHEE,
        1,
        "Try: agree the agenda with Anna on Monday, and bring one figure I understand fully.",
    ),
    (
        "Anna Kowalski",
        NoteAuthor.COACH,
        2,
        "Anna feels she is told about clinical decisions last. Rehearsed asking for a standing "
        "slot in the consultants' meeting.",
    ),
)


def _window(programme: Programme) -> tuple[dt.date, dt.date]:
    milestone = (
        programme.milestones.filter(kind=MilestoneKind.COACHING).order_by("start_date").first()
    )
    if milestone is not None:
        return milestone.start_date, milestone.end_date or milestone.start_date + dt.timedelta(
            days=210
        )
    return programme.start_date, programme.start_date + dt.timedelta(days=210)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _session_days(rng: random.Random, start: dt.date, end: dt.date, planned: int) -> list[dt.date]:
    step = (end - start).days // planned
    days = []
    for i in range(planned):
        day = start + dt.timedelta(days=i * step + rng.randint(3, max(4, step - 7)))
        while day.weekday() >= 5:  # coaching happens on working days
            day += dt.timedelta(days=1)
        days.append(day)
    return days


def _rating_path(rng: random.Random, goal: Goal, sessions: int) -> list[int]:
    """Ratings that climb from the start towards the target, unevenly, as people's do."""
    path = []
    for i in range(1, sessions + 1):
        progress = goal.start_rating + (goal.target_rating - goal.start_rating) * i / 4
        path.append(max(1, min(10, round(progress + rng.uniform(-1, 0.6)))))
    return path


@transaction.atomic
def seed_coaching(*, programme: Programme) -> None:
    """Plans, goals, sessions, ratings, a few notes, one concern and two sponsor reviews."""
    rng = random.Random(2025)
    now = timezone.now()
    today = timezone.localdate()
    start, end = _window(programme)
    coaches = {
        p.person.name: p
        for p in Participant.objects.filter(programme=programme, role=Role.COACH).select_related(
            "person"
        )
    }
    sponsor = (
        Participant.objects.filter(programme=programme, role=Role.SPONSOR, person__name=SPONSOR)
        .select_related("person")
        .first()
    )
    coachees = list(
        Participant.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .select_related("person")
        .order_by("person__name")
    )
    plans: dict[str, CoachingPlan] = {}
    for coachee in coachees:
        name = coachee.person.name
        coach = coaches[
            DOCTORS_COACH if coachee.person.profession == Profession.DOCTOR else MANAGERS_COACH
        ]
        plan = services.plan_create(coachee=coachee, coach=coach, started_on=start)
        plans[name] = plan
        goals = [
            services.goal_add(
                plan=plan,
                skill_area=area,
                start_rating=(first := rng.randint(3, 5)),
                target_rating=min(10, first + rng.randint(3, 4)),
            )
            for area in rng.sample(GOAL_AREAS, k=rng.choice((2, 3)))
        ]
        days = _session_days(rng, start, end, plan.planned_sessions)
        if name == STALLED:
            # Two sessions early on, a cancellation, and nothing booked since.
            last = min(days[1], today - dt.timedelta(days=90))
            days = [min(days[0], last - dt.timedelta(days=35)), last, last + dt.timedelta(days=28)]
        if name in STILL_TO_COME:
            days[-1] = today + dt.timedelta(days=7 * (STILL_TO_COME.index(name) + 1))
        for number, day in enumerate(days, start=1):
            hour = rng.choice((9, 10, 14, 16))
            in_person = rng.random() < 0.6
            place = rng.choice(PLACES) if in_person else ""
            link = "" if in_person else VIDEO_LINK
            if (name in CANCELLED_ONCE and number == 2) or (name == STALLED and number == 3):
                cancelled = services.session_schedule(
                    plan=plan, starts_at=_at(day, hour), place=place, video_link=link
                )
                services.session_log(session=cancelled, attendance=Attendance.CANCELLED, now=now)
                if name == STALLED:
                    continue
                day += dt.timedelta(days=14)
            session = services.session_schedule(
                plan=plan, starts_at=_at(day, hour), place=place, video_link=link
            )
            if session.starts_at > now:
                continue
            if name in NO_SHOW_ONCE and number == 3:
                services.session_log(session=session, attendance=Attendance.NO_SHOW, now=now)
                session = services.session_schedule(
                    plan=plan,
                    starts_at=_at(day + dt.timedelta(days=21), hour),
                    place=place,
                    video_link=link,
                )
                if session.starts_at > now:
                    continue
            themes = [goals[(number - 1) % len(goals)].name, rng.choice(EXTRA_THEMES)]
            if name == "Dr Amara Okafor" and number == 2:
                themes.append(PRIVATE_THEME)
            services.session_log(
                session=session,
                attendance=Attendance.ATTENDED,
                themes=themes,
                actions_agreed=f"Try one thing from today's {themes[0].lower()} discussion before the next session.",
                now=now,
            )
            if PRIVATE_THEME in themes:
                services.themes_mark_private(
                    session=session,
                    private_ids=session.themes.filter(name=PRIVATE_THEME).values_list(
                        "pk", flat=True
                    ),
                )
            attended = session.plan.sessions.filter(attendance=Attendance.ATTENDED).count()
            for rater, shift in ((NoteAuthor.COACHEE, 0), (NoteAuthor.COACH, -1)):
                services.progress_rate(
                    session=session,
                    rater=rater,
                    ratings={
                        goal.pk: max(1, _rating_path(rng, goal, attended)[-1] + shift)
                        for goal in goals
                    },
                )
    for coachee_name, author, number, text in NOTES:
        held = list(
            CoachingSession.objects.filter(
                plan__coachee__person__name=coachee_name,
                plan__programme=programme,
                attendance=Attendance.ATTENDED,
            ).order_by("starts_at")
        )
        if len(held) >= number:
            services.note_save(session=held[number - 1], author=author, text=text)
    if STALLED in plans:
        services.concern_raise(
            plan=plans[STALLED],
            reason="Sessions keep being postponed because of pressures in the service.",
        )
    if sponsor is not None:
        for coachee_name, met_on, steps in (
            (
                "Dr Amara Okafor",
                end - dt.timedelta(days=60),
                "Keep the joint agenda-setting; finance skills next.",
            ),
            (
                STALLED,
                min(today, end),
                "Coach to offer video sessions; sponsor to speak to the service director about time.",
            ),
        ):
            if coachee_name in plans:
                services.review_record(
                    plan=plans[coachee_name],
                    sponsor=sponsor,
                    met_on=min(met_on, today),
                    next_steps=steps,
                )
