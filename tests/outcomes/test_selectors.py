"""The outcomes selectors on the demo: charts with baselines before the start, and KPI shifts."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem import demo as demo_module
from tandem.outcomes import selectors
from tandem.outcomes.demo import MONTHS, effect_for, kpis_for
from tandem.outcomes.models import Kpi, KpiValue
from tandem.programmes.models import Pair
from tandem.programmes.selectors import ProgrammeAccessDenied, ProgrammeNotFound

from ..conftest import participant_named


def user(demo, name: str):
    return participant_named(demo, name).person.user


def test_demo_has_36_months_of_five_or_six_kpis_per_service(demo) -> None:
    kpis = Kpi.objects.filter(service__pairs__programme=demo.programme).distinct()
    per_service = {}
    for kpi in kpis:
        per_service[kpi.service_id] = per_service.get(kpi.service_id, 0) + 1
    assert len(per_service) == 12
    assert set(per_service.values()) == {5, 6}
    assert {KpiValue.objects.filter(kpi=k).count() for k in kpis} == {MONTHS}


def test_kpi_shifts_show_improvements_after_the_start_and_one_concern(demo) -> None:
    shifts = selectors.kpi_shifts_for(
        viewer=user(demo, "Priya Sandhu"), programme=demo.programme, draw=False
    )
    assert len(shifts) == Kpi.objects.filter(service__pairs__programme=demo.programme).count()
    pairs = Pair.objects.filter(programme=demo.programme).select_related("service").order_by("pk")
    designed = {
        (pair.service.name, spec.name): effect_for(index, number)
        for index, pair in enumerate(pairs)
        for number, spec in enumerate(kpis_for(pair.service.name, index))
    }
    improving = [s for s in shifts if designed[(s.service, s.name)] > 0]
    assert len(improving) >= len(shifts) // 2
    for shift in improving:
        # A designed shift of 2.5 spreads: SPC flags it, and the mean moved the right way.
        assert shift.improvement_after_start, shift.name
        assert shift.change is not None
        assert (shift.change > 0) == (shift.direction == "up")
    wards_agency = next(
        s for s in shifts if s.service == "Acute Inpatient Wards" and s.name == "Agency spend"
    )
    assert wards_agency.concern_after_start
    assert wards_agency.mean_after > wards_agency.mean_before  # type: ignore[operator]
    assert all(s.periods_before == 15 and s.periods_after == 21 for s in shifts)
    assert all(s.svg == "" for s in shifts)


def test_participants_see_shifts_for_their_own_services_only(demo) -> None:
    shifts = selectors.kpi_shifts_for(
        viewer=user(demo, "Dr Amara Okafor"), programme=demo.programme
    )
    assert {s.service for s in shifts} == {"North Community Mental Health Team"}
    assert all(s.svg.startswith("<svg") for s in shifts)


def test_coaches_and_outsiders_are_refused(demo, outsider_client) -> None:
    with pytest.raises(ProgrammeAccessDenied):
        selectors.kpi_shifts_for(viewer=user(demo, "Nadia Foster"), programme=demo.programme)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ProgrammeNotFound):
        selectors.kpi_shifts_for(viewer=AnonymousUser(), programme=demo.programme)


def test_chart_limits_rest_on_the_months_before_the_start(demo) -> None:
    kpi = Kpi.objects.filter(service__name="Memory Assessment Service").first()
    assert kpi is not None
    drawn = selectors.kpi_chart(programme=demo.programme, kpi=kpi, draw=False)
    before = list(
        KpiValue.objects.filter(kpi=kpi, period__lt=demo.programme.start_date).values_list(
            "value", flat=True
        )
    )
    assert drawn.baseline_points == 15
    assert drawn.chart is not None
    assert drawn.chart.segments[0].mean == pytest.approx(sum(before) / 15)


def test_a_rebase_before_the_start_shortens_the_baseline(demo) -> None:
    kpi = Kpi.objects.filter(service__name="Memory Assessment Service").first()
    assert kpi is not None
    early = demo.programme.milestones.create(
        kind="feedback", title="Early review", start_date=dt.date(2024, 6, 10)
    )
    kpi.rebase_milestones.add(early)
    drawn = selectors.kpi_chart(programme=demo.programme, kpi=kpi, draw=False)
    assert drawn.error is None
    assert drawn.baseline_points == 8  # Nov 2023 … Jun 2024
    assert [s.start for s in drawn.chart.segments] == [dt.date(2023, 11, 1), dt.date(2024, 7, 1)]  # type: ignore[union-attr]


def test_too_few_values_is_a_message_not_an_error(demo) -> None:
    kpi = Kpi.objects.filter(service__name="Memory Assessment Service").first()
    assert kpi is not None
    KpiValue.objects.filter(kpi=kpi).exclude(period=dt.date(2026, 1, 1)).delete()
    drawn = selectors.kpi_chart(programme=demo.programme, kpi=kpi)
    assert drawn.chart is None
    assert "at least 2" in (drawn.error or "")


def test_demo_is_deterministic(demo) -> None:
    first = list(
        KpiValue.objects.filter(kpi__service__name="Liaison Psychiatry")
        .order_by("kpi__name", "period")
        .values_list("value", flat=True)
    )
    demo_module.demo_reset()
    demo_module.seed_demo(password="x")
    second = list(
        KpiValue.objects.filter(kpi__service__name="Liaison Psychiatry")
        .order_by("kpi__name", "period")
        .values_list("value", flat=True)
    )
    assert first == second
