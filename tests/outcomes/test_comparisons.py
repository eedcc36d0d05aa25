"""Comparison services: services of the organisation the programme did not reach, whose KPIs the
lead keeps beside the programme's own so that a change can be compared with theirs.

Their figures are for the programme's leads and sponsors; a participant sees only their own
services, a coach none, and neither is shown a link to them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.audit.models import AuditEvent
from tandem.outcomes import services
from tandem.outcomes.importer import plan_kpi_import
from tandem.outcomes.models import ComparisonService, Kpi, Measure
from tandem.programmes.models import Locality, Service


def base(demo) -> str:
    return f"/programmes/{demo.programme.slug}/outcomes/"


def comparison(demo) -> Service:
    return Service.objects.get(name="Psychological Therapies Service")


def test_the_demo_has_a_comparison_service_in_each_locality_with_kpis(demo) -> None:
    chosen = ComparisonService.objects.filter(programme=demo.programme)
    assert sorted(c.service.locality.name for c in chosen) == [
        "Riverside North",
        "Riverside South",
        "The Fells",
    ]
    waiting = Kpi.objects.get(
        service__name="North Community Mental Health Team",
        name="Waiting time to first assessment",
    )
    assert [k.service.name for k in waiting.comparisons.all()] == [
        "Psychological Therapies Service"
    ]
    assert Kpi.objects.get(service=comparison(demo), name=waiting.name).values.count() == 36


@pytest.mark.parametrize("who", ["lead_client", "sponsor_client"])
def test_leads_and_sponsors_see_the_comparison_services(who, demo, request) -> None:
    client: Client = request.getfixturevalue(who)
    index = client.get(base(demo)).content.decode()
    assert "<h2>Comparison services</h2>" in index
    page = client.get(f"{base(demo)}services/{comparison(demo).pk}/")
    assert page.status_code == 200
    assert "Psychological Therapies Service: outcomes" in page.content.decode()


def test_a_participant_neither_sees_nor_reaches_the_comparison_services(
    participant_client: Client, demo
) -> None:
    index = participant_client.get(base(demo)).content.decode()
    assert "Comparison services" not in index
    assert "Psychological Therapies Service" not in index
    page = participant_client.get(f"{base(demo)}services/{comparison(demo).pk}/")
    assert page.status_code == 403
    kpi = Kpi.objects.filter(service=comparison(demo)).first()
    assert kpi is not None
    api = f"/api/v1/programmes/{demo.programme.slug}/outcomes/services/{comparison(demo).pk}/kpis"
    assert participant_client.get(api).status_code == 403


def test_a_coach_does_not_reach_the_comparison_services(coach_client: Client, demo) -> None:
    assert coach_client.get(f"{base(demo)}services/{comparison(demo).pk}/").status_code == 403


def test_only_the_lead_chooses_the_comparison_services(
    lead_client: Client, sponsor_client: Client, demo
) -> None:
    url = f"{base(demo)}comparisons/"
    assert sponsor_client.get(url).status_code == 403
    page = " ".join(lead_client.get(url).content.decode().split())
    assert f'type="checkbox" value="{comparison(demo).pk}" checked' in page
    own = Service.objects.get(name="North Community Mental Health Team")
    assert f'value="{own.pk}"' not in page, "a programme service is not offered"
    response = lead_client.post(url, {"services": [str(comparison(demo).pk)]})
    assert response.status_code == 302
    assert [c.service for c in ComparisonService.objects.filter(programme=demo.programme)] == [
        comparison(demo)
    ]
    event = AuditEvent.objects.filter(action="outcomes.comparisons_set").latest("pk")
    assert event.extra == {"services": [comparison(demo).pk]}
    refused = lead_client.post(url, {"services": [str(own.pk)]})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()


def test_a_programme_service_cannot_be_its_own_comparison(demo) -> None:
    own = Service.objects.get(name="North Community Mental Health Team")
    with pytest.raises(ValidationError, match="is in the programme"):
        services.comparison_services_set(programme=demo.programme, services=[own])


def test_the_lead_gives_a_comparison_service_a_kpi_and_links_it(lead_client: Client, demo) -> None:
    locality = Locality.objects.get(name="Riverside North")
    extra = Service.objects.create(
        organisation=demo.programme.organisation, locality=locality, name="Veterans Service"
    )
    services.comparison_services_set(programme=demo.programme, services=[comparison(demo), extra])
    form = lead_client.get(f"{base(demo)}kpis/new/").content.decode()
    assert "Veterans Service (Riverside North): comparison" in form
    response = lead_client.post(
        f"{base(demo)}kpis/new/",
        {
            "owner": f"service-{extra.pk}",
            "name": "Emergency admissions",
            "direction": "down",
            "category": "capacity",
            "frequency": "monthly",
            "measure": "count",
        },
    )
    assert response.status_code == 302, response.content.decode()
    theirs = Kpi.objects.get(service=extra, name="Emergency admissions")
    assert theirs.measure == Measure.COUNT
    own = Kpi.objects.get(service__name="North Community Mental Health Team", name="Staff sickness")
    settings_page = lead_client.get(f"{base(demo)}kpis/{own.pk}/").content.decode()
    assert "Emergency admissions, Veterans Service" in settings_page
    response = lead_client.post(
        f"{base(demo)}kpis/{own.pk}/",
        {
            "name": own.name,
            "unit": own.unit,
            "direction": own.direction,
            "category": own.category,
            "frequency": own.frequency,
            "measure": "value",
            "comparisons": [str(theirs.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert list(own.comparisons.all()) == [theirs]


def test_comparison_values_are_imported_like_the_programmes_own(demo) -> None:
    data = (
        b"service,kpi,period,value\r\n"
        b"Psychological Therapies Service,Staff sickness,2026-11,4.2\r\n"
        b"Nowhere Team,Staff sickness,2026-11,4.2\r\n"
    )
    plan = plan_kpi_import(programme=demo.programme, data=data, filename="kpis.csv")
    problems = {(e.row, e.column): e.message for e in plan.errors}
    assert problems == {
        (3, "service"): "“Nowhere Team” is not a service of this programme or one of its "
        "comparison services."
    }
