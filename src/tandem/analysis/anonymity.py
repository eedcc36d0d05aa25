"""Minimum group size and complementary suppression (docs/methods.md, "Anonymity"; docs/design.md, privacy).

A page shows a grid of counts — rows are groups (doctor / manager / other, or services), columns
are waves, scales or a single "n" — and perhaps its row totals, column totals and grand total.
Every number on the page is a `Position`. Suppression decides which positions to hide:

1. Primary: any position with n < k ("fewer than k respondents"). A count of 0 is hidden too,
   unless `zeros_public` says the group's emptiness is public knowledge (e.g. a profession the
   programme has no members of): a 0 shows that nobody in a known group answered.
2. Complementary (docs/methods.md's rule): for every total shown, if exactly one of its parts is
   hidden, also hide the smallest part still shown ("hidden so that a smaller group cannot be
   worked out by subtraction"). Repeated over every margin until nothing changes, because each
   new hide can leave a lone hidden part in the other direction.
3. A safety net for what the one-margin rule misses: a hidden number that can still be computed
   by adding and subtracting shown numbers across several margins (e.g. two blocks of hidden
   cells joined by one cell). Each shown number is a sum of grid cells, so a hidden number is
   recoverable exactly when its vector of cells lies in the linear span of the shown ones; while
   one does, the smallest shown number whose hiding breaks that is hidden as well.
4. When a change between waves is shown, a group hidden in one wave is hidden in every wave
   (`link_rows`), or the change would give the hidden wave away.

5. A position may arrive hidden from outside (`forced_hidden`): the disclosure ledger
   (`tandem.analysis.disclosure`) refuses a figure whose population differs by fewer than k people
   from one shown on another page or earlier. The rules above then protect it like any other
   hidden number.

Out of scope here: bounds an attacker can get from counts being non-negative (a hidden pair whose
shown total is 6 is each at most 6). Differencing between different pages, filters and moments
is `tandem.analysis.disclosure`'s job, fed back through `forced_hidden`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeVar

import numpy as np

from tandem.analysis.errors import AnalysisInputError

DEFAULT_K = 5
MIN_K = 3
DEFAULT_K_TEXT = 10
BREAKDOWN_COLUMN = "n"

PositionKind = Literal["cell", "row_total", "column_total", "grand_total"]
V = TypeVar("V")


class SuppressionReason(StrEnum):
    """Why a number is hidden, in words a page can show."""

    FEWER_THAN_K = "fewer than k respondents"
    SUBTRACTION = "hidden so that a smaller group cannot be worked out by subtraction"
    ACROSS_WAVES = "hidden in every wave so that the change shown cannot reveal a hidden group"
    DIFFERENCING = "hidden because, beside figures shown elsewhere, it would reveal a small group"


@dataclass(frozen=True)
class Position:
    """One number on the page: a cell, a row total, a column total or the grand total."""

    kind: PositionKind
    row: str | None = None
    column: str | None = None

    @classmethod
    def cell(cls, row: str, column: str) -> Position:
        return cls("cell", row, column)

    @classmethod
    def row_total(cls, row: str) -> Position:
        return cls("row_total", row, None)

    @classmethod
    def column_total(cls, column: str) -> Position:
        return cls("column_total", None, column)

    @classmethod
    def grand_total(cls) -> Position:
        return cls("grand_total", None, None)


@dataclass(frozen=True)
class SuppressedTable:
    """The outcome of suppression: what may be shown, and why the rest is hidden.

    `shown_counts` holds only the numbers that may be shown; hidden counts are not kept, so a
    template cannot print one by mistake.
    """

    k: int
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    positions: tuple[Position, ...]
    shown_counts: Mapping[Position, int]
    hidden: Mapping[Position, SuppressionReason]

    def is_shown(self, position: Position) -> bool:
        """Whether the number at `position` may be shown (KeyError if it is not on the page)."""
        if position not in self.shown_counts and position not in self.hidden:
            raise KeyError(position)
        return position in self.shown_counts

    def count(self, position: Position) -> int | None:
        """The count to show at `position`, or None if it is hidden."""
        return self.shown_counts[position] if self.is_shown(position) else None

    def reason(self, position: Position) -> SuppressionReason | None:
        """Why `position` is hidden, or None if it is shown."""
        return None if self.is_shown(position) else self.hidden[position]

    def cell_shown(self, row: str, column: str = BREAKDOWN_COLUMN) -> bool:
        """Whether the cell (row, column) may be shown; for a breakdown, just the group."""
        return self.is_shown(Position.cell(row, column))


def check_k(k: int) -> int:
    """k itself, after checking it is a whole number of at least 3 (docs/methods.md: never below 3)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise AnalysisInputError(
            f"The minimum group size k must be a whole number ≥ {MIN_K}; got {k!r}."
        )
    return k


