"""Three years of monthly KPIs for the demo programme's services (synthetic, seeded, fast).

Some measures improve clearly after the programme starts (a sustained shift that the SPC rules
pick up), some drift as before, and one gets worse — an evaluation should show all three. The
random generator is seeded so that every demo database holds the same figures.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from tandem.outcomes.models import Category, Direction, Frequency, Kpi, KpiValue, Measure
from tandem.programmes.models import Milestone, Pair, Programme

MONTHS = 36
FIRST_MONTH = dt.date(2023, 11, 1)
SEED = 20250113


@dataclass(frozen=True)
class DemoKpi:
    name: str
    unit: str
    direction: str
    category: str
    target: float | None
    level: float
    spread: float
    low: float = 0.0
    high: float = float("inf")
    measure: str = Measure.VALUE
    # Seasonal: a winter peak of this many units in January (a trough in July), marked seasonal
    # so that the impact panel allows for it.
    winter: float = 0.0

    def season(self, period: dt.date) -> float:
        return self.winter * math.cos(2 * math.pi * (period.month - 1) / 12)


WAITING = DemoKpi(
    "Waiting time to first assessment",
    "days",
    Direction.DOWN,
    Category.PERFORMANCE,
    28,
    36,
    3,
    low=5,
)
REFERRALS = DemoKpi(
    "Referrals accepted within 7 days",
    "%",
    Direction.UP,
    Category.PERFORMANCE,
    90,
    79,
    3.5,
    high=100,
)
BEDS = DemoKpi("Bed occupancy", "%", Direction.DOWN, Category.CAPACITY, 85, 94, 2, high=100)
CASELOAD = DemoKpi(
    "Caseload per care coordinator", "people", Direction.DOWN, Category.CAPACITY, 35, 41, 2
)
AGENCY = DemoKpi("Agency spend", "£k", Direction.DOWN, Category.FINANCE, 20, 42, 6, low=0)
SICKNESS = DemoKpi("Staff sickness", "%", Direction.DOWN, Category.WORKFORCE, 4.5, 5.8, 0.5, low=0)
CARE_PLANS = DemoKpi(
    "Care plans reviewed on time", "%", Direction.UP, Category.QUALITY, 95, 81, 3.5, high=100
)

# A count of events, modelled as a rate (quasi-Poisson) on the impact panel.
READMISSIONS = DemoKpi(
    "Emergency readmissions within 30 days",
    "",
    Direction.DOWN,
    Category.QUALITY,
    None,
    30,
    5.5,
    low=0,
    measure=Measure.COUNT,
    winter=5,
)

INPATIENT_WORDS = ("Inpatient", "Wards", "Crisis")

# One service per locality that the programme did not reach, marked as a comparison: the same
# measures, drifting a little better over the period (a trust-wide trend the programme's own
# services share), but with no change when the programme began.
COMPARISONS = (
    ("Riverside North", "Psychological Therapies Service"),
    ("Riverside South", "Learning Disability Service"),
    ("The Fells", "Forensic Community Team"),
)
COMPARISON_KPIS = (WAITING, REFERRALS, CASELOAD, SICKNESS, READMISSIONS)


def months(n: int = MONTHS) -> list[dt.date]:
    return [
        dt.date(
            FIRST_MONTH.year + (FIRST_MONTH.month - 1 + i) // 12,
            (FIRST_MONTH.month - 1 + i) % 12 + 1,
            1,
        )
        for i in range(n)
    ]


def kpis_for(service_name: str, index: int) -> list[DemoKpi]:
    capacity = BEDS if any(word in service_name for word in INPATIENT_WORDS) else CASELOAD
    chosen = [WAITING, REFERRALS, capacity, AGENCY, SICKNESS]
    if index % 2 == 0:
        chosen.append(CARE_PLANS)
    if capacity is BEDS:
        chosen.append(READMISSIONS)
    return chosen


def effect_for(index: int, number: int) -> float:
    """The change after the start, in spreads: most measures improve, some stay, one worsens."""
    if (index, number) == (5, 3):  # the acute wards' agency spend climbs
        return -2.5
    if (index + number) % 3 == 0:
        return 0.0
    return 2.5


def seed_outcomes(*, programme: Programme) -> list[Kpi]:
    rng = random.Random(SEED)
    periods = months()
    start = programme.start_date
    pairs = list(Pair.objects.filter(programme=programme).select_related("service").order_by("pk"))
    created: list[Kpi] = []
    values: list[KpiValue] = []
    plan: list[tuple[Kpi, DemoKpi, float]] = []
    owners: list[str] = []
    for index, pair in enumerate(pairs):
        service = pair.service
        for number, spec in enumerate(kpis_for(service.name, index)):
            kpi = Kpi(
                organisation_id=service.organisation_id,
                service=service,
                name=spec.name,
                unit=spec.unit,
                direction=spec.direction,
                category=spec.category,
                frequency=Frequency.MONTHLY,
                target=spec.target,
                measure=spec.measure,
                seasonal=bool(spec.winter),
            )
            created.append(kpi)
            owners.append(service.name)
            plan.append((kpi, spec, effect_for(index, number)))
    Kpi.objects.bulk_create(created)
    for kpi, spec, effect in plan:
        better = 1 if spec.direction == Direction.UP else -1
        for period in periods:
            months_in = (period.year - start.year) * 12 + period.month - start.month
            # The change builds over the first four months after the start, then holds.
            ramp = 0.0 if period < start else min(1.0, (months_in + 1) / 4)
            raw = (
                spec.level
                + spec.season(period)
                + better * effect * ramp * spec.spread
                + rng.gauss(0, spec.spread)
            )
            value = min(spec.high, max(spec.low, raw))
            # A count is a whole number of events.
            value = float(round(value)) if spec.measure == Measure.COUNT else round(value, 1)
            values.append(KpiValue(kpi=kpi, period=period, value=value))
    KpiValue.objects.bulk_create(values)
    # One lead decision to show re-basing: the crisis team's waiting time after the second away
    # day, when it moved to a new triage model.
    second = Milestone.objects.filter(programme=programme, title="Second away day").first()
    crisis = next(
        (
            kpi
            for kpi, pair_service in zip(created, owners, strict=True)
            if kpi.name == WAITING.name and pair_service.startswith("Crisis")
        ),
        None,
    )
    if second is not None and crisis is not None:
        crisis.rebase_milestones.add(second)
    seed_comparisons(programme=programme, kpis=created, rng=rng)
    return created


def seed_comparisons(*, programme: Programme, kpis: list[Kpi], rng: random.Random) -> None:
    """The comparison services, their KPIs and values, and each programme KPI's comparison —
    through the services the comparison and KPI pages use."""
    from tandem.outcomes import services as outcome_services
    from tandem.programmes import services as programme_services

    chosen = []
    for locality_name, service_name in COMPARISONS:
        locality = programme_services.locality_get_or_create(
            organisation=programme.organisation, name=locality_name
        )
        chosen.append(
            programme_services.service_get_or_create(locality=locality, name=service_name)
        )
    outcome_services.comparison_services_set(programme=programme, services=chosen)
    periods = months()
    values: list[KpiValue] = []
    by_locality: dict[tuple[int, str], Kpi] = {}
    for service in chosen:
        for spec in COMPARISON_KPIS:
            kpi = outcome_services.kpi_create(
                service=service,
                name=spec.name,
                unit=spec.unit,
                direction=spec.direction,
                category=spec.category,
                frequency=Frequency.MONTHLY,
                target=spec.target,
                measure=spec.measure,
                seasonal=bool(spec.winter),
                programme=programme,
            )
            by_locality[(service.locality_id, spec.name)] = kpi
            better = 1 if spec.direction == Direction.UP else -1
            for number, period in enumerate(periods):
                drift = better * 0.02 * number * spec.spread
                raw = spec.level + spec.season(period) + drift + rng.gauss(0, spec.spread)
                raw = min(spec.high, max(spec.low, raw))
                value = float(round(raw)) if spec.measure == Measure.COUNT else round(raw, 1)
                values.append(KpiValue(kpi=kpi, period=period, value=value))
    KpiValue.objects.bulk_create(values)
    for kpi in Kpi.objects.filter(pk__in=[k.pk for k in kpis]).select_related("service"):
        match = by_locality.get((kpi.service.locality_id, kpi.name)) if kpi.service else None
        if match is not None:
            kpi.comparisons.add(match)
