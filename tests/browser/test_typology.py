"""A participant takes the type indicator, reads the profile, changes one letter at best fit and
shares it; the team table and pair cards then include them; the lead checks the indicator.
Every page is checked with axe-core on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for
from tandem.typology.demo import answers_for, seed_types
from tandem.typology.indicator import get_indicator
from tandem.typology.models import IndicatorResponse, TypeProfile

from .helpers import PageFactory, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def group_with_types(demo: DemoProgramme) -> DemoProgramme:
    """The demo's types, except Dr Okafor's: she takes the indicator in the journey."""
    TypeProfile.objects.filter(participant__programme=demo.programme).delete()
    seed_types(programme=demo.programme)
    TypeProfile.objects.filter(
        participant__programme=demo.programme, participant__person__name="Dr Amara Okafor"
    ).delete()
    IndicatorResponse.objects.filter(
        participant__programme=demo.programme, participant__person__name="Dr Amara Okafor"
    ).delete()
    return demo


def test_participant_takes_the_indicator_confirms_best_fit_and_shares(
    new_page: PageFactory, live_server: LiveServer, group_with_types: DemoProgramme
) -> None:
    slug = group_with_types.programme.slug
    page = new_page()
    log_in(page, live_server, email_for("Dr Amara Okafor"))
    page.goto(f"{live_server.url}/programmes/{slug}/types/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Type profiling")
    assert_accessible(page)

    page.get_by_role("link", name="Take the Tandem type indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tandem type indicator")
    assert_accessible(page)
    # Clear E, N and T; only a slight preference for J.
    for item_id, value in answers_for(get_indicator(), "ENTJ", "3331").items():
        page.locator(f'input[name="{item_id}"][value="{value}"]').check()
    page.get_by_role("button", name="See my result").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your type profile")
    expect(page.get_by_text("Your answers are scored. Here is your profile.")).to_be_visible()
    results = page.get_by_role("table", name="Your result on each preference pair")
    expect(results.get_by_role("row", name=re.compile("^Judging or Perceiving"))).to_contain_text(
        "Judging (J)"
    )
    expect(results.get_by_role("row", name=re.compile("^Judging or Perceiving"))).to_contain_text(
        "Slight"
    )
    expect(page.get_by_role("heading", name="Extraversion (E)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Confirm best-fit type").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your best-fit type")
    assert_accessible(page)
    expect(page.get_by_label("Judging (J)")).to_be_checked()
    page.get_by_label("Perceiving (P)").check()
    page.get_by_role("button", name="Confirm best-fit type").click()

    expect(page.get_by_text("Your best-fit type is ENTP.")).to_be_visible()
    expect(results.get_by_role("row", name=re.compile("^Judging or Perceiving"))).to_contain_text(
        "Perceiving (P) – changed"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Share my type with the group").click()
    expect(page.get_by_text("Your best-fit type is now shared with the group.")).to_be_visible()
    expect(page.get_by_role("button", name="Stop sharing my type")).to_be_visible()
    assert_accessible(page)
    assert TypeProfile.objects.get(participant__person__name="Dr Amara Okafor").shared

    page.goto(f"{live_server.url}/programmes/{slug}/types/team/")
    expect(page.get_by_text("21 people have shared their type.")).to_be_visible()
    expect(page.get_by_role("table", name="Number of people of each type")).to_contain_text(
        "ENTP: 1"
    )
    assert_accessible(page)

    page.goto(f"{live_server.url}/programmes/{slug}/types/pairs/")
    card = page.locator(".nhsuk-card").filter(has_text="North Community Mental Health Team")
    expect(card).to_contain_text("Dr Amara Okafor (doctor): ENTP")
    expect(card.get_by_role("listitem").filter(has_text="Judging–Perceiving")).to_be_visible()
    assert_accessible(page)


def test_lead_sees_how_the_indicator_performs_and_no_ones_type(
    new_page: PageFactory, live_server: LiveServer, group_with_types: DemoProgramme
) -> None:
    slug = group_with_types.programme.slug
    page = new_page()
    log_in(page, live_server, email_for("Priya Sandhu"))
    page.goto(f"{live_server.url}/programmes/{slug}/types/")
    assert_accessible(page)
    page.get_by_role("link", name="How the type indicator performs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the type indicator performs")
    expect(
        page.get_by_role("table", name="Cronbach's alpha of each preference pair's items")
    ).to_be_visible()
    assert_accessible(page)
    person = group_with_types.programme.participants.get(person__name="Anna Kowalski")
    response = page.goto(f"{live_server.url}/programmes/{slug}/types/people/{person.pk}/")
    assert response is not None and response.status == 403