@dataclass(frozen=True)
class KGate:
    """The one statement of "fewer than k": a figure over n people is shown only when n ≥ k.

    Every page that shows or hides a figure by the size of its group asks a gate rather than
    writing `n < k` itself, so the rule (and what counts as too few: no count at all is too few)
    lives here. `KGate(k).value(x, n)` is x when it may be shown, else None.
    """

    k: int

    def __post_init__(self) -> None:
        check_k(self.k)

    def shows(self, n: int | None) -> bool:
        return n is not None and n >= self.k

    def hides(self, n: int | None) -> bool:
        return not self.shows(n)

    def value(self, value: V, n: int | None) -> V | None:
        return value if self.shows(n) else None

    def count(self, n: int | None) -> int | None:
        """The count itself when it may be shown."""
        return n if self.shows(n) else None


@dataclass
class _Layout:
    """The page as linear algebra: every position's vector over the grid cells, and its margins."""

    positions: list[Position]
    counts: dict[Position, int]
    vectors: dict[Position, np.ndarray]
    margins: list[tuple[Position, tuple[Position, ...]]]
    links: list[tuple[Position, ...]] = field(default_factory=list)


def _layout(
    counts: Mapping[tuple[str, str], int],
    *,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
) -> tuple[_Layout, list[str], list[str]]:
    rows: list[str] = []
    columns: list[str] = []
    for (row, column), n in counts.items():
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise AnalysisInputError(
                f"The count for ({row!r}, {column!r}) must be a whole number ≥ 0; got {n!r}."
            )
        if row not in rows:
            rows.append(row)
        if column not in columns:
            columns.append(column)
    if not rows:
        raise AnalysisInputError("There are no counts to suppress.")
    width = len(rows) * len(columns)

    def unit(i: int, j: int) -> np.ndarray:
        vector = np.zeros(width)
        vector[i * len(columns) + j] = 1.0
        return vector

    layout = _Layout(positions=[], counts={}, vectors={}, margins=[])

    def add(position: Position, n: int, vector: np.ndarray) -> None:
        layout.positions.append(position)
        layout.counts[position] = n
        layout.vectors[position] = vector

    grid = [[Position.cell(row, column) for column in columns] for row in rows]
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            # A combination not given is a group with nobody in it on this page.
            add(grid[i][j], int(counts.get((row, column), 0)), unit(i, j))
    all_cells = tuple(position for line in grid for position in line)
    if row_totals:
        for i, row in enumerate(rows):
            total = Position.row_total(row)
            add(
                total,
                sum(layout.counts[p] for p in grid[i]),
                np.vstack([layout.vectors[p] for p in grid[i]]).sum(axis=0),
            )
            layout.margins.append((total, tuple(grid[i])))
    if column_totals:
        for j, column in enumerate(columns):
            parts = tuple(line[j] for line in grid)
            total = Position.column_total(column)
            add(
                total,
                sum(layout.counts[p] for p in parts),
                np.vstack([layout.vectors[p] for p in parts]).sum(axis=0),
            )
            layout.margins.append((total, parts))
    if grand_total:
        total = Position.grand_total()
        add(total, sum(layout.counts[p] for p in all_cells), np.ones(width))
        layout.margins.append((total, all_cells))
        if row_totals:
            layout.margins.append((total, tuple(Position.row_total(row) for row in rows)))
        if column_totals:
            layout.margins.append((total, tuple(Position.column_total(c) for c in columns)))
    return layout, rows, columns


