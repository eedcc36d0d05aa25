"""The anonymised feedback report for one wave, and the comparison report for two.

Everything here is built from `tandem.analysis` results and passes through suppression before it
is kept: a figure over fewer than k respondents — or one that would let such a figure be worked
out by subtraction — is stored as hidden with its reason, never as a number. Templates and the
PDF render these objects and nothing else, so they cannot show what was suppressed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tandem.analysis.anonymity import (
    BREAKDOWN_COLUMN,
    Position,
    SuppressedTable,
    SuppressionReason,
    suppress_breakdown,
    suppress_table,
)
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.groups import describe
from tandem.analysis.prepost import prepost
from tandem.analysis.reliability import reliability
from tandem.analysis.scoring import ScaleDefinition, recode_reverse, score_items
from tandem.disclosure.ledger import Disclosure, Scope, piece, table_with_ledger
from tandem.reports.data import PROFESSION_GROUPS, WaveData, wave_data
from tandem.surveys.models import Answer, InvitationStatus, Wave
from tandem.surveys.selectors import wave_scope

LOW_RESPONSE_RATE = 0.6
STRENGTHS_SHOWN = 3

BELOW_K = "Hidden: fewer than {k} people answered."
REASON_TEXT = {
    SuppressionReason.FEWER_THAN_K: BELOW_K,
    SuppressionReason.SUBTRACTION: "Hidden so that a smaller group cannot be worked out by subtraction.",
    SuppressionReason.ACROSS_WAVES: "Hidden in every wave so that the change cannot reveal a hidden group.",
    SuppressionReason.DIFFERENCING: "Hidden so that figures shown elsewhere cannot reveal a small group by difference.",
}
# In each cell of a report whose questionnaire is still open; the page says why once, in full.
PENDING_CELL = "Appears when the questionnaire closes."


def _reason(reason: SuppressionReason | None, k: int) -> str:
    return REASON_TEXT.get(reason, BELOW_K).format(k=k) if reason else BELOW_K.format(k=k)


@dataclass(frozen=True)
class Figure:
    """A number as the report may show it: its value, or why it is hidden."""

    value: float | None = None
    n: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    hidden: str | None = None

    @property
    def shown(self) -> bool:
        return self.hidden is None and self.value is not None


@dataclass(frozen=True)
class ResponseRow:
    label: str
    invited: int
    responded: int | None
    hidden: str | None = None

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited

    @property
    def is_low(self) -> bool:
        return self.rate is not None and self.rate < LOW_RESPONSE_RATE


@dataclass(frozen=True)
class ScaleResult:
    id: str
    title: str
    description: str
    overall: Figure
    by_group: dict[str, Figure]
    difference: dict[str, Figure]  # each group's mean minus the whole group's
    alpha: float | None = None
    alpha_ci: tuple[float, float] | None = None
    omega: float | None = None
    reliability_n: int | None = None
    reliability_warning: str | None = None
    reliability_hidden: str | None = None


@dataclass(frozen=True)
class ItemDistribution:
    id: str
    text: str
    scale_title: str
    reverse: bool
    n: int
    percentages: dict[str, float]  # option label → % of those who gave an answer on the scale
    dont_know: int
    hidden: str | None = None


@dataclass
class FeedbackReport:
    wave: Wave
    k: int
    response: list[ResponseRow]
    response_total: ResponseRow
    groups: list[str]
    scales: list[ScaleResult]
    strengths: list[ScaleResult]
    development: list[ScaleResult]
    items: list[ItemDistribution]
    option_labels: list[str]
    notes: list[str] = field(default_factory=list)
    # Set while the wave is open: why no figure is shown yet and when they will be (docs/design.md).
    pending: str = ""
    themes: Any = None  # tandem.coding.selectors.CodeFrequencies
    excerpts: Any = None  # tandem.coding.selectors.ExcerptRelease
    network: Any = None  # tandem.networks.reports.ReportNetworkSection

    @property
    def suppressed_anything(self) -> bool:
        return (
            any(not s.overall.shown for s in self.scales)
            or any(f.hidden for s in self.scales for f in s.by_group.values())
            or any(r.hidden for r in self.response)
            or any(i.hidden for i in self.items)
        )


def _group_labels(data: WaveData) -> list[tuple[str, str]]:
    present = set(data.invited["profession"]) if not data.invited.empty else set()
    return [(value, label) for value, label in PROFESSION_GROUPS if value in present]


def _response_section(data: WaveData, k: int) -> tuple[list[ResponseRow], ResponseRow]:
    groups = _group_labels(data)
    invited = data.invited
    responded_by = {
        label: int(invited[(invited.profession == value)].submitted.sum())
        for value, label in groups
    }
    table = suppress_breakdown(responded_by, k=k, total_shown=True)
    rows = []
    for value, label in groups:
        position = Position.cell(label, BREAKDOWN_COLUMN)
        rows.append(
            ResponseRow(
                label=label,
                invited=int((invited.profession == value).sum()),
                responded=table.count(position),
                hidden=None if table.is_shown(position) else _reason(table.reason(position), k),
            )
        )
    total_position = Position.column_total(BREAKDOWN_COLUMN)
    total = ResponseRow(
        label="Everyone",
        invited=len(invited),
        responded=table.count(total_position),
        hidden=None if table.is_shown(total_position) else _reason(table.reason(total_position), k),
    )
    return rows, total


def _figure(values: pd.Series, shown: bool, reason: str | None) -> Figure:
    if not shown:
        return Figure(hidden=reason)
    summary = describe(values.to_numpy(dtype=float))
    return Figure(value=summary.mean, n=summary.n, ci_low=summary.ci_low, ci_high=summary.ci_high)


@dataclass(frozen=True)
class ScaleFigures:
    """Which scale scores of one wave may be shown: in-table suppression plus the ledger.

    `members` holds the participants behind each position (for the selectors only; never shown),
    `refused` the ledger's reason for each position it hid.
    """

    table: SuppressedTable
    refused: dict[Position, str]
    members: dict[Position, frozenset[int]]

    def shown(self, position: Position) -> bool:
        return self.table.is_shown(position)

    def reason(self, position: Position, k: int) -> str | None:
        if self.table.is_shown(position):
            return None
        return self.refused.get(position) or _reason(self.table.reason(position), k)


def scale_figures(data: WaveData, scores: pd.DataFrame, k: int, scope: Scope) -> ScaleFigures:
    """The scale scores a wave's feedback report shows, with their populations in the ledger.

    Also called by the comparison report for both of its waves before its own figures, so that a
    wave's own report always takes precedence over figures derived from it, whichever page is
    read first.
    """
    groups = _group_labels(data)
    profession = data.respondents["profession"]
    members: dict[Position, frozenset[int]] = {}
    for scale in data.scales:
        answered = scores[scale.id].dropna().index
        members[Position.column_total(scale.id)] = frozenset(int(p) for p in answered)
    for value, label in groups:
        in_group = set(profession.index[profession == value])
        for scale in data.scales:
            members[Position.cell(label, scale.id)] = frozenset(
                p for p in members[Position.column_total(scale.id)] if p in in_group
            )
    counts = {
        (label, scale.id): len(members[Position.cell(label, scale.id)])
        for _, label in groups
        for scale in data.scales
    }

    def suppress(forced: Any) -> SuppressedTable:
        # Each scale's overall n is shown (a column total); a group's n across scales is not.
        return suppress_table(
            counts,
            k=k,
            row_totals=False,
            column_totals=True,
            grand_total=False,
            forced_hidden=forced,
        )

    if not counts:
        return ScaleFigures(table=suppress(()), refused={}, members=members)
    table, refused = table_with_ledger(
        programme=data.wave.programme,
        surface="reports.feedback",
        suppress=suppress,
        pieces={
            position: (piece(scope, f"scale:{position.column}", people),)
            for position, people in members.items()
        },
    )
    return ScaleFigures(table=table, refused=refused, members=members)


def _scale_results(
    data: WaveData, scores: pd.DataFrame, k: int, scope: Scope
) -> tuple[list[ScaleResult], list[str]]:
    groups = _group_labels(data)
    profession = data.respondents["profession"]
    figures = scale_figures(data, scores, k, scope)
    reversed_items = recode_reverse(data.items, data.scales)
    # Reliability is worked out over everyone who answered any of the scale's questions: its own
    # measure, with its own populations in the ledger.
    answered = {
        scale.id: reversed_items[list(scale.items)].dropna(how="all") for scale in data.scales
    }
    reliability_ledger = Disclosure(programme=data.wave.programme, surface="reports.feedback")
    for scale in data.scales:
        reliability_ledger.add(
            scale.id,
            piece(scope, f"reliability:{scale.id}", answered[scale.id].index),
        )
    reliability_decisions = reliability_ledger.decide()
    results = []
    for scale in data.scales:
        definition = data.instrument.scales[scale.id]
        column = scores[scale.id]
        total_position = Position.column_total(scale.id)
        overall = _figure(
            column.dropna(),
            figures.shown(total_position),
            figures.reason(total_position, k),
        )
        by_group: dict[str, Figure] = {}
        difference: dict[str, Figure] = {}
        for value, label in groups:
            position = Position.cell(label, scale.id)
            shown = figures.shown(position)
            reason = figures.reason(position, k)
            figure = _figure(column[profession == value].dropna(), shown, reason)
            by_group[label] = figure
            if figure.shown and overall.shown:
                assert figure.value is not None and overall.value is not None
                difference[label] = Figure(value=figure.value - overall.value, n=figure.n)
            else:
                difference[label] = Figure(hidden=reason or overall.hidden)
        alpha = alpha_ci = omega = warning = None
        rel_n = None
        rel_hidden = reliability_decisions.reason(scale.id)
        items_answered = answered[scale.id]
        # Alpha needs two people with an answer to each of two questions; with fewer, it cannot be
        # worked out at all (and a page must say so, not fail).
        if rel_hidden is None and (items_answered.notna().sum(axis=0) >= 2).sum() < 2:
            rel_hidden = "Not worked out: too few people answered more than one question."
        if rel_hidden is None:
            try:
                fit = reliability(items_answered)
            except AnalysisInputError as exc:
                rel_hidden = f"Not worked out: {exc}"
            else:
                alpha, alpha_ci, omega, warning, rel_n = (
                    fit.alpha,
                    fit.alpha_ci,
                    fit.omega,
                    fit.warning,
                    fit.n,
                )
        results.append(
            ScaleResult(
                id=scale.id,
                title=definition.title,
                description=definition.description,
                overall=overall,
                by_group=by_group,
                difference=difference,
                alpha=alpha,
                alpha_ci=alpha_ci,
                omega=omega,
                reliability_n=rel_n,
                reliability_warning=warning,
                reliability_hidden=rel_hidden,
            )
        )
    return results, [label for _, label in groups]


def _pending_scales(data: WaveData) -> list[ScaleResult]:
    """The report's layout while the wave is open: every scale, no figure."""
    hidden = Figure(hidden=PENDING_CELL)
    groups = [label for _, label in _group_labels(data)]
    return [
        ScaleResult(
            id=scale.id,
            title=data.instrument.scales[scale.id].title,
            description=data.instrument.scales[scale.id].description,
            overall=hidden,
            by_group=dict.fromkeys(groups, hidden),
            difference=dict.fromkeys(groups, hidden),
            reliability_hidden=PENDING_CELL,
        )
        for scale in data.scales
    ]


