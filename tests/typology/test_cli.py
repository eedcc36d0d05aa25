"""`tandem typology score`: a CSV of answers in, types and clarity out, clear errors on bad input."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from tandem.analysis.errors import AnalysisInputError
from tandem.typology.cli import add_parser, score_command
from tandem.typology.demo import answers_for
from tandem.typology.indicator import get_indicator


def write_answers(tmp_path: Path, rows: list[dict[str, object]], name: str = "answers.csv") -> Path:
    path = tmp_path / name
    columns = list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def person(code: str, clarity: str = "3333", ident: str = "") -> dict[str, object]:
    return {"id": ident, **answers_for(get_indicator(), code, clarity)}


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tandem")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_score_reports_type_and_clarity_per_person(tmp_path: Path) -> None:
    path = write_answers(tmp_path, [person("ENTJ", ident="p1"), person("ISFP", "1204", ident="p2")])
    result = score_command(path)
    first, second = result["people"]
    assert (first["row"], first["id"], first["reported_type"]) == (2, "p1", "ENTJ")
    assert first["preferences"]["ei"] == {
        "letter": "E", "total": 11, "answered": 8, "items": 8,
        "clarity": pytest.approx(11 / 16), "band": "clear",
    }  # fmt: skip
    # Clarity 1, 2, 0, 4: slight I, moderate S, no clear T–F preference, very clear P.
    assert second["reported_type"] == "ISXP"
    assert [p["band"] for p in second["preferences"].values()] == [
        "slight", "moderate", "no clear preference", "very clear",
    ]  # fmt: skip


def test_blank_answers_are_missing_and_scored_by_the_half_rule(tmp_path: Path) -> None:
    row = person("ENTJ")
    for item_id in ("ei1", "ei2", "ei3", "ei4", "ei5"):
        row[item_id] = ""
    result = score_command(write_answers(tmp_path, [row, person("ISTJ")]))
    assert result["people"][0]["reported_type"] == "?NTJ"
    assert result["people"][0]["preferences"]["ei"]["answered"] == 3


def test_json_output_prints_the_same_result(tmp_path: Path, capsys) -> None:
    path = write_answers(tmp_path, [person("ENTJ"), person("INFP")])
    assert run(["typology", "score", "--data", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [p["reported_type"] for p in printed["people"]] == ["ENTJ", "INFP"]
    assert set(printed["reliability"]) == {"ei", "sn", "tf", "jp"}


def test_text_output_has_a_row_per_person_and_explains_x(tmp_path: Path, capsys) -> None:
    path = write_answers(tmp_path, [person("ENTJ", ident="amara"), person("INXP", "2202")])
    assert run(["typology", "score", "--data", str(path)]) == 0
    out = capsys.readouterr().out
    assert "amara" in out and "ENTJ" in out
    assert "INXP" in out
    assert "X: no clear preference" in out


def test_a_missing_item_column_is_named(tmp_path: Path) -> None:
    row = person("ENTJ")
    del row["tf5"]
    with pytest.raises(AnalysisInputError, match=r"answers.csv has no column for item tf5"):
        score_command(write_answers(tmp_path, [row]))


def test_an_out_of_range_answer_is_named_by_column_and_row(tmp_path: Path) -> None:
    bad = person("ENTJ")
    bad["sn2"] = 6
    with pytest.raises(AnalysisInputError, match=r"Column 'sn2', row 3: '6' is out of range"):
        score_command(write_answers(tmp_path, [person("ISTJ"), bad]))


def test_a_non_numeric_answer_is_named(tmp_path: Path) -> None:
    bad = person("ENTJ")
    bad["jp4"] = "often"
    with pytest.raises(AnalysisInputError, match=r"Column 'jp4', row 2: 'often' is not a number"):
        score_command(write_answers(tmp_path, [bad]))


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AnalysisInputError, match="File not found"):
        score_command(tmp_path / "nowhere.csv")
