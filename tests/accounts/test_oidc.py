"""Single sign-on against a real OpenID provider (npm `oidc-provider`, started for this module).

Django's test client plays Tandem's side and `requests` plays the person at the provider's
sign-in page (tests/oidc_provider). The browser journey is tests/browser/test_oidc.py.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client

from tandem.accounts import oidc
from tandem.audit.models import AuditEvent
from tandem.cli.check import single_sign_on_findings
from tandem.demo import DemoProgramme, email_for

from ..oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    RunningProvider,
    query_of,
    sign_in,
    start_provider,
)

CALLBACK = "http://testserver/accounts/oidc/callback/"
LEAD = email_for("Priya Sandhu")
PARTICIPANT = email_for("Dr Amara Okafor")
STRANGER = "stranger@nhs.net"
ACCOUNTS = {
    # The provider spells the address in capitals: matching ignores case.
    "participant@idp": {"sub": "p-1", "email": PARTICIPANT.upper(), "email_verified": True},
    "unverified@idp": {"sub": "p-2", "email": PARTICIPANT, "email_verified": False},
    "stranger@idp": {"sub": "s-1", "email": STRANGER, "email_verified": True},
    "lead-mfa@idp": {"sub": "l-1", "email": LEAD, "email_verified": True, "amr": ["pwd", "mfa"]},
    "lead-pwd@idp": {"sub": "l-2", "email": LEAD, "email_verified": True, "amr": ["pwd"]},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with start_provider(
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=["http://testserver/accounts/login/"],
        accounts=ACCOUNTS,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def second_provider() -> Iterator[RunningProvider]:
    with start_provider(
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=["http://testserver/accounts/login/"],
        accounts={"participant@okta": ACCOUNTS["participant@idp"]},
    ) as running:
        yield running


@pytest.fixture
def two_providers(
    settings: Any, provider: RunningProvider, second_provider: RunningProvider
) -> RunningProvider:
    """TANDEM_OIDC_PROVIDERS=nhsmail,okta, as settings.py reads it from the environment."""
    settings.TANDEM_OIDC_PROVIDERS = [
        {"key": key, "issuer": running.issuer, "name": name}
        | {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        for key, name, running in (
            ("nhsmail", "NHSmail", provider),
            ("okta", "Okta", second_provider),
        )
    ]
    return second_provider


@pytest.fixture(autouse=True)
def sso_settings(settings: Any, provider: RunningProvider, demo: DemoProgramme) -> None:
    settings.TANDEM_OIDC_ISSUER = provider.issuer
    settings.TANDEM_OIDC_CLIENT_ID = CLIENT_ID
    settings.TANDEM_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.TANDEM_OIDC_NAME = "NHSmail"
    oidc.forget_discovery()


def start(client: Client, provider: str = "default") -> str:
    """Press "Log in with NHSmail": the address of the provider's authorisation endpoint."""
    response = client.get(f"/accounts/oidc/start/?provider={provider}")
    assert response.status_code == 302
    return str(response["Location"])


def come_back(client: Client, callback_url: str) -> HttpResponse:
    parts = urlsplit(callback_url)
    response: HttpResponse = client.get(f"{parts.path}?{parts.query}")
    return response


def log_in(client: Client, account: str, provider: str = "default") -> HttpResponse:
    return come_back(client, sign_in(start(client, provider), account, redirect_uri=CALLBACK))


def logged_in_email(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    if user_id is None:
        return None
    return str(get_user_model().objects.get(pk=user_id).email)


def test_the_login_page_offers_the_provider_by_name() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "Log in with NHSmail" in page
    assert 'href="/accounts/oidc/start/?provider=default"' in page
    assert 'name="password"' in page


def test_the_authorisation_request_carries_state_nonce_and_a_pkce_challenge() -> None:
    query = query_of(start(Client()))
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == CALLBACK
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32


def test_a_verified_address_logs_the_person_in_whatever_its_case() -> None:
    client = Client()
    response = log_in(client, "participant@idp")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_email(client) == PARTICIPANT
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="login.sso").latest("id")
    assert event.actor is not None and event.actor.email == PARTICIPANT
    assert event.extra == {"provider": "NHSmail", "second_factor_by_provider": False}


def test_the_person_lands_on_the_page_they_asked_for() -> None:
    client = Client()
    response = client.get("/accounts/oidc/start/?provider=default&next=/accounts/tokens/")
    back = sign_in(str(response["Location"]), "participant@idp", redirect_uri=CALLBACK)
    assert come_back(client, back)["Location"] == "/accounts/tokens/"
    elsewhere = client.get("/accounts/oidc/start/?provider=default&next=https://evil.example/")
    back = sign_in(str(elsewhere["Location"]), "participant@idp", redirect_uri=CALLBACK)
    assert come_back(client, back)["Location"] == "/"


