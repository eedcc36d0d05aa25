"""Writes for programmes: each one a keyword-only function in one transaction (docs/style.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from tandem.audit.services import audit_record
from tandem.programmes.importer import ImportPlan
from tandem.programmes.models import (
    Locality,
    Milestone,
    Organisation,
    Pair,
    Participant,
    Person,
    Programme,
    Role,
    Service,
    pair_errors,
)

# Words the organisation pages' own addresses use (organisations/new/).
RESERVED_ORGANISATION_SLUGS = frozenset({"new"})


def unique_organisation_slug(name: str) -> str:
    """A slug from the name, with -2, -3 … when an organisation already has it."""
    base = (slugify(name) or "organisation")[:70]
    slug, n = base, 2
    while slug in RESERVED_ORGANISATION_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *, name: str, short_name: str = "", slug: str = "", actor: Any = None
) -> Organisation:
    """A new organisation; the slug is made from the (short) name unless one is given.

    A ValidationError names the field: a name or slug already taken, an empty name, a bad slug.
    """
    name, short_name, slug = name.strip(), short_name.strip(), slug.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the organisation's name."
    elif Organisation.objects.filter(name__iexact=name).exists():
        errors["name"] = f"There is already an organisation called “{name}”."
    if slug in RESERVED_ORGANISATION_SLUGS:
        errors["slug"] = f"“{slug}” is used by Tandem's own pages: choose another."
    elif slug and Organisation.objects.filter(slug=slug).exists():
        errors["slug"] = f"The short name in addresses “{slug}” is already taken."
    if errors:
        raise ValidationError(errors)
    organisation = Organisation(
        name=name,
        short_name=short_name,
        slug=slug or unique_organisation_slug(short_name or name),
    )
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", subject=organisation)
    return organisation


@transaction.atomic
def locality_get_or_create(*, organisation: Organisation, name: str) -> Locality:
    locality = Locality.objects.filter(organisation=organisation, name__iexact=name.strip()).first()
    if locality is None:
        locality = Locality.objects.create(organisation=organisation, name=name.strip())
    return locality


@transaction.atomic
def service_get_or_create(*, locality: Locality, name: str) -> Service:
    service = Service.objects.filter(
        organisation_id=locality.organisation_id, name__iexact=name.strip()
    ).first()
    if service is None:
        service = Service.objects.create(
            locality=locality, organisation_id=locality.organisation_id, name=name.strip()
        )
    elif service.locality_id != locality.pk:
        raise ValidationError(
            {
                "locality": f"The service “{service.name}” is in the locality “{service.locality.name}”."
            }
        )
    return service


@transaction.atomic
def programme_create(
    *,
    organisation: Organisation,
    name: str,
    slug: str,
    start_date: dt.date,
    end_date: dt.date,
    min_group_size: int = 5,
    description: str = "",
    min_text_group_size: int | None = None,
    retention_months: int | None = None,
    template_id: str = "",
    actor: Any = None,
) -> Programme:
    """Save a new programme (checked, audited): the one write every way of making a programme
    goes through — the start and copy pages and commands (tandem.programmes.setup) and the demo."""
    programme = Programme(
        organisation=organisation,
        name=name.strip(),
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        min_group_size=min_group_size,
        description=description,
        template_id=template_id,
    )
    if min_text_group_size is not None:
        programme.min_text_group_size = min_text_group_size
    if retention_months is not None:
        programme.retention_months = retention_months
    programme.full_clean()
    programme.save()
    audit_record(
        actor=actor,
        action="programme.create",
        subject=programme,
        programme=programme,
        extra={"template_id": template_id} if template_id else None,
    )
    return programme


def _user_for(*, email: str, name: str) -> Any:
    """The log-in account for this address, created without a usable password if new.

    People set their own password through the "forgotten password" e-mail; nobody is sent one.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=name)
    elif not user.full_name:
        user.full_name = name
        user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def person_upsert(
    *,
    organisation: Organisation,
    name: str,
    email: str,
    profession: str,
    level: str,
    service: Service | None = None,
    job_title: str = "",
) -> Person:
    """Create the person, or bring an existing one (same e-mail, any case) up to date."""
    email = email.strip().lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person is not None and person.organisation_id != organisation.pk:
        raise ValidationError({"email": f"{email} belongs to someone in another organisation."})
    if person is None:
        person = Person(organisation=organisation, email=email)
    person.name = name.strip()
    person.profession = profession
    person.level = level
    person.service = service
    if job_title:
        person.job_title = job_title
    person.full_clean(validate_unique=False)
    if person.user_id is None:
        person.user = _user_for(email=email, name=person.name)
    person.save()
    return person


@transaction.atomic
def participant_add(
    *, programme: Programme, person: Person, role: str = Role.PARTICIPANT
) -> Participant:
    if person.organisation_id != programme.organisation_id:
        raise ValidationError({"person": f"{person.name} is not in {programme.organisation.name}."})
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown programme role “{role}”."})
    participant, created = Participant.objects.get_or_create(
        programme=programme, person=person, defaults={"role": role}
    )
    if not created and participant.role != role:
        if Role.COMPARISON in (role, participant.role) and participant.invitations.exists():
            raise ValidationError(
                {
                    "role": f"{person.name} has been invited to a questionnaire: moving them "
                    "between the programme and the comparison group would mix the two groups' "
                    "answers."
                }
            )
        participant.role = role
        participant.save(update_fields=["role"])
        audit_record(action="participant.role_change", subject=participant, extra={"role": role})
    elif created:
        audit_record(action="participant.add", subject=participant, extra={"role": role})
    return participant


