"""Reading the released feedback and comparison reports in a real browser, each page checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for
from tandem.surveys.models import Wave

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_participant_reads_the_released_reports(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    baseline = Wave.objects.get(programme=demo.programme, title="Baseline stock take")
    log_in(page, live_server, email_for("Dr Amara Okafor"))
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert_accessible(page)
    page.get_by_role("link", name="Baseline stock take", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback report: Baseline stock take"
    )
    expect(page.get_by_role("heading", name="Strengths and areas to develop")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/reports/")
    page.get_by_role("link", name="Baseline stock take compared with Repeat stock take").click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.get_by_role("cell", name="Improved").first).to_be_visible()
    assert_accessible(page)
    assert baseline.released_at is not None


def test_a_sponsor_reads_the_programme_evaluation(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    log_in(page, live_server, email_for("Dr Miriam Achebe"))
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/reports/")
    page.get_by_role("link", name="Programme evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme evaluation")
    expect(page.get_by_role("heading", name="Coaching and change")).to_be_visible()
    assert_accessible(page)
