"""Writes for setting up an organisation: its localities and services (added by form or from a
spreadsheet, renamed, moved, retired, restored) and who administers it. Each keyword-only, in
one transaction, audited.

Localities and services are retired, never deleted: past programmes, pairs and KPIs still name
them. A ValidationError names the field a form shows it on (`name`, `locality`). Callers check
who may set up the organisation first (`tandem.programmes.organisations.organisation_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.programmes.importer.services_table import MAX_NAME_LENGTH, ServicesPlan
from tandem.programmes.models import Locality, Organisation, OrganisationAdministrator, Service


@dataclass(frozen=True)
class ServicesImportResult:
    localities_added: int
    services_added: int
    unchanged: int

    def sentence(self) -> str:
        def some(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        if not (self.localities_added or self.services_added):
            return f"Nothing added: the file's {some(self.unchanged, 'service', 'services')} already exist"
        return (
            f"Added {some(self.localities_added, 'locality', 'localities')} and "
            f"{some(self.services_added, 'service', 'services')}"
        )


@contextmanager
def _name_taken(field: str, message: Callable[[], str]) -> Iterator[None]:
    """A concurrent write that took the name first: the same error as the check before it."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationError({field: message()}) from exc


@transaction.atomic
def services_import_commit(
    *, organisation: Organisation, plan: ServicesPlan, actor: Any = None
) -> ServicesImportResult:
    """Write a checked list of localities and services, all or nothing.

    Refuses a plan with errors, or one checked for another organisation. The plan may be stale
    (another administrator added a service between preview and confirm): the database's
    one-name-per-organisation constraints then refuse the whole import.
    """
    if plan.organisation_id != organisation.pk:
        raise ValidationError("This list was checked for another organisation; nothing was added.")
    if not plan.is_valid:
        raise ValidationError("The list of services has problems; nothing was added.")
    localities = {
        locality.name.lower(): locality
        for locality in Locality.objects.filter(organisation=organisation)
    }
    localities_added = services_added = 0
    stale = "The organisation's services changed since the file was checked; upload it again."
    with _name_taken("service", lambda: stale):
        for row in plan.rows:
            locality = localities.get(row.locality.lower())
            if locality is None:
                locality = Locality.objects.create(organisation=organisation, name=row.locality)
                localities[row.locality.lower()] = locality
                localities_added += 1
            if row.action != "new":
                continue
            if locality.retired_at is not None:
                raise ValidationError({"locality": stale})
            Service.objects.create(organisation=organisation, locality=locality, name=row.service)
            services_added += 1
    result = ServicesImportResult(
        localities_added=localities_added,
        services_added=services_added,
        unchanged=len(plan.unchanged),
    )
    audit_record(
        actor=actor,
        action="services.import",
        subject=organisation,
        extra={**asdict(result), "file": plan.filename},
    )
    return result


def _clean_name(name: str, what: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": f"Enter the {what}'s name."})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            {"name": f"The name is {len(name)} characters long; the most is {MAX_NAME_LENGTH}."}
        )
    return name


def _lock(model: type[Locality] | type[Service], pk: int) -> Any:
    return model.objects.select_for_update().get(pk=pk)


def _locality_name_free(organisation_id: int, name: str, *, exclude: int | None = None) -> Any:
    """Raise if another locality of the organisation has this name (any case); return the
    message to give when a concurrent write takes it between this check and the save."""
    others = Locality.objects.filter(organisation_id=organisation_id, name__iexact=name)
    taken = (others.exclude(pk=exclude) if exclude is not None else others).first()

    def message() -> str:
        return f"There is already a locality called “{taken.name if taken else name}”."

    if taken is not None:
        raise ValidationError({"name": message()})
    return message


def _service_name_free(organisation_id: int, name: str, *, exclude: int | None = None) -> Any:
    """As `_locality_name_free`, for services (whose names are unique in the organisation)."""
    others = Service.objects.filter(organisation_id=organisation_id, name__iexact=name)
    taken = (
        (others.exclude(pk=exclude) if exclude is not None else others)
        .select_related("locality")
        .first()
    )

    def message() -> str:
        where = f" in the locality “{taken.locality.name}”" if taken else ""
        return f"There is already a service called “{taken.name if taken else name}”{where}."

    if taken is not None:
        raise ValidationError({"name": message()})
    return message


@transaction.atomic
def locality_add(*, organisation: Organisation, name: str, actor: Any = None) -> Locality:
    name = _clean_name(name, "locality")
    message = _locality_name_free(organisation.pk, name)
    with _name_taken("name", message):
        locality = Locality.objects.create(organisation=organisation, name=name)
    audit_record(actor=actor, action="locality.create", subject=locality)
    return locality


