"""API: feedback and comparison reports, as the web report shows them and no more.

The figures come from the same builders as the pages and PDFs (`build_feedback`,
`build_comparison`), after suppression: a figure over fewer than k people arrives as `null`
with the reason in `hidden`, never as a number.
"""

import datetime as dt
import math
from typing import Any

from django.db import transaction
from ninja import Field, Router, Schema

from tandem.api.auth import audit_extra
from tandem.api.schemas import ApiRequest, id_path, responses, slug_path
from tandem.audit.services import audit_record
from tandem.programmes.selectors import programme_for
from tandem.reports import selectors
from tandem.reports.feedback import (
    ChangeRow,
    Figure,
    ResponseRow,
    ScaleResult,
    build_comparison,
    build_feedback,
)
from tandem.surveys.models import Wave

router = Router(tags=["reports"])

HIDDEN = "Why the figure is hidden, when it is; its numbers are then null."
PENDING = (
    "Set while a wave is still open: no figure is shown until it closes (every figure is then "
    "null), so that no one's answers can be worked out from changes."
)


def _num(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)


class ReportWaveOut(Schema):
    id: int
    title: str
    kind: str
    instrument_id: str
    opens_on: dt.date
    closes_on: dt.date
    released: bool = Field(
        description="False only for the programme lead's preview of an unreleased report."
    )


class ComparisonRef(Schema):
    before_id: int
    after_id: int


class ReportIndexOut(Schema):
    waves: list[ReportWaveOut]
    comparisons: list[ComparisonRef] = Field(description="Pairs of waves that can be compared.")


class FigureOut(Schema):
    value: float | None
    n: int | None
    ci_low: float | None
    ci_high: float | None
    hidden: str | None = Field(description=HIDDEN)


class ResponseRowOut(Schema):
    group: str
    invited: int
    responded: int | None
    response_rate: float | None
    low: bool
    hidden: str | None = Field(description=HIDDEN)


class ReliabilityOut(Schema):
    alpha: float | None
    alpha_ci_low: float | None
    alpha_ci_high: float | None
    omega: float | None
    n: int | None
    warning: str | None
    hidden: str | None = Field(description=HIDDEN)


class ScaleOut(Schema):
    id: str
    title: str
    description: str
    overall: FigureOut
    by_group: dict[str, FigureOut]
    difference: dict[str, FigureOut] = Field(description="Each group's mean minus everyone's.")
    reliability: ReliabilityOut


class ItemOut(Schema):
    id: str
    text: str
    scale: str
    reverse: bool
    n: int
    percentages: dict[str, float] = Field(description="Option → % of those who chose an option.")
    dont_know: int
    hidden: str | None = Field(description=HIDDEN)


class CountOut(Schema):
    count: int | None
    hidden: str | None = Field(description=HIDDEN)


class ThemeOut(Schema):
    label: str = Field(description="The theme's place in the codebook, e.g. “Roles > Clarity”.")
    by_group: dict[str, CountOut]
    total: CountOut


class ThemesOut(Schema):
    groups: list[str]
    respondents: dict[str, CountOut] = Field(description="Answers and interviews per group.")
    respondents_total: CountOut
    themes: list[ThemeOut]


class QuotationOut(Schema):
    question: str
    text: str = Field(description="Approved by the lead, with names and contact details removed.")
    codes: list[str]


class FeedbackOut(Schema):
    wave: ReportWaveOut
    k: int = Field(description="The programme's minimum group size.")
    response: list[ResponseRowOut]
    response_total: ResponseRowOut
    groups: list[str]
    scales: list[ScaleOut]
    strengths: list[str] = Field(description="Ids of the highest-scoring scales.")
    development: list[str] = Field(description="Ids of the lowest-scoring scales.")
    option_labels: list[str]
    items: list[ItemOut]
    themes: ThemesOut = Field(description="How many people raised each coded theme.")
    quotations: list[QuotationOut]
    quotations_hidden: str | None = Field(
        description="Why there are no quotations: shown only for groups of at least k_text."
    )
    notes: list[str]
    pending: str | None = Field(
        description=PENDING,
    )


class ChangeOut(Schema):
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
    hidden: str | None = Field(description=HIDDEN)
    unmatched_p: float | None
    unmatched_hidden: str | None


class ComparisonOut(Schema):
    before: ReportWaveOut
    after: ReportWaveOut
    k: int
    matched: int | None = Field(description="People in both waves (null below k).")
    before_only: int | None
    after_only: int | None
    scales: list[ChangeOut]
    notes: list[str]
    pending: str | None = Field(description=PENDING)


def _wave(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "title": wave.title,
        "kind": wave.kind,
        "instrument_id": wave.instrument_id,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "released": wave.released_at is not None,
    }


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "value": _num(figure.value),
        "n": figure.n,
        "ci_low": _num(figure.ci_low),
        "ci_high": _num(figure.ci_high),
        "hidden": figure.hidden,
    }


def _response(row: ResponseRow) -> dict[str, Any]:
    return {
        "group": row.label,
        "invited": row.invited,
        "responded": row.responded if row.hidden is None else None,
        "response_rate": _num(row.rate) if row.hidden is None else None,
        "low": row.is_low,
        "hidden": row.hidden,
    }


