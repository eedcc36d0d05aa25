"""A programme lead creates an API token (without JavaScript), uses it, and revokes it; the API's
documentation page works offline. Every page is checked with axe-core on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for

from .helpers import PageFactory, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_creates_uses_and_revokes_a_token_without_javascript(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme
) -> None:
    page = new_page(java_script_enabled=False)
    log_in(page, live_server, email_for("Priya Sandhu"))
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Create an API token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an API token")
    assert_accessible(page)
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an API token")
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the token.")
    assert_accessible(page)

    page.get_by_label("Name").fill("Monthly board report")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    assert_accessible(page)
    token = page.get_by_label("Token “Monthly board report”").input_value()
    assert token.startswith("tandem_")

    api = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status == 200
    assert api.json()["email"] == email_for("Priya Sandhu")

    page.get_by_role("link", name="Back to your API tokens").click()
    row = page.get_by_role("row", name="Monthly board report")
    expect(row).to_contain_text(token[:13])
    expect(row).to_contain_text("Active")
    assert token not in page.content()
    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke “Monthly board report”")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_role("row", name="Monthly board report")).to_contain_text("Revoked")
    assert_accessible(page)
    refused = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401


def test_api_documentation_page_works_offline(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme
) -> None:
    # Every other host is cut off by the fixture: the page must load all it needs from Tandem.
    page = new_page()
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", name="Tandem API")).to_be_visible()
    expect(page.get_by_text("/api/v1/programmes/{slug}/participants").first).to_be_visible()