@transaction.atomic
def service_add(*, locality: Locality, name: str, actor: Any = None) -> Service:
    name = _clean_name(name, "service")
    if locality.retired_at is not None:
        raise ValidationError({"locality": f"The locality “{locality.name}” has been retired."})
    message = _service_name_free(locality.organisation_id, name)
    with _name_taken("name", message):
        service = Service.objects.create(
            locality=locality, organisation_id=locality.organisation_id, name=name
        )
    audit_record(actor=actor, action="service.create", subject=service)
    return service


@transaction.atomic
def locality_rename(*, locality: Locality, name: str, actor: Any = None) -> Locality:
    name = _clean_name(name, "locality")
    message = _locality_name_free(locality.organisation_id, name, exclude=locality.pk)
    old = locality.name
    locality.name = name
    with _name_taken("name", message):
        locality.save(update_fields=["name"])
    audit_record(
        actor=actor, action="locality.rename", subject=locality, extra={"from": old, "to": name}
    )
    return locality


@transaction.atomic
def locality_retire(*, locality: Locality, actor: Any = None) -> Locality:
    """Retire a locality with no active services (move or retire those first)."""
    locality = _lock(Locality, locality.pk)
    if locality.retired_at is not None:
        raise ValidationError({"locality": f"The locality “{locality.name}” is already retired."})
    active = list(
        Service.objects.filter(locality=locality, retired_at__isnull=True).values_list(
            "name", flat=True
        )
    )
    if active:
        raise ValidationError(
            {
                "locality": f"The locality “{locality.name}” still has active services: "
                + ", ".join(f"“{name}”" for name in active)
                + ". Move them to another locality or retire them first."
            }
        )
    locality.retired_at = timezone.now()
    locality.save(update_fields=["retired_at"])
    audit_record(actor=actor, action="locality.retire", subject=locality)
    return locality


@transaction.atomic
def locality_restore(*, locality: Locality, actor: Any = None) -> Locality:
    locality = _lock(Locality, locality.pk)
    if locality.retired_at is None:
        raise ValidationError({"locality": f"The locality “{locality.name}” is not retired."})
    locality.retired_at = None
    locality.save(update_fields=["retired_at"])
    audit_record(actor=actor, action="locality.restore", subject=locality)
    return locality


@transaction.atomic
def service_rename(*, service: Service, name: str, actor: Any = None) -> Service:
    name = _clean_name(name, "service")
    message = _service_name_free(service.organisation_id, name, exclude=service.pk)
    old = service.name
    service.name = name
    with _name_taken("name", message):
        service.save(update_fields=["name"])
    audit_record(
        actor=actor, action="service.rename", subject=service, extra={"from": old, "to": name}
    )
    return service


@transaction.atomic
def service_move(*, service: Service, locality: Locality, actor: Any = None) -> Service:
    """Move a service to another locality of its own organisation."""
    if locality.organisation_id != service.organisation_id:
        # Said as "not found" would be: the other organisation's locality is not disclosed.
        raise ValidationError({"locality": "Choose a locality of this organisation."})
    if locality.retired_at is not None:
        raise ValidationError(
            {"locality": f"The locality “{locality.name}” is retired: restore it first."}
        )
    old = service.locality_id
    if old == locality.pk:
        return service
    service.locality = locality
    service.save(update_fields=["locality"])
    audit_record(
        actor=actor,
        action="service.move",
        subject=service,
        extra={"from_locality": old, "to_locality": locality.pk},
    )
    return service


@transaction.atomic
def service_retire(*, service: Service, actor: Any = None) -> Service:
    """No longer offered for new pairs or people; existing pairs and KPIs keep naming it."""
    service = _lock(Service, service.pk)
    if service.retired_at is not None:
        raise ValidationError({"service": f"The service “{service.name}” is already retired."})
    service.retired_at = timezone.now()
    service.save(update_fields=["retired_at"])
    audit_record(actor=actor, action="service.retire", subject=service)
    return service


@transaction.atomic
def service_restore(*, service: Service, actor: Any = None) -> Service:
    service = Service.objects.select_for_update().select_related("locality").get(pk=service.pk)
    if service.retired_at is None:
        raise ValidationError({"service": f"The service “{service.name}” is not retired."})
    if service.locality.retired_at is not None:
        raise ValidationError(
            {
                "locality": f"The service's locality “{service.locality.name}” is retired: "
                "restore it first, or move the service to another locality."
            }
        )
    service.retired_at = None
    service.save(update_fields=["retired_at"])
    audit_record(actor=actor, action="service.restore", subject=service)
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
