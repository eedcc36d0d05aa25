from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

User = get_user_model()


@pytest.mark.django_db
def test_email_is_stored_in_lower_case_and_is_the_log_in_name() -> None:
    user = User.objects.create_user(email="Dr.Ada@Trust.Example", password="a-long-password")
    assert user.email == "dr.ada@trust.example"
    assert User.USERNAME_FIELD == "email"


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_email_in_any_case() -> None:
    User.objects.create_user(email="ada@trust.example")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ADA@trust.example")


@pytest.mark.django_db
def test_a_user_created_without_a_password_cannot_log_in_until_they_set_one() -> None:
    user = User.objects.create_user(email="new@trust.example")
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_create_superuser_sets_both_flags() -> None:
    admin = User.objects.create_superuser(email="admin@trust.example", password="a-long-password")
    assert admin.is_superuser and admin.is_staff
