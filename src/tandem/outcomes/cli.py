"""`tandem analyse spc` (a CSV of one series → an XmR chart) and `tandem import kpis`.

`analyse spc` needs no database: it reads the file and calls `tandem.analysis.spc`. Bad input
raises `AnalysisInputError` naming the row (as a spreadsheet numbers it: header = row 1) and the
column, which `tandem.cli.main` prints as a message with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tandem.analysis.errors import AnalysisInputError
from tandem.cli.base import CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups


def spc_command(
    csv_path: str | PathLike[str],
    date_column: str,
    value_column: str,
    *,
    improvement: str = "up",
    baseline: int | None = None,
    target: float | None = None,
    screen_outliers: bool = False,
) -> dict[str, Any]:
    """The XmR chart of one series in a CSV: `SpcChart.to_dict()` (see `tandem.analysis.spc`)."""
    import pandas as pd

    from tandem.analysis._frames import require_columns
    from tandem.analysis.commands import read_csv
    from tandem.analysis.spc import parse_period, xmr_chart

    name = Path(csv_path).name
    frame = read_csv(csv_path)
    require_columns(frame, [date_column, value_column], what=f"file {name}")
    # Read again without pandas' missing-value words: "n/a" typed in a value cell is an error to
    # report, not a silently missing month (read_csv above has already checked the file).
    raw = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw.columns = [str(column).strip() for column in raw.columns]
    raw.index = frame.index
    frame = raw
    dates: list[date] = []
    values: list[float] = []
    seen: dict[date, Any] = {}
    for row, raw_date, raw_value in zip(
        frame.index, frame[date_column], frame[value_column], strict=True
    ):
        text = "" if not isinstance(raw_date, str) else raw_date
        when = parse_period(text)
        if when is None:
            shown = repr(text) if text.strip() else "blank"
            raise AnalysisInputError(
                f"{name}, row {row}, column {date_column!r}: {shown} is not a date "
                "(use 2024-03-31, 2024-03 or 31/03/2024)."
            )
        if when in seen:
            raise AnalysisInputError(
                f"{name}, row {row}, column {date_column!r}: {when.isoformat()} is already on "
                f"row {seen[when]}; each date may appear only once."
            )
        seen[when] = row
        value_text = raw_value.strip() if isinstance(raw_value, str) else ""
        try:
            number = float(value_text.replace(",", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            shown = repr(value_text) if value_text else "blank"
            raise AnalysisInputError(
                f"{name}, row {row}, column {value_column!r}: {shown} is not a number."
            )
        dates.append(when)
        values.append(number)
    chart = xmr_chart(
        dates,
        values,
        improvement=improvement,  # type: ignore[arg-type]
        baseline=baseline,
        target=target,
        screen_outliers=screen_outliers,
    )
    return chart.to_dict()


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def cmd_spc(args: argparse.Namespace) -> int:
    result = spc_command(
        args.data,
        args.date,
        args.value,
        improvement=args.improvement,
        baseline=args.baseline,
        target=args.target,
        screen_outliers=args.screen_outliers,
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"Mean {_number(result['mean'])}; mean moving range {_number(result['mr_mean'])}; "
        f"process limits {_number(result['lower'])} to {_number(result['upper'])}"
    )
    if len(result["segments"]) > 1:
        for segment in result["segments"]:
            print(
                f"  from {segment['start']}: mean {_number(segment['mean'])}, "
                f"limits {_number(segment['lower'])} to {_number(segment['upper'])}"
            )
    print(f"{'date':<10}  {'value':>10}  {'signal':<16}  rules")
    for point in result["points"]:
        signal = "" if not point["special_cause"] else point["label"]
        print(
            f"{point['date']:<10}  {_number(point['value']):>10}  {signal:<16}  "
            f"{', '.join(point['rules'])}".rstrip()
        )
    print(f"Variation (latest point): {result['variation']}")
    if result["assurance"] is not None:
        print(f"Assurance against the target {_number(result['target'])}: {result['assurance']}")
    for warning in result["warnings"]:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 2:
        raise argparse.ArgumentTypeError("the baseline needs at least 2 points")
    return number


def _finite(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return number


def cmd_import_kpis(args: argparse.Namespace) -> int:
    """Check a file of KPI values against a programme's KPIs and (unless --dry-run) store it."""
    from tandem.outcomes import services
    from tandem.outcomes.importer import ImportFileError, plan_kpi_import
    from tandem.programmes.models import Programme

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    programme = Programme.objects.select_related("organisation").filter(slug=args.programme).first()
    if programme is None:
        known = ", ".join(Programme.objects.values_list("slug", flat=True)[:10]) or "none yet"
        raise CommandError(f"No programme with the slug “{args.programme}” (programmes: {known}).")
    try:
        plan = plan_kpi_import(programme=programme, data=path.read_bytes(), filename=path.name)
    except ImportFileError as exc:
        raise CommandError(f"{path.name}: {exc} Nothing was imported.") from exc
    if plan.errors:
        print(f"{path.name}: {len(plan.errors)} problem(s); nothing was imported.", file=sys.stderr)
        for error in plan.errors:
            print(f"  row {error.row}, {error.column}: {error.message}", file=sys.stderr)
        return 2
    added = plan.count("new")
    if not args.dry_run:
        added = services.kpi_values_import_commit(programme=programme, plan=plan, actor=None)
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} {added} new KPI values from {path.name} into {programme.slug} "
        f"({plan.count('unchanged')} already recorded)."
    )
    return 0


def add_parser(*, analyse: Any, imports: Any) -> None:
    """Add `analyse spc` and `import kpis` to the `tandem` command."""
    spc = analyse.add_parser("spc", help="an XmR (statistical process control) chart of one series")
    spc.add_argument("--data", required=True, metavar="F.csv", help="one row per period")
    spc.add_argument("--date", required=True, metavar="COL", help="the column holding the period")
    spc.add_argument("--value", required=True, metavar="COL", help="the column holding the value")
    spc.add_argument(
        "--improvement",
        choices=["up", "down", "neither"],
        default="up",
        help="which way is better (default up)",
    )
    spc.add_argument(
        "--baseline",
        type=_positive_int,
        metavar="N",
        help="fix the limits on the first N points (default: all points)",
    )
    spc.add_argument("--target", type=_finite, metavar="X", help="a target, for assurance")
    spc.add_argument(
        "--screen-outliers",
        action="store_true",
        help="leave moving ranges above 3.267 × their mean out of the limits (plot-the-dots' default)",
    )
    spc.add_argument("--json", action="store_true", help="print the result as JSON")
    spc.set_defaults(func=cmd_spc)

    kpis = imports.add_parser("kpis", help="KPI values (CSV or XLSX: service, kpi, period, value)")
    kpis.add_argument("file", help="the CSV or XLSX file")
    kpis.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug")
    kpis.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    kpis.set_defaults(func=cmd_import_kpis)


def add_commands(groups: CliGroups) -> None:
    """Add `analyse spc`, `analyse its` and `import kpis` to the `tandem` command (registered as
    this app's `cli`)."""
    from tandem.outcomes import its_cli

    add_parser(analyse=groups.analyse, imports=groups.imports)
    its_cli.add_parser(groups.analyse)
