"""Suppression, tested by playing the attacker: nothing hidden may be worked out from the page."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.analysis.anonymity import (
    BREAKDOWN_COLUMN,
    Position,
    SuppressedTable,
    SuppressionReason,
    mask_statistics,
    suppress_across_waves,
    suppress_breakdown,
    suppress_table,
)
from tandem.analysis.errors import AnalysisInputError

Counts = dict[tuple[str, str], int]


def truth(counts: Counts, rows: tuple[str, ...], columns: tuple[str, ...]) -> dict[Position, int]:
    """Every number a page could show, computed from the grid."""
    cell = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    values = {Position.cell(r, c): n for (r, c), n in cell.items()}
    values |= {Position.row_total(r): sum(cell[r, c] for c in columns) for r in rows}
    values |= {Position.column_total(c): sum(cell[r, c] for r in rows) for c in columns}
    values[Position.grand_total()] = sum(cell.values())
    return values


def sudoku_attack(
    table: SuppressedTable, values: dict[Position, int], zeros_public: bool
) -> set[Position]:
    """Fill in unknowns from any sum with exactly one unknown term, until nothing more follows.

    Every total is an unknown if the page does not show it; public zeros are known anyway.
    Returns the hidden positions of the page that the attacker worked out.
    """
    rows, columns = table.rows, table.columns
    known = {p: n for p, n in table.shown_counts.items()}
    if zeros_public:
        known |= {p: n for p, n in values.items() if n == 0 and p.kind == "cell"}
    grand = Position.grand_total()
    equations = [(Position.row_total(r), [Position.cell(r, c) for c in columns]) for r in rows] + [
        (Position.column_total(c), [Position.cell(r, c) for r in rows]) for c in columns
    ]
    equations += [
        (grand, [Position.row_total(r) for r in rows]),
        (grand, [Position.column_total(c) for c in columns]),
    ]
    progress = True
    while progress:
        progress = False
        for total, parts in equations:
            unknown = [p for p in [total, *parts] if p not in known]
            if len(unknown) != 1:
                continue
            (target,) = unknown
            if target == total:
                known[target] = sum(known[p] for p in parts)
            else:
                known[target] = known[total] - sum(known[p] for p in parts if p != target)
            assert known[target] == values[target]  # the attacker's arithmetic is right
            progress = True
    return {p for p in table.hidden if p in known}


def linear_attack(table: SuppressedTable) -> set[Position]:
    """Hidden positions that are a linear combination of shown ones (any adding and subtracting)."""
    rows, columns = table.rows, table.columns

    def vector(position: Position) -> np.ndarray:
        grid = np.zeros((len(rows), len(columns)))
        if position.kind == "cell":
            grid[rows.index(position.row), columns.index(position.column)] = 1
        elif position.kind == "row_total":
            grid[rows.index(position.row), :] = 1
        elif position.kind == "column_total":
            grid[:, columns.index(position.column)] = 1
        else:
            grid[:, :] = 1
        return grid.ravel()

    shown = [vector(p) for p in table.shown_counts]
    rank = np.linalg.matrix_rank(np.array(shown)) if shown else 0
    return {p for p in table.hidden if np.linalg.matrix_rank(np.array([*shown, vector(p)])) == rank}


def assert_page_is_safe(table: SuppressedTable, counts: Counts, k: int, zeros_public: bool) -> None:
    values = truth(counts, table.rows, table.columns)
    for position, n in table.shown_counts.items():
        assert n == values[position]
        assert n >= k or (zeros_public and n == 0), f"{position} shows {n} < k = {k}"
    for position in table.positions:
        if values[position] < k and not (zeros_public and values[position] == 0):
            assert table.reason(position) == SuppressionReason.FEWER_THAN_K
    assert sudoku_attack(table, values, zeros_public) == set()
    assert linear_attack(table) == set()


@st.composite
def grids(draw: st.DrawFn, max_rows: int = 4, max_columns: int = 4) -> Counts:
    rows = [f"g{i}" for i in range(draw(st.integers(1, max_rows)))]
    columns = [f"w{j}" for j in range(draw(st.integers(1, max_columns)))]
    # Mostly small groups, where suppression bites, with some large ones.
    count = st.one_of(st.integers(0, 12), st.integers(0, 60))
    return {(r, c): draw(count) for r in rows for c in columns}


@settings(max_examples=300, deadline=None)
@given(
    counts=grids(),
    k=st.integers(3, 10),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    grand_total=st.booleans(),
    zeros_public=st.booleans(),
)
def test_no_suppressed_number_can_be_worked_out_from_a_table(
    counts: Counts,
    k: int,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
    zeros_public: bool,
) -> None:
    table = suppress_table(
        counts,
        k=k,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
        zeros_public=zeros_public,
    )
    assert_page_is_safe(table, counts, k, zeros_public)


@settings(max_examples=300, deadline=None)
@given(
    counts=grids(),
    k=st.integers(3, 10),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    grand_total=st.booleans(),
)
def test_every_shown_total_has_none_or_at_least_two_hidden_parts(
    counts: Counts, k: int, row_totals: bool, column_totals: bool, grand_total: bool
) -> None:
    # docs/methods.md's rule itself: a total shown never has exactly one hidden part.
    table = suppress_table(
        counts, k=k, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    margins = []
    if row_totals:
        margins += [
            (Position.row_total(r), [Position.cell(r, c) for c in table.columns])
            for r in table.rows
        ]
    if column_totals:
        margins += [
            (Position.column_total(c), [Position.cell(r, c) for r in table.rows])
            for c in table.columns
        ]
    if grand_total:
        margins.append(
            (
                Position.grand_total(),
                [Position.cell(r, c) for r in table.rows for c in table.columns],
            )
        )
    for total, parts in margins:
        if table.is_shown(total):
            assert sum(not table.is_shown(p) for p in parts) != 1


@settings(max_examples=300, deadline=None)
@given(
    groups=st.dictionaries(
        st.sampled_from(["doctor", "manager", "nurse", "therapist", "other", "executive"]),
        st.one_of(st.integers(0, 12), st.integers(0, 60)),
        min_size=1,
    ),
    k=st.integers(3, 10),
    total_shown=st.booleans(),
    zeros_public=st.booleans(),
)
def test_no_suppressed_group_can_be_worked_out_from_a_breakdown(
    groups: dict[str, int], k: int, total_shown: bool, zeros_public: bool
) -> None:
    table = suppress_breakdown(groups, k=k, total_shown=total_shown, zeros_public=zeros_public)
    counts = {(group, BREAKDOWN_COLUMN): n for group, n in groups.items()}
    assert_page_is_safe(table, counts, k, zeros_public)


@settings(max_examples=300, deadline=None)
@given(counts=grids(max_columns=3), k=st.integers(3, 10), wave_totals_shown=st.booleans())
def test_changes_across_waves_hide_a_group_in_every_wave_or_none(
    counts: Counts, k: int, wave_totals_shown: bool
) -> None:
    table = suppress_across_waves(counts, k=k, wave_totals_shown=wave_totals_shown)
    assert_page_is_safe(table, counts, k, zeros_public=False)
    for row in table.rows:
        assert len({table.cell_shown(row, column) for column in table.columns}) == 1
    if wave_totals_shown:
        assert len({table.is_shown(Position.column_total(c)) for c in table.columns}) == 1


def test_breakdown_hides_the_next_smallest_group_when_the_total_is_shown() -> None:
    table = suppress_breakdown({"doctor": 12, "manager": 3, "other": 20}, k=5)
    assert (
        table.reason(Position.cell("manager", BREAKDOWN_COLUMN)) == SuppressionReason.FEWER_THAN_K
    )
    assert table.reason(Position.cell("doctor", BREAKDOWN_COLUMN)) == SuppressionReason.SUBTRACTION
    assert table.count(Position.cell("other", BREAKDOWN_COLUMN)) == 20
    assert table.count(Position.column_total(BREAKDOWN_COLUMN)) == 35
    assert str(SuppressionReason.SUBTRACTION) == (
        "hidden so that a smaller group cannot be worked out by subtraction"
    )


def test_breakdown_without_a_total_hides_only_the_small_group() -> None:
    table = suppress_breakdown({"doctor": 12, "manager": 3, "other": 20}, k=5, total_shown=False)
    assert set(table.hidden) == {Position.cell("manager", BREAKDOWN_COLUMN)}


def test_zero_is_hidden_unless_the_empty_group_is_public() -> None:
    counts = {"doctor": 12, "manager": 9, "other": 0}
    assert not suppress_breakdown(counts, k=5).cell_shown("other")
    public = suppress_breakdown(counts, k=5, zeros_public=True)
    assert (
        public.cell_shown("other") and public.cell_shown("doctor") and public.cell_shown("manager")
    )


def test_cells_linked_only_across_several_margins_are_protected() -> None:
    # Two blocks of small cells joined by one small cell (g1, w2). No row or column has a lone
    # hidden cell, yet adding rows g0 + g1 and subtracting columns w0 + w1 gives (g1, w2) away.
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    counts = {
        (f"g{i}", f"w{j}"): (2 if (i, j) in small else 20)
        for i, j in itertools.product(range(4), range(4))
    }
    table = suppress_table(counts, k=5, row_totals=True, column_totals=True, grand_total=False)
    assert_page_is_safe(table, counts, 5, zeros_public=False)
    assert any(reason == SuppressionReason.SUBTRACTION for reason in table.hidden.values())


def test_means_are_hidden_wherever_their_counts_are() -> None:
    table = suppress_breakdown({"doctor": 12, "manager": 3, "other": 20}, k=5)
    means = {
        Position.cell("doctor", BREAKDOWN_COLUMN): 3.9,
        Position.cell("manager", BREAKDOWN_COLUMN): 2.1,
        Position.cell("other", BREAKDOWN_COLUMN): 3.4,
        Position.column_total(BREAKDOWN_COLUMN): 3.5,
    }
    assert mask_statistics(means, table) == {
        Position.cell("doctor", BREAKDOWN_COLUMN): None,
        Position.cell("manager", BREAKDOWN_COLUMN): None,
        Position.cell("other", BREAKDOWN_COLUMN): 3.4,
        Position.column_total(BREAKDOWN_COLUMN): 3.5,
    }


def test_hidden_counts_are_not_kept_in_the_result() -> None:
    table = suppress_breakdown({"doctor": 12, "manager": 3, "other": 20}, k=5)
    assert table.count(Position.cell("manager", BREAKDOWN_COLUMN)) is None
    assert 3 not in table.shown_counts.values()


@pytest.mark.parametrize("k", [2, 0, -1])
def test_k_below_three_is_refused(k: int) -> None:
    with pytest.raises(AnalysisInputError, match="minimum group size k must be a whole number ≥ 3"):
        suppress_breakdown({"doctor": 12}, k=k)


def test_negative_count_is_refused() -> None:
    with pytest.raises(
        AnalysisInputError, match=r"count for \('doctor', 'n'\) must be a whole number ≥ 0"
    ):
        suppress_breakdown({"doctor": -1})


def test_a_cell_hidden_from_outside_takes_its_complement_with_it() -> None:
    # The ledger refuses doctors (shown elsewhere over a group one person larger); with the total
    # shown, managers = total − doctors, so managers must go too.
    from tandem.analysis.anonymity import BREAKDOWN_COLUMN, Position, SuppressionReason

    table = suppress_breakdown(
        {"Doctors": 8, "Managers": 9},
        k=5,
        forced_hidden=[Position.cell("Doctors", BREAKDOWN_COLUMN)],
    )
    assert (
        table.reason(Position.cell("Doctors", BREAKDOWN_COLUMN)) == SuppressionReason.DIFFERENCING
    )
    assert (
        table.reason(Position.cell("Managers", BREAKDOWN_COLUMN)) == SuppressionReason.SUBTRACTION
    )
    assert table.is_shown(Position.column_total(BREAKDOWN_COLUMN))
