"""`tandem analyse its`: a researcher's own CSV in, an interrupted time series out (JSON or text);
bad input named by row, column and value, exit code 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tandem.cli import main

SICILY = Path(__file__).parents[1] / "analysis" / "data" / "sicily.csv"


def its(*args: str) -> int:
    return main(["analyse", "its", "--data", str(SICILY), "--value", "aces", *args])


def test_json_gives_the_published_rate_ratio_and_every_documented_key(capsys) -> None:
    code = its(
        "--after", "smokban", "--time", "time", "--family", "quasipoisson", "--offset", "stdpop",
        "--season", "month", "--harmonics", "2", "--period", "12", "--slope", "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["family"] == "quasipoisson"
    assert result["n"] == 59
    assert result["dispersion"] > 1
    for key in ("level_change", "slope_change", "trend_before"):
        assert set(result[key]) >= {
            "estimate", "ci_low", "ci_high", "p",
            "rate_ratio", "rate_ratio_ci_low", "rate_ratio_ci_high",
        }  # fmt: skip
    assert "autocorrelated" in result["diagnostics"]
    its(
        "--after", "smokban", "--family", "quasipoisson", "--offset", "stdpop",
        "--season", "month", "--harmonics", "2", "--json",
    )  # fmt: skip
    without_slope = json.loads(capsys.readouterr().out)
    assert round(without_slope["level_change"]["rate_ratio"], 3) == 0.885
    assert without_slope["slope_change"] is None


def test_the_intervention_can_be_given_as_a_time_point(capsys) -> None:
    its("--after", "smokban", "--family", "poisson", "--offset", "stdpop", "--json")
    by_column = json.loads(capsys.readouterr().out)
    its(
        "--time",
        "time",
        "--intervention",
        "37",
        "--family",
        "poisson",
        "--offset",
        "stdpop",
        "--json",
    )
    by_time = json.loads(capsys.readouterr().out)
    assert by_time["level_change"] == by_column["level_change"]
    assert round(by_time["level_change"]["rate_ratio"], 3) == 0.894


def test_text_output_says_it_plainly(capsys) -> None:
    assert its("--after", "smokban", "--family", "poisson", "--offset", "stdpop") == 0
    out = capsys.readouterr().out
    assert "59 points, 36 before and 23 after the intervention" in out
    assert "rate ratio 0.894 (0.865 to 0.925)" in out
    assert "Ljung–Box" in out


def test_a_controlled_series_is_compared(tmp_path: Path, capsys) -> None:
    rng = np.random.default_rng(3)
    rows = []
    for group, level in (("programme", 6.0), ("comparison", 0.0)):
        for t in range(1, 31):
            after = int(t > 15)
            rows.append([group, t, after, 40 + 0.2 * t + level * after + rng.normal(0, 1)])
    path = tmp_path / "two.csv"
    pd.DataFrame(rows, columns=["service", "month", "after", "waiting"]).to_csv(path, index=False)
    code = main(
        ["analyse", "its", "--data", str(path), "--value", "waiting", "--after", "after",
         "--time", "month", "--group", "service", "--comparison", "comparison", "--json"]
    )  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    difference = result["controlled"]["level_change_difference"]
    assert difference["ci_low"] < 6.0 < difference["ci_high"]
    assert result["controlled"]["parallel_pre_trends"] is True


def write(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "series.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t", "after", "count", "beds"])
        writer.writerows(rows)
    return path


def good_rows() -> list[list[object]]:
    return [[t, int(t > 10), 20 + t % 3, 100] for t in range(1, 21)]


@pytest.mark.parametrize(
    ("change", "extra", "message"),
    [
        (lambda r: r[:12], [], "needs at least 8 points before the intervention and 8 after; "
         "this series has 10 before and 2 after"),
        (lambda r: [*r[:5], *r[6:]], [], "series.csv, row 7, column 't': time goes from 5 to 7"),
        (lambda r: [*r[:3], [4, 0, 2.5, 100], *r[4:]], ["--family", "poisson"],
         "row 5, column 'count': 2.5 is not a count"),
        (lambda r: [*r[:3], [4, 0, 21, 0], *r[4:]], ["--family", "poisson", "--offset", "beds"],
         "row 5, column 'beds': 0 — the offset must be more than 0"),
        (lambda r: [*r[:12], [13, 0, 21, 100], *r[13:]], [], "row 14, column 'after': 0 after a 1"),
        (lambda r: [*r[:3], [4, 2, 21, 100], *r[4:]], [], "row 5, column 'after': 2 is not 0"),
        (lambda r: [*r[:3], [4, 0, "n/a", 100], *r[4:]], [], "row 5, column 'count': 'n/a' is not a number"),
    ],
)  # fmt: skip
def test_bad_input_names_the_row_and_exits_2(tmp_path, capsys, change, extra, message) -> None:
    path = write(tmp_path, change(good_rows()))
    code = main(
        ["analyse", "its", "--data", str(path), "--value", "count", "--after", "after",
         "--time", "t", *extra]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err


def test_the_intervention_must_be_placed(tmp_path, capsys) -> None:
    path = write(tmp_path, good_rows())
    code = main(["analyse", "its", "--data", str(path), "--value", "count"])
    assert code == 2
    assert "--after COL, or --time COL with --intervention VALUE" in capsys.readouterr().err


def test_ar_errors_and_a_phase_in_are_in_the_json(capsys) -> None:
    assert its("--after", "smokban", "--errors", "ar", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["errors"], result["ar_order"], result["lags"]) == ("ar", 1, None)
    assert len(result["ar"]) == 1 and -1 < result["ar"][0] < 1
    assert result["innovation_variance"] > 0
    assert result["diagnostics"]["residuals"] == "innovations"
    assert result["diagnostics"]["autocorrelation_test"] == "Ljung–Box"
    assert result["phase_in"] == 0
    code = its(
        "--after", "smokban", "--errors", "ar", "--ar-order", "2", "--phase-in", "2", "--slope",
        "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["ar_order"], len(result["ar"]), result["phase_in"]) == (2, 2, 2)
    assert (result["n_before"], result["n_after"]) == (36, 23)
    assert len(result["counterfactual"]) == 23
    assert "left out of the fit; the level change is measured at point 39" in result["notes"][0]


def test_a_phase_in_with_newey_west_says_so_in_text(capsys) -> None:
    assert its("--after", "smokban", "--phase-in", "2") == 0
    out = capsys.readouterr().out
    assert "23 after the intervention (the first 2 after it left out of the fit" in out
    assert "Newey–West lag" in out
    assert its("--after", "smokban", "--errors", "ar") == 0
    out = capsys.readouterr().out
    assert "Errors: AR(1), maximum likelihood; φ = " in out
    assert "Innovations' autocorrelation" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--errors", "arma"], "argument --errors: invalid choice: 'arma'"),
        (["--errors", "ar", "--ar-order", "0"], "argument --ar-order: '0' must be 1 or more"),
        (["--errors", "ar", "--ar-order", "x"], "argument --ar-order: 'x' is not a whole number"),
        (["--errors", "ar", "--ar-order", "30"], "--ar-order 30: AR order 30 is too large"),
        (["--ar-order", "2"], "--ar-order 2 goes with --errors ar"),
        (["--errors", "ar", "--family", "poisson"], "--errors ar is for --family gaussian"),
        (["--errors", "ar", "--lags", "2"], "--lags 2 is the Newey–West lag"),
        (["--phase-in", "-1"], "argument --phase-in: '-1' must be 0 or more"),
        (["--phase-in", "16"], "--phase-in 16: An interrupted time series needs at least 8"),
    ],
)
def test_bad_error_models_and_phase_ins_exit_2(capsys, extra, message) -> None:
    try:
        code = its("--after", "smokban", *extra)
    except SystemExit as stopped:  # argparse's own check of the option's value
        code = stopped.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err
