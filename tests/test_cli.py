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


PREPOST_CSV = "person,wave,trust\na,1,3.0\na,2,3.5\nb,1,2.8\nb,2,3.6\nc,1,3.2\nc,2,3.1\n"


def test_cli_prepost_json_has_the_documented_keys_and_scipy_values(run, tmp_path) -> None:
    from scipy import stats

    path = tmp_path / "long.csv"
    path.write_text(PREPOST_CSV, encoding="utf-8")
    code, out, _ = run(
        "analyse",
        "prepost",
        "--data",
        str(path),
        "--id",
        "person",
        "--wave",
        "wave",
        "--before",
        "1",
        "--after",
        "2",
        "--scales",
        "trust",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    row = result["scales"][0]
    assert set(row) == {
        "scale",
        "n_matched",
        "mean_before",
        "mean_after",
        "mean_diff",
        "ci_low",
        "ci_high",
        "t",
        "df",
        "p",
        "p_holm",
        "wilcoxon_p",
        "d_z",
        "g_av",
        "verdict",
    }
    reference = stats.ttest_rel([3.5, 3.6, 3.1], [3.0, 2.8, 3.2])
    assert row["t"] == pytest.approx(reference.statistic, abs=1e-12)
    assert row["p"] == pytest.approx(reference.pvalue, abs=1e-12)
    assert row["verdict"] == "no clear evidence of change"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("person,wave,trust\na,1,3\na,1,4\nb,1,2\nb,2,3\n", "a"),
        ("person,wave,trust\na,1,x\na,2,3\nb,1,2\nb,2,3\n", "x"),
        ("person,wave,trust\na,1,3\nb,2,3\n", "Fewer than 2 people have a score in both waves"),
    ],
)
def test_cli_prepost_bad_input_exits_2_with_a_message(
    run, tmp_path, content: str, message: str
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(
        "analyse",
        "prepost",
        "--data",
        str(path),
        "--id",
        "person",
        "--wave",
        "wave",
        "--before",
        "1",
        "--after",
        "2",
        "--scales",
        "trust",
        "--json",
    )
    assert code == 2
    assert out == ""
    assert message in err and "Traceback" not in err


def test_cli_reliability_matches_pingouin(run, tmp_path) -> None:
    import pandas as pd
    import pingouin

    frame = pd.DataFrame(
        {"a": [1, 2, 3, 4, 5, 3], "b": [2, 2, 3, 5, 4, 3], "c": [1, 3, 3, 4, 5, 2]}
    )
    path = tmp_path / "items.csv"
    frame.to_csv(path, index=False)
    code, out, _ = run("analyse", "reliability", "--data", str(path), "--items", "a,b,c", "--json")
    result = json.loads(out)
    alpha, ci = pingouin.cronbach_alpha(frame, nan_policy="pairwise")
    assert code == 0
    assert (result["n"], result["k"]) == (6, 3)
    assert result["alpha"] == pytest.approx(alpha, abs=1e-10)
    assert result["alpha_ci"] == pytest.approx(
        list(ci), abs=1e-3
    )  # pingouin rounds its CI to 3 places
