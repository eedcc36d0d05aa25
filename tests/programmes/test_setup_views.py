"""The "Start a programme" and "Copy a programme" pages of an organisation's administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tandem.programmes.models import OrganisationAdministrator, Programme, Role
from tandem.programmes.setup import programme_start
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Fellside Trust", slug="fellside")


@pytest.fixture
def admin(organisation):
    person = PersonFactory(organisation=organisation, email="admin@fellside.example")
    OrganisationAdministrator.objects.create(organisation=organisation, user=person.user)
    return person


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "title": "Partnership 2027",
    "start_date": "2027-01-04",
    "template_id": "partnership-12m",
    "lead_email": "admin@fellside.example",
    "lead_name": "",
    "min_group_size": "5",
    "min_text_group_size": "10",
    "retention_months": "24",
}


def test_the_start_page_shows_the_template_with_its_milestones(admin) -> None:
    response = client_of(admin.user).get(reverse("programmes:programme_start", args=["fellside"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Doctor–manager partnership, 12 months" in text
    assert "<li>week 53: Repeat stock take</li>" in text
    assert "Never below 3" in text


def test_an_administrator_starts_a_programme_and_lands_on_it(admin) -> None:
    client = client_of(admin.user)
    response = client.post(reverse("programmes:programme_start", args=["fellside"]), FORM)
    programme = Programme.objects.get(name="Partnership 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:overview", args=[programme.slug])
    assert programme.organisation.slug == "fellside"
    assert programme.participants.get().role == Role.PROGRAMME_LEAD
    assert programme.milestones.count() == 11
    page = client.get(response["Location"], follow=True)
    assert "Started the programme “Partnership 2027”." in page.content.decode()


def test_an_administrator_who_is_not_the_lead_is_sent_to_the_programme_list(admin) -> None:
    form = FORM | {"lead_email": "jo@fellside.example", "lead_name": "Jo Lead"}
    response = client_of(admin.user).post(
        reverse("programmes:programme_start", args=["fellside"]), form
    )
    assert response["Location"] == reverse("programmes:list")
    assert Programme.objects.filter(name="Partnership 2027").exists()


def test_an_administrator_of_another_organisation_gets_404(organisation) -> None:
    stranger = UserFactory()
    OrganisationAdministrator.objects.create(organisation=OrganisationFactory(), user=stranger)
    client = client_of(stranger)
    for name in ("programmes:programme_start", "programmes:programme_copy"):
        assert client.get(reverse(name, args=["fellside"])).status_code == 404
    response = client.post(reverse("programmes:programme_start", args=["fellside"]), FORM)
    assert response.status_code == 404
    assert not Programme.objects.filter(name="Partnership 2027").exists()


def test_a_form_error_is_shown_again_with_its_message(admin) -> None:
    response = client_of(admin.user).post(
        reverse("programmes:programme_start", args=["fellside"]), FORM | {"min_group_size": "2"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "The smallest group shown must be at least 3 people, not 2" in text
    assert 'href="#id_min_group_size"' in text
    assert not Programme.objects.filter(name="Partnership 2027").exists()


def test_an_administrator_copies_an_earlier_programme_with_its_pairs(admin, organisation) -> None:
    source = programme_start(
        organisation=organisation,
        title="Partnership 2026",
        start_date=dt.date(2026, 1, 5),
        template_id="partnership-12m",
        lead_email="admin@fellside.example",
    )
    client = client_of(admin.user)
    page = client.get(reverse("programmes:programme_copy", args=["fellside"]))
    assert "Partnership 2026 (from 5 January 2026)" in page.content.decode()
    response = client.post(
        reverse("programmes:programme_copy", args=["fellside"]),
        {
            "source": source.pk,
            "title": "Partnership 2027",
            "start_date": "2027-01-04",
            "copy_pairs": "on",
            "lead_email": "",
            "lead_name": "",
        },
    )
    copy = Programme.objects.get(name="Partnership 2027")
    assert response["Location"] == reverse("programmes:overview", args=[copy.slug])
    assert copy.start_date == dt.date(2027, 1, 4)
    assert copy.milestones.first().start_date == dt.date(2027, 1, 11)
    assert copy.participants.get().person == admin
