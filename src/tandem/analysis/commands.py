"""What `tandem analyse …` runs: read a CSV, compute, return plain JSON-ready dictionaries.

No Django here, so the same functions serve the CLI and scripts. Bad input raises
`AnalysisInputError` with a message naming the file, column, row or person; rows are numbered
as a spreadsheet shows them (the header is row 1, the first answer row 2). Numbers are returned
at full precision; anything undefined is None (JSON null), never NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from tandem.analysis._frames import as_float, numeric_columns, require_columns
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.groups import GroupComparison
from tandem.analysis.prepost import MIN_MATCHED, Attrition, UnmatchedCheck, prepost_long
from tandem.analysis.reliability import reliability

FIRST_DATA_ROW = 2


def read_csv(csv_path: str | PathLike[str]) -> pd.DataFrame:
    """A CSV file as text columns, indexed by spreadsheet row number (header = row 1).

    Read as UTF-8, with or without the byte-order mark Excel writes. Values stay text so that
    checks can name a bad value exactly as it was typed; blank cells and NA are missing.
    """
    path = Path(csv_path)
    if not path.is_file():
        raise AnalysisInputError(f"File not found: {path}")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnalysisInputError(f"{path} is not UTF-8 text; save it as CSV UTF-8.") from error
    except pd.errors.EmptyDataError as error:
        raise AnalysisInputError(f"{path} is empty.") from error
    except pd.errors.ParserError as error:
        raise AnalysisInputError(f"{path} could not be read as CSV: {error}") from error
    frame.columns = [str(column).strip() for column in frame.columns]
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def reliability_command(csv_path: str | PathLike[str], items: Sequence[str]) -> dict[str, Any]:
    """Reliability of the named item columns of a CSV (one row per respondent).

    Items must already point the same way (reverse-keyed items recoded). Returns
    {"n", "n_complete", "k", "alpha", "alpha_ci": [lo, hi], "omega", "item_total": {item: r}};
    see `reliability.reliability` for the definitions.
    """
    names = [str(item).strip() for item in items]
    if len(names) < 2:
        raise AnalysisInputError("Give at least 2 item columns to measure reliability.")
    if len(set(names)) != len(names):
        raise AnalysisInputError("An item column is listed more than once.")
    frame = read_csv(csv_path)
    require_columns(frame, names, what=f"file {Path(csv_path).name}")
    result = reliability(numeric_columns(frame, names))
    return {
        "n": result.n,
        "n_complete": result.n_complete,
        "k": result.k,
        "alpha": as_float(result.alpha),
        "alpha_ci": [as_float(result.alpha_ci[0]), as_float(result.alpha_ci[1])],
        "omega": as_float(result.omega),
        "item_total": {item: as_float(r) for item, r in result.item_total.items()},
    }


def _comparison(comparison: GroupComparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    return {
        "welch_t": as_float(comparison.welch_t),
        "welch_df": as_float(comparison.welch_df),
        "welch_p": as_float(comparison.welch_p),
        "mann_whitney_u": as_float(comparison.mann_whitney_u),
        "mann_whitney_p": as_float(comparison.mann_whitney_p),
        "hedges_g": as_float(comparison.hedges_g),
    }


def _attrition(attrition: Attrition) -> dict[str, int]:
    return {
        "before_only": attrition.before_only,
        "after_only": attrition.after_only,
        "both": attrition.both,
    }


def _scale_attrition(attrition: Attrition, unmatched: UnmatchedCheck) -> dict[str, Any]:
    return {**_attrition(attrition), "unmatched": _comparison(unmatched.comparison)}


def prepost_command(
    csv_path: str | PathLike[str],
    id_col: str,
    wave_col: str,
    before: str,
    after: str,
    scales: Sequence[str],
) -> dict[str, Any]:
    """Matched before/after change per scale from a long CSV (one row per person per wave).

    Returns {"scales": [{"scale", "n_matched", "mean_before", "mean_after", "mean_diff",
    "ci_low", "ci_high", "t", "df", "p", "p_holm", "wilcoxon_p", "d_z", "g_av", "verdict"}],
    "attrition": {"overall": {"before_only", "after_only", "both"}, "scales": {scale:
    {"before_only", "after_only", "both", "unmatched": {"welch_t", "welch_df", "welch_p",
    "mann_whitney_u", "mann_whitney_p", "hedges_g"} | None}}}}. "unmatched" is the sensitivity
    check of after-only against before-only people (see `prepost.UnmatchedCheck`).
    A scale with fewer than 2 matched people is an error here: a command line has no page to
    explain a missing row.
    """
    frame = read_csv(csv_path)
    result = prepost_long(frame, id_col, wave_col, before, after, scales)
    short = [change for change in result.scales if change.n_matched < MIN_MATCHED]
    if short:
        listed = ", ".join(f"{change.scale!r} ({change.n_matched})" for change in short)
        raise AnalysisInputError(
            f"Fewer than {MIN_MATCHED} people have a score in both waves on scale(s) {listed}."
        )
    return {
        "scales": [
            {
                "scale": change.scale,
                "n_matched": change.n_matched,
                "mean_before": as_float(change.mean_before),
                "mean_after": as_float(change.mean_after),
                "mean_diff": as_float(change.mean_diff),
                "ci_low": as_float(change.ci_low),
                "ci_high": as_float(change.ci_high),
                "t": as_float(change.t),
                "df": change.df,
                "p": as_float(change.p),
                "p_holm": as_float(change.p_holm),
                "wilcoxon_p": as_float(change.wilcoxon_p),
                "d_z": as_float(change.d_z),
                "g_av": as_float(change.g_av),
                "verdict": change.verdict,
            }
            for change in result.scales
        ],
        "attrition": {
            "overall": _attrition(result.attrition),
            "scales": {
                change.scale: _scale_attrition(change.attrition, change.unmatched)
                for change in result.scales
            },
        },
    }
