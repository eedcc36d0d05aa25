from __future__ import annotations

import json

import pytest

from tandem import cli
from tandem.programmes.models import Person

from .programmes.test_importer import GOOD_ROWS, csv_bytes


@pytest.fixture
def run(capsys):
    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_cli_import_writes_a_valid_file(demo, run, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    code, out, _ = run("import", "participants", str(path), "--programme", demo.programme.slug)
    assert code == 0
    assert (
        "Imported people.csv into partnership-2025: 3 new, 0 updated, 0 unchanged, 1 new pairs."
        in out
    )
    assert Person.objects.filter(email="tom.baker@riverside-fells.example").exists()


def test_cli_import_bad_rows_exit_2_with_the_same_report_and_write_nothing(
    demo, run, tmp_path
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(
        csv_bytes(GOOD_ROWS[2], "Ann Lee,ann@riverside-fells.example,surgeon,service,,,,")
    )
    code, _, err = run("import", "participants", str(path), "--programme", demo.programme.slug)
    assert code == 2
    assert "row 3, profession: Unknown profession “surgeon”" in err
    assert not Person.objects.filter(email="tom.baker@riverside-fells.example").exists()


def test_cli_import_json_report_lists_errors_by_row_and_column(demo, run, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(",nobody@riverside-fells.example,doctor,service,,,,"))
    code, out, _ = run(
        "import", "participants", str(path), "--programme", demo.programme.slug, "--json"
    )
    assert code == 2
    assert json.loads(out)["errors"] == [{"row": 2, "column": "name", "message": "Name is empty."}]


def test_cli_dry_run_writes_nothing(demo, run, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    code, out, _ = run(
        "import", "participants", str(path), "--programme", demo.programme.slug, "--dry-run"
    )
    assert code == 0 and out.startswith("Would import")
    assert not Person.objects.filter(email="tom.baker@riverside-fells.example").exists()


def test_cli_unknown_programme_is_a_clear_error(demo, run, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    code, _, err = run("import", "participants", str(path), "--programme", "nope")
    assert code == 2
    assert "No programme with the slug “nope” (programmes: partnership-2025)" in err


def test_cli_missing_file_is_a_clear_error(db, run, tmp_path) -> None:
    code, _, err = run("import", "participants", str(tmp_path / "missing.csv"), "--programme", "x")
    assert code == 2
    assert "No such file" in err


def test_cli_unreadable_file_is_a_clear_error(demo, run, tmp_path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"not a workbook")
    code, _, err = run("import", "participants", str(path), "--programme", demo.programme.slug)
    assert code == 2
    assert "is named .xlsx but is not an Excel workbook" in err and "Nothing was imported" in err


def test_cli_without_a_command_prints_usage(run) -> None:
    with pytest.raises(SystemExit) as excinfo:
        run()
    assert excinfo.value.code == 2


def test_demo_builds_once_and_prints_the_logins(db, run) -> None:
    code, out, _ = run("demo", "--no-serve", "--reset", "--password", "a-demo-password")
    assert code == 0
    assert "with 12 pairs" in out
    assert "priya.sandhu@riverside-fells.example" in out and "Password: a-demo-password" in out
    code, out, _ = run("demo", "--no-serve")
    assert code == 0 and "already in this database" in out
