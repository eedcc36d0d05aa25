"""Writes for service outcomes: each one keyword-only, in one transaction (docs/style.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import audit_record
from tandem.outcomes.importer import KpiImportPlan, normalise_period
from tandem.outcomes.models import Kpi, KpiValue
from tandem.programmes.models import Locality, Milestone, Programme, Service


@transaction.atomic
def kpi_create(
    *,
    service: Service | None = None,
    locality: Locality | None = None,
    name: str,
    unit: str = "",
    direction: str,
    category: str,
    frequency: str = "monthly",
    target: float | None = None,
    rebase_milestones: Iterable[Milestone] | None = None,
    programme: Programme | None = None,
    measure: str = "value",
    comparisons: Iterable[Kpi] | None = None,
    seasonal: bool = False,
) -> Kpi:
    """A new KPI of one service or locality. `programme` is the programme whose pages made it:
    KPIs belong to the organisation, so the audit event needs telling which programme to file
    the change under."""
    owner = service or locality
    if owner is None or (service is not None and locality is not None):
        raise ValidationError("A KPI belongs to either one service or one locality.")
    name = " ".join(name.split())
    same_name = Kpi.objects.filter(name__iexact=name)
    if same_name.filter(service=service, locality=locality).exists():
        raise ValidationError({"name": f"{owner} already has a KPI called “{name}”."})
    kpi = Kpi(
        organisation_id=owner.organisation_id,
        service=service,
        locality=locality,
        name=name,
        unit=unit.strip(),
        direction=direction,
        category=category,
        frequency=frequency,
        target=target,
        measure=measure,
        seasonal=seasonal,
    )
    kpi.full_clean()
    kpi.save()
    if rebase_milestones is not None:
        kpi.rebase_milestones.set(list(rebase_milestones))
    if comparisons is not None:
        kpi.comparisons.set(list(comparisons))
    audit_record(
        action="kpi.create",
        subject=kpi,
        programme=programme,
        extra={"service": kpi.service_id, "locality": kpi.locality_id},
    )
    return kpi


@transaction.atomic
def kpi_update(
    *,
    kpi: Kpi,
    rebase_milestones: Iterable[Milestone] | None = None,
    programme: Programme | None = None,
    comparisons: Iterable[Kpi] | None = None,
    **fields: Any,
) -> Kpi:
    allowed = {
        "name",
        "unit",
        "direction",
        "category",
        "frequency",
        "target",
        "measure",
        "seasonal",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} on a KPI.")
    if "name" in fields:
        fields["name"] = " ".join(str(fields["name"]).split())
        clash = (
            Kpi.objects.filter(
                name__iexact=fields["name"], service=kpi.service, locality=kpi.locality
            )
            .exclude(pk=kpi.pk)
            .exists()
        )
        if clash:
            raise ValidationError({"name": f"{kpi.owner_name} already has a KPI with that name."})
    for name, value in fields.items():
        setattr(kpi, name, value)
    kpi.full_clean()
    kpi.save()
    if rebase_milestones is not None:
        kpi.rebase_milestones.set(list(rebase_milestones))
    if comparisons is not None:
        kpi.comparisons.set(list(comparisons))
    audit_record(
        action="kpi.update",
        subject=kpi,
        programme=programme,
        extra={
            "fields": sorted(fields),
            "milestones_set": rebase_milestones is not None,
            "comparisons": None if comparisons is None else sorted(k.pk for k in comparisons),
        },
    )
    return kpi


@transaction.atomic
def kpi_value_set(
    *, kpi: Kpi, period: dt.date, value: float, programme: Programme | None = None
) -> KpiValue:
    """Record (or correct) the KPI's value for a period, keyed as the KPI's frequency says."""
    key = normalise_period(period, kpi.frequency)
    stored, created = KpiValue.objects.update_or_create(
        kpi=kpi, period=key, defaults={"value": float(value)}
    )
    # A service-level figure, not anyone's confidential answer: the value may go in the log,
    # so a correction shows what it was corrected to.
    audit_record(
        action="kpi_value.set",
        subject=stored,
        programme=programme,
        extra={"kpi": kpi.pk, "period": key.isoformat(), "value": stored.value, "new": created},
    )
    return stored


@transaction.atomic
def kpi_value_delete(*, value: KpiValue, programme: Programme | None = None) -> None:
    audit_record(
        action="kpi_value.delete",
        subject=value,
        programme=programme,
        extra={"kpi": value.kpi_id, "period": value.period.isoformat()},
    )
    value.delete()


@transaction.atomic
def kpi_values_import_commit(*, programme: Programme, plan: KpiImportPlan, actor: Any) -> int:
    """Write a checked file of KPI values, all or nothing; returns how many were added."""
    if not plan.is_valid:
        raise ValidationError("The file has problems; nothing was imported.")
    new = [
        KpiValue(kpi=planned.kpi, period=planned.period, value=planned.value)
        for planned in plan.values
        if planned.action == "new"
    ]
    KpiValue.objects.bulk_create(new)
    audit_record(
        actor=actor,
        action="outcomes.import",
        programme=programme,
        subject_type="outcomes.kpivalue",
        extra={"file": plan.filename, "added": len(new), "unchanged": plan.count("unchanged")},
    )
    return len(new)


@transaction.atomic
def comparison_services_set(
    *, programme: Programme, services: Iterable[Service], actor: Any = None
) -> list[Service]:
    """Mark exactly `services` as the programme's comparison services (audited).

    Only services of the programme's organisations that none of its pairs leads can be
    comparisons; a service later paired in the programme stops being one by itself."""
    from tandem.outcomes.models import ComparisonService
    from tandem.outcomes.selectors import programme_services

    chosen = list(services)
    own = set(programme_services(programme=programme).values_list("pk", flat=True))
    wrong = [s for s in chosen if s.pk in own]
    if wrong:
        raise ValidationError(
            f"{wrong[0].name} is in the programme, so it cannot also be a comparison."
        )
    ComparisonService.objects.filter(programme=programme).exclude(service__in=chosen).delete()
    for service in chosen:
        ComparisonService.objects.get_or_create(programme=programme, service=service)
    audit_record(
        action="outcomes.comparisons_set",
        subject=programme,
        programme=programme,
        actor=actor,
        extra={"services": sorted(s.pk for s in chosen)},
    )
    return chosen
