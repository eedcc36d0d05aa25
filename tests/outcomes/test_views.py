"""Outcome pages for every role: who may see which service's KPIs, who may change them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tandem.outcomes.models import Kpi, KpiValue
from tandem.programmes.models import Service


def base(demo) -> str:
    return f"/programmes/{demo.programme.slug}/outcomes/"


def own_service(demo) -> Service:
    # Dr Amara Okafor (the participant client) leads this one with Anna Kowalski.
    return Service.objects.get(name="North Community Mental Health Team")


def other_service(demo) -> Service:
    return Service.objects.get(name="Acute Inpatient Wards")


def a_kpi(demo) -> Kpi:
    return Kpi.objects.filter(service=own_service(demo)).order_by("pk").first()  # type: ignore[return-value]


URLS = {
    "index": lambda demo: base(demo),
    "own service": lambda demo: f"{base(demo)}services/{own_service(demo).pk}/",
    "other service": lambda demo: f"{base(demo)}services/{other_service(demo).pk}/",
    "new KPI": lambda demo: f"{base(demo)}kpis/new/",
    "KPI settings": lambda demo: f"{base(demo)}kpis/{a_kpi(demo).pk}/",
    "KPI values": lambda demo: f"{base(demo)}kpis/{a_kpi(demo).pk}/values/",
    "import": lambda demo: f"{base(demo)}import/",
    "import template": lambda demo: f"{base(demo)}import/template.csv",
}
ROLES = ("lead_client", "sponsor_client", "participant_client", "coach_client", "outsider_client")
EXPECTED = {
    #                  lead sponsor participant coach outsider
    "index":          (200, 200, 200, 403, 404),
    "own service":    (200, 200, 200, 403, 404),
    "other service":  (200, 200, 403, 403, 404),
    "new KPI":        (200, 403, 403, 403, 404),
    "KPI settings":   (200, 403, 403, 403, 404),
    "KPI values":     (200, 403, 403, 403, 404),
    "import":         (200, 403, 403, 403, 404),
    "import template": (200, 403, 403, 403, 404),
}  # fmt: skip


@pytest.mark.parametrize(
    ("page", "who", "status"),
    [(page, who, EXPECTED[page][i]) for page in URLS for i, who in enumerate(ROLES)],
)
def test_who_may_open_each_page(request, demo, page: str, who: str, status: int) -> None:
    client: Client = request.getfixturevalue(who)
    assert client.get(URLS[page](demo)).status_code == status


@pytest.mark.parametrize("page", list(URLS))
def test_logged_out_visitors_are_sent_to_log_in(client: Client, demo, page: str) -> None:
    response = client.get(URLS[page](demo))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_kpi_of_another_programme_is_not_found(lead_client: Client, demo) -> None:
    from tests.factories import ProgrammeFactory

    other = ProgrammeFactory()
    service = Service.objects.exclude(organisation=demo.programme.organisation).first()
    if service is None:
        from tandem.programmes.services import locality_get_or_create, service_get_or_create

        service = service_get_or_create(
            locality=locality_get_or_create(organisation=other.organisation, name="Elsewhere"),
            name="Elsewhere CMHT",
        )
    foreign = Kpi.objects.create(
        organisation=service.organisation,
        service=service,
        name="Foreign",
        direction="up",
        category="quality",
    )
    assert lead_client.get(f"{base(demo)}kpis/{foreign.pk}/").status_code == 404
    assert lead_client.get(f"{base(demo)}services/{service.pk}/").status_code == 404


def test_participant_sees_only_their_own_services_on_the_index(
    participant_client: Client, demo
) -> None:
    body = participant_client.get(base(demo)).content.decode()
    assert "North Community Mental Health Team" in body
    assert "Acute Inpatient Wards" not in body


def test_service_page_shows_summary_charts_and_data_tables(
    sponsor_client: Client, demo, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(20):
        response = sponsor_client.get(URLS["own service"](demo))
    body = response.content.decode()
    assert "Summary of this service&#39;s KPIs" in body or "Summary of this service's KPIs" in body
    assert body.count("<svg") >= 5
    assert "Waiting time to first assessment" in body
    assert "Data table" in body
    assert "Baseline stock take" in body  # the milestones' key under each chart
    assert "set on the 15 values before the programme began" in body
    # Sponsors see the charts but not the lead's links.
    assert "/kpis/new/" not in body


def test_lead_adds_a_kpi_and_a_value_by_hand(lead_client: Client, demo) -> None:
    service = own_service(demo)
    response = lead_client.post(
        f"{base(demo)}kpis/new/",
        {
            "owner": f"service-{service.pk}",
            "name": "Delayed discharges",
            "unit": "people",
            "direction": "down",
            "category": "capacity",
            "frequency": "monthly",
            "target": "3",
        },
    )
    kpi = Kpi.objects.get(service=service, name="Delayed discharges")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/kpis/{kpi.pk}/values/")
    lead_client.post(response["Location"], {"period": "2026-03-17", "value": "4"})
    lead_client.post(response["Location"], {"period": "2026-03-02", "value": "5"})
    assert list(KpiValue.objects.filter(kpi=kpi).values_list("period", "value")) == [
        (dt.date(2026, 3, 1), 5.0)
    ]


def test_a_duplicate_kpi_name_is_refused_with_a_message(lead_client: Client, demo) -> None:
    service = own_service(demo)
    response = lead_client.post(
        f"{base(demo)}kpis/new/",
        {
            "owner": f"service-{service.pk}",
            "name": "waiting time to first assessment",
            "direction": "down",
            "category": "performance",
            "frequency": "monthly",
        },
    )
    assert response.status_code == 400
    assert "already has a KPI called" in response.content.decode()


def test_lead_marks_a_rebase_milestone_and_the_chart_gets_a_second_segment(
    lead_client: Client, demo
) -> None:
    kpi = a_kpi(demo)
    milestone = demo.programme.milestones.get(title="First away day")
    response = lead_client.post(
        f"{base(demo)}kpis/{kpi.pk}/",
        {
            "name": kpi.name,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "category": kpi.category,
            "frequency": kpi.frequency,
            "target": "",
            "rebase_milestones": [str(milestone.pk)],
        },
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.target is None
    assert list(kpi.rebase_milestones.all()) == [milestone]
    body = lead_client.get(URLS["own service"](demo)).content.decode()
    assert "re-based, with new limits from May 2025" in body


def test_index_lists_services_in_a_fixed_number_of_queries(
    lead_client: Client, demo, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(20):
        body = lead_client.get(base(demo)).content.decode()
    programme, comparisons = body.split("<h2>Comparison services</h2>")
    assert programme.count("/outcomes/services/") == 12
    assert comparisons.count("/outcomes/services/") == 3


def test_weekly_kpi_values_are_stored_on_the_monday(lead_client: Client, demo) -> None:
    service = own_service(demo)
    lead_client.post(
        f"{base(demo)}kpis/new/",
        {
            "owner": f"service-{service.pk}",
            "name": "Weekly discharges",
            "direction": "up",
            "category": "capacity",
            "frequency": "weekly",
        },
    )
    kpi = Kpi.objects.get(service=service, name="Weekly discharges")
    # Thursday 12 March 2026 is in the week starting Monday 9 March.
    lead_client.post(f"{base(demo)}kpis/{kpi.pk}/values/", {"period": "2026-03-12", "value": "7"})
    assert list(KpiValue.objects.filter(kpi=kpi).values_list("period", flat=True)) == [
        dt.date(2026, 3, 9)
    ]


def test_only_the_lead_deletes_a_value(lead_client: Client, sponsor_client: Client, demo) -> None:
    kpi = a_kpi(demo)
    stored = KpiValue.objects.filter(kpi=kpi).order_by("period").first()
    assert stored is not None
    url = f"{base(demo)}kpis/{kpi.pk}/values/{stored.pk}/delete/"
    assert sponsor_client.post(url).status_code == 403
    assert lead_client.get(url).status_code == 405
    assert lead_client.post(url).status_code == 302
    assert not KpiValue.objects.filter(pk=stored.pk).exists()
    other = KpiValue.objects.exclude(kpi=kpi).first()
    assert other is not None
    wrong = f"{base(demo)}kpis/{kpi.pk}/values/{other.pk}/delete/"
    assert lead_client.post(wrong).status_code == 404
