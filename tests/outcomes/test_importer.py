"""KPI value import: every problem named by row and column, nothing written until the file is clean."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tandem.audit.models import AuditEvent
from tandem.cli import main
from tandem.outcomes import services
from tandem.outcomes.importer import ImportFileError, plan_kpi_import, read_value
from tandem.outcomes.models import Kpi, KpiValue

NORTH = "North Community Mental Health Team"
WAIT = "Waiting time to first assessment"


def csv_bytes(*rows: str, header: str = "service,kpi,period,value") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def plan(demo, data: bytes, filename: str = "kpis.csv"):
    return plan_kpi_import(programme=demo.programme, data=data, filename=filename)


def north_wait() -> Kpi:
    return Kpi.objects.get(service__name=NORTH, name=WAIT)


def test_a_clean_file_plans_new_values_on_the_months_first_day(demo) -> None:
    result = plan(
        demo, csv_bytes(f"{NORTH},{WAIT},2023-05-15,31.5", f"{NORTH},{WAIT.upper()},12/05/2023,30")
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "period")]  # same month twice
    result = plan(demo, csv_bytes(f"{NORTH},{WAIT},2023-05,31.5"))
    assert result.is_valid
    assert [(v.row, v.kpi, v.period, v.value, v.action) for v in result.values] == [
        (2, north_wait(), dt.date(2023, 5, 1), 31.5, "new")
    ]


def test_every_problem_is_reported_by_row_and_column(demo) -> None:
    stored = KpiValue.objects.get(kpi=north_wait(), period=dt.date(2026, 1, 1))
    february = KpiValue.objects.get(kpi=north_wait(), period=dt.date(2026, 2, 1))
    data = csv_bytes(
        f"Nowhere Team,{WAIT},2023-05,3",  # 2: unknown service
        f"{NORTH},Happiness,2023-05,3",  # 3: unknown KPI
        f"{NORTH},{WAIT},2026-13,3",  # 4: not a date
        f"{NORTH},{WAIT},2023-05,three",  # 5: not a number
        f"{NORTH},{WAIT},2099-01,3",  # 6: in the future
        f"{NORTH},{WAIT},2026-01,{stored.value + 1}",  # 7: differs from the stored value
        f"{NORTH},{WAIT},2026-02-20,{february.value}",  # 8: same as stored: unchanged, no error
        f",{WAIT},2023-05,",  # 9: empty service and value
    )
    result = plan(demo, data)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "service"),
        (3, "kpi"),
        (4, "period"),
        (5, "value"),
        (6, "period"),
        (7, "value"),
        (9, "service"),
        (9, "value"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert (
        messages[(2, "service")]
        == "“Nowhere Team” is not a service of this programme or one of its comparison services."
    )
    assert "“Happiness” is not a KPI of" in messages[(3, "kpi")]
    assert "“2026-13”" in messages[(4, "period")]
    assert messages[(5, "value")] == "Value is “three”, not a number."
    assert "in the future" in messages[(6, "period")]
    assert f"already recorded as {stored.value:g}" in messages[(7, "value")]
    assert [v.action for v in result.values] == ["unchanged"]
    assert not result.is_valid


def test_commit_refuses_a_plan_with_errors_and_writes_nothing(demo) -> None:
    from django.core.exceptions import ValidationError

    before = KpiValue.objects.count()
    result = plan(demo, csv_bytes(f"{NORTH},{WAIT},2023-05,1", f"{NORTH},{WAIT},2026-10,x"))
    with pytest.raises(ValidationError):
        services.kpi_values_import_commit(programme=demo.programme, plan=result, actor=None)
    assert KpiValue.objects.count() == before


def test_xlsx_dates_and_percent_values_are_read(demo) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Service", "KPI", "Month", "Value"])
    sheet.append([NORTH, "Referrals accepted within 7 days", dt.datetime(2023, 5, 1), "91%"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = plan(demo, buffer.getvalue(), "kpis.xlsx")
    assert result.is_valid, result.errors
    assert (result.values[0].period, result.values[0].value) == (dt.date(2023, 5, 1), 91.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"service,kpi,value\nA,B,1\n", "missing column: period"),
        (b"service,kpi,period,value\n", "no values"),
    ],
)
def test_unreadable_files_raise(demo, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        plan(demo, data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85", 85.0),
        ("85%", 85.0),
        ("1,234.5", 1234.5),
        ("£12.3", 12.3),
        ("", None),
        ("n/a", None),
        ("inf", None),
    ],
)
def test_read_value(text: str, expected: float | None) -> None:
    assert read_value(text) == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
        min_size=1,
        max_size=5,
    )
)
def test_any_value_text_is_either_planned_or_reported_on_its_row(demo, texts: list[str]) -> None:
    rows = [
        f'{NORTH},{WAIT},2020-{i + 1:02d},"{t.replace(chr(34), "")}"' for i, t in enumerate(texts)
    ]
    result = plan(demo, csv_bytes(*rows))
    planned = {v.row for v in result.values}
    reported = {e.row for e in result.errors}
    assert planned | reported == set(range(2, 2 + len(texts)))
    assert not planned & reported


def test_cli_import_dry_run_then_import(
    demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kpis.csv"
    path.write_bytes(csv_bytes(f"{NORTH},{WAIT},2023-05,29.5"))
    slug = demo.programme.slug
    assert main(["import", "kpis", str(path), "--programme", slug, "--dry-run"]) == 0
    assert "Would import 1 new KPI values" in capsys.readouterr().out
    assert not KpiValue.objects.filter(kpi=north_wait(), period=dt.date(2023, 5, 1)).exists()
    assert main(["import", "kpis", str(path), "--programme", slug]) == 0
    assert KpiValue.objects.get(kpi=north_wait(), period=dt.date(2023, 5, 1)).value == 29.5
    assert AuditEvent.objects.filter(action="outcomes.import").exists()


def test_cli_import_reports_problems_and_exits_2(
    demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kpis.csv"
    path.write_bytes(csv_bytes(f"{NORTH},{WAIT},2023-05,lots"))
    assert main(["import", "kpis", str(path), "--programme", demo.programme.slug]) == 2
    assert "row 2, value: Value is “lots”, not a number." in capsys.readouterr().err
    assert main(["import", "kpis", str(path), "--programme", "nope"]) == 2


def test_web_import_previews_then_writes_on_confirmation(lead_client: Client, demo) -> None:
    base = f"/programmes/{demo.programme.slug}/outcomes/import/"
    upload = io.BytesIO(
        csv_bytes(f"{NORTH},{WAIT},2023-05,29.5", f"{NORTH},Staff sickness,2023-05,5.1")
    )
    upload.name = "november.csv"
    response = lead_client.post(base, {"file": upload})
    assert response.status_code == 302
    preview = lead_client.get(response["Location"])
    assert preview.status_code == 200
    assert "Import 2 values" in preview.content.decode()
    assert not KpiValue.objects.filter(period=dt.date(2023, 5, 1)).exists()
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    done = lead_client.post(response["Location"], {"token": token})
    assert done.status_code == 302
    assert KpiValue.objects.filter(period=dt.date(2023, 5, 1)).count() == 2
    # The stored upload is gone: the same link cannot import twice.
    again = lead_client.post(response["Location"], {"token": token})
    assert again["Location"] == base


def test_web_import_with_problems_shows_them_and_offers_no_import(
    lead_client: Client, demo
) -> None:
    base = f"/programmes/{demo.programme.slug}/outcomes/import/"
    upload = io.BytesIO(csv_bytes(f"{NORTH},{WAIT},2023-05,lots"))
    upload.name = "bad.csv"
    preview = lead_client.get(lead_client.post(base, {"file": upload})["Location"])
    body = preview.content.decode()
    assert preview.status_code == 400
    assert "Row 2, value: Value is “lots”, not a number." in body
    assert "Import 1 value" not in body
