"""A participant answers the stock take from their invitation link, leaves, resumes and submits once;
the programme lead runs the wave. Every page is checked with axe-core on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for
from tandem.surveys import services
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave, WaveKind

from .helpers import NHSUK_FILE_UPLOAD_LABEL_IN_NAME, PageFactory, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stock_take(demo: DemoProgramme) -> Wave:
    today = timezone.localdate()
    return services.wave_create(
        programme=demo.programme,
        title="Stock take, this month",
        kind=WaveKind.BASELINE,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=20),
    )


def amaras_invitation(wave: Wave) -> Invitation:
    return wave.invitations.get(participant__person__name="Dr Amara Okafor")


def test_participant_answers_leaves_resumes_and_submits_once(
    new_page: PageFactory, live_server: LiveServer, stock_take: Wave
) -> None:
    invitation = amaras_invitation(stock_take)
    link = f"{live_server.url}/s/{invitation.token}/"

    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stock take, this month")
    expect(page.get_by_text("Nobody sees your own answers.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keeping each other informed")
    assert_accessible(page)
    first = page.get_by_role("group").first
    first.get_by_label("Agree", exact=True).check()
    # Autosave: the answer is stored before any button is pressed.
    expect(page.get_by_text("Your answer has been saved.")).to_be_visible()
    assert Answer.objects.filter(invitation=invitation).count() == 1
    page.get_by_role("group").nth(1).get_by_label("Don't know").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/page/trust/$"))
    page.get_by_role("group").first.get_by_label("Strongly agree").check()
    expect(page.get_by_text("Your answer has been saved.")).to_be_visible()
    page.close()  # the respondent walks away mid-questionnaire

    later = new_page()  # another day: only the link
    later.goto(link)
    later.get_by_role("link", name="Continue where you left off").click()
    expect(later).to_have_url(re.compile(r"/page/trust/$"))
    expect(later.get_by_role("group").first.get_by_label("Strongly agree")).to_be_checked()
    assert_accessible(later)
    later.get_by_role("link", name="See all pages and submit").click()
    expect(later.get_by_text("You have answered 3 of 57 questions.")).to_be_visible()
    assert_accessible(later)
    later.get_by_role("button", name="Submit my answers").dblclick()
    expect(
        later.get_by_role("heading", name="Thank you: your answers are submitted")
    ).to_be_visible()
    assert_accessible(later)
    later.goto(link)
    expect(
        later.get_by_role("heading", name="Thank you: your answers are submitted")
    ).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SUBMITTED
    assert dict(Answer.objects.filter(invitation=invitation).values_list("item_id", "value")) == {
        "comm1": 4,
        "comm2": None,
        "trust1": 5,
    }


def test_answering_works_without_javascript(
    new_page: PageFactory, live_server: LiveServer, stock_take: Wave
) -> None:
    invitation = amaras_invitation(stock_take)
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/s/{invitation.token}/page/communication/")
    page.get_by_role("group").first.get_by_label("Disagree", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/page/trust/$"))
    assert_accessible(page)
    assert Answer.objects.get(invitation=invitation, item_id="comm1").value == 2


def test_a_closed_wave_says_so_plainly(
    page: Page, live_server: LiveServer, stock_take: Wave
) -> None:
    invitation = amaras_invitation(stock_take)
    services.wave_close(wave=stock_take)
    page.goto(f"{live_server.url}/s/{invitation.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This questionnaire is closed")
    assert_accessible(page)


def test_lead_creates_a_wave_and_follows_the_response_rate(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    log_in(page, live_server, email_for("Priya Sandhu"))
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/questionnaires/")
    assert_accessible(page)
    page.get_by_role("link", name="Start a new wave").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Meeting check, spring")
    page.get_by_label("Pulse").check()
    page.get_by_label("Questionnaire").select_option(label="Meeting check (version 1)")
    today = timezone.localdate()
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes on").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Create wave").click()
    expect(page.get_by_text("with 24 invitations")).to_be_visible()
    # The wave page has the interview-notes upload: the same nhsuk-frontend button as the import page.
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    page.get_by_role("button", name="Send invitations not yet sent").click()
    expect(page.get_by_text("Sent invitations to 24 people.")).to_be_visible()
    expect(page.get_by_text("0 of 24 submitted (0%)")).to_be_visible()
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
