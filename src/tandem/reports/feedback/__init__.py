"""The anonymised feedback report for one wave, and the comparison report for two.

Everything here is built from `tandem.analysis` results and passes through suppression before it
is kept: a figure over fewer than k respondents — or one that would let such a figure be worked
out by subtraction — is stored as hidden with its reason, never as a number. Templates and the
PDF render these objects and nothing else, so they cannot show what was suppressed.

A package along the report's seams: `figures` (what a report holds), `sections` (the feedback
report's parts), `comparison` (the before/after report); the feedback report is put together
here (`build_feedback`), and every name stays importable from `tandem.reports.feedback`.
"""

from __future__ import annotations

import pandas as pd

from tandem.analysis.anonymity import Position
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.reliability import reliability
from tandem.analysis.scoring import recode_reverse, score_items
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.reports.data import WaveData, wave_data
from tandem.reports.feedback.comparison import (
    ATTRITION_HIDDEN,
    ChangeRow,
    ComparisonReport,
    build_comparison,
    headcount,
)
from tandem.reports.feedback.figures import (
    BELOW_K,
    LOW_RESPONSE_RATE,
    PENDING_CELL,
    REASON_TEXT,
    STRENGTHS_SHOWN,
    FeedbackReport,
    Figure,
    ItemDistribution,
    ResponseRow,
    ScaleResult,
    _figure,
    _group_labels,
)
from tandem.reports.feedback.sections import (
    ScaleFigures,
    _dont_know,
    _item_distributions,
    _pending_scales,
    _response_section,
    scale_figures,
)
from tandem.surveys.models import Wave
from tandem.surveys.selectors import wave_scope

__all__ = [
    "ATTRITION_HIDDEN",
    "BELOW_K",
    "LOW_RESPONSE_RATE",
    "PENDING_CELL",
    "REASON_TEXT",
    "STRENGTHS_SHOWN",
    "ChangeRow",
    "ComparisonReport",
    "FeedbackReport",
    "Figure",
    "ItemDistribution",
    "ResponseRow",
    "ScaleFigures",
    "ScaleResult",
    "build_comparison",
    "build_feedback",
    "headcount",
    "scale_figures",
    "wave_data",
    "wave_scope",
]

# `build_feedback` and `_scale_results` stay here and look `wave_scope` and `reliability` up in
# this module, as they always did (the disclosure tests replace them here).


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
            unmatched=data.unmatched,
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
        unmatched=data.unmatched,
    )