def _item_distributions(
    data: WaveData, dont_know: dict[str, set[int]], k: int, scope: Scope | None
) -> tuple[list[ItemDistribution], list[str]]:
    """The share giving each answer to each question; `scope` None lays the table out empty."""
    instrument = data.instrument
    ledger = Disclosure(programme=data.wave.programme, surface="reports.feedback")
    for item in instrument.likert_items:
        if scope is not None:
            # The question's figures count everyone who answered it, "don't know" included.
            answered = set(data.items[item.id].dropna().index) | dont_know.get(item.id, set())
            ledger.add(item.id, piece(scope, f"item:{item.id}", answered))
    decisions = ledger.decide()
    distributions = []
    labels: list[str] = []
    for item in instrument.likert_items:
        scale = instrument.response_scales[item.response_scale or ""]
        option_labels = [option.label for option in scale.options]
        labels = labels or option_labels
        column = data.items[item.id].dropna()
        n = int(column.size)
        unknown = len(dont_know.get(item.id, ()))
        scale_title = instrument.scales[item.scale].title if item.scale else ""
        # k counts the answers the shares are worked out from: "don't know" is not one of them.
        hidden = (
            PENDING_CELL
            if scope is None
            else decisions.reason(item.id) or (BELOW_K.format(k=k) if n < k else None)
        )
        if hidden:
            distributions.append(
                ItemDistribution(
                    id=item.id,
                    text=item.text,
                    scale_title=scale_title,
                    reverse=item.reverse,
                    n=0,
                    percentages={},
                    dont_know=0,
                    hidden=hidden,
                )
            )
            continue
        counts = column.value_counts()
        percentages = {
            option.label: 100.0 * float(counts.get(float(option.value), 0)) / n
            for option in scale.options
            if option.value is not None
        }
        distributions.append(
            ItemDistribution(
                id=item.id,
                text=item.text,
                scale_title=scale_title,
                reverse=item.reverse,
                n=n,
                percentages=percentages,
                dont_know=unknown,
            )
        )
    return distributions, labels


