from __future__ import annotations

import csv
import datetime as dt
import io

from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tandem.coaching import services
from tandem.coaching.models import Attendance, CoachingPlan, CoachingSession, SponsorReview

from ..conftest import participant_named
from .conftest import ACTIONS, COACH_NOTE, COACHEE_NOTE, PRIVATE_THEME, SHARED_THEME, Urls


def text(response) -> str:
    return response.content.decode()


def test_each_role_lands_on_its_own_coaching_page(
    lead_client, sponsor_client, coach_client, coachee_client, partner_client, urls: Urls
) -> None:
    landings = [
        c.get(urls.base)["Location"]
        for c in (lead_client, sponsor_client, coach_client, coachee_client)
    ]
    assert landings == [
        f"{urls.base}overview/",
        f"{urls.base}overview/",
        f"{urls.base}coachees/",
        urls.plan,
    ]
    assert "You do not have a coaching plan" in text(partner_client.get(urls.base))


def test_the_coach_books_a_session_and_is_taken_to_it(coach_client: Client, urls, plan) -> None:
    day = timezone.localdate() + dt.timedelta(days=14)
    response = coach_client.post(
        f"{urls.plan}sessions/new/",
        {"date": day.isoformat(), "time": "14:30", "duration_minutes": "60", "place": "Room 4"},
        follow=True,
    )
    session = CoachingSession.objects.filter(plan=plan).latest("starts_at")
    assert f"Booked a session on {day:%-d %B %Y} at 14:30." in text(response)
    assert (session.local_start.date(), session.local_start.strftime("%H:%M")) == (day, "14:30")


def test_a_session_form_without_date_time_or_place_says_what_is_missing(
    coach_client, urls, plan
) -> None:
    response = coach_client.post(f"{urls.plan}sessions/new/", {"duration_minutes": "60"})
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter the date of the session." in page
    assert "Enter the start time." in page
    assert "Give a place to meet or a video link." in page


def test_a_bad_video_link_and_too_short_a_session_are_refused(coach_client, urls, plan) -> None:
    response = coach_client.post(
        f"{urls.plan}sessions/new/",
        {
            "date": "2026-13-01",
            "time": "25:00",
            "duration_minutes": "5",
            "video_link": "not a link",
        },
    )
    page = text(response)
    assert "Enter a real date." in page
    assert "Enter a time like 14:30." in page
    assert "Ensure this value is greater than or equal to 15." in page
    assert "Enter a full web address" in page


def test_the_coach_records_attendance_themes_and_actions(coach_client, urls, plan) -> None:
    past = CoachingSession.objects.create(
        plan=plan, starts_at=timezone.now() - dt.timedelta(days=2), place="Room 4"
    )
    url = f"{urls.plan}sessions/{past.pk}/record/"
    response = coach_client.post(
        url,
        {
            "attendance": "attended",
            "themes": ["Finance", "Influencing"],
            "other_themes": "Job planning, Rota gaps",
            "actions_agreed": "Meet the finance business partner",
        },
        follow=True,
    )
    page = text(response)
    assert "Recorded the session as “Attended”." in page
    assert "Job planning" in page and "Meet the finance business partner" in page


def test_recording_attendance_for_a_session_still_to_come_is_refused(
    coach_client, urls, booked
) -> None:
    response = coach_client.post(f"{urls.booked}record/", {"attendance": "attended"})
    assert response.status_code == 400
    assert "This session has not happened yet" in text(response)


def test_the_goal_form_explains_bad_ratings(coachee_client, urls) -> None:
    response = coachee_client.post(
        f"{urls.plan}goals/new/",
        {"skill_area": "custom", "start_rating": "6", "target_rating": "4"},
    )
    page = text(response)
    assert "Name the skill area." in page
    assert "The target must be at least where you start." in page


def test_the_coachee_adds_a_goal_and_sees_it_on_the_plan(coachee_client, urls) -> None:
    response = coachee_client.post(
        f"{urls.plan}goals/new/",
        {
            "skill_area": "finance",
            "description": "Read a budget statement",
            "start_rating": "3",
            "target_rating": "7",
        },
        follow=True,
    )
    assert "Added the goal “Finance”." in text(response)
    assert "Read a budget statement" in text(response)


