from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.coaching import services
from tandem.coaching.models import Attendance, NoteAuthor, ProgressRating, SkillArea

from ..conftest import participant_named
from .conftest import PRIVATE_THEME, SHARED_THEME


def test_a_new_plan_takes_the_programmes_number_of_sessions(demo, coach, coachee) -> None:
    services.coaching_settings_update(
        programme=demo.programme, planned_sessions=6, stalled_after_days=30
    )
    plan = services.plan_create(coachee=coachee, coach=coach)
    assert plan.planned_sessions == 6


def test_only_a_coach_of_the_programme_can_coach(demo, coachee) -> None:
    with pytest.raises(ValidationError, match="not a coach in this programme"):
        services.plan_create(coachee=coachee, coach=participant_named(demo, "Priya Sandhu"))


def test_a_participant_has_one_plan(plan, coach, coachee) -> None:
    with pytest.raises(ValidationError, match="already has a coaching plan"):
        services.plan_create(coachee=coachee, coach=coach)


def test_a_custom_goal_needs_a_name_and_a_target_at_least_the_start(plan) -> None:
    with pytest.raises(ValidationError, match="Name the skill area"):
        services.goal_add(plan=plan, skill_area=SkillArea.CUSTOM, start_rating=3, target_rating=5)
    with pytest.raises(ValidationError, match="at least where you start"):
        services.goal_add(plan=plan, skill_area=SkillArea.FINANCE, start_rating=6, target_rating=5)


def test_a_session_needs_a_place_or_a_video_link(plan) -> None:
    with pytest.raises(ValidationError, match="place to meet or a video link"):
        services.session_schedule(plan=plan, starts_at=timezone.now())


def test_attendance_cannot_be_logged_for_a_session_still_to_come(booked) -> None:
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.session_log(session=booked, attendance=Attendance.ATTENDED)


def test_a_session_still_to_come_can_be_cancelled_and_calendars_are_told(booked) -> None:
    services.session_log(session=booked, attendance=Attendance.CANCELLED)
    booked.refresh_from_db()
    assert (booked.attendance, booked.ics_sequence) == (Attendance.CANCELLED, 1)


def test_relogging_a_session_keeps_the_coachees_privacy_choice(held) -> None:
    services.session_log(
        session=held, attendance=Attendance.ATTENDED, themes=[PRIVATE_THEME, "Job planning"]
    )
    assert {(t.name, t.private) for t in held.themes.all()} == {
        (PRIVATE_THEME, True),
        ("Job planning", False),
    }
    assert not held.themes.filter(name=SHARED_THEME).exists()


def test_progress_is_rated_only_after_a_session_that_took_place(booked, goals) -> None:
    with pytest.raises(ValidationError, match="after a session that took place"):
        services.progress_rate(session=booked, rater=NoteAuthor.COACHEE, ratings={goals[0].pk: 5})


def test_rating_again_replaces_the_earlier_rating(held, goals) -> None:
    services.progress_rate(session=held, rater=NoteAuthor.COACHEE, ratings={goals[0].pk: 7})
    assert ProgressRating.objects.get(session=held, goal=goals[0], rater="coachee").rating == 7


def test_a_rating_outside_one_to_ten_is_refused(held, goals) -> None:
    with pytest.raises(ValidationError, match="from 1 to 10"):
        services.progress_rate(session=held, rater=NoteAuthor.COACH, ratings={goals[0].pk: 11})


def test_an_empty_note_is_refused(held) -> None:
    with pytest.raises(ValidationError, match="Write the note"):
        services.note_save(session=held, author=NoteAuthor.COACH, text="   ")


def test_a_review_meeting_is_recorded_only_by_a_sponsor_after_it_happened(
    plan, coach, sponsor
) -> None:
    with pytest.raises(ValidationError, match="Only a sponsor"):
        services.review_record(
            plan=plan, sponsor=coach, met_on=timezone.localdate(), next_steps="x"
        )
    with pytest.raises(ValidationError, match="has taken place"):
        services.review_record(
            plan=plan,
            sponsor=sponsor,
            met_on=timezone.localdate() + dt.timedelta(days=1),
            next_steps="x",
        )


def test_reminders_go_to_both_people_of_a_stalled_plan_once_a_week(demo, plan, held) -> None:
    later = timezone.now() + dt.timedelta(days=60)
    first = services.reminders_send(programme=demo.programme, now=later)
    again = services.reminders_send(programme=demo.programme, now=later + dt.timedelta(days=1))
    assert (first.plans, again.plans) == (1, 0)
    assert sorted(mail.outbox[0].to) == sorted([plan.coachee.person.email, plan.coach.person.email])


def test_a_booked_session_means_no_reminder(demo, plan, held, booked) -> None:
    services.coaching_settings_update(
        programme=demo.programme, planned_sessions=4, stalled_after_days=14
    )
    result = services.reminders_send(
        programme=demo.programme, now=booked.starts_at - dt.timedelta(hours=1)
    )
    assert result.plans == 0 and mail.outbox == []
