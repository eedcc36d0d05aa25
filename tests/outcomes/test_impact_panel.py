"""The Impact panel beside each KPI's SPC chart, and the same result in the API: an interrupted time
series at the programme's start, against the comparison the lead chose for leads and sponsors."""

from __future__ import annotations

import datetime as dt
import html
import math
import re

import pytest
import statsmodels.api as sm
from django.test import Client

from tandem.analysis.impact import describe_level_change, segmented_regression
from tandem.outcomes import services
from tandem.outcomes.models import Kpi, KpiValue, Measure
from tandem.programmes.models import Service


def page_text(client: Client, demo, service: Service) -> str:
    body = client.get(f"/programmes/{demo.programme.slug}/outcomes/services/{service.pk}/")
    assert body.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body.content.decode())).split())


def api(client: Client, demo, service: Service) -> dict[str, dict]:
    url = f"/api/v1/programmes/{demo.programme.slug}/outcomes/services/{service.pk}/kpis"
    return {item["name"]: item for item in client.get(url).json()["items"]}


def series(kpi: Kpi) -> tuple[list[float], list[int]]:
    rows = list(KpiValue.objects.filter(kpi=kpi).order_by("period").values_list("period", "value"))
    start = kpi.service.pairs.get().programme.start_date
    return [v for _, v in rows], [int(p >= start) for p, _ in rows]


def test_the_lead_reads_the_change_against_the_earlier_trend_and_the_comparison(
    lead_client: Client, demo
) -> None:
    wards = Service.objects.get(name="Acute Inpatient Wards")
    text = page_text(lead_client, demo, wards)
    kpi = Kpi.objects.get(service=wards, name="Emergency readmissions within 30 days")
    assert kpi.measure == Measure.COUNT
    assert kpi.seasonal, "the demo's readmissions peak in winter"
    y, after = series(kpi)
    months = list(
        KpiValue.objects.filter(kpi=kpi).order_by("period").values_list("period__month", flat=True)
    )
    # An independent fit: quasi-Poisson as R's glm(family = quasipoisson) fits it, with two
    # pairs of Fourier terms of the month written out here (tsModel::harmonic(month, 2, 12)).
    t = list(range(1, len(y) + 1))
    fourier = [
        [f(2 * math.pi * k * m / 12) for k in (1, 2) for f in (math.sin, math.cos)] for m in months
    ]
    design = sm.add_constant([[ti, ai, *fi] for ti, ai, fi in zip(t, after, fourier, strict=True)])
    reference = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
    result = segmented_regression(
        y, after, family="quasipoisson", season=months, harmonics=2, period=12
    )
    assert result.level_change.estimate == pytest.approx(reference.params[2], abs=1e-10)
    assert result.level_change.ci_low == pytest.approx(reference.conf_int()[2][0], abs=1e-8)
    assert "The season is allowed for" in text
    sentence = describe_level_change(result, measure="emergency readmissions within 30 days")
    assert sentence in text
    assert "Against Learning Disability Service: the change in emergency readmissions" in text
    assert "Modelled as a count (quasi-Poisson regression; the change is a rate ratio)." in text
    assert "not proof that it caused it" in text
    figures = api(lead_client, demo, wards)[kpi.name]["impact"]
    assert figures["sentence"] == sentence
    assert figures["family"] == "quasipoisson" and figures["seasonal"] is True
    assert figures["result"]["level_change"]["rate_ratio"] == result.level_change.rate_ratio
    assert figures["comparisons"][0]["comparison"] == (
        "Emergency readmissions within 30 days, Learning Disability Service"
    )


def test_a_participant_sees_the_impact_but_not_the_comparison_services(
    participant_client: Client, demo
) -> None:
    own = Service.objects.get(name="North Community Mental Health Team")
    text = page_text(participant_client, demo, own)
    assert "Impact: compared with the earlier trend" in text
    assert "earlier trend predicted" in text
    assert "Against " not in text and "Psychological Therapies Service" not in text
    figures = api(participant_client, demo, own)
    assert all(item["impact"]["comparisons"] == [] for item in figures.values())


def test_too_few_values_or_a_missing_month_say_what_is_needed(lead_client: Client, demo) -> None:
    own = Service.objects.get(name="North Community Mental Health Team")
    kpi = services.kpi_create(
        service=own, name="Complaints", direction="down", category="quality", measure="count"
    )
    start = demo.programme.start_date  # 13 January 2025: January's value is the last before it
    for months in range(-5, 3):
        year, month = divmod(start.month - 1 + months, 12)
        services.kpi_value_set(kpi=kpi, period=dt.date(start.year + year, month + 1, 1), value=3)
    text = page_text(lead_client, demo, own)
    assert (
        "Not enough values yet: an interrupted time series needs at least 8 before the programme "
        "began and 8 after; this KPI has 6 before and 2 after."
    ) in text
    gappy = services.kpi_create(service=own, name="Discharges", direction="up", category="capacity")
    for months in [*range(-10, -3), *range(-2, 10)]:  # October 2024 missing
        year, month = divmod(start.month - 1 + months, 12)
        services.kpi_value_set(kpi=gappy, period=dt.date(start.year + year, month + 1, 1), value=9)
    text = page_text(lead_client, demo, own)
    assert (
        "A value is missing for October 2024: an interrupted time series needs one for every month."
        in text
    )


def test_the_lead_marks_a_kpi_seasonal_and_the_panel_allows_for_the_season(
    lead_client: Client, demo
) -> None:
    own = Service.objects.get(name="North Community Mental Health Team")
    kpi = Kpi.objects.get(service=own, name="Staff sickness")
    assert not kpi.seasonal
    before = api(lead_client, demo, own)[kpi.name]["impact"]
    assert any("not modelled for this KPI" in c for c in before["caveats"])
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/outcomes/kpis/{kpi.pk}/",
        {
            "name": kpi.name,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "category": kpi.category,
            "frequency": kpi.frequency,
            "measure": "value",
            "seasonal": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    kpi.refresh_from_db()
    assert kpi.seasonal
    y, after = series(kpi)
    months = list(
        KpiValue.objects.filter(kpi=kpi).order_by("period").values_list("period__month", flat=True)
    )
    expected = segmented_regression(y, after, season=months, harmonics=2, period=12)
    after_edit = api(lead_client, demo, own)[kpi.name]["impact"]
    assert after_edit["seasonal"] is True
    assert after_edit["result"]["level_change"] == expected.level_change.as_dict()
    assert after_edit["result"]["level_change"] != before["result"]["level_change"]
    assert "The season is allowed for" in page_text(lead_client, demo, own)


def test_a_comparison_with_a_month_missing_in_between_says_so_rather_than_closing_the_gap(
    lead_client: Client, demo
) -> None:
    wards = Service.objects.get(name="Acute Inpatient Wards")
    kpi = Kpi.objects.get(service=wards, name="Emergency readmissions within 30 days")
    other = kpi.comparisons.get()
    hole = KpiValue.objects.filter(kpi=other).order_by("period")[10]
    month = hole.period
    hole.delete()
    figures = api(lead_client, demo, wards)[kpi.name]["impact"]["comparisons"][0]
    assert figures["result"] is None
    assert figures["error"] == (
        f"{other.owner_name} has no value for {month:%B %Y}: a controlled comparison needs both "
        "series for every period. Add it, then the comparison appears."
    )
