"""API: service outcomes — each KPI's values and its XmR (SPC) result, as the service page reads it.

Same selectors as the pages (`programme_outcomes`, `service_outcomes` with `draw=False`): the
programme lead and sponsors see every service of the programme, a participant their own pairs'
services (403 for another's), a coach none (403). No SVG: the chart's numbers only.
"""

import datetime as dt
import math
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tandem.analysis.spc import SpcChart
from tandem.api.schemas import ApiRequest, Page, id_path, paged_list, responses, slug_path
from tandem.outcomes import selectors
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for

router = Router(tags=["outcomes"])


def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


class ServiceOutcomesOut(Schema):
    id: int
    name: str
    locality: str
    kpis: int
    improvements: int = Field(
        description="KPIs whose latest point shows special-cause improvement."
    )
    concerns: int = Field(description="KPIs whose latest point shows special-cause concern.")


class ValueOut(Schema):
    period: dt.date
    value: float


class SegmentOut(Schema):
    start: dt.date
    end: dt.date
    points: int
    baseline_points: int = Field(description="Points the limits were calculated on.")
    mean: float | None
    mr_mean: float | None
    upper: float | None
    lower: float | None
    near_upper: float | None = Field(description="Two-sigma line (for the two-of-three rule).")
    near_lower: float | None


class PointOut(Schema):
    date: dt.date
    value: float
    segment: int
    special_cause: bool
    rules: list[str] = Field(
        description="Rules broken: outside_limits, shift, trend, two_of_three."
    )
    label: str = Field(description="common cause, improvement, concern or neither.")


class SpcOut(Schema):
    mean: float | None = Field(description="The current segment's centre line.")
    mr_mean: float | None
    upper: float | None = Field(description="The current upper process limit.")
    lower: float | None = Field(description="The current lower process limit.")
    variation: str = Field(description="For the latest point, as in Making Data Count.")
    assurance: str | None = Field(description="Against the target, when there is one.")
    warnings: list[str]
    segments: list[SegmentOut]
    points: list[PointOut]


class KpiOut(Schema):
    id: int
    name: str
    owner: str = Field(description="The service, or the locality for a locality-wide KPI.")
    scope: str = Field(description="“service” or “locality”.")
    unit: str
    direction: str
    direction_label: str
    category: str
    frequency: str
    target: float | None
    values: list[ValueOut]
    baseline_points: int | None = Field(
        description="Values before the programme began, on which the limits are set (null: all)."
    )
    rebase_dates: list[dt.date] = Field(description="Where the limits are set afresh.")
    spc: SpcOut | None = Field(description="Null when there are too few values (see `error`).")
    error: str | None
    impact: dict[str, Any] | None = Field(
        description=(
            "The interrupted time series at the programme's start, as the service page shows it: "
            "`intervention`, `family` (gaussian or quasipoisson), `sentence`, `error` (why there "
            "is no result, e.g. too few values), `caveats`, `result` (n, n_before, n_after, "
            "dispersion, lags, level_change, slope_change, trend_before — each estimate, se, "
            "ci_low, ci_high, p and for counts rate_ratio with its interval — diagnostics and "
            "the counterfactual) and `comparisons` (the controlled ITS against each comparison "
            "series, for leads and sponsors only)."
        )
    )


def _spc(chart: SpcChart) -> dict[str, Any]:
    return {
        "mean": _num(chart.mean),
        "mr_mean": _num(chart.mr_mean),
        "upper": _num(chart.upper),
        "lower": _num(chart.lower),
        "variation": chart.variation,
        "assurance": chart.assurance,
        "warnings": list(chart.warnings),
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "points": s.n_points,
                "baseline_points": s.baseline_points,
                "mean": _num(s.mean),
                "mr_mean": _num(s.mr_mean),
                "upper": _num(s.upper),
                "lower": _num(s.lower),
                "near_upper": _num(s.near_upper),
                "near_lower": _num(s.near_lower),
            }
            for s in chart.segments
        ],
        "points": [
            {
                "date": p.date,
                "value": p.value,
                "segment": p.segment,
                "special_cause": p.special_cause,
                "rules": list(p.rules),
                "label": p.label,
            }
            for p in chart.points
        ],
    }


def _kpi(item: selectors.KpiChart) -> dict[str, Any]:
    kpi = item.kpi
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "owner": kpi.owner_name,
        "scope": "service" if kpi.service_id else "locality",
        "unit": kpi.unit,
        "direction": kpi.direction,
        "direction_label": kpi.get_direction_display(),
        "category": kpi.category,
        "frequency": kpi.frequency,
        "target": _num(kpi.target),
        "values": [
            {"period": period, "value": value}
            for period, value in zip(item.periods, item.values, strict=True)
        ],
        "baseline_points": item.baseline_points,
        "rebase_dates": item.rebase_dates,
        "spc": _spc(item.chart) if item.chart is not None else None,
        "error": item.error,
        "impact": item.impact.as_dict() if item.impact is not None else None,
    }


@paged_list(
    router,
    "/programmes/{slug}/outcomes/services",
    ServiceOutcomesOut,
    summary="Services whose outcomes you may see, with KPI counts (lead, sponsors, pairs)",
    url_name="outcome_services",
)
def outcome_services(request: ApiRequest, programme: Programme) -> Any:
    return [
        {
            "id": row.service.pk,
            "name": row.service.name,
            "locality": row.service.locality.name,
            "kpis": row.kpis,
            "improvements": row.improvements,
            "concerns": row.concerns,
        }
        for row in selectors.programme_outcomes(viewer=request.auth, programme=programme)
    ]


@router.get(
    "/programmes/{slug}/outcomes/services/{service_id}/kpis",
    response=responses(list[KpiOut]),
    summary="A service's KPIs with their values, SPC (XmR) and impact (ITS) results",
    url_name="service_kpis",
)
@paginate(Page)
def service_kpis(
    request: ApiRequest,
    slug: str = slug_path(),
    service_id: int = id_path("The service's id (from /outcomes/services)."),
) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    _, charts = selectors.service_outcomes(
        viewer=request.auth, programme=programme, service_id=service_id, draw=False
    )
    return [_kpi(item) for item in charts]
