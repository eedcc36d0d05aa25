"""Differencing between readings: over time, across pages and across filters (docs/design.md, privacy).

`anonymity.py` protects the figures of one table. This module protects figures from each other.
Every figure is computed over a **population**: the set of people whose data enters it (the
respondents with a score on a scale, the people matched across two waves, the people who
evaluated an away day). Two readings of the same measure over populations A and B give away the
aggregate of the people in one and not the other: with means, N_B·m_B − N_A·m_A is the sum over
B \\ A. If B \\ A is one person, that is their answer. Nothing on either page need be below k:
the attack needs only a group already shown, plus one more person — a report read before and
after someone submits, or a wave's report (17 people) beside a before/after comparison of the
15 who answered both.

The rule (a ledger of populations per scope and measure; the scope is where the data comes from,
e.g. one questionnaire wave, the measure is what is computed, e.g. one scale's score):

1. The empty population counts as shown: a figure over 1 to k − 1 people is refused, as in
   `anonymity.py`.
2. Two populations of the same scope and measure may both be shown only if they are the same
   or differ by at least k people: 0 < |A Δ B| < k is refused. For nested populations that is
   the difference itself; for overlapping ones (A = X + {a}, B = X + {b}) the readings would
   give away a − b, so it is refused too.
3. Sums of disjoint figures: a population X and shown populations D₁ … Dₘ inside it, pairwise
   disjoint, leave the residual X \\ (D₁ ∪ … ∪ Dₘ), whose aggregate follows by subtraction
   (N_X·m_X − Σ N_i·m_i). A residual of 1 to k − 1 people is refused. Rule 2 for nested
   populations is this rule with one part.

A candidate is checked against what is already shown and, once allowed, joins it; the first
population shown wins, so callers register the populations that matter most (a wave's own report)
before the ones derived from them (a comparison of matched people).

Time is the third axis: a population that can still change (an open wave) is never shown, and a
shown population stays in the ledger, so a later reading over a population that differs from it
by fewer than k people is refused as well (the callers' `Scope.frozen`; this module only compares
sets).

Out of scope: combinations that need inclusion–exclusion over overlapping parts (A ∪ B from A,
B and A ∩ B all shown with different measures), bounds from counts being non-negative, and
combining *different* measures over different populations (an item's distribution over 16 people
beside its scale's mean over 17), which needs the scoring rule and figures to full precision.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from tandem.analysis.anonymity import check_k

Population = frozenset[Hashable]
ConflictKind = Literal["too_small", "differs", "residual"]

# The search over disjoint selections (rule 3) is exponential in the worst case; a page shows a
# handful of populations per measure, so this bound is never reached in practice. Reaching it
# refuses the figure: when in doubt, suppress.
MAX_SEARCH_STEPS = 20_000


@dataclass(frozen=True)
class Conflict:
    """Why a candidate population cannot be shown beside what is already shown.

    `difference` is the number of people a reader could isolate (never shown to users: it can
    itself be small). `other` is the shown population involved (the containing one for a
    residual).
    """

    kind: ConflictKind
    difference: int
    other: Population

    def describe(self, k: int) -> str:
        if self.kind == "too_small":
            return f"fewer than {k} people"
        if self.kind == "differs":
            return (
                f"differs by fewer than {k} people from a group whose figures are already shown, "
                "so the difference would reveal their answers"
            )
        return (
            f"together with figures already shown, it would leave fewer than {k} people whose "
            "answers could be worked out by subtraction"
        )


def _disjoint_residual(
    universe: Population, parts: Sequence[Population], k: int
) -> tuple[int, tuple[Population, ...]] | None:
    """A selection of pairwise-disjoint `parts` (each inside `universe`) leaving 1 … k − 1 people.

    Returns (residual size, the parts used), or None. The empty selection counts (its residual is
    the whole universe). Raises `_SearchTooLarge` past MAX_SEARCH_STEPS.
    """
    size = len(universe)
    # Larger parts first: the residual shrinks fastest, so hits are found early.
    ordered = sorted((p for p in parts if p and p <= universe), key=len, reverse=True)
    steps = 0
    chosen: list[Population] = []

    def search(index: int, used: frozenset[Hashable], covered: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > MAX_SEARCH_STEPS:
            raise _SearchTooLarge
        residual = size - covered
        if 0 < residual < k:
            return True
        if residual == 0:
            return False
        for position in range(index, len(ordered)):
            part = ordered[position]
            if part & used:
                continue
            chosen.append(part)
            if search(position + 1, used | part, covered + len(part)):
                return True
            chosen.pop()
        return False

    if search(0, frozenset(), 0):
        return size - sum(len(p) for p in chosen), tuple(chosen)
    return None


class _SearchTooLarge(Exception):
    pass


def differencing_conflict(
    candidate: Collection[Hashable], shown: Iterable[Collection[Hashable]], *, k: int
) -> Conflict | None:
    """The first reason `candidate` may not be shown beside the `shown` populations, or None.

    All populations are of one scope and one measure. See the module docstring for the rules.
    A candidate equal to a shown population is always allowed (it is the same reading).
    """
    check_k(k)
    target: Population = frozenset(candidate)
    family = list(dict.fromkeys(frozenset(p) for p in shown if p))
    if target in family or not target:
        return None
    if len(target) < k:
        return Conflict("too_small", len(target), frozenset())
    for other in family:
        difference = len(target ^ other)
        if 0 < difference < k:
            return Conflict("differs", difference, other)
    try:
        # Rule 3 with the candidate as the whole: shown parts inside it.
        inside = [p for p in family if p < target]
        found = _disjoint_residual(target, inside, k)
        if found is not None:
            return Conflict("residual", found[0], target)
        # Rule 3 with the candidate as a part of a shown whole: the rest of the whole, less other
        # disjoint shown parts, must not be small.
        for whole in family:
            if not target < whole:
                continue
            rest = whole - target
            parts = [p for p in family if p != whole and p <= rest]
            found = _disjoint_residual(rest, parts, k)
            if found is not None:
                return Conflict("residual", found[0], whole)
    except _SearchTooLarge:
        return Conflict("residual", 0, target)
    return None


@dataclass(frozen=True)
class Decision:
    """The outcome for one candidate of `decide_in_order`: allowed, or the conflict."""

    allowed: bool
    conflict: Conflict | None = None


def decide_in_order(
    candidates: Sequence[Collection[Hashable]],
    shown: Iterable[Collection[Hashable]],
    *,
    k: int,
) -> list[Decision]:
    """Decide candidates one after another; each allowed one joins the shown populations.

    The order is the precedence: a page registers its primary figures first.
    """
    family = [frozenset(p) for p in shown]
    decisions = []
    for candidate in candidates:
        conflict = differencing_conflict(candidate, family, k=k)
        decisions.append(Decision(allowed=conflict is None, conflict=conflict))
        if conflict is None:
            family.append(frozenset(candidate))
    return decisions


def family_conflicts(
    populations: Iterable[Collection[Hashable]], *, k: int
) -> list[tuple[Population, Conflict]]:
    """Every population that could not have been shown beside the others (for audits and tests).

    Each population is checked against all the others; an empty list means the family is safe.
    """
    family = list(dict.fromkeys(frozenset(p) for p in populations if p))
    found = []
    for index, population in enumerate(family):
        others = family[:index] + family[index + 1 :]
        conflict = differencing_conflict(population, others, k=k)
        if conflict is not None:
            found.append((population, conflict))
    return found
