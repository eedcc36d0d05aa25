"""A participant answers the roster with the name generator and JavaScript switched off; the
programme lead then reads the indices and the pseudonymised network maps. Every page is checked
with axe-core on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for
from tandem.networks.models import RosterEntry
from tandem.surveys import services
from tandem.surveys.models import Wave, WaveKind

from .helpers import PageFactory, assert_accessible, log_in

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


def test_participant_picks_and_rates_colleagues_without_javascript(
    new_page: PageFactory, live_server: LiveServer, stock_take: Wave
) -> None:
    invitation = stock_take.invitations.get(participant__person__name="Dr Amara Okafor")
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/s/{invitation.token}/page/working_relationships/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working relationships")
    assert_accessible(page)

    page.get_by_role("link", name="Search for names instead").click()
    page.get_by_label("Search by name").fill("Kowalski")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Anna Kowalski, Service Manager").check()
    page.get_by_role("button", name="Add the people ticked").click()
    expect(page.get_by_role("table", name="The colleagues you picked")).to_contain_text(
        "Anna Kowalski"
    )
    assert_accessible(page)

    page.get_by_label(
        "How often do you talk with them about the service? – Anna Kowalski"
    ).select_option(label="Weekly")
    page.get_by_label("I can rely on them. – Anna Kowalski").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("In your own words")

    entry = RosterEntry.objects.get(invitation=invitation)
    assert entry.alter.person.name == "Anna Kowalski"
    assert entry.answers == {"talk": 4, "trust": 1}


def test_a_comparison_respondent_is_asked_nothing_about_the_programmes_members(
    new_page: PageFactory, live_server: LiveServer, stock_take: Wave
) -> None:
    from tandem.programmes.models import Role

    services.comparison_invite(wave=stock_take)
    invitation = stock_take.invitations.filter(participant__role=Role.COMPARISON).first()
    assert invitation is not None
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/s/{invitation.token}/page/working_relationships/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working relationships")
    expect(page.get_by_text("there is nothing for you to answer here")).to_be_visible()
    expect(page.get_by_text("Anna Kowalski")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("In your own words")
    assert not RosterEntry.objects.filter(invitation=invitation).exists()


def test_participant_rates_colleagues_in_the_table_with_javascript(
    new_page: PageFactory, live_server: LiveServer, stock_take: Wave
) -> None:
    invitation = stock_take.invitations.get(participant__person__name="Dr Amara Okafor")
    page = new_page()
    page.goto(f"{live_server.url}/s/{invitation.token}/page/working_relationships/")
    table = page.get_by_role("table", name="Crisis Resolution and Home Treatment (Riverside North)")
    table.get_by_label(
        "How often do you talk with them about the service? – Brian Doyle"
    ).select_option(label="Daily")
    table.get_by_label("I go to them for advice. – Brian Doyle").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("In your own words")

    entry = RosterEntry.objects.get(invitation=invitation)
    assert entry.alter.person.name == "Brian Doyle"
    assert entry.answers == {"talk": 5, "advice": 1}


def test_lead_reads_the_indices_and_the_pseudonymised_maps(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme
) -> None:
    slug = demo.programme.slug
    page = new_page()
    log_in(page, live_server, email_for("Priya Sandhu"))
    page.goto(f"{live_server.url}/programmes/{slug}/networks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working relationships")
    expect(
        page.get_by_text(
            "The density of ties between doctors and managers (talk at least monthly) rose from"
        ).first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Network maps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network maps")
    expect(page.get_by_role("heading", name="Repeat stock take")).to_be_visible()
    page.get_by_label("Relationship", exact=True).select_option(label="I can rely on them.")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".tandem-network-canvas")).to_have_count(2)
    assert "Kowalski" not in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Pair ties").click()
    expect(page.get_by_role("table", name="Who names whom, Repeat stock take")).to_be_visible()
    assert_accessible(page)
