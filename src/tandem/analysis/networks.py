"""Whole-network and ego-network indices for social capital (METHODS.md, "Networks").

A `Network` is a roster of people (string ids, with attributes such as profession and level) and
the ties they named: (source, target, weight), where source named target and the weight is, for
example, how often they talk. Every index below is computed on the *binary* tie set (a tie is
there or not); weights are kept for `pair_ties`, which reports them as they were given.

Definitions (directed unless stated; n people, m ties):

- density = m / (n(n − 1)); undirected m / (n(n − 1)/2).
- dyad census (Holland & Leinhardt 1970): M mutual, A asymmetric and N null pairs,
  M + A + N = n(n − 1)/2. reciprocity = 2M / (2M + A), the share of ties that are reciprocated
  (networkx `overall_reciprocity`). For an undirected network every tie is mutual by
  definition: the census reports M = m, A = 0 and reciprocity is None (not defined).
- transitivity = 3 × triangles / connected triples, on the undirected version of the network (a
  tie in either direction joins two people), as networkx `transitivity` and igraph
  `transitivity_undirected` (R `igraph::transitivity(type = "global")`) compute it.
- in/out-degree: the number of people a person was named by / named. Betweenness (Freeman 1977)
  normalised by (n − 1)(n − 2) (directed) as networkx `betweenness_centrality`; closeness on
  incoming distances with the Wasserman–Faust correction for unreached people, as networkx
  `closeness_centrality` (r / Σd × r / (n − 1), r = people who can reach the person).
- Brokerage roles (Gould & Fernandez 1989), as R `sna::brokerage` counts them: person v brokers
  a → v → c when a ↛ c (a ≠ c). By the group of a, v and c: coordinator A→A→A, itinerant A→B→A,
  representative A→A→B, gatekeeper A→B→B, liaison A→B→C. Undirected ties count both ways.
- Burt's constraint (Burt 1992) as networkx `constraint`: c_i = Σ_j (p_ij + Σ_q p_iq p_qj)²,
  p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki); None for an isolate.
- Communities: Louvain (Blondel et al. 2008) on the undirected version, seeded, with Newman's
  modularity; alignment with the group attribute as normalised mutual information,
  NMI = I(C; G) / ((H(C) + H(G)) / 2) (the arithmetic mean, scikit-learn's default), over the
  people whose group is known.
- E-I index (Krackhardt & Stern 1988) = (E − I) / (E + I), E ties between different groups, I
  within; expected value under random mixing = (P_E − P_I) / (P_E + P_I) from the numbers of
  possible external and internal ties given the group sizes; two-sided permutation p-value
  (group labels shuffled over people, (hits + 1) / (permutations + 1)). Ties to people without a
  group are left out.
- bonding = density within each group; bridging = density of ties between groups (ties between
  different groups over the possible such ties) and the E-I index; linking = the share of ties
  (between people whose level is known) that join different levels.

Large networks use igraph for betweenness, closeness, transitivity and Louvain (the same
definitions; the tests check that both give networkx's numbers); everything else is vectorised
numpy over the edge list, so nothing needs an n × n matrix.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse

from tandem.analysis.errors import AnalysisInputError

FIRST_DATA_ROW = 2
# Above this many people igraph's C code replaces networkx's pure Python for the path-based
# indices; below it networkx is quick enough and is the reference itself.
IGRAPH_FROM_NODES = 1500
# The confidence of the stated error bound of sampled betweenness.
BETWEENNESS_BOUND_DELTA = 0.05
# How many permutations are drawn at once: bounds memory at about chunk × ties × 8 bytes.
_PERMUTATION_CHUNK = 25

Backend = Literal["auto", "networkx", "igraph"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


@dataclass(frozen=True)
class Network:
    """People (`nodes`, string ids), the ties they named and what is known about each person.

    `edges` are (source, target, weight): source named target; weight 1.0 when none was given.
    `attributes` maps a person's id to {"profession": "doctor", "level": "senior", ...}; a
    missing key means not known.
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, float], ...]
    directed: bool = True
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Reading and checking input


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def _columns(row: Mapping[str, str]) -> dict[str, str]:
    """Column name (stripped, lower-case) → the row's key for it."""
    return {_clean(key).lower(): key for key in row if key is not None}


