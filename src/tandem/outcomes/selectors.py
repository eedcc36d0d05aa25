"""Reads for service outcomes, scoped by the viewer's role in the programme.

Which KPIs belong to a programme: those of the services its pairs lead, and of those services'
localities. Who may see them (service-level aggregates, no personal data, but a service's
figures are still its own business):
- programme lead (and superusers): every service of the programme; manages KPIs and values;
- sponsor: every service of the programme (they sponsor the whole programme);
- participant: the services of their own pairs only (403 for the others);
- coach: nothing here (403) — coaching is about the person, not the service's figures;
- anyone without a role: 404, as everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.spc import SpcChart, xmr_chart
from tandem.outcomes.models import ComparisonService, Kpi, KpiValue
from tandem.programmes.access import ProgrammeAccessDenied, ProgrammeNotFound, access_for
from tandem.programmes.models import Milestone, Pair, Programme, Service


def programme_services(*, programme: Programme) -> QuerySet[Service]:
    """The services the programme's pairs lead (the services whose outcomes it is judged by)."""
    return (
        Service.objects.filter(pairs__programme=programme)
        .select_related("locality")
        .order_by("locality__name", "name")
        .distinct()
    )


def comparison_services(*, programme: Programme) -> QuerySet[Service]:
    """The services the lead marked as comparisons: in the organisation, not in the programme."""
    return (
        Service.objects.filter(
            pk__in=ComparisonService.objects.filter(programme=programme).values("service_id")
        )
        .exclude(pk__in=programme_services(programme=programme).values("pk"))
        .select_related("locality")
        .order_by("locality__name", "name")
    )


def comparison_candidates(*, programme: Programme) -> list[Service]:
    """Services of the programme's organisation(s) that none of its pairs leads."""
    own = programme_services(programme=programme)
    organisations = {s.organisation_id for s in own}
    if getattr(programme, "organisation_id", None):
        organisations.add(programme.organisation_id)
    return list(
        Service.objects.filter(organisation_id__in=organisations)
        .exclude(pk__in=own.values("pk"))
        .select_related("locality")
        .order_by("locality__name", "name")
    )


def managed_services(*, programme: Programme) -> list[Service]:
    """Every service whose KPIs the lead keeps for this programme: its own, then comparisons."""
    return [
        *programme_services(programme=programme),
        *comparison_services(programme=programme),
    ]


def visible_services(*, viewer: Any, programme: Programme) -> list[Service]:
    """The programme's services whose KPIs the viewer may see (raises for no role / a coach)."""
    access = access_for(viewer=viewer, programme=programme)
    access.require(
        access.oversees or access.is_participant,
        ProgrammeAccessDenied,
        "Service outcomes are for the programme's leads, sponsors and pairs.",
    )
    services = programme_services(programme=programme)
    if access.oversees:
        return list(services)
    own = Pair.objects.filter(pk__in=access.pair_ids)
    return list(services.filter(pk__in=own.values("service_id")))


def can_manage_outcomes(*, viewer: Any, programme: Programme) -> bool:
    return access_for(viewer=viewer, programme=programme).can_manage


def require_manager(*, viewer: Any, programme: Programme) -> None:
    access = access_for(viewer=viewer, programme=programme)
    access.require(
        access.can_manage, ProgrammeAccessDenied, "Only the programme lead can change KPIs."
    )


def service_for(*, viewer: Any, programme: Programme, service_id: int) -> Service:
    """One of the programme's services, if the viewer may see its outcomes."""
    visible = visible_services(viewer=viewer, programme=programme)
    for service in visible:
        if service.pk == service_id:
            return service
    comparison = comparison_services(programme=programme).filter(pk=service_id).first()
    if comparison is not None:
        access = access_for(viewer=viewer, programme=programme)
        access.require(
            access.oversees,
            ProgrammeAccessDenied,
            "Comparison services' figures are for the programme's leads and sponsors.",
        )
        return comparison
    if programme_services(programme=programme).filter(pk=service_id).exists():
        raise ProgrammeAccessDenied("These are another service's figures.")
    raise ProgrammeNotFound("No such service in this programme.")


