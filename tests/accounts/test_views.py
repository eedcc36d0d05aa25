from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tandem.demo import email_for

from ..factories import PASSWORD, UserFactory

User = get_user_model()
LEAD = email_for("Priya Sandhu")


def test_login_page_shows_an_email_field(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email"' in html
    assert "Log in to Tandem" in html


def test_lead_logs_in_by_email_in_any_case_and_lands_on_the_programme_list(
    client: Client, demo
) -> None:
    response = client.post(
        "/accounts/login/", {"username": LEAD.upper(), "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert demo.programme.name in response.content.decode()


def test_wrong_password_shows_an_error_summary_and_does_not_log_in(client: Client, demo) -> None:
    response = client.post("/accounts/login/", {"username": LEAD, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "e-mail address or password is not right" in html
    assert "_auth_user_id" not in client.session


def test_pages_need_a_log_in(client: Client, demo) -> None:
    response = client.get(f"/programmes/{demo.programme.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_log_out_is_a_post_and_ends_the_session(lead_client: Client) -> None:
    assert lead_client.get("/").status_code == 200
    response = lead_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert lead_client.get("/").status_code == 302


def test_admin_is_for_superusers_only(client: Client, db: None) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_programme_lead_cannot_use_the_admin(lead_client: Client) -> None:
    assert lead_client.get("/admin/programmes/person/").status_code == 302


def test_setting_a_password_by_emailed_link_then_logging_in(client: Client, db: None) -> None:
    user = User.objects.create_user(email="new.starter@trust.example", full_name="New Starter")
    response = client.post("/accounts/password/", {"email": "New.Starter@trust.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/[^\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "partnership-2026!", "new_password2": "partnership-2026!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("partnership-2026!")


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(
    client: Client, db: None
) -> None:
    response = client.post("/accounts/password/", {"email": "nobody@trust.example"}, follow=True)
    assert "If the address has a Tandem account" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/"])
def test_account_pages_have_no_inline_event_handlers(client: Client, db: None, path: str) -> None:
    html = client.get(path).content.decode()
    assert not re.search(r"\son[a-z]+=", html)
