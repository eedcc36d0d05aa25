"""A participant's own ego-network: the ties they reported, with names; every read audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tandem.analysis.anonymity import KGate
from tandem.audit.services import audit_record
from tandem.networks.models import RosterEntry
from tandem.networks.roster import Relation, relations
from tandem.networks.selectors.building import profession_label, roster_section_of
from tandem.networks.selectors.permissions import NetworkNotAvailable
from tandem.programmes.access import access_for
from tandem.programmes.models import Participant, Programme, Role
from tandem.surveys.models import Invitation, InvitationStatus, Wave
from tandem.surveys.selectors import wave_scope


@dataclass(frozen=True)
class EgoTie:
    name: str
    profession: str
    service: str
    answers: dict[str, int]


@dataclass(frozen=True)
class EgoWave:
    wave: Wave
    relations: tuple[Relation, ...]
    ties: list[EgoTie]
    # relation id → (people you named, how many named you back) or None when too few to show
    confirmed: dict[str, tuple[int, int] | None]
    labels: dict[str, dict[int, str]]


@dataclass(frozen=True)
class EgoNetwork:
    participant: Participant
    waves: list[EgoWave]
    k: int


def _own_participant(viewer: Any, programme: Programme) -> Participant:
    access = access_for(viewer=viewer, programme=programme)
    access.require(
        access.is_participant,
        NetworkNotAvailable,
        "Only participants who answer the stock take have their own network page.",
    )
    assert access.participant is not None  # a participant has their record
    return access.participant


@transaction.atomic
def ego_network(*, viewer: Any, programme: Programme) -> EgoNetwork:
    """The viewer's own ties, as they reported them in each closed wave (audited).

    The count of colleagues who named the viewer back is shown only when the viewer named at least
    k people and the count is neither none nor all of them: otherwise it would tell the viewer
    what a particular colleague answered.
    """
    participant = _own_participant(viewer, programme)
    k = programme.min_group_size
    waves = []
    for wave in Wave.objects.filter(programme=programme).order_by("opens_on", "id"):
        section = roster_section_of(wave)
        if section is None or not wave_scope(wave).frozen:
            continue
        invitation = Invitation.objects.filter(wave=wave, participant=participant).first()
        if invitation is None or invitation.status != InvitationStatus.SUBMITTED:
            continue
        rels = relations(section)
        entries = list(
            RosterEntry.objects.filter(invitation=invitation, section_id=section.id)
            .select_related("alter__person__service")
            .order_by("alter__person__name")
        )
        ties = [
            EgoTie(
                name=entry.alter.person.name,
                profession=profession_label(entry.alter.person.profession),
                service=entry.alter.person.service.name if entry.alter.person.service else "",
                answers=dict(entry.answers),
            )
            for entry in entries
            if entry.answers
        ]
        named_me: dict[str, set[int]] = defaultdict(set)
        naming = (
            RosterEntry.objects.filter(
                invitation__wave=wave,
                invitation__status=InvitationStatus.SUBMITTED,
                section_id=section.id,
                alter=participant,
            )
            .exclude(invitation__participant__role=Role.COMPARISON)
            .values_list("invitation__participant_id", "answers")
        )
        for other_id, answers in naming:
            for relation in rels:
                value = answers.get(relation.id)
                if value is not None and value >= relation.tie_from:
                    named_me[relation.id].add(other_id)
        confirmed: dict[str, tuple[int, int] | None] = {}
        for relation in rels:
            named = {
                entry.alter_id
                for entry in entries
                if (entry.answers.get(relation.id) or 0) >= relation.tie_from
            }
            back_count = len(named & named_me[relation.id])
            shown = KGate(k).shows(len(named)) and 0 < back_count < len(named)
            confirmed[relation.id] = (len(named), back_count) if shown else None
        scales = wave.instrument.response_scales
        labels = {
            relation.id: {
                option.value: option.label
                for option in scales[relation.response_scale].options
                if option.value is not None
            }
            for relation in rels
            if relation.response_scale in scales
        }
        waves.append(
            EgoWave(wave=wave, relations=rels, ties=ties, confirmed=confirmed, labels=labels)
        )
    audit_record(
        actor=viewer,
        action="networks.ego_network.read",
        subject=participant,
        programme=programme,
        extra={"waves": len(waves)},
    )
    return EgoNetwork(participant=participant, waves=waves, k=k)
