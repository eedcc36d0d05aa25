"""Input checks shared by the analysis modules: columns present, values numeric.

Private to the package. Every failure raises `AnalysisInputError` with a message that names the
column, the row and the offending value, because the people reading it are fixing a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import pandas as pd

from tandem.analysis.errors import AnalysisInputError

RowLabel = Callable[[Hashable], str]


def describe_row(label: Hashable) -> str:
    """The default way to name a row in a message: by its index label."""
    return f"row {label}"


def require_columns(frame: pd.DataFrame, columns: Sequence[str], *, what: str = "data") -> None:
    """Raise naming the first column of `columns` that `frame` lacks."""
    present = {str(column) for column in frame.columns}
    for column in columns:
        if column not in present:
            found = ", ".join(repr(str(c)) for c in frame.columns) or "none"
            raise AnalysisInputError(
                f"Column {column!r} is not in the {what}. Columns found: {found}."
            )


def numeric_columns(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    row_label: RowLabel = describe_row,
    extra: Callable[[Hashable], str] | None = None,
) -> pd.DataFrame:
    """`frame[columns]` as float64, blanks as NaN; raise on the first value that is not a number.

    Text such as "abc" or "5 (agree)" and infinities are rejected rather than silently made
    missing: a mistyped answer should be fixed at source, not dropped from the analysis.
    `extra`, when given, adds context to the message for a row (e.g. the person's id).
    """
    converted: dict[str, np.ndarray] = {}
    for column in columns:
        raw = frame[column]
        if raw.dtype.kind in "biuf":
            values = raw.to_numpy(dtype=np.float64, na_value=np.nan)
            bad = np.isinf(values)
        else:
            text = raw.astype("string").str.strip()
            blank = text.isna() | (text == "")
            numbers = pd.to_numeric(text.where(~blank), errors="coerce")
            values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
            bad = (~blank.to_numpy(dtype=bool) & np.isnan(values)) | np.isinf(values)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            label = frame.index[position]
            context = f" ({extra(label)})" if extra is not None else ""
            raise AnalysisInputError(
                f"Column {column!r}, {row_label(label)}{context}: "
                f"{raw.iloc[position]!r} is not a number."
            )
        converted[column] = values
    return pd.DataFrame(converted, index=frame.index, columns=list(columns))


def as_float(value: float | np.floating | None) -> float | None:
    """A plain float, or None for a missing or non-finite value (so results serialise to JSON)."""
    if value is None:
        return None
    number = float(value)
    return number if np.isfinite(number) else None
