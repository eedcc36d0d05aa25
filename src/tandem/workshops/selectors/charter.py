"""The charter and the mission: everyone in the programme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from tandem.programmes.access import ProgrammeNotFound
from tandem.programmes.models import Programme
from tandem.workshops.models import AgreedPractice, MissionVersion, PracticeVersion
from tandem.workshops.selectors.rules import (
    COACH,
    LEAD,
    PARTICIPANT,
    SPONSOR,
    member_access,
    require_role,
)

CHARTER_ROLES = (LEAD, SPONSOR, COACH, PARTICIPANT)


@dataclass(frozen=True)
class CharterEntry:
    practice: AgreedPractice
    current: PracticeVersion
    versions: list[PracticeVersion]

    @property
    def revised(self) -> bool:
        return len(self.versions) > 1


def charter_for(
    *, viewer: Any, programme: Programme, include_retired: bool = False
) -> list[CharterEntry]:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, *CHARTER_ROLES, message="The charter is shown to the programme's members.")
    practices = AgreedPractice.objects.filter(programme=programme).prefetch_related(
        Prefetch(
            "versions",
            queryset=PracticeVersion.objects.select_related("away_day", "owner__person").order_by(
                "number"
            ),
        )
    )
    entries = []
    for practice in practices:
        versions = list(practice.versions.all())
        if not versions:
            continue
        entry = CharterEntry(practice=practice, current=versions[-1], versions=versions)
        if entry.current.retired and not include_retired:
            continue
        entries.append(entry)
    return entries


def practice_for(*, viewer: Any, programme: Programme, practice_id: int) -> CharterEntry:
    for entry in charter_for(viewer=viewer, programme=programme, include_retired=True):
        if entry.practice.pk == practice_id:
            return entry
    raise ProgrammeNotFound("No such practice.")


def missions_for(*, viewer: Any, programme: Programme) -> list[MissionVersion]:
    """Every version of the mission, oldest first (the last is current)."""
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, *CHARTER_ROLES, message="The mission is shown to the programme's members.")
    return list(
        MissionVersion.objects.filter(programme=programme)
        .select_related("away_day")
        .order_by("away_day__date", "id")
    )
