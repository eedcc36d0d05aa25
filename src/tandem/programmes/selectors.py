"""Reads for programmes, scoped by the viewer's role in the programme.

Every read that a page or export makes about a programme goes through here, so that the rule
"who may see what" (docs/design.md, privacy model) is written once. A viewer with no role in a
programme is told it does not exist, rather than that it is forbidden: its name is none of
their business either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

# The errors live with the access object; the apps import them from here too.
from tandem.programmes.access import ProgrammeAccessDenied as ProgrammeAccessDenied
from tandem.programmes.access import ProgrammeNotFound as ProgrammeNotFound
from tandem.programmes.access import access_for
from tandem.programmes.models import (
    Locality,
    Milestone,
    Pair,
    Participant,
    Person,
    Programme,
    Role,
    Service,
)

# Roles that run the programme: they manage people, waves and events.
MANAGING_ROLES = frozenset({Role.PROGRAMME_LEAD})


def viewer_roles(*, viewer: Any, programme: Programme) -> frozenset[str]:
    """The viewer's roles in the programme (`access_for(...).roles`). Superusers act as leads.

    Superusers run the installation (they create programmes and fix data); giving them the lead's
    view, and never more, keeps confidential records (notes, answers) out of their reach too.
    """
    return access_for(viewer=viewer, programme=programme).roles


def programmes_for(*, viewer: Any) -> QuerySet[Programme]:
    if not getattr(viewer, "is_authenticated", False):
        return Programme.objects.none()
    queryset = Programme.objects.select_related("organisation")
    if viewer.is_superuser:
        return queryset.all()
    return queryset.filter(participants__person__user=viewer).distinct()


def programme_for(*, viewer: Any, slug: str, manage: bool = False) -> Programme:
    """The programme with this slug, if the viewer has a role in it (and may manage it, if asked)."""
    programme = Programme.objects.select_related("organisation").filter(slug=slug).first()
    if programme is None:
        raise ProgrammeNotFound("No such programme.")
    access = access_for(viewer=viewer, programme=programme)
    if manage:
        access.require(access.can_manage, message="Only the programme lead can do this.")
    elif not access.is_member:
        access.not_found()
    return programme


def can_manage(*, viewer: Any, programme: Programme) -> bool:
    return access_for(viewer=viewer, programme=programme).can_manage


@dataclass(frozen=True)
class ServiceRow:
    service: Service
    pair: Pair | None


@dataclass(frozen=True)
class LocalityGroup:
    locality: Locality
    services: list[ServiceRow]

    @property
    def pair_count(self) -> int:
        return sum(1 for row in self.services if row.pair is not None)


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    role_counts: dict[str, int]
    localities: list[LocalityGroup]
    milestones: list[Milestone]
    pair_count: int
    participant_count: int
    unpaired_services: int = 0
    roles_of_viewer: frozenset[str] = field(default_factory=frozenset)

    @property
    def role_rows(self) -> list[tuple[str, int]]:
        return [(label, self.role_counts.get(value, 0)) for value, label in Role.choices]


def programme_overview(*, viewer: Any, programme: Programme) -> ProgrammeOverview:
    """Who takes part and how they are paired, grouped by locality and service, plus the timeline.

    Four queries whatever the size of the programme.
    """
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    role_counts = Counter(
        Participant.objects.filter(programme=programme).values_list("role", flat=True)
    )
    pairs = {
        pair.service_id: pair
        for pair in Pair.objects.filter(programme=programme).select_related(
            "doctor__person", "manager__person", "service"
        )
    }
    # Services that have a pair or a participant in this programme, so that a big organisation's
    # other services do not crowd the page.
    services = (
        Service.objects.filter(organisation=programme.organisation)
        .filter(
            pk__in=set(pairs)
            | set(
                Person.objects.filter(
                    participations__in=Participant.objects.filter(programme=programme).exclude(
                        role=Role.COMPARISON  # their services are not the programme's
                    ),
                    service__isnull=False,
                ).values_list("service_id", flat=True)
            )
        )
        .select_related("locality")
        .order_by("locality__name", "name")
    )
    groups: dict[int, LocalityGroup] = {}
    for service in services:
        group = groups.get(service.locality_id)
        if group is None:
            group = groups[service.locality_id] = LocalityGroup(
                locality=service.locality, services=[]
            )
        group.services.append(ServiceRow(service=service, pair=pairs.get(service.pk)))
    localities = list(groups.values())
    milestones = list(Milestone.objects.filter(programme=programme).order_by("start_date", "id"))
    return ProgrammeOverview(
        programme=programme,
        role_counts=dict(role_counts),
        localities=localities,
        milestones=milestones,
        pair_count=len(pairs),
        participant_count=sum(role_counts.values()),
        unpaired_services=sum(1 for g in localities for row in g.services if row.pair is None),
        roles_of_viewer=roles,
    )


def participants_for(
    *, viewer: Any, programme: Programme, role: str | None = None, query: str | None = None
) -> QuerySet[Participant]:
    """The programme's people. Everyone in a programme may see who else is in it and their role;
    only the lead sees the comparison respondents (who are not in it)."""
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    participants = Participant.objects.filter(programme=programme).select_related(
        "person__service__locality"
    )
    if Role.PROGRAMME_LEAD not in roles:
        participants = participants.exclude(role=Role.COMPARISON)
    if role:
        participants = participants.filter(role=role)
    if query:
        participants = participants.filter(person__name__icontains=query.strip())
    return participants.order_by("person__name")


def participant_for(*, viewer: Any, programme: Programme, participant_id: int) -> Participant:
    """One participant, found within the programme: an id from another programme is not found."""
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    found = Participant.objects.filter(programme=programme, pk=participant_id)
    if Role.PROGRAMME_LEAD not in roles:
        found = found.exclude(role=Role.COMPARISON)
    participant = (
        found.select_related("person__service__locality", "person__user")
        .prefetch_related(
            Prefetch(
                "pairs_as_doctor",
                queryset=Pair.objects.select_related("manager__person", "service"),
            ),
            Prefetch(
                "pairs_as_manager",
                queryset=Pair.objects.select_related("doctor__person", "service"),
            ),
        )
        .first()
    )
    if participant is None:
        raise ProgrammeNotFound("No such person in this programme.")
    return participant


def pairable_participants(*, programme: Programme, profession: str) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(programme=programme, person__profession=profession)
        .exclude(role=Role.COMPARISON)
        .select_related("person")
        .order_by("person__name")
    )


def organisation_services(*, programme: Programme) -> QuerySet[Service]:
    """The services a new pair or person may be given: retired ones are no longer offered."""
    return Service.objects.filter(
        organisation=programme.organisation, retired_at__isnull=True
    ).select_related("locality")


def milestone_for(*, programme: Programme, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(programme=programme, pk=milestone_id).first()
    if milestone is None:
        raise ProgrammeNotFound("No such milestone in this programme.")
    return milestone


def pair_for(*, programme: Programme, pair_id: int) -> Pair:
    pair = Pair.objects.filter(programme=programme, pk=pair_id).select_related("service").first()
    if pair is None:
        raise ProgrammeNotFound("No such pair in this programme.")
    return pair


def roles_by_programme(*, viewer: Any) -> dict[int, frozenset[str]]:
    """{programme id: the viewer's roles} for every programme they are in, in one query.

    The same rule as `viewer_roles` (superusers act as leads everywhere), for lists of programmes.
    """
    if not getattr(viewer, "is_authenticated", False):
        return {}
    found: dict[int, set[str]] = {}
    for programme_id, role in Participant.objects.filter(person__user=viewer).values_list(
        "programme_id", "role"
    ):
        found.setdefault(programme_id, set()).add(role)
    if viewer.is_superuser:
        for programme_id in Programme.objects.values_list("pk", flat=True):
            found.setdefault(programme_id, set()).add(Role.PROGRAMME_LEAD)
    return {programme_id: frozenset(roles) for programme_id, roles in found.items()}


def pairs_for(*, viewer: Any, programme: Programme) -> QuerySet[Pair]:
    """The programme's doctor–manager pairs: everyone in it sees who is paired (as the overview)."""
    if not viewer_roles(viewer=viewer, programme=programme):
        raise ProgrammeNotFound("No such programme.")
    return Pair.objects.filter(programme=programme).select_related(
        "service__locality", "doctor__person", "manager__person"
    )
