"""One pseudonymised network map of a wave and relation, with the ties gained and lost since an
earlier wave, as the page, its table and the interactive map (Cytoscape.js elements) show it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tandem.analysis.networks import Network
from tandem.networks.ledger import MAP, NetworkFigures
from tandem.networks.roster import Relation
from tandem.networks.selectors.building import wave_networks
from tandem.networks.selectors.map_rules import MapRules, map_network, map_rules
from tandem.networks.selectors.permissions import require_analyst
from tandem.programmes.models import Programme
from tandem.surveys.models import Wave


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
    require_analyst(viewer, programme)
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
