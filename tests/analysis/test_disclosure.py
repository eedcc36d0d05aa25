"""The differencing rule, checked on the attacks it exists for and against a brute-force reading
of its definition (hypothesis)."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.analysis.disclosure import (
    decide_in_order,
    differencing_conflict,
    family_conflicts,
)
from tandem.analysis.errors import AnalysisInputError


def people(*ids: int) -> frozenset[int]:
    return frozenset(ids)


def test_a_second_reading_after_one_more_person_submits_is_refused() -> None:
    # The first attack: 3.47 over 6, then 3.34 over 7 — the seventh person's answers.
    six = people(*range(6))
    seven = six | {6}
    conflict = differencing_conflict(seven, [six], k=5)
    assert conflict is not None
    assert conflict.kind == "differs"
    assert conflict.difference == 1


def test_a_wave_report_and_a_matched_comparison_two_apart_cannot_both_be_shown() -> None:
    # The second attack: a repeat report over 17 and a comparison of the 15 who answered both.
    repeat = people(*range(17))
    matched = people(*range(15))
    assert differencing_conflict(matched, [repeat], k=5) is not None
    assert differencing_conflict(repeat, [matched], k=5) is not None


def test_populations_k_or_more_apart_may_both_be_shown() -> None:
    repeat = people(*range(20))
    matched = people(*range(15))
    assert differencing_conflict(matched, [repeat], k=5) is None


def test_the_same_population_again_is_the_same_reading() -> None:
    seven = people(*range(7))
    assert differencing_conflict(seven, [seven], k=5) is None


def test_a_population_below_k_is_refused_even_with_nothing_shown() -> None:
    conflict = differencing_conflict(people(1, 2, 3, 4), [], k=5)
    assert conflict is not None and conflict.kind == "too_small"


def test_two_overlapping_populations_that_swap_one_person_are_refused() -> None:
    # A = X + {a}, B = X + {b}: the two readings give away a − b.
    common = set(range(10))
    assert differencing_conflict(people(*common, 100), [people(*common, 200)], k=5) is not None


def test_disjoint_parts_that_leave_one_person_of_a_whole_are_refused() -> None:
    # Doctors (8) on one page, managers (9) on another, everyone (18) on a third: the 18th person.
    doctors, managers = people(*range(8)), people(*range(8, 17))
    everyone = people(*range(18))
    conflict = differencing_conflict(everyone, [doctors, managers], k=5)
    assert conflict is not None and conflict.kind == "residual" and conflict.difference == 1
    # ... whichever of the three comes last.
    assert differencing_conflict(managers, [everyone, doctors], k=5) is not None


def test_disjoint_parts_that_make_up_the_whole_exactly_are_allowed() -> None:
    doctors, managers = people(*range(8)), people(*range(8, 17))
    assert differencing_conflict(people(*range(17)), [doctors, managers], k=5) is None


def test_in_order_the_first_population_wins_and_later_conflicts_are_refused() -> None:
    everyone, matched, late = people(*range(17)), people(*range(15)), people(*range(16))
    decisions = decide_in_order([everyone, matched, late], [], k=5)
    assert [d.allowed for d in decisions] == [True, False, False]


def test_a_refused_candidate_does_not_join_what_is_shown() -> None:
    # 15 is refused beside 17; a later 20 is checked against 17 only (3 apart: refused), and a
    # later 22 (5 apart from 17) is allowed — it would be 7 from the refused 15, which never showed.
    decisions = decide_in_order(
        [people(*range(17)), people(*range(15)), people(*range(22))], [], k=5
    )
    assert [d.allowed for d in decisions] == [True, False, True]


def test_family_conflicts_lists_every_unsafe_population() -> None:
    found = family_conflicts([people(*range(17)), people(*range(15)), people(*range(30, 40))], k=5)
    assert {len(population) for population, _ in found} == {17, 15}


def test_k_below_three_is_refused() -> None:
    with pytest.raises(AnalysisInputError):
        differencing_conflict(people(1), [], k=2)


def test_the_description_never_gives_the_difference() -> None:
    conflict = differencing_conflict(people(*range(7)), [people(*range(6))], k=5)
    assert conflict is not None
    assert "1" not in conflict.describe(5)
    assert "fewer than 5 people" in conflict.describe(5)


# ---------------------------------------------------------------------------------------------
# Against the definition, by brute force over every selection
# ---------------------------------------------------------------------------------------------


def reference_refuses(candidate: frozenset[int], shown: list[frozenset[int]], k: int) -> bool:
    family = list(dict.fromkeys(p for p in shown if p))
    if not candidate or candidate in family:
        return False
    if len(candidate) < k:
        return True
    if any(0 < len(candidate ^ other) < k for other in family):
        return True
    everything = [*family, candidate]
    for whole in everything:
        others = [p for p in everything if p != whole and p <= whole]
        for size in range(len(others) + 1):
            for selection in combinations(others, size):
                if whole != candidate and candidate not in selection:
                    continue
                if any(a & b for a, b in combinations(selection, 2)):
                    continue
                residual = len(whole - frozenset().union(*selection))
                if 0 < residual < k:
                    return True
    return False


populations = st.frozensets(st.integers(min_value=0, max_value=9), max_size=10)


@settings(max_examples=400, deadline=None)
@given(
    candidate=populations,
    shown=st.lists(populations, max_size=5),
    k=st.integers(min_value=3, max_value=5),
)
def test_the_rule_matches_its_definition(
    candidate: frozenset[int], shown: list[frozenset[int]], k: int
) -> None:
    conflict = differencing_conflict(candidate, shown, k=k)
    assert (conflict is not None) == reference_refuses(candidate, shown, k)


@settings(max_examples=200, deadline=None)
@given(
    candidates=st.lists(populations, min_size=1, max_size=6),
    k=st.integers(min_value=3, max_value=5),
)
def test_whatever_is_allowed_in_order_is_safe_as_a_whole(
    candidates: list[frozenset[int]], k: int
) -> None:
    decisions = decide_in_order(candidates, [], k=k)
    allowed = [c for c, d in zip(candidates, decisions, strict=True) if d.allowed]
    # Pairwise and below-k safety hold for the whole allowed family, whatever the order.
    family = list(dict.fromkeys(p for p in allowed if p))
    assert all(len(p) >= k for p in family)
    assert all(not 0 < len(a ^ b) < k for a, b in combinations(family, 2))
