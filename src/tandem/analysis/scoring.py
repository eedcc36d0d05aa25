"""Instrument scoring: reverse keys, the missing-data rule, scale scores (docs/methods.md, "Scoring").

Input is a wide table of answers: one row per respondent (the index is the respondent id), one
column per item id, values on the item's Likert range (1–5 by default) or NaN for "don't know" and
blanks. Everything is vectorised over respondents, so a national-scale wave (10,000 people × 60
items) scores in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tandem.analysis._frames import numeric_columns, require_columns
from tandem.analysis.errors import AnalysisInputError


@dataclass(frozen=True)
class ScaleDefinition:
    """One scale of an instrument: its items, which of them are reverse-keyed, the answer range."""

    id: str
    items: tuple[str, ...]
    reverse: frozenset[str] = frozenset()
    min_value: int = 1
    max_value: int = 5

    def __post_init__(self) -> None:
        if not self.items:
            raise AnalysisInputError(f"Scale {self.id!r} has no items.")
        if len(set(self.items)) != len(self.items):
            raise AnalysisInputError(f"Scale {self.id!r} lists an item more than once.")
        unknown = sorted(self.reverse - set(self.items))
        if unknown:
            raise AnalysisInputError(
                f"Scale {self.id!r}: reverse-keyed item(s) {', '.join(unknown)} are not among "
                "its items."
            )
        if self.min_value >= self.max_value:
            raise AnalysisInputError(
                f"Scale {self.id!r}: min_value {self.min_value} must be below max_value "
                f"{self.max_value}."
            )


def _item_ranges(scales: Sequence[ScaleDefinition]) -> dict[str, tuple[int, int, bool]]:
    """Item → (min, max, reverse-keyed), refusing an item that two scales define differently."""
    ranges: dict[str, tuple[int, int, bool]] = {}
    owner: dict[str, str] = {}
    seen_ids: set[str] = set()
    for scale in scales:
        if scale.id in seen_ids:
            raise AnalysisInputError(f"Two scales share the id {scale.id!r}.")
        seen_ids.add(scale.id)
        for item in scale.items:
            spec = (scale.min_value, scale.max_value, item in scale.reverse)
            if item in ranges and ranges[item] != spec:
                raise AnalysisInputError(
                    f"Item {item!r} is defined differently by scales {owner[item]!r} and "
                    f"{scale.id!r} (range or reverse key)."
                )
            ranges[item] = spec
            owner[item] = scale.id
    return ranges


def _checked_values(
    answers: pd.DataFrame, items: Sequence[str], ranges: dict[str, tuple[int, int, bool]]
) -> np.ndarray:
    """The answers to `items` as a float matrix, after checking every value is on its range."""
    require_columns(answers, items, what="answers")
    values: np.ndarray = numeric_columns(answers, items).to_numpy(dtype=np.float64)
    lows = np.array([ranges[item][0] for item in items], dtype=np.float64)
    highs = np.array([ranges[item][1] for item in items], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        outside = (values < lows) | (values > highs)
    if outside.any():
        row, column = (int(i) for i in np.argwhere(outside)[0])
        item = items[column]
        raise AnalysisInputError(
            f"Item {item!r}, respondent {answers.index[row]!r}: {values[row, column]:g} is "
            f"outside the answer range {ranges[item][0]}–{ranges[item][1]}."
        )
    return values


def _reverse_in_place(
    values: np.ndarray, items: Sequence[str], ranges: dict[str, tuple[int, int, bool]]
) -> None:
    for column, item in enumerate(items):
        low, high, reverse = ranges[item]
        if reverse:
            values[:, column] = (low + high) - values[:, column]


def recode_reverse(answers: pd.DataFrame, scales: Sequence[ScaleDefinition]) -> pd.DataFrame:
    """The answers with every reverse-keyed item recoded as min + max − x (6 − x on a 1–5 scale).

    Returns a new frame with the same index and columns; columns that belong to no scale are
    passed through unchanged, NaN stays NaN. Used before reliability analysis, where items must
    all point the same way.
    """
    ranges = _item_ranges(scales)
    items = [str(column) for column in answers.columns if str(column) in ranges]
    require_columns(answers, list(ranges), what="answers")
    values = _checked_values(answers, items, ranges)
    _reverse_in_place(values, items, ranges)
    recoded = answers.copy()
    for column, item in enumerate(items):
        recoded[item] = values[:, column]
    return recoded


def score_items(answers: pd.DataFrame, scales: Sequence[ScaleDefinition]) -> pd.DataFrame:
    """Scale scores: one column per scale, one row per respondent (docs/methods.md, "Scoring").

    score = mean of the answered items (after reverse keys, x → min + max − x) when the number of
    answered items a satisfies 2a ≥ m, m = the scale's number of items ("at least half": 2 of 4,
    3 of 5); otherwise NaN. "Don't know" and blanks must already be NaN.
    """
    ranges = _item_ranges(scales)
    items = list(ranges)
    values = _checked_values(answers, items, ranges)
    _reverse_in_place(values, items, ranges)
    answered = ~np.isnan(values)
    filled = np.where(answered, values, 0.0)
    position = {item: column for column, item in enumerate(items)}
    scores = np.full((len(answers.index), len(scales)), np.nan)
    for out, scale in enumerate(scales):
        columns = [position[item] for item in scale.items]
        count = answered[:, columns].sum(axis=1)
        total = filled[:, columns].sum(axis=1)
        enough = 2 * count >= len(columns)
        np.divide(total, count, out=scores[:, out], where=enough & (count > 0))
    return pd.DataFrame(scores, index=answers.index, columns=[scale.id for scale in scales])
