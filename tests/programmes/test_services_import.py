"""The services import: localities and services from a CSV or XLSX, checked by row and column,
written all or nothing; and its upload → preview → confirm page."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from tandem.audit.models import AuditEvent
from tandem.programmes.importer import ImportFileError
from tandem.programmes.importer.services_table import plan_services_import
from tandem.programmes.models import Locality, OrganisationAdministrator, Service
from tandem.programmes.org_services import services_import_commit

from ..factories import PASSWORD, LocalityFactory, OrganisationFactory, ServiceFactory, UserFactory

GOOD = "locality,service\r\nNorth,Memory service\r\nNorth,Crisis team\r\nSouth,Memory clinic\r\n"


def csv_bytes(*rows: str, header: str = "locality,service") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int]:
    return Locality.objects.count(), Service.objects.count()


def plan_for(organisation, data: bytes, filename: str = "services.csv"):
    return plan_services_import(organisation=organisation, data=data, filename=filename)


def messages_of(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Riverside and Fells NHS Trust")


def test_a_csv_creates_its_localities_and_services_in_the_right_locality(organisation) -> None:
    plan = plan_for(organisation, GOOD.encode())
    assert plan.errors == []
    assert plan.new_localities == ["North", "South"]
    assert plan.counts() == {"localities_added": 2, "services_added": 3, "unchanged": 0}
    result = services_import_commit(organisation=organisation, plan=plan)
    assert (result.localities_added, result.services_added, result.unchanged) == (2, 3, 0)
    assert result.sentence() == "Added 2 localities and 3 services"
    placed = dict(
        Service.objects.filter(organisation=organisation).values_list("name", "locality__name")
    )
    assert placed == {"Memory service": "North", "Crisis team": "North", "Memory clinic": "South"}
    event = AuditEvent.objects.get(action="services.import")
    assert event.extra["services_added"] == 3


def test_an_xlsx_with_headings_in_capitals_and_spaces_imports_the_same(organisation) -> None:
    data = xlsx_bytes(
        [
            ["  Locality ", "SERVICE", "Notes"],
            ["North", "Memory service", "ignored"],
            ["South", "Crisis team", None],
        ]
    )
    plan = plan_for(organisation, data, "services.xlsx")
    assert plan.errors == []
    services_import_commit(organisation=organisation, plan=plan)
    assert (
        Service.objects.get(organisation=organisation, name="Crisis team").locality.name == "South"
    )


def test_importing_the_same_file_again_adds_nothing(organisation) -> None:
    services_import_commit(organisation=organisation, plan=plan_for(organisation, GOOD.encode()))
    before = counts()
    plan = plan_for(organisation, GOOD.encode())
    assert plan.errors == []
    assert plan.counts() == {"localities_added": 0, "services_added": 0, "unchanged": 3}
    result = services_import_commit(organisation=organisation, plan=plan)
    assert (result.localities_added, result.services_added, result.unchanged) == (0, 0, 3)
    assert counts() == before


def test_an_existing_locality_is_matched_whatever_its_case(organisation) -> None:
    LocalityFactory(organisation=organisation, name="North")
    plan = plan_for(organisation, csv_bytes("NORTH,Memory service"))
    assert plan.new_localities == []
    services_import_commit(organisation=organisation, plan=plan)
    assert Locality.objects.filter(organisation=organisation).count() == 1


def test_the_same_names_in_another_organisation_do_not_count(organisation) -> None:
    ServiceFactory(name="Memory service", locality__name="South")
    plan = plan_for(organisation, csv_bytes("North,Memory service"))
    assert plan.errors == []
    assert plan.counts()["services_added"] == 1


@pytest.mark.parametrize(
    ("header", "column"),
    [("locality,name", "service"), ("area,service", "locality")],
)
def test_a_missing_column_is_named(organisation, header: str, column: str) -> None:
    plan = plan_for(organisation, csv_bytes("North,Memory service", header=header))
    assert messages_of(plan) == [(1, column, f"The file has no ‘{column}’ column.")]
    assert not plan.is_valid


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["North,"], (2, "service", "The service is empty.")),
        ([",Memory service"], (2, "locality", "The locality is empty.")),
        (
            ["North,Memory service", "South,Crisis team", "South,memory SERVICE"],
            (
                4,
                "service",
                "The service “memory SERVICE” is on rows 2 and 4: list each service once.",
            ),
        ),
        (
            ["North," + "x" * 201],
            (2, "service", "The service name is 201 characters long; the most is 200."),
        ),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    organisation, rows: list[str], expected: tuple[int, str, str]
) -> None:
    before = counts()
    plan = plan_for(organisation, csv_bytes(*rows))
    assert messages_of(plan) == [expected]
    with pytest.raises(ValidationError):
        services_import_commit(organisation=organisation, plan=plan)
    assert counts() == before


def test_a_service_already_in_another_locality_is_an_error(organisation) -> None:
    ServiceFactory(locality__organisation=organisation, locality__name="South", name="Crisis team")
    plan = plan_for(organisation, csv_bytes("North,crisis team"))
    assert messages_of(plan) == [
        (
            2,
            "locality",
            "The service “Crisis team” already exists in the locality “South”, not “North”. "
            "Move it there first, or correct this row.",
        )
    ]


def test_a_retired_service_or_locality_is_not_brought_back(organisation) -> None:
    retired_on = timezone.make_aware(timezone.datetime(2026, 3, 2, 12, 0))
    ServiceFactory(
        locality__organisation=organisation,
        locality__name="North",
        name="Memory service",
        retired_at=retired_on,
    )
    LocalityFactory(organisation=organisation, name="West", retired_at=retired_on)
    plan = plan_for(organisation, csv_bytes("North,Memory service", "West,New team"))
    assert messages_of(plan) == [
        (
            2,
            "service",
            "The service “Memory service” was retired on 2 March 2026. An import does not bring "
            "it back: restore it first, or remove this row.",
        ),
        (
            3,
            "locality",
            "The locality “West” was retired on 2 March 2026. An import does not bring it back: "
            "restore it first, or remove this row.",
        ),
    ]


def test_a_bad_last_row_keeps_the_good_rows_out_too(organisation) -> None:
    before = counts()
    plan = plan_for(organisation, csv_bytes("North,Memory service", "South,Crisis team", "East,"))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "service")]
    with pytest.raises(ValidationError, match="nothing was added"):
        services_import_commit(organisation=organisation, plan=plan)
    assert counts() == before


def test_a_plan_checked_for_another_organisation_is_refused(organisation) -> None:
    plan = plan_for(OrganisationFactory(), GOOD.encode())
    before = counts()
    with pytest.raises(ValidationError, match="another organisation"):
        services_import_commit(organisation=organisation, plan=plan)
    assert counts() == before


def test_a_service_added_between_preview_and_confirm_refuses_the_whole_import(
    organisation,
) -> None:
    plan = plan_for(organisation, GOOD.encode())
    ServiceFactory(locality__organisation=organisation, locality__name="East", name="Crisis team")
    before = counts()
    with pytest.raises(ValidationError, match="changed since the file was checked"):
        services_import_commit(organisation=organisation, plan=plan)
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"locality,service\r\n", "no services"),
        (b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(organisation, data: bytes, message: str) -> None:
    name = "services.xlsx" if data.startswith(b"PK") else "services.csv"
    with pytest.raises(ImportFileError, match=message):
        plan_for(organisation, data, name)


# The page: upload → preview → confirm.


def administrator_client(organisation) -> Client:
    user = UserFactory()
    OrganisationAdministrator.objects.create(organisation=organisation, user=user)
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def import_url(organisation) -> str:
    return f"/organisations/{organisation.slug}/services/import/"


def upload(client: Client, organisation, content: bytes, name: str = "services.csv"):
    return client.post(import_url(organisation), {"file": SimpleUploadedFile(name, content)})


def test_an_administrator_uploads_previews_and_confirms(organisation) -> None:
    client = administrator_client(organisation)
    before = counts()
    page = client.get(import_url(organisation))
    assert page.status_code == 200
    assert "Import localities and services" in page.content.decode()
    response = upload(client, organisation, GOOD.encode())
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Memory clinic" in html and "Add 2 localities and 3 services" in html
    assert counts() == before, "the preview writes nothing"
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    done = client.post(preview_url, {"token": token}, follow=True)
    assert done.redirect_chain[-1][0] == import_url(organisation)
    assert "Added 2 localities and 3 services" in done.content.decode()
    assert Service.objects.filter(organisation=organisation).count() == 3
    assert client.get(preview_url).status_code == 404, "an imported upload is gone"


def test_a_file_with_errors_shows_them_by_row_and_offers_no_confirm_button(organisation) -> None:
    client = administrator_client(organisation)
    before = counts()
    response = upload(client, organisation, csv_bytes("North,Memory service", "South,"))
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 400
    assert "nhsuk-error-summary" in html
    assert "Row 3, service: The service is empty." in html
    assert "<button" not in html.split("<main", 1)[1]
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    client.post(response["Location"], {"token": token})
    assert counts() == before


def test_the_upload_form_shows_an_error_summary_without_a_file(organisation) -> None:
    client = administrator_client(organisation)
    response = client.post(import_url(organisation), {})
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()


def test_the_template_downloads_as_csv(organisation) -> None:
    response = administrator_client(organisation).get(
        f"/organisations/{organisation.slug}/services/import/template.csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == "locality,service"


def test_another_organisations_administrator_gets_404_for_the_page_and_the_preview(
    organisation,
) -> None:
    client = administrator_client(organisation)
    preview_url = upload(client, organisation, GOOD.encode())["Location"]
    stranger = administrator_client(OrganisationFactory())
    assert stranger.get(import_url(organisation)).status_code == 404
    assert stranger.get(preview_url).status_code == 404
    assert upload(stranger, organisation, GOOD.encode()).status_code == 404


def test_another_session_cannot_open_the_preview(organisation) -> None:
    client = administrator_client(organisation)
    preview_url = upload(client, organisation, GOOD.encode())["Location"]
    user = get_user_model().objects.get(organisation_roles__organisation=organisation)
    other_session = Client()
    other_session.force_login(user)
    assert other_session.get(preview_url).status_code == 404


def test_a_superuser_may_import_for_any_organisation(organisation) -> None:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(import_url(organisation)).status_code == 200


def test_an_upload_for_one_organisation_is_not_found_under_another(organisation) -> None:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    preview_url = upload(client, organisation, GOOD.encode())["Location"]
    other = OrganisationFactory()
    crossed = preview_url.replace(f"/{organisation.slug}/", f"/{other.slug}/")
    assert client.get(crossed).status_code == 404
    assert client.get(preview_url).status_code == 200
