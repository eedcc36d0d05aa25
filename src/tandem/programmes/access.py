"""What one viewer may do in one programme, worked out once per request.

Every app used to ask in its own words (`viewer_roles`, a workshops `Viewer`, a coaching
`Relation`, `_require_analyst`, `require_lead` …). They now read the same `Access`: the viewer's
roles, their own participant record and pairs, and named predicates. A rule is stated where a
selector calls `access.require(access.is_lead or access.is_sponsor, SomeAppError, "…")`, so the
access matrix checks rules written in the code, not a second copy of them.

A superuser acts as a programme lead everywhere and never more (docs/design.md): notes and
answers stay out of their reach too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tandem.programmes.models import Pair, Participant, Programme, Role

_CACHE = "_tandem_access"


class ProgrammeNotFound(Http404):
    """The programme does not exist, or the viewer has no role in it (the two look the same)."""


class ProgrammeAccessDenied(PermissionDenied):
    """The viewer has a role in the programme, but not one that allows this."""


@dataclass(frozen=True)
class Access:
    viewer: Any
    programme: Programme
    roles: frozenset[str]
    participants: tuple[Participant, ...] = ()  # the viewer's own records here (one per role)

    # Roles ------------------------------------------------------------------------------------

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def is_lead(self) -> bool:
        return Role.PROGRAMME_LEAD in self.roles

    @property
    def is_sponsor(self) -> bool:
        return Role.SPONSOR in self.roles

    @property
    def is_coach(self) -> bool:
        return Role.COACH in self.roles

    @property
    def is_participant(self) -> bool:
        return Role.PARTICIPANT in self.roles

    @property
    def can_manage(self) -> bool:
        """Runs the programme: people, waves, events. Only the programme lead (or a superuser)."""
        return self.is_lead

    @property
    def oversees(self) -> bool:
        """Reads the programme's aggregates and progress: the lead and sponsors."""
        return self.is_lead or self.is_sponsor

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def participant(self) -> Participant | None:
        """The viewer's participant record in the programme's 'participant' role, else any."""
        for record in self.participants:
            if record.role == Role.PARTICIPANT:
                return record
        return self.participants[0] if self.participants else None

    @cached_property
    def pair_ids(self) -> frozenset[int]:
        """The pairs the viewer is a member of (as doctor or manager); one query, when asked."""
        ids = [record.pk for record in self.participants]
        if not ids:
            return frozenset()
        return frozenset(
            Pair.objects.filter(programme=self.programme)
            .filter(Q(doctor_id__in=ids) | Q(manager_id__in=ids))
            .values_list("pk", flat=True)
        )

    # Checks ----------------------------------------------------------------------------------

    def require(
        self,
        allowed: bool,
        error: type[Exception] = ProgrammeAccessDenied,
        message: str = "Your role in this programme does not allow this.",
    ) -> None:
        """Raise `error(message)` unless `allowed`; a non-member is told the programme is not there."""
        if not self.is_member:
            self.not_found()
        if not allowed:
            raise error(message)

    def not_found(self) -> NoReturn:
        raise ProgrammeNotFound("No such programme.")


def access_for(*, viewer: Any, programme: Programme) -> Access:
    """The viewer's access to the programme, remembered on the viewer for the rest of the request."""
    cache: dict[int, Access] | None = None
    if viewer is not None and hasattr(viewer, "__dict__"):
        cache = viewer.__dict__.setdefault(_CACHE, {})
        found = cache.get(programme.pk)
        if found is not None and found.programme is programme:
            return found
    access = _work_out(viewer, programme)
    if cache is not None:
        cache[programme.pk] = access
    return access


def forget_access(viewer: Any) -> None:
    """After a role changes within one request (a test, a service that adds a participant)."""
    if viewer is not None and hasattr(viewer, "__dict__"):
        viewer.__dict__.pop(_CACHE, None)


def _work_out(viewer: Any, programme: Programme) -> Access:
    if not getattr(viewer, "is_authenticated", False):
        return Access(viewer=viewer, programme=programme, roles=frozenset())
    participants = tuple(
        Participant.objects.filter(programme=programme, person__user=viewer)
        .exclude(role=Role.COMPARISON)  # answers stock takes by link only; no programme page
        .select_related("person")
    )
    roles = {record.role for record in participants}
    if viewer.is_superuser:
        roles.add(Role.PROGRAMME_LEAD)
    return Access(
        viewer=viewer, programme=programme, roles=frozenset(roles), participants=participants
    )
