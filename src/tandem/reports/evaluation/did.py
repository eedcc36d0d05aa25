"""The stock take's difference in differences: the programme group's mean matched change on each
scale against a comparison group's (people of the organisation outside the programme who answered
the same two stock takes), as `tandem.analysis.impact.change_difference` computes it (Welch).

Every figure follows the comparison report's rules: both waves closed, each group at least k
people matched, the comparison group's populations entered in the disclosure ledger like any
other figure, and a scale whose programme change is hidden is not differenced either.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tandem.analysis.impact import ChangeDifference, change_difference
from tandem.disclosure.ledger import Disclosure, piece
from tandem.reports.data import wave_data
from tandem.reports.feedback.comparison import ComparisonReport, _people, _scores
from tandem.surveys.selectors import wave_scope


@dataclass(frozen=True)
class DidRow:
    id: str
    title: str
    result: ChangeDifference  # its `suppressed` says why a row is not shown
    comparison_change: float | None = None  # the comparison group's mean matched change


@dataclass(frozen=True)
class StockTakeDid:
    """The comparison group's matched headcount (None below k) and one row per shared scale."""

    comparison_matched: int | None
    rows: list[DidRow]


def _changes(before: pd.DataFrame, after: pd.DataFrame, scale_id: str) -> pd.Series:
    """Each matched person's change (after − before) on one scale."""
    first, second = before[scale_id].dropna(), after[scale_id].dropna()
    matched = first.index.intersection(second.index)
    return (second[matched] - first[matched]).sort_index()


def stock_take_did(report: ComparisonReport) -> StockTakeDid | None:
    """None when no comparison respondent answered both stock takes (or either wave is open)."""
    if report.pending:
        return None
    before, after = report.before, report.after
    k = report.k
    shared = [s for s in wave_data(before).scales if s.id in report.shared_scales]
    ours = (wave_data(before), wave_data(after))
    theirs = (wave_data(before, comparison=True), wave_data(after, comparison=True))
    if theirs[0].respondents.empty or theirs[1].respondents.empty:
        return None
    programme = [_people(_scores(data, shared)) for data in ours]
    comparison = [_people(_scores(data, shared)) for data in theirs]
    both = set(comparison[0].index) & set(comparison[1].index)
    if not both:
        return None
    scopes = (wave_scope(before), wave_scope(after))
    ledger = Disclosure(programme=before.programme, surface="reports.evaluation.did")
    changes: dict[str, tuple[pd.Series, pd.Series]] = {}
    for scale in shared:
        ours_change = _changes(programme[0], programme[1], scale.id)
        theirs_change = _changes(comparison[0], comparison[1], scale.id)
        changes[scale.id] = (ours_change, theirs_change)
        if len(theirs_change) >= k:
            members = list(theirs_change.index)
            ledger.add(
                scale.id,
                piece(scopes[0], f"comparison-scale:{scale.id}", members),
                piece(scopes[1], f"comparison-scale:{scale.id}", members),
            )
    decisions = ledger.decide()
    hidden = {row.id: row.hidden for row in report.rows if row.hidden}
    rows = []
    for scale in shared:
        ours_change, theirs_change = changes[scale.id]
        title = before.instrument.scales[scale.id].title
        reason = hidden.get(scale.id) or (
            decisions.reason(scale.id) if len(theirs_change) >= k else None
        )
        if reason:
            rows.append(
                DidRow(
                    scale.id,
                    title,
                    ChangeDifference(len(ours_change), len(theirs_change), suppressed=reason),
                )
            )
            continue
        result = change_difference(list(ours_change), list(theirs_change), k=k)
        rows.append(
            DidRow(
                scale.id,
                title,
                result,
                comparison_change=None if result.suppressed else float(theirs_change.mean()),
            )
        )
    return StockTakeDid(comparison_matched=len(both) if len(both) >= k else None, rows=rows)
