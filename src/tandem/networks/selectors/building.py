"""Building the networks of one wave: who a roster covers, their codes, and the ties they named.

No permission check here: these are the raw networks the other selectors, the reports and the
demo start from (never handed to a template as they are).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F

from tandem.analysis.networks import Network
from tandem.disclosure.ledger import Scope
from tandem.networks.models import RosterEntry
from tandem.networks.roster import Relation, relations, roster_sections
from tandem.programmes.models import Participant, Profession, Programme, Role
from tandem.surveys.instruments import Section
from tandem.surveys.models import Invitation, InvitationStatus, Wave
from tandem.surveys.selectors import wave_scope

ROSTER_ROLES = (Role.PARTICIPANT, Role.SPONSOR)


def roster_members(
    *, programme: Programme, exclude: int | None = None, askable: bool = False
) -> list[Participant]:
    """Everyone a roster covers: the programme's participants and sponsors, by service.

    `askable` leaves out withdrawn (erased) people: a respondent is never asked about them, while
    the networks of waves already answered keep them (their ties count in the indices).
    """
    queryset = (
        Participant.objects.filter(programme=programme, role__in=ROSTER_ROLES)
        .select_related("person__service__locality")
        # NULLs (a sponsor with no service) sort last on every database: SQLite puts them first
        # and PostgreSQL last unless told, and the roster would read differently on each.
        .order_by(
            F("person__service__locality__name").asc(nulls_last=True),
            F("person__service__name").asc(nulls_last=True),
            "person__name",
            "pk",
        )
    )
    if askable:
        queryset = queryset.active()
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return list(queryset)


def own_roster_entries(*, invitation: Invitation, section_id: str) -> dict[int, dict[str, int]]:
    """The respondent's own roster answers (the respondent's page only): {colleague id: answers}."""
    return {
        entry.alter_id: dict(entry.answers)
        for entry in RosterEntry.objects.filter(invitation=invitation, section_id=section_id)
    }


def pseudonyms(*, programme: Programme) -> dict[int, str]:
    """Participant id → code ("P07"), the same on every wave of the programme.

    Numbered in the order of a keyed hash of the participant's id, not in id or name order: ids
    appear in the lead's URLs and names are known to everyone, so either order would let a reader
    undo the pseudonyms.
    """
    key = settings.SECRET_KEY.encode()
    ids = list(
        Participant.objects.filter(programme=programme, role__in=ROSTER_ROLES).values_list(
            "pk", flat=True
        )
    )

    def rank(pk: int) -> str:
        return hmac.new(key, f"network:{programme.pk}:{pk}".encode(), hashlib.sha256).hexdigest()

    width = max(2, len(str(len(ids))))
    return {pk: f"P{n:0{width}d}" for n, pk in enumerate(sorted(ids, key=rank), start=1)}


@dataclass(frozen=True)
class WaveNetworks:
    """The networks of one wave, one per relation, with pseudonymised node ids."""

    wave: Wave
    section: Section
    relations: tuple[Relation, ...]
    networks: dict[str, Network]
    respondents: int
    # code → participant id, for the selectors only (never passed to a template).
    participant_of: dict[str, int] = field(repr=False)
    # The roster respondents' participant ids: the population of the wave's figures (the ledger's).
    respondent_ids: frozenset[int] = field(default=frozenset(), repr=False)

    @property
    def scope(self) -> Scope:
        return wave_scope(self.wave)

    def relation(self, relation_id: str) -> Relation:
        for relation in self.relations:
            if relation.id == relation_id:
                return relation
        raise KeyError(relation_id)


def roster_section_of(wave: Wave) -> Section | None:
    found = roster_sections(wave.instrument.sections)
    return found[0] if found else None


def _locality(participant: Participant) -> str:
    service = participant.person.service
    return service.locality.name if service is not None else "Trust-wide"


_SHARED: ContextVar[dict[int, WaveNetworks | None] | None] = ContextVar(
    "tandem_wave_networks", default=None
)


@contextmanager
def shared_builds() -> Iterator[None]:
    """Within this block each wave's networks are built once: a report section asks for the same
    waves several times (its own, and every closed wave again for the map rules). Only for the
    length of one section's drawing, so nothing built here outlives the request."""
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def wave_networks(*, wave: Wave) -> WaveNetworks | None:
    """The wave's networks (None if its questionnaire has no roster). No permission check: callers
    are the selectors below, the reports and the demo."""
    shared = _SHARED.get()
    if shared is None:
        return _wave_networks(wave)
    if wave.pk not in shared:
        shared[wave.pk] = _wave_networks(wave)
    return shared[wave.pk]


def _wave_networks(wave: Wave) -> WaveNetworks | None:
    section = roster_section_of(wave)
    if section is None:
        return None
    programme = wave.programme
    codes = pseudonyms(programme=programme)
    members = {member.pk: member for member in roster_members(programme=programme)}
    submitted = dict(
        Invitation.objects.matched()
        .programme_group()
        .filter(wave=wave, status=InvitationStatus.SUBMITTED)
        .values_list("pk", "participant_id")
    )
    invited = set(Invitation.objects.filter(wave=wave).values_list("participant_id", flat=True))
    entries = list(
        RosterEntry.objects.filter(invitation_id__in=list(submitted), section_id=section.id)
    )
    respondents = {submitted[entry.invitation_id] for entry in entries}
    included = [
        pk
        for pk, member in members.items()
        if pk in respondents or (member.role == Role.SPONSOR and pk not in invited)
    ]
    nodes = tuple(sorted(codes[pk] for pk in included))
    attributes = {
        codes[pk]: {
            "profession": members[pk].person.profession,
            "level": members[pk].person.level,
            "locality": _locality(members[pk]),
        }
        for pk in included
    }
    keep = set(included)
    rels = relations(section)
    networks: dict[str, Network] = {}
    for relation in rels:
        edges = []
        for entry in entries:
            ego = submitted[entry.invitation_id]
            value = entry.answers.get(relation.id)
            if value is None or value < relation.tie_from or entry.alter_id not in keep:
                continue
            edges.append((codes[ego], codes[entry.alter_id], float(value)))
        networks[relation.id] = Network(
            nodes=nodes, edges=tuple(sorted(edges)), directed=True, attributes=attributes
        )
    return WaveNetworks(
        wave=wave,
        section=section,
        relations=rels,
        networks=networks,
        respondents=len(respondents),
        participant_of={codes[pk]: pk for pk in included},
        respondent_ids=frozenset(respondents),
    )


def closed_roster_waves(programme: Programme) -> list[Wave]:
    """Waves with a roster whose answers can no longer change (their ledger scope is frozen).

    Nothing computed from an open wave's roster is shown to anyone: two readings, before and
    after someone submits, would give that person's answers away (docs/design.md, "over time too").
    """
    return [
        wave
        for wave in Wave.objects.filter(programme=programme)
        .select_related("programme")
        .order_by("opens_on", "id")
        if wave_scope(wave).frozen and roster_section_of(wave) is not None
    ]


def profession_label(value: str) -> str:
    try:
        return str(Profession(value).label)
    except ValueError:
        return value.replace("_", " ").capitalize()
