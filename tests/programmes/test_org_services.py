"""Renaming, moving, retiring and restoring an organisation's localities and services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.audit.models import AuditEvent
from tandem.programmes import org_services
from tandem.programmes.models import Pair
from tandem.programmes.selectors import organisation_services

from ..factories import LocalityFactory, OrganisationFactory, ServiceFactory


@pytest.fixture
def north(db):
    return LocalityFactory(organisation=OrganisationFactory(), name="North")


def field_errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_renaming_a_service_to_a_name_taken_in_the_organisation_is_an_error_on_the_name(
    north,
) -> None:
    ServiceFactory(locality=north, name="Memory service")
    south = LocalityFactory(organisation=north.organisation, name="South")
    crisis = ServiceFactory(locality=south, name="Crisis team")
    with pytest.raises(ValidationError) as excinfo:
        org_services.service_rename(service=crisis, name="  memory SERVICE ")
    assert field_errors(excinfo) == {
        "name": ["There is already a service called “Memory service” in the locality “North”."]
    }
    crisis.refresh_from_db()
    assert crisis.name == "Crisis team"


def test_renaming_a_service_keeps_it_and_audits(north) -> None:
    service = ServiceFactory(locality=north, name="Memory service")
    org_services.service_rename(service=service, name="Memory assessment service")
    service.refresh_from_db()
    assert service.name == "Memory assessment service"
    assert AuditEvent.objects.filter(action="service.rename", subject_id=str(service.pk)).exists()


def test_a_service_may_change_only_the_case_of_its_own_name(north) -> None:
    service = ServiceFactory(locality=north, name="memory service")
    org_services.service_rename(service=service, name="Memory Service")
    service.refresh_from_db()
    assert service.name == "Memory Service"


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Enter the service's name."), ("x" * 201, "the most is 200")],
)
def test_an_empty_or_long_service_name_is_refused(north, name: str, message: str) -> None:
    service = ServiceFactory(locality=north)
    with pytest.raises(ValidationError, match=message) as excinfo:
        org_services.service_rename(service=service, name=name)
    assert list(field_errors(excinfo)) == ["name"]


def test_renaming_a_locality_to_a_taken_name_is_an_error_on_the_name(north) -> None:
    south = LocalityFactory(organisation=north.organisation, name="South")
    LocalityFactory(name="South Side")  # another organisation's: no clash
    with pytest.raises(ValidationError) as excinfo:
        org_services.locality_rename(locality=south, name="NORTH")
    assert field_errors(excinfo) == {"name": ["There is already a locality called “North”."]}
    org_services.locality_rename(locality=south, name="South Side")
    south.refresh_from_db()
    assert south.name == "South Side"


def test_a_service_moves_to_another_locality_of_its_organisation(north) -> None:
    service = ServiceFactory(locality=north)
    south = LocalityFactory(organisation=north.organisation, name="South")
    org_services.service_move(service=service, locality=south)
    service.refresh_from_db()
    assert service.locality == south


def test_a_service_cannot_move_to_another_organisations_locality(north) -> None:
    service = ServiceFactory(locality=north)
    with pytest.raises(ValidationError) as excinfo:
        org_services.service_move(service=service, locality=LocalityFactory())
    assert field_errors(excinfo) == {"locality": ["Choose a locality of this organisation."]}
    service.refresh_from_db()
    assert service.locality == north


def test_retiring_a_locality_with_active_services_names_them(north) -> None:
    ServiceFactory(locality=north, name="Memory service")
    ServiceFactory(locality=north, name="Crisis team")
    with pytest.raises(ValidationError) as excinfo:
        org_services.locality_retire(locality=north)
    message = field_errors(excinfo)["locality"][0]
    assert "still has active services" in message
    assert "“Crisis team”" in message and "“Memory service”" in message
    north.refresh_from_db()
    assert north.retired_at is None


def test_a_locality_retires_once_its_services_are_retired_and_comes_back(north) -> None:
    service = ServiceFactory(locality=north)
    org_services.service_retire(service=service)
    org_services.locality_retire(locality=north)
    north.refresh_from_db()
    assert north.retired_at is not None
    with pytest.raises(ValidationError) as excinfo:
        org_services.service_restore(service=service)
    assert "restore it first" in field_errors(excinfo)["locality"][0]
    with pytest.raises(ValidationError):
        org_services.service_move(service=service, locality=north)
    org_services.locality_restore(locality=north)
    org_services.service_restore(service=service)
    service.refresh_from_db()
    assert service.retired_at is None


def test_retiring_twice_is_an_error(north) -> None:
    service = ServiceFactory(locality=north)
    org_services.service_retire(service=service)
    with pytest.raises(ValidationError, match="already retired"):
        org_services.service_retire(service=service)


def test_a_retired_service_is_no_longer_offered_for_a_pair(demo, lead_client: Client) -> None:
    organisation = demo.programme.organisation
    service = ServiceFactory(name="Veterans Service", locality__organisation=organisation)
    offered = organisation_services(programme=demo.programme)
    assert service in offered
    org_services.service_retire(service=service)
    assert service not in organisation_services(programme=demo.programme)

    url = f"/programmes/{demo.programme.slug}/pairs/new/"
    page = lead_client.get(url).content.decode()
    assert "Veterans Service" not in page
    pair = Pair.objects.get(programme=demo.programme, doctor__person__name="Dr Amara Okafor")
    Pair.objects.filter(pk=pair.pk).delete()
    refused = lead_client.post(
        url, {"service": service.pk, "doctor": pair.doctor_id, "manager": pair.manager_id}
    )
    assert refused.status_code == 400
    # The pair form still works with an active service.
    active = ServiceFactory(name="Eating Disorders", locality__organisation=organisation)
    made = lead_client.post(
        url, {"service": active.pk, "doctor": pair.doctor_id, "manager": pair.manager_id}
    )
    assert made.status_code == 302
    assert Pair.objects.filter(programme=demo.programme, service=active).exists()