def test_rating_nothing_or_off_the_scale_is_refused(coachee_client, urls, goals) -> None:
    nothing = coachee_client.post(f"{urls.held}rate/", {})
    off_scale = coachee_client.post(f"{urls.held}rate/", {f"goal_{goals[0].pk}": "11"})
    assert "Rate at least one goal." in text(nothing)
    assert "Select a valid choice. 11 is not one of the available choices." in text(off_scale)


def test_the_coachee_rates_progress_and_sees_it_in_the_table(coachee_client, urls, goals) -> None:
    response = coachee_client.post(
        f"{urls.held}rate/", {f"goal_{goals[0].pk}": "7", f"goal_{goals[1].pk}": "5"}, follow=True
    )
    page = text(response)
    assert "Saved your progress ratings." in page
    assert "7 (5)" in page  # the coachee's new 7, the coach's 5


def test_rating_a_session_that_did_not_happen_is_not_offered(coachee_client, urls, goals) -> None:
    assert "Progress is rated after a session that took place" in text(
        coachee_client.get(f"{urls.booked}rate/")
    )


def test_the_coachee_writes_a_note_that_the_coach_can_read(
    coachee_client, coach_client, urls, booked
) -> None:
    coachee_client.post(f"{urls.booked}note/", {"text": "Ask about the away day"})
    assert "Ask about the away day" in text(coach_client.get(urls.booked))


def test_an_empty_note_is_refused_with_a_message(coach_client, urls) -> None:
    response = coach_client.post(f"{urls.held}note/", {"text": ""})
    assert response.status_code == 400
    assert "Write the note, or go back without saving." in text(response)


def test_the_coachee_hides_a_theme_from_the_sponsor(
    coachee_client, sponsor_client, urls, held
) -> None:
    both = [str(held.themes.get(name=n).pk) for n in (SHARED_THEME, PRIVATE_THEME)]
    coachee_client.post(f"{urls.held}privacy/", {"private": both})
    page = text(sponsor_client.get(f"{urls.plan}review/"))
    assert SHARED_THEME not in page and PRIVATE_THEME not in page
    assert "None shared" in page


def test_the_calendar_file_has_the_time_and_title_but_nothing_said(
    coachee_client, urls, held
) -> None:
    response = coachee_client.get(f"{urls.held}invitation.ics")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert event.decoded("dtstart") == held.starts_at.replace(microsecond=0)
    assert str(event["summary"]) == "Coaching: Dr Amara Okafor with Nadia Foster"
    raw = response.content.decode()
    assert [
        s for s in (COACH_NOTE, COACHEE_NOTE, SHARED_THEME, PRIVATE_THEME, ACTIONS) if s in raw
    ] == []


def test_the_coach_e_mails_the_invitation_to_the_coachee(
    coach_client, urls, booked, coachee
) -> None:
    response = coach_client.post(f"{urls.booked}send/", follow=True)
    (message,) = mail.outbox
    name, content, mimetype = message.attachments[0]
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert "E-mailed the invitation to Dr Amara Okafor." in text(response)
    assert message.to == [coachee.person.email]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    assert event.decoded("dtstart") == booked.starts_at.replace(microsecond=0)
    assert booked.video_link in message.body


def test_the_sponsor_review_shows_ratings_attendance_and_concerns_only(
    sponsor_client, urls, held, booked, concern
) -> None:
    page = text(sponsor_client.get(f"{urls.plan}review/"))
    assert "6 (5)" in page and "1 of 4" in page
    assert "Sessions are hard to fit around the rota" in page
    assert SHARED_THEME in page
    assert [s for s in (COACH_NOTE, COACHEE_NOTE, PRIVATE_THEME, ACTIONS) if s in page] == []