def _scale(scale: ScaleResult) -> dict[str, Any]:
    ci = scale.alpha_ci
    return {
        "id": scale.id,
        "title": scale.title,
        "description": scale.description,
        "overall": _figure(scale.overall),
        "by_group": {group: _figure(f) for group, f in scale.by_group.items()},
        "difference": {group: _figure(f) for group, f in scale.difference.items()},
        "reliability": {
            "alpha": _num(scale.alpha),
            "alpha_ci_low": _num(ci[0]) if ci else None,
            "alpha_ci_high": _num(ci[1]) if ci else None,
            "omega": _num(scale.omega),
            "n": scale.reliability_n,
            "warning": scale.reliability_warning,
            "hidden": scale.reliability_hidden,
        },
    }


def _count(cell: Any) -> dict[str, Any]:
    if cell.count is not None:
        return {"count": cell.count, "hidden": None}
    return {"count": None, "hidden": cell.reason or "Hidden"}


def _themes(frequencies: Any, pending: str) -> dict[str, Any]:
    if frequencies is None:
        hidden = {"count": None, "hidden": pending or "No themes."}
        return {"groups": [], "respondents": {}, "respondents_total": hidden, "themes": []}
    labels = [label for _, label in frequencies.groups]
    return {
        "groups": labels,
        "respondents": {
            label: _count(cell) for label, cell in zip(labels, frequencies.respondents, strict=True)
        },
        "respondents_total": _count(frequencies.respondents_total),
        "themes": [
            {
                "label": row.label,
                "by_group": {
                    label: _count(cell) for label, cell in zip(labels, row.cells, strict=True)
                },
                "total": _count(row.total),
            }
            for row in frequencies.rows
        ],
    }


def _change(row: ChangeRow) -> dict[str, Any]:
    numbers = [
        "mean_before",
        "mean_after",
        "mean_diff",
        "ci_low",
        "ci_high",
        "t",
        "p",
        "p_holm",
        "wilcoxon_p",
        "d_z",
        "g_av",
        "unmatched_p",
    ]
    return {
        "id": row.id,
        "title": row.title,
        "n_matched": row.n_matched,
        "df": row.df,
        "verdict": row.verdict,
        "sentence": row.sentence,
        "hidden": row.hidden,
        "unmatched_hidden": row.unmatched_hidden,
        **{name: _num(getattr(row, name)) for name in numbers},
    }


@router.get(
    "/programmes/{slug}/reports",
    response=responses(ReportIndexOut),
    summary="The reports you may read",
)
def report_index(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    waves = selectors.reports_for(viewer=request.auth, programme=programme)
    return {
        "waves": [_wave(wave) for wave in waves],
        "comparisons": [
            {"before_id": before.pk, "after_id": after.pk}
            for before, after in selectors.comparable_pairs(waves)
        ],
    }


@router.get(
    "/programmes/{slug}/reports/{wave_id}/feedback",
    response=responses(FeedbackOut),
    summary="A wave's feedback report (released, or the lead's preview)",
)
def feedback(
    request: ApiRequest,
    slug: str = slug_path(),
    wave_id: int = id_path("The wave's id within the programme."),
) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    with transaction.atomic():
        wave = selectors.report_wave_for(viewer=request.auth, programme=programme, wave_id=wave_id)
        report = build_feedback(wave)
        audit_record(
            actor=request.auth,
            action="api.report.read",
            subject=wave,
            programme=programme,
            extra=audit_extra(request, report="feedback"),
        )
    return {
        "wave": _wave(wave),
        "k": report.k,
        "response": [_response(row) for row in report.response],
        "response_total": _response(report.response_total),
        "groups": report.groups,
        "scales": [_scale(scale) for scale in report.scales],
        "strengths": [scale.id for scale in report.strengths],
        "development": [scale.id for scale in report.development],
        "option_labels": report.option_labels,
        "items": [
            {
                "id": item.id,
                "text": item.text,
                "scale": item.scale_title,
                "reverse": item.reverse,
                "n": item.n,
                "percentages": {k: v for k, v in item.percentages.items() if math.isfinite(v)},
                "dont_know": item.dont_know,
                "hidden": item.hidden,
            }
            for item in report.items
        ],
        "themes": _themes(report.themes, report.pending),
        "quotations": [
            {"question": e.question, "text": e.text, "codes": list(e.codes)}
            for e in report.excerpts or []
        ],
        "quotations_hidden": (report.excerpts.reason or None)
        if report.excerpts is not None
        else report.pending or None,
        "notes": report.notes + ([report.unmatched_note] if report.unmatched else []),
        "pending": report.pending or None,
    }


@router.get(
    "/programmes/{slug}/reports/{before_id}/compare/{after_id}",
    response=responses(ComparisonOut),
    summary="Before/after comparison of two waves of the same questionnaire",
)
def comparison(
    request: ApiRequest,
    slug: str = slug_path(),
    before_id: int = id_path("The earlier wave's id."),
    after_id: int = id_path("The later wave's id."),
) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    with transaction.atomic():
        before, after = selectors.comparison_waves_for(
            viewer=request.auth, programme=programme, before_id=before_id, after_id=after_id
        )
        report = build_comparison(before, after)
        audit_record(
            actor=request.auth,
            action="api.report.read",
            subject=before,
            programme=programme,
            extra=audit_extra(request, report="comparison", after_wave=after.pk),
        )
    return {
        "before": _wave(before),
        "after": _wave(after),
        "k": report.k,
        # Below k the report holds no count (the page writes "fewer than k"), so null here.
        "matched": report.both,
        "before_only": report.before_only,
        "after_only": report.after_only,
        "scales": [_change(row) for row in report.rows],
        "notes": report.notes + ([report.unmatched_left_out] if report.unmatched_left_out else []),
        "pending": report.pending or None,
    }
