"""What a map may show of each person, decided once per programme (`map_rules`), and the
network as a map draws it (`map_network`): people left out, attributes coarsened, no strengths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tandem.analysis.anonymity import KGate
from tandem.analysis.networks import Coarsened, Network, coarsen_attributes
from tandem.networks.selectors.building import WaveNetworks, closed_roster_waves, wave_networks
from tandem.programmes.models import Programme


def _singled_out(built: list[WaveNetworks], k: int) -> set[str]:
    if len(built) < 2:
        return set()
    everyone = set().union(*(set(d.participant_of) for d in built))
    patterns = {code: tuple(code in d.participant_of for d in built) for code in everyone}
    sizes: dict[tuple[bool, ...], int] = defaultdict(int)
    for pattern in patterns.values():
        sizes[pattern] += 1
    return {code for code, pattern in patterns.items() if KGate(k).hides(sizes[pattern])}


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
