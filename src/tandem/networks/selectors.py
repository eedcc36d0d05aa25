"""Reads for working-relationship networks: every permission rule of the networks app is here.

Who sees what (DESIGN.md, privacy model):
- the programme lead and sponsors see pseudonymised maps, pair ties and indices — nobody is named,
  people are shown as codes such as "P07" with their profession and level only. The lead sees
  every closed wave; sponsors only waves whose report has been released;
- a participant sees their own ego-network: only the ties they reported themselves, with names,
  and how many of those colleagues confirmed the tie — never who named them (that would show other
  people's answers). Every read of an ego-network is audited;
- coaches and everyone else see nothing here.

Networks are built from submitted responses only ("saved but not counted" until then, as the
respondent is told). Nodes are the people who submitted the roster, plus sponsors who were not
invited to answer (so that ties to executives — linking — can be seen); people who were invited
but did not answer are left out with their incoming ties, because only one side of those ties is
known.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from tandem.analysis.networks import Network, network_change, network_summary, pair_ties
from tandem.audit.services import audit_record
from tandem.networks.models import RosterEntry
from tandem.networks.roster import ROSTER, Relation, relations, roster_sections
from tandem.programmes.models import Pair, Participant, Profession, Programme, Role
from tandem.programmes.selectors import ProgrammeAccessDenied, viewer_roles
from tandem.surveys.instruments import Section
from tandem.surveys.models import Invitation, InvitationStatus, Wave

ROSTER_ROLES = (Role.PARTICIPANT, Role.SPONSOR)
ANALYST_ROLES = frozenset({Role.PROGRAMME_LEAD, Role.SPONSOR})
# Permutations for the E-I and QAP p-values: 1000 gives p to about ±0.014 at p = 0.05 (binomial
# standard error), enough to tell "clearly" from "not clearly" on a page.
PERMUTATIONS = 1000
# A change in a density or share smaller than this is reported as "about the same": at the demo's
# size one tie moves a density by about 0.002–0.01.
STEADY = 0.02


GROUP = "profession"  # E-I, bonding and bridging are by profession (issue 5)
LEVEL = "level"  # linking: ties between executive, senior and service levels


def _summary(net: Network) -> dict[str, Any]:
    return network_summary(net, group=GROUP, level=LEVEL, permutations=PERMUTATIONS, seed=0)


class NetworkNotAvailable(ProgrammeAccessDenied):
    """The viewer may not see this network view (or this wave's network)."""


# ---------------------------------------------------------------------------------------------
# Roster members and pseudonyms
# ---------------------------------------------------------------------------------------------


def roster_members(*, programme: Programme, exclude: int | None = None) -> list[Participant]:
    """Everyone a roster asks about: the programme's participants and sponsors, by service."""
    queryset = (
        Participant.objects.filter(programme=programme, role__in=ROSTER_ROLES)
        .select_related("person__service__locality")
        .order_by("person__service__locality__name", "person__service__name", "person__name")
    )
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


# ---------------------------------------------------------------------------------------------
# Building the networks of one wave
# ---------------------------------------------------------------------------------------------


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


def wave_networks(*, wave: Wave) -> WaveNetworks | None:
    """The wave's networks (None if its questionnaire has no roster). No permission check: callers
    are the selectors below, the reports and the demo."""
    section = roster_section_of(wave)
    if section is None:
        return None
    programme = wave.programme
    codes = pseudonyms(programme=programme)
    members = {member.pk: member for member in roster_members(programme=programme)}
    submitted = dict(
        Invitation.objects.filter(wave=wave, status=InvitationStatus.SUBMITTED).values_list(
            "pk", "participant_id"
        )
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
    )


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def can_see_networks(*, viewer: Any, programme: Programme) -> bool:
    return bool(viewer_roles(viewer=viewer, programme=programme) & ANALYST_ROLES)


def _require_analyst(viewer: Any, programme: Programme) -> frozenset[str]:
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles & ANALYST_ROLES:
        raise NetworkNotAvailable(
            "Network maps and indices are for the programme lead and sponsors. "
            "Your own working relationships are on your own network page."
        )
    return roles


def network_waves(*, viewer: Any, programme: Programme) -> list[Wave]:
    """Closed waves with a roster the viewer may analyse, oldest first."""
    roles = _require_analyst(viewer, programme)
    waves = closed_roster_waves(programme)
    if Role.PROGRAMME_LEAD not in roles:
        waves = [wave for wave in waves if wave.released_at is not None]
    return waves


def network_wave_for(*, viewer: Any, programme: Programme, wave_id: int) -> Wave:
    for wave in network_waves(viewer=viewer, programme=programme):
        if wave.pk == wave_id:
            return wave
    raise NetworkNotAvailable("That questionnaire has no network you can see yet.")


# ---------------------------------------------------------------------------------------------
# Indices and their change, in plain English
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationIndices:
    relation: Relation
    summary: dict[str, Any]
    bonding: list[tuple[str, float | None, bool]]  # (profession label, density, suppressed)


@dataclass(frozen=True)
class WaveIndices:
    wave: Wave
    respondents: int
    suppressed: bool
    relations: list[RelationIndices]


@dataclass(frozen=True)
class ChangeFacts:
    """The headline figures of `network_change`, under names the templates can rely on."""

    matched: int | None
    gained: int | None
    lost: int | None
    jaccard: float | None
    qap_correlation: float | None
    qap_p: float | None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return len(value)
    return None


def change_facts(change: dict[str, Any]) -> ChangeFacts:
    def first(*keys: str) -> Any:
        for key in keys:
            if key in change:
                return change[key]
        return None

    qap = change.get("qap") or {}
    return ChangeFacts(
        matched=_count(first("people")),
        gained=_count(first("gained")),
        lost=_count(first("lost")),
        jaccard=_get(change, "jaccard"),
        qap_correlation=_get(qap, "correlation") if isinstance(qap, dict) else None,
        qap_p=_get(qap, "p_value") if isinstance(qap, dict) else None,
    )


@dataclass(frozen=True)
class RelationChange:
    relation: Relation
    change: dict[str, Any]
    facts: ChangeFacts
    sentences: list[str]


@dataclass(frozen=True)
class NetworkOverview:
    programme: Programme
    k: int
    waves: list[WaveIndices]
    before: Wave | None = None
    after: Wave | None = None
    changes: list[RelationChange] = field(default_factory=list)


def _profession_label(value: str) -> str:
    try:
        return str(Profession(value).label)
    except ValueError:
        return value.replace("_", " ").capitalize()


def _group_sizes(net: Network, attribute: str = "profession") -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for node in net.nodes:
        sizes[net.attributes[node].get(attribute, "")] += 1
    return sizes


def _relation_indices(data: WaveNetworks, relation: Relation, k: int) -> RelationIndices:
    net = data.networks[relation.id]
    summary = _summary(net)
    sizes = _group_sizes(net)
    bonding = [
        (
            _profession_label(group),
            None if sizes.get(group, 0) < k else density,
            sizes.get(group, 0) < k,
        )
        for group, density in sorted((summary.get("bonding") or {}).items())
    ]
    return RelationIndices(relation=relation, summary=summary, bonding=bonding)


def wave_indices(*, data: WaveNetworks, k: int) -> WaveIndices:
    """Indices of every relation; all suppressed if fewer than k people answered the roster."""
    suppressed = data.respondents < k
    return WaveIndices(
        wave=data.wave,
        respondents=data.respondents,
        suppressed=suppressed,
        relations=[] if suppressed else [_relation_indices(data, r, k) for r in data.relations],
    )


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "not measurable"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def describe_change(
    what: str, before: float | None, after: float | None, *, percent: bool = False
) -> str:
    """One plain-English sentence: "Ties between doctors and managers rose from 0.12 to 0.25"."""
    if before is None or after is None:
        return f"{what}: not measurable in both waves."
    shown_before, shown_after = _number(before, percent), _number(after, percent)
    if abs(after - before) < STEADY:
        return f"{what} stayed about the same ({shown_before} then {shown_after})."
    verb = "rose" if after > before else "fell"
    return f"{what} {verb} from {shown_before} to {shown_after}."


def _get(summary: dict[str, Any], *path: str) -> float | None:
    value: Any = summary
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def change_sentences(
    relation: Relation, before: dict[str, Any], after: dict[str, Any]
) -> list[str]:
    sentences = [
        describe_change(
            f"The density of ties between doctors and managers ({relation.name})",
            _get(before, "bridging", "density_between"),
            _get(after, "bridging", "density_between"),
        ),
        describe_change(
            "The share of ties that cross levels of the organisation (linking)",
            _get(before, "linking", "share_cross_level"),
            _get(after, "linking", "share_cross_level"),
            percent=True,
        ),
    ]
    for group in ("doctor", "manager"):
        sentences.append(
            describe_change(
                f"Ties among {_profession_label(group).lower()}s (bonding)",
                _get(before, "bonding", group),
                _get(after, "bonding", group),
            )
        )
    sentences.append(
        describe_change(
            "Reciprocity (the share of ties named by both people)",
            _get(before, "reciprocity"),
            _get(after, "reciprocity"),
            percent=True,
        )
    )
    return sentences


def network_overview(*, viewer: Any, programme: Programme) -> NetworkOverview:
    """Indices per wave and relation, and the change between the two latest visible waves."""
    waves = network_waves(viewer=viewer, programme=programme)
    k = programme.min_group_size
    built = [data for wave in waves if (data := wave_networks(wave=wave)) is not None]
    indices = [wave_indices(data=data, k=k) for data in built]
    overview = NetworkOverview(programme=programme, k=k, waves=indices)
    shown = [
        (data, index) for data, index in zip(built, indices, strict=True) if not index.suppressed
    ]
    if len(shown) < 2:
        return overview
    (before_data, before_index), (after_data, after_index) = shown[-2], shown[-1]
    changes = []
    for before_rel, after_rel in zip(before_index.relations, after_index.relations, strict=False):
        relation = after_rel.relation
        if before_rel.relation.id != relation.id:
            continue
        change = network_change(
            before_data.networks[relation.id],
            after_data.networks[relation.id],
            group=GROUP,
            level=LEVEL,
            permutations=PERMUTATIONS,
            seed=0,
        )
        changes.append(
            RelationChange(
                relation=relation,
                change=change,
                facts=change_facts(change),
                sentences=change_sentences(relation, before_rel.summary, after_rel.summary),
            )
        )
    return NetworkOverview(
        programme=programme,
        k=k,
        waves=indices,
        before=before_data.wave,
        after=after_data.wave,
        changes=changes,
    )


# ---------------------------------------------------------------------------------------------
# Pair ties, locality matrix, map
# ---------------------------------------------------------------------------------------------


def closed_roster_waves(programme: Programme) -> list[Wave]:
    return [
        wave
        for wave in Wave.objects.filter(programme=programme).order_by("opens_on", "id")
        if wave.has_closed() and roster_section_of(wave) is not None
    ]


def singled_out(programme: Programme) -> set[str]:
    """Codes of people who could be named by which waves they answered.

    The lead knows by name who answered each wave (completion status), and codes are the same in
    every wave; so someone who is, say, the only person to answer the repeat but not the baseline
    would be recognisable on a map. Anyone whose pattern of waves answered is shared by fewer
    than k people is left off every map and pair table (the indices still count them).
    """
    k = programme.min_group_size
    built = [data for wave in closed_roster_waves(programme) if (data := wave_networks(wave=wave))]
    if len(built) < 2:
        return set()
    everyone = set().union(*(set(d.participant_of) for d in built))
    patterns = {code: tuple(code in d.participant_of for d in built) for code in everyone}
    sizes: dict[tuple[bool, ...], int] = defaultdict(int)
    for pattern in patterns.values():
        sizes[pattern] += 1
    return {code for code, pattern in patterns.items() if sizes[pattern] < k}


def without(net: Network, hidden: set[str]) -> Network:
    """The network less the `hidden` people and their ties."""
    if not hidden:
        return net
    return Network(
        nodes=tuple(node for node in net.nodes if node not in hidden),
        edges=tuple(e for e in net.edges if e[0] not in hidden and e[1] not in hidden),
        directed=net.directed,
        attributes={n: a for n, a in net.attributes.items() if n not in hidden},
    )


@dataclass(frozen=True)
class PairTie:
    doctor: str
    manager: str
    # relation id → (doctor names manager, manager names doctor, mutual, doctor's value, manager's)
    ties: dict[str, tuple[bool, bool, bool, float | None, float | None]]


def pair_tie_rows(networks: dict[str, Network], pairs: Iterable[tuple[str, str]]) -> list[PairTie]:
    """For each (doctor, manager) pair of codes: who names whom on each relation."""
    rows: dict[tuple[str, str], dict[str, tuple[bool, bool, bool, float | None, float | None]]]
    rows = {}
    for tie in pair_ties(networks, pairs):
        rows.setdefault((tie["doctor"], tie["manager"]), {})[tie["relation"]] = (
            bool(tie["doctor_names_manager"]),
            bool(tie["manager_names_doctor"]),
            bool(tie["mutual"]),
            tie["weight_doctor_to_manager"],
            tie["weight_manager_to_doctor"],
        )
    return [PairTie(doctor=d, manager=m, ties=ties) for (d, m), ties in rows.items()]


@dataclass(frozen=True)
class PairTiesView:
    wave: Wave
    relations: tuple[Relation, ...]
    rows: list[PairTie]
    left_out: int
    suppressed: bool
    k: int
    mutual_counts: dict[str, int]


def pair_ties_for(*, viewer: Any, programme: Programme, wave: Wave) -> PairTiesView:
    """Doctor–manager pairs (pseudonymised) and whether each names the other, per relation.

    Only pairs in which both people answered the roster are listed: for the others one side of
    the tie is unknown.
    """
    _require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    k = programme.min_group_size
    if data is None or data.respondents < k:
        return PairTiesView(wave, data.relations if data else (), [], 0, True, k, {})
    codes = pseudonyms(programme=programme)
    hidden = singled_out(programme)
    respondents = {pk for code, pk in data.participant_of.items() if code not in hidden}
    pairs = []
    left_out = 0
    for pair in Pair.objects.filter(programme=programme).order_by("pk"):
        if pair.doctor_id in respondents and pair.manager_id in respondents:
            pairs.append((codes[pair.doctor_id], codes[pair.manager_id]))
        else:
            left_out += 1
    # Sorted by code so that row order says nothing about services or names.
    rows = sorted(pair_tie_rows(data.networks, pairs), key=lambda row: row.doctor)
    mutual = {r.id: sum(1 for row in rows if row.ties[r.id][2]) for r in data.relations}
    return PairTiesView(wave, data.relations, rows, left_out, False, k, mutual)


@dataclass(frozen=True)
class MatrixCell:
    count: int | None
    reason: str = ""


@dataclass(frozen=True)
class LocalityMatrix:
    wave: Wave
    relation: Relation
    localities: list[str]
    rows: list[tuple[str, list[MatrixCell]]]
    k: int


def locality_matrix(
    *, viewer: Any, programme: Programme, wave: Wave, relation_id: str
) -> LocalityMatrix | None:
    """Doctor × manager ties by locality: cell (A, B) counts doctor–manager pairs, doctor in A and
    manager in B, with a tie either way. A cell over fewer than k people is suppressed."""
    _require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    k = programme.min_group_size
    if data is None or relation_id not in data.networks or data.respondents < k:
        return None
    net = data.networks[relation_id]
    attrs = net.attributes
    localities = sorted({attrs[node]["locality"] for node in net.nodes})
    doctors: dict[str, set[str]] = defaultdict(set)
    managers: dict[str, set[str]] = defaultdict(set)
    for node in net.nodes:
        if attrs[node]["profession"] == Profession.DOCTOR:
            doctors[attrs[node]["locality"]].add(node)
        elif attrs[node]["profession"] == Profession.MANAGER:
            managers[attrs[node]["locality"]].add(node)
    linked = {frozenset((s, t)) for s, t, _ in net.edges}
    rows = []
    for doctor_locality in localities:
        cells = []
        for manager_locality in localities:
            people = len(doctors[doctor_locality]) + len(managers[manager_locality])
            if people < k:
                cells.append(MatrixCell(None, f"Not shown: {people} people, fewer than {k}."))
                continue
            count = sum(
                1
                for d in doctors[doctor_locality]
                for m in managers[manager_locality]
                if frozenset((d, m)) in linked
            )
            cells.append(MatrixCell(count))
        rows.append((doctor_locality, cells))
    return LocalityMatrix(
        wave=wave, relation=data.relation(relation_id), localities=localities, rows=rows, k=k
    )


@dataclass(frozen=True)
class MapData:
    wave: Wave
    relation: Relation
    network: Network
    summary: dict[str, Any]
    gained: set[tuple[str, str]]
    lost: set[tuple[str, str]]
    compared_with: Wave | None


def network_map(
    *,
    viewer: Any,
    programme: Programme,
    wave: Wave,
    relation_id: str,
    compare_with: Wave | None = None,
) -> MapData | None:
    """One pseudonymised map; with `compare_with`, the ties gained and lost since that wave."""
    _require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    if data is None or relation_id not in data.networks:
        return None
    if data.respondents < programme.min_group_size:
        return None
    hidden = singled_out(programme)
    net = without(data.networks[relation_id], hidden)
    gained: set[tuple[str, str]] = set()
    lost: set[tuple[str, str]] = set()
    if compare_with is not None:
        earlier = wave_networks(wave=compare_with)
        if earlier is not None and relation_id in earlier.networks:
            before = without(earlier.networks[relation_id], hidden)
            # Only people in both waves: a newcomer's ties are not "gained" by the programme.
            both = set(net.nodes) & set(before.nodes)
            now = {(s, t) for s, t, _ in net.edges if s in both and t in both}
            then = {(s, t) for s, t, _ in before.edges if s in both and t in both}
            gained, lost = now - then, then - now
    summary = _summary(net)
    return MapData(
        wave=wave,
        relation=data.relation(relation_id),
        network=net,
        summary=summary,
        gained=gained,
        lost=lost,
        compared_with=compare_with,
    )


def map_elements(data: MapData) -> list[dict[str, Any]]:
    """Cytoscape.js elements: pseudonymised nodes (code, profession, level, degree) and ties."""
    degree: dict[str, int] = defaultdict(int)
    for source, target, _ in data.network.edges:
        degree[source] += 1
        degree[target] += 1
    elements: list[dict[str, Any]] = [
        {
            "data": {
                "id": node,
                "label": node,
                "profession": data.network.attributes[node].get("profession", ""),
                "level": data.network.attributes[node].get("level", ""),
                "degree": degree[node],
            }
        }
        for node in data.network.nodes
    ]
    for source, target, weight in data.network.edges:
        status = "gained" if (source, target) in data.gained else "kept"
        elements.append(
            {
                "data": {
                    "id": f"{source}-{target}",
                    "source": source,
                    "target": target,
                    "weight": weight,
                    "status": status,
                }
            }
        )
    for source, target in sorted(data.lost):
        if source in data.network.nodes and target in data.network.nodes:
            elements.append(
                {
                    "data": {
                        "id": f"{source}-{target}-lost",
                        "source": source,
                        "target": target,
                        "weight": 1.0,
                        "status": "lost",
                    }
                }
            )
    return elements


# ---------------------------------------------------------------------------------------------
# A participant's own ego-network
# ---------------------------------------------------------------------------------------------


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
    participant = (
        Participant.objects.filter(programme=programme, person__user=viewer, role=Role.PARTICIPANT)
        .select_related("person")
        .first()
        if getattr(viewer, "is_authenticated", False)
        else None
    )
    if participant is None:
        raise NetworkNotAvailable(
            "Only participants who answer the stock take have their own network page."
        )
    return participant


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
        if section is None or not wave.has_closed():
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
                profession=_profession_label(entry.alter.person.profession),
                service=entry.alter.person.service.name if entry.alter.person.service else "",
                answers=dict(entry.answers),
            )
            for entry in entries
            if entry.answers
        ]
        named_me: dict[str, set[int]] = defaultdict(set)
        for other_id, answers in RosterEntry.objects.filter(
            invitation__wave=wave,
            invitation__status=InvitationStatus.SUBMITTED,
            section_id=section.id,
            alter=participant,
        ).values_list("invitation__participant_id", "answers"):
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
            shown = len(named) >= k and 0 < back_count < len(named)
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


__all__ = [
    "ROSTER",
    "EgoNetwork",
    "LocalityMatrix",
    "MapData",
    "NetworkNotAvailable",
    "NetworkOverview",
    "PairTiesView",
    "WaveNetworks",
    "can_see_networks",
    "describe_change",
    "ego_network",
    "locality_matrix",
    "map_elements",
    "network_map",
    "network_overview",
    "network_wave_for",
    "network_waves",
    "own_roster_entries",
    "pair_tie_rows",
    "pair_ties_for",
    "pseudonyms",
    "roster_members",
    "wave_networks",
]
