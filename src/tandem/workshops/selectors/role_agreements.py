"""Role agreements: the pair, sponsors and the lead.

The data model has no link from a sponsor to particular pairs, so a sponsor sees all of the
programme's pairs: the narrowest rule the data allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.programmes.access import ProgrammeNotFound
from tandem.programmes.models import Pair, Programme
from tandem.workshops.models import RoleAgreement
from tandem.workshops.selectors.rules import WorkshopsAccessDenied, member_access


def pairs_with_agreements_for(*, viewer: Any, programme: Programme) -> list[Pair]:
    access = member_access(viewer=viewer, programme=programme)
    pairs = Pair.objects.filter(programme=programme).select_related(
        "doctor__person", "manager__person", "service__locality"
    )
    if access.oversees:
        return list(pairs)
    if access.pair_ids:
        return list(pairs.filter(pk__in=access.pair_ids))
    raise WorkshopsAccessDenied("Role agreements are shown to the pair, sponsors and the lead.")


@dataclass(frozen=True)
class AreaChange:
    area: str
    before: dict[str, str] | None
    after: dict[str, str] | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.before != self.after else "unchanged"


@dataclass(frozen=True)
class RoleAgreementView:
    pair: Pair
    versions: list[RoleAgreement]
    viewer_side: str  # "doctor", "manager" or "" (not a member)
    may_edit: bool

    @property
    def current(self) -> RoleAgreement | None:
        return self.versions[-1] if self.versions else None

    @property
    def previous(self) -> RoleAgreement | None:
        return self.versions[-2] if len(self.versions) > 1 else None

    @property
    def changes(self) -> list[AreaChange]:
        return role_agreement_diff(self.previous, self.current)


def _area_rows(agreement: RoleAgreement | None) -> dict[str, dict[str, str]]:
    if agreement is None:
        return {}
    return {
        area.area: {
            "leads": area.get_leads_display(),
            "supports": area.get_supports_display(),
            "consulted": area.consulted,
        }
        for area in agreement.areas.all()
    }


def role_agreement_diff(
    before: RoleAgreement | None, after: RoleAgreement | None
) -> list[AreaChange]:
    """Area by area, what changed from one version to the next (in the later version's order)."""
    old, new = _area_rows(before), _area_rows(after)
    names = list(new) + [name for name in old if name not in new]
    return [AreaChange(area=name, before=old.get(name), after=new.get(name)) for name in names]


def role_agreement_for(*, viewer: Any, programme: Programme, pair_id: int) -> RoleAgreementView:
    access = member_access(viewer=viewer, programme=programme)
    pair = (
        Pair.objects.filter(programme=programme, pk=pair_id)
        .select_related("doctor__person", "manager__person", "service")
        .first()
    )
    if pair is None:
        raise ProgrammeNotFound("No such pair.")
    if not access.oversees and pair.pk not in access.pair_ids:
        raise WorkshopsAccessDenied("A role agreement is shown to the pair, sponsors and the lead.")
    side = ""
    participant = access.participant
    if participant is not None:
        if pair.doctor_id == participant.pk:
            side = "doctor"
        elif pair.manager_id == participant.pk:
            side = "manager"
    versions = list(
        RoleAgreement.objects.filter(pair=pair)
        .select_related("away_day")
        .prefetch_related("areas")
        .order_by("number")
    )
    return RoleAgreementView(
        pair=pair, versions=versions, viewer_side=side, may_edit=access.is_lead or bool(side)
    )
