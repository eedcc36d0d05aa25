"""`tandem analyse` back ends: CSV in, JSON-ready dictionaries out, clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from tandem.analysis.commands import prepost_command, reliability_command
from tandem.analysis.errors import AnalysisInputError

SCALE_KEYS = {
    "scale", "n_matched", "mean_before", "mean_after", "mean_diff", "ci_low", "ci_high",
    "t", "df", "p", "p_holm", "wilcoxon_p", "d_z", "g_av", "verdict",
}  # fmt: skip


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def long_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(5)
    rows = ["person,wave,trust,voice"]
    for i in range(30):
        trust, voice = rng.integers(1, 6, 2)
        rows.append(f"P{i},1,{trust},{voice}")
        if i < 26:  # four people leave; two join
            rows.append(f"P{i},2,{min(5, trust + rng.integers(0, 2))},{voice}")
    rows += ["N1,2,4,3", "N2,2,5,"]
    return write(tmp_path, "\n".join(rows) + "\n")


def test_reliability_command_returns_exactly_the_documented_keys(tmp_path: Path) -> None:
    data = pg.read_dataset("cronbach_wide_missing")
    path = tmp_path / "items.csv"
    data.to_csv(path, index=False)
    result = reliability_command(path, list(data.columns))
    assert set(result) == {"n", "n_complete", "k", "alpha", "alpha_ci", "omega", "item_total"}
    # pingouin docs: alpha 0.732660835214447, CI [0.435, 0.909] on these data.
    assert result["alpha"] == pytest.approx(0.732660835214447, abs=1e-12)
    assert result["alpha_ci"] == pytest.approx([0.435, 0.909], abs=5e-4)
    assert (result["n"], result["n_complete"], result["k"]) == (12, 9, 11)
    assert result["omega"] is None  # 11 items, 12 people: the covariance matrix is singular
    assert list(result["item_total"]) == list(data.columns)
    json.dumps(result, allow_nan=False)


def test_prepost_command_returns_exactly_the_documented_keys(tmp_path: Path) -> None:
    result = prepost_command(long_csv(tmp_path), "person", "wave", "1", "2", ["trust", "voice"])
    assert set(result) == {"scales", "attrition"}
    assert [scale["scale"] for scale in result["scales"]] == ["trust", "voice"]
    assert all(set(scale) == SCALE_KEYS for scale in result["scales"])
    assert result["attrition"]["overall"] == {"before_only": 4, "after_only": 2, "both": 26}
    assert result["attrition"]["scales"]["voice"]["after_only"] == 1  # N2 left voice blank
    json.dumps(result, allow_nan=False)


def test_prepost_command_statistics_equal_scipy(tmp_path: Path) -> None:
    path = long_csv(tmp_path)
    result = prepost_command(path, "person", "wave", "1", "2", ["trust"])
    frame = pd.read_csv(path)
    wide = frame.pivot(index="person", columns="wave", values="trust").dropna()
    paired = stats.ttest_rel(wide[2], wide[1])
    (trust,) = result["scales"]
    assert trust["n_matched"] == 26
    assert trust["t"] == pytest.approx(paired.statistic, abs=1e-12)
    assert trust["p"] == pytest.approx(paired.pvalue, abs=1e-12)
    assert trust["p_holm"] == pytest.approx(paired.pvalue, abs=1e-12)  # one scale: no adjustment
    assert trust["df"] == 25
    assert trust["verdict"] in {"improved", "declined", "no clear evidence of change"}


def test_a_scale_without_variation_gives_null_not_nan(tmp_path: Path) -> None:
    path = write(tmp_path, "id,wave,s\na,1,3\nb,1,4\nc,1,2\na,2,3\nb,2,4\nc,2,2\n")
    (scale,) = prepost_command(path, "id", "wave", "1", "2", ["s"])["scales"]
    assert (scale["t"], scale["p"], scale["wilcoxon_p"], scale["d_z"]) == (None, None, None, None)
    assert scale["mean_diff"] == 0.0


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AnalysisInputError, match=r"File not found: .*nowhere\.csv"):
        reliability_command(tmp_path / "nowhere.csv", ["q1", "q2"])


def test_missing_item_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "q1,q2\n1,2\n3,4\n")
    with pytest.raises(
        AnalysisInputError,
        match=r"Column 'q3' is not in the file data\.csv\. Columns found: 'q1', 'q2'",
    ):
        reliability_command(path, ["q1", "q3"])


def test_non_numeric_answer_is_named_by_spreadsheet_row(tmp_path: Path) -> None:
    path = write(tmp_path, "q1,q2\n1,2\n3,four\n")
    # The header is row 1, so the second answer row is row 3.
    with pytest.raises(AnalysisInputError, match="Column 'q2', row 3: 'four' is not a number"):
        reliability_command(path, ["q1", "q2"])


def test_prepost_non_numeric_score_names_row_and_person(tmp_path: Path) -> None:
    path = write(tmp_path, "id,wave,s\na,1,3\nb,1,x\na,2,4\nb,2,4\n")
    with pytest.raises(
        AnalysisInputError, match=r"Column 's', row 3 \(person 'b'\): 'x' is not a number"
    ):
        prepost_command(path, "id", "wave", "1", "2", ["s"])


def test_person_twice_in_one_wave_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "id,wave,s\na,1,3\na,1,4\na,2,4\nb,2,4\n")
    with pytest.raises(AnalysisInputError, match="Person 'a' appears more than once in wave '1'"):
        prepost_command(path, "id", "wave", "1", "2", ["s"])


def test_scale_with_fewer_than_two_matched_people_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "id,wave,s,t\na,1,3,1\nb,1,4,\nc,1,2,3\na,2,4,2\nb,2,4,3\nc,2,3,\n")
    with pytest.raises(
        AnalysisInputError,
        match=r"Fewer than 2 people have a score in both waves on scale\(s\) 't' \(1\)",
    ):
        prepost_command(path, "id", "wave", "1", "2", ["s", "t"])


def test_empty_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AnalysisInputError, match="is empty"):
        reliability_command(write(tmp_path, ""), ["q1", "q2"])


def test_excel_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffq1,q2,q3\n1,2,2\n2,3,3\n4,4,5\n5,5,4\n".encode())
    assert reliability_command(path, ["q1", "q2", "q3"])["n"] == 4
