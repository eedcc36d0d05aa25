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
from django.db.models import Count

from tandem.analysis.anonymity import (
    BREAKDOWN_COLUMN,
    Position,
    SuppressionReason,
    suppress_breakdown,
    suppress_table,
)
from tandem.analysis.groups import describe
from tandem.analysis.prepost import prepost
from tandem.analysis.reliability import reliability
from tandem.analysis.scoring import recode_reverse, score_items
from tandem.reports.data import PROFESSION_GROUPS, WaveData, wave_data
from tandem.surveys.models import Answer, InvitationStatus, Wave

LOW_RESPONSE_RATE = 0.6
STRENGTHS_SHOWN = 3

BELOW_K = "Hidden: fewer than {k} people answered."
REASON_TEXT = {
    SuppressionReason.FEWER_THAN_K: BELOW_K,
    SuppressionReason.SUBTRACTION: "Hidden so that a smaller group cannot be worked out by subtraction.",
    SuppressionReason.ACROSS_WAVES: "Hidden in every wave so that the change cannot reveal a hidden group.",
}


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


def _scale_results(
    data: WaveData, scores: pd.DataFrame, k: int
) -> tuple[list[ScaleResult], list[str]]:
    groups = _group_labels(data)
    profession = data.respondents["profession"]
    counts = {
        (label, scale.id): int(scores.loc[profession == value, scale.id].notna().sum())
        for value, label in groups
        for scale in data.scales
    }
    # Each scale's overall n is shown (a column total); a group's n across scales is not.
    table = suppress_table(counts, k=k, row_totals=False, column_totals=True, grand_total=False)
    reversed_items = recode_reverse(data.items, data.scales)
    results = []
    for scale in data.scales:
        definition = data.instrument.scales[scale.id]
        column = scores[scale.id]
        total_position = Position.column_total(scale.id)
        overall = _figure(
            column.dropna(),
            table.is_shown(total_position),
            None if table.is_shown(total_position) else _reason(table.reason(total_position), k),
        )
        by_group: dict[str, Figure] = {}
        difference: dict[str, Figure] = {}
        for value, label in groups:
            position = Position.cell(label, scale.id)
            shown = table.is_shown(position)
            reason = None if shown else _reason(table.reason(position), k)
            figure = _figure(column[profession == value].dropna(), shown, reason)
            by_group[label] = figure
            if figure.shown and overall.shown:
                assert figure.value is not None and overall.value is not None
                difference[label] = Figure(value=figure.value - overall.value, n=figure.n)
            else:
                difference[label] = Figure(hidden=reason or overall.hidden)
        alpha = alpha_ci = omega = warning = None
        rel_n = None
        rel_hidden = None
        answered = reversed_items[list(scale.items)].dropna(how="all")
        if len(answered) >= k:
            fit = reliability(answered)
            alpha, alpha_ci, omega, warning, rel_n = (
                fit.alpha,
                fit.alpha_ci,
                fit.omega,
                fit.warning,
                fit.n,
            )
        else:
            rel_hidden = BELOW_K.format(k=k)
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


def _item_distributions(
    data: WaveData, dont_know: dict[str, int], k: int
) -> tuple[list[ItemDistribution], list[str]]:
    instrument = data.instrument
    distributions = []
    labels: list[str] = []
    for item in instrument.likert_items:
        scale = instrument.response_scales[item.response_scale or ""]
        option_labels = [option.label for option in scale.options]
        labels = labels or option_labels
        column = data.items[item.id].dropna()
        n = int(column.size)
        unknown = dont_know.get(item.id, 0)
        scale_title = instrument.scales[item.scale].title if item.scale else ""
        if n + unknown < k or n == 0:
            distributions.append(
                ItemDistribution(
                    id=item.id,
                    text=item.text,
                    scale_title=scale_title,
                    reverse=item.reverse,
                    n=0,
                    percentages={},
                    dont_know=0,
                    hidden=BELOW_K.format(k=k),
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


def build_feedback(wave: Wave) -> FeedbackReport:
    """The feedback report's content for one wave, suppressed for the programme's k."""
    k = wave.programme.min_group_size
    data = wave_data(wave)
    scores = (
        score_items(data.items, data.scales)
        if not data.items.empty
        else pd.DataFrame(columns=[s.id for s in data.scales], dtype=float)
    )
    response, total = _response_section(data, k)
    scales, groups = _scale_results(data, scores, k)
    ranked = sorted((s for s in scales if s.overall.shown), key=lambda s: -(s.overall.value or 0.0))
    dont_know = dict(
        Answer.objects.filter(
            invitation__wave=wave, invitation__status=InvitationStatus.SUBMITTED, dont_know=True
        )
        .values("item_id")
        .annotate(count=Count("id"))
        .values_list("item_id", "count")
    )
    items, option_labels = _item_distributions(data, dont_know, k)
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


@dataclass
class ComparisonReport:
    before: Wave
    after: Wave
    k: int
    rows: list[ChangeRow]
    both: int
    before_only: int
    after_only: int
    shared_scales: list[str]
    notes: list[str] = field(default_factory=list)
    network: Any = None  # tandem.networks.reports.ReportNetworkSection

    def attrition_text(self, n: int) -> str:
        return str(n) if n >= self.k else f"fewer than {self.k}"


def _finite(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def build_comparison(before: Wave, after: Wave) -> ComparisonReport:
    """Before/after on the scales the two waves share, for people matched across them."""
    k = before.programme.min_group_size
    first, second = wave_data(before), wave_data(after)
    shared = [
        s for s in first.scales if any(t.id == s.id and t.items == s.items for t in second.scales)
    ]
    notes = []
    if len(shared) < len(first.scales) or len(shared) < len(second.scales):
        notes.append("Only the scales asked in the same words in both waves are compared.")
    scores_before = (
        score_items(first.items, shared)
        if not first.items.empty
        else pd.DataFrame(columns=[s.id for s in shared], dtype=float)
    )
    scores_after = (
        score_items(second.items, shared)
        if not second.items.empty
        else pd.DataFrame(columns=[s.id for s in shared], dtype=float)
    )
    result = prepost(scores_before, scores_after, [s.id for s in shared])
    rows = []
    for change in result.scales:
        title = first.instrument.scales[change.scale].title
        if change.n_matched < k:
            rows.append(
                ChangeRow(
                    id=change.scale,
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
                    hidden=BELOW_K.format(k=k),
                )
            )
            continue
        unmatched = change.unmatched
        small = min(unmatched.n_before_only, unmatched.n_after_only) < k
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
                if small or unmatched.comparison is None
                else unmatched.comparison.welch_p,
                unmatched_hidden=(
                    f"Not shown: fewer than {k} people answered in only one of the waves."
                    if small
                    else None
                ),
            )
        )
    from tandem.networks.reports import comparison_network_section

    return ComparisonReport(
        network=comparison_network_section(before, after),
        before=before,
        after=after,
        k=k,
        rows=rows,
        both=result.attrition.both,
        before_only=result.attrition.before_only,
        after_only=result.attrition.after_only,
        shared_scales=[s.id for s in shared],
        notes=notes,
    )
