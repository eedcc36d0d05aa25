"""`tandem analyse its`: an interrupted time series of your own CSV file (no database).

    tandem analyse its --data F.csv --value COL (--after COL | --time COL --intervention VALUE)
        [--time COL] [--family gaussian|poisson|quasipoisson] [--offset COL] [--slope]
        [--season COL --harmonics K --period P] [--group COL --comparison VALUE] [--lags L]
        [--errors newey-west|ar [--ar-order P]] [--phase-in N] [--json]

One row per period. `--after` names a 0/1 column marking the points from the intervention on;
`--time` the elapsed-time column (consecutive numbers); `--offset` a column whose log is the offset
(exposure, e.g. bed-days); `--season` the position in the season (e.g. month 1–12). With `--group`,
rows whose group is the `--comparison` value (several may be given, comma-separated) are comparison
series and the rest the programme's: a controlled ITS. Bad input names the row (as a spreadsheet
numbers it: header = row 1), the column and the value, and exits 2 (`tandem.cli.main`).

`--errors ar` models a gaussian series' errors as AR(p) (`--ar-order`, default 1) fitted by exact
maximum likelihood, instead of least squares with Newey–West errors; the controlled ITS keeps
Newey–West errors (its JSON says so). `--phase-in N` leaves the N points from the intervention on
out of the fit, and measures the level change at the first point after them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from os import PathLike
from pathlib import Path
from typing import Any

from tandem.analysis.errors import AnalysisInputError


def _numbers(frame: Any, column: str, name: str, *, what: str = "a number") -> list[float]:
    found = []
    for row, raw in zip(frame.index, frame[column], strict=True):
        text = raw.strip() if isinstance(raw, str) else ""
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            shown = repr(text) if text else "blank"
            raise AnalysisInputError(
                f"{name}, row {row}, column {column!r}: {shown} is not {what}."
            )
        found.append(number)
    return found


def its_command(
    csv_path: str | PathLike[str],
    *,
    value: str,
    after: str | None = None,
    time: str | None = None,
    intervention: float | None = None,
    family: str = "gaussian",
    offset: str | None = None,
    slope: bool = False,
    season: str | None = None,
    harmonics: int = 0,
    period: float = 12,
    group: str | None = None,
    comparison: str | None = None,
    lags: int | None = None,
    errors: str = "newey-west",
    ar_order: int | None = None,
    phase_in: int = 0,
) -> dict[str, Any]:
    """The ITS (and, with a comparison, the controlled ITS) of a CSV, JSON-ready."""
    import pandas as pd

    from tandem.analysis import impact
    from tandem.analysis._frames import require_columns
    from tandem.analysis.commands import read_csv

    name = Path(csv_path).name
    if after is None and (time is None or intervention is None):
        raise AnalysisInputError(
            "Say where the intervention falls: --after COL, or --time COL with --intervention VALUE."
        )
    if after is not None and intervention is not None:
        raise AnalysisInputError("Give --after or --intervention, not both.")
    if family not in impact.FAMILIES:
        raise AnalysisInputError(f"Unknown family {family!r}: use {', '.join(impact.FAMILIES)}.")
    if errors not in impact.ERROR_MODELS:
        raise AnalysisInputError(f"--errors {errors}: use {' or '.join(impact.ERROR_MODELS)}.")
    if errors == "ar" and family != "gaussian":
        raise AnalysisInputError(
            f"--errors ar is for --family gaussian, not {family}: a count model's "
            "autocorrelation is reported (Ljung–Box), not modelled."
        )
    if ar_order is not None and errors != "ar":
        raise AnalysisInputError(f"--ar-order {ar_order} goes with --errors ar.")
    if errors == "ar" and lags is not None:
        raise AnalysisInputError(
            f"--lags {lags} is the Newey–West lag; it does not go with --errors ar."
        )
    if harmonics and not season:
        raise AnalysisInputError("--harmonics needs --season COL (the position in the season).")
    if (group is None) != (comparison is None):
        raise AnalysisInputError("--group and --comparison go together.")
    columns = [c for c in (value, after, time, offset, season, group) if c]
    frame = read_csv(csv_path)
    require_columns(frame, columns, what=f"file {name}")
    # Read again without pandas' missing-value words: "n/a" typed in a cell is an error to name.
    raw = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw.columns = [str(column).strip() for column in raw.columns]
    raw.index = frame.index
    frame = raw[columns].copy()
    y = _numbers(frame, value, name)
    if family != "gaussian":
        for row, number in zip(frame.index, y, strict=True):
            if number < 0 or number != round(number):
                raise AnalysisInputError(
                    f"{name}, row {row}, column {value!r}: {number:g} is not a count (a whole "
                    f"number, 0 or more), which the {family} family needs."
                )
    table = pd.DataFrame({"y": y}, index=frame.index)
    table["t"] = _numbers(frame, time, name) if time else range(1, len(frame) + 1)
    if offset:
        table["offset"] = _numbers(frame, offset, name)
        bad = table[table["offset"] <= 0]
        if len(bad):
            raise AnalysisInputError(
                f"{name}, row {bad.index[0]}, column {offset!r}: {bad['offset'].iloc[0]:g} — the "
                "offset must be more than 0, because its log is taken."
            )
    if season:
        table["season"] = _numbers(frame, season, name)
    if after:
        marks = _numbers(frame, after, name, what="0 or 1")
        for row, mark in zip(frame.index, marks, strict=True):
            if mark not in (0, 1):
                raise AnalysisInputError(
                    f"{name}, row {row}, column {after!r}: {mark:g} is not 0 (before) or 1 (after)."
                )
        table["after"] = [int(m) for m in marks]
    else:
        assert intervention is not None
        table["after"] = (table["t"] >= intervention).astype(int)
    wanted = {v.strip() for v in (comparison or "").split(",") if v.strip()}
    if group:
        labels = frame[group].fillna("").str.strip()
        unknown = wanted - set(labels)
        if unknown:
            raise AnalysisInputError(
                f"{name}: no row has {sorted(unknown)[0]!r} in column {group!r}."
            )
        others = sorted(set(labels) - wanted)
        if len(others) != 1:
            raise AnalysisInputError(
                f"{name}, column {group!r}: the rows that are not comparisons must be one series; "
                f"found {', '.join(repr(o) for o in others) or 'none'}."
            )
        order = {others[0]: 0} | {label: i for i, label in enumerate(sorted(wanted), start=1)}
        table["series"] = [order[label] for label in labels]
    else:
        table["series"] = 0
    for _series, part in table.groupby("series"):
        part = part.sort_values("t")
        steps = part["t"].diff().iloc[1:]
        if (steps != 1).any():
            where = steps[steps != 1].index[0]
            previous = part["t"].shift().loc[where]
            raise AnalysisInputError(
                f"{name}, row {where}, column {time!r}: time goes from {previous:g} to "
                f"{part['t'].loc[where]:g}; it must be consecutive numbers (1, 2, 3, …), each once."
            )
        if part["after"].diff().iloc[1:].lt(0).any():
            where = part.index[part["after"].diff().lt(0)][0]
            raise AnalysisInputError(
                f"{name}, row {where}, column {after!r}: 0 after a 1 — every point from the "
                "intervention on must be 1."
            )
    options: dict[str, Any] = {
        "family": family,
        "slope": slope,
        "harmonics": harmonics,
        "period": period,
        "lags": lags,
        "phase_in": phase_in,
    }
    programme = table[table["series"] == 0].sort_values("t")
    try:
        fitted = impact.segmented_regression(
            programme["y"],
            programme["after"],
            programme["t"],
            offset=programme["offset"] if offset else None,
            season=programme["season"] if season else None,
            errors=errors,  # type: ignore[arg-type]  # checked above
            ar_order=ar_order,
            **options,
        )
    except AnalysisInputError as exc:
        # Name the option whose value the series cannot take.
        if str(exc).startswith("AR order"):
            raise AnalysisInputError(f"--ar-order {ar_order or 1}: {exc}") from None
        if phase_in and "phase-in" in str(exc):
            raise AnalysisInputError(f"--phase-in {phase_in}: {exc}") from None
        raise
    result = fitted.as_dict()
    if group:
        stacked = table.sort_values(["series", "t"])
        controlled = impact.controlled_segmented_regression(
            stacked["y"],
            stacked["after"],
            stacked["t"],
            stacked["series"],
            offset=stacked["offset"] if offset else None,
            season=stacked["season"] if season else None,
            **options,
        )
        result["controlled"] = controlled.as_dict()
    return result


def _line(label: str, coefficient: dict[str, Any] | None) -> str:
    if coefficient is None:
        return ""
    text = (
        f"{label}: {coefficient['estimate']:.4g} (95% CI {coefficient['ci_low']:.4g} to "
        f"{coefficient['ci_high']:.4g}), p = {coefficient['p']:.3g}"
    )
    if "rate_ratio" in coefficient:
        text += (
            f"; rate ratio {coefficient['rate_ratio']:.3f} ({coefficient['rate_ratio_ci_low']:.3f}"
            f" to {coefficient['rate_ratio_ci_high']:.3f})"
        )
    return text + "\n"


def cmd_its(args: argparse.Namespace) -> int:
    result = its_command(
        args.data,
        value=args.value,
        after=args.after,
        time=args.time,
        intervention=args.intervention,
        family=args.family,
        offset=args.offset,
        slope=args.slope,
        season=args.season,
        harmonics=args.harmonics,
        period=args.period,
        group=args.group,
        comparison=args.comparison,
        lags=args.lags,
        errors=args.errors,
        ar_order=args.ar_order,
        phase_in=args.phase_in,
    )
    if args.json:
        json.dump(result, sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(
        f"Interrupted time series ({result['family']}): {result['n']} points, "
        f"{result['n_before']} before and {result['n_after']} after the intervention"
        + (
            f" (the first {result['phase_in']} after it left out of the fit as the phase-in)"
            if result["phase_in"]
            else ""
        )
        + ".\n"
    )
    if result["dispersion"] is not None:
        out.write(f"Dispersion: {result['dispersion']:.4g}\n")
    if result["lags"] is not None:
        out.write(f"Newey–West lag: {result['lags']}\n")
    if result["ar"] is not None:
        phis = ", ".join(f"{phi:.3f}" for phi in result["ar"])
        out.write(
            f"Errors: AR({result['ar_order']}), maximum likelihood; φ = {phis}; innovation "
            f"variance {result['innovation_variance']:.4g}\n"
        )
    out.write(_line("Level change", result["level_change"]))
    out.write(_line("Slope change", result["slope_change"]))
    out.write(_line("Trend before", result["trend_before"]))
    for note in result["notes"]:
        out.write(f"Note: {note}\n")
    diagnostics = result["diagnostics"]
    acf_text = ", ".join(f"{r:.2f}" for r in diagnostics["residual_acf"])
    out.write(
        ("Innovations'" if diagnostics["residuals"] == "innovations" else "Residual")
        + f" autocorrelation (lags 1–{len(diagnostics['residual_acf'])}): {acf_text}; "
        f"Durbin–Watson {diagnostics['durbin_watson']:.2f}; "
        f"{diagnostics['autocorrelation_test']} p = {diagnostics['autocorrelation_p']:.3g}"
        + (" — autocorrelation found" if diagnostics["autocorrelated"] else "")
        + "\n"
    )
    controlled = result.get("controlled")
    if controlled:
        out.write(
            f"Controlled, against {controlled['comparison_series']} comparison series"
            + (" (Newey–West errors)" if controlled["errors"] else "")
            + ":\n"
        )
        out.write(_line("  Difference in level change", controlled["level_change_difference"]))
        out.write(_line("  Difference in slope change", controlled["slope_change_difference"]))
        out.write(_line("  Difference in pre-trend", controlled["pre_trend_difference"]))
        out.write(
            "  Pre-intervention trends are "
            + (
                "parallel (no clear difference)"
                if controlled["parallel_pre_trends"]
                else "NOT parallel"
            )
            + "\n"
        )
    return 0


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return number


def _order(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return number


def _finite(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return number


def add_parser(analyse: Any) -> None:
    its = analyse.add_parser(
        "its", help="an interrupted time series (segmented regression) of one series"
    )
    its.add_argument("--data", required=True, metavar="F.csv", help="one row per period")
    its.add_argument("--value", required=True, metavar="COL", help="the outcome column")
    its.add_argument("--after", metavar="COL", help="0 before the intervention, 1 from it")
    its.add_argument("--time", metavar="COL", help="elapsed time (consecutive numbers)")
    its.add_argument(
        "--intervention", type=_finite, metavar="VALUE", help="the first time point after it"
    )
    its.add_argument(
        "--family", choices=["gaussian", "poisson", "quasipoisson"], default="gaussian"
    )
    its.add_argument("--offset", metavar="COL", help="exposure; its log is the offset")
    its.add_argument("--slope", action="store_true", help="also estimate a change in slope")
    its.add_argument("--season", metavar="COL", help="position in the season (e.g. month)")
    its.add_argument("--harmonics", type=_positive_int, default=0, metavar="K")
    its.add_argument("--period", type=_finite, default=12.0, metavar="P")
    its.add_argument("--group", metavar="COL", help="the column naming each series")
    its.add_argument(
        "--comparison", metavar="VALUE", help="the group value(s) of the comparison series"
    )
    its.add_argument("--lags", type=_positive_int, metavar="L", help="Newey–West lag")
    its.add_argument(
        "--errors",
        choices=["newey-west", "ar"],
        default="newey-west",
        help="gaussian errors: least squares with Newey–West (default), or AR(p) by maximum "
        "likelihood",
    )
    its.add_argument(
        "--ar-order", type=_order, metavar="P", help="the AR order for --errors ar (default 1)"
    )
    its.add_argument(
        "--phase-in",
        type=_positive_int,
        default=0,
        metavar="N",
        help="points from the intervention on left out of the fit (default 0)",
    )
    its.add_argument("--json", action="store_true", help="print the result as JSON")
    its.set_defaults(func=cmd_its)