def network_from_rows(
    edge_rows: Iterable[Mapping[str, str]],
    node_rows: Iterable[Mapping[str, str]] | None = None,
    *,
    directed: bool = True,
) -> Network:
    """A checked `Network` from rows of an edge list and, optionally, a list of people.

    Edge rows need "source" and "target" (any case) and may have "weight" (a number ≥ 0, blank =
    1; a weight of 0 means no tie and the row is skipped). Node rows need "id"; every other column
    is an attribute (blank = not known). Rows are numbered as a spreadsheet shows them (header =
    row 1). Raises `AnalysisInputError` naming the row and value for: missing columns, blank ids,
    ids not in the node list (when one is given), repeated ids, a person naming themself, a tie
    given twice (in an undirected network a–b and b–a are the same tie), and weights that are
    not numbers or are negative.
    """
    nodes: list[str] = []
    attributes: dict[str, dict[str, str]] = {}
    known: dict[str, int] | None = None
    if node_rows is not None:
        known = {}
        id_key: str | None = None
        for number, row in enumerate(node_rows, start=FIRST_DATA_ROW):
            if id_key is None:
                columns = _columns(row)
                if "id" not in columns:
                    names = ", ".join(_clean(k) for k in row if k is not None) or "none"
                    raise AnalysisInputError(
                        f"The people (nodes) file needs an “id” column (its columns: {names})."
                    )
                id_key = columns["id"]
            person = _clean(row.get(id_key))
            if not person:
                raise AnalysisInputError(f"Nodes row {number}: the id is empty.")
            if person in known:
                raise AnalysisInputError(
                    f"Nodes row {number} repeats the id “{person}” from row {known[person]}."
                )
            known[person] = number
            nodes.append(person)
            attributes[person] = {
                _clean(key): _clean(value)
                for key, value in row.items()
                if key is not None and key != id_key and _clean(value)
            }
    seen_nodes = set(nodes)
    edges: list[tuple[str, str, float]] = []
    first_row: dict[tuple[str, str], int] = {}
    keys: dict[str, str] | None = None
    for number, row in enumerate(edge_rows, start=FIRST_DATA_ROW):
        if keys is None:
            keys = _columns(row)
            missing = [name for name in ("source", "target") if name not in keys]
            if missing:
                names = ", ".join(_clean(k) for k in row if k is not None) or "none"
                wanted = " and ".join(f"“{name}”" for name in missing)
                raise AnalysisInputError(
                    f"The ties (edges) file needs a {wanted} column (its columns: {names})."
                )
        source, target = _clean(row.get(keys["source"])), _clean(row.get(keys["target"]))
        for role, person in (("source", source), ("target", target)):
            if not person:
                raise AnalysisInputError(f"Edges row {number}: the {role} is empty.")
            if known is not None and person not in known:
                raise AnalysisInputError(
                    f"Edges row {number}: the {role} “{person}” is not in the people (nodes) file."
                )
        if source == target:
            raise AnalysisInputError(
                f"Edges row {number}: “{source}” names themself; a tie must join two people."
            )
        weight = 1.0
        raw = _clean(row.get(keys["weight"])) if "weight" in keys else ""
        if raw:
            try:
                weight = float(raw)
            except ValueError:
                raise AnalysisInputError(
                    f"Edges row {number}: the weight “{raw}” is not a number."
                ) from None
            if not math.isfinite(weight):
                raise AnalysisInputError(
                    f"Edges row {number}: the weight “{raw}” is not a finite number."
                )
            if weight < 0:
                raise AnalysisInputError(
                    f"Edges row {number}: the weight “{raw}” is negative; weights are 0 or more."
                )
            if weight == 0:
                continue
        pair = (source, target) if directed else tuple(sorted((source, target)))
        key = (pair[0], pair[1])
        if key in first_row:
            arrow = "→" if directed else "–"
            raise AnalysisInputError(
                f"Edges row {number} repeats the tie “{source}” {arrow} “{target}” "
                f"from row {first_row[key]}."
            )
        first_row[key] = number
        edges.append((source, target, weight))
        for person in (source, target):
            if person not in seen_nodes:
                seen_nodes.add(person)
                nodes.append(person)
    if not nodes:
        raise AnalysisInputError("There are no people: the files have no ties and no nodes.")
    return Network(nodes=tuple(nodes), edges=tuple(edges), directed=directed, attributes=attributes)