def _row_space(vectors: Sequence[np.ndarray], width: int) -> np.ndarray:
    if not vectors:
        return np.zeros((0, width))
    _, singular, right = np.linalg.svd(np.vstack(vectors), full_matrices=False)
    rank = int(np.sum(singular > 1e-9 * max(1.0, float(singular[0]))))
    basis: np.ndarray = right[:rank]
    return basis


def _in_span(vector: np.ndarray, basis: np.ndarray) -> bool:
    residual = vector - basis.T @ (basis @ vector)
    return bool(np.linalg.norm(residual) < 1e-7)


def recoverable_positions(
    vectors: Mapping[Position, np.ndarray], hidden: Iterable[Position]
) -> list[Position]:
    """Hidden positions whose value follows from the shown ones by adding and subtracting.

    `vectors` maps every position on the page to its cells; a hidden position is recoverable
    exactly when its vector lies in the span of the shown positions' vectors.
    """
    hidden_set = set(hidden)
    shown = [vector for position, vector in vectors.items() if position not in hidden_set]
    width = len(next(iter(vectors.values())))
    basis = _row_space(shown, width)
    return [p for p in vectors if p in hidden_set and _in_span(vectors[p], basis)]


def _suppress(
    layout: _Layout, k: int, zeros_public: bool, forced: Iterable[Position] = ()
) -> dict[Position, SuppressionReason]:
    order = {position: index for index, position in enumerate(layout.positions)}
    public = {p for p in layout.positions if zeros_public and layout.counts[p] == 0}
    hidden: dict[Position, SuppressionReason] = {
        p: SuppressionReason.FEWER_THAN_K
        for p in layout.positions
        if layout.counts[p] < k and p not in public
    }
    for position in forced:
        if position not in layout.counts:
            raise AnalysisInputError(f"{position} is not a number on this page.")
        hidden.setdefault(position, SuppressionReason.DIFFERENCING)

    def smallest(candidates: Iterable[Position]) -> Position | None:
        # "Next-smallest part": hiding the smallest shown part loses the least information.
        eligible = [p for p in candidates if p not in hidden and p not in public]
        return min(eligible, key=lambda p: (layout.counts[p], order[p]), default=None)

    while True:
        changed = False
        for link in layout.links:
            if any(p in hidden for p in link):
                for p in link:
                    if p not in hidden and p not in public:
                        hidden[p] = SuppressionReason.ACROSS_WAVES
                        changed = True
        for total, parts in layout.margins:
            if total in hidden or sum(p in hidden for p in parts) != 1:
                continue
            partner = smallest(parts)
            # With no part left to hide, the lone hidden part equals the total minus known parts;
            # hiding the total itself is then the only protection.
            target = partner if partner is not None else total
            if target not in public:
                hidden[target] = SuppressionReason.SUBTRACTION
                changed = True
        if changed:
            continue
        exposed = recoverable_positions(layout.vectors, hidden)
        if not exposed:
            return hidden
        victim = exposed[0]
        candidates = sorted(
            (p for p in layout.positions if p not in hidden and p not in public),
            key=lambda p: (layout.counts[p], order[p]),
        )
        if not candidates:
            # Only public zeros are left shown; a hidden number they determine is 0, also public.
            return hidden
        chosen = next(
            (
                p
                for p in candidates
                if victim not in recoverable_positions(layout.vectors, [*hidden, p])
            ),
            None,
        )
        if chosen is None:
            overlapping = [p for p in candidates if layout.vectors[p] @ layout.vectors[victim] > 0]
            chosen = (overlapping or candidates)[0]
        hidden[chosen] = SuppressionReason.SUBTRACTION


