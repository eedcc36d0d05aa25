"""Indices of each wave's networks and their change between two waves, in plain English.

Every figure passes through the disclosure ledger (`tandem.networks.ledger`): each wave's
indices first, then the change over the people matched across the two waves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tandem.analysis.anonymity import KGate
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks import Network, network_change, network_summary
from tandem.disclosure.ledger import Decisions
from tandem.networks.ledger import NetworkFigures, index_key
from tandem.networks.roster import Relation
from tandem.networks.selectors.building import WaveNetworks, profession_label, wave_networks
from tandem.networks.selectors.permissions import network_waves
from tandem.programmes.models import Profession, Programme
from tandem.surveys.models import Wave

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
            profession_label(group),
            KGate(k).value(density, sizes.get(group, 0)),
            KGate(k).hides(sizes.get(group, 0)),
        )
        for group, density in sorted((summary.get("bonding") or {}).items())
    ]
    return RelationIndices(relation=relation, summary=summary, bonding=bonding)


def wave_indices(*, data: WaveNetworks, k: int, decisions: Decisions) -> WaveIndices:
    """Indices of every relation; all suppressed if fewer than k people answered the roster.

    `decisions` are the ledger's (`NetworkFigures.indices(data)` registered before deciding): a
    relation whose indices it refused keeps only its reason.
    """
    suppressed = KGate(k).hides(data.respondents)
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
                f"Ties among {profession_label(group).lower()}s (bonding)",
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
    shown = [data for data in built if programme.k_gate.shows(data.respondents)]
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
