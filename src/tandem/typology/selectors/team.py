"""What the group sees of shared types: the team type table and each pair's contrast card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.analysis.typology import (
    PAIRS,
    TABLE_COLUMNS,
    TABLE_ROWS,
    TeamTable,
    pair_contrast,
    table_type,
    team_table,
)
from tandem.programmes.models import Pair, Profession, Programme, Role
from tandem.typology import guidance
from tandem.typology.models import TypeProfile
from tandem.typology.selectors.people import require_member


def _shared_profiles(programme: Programme) -> list[TypeProfile]:
    return list(
        TypeProfile.objects.filter(
            participant__programme=programme,
            participant__role=Role.PARTICIPANT,
            shared=True,
        )
        .exclude(best_fit_type="")
        .select_related("participant__person")
    )


@dataclass(frozen=True)
class TypeTableCell:
    type_code: str
    count: int


@dataclass(frozen=True)
class TeamTableView:
    programme: Programme
    k: int
    shared_count: int
    table: TeamTable | None
    external_count: int = 0
    rows: list[list[TypeTableCell]] = field(default_factory=list)
    professions: list[tuple[str, int, dict[str, int]]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.table is not None


def team_table_for(*, viewer: Any, programme: Programme) -> TeamTableView:
    """The team type table of shared best-fit types; no table below k sharers.

    Within the table small cells are shown: everyone counted chose to share their type with the
    group (and their pair card names it), so a count of 1 reveals nothing they have not shared.
    k guards the table as a whole, as the programme promised.

    Not through the disclosure ledger, by decision: the table can be read before and after one
    person shares (or stops sharing), and the difference is that person's best-fit type, their
    profession and whether the type was assessed elsewhere — the type is what they chose to
    share with the group, and profession is public in the programme (every pair is a doctor and
    a manager, and reports break down by it) — while people who have not shared are not in the
    table at all, so no reading, or pair of readings, says anything about them. Putting it
    through the ledger would hide the table after each new sharer until k more had shared,
    protecting nothing.
    """
    require_member(viewer=viewer, programme=programme)
    profiles = _shared_profiles(programme)
    k = programme.min_group_size
    labels = dict(Profession.choices)
    table = team_table(
        [p.best_fit_type for p in profiles],
        k=k,
        groups=[str(labels[p.participant.person.profession]) for p in profiles],
    )
    if table is None:
        return TeamTableView(programme=programme, k=k, shared_count=len(profiles), table=None)
    rows = [
        [
            TypeTableCell(table_type(row, column), table.grid[r][c])
            for c, column in enumerate(TABLE_COLUMNS)
        ]
        for r, row in enumerate(TABLE_ROWS)
    ]
    professions = [
        (group, table.group_sizes[group], counts) for group, counts in table.by_group.items()
    ]
    return TeamTableView(
        programme=programme,
        k=k,
        shared_count=len(profiles),
        table=table,
        external_count=sum(1 for p in profiles if p.is_external),
        rows=rows,
        professions=sorted(professions),
    )


@dataclass(frozen=True)
class PartnerNeeds:
    name: str
    type_code: str
    external_source: str  # "" for an indicator result
    needs: list[str]  # what they tend to need from the other, one per differing preference


@dataclass(frozen=True)
class PairCard:
    pair: Pair
    doctor: PartnerNeeds
    manager: PartnerNeeds
    differing: list[str]  # pair titles, e.g. "Extraversion–Introversion"
    tips: list[str]


def _partner(profile: TypeProfile, differing: tuple[str, ...]) -> PartnerNeeds:
    code = profile.best_fit_type
    return PartnerNeeds(
        name=profile.participant.person.name,
        type_code=code,
        external_source=profile.external_source if profile.is_external else "",
        needs=[
            guidance.POLES[code[index]].needs
            for index, pair in enumerate(PAIRS)
            if pair.id in differing
        ],
    )


@dataclass(frozen=True)
class PairCards:
    cards: list[PairCard]
    pairs_without_card: int


def pair_cards_for(*, viewer: Any, programme: Programme) -> PairCards:
    """A contrast card for each doctor–manager pair in which both partners share their type."""
    require_member(viewer=viewer, programme=programme)
    shared = {profile.participant_id: profile for profile in _shared_profiles(programme)}
    pairs = list(
        Pair.objects.filter(programme=programme).select_related(
            "service", "doctor__person", "manager__person"
        )
    )
    cards = []
    for pair in pairs:
        doctor, manager = shared.get(pair.doctor_id), shared.get(pair.manager_id)
        if doctor is None or manager is None:
            continue
        contrast = pair_contrast(doctor.best_fit_type, manager.best_fit_type)
        cards.append(
            PairCard(
                pair=pair,
                doctor=_partner(doctor, contrast.differing),
                manager=_partner(manager, contrast.differing),
                differing=[guidance.pair_title(pair_id) for pair_id in contrast.differing],
                tips=guidance.meeting_tips(contrast),
            )
        )
    return PairCards(cards=cards, pairs_without_card=len(pairs) - len(cards))
