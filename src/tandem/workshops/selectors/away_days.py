"""Away days, their files and attendance: the lead, sponsors and participants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.audit.services import audit_record
from tandem.programmes.access import ProgrammeNotFound
from tandem.programmes.models import Programme
from tandem.workshops.models import AwayDay, Material, MissionVersion, PracticeVersion
from tandem.workshops.selectors.rules import (
    LEAD,
    PARTICIPANT,
    SPONSOR,
    member_access,
    require_role,
)

AWAY_DAY_ROLES = (LEAD, SPONSOR, PARTICIPANT)


def away_days_for(*, viewer: Any, programme: Programme) -> list[AwayDay]:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, *AWAY_DAY_ROLES, message="Away days are shown to the programme's members.")
    return list(AwayDay.objects.filter(programme=programme).order_by("date", "id"))


def away_day_for(*, viewer: Any, programme: Programme, away_day_id: int) -> AwayDay:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, *AWAY_DAY_ROLES, message="Away days are shown to the programme's members.")
    away_day = (
        AwayDay.objects.filter(programme=programme, pk=away_day_id)
        .prefetch_related("agenda_items__wave", "materials")
        .first()
    )
    if away_day is None:
        raise ProgrammeNotFound("No such away day.")
    return away_day


def away_day_to_manage(*, viewer: Any, programme: Programme, away_day_id: int) -> AwayDay:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, LEAD, message="Only the programme lead runs away days.")
    away_day = AwayDay.objects.filter(programme=programme, pk=away_day_id).first()
    if away_day is None:
        raise ProgrammeNotFound("No such away day.")
    return away_day


def material_for(
    *, viewer: Any, programme: Programme, away_day_id: int, material_id: int
) -> Material:
    """A material to download; the download is audited (the file is streamed from storage, so
    the audit row is written here rather than by `tandem.web.audited_download`, which takes bytes)."""
    away_day = away_day_for(viewer=viewer, programme=programme, away_day_id=away_day_id)
    material = Material.objects.filter(away_day=away_day, pk=material_id).first()
    if material is None:
        raise ProgrammeNotFound("No such file.")
    audit_record(
        actor=viewer,
        action="workshops.material.download",
        subject=material,
        programme=programme,
        extra={"away_day": away_day.pk, "kind": material.kind},
    )
    return material


def attendance_for(*, viewer: Any, programme: Programme, away_day: AwayDay) -> list[Any]:
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, LEAD, message="Only the programme lead records attendance.")
    return list(away_day.invitations.select_related("participant__person"))


@dataclass(frozen=True)
class AwayDayOutputs:
    practices: list[PracticeVersion]
    mission: MissionVersion | None


def away_day_outputs(*, away_day: AwayDay) -> AwayDayOutputs:
    """What the group agreed at this away day: new or revised practices and the mission.

    Call only with an away day from `away_day_for` (the charter is visible to all its viewers).
    """
    return AwayDayOutputs(
        practices=list(
            PracticeVersion.objects.filter(away_day=away_day).order_by("practice_id", "number")
        ),
        mission=MissionVersion.objects.filter(away_day=away_day).order_by("-id").first(),
    )
