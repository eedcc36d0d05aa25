"""The comparison report: before/after on the scales two waves share, for the people matched
across them, with who answered which wave (attrition) suppressed below k like every figure.

Unmatched responses (imported from an anonymous export) belong to no one, so they can be paired
with nothing: they are left out of everything here except each wave's own report figures, which
the ledger is given first as always, and the report says how many were left out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tandem.analysis.prepost import prepost
from tandem.analysis.scoring import ScaleDefinition, score_items
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.reports.data import WaveData, wave_data
from tandem.reports.feedback.figures import BELOW_K, PENDING_CELL
from tandem.reports.feedback.sections import scale_figures
from tandem.surveys.models import Wave
from tandem.surveys.selectors import wave_scope


@dataclass(frozen=True)
class ChangeRow:
    id: str
    title: str
    n_matched: int | None
    mean_before: float | None
    mean_after: float | None
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: int | None
    p: float | None
    p_holm: float | None
    wilcoxon_p: float | None
    d_z: float | None
    g_av: float | None
    verdict: str
    sentence: str
    hidden: str | None = None
    unmatched_p: float | None = None
    unmatched_hidden: str | None = None


def headcount(n: int, k: int) -> int | None:
    """`n` people as a report may hold them: below k, no number (`ATTRITION_HIDDEN` says why)."""
    return n if n >= k else None


ATTRITION_HIDDEN = "fewer than {k}"


def _left_out(n: int, k: int) -> int | None:
    """Unmatched responses left out, as a report may hold them: 0 for none (nothing to say),
    else like any headcount (None below k)."""
    return 0 if n == 0 else headcount(n, k)


@dataclass
class ComparisonReport:
    before: Wave
    after: Wave
    k: int
    rows: list[ChangeRow]
    # Who answered which wave (attrition), held only from k up: below k, None (see `headcount`).
    both: int | None
    before_only: int | None
    after_only: int | None
    shared_scales: list[str]
    notes: list[str] = field(default_factory=list)
    network: Any = None  # tandem.networks.reports.ReportNetworkSection
    pending: str = ""  # set while either wave is open: why no change is shown yet
    # Unmatched responses of each wave left out: 0 for none, else a headcount (None below k).
    unmatched_before: int | None = 0
    unmatched_after: int | None = 0

    @property
    def unmatched_left_out(self) -> str:
        """The sentence saying how many unmatched responses were left out, or "" if none were."""
        parts = [
            f"{self.attrition_text(count)} from {wave.title}"
            for count, wave in (
                (self.unmatched_before, self.before),
                (self.unmatched_after, self.after),
            )
            if count != 0
        ]
        if not parts:
            return ""
        return (
            f"Left out: responses imported unmatched ({' and '.join(parts)}). They were "
            "collected anonymously, so they cannot be paired with anyone's answers to the other "
            "questionnaire; they count in their own questionnaire's feedback report."
        )

    def attrition_text(self, count: int | None) -> str:
        """An attrition count as the page prints it: the number, or why it is not held."""
        return str(count) if count is not None else ATTRITION_HIDDEN.format(k=self.k)


def _finite(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _hidden_change(scale_id: str, title: str, reason: str) -> ChangeRow:
    return ChangeRow(
        id=scale_id,
        title=title,
        n_matched=None,
        mean_before=None,
        mean_after=None,
        mean_diff=None,
        ci_low=None,
        ci_high=None,
        t=None,
        df=None,
        p=None,
        p_holm=None,
        wilcoxon_p=None,
        d_z=None,
        g_av=None,
        verdict="",
        sentence="",
        hidden=reason,
    )


def _scores(data: WaveData, scales: list[ScaleDefinition]) -> pd.DataFrame:
    if data.items.empty:
        return pd.DataFrame(columns=[s.id for s in scales], dtype=float)
    return score_items(data.items, scales)


def _people(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores of people only: unmatched responses (negative respondent keys) left out."""
    return scores.loc[[key >= 0 for key in scores.index]]


