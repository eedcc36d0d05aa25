"""The pages under /accounts/tokens/: create (shown once), list and revoke your own tokens."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from tandem import demo as demo_module
from tandem.api.models import ApiToken
from tandem.api.services import api_token_create
from tandem.audit.models import AuditEvent


def test_creating_a_token_shows_it_once_and_it_works(lead_client: Client) -> None:
    response = lead_client.post("/accounts/tokens/new/", {"name": "Monthly report", "days": "90"})
    assert response.status_code == 200
    found = re.search(r'value="(tandem_[^"]+)"', response.content.decode())
    assert found is not None
    raw = found.group(1)
    assert "This is the only time the token is shown" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    listing = lead_client.get("/accounts/tokens/").content.decode()
    assert "Monthly report" in listing and raw not in listing
    assert raw[:13] in listing
    api = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.json()["email"] == demo_module.email_for("Priya Sandhu")
    assert AuditEvent.objects.filter(action="api_token.create").count() == 1


def test_form_errors_are_reported_and_nothing_is_created(lead_client: Client) -> None:
    response = lead_client.post("/accounts/tokens/new/", {"name": "", "days": "9999"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter a name for the token." in text
    assert "Choose one of the periods shown." in text
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token(lead_client: Client) -> None:
    lead = client_user(lead_client)
    created = api_token_create(user=lead, name="old script", days=30)
    url = f"/accounts/tokens/{created.token.pk}/revoke/"
    confirm = lead_client.get(url)
    assert confirm.status_code == 200
    assert "will stop working at once" in confirm.content.decode()
    response = lead_client.post(url)
    assert response.status_code == 302
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {created.raw}"}).status_code
        == 401
    )
    assert "Revoked" in lead_client.get("/accounts/tokens/").content.decode()
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_nobody_sees_or_revokes_anothers_token(
    lead_client: Client, participant_client: Client
) -> None:
    created = api_token_create(user=client_user(lead_client), name="lead's script", days=30)
    assert "lead's script" not in participant_client.get("/accounts/tokens/").content.decode()
    url = f"/accounts/tokens/{created.token.pk}/revoke/"
    assert participant_client.get(url).status_code == 404
    assert participant_client.post(url).status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_token_pages_need_a_log_in(client: Client, db: None) -> None:
    for url in ("/accounts/tokens/", "/accounts/tokens/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_revoking_needs_the_csrf_token(demo: Any) -> None:
    lead = demo.programme.participants.get(person__name="Priya Sandhu").person.user
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lead)
    created = api_token_create(user=lead, name="script", days=3)
    response = browser.post(f"/accounts/tokens/{created.token.pk}/revoke/")
    assert response.status_code == 403
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_programme_list_links_to_the_token_pages(participant_client: Client) -> None:
    assert 'href="/accounts/tokens/"' in participant_client.get("/").content.decode()


def client_user(client: Client) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_admin_lists_tokens_without_the_token(demo: Any) -> None:
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.get(email=demo.superuser_email)
    browser = Client()
    browser.force_login(admin_user)
    created = api_token_create(user=admin_user, name="integration", days=5)
    page = browser.get("/admin/api/apitoken/").content.decode()
    assert "integration" in page and created.raw not in page
    assert browser.get("/admin/api/apitoken/add/").status_code == 403
