"""A pair's role agreement: versions written by the pair (or the lead), confirmed by each partner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.programmes.models import Pair, Participant
from tandem.workshops.models import AwayDay, Responsibility, RoleAgreement, RoleArea
from tandem.workshops.services.checks import check_away_day


@dataclass(frozen=True)
class AreaInput:
    area: str
    leads: str
    supports: str
    consulted: str = ""


@transaction.atomic
def role_agreement_record(
    *, pair: Pair, away_day: AwayDay, areas: Sequence[AreaInput]
) -> RoleAgreement:
    """A new version of the pair's role agreement. Neither partner has confirmed it yet."""
    check_away_day(pair.programme, away_day)
    seen: set[str] = set()
    for index, area in enumerate(areas, start=1):
        name = area.area.strip()
        if not name:
            raise ValidationError({"areas": f"Row {index}: enter the area's name."})
        if name.lower() in seen:
            raise ValidationError({"areas": f"Row {index}: “{name}” is listed twice."})
        seen.add(name.lower())
        for label, value in (("leads", area.leads), ("supports", area.supports)):
            if value not in Responsibility.values:
                raise ValidationError(
                    {"areas": f"Row {index} ({name}): “{value}” is not a choice for who {label}."}
                )
    if not areas:
        raise ValidationError({"areas": "Agree at least one area."})
    number = (RoleAgreement.objects.filter(pair=pair).aggregate(n=Max("number"))["n"] or 0) + 1
    agreement = RoleAgreement.objects.create(pair=pair, away_day=away_day, number=number)
    RoleArea.objects.bulk_create(
        RoleArea(
            agreement=agreement,
            position=position,
            area=area.area.strip(),
            leads=area.leads,
            supports=area.supports,
            consulted=area.consulted.strip(),
        )
        for position, area in enumerate(areas, start=1)
    )
    audit_record(
        action="role_agreement.record",
        subject=agreement,
        programme=pair.programme,
        extra={"pair": pair.pk, "version": number, "areas": len(areas)},
    )
    return agreement


@transaction.atomic
def role_agreement_confirm(
    *, agreement: RoleAgreement, participant: Participant, now: dt.datetime | None = None
) -> RoleAgreement:
    """One partner confirms the agreement; it counts as agreed when both have."""
    now = now or timezone.now()
    pair = agreement.pair
    if participant.pk == pair.doctor_id:
        agreement.doctor_confirmed_at = agreement.doctor_confirmed_at or now
        partner = "doctor"
    elif participant.pk == pair.manager_id:
        agreement.manager_confirmed_at = agreement.manager_confirmed_at or now
        partner = "manager"
    else:
        raise ValidationError("Only the two partners confirm their role agreement.")
    agreement.save(update_fields=["doctor_confirmed_at", "manager_confirmed_at"])
    audit_record(
        action="role_agreement.confirm",
        subject=agreement,
        programme=pair.programme,
        extra={"pair": pair.pk, "partner": partner, "agreed": agreement.agreed},
    )
    return agreement
