"""Four-preference type scoring, clarity, the team type table and pair contrasts.

docs/methods.md, "Type indicator". Each bipolar item is a 5-point choice between two statements,
A and B, each written for one pole of a preference pair (E–I, S–N, T–F, J–P). Answers are coded
1 (much more like A) … 3 (both equally) … 5 (much more like B).

- Item score: −2…+2 toward the pair's *first* pole (E, S, T, J): 3 − answer when statement A
  is the first pole, answer − 3 when it is the second. Half the items put the first pole in A,
  so that agreeing with whichever statement comes first cannot decide a preference.
- Preference: the sign of the sum of the answered items' scores. A sum of zero is reported as
  "no clear preference" (an X in the reported type) and is resolved only by the person's own
  best fit — never by a default letter, which would quietly favour one pole.
- Clarity = |sum| / maximum possible, the maximum being 2 × the items *answered*, banded slight
  (< 0.25), moderate (< 0.5), clear (< 0.75), very clear (≥ 0.75). Compared as exact fractions,
  so a boundary such as 4/16 = 0.25 is "moderate" on every platform.
- Missing answers (blank): as for scale scores (docs/methods.md, "Scoring"), a pair is scored when at
  least half of its items are answered; otherwise it is unscored (a ? in the reported type).

Plain data in, dataclasses out; no Django (docs/design.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final

import numpy as np
import pandas as pd

from tandem.analysis._frames import numeric_columns
from tandem.analysis.anonymity import check_k
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.reliability import Reliability, reliability

ANSWER_MIN: Final = 1
ANSWER_MAX: Final = 5
ANSWER_MIDDLE: Final = 3
MAX_ITEM_SCORE: Final = 2

NO_CLEAR_PREFERENCE: Final = "X"
UNSCORED: Final = "?"

# A preference held by at least two thirds of the team is "shared"; its opposite pole, held by at
# most a third, is where the team may have a blind spot. Two thirds rather than a bare majority:
# a 55:45 team has no dominant habit to be blind from.
SHARED_SHARE: Final = Fraction(2, 3)


@dataclass(frozen=True)
class PreferencePair:
    """One of the four dichotomies: its id (e.g. "ei"), poles and their names."""

    id: str
    first: str
    second: str
    first_name: str
    second_name: str

    @property
    def letters(self) -> tuple[str, str]:
        return (self.first, self.second)

    def name_of(self, letter: str) -> str:
        return self.first_name if letter == self.first else self.second_name

    def opposite(self, letter: str) -> str:
        return self.second if letter == self.first else self.first


PAIRS: Final = (
    PreferencePair("ei", "E", "I", "Extraversion", "Introversion"),
    PreferencePair("sn", "S", "N", "Sensing", "Intuition"),
    PreferencePair("tf", "T", "F", "Thinking", "Feeling"),
    PreferencePair("jp", "J", "P", "Judging", "Perceiving"),
)
PAIR_BY_ID: Final = {pair.id: pair for pair in PAIRS}
PAIR_OF_LETTER: Final = {letter: pair for pair in PAIRS for letter in pair.letters}


class Band(StrEnum):
    """How clearly a preference was reported (docs/methods.md)."""

    NONE = "no clear preference"
    SLIGHT = "slight"
    MODERATE = "moderate"
    CLEAR = "clear"
    VERY_CLEAR = "very clear"


# Upper bounds (exclusive) of the bands, as exact fractions of the maximum possible sum.
_BANDS: Final = (
    (Fraction(1, 4), Band.SLIGHT),
    (Fraction(1, 2), Band.MODERATE),
    (Fraction(3, 4), Band.CLEAR),
)


@dataclass(frozen=True)
class BipolarItem:
    """An item as scoring needs it: its pair and the pole that statement A speaks for."""

    id: str
    pair: str
    a_pole: str

    def __post_init__(self) -> None:
        if self.pair not in PAIR_BY_ID or self.a_pole not in PAIR_BY_ID[self.pair].letters:
            raise ValueError(f"item {self.id!r}: pole {self.a_pole!r} is not in pair {self.pair!r}")


def item_score(answer: int, item: BipolarItem) -> int:
    """The answer as −2…+2 toward the item's pair's first pole (E, S, T or J)."""
    if isinstance(answer, bool) or answer not in range(ANSWER_MIN, ANSWER_MAX + 1):
        raise AnalysisInputError(
            f"Item {item.id!r}: {answer!r} is not an answer; answers are whole numbers "
            f"from {ANSWER_MIN} to {ANSWER_MAX}."
        )
    toward_a = ANSWER_MIDDLE - answer
    return toward_a if item.a_pole == PAIR_BY_ID[item.pair].first else -toward_a


def clarity_band(total: int, max_possible: int) -> Band:
    """The band of |total| / max_possible: slight < 1/4 ≤ moderate < 1/2 ≤ clear < 3/4 ≤ very clear."""
    if max_possible <= 0:
        raise ValueError("max_possible must be positive")
    if total == 0:
        return Band.NONE
    share = Fraction(abs(total), max_possible)
    for bound, band in _BANDS:
        if share < bound:
            return band
    return Band.VERY_CLEAR


@dataclass(frozen=True)
class PreferenceScore:
    """One pair's result for one person.

    `total` is the sum toward the first pole (None when fewer than half the items were
    answered); `letter` is the preferred pole (None for a tie or when unscored).
    """

    pair: str
    total: int | None
    answered: int
    n_items: int

    @property
    def scored(self) -> bool:
        return self.total is not None

    @property
    def max_possible(self) -> int:
        return MAX_ITEM_SCORE * self.answered

    @property
    def letter(self) -> str | None:
        if self.total is None or self.total == 0:
            return None
        pair = PAIR_BY_ID[self.pair]
        return pair.first if self.total > 0 else pair.second

    @property
    def clarity(self) -> float | None:
        if self.total is None:
            return None
        return abs(self.total) / self.max_possible

    @property
    def band(self) -> Band | None:
        if self.total is None:
            return None
        return clarity_band(self.total, self.max_possible)

    @property
    def symbol(self) -> str:
        """The letter, X for no clear preference, ? when unscored."""
        if self.total is None:
            return UNSCORED
        return self.letter or NO_CLEAR_PREFERENCE


@dataclass(frozen=True)
class TypeScore:
    """A person's four preference scores, in the order E–I, S–N, T–F, J–P."""

    preferences: tuple[PreferenceScore, ...]

    @property
    def reported_type(self) -> str:
        """Four symbols, e.g. "ENTJ", "EXTJ" (no clear E–I preference), "?NTJ" (too few answers)."""
        return "".join(score.symbol for score in self.preferences)

    def preference(self, pair_id: str) -> PreferenceScore:
        for score in self.preferences:
            if score.pair == pair_id:
                return score
        raise KeyError(pair_id)


