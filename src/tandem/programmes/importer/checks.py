"""A plan checked against what the programme already holds: people, places and pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tandem.programmes.importer.plan import ImportPlan, ParticipantRow, PlannedPair
from tandem.programmes.importer.tables import RowError
from tandem.programmes.models import (
    Locality,
    Pair,
    Participant,
    Person,
    Profession,
    Programme,
    Role,
    Service,
)


def check_people(programme: Programme, plan: ImportPlan) -> None:
    emails = [row.email for row in plan.rows if row.email]
    existing = {
        person.email.lower(): person
        for person in Person.objects.filter(email__in=emails).select_related("service__locality")
    }
    # Services store e-mail addresses in lower case, so an exact match finds every existing person.
    roles = dict(
        Participant.objects.filter(programme=programme, person__in=existing.values()).values_list(
            "person_id", "role"
        )
    )
    # Moving someone already invited between the programme and its comparison group would mix
    # the two groups' answers (`people.role_change` refuses it too).
    invited = set(
        Participant.objects.filter(
            programme=programme, person__in=existing.values(), invitations__isnull=False
        ).values_list("person_id", flat=True)
    )
    for row in plan.rows:
        person = existing.get(row.email)
        if person is None:
            row.action = "new"
            continue
        if person.organisation_id != programme.organisation_id:
            plan.errors.append(
                RowError(
                    row.row, "email", f"{row.email} belongs to someone in another organisation."
                )
            )
            continue
        before = roles.get(person.pk)
        if (
            person.pk in invited
            and before is not None
            and before != row.role
            and Role.COMPARISON in (before, row.role)
        ):
            plan.errors.append(
                RowError(
                    row.row,
                    "programme role",
                    f"{row.email} has been invited to a questionnaire as "
                    + (
                        "a comparison respondent"
                        if before == Role.COMPARISON
                        else "a member of the programme"
                    )
                    + ": moving them between the programme and the comparison group would mix "
                    "the two groups' answers.",
                )
            )
            continue
        service_name = person.service.name if person.service else ""
        same = (
            person.name == row.name
            and person.profession == row.profession
            and person.level == row.level
            and service_name.lower() == row.service.lower()
            and roles.get(person.pk) == row.role
        )
        row.action = "unchanged" if same else "update"


def check_places(programme: Programme, plan: ImportPlan) -> None:
    organisation = programme.organisation
    localities = {
        loc.name.lower(): loc for loc in Locality.objects.filter(organisation=organisation)
    }
    services = {
        svc.name.lower(): svc
        for svc in Service.objects.filter(organisation=organisation).select_related("locality")
    }
    new_services: dict[str, tuple[str, str, int]] = {}  # lower name -> (name, locality, first row)
    new_localities: dict[str, str] = {}
    for row in plan.rows:
        if not row.service:
            if row.locality and row.locality.lower() not in localities:
                new_localities.setdefault(row.locality.lower(), row.locality)
            continue
        known = services.get(row.service.lower())
        if known is not None and known.retired_at is not None:
            plan.errors.append(
                RowError(
                    row.row,
                    "service",
                    f"The service “{known.name}” has been retired: restore it on the "
                    "organisation's page first, or give the service that replaced it.",
                )
            )
            continue
        if known is not None:
            if row.locality and row.locality.lower() != known.locality.name.lower():
                plan.errors.append(
                    RowError(
                        row.row,
                        "locality",
                        f"The service “{known.name}” is in the locality “{known.locality.name}”, "
                        f"not “{row.locality}”.",
                    )
                )
            continue
        if not row.locality:
            plan.errors.append(
                RowError(
                    row.row,
                    "locality",
                    f"The service “{row.service}” is new: give the locality it belongs to.",
                )
            )
            continue
        earlier = new_services.get(row.service.lower())
        if earlier is not None and earlier[1].lower() != row.locality.lower():
            plan.errors.append(
                RowError(
                    row.row,
                    "locality",
                    f"The service “{row.service}” is in the locality “{earlier[1]}” on row {earlier[2]}, "
                    f"but “{row.locality}” here.",
                )
            )
            continue
        new_services.setdefault(row.service.lower(), (row.service, row.locality, row.row))
        if row.locality.lower() not in localities:
            new_localities.setdefault(row.locality.lower(), row.locality)
    plan.new_localities = sorted(new_localities.values(), key=str.lower)
    plan.new_services = sorted(
        ((name, loc) for name, loc, _ in new_services.values()), key=lambda s: s[0].lower()
    )


def _describe_rows(rows: Iterable[int]) -> str:
    numbers = sorted(rows)
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return "rows " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def check_pairs(programme: Programme, plan: ImportPlan) -> None:
    groups: dict[str, list[ParticipantRow]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in plan.rows:
        if row.pair:
            groups[row.pair.lower()].append(row)
            labels.setdefault(row.pair.lower(), row.pair)
    existing_pairs = {
        pair.service.name.lower(): pair
        for pair in Pair.objects.filter(programme=programme).select_related(
            "service", "doctor__person", "manager__person"
        )
    }
    services_taken: dict[str, str] = {}
    for key, members in groups.items():
        label = labels[key]
        where = _describe_rows(m.row for m in members)
        doctors = [m for m in members if m.profession == Profession.DOCTOR]
        managers = [m for m in members if m.profession == Profession.MANAGER]
        problem = None
        if len(members) != 2 or len(doctors) != 1 or len(managers) != 1:
            problem = (
                f"Pair “{label}” must be exactly one doctor and one manager; it has "
                f"{len(doctors)} doctor{'s' if len(doctors) != 1 else ''} and "
                f"{len(managers)} manager{'s' if len(managers) != 1 else ''}"
                + (
                    f" and {len(members) - len(doctors) - len(managers)} other"
                    if len(members) > len(doctors) + len(managers)
                    else ""
                )
                + f" ({where})."
            )
        else:
            services = {m.service.lower() for m in members}
            if "" in services:
                problem = f"Pair “{label}” needs a service on both rows ({where})."
            elif len(services) > 1:
                problem = (
                    f"Pair “{label}” is split across services “{members[0].service}” and "
                    f"“{members[1].service}”: a pair leads one service together ({where})."
                )
            else:
                service_key = services.pop()
                if service_key in services_taken:
                    problem = (
                        f"The service “{members[0].service}” already has the pair “{services_taken[service_key]}” "
                        f"in this file; a service has one pair ({where})."
                    )
                else:
                    services_taken[service_key] = label
        if problem:
            for member in members:
                plan.errors.append(RowError(member.row, "pair", problem))
            continue
        doctor, manager = doctors[0], managers[0]
        action = "new"
        current = existing_pairs.get(doctor.service.lower())
        if current is not None:
            if (
                current.doctor.person.email.lower() == doctor.email
                and current.manager.person.email.lower() == manager.email
            ):
                action = "unchanged"
            else:
                message = (
                    f"The service “{current.service.name}” already has a pair in this programme "
                    f"({current.doctor.person.name} and {current.manager.person.name}); "
                    "remove that pair first to pair it differently."
                )
                for member in members:
                    plan.errors.append(RowError(member.row, "pair", message))
                continue
        plan.pairs.append(
            PlannedPair(
                label=label,
                service=doctor.service,
                doctor_email=doctor.email,
                manager_email=manager.email,
                rows=tuple(sorted(m.row for m in members)),
                action=action,
            )
        )
