"""Single sign-on in a real browser: Tandem's log-in page, a real OpenID provider, and back.

The provider is the npm `oidc-provider` on its own port (tests/oidc_provider); every Tandem page
on the way is checked with axe-core. The protocol's refusals are tests/accounts/test_oidc.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from tandem.accounts import oidc
from tandem.demo import DemoProgramme, email_for

from ..oidc_provider import CLIENT_ID, CLIENT_SECRET, RunningProvider, start_provider
from .helpers import PageFactory, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

LEAD = email_for("Priya Sandhu")
ACCOUNTS = {
    "lead@idp": {"sub": "l-1", "email": LEAD, "email_verified": True, "amr": ["pwd", "mfa"]},
    "stranger@idp": {"sub": "s-1", "email": "stranger@nhs.net", "email_verified": True},
}


@pytest.fixture
def provider(
    live_server: LiveServer, settings: Any, demo: DemoProgramme
) -> Iterator[RunningProvider]:
    with start_provider(
        redirect_uris=[f"{live_server.url}/accounts/oidc/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/accounts/login/"],
        accounts=ACCOUNTS,
    ) as running:
        settings.TANDEM_OIDC_ISSUER = running.issuer
        settings.TANDEM_OIDC_CLIENT_ID = CLIENT_ID
        settings.TANDEM_OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.TANDEM_OIDC_NAME = "NHSmail"
        settings.TANDEM_REQUIRE_2FA = True
        # As settings.py does for a configured issuer: log-out may end at the provider's page.
        policy = settings.CONTENT_SECURITY_POLICY
        directives = {**policy["DIRECTIVES"]}
        directives["form-action"] = [*directives["form-action"], running.issuer]
        settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
        oidc.forget_discovery()
        yield running


def reach_provider(page: Page, provider: RunningProvider) -> None:
    """The journeys cut the browser off from every other host; the provider is let through."""

    def go_on(route: Route) -> None:
        route.continue_()

    netloc = urlsplit(provider.issuer).netloc
    page.context.route(lambda url: urlsplit(url).netloc == netloc, go_on)


def sign_in_at_provider(page: Page, account: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the test provider")
    page.get_by_label("Account e-mail").fill(account)
    page.get_by_role("button", name="Sign in").click()


def test_a_lead_logs_in_with_nhsmail_and_out_again(
    page: Page, live_server: LiveServer, provider: RunningProvider
) -> None:
    reach_provider(page, provider)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Tandem")
    assert_accessible(page)
    page.get_by_role("button", name="Log in with NHSmail").click()

    sign_in_at_provider(page, "lead@idp")
    # The provider checked a second factor (amr "mfa"): no authenticator code is asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Priya Sandhu")
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Tandem")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Tandem")


def test_someone_not_on_a_programme_is_told_what_to_do_without_javascript(
    new_page: PageFactory, live_server: LiveServer, provider: RunningProvider
) -> None:
    page = new_page(java_script_enabled=False)
    reach_provider(page, provider)
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Log in with NHSmail").click()

    sign_in_at_provider(page, "stranger@idp")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your NHSmail account is not on a programme in Tandem"
    )
    expect(page.get_by_text("Ask your programme lead")).to_be_visible()
    assert_accessible(page)


def test_without_passwords_the_page_offers_the_button_and_a_forged_answer_is_explained(
    page: Page, live_server: LiveServer, provider: RunningProvider, settings: Any
) -> None:
    settings.TANDEM_PASSWORD_LOGIN = False
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Log in with NHSmail")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server.url}/accounts/oidc/callback/?code=stolen&state=forged")
    expect(page.get_by_role("heading", level=1)).to_have_text("This log-in has expired")
    assert_accessible(page)