def _read_rows(path: Path, what: str, needed: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise AnalysisInputError(f"File not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = reader.fieldnames
    except UnicodeDecodeError as error:
        raise AnalysisInputError(f"{path} is not UTF-8 text; save it as CSV UTF-8.") from error
    except csv.Error as error:
        raise AnalysisInputError(f"{path} could not be read as CSV: {error}") from error
    if header is None:
        raise AnalysisInputError(f"The {what} file {path} is empty.")
    # With rows, network_from_rows checks the columns; a header alone is checked here.
    present = {_clean(name).lower() for name in header}
    missing = [name for name in needed if name not in present]
    if not rows and missing:
        wanted = " and ".join(f"“{name}”" for name in missing)
        raise AnalysisInputError(f"The {what} file {path} needs a {wanted} column.")
    return rows


def read_network_csv(
    edges_path: str | PathLike[str],
    nodes_path: str | PathLike[str] | None = None,
    *,
    directed: bool = True,
) -> Network:
    """`network_from_rows` over CSV files (UTF-8, with or without the byte-order mark)."""
    edge_rows = _read_rows(Path(edges_path), "ties (edges)", ("source", "target"))
    node_rows = (
        None if nodes_path is None else _read_rows(Path(nodes_path), "people (nodes)", ("id",))
    )
    return network_from_rows(edge_rows, node_rows, directed=directed)


# --------------------------------------------------------------------------------------------
# Index arrays: every vectorised index works on these


@dataclass(frozen=True)
class _Indexed:
    n: int
    source: IntArray  # for undirected networks, source < target
    target: IntArray
    directed: bool

    @property
    def m(self) -> int:
        return len(self.source)

    @property
    def pairs(self) -> int:
        """Possible ties: ordered pairs (directed) or unordered pairs."""
        return self.n * (self.n - 1) // (1 if self.directed else 2)

    def codes(self) -> IntArray:
        return self.source * self.n + self.target


def _index(net: Network) -> _Indexed:
    position = {person: i for i, person in enumerate(net.nodes)}
    if len(position) != len(net.nodes):
        raise AnalysisInputError("A person appears twice in the network's list of people.")
    try:
        source = np.fromiter((position[s] for s, _, _ in net.edges), np.int64, len(net.edges))
        target = np.fromiter((position[t] for _, t, _ in net.edges), np.int64, len(net.edges))
    except KeyError as error:
        raise AnalysisInputError(
            f"A tie names “{error.args[0]}”, who is not a person in the network."
        ) from None
    if not net.directed:
        source, target = np.minimum(source, target), np.maximum(source, target)
    # Networks built by hand (not by network_from_rows) get the same two checks every index
    # relies on: no one names themself and no tie is counted twice.
    loops = np.flatnonzero(source == target)
    if len(loops):
        person = net.edges[int(loops[0])][0]
        raise AnalysisInputError(f"“{person}” names themself; a tie must join two people.")
    codes = source * len(net.nodes) + target
    unique, first = np.unique(codes, return_index=True)
    if len(unique) != len(codes):
        repeated = np.setdiff1d(np.arange(len(codes)), first)[0]
        s, t, _ = net.edges[int(repeated)]
        raise AnalysisInputError(f"The tie “{s}” → “{t}” is given twice.")
    return _Indexed(n=len(net.nodes), source=source, target=target, directed=net.directed)


def _labels(net: Network, attribute: str) -> tuple[IntArray, list[str]]:
    """Each person's attribute value as an integer code (−1 = not known) and the sorted values."""
    values = [net.attributes.get(person, {}).get(attribute, "") for person in net.nodes]
    names = sorted({value for value in values if value})
    if not names:
        columns = sorted({key for attrs in net.attributes.values() for key in attrs})
        listed = ", ".join(columns) or "none"
        raise AnalysisInputError(
            f"No one has a value for “{attribute}” (the people's attributes: {listed})."
        )
    code = {name: i for i, name in enumerate(names)}
    return np.array([code.get(value, -1) for value in values], dtype=np.int64), names


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else float(numerator) / float(denominator)


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


# --------------------------------------------------------------------------------------------
# Structure


def dyad_census(ix: _Indexed) -> dict[str, int]:
    """Mutual, asymmetric and null pairs (Holland & Leinhardt 1970); M + A + N = n(n − 1)/2."""
    total = ix.n * (ix.n - 1) // 2
    if not ix.directed:
        return {"mutual": ix.m, "asymmetric": 0, "null": total - ix.m}
    reverse = ix.target * ix.n + ix.source
    mutual = int(np.isin(ix.codes(), reverse).sum()) // 2
    asymmetric = ix.m - 2 * mutual
    return {"mutual": mutual, "asymmetric": asymmetric, "null": total - mutual - asymmetric}


def burt_constraint(ix: _Indexed) -> list[float | None]:
    """Burt's (1992) constraint c_i = Σ_j (p_ij + Σ_q p_iq p_qj)², networkx `constraint`.

    p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki) over i's contacts (in either direction). With
    sparse matrices, so memory grows with the number of two-step paths, not n².
    """
    n = ix.n
    if ix.m == 0:
        return [None] * n
    weights = sparse.coo_matrix(
        (np.ones(ix.m), (ix.source, ix.target)), shape=(n, n), dtype=np.float64
    ).tocsr()
    # a_ij + a_ji; for an undirected network (stored once, low id first) each tie counts once
    # in each direction's place, which gives the same shares p_ij as networkx's 2 per tie.
    mutual = (weights + weights.T).tocsr()
    strength = np.asarray(mutual.sum(axis=1)).ravel()
    scale = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    share = sparse.diags(scale) @ mutual
    indirect = (share @ share).multiply(share > 0)
    local = share + indirect
    total = np.asarray(local.multiply(local).sum(axis=1)).ravel()
    return [float(total[i]) if strength[i] > 0 else None for i in range(n)]


def brokerage_roles(ix: _Indexed, groups: IntArray) -> IntArray:
    """Gould–Fernandez role counts per person, columns in `BROKERAGE_ROLES` order.

    Enumerates every two-path a → v → c (a ≠ c) with a ↛ c, as R `sna::brokerage` does, with
    numpy over the edge list (the number of two-paths is Σ_v in(v) × out(v)). People whose group
    is not known, and paths through them, are left out.
    """
    n = ix.n
    source, target = ix.source, ix.target
    if not ix.directed:
        source, target = np.concatenate([source, target]), np.concatenate([target, source])
    order = np.argsort(source, kind="stable")
    out_target = target[order]
    out_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=out_start[1:])
    out_degree = out_start[1:] - out_start[:-1]
    roles = np.zeros((n, len(BROKERAGE_ROLES)), dtype=np.int64)
    if len(source) == 0:
        return roles
    tie_codes = np.sort(source * n + target)
    # Each tie a → v followed by each tie v → c, in chunks to bound memory.
    chunk = max(1, 2_000_000 // max(1, int(out_degree.max())))
    for begin in range(0, len(source), chunk):
        a_in = source[begin : begin + chunk]
        v_in = target[begin : begin + chunk]
        counts = out_degree[v_in]
        a = np.repeat(a_in, counts)
        v = np.repeat(v_in, counts)
        offsets = np.arange(len(a)) - np.repeat(np.cumsum(counts) - counts, counts)
        c = out_target[np.repeat(out_start[v_in], counts) + offsets]
        keep = a != c
        a, v, c = a[keep], v[keep], c[keep]
        closing = a * n + c
        found = np.searchsorted(tie_codes, closing)
        found = np.minimum(found, len(tie_codes) - 1)
        open_path = tie_codes[found] != closing
        a, v, c = a[open_path], v[open_path], c[open_path]
        ga, gv, gc = groups[a], groups[v], groups[c]
        known = (ga >= 0) & (gv >= 0) & (gc >= 0)
        ga, gv, gc, v = ga[known], gv[known], gc[known], v[known]
        role = np.select(
            [
                (ga == gv) & (gv == gc),
                (ga == gc) & (ga != gv),
                (ga == gv) & (gv != gc),
                (gv == gc) & (ga != gv),
            ],
            [0, 1, 2, 3],
            default=4,
        )
        np.add.at(roles, (v, role), 1)
    return roles


def _ei_counts(groups: IntArray, source: IntArray, target: IntArray) -> tuple[int, int]:
    external = int((groups[source] != groups[target]).sum())
    return external, len(source) - external


def ei_index(
    ix: _Indexed, groups: IntArray, *, permutations: int, seed: int
) -> dict[str, float | None]:
    """Krackhardt & Stern's E-I index with its expected value and permutation p-value.

    E-I = (E − I) / (E + I). Expected under random mixing given the group sizes n_g of the N
    people with a known group: (P_E − P_I) / (P_E + P_I), P_I = Σ n_g(n_g − 1), P_E = N(N − 1) −
    P_I (halved for undirected, which leaves the ratio unchanged). p: the share of label
    permutations whose |E-I − expected| is at least the observed one, (hits + 1)/(perms + 1).
    """
    keep = (groups[ix.source] >= 0) & (groups[ix.target] >= 0)
    source, target = ix.source[keep], ix.target[keep]
    labelled = groups[groups >= 0]
    sizes = np.bincount(labelled).astype(np.float64)
    people = float(len(labelled))
    internal_possible = float((sizes * (sizes - 1)).sum())
    external_possible = people * (people - 1) - internal_possible
    expected = _ratio(external_possible - internal_possible, external_possible + internal_possible)
    external, internal = _ei_counts(groups, source, target)
    value = _ratio(external - internal, external + internal)
    p_value: float | None = None
    if value is not None and expected is not None and permutations > 0:
        # Relabel only the people with a known group, so the group sizes stay as observed.
        who = np.flatnonzero(groups >= 0)
        # The smallest integer type that holds the labels: the permutations are memory-bound.
        small = np.int8 if len(sizes) < 127 else np.int32
        groups, labelled = groups.astype(small), labelled.astype(small)
        rng = np.random.default_rng(seed)
        observed = abs(value - expected) - 1e-12
        hits = 0
        total = external + internal
        for begin in range(0, permutations, _PERMUTATION_CHUNK):
            size = min(_PERMUTATION_CHUNK, permutations - begin)
            shuffled = np.tile(groups, (size, 1))
            shuffled[:, who] = rng.permuted(np.tile(labelled, (size, 1)), axis=1)
            ext = (shuffled[:, source] != shuffled[:, target]).sum(axis=1)
            scores = (2 * ext - total) / total
            hits += int((np.abs(scores - expected) >= observed).sum())
        p_value = (hits + 1) / (permutations + 1)
    return {"value": value, "expected": expected, "p_value": p_value}


def _group_densities(
    ix: _Indexed, groups: IntArray, names: Sequence[str]
) -> tuple[dict[str, float | None], float | None]:
    """Density within each group (bonding) and of ties between groups (bridging)."""
    divisor = 1 if ix.directed else 2
    gs, gt = groups[ix.source], groups[ix.target]
    known = (gs >= 0) & (gt >= 0)
    within = np.bincount(gs[known & (gs == gt)], minlength=len(names))
    sizes = np.bincount(groups[groups >= 0], minlength=len(names))
    bonding = {
        name: _ratio(int(within[g]), int(sizes[g]) * (int(sizes[g]) - 1) // divisor)
        for g, name in enumerate(names)
    }
    people = int(sizes.sum())
    between_possible = (people * (people - 1) - int((sizes * (sizes - 1)).sum())) // divisor
    between = int((known & (gs != gt)).sum())
    return bonding, _ratio(between, between_possible)


def _nmi(first: IntArray, second: IntArray) -> float | None:
    """Normalised mutual information with the arithmetic mean of the entropies (sklearn default)."""
    if len(first) == 0:
        return None
    _, a = np.unique(first, return_inverse=True)
    _, b = np.unique(second, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    joint = table / table.sum()
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)

    def entropy(p: FloatArray) -> float:
        p = p[p > 0]
        return float(-(p * np.log(p)).sum())

    ha, hb = entropy(pa), entropy(pb)
    if ha == 0 and hb == 0:
        return 1.0
    nz = joint > 0
    mutual = float((joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz])).sum())
    return max(0.0, mutual / ((ha + hb) / 2))


# --------------------------------------------------------------------------------------------
# Path-based indices: networkx (the reference) or igraph (the same definitions, in C)


def _nx_graph(ix: _Indexed) -> nx.Graph:
    graph = nx.DiGraph() if ix.directed else nx.Graph()
    graph.add_nodes_from(range(ix.n))
    graph.add_edges_from(zip(ix.source.tolist(), ix.target.tolist(), strict=True))
    return graph


def _ig_graph(ix: _Indexed, *, directed: bool | None = None) -> Any:
    import igraph as ig

    edges = np.column_stack([ix.source, ix.target]).tolist()
    graph = ig.Graph(n=ix.n, edges=edges, directed=ix.directed if directed is None else directed)
    if directed is False and ix.directed:
        graph.simplify(multiple=True, loops=True)
    return graph


def _reached_by(ix: _Indexed) -> IntArray:
    """For each person, how many others can reach them (follow ties to them), for closeness.

    Strongly connected components, then ancestor sets propagated down the condensation in
    topological order as Python integer bitsets (n bits each): linear in ties × n/64 words.
    """
    from scipy.sparse.csgraph import connected_components

    n = ix.n
    matrix = sparse.coo_matrix((np.ones(ix.m), (ix.source, ix.target)), shape=(n, n)).tocsr()
    count, component = connected_components(
        matrix, directed=ix.directed, connection="strong" if ix.directed else "weak"
    )
    if not ix.directed:
        sizes: IntArray = np.bincount(component, minlength=count)
        reached: IntArray = sizes[component] - 1
        return reached
    members: list[int] = [0] * count
    for person, comp in enumerate(component.tolist()):
        members[comp] |= 1 << person
    cs, ct = component[ix.source], component[ix.target]
    between = cs != ct
    links = np.unique(cs[between] * count + ct[between])
    parents: list[list[int]] = [[] for _ in range(count)]
    indegree = np.zeros(count, dtype=np.int64)
    children: list[list[int]] = [[] for _ in range(count)]
    for code in links.tolist():
        parent, child = divmod(code, count)
        parents[child].append(parent)
        children[parent].append(child)
        indegree[child] += 1
    ancestors: list[int] = [0] * count
    ready = [c for c in range(count) if indegree[c] == 0]
    while ready:
        comp = ready.pop()
        bits = members[comp]
        for parent in parents[comp]:
            bits |= ancestors[parent]
        ancestors[comp] = bits
        for child in children[comp]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    reach = np.array([ancestors[c].bit_count() for c in range(count)], dtype=np.int64)
    reached_directed: IntArray = reach[component] - 1
    return reached_directed


def _betweenness_scale(n: int, directed: bool) -> float:
    if n <= 2:
        return 0.0
    return 1.0 / ((n - 1) * (n - 2)) if directed else 2.0 / ((n - 1) * (n - 2))


def _path_indices(ix: _Indexed, *, backend: str, sample: int | None, seed: int) -> dict[str, Any]:
    """Betweenness, closeness, transitivity and Louvain communities, by the chosen library."""
    n = ix.n
    sources: list[int] | None = None
    if sample is not None and sample < n:
        sources = sorted(np.random.default_rng(seed).choice(n, size=sample, replace=False).tolist())
    if backend == "networkx":
        graph = _nx_graph(ix)
        if sources is None:
            between = nx.betweenness_centrality(graph, normalized=True)
        else:
            between = nx.betweenness_centrality_subset(
                graph, sources=sources, targets=list(range(n)), normalized=False
            )
            # Unnormalised subset betweenness halves undirected counts, as the full one does, so
            # the same scale applies; n/k scales k sources up to all n (Brandes & Pich 2007).
            factor = _betweenness_scale(n, ix.directed) * n / len(sources)
            between = {v: b * factor for v, b in between.items()}
        close = nx.closeness_centrality(graph)
        undirected = graph.to_undirected() if ix.directed else graph
        transitivity = nx.transitivity(undirected)
        if undirected.number_of_edges() == 0:
            membership = list(range(n))
            modularity = None
        else:
            found = nx.community.louvain_communities(undirected, seed=seed)
            modularity = float(nx.community.modularity(undirected, found))
            membership = [0] * n
            for label, community in enumerate(found):
                for person in community:
                    membership[person] = label
        return {
            "betweenness": [float(between[v]) for v in range(n)],
            "closeness": [float(close[v]) for v in range(n)],
            "transitivity": float(transitivity),
            "membership": membership,
            "modularity": modularity,
        }
    graph = _ig_graph(ix)
    raw = np.asarray(
        graph.betweenness(directed=ix.directed, sources=sources)
        if sources is not None
        else graph.betweenness(directed=ix.directed),
        dtype=np.float64,
    )
    factor = _betweenness_scale(n, ix.directed)
    if sources is not None:
        # igraph halves undirected subset counts as networkx does, so one scale serves both.
        factor *= n / len(sources)
    between_list = (raw * factor).tolist()
    inverse_distance = np.asarray(
        graph.closeness(mode="in" if ix.directed else "all", normalized=False), dtype=np.float64
    )
    reach = _reached_by(ix).astype(np.float64)
    inverse_distance = np.nan_to_num(inverse_distance, nan=0.0)
    close = inverse_distance * reach * reach / max(n - 1, 1)
    undirected = _ig_graph(ix, directed=False) if ix.directed else graph
    transitivity = undirected.transitivity_undirected()
    if undirected.ecount() == 0:
        membership = list(range(n))
        modularity = None
    else:
        import igraph as ig

        # igraph draws from Python's `random` by default; a private generator keeps it seeded
        # without disturbing anyone else's random numbers.
        ig.set_random_number_generator(random.Random(seed))
        try:
            clustering = undirected.community_multilevel()
        finally:
            ig.set_random_number_generator(random)
        membership = list(clustering.membership)
        modularity = float(undirected.modularity(membership))
    return {
        "betweenness": between_list,
        "closeness": close.tolist(),
        "transitivity": float(transitivity) if math.isfinite(transitivity) else 0.0,
        "membership": membership,
        "modularity": modularity,
    }


def betweenness_error_bound(n: int, k: int, delta: float = BETWEENNESS_BOUND_DELTA) -> float:
    """Hoeffding bound on sampled betweenness (Brandes & Pich 2007), for everyone at once.

    With k of the n people drawn as sources, each scaled contribution to a person's normalised
    betweenness lies in [0, n/(n − 1)], so by Hoeffding's inequality (which holds for sampling
    without replacement too) and a union bound over the n people, with probability ≥ 1 − δ
    every estimate is within ε = n/(n − 1) × √(ln(2n/δ) / (2k)) of the exact value.
    """
    return (n / (n - 1)) * math.sqrt(math.log(2 * n / delta) / (2 * k))


# --------------------------------------------------------------------------------------------
# The summary


def _choose_backend(n: int, backend: Backend) -> str:
    if backend == "auto":
        return "igraph" if n >= IGRAPH_FROM_NODES else "networkx"
    if backend not in ("networkx", "igraph"):
        raise AnalysisInputError(f"Unknown backend “{backend}” (networkx or igraph).")
    return backend


def network_summary(
    net: Network,
    *,
    group: str | None = None,
    level: str | None = None,
    permutations: int = 1000,
    seed: int = 0,
    betweenness_sample: int | None = None,
    backend: Backend = "auto",
) -> dict[str, Any]:
    """Every whole-network and per-person index of the module docstring, as plain JSON values.

    `group` names the attribute for E-I, bonding, bridging, brokerage and community alignment
    (e.g. "profession"); `level` the one for linking (e.g. "level"). `betweenness_sample` = k
    estimates betweenness from k random sources (Brandes & Pich 2007), with the error bound in
    "betweenness_sampled". Keys: nodes, edges, directed, density, reciprocity, dyad_census,
    transitivity, isolates, ei_index, bonding, bridging, linking, centrality, communities,
    brokerage, constraint, betweenness_sampled, backend. Undefined values are None.
    """
    if permutations < 0:
        raise AnalysisInputError("The number of permutations cannot be negative.")
    if betweenness_sample is not None and betweenness_sample < 1:
        raise AnalysisInputError("The betweenness sample must be at least 1 person.")
    ix = _index(net)
    n, people = ix.n, net.nodes
    census = dyad_census(ix)
    reciprocity = (
        _ratio(2 * census["mutual"], 2 * census["mutual"] + census["asymmetric"])
        if ix.directed
        else None
    )
    out_degree = np.bincount(ix.source, minlength=n)
    in_degree = np.bincount(ix.target, minlength=n)
    if not ix.directed:
        out_degree = in_degree = out_degree + in_degree
    touched = (out_degree + in_degree) > 0
    chosen = _choose_backend(n, backend)
    paths = _path_indices(ix, backend=chosen, sample=betweenness_sample, seed=seed)
    constraint = burt_constraint(ix)
    membership = np.asarray(paths["membership"], dtype=np.int64)

    ei: dict[str, Any] | None = None
    bonding: dict[str, float | None] = {}
    bridging: dict[str, float | None] | None = None
    brokerage: dict[str, dict[str, int]] | None = None
    alignment: float | None = None
    if group is not None:
        groups, names = _labels(net, group)
        ei = {"attribute": group, **ei_index(ix, groups, permutations=permutations, seed=seed)}
        bonding, between = _group_densities(ix, groups, names)
        bridging = {"density_between": between, "ei_index": ei["value"]}
        roles = brokerage_roles(ix, groups)
        brokerage = {
            people[v]: dict(zip(BROKERAGE_ROLES, map(int, roles[v]), strict=True)) for v in range(n)
        }
        known = groups >= 0
        alignment = _nmi(membership[known], groups[known])
    linking: dict[str, float | None] | None = None
    if level is not None:
        levels, _ = _labels(net, level)
        ls, lt = levels[ix.source], levels[ix.target]
        known_ties = (ls >= 0) & (lt >= 0)
        linking = {
            "share_cross_level": _ratio(int((known_ties & (ls != lt)).sum()), int(known_ties.sum()))
        }
    sampled = None
    if betweenness_sample is not None and betweenness_sample < n:
        sampled = {
            "k": betweenness_sample,
            "error_bound": betweenness_error_bound(n, betweenness_sample),
            "confidence": 1 - BETWEENNESS_BOUND_DELTA,
        }
    return {
        "nodes": n,
        "edges": ix.m,
        "directed": ix.directed,
        "density": _ratio(ix.m, ix.pairs),
        "reciprocity": reciprocity,
        "dyad_census": census,
        "transitivity": paths["transitivity"],
        "isolates": [people[v] for v in np.flatnonzero(~touched).tolist()],
        "ei_index": ei,
        "bonding": bonding,
        "bridging": bridging,
        "linking": linking,
        "centrality": {
            people[v]: {
                "in_degree": int(in_degree[v]),
                "out_degree": int(out_degree[v]),
                "betweenness": _finite(paths["betweenness"][v]),
                "closeness": _finite(paths["closeness"][v]),
            }
            for v in range(n)
        },
        "communities": {
            "count": len(set(paths["membership"])),
            "modularity": _finite(paths["modularity"]),
            "alignment": alignment,
            "alignment_measure": "normalised mutual information (arithmetic mean)",
            "membership": {people[v]: int(paths["membership"][v]) for v in range(n)},
        },
        "brokerage": brokerage,
        "constraint": {people[v]: _finite(constraint[v]) for v in range(n)},
        "betweenness_sampled": sampled,
        "backend": chosen,
    }


# --------------------------------------------------------------------------------------------
# Change between two waves


def _subnetwork(net: Network, keep: Sequence[str]) -> Network:
    wanted = set(keep)
    return Network(
        nodes=tuple(keep),
        edges=tuple(e for e in net.edges if e[0] in wanted and e[1] in wanted),
        directed=net.directed,
        attributes={p: net.attributes.get(p, {}) for p in keep},
    )


def qap_correlation(
    before: _Indexed, after: _Indexed, *, permutations: int, seed: int
) -> dict[str, float | None]:
    """Pearson correlation of two binary adjacency matrices over the off-diagonal cells (QAP).

    From the edge lists: with N cells, x = Σ cells of the first, y of the second and b cells in
    both, r = (N·b − x·y) / √((N·x − x²)(N·y − y²)). The p-value permutes the people of the
    second matrix (rows and columns together; Krackhardt 1987): two-sided, the share of
    permutations with |r| at least the observed, (hits + 1) / (perms + 1). The second network's
    ties are looked up in a packed bit set of n² bits, so 10,000 people need 12.5 MB.
    """
    cells = before.pairs
    x, y = before.m, after.m
    codes_after = after.codes()
    overlap = int(np.isin(before.codes(), codes_after).sum())

    def correlation(both: FloatArray | float) -> Any:
        spread = (cells * x - x * x) * (cells * y - y * y)
        return (cells * both - x * y) / math.sqrt(spread)

    if cells == 0 or x in (0, cells) or y in (0, cells):
        return {"correlation": None, "p_value": None}
    observed = float(correlation(float(overlap)))
    p_value: float | None = None
    if permutations > 0:
        n = before.n
        bits = np.zeros(n * n, dtype=bool)
        bits[codes_after] = True
        packed = np.packbits(bits)
        del bits
        rng = np.random.default_rng(seed)
        hits = 0
        for begin in range(0, permutations, _PERMUTATION_CHUNK):
            size = min(_PERMUTATION_CHUNK, permutations - begin)
            moved = rng.permuted(np.tile(np.arange(n, dtype=np.int64), (size, 1)), axis=1)
            s, t = moved[:, before.source], moved[:, before.target]
            if not before.directed:
                s, t = np.minimum(s, t), np.maximum(s, t)
            code = s * n + t
            present = (packed[code >> 3] >> (7 - (code & 7))) & 1
            scores = correlation(present.sum(axis=1).astype(np.float64))
            hits += int((np.abs(scores) >= abs(observed) - 1e-12).sum())
        p_value = (hits + 1) / (permutations + 1)
    return {"correlation": observed, "p_value": p_value}


def _scalar_indices(summary: Mapping[str, Any]) -> dict[str, float | None]:
    def pick(*path: str) -> float | None:
        value: Any = summary
        for key in path:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return None if value is None else float(value)

    indices = {
        "density": pick("density"),
        "reciprocity": pick("reciprocity"),
        "transitivity": pick("transitivity"),
        "isolates": float(len(summary["isolates"])),
        "ei_index": pick("ei_index", "value"),
        "bridging_density": pick("bridging", "density_between"),
        "share_cross_level": pick("linking", "share_cross_level"),
        "modularity": pick("communities", "modularity"),
        "communities": pick("communities", "count"),
    }
    for name, density in summary["bonding"].items():
        indices[f"bonding:{name}"] = None if density is None else float(density)
    return indices


def network_change(
    before: Network,
    after: Network,
    *,
    group: str | None = None,
    level: str | None = None,
    permutations: int = 1000,
    seed: int = 0,
    betweenness_sample: int | None = None,
    backend: Backend = "auto",
) -> dict[str, Any]:
    """What changed between two waves, on the people present in both.

    Returns {"people": matched count, "dropped": {"before_only", "after_only"}, "gained",
    "lost", "kept" (counts), "ties_gained", "ties_lost" (lists of [source, target]), "jaccard"
    (|both| / |either|), "qap": {"correlation", "p_value"}, "indices": {name: {"before",
    "after", "change"}} with change = after − before, "centrality_change": {id: {index:
    change}}, "before", "after" (each wave's `network_summary` on the matched people)}.
    Attributes are taken from the later wave where a person has them, else the earlier.
    """
    if before.directed != after.directed:
        raise AnalysisInputError("One wave's network is directed and the other's is not.")
    present_after = set(after.nodes)
    common = [p for p in before.nodes if p in present_after]
    present_before = set(common)
    if len(common) < 2:
        raise AnalysisInputError(
            f"Only {len(common)} person is in both waves; a change needs at least 2."
        )
    attributes = {
        p: {**before.attributes.get(p, {}), **after.attributes.get(p, {})} for p in common
    }
    first = _subnetwork(Network(before.nodes, before.edges, before.directed, attributes), common)
    second = _subnetwork(Network(after.nodes, after.edges, after.directed, attributes), common)
    ix_before, ix_after = _index(first), _index(second)
    codes_before, codes_after = set(ix_before.codes().tolist()), set(ix_after.codes().tolist())
    n = len(common)

    def ties(codes: Iterable[int]) -> list[list[str]]:
        return [[common[c // n], common[c % n]] for c in sorted(codes)]

    gained, lost = codes_after - codes_before, codes_before - codes_after
    kept = codes_before & codes_after
    either = codes_before | codes_after
    options: dict[str, Any] = {
        "group": group,
        "level": level,
        "permutations": permutations,
        "seed": seed,
        "betweenness_sample": betweenness_sample,
        "backend": backend,
    }
    summary_before = network_summary(first, **options)
    summary_after = network_summary(second, **options)
    scalars_before, scalars_after = (
        _scalar_indices(summary_before),
        _scalar_indices(summary_after),
    )
    indices = {
        name: {
            "before": scalars_before.get(name),
            "after": scalars_after.get(name),
            "change": None
            if scalars_before.get(name) is None or scalars_after.get(name) is None
            else scalars_after[name] - scalars_before[name],  # type: ignore[operator]
        }
        for name in dict.fromkeys([*scalars_before, *scalars_after])
    }

    def delta(a: Any, b: Any) -> float | None:
        return None if a is None or b is None else float(b) - float(a)

    centrality_change = {
        person: {
            index: delta(
                summary_before["centrality"][person][index],
                summary_after["centrality"][person][index],
            )
            for index in ("in_degree", "out_degree", "betweenness", "closeness")
        }
        for person in common
    }
    return {
        "people": n,
        "dropped": {
            "before_only": [p for p in before.nodes if p not in present_after],
            "after_only": [p for p in after.nodes if p not in present_before],
        },
        "gained": len(gained),
        "lost": len(lost),
        "kept": len(kept),
        "ties_gained": ties(gained),
        "ties_lost": ties(lost),
        "jaccard": _ratio(len(kept), len(either)),
        "qap": qap_correlation(ix_before, ix_after, permutations=permutations, seed=seed),
        "indices": indices,
        "centrality_change": centrality_change,
        "before": summary_before,
        "after": summary_after,
    }


# --------------------------------------------------------------------------------------------
# Doctor–manager pairs


def pair_ties(
    net_by_relation: Mapping[str, Network], pairs: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    """For each (doctor, manager) pair and each relation (e.g. "advice", "talk"): who named whom.

    One dict per pair per relation: {"doctor", "manager", "relation", "in_network" (both are
    people of that relation's network), "doctor_names_manager", "manager_names_doctor",
    "mutual", "weight_doctor_to_manager", "weight_manager_to_doctor"} — weights as given (e.g.
    talk frequency), None where there is no tie. In an undirected network a tie counts both ways.
    """
    lookups: dict[str, tuple[set[str], dict[tuple[str, str], float]]] = {}
    for relation, net in net_by_relation.items():
        weights: dict[tuple[str, str], float] = {}
        for source, target, weight in net.edges:
            weights[(source, target)] = weight
            if not net.directed:
                weights[(target, source)] = weight
        lookups[relation] = (set(net.nodes), weights)
    rows: list[dict[str, Any]] = []
    for doctor, manager in pairs:
        for relation, (people, weights) in lookups.items():
            forward = weights.get((doctor, manager))
            backward = weights.get((manager, doctor))
            rows.append(
                {
                    "doctor": doctor,
                    "manager": manager,
                    "relation": relation,
                    "in_network": doctor in people and manager in people,
                    "doctor_names_manager": forward is not None,
                    "manager_names_doctor": backward is not None,
                    "mutual": forward is not None and backward is not None,
                    "weight_doctor_to_manager": forward,
                    "weight_manager_to_doctor": backward,
                }
            )
    return rows