def _answer_value(value: float | int | None, item: BipolarItem) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    number = float(value)
    if not number.is_integer() or not ANSWER_MIN <= number <= ANSWER_MAX:
        raise AnalysisInputError(
            f"Item {item.id!r}: {value!r} is out of range; answers are whole numbers "
            f"from {ANSWER_MIN} to {ANSWER_MAX} (blank for no answer)."
        )
    return int(number)


def score_answers(
    answers: Mapping[str, float | int | None], items: Sequence[BipolarItem]
) -> TypeScore:
    """Score one person's answers (item id → 1…5, None or NaN for no answer).

    A pair is scored when at least half its items are answered (docs/methods.md, "Scoring");
    items absent from `answers` count as unanswered.
    """
    preferences = []
    for pair in PAIRS:
        pair_items = [item for item in items if item.pair == pair.id]
        if not pair_items:
            raise AnalysisInputError(f"The indicator has no items for {pair.id.upper()}.")
        scores = []
        for item in pair_items:
            value = _answer_value(answers.get(item.id), item)
            if value is not None:
                scores.append(item_score(value, item))
        enough = bool(scores) and 2 * len(scores) >= len(pair_items)
        preferences.append(
            PreferenceScore(
                pair=pair.id,
                total=sum(scores) if enough else None,
                answered=len(scores),
                n_items=len(pair_items),
            )
        )
    return TypeScore(preferences=tuple(preferences))


