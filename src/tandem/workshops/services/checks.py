"""Checks the workshops services share: text that must be given, and objects of this programme."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tandem.programmes.models import Participant, Programme
from tandem.workshops.models import AwayDay


def clean(text: str, field: str, label: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"Enter {label}."})
    return text


def check_away_day(programme: Programme, away_day: AwayDay) -> None:
    if away_day.programme_id != programme.pk:
        raise ValidationError({"away_day": "That away day belongs to another programme."})


def check_owner(programme: Programme, owner: Participant | None) -> None:
    if owner is not None and owner.programme_id != programme.pk:
        raise ValidationError({"owner": f"{owner.person.name} is not in this programme."})
    if owner is not None and owner.person.erased_at is not None:
        raise ValidationError(
            {"owner": f"{owner.person.name} has been withdrawn (their data was erased)."}
        )
