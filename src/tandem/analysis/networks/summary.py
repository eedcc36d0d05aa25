"""`network_summary`: every whole-network and per-person index of one network."""

from __future__ import annotations

from typing import Any

import numpy as np

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks._arrays import attribute_codes, finite, index_network, ratio
from tandem.analysis.networks.paths import (
    BETWEENNESS_BOUND_DELTA,
    IGRAPH_FROM_NODES,
    Backend,
    betweenness_error_bound,
    path_indices,
)
from tandem.analysis.networks.rows import Network
from tandem.analysis.networks.structure import (
    BROKERAGE_ROLES,
    brokerage_roles,
    burt_constraint,
    dyad_census,
    ei_index,
    group_densities,
    normalised_mutual_information,
    pair_density,
)


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
    bridge: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Every whole-network and per-person index of the module docstring, as plain JSON values.

    `group` names the attribute for E-I, bonding, bridging, brokerage and community alignment
    (e.g. "profession"); `level` the one for linking (e.g. "level"). `betweenness_sample` = k
    estimates betweenness from k random sources (Brandes & Pich 2007), with the error bound in
    "betweenness_sampled". `bridge` names the two groups bridging is about (e.g. doctor and
    manager): its density counts only ties between those two, as METHODS defines bridging;
    without it, ties between any two different groups. Keys: nodes, edges, directed, density, reciprocity, dyad_census,
    transitivity, isolates, ei_index, bonding, bridging, linking, centrality, communities,
    brokerage, constraint, betweenness_sampled, backend. Undefined values are None.
    """
    if permutations < 0:
        raise AnalysisInputError("The number of permutations cannot be negative.")
    if betweenness_sample is not None and betweenness_sample < 1:
        raise AnalysisInputError("The betweenness sample must be at least 1 person.")
    ix = index_network(net)
    n, people = ix.n, net.nodes
    census = dyad_census(ix)
    reciprocity = (
        ratio(2 * census["mutual"], 2 * census["mutual"] + census["asymmetric"])
        if ix.directed
        else None
    )
    out_degree = np.bincount(ix.source, minlength=n)
    in_degree = np.bincount(ix.target, minlength=n)
    if not ix.directed:
        out_degree = in_degree = out_degree + in_degree
    touched = (out_degree + in_degree) > 0
    chosen = _choose_backend(n, backend)
    paths = path_indices(ix, backend=chosen, sample=betweenness_sample, seed=seed)
    constraint = burt_constraint(ix)
    membership = np.asarray(paths["membership"], dtype=np.int64)

    ei: dict[str, Any] | None = None
    bonding: dict[str, float | None] = {}
    bridging: dict[str, float | None] | None = None
    brokerage: dict[str, dict[str, int]] | None = None
    alignment: float | None = None
    if group is not None:
        groups, names = attribute_codes(net, group)
        ei = {"attribute": group, **ei_index(ix, groups, permutations=permutations, seed=seed)}
        bonding, between = group_densities(ix, groups, names)
        if bridge is not None:
            codes = {name: code for code, name in enumerate(names)}
            between = (
                pair_density(ix, groups, codes[bridge[0]], codes[bridge[1]])
                if bridge[0] in codes and bridge[1] in codes
                else None
            )
        bridging = {"density_between": between, "ei_index": ei["value"]}
        roles = brokerage_roles(ix, groups)
        brokerage = {
            people[v]: dict(zip(BROKERAGE_ROLES, map(int, roles[v]), strict=True)) for v in range(n)
        }
        known = groups >= 0
        alignment = normalised_mutual_information(membership[known], groups[known])
    linking: dict[str, float | None] | None = None
    if level is not None:
        levels, _ = attribute_codes(net, level)
        ls, lt = levels[ix.source], levels[ix.target]
        known_ties = (ls >= 0) & (lt >= 0)
        linking = {
            "share_cross_level": ratio(int((known_ties & (ls != lt)).sum()), int(known_ties.sum()))
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
        "density": ratio(ix.m, ix.pairs),
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
                "betweenness": finite(paths["betweenness"][v]),
                "closeness": finite(paths["closeness"][v]),
            }
            for v in range(n)
        },
        "communities": {
            "count": len(set(paths["membership"])),
            "modularity": finite(paths["modularity"]),
            "alignment": alignment,
            "alignment_measure": "normalised mutual information (arithmetic mean)",
            "membership": {people[v]: int(paths["membership"][v]) for v in range(n)},
        },
        "brokerage": brokerage,
        "constraint": {people[v]: finite(constraint[v]) for v in range(n)},
        "betweenness_sampled": sampled,
        "backend": chosen,
    }
