"""Log-in hardening: lock-out after wrong passwords, session time limits, two-step log-in, CSP."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.accounts.middleware import LAST_SEEN, LOGIN_AT
from tandem.audit.models import AuditEvent
from tandem.demo import email_for

from ..factories import PASSWORD

LEAD = email_for("Priya Sandhu")
PARTICIPANT = email_for("Dr Amara Okafor")


@pytest.fixture
def axes_on(settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _wrong(client: Client, email: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": "not-it-at-all"})


def test_repeated_wrong_passwords_lock_the_address_with_a_clear_message(
    client: Client, demo, axes_on: None
) -> None:
    for _ in range(2):
        assert _wrong(client, LEAD).status_code == 200
    response = _wrong(client, LEAD.upper())
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = client.post("/accounts/login/", {"username": LEAD, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_elsewhere_do_not_lock_the_real_person_out(
    client: Client, demo, axes_on: None
) -> None:
    attacker = Client(HTTP_USER_AGENT="curl/8.0", REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        attacker.post("/accounts/login/", {"username": LEAD, "password": "guess"})
    assert (
        attacker.post("/accounts/login/", {"username": LEAD, "password": PASSWORD}).status_code
        == 429
    )
    # The lead, in their own browser, is not locked out by someone else's guesses.
    mine = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Edge/120")
    assert (
        mine.post("/accounts/login/", {"username": LEAD, "password": PASSWORD}).status_code == 302
    )


def test_lock_out_is_per_address_and_axes_reset_lifts_it(
    client: Client, demo, axes_on: None
) -> None:
    for _ in range(3):
        _wrong(client, LEAD)
    other = client.post("/accounts/login/", {"username": PARTICIPANT, "password": PASSWORD})
    assert other.status_code == 302
    client.post("/accounts/logout/")
    call_command("axes_reset", verbosity=0)
    response = client.post("/accounts/login/", {"username": LEAD, "password": PASSWORD})
    assert response.status_code == 302


def _age_session(client: Client, *, idle: float = 0, since_login: float = 0) -> None:
    session = client.session
    now = time.time()
    session[LAST_SEEN] = now - idle
    session[LOGIN_AT] = now - since_login
    session.save()


def test_session_ends_after_30_idle_minutes(participant_client: Client) -> None:
    assert participant_client.get("/").status_code == 200
    _age_session(participant_client, idle=29 * 60, since_login=29 * 60)
    assert participant_client.get("/").status_code == 200
    _age_session(participant_client, idle=31 * 60, since_login=31 * 60)
    response = participant_client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in participant_client.session


def test_session_ends_12_hours_after_log_in_even_when_active(participant_client: Client) -> None:
    _age_session(participant_client, idle=60, since_login=11.9 * 3600)
    assert participant_client.get("/").status_code == 200
    _age_session(participant_client, idle=60, since_login=12.1 * 3600)
    response = participant_client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "12 hours have passed" in response.content.decode()


@pytest.fixture
def require_2fa(settings: Any) -> None:
    settings.TANDEM_REQUIRE_2FA = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_lead_without_a_device_sets_one_up_only_through_an_e_mailed_link(
    lead_client: Client, demo, require_2fa: None
) -> None:
    response = lead_client.get(f"/programmes/{demo.programme.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-step/")
    # A password alone is not shown the secret: whoever holds it could enrol their own phone.
    html = lead_client.get(response["Location"]).content.decode()
    assert "Check your e-mail" in html
    assert 'src="data:image/svg+xml' not in html and "Key:" not in html
    assert not TOTPDevice.objects.filter(user__email=LEAD).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [LEAD]
    link = re.search(r"https?://\S+/accounts/two-step/set-up/\S+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    page = lead_client.get("/" + path, follow=True).content.decode()
    assert "Set up two-step log-in" in page and 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user__email=LEAD, confirmed=False)
    wrong = lead_client.post("/accounts/two-step/", {"token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    # A wrong code makes the next try wait a second (django-otp's throttle); skip the wait.
    device.refresh_from_db()
    device.throttle_reset()
    done = lead_client.post(
        "/accounts/two-step/",
        {"token": _code(device), "next": f"/programmes/{demo.programme.slug}/"},
    )
    assert done["Location"] == f"/programmes/{demo.programme.slug}/"
    assert lead_client.get(f"/programmes/{demo.programme.slug}/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrol", actor__email=LEAD).exists()


def test_an_enrolment_link_works_only_for_its_owner_fresh_and_before_a_password_change(
    lead_client: Client, sponsor_client: Client, demo, require_2fa: None
) -> None:
    from django.contrib.auth import get_user_model

    from tandem.accounts.two_factor import enrol_link_token

    lead = get_user_model().objects.get(email=LEAD)
    url = f"/accounts/two-step/set-up/{enrol_link_token(lead)}/"
    # Someone else's session (the sponsor also owes a second factor) cannot use it.
    assert sponsor_client.get(url).status_code == 400
    # A session that logged in long ago must log in again first.
    _age_session(lead_client, idle=60, since_login=45 * 60)
    stale = lead_client.get(url)
    assert stale.status_code == 302 and stale["Location"].startswith("/accounts/login/")
    # A password change kills every link sent before it.
    lead.set_password("a-new-password-for-tests")
    lead.save()
    fresh = client_for_password(LEAD, "a-new-password-for-tests")
    assert fresh.get(url).status_code == 400


def client_for_password(email: str, password: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": email, "password": password})
    return client


def test_enrolled_lead_enters_a_code_at_each_log_in(
    client: Client, demo, require_2fa: None
) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=LEAD)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.post("/accounts/login/", {"username": LEAD, "password": PASSWORD})
    response = client.get("/", follow=True)
    assert "Enter your code" in response.content.decode()
    client.post("/accounts/two-step/", {"token": _code(device)})
    assert client.get("/").status_code == 200


def test_participant_needs_no_second_factor(participant_client: Client, require_2fa: None) -> None:
    assert participant_client.get("/").status_code == 200


def test_pages_carry_a_strict_content_security_policy(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    # nhsuk-frontend's one inline script carries the nonce; nothing else is inline.
    html = response.content.decode()
    assert html.count("<script>") == 0
    assert f'nonce="{nonce}"' in html


def test_a_password_alone_reaches_nothing_but_the_two_step_page_for_any_role_that_owes_it(
    demo, require_2fa: None, settings: Any
) -> None:
    from django.contrib.auth import get_user_model

    from tandem.accounts.middleware import OPEN_URL_NAMES

    from ..test_access_matrix import RULES, _demo_world, _url, url_names

    values = _demo_world(demo)
    values["enrol_token"] = "not-a-token"
    people = [LEAD, email_for("Dr Miriam Achebe"), demo.superuser_email]
    users = get_user_model().objects.filter(email__in=people)
    assert users.count() == 3
    for user in users:
        # Enrolled: this is the every-log-in check, not enrolment.
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    problems = []
    for email in people:
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))
        for name in url_names():
            if name in OPEN_URL_NAMES:
                continue
            rule = RULES[name]
            url = _url(name, rule, values)
            response = client.post(url, {}) if rule.method == "POST" else client.get(url)
            if url.startswith("/api/"):
                ok = response.status_code == 403 and response["Content-Type"].startswith(
                    "application/json"
                )
            else:
                ok = response.status_code == 302 and response["Location"].startswith(
                    "/accounts/two-step/"
                )
            if not ok:
                problems.append(f"{email} {name} {url}: {response.status_code}")
    assert problems == []


def test_a_token_cannot_be_made_with_a_password_alone(demo, require_2fa: None) -> None:
    from django.contrib.auth import get_user_model

    from tandem.api.models import ApiToken

    user = get_user_model().objects.get(email=LEAD)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/tokens/new/", {"name": "script", "days": "30"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-step/")
    assert not ApiToken.objects.filter(user=user, name="script").exists()
