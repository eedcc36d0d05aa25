"""Writes for setting up an organisation by hand: the organisation, a locality or service added by
form, and who administers it. Each in one transaction, audited; a ValidationError names the field."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import audit_record
from tandem.programmes.models import Locality, Organisation, OrganisationAdministrator, Service


@transaction.atomic
def locality_add(*, organisation: Organisation, name: str, actor: Any = None) -> Locality:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the locality's name."})
    existing = Locality.objects.filter(organisation=organisation, name__iexact=name).first()
    if existing is not None:
        raise ValidationError(
            {"name": f"{organisation.name} already has a locality called “{existing.name}”."}
        )
    locality = Locality.objects.create(organisation=organisation, name=name)
    audit_record(actor=actor, action="locality.create", subject=locality)
    return locality


@transaction.atomic
def service_add(*, locality: Locality, name: str, actor: Any = None) -> Service:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the service's name."})
    if locality.retired_at is not None:
        raise ValidationError({"locality": f"The locality “{locality.name}” has been retired."})
    existing = (
        Service.objects.filter(organisation_id=locality.organisation_id, name__iexact=name)
        .select_related("locality")
        .first()
    )
    if existing is not None:
        where = (
            "in this locality"
            if existing.locality_id == locality.pk
            else f"in {existing.locality.name}"
        )
        raise ValidationError({"name": f"There is already a service “{existing.name}” {where}."})
    service = Service.objects.create(
        locality=locality, organisation_id=locality.organisation_id, name=name
    )
    audit_record(actor=actor, action="service.create", subject=service)
    return service


@transaction.atomic
def administrator_grant(
    *, organisation: Organisation, email: str, name: str = "", actor: Any = None
) -> OrganisationAdministrator:
    """Let someone set up this organisation (an account is made for someone new)."""
    email = email.strip().lower()
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not name.strip():
            raise ValidationError(
                {"name": f"Nobody has an account with {email} yet: enter their full name."}
            )
        user = User.objects.create_user(email=email, full_name=name.strip())
    grant, created = OrganisationAdministrator.objects.get_or_create(
        organisation=organisation, user=user, defaults={"granted_by": actor}
    )
    if not created:
        raise ValidationError({"email": f"{email} already sets up {organisation.name}."})
    audit_record(actor=actor, action="organisation.administrator.grant", subject=grant)
    return grant


@transaction.atomic
def administrator_revoke(*, grant: OrganisationAdministrator, actor: Any = None) -> None:
    audit_record(actor=actor, action="organisation.administrator.revoke", subject=grant)
    grant.delete()
