"""Path-based indices: networkx (the reference) or igraph (the same definitions, in C)."""

from __future__ import annotations

import math
import random
from typing import Any, Literal

import networkx as nx
import numpy as np
from scipy import sparse

from tandem.analysis.networks._arrays import Indexed, IntArray

# Above this many people igraph's C code replaces networkx's pure Python for the path-based
# indices; below it networkx is quick enough and is the reference itself.
IGRAPH_FROM_NODES = 1500
# The confidence of the stated error bound of sampled betweenness.
BETWEENNESS_BOUND_DELTA = 0.05

Backend = Literal["auto", "networkx", "igraph"]


def networkx_graph(ix: Indexed) -> nx.Graph:
    graph = nx.DiGraph() if ix.directed else nx.Graph()
    graph.add_nodes_from(range(ix.n))
    graph.add_edges_from(zip(ix.source.tolist(), ix.target.tolist(), strict=True))
    return graph


def igraph_graph(ix: Indexed, *, directed: bool | None = None) -> Any:
    import igraph as ig

    edges = np.column_stack([ix.source, ix.target]).tolist()
    graph = ig.Graph(n=ix.n, edges=edges, directed=ix.directed if directed is None else directed)
    if directed is False and ix.directed:
        graph.simplify(multiple=True, loops=True)
    return graph


def reached_by(ix: Indexed) -> IntArray:
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


def betweenness_scale(n: int, directed: bool) -> float:
    if n <= 2:
        return 0.0
    return 1.0 / ((n - 1) * (n - 2)) if directed else 2.0 / ((n - 1) * (n - 2))


def multilevel_membership(ix: Indexed, *, seed: int) -> list[int]:
    """Louvain communities (Blondel et al. 2008) of the undirected network, by igraph."""
    import igraph as ig

    undirected = igraph_graph(ix, directed=False) if ix.directed else igraph_graph(ix)
    # igraph draws from Python's `random` by default; a private generator keeps it seeded
    # without disturbing anyone else's random numbers.
    ig.set_random_number_generator(random.Random(seed))
    try:
        clustering = undirected.community_multilevel()
    finally:
        ig.set_random_number_generator(random)
    return list(clustering.membership)


def path_indices(ix: Indexed, *, backend: str, sample: int | None, seed: int) -> dict[str, Any]:
    """Betweenness, closeness, transitivity and Louvain communities, by the chosen library."""
    n = ix.n
    sources: list[int] | None = None
    if sample is not None and sample < n:
        sources = sorted(np.random.default_rng(seed).choice(n, size=sample, replace=False).tolist())
    if backend == "networkx":
        graph = networkx_graph(ix)
        if sources is None:
            between = nx.betweenness_centrality(graph, normalized=True)
        else:
            between = nx.betweenness_centrality_subset(
                graph, sources=sources, targets=list(range(n)), normalized=False
            )
            # Unnormalised subset betweenness halves undirected counts, as the full one does, so
            # the same scale applies; n/k scales k sources up to all n (Brandes & Pich 2007).
            factor = betweenness_scale(n, ix.directed) * n / len(sources)
            between = {v: b * factor for v, b in between.items()}
        close = nx.closeness_centrality(graph)
        undirected = graph.to_undirected() if ix.directed else graph
        transitivity = nx.transitivity(undirected)
        if undirected.number_of_edges() == 0:
            membership = list(range(n))
            modularity = None
        else:
            # Louvain by igraph's C implementation in both backends: networkx 3.6's pure-Python
            # `louvain_communities` can move nodes back and forth for ever when two gains differ
            # only by rounding (a 7-person network hung a CI run); igraph compares with a
            # tolerance. The modularity is still networkx's, of the partition returned.
            membership = multilevel_membership(ix, seed=seed)
            found = [
                {v for v in range(n) if membership[v] == label} for label in sorted(set(membership))
            ]
            modularity = float(nx.community.modularity(undirected, found))
        return {
            "betweenness": [float(between[v]) for v in range(n)],
            "closeness": [float(close[v]) for v in range(n)],
            "transitivity": float(transitivity),
            "membership": membership,
            "modularity": modularity,
        }
    graph = igraph_graph(ix)
    raw = np.asarray(
        graph.betweenness(directed=ix.directed, sources=sources)
        if sources is not None
        else graph.betweenness(directed=ix.directed),
        dtype=np.float64,
    )
    factor = betweenness_scale(n, ix.directed)
    if sources is not None:
        # igraph halves undirected subset counts as networkx does, so one scale serves both.
        factor *= n / len(sources)
    between_list = (raw * factor).tolist()
    inverse_distance = np.asarray(
        graph.closeness(mode="in" if ix.directed else "all", normalized=False), dtype=np.float64
    )
    reach = reached_by(ix).astype(np.float64)
    inverse_distance = np.nan_to_num(inverse_distance, nan=0.0)
    close = inverse_distance * reach * reach / max(n - 1, 1)
    undirected = igraph_graph(ix, directed=False) if ix.directed else graph
    transitivity = undirected.transitivity_undirected()
    if undirected.ecount() == 0:
        membership = list(range(n))
        modularity = None
    else:
        membership = multilevel_membership(ix, seed=seed)
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