def _change_figures(
    programme: Any,
    scopes: tuple[Scope, Scope],
    scores: tuple[pd.DataFrame, pd.DataFrame],
    scale_ids: list[str],
) -> tuple[Any, Any]:
    """The ledger's decisions for each scale's matched change and its unmatched sensitivity check."""
    (one, two), (before, after) = scopes, scores
    changes = Disclosure(programme=programme, surface="reports.comparison")
    unmatched = Disclosure(programme=programme, surface="reports.comparison")
    for scale_id in scale_ids:
        first, second = before[scale_id].dropna().index, after[scale_id].dropna().index
        matched = set(first) & set(second)
        changes.add(
            scale_id,
            piece(one, f"scale:{scale_id}", matched),
            piece(two, f"scale:{scale_id}", matched),
        )
        unmatched.add(
            scale_id,
            piece(one, f"scale:{scale_id}", first),
            piece(two, f"scale:{scale_id}", second),
        )
    return changes.decide(), unmatched.decide()


def build_comparison(before: Wave, after: Wave) -> ComparisonReport:
    """Before/after on the scales the two waves share, for people matched across them.

    Both waves must have closed. Each wave's own report figures are put in the ledger first, so
    a matched group that differs by fewer than k people from a wave's respondents is hidden here,
    whichever page was read first (docs/design.md: no two readable figures over nested populations
    that differ by fewer than k people).
    """
    k = before.programme.min_group_size
    first, second = wave_data(before), wave_data(after)
    shared = [
        s for s in first.scales if any(t.id == s.id and t.items == s.items for t in second.scales)
    ]
    notes = []
    if len(shared) < len(first.scales) or len(shared) < len(second.scales):
        notes.append("Only the scales asked in the same words in both waves are compared.")
    scopes = (wave_scope(before), wave_scope(after))
    scores_before = _people(_scores(first, shared))
    scores_after = _people(_scores(second, shared))
    result = prepost(scores_before, scores_after, [s.id for s in shared])
    unmatched_before, unmatched_after = (
        _left_out(first.unmatched, k),
        _left_out(second.unmatched, k),
    )
    pending = next((scope.pending for scope in scopes if not scope.frozen), "")
    if pending:
        return ComparisonReport(
            before=before,
            after=after,
            k=k,
            rows=[
                _hidden_change(s.id, first.instrument.scales[s.id].title, PENDING_CELL)
                for s in shared
            ],
            both=headcount(result.attrition.both, k),
            before_only=headcount(result.attrition.before_only, k),
            after_only=headcount(result.attrition.after_only, k),
            shared_scales=[s.id for s in shared],
            notes=notes,
            pending=pending,
            unmatched_before=unmatched_before,
            unmatched_after=unmatched_after,
        )
    for data, scope in ((first, scopes[0]), (second, scopes[1])):
        scale_figures(data, _scores(data, data.scales), k, scope)
    changes, unmatched_checks = _change_figures(
        before.programme, scopes, (scores_before, scores_after), [s.id for s in shared]
    )
    rows = []
    for change in result.scales:
        title = first.instrument.scales[change.scale].title
        refused = changes.reason(change.scale)
        if change.n_matched < k or refused:
            rows.append(_hidden_change(change.scale, title, refused or BELOW_K.format(k=k)))
            continue
        unmatched = change.unmatched
        small = min(unmatched.n_before_only, unmatched.n_after_only) < k
        unmatched_reason = (
            f"Not shown: fewer than {k} people answered in only one of the waves."
            if small
            else unmatched_checks.reason(change.scale)
        )
        rows.append(
            ChangeRow(
                id=change.scale,
                title=title,
                n_matched=change.n_matched,
                mean_before=_finite(change.mean_before),
                mean_after=_finite(change.mean_after),
                mean_diff=_finite(change.mean_diff),
                ci_low=_finite(change.ci_low),
                ci_high=_finite(change.ci_high),
                t=_finite(change.t),
                df=change.df,
                p=_finite(change.p),
                p_holm=_finite(change.p_holm),
                wilcoxon_p=_finite(change.wilcoxon_p),
                d_z=_finite(change.d_z),
                g_av=_finite(change.g_av),
                verdict=change.verdict,
                sentence=change.sentence,
                unmatched_p=None
                if unmatched_reason or unmatched.comparison is None
                else unmatched.comparison.welch_p,
                unmatched_hidden=unmatched_reason,
            )
        )
    from tandem.networks.reports import comparison_network_section

    return ComparisonReport(
        network=comparison_network_section(before, after),
        before=before,
        after=after,
        k=k,
        rows=rows,
        both=headcount(result.attrition.both, k),
        before_only=headcount(result.attrition.before_only, k),
        after_only=headcount(result.attrition.after_only, k),
        shared_scales=[s.id for s in shared],
        notes=notes,
        unmatched_before=unmatched_before,
        unmatched_after=unmatched_after,
    )
