"""Synthetic roster answers for the demo's baseline and repeat stock takes.

The story the demo tells: at baseline doctors and managers mostly talk within their own profession
and locality, each to their own pair partner, and rarely to the executive sponsors. A year later
ties between doctors and managers across each locality (bridging) and ties to the sponsors
(linking) have clearly grown, while ties within each profession (bonding) stay about where they
were. A seeded generator makes every build identical.
"""

from __future__ import annotations

import random

from django.db import transaction

from tandem.networks.models import RosterEntry
from tandem.networks.selectors import roster_members, roster_section_of
from tandem.programmes.models import Pair, Participant, Programme, Role
from tandem.surveys.models import Invitation, InvitationStatus, Wave, WaveKind

# Chance that a respondent names a colleague (talks at least monthly), by how they are related.
TIE_CHANCE = {
    WaveKind.BASELINE: {
        "partner": 0.85,
        "same_profession_same_locality": 0.7,
        "same_profession_elsewhere": 0.25,
        "other_profession_same_locality": 0.12,
        "other_profession_elsewhere": 0.03,
        "sponsor": 0.1,
    },
    WaveKind.REPEAT: {
        "partner": 0.95,
        "same_profession_same_locality": 0.7,
        "same_profession_elsewhere": 0.25,
        "other_profession_same_locality": 0.45,
        "other_profession_elsewhere": 0.12,
        "sponsor": 0.6,
    },
}


def _locality(participant: Participant) -> str | None:
    service = participant.person.service
    return service.locality_id if service is not None else None  # type: ignore[return-value]


def _relationship(ego: Participant, alter: Participant, partners: dict[int, int]) -> str:
    if alter.role == Role.SPONSOR:
        return "sponsor"
    if partners.get(ego.pk) == alter.pk:
        return "partner"
    same_profession = ego.person.profession == alter.person.profession
    same_locality = _locality(ego) == _locality(alter)
    if same_profession:
        return "same_profession_same_locality" if same_locality else "same_profession_elsewhere"
    return "other_profession_same_locality" if same_locality else "other_profession_elsewhere"


def _entries_for(
    *, wave: Wave, section_id: str, chances: dict[str, float], seed: int
) -> list[RosterEntry]:
    programme = wave.programme
    members = roster_members(programme=programme)
    partners: dict[int, int] = {}
    for doctor_id, manager_id in Pair.objects.filter(programme=programme).values_list(
        "doctor_id", "manager_id"
    ):
        partners[doctor_id] = manager_id
        partners[manager_id] = doctor_id
    invitations = (
        Invitation.objects.matched()
        .programme_group()  # a comparison respondent is asked nothing about the programme's members
        .filter(wave=wave, status=InvitationStatus.SUBMITTED)
        .select_related("participant__person__service")
    )
    entries: list[RosterEntry] = []
    for invitation in invitations.order_by("participant__person__email"):
        ego = invitation.participant
        if ego is None:
            continue
        named = len(entries)
        for alter in members:
            if alter.pk == ego.pk:
                continue
            # One draw per pair of people, the same in every wave: a tie whose chance did not
            # change between waves (bonding) is then present in both, as real working
            # relationships mostly are, and the ties gained are the ones the programme built.
            # Keyed by e-mail, not by id: a demo rebuilt in the same database (new ids) then
            # draws the same ties, so its pages read the same on every build.
            pair_rng = random.Random(f"{seed}:{ego.person.email}:{alter.person.email}")
            draw, trust, advice, talk, weak = (pair_rng.random() for _ in range(5))
            if draw < chances[_relationship(ego, alter, partners)]:
                answers = {"talk": 3 + int(talk * 3)}
                if trust < 0.75:
                    answers["trust"] = 1
                if advice < 0.45:
                    answers["advice"] = 1
            elif weak < 0.3:
                # Also drawn per pair: a shared generator would give other weak ties whenever the
                # members came in another order (as they did on PostgreSQL).
                answers = {"talk": pair_rng.choice([1, 2, 2])}
            else:
                continue
            entries.append(
                RosterEntry(
                    invitation=invitation, section_id=section_id, alter=alter, answers=answers
                )
            )
        if len(entries) == named and ego.pk in partners:
            # Everyone who submitted names someone, at least their partner: a roster naming
            # nobody makes its author no roster respondent, and the roster's respondents would
            # then not nest like the questionnaire's (22 at baseline, the repeat's 17 among them),
            # which the network change needs to be shown (tandem.networks.ledger).
            entries.append(
                RosterEntry(
                    invitation=invitation,
                    section_id=section_id,
                    alter_id=partners[ego.pk],
                    answers={"talk": 3},
                )
            )
    return entries


@transaction.atomic
def seed_networks(*, programme: Programme, seed: int = 2026) -> int:
    """Roster answers for the programme's baseline and repeat waves. Returns how many entries."""
    entries: list[RosterEntry] = []
    for wave in Wave.objects.filter(programme=programme, kind__in=list(TIE_CHANCE)).order_by(
        "opens_on", "pk"
    ):
        section = roster_section_of(wave)
        if section is None:
            continue
        entries += _entries_for(
            wave=wave,
            section_id=section.id,
            chances=TIE_CHANCE[WaveKind(wave.kind)],
            seed=seed,
        )
    RosterEntry.objects.bulk_create(entries)
    return len(entries)