def programme_kpis(*, programme: Programme) -> QuerySet[Kpi]:
    """The KPIs of the programme's services and localities, and of its comparison services."""
    services = programme_services(programme=programme)
    return (
        Kpi.objects.filter(
            Q(service__in=services)
            | Q(locality__in=services.values("locality_id"))
            | Q(service__in=comparison_services(programme=programme))
        )
        .select_related("service__locality", "locality")
        .distinct()
    )


def kpi_for(*, viewer: Any, programme: Programme, kpi_id: int, manage: bool = False) -> Kpi:
    """One KPI of the programme's services, found within the programme (never by bare id)."""
    if manage:
        require_manager(viewer=viewer, programme=programme)
    kpi = programme_kpis(programme=programme).filter(pk=kpi_id).first()
    if kpi is None:
        raise ProgrammeNotFound("No such KPI in this programme.")
    if not manage:
        if (
            kpi.service_id is not None
            and comparison_services(programme=programme).filter(pk=kpi.service_id).exists()
        ):
            access = access_for(viewer=viewer, programme=programme)
            access.require(
                access.oversees,
                ProgrammeAccessDenied,
                "Comparison services' figures are for the programme's leads and sponsors.",
            )
            return kpi
        visible = visible_services(viewer=viewer, programme=programme)
        if not any(
            (kpi.service_id and s.pk == kpi.service_id)
            or (kpi.locality_id and s.locality_id == kpi.locality_id)
            for s in visible
        ):
            raise ProgrammeAccessDenied("These are another service's figures.")
    return kpi


def kpis_of_service(*, service: Service) -> list[Kpi]:
    """The service's own KPIs, then its locality's."""
    own = Kpi.objects.filter(service=service).select_related("service", "locality")
    shared = Kpi.objects.filter(locality_id=service.locality_id).select_related(
        "service", "locality"
    )
    return [*own, *shared]


@dataclass
class KpiChart:
    """A KPI's XmR chart as the programme reads it: limits from before the programme started."""

    kpi: Kpi
    periods: list[date]
    values: list[float]
    baseline_points: int | None
    rebase_dates: list[date]
    chart: SpcChart | None = None
    error: str | None = None
    svg: str = ""
    milestones: list[Milestone] = field(default_factory=list)
    impact: Any = None  # tandem.outcomes.impact.KpiImpact, when asked for

    @property
    def latest(self) -> tuple[date, float] | None:
        return (self.periods[-1], self.values[-1]) if self.periods else None


def kpi_chart(
    *,
    programme: Programme,
    kpi: Kpi,
    values: Sequence[tuple[date, float]] | None = None,
    milestones: Sequence[Milestone] | None = None,
    draw: bool = True,
) -> KpiChart:
    """The KPI's chart: limits fixed on the points before the programme's start (when there are
    at least 2), re-based at the milestones the lead chose for this KPI."""
    if values is None:
        values = list(
            KpiValue.objects.filter(kpi=kpi).order_by("period").values_list("period", "value")
        )
    if milestones is None:
        milestones = list(Milestone.objects.filter(programme=programme).order_by("start_date"))
    rebase_ids = {m.pk for m in kpi.rebase_milestones.all()}
    rebase_dates = sorted({m.start_date for m in milestones if m.pk in rebase_ids})
    periods = [period for period, _ in values]
    numbers = [value for _, value in values]
    cut = min([programme.start_date, *rebase_dates])
    before = sum(1 for period in periods if period < cut)
    baseline = before if 2 <= before < len(periods) else None
    result = KpiChart(
        kpi=kpi,
        periods=periods,
        values=numbers,
        baseline_points=baseline,
        rebase_dates=rebase_dates,
        milestones=list(milestones),
    )
    if len(periods) < 2:
        result.error = "Not enough values for a chart yet (at least 2 are needed)."
        return result
    try:
        result.chart = xmr_chart(
            periods,
            numbers,
            improvement=kpi.direction,  # type: ignore[arg-type]
            baseline=baseline,
            rebase_at=rebase_dates,
            target=kpi.target,
        )
    except AnalysisInputError as exc:
        result.error = str(exc)
        return result
    if baseline is None and before < 2:
        result.chart = _with_warning(
            result.chart,
            "Fewer than 2 values before the programme started: the limits are set on all the "
            "values, so they cannot show a change since the start.",
        )
    if draw:
        from tandem.outcomes.charts import spc_chart_svg

        result.svg = spc_chart_svg(kpi=kpi, chart=result.chart, milestones=milestones)
    return result