_NAMED_MISSING: Final = 8


def _check_item_columns(frame: pd.DataFrame, items: Sequence[BipolarItem], what: str) -> None:
    present = {str(column) for column in frame.columns}
    missing = [item.id for item in items if item.id not in present]
    if missing:
        named = ", ".join(missing[:_NAMED_MISSING])
        if len(missing) > _NAMED_MISSING:
            named += f" and {len(missing) - _NAMED_MISSING} more"
        raise AnalysisInputError(
            f"{what} has no column for item{'s' if len(missing) > 1 else ''} {named}; "
            f"every one of the indicator's {len(items)} items needs a column "
            "(leave a cell blank for an unanswered item)."
        )


def answer_frame(
    frame: pd.DataFrame, items: Sequence[BipolarItem], *, what: str = "The data"
) -> pd.DataFrame:
    """The item columns of `frame` as numbers 1…5 (NaN for blank), checked.

    Raises `AnalysisInputError` naming the missing item columns, or the column, row and value of
    the first answer that is not a number or not a whole number from 1 to 5.
    """
    _check_item_columns(frame, items, what)
    ids = [item.id for item in items]
    values = numeric_columns(frame, ids)
    for column in ids:
        numbers = values[column].to_numpy()
        bad = ~np.isnan(numbers) & (
            (numbers < ANSWER_MIN) | (numbers > ANSWER_MAX) | (numbers != np.round(numbers))
        )
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise AnalysisInputError(
                f"Column {column!r}, row {frame.index[position]}: "
                f"{frame[column].iloc[position]!r} is out of range; answers are whole numbers "
                f"from {ANSWER_MIN} to {ANSWER_MAX} (blank for no answer)."
            )
    return values


def score_frame(frame: pd.DataFrame, items: Sequence[BipolarItem]) -> list[TypeScore]:
    """Score every row of a frame of answers (one row per person, one column per item)."""
    values = answer_frame(frame, items)
    return [
        score_answers({column: row[column] for column in values.columns}, items)
        for _, row in values.iterrows()
    ]


def item_scores(values: pd.DataFrame, items: Sequence[BipolarItem]) -> pd.DataFrame:
    """Answers (1…5) recoded as −2…+2 toward each item's first pole, NaN kept."""
    scored = {}
    for item in items:
        toward_a = ANSWER_MIDDLE - values[item.id].astype(float)
        scored[item.id] = toward_a if item.a_pole == PAIR_BY_ID[item.pair].first else -toward_a
    return pd.DataFrame(scored, index=values.index)


@dataclass(frozen=True)
class PairReliability:
    """Cronbach's alpha of one preference pair's items; `result` None with `reason` if not computable."""

    pair: str
    result: Reliability | None
    reason: str | None = None


def pair_reliability(
    values: pd.DataFrame, items: Sequence[BipolarItem]
) -> dict[str, PairReliability]:
    """Alpha per preference pair over item scores pointed at the first pole.

    Pointing every item the same way is the bipolar form of reverse keying; alpha is then
    `reliability.reliability` (pingouin `cronbach_alpha(nan_policy="pairwise")`, docs/methods.md).
    """
    scored = item_scores(values, items)
    results = {}
    for pair in PAIRS:
        columns = [item.id for item in items if item.pair == pair.id]
        try:
            results[pair.id] = PairReliability(pair.id, reliability(scored[columns]))
        except AnalysisInputError as error:
            results[pair.id] = PairReliability(pair.id, None, str(error))
    return results


def parse_type(code: str) -> str:
    """A four-letter type as typed ("entj", " ENTJ ") in canonical form, or AnalysisInputError."""
    cleaned = str(code).strip().upper()
    if len(cleaned) != len(PAIRS) or any(
        letter not in pair.letters for letter, pair in zip(cleaned, PAIRS, strict=False)
    ):
        raise AnalysisInputError(
            f"{code!r} is not a four-letter type: give one letter from each pair, in order — "
            "E or I, S or N, T or F, J or P (for example ISTJ)."
        )
    return cleaned


