"""Who may set up which organisation: superusers everywhere, organisation administrators at home.

An organisation administrator manages their organisation's localities, services and programmes
(creating a programme and naming its lead); they get no role in any programme by being one, so
they read no answers, notes or reports. Another organisation's objects are "not found" (404),
exactly like a programme one has no role in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tandem.programmes.models import Locality, Organisation, OrganisationAdministrator, Service


class OrganisationNotFound(Http404):
    """No such organisation, or the viewer does not administer it (the two look the same)."""


def is_superuser(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_superuser)


def organisations_for(*, viewer: Any) -> QuerySet[Organisation]:
    """The organisations the viewer may set up."""
    if not getattr(viewer, "is_authenticated", False):
        return Organisation.objects.none()
    if viewer.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(administrators__user=viewer).distinct()


def can_administer(*, viewer: Any, organisation: Organisation) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.is_superuser:
        return True
    return OrganisationAdministrator.objects.filter(organisation=organisation, user=viewer).exists()


def is_any_administrator(viewer: Any) -> bool:
    """Whether the viewer sets up at least one organisation (the header's link)."""
    return is_superuser(viewer) or (
        getattr(viewer, "is_authenticated", False)
        and OrganisationAdministrator.objects.filter(user=viewer).exists()
    )


def organisation_for(*, viewer: Any, slug: str) -> Organisation:
    """The organisation with this slug if the viewer administers it; else 404."""
    organisation = organisations_for(viewer=viewer).filter(slug=slug).first()
    if organisation is None:
        raise OrganisationNotFound("No such organisation.")
    return organisation


def organisation_locality(organisation: Organisation, locality_id: int) -> Locality:
    """One of the organisation's localities; 404 for another organisation's, as for its pages."""
    locality = Locality.objects.filter(organisation=organisation, pk=locality_id).first()
    if locality is None:
        raise OrganisationNotFound("No such locality.")
    return locality


def organisation_service(organisation: Organisation, service_id: int) -> Service:
    """One of the organisation's services, with its locality; 404 for another organisation's."""
    service = (
        Service.objects.filter(organisation=organisation, pk=service_id)
        .select_related("locality")
        .first()
    )
    if service is None:
        raise OrganisationNotFound("No such service.")
    return service
