"""`tandem analyse network`: CSV files in, the network summary out; bad input exits with code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tandem.cli import main

DATA = Path(__file__).parents[1] / "analysis" / "data"
ADVICE = str(DATA / "krackhardt_advice.csv")
FRIENDSHIP = str(DATA / "krackhardt_friendship.csv")
MANAGERS = str(DATA / "krackhardt_managers.csv")


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_summary_of_krackhardts_advice_network(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "analyse",
            "network",
            "--edges",
            ADVICE,
            "--nodes",
            MANAGERS,
            "--group",
            "department",
            "--level",
            "level",
            "--permutations",
            "99",
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["nodes"] == 21 and result["edges"] == 190
    assert result["density"] == pytest.approx(0.452, abs=5e-4)
    assert result["dyad_census"] == {"mutual": 45, "asymmetric": 100, "null": 65}
    assert result["ei_index"]["attribute"] == "department"
    assert result["linking"]["share_cross_level"] is not None
    assert "change" not in result


def test_human_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "analyse",
            "network",
            "--edges",
            ADVICE,
            "--nodes",
            MANAGERS,
            "--group",
            "department",
            "--permutations",
            "0",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "People: 21; ties: 190 (directed)" in out
    assert "Density: 0.452" in out
    assert "Reciprocity: 0.474 (pairs: 45 mutual, 100 one-way, 65 with no tie)" in out
    assert "E-I index by department" in out
    assert "Most between" in out


def test_compare_adds_a_change_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "analyse",
            "network",
            "--edges",
            ADVICE,
            "--compare",
            FRIENDSHIP,
            "--nodes",
            MANAGERS,
            "--permutations",
            "50",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Change between the two waves" in out
    assert "People in both waves: 21" in out
    assert "QAP correlation" in out

    main(
        [
            "analyse",
            "network",
            "--edges",
            ADVICE,
            "--compare",
            FRIENDSHIP,
            "--permutations",
            "0",
            "--json",
        ]
    )
    change = json.loads(capsys.readouterr().out)["change"]
    # Ties in both relations: 190 + 102 − kept = either; Jaccard = kept / either.
    assert change["kept"] + change["lost"] == 190
    assert change["kept"] + change["gained"] == 102
    assert change["jaccard"] == pytest.approx(change["kept"] / (190 + 102 - change["kept"]))


def test_undirected_network_without_nodes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edges = write(tmp_path / "e.csv", "source,target\na,b\nb,c\nc,a\nc,d\n")
    assert main(["analyse", "network", "--edges", edges, "--undirected", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["directed"] is False
    assert result["density"] == pytest.approx(4 / 6)
    assert result["reciprocity"] is None
    assert result["transitivity"] == pytest.approx(3 * 1 / 5)


@pytest.mark.parametrize(
    ("edges", "nodes", "message"),
    [
        ("from,to\na,b\n", None, "needs a “source” and “target” column"),
        (
            "source,target\na,b\na,x\n",
            "id\na\nb\n",
            "Edges row 3: the target “x” is not in the people",
        ),
        ("source,target\na,a\n", None, "Edges row 2: “a” names themself"),
        ("source,target\na,b\na,b\n", None, "Edges row 3 repeats the tie “a” → “b” from row 2"),
        (
            "source,target,weight\na,b,lots\n",
            None,
            "Edges row 2: the weight “lots” is not a number",
        ),
        ("source,target,weight\na,b,-1\n", None, "Edges row 2: the weight “-1” is negative"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edges: str, nodes: str | None, message: str
) -> None:
    argv = ["analyse", "network", "--edges", write(tmp_path / "e.csv", edges)]
    if nodes is not None:
        argv += ["--nodes", write(tmp_path / "n.csv", nodes)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("tandem: ")
    assert message in captured.err
    assert captured.out == ""


def test_missing_file_and_unknown_group_exit_with_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyse", "network", "--edges", str(tmp_path / "none.csv")]) == 2
    assert "File not found" in capsys.readouterr().err
    assert (
        main(["analyse", "network", "--edges", ADVICE, "--nodes", MANAGERS, "--group", "grade"])
        == 2
    )
    assert "No one has a value for “grade”" in capsys.readouterr().err


def test_sampled_betweenness_states_its_error_bound(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["analyse", "network", "--edges", ADVICE, "--permutations", "0"]
    assert main([*argv, "--betweenness-sample", "10"]) == 0
    assert "Betweenness estimated from 10 sampled people (within ±" in capsys.readouterr().out
    assert main([*argv, "--betweenness-sample", "0"]) == 2
    assert "at least 1 person" in capsys.readouterr().err