def _dont_know(wave: Wave) -> dict[str, set[int]]:
    """Who answered "don't know" to each question (participant ids), for the ledger and counts."""
    found: dict[str, set[int]] = {}
    for item_id, participant in Answer.objects.filter(
        invitation__wave=wave, invitation__status=InvitationStatus.SUBMITTED, dont_know=True
    ).values_list("item_id", "invitation__participant_id"):
        found.setdefault(item_id, set()).add(participant)
    return found


def build_feedback(wave: Wave) -> FeedbackReport:
    """The feedback report's content for one wave, suppressed for the programme's k.

    While the wave is open it holds the response counts and the layout, and no figure: the
    report must not move as people submit (docs/design.md, "over time too").
    """
    k = wave.programme.min_group_size
    data = wave_data(wave)
    scope = wave_scope(wave)
    response, total = _response_section(data, k)
    if not scope.frozen:
        items, option_labels = _item_distributions(data, {}, k, None)
        return FeedbackReport(
            wave=wave,
            k=k,
            response=response,
            response_total=total,
            groups=[label for _, label in _group_labels(data)],
            scales=_pending_scales(data),
            strengths=[],
            development=[],
            items=items,
            option_labels=option_labels,
            pending=scope.pending,
        )
    scores = (
        score_items(data.items, data.scales)
        if not data.items.empty
        else pd.DataFrame(columns=[s.id for s in data.scales], dtype=float)
    )
    scales, groups = _scale_results(data, scores, k, scope)
    ranked = sorted((s for s in scales if s.overall.shown), key=lambda s: -(s.overall.value or 0.0))
    items, option_labels = _item_distributions(data, _dont_know(wave), k, scope)
    notes = []
    if (
        total.responded is not None
        and total.invited
        and total.responded / total.invited < LOW_RESPONSE_RATE
    ):
        notes.append(
            "Fewer than 60% of those invited responded, so these results may not represent the whole group."
        )
    if any(s.reliability_warning for s in scales):
        notes.append(
            "Some scales have a Cronbach's alpha below 0.7: read their scores with caution."
        )
    from tandem.coding.selectors import code_frequencies, released_excerpts
    from tandem.networks.reports import wave_network_section

    return FeedbackReport(
        network=wave_network_section(wave),
        themes=code_frequencies(wave=wave),
        excerpts=released_excerpts(wave=wave),
        wave=wave,
        k=k,
        response=response,
        response_total=total,
        groups=groups,
        scales=scales,
        strengths=ranked[:STRENGTHS_SHOWN],
        development=list(reversed(ranked[-STRENGTHS_SHOWN:]))
        if len(ranked) > STRENGTHS_SHOWN
        else [],
        items=items,
        option_labels=option_labels,
        notes=notes,
    )


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


@dataclass(frozen=True)
class Headcount:
    """How many people answered both waves, or only one: the number from k up, else None and why.

    Printed as the page shows it ("12", or "fewer than 5"), so a template has nothing to decide.
    """

    count: int | None
    hidden: str | None = None

    def __str__(self) -> str:
        return str(self.count) if self.count is not None else (self.hidden or "")


def headcount(n: int, k: int) -> Headcount:
    """`n` people as a report may hold them: below k, no number, only the reason."""
    return Headcount(count=n) if n >= k else Headcount(count=None, hidden=f"fewer than {k}")


@dataclass
class ComparisonReport:
    before: Wave
    after: Wave
    k: int
    rows: list[ChangeRow]
    # Who answered which wave (attrition), suppressed below k like every other figure.
    both: Headcount
    before_only: Headcount
    after_only: Headcount
    shared_scales: list[str]
    notes: list[str] = field(default_factory=list)
    network: Any = None  # tandem.networks.reports.ReportNetworkSection
    pending: str = ""  # set while either wave is open: why no change is shown yet


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
    scores_before, scores_after = _scores(first, shared), _scores(second, shared)
    result = prepost(scores_before, scores_after, [s.id for s in shared])
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
    )