def _with_warning(chart: SpcChart, warning: str) -> SpcChart:
    from dataclasses import replace

    return replace(chart, warnings=(*chart.warnings, warning))


def _values_by_kpi(kpis: Iterable[Kpi]) -> dict[int, list[tuple[date, float]]]:
    grouped: dict[int, list[tuple[date, float]]] = {}
    for kpi_id, period, value in (
        KpiValue.objects.filter(kpi__in=list(kpis))
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "period", "value")
    ):
        grouped.setdefault(kpi_id, []).append((period, value))
    return grouped


def service_outcomes(
    *, viewer: Any, programme: Programme, service_id: int, draw: bool = True
) -> tuple[Service, list[KpiChart]]:
    """A service's KPIs with their charts (a fixed number of queries whatever the KPI count)."""
    service = service_for(viewer=viewer, programme=programme, service_id=service_id)
    kpis = kpis_of_service(service=service)
    kpis = list(
        Kpi.objects.filter(pk__in=[k.pk for k in kpis])
        .select_related("service", "locality")
        .prefetch_related("rebase_milestones")
        .order_by("locality_id", "category", "name")
    )
    milestones = list(Milestone.objects.filter(programme=programme).order_by("start_date", "id"))
    values = _values_by_kpi(kpis)
    charts = [
        kpi_chart(
            programme=programme,
            kpi=kpi,
            values=values.get(kpi.pk, []),
            milestones=milestones,
            draw=draw,
        )
        for kpi in kpis
    ]
    _add_impacts(viewer=viewer, programme=programme, charts=charts, values=values, draw=draw)
    return service, charts


def _add_impacts(
    *,
    viewer: Any,
    programme: Programme,
    charts: list[KpiChart],
    values: dict[int, list[tuple[date, float]]],
    draw: bool,
) -> None:
    found = impacts_for(
        viewer=viewer, programme=programme, kpis=[c.kpi for c in charts], values=values, draw=draw
    )
    for chart in charts:
        chart.impact = found[chart.kpi.pk]


def impacts_for(
    *,
    viewer: Any,
    programme: Programme,
    kpis: Sequence[Kpi],
    values: dict[int, list[tuple[date, float]]],
    draw: bool,
) -> dict[int, Any]:
    """Each KPI's interrupted time series at the programme's start (`tandem.outcomes.impact`);
    the comparison series' controlled ITS only for those who may see comparison services (leads
    and sponsors). Keyed by KPI id."""
    from tandem.outcomes.impact import kpi_impact

    links: dict[int, list[Kpi]] = {}
    if kpis and access_for(viewer=viewer, programme=programme).oversees:
        through = Kpi.comparisons.through.objects.filter(
            from_kpi__in=[k.pk for k in kpis],
            to_kpi__service__in=comparison_services(programme=programme),
        ).select_related("to_kpi__service", "to_kpi__locality")
        for link in through:
            links.setdefault(link.from_kpi_id, []).append(link.to_kpi)
    others = _values_by_kpi([k for found in links.values() for k in found])
    return {
        kpi.pk: kpi_impact(
            kpi=kpi,
            start=programme.start_date,
            values=values.get(kpi.pk, []),
            comparison_values={
                other.pk: (other, others.get(other.pk, [])) for other in links.get(kpi.pk, [])
            },
            draw=draw,
        )
        for kpi in kpis
    }


def programme_impacts(*, viewer: Any, programme: Programme) -> list[Any]:
    """The impact of every KPI of the viewer's visible programme services (no charts), ordered
    as the evaluation report lists KPIs."""
    services = visible_services(viewer=viewer, programme=programme)
    kpis = list(
        Kpi.objects.filter(
            Q(service__in=services) | Q(locality__in={s.locality_id for s in services})
        )
        .select_related("service__locality", "locality")
        .order_by("service__locality__name", "service__name", "locality__name", "category", "name")
    )
    found = impacts_for(
        viewer=viewer, programme=programme, kpis=kpis, values=_values_by_kpi(kpis), draw=False
    )
    return [found[kpi.pk] for kpi in kpis]


@dataclass(frozen=True)
class ServiceSummary:
    service: Service
    kpis: int
    improvements: int
    concerns: int