def test_an_unknown_address_is_told_to_ask_the_lead_and_gets_no_account() -> None:
    users_before = get_user_model().objects.count()
    client = Client()
    response = log_in(client, "stranger@idp")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your NHSmail account is not on a programme in Tandem" in page
    assert "Ask your programme lead" in page and STRANGER in page
    assert logged_in_email(client) is None
    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(email__iexact=STRANGER).exists()
    refused = AuditEvent.objects.filter(action="login.sso_refused").latest("id")
    assert refused.extra == {"reason": "unknown", "provider": "NHSmail"}


def test_an_unverified_address_is_refused_even_when_it_matches_an_account() -> None:
    client = Client()
    response = log_in(client, "unverified@idp")
    assert response.status_code == 403
    assert "NHSmail did not confirm your e-mail address" in response.content.decode()
    assert logged_in_email(client) is None


def test_a_token_issued_to_another_client_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Token substitution: a genuine ID token, signed by the provider, with the same nonce, but
    meant for another application. Only its audience gives it away."""
    client = Client()
    authorize = start(client)
    nonce = query_of(authorize)["nonce"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    endpoint = authorize.split("?", 1)[0]
    other = (
        endpoint
        + "?"
        + urlencode(
            {
                "client_id": OTHER_CLIENT_ID,
                "redirect_uri": CALLBACK,
                "response_type": "code",
                "scope": "openid email",
                "state": "other",
                "nonce": nonce,
                "code_challenge": challenge.decode(),
                "code_challenge_method": "S256",
            }
        )
    )
    code = query_of(sign_in(other, "participant@idp", redirect_uri=CALLBACK))["code"]
    tokens = requests.post(
        oidc.discover(oidc._provider())["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_CLIENT_SECRET,
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    real_get_token = oidc.TandemOidcBackend.get_token

    def substituted(self: oidc.TandemOidcBackend, payload: dict[str, Any]) -> Any:
        return {**real_get_token(self, payload), "id_token": tokens["id_token"]}

    monkeypatch.setattr(oidc.TandemOidcBackend, "get_token", substituted)
    response = come_back(client, sign_in(authorize, "participant@idp", redirect_uri=CALLBACK))
    assert response.status_code == 403
    assert "NHSmail could not log you in to Tandem" in response.content.decode()
    assert logged_in_email(client) is None


def test_an_expired_id_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The provider's tokens last an hour: Tandem's clock is moved past that and the leeway.
    monkeypatch.setattr(oidc, "_now", lambda: time.time() + 3600 + 120)
    client = Client()
    response = log_in(client, "participant@idp")
    assert response.status_code == 403
    assert "could not log you in" in response.content.decode()
    assert logged_in_email(client) is None


def test_a_tampered_state_gets_a_clear_page_not_an_error() -> None:
    client = Client()
    back = sign_in(start(client), "participant@idp", redirect_uri=CALLBACK)
    state = query_of(back)["state"]
    response = come_back(client, back.replace(f"state={state}", "state=forged-by-someone"))
    assert response.status_code == 400
    assert "This log-in has expired" in response.content.decode()
    assert logged_in_email(client) is None


def test_an_answer_is_used_once() -> None:
    client = Client()
    back = sign_in(start(client), "participant@idp", redirect_uri=CALLBACK)
    assert come_back(client, back).status_code == 302
    client.logout()
    replayed = come_back(client, back)
    assert replayed.status_code == 400 and logged_in_email(client) is None


def test_a_tampered_nonce_is_refused() -> None:
    client = Client()
    authorize = start(client)
    nonce = query_of(authorize)["nonce"]
    forged = authorize.replace(f"nonce={nonce}", "nonce=chosen-by-an-attacker")
    response = come_back(client, sign_in(forged, "participant@idp", redirect_uri=CALLBACK))
    assert response.status_code == 403 and logged_in_email(client) is None


def test_a_code_without_the_pkce_verifier_is_refused() -> None:
    client = Client()
    back = sign_in(start(client), "participant@idp", redirect_uri=CALLBACK)
    session = client.session
    states = session["oidc_states"]
    for entry in states.values():
        entry["code_verifier"] = "x" * 64
    session["oidc_states"] = states
    session.save()
    response = come_back(client, back)
    assert response.status_code == 403 and logged_in_email(client) is None


def test_refused_answers_do_not_lock_the_browser_out_of_single_sign_on(settings: Any) -> None:
    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert log_in(client, "stranger@idp").status_code == 403
    assert log_in(client, "participant@idp").status_code == 302
    assert logged_in_email(client) == PARTICIPANT


def test_a_provider_checked_second_factor_spares_the_lead_tandems_code(settings: Any) -> None:
    settings.TANDEM_REQUIRE_2FA = True
    client = Client()
    assert log_in(client, "lead-mfa@idp").status_code == 302
    assert logged_in_email(client) == LEAD
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="login.sso").latest("id")
    assert event.extra["second_factor_by_provider"] is True


def test_a_lead_whose_provider_checked_only_a_password_still_owes_the_code(
    settings: Any,
) -> None:
    settings.TANDEM_REQUIRE_2FA = True
    client = Client()
    assert log_in(client, "lead-pwd@idp").status_code == 302
    assert logged_in_email(client) == LEAD
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-step/")


def test_log_out_ends_the_session_and_goes_on_to_the_provider(provider: RunningProvider) -> None:
    client = Client()
    log_in(client, "participant@idp")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    target = str(response["Location"])
    assert target.startswith(provider.issuer + "/session/end?")
    query = query_of(target)
    assert query["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert query["client_id"] == CLIENT_ID and query["id_token_hint"].count(".") == 2
    assert logged_in_email(client) is None
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_password_log_in_can_be_switched_off(settings: Any) -> None:
    settings.TANDEM_PASSWORD_LOGIN = False
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "Log in with NHSmail" in page and 'name="password"' not in page
    refused = client.post("/accounts/login/", {"username": PARTICIPANT, "password": "x" * 12})
    assert refused.status_code == 403
    assert "Logging in with a password is switched off here" in refused.content.decode()


def test_without_an_issuer_the_login_page_offers_passwords_only(settings: Any) -> None:
    settings.TANDEM_OIDC_ISSUER = ""
    page = Client().get("/accounts/login/").content.decode()
    assert "Log in with" not in page and 'name="password"' in page
    assert Client().get("/accounts/oidc/start/").status_code == 404
    assert single_sign_on_findings()[0].ok


def test_a_wrong_issuer_is_named_by_the_check_and_explained_to_the_person(
    settings: Any, provider: RunningProvider
) -> None:
    settings.TANDEM_OIDC_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")
    finding = single_sign_on_findings()[0]
    assert not finding.ok
    assert "TANDEM_OIDC_ISSUER is http://localhost:" in finding.message
    assert f"names its issuer as '{provider.issuer}'" in finding.message
    response = Client().get("/accounts/oidc/start/")
    assert response.status_code == 503
    assert "Logging in with NHSmail is not working at the moment" in response.content.decode()


def test_a_missing_client_secret_is_named_by_the_check(settings: Any) -> None:
    settings.TANDEM_OIDC_CLIENT_SECRET = ""
    finding = single_sign_on_findings()[0]
    assert not finding.ok and "TANDEM_OIDC_CLIENT_SECRET is not" in finding.message
    assert Client().get("/accounts/oidc/start/").status_code == 503


def test_a_working_provider_passes_the_check_with_the_redirect_uri_to_register() -> None:
    finding = single_sign_on_findings()[0]
    assert finding.ok and finding.message.endswith("/accounts/oidc/callback/.")


def test_several_providers_each_have_a_button(two_providers: RunningProvider) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "Log in with NHSmail" in page and "Log in with Okta" in page
    assert 'href="/accounts/oidc/start/?provider=okta"' in page
    assert Client().get("/accounts/oidc/start/?provider=nobody").status_code == 404
    assert [f.check for f in single_sign_on_findings()] == [
        "single sign-on (nhsmail)",
        "single sign-on (okta)",
    ]


def test_a_person_logs_in_and_out_through_the_second_provider(
    two_providers: RunningProvider,
) -> None:
    client = Client()
    assert log_in(client, "participant@okta", provider="okta").status_code == 302
    assert logged_in_email(client) == PARTICIPANT
    assert AuditEvent.objects.filter(action="login.sso").latest("id").extra["provider"] == "Okta"
    logout = client.post("/accounts/logout/")
    assert str(logout["Location"]).startswith(two_providers.issuer + "/session/end?")


def test_an_answer_naming_another_provider_is_refused(
    two_providers: RunningProvider, provider: RunningProvider
) -> None:
    """Mix-up (RFC 9207): the log-in was sent to NHSmail; an answer from Okta does not count."""
    client = Client()
    back = sign_in(start(client, "nhsmail"), "participant@idp", redirect_uri=CALLBACK)
    assert query_of(back)["iss"] == provider.issuer
    forged = back.replace(
        urlencode({"iss": provider.issuer}), urlencode({"iss": two_providers.issuer})
    )
    response = come_back(client, forged)
    assert response.status_code == 403 and logged_in_email(client) is None