def test_the_sponsor_records_a_review_meeting(sponsor_client, urls, plan) -> None:
    today = timezone.localdate()
    response = sponsor_client.post(
        f"{urls.plan}review/",
        {"met_on": today.isoformat(), "next_steps": "Finance skills next"},
        follow=True,
    )
    assert "Recorded the review meeting." in text(response)
    assert SponsorReview.objects.get(plan=plan).next_steps == "Finance skills next"


def test_a_review_meeting_in_the_future_is_refused(sponsor_client, urls, plan) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = sponsor_client.post(
        f"{urls.plan}review/", {"met_on": tomorrow.isoformat(), "next_steps": "x"}
    )
    assert "Record a meeting that has taken place." in text(response)


def test_the_lead_overview_lists_coach_attendance_and_stall(
    lead_client, urls, demo, held, booked
) -> None:
    services.session_log(session=booked, attendance=Attendance.CANCELLED)
    CoachingPlan.objects.filter(pk=held.plan_id).update(
        started_on=timezone.localdate() - dt.timedelta(days=400)
    )
    CoachingSession.objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=100)
    )
    page = text(lead_client.get(f"{urls.base}overview/"))
    assert "Nadia Foster" in page and "1 of 4" in page and "Stalled" in page
    assert "1 of 24 participants have a coach; 1 plan has stalled." in page


def test_the_lead_assigns_a_coach(lead_client, urls, demo) -> None:
    anna = participant_named(demo, "Anna Kowalski")
    owen = participant_named(demo, "Owen Price")
    response = lead_client.post(
        f"{urls.base}plans/new/",
        {"coachee": anna.pk, "coach": owen.pk, "started_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "Owen Price now coaches Anna Kowalski (4 sessions planned)." in text(response)


def test_the_lead_cannot_make_the_programme_lead_a_coach(lead_client, urls, demo) -> None:
    response = lead_client.post(
        f"{urls.base}plans/new/",
        {
            "coachee": participant_named(demo, "Anna Kowalski").pk,
            "coach": participant_named(demo, "Priya Sandhu").pk,
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert "Select a valid choice" in text(response)


def test_coaching_settings_refuse_nonsense(lead_client, urls) -> None:
    response = lead_client.post(
        f"{urls.base}settings/", {"planned_sessions": "0", "stalled_after_days": "2"}
    )
    page = text(response)
    assert "Ensure this value is greater than or equal to 1." in page
    assert "Ensure this value is greater than or equal to 7." in page


def test_the_dose_export_has_counts_and_no_content(lead_client, urls, held) -> None:
    response = lead_client.get(f"{urls.base}dose.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [
        (r["participant"], r["coach"], r["sessions attended"], r["weeks in coaching"]) for r in rows
    ] == [("Dr Amara Okafor", "Nadia Foster", "1", "0.0")]


def test_the_coach_raises_a_concern_that_the_sponsor_sees(
    coach_client, sponsor_client, urls
) -> None:
    coach_client.post(f"{urls.plan}concerns/new/", {"reason": "Seems overwhelmed by the rota"})
    assert "Seems overwhelmed by the rota" in text(sponsor_client.get(f"{urls.plan}review/"))


def test_the_lead_sees_the_schedule_without_themes_or_actions(
    lead_client, urls, held, booked
) -> None:
    page = text(lead_client.get(f"{urls.plan}schedule/"))
    assert "Attended" in page and "Booked" in page
    assert [s for s in (SHARED_THEME, PRIVATE_THEME, ACTIONS) if s in page] == []


def test_a_session_of_another_plan_is_not_found(coach_client, demo, urls, plan) -> None:
    other = CoachingPlan.objects.create(
        programme=demo.programme,
        coachee=participant_named(demo, "Dr Ben Hartley"),
        coach=plan.coach,
        started_on=timezone.localdate(),
    )
    stray = CoachingSession.objects.create(
        plan=other, starts_at=timezone.now(), place="x", attendance=Attendance.SCHEDULED
    )
    assert coach_client.get(f"{urls.plan}sessions/{stray.pk}/").status_code == 404
