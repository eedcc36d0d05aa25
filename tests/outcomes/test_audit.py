"""KPI writes are audited under the programme whose pages made them; refused ones are not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.audit.models import AuditEvent
from tandem.outcomes import selectors, services
from tandem.outcomes.models import Kpi, KpiValue
from tandem.programmes.models import Service

pytestmark = pytest.mark.django_db


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _new(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def _kpi(demo) -> Kpi:
    kpi = Kpi.objects.filter(
        service__in=list(selectors.programme_services(programme=demo.programme))
    ).first()
    assert kpi is not None
    return kpi


def _service(demo) -> Service:
    return _kpi(demo).service


def test_kpi_create_set_and_delete_are_each_one_event(demo) -> None:
    since = _last()
    kpi = services.kpi_create(
        service=_service(demo),
        name="Theatre starts on time",
        direction="up",
        category="performance",
        programme=demo.programme,
    )
    value = services.kpi_value_set(
        kpi=kpi, period=dt.date(2025, 3, 14), value=81, programme=demo.programme
    )
    services.kpi_value_delete(value=value, programme=demo.programme)
    events = _new(since)
    assert [e.action for e in events] == ["kpi.create", "kpi_value.set", "kpi_value.delete"]
    assert all(e.programme_id == demo.programme.pk for e in events)
    assert events[0].subject_id == str(kpi.pk)
    assert events[1].extra == {"kpi": kpi.pk, "period": "2025-03-01", "value": 81.0, "new": True}


def test_a_refused_kpi_leaves_no_event(demo) -> None:
    existing = _kpi(demo)
    since = _last()
    with pytest.raises(ValidationError):
        services.kpi_create(
            service=existing.service,
            name=existing.name,
            direction="up",
            category="performance",
            programme=demo.programme,
        )
    assert _new(since) == []


def test_editing_a_kpi_on_its_page_is_one_event(lead_client: Client, demo) -> None:
    kpi = _kpi(demo)
    url = f"/programmes/{demo.programme.slug}/outcomes/kpis/{kpi.pk}/values/"
    since = _last()
    response = lead_client.post(url, {"period": "2025-04-01", "value": "12"})
    assert response.status_code == 302
    events = _new(since)
    assert [e.action for e in events] == ["kpi_value.set"]
    assert events[0].programme_id == demo.programme.pk
    stored = KpiValue.objects.get(pk=events[0].subject_id)
    assert stored.value == 12
