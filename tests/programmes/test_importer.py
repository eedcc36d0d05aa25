"""The participant import: every kind of bad row is named by row and column, and nothing is written."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tandem.programmes import services
from tandem.programmes.importer import ImportFileError, plan_participant_import
from tandem.programmes.models import Locality, Pair, Participant, Person, Role, Service

HEADER = "name,email,profession,level,locality,service,programme role,pair"
GOOD_ROWS = [
    "Dr Nia Roberts,nia.roberts@riverside-fells.example,doctor,service,Riverside East,Eating Disorders,participant,E1",
    "Sam O'Neill,sam.oneill@riverside-fells.example,manager,service,Riverside East,Eating Disorders,participant,E1",
    "Tom Baker,tom.baker@riverside-fells.example,other clinician,senior,,,coach,",
]


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_for(demo, data: bytes, filename: str = "people.csv"):
    return plan_participant_import(programme=demo.programme, data=data, filename=filename)


def snapshot() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        Participant.objects.count(),
        Pair.objects.count(),
        Service.objects.count(),
        Locality.objects.count(),
    )


def test_a_valid_file_is_planned_then_imported_in_full(demo) -> None:
    before = snapshot()
    plan = plan_for(demo, csv_bytes(*GOOD_ROWS))
    assert plan.errors == []
    assert [row.action for row in plan.rows] == ["new", "new", "new"]
    assert snapshot() == before, "planning must write nothing"
    assert plan.new_localities == ["Riverside East"]
    assert plan.new_services == [("Eating Disorders", "Riverside East")]

    result = services.participants_import_commit(programme=demo.programme, plan=plan)

    assert (
        result.created,
        result.pairs_created,
        result.services_created,
        result.localities_created,
    ) == (3, 1, 1, 1)
    pair = Pair.objects.get(programme=demo.programme, service__name="Eating Disorders")
    assert pair.doctor.person.name == "Dr Nia Roberts"
    assert pair.manager.person.name == "Sam O'Neill"
    coach = Participant.objects.get(
        programme=demo.programme, person__email="tom.baker@riverside-fells.example"
    )
    assert coach.role == Role.COACH
    assert coach.person.user is not None and not coach.person.user.has_usable_password()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",x@riverside-fells.example,doctor,service,,,,", "name", "Name is empty."),
        ("Ann Lee,,manager,service,,,,", "email", "E-mail is empty."),
        (
            "Ann Lee,not-an-address,manager,service,,,,",
            "email",
            "“not-an-address” is not a valid e-mail address.",
        ),
        (
            "Ann Lee,ann@riverside-fells.example,surgeon,service,,,,",
            "profession",
            "Unknown profession “surgeon”: use doctor, manager, other clinician or other.",
        ),
        (
            "Ann Lee,ann@riverside-fells.example,,service,,,,",
            "profession",
            "Profession is empty: use doctor, manager, other clinician or other.",
        ),
        (
            "Ann Lee,ann@riverside-fells.example,manager,board,,,,",
            "level",
            "Unknown level “board”: use executive, senior or service.",
        ),
        (
            "Ann Lee,ann@riverside-fells.example,manager,service,,,chair,",
            "programme role",
            "Unknown programme role “chair”: use participant, sponsor, coach, programme lead or comparison.",
        ),
        (
            "Ann Lee,ann@riverside-fells.example,manager,service,,Brand New Service,,",
            "locality",
            "The service “Brand New Service” is new: give the locality it belongs to.",
        ),
        (
            "Ann Lee,ann@riverside-fells.example,manager,service,The Fells,Liaison Psychiatry,,",
            "locality",
            "The service “Liaison Psychiatry” is in the locality “Riverside South”, not “The Fells”.",
        ),
    ],
)
def test_each_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(
    demo, row: str, column: str, message: str
) -> None:
    before = snapshot()
    plan = plan_for(demo, csv_bytes(GOOD_ROWS[2], row))
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(3, column, message)]
    assert not plan.is_valid
    with pytest.raises(ValidationError):
        services.participants_import_commit(programme=demo.programme, plan=plan)
    assert snapshot() == before


def test_duplicate_email_names_both_rows_whatever_the_case(demo) -> None:
    plan = plan_for(demo, csv_bytes(GOOD_ROWS[2], GOOD_ROWS[2].replace("tom.baker", "Tom.Baker")))
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (3, "email", "Duplicate e-mail tom.baker@riverside-fells.example: it is also on row 2.")
    ]


def test_pair_with_two_doctors_is_refused_on_both_rows(demo) -> None:
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",manager,", ",doctor,")]
    plan = plan_for(demo, csv_bytes(*rows))
    expected = "Pair “E1” must be exactly one doctor and one manager; it has 2 doctors and 0 managers (rows 2 and 3)."
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (2, "pair", expected),
        (3, "pair", expected),
    ]


def test_pair_of_one_person_is_refused(demo) -> None:
    plan = plan_for(demo, csv_bytes(GOOD_ROWS[0]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "pair")]
    assert "it has 1 doctor and 0 managers (row 2)" in plan.errors[0].message


def test_pair_of_three_is_refused(demo) -> None:
    third = (
        "Jo Doe,jo.doe@riverside-fells.example,manager,service,Riverside East,Eating Disorders,,E1"
    )
    plan = plan_for(demo, csv_bytes(*GOOD_ROWS[:2], third))
    assert {e.row for e in plan.errors} == {2, 3, 4}
    assert "1 doctor and 2 managers" in plan.errors[0].message


def test_pair_split_across_two_services_is_refused(demo) -> None:
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("Eating Disorders", "Forensic Service")]
    plan = plan_for(demo, csv_bytes(*rows))
    assert {(e.row, e.column) for e in plan.errors} == {(2, "pair"), (3, "pair")}
    assert "split across services" in plan.errors[0].message


def test_pair_for_a_service_that_already_has_a_different_pair_is_refused(demo) -> None:
    rows = [
        "Dr New Doc,new.doc@riverside-fells.example,doctor,service,,Liaison Psychiatry,,L2",
        "New Man,new.man@riverside-fells.example,manager,service,,Liaison Psychiatry,,L2",
    ]
    plan = plan_for(demo, csv_bytes(*rows))
    assert {e.row for e in plan.errors} == {2, 3}
    assert (
        "already has a pair in this programme (Dr Grace Llewellyn and Gail Horsfield)"
        in plan.errors[0].message
    )


def test_two_pairs_for_one_service_in_the_same_file_are_refused(demo) -> None:
    rows = [
        *GOOD_ROWS[:2],
        "Dr Two,two@riverside-fells.example,doctor,service,Riverside East,Eating Disorders,,E2",
        "Mgr Two,mgr.two@riverside-fells.example,manager,service,Riverside East,Eating Disorders,,E2",
    ]
    plan = plan_for(demo, csv_bytes(*rows))
    assert {e.row for e in plan.errors} == {4, 5}
    assert "already has the pair “E1” in this file" in plan.errors[0].message


def test_reimporting_the_demo_people_updates_changes_and_keeps_pairs(demo) -> None:
    rows = [
        "Dr Amara Okafor,amara.okafor@riverside-fells.example,doctor,service,Riverside North,"
        "North Community Mental Health Team,participant,N1",
        "Anna Kowalski,anna.kowalski@riverside-fells.example,manager,senior,Riverside North,"
        "North Community Mental Health Team,participant,N1",
    ]
    plan = plan_for(demo, csv_bytes(*rows))
    assert plan.errors == []
    assert [row.action for row in plan.rows] == ["unchanged", "update"]
    assert [p.action for p in plan.pairs] == ["unchanged"]
    result = services.participants_import_commit(programme=demo.programme, plan=plan)
    assert (result.created, result.updated, result.unchanged, result.pairs_created) == (0, 1, 1, 0)
    assert Person.objects.get(email="anna.kowalski@riverside-fells.example").level == "senior"
    assert Pair.objects.filter(programme=demo.programme).count() == 12


def test_someone_from_another_organisation_cannot_be_imported(demo) -> None:
    from ..factories import PersonFactory

    PersonFactory(email="visitor@elsewhere.example")
    plan = plan_for(demo, csv_bytes("Vi Sitor,visitor@elsewhere.example,manager,service,,,,"))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "email")]
    assert "belongs to someone in another organisation" in plan.errors[0].message


def test_every_error_in_a_file_is_reported_not_just_the_first(demo) -> None:
    rows = [
        ",a@riverside-fells.example,doctor,service,,,,",
        "B,b@riverside-fells.example,dentist,service,,,,",
        "C,c@riverside-fells.example,manager,boss,,,,",
    ]
    plan = plan_for(demo, csv_bytes(*rows))
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "name"),
        (3, "profession"),
        (4, "level"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_utf8_with_or_without_bom_windows_1252_and_utf16_all_read_accents_right(
    demo, encoding: str
) -> None:
    row = "Zoë Brontë-Ólafsdóttir,zoe@riverside-fells.example,manager,service,,,,"
    data = csv_bytes(row, encoding=encoding)
    if encoding == "utf-16":
        data = csv_bytes(row, encoding="utf-16").replace(b",\x00", b"\t\x00")
    plan = plan_for(demo, data)
    assert plan.errors == []
    assert plan.rows[0].name == "Zoë Brontë-Ólafsdóttir"


def test_semicolon_separated_csv_from_european_excel_is_read(demo) -> None:
    data = csv_bytes(GOOD_ROWS[2].replace(",", ";"), header=HEADER.replace(",", ";"))
    plan = plan_for(demo, data)
    assert plan.errors == []
    assert plan.rows[0].email == "tom.baker@riverside-fells.example"


def test_xlsx_file_is_read_like_a_csv(demo) -> None:
    data = xlsx_bytes([HEADER.split(","), *[row.split(",") for row in GOOD_ROWS]])
    plan = plan_for(demo, data, filename="people.xlsx")
    assert plan.errors == []
    assert [row.name for row in plan.rows] == ["Dr Nia Roberts", "Sam O'Neill", "Tom Baker"]
    assert len(plan.pairs) == 1


def test_xlsx_bad_row_is_reported_by_its_spreadsheet_row(demo) -> None:
    data = xlsx_bytes(
        [HEADER.split(","), GOOD_ROWS[2].split(","), ["Bad", "bad@x.example", "pilot", "service"]]
    )
    plan = plan_for(demo, data, filename="people.xlsx")
    assert [(e.row, e.column) for e in plan.errors] == [(3, "profession")]


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_spreadsheet(demo) -> None:
    plan = plan_for(demo, csv_bytes(GOOD_ROWS[2], ",,,,,,,", "X,,doctor,service,,,,"))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "email")]


def test_header_aliases_and_extra_columns_are_accepted(demo) -> None:
    header = "Full name,E-mail address,Profession,Level,Role,Job title"
    plan = plan_for(
        demo,
        csv_bytes(
            "Ann Lee,ann@riverside-fells.example,manager,senior,sponsor,Director", header=header
        ),
    )
    assert plan.errors == []
    assert plan.rows[0].role == Role.SPONSOR


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (
            b"name,email\r\nAnn,ann@x.example\r\n",
            "people.csv",
            "missing columns: profession, level",
        ),
        (HEADER.encode() + b"\r\n", "people.csv", "has a header row but no people in it"),
        (b"\x00\x01\x02binary", "people.csv", "not readable text"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old",
            "people.xls",
            "Old Excel (.xls) files are not supported",
        ),
        (
            b"name,email,profession,level\n",
            "people.xlsx",
            "is named .xlsx but is not an Excel workbook",
        ),
        (b"PK\x03\x04not really a zip", "people.xlsx", "not a readable XLSX workbook"),
        (
            HEADER.replace("level", "email").encode() + b"\r\n",
            "people.csv",
            "the column “email” appears twice",
        ),
        (
            b"name,email,profession,level\r\n\x81\x8d\x8f,a@b.example,doctor,service\r\n",
            "x.csv",
            "text encoding could not be read",
        ),
    ],
)
def test_unreadable_files_get_a_clear_message(
    demo, data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(
        ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        plan_for(demo, data, filename=filename)


def test_files_over_the_size_limit_are_refused(demo, settings) -> None:
    settings.TANDEM_MAX_IMPORT_BYTES = 100
    with pytest.raises(ImportFileError, match="larger than"):
        plan_for(demo, csv_bytes(*GOOD_ROWS))


def test_files_over_the_row_limit_are_refused(demo, settings) -> None:
    settings.TANDEM_MAX_IMPORT_ROWS = 2
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        plan_for(demo, csv_bytes(*GOOD_ROWS))


def test_commit_is_all_or_nothing_when_a_write_fails_half_way(demo, monkeypatch) -> None:
    before = snapshot()
    plan = plan_for(demo, csv_bytes(*GOOD_ROWS))
    calls = {"n": 0}
    real_add = services.participant_add

    def failing_add(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_add(**kwargs)

    monkeypatch.setattr(services, "participant_add", failing_add)
    with pytest.raises(RuntimeError):
        services.participants_import_commit(programme=demo.programme, plan=plan)
    assert snapshot() == before


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400) | st.text(max_size=300).map(lambda t: (HEADER + "\n" + t).encode())
)
def test_any_bytes_give_a_plan_or_a_clear_file_error_never_a_crash(demo, data: bytes) -> None:
    before = snapshot()
    try:
        plan = plan_for(demo, data)
        problems = [error for error in plan.errors if error.row < 2 or not error.message]
    except ImportFileError as exc:
        problems = [] if str(exc) else ["a file error without a message"]
    assert problems == []
    assert snapshot() == before


def test_a_retired_service_is_refused_by_row(demo) -> None:
    from django.utils import timezone

    Service.objects.filter(name="Liaison Psychiatry").update(retired_at=timezone.now())
    plan = plan_for(
        demo,
        csv_bytes(
            "Dr Rae Roe,rae.roe@riverside-fells.example,doctor,senior,Riverside South,"
            "Liaison Psychiatry,participant,"
        ),
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "service")]
    assert "has been retired" in plan.errors[0].message
