"""Doctor–manager pair ties and the locality matrix: who in a pair names whom, and how many
doctor–manager ties join each pair of localities — never how strong a tie is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tandem.analysis.networks import Network, pair_ties, pool_small_groups
from tandem.networks.ledger import LOCALITIES, PAIRS, NetworkFigures
from tandem.networks.roster import Relation
from tandem.networks.selectors.building import pseudonyms, wave_networks
from tandem.networks.selectors.map_rules import singled_out, without
from tandem.networks.selectors.permissions import require_analyst
from tandem.programmes.models import Pair, Profession, Programme
from tandem.surveys.models import Wave


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
    require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    k = programme.min_group_size
    if data is None or programme.k_gate.hides(data.respondents):
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
    if shown and programme.k_gate.hides(len(pairs)):
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
    require_analyst(viewer, programme)
    data = wave_networks(wave=wave)
    k = programme.min_group_size
    if data is None or relation_id not in data.networks or programme.k_gate.hides(data.respondents):
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
            if programme.k_gate.hides(min(len(row_people), len(column_people))):
                few, who = min((len(row_people), "doctors"), (len(column_people), "managers"))
                cells.append(MatrixCell(None, f"Not shown: {few} {who}, fewer than {k}."))
                continue
            count = sum(1 for d in row_people for m in column_people if frozenset((d, m)) in linked)
            cells.append(MatrixCell(count))
        rows.append((row, cells))
    return LocalityMatrix(
        wave=wave, relation=data.relation(relation_id), columns=list(managers), rows=rows, k=k
    )
