"""Setting up organisations through the pages: the first run on an empty install, localities and
services, administrators, and several organisations on one install kept apart."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tandem.demo import demo_reset
from tandem.programmes import services
from tandem.programmes.models import Locality, Organisation, OrganisationAdministrator, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    user = get_user_model().objects.create_superuser(
        email="root@install.example", password="a long test password"
    )
    client = Client()
    client.force_login(user)
    return client


def admin_client_for(organisation: Organisation, email: str) -> Client:
    user = get_user_model().objects.create_user(email=email, full_name="Org Admin")
    OrganisationAdministrator.objects.create(organisation=organisation, user=user)
    client = Client()
    client.force_login(user)
    return client


def test_a_superuser_on_an_empty_install_is_shown_where_to_begin(superuser_client) -> None:
    demo_reset()
    assert not Organisation.objects.exists()
    home = superuser_client.get("/").content.decode()
    assert "Set up your organisation" in home
    assert "You are not part of any programme yet" not in home

    page = superuser_client.get("/organisations/new/").content.decode()
    assert "Tandem is installed" in page
    response = superuser_client.post(
        "/organisations/new/", {"name": "Moorside NHS Trust", "short_name": "Moorside"}
    )
    organisation = Organisation.objects.get(name="Moorside NHS Trust")
    assert organisation.slug == "moorside"
    assert response["Location"] == "/organisations/moorside/"

    superuser_client.post("/organisations/moorside/localities/new/", {"locality-name": "North"})
    north = Locality.objects.get(organisation=organisation, name="North")
    superuser_client.post(
        "/organisations/moorside/services/new/",
        {"service-locality": north.pk, "service-name": "North CMHT"},
    )
    detail = superuser_client.get("/organisations/moorside/").content.decode()
    assert "North CMHT" in detail and "Not yet used" in detail
    assert "Start a programme" in detail
    assert "Import localities and services from a spreadsheet" in detail
    # The home page now leads to the organisation rather than the first-run card.
    assert "Set up your organisation" not in superuser_client.get("/").content.decode()


def test_bad_input_names_the_field_and_writes_nothing(superuser_client) -> None:
    organisation = services.organisation_create(name="Moorside NHS Trust")
    north = Locality.objects.create(organisation=organisation, name="North")
    Service.objects.create(locality=north, organisation=organisation, name="North CMHT")
    before = (Organisation.objects.count(), Locality.objects.count(), Service.objects.count())
    cases = [
        ("/organisations/new/", {"name": "moorside nhs trust"}, "already an organisation called"),
        ("/organisations/new/", {"name": ""}, "This field is required"),
        (
            f"/organisations/{organisation.slug}/localities/new/",
            {"locality-name": "NORTH"},
            "There is already a locality called “North”",
        ),
        (
            f"/organisations/{organisation.slug}/services/new/",
            {"service-locality": north.pk, "service-name": "north cmht"},
            "There is already a service",
        ),
        (
            f"/organisations/{organisation.slug}/services/new/",
            {"service-locality": "", "service-name": "South CMHT"},
            "This field is required",
        ),
    ]
    for url, data, message in cases:
        response = superuser_client.post(url, data)
        assert response.status_code == 400, url
        assert message in response.content.decode(), (url, data)
    assert (
        Organisation.objects.count(),
        Locality.objects.count(),
        Service.objects.count(),
    ) == before


def test_an_administrator_manages_their_own_organisation_and_nothing_of_another(demo) -> None:
    mine = services.organisation_create(name="Moorside NHS Trust")
    theirs = demo.programme.organisation
    their_service = Service.objects.filter(organisation=theirs).first()
    client = admin_client_for(mine, "admin@moorside.example")

    listing = client.get("/organisations/").content.decode()
    assert "Moorside NHS Trust" in listing and theirs.name not in listing
    assert client.get(f"/organisations/{mine.slug}/").status_code == 200
    for url in (
        f"/organisations/{theirs.slug}/",
        f"/organisations/{theirs.slug}/services/import/",
        f"/organisations/{theirs.slug}/programmes/new/",
        f"/organisations/{theirs.slug}/services/{their_service.pk}/",
        # Another organisation's service under one's own organisation's address: not found either.
        f"/organisations/{mine.slug}/services/{their_service.pk}/",
        f"/organisations/{mine.slug}/localities/{their_service.locality_id}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/organisations/{mine.slug}/services/{their_service.pk}/retire/")
    assert response.status_code == 404
    their_service.refresh_from_db()
    assert their_service.retired_at is None
    # Administering an organisation gives no role in its programmes.
    assert client.get(f"/programmes/{demo.programme.slug}/").status_code == 404
    # Only a superuser adds organisations or administrators.
    assert client.post("/organisations/new/", {"name": "Another"}).status_code == 403
    assert client.get(f"/organisations/{mine.slug}/administrators/new/").status_code == 403


def test_someone_with_no_organisation_has_no_organisations_page(participant_client) -> None:
    assert participant_client.get("/organisations/").status_code == 404
    assert "Organisations you set up" not in participant_client.get("/").content.decode()


def test_a_superuser_grants_and_removes_an_administrator(superuser_client) -> None:
    organisation = services.organisation_create(name="Moorside NHS Trust")
    url = f"/organisations/{organisation.slug}/administrators/new/"
    response = superuser_client.post(url, {"email": "new.admin@moorside.example", "name": ""})
    assert response.status_code == 400
    assert "enter their full name" in response.content.decode()
    superuser_client.post(url, {"email": "New.Admin@moorside.example", "name": "Nia Admin"})
    grant = OrganisationAdministrator.objects.get(organisation=organisation)
    assert grant.user.email == "new.admin@moorside.example"
    assert not grant.user.is_superuser

    admin = Client()
    admin.force_login(grant.user)
    assert "Organisations you set up" in admin.get("/").content.decode()
    superuser_client.post(f"/organisations/{organisation.slug}/administrators/{grant.pk}/remove/")
    assert not OrganisationAdministrator.objects.exists()
    assert admin.get(f"/organisations/{organisation.slug}/").status_code == 404


def test_services_are_renamed_moved_and_retired_not_deleted(superuser_client, demo) -> None:
    organisation = demo.programme.organisation
    service = Service.objects.get(organisation=organisation, name="Memory Assessment Service")
    south = Locality.objects.get(organisation=organisation, name="Riverside South")
    base = f"/organisations/{organisation.slug}"
    response = superuser_client.post(
        f"{base}/services/{service.pk}/", {"locality": south.pk, "name": "Memory Service"}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.locality_id) == ("Memory Service", south.pk)

    # A locality with services still in use cannot be retired; the page says which.
    north = Locality.objects.get(organisation=organisation, name="Riverside North")
    page = superuser_client.post(f"{base}/localities/{north.pk}/retire/", follow=True)
    north.refresh_from_db()
    assert north.retired_at is None
    assert "North Community Mental Health Team" in page.content.decode()

    superuser_client.post(f"{base}/services/{service.pk}/retire/")
    service.refresh_from_db()
    assert service.retired_at is not None
    assert Service.objects.filter(pk=service.pk).exists()  # kept for the past programme
    pair_form = superuser_client.get(f"/programmes/{demo.programme.slug}/pairs/new/")
    html = pair_form.content.decode()
    services_offered = html[html.index('name="service"') : html.index('name="doctor"')]
    assert "North Community Mental Health Team" in services_offered
    assert "Memory Service" not in services_offered
    detail = superuser_client.get(f"{base}/").content.decode()
    assert "Retired" in detail


def test_a_retired_service_cannot_be_paired(demo) -> None:
    from django.core.exceptions import ValidationError

    from tandem.programmes.models import Pair, Participant
    from tandem.programmes.org_services import service_retire

    pair = Pair.objects.filter(programme=demo.programme).select_related("service").first()
    doctor, manager, service = pair.doctor, pair.manager, pair.service
    services.pair_delete(pair=pair)
    service_retire(service=service)
    service.refresh_from_db()
    with pytest.raises(ValidationError, match="has been retired"):
        services.pair_create(
            programme=demo.programme, service=service, doctor=doctor, manager=manager
        )
    assert Participant.objects.filter(pk=doctor.pk).exists()
