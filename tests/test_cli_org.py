"""`tandem org create | list | import-services`: an organisation set up from the command line."""

from __future__ import annotations

import json
import re

import pytest

from tandem import cli
from tandem.programmes.models import Locality, Organisation, Service

from .factories import OrganisationFactory, ServiceFactory

GOOD = b"locality,service\r\nNorth,Memory service\r\nNorth,Crisis team\r\nSouth,Memory clinic\r\n"


@pytest.fixture
def run(capsys):
    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Riverside and Fells NHS Trust", slug="riverside")


def counts() -> tuple[int, int]:
    return Locality.objects.count(), Service.objects.count()


def test_org_create_prints_the_slug_as_json(db, run) -> None:
    code, out, _ = run(
        "org", "create", "--name", "Northfield NHS Trust", "--short-name", "NFT", "--json"
    )
    assert code == 0
    assert json.loads(out) == {"slug": "nft"}
    assert Organisation.objects.get(slug="nft").name == "Northfield NHS Trust"


def test_org_create_with_a_taken_name_exits_2_with_the_message(organisation, run) -> None:
    code, out, err = run("org", "create", "--name", "riverside and fells nhs trust", "--json")
    assert code == 2
    assert out == ""
    assert (
        err == "tandem: There is already an organisation called “riverside and fells nhs trust”.\n"
    )


def test_org_create_with_a_taken_slug_exits_2(organisation, run) -> None:
    code, _, err = run("org", "create", "--name", "Another Trust", "--slug", "riverside")
    assert code == 2
    assert "“riverside” is already taken" in err
    assert "Traceback" not in err


def test_org_list_names_each_organisation(organisation, run) -> None:
    code, out, _ = run("org", "list", "--json")
    assert code == 0
    assert {"slug": "riverside", "name": "Riverside and Fells NHS Trust"} in json.loads(out)
    code, out, _ = run("org", "list")
    assert re.search(r"^riverside +Riverside and Fells NHS Trust$", out, re.MULTILINE)


def test_import_services_writes_the_file_and_prints_the_counts(organisation, run, tmp_path) -> None:
    path = tmp_path / "services.csv"
    path.write_bytes(GOOD)
    code, out, _ = run("org", "import-services", str(path), "--org", "riverside", "--json")
    assert code == 0
    assert json.loads(out) == {"localities_added": 2, "services_added": 3, "unchanged": 0}
    assert (
        Service.objects.get(organisation=organisation, name="Memory clinic").locality.name
        == "South"
    )
    code, out, _ = run("org", "import-services", str(path), "--org", "riverside")
    assert code == 0
    assert out == "Added 0 localities and 0 services to riverside (3 unchanged).\n"


def test_import_services_dry_run_writes_nothing_and_prints_the_counts(
    organisation, run, tmp_path
) -> None:
    ServiceFactory(locality__organisation=organisation, locality__name="North", name="Crisis team")
    path = tmp_path / "services.csv"
    path.write_bytes(GOOD)
    before = counts()
    code, out, _ = run(
        "org", "import-services", str(path), "--org", "riverside", "--dry-run", "--json"
    )
    assert code == 0
    assert json.loads(out) == {"localities_added": 1, "services_added": 2, "unchanged": 1}
    code, out, _ = run("org", "import-services", str(path), "--org", "riverside", "--dry-run")
    assert out == "Would add 1 locality and 2 services to riverside (1 unchanged).\n"
    assert counts() == before


def test_import_services_with_bad_rows_exits_2_with_the_rows_in_json(
    organisation, run, tmp_path
) -> None:
    path = tmp_path / "services.csv"
    path.write_bytes(
        b"locality,service\r\nNorth,Memory service\r\nSouth,\r\nEast,memory service\r\n"
    )
    before = counts()
    code, out, err = run("org", "import-services", str(path), "--org", "riverside", "--json")
    assert code == 2
    assert json.loads(out) == {
        "errors": [
            {"row": 3, "column": "service", "message": "The service is empty."},
            {
                "row": 4,
                "column": "service",
                "message": "The service “memory service” is on rows 2 and 4: list each service once.",
            },
        ]
    }
    assert err == "tandem: services.csv: 2 problems; nothing was imported.\n"
    assert counts() == before


def test_import_services_without_json_lists_the_rows_on_stderr(organisation, run, tmp_path) -> None:
    path = tmp_path / "services.csv"
    path.write_bytes(b"area,service\r\nNorth,Memory service\r\n")
    code, out, err = run("org", "import-services", str(path), "--org", "riverside")
    assert code == 2
    assert out == ""
    assert "  row 1, locality: The file has no ‘locality’ column." in err


def test_import_services_for_an_unknown_organisation_exits_2(organisation, run, tmp_path) -> None:
    path = tmp_path / "services.csv"
    path.write_bytes(GOOD)
    code, _, err = run("org", "import-services", str(path), "--org", "nope")
    assert code == 2
    assert err.startswith("tandem: No organisation with the slug “nope” (organisations: ")
    assert "riverside" in err and err.count("\n") == 1


def test_import_services_names_a_missing_or_unreadable_file(organisation, run, tmp_path) -> None:
    code, _, err = run("org", "import-services", str(tmp_path / "gone.csv"), "--org", "riverside")
    assert code == 2
    assert err == f"tandem: No such file: {tmp_path / 'gone.csv'}\n"
    path = tmp_path / "services.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    code, _, err = run("org", "import-services", str(path), "--org", "riverside")
    assert code == 2
    assert err.startswith("tandem: services.xlsx: The file is not a readable XLSX workbook.")
    assert "Traceback" not in err
