"""Every aggregate Tandem shows passes through here (docs/design.md, privacy model: "over time too").

A page (or PDF, export, API answer) says which figures it is about to show and, for each, the
population it is computed over — per *scope* (where the data comes from: a questionnaire wave, an
away day's evaluation, a frozen evaluation) and *measure* (what is computed: one scale's score,
one question's answers). `Disclosure.decide()` then refuses, with a reason in words:

- any figure whose scope is not frozen yet (an open wave, an evaluation window still open): its
  population can still change, and two readings would give away whoever was added between them;
- any figure whose population is below k, or differs by fewer than k people from a population
  already shown for the same scope and measure — on this page, another page, or an earlier day
  (`tandem.analysis.disclosure` holds the rule).

Allowed populations are written to the ledger (`DisclosedPopulation`), so the first reading wins
and later ones are checked against it. Callers register their primary figures first (a wave's
own report before a comparison derived from it), which makes the outcome the same whatever page
is read first.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction

from tandem.analysis.anonymity import Position, SuppressedTable
from tandem.analysis.disclosure import Conflict, differencing_conflict
from tandem.disclosure.models import DisclosedPopulation
from tandem.programmes.models import Programme


@dataclass(frozen=True)
class Scope:
    """Where a figure's data comes from, and whether that data can still change.

    `pending` says, for a scope that is not frozen, when its figures will appear and why, in a
    sentence a page can show ("Results appear when the questionnaire closes on 25 December 2026,
    so that no one's answers can be worked out from changes.").
    """

    key: str
    frozen: bool
    pending: str = ""


@dataclass(frozen=True)
class Piece:
    """The part of a figure drawn from one scope: its measure and the people it counts."""

    scope: Scope
    measure: str
    members: frozenset[int]


def piece(scope: Scope, measure: str, members: Iterable[int]) -> Piece:
    return Piece(scope=scope, measure=measure, members=frozenset(int(m) for m in members))


NOT_FROZEN = "Not shown yet: the people it is worked out from can still change."


def conflict_reason(conflict: Conflict, k: int) -> str:
    if conflict.kind == "too_small":
        return f"Hidden: fewer than {k} people answered."
    if conflict.kind == "differs":
        return (
            f"Hidden: this group differs by fewer than {k} people from a group whose figures are "
            "already shown (here, on another page or earlier), so comparing the two would reveal "
            "their answers."
        )
    return (
        "Hidden: together with figures already shown, this would leave a group of fewer than "
        f"{k} people whose answers could be worked out by subtraction."
    )


def _digest(members: frozenset[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(members))).encode()).hexdigest()


@dataclass
class Decisions:
    """What `Disclosure.decide()` allowed: `shown(key)`, or `reason(key)` in words."""

    reasons: dict[Hashable, str] = field(default_factory=dict)
    allowed: set[Hashable] = field(default_factory=set)

    def shown(self, key: Hashable) -> bool:
        return key in self.allowed

    def reason(self, key: Hashable) -> str | None:
        return None if key in self.allowed else self.reasons.get(key, NOT_FROZEN)


class Disclosure:
    """The figures one page is about to show, decided together in one short transaction.

    Usage: `d = Disclosure(programme=p, surface="reports.feedback")`; `d.add(key, piece(...))`
    for each figure in the order of precedence; `decisions = d.decide()`; then show a figure only
    if `decisions.shown(key)`, else `decisions.reason(key)`.
    """

    def __init__(self, *, programme: Programme, surface: str) -> None:
        self.programme = programme
        self.surface = surface
        self.k = programme.min_group_size
        self._figures: list[tuple[Hashable, tuple[Piece, ...]]] = []

    def add(self, key: Hashable, *pieces: Piece) -> None:
        self._figures.append((key, pieces))

    def decide(self, *, dry_run: bool = False) -> Decisions:
        """Decide every figure added; unless `dry_run`, record the newly shown populations."""
        if not self._figures:
            return Decisions()
        frozen = [
            (key, pieces) for key, pieces in self._figures if all(p.scope.frozen for p in pieces)
        ]
        scopes = {p.scope.key for _, pieces in frozen for p in pieces}
        # The common case is a page read again: every population is already in the ledger, and
        # the decision needs no write (on SQLite a write transaction would queue behind
        # respondents' autosaves). Only new populations take the lock.
        known = self._ledger(scopes)
        decisions, new = self._decide(known)
        if new and not dry_run:
            with transaction.atomic():
                # Serialises deciders on PostgreSQL (SQLite's IMMEDIATE transactions already do):
                # two pages deciding at once could each admit one of two conflicting populations.
                Programme.objects.select_for_update().filter(pk=self.programme.pk).exists()
                known = self._ledger(scopes)
                decisions, new = self._decide(known)
                DisclosedPopulation.objects.bulk_create(new, ignore_conflicts=True)
        return decisions

    def _ledger(self, scopes: set[str]) -> dict[tuple[str, str], list[frozenset[int]]]:
        known: dict[tuple[str, str], list[frozenset[int]]] = defaultdict(list)
        rows = DisclosedPopulation.objects.filter(
            programme=self.programme, scope__in=sorted(scopes)
        ).values_list("scope", "measure", "members")
        for scope, measure, members in rows:
            known[(scope, measure)].append(frozenset(members))
        return known

    def _decide(
        self, known: dict[tuple[str, str], list[frozenset[int]]]
    ) -> tuple[Decisions, list[DisclosedPopulation]]:
        families = {key: list(value) for key, value in known.items()}
        decisions = Decisions()
        new: list[DisclosedPopulation] = []
        for key, pieces in self._figures:
            pending = next((p.scope for p in pieces if not p.scope.frozen), None)
            if pending is not None:
                decisions.reasons[key] = pending.pending or NOT_FROZEN
                continue
            tentative: dict[tuple[str, str], list[frozenset[int]]] = defaultdict(list)
            refused: str | None = None
            for part in pieces:
                where = (part.scope.key, part.measure)
                family = families.get(where, []) + tentative[where]
                conflict = differencing_conflict(part.members, family, k=self.k)
                if conflict is not None:
                    refused = conflict_reason(conflict, self.k)
                    break
                tentative[where].append(part.members)
            if refused is not None:
                decisions.reasons[key] = refused
                continue
            decisions.allowed.add(key)
            for where, members_list in tentative.items():
                family = families.setdefault(where, [])
                for members in members_list:
                    if members and members not in family:
                        family.append(members)
                        new.append(
                            DisclosedPopulation(
                                programme=self.programme,
                                scope=where[0],
                                measure=where[1],
                                digest=_digest(members),
                                members=sorted(members),
                                size=len(members),
                                surface=self.surface,
                            )
                        )
        return decisions, new


def table_with_ledger(
    *,
    programme: Programme,
    surface: str,
    suppress: Callable[[Iterable[Position]], SuppressedTable],
    pieces: Mapping[Position, tuple[Piece, ...]],
) -> tuple[SuppressedTable, dict[Position, str]]:
    """In-table suppression and the ledger together, until neither hides anything more.

    `suppress(forced)` is the page's own table suppression (`anonymity.suppress_table` …) with
    some positions hidden from outside; `pieces` gives, in order of precedence (overall figures
    first), the population behind each position. A position the ledger refuses is hidden and the
    table suppressed again, so that it cannot be worked out by subtraction from its margins; then
    the populations of what is finally shown are recorded. Returns the table and the ledger's
    reason for each position it refused.
    """
    forced: dict[Position, str] = {}
    for _ in range(len(pieces) + 2):
        table = suppress(list(forced))
        disclosure = Disclosure(programme=programme, surface=surface)
        shown = [p for p in pieces if table.is_shown(p)]
        for position in shown:
            disclosure.add(position, *pieces[position])
        for dry_run in (True, False):
            decisions = disclosure.decide(dry_run=dry_run)
            refused = {
                p: decisions.reason(p) or NOT_FROZEN for p in shown if not decisions.shown(p)
            }
            if refused:
                break
        else:
            return table, forced
        forced.update(refused)
    raise RuntimeError("Suppression did not settle; this is a bug in Tandem.")  # pragma: no cover