def changed_letters(reported: str, best_fit: str) -> tuple[str, ...]:
    """Pairs whose reported letter the person changed at best fit.

    A pair reported as X (no clear preference) or ? is *resolved*, not changed, by best fit.
    """
    return tuple(
        pair.id
        for pair, before, after in zip(PAIRS, reported, best_fit, strict=True)
        if before in pair.letters and before != after
    )


def resolved_letters(reported: str, best_fit: str) -> tuple[str, ...]:
    """Pairs reported as X or ? that the person's best fit settles."""
    return tuple(
        pair.id
        for pair, before, after in zip(PAIRS, reported, best_fit, strict=True)
        if before not in pair.letters and after in pair.letters
    )


# The classic type table: rows by E–I and J–P, columns by S–N and T–F.
TABLE_ROWS: Final = (("I", "J"), ("I", "P"), ("E", "P"), ("E", "J"))
TABLE_COLUMNS: Final = (("S", "T"), ("S", "F"), ("N", "F"), ("N", "T"))


def table_type(row: tuple[str, str], column: tuple[str, str]) -> str:
    return row[0] + column[0] + column[1] + row[1]


@dataclass(frozen=True)
class TeamTable:
    """Counts of shared four-letter types: the 4×4 grid, per preference and per group.

    `grid[r][c]` counts `table_type(TABLE_ROWS[r], TABLE_COLUMNS[c])`. `shared` lists the
    preferences held by at least two thirds of the team; `blind_spots` their opposite poles.
    """

    n: int
    grid: tuple[tuple[int, ...], ...]
    by_preference: dict[str, int]
    by_group: dict[str, dict[str, int]]
    group_sizes: dict[str, int]
    shared: tuple[str, ...]
    blind_spots: tuple[str, ...]


def team_table(
    types: Sequence[str], *, k: int, groups: Sequence[str] | None = None
) -> TeamTable | None:
    """The team type table of `types` (four definite letters each), or None when fewer than k.

    `groups` (e.g. each person's profession), when given, is parallel to `types` and adds counts
    by preference per group. Below k people there is no table at all, not a partial one.
    """
    check_k(k)
    codes = [parse_type(code) for code in types]
    if groups is not None and len(groups) != len(codes):
        raise AnalysisInputError("Give one group per type.")
    n = len(codes)
    if n < k:
        return None
    counts = Counter(codes)
    grid = tuple(
        tuple(counts[table_type(row, column)] for column in TABLE_COLUMNS) for row in TABLE_ROWS
    )
    by_preference = {
        letter: sum(code[index] == letter for code in codes)
        for index, pair in enumerate(PAIRS)
        for letter in pair.letters
    }
    by_group: dict[str, dict[str, int]] = {}
    group_sizes: dict[str, int] = {}
    if groups is not None:
        for group in dict.fromkeys(groups):
            members = [code for code, g in zip(codes, groups, strict=True) if g == group]
            group_sizes[group] = len(members)
            by_group[group] = {
                letter: sum(code[index] == letter for code in members)
                for index, pair in enumerate(PAIRS)
                for letter in pair.letters
            }
    shared = tuple(
        letter for letter, count in by_preference.items() if Fraction(count, n) >= SHARED_SHARE
    )
    blind_spots = tuple(PAIR_OF_LETTER[letter].opposite(letter) for letter in shared)
    return TeamTable(
        n=n,
        grid=grid,
        by_preference=by_preference,
        by_group=by_group,
        group_sizes=group_sizes,
        shared=shared,
        blind_spots=blind_spots,
    )


@dataclass(frozen=True)
class PairContrast:
    """Where two people's types differ and where they agree, pair by pair."""

    first: str
    second: str
    differing: tuple[str, ...]
    same: tuple[tuple[str, str], ...]  # (pair id, the letter both hold)


def pair_contrast(first: str, second: str) -> PairContrast:
    """Compare two four-letter types preference by preference."""
    a, b = parse_type(first), parse_type(second)
    differing = tuple(pair.id for pair, x, y in zip(PAIRS, a, b, strict=True) if x != y)
    same = tuple((pair.id, x) for pair, x, y in zip(PAIRS, a, b, strict=True) if x == y)
    return PairContrast(first=a, second=b, differing=differing, same=same)
