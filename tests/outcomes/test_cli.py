"""`tandem analyse spc`: a CSV of one series in, an XmR chart out; clear errors, exit code 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tandem.cli import main

# Twelve months alternating 12, 10 (mean 11, MR̄ 2, limits 5.68–16.32), then a month at 17.
ROWS = [(f"2023-{m:02d}", str(12 if m % 2 else 10)) for m in range(1, 13)] + [("2024-01", "17")]


def write(
    tmp_path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("month", "kpi")
) -> Path:
    path = tmp_path / "series.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_json_output_has_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ROWS)
    code = main(
        ["analyse", "spc", "--data", str(path), "--date", "month", "--value", "kpi",
         "--baseline", "12", "--target", "20", "--json"]
    )  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert {
        "mean",
        "mr_mean",
        "upper",
        "lower",
        "points",
        "variation",
        "assurance",
        "warnings",
    } <= set(result)
    assert (result["mean"], result["mr_mean"]) == (11, 2)
    assert result["upper"] == pytest.approx(16.32)
    assert result["points"][-1] == {
        "date": "2024-01-01", "value": 17.0, "special_cause": True,
        "rules": ["outside_limits"], "label": "improvement",
    }  # fmt: skip
    assert result["variation"] == "special cause improvement"
    assert result["assurance"] == "consistently failing"
    assert result["warnings"] == []


def test_lower_is_better_makes_the_high_month_a_concern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ROWS)
    main(["analyse", "spc", "--data", str(path), "--date", "month", "--value", "kpi",
          "--baseline", "12", "--improvement", "down", "--json"])  # fmt: skip
    assert json.loads(capsys.readouterr().out)["variation"] == "special cause concern"


def test_table_output_lists_every_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ROWS)
    code = main(["analyse", "spc", "--data", str(path), "--date", "month", "--value", "kpi",
                 "--baseline", "6"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "process limits" in captured.out
    assert "2024-01-01" in captured.out
    assert "improvement" in captured.out
    assert "Variation (latest point): special cause improvement" in captured.out
    assert "6 points" in captured.err


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        (
            [*ROWS[:3], ("2023-02", "5")],
            [],
            "row 5, column 'month': 2023-02-01 is already on row 3",
        ),
        ([*ROWS[:3], ("2023-13", "5")], [], "row 5, column 'month': '2023-13' is not a date"),
        ([*ROWS[:3], ("", "5")], [], "row 5, column 'month': blank is not a date"),
        ([*ROWS[:3], ("2023-04", "n/a")], [], "row 5, column 'kpi': 'n/a' is not a number"),
        ([*ROWS[:3], ("2023-04", "")], [], "row 5, column 'kpi': blank is not a number"),
        (ROWS[:1], [], "at least 2 points"),
        (ROWS[:4], ["--baseline", "8"], "baseline of 8 points is longer"),
    ],
)
def test_bad_input_names_the_row_and_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[tuple[str, str]],
    extra: list[str],
    message: str,
) -> None:
    path = write(tmp_path, rows)
    code = main(
        ["analyse", "spc", "--data", str(path), "--date", "month", "--value", "kpi", *extra]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_missing_column_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ROWS)
    code = main(["analyse", "spc", "--data", str(path), "--date", "period", "--value", "kpi"])
    assert code == 2
    assert "Column 'period' is not in the file series.csv" in capsys.readouterr().err


def test_a_bad_target_is_refused_by_the_argument_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ROWS)
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "analyse",
                "spc",
                "--data",
                str(path),
                "--date",
                "month",
                "--value",
                "kpi",
                "--target",
                "high",
            ]
        )
    assert exit_info.value.code == 2
    assert "'high' is not a number" in capsys.readouterr().err


def test_screen_outliers_matches_plot_the_dots_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The plot-the-dots example of test_spc.py: 1, −1 alternating, 5.5 and −5.5 at the end; with
    # screening the moving range of 11 is left out and MR̄ = 32.5 / 14.
    values = ["1", "-1"] * 8
    values[14], values[15] = "5.5", "-5.5"
    rows = [(f"2020-01-{day:02d}", v) for day, v in enumerate(values, start=1)]
    path = write(tmp_path, rows)
    main(["analyse", "spc", "--data", str(path), "--date", "month", "--value", "kpi",
          "--screen-outliers", "--json"])  # fmt: skip
    assert json.loads(capsys.readouterr().out)["mr_mean"] == pytest.approx(32.5 / 14)
