"""The Impact panel beside each KPI's SPC chart, and the same result in the API: an interrupted time
series at the programme's start, against the comparison the lead chose for leads and sponsors."""

from __future__ import annotations

import datetime as dt
import html
import re

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
    y, after = series(kpi)
    # An independent fit: quasi-Poisson as R's glm(family = quasipoisson) fits it.
    t = list(range(1, len(y) + 1))
    reference = sm.GLM(
        y, sm.add_constant(list(zip(t, after, strict=True))), family=sm.families.Poisson()
    ).fit(scale="X2")
    result = segmented_regression(y, after, family="quasipoisson")
    assert result.level_change.estimate == reference.params[2]
    sentence = describe_level_change(result, measure="emergency readmissions within 30 days")
    assert sentence in text
    assert "Against Learning Disability Service: the change in emergency readmissions" in text
    assert "Modelled as a count (quasi-Poisson regression; the change is a rate ratio)." in text
    assert "not proof that it caused it" in text
    figures = api(lead_client, demo, wards)[kpi.name]["impact"]
    assert figures["sentence"] == sentence
    assert figures["family"] == "quasipoisson"
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
