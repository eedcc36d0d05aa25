"""Coaching in a real browser: the coach plans, holds and rates a session; the sponsor reviews it
and sees progress but nothing that was said. Every page is checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.coaching import services
from tandem.coaching.models import Attendance, CoachingPlan, CoachingSettings, SkillArea
from tandem.demo import DemoProgramme, email_for
from tandem.programmes.models import Participant

from .helpers import PageFactory, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Amara wants to stop avoiding the finance director"
THEME = "Business meetings"


@pytest.fixture
def plan(demo: DemoProgramme) -> CoachingPlan:
    """Dr Amara Okafor's plan with Nadia Foster, one goal, no sessions yet."""
    CoachingPlan.objects.filter(programme=demo.programme).delete()
    CoachingSettings.objects.filter(programme=demo.programme).delete()

    def member(name: str) -> Participant:
        return Participant.objects.get(programme=demo.programme, person__name=name)

    plan = services.plan_create(
        coachee=member("Dr Amara Okafor"),
        coach=member("Nadia Foster"),
        started_on=timezone.localdate() - dt.timedelta(days=30),
    )
    services.goal_add(plan=plan, skill_area=SkillArea.INFLUENCING, start_rating=4, target_rating=8)
    return plan


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def test_a_coach_books_records_and_rates_a_session_and_the_sponsor_sees_no_content(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme, plan: CoachingPlan
) -> None:
    coaching = f"{live_server.url}/programmes/{demo.programme.slug}/coaching/"
    page = new_page()
    log_in(page, live_server, email_for("Nadia Foster"))
    page.goto(coaching)
    heading(page, "Your coachees")
    page.get_by_role("link", name="Dr Amara Okafor").click()
    heading(page, "Coaching: Dr Amara Okafor")

    page.get_by_role("button", name="Book a session").click()
    heading(page, "Book a session")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the date of the session.")
    assert_accessible(page)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place (optional if there is a video link)").fill("Riverside Centre, room 4")
    page.get_by_role("button", name="Save session").click()
    heading(page, "Session 1 of 4")

    page.get_by_role("button", name="Record what happened").click()
    heading(page, "Record the session")
    page.get_by_label("Attended").check()
    page.get_by_label("Influencing").check()
    page.get_by_label("Other themes (optional)").fill(THEME)
    page.get_by_label("Actions agreed (optional)").fill("Agree the agenda with Anna")
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded the session as “Attended”.")
    assert_accessible(page)

    page.get_by_role("link", name="Write or change your note").click()
    heading(page, "Your note on this session")
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text(NOTE)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Rate progress after this session").click()
    heading(page, "Rate progress on your goals")
    page.get_by_label("Influencing (started at 4, aiming for 8)").select_option("6")
    page.get_by_role("button", name="Save ratings").click()
    heading(page, "Coaching: Dr Amara Okafor")
    expect(page.get_by_role("table", name="Progress on each goal")).to_contain_text("(6)")
    expect(page.get_by_text("1 of 4", exact=True)).to_be_visible()

    sponsor = new_page()
    log_in(sponsor, live_server, email_for("Dr Miriam Achebe"))
    sponsor.goto(coaching)
    heading(sponsor, "Coaching")
    sponsor.get_by_role("link", name="Dr Amara Okafor").click()
    heading(sponsor, "Coaching review: Dr Amara Okafor")
    expect(sponsor.get_by_role("table", name="Progress on each goal")).to_contain_text("(6)")
    expect(sponsor.get_by_text(THEME)).to_be_visible()
    body = sponsor.locator("body").inner_text()
    assert NOTE not in body and "Agree the agenda with Anna" not in body
    sponsor.get_by_label("Date of the review meeting").fill(timezone.localdate().isoformat())
    sponsor.get_by_label("Next steps agreed").fill("Finance skills next")
    sponsor.get_by_role("button", name="Record review meeting").click()
    expect(sponsor.get_by_role("status")).to_contain_text("Recorded the review meeting.")
    assert_accessible(sponsor)


def test_the_programme_lead_sees_the_schedule_and_the_settings_without_javascript(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme, plan: CoachingPlan
) -> None:
    page = new_page(java_script_enabled=False)
    log_in(page, live_server, email_for("Priya Sandhu"))
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/coaching/")
    heading(page, "Coaching")
    page.get_by_role("link", name="Coaching settings").click()
    heading(page, "Coaching settings")
    page.get_by_label("Days without a session before a plan counts as stalled").fill("28")
    page.get_by_role("button", name="Save settings").click()
    heading(page, "Coaching")
    expect(page.get_by_text("stalled after 28 days")).to_be_visible()
    page.get_by_role("link", name="Assign a coach").click()
    heading(page, "Assign a coach")
    page.get_by_role("link", name="Back to coaching").click()
    page.get_by_role("link", name="Dr Amara Okafor").click()
    heading(page, "Coaching schedule: Dr Amara Okafor")


def test_the_coachee_adds_a_goal_hides_a_theme_and_the_coach_raises_a_concern(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme, plan: CoachingPlan
) -> None:
    session = services.session_schedule(
        plan=plan, starts_at=timezone.now() - dt.timedelta(days=3), place="Room 4"
    )
    services.session_log(
        session=session, attendance=Attendance.ATTENDED, themes=[THEME, "Clinical director"]
    )
    coaching = f"{live_server.url}/programmes/{demo.programme.slug}/coaching/"

    page = new_page()
    log_in(page, live_server, email_for("Dr Amara Okafor"))
    page.goto(coaching)
    heading(page, "Your coaching")
    page.get_by_role("link", name="Add a development goal").click()
    heading(page, "Add a development goal")
    page.get_by_label("Finance").check()
    page.get_by_label("Where you are now").select_option("3")
    page.get_by_label("Where you want to be by the end of coaching").select_option("7")
    page.get_by_role("button", name="Add goal").click()
    heading(page, "Your coaching")
    expect(page.get_by_text("Added the goal “Finance”.")).to_be_visible()
    page.get_by_role("link", name="Session 1").click()
    heading(page, "Session 1 of 4")
    page.get_by_label("Clinical director").check()
    page.get_by_role("button", name="Save which themes are hidden").click()
    expect(page.get_by_role("status")).to_contain_text("1 theme is now hidden from the sponsor.")
    assert_accessible(page)

    coach = new_page()
    log_in(coach, live_server, email_for("Nadia Foster"))
    coach.goto(f"{coaching}plans/{plan.pk}/")
    heading(coach, "Coaching: Dr Amara Okafor")
    expect(coach.get_by_text("Clinical director (hidden from the sponsor)")).to_be_visible()
    coach.get_by_role("link", name="Raise a concern with the sponsor").click()
    heading(coach, "Raise a concern")
    coach.get_by_label("What the concern is about").fill("Sessions keep moving")
    coach.get_by_role("button", name="Raise concern").click()
    heading(coach, "Coaching: Dr Amara Okafor")
    coach.get_by_role("link", name="Session 1").click()
    coach.get_by_role("button", name="Change time or place").click()
    heading(coach, "Change the session")