def _table(
    layout: _Layout,
    rows: list[str],
    columns: list[str],
    k: int,
    zeros_public: bool,
    forced: Iterable[Position] = (),
) -> SuppressedTable:
    hidden = _suppress(layout, k, zeros_public, forced)
    return SuppressedTable(
        k=k,
        rows=tuple(rows),
        columns=tuple(columns),
        positions=tuple(layout.positions),
        shown_counts={p: layout.counts[p] for p in layout.positions if p not in hidden},
        hidden=hidden,
    )


def suppress_table(
    counts: Mapping[tuple[str, str], int],
    *,
    k: int = DEFAULT_K,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
    zeros_public: bool = False,
    link_rows: bool = False,
    forced_hidden: Iterable[Position] = (),
) -> SuppressedTable:
    """Primary and complementary suppression of a grid of respondent counts.

    `counts` maps (row, column) to n; a combination not given counts as 0. The flags say which
    margins the page shows — they default to all, the safe assumption. `link_rows` hides a whole
    row when any of its cells is hidden (a change across the columns is shown);
    `forced_hidden` positions are hidden for a reason from outside the table (rule 5). See the
    module docstring for the rules.
    """
    check_k(k)
    layout, rows, columns = _layout(
        counts, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    if link_rows:
        layout.links = [tuple(Position.cell(row, column) for column in columns) for row in rows]
    return _table(layout, rows, columns, k, zeros_public, forced_hidden)


def suppress_breakdown(
    counts: Mapping[str, int],
    *,
    k: int = DEFAULT_K,
    total_shown: bool = True,
    zeros_public: bool = False,
    forced_hidden: Iterable[Position] = (),
) -> SuppressedTable:
    """Suppression for one breakdown: groups (e.g. professions) with an overall total.

    The groups are the rows of a one-column table (`BREAKDOWN_COLUMN`); the overall total is
    that column's total, `Position.column_total(BREAKDOWN_COLUMN)`.
    """
    check_k(k)
    layout, rows, columns = _layout(
        {(group, BREAKDOWN_COLUMN): n for group, n in counts.items()},
        row_totals=False,
        column_totals=total_shown,
        grand_total=False,
    )
    return _table(layout, rows, columns, k, zeros_public, forced_hidden)


def suppress_across_waves(
    counts: Mapping[tuple[str, str], int],
    *,
    k: int = DEFAULT_K,
    wave_totals_shown: bool = True,
    change_shown: bool = True,
    zeros_public: bool = False,
) -> SuppressedTable:
    """Suppression for groups compared across waves: `counts` maps (group, wave) to n.

    Waves are columns and each wave's overall n is its column total. There are no row or grand
    totals (people answering in two waves would be counted twice). When a change is shown, a
    group hidden in one wave is hidden in all of them, and so is the overall n of every wave if
    one of them is hidden.
    """
    check_k(k)
    layout, rows, columns = _layout(
        counts, row_totals=False, column_totals=wave_totals_shown, grand_total=False
    )
    if change_shown:
        layout.links = [tuple(Position.cell(row, column) for column in columns) for row in rows]
        if wave_totals_shown:
            layout.links.append(tuple(Position.column_total(column) for column in columns))
    return _table(layout, rows, columns, k, zeros_public)


def mask_statistics(
    values: Mapping[Position, V], table: SuppressedTable
) -> dict[Position, V | None]:
    """Statistics (means, SDs, percentages) for display: None wherever the count is hidden.

    A mean over n respondents is hidden exactly when its n is: group means and the overall mean
    combine like counts (N·M = Σ nᵢ·mᵢ), so the same pattern protects them. Every key must be a
    position of `table`.
    """
    return {
        position: (value if table.is_shown(position) else None)
        for position, value in values.items()
    }