def programme_outcomes(*, viewer: Any, programme: Programme) -> list[ServiceSummary]:
    """Each visible service with how many of its KPIs now show improvement or concern."""
    services = visible_services(viewer=viewer, programme=programme)
    return _summaries(programme=programme, services=services)


def comparison_outcomes(*, viewer: Any, programme: Programme) -> list[ServiceSummary]:
    """The comparison services, summarised as the programme's are: for leads and sponsors only
    (an empty list for anyone else)."""
    access = access_for(viewer=viewer, programme=programme)
    if not access.oversees:
        return []
    services = list(comparison_services(programme=programme))
    return _summaries(programme=programme, services=services)


def _summaries(*, programme: Programme, services: list[Service]) -> list[ServiceSummary]:
    kpis = list(
        Kpi.objects.filter(
            Q(service__in=services) | Q(locality__in={s.locality_id for s in services})
        ).prefetch_related("rebase_milestones")
    )
    values = _values_by_kpi(kpis)
    milestones = list(Milestone.objects.filter(programme=programme))
    charts = {
        kpi.pk: kpi_chart(
            programme=programme,
            kpi=kpi,
            values=values.get(kpi.pk, []),
            milestones=milestones,
            draw=False,
        )
        for kpi in kpis
    }
    rows = []
    for service in services:
        mine = [
            charts[k.pk]
            for k in kpis
            if k.service_id == service.pk or k.locality_id == service.locality_id
        ]
        variations = [c.chart.variation for c in mine if c.chart is not None]
        rows.append(
            ServiceSummary(
                service=service,
                kpis=len(mine),
                improvements=variations.count("special cause improvement"),
                concerns=variations.count("special cause concern"),
            )
        )
    return rows


@dataclass(frozen=True)
class KpiShift:
    """One KPI's change since the programme started, for the evaluation report."""

    service: str
    kpi_id: int
    name: str
    unit: str
    direction: str
    periods_before: int
    periods_after: int
    mean_before: float | None
    mean_after: float | None
    variation: str | None
    assurance: str | None
    improvement_after_start: bool
    concern_after_start: bool
    warnings: tuple[str, ...]
    svg: str

    @property
    def change(self) -> float | None:
        if self.mean_before is None or self.mean_after is None:
            return None
        return self.mean_after - self.mean_before


def kpi_shifts_for(*, viewer: Any, programme: Programme, draw: bool = True) -> list[KpiShift]:
    """Per KPI of the programme's (visible) services: mean before vs after the start, the latest
    point's variation and assurance, whether special-cause improvement or concern appeared from
    the start on, and the chart as SVG (empty with `draw=False`). Ordered by service, then
    category and name. Raises ProgrammeNotFound / ProgrammeAccessDenied as `visible_services`."""
    services = visible_services(viewer=viewer, programme=programme)
    kpis = list(
        Kpi.objects.filter(
            Q(service__in=services) | Q(locality__in={s.locality_id for s in services})
        )
        .select_related("service__locality", "locality")
        .prefetch_related("rebase_milestones")
        .order_by("service__locality__name", "service__name", "locality__name", "category", "name")
    )
    values = _values_by_kpi(kpis)
    milestones = list(Milestone.objects.filter(programme=programme).order_by("start_date", "id"))
    start = programme.start_date
    shifts = []
    for kpi in kpis:
        series = values.get(kpi.pk, [])
        drawn = kpi_chart(
            programme=programme, kpi=kpi, values=series, milestones=milestones, draw=draw
        )
        before = [v for p, v in series if p < start]
        after = [v for p, v in series if p >= start]
        after_points = (
            [p for p in drawn.chart.points if p.date >= start] if drawn.chart is not None else []
        )
        shifts.append(
            KpiShift(
                service=kpi.owner_name,
                kpi_id=kpi.pk,
                name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                periods_before=len(before),
                periods_after=len(after),
                mean_before=sum(before) / len(before) if before else None,
                mean_after=sum(after) / len(after) if after else None,
                variation=drawn.chart.variation if drawn.chart else None,
                assurance=drawn.chart.assurance if drawn.chart else None,
                improvement_after_start=any(p.label == "improvement" for p in after_points),
                concern_after_start=any(p.label == "concern" for p in after_points),
                warnings=(drawn.chart.warnings if drawn.chart else ((drawn.error or ""),)),
                svg=drawn.svg,
            )
        )
    return shifts
