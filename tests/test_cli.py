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


# The command is built from the registry (docs/design.md, "Apps plug into one registry").


def test_a_new_app_adds_a_sub_command_by_registering_itself(run, capsys) -> None:
    from tandem.audit.context import current_actor_label
    from tandem.cli.base import CommandError
    from tandem.registry import AppContribution, CliGroups, register, unregister

    def greet(args) -> int:
        if args.name == "nobody":
            raise CommandError("Nobody is not a name.")
        print(f"Hello, {args.name}, from {current_actor_label()}.")
        return 0

    def add_commands(groups: CliGroups) -> None:
        command = groups.commands.add_parser("throwaway", help="a throwaway app's command")
        command.add_argument("--name", required=True)
        command.set_defaults(func=greet)
        groups.analyse.add_parser("throwaway", help="a throwaway analysis").set_defaults(
            func=lambda args: print("analysed") or 0
        )

    register(AppContribution(name="throwaway", cli=add_commands))
    try:
        assert run("throwaway", "--name", "Ada") == (
            0,
            "Hello, Ada, from command line: tandem throwaway.\n",
            "",
        )
        assert run("throwaway", "--name", "nobody") == (2, "", "tandem: Nobody is not a name.\n")
        assert run("analyse", "throwaway") == (0, "analysed\n", "")
        with pytest.raises(SystemExit):
            run("--help")
        assert "a throwaway app's command" in capsys.readouterr().out
    finally:
        unregister("throwaway")
    with pytest.raises(SystemExit) as excinfo:
        run("throwaway", "--name", "Ada")
    assert excinfo.value.code == 2


def test_the_command_package_imports_no_app_and_apps_import_only_its_base() -> None:
    import ast
    from pathlib import Path

    import tandem

    root = Path(tandem.__file__).parent
    feature_apps = {
        "surveys", "reports", "coding", "coaching", "typology", "networks", "outcomes", "workshops",
    }  # fmt: skip

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        return names

    package = {
        str(path.relative_to(root)): sorted(
            name
            for name in imported(path)
            if name.split(".")[1:2] and name.split(".")[1] in feature_apps
        )
        for path in (root / "cli").glob("*.py")
    }
    assert {path: names for path, names in package.items() if names} == {}
    app_modules = {
        str(path.relative_to(root)): sorted(
            name
            for name in imported(path)
            if (name == "tandem.cli" or name.startswith("tandem.cli."))
            and name != "tandem.cli.base"
        )
        for path in root.glob("*/cli.py")
    }
    assert {path: names for path, names in app_modules.items() if names} == {}


def test_demo_turns_two_factor_off_before_django_reads_its_settings(tmp_path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "from tandem.cli import main\n"
        "try:\n    main(['{}', '--help'])\nexcept SystemExit:\n    pass\n"
        "from django.conf import settings\nprint('2FA', settings.TANDEM_REQUIRE_2FA)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TANDEM_REQUIRE_2FA"}
    env.update(TANDEM_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="tandem.settings")
    for command, required in (("demo", False), ("serve", True)):
        done = subprocess.run(
            [sys.executable, "-c", script.format(command)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.splitlines()[-1] == f"2FA {required}"


def test_report_compare_refuses_waves_the_comparison_rule_refuses(demo, run, tmp_path) -> None:
    from tandem.reports.selectors import comparable
    from tandem.surveys.models import Wave, WaveKind

    waves = Wave.objects.filter(programme=demo.programme)
    baseline = waves.get(kind=WaveKind.BASELINE)
    repeat = waves.get(kind=WaveKind.REPEAT)
    pulses = list(waves.filter(kind=WaveKind.PULSE).order_by("opens_on"))
    first_pulse, second_pulse = next(
        [wave, later]
        for index, wave in enumerate(pulses)
        for later in pulses[index + 1 :]
        if later.instrument_id == wave.instrument_id
    )
    assert comparable(baseline, repeat) is None and comparable(repeat, baseline) is None
    out = str(tmp_path / "comparison.pdf")
    for before, after, message in (
        (baseline, first_pulse, "not of the same questionnaire in the same programme"),
        (baseline, baseline, "cannot be compared with itself"),
        (first_pulse, second_pulse, "Pulse waves are not compared"),
    ):
        code, _, err = run("report", "compare", str(before.pk), str(after.pk), "--pdf", out)
        assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "comparison.pdf").exists()
