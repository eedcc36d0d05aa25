"""Reads for working-relationship networks: every permission rule of the networks app is here.

Who sees what (docs/design.md, privacy model):
- the programme lead and sponsors see pseudonymised maps, pair ties and indices — nobody is named,
  people are shown as codes such as "P07" with as much of their profession and level as at
  least k people share (`map_rules`), and no tie's strength is shown anywhere. The lead sees
  every closed wave (its scope frozen: `surveys.selectors.wave_scope`); sponsors only waves whose
  report has been released. Every figure passes through the disclosure ledger
  (`tandem.networks.ledger`), which hides, with the reason, any whose population differs by 1 to
  k − 1 people from one already shown;
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

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks import (
    Coarsened,
    Network,
    coarsen_attributes,
    network_change,
    network_summary,
    pair_ties,
    pool_small_groups,
)
from tandem.audit.services import audit_record
from tandem.disclosure.ledger import Decisions, Scope
from tandem.networks.ledger import (
    LOCALITIES,
    MAP,
    PAIRS,
    NetworkFigures,
    index_key,
)
from tandem.networks.models import RosterEntry
from tandem.networks.roster import ROSTER, Relation, relations, roster_sections
from tandem.programmes.models import Pair, Participant, Profession, Programme, Role
from tandem.programmes.selectors import ProgrammeAccessDenied, viewer_roles
from tandem.surveys.instruments import Section
from tandem.surveys.models import Invitation, InvitationStatus, Wave
from tandem.surveys.selectors import wave_scope

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
    # Bridging is about doctors and managers (DESIGN): other clinicians' ties are not counted.
    return network_summary(
        net,
        group=GROUP,
        level=LEVEL,
        permutations=PERMUTATIONS,
        seed=0,
        bridge=(Profession.DOCTOR, Profession.MANAGER),
    )


class NetworkNotAvailable(ProgrammeAccessDenied):
    """The viewer may not see this network view (or this wave's network)."""


# ---------------------------------------------------------------------------------------------
# Roster members and pseudonyms
# ---------------------------------------------------------------------------------------------


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
        .order_by("person__service__locality__name", "person__service__name", "person__name")
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
        respondent_ids=frozenset(respondents),
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
    # The ledger's reason, in words, when this relation's indices are not shown (summary empty).
    hidden: str | None = None


@dataclass(frozen=True)
class WaveIndices:
    wave: Wave
    respondents: int
    suppressed: bool
    relations: list[RelationIndices]

    @property
    def shown(self) -> list[RelationIndices]:
        return [r for r in self.relations if r.hidden is None]

    @property
    def withheld(self) -> list[RelationIndices]:
        return [r for r in self.relations if r.hidden is not None]


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
    # The ledger's reason, in words, when the change is not shown (change and sentences empty).
    hidden: str | None = None


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


def wave_indices(*, data: WaveNetworks, k: int, decisions: Decisions) -> WaveIndices:
    """Indices of every relation; all suppressed if fewer than k people answered the roster.

    `decisions` are the ledger's (`NetworkFigures.indices(data)` registered before deciding): a
    relation whose indices it refused keeps only its reason.
    """
    suppressed = data.respondents < k
    relations = []
    if not suppressed:
        for relation in data.relations:
            reason = decisions.reason(index_key(data, relation.id))
            relations.append(
                _relation_indices(data, relation, k)
                if reason is None
                else RelationIndices(relation=relation, summary={}, bonding=[], hidden=reason)
            )
    return WaveIndices(
        wave=data.wave, respondents=data.respondents, suppressed=suppressed, relations=relations
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


def _hidden_change(relation: Relation, reason: str) -> RelationChange:
    return RelationChange(
        relation=relation,
        change={},
        facts=ChangeFacts(None, None, None, None, None, None),
        sentences=[],
        hidden=reason,
    )


def network_overview(
    *, viewer: Any, programme: Programme, surface: str = "networks.overview"
) -> NetworkOverview:
    """Indices per wave and relation, and the change between the two latest visible waves.

    Every figure goes through the ledger (`tandem.networks.ledger`): each wave's indices first,
    then the change over the people matched across the two waves, which is hidden with the
    reason if they differ by 1 to k − 1 people from either wave's respondents.
    """
    waves = network_waves(viewer=viewer, programme=programme)
    k = programme.min_group_size
    built = [data for wave in waves if (data := wave_networks(wave=wave)) is not None]
    # A wave below k shows no figure: nothing of it enters the ledger.
    shown = [data for data in built if data.respondents >= k]
    figures = NetworkFigures(programme=programme, surface=surface)
    for data in shown:
        figures.indices(data)
    pair = (shown[-2], shown[-1]) if len(shown) >= 2 else None
    change_keys = {}
    if pair is not None:
        before_data, after_data = pair
        for relation in after_data.relations:
            if relation.id in before_data.networks:
                change_keys[relation.id] = figures.change(before_data, after_data, relation.id)
    decisions = figures.decide()
    indices = [wave_indices(data=data, k=k, decisions=decisions) for data in built]
    if pair is None:
        return NetworkOverview(programme=programme, k=k, waves=indices)
    before_data, after_data = pair
    summaries = {
        (index.wave.pk, r.relation.id): r.summary for index in indices for r in index.shown
    }
    changes = []
    for relation in after_data.relations:
        if relation.id not in change_keys:
            continue
        reason = decisions.reason(change_keys[relation.id])
        if reason is not None:
            changes.append(_hidden_change(relation, reason))
            continue
        try:
            change = network_change(
                before_data.networks[relation.id],
                after_data.networks[relation.id],
                group=GROUP,
                level=LEVEL,
                permutations=PERMUTATIONS,
                seed=0,
            )
        except AnalysisInputError as exc:
            changes.append(_hidden_change(relation, f"Not measurable: {exc}"))
            continue
        changes.append(
            RelationChange(
                relation=relation,
                change=change,
                facts=change_facts(change),
                sentences=change_sentences(
                    relation,
                    summaries[(before_data.wave.pk, relation.id)],
                    summaries[(after_data.wave.pk, relation.id)],
                ),
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


def _singled_out(built: list[WaveNetworks], k: int) -> set[str]:
    if len(built) < 2:
        return set()
    everyone = set().union(*(set(d.participant_of) for d in built))
    patterns = {code: tuple(code in d.participant_of for d in built) for code in everyone}
    sizes: dict[tuple[bool, ...], int] = defaultdict(int)
    for pattern in patterns.values():
        sizes[pattern] += 1
    return {code for code, pattern in patterns.items() if sizes[pattern] < k}


def singled_out(programme: Programme) -> set[str]:
    """Codes of people who could be named by which waves they answered.

    The lead knows by name who answered each wave (completion status), and codes are the same in
    every wave; so someone who is, say, the only person to answer the repeat but not the baseline
    would be recognisable on a map. Anyone whose pattern of waves answered is shared by fewer
    than k people is left off every map and pair table (the indices still count them).
    """
    built = [data for wave in closed_roster_waves(programme) if (data := wave_networks(wave=wave))]
    return _singled_out(built, programme.min_group_size)


# What a map shows of each person: the rest (locality, service, role) never appears beside a code.
SHOWN_ATTRIBUTES = ("profession", "level")


@dataclass(frozen=True)
class MapRules:
    """What maps may show of each person, the same on every map of the programme.

    `left_out`: the codes `singled_out` finds, drawn on no map. `people`: for every other code on
    a map, the attributes it may show (`tandem.analysis.networks.coarsen_attributes`) and whether
    its per-person figures (ties named, named by, its size on the map) may be shown.
    """

    k: int
    left_out: frozenset[str]
    people: Coarsened

    def shown(self, code: str) -> dict[str, str]:
        return self.people.shown.get(code, {})

    def counts_shown(self, code: str) -> bool:
        return self.people.counts_shown(code)

    def counts_hidden(self, nodes: Iterable[str]) -> frozenset[str]:
        return frozenset(code for code in nodes if not self.counts_shown(code))

    @property
    def counts_reason(self) -> str:
        return f"Not shown: fewer than {self.k} people share what is shown of this person."


def map_rules(programme: Programme) -> MapRules:
    """The programme's `MapRules`, from every closed wave with a roster.

    Codes are the same on every wave and the lead knows who answered which, so a person is
    compared only with people on the same maps (waves) who also answered the same ones (a node
    that answered nothing names nobody, which shows): `coarsen_attributes` gets, per wave, the
    people on its maps and its respondents as `visible_sets`. A person whose attributes would be
    shared by fewer than k such people shows less of them; one in a pattern shared by fewer than
    k people in all (the demo's two sponsors, who are never asked) shows nothing, and their
    per-person figures are hidden. Sponsors see only released waves: deciding over every closed
    wave compares people more finely than they can, never less.
    """
    k = programme.min_group_size
    built = [data for wave in closed_roster_waves(programme) if (data := wave_networks(wave=wave))]
    left_out = _singled_out(built, k)
    attributes: dict[str, dict[str, str]] = {}
    visible: list[set[str]] = []
    for data in built:
        drawn = set(data.participant_of) - left_out
        answered = {c for c in drawn if data.participant_of[c] in data.respondent_ids}
        visible += [drawn, answered]
        # Any relation's network: all of a wave's relations have the same people.
        net = next(iter(data.networks.values()), None)
        for code in drawn:
            own = net.attributes.get(code, {}) if net is not None else {}
            attributes[code] = {name: own.get(name, "") for name in SHOWN_ATTRIBUTES}
    people = coarsen_attributes(attributes, k=k, visible_sets=visible, preference=SHOWN_ATTRIBUTES)
    return MapRules(k=k, left_out=frozenset(left_out), people=people)


def map_network(net: Network, rules: MapRules) -> Network:
    """The network as a map may draw it: without the people left out, each person with only the
    attributes `rules` allow, and every tie of weight 1 — a tie's strength (how often two people
    talk) is one person's answer about another, so no page, file or API shows it."""
    kept = without(net, set(rules.left_out))
    return Network(
        nodes=kept.nodes,
        edges=tuple((source, target, 1.0) for source, target, _ in kept.edges),
        directed=kept.directed,
        attributes={node: rules.shown(node) for node in kept.nodes},
    )


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
    # relation id → (doctor names manager, manager names doctor, mutual)
    ties: dict[str, tuple[bool, bool, bool]]


def pair_tie_rows(networks: dict[str, Network], pairs: Iterable[tuple[str, str]]) -> list[PairTie]:
    """For each (doctor, manager) pair of codes: who names whom on each relation — never how
    strongly, which is one person's answer about the other."""
    rows: dict[tuple[str, str], dict[str, tuple[bool, bool, bool]]] = {}
    for tie in pair_ties(networks, pairs):
        rows.setdefault((tie["doctor"], tie["manager"]), {})[tie["relation"]] = (
            bool(tie["doctor_names_manager"]),
            bool(tie["manager_names_doctor"]),
            bool(tie["mutual"]),
        )
    return [PairTie(doctor=d, manager=m, ties=ties) for (d, m), ties in rows.items()]


@dataclass(frozen=True)
class PairRow:
    """One pair's ties by relation (doctor names manager, manager names doctor, mutual), without
    the pair's codes: the columns would give each code's profession, which a map may not show,
    and its partner's code."""

    ties: dict[str, tuple[bool, bool, bool]]


@dataclass(frozen=True)
class PairTiesView:
    wave: Wave
    relations: tuple[Relation, ...]  # the relations shown
    rows: list[PairRow]
    left_out: int
    suppressed: bool
    k: int
    mutual_counts: dict[str, int]
    pairs: int = 0  # pairs in which both people answered (listed when a relation is shown)
    # (relation, the ledger's reason in words) for each relation whose ties are not shown
    withheld: list[tuple[Relation, str]] = field(default_factory=list)
    # Why no row is listed although relations are shown: fewer than k pairs in which both answered
    too_few: str | None = None


def pair_ties_for(*, viewer: Any, programme: Programme, wave: Wave) -> PairTiesView:
    """Doctor–manager pairs and whether each names the other, per relation.

    Only pairs in which both people answered the roster are listed: for the others one side of
    the tie is unknown. Rows carry no codes and are sorted by what they show (mutual first), so
    no row can be tied to a service, a person or a node on a map; with fewer than k such pairs
    no row is listed (the lead knows which pairs answered, so a row would be a known pair's
    answers). A relation whose table the ledger refuses is left out, with the reason.
    """
    _require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    k = programme.min_group_size
    if data is None or data.respondents < k:
        return PairTiesView(wave, data.relations if data else (), [], 0, True, k, {})
    codes = pseudonyms(programme=programme)
    hidden = singled_out(programme)
    figures = NetworkFigures(programme=programme, surface="networks.pairs")
    keys = {r.id: figures.drawn(PAIRS, data, r.id, hidden) for r in data.relations}
    decisions = figures.decide()
    shown = tuple(r for r in data.relations if decisions.shown(keys[r.id]))
    withheld = [(r, decisions.reason(keys[r.id]) or "") for r in data.relations if r not in shown]
    respondents = {pk for code, pk in data.participant_of.items() if code not in hidden}
    pairs = []
    left_out = 0
    for pair in Pair.objects.filter(programme=programme).order_by("pk"):
        if pair.doctor_id in respondents and pair.manager_id in respondents:
            pairs.append((codes[pair.doctor_id], codes[pair.manager_id]))
        else:
            left_out += 1
    networks = {r.id: data.networks[r.id] for r in shown}
    rows = [PairRow(ties=row.ties) for row in pair_tie_rows(networks, pairs)] if shown else []
    rows.sort(key=lambda row: [(not t[2], not t[0], not t[1]) for t in row.ties.values()])
    mutual = {r.id: sum(1 for row in rows if row.ties[r.id][2]) for r in shown}
    too_few = None
    if shown and len(pairs) < k:
        rows, mutual = [], {}
        too_few = (
            f"Not shown: {len(pairs)} {'pair' if len(pairs) == 1 else 'pairs'} in which both "
            f"answered, fewer than {k}."
        )
    return PairTiesView(
        wave,
        shown,
        rows,
        left_out,
        False,
        k,
        mutual,
        pairs=len(pairs),
        withheld=withheld,
        too_few=too_few,
    )


@dataclass(frozen=True)
class MatrixCell:
    count: int | None
    reason: str = ""


@dataclass(frozen=True)
class LocalityMatrix:
    wave: Wave
    relation: Relation
    columns: list[str]  # managers' localities (pooled)
    rows: list[tuple[str, list[MatrixCell]]]  # doctors' localities (pooled), with their cells
    k: int
    hidden: str | None = None  # the ledger's reason, in words, when the matrix is not shown


OTHER_LOCALITIES = "Other localities"
ALL_LOCALITIES = "All localities"


def _pooled(groups: dict[str, set[str]], k: int) -> dict[str, set[str]]:
    """Localities with fewer than k of these people pooled into "Other localities" (see
    `pool_small_groups`); "All localities" when every one is."""
    alone = pool_small_groups({name: len(people) for name, people in groups.items()}, k=k)
    result = {name: groups[name] for name in sorted(groups) if alone[name]}
    pooled = [groups[name] for name in sorted(groups) if not alone[name]]
    if pooled:
        result[OTHER_LOCALITIES if result else ALL_LOCALITIES] = set().union(*pooled)
    return result


def locality_matrix(
    *, viewer: Any, programme: Programme, wave: Wave, relation_id: str
) -> LocalityMatrix | None:
    """Doctor × manager ties by locality: cell (A, B) counts doctor–manager pairs, doctor in A and
    manager in B, with a tie either way.

    A row is the doctors of a locality and a column its managers: a locality with fewer than k
    of them would make each of its cells a figure about those few (a row of one doctor is that
    doctor's own count), so such localities are pooled (`_pooled`), and a row or column still
    under k has its cells hidden with the reason. Like the maps, the matrix leaves out the
    people `singled_out` finds, and the ledger may refuse it (`hidden`) if that leaves 1 to
    k − 1 people out of the wave's indices.
    """
    _require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    k = programme.min_group_size
    if data is None or relation_id not in data.networks or data.respondents < k:
        return None
    hidden = singled_out(programme)
    figures = NetworkFigures(programme=programme, surface="networks.localities")
    key = figures.drawn(LOCALITIES, data, relation_id, hidden)
    refused = figures.decide().reason(key)
    if refused is not None:
        return LocalityMatrix(
            wave=wave,
            relation=data.relation(relation_id),
            columns=[],
            rows=[],
            k=k,
            hidden=refused,
        )
    net = without(data.networks[relation_id], hidden)
    attrs = net.attributes
    by_locality: dict[str, dict[str, set[str]]] = {
        Profession.DOCTOR: defaultdict(set),
        Profession.MANAGER: defaultdict(set),
    }
    for node in net.nodes:
        if attrs[node]["profession"] in by_locality:
            by_locality[attrs[node]["profession"]][attrs[node]["locality"]].add(node)
    doctors = _pooled(by_locality[Profession.DOCTOR], k)
    managers = _pooled(by_locality[Profession.MANAGER], k)
    linked = {frozenset((s, t)) for s, t, _ in net.edges}
    rows = []
    for row, row_people in doctors.items():
        cells = []
        for column_people in managers.values():
            if len(row_people) < k or len(column_people) < k:
                few, who = min((len(row_people), "doctors"), (len(column_people), "managers"))
                cells.append(MatrixCell(None, f"Not shown: {few} {who}, fewer than {k}."))
                continue
            count = sum(1 for d in row_people for m in column_people if frozenset((d, m)) in linked)
            cells.append(MatrixCell(count))
        rows.append((row, cells))
    return LocalityMatrix(
        wave=wave, relation=data.relation(relation_id), columns=list(managers), rows=rows, k=k
    )


@dataclass(frozen=True)
class MapPerson:
    """One code on a map as its table and the interactive map show it: the attributes it may
    show (`map_rules`), and its ties named and named by, None when those are not shown."""

    code: str
    attributes: dict[str, str]
    ties_named: int | None
    named_by: int | None


@dataclass(frozen=True)
class MapData:
    wave: Wave
    relation: Relation
    # Drawn as `map_network` allows: no one left out, attributes coarsened, no tie strengths.
    network: Network
    gained: set[tuple[str, str]]
    lost: set[tuple[str, str]]
    compared_with: Wave | None
    # The ledger's reasons, in words: the map is not shown (network empty), or only the ties
    # gained and lost are not.
    hidden: str | None = None
    change_hidden: str | None = None
    people: tuple[MapPerson, ...] = ()
    counts_reason: str = ""  # why a person's ties named and named by are not shown

    @property
    def counts_hidden(self) -> frozenset[str]:
        return frozenset(p.code for p in self.people if p.ties_named is None)


def _map_people(net: Network, rules: MapRules) -> tuple[MapPerson, ...]:
    named: dict[str, int] = defaultdict(int)
    named_by: dict[str, int] = defaultdict(int)
    for source, target, _ in net.edges:
        named[source] += 1
        named_by[target] += 1
    return tuple(
        MapPerson(
            code=code,
            attributes=dict(net.attributes.get(code, {})),
            ties_named=named[code] if rules.counts_shown(code) else None,
            named_by=named_by[code] if rules.counts_shown(code) else None,
        )
        for code in net.nodes
    )


def network_map(
    *,
    viewer: Any,
    programme: Programme,
    wave: Wave,
    relation_id: str,
    compare_with: Wave | None = None,
) -> MapData | None:
    """One pseudonymised map; with `compare_with`, the ties gained and lost since that wave.

    None when there is no such network or fewer than k people answered its roster; a map the
    ledger refuses comes back empty with its reason (`hidden`), and ties gained and lost it
    refuses are left off with theirs (`change_hidden`). What is drawn of each person follows
    `map_rules`.
    """
    _require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    if data is None or relation_id not in data.networks:
        return None
    if data.respondents < programme.min_group_size:
        return None
    rules = map_rules(programme)
    hidden = set(rules.left_out)
    figures = NetworkFigures(programme=programme, surface="networks.map")
    earlier = wave_networks(wave=compare_with) if compare_with is not None else None
    if earlier is not None and relation_id not in earlier.networks:
        earlier = None
    map_key = figures.drawn(MAP, data, relation_id, hidden)
    change_key = (
        figures.map_change(earlier, data, relation_id, hidden) if earlier is not None else None
    )
    decisions = figures.decide()
    relation = data.relation(relation_id)
    refused = decisions.reason(map_key)
    if refused is not None:
        empty = Network(nodes=(), edges=(), directed=True, attributes={})
        return MapData(wave, relation, empty, set(), set(), compare_with, hidden=refused)
    net = map_network(data.networks[relation_id], rules)
    gained: set[tuple[str, str]] = set()
    lost: set[tuple[str, str]] = set()
    change_hidden = decisions.reason(change_key) if change_key is not None else None
    if earlier is not None and change_hidden is None:
        before = map_network(earlier.networks[relation_id], rules)
        # Only people in both waves: a newcomer's ties are not "gained" by the programme.
        both = set(net.nodes) & set(before.nodes)
        now = {(s, t) for s, t, _ in net.edges if s in both and t in both}
        then = {(s, t) for s, t, _ in before.edges if s in both and t in both}
        gained, lost = now - then, then - now
    return MapData(
        wave=wave,
        relation=relation,
        network=net,
        gained=gained,
        lost=lost,
        compared_with=compare_with,
        change_hidden=change_hidden,
        people=_map_people(net, rules),
        counts_reason=rules.counts_reason,
    )


def map_elements(data: MapData) -> list[dict[str, Any]]:
    """Cytoscape.js elements: pseudonymised nodes (code, the profession and level it may show —
    null when not shown — and its number of ties, null when not shown) and ties, with no
    strength."""
    degree: dict[str, int] = defaultdict(int)
    for source, target, _ in data.network.edges:
        degree[source] += 1
        degree[target] += 1
    hidden = data.counts_hidden
    elements: list[dict[str, Any]] = [
        {
            "data": {
                "id": person.code,
                "label": person.code,
                "profession": person.attributes.get("profession"),
                "level": person.attributes.get("level"),
                "degree": None if person.code in hidden else degree[person.code],
            }
        }
        for person in data.people
    ]
    for source, target, _ in data.network.edges:
        status = "gained" if (source, target) in data.gained else "kept"
        elements.append(
            {
                "data": {
                    "id": f"{source}-{target}",
                    "source": source,
                    "target": target,
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
    "MapPerson",
    "MapRules",
    "NetworkNotAvailable",
    "NetworkOverview",
    "PairRow",
    "PairTiesView",
    "WaveNetworks",
    "can_see_networks",
    "describe_change",
    "ego_network",
    "locality_matrix",
    "map_elements",
    "map_network",
    "map_rules",
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