@transaction.atomic
def participant_remove(*, participant: Participant) -> None:
    """Take someone out of a programme (their person record stays for other programmes)."""
    Pair.objects.filter(programme=participant.programme).filter(doctor=participant).delete()
    Pair.objects.filter(programme=participant.programme, manager=participant).delete()
    audit_record(action="participant.remove", subject=participant)
    participant.delete()


@transaction.atomic
def pair_create(
    *, programme: Programme, service: Service, doctor: Participant, manager: Participant
) -> Pair:
    """Pair a doctor and a manager for a service; a clear ValidationError when they cannot be."""
    errors = pair_errors(programme=programme, service=service, doctor=doctor, manager=manager)
    existing = (
        Pair.objects.filter(programme=programme, service=service)
        .select_related("doctor__person", "manager__person")
        .first()
    )
    if existing is not None:
        errors.setdefault(
            "service",
            f"{service.name} already has a pair in this programme "
            f"({existing.doctor.person.name} and {existing.manager.person.name}).",
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            pair = Pair.objects.create(
                programme=programme, service=service, doctor=doctor, manager=manager
            )
            audit_record(action="pair.create", subject=pair)
            return pair
    except IntegrityError as exc:  # a concurrent request paired the same service first
        raise ValidationError(
            {"service": f"{service.name} already has a pair in this programme."}
        ) from exc


@transaction.atomic
def pair_delete(*, pair: Pair) -> None:
    audit_record(action="pair.delete", subject=pair)
    pair.delete()


def _milestone_within_programme(milestone: Milestone) -> None:
    """A milestone lies within its programme's dates (charts and the plan view draw it there)."""
    programme = milestone.programme
    first, last = programme.start_date, programme.end_date
    between = f"between {first:%-d %B %Y} and {last:%-d %B %Y}, the programme's dates"
    errors: dict[str, str] = {}
    if milestone.start_date and not first <= milestone.start_date <= last:
        errors["start_date"] = f"The milestone must start {between}."
    if milestone.end_date and not first <= milestone.end_date <= last:
        errors["end_date"] = f"The milestone must end {between}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def milestone_create(
    *,
    programme: Programme,
    kind: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    description: str = "",
) -> Milestone:
    milestone = Milestone(
        programme=programme,
        kind=kind,
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        description=description,
    )
    milestone.full_clean()
    _milestone_within_programme(milestone)
    milestone.save()
    audit_record(action="milestone.create", subject=milestone)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, **fields: Any) -> Milestone:
    allowed = {"kind", "title", "start_date", "end_date", "description"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"milestone_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.full_clean()
    _milestone_within_programme(milestone)
    milestone.save()
    audit_record(action="milestone.update", subject=milestone, extra={"fields": sorted(fields)})
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    audit_record(action="milestone.delete", subject=milestone)
    milestone.delete()


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    pairs_created: int
    localities_created: int
    services_created: int


@transaction.atomic
def participants_import_commit(*, programme: Programme, plan: ImportPlan) -> ImportResult:
    """Write a checked participant list, all or nothing.

    Refuses a plan with errors: callers show the plan's errors instead (nothing is half-written).
    """
    if not plan.is_valid:
        raise ValidationError("The participant list has problems; nothing was imported.")
    organisation = programme.organisation
    localities: dict[str, Locality] = {}
    services: dict[str, Service] = {}

    def locality_named(name: str) -> Locality:
        key = name.lower()
        if key not in localities:
            localities[key] = locality_get_or_create(organisation=organisation, name=name)
        return localities[key]

    existing_localities = Locality.objects.filter(organisation=organisation).count()
    existing_services = Service.objects.filter(organisation=organisation).count()
    people: dict[str, Participant] = {}
    for row in plan.rows:
        service = None
        if row.service:
            key = row.service.lower()
            if key not in services:
                known = Service.objects.filter(
                    organisation=organisation, name__iexact=row.service
                ).first()
                services[key] = known or service_get_or_create(
                    locality=locality_named(row.locality), name=row.service
                )
            service = services[key]
        elif row.locality:
            locality_named(row.locality)
        person = person_upsert(
            organisation=organisation,
            name=row.name,
            email=row.email,
            profession=row.profession,
            level=row.level,
            service=service,
        )
        people[row.email] = participant_add(programme=programme, person=person, role=row.role)
    pairs_created = 0
    for planned in plan.pairs:
        if planned.action != "new":
            continue
        pair_create(
            programme=programme,
            service=services[planned.service.lower()],
            doctor=people[planned.doctor_email],
            manager=people[planned.manager_email],
        )
        pairs_created += 1
    result = ImportResult(
        created=plan.count("new"),
        updated=plan.count("update"),
        unchanged=plan.count("unchanged"),
        pairs_created=pairs_created,
        localities_created=Locality.objects.filter(organisation=organisation).count()
        - existing_localities,
        services_created=Service.objects.filter(organisation=organisation).count()
        - existing_services,
    )
    audit_record(action="participants.import", subject=programme, extra=asdict(result))
    return result
